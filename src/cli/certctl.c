/* certctl.c: the command-line face of the core: topology, stores and certificates. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "certconsole-core.h"

enum
{
  CERTCTL_EXIT_OK = 0,
  CERTCTL_EXIT_FAILED = 1,
  CERTCTL_EXIT_USAGE = 2,
  CERTCTL_EXIT_PROBLEMS = 3,   /* check, trust verify: something is not right */
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
static char *opt_passphrase_file;
static gboolean opt_passphrase_stdin;

static const GOptionEntry global_entries[] = {
  { "deployment", 'd', 0, G_OPTION_ARG_FILENAME, &opt_deployment,
    N_("The deployment folder (default: ~/.local/share/certconsole)"), N_("DIR") },
  { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_passphrase_file,
    N_("Unlock the deployment's keys with the passphrase on the first line of FILE"), N_("FILE") },
  { "passphrase-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_passphrase_stdin,
    N_("Unlock the deployment's keys with one line of standard input"), NULL },
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
  if (g_error_matches (error, CC_ERROR, CC_ERROR_LOCKED_KEYS))
    /* TRANSLATORS: the core's "The deployment's keys are locked: …" comes first */
    g_printerr (_("certctl: %s (give the passphrase with --passphrase-file FILE or --passphrase-stdin)\n"),
                line);
  else
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

static gboolean unlock_from_options (CcDeployment *deployment, GError **error);

static CcDeployment *
open_deployment (GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr(CcDeployment) deployment = NULL;

  path = opt_deployment ? g_strdup (opt_deployment) : cc_deployment_dup_default_path ();
  deployment = cc_deployment_open (path, NULL, error);
  if (deployment == NULL || !unlock_from_options (deployment, error))
    return NULL;
  return g_steal_pointer (&deployment);
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

static int
cmd_generate (const Command *cmd,
              char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int sites = 1, pools = 50, per_pool = 2, roots = 150, personal = 4;
  gint64 seed = 1;
  const GOptionEntry entries[] = {
    { "sites", 0, 0, G_OPTION_ARG_INT, &sites, N_("Sites (default: 1)"), N_("N") },
    { "pools-per-site", 0, 0, G_OPTION_ARG_INT, &pools,
      N_("Pools behind a load balancer in each site (default: 50)"), N_("N") },
    { "servers-per-pool", 0, 0, G_OPTION_ARG_INT, &per_pool,
      N_("Edge Servers in each pool (default: 2)"), N_("N") },
    { "roots", 0, 0, G_OPTION_ARG_INT, &roots,
      N_("Trusted roots shared by every server (default: 150)"), N_("N") },
    { "personal", 0, 0, G_OPTION_ARG_INT, &personal,
      N_("Assigned certificates with keys on each server, 1 to 4 (default: 4)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      N_("Names and order derive from it (default: 1)"), N_("S") },
    { NULL }
  };
  CcGenerateOptions options = { 0 };
  int status;

  if ((status = parse_command (cmd, entries,
                               _("Writes a new deployment for trials and benchmarks into the "
                                 "folder given with --deployment, which must be new or empty: "
                                 "a lab CA, the roots on every server, and assigned certificates "
                                 "with EC keys (one key shared by all of them)."),
                               &args, 0, 0)) != CERTCTL_EXIT_OK)
    return status;
  if (sites < 1 || pools < 1 || per_pool < 1 || (gint64) sites * pools * per_pool > 100000)
    return usage_error (_("--sites, --pools-per-site and --servers-per-pool must be 1 or more, "
                          "and make at most 100,000 servers"));
  if (roots < 1 || roots > 10000)
    return usage_error (_("--roots must be between 1 and 10,000"));
  if (personal < 1 || personal > 4)
    return usage_error (_("--personal must be between 1 and 4"));
  if (seed < 0 || seed > G_MAXUINT32)
    return usage_error (_("--seed must be between 0 and %u"), G_MAXUINT32);

  options.n_servers = sites * pools * per_pool;
  options.pool_size = per_pool;
  options.servers_per_site = pools * per_pool;
  options.n_roots = roots;
  options.n_personal = personal;
  options.seed = (guint32) seed;
  path = opt_deployment ? g_strdup (opt_deployment) : cc_deployment_dup_default_path ();
  deployment = cc_deployment_generate (path, &options, &error);
  if (deployment == NULL)
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(GPtrArray) servers = cc_deployment_list_servers (deployment);

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_add_string (builder, "deployment", cc_deployment_get_path (deployment));
      json_add_int (builder, "servers", servers->len);
      json_add_int (builder, "roots", roots);
      json_add_int (builder, "personal", personal);
      json_builder_end_object (builder);
      print_json (builder);
      return CERTCTL_EXIT_OK;
    }
  g_print (_("Generated deployment %s: %d sites, %d servers, %d trusted roots and %d assigned "
             "certificates on each server\n"),
           cc_deployment_get_path (deployment), sites, options.n_servers, roots, personal);
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

/* site remove and pool remove: the same option, another core call and message */
typedef gboolean (*RemoveFunc) (CcDeployment *deployment,
                                const char   *name,
                                gboolean      force,
                                GError      **error);

static int
remove_container (const Command *cmd,
                  char         **args,
                  RemoveFunc     remove,
                  const char    *kind,
                  const char    *field,
                  const char    *removed_format)
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
  if (!remove (deployment, args[1], force, &error))
    return report_error (error);

  message = g_strdup_printf (removed_format, args[1]);
  return print_removed (kind, field, args[1], message);
}

static int
cmd_site_remove (const Command *cmd,
                 char         **args)
{
  return remove_container (cmd, args, cc_deployment_remove_site, "site", "name",
                           _("Removed site %s."));
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
  return remove_container (cmd, args, cc_deployment_remove_pool, "pool", "fqdn",
                           _("Removed pool %s."));
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
/* Interfaces, servers, passwords and reports (the workflow commands)       */

static char *
dup_interface_ids (void)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < CC_N_INTERFACES; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", cc_interface_to_id (i));
  return g_strdup (s->str);
}

static int
parse_interface (const char  *id,
                 CcInterface *out_iface)
{
  g_autofree char *valid = NULL;

  if (cc_interface_from_id (id, out_iface))
    return CERTCTL_EXIT_OK;
  valid = dup_interface_ids ();
  return usage_error (_("unknown interface '%s'; the interfaces are: %s"), id, valid);
}

static int
parse_thumbprint (const char  *text,
                  char       **out)
{
  if ((*out = normalize_thumbprint (text)) != NULL)
    return CERTCTL_EXIT_OK;
  return usage_error (_("'%s' is not a thumbprint: give the SHA-256 in hex, "
                        "or its first 8 characters or more"), text);
}

/* A warning that does not stop the command: one line on stderr. */
static void
print_warning (const char *message)
{
  g_autofree char *line = g_strdup (message);

  g_strdelimit (line, "\r\n", ' ');
  g_printerr ("certctl: %s\n", line);
}

/* --server, --pool, --all: at most one; with required, exactly one. */
static int
check_target (const char *server_fqdn,
              const char *pool_fqdn,
              gboolean    all,
              gboolean    required)
{
  guint n = (server_fqdn != NULL) + (pool_fqdn != NULL) + (all != FALSE);

  if (n > 1 || (required && n == 0))
    return usage_error (_("give one of --server FQDN, --pool FQDN or --all"));
  return CERTCTL_EXIT_OK;
}

/* The members of a pool (borrowed: the pool keeps them). */
static GPtrArray *
dup_pool_servers (CcPool *pool)
{
  GPtrArray *servers = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pool)); i++)
    {
      g_autoptr(CcServer) server = g_list_model_get_item (G_LIST_MODEL (pool), i);
      g_ptr_array_add (servers, server);
    }
  return servers;
}

/* The servers --server, --pool or --all name (every server when none is given). */
static GPtrArray *
resolve_target (CcDeployment *deployment,
                const char   *server_fqdn,
                const char   *pool_fqdn,
                gboolean      allow_empty,
                GError      **error)
{
  g_autoptr(GPtrArray) servers = NULL;

  if (server_fqdn != NULL)
    {
      CcServer *server = cc_deployment_get_server (deployment, server_fqdn, error);

      if (server == NULL)
        return NULL;
      servers = g_ptr_array_new ();
      g_ptr_array_add (servers, server);
      return g_steal_pointer (&servers);
    }
  if (pool_fqdn != NULL)
    {
      CcPool *pool = cc_deployment_get_pool (deployment, pool_fqdn, error);

      if (pool == NULL)
        return NULL;
      servers = dup_pool_servers (pool);
      if (servers->len == 0 && !allow_empty)
        {
          g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                       _("The pool %s has no servers; add one with "
                         "`certctl server add --pool %s --fqdn FQDN --role ROLE`"),
                       cc_pool_get_fqdn (pool), cc_pool_get_fqdn (pool));
          return NULL;
        }
      return g_steal_pointer (&servers);
    }
  servers = cc_deployment_list_servers (deployment);
  if (servers->len == 0 && !allow_empty)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("The deployment %s has no servers yet; add one with "
                     "`certctl server add --pool FQDN --fqdn FQDN --role ROLE`"),
                   cc_deployment_get_path (deployment));
      return NULL;
    }
  return g_steal_pointer (&servers);
}

