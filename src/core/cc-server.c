/* cc-server.c: one server: FQDN, role, interfaces, assignments and its four stores. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cc-core-private.h"

typedef struct
{
  char *thumbprint;
  gboolean forced;
} Assignment;

struct _CcServer
{
  GObject parent_instance;

  CcPool *pool;                        /* weak: the pool owns its servers */
  char *fqdn;
  char *path;
  CcRole role;
  gboolean interfaces[CC_N_INTERFACES];
  char *hosts[CC_N_INTERFACES];
  Assignment assignments[CC_N_INTERFACES];
  CcStore *stores[CC_N_STORES];
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CcServer, cc_server, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum
{
  PROP_0,
  PROP_FQDN,
  PROP_ROLE,
  PROP_DISPLAY_NAME,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static GType
list_model_get_item_type (GListModel *model)
{
  return CC_TYPE_STORE;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return CC_N_STORES;
}

static gpointer
list_model_get_item (GListModel *model, guint position)
{
  CcServer *self = CC_SERVER (model);
  if (position >= CC_N_STORES)
    return NULL;
  return g_object_ref (self->stores[position]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
cc_server_finalize (GObject *object)
{
  CcServer *self = CC_SERVER (object);

  for (guint i = 0; i < CC_N_STORES; i++)
    g_clear_object (&self->stores[i]);
  for (guint i = 0; i < CC_N_INTERFACES; i++)
    {
      g_free (self->hosts[i]);
      g_free (self->assignments[i].thumbprint);
    }
  g_free (self->fqdn);
  g_free (self->path);
  G_OBJECT_CLASS (cc_server_parent_class)->finalize (object);
}

static void
cc_server_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcServer *self = CC_SERVER (object);
  switch (prop_id)
    {
    case PROP_FQDN:
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->fqdn);
      break;
    case PROP_ROLE: g_value_set_uint (value, self->role); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_server_class_init (CcServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cc_server_finalize;
  object_class->get_property = cc_server_get_property;
  properties[PROP_FQDN] = g_param_spec_string ("fqdn", NULL, NULL, NULL, ro);
  properties[PROP_ROLE] = g_param_spec_uint ("role", NULL, NULL, 0, CC_N_ROLES - 1, 0, ro);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cc_server_init (CcServer *self)
{
}

CcServer *
_cc_server_new (CcPool *pool, const char *fqdn, CcRole role)
{
  CcServer *self = g_object_new (CC_TYPE_SERVER, NULL);
  CcDeployment *deployment = cc_site_get_deployment (cc_pool_get_site (pool));
  const CcInterface *ifaces;
  guint n;

  self->pool = pool;
  self->fqdn = g_ascii_strdown (fqdn, -1);
  self->role = role;
  self->path = g_build_filename (cc_deployment_get_path (deployment), "servers", self->fqdn, NULL);
  ifaces = cc_role_get_interfaces (role, &n);
  for (guint i = 0; i < n; i++)
    self->interfaces[ifaces[i]] = TRUE;
  for (guint i = 0; i < CC_N_STORES; i++)
    self->stores[i] = _cc_store_new (self, i);
  return self;
}

void
_cc_server_set_pool (CcServer *self, CcPool *pool)
{
  self->pool = pool;
}

void
_cc_server_set_interfaces (CcServer *self, GArray *ifaces)
{
  memset (self->interfaces, 0, sizeof self->interfaces);
  for (guint i = 0; i < ifaces->len; i++)
    self->interfaces[g_array_index (ifaces, CcInterface, i)] = TRUE;
}

void
_cc_server_set_interface_host (CcServer *self, CcInterface iface, const char *host)
{
  g_free (self->hosts[iface]);
  self->hosts[iface] = host && *host ? g_ascii_strdown (host, -1) : NULL;
}

CcDeployment *
_cc_server_get_deployment (CcServer *self)
{
  if (self->pool == NULL || cc_pool_get_site (self->pool) == NULL)
    return NULL;
  return cc_site_get_deployment (cc_pool_get_site (self->pool));
}

const char *
cc_server_get_fqdn (CcServer *self)
{
  g_return_val_if_fail (CC_IS_SERVER (self), NULL);
  return self->fqdn;
}

CcRole
cc_server_get_role (CcServer *self)
{
  g_return_val_if_fail (CC_IS_SERVER (self), 0);
  return self->role;
}

CcPool *
cc_server_get_pool (CcServer *self)
{
  g_return_val_if_fail (CC_IS_SERVER (self), NULL);
  return self->pool;
}

const char *
cc_server_get_path (CcServer *self)
{
  g_return_val_if_fail (CC_IS_SERVER (self), NULL);
  return self->path;
}

CcStore *
cc_server_get_store (CcServer *self, CcStoreKind kind)
{
  g_return_val_if_fail (CC_IS_SERVER (self), NULL);
  g_return_val_if_fail (kind < CC_N_STORES, NULL);
  return self->stores[kind];
}

GArray *
cc_server_dup_interfaces (CcServer *self)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (CcInterface));

  g_return_val_if_fail (CC_IS_SERVER (self), out);
  for (CcInterface i = 0; i < CC_N_INTERFACES; i++)
    if (self->interfaces[i])
      g_array_append_val (out, i);
  return out;
}

gboolean
cc_server_has_interface (CcServer *self, CcInterface iface)
{
  g_return_val_if_fail (CC_IS_SERVER (self), FALSE);
  return iface < CC_N_INTERFACES && self->interfaces[iface];
}

const char *
cc_server_get_interface_host (CcServer *self, CcInterface iface)
{
  g_return_val_if_fail (CC_IS_SERVER (self), NULL);
  g_return_val_if_fail (iface < CC_N_INTERFACES, NULL);
  return self->hosts[iface];
}

const char *
cc_server_get_assignment (CcServer *self, CcInterface iface)
{
  g_return_val_if_fail (CC_IS_SERVER (self), NULL);
  g_return_val_if_fail (iface < CC_N_INTERFACES, NULL);
  return self->assignments[iface].thumbprint;
}

gboolean
cc_server_get_assignment_forced (CcServer *self, CcInterface iface)
{
  g_return_val_if_fail (CC_IS_SERVER (self), FALSE);
  g_return_val_if_fail (iface < CC_N_INTERFACES, FALSE);
  return self->assignments[iface].forced;
}

void
cc_server_set_assignment (CcServer *self, CcInterface iface, const char *thumbprint,
                          gboolean forced)
{
  g_return_if_fail (CC_IS_SERVER (self));
  g_return_if_fail (iface < CC_N_INTERFACES);

  g_free (self->assignments[iface].thumbprint);
  self->assignments[iface].thumbprint = thumbprint ? g_ascii_strdown (thumbprint, -1) : NULL;
  self->assignments[iface].forced = thumbprint != NULL && forced;
  if (thumbprint != NULL)
    self->interfaces[iface] = TRUE;
  _cc_store_refresh_assignments (self->stores[CC_STORE_PERSONAL]);
}

char *
cc_server_dup_assigned_to (CcServer *self, const char *thumbprint)
{
  GString *s = NULL;

  g_return_val_if_fail (CC_IS_SERVER (self), NULL);
  if (thumbprint == NULL)
    return NULL;
  for (guint i = 0; i < CC_N_INTERFACES; i++)
    {
      if (self->assignments[i].thumbprint == NULL
          || g_ascii_strcasecmp (self->assignments[i].thumbprint, thumbprint) != 0)
        continue;
      if (s == NULL)
        s = g_string_new (NULL);
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", cc_interface_to_id (i));
    }
  return s ? g_string_free (s, FALSE) : NULL;
}

guint
cc_server_count_certificates (CcServer *self)
{
  guint n = 0;

  g_return_val_if_fail (CC_IS_SERVER (self), 0);
  for (guint i = 0; i < CC_N_STORES; i++)
    n += cc_store_count_on_disk (self->stores[i]);
  return n;
}

gboolean
_cc_server_write_assigned (CcServer     *self,
                           CcInterface   iface,
                           const char   *chain_pem,
                           GBytes       *key_pem,
                           GError      **error)
{
  g_autofree char *dir = g_build_filename (self->path, "assigned", NULL);
  g_autofree char *pem_path = g_strdup_printf ("%s/%s.pem", dir, cc_interface_to_id (iface));
  g_autofree char *key_path = g_strdup_printf ("%s/%s.key", dir, cc_interface_to_id (iface));

  return _cc_mkdir (dir, 0700, error)
         && (key_pem == NULL
             || _cc_write_file_atomic (key_path, g_bytes_get_data (key_pem, NULL),
                                       g_bytes_get_size (key_pem), 0600, error))
         && _cc_write_file_atomic (pem_path, chain_pem, strlen (chain_pem), 0644, error);
}
