/* cc-certificate-wizard.c: the Certificate Wizard. Pages are a stack; Next follows the task's
 * path, Back the pages visited. Every write is a core workflow run in a thread on a private
 * copy of the deployment under the deployment's lock (cc_deployment_run_write_async), only
 * from the page that says it writes; its failure stays on that page with the core's message. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cc-certificate-wizard.h"
#include "cc-certificate-wizard-private.h"
#include "cc-gui-util.h"

typedef enum
{
  TASK_NONE = -1,
  TASK_REQUEST,
  TASK_PROCESS,
  TASK_CHAIN,
  TASK_PFX_IMPORT,
  TASK_EXPORT,
  TASK_ASSIGN,
  TASK_DISTRIBUTE,
  N_TASKS
} Task;

static const struct
{
  const char *id;
  const char *title;
  const char *first_page;
  gboolean    import_export;   /* offered on a Web Components server */
} tasks[N_TASKS] = {
  { "request", N_("Create a new certificate"), "request-component", FALSE },
  { "process", N_("Process the pending request and import the certificate"), "process-file",
    FALSE },
  { "chain", N_("Import a certificate chain from a .p7b file"), "chain-file", TRUE },
  { "pfx", N_("Import a certificate from a .pfx file"), "pfx-file", TRUE },
  { "export", N_("Export a certificate to a .pfx file"), "export-choose", TRUE },
  { "assign", N_("Assign an existing certificate"), "assign-choose", FALSE },
  { "distribute", N_("Import on the other servers of this pool and assign"), "distribute-choose",
    FALSE },
};

/* an id and what the user reads for it; tables of these are looked up by find_label */
typedef struct
{
  const char *id;
  const char *label;
} IdLabel;

/* the pages whose Next writes, and what that button says there */
static const IdLabel writing_pages[] = {
  { "request-summary", N_("_Create") },
  { "process-file", N_("_Import") },
  { "chain-found", N_("_Import") },
  { "pfx-password", N_("_Import") },
  { "export-password", N_("_Export") },
  { "assign-settings", N_("_Assign") },
  { "distribute-summary", N_("_Import and Assign") },
};

static const IdLabel key_types[] = {
  { "rsa:2048", N_("RSA, 2048 bits (recommended)") },
  { "rsa:3072", N_("RSA, 3072 bits") },
  { "rsa:4096", N_("RSA, 4096 bits") },
  { "ec:p256", N_("ECDSA, P-256") },
  { "ec:p384", N_("ECDSA, P-384") },
  { "rsa:1024", N_("RSA, 1024 bits (weak)") },
};

/* ISO 3166 two-letter codes the list offers, by name */
static const IdLabel countries[] = {
  { "AR", N_("Argentina") }, { "AU", N_("Australia") }, { "AT", N_("Austria") },
  { "BE", N_("Belgium") }, { "BR", N_("Brazil") }, { "BG", N_("Bulgaria") },
  { "CA", N_("Canada") }, { "CL", N_("Chile") }, { "CN", N_("China") },
  { "CO", N_("Colombia") }, { "HR", N_("Croatia") }, { "CY", N_("Cyprus") },
  { "CZ", N_("Czechia") }, { "DK", N_("Denmark") }, { "EG", N_("Egypt") },
  { "EE", N_("Estonia") }, { "FI", N_("Finland") }, { "FR", N_("France") },
  { "DE", N_("Germany") }, { "GR", N_("Greece") }, { "HK", N_("Hong Kong") },
  { "HU", N_("Hungary") }, { "IS", N_("Iceland") }, { "IN", N_("India") },
  { "ID", N_("Indonesia") }, { "IE", N_("Ireland") }, { "IL", N_("Israel") },
  { "IT", N_("Italy") }, { "JP", N_("Japan") }, { "KE", N_("Kenya") },
  { "KR", N_("Korea, Republic of") }, { "LV", N_("Latvia") }, { "LT", N_("Lithuania") },
  { "LU", N_("Luxembourg") }, { "MY", N_("Malaysia") }, { "MT", N_("Malta") },
  { "MX", N_("Mexico") }, { "MA", N_("Morocco") }, { "NL", N_("Netherlands") },
  { "NZ", N_("New Zealand") }, { "NG", N_("Nigeria") }, { "NO", N_("Norway") },
  { "PK", N_("Pakistan") }, { "PE", N_("Peru") }, { "PH", N_("Philippines") },
  { "PL", N_("Poland") }, { "PT", N_("Portugal") }, { "RO", N_("Romania") },
  { "SA", N_("Saudi Arabia") }, { "RS", N_("Serbia") }, { "SG", N_("Singapore") },
  { "SK", N_("Slovakia") }, { "SI", N_("Slovenia") }, { "ZA", N_("South Africa") },
  { "ES", N_("Spain") }, { "SE", N_("Sweden") }, { "CH", N_("Switzerland") },
  { "TW", N_("Taiwan") }, { "TH", N_("Thailand") }, { "TR", N_("Türkiye") },
  { "UA", N_("Ukraine") }, { "AE", N_("United Arab Emirates") },
  { "GB", N_("United Kingdom") }, { "US", N_("United States") }, { "UY", N_("Uruguay") },
  { "VN", N_("Viet Nam") },
};

struct _CcCertificateWizard
{
  AdwWindow            parent_instance;

  /* template */
  AdwWindowTitle      *window_title;
  GtkWidget           *cancel_button;
  GtkWidget           *next_button;
  GtkWidget           *back_button;
  GtkStack            *stack;
  AdwStatusPage       *welcome_page;
  AdwPreferencesGroup *tasks_group;
  AdwPreferencesGroup *result_group;
  GtkWidget           *result_list;
  GtkWidget           *view_csr_button;
  GtkSpinner          *spinner;
  GtkLabel            *status_label;
  GtkLabel            *error_label;
  GtkLabel            *reason_label;

  CcDeployment        *deployment;
  CcServer            *server;
  CcPool              *pool;           /* opened on a pool; nullable */
  GCancellable        *cancellable;    /* cancelled when the wizard goes */
  GSettings           *settings;
  GHashTable          *widgets;        /* id → input (borrowed: the pages hold them) */
  GHashTable          *built;          /* task pages made (task id → TRUE) */
  GPtrArray           *history;        /* page names visited, the current one last */
  Task                 task;
  guint                n_loading;
  char                *load_error;
  char                *reason;
  gboolean             running;
  gboolean             finished;
  char                *csr;

  /* Create a new certificate */
  GtkWidget           *sans_box;
  GPtrArray           *sans;           /* of char*: the subject alternative names */
  char                *sans_iface;     /* the component the SANs were filled in for */
  gboolean             exportable_touched;
  /* Import a certificate chain */
  GPtrArray           *chain;          /* of CcCertificate: what chain-file read */
  GtkWidget           *chain_box;
  /* the certificate lists, filled when their page is first shown */
  GtkWidget           *requirements_box;
  GtkWidget           *distribute_box;
  GtkWidget           *summary_box;
  GPtrArray           *task_pages;     /* the pages of the task chosen (borrowed) */
};

G_DEFINE_FINAL_TYPE (CcCertificateWizard, cc_certificate_wizard, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_DEPLOYMENT,
  PROP_SERVER,
  PROP_POOL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_buttons (CcCertificateWizard *self);
static void show_page (CcCertificateWizard *self, const char *name);

/* ---- inputs ---- */

static GtkWidget *
get_widget (CcCertificateWizard *self,
            const char          *id)
{
  return g_hash_table_lookup (self->widgets, id);
}

static const char *
get_text (CcCertificateWizard *self,
          const char          *id)
{
  GtkWidget *widget = get_widget (self, id);

  return widget != NULL ? gtk_editable_get_text (GTK_EDITABLE (widget)) : "";
}

/* the text, trimmed; owned */
static char *
dup_text (CcCertificateWizard *self,
          const char          *id)
{
  return g_strstrip (g_strdup (get_text (self, id)));
}

static gboolean
get_active (CcCertificateWizard *self,
            const char          *id)
{
  GtkWidget *widget = get_widget (self, id);

  return widget != NULL && gtk_widget_get_sensitive (widget)
         && gtk_check_button_get_active (GTK_CHECK_BUTTON (widget));
}

static void
inputs_changed_cb (CcCertificateWizard *self)
{
  update_buttons (self);
}

static void
register_widget (CcCertificateWizard *self,
                 const char          *id,
                 GtkWidget           *widget)
{
  g_hash_table_replace (self->widgets, g_strdup (id), widget);
}

/* forgets the inputs whose id starts with prefix (their widgets are going) */
static void
unregister_prefix (CcCertificateWizard *self,
                   const char          *prefix)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, prefix))
      g_hash_table_iter_remove (&iter);
}

static GtkWidget *
add_page (CcCertificateWizard *self,
          const char          *name,
          const char          *title)
{
  GtkWidget *page = adw_preferences_page_new ();
  gtk_stack_add_titled (self->stack, page, name, title);
  g_ptr_array_add (self->task_pages, page);
  return page;
}

static GtkWidget *
add_group (GtkWidget  *page,
           const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  return group;
}

static GtkWidget *
add_entry (CcCertificateWizard *self,
           GtkWidget           *group,
           const char          *id,
           const char          *title,
           const char          *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (text != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  register_widget (self, id, row);
  g_signal_connect_swapped (row, "changed", G_CALLBACK (inputs_changed_cb), self);
  return row;
}

static GtkWidget *
add_password (CcCertificateWizard *self,
              GtkWidget           *group,
              const char          *id,
              const char          *title)
{
  GtkWidget *row = adw_password_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  register_widget (self, id, row);
  g_signal_connect_swapped (row, "changed", G_CALLBACK (inputs_changed_cb), self);
  return row;
}

/* "_Mark as exportable" → "Mark as exportable"; "a__b" → "a_b" */
static char *
dup_without_mnemonic (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] == '_')
        p++;
      else if (*p == '_')
        continue;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* "my_cert" shown as it is on a row whose title takes mnemonics */
static char *
dup_escaped_mnemonic (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "_", -1);

  return g_strjoinv ("__", parts);
}

/* a check box (or, with radio_group, a radio button) on a row of its own; title may have a
 * mnemonic (escape names with dup_escaped_mnemonic) */
static GtkWidget *
add_check (CcCertificateWizard *self,
           GtkWidget           *group,
           const char          *id,
           const char          *title,
           const char          *subtitle,
           gboolean             active,
           GtkWidget           *radio_group)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  if (radio_group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), GTK_CHECK_BUTTON (radio_group));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
  {
    g_autofree char *label = dup_without_mnemonic (title);

    gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
  }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  register_widget (self, id, check);
  g_signal_connect_swapped (check, "notify::active", G_CALLBACK (inputs_changed_cb), self);
  return check;
}

static GtkWidget *
add_combo (CcCertificateWizard *self,
           GtkWidget           *group,
           const char          *id,
           const char          *title,
           GtkStringList       *items,
           guint                selected)
{
  GtkWidget *row = adw_combo_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (items));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  register_widget (self, id, row);
  g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (inputs_changed_cb), self);
  return row;
}

/* a wrapping line of text in a group (a warning, an explanation) */
static GtkWidget *
add_note (GtkWidget  *group,
          const char *text,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_top (label, 6);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), label);
  return label;
}

/* rows in a card, as AdwPreferencesGroup draws its own */
static GtkWidget *
new_boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return list;
}

static void
list_clear (GtkWidget *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (list), child);
}

/* ---- file choosers ---- */

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     GtkEditable     *entry)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (entry, path);
    }
  /* after the response signal has run: the chooser may still be using itself until then */
  g_idle_add_once ((GSourceOnceFunc) g_object_unref, chooser);
}