/* Passwords never come from the command line: a file's first line, or one line of
 * standard input. They live in one fixed buffer, wiped before it is freed. */
#define PASSWORD_MAX 1023

typedef struct
{
  char text[PASSWORD_MAX + 1];
} Password;

static void
password_free (Password *password)
{
  if (password == NULL)
    return;
  explicit_bzero (password, sizeof *password);
  g_free (password);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Password, password_free)

static int
check_password_options (const char *file,
                        gboolean    from_stdin)
{
  if ((file != NULL) == (from_stdin != FALSE))
    return usage_error (_("give the password with one of --password-file FILE or "
                          "--password-stdin"));
  return CERTCTL_EXIT_OK;
}

/* Reads up to the first newline (or the end) one byte at a time, so that no copy of the
 * secret stays in a stdio buffer; strips a trailing \r. Returns the length, -1 with errno
 * set on a read error, -2 when the line is too long. */
static gssize
read_secret_line (int   fd,
                  char *buf,
                  gsize size)
{
  gsize n = 0;
  char c = 0;

  for (;;)
    {
      gssize r = read (fd, &c, 1);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      if (r == 0 || c == '\n')
        break;
      if (n + 1 >= size)
        {
          explicit_bzero (&c, sizeof c);
          return -2;
        }
      buf[n++] = c;
    }
  explicit_bzero (&c, sizeof c);
  buf[n] = '\0';
  if (n > 0 && buf[n - 1] == '\r')
    buf[--n] = '\0';
  return n;
}

static Password *secret_read (const char *file, const char *prompt, GError **error);

/* file: the --password-file, or NULL for standard input. An empty password is allowed. */
static Password *
password_read (const char  *file,
               GError     **error)
{
  return secret_read (file, _("Password: "), error);
}

/* --passphrase-file / --passphrase-stdin: when the deployment has a passphrase, unlocks it
 * (a deployment without one ignores them, so that scripts keep working after a remove) */
static gboolean
unlock_from_options (CcDeployment  *deployment,
                     GError       **error)
{
  g_autoptr(Password) passphrase = NULL;

  if (opt_passphrase_file != NULL && opt_passphrase_stdin)
    {
      g_set_error_literal (error, CC_ERROR, CC_ERROR_INVALID,
                           _("Give the passphrase with one of --passphrase-file FILE or --passphrase-stdin, not both"));
      return FALSE;
    }
  if ((opt_passphrase_file == NULL && !opt_passphrase_stdin)
      || !cc_deployment_has_passphrase (deployment))
    return TRUE;
  passphrase = secret_read (opt_passphrase_file, _("Passphrase: "), error);
  return passphrase != NULL
         && cc_deployment_unlock (deployment, passphrase->text, strlen (passphrase->text), error);
}

static Password *
secret_read (const char  *file,
             const char  *prompt,
             GError     **error)
{
  g_autoptr(Password) password = g_new0 (Password, 1);
  const char *what = file ? file : _("standard input");
  struct termios saved;
  gboolean echo_off = FALSE;
  gssize n;
  int saved_errno;
  int fd;

  if (file != NULL)
    {
      fd = g_open (file, O_RDONLY | O_CLOEXEC, 0);
      if (fd < 0)
        {
          saved_errno = errno;
          g_set_error (error, CC_ERROR, CC_ERROR_IO, _("Cannot read the password file “%s”: %s"),
                       file, g_strerror (saved_errno));
          return NULL;
        }
    }
  else
    {
      fd = STDIN_FILENO;
      /* typed at a terminal: not shown */
      if (isatty (fd) && tcgetattr (fd, &saved) == 0)
        {
          struct termios quiet = saved;

          quiet.c_lflag &= ~(tcflag_t) ECHO;
          g_printerr ("%s", prompt);
          echo_off = tcsetattr (fd, TCSAFLUSH, &quiet) == 0;
        }
    }

  n = read_secret_line (fd, password->text, sizeof password->text);
  saved_errno = errno;
  if (echo_off)
    {
      tcsetattr (fd, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  if (file != NULL)
    close (fd);

  if (n == -1)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_IO, _("Cannot read the password from “%s”: %s"), what,
                   g_strerror (saved_errno));
      return NULL;
    }
  if (n == -2)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("The password in “%s” is longer than %d bytes"), what, PASSWORD_MAX);
      return NULL;
    }
  return g_steal_pointer (&password);
}

static void
json_add_lines (JsonBuilder *builder,
                const char  *name,
                GPtrArray   *lines)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; lines != NULL && i < lines->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (lines, i));
  json_builder_end_array (builder);
}

static void
build_report_members (JsonBuilder *builder,
                      CcReport    *report)
{
  json_add_lines (builder, "changes", report->changes);
  json_add_lines (builder, "notes", report->notes);
  json_add_string (builder, "thumbprint",
                   report->leaf ? cc_certificate_get_thumbprint (report->leaf) : NULL);
}

static void
print_report_lines (CcReport *report)
{
  for (guint i = 0; i < report->changes->len; i++)
    g_print ("%s\n", (char *) g_ptr_array_index (report->changes, i));
  for (guint i = 0; i < report->notes->len; i++)
    g_print ("%s\n", (char *) g_ptr_array_index (report->notes, i));
}

/* What an import, an assignment or a distribution did: its lines (or, when it changed
 * nothing, unchanged), then an optional next step; with --json one object. */
static int
print_report (CcReport   *report,
              const char *unchanged,
              const char *next_step)
{
  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      build_report_members (builder, report);
      json_builder_end_object (builder);
      print_json (builder);
      return CERTCTL_EXIT_OK;
    }
  print_report_lines (report);
  if (report->changes->len == 0 && unchanged != NULL)
    g_print ("%s\n", unchanged);
  if (next_step != NULL)
    g_print ("%s\n", next_step);
  return CERTCTL_EXIT_OK;
}

/* "Assign it with `certctl assign --server S 3f7d2a1b… --interface IFACE`." */
static char *
dup_assign_hint (CcServer      *server,
                 CcCertificate *leaf,
                 const char    *iface_id)
{
  g_autofree char *prefix = NULL;

  if (leaf == NULL)
    return NULL;
  prefix = g_strndup (cc_certificate_get_thumbprint (leaf), 16);
  return g_strdup_printf (_("Assign it with `certctl assign --server %s %s --interface %s`."),
                          cc_server_get_fqdn (server), prefix, iface_id ? iface_id : "IFACE");
}

/* ------------------------------------------------------------------------ */
/* request                                                                  */

static gboolean
check_can_write (const char  *file,
                 GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (file);

  if (g_file_test (file, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_IO, _("“%s” is a folder; give a file name"), file);
      return FALSE;
    }
  if (g_access (dir, W_OK) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CC_ERROR, CC_ERROR_IO, _("Cannot write “%s”: %s"), file,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_lab_authority (CcDeployment  *deployment,
                     const char    *name,
                     GError       **error)
{
  CcAuthority *authority = cc_deployment_find_authority (deployment, name);

  if (authority == NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("The deployment knows no certification authority “%s”; list them with "
                     "`certctl ca list`, or save the request with --out FILE for an offline CA"),
                   name);
      return FALSE;
    }
  if (cc_authority_get_kind (authority) != CC_AUTHORITY_LAB)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("The certification authority “%s” cannot be reached from here; save the "
                     "request with --out FILE and submit that file to the CA"),
                   name);
      return FALSE;
    }
  return TRUE;
}

