/* cc-certificate-actions.c: the cert.* actions of the console window. Every change runs in a
 * thread on a private copy of the deployment under its lock (cc_deployment_run_write_async),
 * which then refreshes the window's own; errors are shown with the core's message, never dropped. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "cc-certificate-actions.h"
#include "cc-certificate-dialog.h"
#include "cc-gui-util.h"
#include "cc-window-private.h"

#define STATE_KEY "cc-certificate-actions"

/* What the actions keep per window; the window owns it (object data). */
typedef struct
{
  CcWindow             *window;       /* not a reference */
  GtkColumnView        *column_view;
  GtkWidget            *menu;         /* a GtkPopoverMenu parented to the column view */
  AdwToastOverlay      *toast_overlay;
  GtkFileChooserNative *chooser;
  AdwToast             *last_toast;   /* weak */
  GCancellable         *cancellable;  /* cancelled when the window goes */
  guint                 n_running;
} CertActions;

static void update_actions (CertActions *state);

static void
cert_actions_free (CertActions *state)
{
  g_cancellable_cancel (state->cancellable);
  g_clear_object (&state->cancellable);
  if (state->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (state->chooser));
  g_clear_object (&state->chooser);
  g_clear_weak_pointer (&state->last_toast);
  g_free (state);
}

static CertActions *
get_state (CcWindow *window)
{
  return g_object_get_data (G_OBJECT (window), STATE_KEY);
}

/* Passwords and keys are wiped before their memory goes back. */
static void
wipe_bytes (GBytes *bytes)
{
  gsize size;
  guint8 *data;

  if (bytes == NULL)
    return;
  /* the data itself when this is the last reference, a copy (to wipe too) otherwise */
  data = g_bytes_unref_to_data (bytes, &size);
  explicit_bzero (data, size);
  g_free (data);
}

/* "my cert/1" → "my cert_1": a file name from a certificate's name */
static char *
dup_file_name (const char *name,
               const char *extension)
{
  g_autofree char *base = g_strdup (name != NULL && name[0] != '\0' ? name : "certificate");

  g_strdelimit (base, "/\\:*?\"<>|", '_');
  return g_strconcat (base, extension, NULL);
}

/* The selection. */

static CcStoreEntry *
get_selected_entry (CertActions *state)
{
  GtkSelectionModel *model;

  /* the window is going */
  if (state->column_view == NULL)
    return NULL;

  model = gtk_column_view_get_model (state->column_view);

  if (!GTK_IS_SINGLE_SELECTION (model))
    return NULL;
  return gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model));
}

/* the selected certificate's entry, its store and server; FALSE for none or a pending
 * request */
static gboolean
get_selected (CertActions   *state,
              CcStoreEntry **out_entry,
              CcStore      **out_store,
              CcServer     **out_server)
{
  CcStoreEntry *entry = get_selected_entry (state);
  CcStore *store = _cc_window_get_store (state->window);

  if (entry == NULL || store == NULL || cc_store_get_server (store) == NULL
      || cc_store_entry_get_certificate (entry) == NULL)
    return FALSE;

  if (out_entry != NULL)
    *out_entry = entry;
  if (out_store != NULL)
    *out_store = store;
  if (out_server != NULL)
    *out_server = cc_store_get_server (store);
  return TRUE;
}

static gboolean
has_key_in_personal (CcStore      *store,
                     CcStoreEntry *entry)
{
  return cc_store_get_kind (store) == CC_STORE_PERSONAL
         && cc_store_entry_get_has_private_key (entry);
}

static void
update_actions (CertActions *state)
{
  GtkWidget *window = GTK_WIDGET (state->window);
  CcStoreEntry *entry = NULL;
  CcStore *store = NULL;
  CcServer *server = NULL;
  gboolean selected = get_selected (state, &entry, &store, &server);
  gboolean with_key = selected && has_key_in_personal (store, entry);
  CcPool *pool = server != NULL ? cc_server_get_pool (server) : NULL;

  if (state->column_view == NULL)
    return;

  gtk_widget_action_set_enabled (window, "cert.view", selected);
  gtk_widget_action_set_enabled (window, "cert.export", selected);
  gtk_widget_action_set_enabled (window, "cert.delete", selected);
  gtk_widget_action_set_enabled (window, "cert.copy-thumbprint", selected);
  gtk_widget_action_set_enabled (window, "cert.assign", with_key);
  gtk_widget_action_set_enabled (window, "cert.distribute",
                                 with_key && pool != NULL
                                 && g_list_model_get_n_items (G_LIST_MODEL (pool)) > 1);
  gtk_widget_action_set_enabled (window, "cert.import", _cc_window_get_store (state->window) != NULL);
}

/* Messages. */

/* toast titles are markup in libadwaita 1.2: names and paths are escaped */
static AdwToast *
new_toast (const char *title)
{
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  return adw_toast_new (escaped);
}

static AdwToast *
add_toast (CertActions *state,
           const char  *title)
{
  AdwToast *toast = new_toast (title);

  g_set_weak_pointer (&state->last_toast, toast);
  adw_toast_overlay_add_toast (state->toast_overlay, toast);
  return toast;
}

static AdwMessageDialog *
new_message_dialog (CertActions *state,
                    const char  *heading,
                    const char  *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (state->window),
                                                                        heading, NULL));

  if (body != NULL)
    adw_message_dialog_set_body (dialog, body);
  return dialog;
}

static void
show_error (CertActions  *state,
            const char   *heading,
            const GError *error)
{
  AdwMessageDialog *dialog;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  dialog = new_message_dialog (state, heading, error->message);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What an import, an assignment or a distribution did: one line in a toast, several (or
 * anything the user should read) in a dialog. */
static void
show_report (CertActions *state,
             const char  *heading,
             CcReport    *report)
{
  g_autoptr(GString) body = NULL;
  AdwMessageDialog *dialog;

  if (report->changes->len == 0 && report->notes->len == 0)
    {
      add_toast (state, _("Nothing changed: the certificates were already there"));
      return;
    }
  if (report->changes->len == 1 && report->notes->len == 0)
    {
      add_toast (state, g_ptr_array_index (report->changes, 0));
      return;
    }

  body = g_string_new (NULL);
  for (guint i = 0; i < report->changes->len; i++)
    g_string_append_printf (body, "%s%s", body->len > 0 ? "\n" : "",
                            (char *) g_ptr_array_index (report->changes, i));
  for (guint i = 0; i < report->notes->len; i++)
    g_string_append_printf (body, "%s%s", body->len > 0 ? "\n" : "",
                            (char *) g_ptr_array_index (report->notes, i));

  dialog = new_message_dialog (state, heading, body->str);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Running a workflow off the main loop. */

/* takes ownership of result */
typedef void (*JobDoneFunc) (CertActions *state,
                             gpointer     result);

typedef struct
{
  CcWindow       *window;
  char           *error_heading;
  JobDoneFunc     done;
  GDestroyNotify  result_free;
} Job;

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Job *job = user_data;
  CertActions *state = get_state (job->window);
  g_autoptr(GError) error = NULL;
  gpointer value = cc_deployment_run_finish (CC_DEPLOYMENT (source), result, &error);

  state->n_running--;

  if (g_cancellable_is_cancelled (state->cancellable))
    {
      if (value != NULL && job->result_free != NULL)
        job->result_free (value);
    }
  else if (value == NULL)
    show_error (state, job->error_heading, error);
  else
    job->done (state, value);

  update_actions (state);
  g_object_unref (job->window);
  g_free (job->error_heading);
  g_free (job);
}

static void
run_job (CertActions    *state,
         gboolean        writes,
         const char     *error_heading,
         CcWorkFunc      func,
         gpointer        data,
         GDestroyNotify  data_free,
         GDestroyNotify  result_free,
         JobDoneFunc     done)
{
  CcDeployment *deployment = cc_window_get_deployment (state->window);
  Job *job;

  if (deployment == NULL)
    {
      if (data_free != NULL)
        data_free (data);
      return;
    }

  job = g_new0 (Job, 1);
  job->window = g_object_ref (state->window);
  job->error_heading = g_strdup (error_heading);
  job->done = done;
  job->result_free = result_free;

  state->n_running++;
  /* an export writes outside the deployment: nothing there to lock or to read again */
  (writes ? cc_deployment_run_write_async : cc_deployment_run_read_only_async)
    (deployment, func, data, data_free, result_free, state->cancellable, job_done_cb, job);
}

/* cert.view */

static void
view_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CertActions *state = get_state (CC_WINDOW (widget));
  CcStoreEntry *entry;
  CcStore *store;
  CcCertificateDialog *dialog;

  if (!get_selected (state, &entry, &store, NULL))
    return;

  dialog = cc_certificate_dialog_new (GTK_WINDOW (widget), store, entry);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* cert.copy-thumbprint */

static void
copy_thumbprint_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CertActions *state = get_state (CC_WINDOW (widget));
  CcStoreEntry *entry;

  if (!get_selected (state, &entry, NULL, NULL))
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          cc_certificate_get_thumbprint (cc_store_entry_get_certificate (entry)));
  add_toast (state, _("Thumbprint copied"));
}