static void
browse_clicked_cb (GtkButton *button,
                   GtkWidget *entry)
{
  GtkFileChooserAction action = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button),
                                                                    "action"));
  const char * const *patterns = g_object_get_data (G_OBJECT (button), "patterns");
  const char *filter_name = g_object_get_data (G_OBJECT (button), "filter-name");
  static const char * const all_patterns[] = { "*", NULL };
  GtkFileChooserNative *chooser;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  chooser = gtk_file_chooser_native_new (adw_preferences_row_get_title (
                                           ADW_PREFERENCES_ROW (entry)),
                                         GTK_WINDOW (gtk_widget_get_root (entry)), action,
                                         action == GTK_FILE_CHOOSER_ACTION_SAVE ? _("_Save")
                                                                                : _("_Open"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (patterns != NULL)
    cc_gui_add_file_filter (GTK_FILE_CHOOSER (chooser), filter_name, NULL, patterns);
  cc_gui_add_file_filter (GTK_FILE_CHOOSER (chooser), _("All files"), NULL, all_patterns);
  if (action == GTK_FILE_CHOOSER_ACTION_SAVE && text[0] != '\0')
    {
      g_autofree char *base = g_path_get_basename (text);
      g_autofree char *dir = g_path_get_dirname (text);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), base);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), entry);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* "Path and file name", with Browse… */
static GtkWidget *
add_file_entry (CcCertificateWizard *self,
                GtkWidget           *group,
                const char          *id,
                const char          *title,
                const char          *text,
                GtkFileChooserAction action,
                const char          *filter_name,
                const char * const  *patterns)
{
  GtkWidget *row = add_entry (self, group, id, title, text);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Browse…"));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "action", GINT_TO_POINTER (action));
  g_object_set_data (G_OBJECT (button), "patterns", (gpointer) patterns);
  g_object_set_data (G_OBJECT (button), "filter-name", (gpointer) filter_name);
  g_signal_connect (button, "clicked", G_CALLBACK (browse_clicked_cb), row);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), button);
  return row;
}

static const char * const answer_patterns[] = {
  "*.cer", "*.crt", "*.pem", "*.der", "*.p7b", "*.p7c", "*.txt", NULL
};
static const char * const chain_patterns[] = { "*.p7b", "*.p7c", "*.pem", "*.cer", "*.crt", NULL };
static const char * const pfx_patterns[] = { "*.pfx", "*.p12", NULL };
static const char * const csr_patterns[] = { "*.txt", "*.csr", "*.req", NULL };

/* ---- the server, its stores ---- */

static CcStore *
get_store (CcCertificateWizard *self,
           CcStoreKind          kind)
{
  return cc_server_get_store (self->server, kind);
}

static CcStoreEntry *
get_pending (CcCertificateWizard *self)
{
  GListModel *requests = G_LIST_MODEL (get_store (self, CC_STORE_REQUESTS));

  if (g_list_model_get_n_items (requests) == 0)
    return NULL;
  /* the model holds it */
  {
    g_autoptr(CcStoreEntry) entry = g_list_model_get_item (requests, 0);

    return entry;
  }
}

/* Personal certificates with their private key, in store order (borrowed) */
static GPtrArray *
list_keyed_certificates (CcCertificateWizard *self)
{
  GListModel *personal = G_LIST_MODEL (get_store (self, CC_STORE_PERSONAL));
  GPtrArray *entries = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (personal); i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (personal, i);

      if (cc_store_entry_get_certificate (entry) != NULL
          && cc_store_entry_get_has_private_key (entry))
        g_ptr_array_add (entries, entry);
    }
  return entries;
}

static CcStoreEntry *
find_personal (CcCertificateWizard *self,
               const char          *thumbprint)
{
  if (thumbprint == NULL)
    return NULL;
  return cc_store_lookup_id (get_store (self, CC_STORE_PERSONAL), thumbprint);
}

static guint
pool_size (CcCertificateWizard *self)
{
  CcPool *pool = cc_server_get_pool (self->server);

  return pool != NULL ? g_list_model_get_n_items (G_LIST_MODEL (pool)) : 1;
}

static gboolean
is_first_of_pool (CcServer *server)
{
  CcPool *pool = cc_server_get_pool (server);
  g_autoptr(CcServer) first = NULL;

  if (pool == NULL || g_list_model_get_n_items (G_LIST_MODEL (pool)) == 0)
    return TRUE;
  first = g_list_model_get_item (G_LIST_MODEL (pool), 0);
  return first == server;
}

/* ---- choices read from the pages ---- */

/* the radio of a group that is on, by its id prefix ("component:"); the rest of the id */
static const char *
get_chosen (CcCertificateWizard *self,
            const char          *prefix)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, prefix) && GTK_IS_CHECK_BUTTON (value)
        && gtk_widget_get_sensitive (value) && gtk_check_button_get_active (value))
      return (const char *) key + strlen (prefix);
  return NULL;
}

static gboolean
get_chosen_interface (CcCertificateWizard *self,
                      CcInterface         *out_iface)
{
  const char *id = get_chosen (self, "component:");

  return id != NULL && cc_interface_from_id (id, out_iface);
}

/* the interfaces checked on a page (prefix "interface:"), in the server's order */
static GArray *
get_checked_interfaces (CcCertificateWizard *self)
{
  g_autoptr(GArray) all = cc_server_dup_interfaces (self->server);
  GArray *checked = g_array_new (FALSE, FALSE, sizeof (CcInterface));

  for (guint i = 0; i < all->len; i++)
    {
      CcInterface iface = g_array_index (all, CcInterface, i);
      g_autofree char *id = g_strconcat ("interface:", cc_interface_to_id (iface), NULL);

      if (get_active (self, id))
        g_array_append_val (checked, iface);
    }
  return checked;
}

static const char *
get_key_type (CcCertificateWizard *self)
{
  GtkWidget *combo = get_widget (self, "key-type");
  guint selected = combo != NULL ? adw_combo_row_get_selected (ADW_COMBO_ROW (combo)) : 0;

  return selected < G_N_ELEMENTS (key_types) ? key_types[selected].id : key_types[0].id;
}

static const char *
get_country (CcCertificateWizard *self)
{
  GtkWidget *combo = get_widget (self, "country");
  guint selected = combo != NULL ? adw_combo_row_get_selected (ADW_COMBO_ROW (combo))
                                 : GTK_INVALID_LIST_POSITION;

  /* the first item is "Choose…" */
  if (selected == 0 || selected > G_N_ELEMENTS (countries))
    return NULL;
  return countries[selected - 1].id;
}

static gboolean
get_immediate (CcCertificateWizard *self)
{
  return get_active (self, "mode-immediate");
}

static const char *
get_authority (CcCertificateWizard *self)
{
  return get_chosen (self, "authority:");
}

/* ---- checking a page: NULL when Next may go on, else why not ---- */

/* seed 002: "Do not use abbreviations": "WA", "NSW", "Calif." (but "Ulm" is a city) */
static gboolean
looks_abbreviated (const char *text)
{
  gboolean upper = TRUE;

  if (strchr (text, '.') != NULL || g_utf8_strlen (text, -1) < 2)
    return TRUE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    upper &= g_unichar_isupper (g_utf8_get_char (p));
  return upper && g_utf8_strlen (text, -1) <= 3;
}

static char *
check_page (CcCertificateWizard *self,
            const char          *page)
{
  if (g_str_equal (page, "welcome"))
    {
      if (self->load_error != NULL)
        return g_strdup (self->load_error);
      if (self->n_loading > 0)
        return g_strdup_printf (_("Reading the certificate stores of %s…"),
                                cc_server_get_fqdn (self->server));
      return NULL;
    }
  if (g_str_equal (page, "tasks"))
    return get_chosen (self, "task:") == NULL ? g_strdup (_("Choose a task")) : NULL;

  if (g_str_equal (page, "request-component"))
    {
      CcInterface iface;

      return !get_chosen_interface (self, &iface)
             ? g_strdup (_("Choose the component the certificate is for")) : NULL;
    }
  if (g_str_equal (page, "request-mode"))
    {
      if (!get_active (self, "mode-delayed") && !get_active (self, "mode-immediate"))
        return g_strdup (_("Choose when to send the request"));
      return NULL;
    }
  if (g_str_equal (page, "request-name"))
    {
      g_autofree char *name = dup_text (self, "friendly-name");

      return name[0] == '\0' ? g_strdup (_("Type a friendly name for the certificate")) : NULL;
    }
  if (g_str_equal (page, "request-organization"))
    {
      g_autofree char *organization = dup_text (self, "organization");

      return organization[0] == '\0' ? g_strdup (_("Type the name of your organization")) : NULL;
    }
  if (g_str_equal (page, "request-subject"))
    {
      g_autofree char *subject = dup_text (self, "subject");

      if (subject[0] == '\0')
        return g_strdup (_("Type the subject name: the FQDN clients and servers use to reach "
                           "this server"));
      if (!cc_fqdn_is_valid (subject))
        return g_strdup_printf (_("“%s” is not a host name: the subject name is an FQDN "
                                  "such as edge01.contoso.com, or a NetBIOS name"), subject);
      return NULL;
    }
  if (g_str_equal (page, "request-geography"))
    {
      g_autofree char *state = dup_text (self, "state");
      g_autofree char *city = dup_text (self, "city");

      if (get_country (self) == NULL)
        return g_strdup (_("Choose the country or region"));
      if (state[0] == '\0')
        return g_strdup (_("Type the state or province"));
      if (looks_abbreviated (state))
        return g_strdup_printf (_("Type the full name of the state or province, not an "
                                  "abbreviation such as “%s”"), state);
      if (city[0] == '\0')
        return g_strdup (_("Type the city or locality"));
      if (looks_abbreviated (city))
        return g_strdup_printf (_("Type the full name of the city or locality, not an "
                                  "abbreviation such as “%s”"), city);
      return NULL;
    }
  if (g_str_equal (page, "request-file"))
    {
      g_autofree char *path = dup_text (self, "request-file");

      if (path[0] == '\0')
        return g_strdup (_("Type the path and file name to save the request to"));
      if (!g_path_is_absolute (path))
        return g_strdup (_("Type the full path of the file, starting with /"));
      return NULL;
    }
  if (g_str_equal (page, "request-ca"))
    return get_authority (self) == NULL ? g_strdup (_("Choose a certification authority")) : NULL;

  if (g_str_equal (page, "process-file") || g_str_equal (page, "chain-file")
      || g_str_equal (page, "pfx-file") || g_str_equal (page, "export-file"))
    {
      g_autofree char *path = dup_text (self, page);

      if (path[0] == '\0')
        return g_strdup (_("Type the path and file name, or choose the file with Browse…"));
      if (!g_path_is_absolute (path))
        return g_strdup (_("Type the full path of the file, starting with /"));
      return NULL;
    }
  if (g_str_equal (page, "chain-found"))
    return self->chain == NULL || self->chain->len == 0
           ? g_strdup (_("The file holds no certificate")) : NULL;
  if (g_str_equal (page, "pfx-password"))
    return get_text (self, "pfx-password")[0] == '\0'
           ? g_strdup (_("Type the password given when the certificate was exported")) : NULL;
  if (g_str_equal (page, "export-password"))
    {
      const char *password = get_text (self, "export-password");
      const char *confirm = get_text (self, "export-confirm");

      if (password[0] == '\0')
        return g_strdup (_("Type a password to protect the private key"));
      if (!g_str_equal (password, confirm))
        return g_strdup (_("The passwords do not match"));
      return NULL;
    }
  if (g_str_equal (page, "export-choose") || g_str_equal (page, "assign-choose")
      || g_str_equal (page, "distribute-choose"))
    {
      if (get_chosen (self, "certificate:") == NULL)
        return g_strdup (_("Choose a certificate"));
      if (!g_str_equal (page, "distribute-choose"))
        return NULL;
    }
  if (g_str_equal (page, "assign-interfaces") || g_str_equal (page, "distribute-choose"))
    {
      g_autoptr(GArray) checked = get_checked_interfaces (self);

      return checked->len == 0 ? g_strdup (_("Choose at least one interface")) : NULL;
    }
  if (g_str_equal (page, "assign-settings") || g_str_equal (page, "distribute-summary"))
    {
      g_autoptr(GArray) checked = get_checked_interfaces (self);
      CcStoreEntry *entry = find_personal (self, get_chosen (self, "certificate:"));

      if (entry == NULL)
        return g_strdup (_("The certificate is no longer in the Personal store; go back and "
                           "choose another"));
      if (get_active (self, "force"))
        return NULL;
      for (guint i = 0; i < checked->len; i++)
        {
          CcInterface iface = g_array_index (checked, CcInterface, i);
          g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
          g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);

          if (cc_requirements_evaluate (self->server, iface, entry, errors, warnings)
              == CC_STATUS_ERROR)
            return g_strdup_printf (_("The certificate does not meet every requirement of %s; "
                                      "choose another certificate, or check “Assign anyway”"),
                                    cc_interface_get_display_name (iface));
        }
      return NULL;
    }
  return NULL;
}