static int
cmd_request_create (const Command *cmd,
                    char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcReport) report = cc_report_new ();
  g_autofree char *server_fqdn = NULL;
  g_autofree char *iface_id = NULL;
  g_autofree char *friendly_name = NULL;
  g_autofree char *key_type = NULL;
  g_autofree char *organization = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *country = NULL;
  g_autofree char *state = NULL;
  g_autofree char *city = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *out = NULL;
  g_autofree char *authority = NULL;
  g_auto(GStrv) sans = NULL;
  gboolean allow_weak_key = FALSE;
  gboolean exportable = FALSE;
  gboolean add_machine_name = FALSE;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("The server"), N_("FQDN") },
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &iface_id,
      N_("The interface the certificate is for"), N_("IFACE") },
    { "friendly-name", 0, 0, G_OPTION_ARG_STRING, &friendly_name,
      N_("A name to tell the certificate by"), N_("NAME") },
    { "key", 0, 0, G_OPTION_ARG_STRING, &key_type, N_("The key type (default: rsa:2048)"),
      N_("TYPE") },
    { "allow-weak-key", 0, 0, G_OPTION_ARG_NONE, &allow_weak_key,
      N_("Accept a 1024-bit RSA key (weak; only for peers that need it)"), NULL },
    { "exportable", 0, 0, G_OPTION_ARG_NONE, &exportable,
      N_("Mark the private key exportable (needed to copy it to the other pool members)"),
      NULL },
    { "org", 0, 0, G_OPTION_ARG_STRING, &organization, N_("Organization (O)"), N_("O") },
    { "ou", 0, 0, G_OPTION_ARG_STRING, &unit, N_("Organizational unit (OU)"), N_("OU") },
    { "country", 0, 0, G_OPTION_ARG_STRING, &country, N_("Two-letter country code (C)"),
      N_("C") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, N_("State or province (ST)"), N_("S") },
    { "city", 0, 0, G_OPTION_ARG_STRING, &city, N_("City or locality (L)"), N_("L") },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject,
      N_("The subject name (CN; default: what the topology calls for)"), N_("CN") },
    { "san", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sans,
      N_("An extra subject alternative name (repeat for more)"), N_("NAME") },
    { "add-machine-name", 0, 0, G_OPTION_ARG_NONE, &add_machine_name,
      N_("Add the server's own FQDN to the subject alternative names"), NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Save the request (CSR) to FILE for an offline CA"), N_("FILE") },
    { "ca", 0, 0, G_OPTION_ARG_STRING, &authority,
      N_("Send the request to this lab CA and install the certificate at once"), N_("NAME") },
    { NULL }
  };
  g_autofree char *ifaces = dup_interface_ids ();
  g_autofree char *description = NULL;
  g_autofree char *csr = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *request_subject = NULL;
  g_autofree char *request_key = NULL;
  g_autofree char *hint = NULL;
  CcRequestOptions options = { 0 };
  CcStoreEntry *entry;
  CcInterface iface;
  CcServer *server;
  const char *fqdn;
  int status;

  description = g_strdup_printf (_("Interfaces: %s\n"
                                   "Keys: rsa:2048 (the default), rsa:3072, rsa:4096, ec:p256, "
                                   "ec:p384; rsa:1024 only with --allow-weak-key\n\n"
                                   "With --out the request is saved for an offline CA: submit "
                                   "the file, then import the answer with `certctl request "
                                   "process`. With --ca it goes to a lab CA of the deployment "
                                   "and the certificate is installed at once. One request per "
                                   "server and interface can be pending."),
                                 ifaces);
  if ((status = parse_command (cmd, entries, description, &args, 0, 0)) != CERTCTL_EXIT_OK
      || (status = require_option (server_fqdn, "--server", _("FQDN"))) != CERTCTL_EXIT_OK
      || (status = require_option (iface_id, "--interface", _("IFACE"))) != CERTCTL_EXIT_OK
      || (status = require_option (friendly_name, "--friendly-name", _("NAME")))
           != CERTCTL_EXIT_OK
      || (status = parse_interface (iface_id, &iface)) != CERTCTL_EXIT_OK)
    return status;
  if ((out != NULL) == (authority != NULL))
    return usage_error (_("give one of --out FILE (an offline CA) or --ca NAME (a lab CA)"));

  if ((deployment = open_deployment (&error)) == NULL
      || (server = cc_deployment_get_server (deployment, server_fqdn, &error)) == NULL)
    return report_error (error);
  fqdn = cc_server_get_fqdn (server);
  /* what can be known to fail is refused before the request is made */
  if ((out != NULL && !check_can_write (out, &error))
      || (authority != NULL && !check_lab_authority (deployment, authority, &error)))
    return report_error (error);

  options.iface = iface;
  options.friendly_name = friendly_name;
  options.key_type = key_type;
  options.allow_weak_key = allow_weak_key;
  options.exportable = exportable;
  options.organization = organization;
  options.organizational_unit = unit;
  options.country = country;
  options.state = state;
  options.locality = city;
  options.subject = subject;
  options.sans = (const char * const *) sans;
  options.add_machine_name = add_machine_name;
  entry = cc_request_create (server, &options, &csr, &warning, &error);
  if (entry == NULL)
    return report_error (error);
  if (warning != NULL)
    print_warning (warning);
  /* the entry goes when the request is processed */
  request_subject = g_strdup (cc_store_entry_get_subject (entry));
  request_key = g_strdup (cc_store_entry_get_key_type (entry));

  if (out != NULL && !cc_request_save_csr (server, iface, csr, out, &error))
    return report_error (error);
  if (authority != NULL && !cc_request_submit (server, iface, authority, report, &error))
    {
      cc_request_cancel (server, iface_id, NULL);
      return report_error (error);
    }

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_add_string (builder, "server", fqdn);
      json_add_string (builder, "interface", iface_id);
      json_add_string (builder, "subject", request_subject);
      json_add_string (builder, "key", request_key);
      json_add_string (builder, "friendly_name", friendly_name);
      json_add_bool (builder, "exportable", exportable);
      json_add_string (builder, "warning", warning);
      json_add_string (builder, "out", out);
      json_add_string (builder, "ca", authority);
      if (out != NULL)
        json_add_string (builder, "csr", csr);
      build_report_members (builder, report);
      json_builder_end_object (builder);
      print_json (builder);
      return CERTCTL_EXIT_OK;
    }

  /* TRANSLATORS: interface id, server FQDN, subject ("CN=..."), key type ("rsa:2048") */
  g_print (_("Created the request for %s on %s: %s, %s key.\n"), iface_id, fqdn, request_subject,
           request_key);
  if (out != NULL)
    {
      g_autofree char *file_word = dup_shell_word (out);

      g_print (_("Saved the certificate request to %s.\n"), out);
      g_print (_("Submit %s to your certification authority, then run "
                 "`certctl request process --server %s ANSWER` with the file it sends back.\n"),
               file_word, fqdn);
      return CERTCTL_EXIT_OK;
    }
  print_report_lines (report);
  hint = dup_assign_hint (server, report->leaf, iface_id);
  if (hint != NULL)
    g_print ("%s\n", hint);
  return CERTCTL_EXIT_OK;
}

static void
table_add_pending (Table        *table,
                   CcStoreEntry *entry)
{
  GDateTime *added = cc_store_entry_get_added (entry);
  g_autofree char *date = added ? g_date_time_format (added, "%Y-%m-%d %H:%M") : NULL;

  table_add (table, (const char *[]) { cc_store_entry_get_id (entry),
                                       cc_store_entry_get_interface (entry),
                                       cc_store_entry_get_subject (entry),
                                       cc_store_entry_get_key_type (entry),
                                       cc_store_entry_get_friendly_name (entry), date });
}

static int
cmd_request_list (const Command *cmd,
                  char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(Table) table = table_new (6);
  g_autofree char *server_fqdn = NULL;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("The server"), N_("FQDN") },
    { NULL }
  };
  CcServer *server;
  CcStore *store;
  guint n_items;
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 0, 0)) != CERTCTL_EXIT_OK
      || (status = require_option (server_fqdn, "--server", _("FQDN"))) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL
      || (server = cc_deployment_get_server (deployment, server_fqdn, &error)) == NULL)
    return report_error (error);
  store = cc_server_get_store (server, CC_STORE_REQUESTS);
  if (!cc_store_ensure_loaded (store, NULL, &error))
    return report_error (error);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (store));

  table_add (table, (const char *[]) { _("REQUEST"), _("INTERFACE"), _("SUBJECT"), _("KEY"),
                                       _("FRIENDLY NAME"), _("CREATED") });
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (G_LIST_MODEL (store), i);

      json_builder_begin_object (builder);
      json_add_string (builder, "server", cc_server_get_fqdn (server));
      build_entry_members (builder, entry, store);
      json_builder_end_object (builder);
      table_add_pending (table, entry);
    }
  json_builder_end_array (builder);

  if (opt_json)
    print_json (builder);
  else if (n_items == 0)
    g_print (_("No requests are pending on %s.\n"), cc_server_get_fqdn (server));
  else
    table_print (table);
  return CERTCTL_EXIT_OK;
}

static int
cmd_request_cancel (const Command *cmd,
                    char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_fqdn = NULL;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("The server"), N_("FQDN") },
    { NULL }
  };
  CcServer *server;
  CcInterface iface;
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 1, 1)) != CERTCTL_EXIT_OK
      || (status = require_option (server_fqdn, "--server", _("FQDN"))) != CERTCTL_EXIT_OK
      || (status = parse_interface (args[1], &iface)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL
      || (server = cc_deployment_get_server (deployment, server_fqdn, &error)) == NULL
      || !cc_request_cancel (server, cc_interface_to_id (iface), &error))
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_add_string (builder, "server", cc_server_get_fqdn (server));
      json_add_string (builder, "interface", cc_interface_to_id (iface));
      json_add_bool (builder, "cancelled", TRUE);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print (_("Cancelled the request for %s on %s; its private key was deleted.\n"),
             cc_interface_to_id (iface), cc_server_get_fqdn (server));
  return CERTCTL_EXIT_OK;
}

