/* certctl.c: the command-line face of the core: topology, stores and certificates. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "certconsole-core.h"

enum
{
  CERTCTL_EXIT_OK = 0,
  CERTCTL_EXIT_FAILED = 1,
  CERTCTL_EXIT_USAGE = 2,
};

typedef struct _Command Command;

/* args: the words after the command; args[0] is a placeholder GOption skips. */
typedef int (*CommandFunc) (const Command *cmd,
                            char         **args);

struct _Command
{
  const char  *name;
  const char  *sub;
  CommandFunc  handler;
  const char  *synopsis;    /* as the main help shows it */
  const char  *positional;  /* GOption's parameter string: positional arguments only */
  const char  *summary;
};

/* Global options; also accepted after the command. */
static char *opt_deployment;
static gboolean opt_json;
static gboolean opt_version;

static const GOptionEntry global_entries[] = {
  { "deployment", 'd', 0, G_OPTION_ARG_FILENAME, &opt_deployment,
    N_("The deployment folder (default: ~/.local/share/certconsole)"), N_("DIR") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    N_("Print one JSON document on standard output"), NULL },
  { NULL }
};

/* ------------------------------------------------------------------------ */
/* Messages and exit codes                                                  */

static int
report_error (const GError *error)
{
  g_autofree char *line = g_strdup (error->message);

  /* one line, whatever the core put in its message */
  g_strdelimit (line, "\r\n", ' ');
  g_printerr ("certctl: %s\n", line);
  return CERTCTL_EXIT_FAILED;
}

static int usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);

  g_printerr ("certctl: %s\n", message);
  g_printerr ("%s\n", _("Try 'certctl --help'."));
  return CERTCTL_EXIT_USAGE;
}

static char *
dup_store_ids (void)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < CC_N_STORES; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", cc_store_kind_to_id (i));
  return g_strdup (s->str);
}

/* A name as it must be typed in a shell command line. */
static char *
dup_shell_word (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._-@", *p) == NULL)
      return g_shell_quote (text);
  return g_strdup (text);
}

static const char *
yes_no (gboolean value)
{
  return value ? _("yes") : _("no");
}

/* ------------------------------------------------------------------------ */
/* Option parsing                                                           */

/* Parses the options of one command; checks the number of positional arguments.
 * Returns CERTCTL_EXIT_OK, or CERTCTL_EXIT_USAGE after printing what is wrong. */
static int
parse_command (const Command      *cmd,
               const GOptionEntry *entries,
               const char         *description,
               char             ***args,
               guint               min_args,
               guint               max_args)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = NULL;
  guint n_args;

  prgname = cmd->sub ? g_strdup_printf ("certctl %s %s", cmd->name, cmd->sub)
                     : g_strdup_printf ("certctl %s", cmd->name);
  g_set_prgname (prgname);

  /* _("") would be the catalogue's header */
  context = g_option_context_new (*cmd->positional ? _(cmd->positional) : NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(cmd->summary));
  if (description != NULL)
    g_option_context_set_description (context, description);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse_strv (context, args, &error))
    return usage_error ("%s", error->message);

  n_args = g_strv_length (*args) - 1;
  if (n_args < min_args)
    /* TRANSLATORS: "site add: missing NAME" */
    return usage_error (_("%s: missing %s"), prgname + strlen ("certctl "), _(cmd->positional));
  if (n_args > max_args)
    return usage_error (_("unexpected argument '%s'"), (*args)[1 + max_args]);

  return CERTCTL_EXIT_OK;
}

static int
require_option (const char *value,
                const char *option,
                const char *metavar)
{
  if (value != NULL && *value != '\0')
    return CERTCTL_EXIT_OK;
  return usage_error (_("missing %s %s"), option, metavar);
}

static CcDeployment *
open_deployment (GError **error)
{
  g_autofree char *path = NULL;

  path = opt_deployment ? g_strdup (opt_deployment) : cc_deployment_dup_default_path ();
  return cc_deployment_open (path, NULL, error);
}

/* ------------------------------------------------------------------------ */
/* Text tables                                                              */

typedef struct
{
  guint      n_columns;
  GPtrArray *cells;  /* row-major, owned strings */
} Table;

static Table *
table_new (guint n_columns)
{
  Table *table = g_new0 (Table, 1);

  table->n_columns = n_columns;
  table->cells = g_ptr_array_new_with_free_func (g_free);
  return table;
}