/* cert.export */

enum {
  FORMAT_PFX = -1,
};

typedef struct
{
  char    *fqdn;
  char    *thumbprint;
  char    *path;
  int      format;          /* a CcExportFormat, or FORMAT_PFX */
  gboolean include_chain;
  gboolean legacy;
  char    *password;        /* wiped */
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_free (data->fqdn);
  g_free (data->thumbprint);
  g_free (data->path);
  cc_gui_wipe_string (data->password);
  g_free (data);
}

static gpointer
export_work (CcDeployment  *worker,
             gpointer       user_data,
             GCancellable  *cancellable,
             GError       **error)
{
  ExportData *data = user_data;
  CcServer *server = cc_deployment_get_server (worker, data->fqdn, error);
  gboolean ok;

  if (server == NULL)
    return NULL;

  if (data->format == FORMAT_PFX)
    ok = cc_export_pfx (server, data->thumbprint, data->path, data->password,
                        data->include_chain, data->legacy, error);
  else
    ok = cc_export_certificate (server, data->thumbprint, data->path, data->format,
                                data->include_chain, error);

  return ok ? g_strdup (data->path) : NULL;
}

static void
export_done (CertActions *state,
             gpointer     result)
{
  g_autofree char *path = result;
  g_autofree char *name = g_filename_display_basename (path);
  /* Translators: %s is a file name */
  g_autofree char *title = g_strdup_printf (_("Exported to “%s”"), name);

  add_toast (state, title);
}

static void
start_export (CertActions *state,
              ExportData  *data)
{
  run_job (state, FALSE, _("Could Not Export the Certificate"), export_work, data,
           (GDestroyNotify) export_data_free, g_free, export_done);
}

/* The .pfx password: typed twice, wiped once read. */

static void
pfx_password_changed_cb (AdwMessageDialog *dialog)
{
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");
  GtkEditable *confirm = g_object_get_data (G_OBJECT (dialog), "confirm");
  GtkWidget *mismatch = g_object_get_data (G_OBJECT (dialog), "mismatch");
  const char *a = gtk_editable_get_text (password);
  const char *b = gtk_editable_get_text (confirm);
  gboolean match = g_strcmp0 (a, b) == 0;

  /* the line stays, empty or not: a message dialog already shown does not grow */
  gtk_label_set_text (GTK_LABEL (mismatch),
                      !match && b[0] != '\0' ? _("The passwords do not match") : "");
  adw_message_dialog_set_response_enabled (dialog, "export", match && a[0] != '\0');
}

static void
pfx_export_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        CertActions      *state)
{
  ExportData *data = g_object_steal_data (G_OBJECT (dialog), "export-data");
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");
  GtkEditable *confirm = g_object_get_data (G_OBJECT (dialog), "confirm");

  if (g_strcmp0 (response, "export") == 0 && data != NULL
      && g_strcmp0 (gtk_editable_get_text (password), gtk_editable_get_text (confirm)) == 0)
    {
      data->password = g_strdup (gtk_editable_get_text (password));
      data->include_chain =
        gtk_check_button_get_active (g_object_get_data (G_OBJECT (dialog), "include-chain"));
      data->legacy = gtk_check_button_get_active (g_object_get_data (G_OBJECT (dialog), "legacy"));
    }

  /* the entries' own copies go now, whatever the answer */
  gtk_editable_set_text (password, "");
  gtk_editable_set_text (confirm, "");

  if (data == NULL)
    return;
  if (data->password == NULL)
    {
      export_data_free (data);
      return;
    }
  start_export (state, data);
}

static void
ask_pfx_password (CertActions *state,
                  ExportData  *data,
                  const char  *issued_to)
{
  g_autofree char *body = g_strdup_printf (_("The .pfx file will hold “%s” and its private key, "
                                             "protected by this password. Keep both safe: "
                                             "anyone with the file and the password can use "
                                             "the key."), issued_to);
  AdwMessageDialog *dialog = new_message_dialog (state, _("Export With the Private Key"), body);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *password = adw_password_entry_row_new ();
  GtkWidget *confirm = adw_password_entry_row_new ();
  GtkWidget *mismatch = gtk_label_new (NULL);
  GtkWidget *include_chain =
    gtk_check_button_new_with_mnemonic (_("_Include all certificates in the certification path"));
  GtkWidget *legacy =
    gtk_check_button_new_with_mnemonic (_("_Legacy 3DES encryption, for older Windows versions"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (password), _("Password"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (confirm), _("Confirm password"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), password);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), confirm);
  gtk_label_set_xalign (GTK_LABEL (mismatch), 0);
  gtk_widget_add_css_class (mismatch, "error");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (include_chain), TRUE);

  gtk_box_append (GTK_BOX (box), group);
  gtk_box_append (GTK_BOX (box), mismatch);
  gtk_box_append (GTK_BOX (box), include_chain);
  gtk_box_append (GTK_BOX (box), legacy);
  adw_message_dialog_set_extra_child (dialog, box);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "export", _("_Export"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "export", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "export", FALSE);
  adw_message_dialog_set_default_response (dialog, "export");
  adw_message_dialog_set_close_response (dialog, "cancel");

  g_object_set_data (G_OBJECT (dialog), "password", password);
  g_object_set_data (G_OBJECT (dialog), "confirm", confirm);
  g_object_set_data (G_OBJECT (dialog), "mismatch", mismatch);
  g_object_set_data (G_OBJECT (dialog), "include-chain", include_chain);
  g_object_set_data (G_OBJECT (dialog), "legacy", legacy);
  g_object_set_data_full (G_OBJECT (dialog), "export-data", data,
                          (GDestroyNotify) export_data_free);

  g_signal_connect_swapped (password, "changed", G_CALLBACK (pfx_password_changed_cb), dialog);
  g_signal_connect_swapped (confirm, "changed", G_CALLBACK (pfx_password_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (pfx_export_response_cb), state);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (password);
}