static int
cmd_request_show (const Command *cmd,
                  char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_fqdn = NULL;
  g_autofree char *csr = NULL;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("The server"), N_("FQDN") },
    { NULL }
  };
  CcServer *server;
  CcInterface iface;
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 1, 1)) != CERTCTL_EXIT_OK
      || (status = require_option (server_fqdn, "--server", _("FQDN"))) != CERTCTL_EXIT_OK
      || (status = parse_interface (args[1], &iface)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL
      || (server = cc_deployment_get_server (deployment, server_fqdn, &error)) == NULL)
    return report_error (error);
  /* cc_request_dup_csr's "no such request" message leaves the name out */
  if (cc_request_find (server, iface, &error) == NULL)
    {
      if (error == NULL)
        g_set_error (&error, CC_ERROR, CC_ERROR_NOT_FOUND,
                     _("There is no pending request for %s on %s; list them with "
                       "`certctl request list --server %s`"),
                     cc_interface_to_id (iface), cc_server_get_fqdn (server),
                     cc_server_get_fqdn (server));
      return report_error (error);
    }
  if ((csr = cc_request_dup_csr (server, cc_interface_to_id (iface), &error)) == NULL)
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_string (builder, "server", cc_server_get_fqdn (server));
      json_add_string (builder, "interface", cc_interface_to_id (iface));
      json_add_string (builder, "csr", csr);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      fputs (csr, stdout);
      if (*csr != '\0' && csr[strlen (csr) - 1] != '\n')
        fputc ('\n', stdout);
    }
  return CERTCTL_EXIT_OK;
}

static int
cmd_request_process (const Command *cmd,
                     char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *server_fqdn = NULL;
  g_autofree char *hint = NULL;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn,
      N_("The server that made the request"), N_("FQDN") },
    { NULL }
  };
  const char *processed = NULL;
  CcServer *server;
  CcStore *requests;
  int status;

  if ((status = parse_command (cmd, entries,
                               _("FILE is the CA's answer: .cer, .crt, .pem or .p7b, in PEM, DER "
                                 "or base64. Its certificate must match a pending request's "
                                 "key."),
                               &args, 1, 1)) != CERTCTL_EXIT_OK
      || (status = require_option (server_fqdn, "--server", _("FQDN"))) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL
      || (server = cc_deployment_get_server (deployment, server_fqdn, &error)) == NULL)
    return report_error (error);

  /* which request it answered: the one that is gone afterwards */
  requests = cc_server_get_store (server, CC_STORE_REQUESTS);
  if (!cc_store_ensure_loaded (requests, NULL, &error))
    return report_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (requests)); i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (G_LIST_MODEL (requests), i);
      g_ptr_array_add (pending, g_strdup (cc_store_entry_get_id (entry)));
    }

  if (!cc_request_process (server, args[1], report, &error))
    return report_error (error);

  for (guint i = 0; i < pending->len && processed == NULL; i++)
    if (cc_store_lookup_id (requests, g_ptr_array_index (pending, i)) == NULL)
      processed = g_ptr_array_index (pending, i);
  hint = dup_assign_hint (server, report->leaf, processed);
  return print_report (report, NULL, hint);
}

/* ------------------------------------------------------------------------ */
/* import, export                                                           */

static int
cmd_import_chain (const Command *cmd,
                  char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(GPtrArray) servers = NULL;
  g_autofree char *server_fqdn = NULL;
  g_autofree char *pool_fqdn = NULL;
  g_autofree char *unchanged = NULL;
  gboolean all = FALSE;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("Import on this server"),
      N_("FQDN") },
    { "pool", 'p', 0, G_OPTION_ARG_STRING, &pool_fqdn, N_("Import on every server of the pool"),
      N_("FQDN") },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &all, N_("Import on every server of the deployment"),
      NULL },
    { NULL }
  };
  int status;

  if ((status = parse_command (cmd, entries,
                               _("FILE holds the CA certificates: a .p7b, .cer or .pem, in PEM or "
                                 "DER. Self-signed ones go to Trusted Root, the others to "
                                 "Intermediate."),
                               &args, 1, 1)) != CERTCTL_EXIT_OK
      || (status = check_target (server_fqdn, pool_fqdn, all, TRUE)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL
      || (servers = resolve_target (deployment, server_fqdn, pool_fqdn, FALSE, &error)) == NULL
      || !cc_import_chain (deployment, servers, args[1], report, &error))
    return report_error (error);

  unchanged = g_strdup_printf (_("Nothing to import: the servers already hold the CAs of %s."),
                               args[1]);
  return print_report (report, unchanged, NULL);
}

static int
cmd_import_pfx (const Command *cmd,
                char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(Password) password = NULL;
  g_autofree char *server_fqdn = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *hint = NULL;
  gboolean password_stdin = FALSE;
  gboolean exportable = FALSE;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("The server"), N_("FQDN") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the password from the first line of FILE"), N_("FILE") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from one line of standard input"), NULL },
    { "exportable", 0, 0, G_OPTION_ARG_NONE, &exportable,
      N_("Mark the private key exportable on this server"), NULL },
    { NULL }
  };
  gboolean ok;
  int status;

  if ((status = parse_command (cmd, entries,
                               _("The password is never an argument: it would show in the "
                                 "process list and the shell history."),
                               &args, 1, 1)) != CERTCTL_EXIT_OK
      || (status = require_option (server_fqdn, "--server", _("FQDN"))) != CERTCTL_EXIT_OK
      || (status = check_password_options (password_file, password_stdin)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  {
    CcServer *server = cc_deployment_get_server (deployment, server_fqdn, &error);

    if (server == NULL || (password = password_read (password_file, &error)) == NULL)
      return report_error (error);
    ok = cc_import_pfx (server, args[1], password->text, exportable, report, &error);
    g_clear_pointer (&password, password_free);
    if (!ok)
      return report_error (error);
    hint = dup_assign_hint (server, report->leaf, NULL);
  }
  return print_report (report, NULL, hint);
}

static int
cmd_export_pfx (const Command *cmd,
                char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Password) password = NULL;
  g_autofree char *server_fqdn = NULL;
  g_autofree char *out = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *thumbprint = NULL;
  gboolean password_stdin = FALSE;
  gboolean include_chain = FALSE;
  gboolean legacy = FALSE;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("The server"), N_("FQDN") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The .pfx file to write"), N_("FILE") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the password from the first line of FILE"), N_("FILE") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from one line of standard input"), NULL },
    { "include-chain", 0, 0, G_OPTION_ARG_NONE, &include_chain,
      N_("Add the CA certificates of the chain, as this server sees it"), NULL },
    { "legacy", 0, 0, G_OPTION_ARG_NONE, &legacy,
      N_("Encrypt with 3DES and a SHA-1 MAC, for old systems that cannot read AES"), NULL },
    { NULL }
  };
  CcServer *server;
  CcStoreEntry *entry;
  const char *full;
  gboolean ok;
  int status;

  if ((status = parse_command (cmd, entries,
                               _("Only a private key marked exportable is ever exported. The "
                                 "password is never an argument: it would show in the process "
                                 "list and the shell history."),
                               &args, 1, 1)) != CERTCTL_EXIT_OK
      || (status = require_option (server_fqdn, "--server", _("FQDN"))) != CERTCTL_EXIT_OK
      || (status = require_option (out, "--out", _("FILE"))) != CERTCTL_EXIT_OK
      || (status = check_password_options (password_file, password_stdin)) != CERTCTL_EXIT_OK
      || (status = parse_thumbprint (args[1], &thumbprint)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL
      || (server = cc_deployment_get_server (deployment, server_fqdn, &error)) == NULL
      || (password = password_read (password_file, &error)) == NULL)
    return report_error (error);
  ok = cc_export_pfx (server, thumbprint, out, password->text, include_chain, legacy, &error);
  g_clear_pointer (&password, password_free);
  if (!ok)
    return report_error (error);

  entry = cc_store_lookup (cc_server_get_store (server, CC_STORE_PERSONAL), thumbprint);
  full = entry ? cc_store_entry_get_id (entry) : thumbprint;
  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_add_string (builder, "server", cc_server_get_fqdn (server));
      json_add_string (builder, "thumbprint", full);
      json_add_string (builder, "out", out);
      json_add_bool (builder, "include_chain", include_chain);
      json_add_bool (builder, "legacy", legacy);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      g_autofree char *file_word = dup_shell_word (out);

      if (include_chain)
        g_print (_("Exported %s of %s with its private key and its chain to %s.\n"), full,
                 cc_server_get_fqdn (server), out);
      else
        g_print (_("Exported %s of %s with its private key to %s.\n"), full,
                 cc_server_get_fqdn (server), out);
      g_print (_("Import it on the other servers with "
                 "`certctl import pfx --server FQDN %s --password-file FILE`.\n"), file_word);
    }
  return CERTCTL_EXIT_OK;
}