static void
table_free (Table *table)
{
  g_ptr_array_unref (table->cells);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

/* Adds one row of n_columns cells (NULL cells print empty). */
static void
table_add (Table       *table,
           const char **row)
{
  for (guint i = 0; i < table->n_columns; i++)
    g_ptr_array_add (table->cells, g_strdup (row[i] ? row[i] : ""));
}

static void
table_print (Table *table)
{
  g_autofree glong *widths = g_new0 (glong, table->n_columns);
  guint n_rows = table->cells->len / table->n_columns;

  for (guint i = 0; i < table->cells->len; i++)
    {
      glong w = g_utf8_strlen (g_ptr_array_index (table->cells, i), -1);
      widths[i % table->n_columns] = MAX (widths[i % table->n_columns], w);
    }

  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < table->n_columns; c++)
        {
          const char *cell = g_ptr_array_index (table->cells, r * table->n_columns + c);

          g_string_append (line, cell);
          if (c + 1 < table->n_columns)
            for (glong pad = g_utf8_strlen (cell, -1); pad < widths[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      g_print ("%s\n", line->str);
    }
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  /* the bytes as they are: JSON is UTF-8 whatever the locale */
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static void
json_add_string (JsonBuilder *builder,
                 const char  *name,
                 const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
json_add_bool (JsonBuilder *builder,
               const char  *name,
               gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
json_add_int (JsonBuilder *builder,
              const char  *name,
              gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
json_add_strv (JsonBuilder        *builder,
               const char         *name,
               const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
json_add_date (JsonBuilder *builder,
               const char  *name,
               GDateTime   *dt)
{
  g_autofree char *text = dt ? cc_format_iso8601 (dt) : NULL;

  json_add_string (builder, name, text);
}

/* "edge-internal, default" -> { "edge-internal", "default" } */
static GStrv
split_list (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit (text ? text : "", ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

/* ------------------------------------------------------------------------ */
/* Topology: JSON objects                                                   */

static guint
site_count_servers (CcSite *site)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (site)); i++)
    {
      g_autoptr(CcPool) pool = g_list_model_get_item (G_LIST_MODEL (site), i);
      n += g_list_model_get_n_items (G_LIST_MODEL (pool));
    }
  return n;
}

static void
build_site (JsonBuilder *builder,
            CcSite      *site)
{
  json_builder_begin_object (builder);
  json_add_string (builder, "name", cc_site_get_name (site));
  json_add_int (builder, "pools", g_list_model_get_n_items (G_LIST_MODEL (site)));
  json_add_int (builder, "servers", site_count_servers (site));
  json_builder_end_object (builder);
}

static void
build_pool (JsonBuilder *builder,
            CcPool      *pool)
{
  CcSite *site = cc_pool_get_site (pool);

  json_builder_begin_object (builder);
  json_add_string (builder, "fqdn", cc_pool_get_fqdn (pool));
  json_add_string (builder, "site", site ? cc_site_get_name (site) : NULL);
  json_add_bool (builder, "load_balancer", cc_pool_get_load_balancer (pool));
  json_add_strv (builder, "sip_domains", cc_pool_get_sip_domains (pool));
  json_builder_set_member_name (builder, "servers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pool)); i++)
    {
      g_autoptr(CcServer) server = g_list_model_get_item (G_LIST_MODEL (pool), i);
      json_builder_add_string_value (builder, cc_server_get_fqdn (server));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
build_server (JsonBuilder *builder,
              CcServer    *server)
{
  g_autoptr(GArray) ifaces = cc_server_dup_interfaces (server);
  CcPool *pool = cc_server_get_pool (server);
  CcSite *site = pool ? cc_pool_get_site (pool) : NULL;

  json_builder_begin_object (builder);
  json_add_string (builder, "fqdn", cc_server_get_fqdn (server));
  json_add_string (builder, "role", cc_role_to_id (cc_server_get_role (server)));
  json_add_string (builder, "pool", pool ? cc_pool_get_fqdn (pool) : NULL);
  json_add_string (builder, "site", site ? cc_site_get_name (site) : NULL);

  json_builder_set_member_name (builder, "interfaces");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ifaces->len; i++)
    json_builder_add_string_value (builder,
                                   cc_interface_to_id (g_array_index (ifaces, CcInterface, i)));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "assignments");
  json_builder_begin_object (builder);
  for (guint i = 0; i < ifaces->len; i++)
    {
      CcInterface iface = g_array_index (ifaces, CcInterface, i);
      const char *thumbprint = cc_server_get_assignment (server, iface);

      if (thumbprint != NULL)
        json_add_string (builder, cc_interface_to_id (iface), thumbprint);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* ------------------------------------------------------------------------ */
/* Certificates: JSON objects                                               */

static const struct
{
  CcKeyUsage  bit;
  const char *name;
} key_usage_names[] = {
  { CC_KEY_USAGE_DIGITAL_SIGNATURE, "digitalSignature" },
  { CC_KEY_USAGE_NON_REPUDIATION, "nonRepudiation" },
  { CC_KEY_USAGE_KEY_ENCIPHERMENT, "keyEncipherment" },
  { CC_KEY_USAGE_DATA_ENCIPHERMENT, "dataEncipherment" },
  { CC_KEY_USAGE_KEY_AGREEMENT, "keyAgreement" },
  { CC_KEY_USAGE_KEY_CERT_SIGN, "keyCertSign" },
  { CC_KEY_USAGE_CRL_SIGN, "cRLSign" },
};

static void
build_key_usage (JsonBuilder   *builder,
                 CcCertificate *cert)
{
  gboolean present = FALSE;
  guint bits = cc_certificate_get_key_usage (cert, &present);

  json_builder_set_member_name (builder, "key_usage");
  json_builder_begin_array (builder);
  for (guint i = 0; present && i < G_N_ELEMENTS (key_usage_names); i++)
    if (bits & key_usage_names[i].bit)
      json_builder_add_string_value (builder, key_usage_names[i].name);
  json_builder_end_array (builder);
}

static void
build_certificate_members (JsonBuilder   *builder,
                           CcCertificate *cert)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *purposes = cc_certificate_dup_intended_purposes (cert);

  json_add_string (builder, "thumbprint", cc_certificate_get_thumbprint (cert));
  json_add_string (builder, "sha1", cc_certificate_get_sha1 (cert));
  json_add_string (builder, "subject", cc_certificate_get_subject (cert));
  json_add_string (builder, "issuer", cc_certificate_get_issuer (cert));
  json_add_string (builder, "issued_to", cc_certificate_get_issued_to (cert));
  json_add_string (builder, "issued_by", cc_certificate_get_issued_by (cert));
  json_add_string (builder, "serial", cc_certificate_get_serial (cert));
  json_add_int (builder, "version", cc_certificate_get_version (cert));
  json_add_date (builder, "not_before", cc_certificate_get_not_before (cert));
  json_add_date (builder, "not_after", cc_certificate_get_not_after (cert));
  json_add_bool (builder, "expired", cc_certificate_is_expired (cert, now));
  json_add_strv (builder, "sans", cc_certificate_get_sans (cert));
  json_add_strv (builder, "eku", cc_certificate_get_eku (cert));
  json_add_string (builder, "intended_purposes", purposes);
  build_key_usage (builder, cert);
  json_add_string (builder, "key", cc_certificate_get_key_type (cert));
  json_add_int (builder, "key_bits", cc_certificate_get_key_bits (cert));
  json_add_bool (builder, "is_ca", cc_certificate_is_ca (cert));
  json_add_bool (builder, "self_signed", cc_certificate_is_self_signed (cert));
}

static void
build_entry_members (JsonBuilder  *builder,
                     CcStoreEntry *entry,
                     CcStore      *store)
{
  CcCertificate *cert = cc_store_entry_get_certificate (entry);
  g_auto(GStrv) assigned = split_list (cc_store_entry_get_assigned_to (entry));

  if (cert != NULL)
    {
      build_certificate_members (builder, cert);
      json_add_bool (builder, "has_private_key", cc_store_entry_get_has_private_key (entry));
      json_add_bool (builder, "exportable", cc_store_entry_get_exportable (entry));
      json_add_strv (builder, "assigned_to", (const char * const *) assigned);
      json_add_string (builder, "source", cc_store_entry_get_source (entry));
    }
  else
    {
      json_add_string (builder, "id", cc_store_entry_get_id (entry));
      json_add_string (builder, "subject", cc_store_entry_get_subject (entry));
      json_add_string (builder, "interface", cc_store_entry_get_interface (entry));
      json_add_string (builder, "key", cc_store_entry_get_key_type (entry));
    }
  json_add_string (builder, "friendly_name", cc_store_entry_get_friendly_name (entry));
  json_add_date (builder, "added", cc_store_entry_get_added (entry));
  json_add_string (builder, "store", cc_store_kind_to_id (cc_store_get_kind (store)));
}

static void
build_sections (JsonBuilder   *builder,
                CcCertificate *cert)
{
  g_autoptr(GListModel) sections = cc_certificate_dup_sections (cert);

  json_builder_set_member_name (builder, "sections");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (sections); i++)
    {
      g_autoptr(CcCertificateSection) section = g_list_model_get_item (sections, i);
      GListModel *fields = cc_certificate_section_get_fields (section);

      json_builder_begin_object (builder);
      json_add_string (builder, "label", cc_certificate_section_get_label (section));
      json_builder_set_member_name (builder, "fields");
      json_builder_begin_array (builder);
      for (guint j = 0; j < g_list_model_get_n_items (fields); j++)
        {
          g_autoptr(CcCertificateField) field = g_list_model_get_item (fields, j);

          json_builder_begin_object (builder);
          json_add_string (builder, "label", cc_certificate_field_get_label (field));
          json_add_string (builder, "value", cc_certificate_field_get_value (field));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* ------------------------------------------------------------------------ */
/* init                                                                     */

static void
print_topology (CcDeployment *deployment)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (deployment)); i++)
    {
      g_autoptr(CcSite) site = g_list_model_get_item (G_LIST_MODEL (deployment), i);

      g_print (_("  Site %s\n"), cc_site_get_name (site));
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (site)); j++)
        {
          g_autoptr(CcPool) pool = g_list_model_get_item (G_LIST_MODEL (site), j);

          if (cc_pool_get_load_balancer (pool))
            g_print (_("    Pool %s (load balancer)\n"), cc_pool_get_fqdn (pool));
          else
            g_print (_("    Pool %s\n"), cc_pool_get_fqdn (pool));
          for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (pool)); k++)
            {
              g_autoptr(CcServer) server = g_list_model_get_item (G_LIST_MODEL (pool), k);

              g_print (_("      Server %s: %s\n"), cc_server_get_fqdn (server),
                       cc_role_get_display_name (cc_server_get_role (server)));
            }
        }
    }
}

static void
print_authorities (CcDeployment *deployment)
{
  GListModel *authorities = cc_deployment_get_authorities (deployment);

  for (guint i = 0; authorities && i < g_list_model_get_n_items (authorities); i++)
    {
      g_autoptr(CcAuthority) authority = g_list_model_get_item (authorities, i);

      if (cc_authority_get_kind (authority) == CC_AUTHORITY_LAB)
        g_print (_("  Lab certification authority %s, trusted on every server\n"),
                 cc_authority_get_name (authority));
      else
        g_print (_("  Certification authority %s (%s)\n"), cc_authority_get_name (authority),
                 cc_authority_kind_to_id (cc_authority_get_kind (authority)));
    }
}

static void
build_topology (JsonBuilder  *builder,
                CcDeployment *deployment)
{
  g_autoptr(GPtrArray) pools = cc_deployment_list_pools (deployment);
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (deployment);

  json_builder_set_member_name (builder, "sites");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (deployment)); i++)
    {
      g_autoptr(CcSite) site = g_list_model_get_item (G_LIST_MODEL (deployment), i);
      build_site (builder, site);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pools");
  json_builder_begin_array (builder);
  for (guint i = 0; i < pools->len; i++)
    build_pool (builder, g_ptr_array_index (pools, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "servers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < servers->len; i++)
    build_server (builder, g_ptr_array_index (servers, i));
  json_builder_end_array (builder);
}

static int
cmd_init (const Command *cmd,
          char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean demo = FALSE;
  const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      N_("Fill it with the demo topology and a lab certification authority"), NULL },
    { NULL }
  };
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 0, 0)) != CERTCTL_EXIT_OK)
    return status;

  path = opt_deployment ? g_strdup (opt_deployment) : cc_deployment_dup_default_path ();
  deployment = cc_deployment_create (path, demo, NULL, &error);
  if (deployment == NULL)
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_add_string (builder, "deployment", cc_deployment_get_path (deployment));
      json_add_bool (builder, "demo", demo);
      build_topology (builder, deployment);
      json_builder_end_object (builder);
      print_json (builder);
      return CERTCTL_EXIT_OK;
    }

  g_print (_("Created deployment %s\n"), cc_deployment_get_path (deployment));
  if (demo)
    {
      print_topology (deployment);
      print_authorities (deployment);
    }
  else
    g_print (_("Add a site with `certctl site add NAME`.\n"));
  return CERTCTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* site, pool, server                                                       */