/* what the certificate being exported is, for the chooser's answer */
typedef struct
{
  char *fqdn;
  char *thumbprint;
  char *issued_to;
  gboolean exportable;     /* the key may leave as a .pfx */
} ExportTarget;

static void
export_target_free (ExportTarget *target)
{
  g_free (target->fqdn);
  g_free (target->thumbprint);
  g_free (target->issued_to);
  g_free (target);
}

/* after the response signal has run: the chooser may still be using itself until then */
static void
release_chooser (CertActions     *state,
                 GtkNativeDialog *chooser)
{
  if (state->chooser == GTK_FILE_CHOOSER_NATIVE (chooser))
    g_idle_add_once ((GSourceOnceFunc) g_object_unref, g_steal_pointer (&state->chooser));
}

static const struct
{
  const char *extension;
  int         format;
} export_extensions[] = {
  { ".cer", CC_EXPORT_PEM },
  { ".pem", CC_EXPORT_PEM },
  { ".crt", CC_EXPORT_PEM },
  { ".der", CC_EXPORT_DER },
  { ".p7b", CC_EXPORT_P7B },
  { ".p7c", CC_EXPORT_P7B },
  { ".pfx", FORMAT_PFX },
  { ".p12", FORMAT_PFX },
};

static void
export_chooser_response_cb (GtkNativeDialog *chooser,
                            int              response,
                            CertActions     *state)
{
  ExportTarget *target = g_object_get_data (G_OBJECT (chooser), "export-target");
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *lower = NULL;
  ExportData *data;
  int format = G_MININT;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);

  if (path != NULL)
    {
      /* the format by the name's extension; else the chosen filter's, whose extension the
       * name then gets */
      lower = g_ascii_strdown (path, -1);
      for (guint i = 0; i < G_N_ELEMENTS (export_extensions); i++)
        if (g_str_has_suffix (lower, export_extensions[i].extension))
          {
            format = export_extensions[i].format;
            break;
          }
      if (format == G_MININT)
        {
          GtkFileFilter *filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
          const char *extension = filter != NULL ? g_object_get_data (G_OBJECT (filter),
                                                                      "extension") : NULL;
          char *with_extension;

          if (extension == NULL)
            extension = ".cer";
          with_extension = g_strconcat (path, extension, NULL);
          g_free (path);
          path = with_extension;
          for (guint i = 0; i < G_N_ELEMENTS (export_extensions); i++)
            if (g_str_equal (extension, export_extensions[i].extension))
              format = export_extensions[i].format;
        }

      data = g_new0 (ExportData, 1);
      data->fqdn = g_strdup (target->fqdn);
      data->thumbprint = g_strdup (target->thumbprint);
      data->path = g_steal_pointer (&path);
      data->format = format;
      /* a .p7b carries the chain; .cer, .pem and .der the certificate alone */
      data->include_chain = format == CC_EXPORT_P7B;

      if (format == FORMAT_PFX && !target->exportable)
        {
          /* a name ending in .pfx for a key that may not leave: no password asked, the
           * core refuses it with its own message */
          data->password = g_strdup ("");
          start_export (state, data);
        }
      else if (format == FORMAT_PFX)
        ask_pfx_password (state, data, target->issued_to);
      else
        start_export (state, data);
    }

  release_chooser (state, chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  static const char * const pem_patterns[] = { "*.cer", "*.pem", "*.crt", NULL };
  static const char * const der_patterns[] = { "*.der", NULL };
  static const char * const p7b_patterns[] = { "*.p7b", "*.p7c", NULL };
  static const char * const pfx_patterns[] = { "*.pfx", "*.p12", NULL };
  CertActions *state = get_state (CC_WINDOW (widget));
  CcStoreEntry *entry;
  CcStore *store;
  CcServer *server;
  CcCertificate *certificate;
  ExportTarget *target;
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (!get_selected (state, &entry, &store, &server))
    return;
  certificate = cc_store_entry_get_certificate (entry);

  chooser = gtk_file_chooser_native_new (_("Export Certificate"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  cc_gui_add_file_filter (GTK_FILE_CHOOSER (chooser),
                          _("Certificate, Base64-encoded (.cer, .pem, .crt)"), ".cer",
                          pem_patterns);
  cc_gui_add_file_filter (GTK_FILE_CHOOSER (chooser),
                          _("Certificate, DER-encoded binary (.der)"), ".der", der_patterns);
  cc_gui_add_file_filter (GTK_FILE_CHOOSER (chooser),
                          _("Certificate with its chain, PKCS #7 (.p7b)"), ".p7b", p7b_patterns);
  /* a key marked not exportable is never written out: no .pfx offered for it */
  if (has_key_in_personal (store, entry) && cc_store_entry_get_exportable (entry))
    cc_gui_add_file_filter (GTK_FILE_CHOOSER (chooser),
                            _("Certificate with its private key, PKCS #12 (.pfx)"), ".pfx",
                            pfx_patterns);

  name = dup_file_name (cc_certificate_get_issued_to (certificate), ".cer");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  target = g_new0 (ExportTarget, 1);
  target->fqdn = g_strdup (cc_server_get_fqdn (server));
  target->thumbprint = g_strdup (cc_certificate_get_thumbprint (certificate));
  target->issued_to = g_strdup (cc_certificate_get_issued_to (certificate));
  target->exportable = has_key_in_personal (store, entry) && cc_store_entry_get_exportable (entry);
  g_object_set_data_full (G_OBJECT (chooser), "export-target", target,
                          (GDestroyNotify) export_target_free);
  g_signal_connect (chooser, "response", G_CALLBACK (export_chooser_response_cb), state);

  if (state->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (state->chooser));
  g_set_object (&state->chooser, chooser);
  g_object_unref (chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* cert.delete, with an undo that puts the certificate (and its key) back */

typedef struct
{
  char        *fqdn;
  CcStoreKind  kind;
  char        *thumbprint;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_free (data->fqdn);
  g_free (data->thumbprint);
  g_free (data);
}

/* everything needed to put a deleted certificate back, held until its toast goes */
typedef struct
{
  char        *fqdn;
  CcStoreKind  kind;
  char        *issued_to;
  GBytes      *der;
  GBytes      *key_pem;        /* Personal only; wiped */
  char        *friendly_name;
  gboolean     exportable;
  char        *source;
} UndoData;

static void
undo_data_free (UndoData *undo)
{
  g_free (undo->fqdn);
  g_free (undo->issued_to);
  g_clear_pointer (&undo->der, g_bytes_unref);
  wipe_bytes (g_steal_pointer (&undo->key_pem));
  g_free (undo->friendly_name);
  g_free (undo->source);
  g_free (undo);
}

static gpointer
delete_work (CcDeployment  *worker,
             gpointer       user_data,
             GCancellable  *cancellable,
             GError       **error)
{
  DeleteData *data = user_data;
  CcServer *server = cc_deployment_get_server (worker, data->fqdn, error);
  CcStore *store;
  CcStoreEntry *entry;
  CcCertificate *certificate;
  UndoData *undo;

  if (server == NULL)
    return NULL;
  store = cc_server_get_store (server, data->kind);
  if (!cc_store_ensure_loaded (store, cancellable, error))
    return NULL;
  entry = cc_store_lookup_id (store, data->thumbprint);
  if (entry == NULL || (certificate = cc_store_entry_get_certificate (entry)) == NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("The certificate %s is no longer in the %s store of %s; reload the store"),
                   data->thumbprint, cc_store_get_display_name (store), data->fqdn);
      return NULL;
    }

  undo = g_new0 (UndoData, 1);
  undo->fqdn = g_strdup (data->fqdn);
  undo->kind = data->kind;
  undo->issued_to = g_strdup (cc_certificate_get_issued_to (certificate));
  undo->der = g_bytes_ref (cc_certificate_get_der (certificate));
  undo->friendly_name = g_strdup (cc_store_entry_get_friendly_name (entry));
  undo->exportable = cc_store_entry_get_exportable (entry);
  undo->source = g_strdup (cc_store_entry_get_source (entry));

  /* the key first: a certificate whose key cannot be read is not deleted */
  if (cc_store_entry_get_has_private_key (entry))
    {
      undo->key_pem = cc_store_read_key (store, data->thumbprint, error);
      if (undo->key_pem == NULL)
        {
          undo_data_free (undo);
          return NULL;
        }
    }

  if (!cc_store_remove (store, data->thumbprint, error))
    {
      undo_data_free (undo);
      return NULL;
    }
  cc_deployment_audit (worker, "delete", data->fqdn, data->thumbprint,
                       cc_store_kind_to_id (data->kind));

  return undo;
}

static gpointer
restore_work (CcDeployment  *worker,
              gpointer       user_data,
              GCancellable  *cancellable,
              GError       **error)
{
  UndoData *undo = user_data;
  CcServer *server = cc_deployment_get_server (worker, undo->fqdn, error);
  g_autoptr(CcCertificate) certificate = NULL;

  if (server == NULL)
    return NULL;
  /* parsed again here: the window's objects stay on the window's thread */
  certificate = cc_certificate_new_from_der (undo->der, error);
  if (certificate == NULL)
    return NULL;
  if (!cc_store_add_certificate (cc_server_get_store (server, undo->kind), certificate,
                                 undo->key_pem, undo->friendly_name, undo->exportable,
                                 undo->source[0] != '\0' ? undo->source : NULL, error))
    return NULL;
  cc_deployment_audit (worker, "restore", undo->fqdn, cc_certificate_get_thumbprint (certificate),
                       cc_store_kind_to_id (undo->kind));

  return g_strdup (undo->issued_to);
}

static void
restore_done (CertActions *state,
              gpointer     result)
{
  g_autofree char *issued_to = result;
  /* Translators: %s is a certificate's name */
  g_autofree char *title = g_strdup_printf (_("Restored “%s”"), issued_to);

  add_toast (state, title);
}

static void
undo_clicked_cb (AdwToast    *toast,
                 CertActions *state)
{
  UndoData *undo = g_object_steal_data (G_OBJECT (toast), "undo");

  if (undo == NULL)
    return;
  run_job (state, TRUE, _("Could Not Restore the Certificate"), restore_work, undo,
           (GDestroyNotify) undo_data_free, g_free, restore_done);
}

/* the toast is gone without Undo: the key goes from memory now */
static void
undo_dismissed_cb (AdwToast *toast)
{
  g_object_set_data (G_OBJECT (toast), "undo", NULL);
}

static void
delete_done (CertActions *state,
             gpointer     result)
{
  UndoData *undo = result;
  /* Translators: %s is a certificate's name */
  g_autofree char *title = g_strdup_printf (_("Deleted “%s”"), undo->issued_to);
  AdwToast *toast = new_toast (title);

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 10);
  g_object_set_data_full (G_OBJECT (toast), "undo", undo, (GDestroyNotify) undo_data_free);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), state);
  g_signal_connect (toast, "dismissed", G_CALLBACK (undo_dismissed_cb), NULL);

  g_set_weak_pointer (&state->last_toast, toast);
  adw_toast_overlay_add_toast (state->toast_overlay, toast);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    CertActions      *state)
{
  DeleteData *data = g_object_steal_data (G_OBJECT (dialog), "delete-data");

  if (data == NULL)
    return;
  if (g_strcmp0 (response, "delete") != 0)
    {
      delete_data_free (data);
      return;
    }

  run_job (state, TRUE, _("Could Not Delete the Certificate"), delete_work, data,
           (GDestroyNotify) delete_data_free, (GDestroyNotify) undo_data_free, delete_done);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CertActions *state = get_state (CC_WINDOW (widget));
  CcStoreEntry *entry;
  CcStore *store;
  CcServer *server;
  CcCertificate *certificate;
  AdwMessageDialog *dialog;
  g_autofree char *assigned = NULL;
  g_autofree char *body = NULL;
  DeleteData *data;

  if (!get_selected (state, &entry, &store, &server))
    return;
  certificate = cc_store_entry_get_certificate (entry);

  /* a TLS server points at it: deleting it would leave the interface without one */
  if (cc_store_get_kind (store) == CC_STORE_PERSONAL)
    assigned = cc_server_dup_assigned_to (server, cc_certificate_get_thumbprint (certificate));
  if (assigned != NULL && assigned[0] != '\0')
    {
      g_autofree char *interfaces = cc_gui_format_interfaces (assigned);

      body = g_strdup_printf (_("“%s” is assigned to %s on %s, so it cannot be deleted. Assign "
                                "another certificate to that interface first."),
                              cc_certificate_get_issued_to (certificate), interfaces,
                              cc_server_get_fqdn (server));
      dialog = new_message_dialog (state, _("Certificate In Use"), body);
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  if (has_key_in_personal (store, entry))
    body = g_strdup_printf (_("“%s” and its private key will be deleted from the %s store of "
                              "%s."),
                            cc_certificate_get_issued_to (certificate),
                            cc_store_get_display_name (store), cc_server_get_fqdn (server));
  else
    body = g_strdup_printf (_("“%s” will be deleted from the %s store of %s."),
                            cc_certificate_get_issued_to (certificate),
                            cc_store_get_display_name (store), cc_server_get_fqdn (server));

  dialog = new_message_dialog (state, _("Delete Certificate?"), body);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  data = g_new0 (DeleteData, 1);
  data->fqdn = g_strdup (cc_server_get_fqdn (server));
  data->kind = cc_store_get_kind (store);
  data->thumbprint = g_strdup (cc_certificate_get_thumbprint (certificate));
  g_object_set_data_full (G_OBJECT (dialog), "delete-data", data,
                          (GDestroyNotify) delete_data_free);
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response_cb), state);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* cert.assign */

