/* cc-authority.c: a certification authority the deployment knows. */
#include "config.h"

#include "cc-authority.h"

struct _CcAuthority
{
  GObject parent_instance;
  char *name;
  CcAuthorityKind kind;
  char *root;
  char *issuing;
  char *url;
};

G_DEFINE_FINAL_TYPE (CcAuthority, cc_authority, G_TYPE_OBJECT)

static const char *kind_ids[] = { "lab", "offline", "online" };

static void
cc_authority_finalize (GObject *object)
{
  CcAuthority *self = CC_AUTHORITY (object);
  g_free (self->name);
  g_free (self->root);
  g_free (self->issuing);
  g_free (self->url);
  G_OBJECT_CLASS (cc_authority_parent_class)->finalize (object);
}

static void
cc_authority_class_init (CcAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cc_authority_finalize;
}

static void
cc_authority_init (CcAuthority *self)
{
}

CcAuthority *
cc_authority_new (const char *name, CcAuthorityKind kind)
{
  CcAuthority *self = g_object_new (CC_TYPE_AUTHORITY, NULL);
  self->name = g_strdup (name);
  self->kind = kind;
  return self;
}

const char *
cc_authority_get_name (CcAuthority *self)
{
  g_return_val_if_fail (CC_IS_AUTHORITY (self), NULL);
  return self->name;
}

CcAuthorityKind
cc_authority_get_kind (CcAuthority *self)
{
  g_return_val_if_fail (CC_IS_AUTHORITY (self), 0);
  return self->kind;
}

const char *
cc_authority_kind_to_id (CcAuthorityKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_ids), NULL);
  return kind_ids[kind];
}

gboolean
cc_authority_kind_from_id (const char *id, CcAuthorityKind *out_kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_ids); i++)
    if (g_strcmp0 (kind_ids[i], id) == 0)
      {
        *out_kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
cc_authority_get_root_thumbprint (CcAuthority *self)
{
  g_return_val_if_fail (CC_IS_AUTHORITY (self), NULL);
  return self->root;
}

const char *
cc_authority_get_issuing_thumbprint (CcAuthority *self)
{
  g_return_val_if_fail (CC_IS_AUTHORITY (self), NULL);
  return self->issuing;
}

void
cc_authority_set_thumbprints (CcAuthority *self, const char *root, const char *issuing)
{
  g_return_if_fail (CC_IS_AUTHORITY (self));
  g_free (self->root);
  self->root = g_strdup (root);
  g_free (self->issuing);
  self->issuing = g_strdup (issuing);
}

const char *
cc_authority_get_url (CcAuthority *self)
{
  g_return_val_if_fail (CC_IS_AUTHORITY (self), NULL);
  return self->url;
}

void
cc_authority_set_url (CcAuthority *self, const char *url)
{
  g_return_if_fail (CC_IS_AUTHORITY (self));
  g_free (self->url);
  self->url = g_strdup (url);
}