static int
print_removed (const char *kind,
               const char *key,
               const char *name,
               const char *message)
{
  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_add_bool (builder, "removed", TRUE);
      json_builder_set_member_name (builder, kind);
      json_builder_begin_object (builder);
      json_add_string (builder, key, name);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print ("%s\n", message);
  return CERTCTL_EXIT_OK;
}

static int
cmd_site_add (const Command *cmd,
              char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  CcSite *site;
  int status;

  if ((status = parse_command (cmd, NULL, NULL, &args, 1, 1)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  if ((site = cc_deployment_add_site (deployment, args[1], &error)) == NULL)
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_builder_set_member_name (builder, "site");
      build_site (builder, site);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      g_autofree char *word = dup_shell_word (cc_site_get_name (site));

      g_print (_("Added site %s. Add a pool with `certctl pool add --site %s --fqdn FQDN`.\n"),
               cc_site_get_name (site), word);
    }
  return CERTCTL_EXIT_OK;
}

static int
cmd_site_remove (const Command *cmd,
                 char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      N_("Remove it even when its servers still hold certificates"), NULL },
    { NULL }
  };
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 1, 1)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  if (!cc_deployment_remove_site (deployment, args[1], force, &error))
    return report_error (error);

  message = g_strdup_printf (_("Removed site %s."), args[1]);
  return print_removed ("site", "name", args[1], message);
}