typedef struct
{
  char        *fqdn;
  char        *thumbprint;
  CcInterface  iface;
  gboolean     force;
} AssignData;

static void
assign_data_free (AssignData *data)
{
  g_free (data->fqdn);
  g_free (data->thumbprint);
  g_free (data);
}

static gpointer
assign_work (CcDeployment  *worker,
             gpointer       user_data,
             GCancellable  *cancellable,
             GError       **error)
{
  AssignData *data = user_data;
  CcServer *server = cc_deployment_get_server (worker, data->fqdn, error);
  g_autoptr(CcReport) report = cc_report_new ();

  if (server == NULL
      || !cc_assign (server, data->thumbprint, data->iface, data->force, report, error))
    return NULL;
  return g_steal_pointer (&report);
}

static void
assign_done (CertActions *state,
             gpointer     result)
{
  g_autoptr(CcReport) report = result;

  show_report (state, _("Certificate Assigned"), report);
}

/* The assign dialog: the server's interfaces, and what the requirements say for the one
 * chosen. It keeps the entry it was opened for, as the store may reload meanwhile. */
typedef struct
{
  CertActions  *state;
  CcServer     *server;
  CcStoreEntry *entry;
  GArray       *interfaces;   /* of CcInterface */
  GtkWidget    *combo;
  GtkWidget    *results;
  GCancellable *cancellable;
  guint         n_loading;
  gboolean      load_failed;
} AssignDialog;

