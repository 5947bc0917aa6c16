/* cc-site.c: a location holding pools: a GListModel of CcPool in natural order. */
#include "config.h"

#include "cc-core-private.h"

struct _CcSite
{
  GObject parent_instance;

  CcDeployment *deployment;   /* weak: the deployment owns its sites */
  char *name;
  GPtrArray *pools;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CcSite, cc_site, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum
{
  PROP_0,
  PROP_NAME,
  PROP_DISPLAY_NAME,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static GType
list_model_get_item_type (GListModel *model)
{
  return CC_TYPE_POOL;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return CC_SITE (model)->pools->len;
}

static gpointer
list_model_get_item (GListModel *model, guint position)
{
  CcSite *self = CC_SITE (model);
  if (position >= self->pools->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->pools, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
cc_site_finalize (GObject *object)
{
  CcSite *self = CC_SITE (object);
  g_ptr_array_unref (self->pools);
  g_free (self->name);
  G_OBJECT_CLASS (cc_site_parent_class)->finalize (object);
}

static void
cc_site_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcSite *self = CC_SITE (object);
  switch (prop_id)
    {
    case PROP_NAME:
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->name);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_site_class_init (CcSiteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cc_site_finalize;
  object_class->get_property = cc_site_get_property;
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cc_site_init (CcSite *self)
{
  self->pools = g_ptr_array_new_with_free_func (g_object_unref);
}

CcSite *
_cc_site_new (CcDeployment *deployment, const char *name)
{
  CcSite *self = g_object_new (CC_TYPE_SITE, NULL);
  self->deployment = deployment;
  self->name = g_strdup (name);
  return self;
}

void
_cc_site_add_pool (CcSite *self, CcPool *pool)
{
  guint i;

  for (i = 0; i < self->pools->len; i++)
    if (cc_natural_compare (cc_pool_get_fqdn (pool),
                            cc_pool_get_fqdn (g_ptr_array_index (self->pools, i))) < 0)
      break;
  g_ptr_array_insert (self->pools, i, g_object_ref (pool));
  g_list_model_items_changed (G_LIST_MODEL (self), i, 0, 1);
}

gboolean
_cc_site_remove_pool (CcSite *self, CcPool *pool)
{
  guint i;

  if (!g_ptr_array_find (self->pools, pool, &i))
    return FALSE;
  g_ptr_array_remove_index (self->pools, i);
  g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
  return TRUE;
}

const char *
cc_site_get_name (CcSite *self)
{
  g_return_val_if_fail (CC_IS_SITE (self), NULL);
  return self->name;
}

CcDeployment *
cc_site_get_deployment (CcSite *self)
{
  g_return_val_if_fail (CC_IS_SITE (self), NULL);
  return self->deployment;
}