static const char *
get_current_page (CcCertificateWizard *self)
{
  return self->history->len > 0
         ? g_ptr_array_index (self->history, self->history->len - 1) : "welcome";
}

/* the index of id in table (n entries), or n */
static guint
find_label (const IdLabel *table,
            guint          n,
            const char    *id)
{
  guint i;

  for (i = 0; i < n; i++)
    if (g_strcmp0 (table[i].id, id) == 0)
      break;
  return i;
}

static const char *
get_writing_label (const char *page)
{
  guint i = find_label (writing_pages, G_N_ELEMENTS (writing_pages), page);

  return i < G_N_ELEMENTS (writing_pages) ? _(writing_pages[i].label) : NULL;
}

static void
update_buttons (CcCertificateWizard *self)
{
  const char *page = get_current_page (self);
  const char *writing = get_writing_label (page);
  gboolean busy = self->running;

  g_clear_pointer (&self->reason, g_free);
  if (!self->finished)
    self->reason = check_page (self, page);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next",
                                 !busy && self->reason == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back",
                                 !busy && !self->finished && self->history->len > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.cancel", !busy && !self->finished);
  gtk_widget_set_visible (self->cancel_button, !self->finished);
  gtk_widget_set_visible (self->back_button, !self->finished);

  if (self->finished)
    gtk_button_set_label (GTK_BUTTON (self->next_button), _("_Finish"));
  else
    gtk_button_set_label (GTK_BUTTON (self->next_button), writing != NULL ? writing : _("_Next"));

  gtk_widget_set_tooltip_text (self->next_button, self->reason);
  gtk_label_set_text (self->reason_label, self->reason != NULL ? self->reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), self->reason != NULL && !busy);
  gtk_widget_set_sensitive (gtk_stack_get_visible_child (self->stack), !busy);
}

static void
set_error (CcCertificateWizard *self,
           const char          *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_status (CcCertificateWizard *self,
            const char          *status)
{
  gtk_spinner_set_spinning (self->spinner, status != NULL);
  gtk_label_set_text (self->status_label, status != NULL ? status : "");
}

static void
set_running (CcCertificateWizard *self,
             const char          *status)
{
  self->running = status != NULL;
  set_status (self, status);
  update_buttons (self);
}

/* ---- Welcome and the tasks ---- */

/* why a task cannot be done now, or NULL; *hidden when it is not even offered */
static char *
dup_task_reason (CcCertificateWizard *self,
                 Task                 task,
                 gboolean            *hidden)
{
  CcStoreEntry *pending = get_pending (self);
  g_autoptr(GPtrArray) keyed = list_keyed_certificates (self);
  const char *fqdn = cc_server_get_fqdn (self->server);

  *hidden = FALSE;

  if (cc_server_get_role (self->server) == CC_ROLE_WEB_COMPONENTS && !tasks[task].import_export)
    {
      *hidden = task == TASK_PROCESS || task == TASK_DISTRIBUTE;
      return g_strdup (_("The web server requests and assigns this server's certificate"));
    }

  switch (task)
    {
    case TASK_REQUEST:
      if (pending != NULL)
        {
          const char *iface_id = cc_store_entry_get_interface (pending);
          CcInterface iface;

          return g_strdup_printf (_("A request for %s is pending on %s: process the CA's answer "
                                    "first, or cancel the request in Pending Requests"),
                                  cc_interface_from_id (iface_id, &iface)
                                  ? cc_interface_get_display_name (iface) : iface_id,
                                  fqdn);
        }
      return NULL;
    case TASK_PROCESS:
      *hidden = pending == NULL;
      return NULL;
    case TASK_CHAIN:
    case TASK_PFX_IMPORT:
      return NULL;
    case TASK_EXPORT:
      if (keyed->len == 0)
        return g_strdup_printf (_("%s has no certificate with a private key yet"), fqdn);
      for (guint i = 0; i < keyed->len; i++)
        if (cc_store_entry_get_exportable (g_ptr_array_index (keyed, i)))
          return NULL;
      return g_strdup_printf (_("No private key on %s is marked exportable"), fqdn);
    case TASK_ASSIGN:
      if (keyed->len == 0)
        return g_strdup_printf (_("%s has no certificate with a private key yet: create one, or "
                                  "import a .pfx file"), fqdn);
      return NULL;
    case TASK_DISTRIBUTE:
      if (pool_size (self) < 2)
        {
          *hidden = TRUE;
          return g_strdup (_("The pool has no other server"));
        }
      if (keyed->len == 0)
        return g_strdup_printf (_("%s has no certificate with a private key to import on the "
                                  "other servers"), fqdn);
      return NULL;
    case TASK_NONE:
    case N_TASKS:
    default:
      break;
    }
  return NULL;
}

/* the seeds' next step: the answer to a pending request; a certificate with its key that no
 * interface uses yet; else the first task offered */
static Task
get_suggested_task (CcCertificateWizard *self)
{
  g_autoptr(GPtrArray) keyed = list_keyed_certificates (self);

  if (get_pending (self) != NULL)
    return TASK_PROCESS;
  for (guint i = 0; i < keyed->len; i++)
    if (cc_store_entry_get_assigned_to (g_ptr_array_index (keyed, i))[0] == '\0')
      return TASK_ASSIGN;
  return TASK_NONE;
}

static void
fill_tasks (CcCertificateWizard *self)
{
  GtkWidget *group_radio = NULL;
  gboolean chosen = FALSE;
  GtkWidget *group = GTK_WIDGET (self->tasks_group);
  Task suggested = get_suggested_task (self);
  GtkWidget *suggested_check = NULL;

  if (get_widget (self, "task:chain") != NULL)
    return;

  if (cc_server_get_role (self->server) == CC_ROLE_WEB_COMPONENTS)
    adw_preferences_group_set_description (self->tasks_group,
      _("The certificate of a Web Components server is managed by its web server (IIS): "
        "request and assign it with the web server's own tools. Here you can import or export "
        "it, and import the chain of its CA."));
  else
    adw_preferences_group_set_description (self->tasks_group,
                                           _("Choose what to do, then press Next."));

  for (Task task = 0; task < N_TASKS; task++)
    {
      gboolean hidden;
      g_autofree char *reason = dup_task_reason (self, task, &hidden);
      g_autofree char *id = g_strconcat ("task:", tasks[task].id, NULL);
      GtkWidget *check;

      if (hidden)
        continue;
      check = add_check (self, group, id, _(tasks[task].title), reason,
                         reason == NULL && !chosen, group_radio);
      if (group_radio == NULL)
        group_radio = check;
      if (reason != NULL)
        {
          /* the row stays readable, its reason with it; only the choice is off */
          gtk_widget_set_sensitive (check, FALSE);
          gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
        }
      else
        {
          chosen = TRUE;
          if (task == suggested)
            suggested_check = check;
        }
    }
  if (suggested_check != NULL)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (suggested_check), TRUE);
}

static void
store_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CcCertificateWizard) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cc_store_load_finish (CC_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (self->load_error == NULL)
        self->load_error = g_strdup (error->message);
    }
  if (--self->n_loading > 0)
    return;
  if (self->load_error == NULL)
    fill_tasks (self);
  set_status (self, NULL);
  update_buttons (self);
}

static void
load_stores (CcCertificateWizard *self)
{
  for (CcStoreKind kind = 0; kind < CC_N_STORES; kind++)
    {
      CcStore *store = get_store (self, kind);

      if (cc_store_is_loaded (store))
        continue;
      self->n_loading++;
      cc_store_load_async (store, self->cancellable, store_loaded_cb, g_object_ref (self));
    }
  if (self->n_loading == 0)
    fill_tasks (self);
  else
    {
      g_autofree char *status = g_strdup_printf (_("Reading the certificate stores of %s…"),
                                                 cc_server_get_fqdn (self->server));

      /* only a status: Cancel stays, reading writes nothing */
      set_status (self, status);
    }
}

/* ---- Create a new certificate ---- */

static void sans_changed (CcCertificateWizard *self);

static void
remove_san_clicked_cb (GtkButton           *button,
                       CcCertificateWizard *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "san");

  for (guint i = 0; i < self->sans->len; i++)
    if (g_str_equal (g_ptr_array_index (self->sans, i), name))
      {
        g_ptr_array_remove_index (self->sans, i);
        break;
      }
  sans_changed (self);
}

static void
sans_changed (CcCertificateWizard *self)
{
  unregister_prefix (self, "remove-san:");
  list_clear (self->sans_box);

  for (guint i = 0; i < self->sans->len; i++)
    {
      const char *name = g_ptr_array_index (self->sans, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
      g_autofree char *id = g_strconcat ("remove-san:", name, NULL);
      /* Translators: %s is a host name */
      g_autofree char *label = g_strdup_printf (_("Remove %s"), name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
      g_object_set_data_full (G_OBJECT (remove), "san", g_strdup (name), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_san_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (GTK_LIST_BOX (self->sans_box), row);
      register_widget (self, id, remove);
    }
  if (self->sans->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No subject alternative name besides the subject"));
      gtk_list_box_append (GTK_LIST_BOX (self->sans_box), row);
    }
  update_buttons (self);
}

static void
add_san (CcCertificateWizard *self)
{
  GtkWidget *entry = get_widget (self, "san-entry");
  g_autofree char *typed = dup_text (self, "san-entry");
  g_autofree char *name = g_ascii_strdown (typed, -1);

  if (name[0] == '\0')
    return;
  if (!cc_fqdn_is_valid (name))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a host name to use as a "
                                                    "subject alternative name"), name);

      set_error (self, message);
      return;
    }
  set_error (self, NULL);
  for (guint i = 0; i < self->sans->len; i++)
    if (g_str_equal (g_ptr_array_index (self->sans, i), name))
      {
        gtk_editable_set_text (GTK_EDITABLE (entry), "");
        return;
      }
  g_ptr_array_add (self->sans, g_steal_pointer (&name));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  sans_changed (self);
}

static void
add_san_activated_cb (CcCertificateWizard *self)
{
  add_san (self);
}

static void
key_type_changed_cb (CcCertificateWizard *self)
{
  gtk_widget_set_visible (get_widget (self, "weak-warning"),
                          g_str_equal (get_key_type (self), "rsa:1024"));
}

static void
exportable_toggled_cb (CcCertificateWizard *self)
{
  self->exportable_touched = TRUE;
}

static guint
key_type_index (const char *id)
{
  guint i = find_label (key_types, G_N_ELEMENTS (key_types), id);

  return i < G_N_ELEMENTS (key_types) ? i : 0;
}