static void
assign_dialog_free (AssignDialog *assign)
{
  g_cancellable_cancel (assign->cancellable);
  g_clear_object (&assign->cancellable);
  g_clear_object (&assign->server);
  g_clear_object (&assign->entry);
  g_clear_pointer (&assign->interfaces, g_array_unref);
  g_free (assign);
}

static CcStatus
evaluate (AssignDialog *assign,
          CcInterface   iface,
          GPtrArray    *errors,
          GPtrArray    *warnings)
{
  return cc_requirements_evaluate (assign->server, iface, assign->entry, errors, warnings);
}

static gboolean
trust_stores_loaded (CcServer *server)
{
  return cc_store_is_loaded (cc_server_get_store (server, CC_STORE_TRUSTED_ROOT))
         && cc_store_is_loaded (cc_server_get_store (server, CC_STORE_INTERMEDIATE));
}

static void
update_assign_results (AdwMessageDialog *dialog)
{
  AssignDialog *assign = g_object_get_data (G_OBJECT (dialog), "assign");
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (assign->combo));
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (assign->results)) != NULL)
    gtk_box_remove (GTK_BOX (assign->results), child);

  if (selected >= assign->interfaces->len || !trust_stores_loaded (assign->server))
    {
      adw_message_dialog_set_response_enabled (dialog, "assign", FALSE);
      adw_message_dialog_set_response_enabled (dialog, "force", FALSE);
      if (selected < assign->interfaces->len)
        cc_gui_add_result_line (assign->results, "content-loading-symbolic", "dim-label",
                         _("Checking the requirements…"));
      return;
    }

  /* in memory: the trust stores are loaded */
  evaluate (assign, g_array_index (assign->interfaces, CcInterface, selected), errors, warnings);

  for (guint i = 0; i < errors->len; i++)
    cc_gui_add_result_line (assign->results, "dialog-error-symbolic", "error",
                     g_ptr_array_index (errors, i));
  for (guint i = 0; i < warnings->len; i++)
    cc_gui_add_result_line (assign->results, "dialog-warning-symbolic", "warning",
                     g_ptr_array_index (warnings, i));
  if (errors->len == 0 && warnings->len == 0)
    cc_gui_add_result_line (assign->results, "emblem-ok-symbolic", "success",
                     _("The certificate meets every requirement of this interface."));

  adw_message_dialog_set_response_enabled (dialog, "assign", errors->len == 0);
  adw_message_dialog_set_response_enabled (dialog, "force", errors->len > 0);
  adw_message_dialog_set_default_response (dialog, errors->len == 0 ? "assign" : "cancel");
}

/* the first interface the certificate suits, or the first one; the user chooses from then
 * on (the list waits for the trust stores) */
static void
choose_interface (AdwMessageDialog *dialog)
{
  AssignDialog *assign = g_object_get_data (G_OBJECT (dialog), "assign");
  guint chosen = 0;

  gtk_widget_set_sensitive (assign->combo, TRUE);

  for (guint i = 0; i < assign->interfaces->len; i++)
    {
      g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);

      if (evaluate (assign, g_array_index (assign->interfaces, CcInterface, i), errors,
                    warnings) != CC_STATUS_ERROR)
        {
          chosen = i;
          break;
        }
    }

  if (adw_combo_row_get_selected (ADW_COMBO_ROW (assign->combo)) != chosen)
    adw_combo_row_set_selected (ADW_COMBO_ROW (assign->combo), chosen);
  else
    update_assign_results (dialog);
}

static void
assign_store_loaded_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(AdwMessageDialog) dialog = user_data;
  AssignDialog *assign = g_object_get_data (G_OBJECT (dialog), "assign");
  g_autoptr(GError) error = NULL;

  if (!cc_store_load_finish (CC_STORE (source), result, &error))
    {
      if (assign != NULL && !g_cancellable_is_cancelled (assign->cancellable))
        {
          GtkWidget *child;

          /* no check without the trust stores: say why, and offer nothing */
          while ((child = gtk_widget_get_first_child (assign->results)) != NULL)
            gtk_box_remove (GTK_BOX (assign->results), child);
          cc_gui_add_result_line (assign->results, "dialog-error-symbolic", "error",
                                  error->message);
          assign->n_loading--;
          assign->load_failed = TRUE;
        }
      return;
    }
  if (assign == NULL || g_cancellable_is_cancelled (assign->cancellable))
    return;

  if (--assign->n_loading == 0 && !assign->load_failed)
    choose_interface (dialog);
}

static void
assign_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    CertActions      *state)
{
  AssignDialog *assign = g_object_get_data (G_OBJECT (dialog), "assign");
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (assign->combo));
  gboolean force = g_strcmp0 (response, "force") == 0;
  AssignData *data;

  g_cancellable_cancel (assign->cancellable);
  if ((g_strcmp0 (response, "assign") != 0 && !force) || selected >= assign->interfaces->len)
    return;

  data = g_new0 (AssignData, 1);
  data->fqdn = g_strdup (cc_server_get_fqdn (assign->server));
  data->thumbprint = g_strdup (cc_store_entry_get_id (assign->entry));
  data->iface = g_array_index (assign->interfaces, CcInterface, selected);
  data->force = force;
  run_job (state, TRUE, _("Could Not Assign the Certificate"), assign_work, data,
           (GDestroyNotify) assign_data_free, (GDestroyNotify) cc_report_free, assign_done);
}