static int
cmd_pool_add (const Command *cmd,
              char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *site = NULL;
  g_autofree char *fqdn = NULL;
  gboolean load_balancer = FALSE;
  const GOptionEntry entries[] = {
    { "site", 's', 0, G_OPTION_ARG_STRING, &site, N_("The site that holds the pool"),
      N_("NAME") },
    { "fqdn", 0, 0, G_OPTION_ARG_STRING, &fqdn, N_("The pool's FQDN (its virtual IP's name)"),
      N_("FQDN") },
    { "load-balancer", 0, 0, G_OPTION_ARG_NONE, &load_balancer,
      N_("The servers are behind a hardware load balancer"), NULL },
    { NULL }
  };
  CcPool *pool;
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 0, 0)) != CERTCTL_EXIT_OK
      || (status = require_option (site, "--site", _("NAME"))) != CERTCTL_EXIT_OK
      || (status = require_option (fqdn, "--fqdn", _("FQDN"))) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  pool = cc_deployment_add_pool (deployment, site, fqdn, load_balancer, &error);
  if (pool == NULL)
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_builder_set_member_name (builder, "pool");
      build_pool (builder, pool);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print (_("Added pool %s to site %s. Add a server with "
               "`certctl server add --pool %s --fqdn FQDN --role ROLE`.\n"),
             cc_pool_get_fqdn (pool), site, cc_pool_get_fqdn (pool));
  return CERTCTL_EXIT_OK;
}

static int
cmd_pool_remove (const Command *cmd,
                 char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      N_("Remove it even when its servers still hold certificates"), NULL },
    { NULL }
  };
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 1, 1)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  if (!cc_deployment_remove_pool (deployment, args[1], force, &error))
    return report_error (error);

  message = g_strdup_printf (_("Removed pool %s."), args[1]);
  return print_removed ("pool", "fqdn", args[1], message);
}

static int
cmd_server_add (const Command *cmd,
                char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pool = NULL;
  g_autofree char *fqdn = NULL;
  g_autofree char *role_id = NULL;
  g_autofree char *roles = cc_role_list_ids ();
  g_autofree char *description = NULL;
  const GOptionEntry entries[] = {
    { "pool", 'p', 0, G_OPTION_ARG_STRING, &pool, N_("The pool the server joins"),
      N_("FQDN") },
    { "fqdn", 0, 0, G_OPTION_ARG_STRING, &fqdn, N_("The server's FQDN"), N_("FQDN") },
    { "role", 'r', 0, G_OPTION_ARG_STRING, &role_id, N_("The server's role"), N_("ROLE") },
    { NULL }
  };
  CcServer *server;
  CcRole role;
  int status;

  description = g_strdup_printf (_("Roles: %s"), roles);
  if ((status = parse_command (cmd, entries, description, &args, 0, 0)) != CERTCTL_EXIT_OK
      || (status = require_option (pool, "--pool", _("FQDN"))) != CERTCTL_EXIT_OK
      || (status = require_option (fqdn, "--fqdn", _("FQDN"))) != CERTCTL_EXIT_OK
      || (status = require_option (role_id, "--role", _("ROLE"))) != CERTCTL_EXIT_OK)
    return status;
  if (!cc_role_from_id (role_id, &role))
    return usage_error (_("unknown role '%s'; the roles are: %s"), role_id, roles);

  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  server = cc_deployment_add_server (deployment, pool, fqdn, role, &error);
  if (server == NULL)
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_builder_set_member_name (builder, "server");
      build_server (builder, server);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print (_("Added server %s (%s) to pool %s.\n"), cc_server_get_fqdn (server),
             cc_role_get_display_name (role), pool);
  return CERTCTL_EXIT_OK;
}

