/* cc-certificate-section.c: label/value fields grouped in sections (the Details model). */
#include "cc-certificate-section.h"

struct _CcCertificateField
{
  GObject parent_instance;
  char *label;
  char *value;
};

G_DEFINE_FINAL_TYPE (CcCertificateField, cc_certificate_field, G_TYPE_OBJECT)

enum { FIELD_PROP_0, FIELD_PROP_LABEL, FIELD_PROP_VALUE, FIELD_N_PROPS };
static GParamSpec *field_properties[FIELD_N_PROPS];

static void
cc_certificate_field_finalize (GObject *object)
{
  CcCertificateField *self = CC_CERTIFICATE_FIELD (object);
  g_free (self->label);
  g_free (self->value);
  G_OBJECT_CLASS (cc_certificate_field_parent_class)->finalize (object);
}

static void
cc_certificate_field_get_property (GObject *object, guint prop_id, GValue *value,
                                   GParamSpec *pspec)
{
  CcCertificateField *self = CC_CERTIFICATE_FIELD (object);
  switch (prop_id)
    {
    case FIELD_PROP_LABEL: g_value_set_string (value, self->label); break;
    case FIELD_PROP_VALUE: g_value_set_string (value, self->value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_certificate_field_class_init (CcCertificateFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = cc_certificate_field_finalize;
  object_class->get_property = cc_certificate_field_get_property;
  field_properties[FIELD_PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  field_properties[FIELD_PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, FIELD_N_PROPS, field_properties);
}

static void
cc_certificate_field_init (CcCertificateField *self)
{
}

CcCertificateField *
cc_certificate_field_new (const char *label, const char *value)
{
  CcCertificateField *self = g_object_new (CC_TYPE_CERTIFICATE_FIELD, NULL);
  self->label = g_strdup (label);
  self->value = g_strdup (value ? value : "");
  return self;
}

const char *
cc_certificate_field_get_label (CcCertificateField *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_FIELD (self), NULL);
  return self->label;
}

const char *
cc_certificate_field_get_value (CcCertificateField *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_FIELD (self), NULL);
  return self->value;
}

struct _CcCertificateSection
{
  GObject parent_instance;
  char *label;
  GListStore *fields;
};

G_DEFINE_FINAL_TYPE (CcCertificateSection, cc_certificate_section, G_TYPE_OBJECT)

enum { SECTION_PROP_0, SECTION_PROP_LABEL, SECTION_PROP_FIELDS, SECTION_N_PROPS };
static GParamSpec *section_properties[SECTION_N_PROPS];

static void
cc_certificate_section_finalize (GObject *object)
{
  CcCertificateSection *self = CC_CERTIFICATE_SECTION (object);
  g_free (self->label);
  g_clear_object (&self->fields);
  G_OBJECT_CLASS (cc_certificate_section_parent_class)->finalize (object);
}

static void
cc_certificate_section_get_property (GObject *object, guint prop_id, GValue *value,
                                     GParamSpec *pspec)
{
  CcCertificateSection *self = CC_CERTIFICATE_SECTION (object);
  switch (prop_id)
    {
    case SECTION_PROP_LABEL: g_value_set_string (value, self->label); break;
    case SECTION_PROP_FIELDS: g_value_set_object (value, self->fields); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_certificate_section_class_init (CcCertificateSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = cc_certificate_section_finalize;
  object_class->get_property = cc_certificate_section_get_property;
  section_properties[SECTION_PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  section_properties[SECTION_PROP_FIELDS] =
    g_param_spec_object ("fields", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, SECTION_N_PROPS, section_properties);
}

static void
cc_certificate_section_init (CcCertificateSection *self)
{
  self->fields = g_list_store_new (CC_TYPE_CERTIFICATE_FIELD);
}

CcCertificateSection *
cc_certificate_section_new (const char *label)
{
  CcCertificateSection *self = g_object_new (CC_TYPE_CERTIFICATE_SECTION, NULL);
  self->label = g_strdup (label);
  return self;
}

const char *
cc_certificate_section_get_label (CcCertificateSection *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_SECTION (self), NULL);
  return self->label;
}

GListModel *
cc_certificate_section_get_fields (CcCertificateSection *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_SECTION (self), NULL);
  return G_LIST_MODEL (self->fields);
}

void
cc_certificate_section_add (CcCertificateSection *self, const char *label, const char *value)
{
  g_autoptr(CcCertificateField) field = cc_certificate_field_new (label, value);
  g_return_if_fail (CC_IS_CERTIFICATE_SECTION (self));
  g_list_store_append (self->fields, field);
}