static void
assign_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CertActions *state = get_state (CC_WINDOW (widget));
  CcStoreEntry *entry;
  CcStore *store;
  CcServer *server;
  AssignDialog *assign;
  AdwMessageDialog *dialog;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *body = NULL;
  GtkWidget *box;
  GtkWidget *group;
  GtkWidget *scroller;

  if (!get_selected (state, &entry, &store, &server) || !has_key_in_personal (store, entry))
    return;

  assign = g_new0 (AssignDialog, 1);
  assign->state = state;
  assign->server = g_object_ref (server);
  assign->entry = g_object_ref (entry);
  assign->interfaces = cc_server_dup_interfaces (server);
  assign->cancellable = g_cancellable_new ();
  for (guint i = 0; i < assign->interfaces->len; i++)
    gtk_string_list_append (names, cc_interface_get_display_name (
                                     g_array_index (assign->interfaces, CcInterface, i)));

  /* Translators: "Use “pool01.contoso.com” on an interface of fe01.contoso.com: …" */
  body = g_strdup_printf (_("Use “%s” on an interface of %s: the TLS server of that interface "
                            "then presents it."),
                          cc_certificate_get_issued_to (cc_store_entry_get_certificate (entry)),
                          cc_server_get_fqdn (server));
  dialog = new_message_dialog (state, _("Assign Certificate"), body);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  group = adw_preferences_group_new ();
  assign->combo = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (assign->combo), _("Interface"));
  /* the interface's name on a line of its own: they are long */
  adw_combo_row_set_use_subtitle (ADW_COMBO_ROW (assign->combo), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (assign->combo), G_LIST_MODEL (names));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), assign->combo);
  assign->results = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  /* room for a few findings from the start: GTK 4.8 does not grow a message dialog already
   * shown, and the findings change with the interface chosen */
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 150);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), assign->results);
  gtk_box_append (GTK_BOX (box), group);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_message_dialog_set_extra_child (dialog, box);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "force", _("Assign _Anyway"),
                                    "assign", _("_Assign"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "force", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "assign", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (dialog, "cancel");

  g_object_set_data_full (G_OBJECT (dialog), "assign", assign,
                          (GDestroyNotify) assign_dialog_free);
  g_signal_connect_swapped (assign->combo, "notify::selected",
                            G_CALLBACK (update_assign_results), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (assign_response_cb), state);

  /* the requirements read the trust stores: loaded off the main loop first when needed */
  for (CcStoreKind kind = CC_STORE_TRUSTED_ROOT; kind <= CC_STORE_INTERMEDIATE; kind++)
    {
      CcStore *trust = cc_server_get_store (server, kind);

      if (!cc_store_is_loaded (trust))
        {
          assign->n_loading++;
          cc_store_load_async (trust, assign->cancellable, assign_store_loaded_cb,
                               g_object_ref (dialog));
        }
    }
  if (assign->n_loading == 0)
    choose_interface (dialog);
  else
    {
      gtk_widget_set_sensitive (assign->combo, FALSE);
      update_assign_results (dialog);
    }

  gtk_window_present (GTK_WINDOW (dialog));
}

/* cert.distribute: the certificate and its key onto the other members of the pool */

typedef struct
{
  char *pool;
  char *thumbprint;
} DistributeData;

static void
distribute_data_free (DistributeData *data)
{
  g_free (data->pool);
  g_free (data->thumbprint);
  g_free (data);
}

static gpointer
distribute_work (CcDeployment  *worker,
                 gpointer       user_data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  DistributeData *data = user_data;
  CcPool *pool = cc_deployment_get_pool (worker, data->pool, error);
  g_autoptr(CcReport) report = cc_report_new ();

  if (pool == NULL || !cc_distribute (pool, data->thumbprint, FALSE, report, error))
    return NULL;
  return g_steal_pointer (&report);
}

static void
distribute_done (CertActions *state,
                 gpointer     result)
{
  g_autoptr(CcReport) report = result;

  show_report (state, _("Imported on the Pool Members"), report);
}

static void
distribute_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        CertActions      *state)
{
  DistributeData *data = g_object_steal_data (G_OBJECT (dialog), "distribute-data");

  if (data == NULL)
    return;
  if (g_strcmp0 (response, "import") != 0)
    {
      distribute_data_free (data);
      return;
    }
  run_job (state, TRUE, _("Could Not Import on the Pool Members"), distribute_work, data,
           (GDestroyNotify) distribute_data_free, (GDestroyNotify) cc_report_free,
           distribute_done);
}

static void
distribute_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CertActions *state = get_state (CC_WINDOW (widget));
  CcStoreEntry *entry;
  CcStore *store;
  CcServer *server;
  CcPool *pool;
  g_autoptr(GString) others = g_string_new (NULL);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  DistributeData *data;

  if (!get_selected (state, &entry, &store, &server) || !has_key_in_personal (store, entry)
      || (pool = cc_server_get_pool (server)) == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pool)); i++)
    {
      g_autoptr(CcServer) member = g_list_model_get_item (G_LIST_MODEL (pool), i);

      if (member == server)
        continue;
      if (others->len > 0)
        g_string_append (others, ", ");
      g_string_append (others, cc_server_get_fqdn (member));
    }
  if (others->len == 0)
    return;

  body = g_strdup_printf (_("“%s” and its private key will be imported on %s, not exportable "
                            "there, and assigned to the same interfaces as on %s."),
                          cc_certificate_get_issued_to (cc_store_entry_get_certificate (entry)),
                          others->str, cc_server_get_fqdn (server));
  dialog = new_message_dialog (state, _("Import on the Other Pool Members?"), body);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "import", _("_Import"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "import", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "import");
  adw_message_dialog_set_close_response (dialog, "cancel");

  data = g_new0 (DistributeData, 1);
  data->pool = g_strdup (cc_pool_get_fqdn (pool));
  data->thumbprint = g_strdup (cc_store_entry_get_id (entry));
  g_object_set_data_full (G_OBJECT (dialog), "distribute-data", data,
                          (GDestroyNotify) distribute_data_free);
  g_signal_connect (dialog, "response", G_CALLBACK (distribute_response_cb), state);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* Importing files (a drop, or cert.import): a .pfx asks for its password; anything else is
 * an answer to a pending request (Personal and Pending Requests, when one is pending) or a
 * CA chain. */

typedef struct
{
  char        *fqdn;
  CcStoreKind  kind;
  GStrv        paths;
  char        *password;     /* .pfx; wiped */
  gboolean     exportable;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_free (data->fqdn);
  g_strfreev (data->paths);
  cc_gui_wipe_string (data->password);
  g_free (data);
}

static gboolean
has_pending_request (CcServer      *server,
                     GCancellable  *cancellable,
                     GError       **error)
{
  CcStore *requests = cc_server_get_store (server, CC_STORE_REQUESTS);

  if (!cc_store_ensure_loaded (requests, cancellable, error))
    return FALSE;
  return g_list_model_get_n_items (G_LIST_MODEL (requests)) > 0;
}

static gpointer
import_work (CcDeployment  *worker,
             gpointer       user_data,
             GCancellable  *cancellable,
             GError       **error)
{
  ImportData *data = user_data;
  CcServer *server = cc_deployment_get_server (worker, data->fqdn, error);
  g_autoptr(CcReport) report = cc_report_new ();

  if (server == NULL)
    return NULL;

  for (guint i = 0; data->paths[i] != NULL; i++)
    {
      const char *path = data->paths[i];
      gboolean ok;

      if (data->password != NULL)
        ok = cc_import_pfx (server, path, data->password, data->exportable, report, error);
      else if ((data->kind == CC_STORE_PERSONAL || data->kind == CC_STORE_REQUESTS)
               && has_pending_request (server, cancellable, NULL))
        ok = cc_request_process (server, path, report, error);
      else
        {
          g_autoptr(GPtrArray) servers = g_ptr_array_new ();

          g_ptr_array_add (servers, server);
          ok = cc_import_chain (worker, servers, path, report, error);
        }
      if (!ok)
        return NULL;
    }

  return g_steal_pointer (&report);
}