static int
cmd_server_remove (const Command *cmd,
                   char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      N_("Remove it even when it still holds certificates, and its stores with it"), NULL },
    { NULL }
  };
  CcServer *server;
  guint n_certs;
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 1, 1)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  if ((server = cc_deployment_get_server (deployment, args[1], &error)) == NULL)
    return report_error (error);
  n_certs = cc_server_count_certificates (server);
  if (!cc_deployment_remove_server (deployment, args[1], force, &error))
    return report_error (error);

  if (n_certs > 0)
    message = g_strdup_printf (ngettext ("Removed server %s and the %u certificate or request "
                                         "it held.",
                                         "Removed server %s and the %u certificates and requests "
                                         "it held.",
                                         n_certs),
                               args[1], n_certs);
  else
    message = g_strdup_printf (_("Removed server %s."), args[1]);
  return print_removed ("server", "fqdn", args[1], message);
}

/* ------------------------------------------------------------------------ */
/* list                                                                     */

static int
cmd_list_sites (const Command *cmd,
                char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(Table) table = table_new (3);
  GListModel *sites;
  int status;

  if ((status = parse_command (cmd, NULL, NULL, &args, 0, 0)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  sites = G_LIST_MODEL (deployment);

  table_add (table, (const char *[]) { _("SITE"), _("POOLS"), _("SERVERS") });
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (sites); i++)
    {
      g_autoptr(CcSite) site = g_list_model_get_item (sites, i);
      guint n_pools_value = g_list_model_get_n_items (G_LIST_MODEL (site));
      g_autofree char *n_pools = g_strdup_printf ("%u", n_pools_value);
      g_autofree char *n_servers = g_strdup_printf ("%u", site_count_servers (site));

      build_site (builder, site);
      table_add (table, (const char *[]) { cc_site_get_name (site), n_pools, n_servers });
    }
  json_builder_end_array (builder);

  if (opt_json)
    print_json (builder);
  else if (g_list_model_get_n_items (sites) == 0)
    g_print (_("No sites yet. Add one with `certctl site add NAME`.\n"));
  else
    table_print (table);
  return CERTCTL_EXIT_OK;
}

static int
cmd_list_pools (const Command *cmd,
                char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(Table) table = table_new (5);
  g_autoptr(GPtrArray) pools = NULL;
  int status;

  if ((status = parse_command (cmd, NULL, NULL, &args, 0, 0)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  pools = cc_deployment_list_pools (deployment);

  table_add (table, (const char *[]) { _("POOL"), _("SITE"), _("LOAD BALANCER"), _("SERVERS"),
                                       _("SIP DOMAINS") });
  json_builder_begin_array (builder);
  for (guint i = 0; i < pools->len; i++)
    {
      CcPool *pool = g_ptr_array_index (pools, i);
      CcSite *site = cc_pool_get_site (pool);
      guint n_servers_value = g_list_model_get_n_items (G_LIST_MODEL (pool));
      g_autofree char *n_servers = g_strdup_printf ("%u", n_servers_value);
      const char * const *sip_domains = cc_pool_get_sip_domains (pool);
      g_autofree char *domains = sip_domains ? g_strjoinv (", ", (char **) sip_domains) : NULL;

      build_pool (builder, pool);
      table_add (table, (const char *[]) { cc_pool_get_fqdn (pool),
                                           site ? cc_site_get_name (site) : "",
                                           yes_no (cc_pool_get_load_balancer (pool)),
                                           n_servers, domains });
    }
  json_builder_end_array (builder);

  if (opt_json)
    print_json (builder);
  else if (pools->len == 0)
    g_print (_("No pools yet. Add one with `certctl pool add --site NAME --fqdn FQDN`.\n"));
  else
    table_print (table);
  return CERTCTL_EXIT_OK;
}

static char *
dup_assigned_summary (CcServer *server)
{
  g_autoptr(GArray) ifaces = cc_server_dup_interfaces (server);
  guint n_assigned = 0;

  if (ifaces->len == 0)
    return g_strdup (_("no interfaces"));
  for (guint i = 0; i < ifaces->len; i++)
    if (cc_server_get_assignment (server, g_array_index (ifaces, CcInterface, i)) != NULL)
      n_assigned++;
  /* TRANSLATORS: interfaces with a certificate assigned, e.g. "1 of 4" */
  return g_strdup_printf (_("%u of %u"), n_assigned, ifaces->len);
}

static int
cmd_list_servers (const Command *cmd,
                  char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(Table) table = table_new (5);
  g_autoptr(GPtrArray) servers = NULL;
  int status;

  if ((status = parse_command (cmd, NULL, NULL, &args, 0, 0)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  servers = cc_deployment_list_servers (deployment);

  table_add (table, (const char *[]) { _("SERVER"), _("ROLE"), _("POOL"), _("SITE"),
                                       _("ASSIGNED") });
  json_builder_begin_array (builder);
  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      CcPool *pool = cc_server_get_pool (server);
      CcSite *site = pool ? cc_pool_get_site (pool) : NULL;
      g_autofree char *assigned = dup_assigned_summary (server);

      build_server (builder, server);
      table_add (table, (const char *[]) { cc_server_get_fqdn (server),
                                           cc_role_get_display_name (cc_server_get_role (server)),
                                           pool ? cc_pool_get_fqdn (pool) : "",
                                           site ? cc_site_get_name (site) : "",
                                           assigned });
    }
  json_builder_end_array (builder);

  if (opt_json)
    print_json (builder);
  else if (servers->len == 0)
    g_print (_("No servers yet. Add one with "
               "`certctl server add --pool FQDN --fqdn FQDN --role ROLE`.\n"));
  else
    table_print (table);
  return CERTCTL_EXIT_OK;
}

static char *
dup_short_thumbprint (const char *thumbprint)
{
  if (thumbprint == NULL || strlen (thumbprint) <= 16)
    return g_strdup (thumbprint);
  return g_strdup_printf ("%.16s…", thumbprint);
}

static char *
dup_expires (CcCertificate *cert)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (cc_certificate_get_not_after (cert), "%Y-%m-%d");

  if (cc_certificate_is_expired (cert, now))
    /* TRANSLATORS: a date, then a mark */
    return g_strdup_printf (_("%s (expired)"), date);
  return g_steal_pointer (&date);
}

static void
table_add_certificate (Table        *table,
                       CcStoreEntry *entry)
{
  CcCertificate *cert = cc_store_entry_get_certificate (entry);
  g_autofree char *thumbprint = dup_short_thumbprint (cc_store_entry_get_id (entry));
  g_autofree char *expires = dup_expires (cert);

  table_add (table, (const char *[]) { thumbprint, cc_certificate_get_issued_to (cert),
                                       cc_certificate_get_issued_by (cert), expires,
                                       cc_certificate_get_key_type (cert),
                                       cc_store_entry_get_friendly_name (entry),
                                       cc_store_entry_get_assigned_to (entry) });
}

static void
table_add_request (Table        *table,
                   CcStoreEntry *entry)
{
  GDateTime *added = cc_store_entry_get_added (entry);
  g_autofree char *date = added ? g_date_time_format (added, "%Y-%m-%d %H:%M") : NULL;

  table_add (table, (const char *[]) { cc_store_entry_get_id (entry),
                                       cc_store_entry_get_subject (entry),
                                       cc_store_entry_get_interface (entry),
                                       cc_store_entry_get_key_type (entry),
                                       cc_store_entry_get_friendly_name (entry), date });
}

static int
parse_store_kind (const char  *id,
                  CcStoreKind *out_kind)
{
  g_autofree char *valid = NULL;

  if (cc_store_kind_from_id (id, out_kind))
    return CERTCTL_EXIT_OK;
  valid = dup_store_ids ();
  return usage_error (_("unknown store '%s'; the stores are: %s"), id, valid);
}

static int
cmd_list_certs (const Command *cmd,
                char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(Table) table = NULL;
  g_autofree char *server_fqdn = NULL;
  g_autofree char *store_id = NULL;
  g_autofree char *stores = dup_store_ids ();
  g_autofree char *description = NULL;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("The server"), N_("FQDN") },
    { "store", 0, 0, G_OPTION_ARG_STRING, &store_id, N_("The store (default: personal)"),
      N_("STORE") },
    { NULL }
  };
  CcStoreKind kind = CC_STORE_PERSONAL;
  CcServer *server;
  CcStore *store;
  guint n_items;
  int status;

  description = g_strdup_printf (_("Stores: %s"), stores);
  if ((status = parse_command (cmd, entries, description, &args, 0, 0)) != CERTCTL_EXIT_OK
      || (status = require_option (server_fqdn, "--server", _("FQDN"))) != CERTCTL_EXIT_OK
      || (store_id && (status = parse_store_kind (store_id, &kind)) != CERTCTL_EXIT_OK))
    return status;

  if ((deployment = open_deployment (&error)) == NULL
      || (server = cc_deployment_get_server (deployment, server_fqdn, &error)) == NULL)
    return report_error (error);
  store = cc_server_get_store (server, kind);
  if (!cc_store_ensure_loaded (store, NULL, &error))
    return report_error (error);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (kind == CC_STORE_REQUESTS)
    {
      table = table_new (6);
      table_add (table, (const char *[]) { _("REQUEST"), _("SUBJECT"), _("INTERFACE"), _("KEY"),
                                           _("FRIENDLY NAME"), _("CREATED") });
    }
  else
    {
      table = table_new (7);
      table_add (table, (const char *[]) { _("THUMBPRINT"), _("ISSUED TO"), _("ISSUED BY"),
                                           _("EXPIRES"), _("KEY"), _("FRIENDLY NAME"),
                                           _("ASSIGNED TO") });
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (G_LIST_MODEL (store), i);

      json_builder_begin_object (builder);
      build_entry_members (builder, entry, store);
      json_builder_end_object (builder);
      if (cc_store_entry_get_certificate (entry) != NULL)
        table_add_certificate (table, entry);
      else
        table_add_request (table, entry);
    }
  json_builder_end_array (builder);

  if (opt_json)
    print_json (builder);
  else if (n_items == 0)
    /* TRANSLATORS: store display name, server FQDN */
    g_print (_("The %s store of %s is empty.\n"), cc_store_kind_get_display_name (kind),
             cc_server_get_fqdn (server));
  else
    table_print (table);
  return CERTCTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* show                                                                     */

/* Accepts what people paste ("AB:CD:..." or "ab cd ..."): hex comes back in lower case.
 * A pending request's id is taken as it is. NULL when it is too short to look up. */
static char *
normalize_thumbprint (const char *text)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gboolean hex = TRUE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      hex = hex && g_ascii_isxdigit (*p);
      g_string_append_c (s, *p);
    }
  if (s->len < 8)
    return NULL;
  if (!hex)
    return g_strdup (text);
  return g_ascii_strdown (s->str, -1);
}