static int
cmd_export_cert (const Command *cmd,
                 char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_fqdn = NULL;
  g_autofree char *out = NULL;
  g_autofree char *format_id = NULL;
  g_autofree char *thumbprint = NULL;
  gboolean include_chain = FALSE;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("The server"), N_("FQDN") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The file to write"), N_("FILE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_id,
      N_("pem (the default), der or p7b"), N_("FORMAT") },
    { "include-chain", 0, 0, G_OPTION_ARG_NONE, &include_chain,
      N_("Add the CA certificates of the chain (pem and p7b)"), NULL },
    { NULL }
  };
  CcExportFormat format = CC_EXPORT_PEM;
  CcServer *server;
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 1, 1)) != CERTCTL_EXIT_OK
      || (status = require_option (server_fqdn, "--server", _("FQDN"))) != CERTCTL_EXIT_OK
      || (status = require_option (out, "--out", _("FILE"))) != CERTCTL_EXIT_OK
      || (status = parse_thumbprint (args[1], &thumbprint)) != CERTCTL_EXIT_OK)
    return status;
  if (format_id == NULL || g_str_equal (format_id, "pem"))
    format = CC_EXPORT_PEM;
  else if (g_str_equal (format_id, "der"))
    format = CC_EXPORT_DER;
  else if (g_str_equal (format_id, "p7b"))
    format = CC_EXPORT_P7B;
  else
    return usage_error (_("unknown format '%s'; the formats are: pem, der, p7b"), format_id);
  if (format == CC_EXPORT_DER && include_chain)
    return usage_error (_("a DER file holds one certificate; use --format pem or p7b "
                          "with --include-chain"));

  if ((deployment = open_deployment (&error)) == NULL
      || (server = cc_deployment_get_server (deployment, server_fqdn, &error)) == NULL
      || !cc_export_certificate (server, thumbprint, out, format, include_chain, &error))
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_add_string (builder, "server", cc_server_get_fqdn (server));
      json_add_string (builder, "thumbprint", thumbprint);
      json_add_string (builder, "out", out);
      json_add_string (builder, "format", format_id ? format_id : "pem");
      json_add_bool (builder, "include_chain", include_chain);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    g_print (_("Exported the certificate %s of %s to %s.\n"), thumbprint,
             cc_server_get_fqdn (server), out);
  return CERTCTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* assign, distribute                                                       */

/* Would cc_assign refuse on this server? (no certificate, no key, unmet requirements) */
static gboolean
assign_would_fail (CcServer    *server,
                   const char  *thumbprint,
                   CcInterface  iface,
                   gboolean     force,
                   GError     **error)
{
  CcStore *personal = cc_server_get_store (server, CC_STORE_PERSONAL);
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  CcStoreEntry *entry;

  if (!cc_store_ensure_loaded (personal, NULL, error))
    return TRUE;
  entry = cc_store_lookup (personal, thumbprint);
  if (entry == NULL || !cc_store_entry_get_has_private_key (entry))
    return TRUE;
  return !force && cc_requirements_evaluate (server, iface, entry, errors, warnings)
                     == CC_STATUS_ERROR;
}

static int
cmd_assign (const Command *cmd,
            char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GPtrArray) members = g_ptr_array_new ();
  g_autofree char *server_fqdn = NULL;
  g_autofree char *pool_fqdn = NULL;
  g_autofree char *iface_id = NULL;
  g_autofree char *thumbprint = NULL;
  g_autofree char *ifaces = dup_interface_ids ();
  g_autofree char *description = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("The server"), N_("FQDN") },
    { "pool", 'p', 0, G_OPTION_ARG_STRING, &pool_fqdn,
      N_("Every server of the pool that has the interface"), N_("FQDN") },
    { "interface", 'i', 0, G_OPTION_ARG_STRING, &iface_id, N_("The interface"), N_("IFACE") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      N_("Assign it even when it does not meet the requirements (recorded; check reports it)"),
      NULL },
    { NULL }
  };
  CcInterface iface;
  int status;

  description = g_strdup_printf (_("Interfaces: %s\n\n"
                                   "The certificate must be in the server's Personal store with "
                                   "its private key. A refusal lists every unmet requirement. "
                                   "With --pool the certificate must be on every member; none is "
                                   "assigned unless all can be."),
                                 ifaces);
  if ((status = parse_command (cmd, entries, description, &args, 1, 1)) != CERTCTL_EXIT_OK
      || (status = require_option (iface_id, "--interface", _("IFACE"))) != CERTCTL_EXIT_OK)
    return status;
  if ((server_fqdn != NULL) == (pool_fqdn != NULL))
    return usage_error (_("give one of --server FQDN or --pool FQDN"));
  if ((status = parse_interface (iface_id, &iface)) != CERTCTL_EXIT_OK
      || (status = parse_thumbprint (args[1], &thumbprint)) != CERTCTL_EXIT_OK)
    return status;

  if ((deployment = open_deployment (&error)) == NULL
      || (servers = resolve_target (deployment, server_fqdn, pool_fqdn, FALSE, &error)) == NULL)
    return report_error (error);

  if (server_fqdn != NULL)
    g_ptr_array_add (members, g_ptr_array_index (servers, 0));
  else
    for (guint i = 0; i < servers->len; i++)
      if (cc_server_has_interface (g_ptr_array_index (servers, i), iface))
        g_ptr_array_add (members, g_ptr_array_index (servers, i));
  if (members->len == 0)
    {
      g_set_error (&error, CC_ERROR, CC_ERROR_INVALID,
                   _("No server of the pool %s has the interface %s"), pool_fqdn, iface_id);
      return report_error (error);
    }

  /* a pool is all or nothing: a member that would refuse refuses first, with the core's
   * own message, before any other member is touched */
  if (members->len > 1)
    for (guint i = 0; i < members->len; i++)
      {
        CcServer *server = g_ptr_array_index (members, i);

        if (!assign_would_fail (server, thumbprint, iface, force, &error))
          continue;
        if (error != NULL || !cc_assign (server, thumbprint, iface, force, NULL, &error))
          return report_error (error);
        /* it did not refuse after all; assign it again below with the report */
      }

  for (guint i = 0; i < members->len; i++)
    if (!cc_assign (g_ptr_array_index (members, i), thumbprint, iface, force, report, &error))
      return report_error (error);
  return print_report (report, NULL, NULL);
}

static int
cmd_distribute (const Command *cmd,
                char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcReport) report = cc_report_new ();
  g_autofree char *pool_fqdn = NULL;
  g_autofree char *thumbprint = NULL;
  g_autofree char *unchanged = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "pool", 'p', 0, G_OPTION_ARG_STRING, &pool_fqdn, N_("The pool"), N_("FQDN") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      N_("Assign it even where it does not meet the requirements"), NULL },
    { NULL }
  };
  CcPool *pool;
  int status;

  if ((status = parse_command (cmd, entries,
                               _("The member that holds the certificate with its private key "
                                 "copies both to every other member (not exportable there) and "
                                 "assigns it there to the interfaces it has on that member."),
                               &args, 1, 1)) != CERTCTL_EXIT_OK
      || (status = require_option (pool_fqdn, "--pool", _("FQDN"))) != CERTCTL_EXIT_OK
      || (status = parse_thumbprint (args[1], &thumbprint)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL
      || (pool = cc_deployment_get_pool (deployment, pool_fqdn, &error)) == NULL)
    return report_error (error);
  /* cc_distribute looks the certificate up in the other members' Personal stores without
   * loading them first, and would copy it again (resetting its exportable mark) onto a
   * member that holds it already: load them here */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pool)); i++)
    {
      g_autoptr(CcServer) member = g_list_model_get_item (G_LIST_MODEL (pool), i);

      if (!cc_store_ensure_loaded (cc_server_get_store (member, CC_STORE_PERSONAL), NULL,
                                   &error))
        return report_error (error);
    }
  if (!cc_distribute (pool, thumbprint, force, report, &error))
    return report_error (error);

  unchanged = g_strdup_printf (_("Every member of %s already holds the certificate."),
                               cc_pool_get_fqdn (pool));
  return print_report (report, unchanged, NULL);
}

/* ------------------------------------------------------------------------ */
/* trust, check                                                             */

/* The CA of a file: its first self-signed CA, else its first CA, else its first
 * certificate. */