static void
import_done (CertActions *state,
             gpointer     result)
{
  g_autoptr(CcReport) report = result;

  show_report (state, _("Certificates Imported"), report);
}

static void
start_import (CertActions *state,
              ImportData  *data)
{
  run_job (state, TRUE, _("Could Not Import"), import_work, data,
           (GDestroyNotify) import_data_free, (GDestroyNotify) cc_report_free, import_done);
}

static void ask_pfx_import (CertActions *state, CcServer *server, GQueue *pfx_paths);

typedef struct
{
  CcServer *server;
  GQueue   *pfx_paths;   /* of char*, after this one */
  char     *path;
} PfxPrompt;

static void
pfx_prompt_free (PfxPrompt *prompt)
{
  g_clear_object (&prompt->server);
  if (prompt->pfx_paths != NULL)
    g_queue_free_full (prompt->pfx_paths, g_free);
  g_free (prompt->path);
  g_free (prompt);
}

static void
pfx_import_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        CertActions      *state)
{
  PfxPrompt *prompt = g_object_steal_data (G_OBJECT (dialog), "pfx-prompt");
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");
  GtkCheckButton *exportable = g_object_get_data (G_OBJECT (dialog), "exportable");

  if (prompt == NULL)
    return;

  if (g_strcmp0 (response, "import") == 0)
    {
      ImportData *data = g_new0 (ImportData, 1);
      const char * const paths[] = { prompt->path, NULL };

      data->fqdn = g_strdup (cc_server_get_fqdn (prompt->server));
      data->kind = CC_STORE_PERSONAL;
      data->paths = g_strdupv ((char **) paths);
      data->password = g_strdup (gtk_editable_get_text (password));
      data->exportable = gtk_check_button_get_active (exportable);
      start_import (state, data);
    }
  gtk_editable_set_text (password, "");

  /* the next .pfx, if several were dropped */
  if (prompt->pfx_paths != NULL && !g_queue_is_empty (prompt->pfx_paths)
      && g_strcmp0 (response, "import") == 0)
    ask_pfx_import (state, prompt->server, g_steal_pointer (&prompt->pfx_paths));
  pfx_prompt_free (prompt);
}

/* takes pfx_paths */
static void
ask_pfx_import (CertActions *state,
                CcServer    *server,
                GQueue      *pfx_paths)
{
  PfxPrompt *prompt = g_new0 (PfxPrompt, 1);
  g_autofree char *name = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *password = adw_password_entry_row_new ();
  GtkWidget *exportable = gtk_check_button_new_with_mnemonic (_("Mark the private key as "
                                                                "_exportable"));

  prompt->server = g_object_ref (server);
  prompt->path = g_queue_pop_head (pfx_paths);
  prompt->pfx_paths = pfx_paths;

  name = g_filename_display_basename (prompt->path);
  /* Translators: %s is a file name */
  heading = g_strdup_printf (_("Import “%s”"), name);
  body = g_strdup_printf (_("Type the password given when the certificate was exported. The "
                            "certificate and its private key go to the Personal store of %s."),
                          cc_server_get_fqdn (server));
  dialog = new_message_dialog (state, heading, body);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (password), _("Password"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), password);
  gtk_box_append (GTK_BOX (box), group);
  gtk_box_append (GTK_BOX (box), exportable);
  adw_message_dialog_set_extra_child (dialog, box);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "import", _("_Import"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "import", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "import");
  adw_message_dialog_set_close_response (dialog, "cancel");

  g_object_set_data (G_OBJECT (dialog), "password", password);
  g_object_set_data (G_OBJECT (dialog), "exportable", exportable);
  g_object_set_data_full (G_OBJECT (dialog), "pfx-prompt", prompt,
                          (GDestroyNotify) pfx_prompt_free);
  g_signal_connect (dialog, "response", G_CALLBACK (pfx_import_response_cb), state);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (password);
}

static gboolean
is_pfx_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, ".pfx") || g_str_has_suffix (lower, ".p12");
}

gboolean
_cc_certificate_actions_import_files (CcWindow *window,
                                      GSList   *files)
{
  CertActions *state;
  CcStore *store;
  CcServer *server;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GQueue *pfx_paths;

  g_return_val_if_fail (CC_IS_WINDOW (window), FALSE);

  state = get_state (window);
  store = _cc_window_get_store (window);
  server = store != NULL ? cc_store_get_server (store) : NULL;
  if (server == NULL || cc_window_get_deployment (window) == NULL)
    return FALSE;

  pfx_paths = g_queue_new ();
  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (l->data);
          g_autoptr(GError) error = NULL;

          g_set_error (&error, CC_ERROR, CC_ERROR_IO,
                       _("“%s” is not a local file; save it to a folder first"), uri);
          show_error (state, _("Could Not Import"), error);
          continue;
        }
      if (is_pfx_path (path))
        g_queue_push_tail (pfx_paths, g_steal_pointer (&path));
      else
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }

  if (paths->len > 0)
    {
      ImportData *data = g_new0 (ImportData, 1);

      data->fqdn = g_strdup (cc_server_get_fqdn (server));
      data->kind = cc_store_get_kind (store);
      g_ptr_array_add (paths, NULL);
      data->paths = (GStrv) g_ptr_array_steal (paths, NULL);
      start_import (state, data);
    }

  if (!g_queue_is_empty (pfx_paths))
    ask_pfx_import (state, server, pfx_paths);
  else
    g_queue_free (pfx_paths);

  return TRUE;
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         CertActions   *state)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  {
    gboolean accepted = _cc_certificate_actions_import_files (state->window, files);

    g_slist_free (files);
    return accepted;
  }
}