/* Every store of the server, Personal first. A prefix must name one certificate across
 * all of them, not only within the first store that has it. */
static CcStoreEntry *
find_entry (CcServer    *server,
            const char  *thumbprint,
            CcStore    **out_store,
            GError     **error)
{
  g_autoptr(GHashTable) matches = g_hash_table_new (g_str_hash, g_str_equal);
  const char *fqdn = cc_server_get_fqdn (server);
  guint n_matches;

  for (guint k = 0; k < CC_N_STORES; k++)
    {
      CcStore *store = cc_server_get_store (server, k);

      if (!cc_store_ensure_loaded (store, NULL, error))
        return NULL;
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
        {
          g_autoptr(CcStoreEntry) item = g_list_model_get_item (G_LIST_MODEL (store), i);
          const char *id = cc_store_entry_get_id (item);

          /* the store keeps the entry, and so the id, alive */
          if (g_ascii_strncasecmp (id, thumbprint, strlen (thumbprint)) == 0)
            g_hash_table_add (matches, (gpointer) id);
        }
    }

  n_matches = g_hash_table_size (matches);
  if (n_matches > 1)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   ngettext ("%s matches %u certificates on %s; give more of the thumbprint",
                             "%s matches %u certificates on %s; give more of the thumbprint",
                             n_matches),
                   thumbprint, n_matches, fqdn);
      return NULL;
    }

  for (guint k = 0; k < CC_N_STORES; k++)
    {
      CcStore *store = cc_server_get_store (server, k);
      CcStoreEntry *entry = cc_store_lookup (store, thumbprint);

      if (entry != NULL)
        {
          *out_store = store;
          return entry;
        }
    }

  g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
               _("No certificate %s on %s; see its stores with "
                 "`certctl list certs --server %s --store STORE`"),
               thumbprint, fqdn, fqdn);
  return NULL;
}