static CcCertificate *
read_ca_file (const char  *file,
              GError     **error)
{
  g_autoptr(GPtrArray) certs = cc_read_certificates_file (file, error);
  CcCertificate *ca = NULL;

  if (certs == NULL)
    return NULL;
  for (guint i = 0; i < certs->len && ca == NULL; i++)
    if (cc_certificate_is_ca (g_ptr_array_index (certs, i))
        && cc_certificate_is_self_signed (g_ptr_array_index (certs, i)))
      ca = g_ptr_array_index (certs, i);
  for (guint i = 0; i < certs->len && ca == NULL; i++)
    if (cc_certificate_is_ca (g_ptr_array_index (certs, i)))
      ca = g_ptr_array_index (certs, i);
  if (ca == NULL)
    ca = g_ptr_array_index (certs, 0);
  return g_object_ref (ca);
}

/* A CA by thumbprint (or a unique prefix) in the Trusted Root and Intermediate stores of
 * every server of the deployment. */
static CcCertificate *
find_ca (CcDeployment  *deployment,
         const char    *thumbprint,
         GError       **error)
{
  g_autoptr(GPtrArray) servers = cc_deployment_list_servers (deployment);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       g_object_unref);
  const CcStoreKind kinds[] = { CC_STORE_TRUSTED_ROOT, CC_STORE_INTERMEDIATE };
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < servers->len; i++)
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        CcStore *store = cc_server_get_store (g_ptr_array_index (servers, i), kinds[k]);

        if (!cc_store_ensure_loaded (store, NULL, error))
          return NULL;
        for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (store)); j++)
          {
            g_autoptr(CcStoreEntry) entry = g_list_model_get_item (G_LIST_MODEL (store), j);
            CcCertificate *cert = cc_store_entry_get_certificate (entry);
            const char *id = cc_store_entry_get_id (entry);

            if (cert != NULL && g_ascii_strncasecmp (id, thumbprint, strlen (thumbprint)) == 0
                && !g_hash_table_contains (found, id))
              g_hash_table_insert (found, g_strdup (id), g_object_ref (cert));
          }
      }

  if (g_hash_table_size (found) == 0)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("No server holds a CA certificate %s in its Trusted Root or Intermediate "
                     "store; give the CA's certificate file instead"),
                   thumbprint);
      return NULL;
    }
  if (g_hash_table_size (found) > 1)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("%s matches %u CA certificates; give more of the thumbprint"), thumbprint,
                   g_hash_table_size (found));
      return NULL;
    }
  g_hash_table_iter_init (&iter, found);
  g_hash_table_iter_next (&iter, NULL, &value);
  return g_object_ref (value);
}

static int
cmd_trust_verify (const Command *cmd,
                  char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(CcCertificate) ca = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *ca_arg = NULL;
  g_autofree char *thumbprint = NULL;
  g_autofree char *server_fqdn = NULL;
  g_autofree char *pool_fqdn = NULL;
  gboolean all = FALSE;
  const GOptionEntry entries[] = {
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca_arg,
      N_("The CA: its certificate file (.cer, .pem, .p7b), or its thumbprint"),
      N_("THUMBPRINT|FILE") },
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("Verify this server"),
      N_("FQDN") },
    { "pool", 'p', 0, G_OPTION_ARG_STRING, &pool_fqdn, N_("Verify every server of the pool"),
      N_("FQDN") },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &all, N_("Verify every server of the deployment"),
      NULL },
    { NULL }
  };
  int status;

  if ((status = parse_command (cmd, entries,
                               _("A thumbprint (or its first 8+ characters) is looked up in the "
                                 "Trusted Root and Intermediate stores of every server; from a "
                                 "file, its root CA is taken.\n\n"
                                 "Exit status: 0 when every server trusts the CA, 3 when one or "
                                 "more do not, 1 when it could not be verified."),
                               &args, 0, 0)) != CERTCTL_EXIT_OK
      || (status = require_option (ca_arg, "--ca", _("THUMBPRINT|FILE"))) != CERTCTL_EXIT_OK
      || (status = check_target (server_fqdn, pool_fqdn, all, TRUE)) != CERTCTL_EXIT_OK)
    return status;
  if (!g_file_test (ca_arg, G_FILE_TEST_EXISTS))
    {
      thumbprint = normalize_thumbprint (ca_arg);
      for (const char *p = thumbprint; p != NULL && *p != '\0'; p++)
        if (!g_ascii_isxdigit (*p))
          {
            /* p pointed into it: stop here (AddressSanitizer found it read after free) */
            g_clear_pointer (&thumbprint, g_free);
            break;
          }
      if (thumbprint == NULL)
        return usage_error (_("'%s' is neither a certificate file nor a thumbprint "
                              "(8 or more hex characters)"), ca_arg);
    }

  if ((deployment = open_deployment (&error)) == NULL
      || (servers = resolve_target (deployment, server_fqdn, pool_fqdn, FALSE, &error)) == NULL)
    return report_error (error);
  ca = thumbprint ? find_ca (deployment, thumbprint, &error) : read_ca_file (ca_arg, &error);
  if (ca == NULL || !cc_trust_verify (servers, ca, missing, &error))
    return report_error (error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      gboolean trusted = !g_ptr_array_find (missing, server, NULL);

      json_builder_begin_object (builder);
      json_add_string (builder, "server", cc_server_get_fqdn (server));
      json_add_bool (builder, "trusted", trusted);
      json_builder_end_object (builder);
      if (!opt_json)
        {
          if (trusted)
            /* TRANSLATORS: a server FQDN */
            g_print (_("%s: trusted\n"), cc_server_get_fqdn (server));
          else
            g_print (_("%s: NOT trusted\n"), cc_server_get_fqdn (server));
        }
    }
  json_builder_end_array (builder);
  if (opt_json)
    print_json (builder);
  return missing->len > 0 ? CERTCTL_EXIT_PROBLEMS : CERTCTL_EXIT_OK;
}

static const char *
status_word (CcStatus status)
{
  switch (status)
    {
    case CC_STATUS_OK:
      return _("ok");
    case CC_STATUS_WARNING:
      return _("warning");
    case CC_STATUS_ERROR:
    default:
      return _("error");
    }
}

/* "Edge internal (3f7d2a1b…)", or the thumbprint prefix alone */
static char *
dup_check_what (CcCheckItem *item)
{
  CcStore *personal = cc_server_get_store (item->server, CC_STORE_PERSONAL);
  g_autofree char *prefix = dup_short_thumbprint (item->thumbprint);
  CcStoreEntry *entry;
  const char *friendly;

  if (item->thumbprint == NULL)
    return g_strdup ("");
  entry = cc_store_lookup_id (personal, item->thumbprint);
  friendly = entry ? cc_store_entry_get_friendly_name (entry) : "";
  if (*friendly == '\0')
    return g_steal_pointer (&prefix);
  return g_strdup_printf ("%s (%s)", friendly, prefix);
}

