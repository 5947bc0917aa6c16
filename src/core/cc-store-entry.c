/* cc-store-entry.c: a row of a store: the shared certificate plus this server's metadata. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cc-core-private.h"

struct _CcStoreEntry
{
  GObject parent_instance;

  CcCertificate *certificate;
  const char *id;   /* the certificate's thumbprint, or id_owned (a request's id) */
  char *id_owned;
  char *friendly_name;
  gboolean has_private_key;
  gboolean exportable;
  char *source;
  GDateTime *added;
  char *subject;
  char *iface;
  char *key_type;
  char *assigned_to;
};

G_DEFINE_FINAL_TYPE (CcStoreEntry, cc_store_entry, G_TYPE_OBJECT)

/* entries alive in this process: stores make them only when asked (the tests count them) */
static gint n_live;

enum
{
  PROP_0,
  PROP_CERTIFICATE,
  PROP_ID,
  PROP_FRIENDLY_NAME,
  PROP_HAS_PRIVATE_KEY,
  PROP_EXPORTABLE,
  PROP_SUBJECT,
  PROP_INTERFACE,
  PROP_KEY_TYPE,
  PROP_ASSIGNED_TO,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
cc_store_entry_finalize (GObject *object)
{
  CcStoreEntry *self = CC_STORE_ENTRY (object);

  g_clear_object (&self->certificate);
  g_free (self->id_owned);
  g_free (self->friendly_name);
  g_free (self->source);
  g_clear_pointer (&self->added, g_date_time_unref);
  g_free (self->subject);
  g_free (self->iface);
  g_free (self->key_type);
  g_free (self->assigned_to);
  g_atomic_int_add (&n_live, -1);
  G_OBJECT_CLASS (cc_store_entry_parent_class)->finalize (object);
}

static void
cc_store_entry_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcStoreEntry *self = CC_STORE_ENTRY (object);
  switch (prop_id)
    {
    case PROP_CERTIFICATE: g_value_set_object (value, self->certificate); break;
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_FRIENDLY_NAME: g_value_set_string (value, cc_store_entry_get_friendly_name (self)); break;
    case PROP_HAS_PRIVATE_KEY: g_value_set_boolean (value, self->has_private_key); break;
    case PROP_EXPORTABLE: g_value_set_boolean (value, self->exportable); break;
    case PROP_SUBJECT: g_value_set_string (value, cc_store_entry_get_subject (self)); break;
    case PROP_INTERFACE: g_value_set_string (value, cc_store_entry_get_interface (self)); break;
    case PROP_KEY_TYPE: g_value_set_string (value, cc_store_entry_get_key_type (self)); break;
    case PROP_ASSIGNED_TO: g_value_set_string (value, cc_store_entry_get_assigned_to (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_store_entry_class_init (CcStoreEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = cc_store_entry_finalize;
  object_class->get_property = cc_store_entry_get_property;

  properties[PROP_CERTIFICATE] =
    g_param_spec_object ("certificate", NULL, NULL, CC_TYPE_CERTIFICATE, ro);
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_FRIENDLY_NAME] = g_param_spec_string ("friendly-name", NULL, NULL, NULL, ro);
  properties[PROP_HAS_PRIVATE_KEY] =
    g_param_spec_boolean ("has-private-key", NULL, NULL, FALSE, ro);
  properties[PROP_EXPORTABLE] = g_param_spec_boolean ("exportable", NULL, NULL, FALSE, ro);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, ro);
  properties[PROP_INTERFACE] = g_param_spec_string ("interface", NULL, NULL, NULL, ro);
  properties[PROP_KEY_TYPE] = g_param_spec_string ("key-type", NULL, NULL, NULL, ro);
  properties[PROP_ASSIGNED_TO] = g_param_spec_string ("assigned-to", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cc_store_entry_init (CcStoreEntry *self)
{
  g_atomic_int_inc (&n_live);
}

guint
_cc_store_entry_get_n_live (void)
{
  return (guint) g_atomic_int_get (&n_live);
}

CcStoreEntry *
_cc_store_entry_new (CcCertificate *certificate)
{
  CcStoreEntry *self = g_object_new (CC_TYPE_STORE_ENTRY, NULL);

  if (certificate != NULL)
    {
      self->certificate = g_object_ref (certificate);
      /* borrowed: the entry holds the certificate (a store of 10,000 servers has millions
       * of entries, and this is a quarter of each) */
      self->id = cc_certificate_get_thumbprint (certificate);
    }
  return self;
}

void
_cc_store_entry_set_id (CcStoreEntry *self, const char *id)
{
  g_free (self->id_owned);
  self->id = self->id_owned = g_strdup (id);
}

void
_cc_store_entry_set_metadata (CcStoreEntry *self,
                              const char   *friendly_name,
                              gboolean      has_private_key,
                              gboolean      exportable,
                              const char   *source,
                              GDateTime    *added)
{
  g_free (self->friendly_name);
  self->friendly_name = g_strdup (friendly_name);
  self->has_private_key = has_private_key;
  self->exportable = exportable;
  g_free (self->source);
  self->source = g_strdup (source);
  g_clear_pointer (&self->added, g_date_time_unref);
  self->added = added ? g_date_time_ref (added) : NULL;
}

void
_cc_store_entry_set_request (CcStoreEntry *self,
                             const char   *subject,
                             const char   *iface,
                             const char   *key_type)
{
  g_free (self->subject);
  self->subject = g_strdup (subject);
  g_free (self->iface);
  self->iface = g_strdup (iface);
  g_free (self->key_type);
  self->key_type = g_strdup (key_type);
}

void
_cc_store_entry_set_assigned_to (CcStoreEntry *self, const char *assigned_to)
{
  if (g_strcmp0 (self->assigned_to, assigned_to) == 0)
    return;
  g_free (self->assigned_to);
  self->assigned_to = g_strdup (assigned_to);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ASSIGNED_TO]);
}

CcCertificate *
cc_store_entry_get_certificate (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), NULL);
  return self->certificate;
}

const char *
cc_store_entry_get_id (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), NULL);
  return self->id;
}

const char *
cc_store_entry_get_friendly_name (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), NULL);
  return self->friendly_name ? self->friendly_name : "";
}

gboolean
cc_store_entry_get_has_private_key (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), FALSE);
  return self->has_private_key;
}

gboolean
cc_store_entry_get_exportable (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), FALSE);
  return self->exportable;
}

const char *
cc_store_entry_get_source (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), NULL);
  return self->source ? self->source : "";
}

GDateTime *
cc_store_entry_get_added (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), NULL);
  return self->added;
}

const char *
cc_store_entry_get_subject (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), NULL);
  if (self->subject != NULL)
    return self->subject;
  return self->certificate ? cc_certificate_get_subject (self->certificate) : "";
}

const char *
cc_store_entry_get_interface (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), NULL);
  return self->iface ? self->iface : "";
}

const char *
cc_store_entry_get_key_type (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), NULL);
  if (self->key_type != NULL)
    return self->key_type;
  return self->certificate ? cc_certificate_get_key_type (self->certificate) : "";
}

const char *
cc_store_entry_get_assigned_to (CcStoreEntry *self)
{
  g_return_val_if_fail (CC_IS_STORE_ENTRY (self), NULL);
  return self->assigned_to ? self->assigned_to : "";
}