/* "label:   value", continuation lines of the value under its first line */
static void
print_field (const char *label,
             const char *value,
             int         width,
             int         indent)
{
  g_auto(GStrv) lines = g_strsplit (value ? value : "", "\n", -1);
  g_autofree char *label_colon = g_strdup_printf ("%s:", label);
  glong pad = width + 1 - g_utf8_strlen (label_colon, -1);

  g_print ("%*s%s%*s %s\n", indent, "", label_colon, (int) MAX (pad, 0), "", lines[0]);
  for (guint i = 1; lines[i] != NULL; i++)
    g_print ("%*s%s\n", indent + width + 2, "", lines[i]);
}

static void
print_section (CcCertificateSection *section)
{
  GListModel *fields = cc_certificate_section_get_fields (section);
  guint n = g_list_model_get_n_items (fields);
  glong width = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcCertificateField) field = g_list_model_get_item (fields, i);
      width = MAX (width, g_utf8_strlen (cc_certificate_field_get_label (field), -1));
    }

  g_print ("\n%s\n", cc_certificate_section_get_label (section));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcCertificateField) field = g_list_model_get_item (fields, i);
      print_field (cc_certificate_field_get_label (field), cc_certificate_field_get_value (field),
                   width, 2);
    }
}

static void
print_entry_text (CcServer     *server,
                  CcStore      *store,
                  CcStoreEntry *entry)
{
  CcCertificate *cert = cc_store_entry_get_certificate (entry);
  const char *assigned = cc_store_entry_get_assigned_to (entry);
  const char *friendly = cc_store_entry_get_friendly_name (entry);
  const char *key;
  int width = 14;

  if (cc_store_entry_get_has_private_key (entry))
    key = cc_store_entry_get_exportable (entry) ? _("yes, exportable") : _("yes, not exportable");
  else
    key = _("no");

  if (cert != NULL)
    g_print (_("Certificate %s\n"), cc_certificate_get_issued_to (cert));
  else
    g_print (_("Pending request %s\n"), cc_store_entry_get_id (entry));
  print_field (_("Server"), cc_server_get_fqdn (server), width, 2);
  print_field (_("Store"), cc_store_get_display_name (store), width, 2);
  print_field (cert ? _("Thumbprint") : _("Request"), cc_store_entry_get_id (entry), width, 2);
  print_field (_("Friendly name"), *friendly ? friendly : _("(none)"), width, 2);
  if (cert == NULL)
    {
      print_field (_("Subject"), cc_store_entry_get_subject (entry), width, 2);
      print_field (_("Interface"), cc_store_entry_get_interface (entry), width, 2);
      print_field (_("Key"), cc_store_entry_get_key_type (entry), width, 2);
      return;
    }
  print_field (_("Private key"), key, width, 2);
  if (cc_store_get_kind (store) == CC_STORE_PERSONAL)
    print_field (_("Assigned to"), *assigned ? assigned : _("(not assigned)"), width, 2);

  {
    g_autoptr(GListModel) sections = cc_certificate_dup_sections (cert);

    for (guint i = 0; i < g_list_model_get_n_items (sections); i++)
      {
        g_autoptr(CcCertificateSection) section = g_list_model_get_item (sections, i);
        print_section (section);
      }
  }
}

static int
cmd_show (const Command *cmd,
          char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_fqdn = NULL;
  g_autofree char *thumbprint = NULL;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("The server"), N_("FQDN") },
    { NULL }
  };
  CcServer *server;
  CcStore *store = NULL;
  CcStoreEntry *entry;
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 1, 1)) != CERTCTL_EXIT_OK
      || (status = require_option (server_fqdn, "--server", _("FQDN"))) != CERTCTL_EXIT_OK)
    return status;
  if ((thumbprint = normalize_thumbprint (args[1])) == NULL)
    return usage_error (_("'%s' is not a thumbprint: give the SHA-256 in hex, "
                          "or its first 8 characters or more"), args[1]);

  if ((deployment = open_deployment (&error)) == NULL
      || (server = cc_deployment_get_server (deployment, server_fqdn, &error)) == NULL
      || (entry = find_entry (server, thumbprint, &store, &error)) == NULL)
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      CcCertificate *cert = cc_store_entry_get_certificate (entry);

      json_builder_begin_object (builder);
      json_add_string (builder, "server", cc_server_get_fqdn (server));
      build_entry_members (builder, entry, store);
      if (cert != NULL)
        build_sections (builder, cert);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    print_entry_text (server, store, entry);
  return CERTCTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* The command table and main                                               */