static void
build_request_pages (CcCertificateWizard *self)
{
  g_autoptr(GArray) interfaces = cc_server_dup_interfaces (self->server);
  g_autoptr(GtkStringList) key_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) country_names = gtk_string_list_new (NULL);
  g_autofree char *default_key = g_settings_get_string (self->settings, "default-key-type");
  g_autofree char *default_organization = g_settings_get_string (self->settings,
                                                                 "default-organization");
  g_autofree char *default_unit = g_settings_get_string (self->settings,
                                                         "default-organizational-unit");
  g_autofree char *default_country = g_settings_get_string (self->settings, "default-country");
  g_autofree char *default_state = g_settings_get_string (self->settings, "default-state");
  g_autofree char *default_city = g_settings_get_string (self->settings, "default-city");
  GListModel *authorities = cc_deployment_get_authorities (self->deployment);
  g_autofree char *request_file = NULL;
  GtkWidget *page, *group, *radio = NULL, *check, *entry, *button, *label;
  guint country_index = 0;
  gboolean have_lab = FALSE;

  /* Select the Component */
  page = add_page (self, "request-component",
                   _("Select the Component for Which the Certificate Is Requested"));
  group = add_group (page, _("Component"),
                     _("The interface of this server the certificate is for. One request per "
                       "component can be pending at a time."));
  for (guint i = 0; i < interfaces->len; i++)
    {
      CcInterface iface = g_array_index (interfaces, CcInterface, i);
      g_autofree char *id = g_strconcat ("component:", cc_interface_to_id (iface), NULL);

      check = add_check (self, group, id, cc_interface_get_display_name (iface), NULL, i == 0,
                         radio);
      if (radio == NULL)
        radio = check;
    }

  /* Delayed or Immediate Request */
  page = add_page (self, "request-mode", _("Delayed or Immediate Request"));
  group = add_group (page, _("When to Send the Request"), NULL);
  radio = add_check (self, group, "mode-delayed", _("_Prepare the request now, but send it later"),
                     _("Save the request to a file for an offline CA; process the CA's answer "
                       "with this wizard afterwards"), TRUE, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (authorities); i++)
    {
      g_autoptr(CcAuthority) authority = g_list_model_get_item (authorities, i);

      have_lab |= cc_authority_get_kind (authority) == CC_AUTHORITY_LAB;
    }
  check = add_check (self, group, "mode-immediate",
                     _("_Send the request immediately to a certification authority"),
                     have_lab ? _("A certification authority of this deployment signs it, and "
                                  "the certificate is installed at once")
                              : _("The deployment knows no certification authority that can be "
                                  "reached from here; make a lab CA with `certctl ca "
                                  "create-lab`, or prepare the request now"),
                     FALSE, radio);
  gtk_widget_set_sensitive (check, have_lab);

  /* Name and Security Settings */
  page = add_page (self, "request-name", _("Name and Security Settings"));
  group = add_group (page, _("Name"),
                     _("A friendly name that tells this certificate apart in the stores."));
  add_entry (self, group, "friendly-name", _("Friendly name"), NULL);
  group = add_group (page, _("Security"), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (key_types); i++)
    gtk_string_list_append (key_names, _(key_types[i].label));
  entry = add_combo (self, group, "key-type", _("Key type and bit length"), key_names,
                     key_type_index (default_key));
  g_signal_connect_swapped (entry, "notify::selected", G_CALLBACK (key_type_changed_cb), self);
  label = add_note (group, _("Warning: a 1024-bit RSA key can be broken with today's means. Use "
                             "it only for a peer that cannot handle 2048 bits."), "warning");
  register_widget (self, "weak-warning", label);
  check = add_check (self, group, "exportable", _("_Mark private key as exportable"),
                     _("Needed to export the certificate to the other servers of a pool"),
                     FALSE, NULL);
  g_signal_connect_swapped (check, "toggled", G_CALLBACK (exportable_toggled_cb), self);
  key_type_changed_cb (self);

  /* Organization Information */
  page = add_page (self, "request-organization", _("Organization Information"));
  group = add_group (page, _("Organization Information"),
                     _("The legal name of your organization, and the division or department "
                       "if that helps."));
  add_entry (self, group, "organization", _("Organization"), default_organization);
  add_entry (self, group, "organizational-unit", _("Organizational unit"), default_unit);

  /* Your Server's Subject Name */
  page = add_page (self, "request-subject", _("Your Server's Subject Name"));
  group = add_group (page, _("Subject Name"),
                     _("Filled in from the topology: the name clients and the other servers use "
                       "to reach this component."));
  add_entry (self, group, "subject", _("Subject name"), NULL);
  group = add_group (page, _("Subject Alternative Names"), NULL);
  self->sans_box = new_boxed_list ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->sans_box);
  group = add_group (page, NULL, NULL);
  entry = add_entry (self, group, "san-entry", _("Add a subject alternative name"), NULL);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (entry), FALSE);
  g_signal_connect_swapped (entry, "entry-activated", G_CALLBACK (add_san_activated_cb), self);
  button = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Add"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Add the subject alternative name"), -1);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (add_san_activated_cb), self);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (entry), button);
  register_widget (self, "san-add", button);
  add_check (self, group, "add-machine-name",
             _("_Automatically add local machine name to subject alternative name"),
             cc_server_get_fqdn (self->server), FALSE, NULL);

  /* Geographical Information */
  page = add_page (self, "request-geography", _("Geographical Information"));
  group = add_group (page, _("Geographical Information"),
                     _("Type the full names: do not use abbreviations."));
  gtk_string_list_append (country_names, _("Choose…"));
  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    {
      /* Translators: "United States (US)" */
      g_autofree char *name = g_strdup_printf (_("%s (%s)"), _(countries[i].label),
                                               countries[i].id);

      gtk_string_list_append (country_names, name);
      if (g_ascii_strcasecmp (countries[i].id, default_country) == 0)
        country_index = i + 1;
    }
  add_combo (self, group, "country", _("Country or region"), country_names, country_index);
  add_entry (self, group, "state", _("State or province"), default_state);
  add_entry (self, group, "city", _("City or locality"), default_city);

  /* Certificate Request File Name */
  page = add_page (self, "request-file", _("Certificate Request File Name"));
  group = add_group (page, _("Certificate Request File Name"),
                     _("Where to save the request (a PKCS #10 file, Base64-encoded) to send to "
                       "your certification authority. The request also stays in this server's "
                       "Pending Requests until the answer is processed."));
  request_file = g_build_filename (g_get_home_dir (), "certrequest.txt", NULL);
  add_file_entry (self, group, "request-file", _("Path and file name"), request_file,
                  GTK_FILE_CHOOSER_ACTION_SAVE, _("Certificate requests (.txt, .csr, .req)"),
                  csr_patterns);

  /* Choose a Certification Authority */
  page = add_page (self, "request-ca", _("Choose a Certification Authority"));
  group = add_group (page, _("Certification Authorities of This Deployment"), NULL);
  radio = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (authorities); i++)
    {
      g_autoptr(CcAuthority) authority = g_list_model_get_item (authorities, i);
      g_autofree char *id = NULL;
      g_autofree char *title = NULL;

      if (cc_authority_get_kind (authority) != CC_AUTHORITY_LAB)
        continue;
      id = g_strconcat ("authority:", cc_authority_get_name (authority), NULL);
      title = dup_escaped_mnemonic (cc_authority_get_name (authority));
      check = add_check (self, group, id, title, _("Lab certification authority"), radio == NULL,
                         radio);
      if (radio == NULL)
        radio = check;
    }

  /* Request Summary */
  page = add_page (self, "request-summary", _("Request Summary"));
  group = add_group (page, _("Request Summary"),
                     _("Nothing has been written yet. Pressing Create makes the private key and "
                       "the request on this server."));
  self->summary_box = new_boxed_list ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->summary_box);
}

/* the topology's subject and SANs for the component chosen, unless already filled in for it */
static void
enter_request_subject (CcCertificateWizard *self)
{
  CcInterface iface;
  g_autofree char *subject = NULL;
  g_auto(GStrv) sans = NULL;

  if (!get_chosen_interface (self, &iface)
      || g_strcmp0 (self->sans_iface, cc_interface_to_id (iface)) == 0)
    return;

  g_free (self->sans_iface);
  self->sans_iface = g_strdup (cc_interface_to_id (iface));
  subject = cc_request_default_subject (self->server, iface);
  sans = cc_request_default_sans (self->server, iface);
  gtk_editable_set_text (GTK_EDITABLE (get_widget (self, "subject")), subject);
  g_ptr_array_set_size (self->sans, 0);
  for (guint i = 0; sans[i] != NULL; i++)
    g_ptr_array_add (self->sans, g_strdup (sans[i]));
  sans_changed (self);
}

static void
enter_request_name (CcCertificateWizard *self)
{
  CcInterface iface;
  GtkWidget *name = get_widget (self, "friendly-name");
  gboolean exportable;

  if (!get_chosen_interface (self, &iface))
    return;

  if (gtk_editable_get_text (GTK_EDITABLE (name))[0] == '\0')
    {
      /* Translators: "Edge internal interface (MTLS) – edge01.contoso.com" */
      g_autofree char *text = g_strdup_printf (_("%s – %s"),
                                               cc_interface_get_display_name (iface),
                                               cc_server_get_fqdn (self->server));

      gtk_editable_set_text (GTK_EDITABLE (name), text);
    }

  /* seeds 000 and 001: exportable on the first Edge server, to import it on the others; the
   * CWA interfaces require it; cleared elsewhere (seed 002) */
  if (!self->exportable_touched)
    {
      exportable = (cc_server_get_role (self->server) == CC_ROLE_EDGE
                    && is_first_of_pool (self->server))
                   || iface == CC_INTERFACE_CWA_MTLS || iface == CC_INTERFACE_CWA_SSL_INTERNAL
                   || iface == CC_INTERFACE_CWA_SSL_EXTERNAL;
      g_signal_handlers_block_by_func (get_widget (self, "exportable"), exportable_toggled_cb,
                                       self);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (get_widget (self, "exportable")),
                                   exportable);
      g_signal_handlers_unblock_by_func (get_widget (self, "exportable"), exportable_toggled_cb,
                                         self);
    }
}

static void
enter_request_file (CcCertificateWizard *self)
{
  CcInterface iface;
  GtkWidget *entry = get_widget (self, "request-file");
  g_autofree char *default_path = g_build_filename (g_get_home_dir (), "certrequest.txt", NULL);

  /* "certrequest_edge01_edge-internal.txt" while the user has not typed a name of their own */
  if (get_chosen_interface (self, &iface)
      && g_str_equal (gtk_editable_get_text (GTK_EDITABLE (entry)), default_path))
    {
      g_autofree char *host = g_strdup (cc_server_get_fqdn (self->server));
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      char *dot = strchr (host, '.');

      if (dot != NULL)
        *dot = '\0';
      name = g_strdup_printf ("certrequest_%s_%s.txt", host, cc_interface_to_id (iface));
      path = g_build_filename (g_get_home_dir (), name, NULL);
      gtk_editable_set_text (GTK_EDITABLE (entry), path);
    }
}

static void
add_summary_row (GtkWidget  *box,
                 const char *title,
                 const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value != NULL && value[0] != '\0'
                                                     ? value : "—");
  gtk_list_box_append (GTK_LIST_BOX (box), row);
}

static GStrv
dup_request_sans (CcCertificateWizard *self)
{
  GPtrArray *sans = g_ptr_array_new ();

  for (guint i = 0; i < self->sans->len; i++)
    g_ptr_array_add (sans, g_strdup (g_ptr_array_index (self->sans, i)));
  g_ptr_array_add (sans, NULL);
  return (GStrv) g_ptr_array_free (sans, FALSE);
}

static void
enter_request_summary (CcCertificateWizard *self)
{
  CcInterface iface;
  g_autofree char *sans = NULL;
  g_auto(GStrv) names = dup_request_sans (self);
  g_autofree char *location = NULL;
  g_autofree char *subject = dup_text (self, "subject");
  g_autofree char *organization = dup_text (self, "organization");
  g_autofree char *unit = dup_text (self, "organizational-unit");
  g_autofree char *state = dup_text (self, "state");
  g_autofree char *city = dup_text (self, "city");
  g_autofree char *name = dup_text (self, "friendly-name");
  GtkWidget *key_row = get_widget (self, "key-type");
  GObject *key_item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (key_row));

  if (!get_chosen_interface (self, &iface))
    return;

  list_clear (self->summary_box);
  add_summary_row (self->summary_box, _("Server"), cc_server_get_fqdn (self->server));
  add_summary_row (self->summary_box, _("Component"), cc_interface_get_display_name (iface));
  add_summary_row (self->summary_box, _("Friendly name"), name);
  add_summary_row (self->summary_box, _("Key"),
                   gtk_string_object_get_string (GTK_STRING_OBJECT (key_item)));
  add_summary_row (self->summary_box, _("Private key exportable"),
                   get_active (self, "exportable") ? _("Yes") : _("No"));
  add_summary_row (self->summary_box, _("Subject name"), subject);
  if (get_active (self, "add-machine-name"))
    {
      g_autofree char *all = g_strjoinv (", ", names);

      sans = g_strdup_printf ("%s%s%s", all, all[0] != '\0' ? ", " : "",
                              cc_server_get_fqdn (self->server));
    }
  else
    sans = g_strjoinv (", ", names);
  add_summary_row (self->summary_box, _("Subject alternative names"), sans);
  add_summary_row (self->summary_box, _("Organization"), organization);
  add_summary_row (self->summary_box, _("Organizational unit"), unit);
  /* Translators: city, state, country code */
  location = g_strdup_printf (_("%s, %s, %s"), city, state, get_country (self));
  add_summary_row (self->summary_box, _("Location"), location);
  if (get_immediate (self))
    add_summary_row (self->summary_box, _("Certification authority"), get_authority (self));
  else
    add_summary_row (self->summary_box, _("Request file"), get_text (self, "request-file"));
}