static int
cmd_check (const Command *cmd,
           char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(CcCheckResult) result = NULL;
  g_autofree char *server_fqdn = NULL;
  g_autofree char *pool_fqdn = NULL;
  gboolean all = FALSE;
  int warning_days = 30;
  int pending_days = 14;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server_fqdn, N_("Check this server"),
      N_("FQDN") },
    { "pool", 'p', 0, G_OPTION_ARG_STRING, &pool_fqdn, N_("Check every server of the pool"),
      N_("FQDN") },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &all,
      N_("Check every server of the deployment (the default)"), NULL },
    { "warning-days", 0, 0, G_OPTION_ARG_INT, &warning_days,
      N_("Warn about certificates that expire within N days (default: 30)"), N_("N") },
    { "pending-days", 0, 0, G_OPTION_ARG_INT, &pending_days,
      N_("Warn about requests pending for more than N days (default: 14)"), N_("N") },
    { NULL }
  };
  int status;

  if ((status = parse_command (cmd, entries,
                               _("Every assignment is checked against its interface's "
                                 "requirements and its server's own trusted roots; also expiry, "
                                 "one certificate across a pool, old pending requests and "
                                 "damaged store files.\n\n"
                                 "Exit status: 0 when everything is ok, 3 when there is a "
                                 "warning or an error, 1 when the check could not run."),
                               &args, 0, 0)) != CERTCTL_EXIT_OK
      || (status = check_target (server_fqdn, pool_fqdn, all, FALSE)) != CERTCTL_EXIT_OK)
    return status;
  if (warning_days < 0)
    return usage_error (_("--warning-days must be 0 or more"));
  if (pending_days < 0)
    return usage_error (_("--pending-days must be 0 or more"));

  if ((deployment = open_deployment (&error)) == NULL
      || (servers = resolve_target (deployment, server_fqdn, pool_fqdn, TRUE, &error)) == NULL
      || (result = cc_check (deployment, servers, warning_days, pending_days, NULL,
                             &error)) == NULL)
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "summary");
      json_builder_begin_object (builder);
      json_add_int (builder, "ok", result->n_ok);
      json_add_int (builder, "warning", result->n_warning);
      json_add_int (builder, "error", result->n_error);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "items");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->items->len; i++)
        {
          CcCheckItem *item = g_ptr_array_index (result->items, i);

          json_builder_begin_object (builder);
          json_add_string (builder, "server", cc_server_get_fqdn (item->server));
          json_add_string (builder, "interface",
                           (int) item->iface >= 0 ? cc_interface_to_id (item->iface) : NULL);
          json_add_string (builder, "status", cc_status_to_id (item->status));
          json_add_string (builder, "thumbprint", item->thumbprint);
          json_add_lines (builder, "reasons", item->reasons);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      glong widths[3] = { 0, 0, 0 };

      for (guint i = 0; i < result->items->len; i++)
        {
          CcCheckItem *item = g_ptr_array_index (result->items, i);
          const char *iface = (int) item->iface >= 0 ? cc_interface_to_id (item->iface)
                                                     : _("(server)");

          widths[0] = MAX (widths[0], g_utf8_strlen (cc_server_get_fqdn (item->server), -1));
          widths[1] = MAX (widths[1], g_utf8_strlen (iface, -1));
          widths[2] = MAX (widths[2], g_utf8_strlen (status_word (item->status), -1));
        }
      for (guint i = 0; i < result->items->len; i++)
        {
          CcCheckItem *item = g_ptr_array_index (result->items, i);
          const char *cells[3] = { cc_server_get_fqdn (item->server),
                                   (int) item->iface >= 0 ? cc_interface_to_id (item->iface)
                                                          : _("(server)"),
                                   status_word (item->status) };
          g_autofree char *what = dup_check_what (item);
          g_autoptr(GString) line = g_string_new (NULL);

          for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
            {
              g_string_append (line, cells[c]);
              for (glong pad = g_utf8_strlen (cells[c], -1); pad < widths[c] + 2; pad++)
                g_string_append_c (line, ' ');
            }
          g_string_append (line, what);
          while (line->len > 0 && line->str[line->len - 1] == ' ')
            g_string_truncate (line, line->len - 1);
          g_print ("%s\n", line->str);
          for (guint j = 0; j < item->reasons->len; j++)
            g_print ("    %s\n", (char *) g_ptr_array_index (item->reasons, j));
        }
      /* TRANSLATORS: the summary of a check: "5 ok, 1 warning, 0 errors" */
      g_print (_("%u ok, "), result->n_ok);
      g_print (ngettext ("%u warning, ", "%u warnings, ", result->n_warning), result->n_warning);
      g_print (ngettext ("%u error\n", "%u errors\n", result->n_error), result->n_error);
    }

  return result->n_warning + result->n_error > 0 ? CERTCTL_EXIT_PROBLEMS : CERTCTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* ca                                                                       */

static void
build_authority (JsonBuilder *builder,
                 CcAuthority *authority)
{
  json_builder_begin_object (builder);
  json_add_string (builder, "name", cc_authority_get_name (authority));
  json_add_string (builder, "kind", cc_authority_kind_to_id (cc_authority_get_kind (authority)));
  json_add_string (builder, "root_thumbprint", cc_authority_get_root_thumbprint (authority));
  json_add_string (builder, "issuing_thumbprint",
                   cc_authority_get_issuing_thumbprint (authority));
  json_add_string (builder, "url", cc_authority_get_url (authority));
  json_builder_end_object (builder);
}

static int
cmd_ca_create_lab (const Command *cmd,
                   char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const GOptionEntry entries[] = {
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("The CA's name"), N_("NAME") },
    { NULL }
  };
  CcAuthority *authority;
  int status;

  if ((status = parse_command (cmd, entries,
                               _("The lab CA's root and issuing CA live under ca/ in the "
                                 "deployment. No server trusts it until its chain is imported: "
                                 "`certctl ca chain`, then `certctl import chain`."),
                               &args, 0, 0)) != CERTCTL_EXIT_OK
      || (status = require_option (name, "--name", _("NAME"))) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL
      || (authority = cc_authority_create_lab (deployment, name, &error)) == NULL)
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_builder_set_member_name (builder, "ca");
      build_authority (builder, authority);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      g_autofree char *word = dup_shell_word (name);

      g_print (_("Created the lab certification authority %s (root %s).\n"), name,
               cc_authority_get_root_thumbprint (authority));
      g_print (_("Write its chain with `certctl ca chain --ca %s --out chain.p7b`, then import it "
                 "with `certctl import chain --all chain.p7b`.\n"), word);
    }
  return CERTCTL_EXIT_OK;
}

static int
cmd_ca_list (const Command *cmd,
             char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(Table) table = table_new (3);
  GListModel *authorities;
  guint n_items;
  int status;

  if ((status = parse_command (cmd, NULL, NULL, &args, 0, 0)) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  authorities = cc_deployment_get_authorities (deployment);
  n_items = authorities ? g_list_model_get_n_items (authorities) : 0;

  table_add (table, (const char *[]) { _("NAME"), _("KIND"), _("ROOT THUMBPRINT") });
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CcAuthority) authority = g_list_model_get_item (authorities, i);

      build_authority (builder, authority);
      table_add (table, (const char *[]) {
        cc_authority_get_name (authority),
        cc_authority_kind_to_id (cc_authority_get_kind (authority)),
        cc_authority_get_root_thumbprint (authority) });
    }
  json_builder_end_array (builder);

  if (opt_json)
    print_json (builder);
  else if (n_items == 0)
    g_print (_("No certification authorities yet. Make a lab CA with "
               "`certctl ca create-lab --name NAME`.\n"));
  else
    table_print (table);
  return CERTCTL_EXIT_OK;
}