static void
import_chooser_response_cb (GtkNativeDialog *chooser,
                            int              response,
                            CertActions     *state)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      GSList *list = NULL;

      for (guint i = g_list_model_get_n_items (files); i > 0; i--)
        list = g_slist_prepend (list, g_list_model_get_item (files, i - 1));
      _cc_certificate_actions_import_files (state->window, list);
      g_slist_free_full (list, g_object_unref);
    }

  release_chooser (state, chooser);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  static const char * const cert_patterns[] = {
    "*.cer", "*.crt", "*.pem", "*.der", "*.p7b", "*.p7c", "*.pfx", "*.p12", NULL
  };
  static const char * const all_patterns[] = { "*", NULL };
  CertActions *state = get_state (CC_WINDOW (widget));
  GtkFileChooserNative *chooser;

  if (_cc_window_get_store (state->window) == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Import Certificates"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  cc_gui_add_file_filter (GTK_FILE_CHOOSER (chooser),
                          _("Certificates, chains and .pfx files (.cer, .pem, .der, .p7b, .pfx)"),
                          NULL, cert_patterns);
  cc_gui_add_file_filter (GTK_FILE_CHOOSER (chooser), _("All files"), NULL, all_patterns);
  g_signal_connect (chooser, "response", G_CALLBACK (import_chooser_response_cb), state);

  if (state->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (state->chooser));
  g_set_object (&state->chooser, chooser);
  g_object_unref (chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The context menu: right click on a row, or Menu / Shift+F10 on the list. */

void
_cc_certificate_actions_popup_menu (CcWindow *window,
                                    double    x,
                                    double    y)
{
  CertActions *state;

  g_return_if_fail (CC_IS_WINDOW (window));

  state = get_state (window);
  update_actions (state);
  gtk_popover_set_pointing_to (GTK_POPOVER (state->menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (state->menu));
}

static void
context_pressed_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    CertActions     *state)
{
  GtkWidget *column_view = GTK_WIDGET (state->column_view);
  GtkWidget *picked = gtk_widget_pick (column_view, x, y, GTK_PICK_DEFAULT);

  /* a row: select it first, as a file manager does; a column header keeps its own menu */
  if (picked == NULL
      || !gtk_widget_activate_action (picked, "listitem.select", "(bb)", FALSE, FALSE))
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  _cc_certificate_actions_popup_menu (state->window, x, y);
}

static gboolean
menu_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  CertActions *state = get_state (CC_WINDOW (gtk_widget_get_root (widget)));
  GtkWidget *column_view = GTK_WIDGET (state->column_view);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (state->window));
  graphene_rect_t bounds;
  double x = gtk_widget_get_width (column_view) / 2.0;
  double y = gtk_widget_get_height (column_view) / 2.0;

  if (get_selected_entry (state) == NULL)
    return FALSE;

  /* under the focused row */
  if (focus != NULL && gtk_widget_is_ancestor (focus, column_view)
      && gtk_widget_compute_bounds (focus, column_view, &bounds))
    {
      x = bounds.origin.x + MIN (bounds.size.width / 2, 120);
      y = bounds.origin.y + bounds.size.height;
    }

  _cc_certificate_actions_popup_menu (state->window, x, y);
  return TRUE;
}

static void
column_view_activate_cb (GtkColumnView *column_view,
                         guint          position,
                         CertActions   *state)
{
  GtkSelectionModel *model = gtk_column_view_get_model (column_view);

  gtk_selection_model_select_item (model, position, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (state->window), "cert.view", NULL);
}

/* the column view goes with the window's template; its popover has to go before it */
static void
column_view_destroy_cb (GtkWidget   *column_view,
                        CertActions *state)
{
  g_clear_pointer (&state->menu, gtk_widget_unparent);
  state->column_view = NULL;
}

static void
selection_changed_cb (CertActions *state)
{
  update_actions (state);
}

/* what is still running reports to nobody */
static void
window_destroy_cb (GtkWidget   *window,
                   CertActions *state)
{
  g_cancellable_cancel (state->cancellable);
}

/* Setting up. */

void
_cc_certificate_actions_class_init (GtkWidgetClass *window_class)
{
  gtk_widget_class_install_action (window_class, "cert.view", NULL, view_action);
  gtk_widget_class_install_action (window_class, "cert.export", NULL, export_action);
  gtk_widget_class_install_action (window_class, "cert.delete", NULL, delete_action);
  gtk_widget_class_install_action (window_class, "cert.assign", NULL, assign_action);
  gtk_widget_class_install_action (window_class, "cert.copy-thumbprint", NULL,
                                   copy_thumbprint_action);
  gtk_widget_class_install_action (window_class, "cert.distribute", NULL, distribute_action);
  gtk_widget_class_install_action (window_class, "cert.import", NULL, import_action);
}

void
_cc_certificate_actions_init (CcWindow *window)
{
  CertActions *state = g_new0 (CertActions, 1);
  GtkWidget *content_stack = GTK_WIDGET (_cc_window_get_content_stack (window));
  GObject *menu_model = gtk_widget_get_template_child (GTK_WIDGET (window), CC_TYPE_WINDOW,
                                                       "certificate_menu");
  GtkGesture *gesture;
  GtkDropTarget *drop;
  GtkShortcutController *shortcuts;

  g_return_if_fail (G_IS_MENU_MODEL (menu_model));

  state->window = window;
  state->column_view = _cc_window_get_column_view (window);
  state->toast_overlay = ADW_TOAST_OVERLAY (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                           CC_TYPE_WINDOW,
                                                                           "toast_overlay"));
  state->cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (window), STATE_KEY, state, (GDestroyNotify) cert_actions_free);

  /* the context menu */
  state->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu_model));
  gtk_popover_set_has_arrow (GTK_POPOVER (state->menu), FALSE);
  gtk_widget_set_halign (state->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (state->menu, GTK_WIDGET (state->column_view));
  g_signal_connect (state->column_view, "destroy", G_CALLBACK (column_view_destroy_cb), state);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (gesture), GTK_PHASE_CAPTURE);
  g_signal_connect (gesture, "pressed", G_CALLBACK (context_pressed_cb), state);
  gtk_widget_add_controller (GTK_WIDGET (state->column_view), GTK_EVENT_CONTROLLER (gesture));

  /* keys on the list: Enter activates (cert.view), these do the rest */
  shortcuts = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_shortcut_controller_add_shortcut (shortcuts,
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                      gtk_named_action_new ("cert.delete")));
  gtk_shortcut_controller_add_shortcut (shortcuts,
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_KP_Delete, 0),
                      gtk_named_action_new ("cert.delete")));
  gtk_shortcut_controller_add_shortcut (shortcuts,
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_c, GDK_CONTROL_MASK),
                      gtk_named_action_new ("cert.copy-thumbprint")));
  gtk_shortcut_controller_add_shortcut (shortcuts,
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_e, GDK_CONTROL_MASK),
                      gtk_named_action_new ("cert.export")));
  gtk_shortcut_controller_add_shortcut (shortcuts,
    gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
                                                   gtk_keyval_trigger_new (GDK_KEY_F10,
                                                                           GDK_SHIFT_MASK)),
                      gtk_callback_action_new (menu_shortcut_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (state->column_view), GTK_EVENT_CONTROLLER (shortcuts));

  g_signal_connect (state->column_view, "activate", G_CALLBACK (column_view_activate_cb), state);

  /* files dropped anywhere on the store browser */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), state);
  gtk_widget_add_controller (content_stack, GTK_EVENT_CONTROLLER (drop));

  /* enabled states follow the selection, and the store shown */
  g_signal_connect_swapped (gtk_column_view_get_model (state->column_view), "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), state);
  g_signal_connect_swapped (gtk_list_view_get_model (_cc_window_get_sidebar (window)),
                            "notify::selected-item", G_CALLBACK (selection_changed_cb), state);

  g_signal_connect (window, "destroy", G_CALLBACK (window_destroy_cb), state);

  update_actions (state);
}

guint
_cc_certificate_actions_get_n_running (CcWindow *window)
{
  g_return_val_if_fail (CC_IS_WINDOW (window), 0);

  return get_state (window)->n_running;
}

AdwToast *
_cc_certificate_actions_get_last_toast (CcWindow *window)
{
  g_return_val_if_fail (CC_IS_WINDOW (window), NULL);

  return get_state (window)->last_toast;
}

GtkFileChooserNative *
_cc_certificate_actions_get_file_chooser (CcWindow *window)
{
  g_return_val_if_fail (CC_IS_WINDOW (window), NULL);

  return get_state (window)->chooser;
}

GtkPopover *
_cc_certificate_actions_get_menu (CcWindow *window)
{
  g_return_val_if_fail (CC_IS_WINDOW (window), NULL);

  return GTK_POPOVER (get_state (window)->menu);
}