/* ---- Process, chain, .pfx ---- */

static void
build_process_pages (CcCertificateWizard *self)
{
  CcStoreEntry *pending = get_pending (self);
  GtkWidget *page = add_page (self, "process-file", _("Process a Pending Request"));
  GtkWidget *group;
  g_autofree char *description = NULL;

  if (pending != NULL)
    {
      const char *iface_id = cc_store_entry_get_interface (pending);
      CcInterface iface;

      description = g_strdup_printf (_("The request for %s (%s, %s key) is waiting for the CA's "
                                       "answer. Choose the file the CA sent back: the "
                                       "certificate goes to Personal with the pending key, its "
                                       "CAs to Intermediate."),
                                     cc_interface_from_id (iface_id, &iface)
                                     ? cc_interface_get_display_name (iface) : iface_id,
                                     cc_store_entry_get_subject (pending),
                                     cc_store_entry_get_key_type (pending));
    }
  group = add_group (page, _("The CA's Answer"), description);
  add_file_entry (self, group, "process-file", _("Path and file name"), NULL,
                  GTK_FILE_CHOOSER_ACTION_OPEN, _("Certificates (.cer, .crt, .pem, .p7b)"),
                  answer_patterns);
  add_note (group, _("Nothing has been written yet. Pressing Import installs the certificate."),
            "dim-label");
}

static GPtrArray *
dup_target_servers (CcCertificateWizard *self)
{
  GPtrArray *servers = g_ptr_array_new_with_free_func (g_free);

  if (self->pool != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->pool)); i++)
      {
        g_autoptr(CcServer) member = g_list_model_get_item (G_LIST_MODEL (self->pool), i);

        g_ptr_array_add (servers, g_strdup (cc_server_get_fqdn (member)));
      }
  else
    g_ptr_array_add (servers, g_strdup (cc_server_get_fqdn (self->server)));
  return servers;
}

static void
build_chain_pages (CcCertificateWizard *self)
{
  GtkWidget *page = add_page (self, "chain-file", _("Import Certificate Chain"));
  GtkWidget *group = add_group (page, _("Certificate Chain"),
                                _("The .p7b file your certification authority publishes (PEM "
                                      "or DER), or its certificates in PEM."));

  add_file_entry (self, group, "chain-file", _("Path and file name"), NULL,
                  GTK_FILE_CHOOSER_ACTION_OPEN, _("Certificate chains (.p7b, .pem, .cer)"),
                  chain_patterns);

  page = add_page (self, "chain-found", _("Certificates Found"));
  group = add_group (page, _("Certificates Found"),
                     _("Nothing has been written yet. Pressing Import puts each certificate "
                       "where it says."));
  self->chain_box = new_boxed_list ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->chain_box);
}

static void
enter_chain_found (CcCertificateWizard *self)
{
  g_autoptr(GPtrArray) servers = dup_target_servers (self);
  g_autofree char *on = NULL;

  g_ptr_array_add (servers, NULL);
  on = g_strjoinv (", ", (char **) servers->pdata);
  list_clear (self->chain_box);
  for (guint i = 0; self->chain != NULL && i < self->chain->len; i++)
    {
      CcCertificate *certificate = g_ptr_array_index (self->chain, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *where = NULL;

      if (!cc_certificate_is_ca (certificate))
        /* Translators: what happens to a certificate of a chain file that is not a CA */
        where = g_strdup (_("Not a CA certificate: skipped (import it with its key from a .pfx, "
                            "or process it as a request's answer)"));
      else if (cc_certificate_is_self_signed (certificate))
        /* Translators: %s lists servers */
        where = g_strdup_printf (_("Trusted Root Certification Authorities, on %s"), on);
      else
        where = g_strdup_printf (_("Intermediate Certification Authorities, on %s"), on);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     cc_certificate_get_subject (certificate));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), where);
      gtk_list_box_append (GTK_LIST_BOX (self->chain_box), row);
    }
}

static void
build_pfx_pages (CcCertificateWizard *self)
{
  GtkWidget *page = add_page (self, "pfx-file", _("Import Certificate"));
  GtkWidget *group = add_group (page, _("The .pfx File"),
                                _("A certificate with its private key, exported from another "
                                  "server (PKCS #12)."));

  add_file_entry (self, group, "pfx-file", _("Path and file name"), NULL,
                  GTK_FILE_CHOOSER_ACTION_OPEN, _("Personal information exchange (.pfx, .p12)"),
                  pfx_patterns);
  /* seeds 000-002: cleared on the other servers of the pool */
  add_check (self, group, "pfx-exportable", _("_Mark certificate as exportable"),
             _("Leave it cleared unless this server must export the key again"), FALSE, NULL);

  page = add_page (self, "pfx-password", _("Import Certificate Password"));
  group = add_group (page, _("Password"),
                     _("The password given when the certificate was exported. Nothing has been "
                       "written yet. Pressing Import puts the certificate and its key in the "
                       "Personal store of this server."));
  add_password (self, group, "pfx-password", _("Password"));
}

/* ---- choosing a certificate ---- */

/* the Personal certificates with a key, one radio each; for an export, those whose key is
 * not exportable stay greyed with the reason */
static void
fill_certificates (CcCertificateWizard *self,
                   GtkWidget           *group,
                   gboolean             for_export)
{
  g_autoptr(GPtrArray) keyed = list_keyed_certificates (self);
  GtkWidget *radio = NULL;
  gboolean chosen = FALSE;

  for (guint i = 0; i < keyed->len; i++)
    {
      CcStoreEntry *entry = g_ptr_array_index (keyed, i);
      CcCertificate *certificate = cc_store_entry_get_certificate (entry);
      g_autofree char *id = g_strconcat ("certificate:", cc_store_entry_get_id (entry), NULL);
      g_autofree char *expires = NULL;
      g_autofree char *subtitle = NULL;
      g_autoptr(GDateTime) local =
        g_date_time_to_local (cc_certificate_get_not_after (certificate));
      const char *name = cc_store_entry_get_friendly_name (entry);
      const char *assigned = cc_store_entry_get_assigned_to (entry);
      gboolean usable = !for_export || cc_store_entry_get_exportable (entry);
      GtkWidget *check;

      expires = g_date_time_format (local, "%x");
      if (!usable)
        subtitle = g_strdup_printf (_("Issued by %s, expires %s. Its private key is not marked "
                                      "exportable: it cannot be exported"),
                                    cc_certificate_get_issued_by (certificate), expires);
      else if (assigned[0] != '\0')
        subtitle = g_strdup_printf (_("Issued by %s, expires %s, assigned to %s"),
                                    cc_certificate_get_issued_by (certificate), expires,
                                    assigned);
      else
        subtitle = g_strdup_printf (_("Issued by %s, expires %s"),
                                    cc_certificate_get_issued_by (certificate), expires);
      g_autofree char *title = dup_escaped_mnemonic (name[0] != '\0'
                                                     ? name
                                                     : cc_certificate_get_issued_to (certificate));

      check = add_check (self, group, id, title, subtitle, usable && !chosen, radio);
      if (radio == NULL)
        radio = check;
      if (!usable)
        {
          gtk_widget_set_sensitive (check, FALSE);
          gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
        }
      else
        chosen = TRUE;
    }
}

static void
build_export_pages (CcCertificateWizard *self)
{
  GtkWidget *page = add_page (self, "export-choose", _("Available Certificates"));
  GtkWidget *group = add_group (page, _("Select a Certificate"),
                                _("The certificates of this server with a private key."));
  g_autofree char *path = g_build_filename (g_get_home_dir (), "certificate.pfx", NULL);

  fill_certificates (self, group, TRUE);

  page = add_page (self, "export-file", _("Export Certificate"));
  group = add_group (page, _("The .pfx File"), NULL);
  add_file_entry (self, group, "export-file", _("Path and file name"), path,
                  GTK_FILE_CHOOSER_ACTION_SAVE, _("Personal information exchange (.pfx, .p12)"),
                  pfx_patterns);
  add_check (self, group, "include-chain",
             _("_Include all certificates in the certification path"), NULL, TRUE, NULL);
  add_check (self, group, "legacy", _("_Legacy 3DES encryption, for older Windows versions"),
             _("Some older Windows versions read only .pfx files encrypted this way"), FALSE,
             NULL);

  page = add_page (self, "export-password", _("Export Certificate Password"));
  group = add_group (page, _("Password"),
                     _("The password protects the private key in the file: the other servers "
                       "need it to import the certificate. Nothing has been written yet. "
                       "Pressing Export writes the file."));
  add_password (self, group, "export-password", _("Password"));
  add_password (self, group, "export-confirm", _("Confirm password"));
}

/* ---- Assign, and import on the pool ---- */

static void
build_interfaces_group (CcCertificateWizard *self,
                        GtkWidget           *page)
{
  g_autoptr(GArray) interfaces = cc_server_dup_interfaces (self->server);
  GtkWidget *group = add_group (page, _("Interfaces"),
                                _("The interfaces of this server's role that will present the "
                                  "certificate."));

  for (guint i = 0; i < interfaces->len; i++)
    {
      CcInterface iface = g_array_index (interfaces, CcInterface, i);
      g_autofree char *id = g_strconcat ("interface:", cc_interface_to_id (iface), NULL);

      add_check (self, group, id, cc_interface_get_display_name (iface), NULL, FALSE, NULL);
    }
}

/* a group (title, description) holding a box that the page fills when shown (see
 * fill_requirements), and below it the "Assign anyway" check; returns the box */
static GtkWidget *
add_requirements_group (CcCertificateWizard *self,
                        GtkWidget           *page,
                        const char          *title,
                        const char          *description)
{
  GtkWidget *group = add_group (page, title, description);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  group = add_group (page, NULL, NULL);
  add_check (self, group, "force", _("Assign _anyway"),
             _("Ignore the unmet requirements above; the check goes on reporting them"), FALSE,
             NULL);
  return box;
}

static void
build_assign_pages (CcCertificateWizard *self)
{
  GtkWidget *page = add_page (self, "assign-choose", _("Available Certificates"));
  GtkWidget *group = add_group (page, _("Select a Certificate"),
                                _("The certificates of this server with a private key."));

  fill_certificates (self, group, FALSE);

  page = add_page (self, "assign-interfaces", _("Available Certificate Assignments"));
  build_interfaces_group (self, page);

  page = add_page (self, "assign-settings", _("Configure the Certificate Settings"));
  self->requirements_box =
    add_requirements_group (self, page, _("Requirements"),
                            _("What each interface requires of the certificate, checked "
                              "against this server's stores. Nothing has been written yet. "
                              "Pressing Assign points the interfaces at the certificate."));
}

/* the interfaces the certificate suits, checked when the page is first shown */
static void
preselect_interfaces (CcCertificateWizard *self)
{
  CcStoreEntry *entry = find_personal (self, get_chosen (self, "certificate:"));
  g_autoptr(GArray) interfaces = cc_server_dup_interfaces (self->server);
  g_autoptr(GArray) checked = get_checked_interfaces (self);

  if (entry == NULL || checked->len > 0)
    return;
  g_clear_pointer (&checked, g_array_unref);
  for (guint i = 0; i < interfaces->len; i++)
    {
      CcInterface iface = g_array_index (interfaces, CcInterface, i);
      g_autofree char *id = g_strconcat ("interface:", cc_interface_to_id (iface), NULL);

      if (g_strcmp0 (cc_server_get_assignment (self->server, iface),
                     cc_store_entry_get_id (entry)) == 0)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (get_widget (self, id)), TRUE);
    }
  checked = get_checked_interfaces (self);
  if (checked->len > 0)
    return;
  /* not assigned yet: the first interface whose requirements it meets */
  for (guint i = 0; i < interfaces->len; i++)
    {
      CcInterface iface = g_array_index (interfaces, CcInterface, i);
      g_autofree char *id = g_strconcat ("interface:", cc_interface_to_id (iface), NULL);
      g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);

      if (cc_requirements_evaluate (self->server, iface, entry, errors, warnings)
          != CC_STATUS_ERROR)
        {
          gtk_check_button_set_active (GTK_CHECK_BUTTON (get_widget (self, id)), TRUE);
          break;
        }
    }
}