static int
cmd_ca_chain (const Command *cmd,
              char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *out = NULL;
  const GOptionEntry entries[] = {
    { "ca", 0, 0, G_OPTION_ARG_STRING, &name, N_("The lab CA"), N_("NAME") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The .p7b file to write"), N_("FILE") },
    { NULL }
  };
  int status;

  if ((status = parse_command (cmd, entries, NULL, &args, 0, 0)) != CERTCTL_EXIT_OK
      || (status = require_option (name, "--ca", _("NAME"))) != CERTCTL_EXIT_OK
      || (status = require_option (out, "--out", _("FILE"))) != CERTCTL_EXIT_OK)
    return status;
  if ((deployment = open_deployment (&error)) == NULL
      || !cc_authority_write_chain (deployment, name, out, &error))
    return report_error (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_add_string (builder, "ca", name);
      json_add_string (builder, "out", out);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else
    {
      g_autofree char *word = dup_shell_word (out);

      g_print (_("Wrote the chain of %s to %s.\n"), name, out);
      g_print (_("Import it with `certctl import chain --all %s` (or --server FQDN, --pool "
                 "FQDN).\n"), word);
    }
  return CERTCTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* The command table and main                                               */

/* ------------------------------------------------------------------------ */
/* Passphrase (keys at rest)                                                */

#define PASSPHRASE_MIN 8

/* certctl passphrase set|change|remove: the old passphrase from the global
 * --passphrase-file / --passphrase-stdin, the new one from --new-passphrase-file /
 * --new-passphrase-stdin (both on standard input: the old on the first line) */
static int
cmd_passphrase (const Command *cmd,
                char         **args)
{
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Password) passphrase = NULL;
  g_autofree char *new_file = NULL;
  gboolean new_stdin = FALSE;
  gboolean set = g_str_equal (cmd->sub, "set");
  gboolean removing = g_str_equal (cmd->sub, "remove");
  const GOptionEntry entries[] = {
    { "new-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &new_file,
      N_("Read the new passphrase from the first line of FILE"), N_("FILE") },
    { "new-passphrase-stdin", 0, 0, G_OPTION_ARG_NONE, &new_stdin,
      N_("Read the new passphrase from one line of standard input"), NULL },
    { NULL }
  };
  int status;

  if ((status = parse_command (cmd, removing ? NULL : entries,
                               _("Passphrases are never arguments: they would show in the "
                                 "process list and the shell history. Every private key of "
                                 "Personal, Pending Requests and the lab CAs is re-encrypted; "
                                 "assigned/ stays plain for the TLS servers."),
                               &args, 0, 0)) != CERTCTL_EXIT_OK)
    return status;
  if (!removing && (new_file != NULL) == new_stdin)
    return usage_error (_("give the new passphrase with one of --new-passphrase-file FILE or "
                          "--new-passphrase-stdin"));
  if (!set && opt_passphrase_file == NULL && !opt_passphrase_stdin)
    return usage_error (_("give the current passphrase with one of --passphrase-file FILE or "
                          "--passphrase-stdin"));

  if ((deployment = open_deployment (&error)) == NULL)
    return report_error (error);
  if (set && cc_deployment_has_passphrase (deployment))
    {
      g_set_error (&error, CC_ERROR, CC_ERROR_EXISTS,
                   _("The deployment %s already has a passphrase; change it with `certctl passphrase change`"),
                   cc_deployment_get_path (deployment));
      return report_error (error);
    }
  if (!set && !cc_deployment_has_passphrase (deployment))
    {
      g_set_error (&error, CC_ERROR, CC_ERROR_INVALID,
                   _("The deployment %s has no passphrase; set one with `certctl passphrase set`"),
                   cc_deployment_get_path (deployment));
      return report_error (error);
    }
  if (!removing)
    {
      passphrase = secret_read (new_file, _("New passphrase: "), &error);
      if (passphrase == NULL)
        return report_error (error);
      if (strlen (passphrase->text) < PASSPHRASE_MIN)
        {
          g_set_error (&error, CC_ERROR, CC_ERROR_INVALID,
                       _("The new passphrase in “%s” is shorter than %d characters; choose a longer one"),
                       new_file ? new_file : _("standard input"), PASSPHRASE_MIN);
          return report_error (error);
        }
    }
  if (!cc_deployment_set_passphrase (deployment, passphrase ? passphrase->text : NULL,
                                     passphrase ? strlen (passphrase->text) : 0, NULL, &error))
    return report_error (error);
  g_clear_pointer (&passphrase, password_free);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_add_bool (builder, "ok", TRUE);
      json_add_bool (builder, "passphrase", !removing);
      json_builder_end_object (builder);
      print_json (builder);
    }
  else if (removing)
    g_print (_("Removed the passphrase of %s: its keys are stored unencrypted (mode 0600).\n"),
             cc_deployment_get_path (deployment));
  else
    g_print (_("The keys of %s are encrypted with the new passphrase. Give it to certctl with "
               "--passphrase-file FILE or --passphrase-stdin.\n"),
             cc_deployment_get_path (deployment));
  return CERTCTL_EXIT_OK;
}

static const Command commands[] = {
  { "init", NULL, cmd_init, "init [--demo]", "",
    N_("Create a deployment (with --demo: the demo topology and a lab CA)") },
  { "generate", NULL, cmd_generate,
    "generate [--sites N] [--pools-per-site N] [--servers-per-pool N] [--roots N] "
    "[--personal N] [--seed S]", "",
    N_("Write a generated deployment of any size, for trials and benchmarks") },
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
  { "request", "create", cmd_request_create,
    "request create --server FQDN --interface IFACE --friendly-name NAME "
    "(--out FILE | --ca NAME)", "",
    N_("Make a key and a certificate request: saved for an offline CA, or sent to a lab CA") },
  { "request", "list", cmd_request_list, "request list --server FQDN", "",
    N_("List the pending requests of a server") },
  { "request", "cancel", cmd_request_cancel, "request cancel --server FQDN IFACE", N_("IFACE"),
    N_("Cancel the pending request for an interface (its key is deleted)") },
  { "request", "show", cmd_request_show, "request show --server FQDN IFACE", N_("IFACE"),
    N_("Print the certificate request (CSR) pending for an interface") },
  { "request", "process", cmd_request_process, "request process --server FQDN FILE", N_("FILE"),
    N_("Import the CA's answer to a pending request") },
  { "import", "chain", cmd_import_chain, "import chain (--server FQDN | --pool FQDN | --all) FILE",
    N_("FILE"), N_("Import a CA chain: roots into Trusted Root, the others into Intermediate") },
  { "import", "pfx", cmd_import_pfx,
    "import pfx --server FQDN FILE (--password-file F | --password-stdin) [--exportable]",
    N_("FILE"), N_("Import a certificate and its private key from a .pfx") },
  { "export", "pfx", cmd_export_pfx,
    "export pfx --server FQDN THUMBPRINT --out FILE (--password-file F | --password-stdin) "
    "[--include-chain] [--legacy]",
    N_("THUMBPRINT"), N_("Export a certificate and its exportable private key to a .pfx") },
  { "export", "cert", cmd_export_cert,
    "export cert --server FQDN THUMBPRINT --out FILE [--format pem|der|p7b] [--include-chain]",
    N_("THUMBPRINT"), N_("Export a certificate, without its key") },
  { "assign", NULL, cmd_assign,
    "assign (--server FQDN | --pool FQDN) THUMBPRINT --interface IFACE [--force]",
    N_("THUMBPRINT"), N_("Assign a certificate to an interface once its requirements are met") },
  { "distribute", NULL, cmd_distribute, "distribute --pool FQDN THUMBPRINT [--force]",
    N_("THUMBPRINT"),
    N_("Copy a certificate and its key to every member of a pool, assigned the same way") },
  { "trust", "verify", cmd_trust_verify,
    "trust verify --ca (THUMBPRINT | FILE) (--server FQDN | --pool FQDN | --all)", "",
    N_("Verify that servers trust a CA (exit 3 when one does not)") },
  { "check", NULL, cmd_check,
    "check [--server FQDN | --pool FQDN | --all] [--warning-days N] [--pending-days N]", "",
    N_("Check every assignment against its requirements (exit 3 on a warning or an error)") },
  { "ca", "create-lab", cmd_ca_create_lab, "ca create-lab --name NAME", "",
    N_("Make a lab certification authority (a root and an issuing CA)") },
  { "ca", "list", cmd_ca_list, "ca list", "",
    N_("List the certification authorities of the deployment") },
  { "ca", "chain", cmd_ca_chain, "ca chain --ca NAME --out FILE", "",
    N_("Write a lab CA's chain as a .p7b, to import on the servers") },
  { "passphrase", "set", cmd_passphrase,
    "passphrase set (--new-passphrase-file F | --new-passphrase-stdin)", "",
    N_("Encrypt every private key of the deployment with a passphrase") },
  { "passphrase", "change", cmd_passphrase,
    "passphrase change (--new-passphrase-file F | --new-passphrase-stdin)", "",
    N_("Re-encrypt every private key with a new passphrase (the current one with "
       "--passphrase-file or --passphrase-stdin)") },
  { "passphrase", "remove", cmd_passphrase, "passphrase remove", "",
    N_("Store the private keys unencrypted again (the current passphrase with "
       "--passphrase-file or --passphrase-stdin)") },
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

#define HELP_SYNOPSIS_MAX 52

/* "Commands:" and one line per command (of group, or all when NULL) */
static char *
dup_commands_help (const char *group)
{
  g_autoptr(GString) s = g_string_new (_("Commands:"));
  int width = 0;

  /* a synopsis longer than this gets its summary on the next line */
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if ((group == NULL || g_str_equal (group, commands[i].name))
        && strlen (commands[i].synopsis) <= HELP_SYNOPSIS_MAX)
      width = MAX (width, (int) strlen (commands[i].synopsis));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (group == NULL || g_str_equal (group, commands[i].name))
      {
        if (strlen (commands[i].synopsis) > (gsize) width)
          g_string_append_printf (s, "\n  %s\n  %-*s  %s", commands[i].synopsis, width, "",
                                  _(commands[i].summary));
        else
          g_string_append_printf (s, "\n  %-*s  %s", width, commands[i].synopsis,
                                  _(commands[i].summary));
      }
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

/* Commands that change the deployment hold its lock while they run; the others only read
 * and never wait for it. (init makes the folder: nobody else can be writing it yet.) */
static gboolean
command_writes (const Command *cmd)
{
  static const char * const writers[] = {
    "site", "pool", "server", "request create", "request cancel", "request process", "import",
    "assign", "distribute", "ca create-lab",
  };
  g_autofree char *name = cmd->sub ? g_strdup_printf ("%s %s", cmd->name, cmd->sub)
                                   : g_strdup (cmd->name);

  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    if (g_str_equal (name, writers[i]) || g_str_equal (cmd->name, writers[i]))
      return TRUE;
  return FALSE;
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
  if (command_writes (cmd))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = opt_deployment ? g_strdup (opt_deployment)
                                             : cc_deployment_dup_default_path ();
      g_autoptr(CcLock) lock = cc_lock_acquire (path, &error);

      int status;

      /* no folder to lock: the command itself says what is wrong with it */
      if (lock == NULL && g_error_matches (error, CC_ERROR, CC_ERROR_LOCKED))
        return report_error (error);
      status = cmd->handler (cmd, args);
      /* a command that failed changes nothing, whatever step it failed at */
      if (status != CERTCTL_EXIT_OK)
        cc_lock_abort (g_steal_pointer (&lock));
      return status;
    }
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
                                               "of a command.\n\n"
                                               "Exit status: 0 success, 1 failure (one line "
                                               "on standard error says why), 2 usage error, "
                                               "3 `check` or `trust verify` found a problem."));
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
  g_clear_pointer (&opt_passphrase_file, g_free);
  return status;
}
