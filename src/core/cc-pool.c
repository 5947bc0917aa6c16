/* cc-pool.c: servers behind one load balancer: a GListModel of CcServer in natural order. */
#include "config.h"

#include "cc-core-private.h"

struct _CcPool
{
  GObject parent_instance;

  CcSite *site;          /* weak: the site owns its pools */
  char *fqdn;
  gboolean load_balancer;
  GStrv sip_domains;
  GPtrArray *servers;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CcPool, cc_pool, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum
{
  PROP_0,
  PROP_FQDN,
  PROP_LOAD_BALANCER,
  PROP_DISPLAY_NAME,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static GType
list_model_get_item_type (GListModel *model)
{
  return CC_TYPE_SERVER;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return CC_POOL (model)->servers->len;
}

static gpointer
list_model_get_item (GListModel *model, guint position)
{
  CcPool *self = CC_POOL (model);
  if (position >= self->servers->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->servers, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
cc_pool_finalize (GObject *object)
{
  CcPool *self = CC_POOL (object);

  for (guint i = 0; i < self->servers->len; i++)
    _cc_server_set_pool (g_ptr_array_index (self->servers, i), NULL);
  g_ptr_array_unref (self->servers);
  g_free (self->fqdn);
  g_strfreev (self->sip_domains);
  G_OBJECT_CLASS (cc_pool_parent_class)->finalize (object);
}

static void
cc_pool_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcPool *self = CC_POOL (object);
  switch (prop_id)
    {
    case PROP_FQDN:
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->fqdn);
      break;
    case PROP_LOAD_BALANCER: g_value_set_boolean (value, self->load_balancer); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_pool_class_init (CcPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cc_pool_finalize;
  object_class->get_property = cc_pool_get_property;
  properties[PROP_FQDN] = g_param_spec_string ("fqdn", NULL, NULL, NULL, ro);
  properties[PROP_LOAD_BALANCER] = g_param_spec_boolean ("load-balancer", NULL, NULL, FALSE, ro);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cc_pool_init (CcPool *self)
{
  self->servers = g_ptr_array_new_with_free_func (g_object_unref);
  self->sip_domains = g_new0 (char *, 1);
}

CcPool *
_cc_pool_new (CcSite *site, const char *fqdn, gboolean load_balancer)
{
  CcPool *self = g_object_new (CC_TYPE_POOL, NULL);
  self->site = site;
  self->fqdn = g_ascii_strdown (fqdn, -1);
  self->load_balancer = load_balancer;
  return self;
}

void
_cc_pool_add_server (CcPool *self, CcServer *server)
{
  guint i;

  for (i = 0; i < self->servers->len; i++)
    if (cc_natural_compare (cc_server_get_fqdn (server),
                            cc_server_get_fqdn (g_ptr_array_index (self->servers, i))) < 0)
      break;
  g_ptr_array_insert (self->servers, i, g_object_ref (server));
  g_list_model_items_changed (G_LIST_MODEL (self), i, 0, 1);
}

gboolean
_cc_pool_remove_server (CcPool *self, CcServer *server)
{
  guint i;

  if (!g_ptr_array_find (self->servers, server, &i))
    return FALSE;
  _cc_server_set_pool (server, NULL);
  g_ptr_array_remove_index (self->servers, i);
  g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
  return TRUE;
}

const char *
cc_pool_get_fqdn (CcPool *self)
{
  g_return_val_if_fail (CC_IS_POOL (self), NULL);
  return self->fqdn;
}

gboolean
cc_pool_get_load_balancer (CcPool *self)
{
  g_return_val_if_fail (CC_IS_POOL (self), FALSE);
  return self->load_balancer;
}

CcSite *
cc_pool_get_site (CcPool *self)
{
  g_return_val_if_fail (CC_IS_POOL (self), NULL);
  return self->site;
}

const char * const *
cc_pool_get_sip_domains (CcPool *self)
{
  g_return_val_if_fail (CC_IS_POOL (self), NULL);
  return (const char * const *) self->sip_domains;
}

void
cc_pool_set_sip_domains (CcPool *self, const char * const *domains)
{
  g_return_if_fail (CC_IS_POOL (self));
  g_strfreev (self->sip_domains);
  self->sip_domains = domains ? g_strdupv ((char **) domains) : g_new0 (char *, 1);
}