/* what each checked interface requires of the chosen certificate, into box; the "Assign
 * anyway" check shows only while a requirement is unmet */
static void
fill_requirements (CcCertificateWizard *self,
                   GtkWidget           *box)
{
  CcStoreEntry *entry = find_personal (self, get_chosen (self, "certificate:"));
  g_autoptr(GArray) checked = get_checked_interfaces (self);
  GtkWidget *force = get_widget (self, "force");
  gboolean unmet = FALSE;

  cc_gui_box_clear (box);

  for (guint i = 0; entry != NULL && i < checked->len; i++)
    {
      CcInterface iface = g_array_index (checked, CcInterface, i);
      g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
      GtkWidget *heading = gtk_label_new (cc_interface_get_display_name (iface));

      gtk_label_set_xalign (GTK_LABEL (heading), 0);
      gtk_widget_add_css_class (heading, "heading");
      gtk_box_append (GTK_BOX (box), heading);

      cc_requirements_evaluate (self->server, iface, entry, errors, warnings);
      for (guint j = 0; j < errors->len; j++)
        cc_gui_add_result_line (box, "dialog-error-symbolic", "error",
                                g_ptr_array_index (errors, j));
      for (guint j = 0; j < warnings->len; j++)
        cc_gui_add_result_line (box, "dialog-warning-symbolic", "warning",
                                g_ptr_array_index (warnings, j));
      if (errors->len == 0 && warnings->len == 0)
        cc_gui_add_result_line (box, "emblem-ok-symbolic", "success",
                                _("The certificate meets every requirement of this interface."));
      unmet |= errors->len > 0;
    }
  gtk_widget_set_visible (gtk_widget_get_ancestor (force, ADW_TYPE_PREFERENCES_GROUP), unmet);
  if (!unmet)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (force), FALSE);
}

static void
enter_assign_settings (CcCertificateWizard *self)
{
  fill_requirements (self, self->requirements_box);
}

static void
build_distribute_pages (CcCertificateWizard *self)
{
  GtkWidget *page = add_page (self, "distribute-choose", _("Available Certificates"));
  GtkWidget *group = add_group (page, _("Select a Certificate"),
                                _("The certificate of this server to import, with its private "
                                  "key, on the other servers of the pool."));

  fill_certificates (self, group, FALSE);
  build_interfaces_group (self, page);

  page = add_page (self, "distribute-summary", _("Import on the Pool and Assign"));
  self->distribute_box =
    add_requirements_group (self, page, _("What Will Change"),
                            _("Nothing has been written yet. Pressing Import and Assign assigns "
                              "the certificate here, then imports it (not exportable) on every "
                              "other server of the pool and assigns it to the same interfaces "
                              "there."));
}

static void
enter_distribute_summary (CcCertificateWizard *self)
{
  CcPool *pool = cc_server_get_pool (self->server);
  GtkWidget *servers = gtk_label_new (NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *requirements = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  cc_gui_box_clear (self->distribute_box);
  for (guint i = 0; pool != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (pool)); i++)
    {
      g_autoptr(CcServer) member = g_list_model_get_item (G_LIST_MODEL (pool), i);

      g_string_append_printf (text, "%s%s%s", text->len > 0 ? "\n" : "",
                              cc_server_get_fqdn (member),
                              member == self->server ? _(" (has the certificate)") : "");
    }
  gtk_label_set_text (GTK_LABEL (servers), text->str);
  gtk_label_set_xalign (GTK_LABEL (servers), 0);
  gtk_box_append (GTK_BOX (self->distribute_box), servers);
  gtk_box_append (GTK_BOX (self->distribute_box), requirements);
  fill_requirements (self, requirements);
}

/* ---- the completion page ---- */

/* The changes and notes, per server: "edge01.contoso.com: Personal: added …" lines go under
 * their server; others under none. */
static void
show_result (CcCertificateWizard *self,
             GPtrArray           *changes,
             GPtrArray           *notes)
{
  g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func (g_free);
  CcPool *pool = cc_server_get_pool (self->server);

  cc_gui_box_clear (self->result_list);

  if (self->task == TASK_DISTRIBUTE && pool != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pool)); i++)
      {
        g_autoptr(CcServer) member = g_list_model_get_item (G_LIST_MODEL (pool), i);

        g_ptr_array_add (servers, g_strdup (cc_server_get_fqdn (member)));
      }

  if (servers->len > 0)
    for (guint i = 0; i < servers->len; i++)
      {
        const char *fqdn = g_ptr_array_index (servers, i);
        g_autofree char *prefix = g_strconcat (fqdn, ": ", NULL);
        GtkWidget *heading = gtk_label_new (fqdn);
        gboolean any = FALSE;

        gtk_label_set_xalign (GTK_LABEL (heading), 0);
        gtk_widget_add_css_class (heading, "heading");
        gtk_box_append (GTK_BOX (self->result_list), heading);
        for (guint j = 0; j < changes->len; j++)
          if (g_str_has_prefix (g_ptr_array_index (changes, j), prefix))
            {
              cc_gui_add_result_line (self->result_list, "emblem-ok-symbolic", "success",
                                      g_ptr_array_index (changes, j));
              any = TRUE;
            }
        for (guint j = 0; j < notes->len; j++)
          if (g_str_has_prefix (g_ptr_array_index (notes, j), prefix))
            {
              cc_gui_add_result_line (self->result_list, "dialog-information-symbolic",
                                      "dim-label", g_ptr_array_index (notes, j));
              any = TRUE;
            }
        if (!any)
          cc_gui_add_result_line (self->result_list, "dialog-information-symbolic", "dim-label",
                                  _("Nothing changed on this server"));
      }
  else
    {
      for (guint j = 0; j < changes->len; j++)
        cc_gui_add_result_line (self->result_list, "emblem-ok-symbolic", "success",
                                g_ptr_array_index (changes, j));
      for (guint j = 0; j < notes->len; j++)
        cc_gui_add_result_line (self->result_list, "dialog-information-symbolic", "dim-label",
                                g_ptr_array_index (notes, j));
      if (changes->len == 0 && notes->len == 0)
        cc_gui_add_result_line (self->result_list, "dialog-information-symbolic", "dim-label",
                                _("Nothing changed: the certificates were already there"));
    }

  gtk_widget_set_visible (self->view_csr_button, self->csr != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.view-csr", self->csr != NULL);
  self->finished = TRUE;
  show_page (self, "result");
}

static void
show_report (CcCertificateWizard *self,
             CcReport            *report)
{
  show_result (self, report->changes, report->notes);
}

/* ---- running a step ---- */

typedef void (*StepDoneFunc) (CcCertificateWizard *self,
                              gpointer             result);

typedef struct
{
  CcCertificateWizard *self;
  StepDoneFunc         done;
  GDestroyNotify       result_free;
} Step;

static void
step_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Step *step = user_data;
  g_autoptr(CcCertificateWizard) self = step->self;
  g_autoptr(GError) error = NULL;
  gpointer value = cc_deployment_run_finish (CC_DEPLOYMENT (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      if (value != NULL && step->result_free != NULL)
        step->result_free (value);
      g_free (step);
      return;
    }

  set_running (self, NULL);
  if (value == NULL)
    set_error (self, error->message);
  else
    step->done (self, value);
  update_buttons (self);
  g_free (step);
}

/* runs func on a worker's copy of the deployment; a step that writes holds the deployment's
 * lock (another console or certctl busy on it is named in the error), one that only reads
 * (an export) does not */
static void
run_step (CcCertificateWizard *self,
          gboolean             writes,
          const char          *status,
          CcWorkFunc           func,
          gpointer             data,
          GDestroyNotify       data_free,
          GDestroyNotify       result_free,
          StepDoneFunc         done)
{
  Step *step = g_new0 (Step, 1);

  step->self = g_object_ref (self);
  step->done = done;
  step->result_free = result_free;
  set_error (self, NULL);
  set_running (self, status);
  (writes ? cc_deployment_run_write_async : cc_deployment_run_read_only_async)
    (self->deployment, func, data, data_free, result_free, self->cancellable, step_done_cb,
     step);
}

/* what the request step makes and does */
typedef struct
{
  char        *fqdn;
  CcInterface  iface;
  char        *friendly_name;
  char        *key_type;
  gboolean     exportable;
  char        *organization;
  char        *unit;
  char        *country;
  char        *state;
  char        *locality;
  char        *subject;
  GStrv        sans;
  gboolean     add_machine_name;
  char        *out_file;       /* delayed */
  char        *authority;      /* immediate */
} RequestData;

static void
request_data_free (RequestData *data)
{
  g_free (data->fqdn);
  g_free (data->friendly_name);
  g_free (data->key_type);
  g_free (data->organization);
  g_free (data->unit);
  g_free (data->country);
  g_free (data->state);
  g_free (data->locality);
  g_free (data->subject);
  g_strfreev (data->sans);
  g_free (data->out_file);
  g_free (data->authority);
  g_free (data);
}

typedef struct
{
  CcReport *report;
  char     *csr;
} RequestResult;

static void
request_result_free (RequestResult *result)
{
  g_clear_pointer (&result->report, cc_report_free);
  g_free (result->csr);
  g_free (result);
}

static gpointer
request_work (CcDeployment  *worker,
              gpointer       user_data,
              GCancellable  *cancellable,
              GError       **error)
{
  RequestData *data = user_data;
  CcServer *server = cc_deployment_get_server (worker, data->fqdn, error);
  CcRequestOptions options = { 0 };
  g_autoptr(CcReport) report = cc_report_new ();
  g_autofree char *csr = NULL;
  g_autofree char *warning = NULL;
  RequestResult *result;
  CcStoreEntry *entry;
  const char *iface_id = cc_interface_to_id (data->iface);

  if (server == NULL)
    return NULL;

  /* what can be known to fail is refused before the key and the request are made */
  if (data->out_file != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (data->out_file);

      if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || g_access (dir, W_OK) != 0)
        {
          g_set_error (error, CC_ERROR, CC_ERROR_IO,
                       _("Cannot save the request to “%s”: the folder %s does not exist or "
                         "cannot be written; choose another folder"), data->out_file, dir);
          return NULL;
        }
    }

  options.iface = data->iface;
  options.friendly_name = data->friendly_name;
  options.key_type = data->key_type;
  options.allow_weak_key = g_str_equal (data->key_type, "rsa:1024");
  options.exportable = data->exportable;
  options.organization = data->organization;
  options.organizational_unit = data->unit;
  options.country = data->country;
  options.state = data->state;
  options.locality = data->locality;
  options.subject = data->subject;
  options.sans = (const char * const *) data->sans;
  options.add_machine_name = data->add_machine_name;
  entry = cc_request_create (server, &options, &csr, &warning, error);
  if (entry == NULL)
    return NULL;

  if (warning != NULL)
    g_ptr_array_add (report->notes, g_steal_pointer (&warning));

  if (data->out_file != NULL)
    {
      if (!cc_request_save_csr (server, data->iface, csr, data->out_file, error))
        return NULL;
      g_ptr_array_add (report->changes,
                       /* Translators: server, interface, subject, key type */
                       g_strdup_printf (_("%s: Pending Requests: added the request for %s (%s, "
                                          "%s key)"),
                                        data->fqdn, cc_interface_get_display_name (data->iface),
                                        cc_store_entry_get_subject (entry),
                                        cc_store_entry_get_key_type (entry)));
      g_ptr_array_add (report->notes,
                       g_strdup_printf (_("Saved the request to “%s”: send it to your "
                                          "certification authority, then process its answer "
                                          "with this wizard"), data->out_file));
    }
  else if (!cc_request_submit (server, data->iface, data->authority, report, error))
    {
      cc_request_cancel (server, iface_id, NULL);
      return NULL;
    }

  result = g_new0 (RequestResult, 1);
  result->report = g_steal_pointer (&report);
  result->csr = g_steal_pointer (&csr);
  return result;
}