static const Command commands[] = {
  { "init", NULL, cmd_init, "init [--demo]", "",
    N_("Create a deployment (with --demo: the demo topology and a lab CA)") },
  { "site", "add", cmd_site_add, "site add NAME", N_("NAME"), N_("Add a site") },
  { "site", "remove", cmd_site_remove, "site remove NAME [--force]", N_("NAME"),
    N_("Remove a site and its pools and servers") },
  { "pool", "add", cmd_pool_add, "pool add --site NAME --fqdn FQDN [--load-balancer]", "",
    N_("Add a pool to a site") },
  { "pool", "remove", cmd_pool_remove, "pool remove FQDN [--force]", N_("FQDN"),
    N_("Remove a pool and its servers") },
  { "server", "add", cmd_server_add, "server add --pool FQDN --fqdn FQDN --role ROLE", "",
    N_("Add a server to a pool") },
  { "server", "remove", cmd_server_remove, "server remove FQDN [--force]", N_("FQDN"),
    N_("Remove a server") },
  { "list", "sites", cmd_list_sites, "list sites", "", N_("List the sites") },
  { "list", "pools", cmd_list_pools, "list pools", "", N_("List the pools") },
  { "list", "servers", cmd_list_servers, "list servers", "", N_("List the servers") },
  { "list", "certs", cmd_list_certs, "list certs --server FQDN [--store STORE]", "",
    N_("List the certificates of one store of a server") },
  { "show", NULL, cmd_show, "show --server FQDN THUMBPRINT", N_("THUMBPRINT"),
    N_("Show a certificate of a server (full thumbprint or its first 8+ characters)") },
};

/* The commands named name: one without sub-commands, or the group's sub-commands. */
static const Command *
find_group_commands (const char *name,
                     guint      *n)
{
  const Command *first = NULL;

  *n = 0;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      {
        if (first == NULL)
          first = &commands[i];
        (*n)++;
      }
  return first;
}

/* "Commands:" and one line per command (of group, or all when NULL) */
static char *
dup_commands_help (const char *group)
{
  g_autoptr(GString) s = g_string_new (_("Commands:"));
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (group == NULL || g_str_equal (group, commands[i].name))
      width = MAX (width, (int) strlen (commands[i].synopsis));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (group == NULL || g_str_equal (group, commands[i].name))
      g_string_append_printf (s, "\n  %-*s  %s", width, commands[i].synopsis,
                              _(commands[i].summary));
  return g_strdup (s->str);
}

static int
print_group_help (const char *group)
{
  g_autofree char *help = dup_commands_help (group);

  g_print (_("Usage:\n  certctl [OPTION…] %s SUB-COMMAND [ARGS…]\n\n"), group);
  g_print ("%s\n\n", help);
  g_print ("%s\n", _("Run `certctl COMMAND --help` for the options of a command."));
  return CERTCTL_EXIT_OK;
}

/* certctl help [GROUP] */
static int
print_help (GOptionContext *context,
            const char     *group)
{
  g_autofree char *text = NULL;
  const Command *first;
  guint n;

  if (group != NULL && (first = find_group_commands (group, &n)) != NULL && first->sub != NULL)
    return print_group_help (group);
  text = g_option_context_get_help (context, TRUE, NULL);
  g_print ("%s", text);
  return CERTCTL_EXIT_OK;
}

static int
run_command (char **argv)
{
  g_autoptr(GStrvBuilder) rest = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;
  const Command *first;
  const Command *cmd = NULL;
  guint n = 0;
  guint skip = 1;

  first = find_group_commands (argv[0], &n);
  if (first == NULL)
    return usage_error (_("unknown command '%s'"), argv[0]);

  if (first->sub == NULL)
    cmd = first;
  else if (argv[1] == NULL)
    return usage_error (_("'%s' needs a sub-command; see `certctl %s --help`"), argv[0],
                        argv[0]);
  else if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    return print_group_help (argv[0]);
  else
    {
      for (guint i = 0; i < n && cmd == NULL; i++)
        if (g_str_equal (first[i].sub, argv[1]))
          cmd = &first[i];
      if (cmd == NULL)
        return usage_error (_("unknown command '%s %s'"), argv[0], argv[1]);
      skip = 2;
    }

  /* GOption skips args[0], as it would a program name */
  g_strv_builder_add (rest, "certctl");
  g_strv_builder_addv (rest, (const char **) argv + skip);
  args = g_strv_builder_end (rest);
  return cmd->handler (cmd, args);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *commands_help = NULL;
  g_autofree char *summary = NULL;
  g_auto(GStrv) args = NULL;
  const GOptionEntry main_entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
    { NULL }
  };
  int status;

  setlocale (LC_ALL, "");
  cc_core_init ();
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("certctl");

  context = g_option_context_new (_("COMMAND [ARGS…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* global options stop at the command; the command parses the rest */
  g_option_context_set_strict_posix (context, TRUE);
  commands_help = dup_commands_help (NULL);
  summary = g_strdup_printf ("%s\n\n%s", _("Manage the certificates of every server of a "
                                            "deployment from the command line."),
                             commands_help);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, _("Run `certctl COMMAND --help` for the options "
                                               "of a command."));
  g_option_context_add_main_entries (context, main_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);

  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    return usage_error ("%s", error->message);

  if (opt_version)
    {
      g_print ("certctl %s\n", PACKAGE_VERSION);
      return CERTCTL_EXIT_OK;
    }
  if (args[1] == NULL)
    return usage_error (_("no command given"));
  if (g_str_equal (args[1], "help"))
    return print_help (context, args[2]);

  status = run_command (args + 1);
  g_clear_pointer (&opt_deployment, g_free);
  return status;
}