static void
request_done (CcCertificateWizard *self,
              gpointer             value)
{
  RequestResult *result = value;

  g_free (self->csr);
  self->csr = g_steal_pointer (&result->csr);
  show_report (self, result->report);
  request_result_free (result);
}

static void
start_request (CcCertificateWizard *self)
{
  RequestData *data = g_new0 (RequestData, 1);

  if (!get_chosen_interface (self, &data->iface))
    {
      request_data_free (data);
      return;
    }
  data->fqdn = g_strdup (cc_server_get_fqdn (self->server));
  data->friendly_name = dup_text (self, "friendly-name");
  data->key_type = g_strdup (get_key_type (self));
  data->exportable = get_active (self, "exportable");
  data->organization = dup_text (self, "organization");
  data->unit = dup_text (self, "organizational-unit");
  data->country = g_strdup (get_country (self));
  data->state = dup_text (self, "state");
  data->locality = dup_text (self, "city");
  data->subject = dup_text (self, "subject");
  data->sans = dup_request_sans (self);
  data->add_machine_name = get_active (self, "add-machine-name");
  if (get_immediate (self))
    data->authority = g_strdup (get_authority (self));
  else
    data->out_file = dup_text (self, "request-file");

  run_step (self, TRUE,
            get_immediate (self) ? _("Making the key and sending the request…")
                                 : _("Making the key and the request…"),
            request_work, data, (GDestroyNotify) request_data_free,
            (GDestroyNotify) request_result_free, request_done);
}

/* a file and the server (or servers) it goes to */
typedef struct
{
  char      *fqdn;
  GPtrArray *servers;        /* of char*: chain */
  GPtrArray *certificates;   /* chain */
  char      *path;
  char      *password;       /* .pfx; wiped */
  gboolean   exportable;
  char      *thumbprint;     /* export, assign, distribute */
  gboolean   include_chain;
  gboolean   legacy;
  GArray    *interfaces;     /* assign, distribute */
  gboolean   force;
} FileData;

static void
file_data_free (FileData *data)
{
  g_free (data->fqdn);
  g_clear_pointer (&data->servers, g_ptr_array_unref);
  g_clear_pointer (&data->certificates, g_ptr_array_unref);
  g_free (data->path);
  cc_gui_wipe_string (data->password);
  g_free (data->thumbprint);
  g_clear_pointer (&data->interfaces, g_array_unref);
  g_free (data);
}

static FileData *
file_data_new (CcCertificateWizard *self,
               const char          *path_id)
{
  FileData *data = g_new0 (FileData, 1);

  data->fqdn = g_strdup (cc_server_get_fqdn (self->server));
  if (path_id != NULL)
    data->path = dup_text (self, path_id);
  return data;
}

static void
report_done (CcCertificateWizard *self,
             gpointer             value)
{
  g_autoptr(CcReport) report = value;

  show_report (self, report);
}

static gpointer
process_work (CcDeployment  *worker,
              gpointer       user_data,
              GCancellable  *cancellable,
              GError       **error)
{
  FileData *data = user_data;
  CcServer *server = cc_deployment_get_server (worker, data->fqdn, error);
  g_autoptr(CcReport) report = cc_report_new ();

  if (server == NULL || !cc_request_process (server, data->path, report, error))
    return NULL;
  return g_steal_pointer (&report);
}

static gpointer
chain_work (CcDeployment  *worker,
            gpointer       user_data,
            GCancellable  *cancellable,
            GError       **error)
{
  FileData *data = user_data;
  g_autoptr(GPtrArray) servers = g_ptr_array_new ();
  g_autoptr(CcReport) report = cc_report_new ();

  for (guint i = 0; i < data->servers->len; i++)
    {
      CcServer *server = cc_deployment_get_server (worker, g_ptr_array_index (data->servers, i),
                                                   error);

      if (server == NULL)
        return NULL;
      g_ptr_array_add (servers, server);
    }
  if (!cc_import_chain_certificates (worker, servers, data->certificates, data->path, report,
                                     error))
    return NULL;
  return g_steal_pointer (&report);
}

static gpointer
pfx_work (CcDeployment  *worker,
          gpointer       user_data,
          GCancellable  *cancellable,
          GError       **error)
{
  FileData *data = user_data;
  CcServer *server = cc_deployment_get_server (worker, data->fqdn, error);
  g_autoptr(CcReport) report = cc_report_new ();

  if (server == NULL
      || !cc_import_pfx (server, data->path, data->password, data->exportable, report, error))
    return NULL;
  return g_steal_pointer (&report);
}

static gpointer
export_work (CcDeployment  *worker,
             gpointer       user_data,
             GCancellable  *cancellable,
             GError       **error)
{
  FileData *data = user_data;
  CcServer *server = cc_deployment_get_server (worker, data->fqdn, error);
  g_autoptr(CcReport) report = cc_report_new ();

  if (server == NULL
      || !cc_export_pfx (server, data->thumbprint, data->path, data->password,
                         data->include_chain, data->legacy, error))
    return NULL;
  g_ptr_array_add (report->changes,
                   /* Translators: server, thumbprint, file */
                   g_strdup_printf (_("%s: exported %s with its private key to “%s”"),
                                    data->fqdn, data->thumbprint, data->path));
  return g_steal_pointer (&report);
}

/* assigns on the server for each interface not yet pointing at the certificate */
static gboolean
assign_interfaces (CcServer  *server,
                   FileData  *data,
                   CcReport  *report,
                   GError   **error)
{
  for (guint i = 0; i < data->interfaces->len; i++)
    {
      CcInterface iface = g_array_index (data->interfaces, CcInterface, i);

      if (g_strcmp0 (cc_server_get_assignment (server, iface), data->thumbprint) == 0)
        continue;
      if (!cc_assign (server, data->thumbprint, iface, data->force, report, error))
        return FALSE;
    }
  return TRUE;
}

static gpointer
assign_work (CcDeployment  *worker,
             gpointer       user_data,
             GCancellable  *cancellable,
             GError       **error)
{
  FileData *data = user_data;
  CcServer *server = cc_deployment_get_server (worker, data->fqdn, error);
  g_autoptr(CcReport) report = cc_report_new ();

  if (server == NULL || !assign_interfaces (server, data, report, error))
    return NULL;
  return g_steal_pointer (&report);
}

static gpointer
distribute_work (CcDeployment  *worker,
                 gpointer       user_data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  FileData *data = user_data;
  CcServer *server = cc_deployment_get_server (worker, data->fqdn, error);
  g_autoptr(CcReport) report = cc_report_new ();
  CcPool *pool;

  if (server == NULL)
    return NULL;
  pool = cc_server_get_pool (server);
  if (!assign_interfaces (server, data, report, error)
      || !cc_distribute (pool, data->thumbprint, data->force, report, error))
    return NULL;
  return g_steal_pointer (&report);
}

/* the password's copy goes to the step; the entry's own goes at once */
static char *
take_password (CcCertificateWizard *self,
               const char          *id)
{
  GtkEditable *entry = GTK_EDITABLE (get_widget (self, id));
  char *password = g_strdup (gtk_editable_get_text (entry));

  gtk_editable_set_text (entry, "");
  return password;
}

static void
clear_passwords (CcCertificateWizard *self)
{
  static const char * const ids[] = { "pfx-password", "export-password", "export-confirm" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (get_widget (self, ids[i]) != NULL)
      gtk_editable_set_text (GTK_EDITABLE (get_widget (self, ids[i])), "");
}

/* reading a chain file: no write, so in a plain thread */
static void
read_chain_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (source);
  g_autoptr(GError) error = NULL;
  GPtrArray *certificates = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&certificates, g_ptr_array_unref);
      return;
    }
  set_running (self, NULL);
  if (certificates == NULL)
    {
      set_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->chain, g_ptr_array_unref);
  self->chain = certificates;
  show_page (self, "chain-found");
}

static void
start_read_chain (CcCertificateWizard *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, read_chain_cb, NULL);

  g_task_set_source_tag (task, start_read_chain);
  g_task_set_task_data (task, dup_text (self, "chain-file"), g_free);
  set_error (self, NULL);
  set_running (self, _("Reading the certificates…"));
  g_task_run_in_thread (task, cc_gui_read_certificates_thread);
}

static void
start_write (CcCertificateWizard *self,
             const char          *page)
{
  FileData *data;

  if (g_str_equal (page, "request-summary"))
    {
      start_request (self);
      return;
    }
  if (g_str_equal (page, "process-file"))
    {
      data = file_data_new (self, "process-file");
      run_step (self, TRUE, _("Importing the certificate…"), process_work, data,
                (GDestroyNotify) file_data_free, (GDestroyNotify) cc_report_free, report_done);
    }
  else if (g_str_equal (page, "chain-found"))
    {
      data = file_data_new (self, "chain-file");
      data->servers = dup_target_servers (self);
      data->certificates = g_ptr_array_ref (self->chain);
      run_step (self, TRUE, _("Importing the certificate chain…"), chain_work, data,
                (GDestroyNotify) file_data_free, (GDestroyNotify) cc_report_free, report_done);
    }
  else if (g_str_equal (page, "pfx-password"))
    {
      data = file_data_new (self, "pfx-file");
      data->password = take_password (self, "pfx-password");
      data->exportable = get_active (self, "pfx-exportable");
      run_step (self, TRUE, _("Importing the certificate and its private key…"), pfx_work,
                data, (GDestroyNotify) file_data_free, (GDestroyNotify) cc_report_free, report_done);
    }
  else if (g_str_equal (page, "export-password"))
    {
      data = file_data_new (self, "export-file");
      data->thumbprint = g_strdup (get_chosen (self, "certificate:"));
      data->password = take_password (self, "export-password");
      cc_gui_wipe_string (take_password (self, "export-confirm"));
      data->include_chain = get_active (self, "include-chain");
      data->legacy = get_active (self, "legacy");
      run_step (self, FALSE, _("Exporting the certificate…"), export_work, data,
                (GDestroyNotify) file_data_free, (GDestroyNotify) cc_report_free, report_done);
    }
  else if (g_str_equal (page, "assign-settings") || g_str_equal (page, "distribute-summary"))
    {
      gboolean distribute = g_str_equal (page, "distribute-summary");

      data = file_data_new (self, NULL);
      data->thumbprint = g_strdup (get_chosen (self, "certificate:"));
      data->interfaces = get_checked_interfaces (self);
      data->force = get_active (self, "force");
      run_step (self, TRUE,
                distribute ? _("Importing on the pool and assigning…")
                           : _("Assigning the certificate…"),
                distribute ? distribute_work : assign_work, data,
                (GDestroyNotify) file_data_free, (GDestroyNotify) cc_report_free, report_done);
    }
}

/* ---- moving between pages ---- */

static void
build_task_pages (CcCertificateWizard *self,
                  Task                 task)
{
  if (g_hash_table_contains (self->built, tasks[task].id))
    return;

  /* another task's pages go, with what was typed there (forgotten before they go) */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, self->widgets);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_str_has_prefix (key, "task:"))
        g_hash_table_iter_remove (&iter);
  }
  for (guint i = 0; i < self->task_pages->len; i++)
    gtk_stack_remove (self->stack, g_ptr_array_index (self->task_pages, i));
  g_ptr_array_set_size (self->task_pages, 0);
  g_ptr_array_set_size (self->sans, 0);
  g_clear_pointer (&self->sans_iface, g_free);
  g_clear_pointer (&self->chain, g_ptr_array_unref);
  self->exportable_touched = FALSE;
  self->sans_box = self->chain_box = self->requirements_box = NULL;
  self->distribute_box = self->summary_box = NULL;
  g_hash_table_remove_all (self->built);
  g_hash_table_add (self->built, g_strdup (tasks[task].id));

  switch (task)
    {
    case TASK_REQUEST:
      build_request_pages (self);
      break;
    case TASK_PROCESS:
      build_process_pages (self);
      break;
    case TASK_CHAIN:
      build_chain_pages (self);
      break;
    case TASK_PFX_IMPORT:
      build_pfx_pages (self);
      break;
    case TASK_EXPORT:
      build_export_pages (self);
      break;
    case TASK_ASSIGN:
      build_assign_pages (self);
      break;
    case TASK_DISTRIBUTE:
      build_distribute_pages (self);
      break;
    case TASK_NONE:
    case N_TASKS:
    default:
      break;
    }
}

static const char *
get_next_page (CcCertificateWizard *self,
               const char          *page)
{
  static const char * const paths[][2] = {
    { "welcome", "tasks" },
    { "request-component", "request-mode" },
    { "request-mode", "request-name" },
    { "request-name", "request-organization" },
    { "request-organization", "request-subject" },
    { "request-subject", "request-geography" },
    { "request-file", "request-summary" },
    { "request-ca", "request-summary" },
    { "pfx-file", "pfx-password" },
    { "export-choose", "export-file" },
    { "export-file", "export-password" },
    { "assign-choose", "assign-interfaces" },
    { "assign-interfaces", "assign-settings" },
    { "distribute-choose", "distribute-summary" },
  };

  if (g_str_equal (page, "tasks"))
    return self->task != TASK_NONE ? tasks[self->task].first_page : NULL;
  if (g_str_equal (page, "request-geography"))
    return get_immediate (self) ? "request-ca" : "request-file";
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (g_str_equal (paths[i][0], page))
      return paths[i][1];
  return NULL;
}

/* what a page shows depends on the pages before it: filled in as it comes up */
static void
enter_page (CcCertificateWizard *self,
            const char          *name)
{
  if (g_str_equal (name, "request-name"))
    enter_request_name (self);
  else if (g_str_equal (name, "request-subject"))
    enter_request_subject (self);
  else if (g_str_equal (name, "request-file"))
    enter_request_file (self);
  else if (g_str_equal (name, "request-summary"))
    enter_request_summary (self);
  else if (g_str_equal (name, "chain-found"))
    enter_chain_found (self);
  else if (g_str_equal (name, "assign-interfaces") || g_str_equal (name, "distribute-choose"))
    preselect_interfaces (self);
  else if (g_str_equal (name, "assign-settings"))
    enter_assign_settings (self);
  else if (g_str_equal (name, "distribute-summary"))
    enter_distribute_summary (self);
}

static void
show_page (CcCertificateWizard *self,
           const char          *name)
{
  GtkWidget *child;

  if (!g_str_equal (name, "result"))
    enter_page (self, name);
  g_ptr_array_add (self->history, g_strdup (name));
  gtk_stack_set_visible_child_name (self->stack, name);
  child = gtk_stack_get_visible_child (self->stack);
  adw_window_title_set_title (self->window_title,
                              gtk_stack_page_get_title (gtk_stack_get_page (self->stack, child)));
  set_error (self, NULL);
  update_buttons (self);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (widget);
  const char *page = get_current_page (self);
  const char *next;
  g_autofree char *reason = NULL;

  if (self->finished)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (self->running || (reason = check_page (self, page)) != NULL)
    return;

  if (g_str_equal (page, "tasks"))
    {
      const char *id = get_chosen (self, "task:");

      self->task = TASK_NONE;
      for (Task task = 0; task < N_TASKS; task++)
        if (g_strcmp0 (tasks[task].id, id) == 0)
          self->task = task;
      if (self->task == TASK_NONE)
        return;
      build_task_pages (self, self->task);
    }

  if (get_writing_label (page) != NULL)
    {
      start_write (self, page);
      return;
    }
  if (g_str_equal (page, "chain-file"))
    {
      start_read_chain (self);
      return;
    }

  next = get_next_page (self, page);
  if (next != NULL)
    show_page (self, next);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (widget);
  const char *name;
  GtkWidget *child;

  if (self->running || self->finished || self->history->len < 2)
    return;

  /* a password typed is not kept */
  clear_passwords (self);
  g_ptr_array_remove_index (self->history, self->history->len - 1);
  name = get_current_page (self);
  gtk_stack_set_visible_child_name (self->stack, name);
  child = gtk_stack_get_visible_child (self->stack);
  adw_window_title_set_title (self->window_title,
                              gtk_stack_page_get_title (gtk_stack_get_page (self->stack, child)));
  set_error (self, NULL);
  update_buttons (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (widget);

  if (self->running)
    return;
  gtk_window_destroy (GTK_WINDOW (self));
}

/* ---- View CSR, View log ---- */

static void
show_text (CcCertificateWizard *self,
           const char          *title,
           const char          *text)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

static void
view_csr_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (widget);

  if (self->csr != NULL)
    show_text (self, _("Certificate Request"), self->csr);
}

static void
log_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CcCertificateWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_error (self, error->message);
      return;
    }
  show_text (self, _("Audit Log"), g_utf8_validate (contents, length, NULL) ? contents : "");
}

static void
view_log_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (widget);
  g_autofree char *path = g_build_filename (cc_deployment_get_path (self->deployment),
                                            "audit.log", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_file_load_contents_async (file, self->cancellable, log_loaded_cb, g_object_ref (self));
}

/* ---- the object ---- */

static gboolean
cc_certificate_wizard_close_request (GtkWindow *window)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (window);

  /* a step that writes finishes first */
  if (self->running)
    return TRUE;
  if (GTK_WINDOW_CLASS (cc_certificate_wizard_parent_class)->close_request != NULL)
    return GTK_WINDOW_CLASS (cc_certificate_wizard_parent_class)->close_request (window);
  return FALSE;
}

static void
cc_certificate_wizard_constructed (GObject *object)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (object);
  g_autofree char *description = NULL;
  g_autofree char *subtitle = NULL;

  G_OBJECT_CLASS (cc_certificate_wizard_parent_class)->constructed (object);

  if (self->server == NULL && self->pool != NULL
      && g_list_model_get_n_items (G_LIST_MODEL (self->pool)) > 0)
    self->server = g_list_model_get_item (G_LIST_MODEL (self->pool), 0);
  g_return_if_fail (CC_IS_SERVER (self->server));

  if (self->pool != NULL)
    {
      /* Translators: "pool edge.contoso.com, on edge01.contoso.com" */
      subtitle = g_strdup_printf (_("Pool %s, on %s"), cc_pool_get_fqdn (self->pool),
                                  cc_server_get_fqdn (self->server));
      description = g_strdup_printf (_("This wizard requests, imports, exports and assigns the "
                                       "certificates of the pool %s. Tasks for one server run "
                                       "on %s, its first server; chains are imported on every "
                                       "server of the pool. Press Next to see the tasks."),
                                     cc_pool_get_fqdn (self->pool),
                                     cc_server_get_fqdn (self->server));
    }
  else
    {
      subtitle = g_strdup (cc_server_get_fqdn (self->server));
      description = g_strdup_printf (_("This wizard requests, imports, exports and assigns the "
                                       "certificates of %s (%s). Nothing is written until the "
                                       "page that says so. Press Next to see the tasks."),
                                     cc_server_get_fqdn (self->server),
                                     cc_role_get_display_name (cc_server_get_role (self->server)));
    }
  adw_window_title_set_subtitle (self->window_title, subtitle);
  adw_status_page_set_description (self->welcome_page, description);

  g_ptr_array_add (self->history, g_strdup ("welcome"));
  adw_window_title_set_title (self->window_title, _("Welcome"));
  load_stores (self);
  update_buttons (self);
}

static void
cc_certificate_wizard_dispose (GObject *object)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (object);

  g_cancellable_cancel (self->cancellable);
  if (self->widgets != NULL)
    clear_passwords (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CC_TYPE_CERTIFICATE_WIZARD);
  g_clear_pointer (&self->widgets, g_hash_table_unref);

  G_OBJECT_CLASS (cc_certificate_wizard_parent_class)->dispose (object);
}

static void
cc_certificate_wizard_finalize (GObject *object)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (object);

  g_clear_object (&self->deployment);
  g_clear_object (&self->server);
  g_clear_object (&self->pool);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->built, g_hash_table_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->sans, g_ptr_array_unref);
  g_clear_pointer (&self->task_pages, g_ptr_array_unref);
  g_clear_pointer (&self->chain, g_ptr_array_unref);
  g_free (self->sans_iface);
  g_free (self->load_error);
  g_free (self->reason);
  g_free (self->csr);

  G_OBJECT_CLASS (cc_certificate_wizard_parent_class)->finalize (object);
}

static void
cc_certificate_wizard_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (object);

  switch (prop_id)
    {
    case PROP_DEPLOYMENT:
      g_value_set_object (value, self->deployment);
      break;
    case PROP_SERVER:
      g_value_set_object (value, self->server);
      break;
    case PROP_POOL:
      g_value_set_object (value, self->pool);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_certificate_wizard_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CcCertificateWizard *self = CC_CERTIFICATE_WIZARD (object);

  switch (prop_id)
    {
    case PROP_DEPLOYMENT:
      self->deployment = g_value_dup_object (value);
      break;
    case PROP_SERVER:
      self->server = g_value_dup_object (value);
      break;
    case PROP_POOL:
      self->pool = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_certificate_wizard_class_init (CcCertificateWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = cc_certificate_wizard_constructed;
  object_class->dispose = cc_certificate_wizard_dispose;
  object_class->finalize = cc_certificate_wizard_finalize;
  object_class->get_property = cc_certificate_wizard_get_property;
  object_class->set_property = cc_certificate_wizard_set_property;
  window_class->close_request = cc_certificate_wizard_close_request;

  properties[PROP_DEPLOYMENT] =
    g_param_spec_object ("deployment", NULL, NULL, CC_TYPE_DEPLOYMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER] =
    g_param_spec_object ("server", NULL, NULL, CC_TYPE_SERVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POOL] =
    g_param_spec_object ("pool", NULL, NULL, CC_TYPE_POOL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/certconsole/CertConsole/cc-certificate-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, back_button);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, tasks_group);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, result_group);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, result_list);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, view_csr_button);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, spinner);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, status_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, error_label);
  gtk_widget_class_bind_template_child (widget_class, CcCertificateWizard, reason_label);

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "wizard.view-csr", NULL, view_csr_action);
  gtk_widget_class_install_action (widget_class, "wizard.view-log", NULL, view_log_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "wizard.cancel", NULL);
}

static void
cc_certificate_wizard_init (CcCertificateWizard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->built = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->history = g_ptr_array_new_with_free_func (g_free);
  self->sans = g_ptr_array_new_with_free_func (g_free);
  self->task_pages = g_ptr_array_new ();
  self->task = TASK_NONE;
}

CcCertificateWizard *
cc_certificate_wizard_new (GtkWindow    *parent,
                           CcDeployment *deployment,
                           CcServer     *server,
                           CcPool       *pool)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CC_IS_DEPLOYMENT (deployment), NULL);
  g_return_val_if_fail (server != NULL || pool != NULL, NULL);

  return g_object_new (CC_TYPE_CERTIFICATE_WIZARD,
                       "transient-for", parent,
                       "deployment", deployment,
                       "server", server,
                       "pool", pool,
                       NULL);
}

CcServer *
cc_certificate_wizard_get_server (CcCertificateWizard *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_WIZARD (self), NULL);

  return self->server;
}

CcPool *
cc_certificate_wizard_get_pool (CcCertificateWizard *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_WIZARD (self), NULL);

  return self->pool;
}

/* ---- for the tests ---- */

const char *
_cc_certificate_wizard_get_page (CcCertificateWizard *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_WIZARD (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
_cc_certificate_wizard_get_widget (CcCertificateWizard *self,
                                   const char          *id)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_WIZARD (self), NULL);

  return get_widget (self, id);
}

const char *
_cc_certificate_wizard_get_reason (CcCertificateWizard *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_WIZARD (self), NULL);

  return self->reason;
}

const char *
_cc_certificate_wizard_get_error (CcCertificateWizard *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_WIZARD (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}

gboolean
_cc_certificate_wizard_get_busy (CcCertificateWizard *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_WIZARD (self), FALSE);

  return self->running || self->n_loading > 0;
}

char *
_cc_certificate_wizard_dup_result_text (CcCertificateWizard *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (CC_IS_CERTIFICATE_WIZARD (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (self->result_list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *label = GTK_IS_LABEL (child) ? child : gtk_widget_get_last_child (child);

      if (GTK_IS_LABEL (label))
        g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (label)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

const char *
_cc_certificate_wizard_get_csr (CcCertificateWizard *self)
{
  g_return_val_if_fail (CC_IS_CERTIFICATE_WIZARD (self), NULL);

  return self->csr;
}
