/* test-unlock.c: the console on a deployment with a passphrase: it asks once when it opens,
 * shows a wrong passphrase on the dialog, empties the entry, unlocks off the main thread,
 * lets workflows use the keys, locks on win.lock and when the window closes. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "certconsole-core.h"
#include "cc-application.h"
#include "cc-unlock-dialog.h"
#include "cc-window.h"
#include "cc-test-gui.h"
#include "cc-test-pki.h"

#define PASSPHRASE "a long passphrase for the lab"
#define CWA01 "cwa01.contoso.com"

static gboolean
window_idle (gpointer data)
{
  return !cc_window_get_busy (data);
}

/* the visible toplevel of that type (borrowed), or NULL */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        found = window;
    }
  return found;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_toplevel (CC_TYPE_UNLOCK_DIALOG) != NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return find_toplevel (CC_TYPE_UNLOCK_DIALOG) == NULL;
}

static gboolean
dialog_idle (gpointer data)
{
  return !_cc_unlock_dialog_get_running (data);
}

/* ---- a screenshot, taken in a frame's after-paint a few frames after the change ---- */

/* ---- a workflow through the window's deployment, as the console's actions run them ---- */

static gpointer
read_key_work (CcDeployment *worker, gpointer data, GCancellable *cancellable, GError **error)
{
  CcStore *store = cc_server_get_store (cc_deployment_find_server (worker, CWA01), CC_STORE_PERSONAL);

  if (!cc_store_load (store, cancellable, error))
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(CcStoreEntry) e = g_list_model_get_item (G_LIST_MODEL (store), i);
      if (cc_store_entry_get_has_private_key (e))
        return cc_store_read_key (store, cc_store_entry_get_id (e), error);
    }
  g_set_error_literal (error, CC_ERROR, CC_ERROR_NOT_FOUND, "no key");
  return NULL;
}

typedef struct
{
  gboolean done;
  GBytes *key;
  GError *error;
} ReadKey;

static void
read_key_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReadKey *r = user_data;
  r->key = cc_deployment_run_finish (CC_DEPLOYMENT (source), result, &r->error);
  r->done = TRUE;
}

static gboolean
read_key_finished (gpointer data)
{
  return ((ReadKey *) data)->done;
}

/* reads a Personal key of cwa01 in a worker thread; NULL with error set when refused */
static GBytes *
read_key_in_worker (CcDeployment *deployment, GError **error)
{
  ReadKey r = { 0 };

  cc_deployment_run_async (deployment, read_key_work, NULL, NULL, (GDestroyNotify) g_bytes_unref,
                           NULL, read_key_done, &r);
  cc_test_wait_until (read_key_finished, &r, "a key read");
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.key;
}

static void
type_and_unlock (CcUnlockDialog *dialog, const char *text)
{
  GtkEditable *row = _cc_unlock_dialog_get_passphrase_row (dialog);

  gtk_editable_set_text (row, text);
  g_signal_emit_by_name (row, "entry-activated");
  /* the entry forgot it at once */
  g_assert_cmpstr (gtk_editable_get_text (row), ==, "");
}

static void
test_unlock (void)
{
  g_autoptr(CcApplication) app = cc_application_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = cc_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "deployment", NULL);
  g_autoptr(CcDeployment) deployment = NULL;
  g_autoptr(GBytes) key = NULL;
  CcWindow *window;
  CcUnlockDialog *dialog;
  GtkLabel *error_label;

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  {
    g_autoptr(CcDeployment) d = cc_deployment_create (path, TRUE, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (cc_deployment_set_passphrase (d, PASSPHRASE, strlen (PASSPHRASE), NULL, &error));
    g_assert_no_error (error);
  }

  window = g_object_ref (cc_window_new (app, path));
  gtk_window_present (GTK_WINDOW (window));
  cc_test_wait_until (window_idle, window, "the deployment to open");
  deployment = g_object_ref (cc_window_get_deployment (window));
  g_assert_true (cc_deployment_is_locked (deployment));

  /* asked at once */
  cc_test_wait_until (dialog_shown, NULL, "the unlock dialog");
  dialog = CC_UNLOCK_DIALOG (find_toplevel (CC_TYPE_UNLOCK_DIALOG));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  error_label = _cc_unlock_dialog_get_error_label (dialog);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  cc_test_screenshot (GTK_WIDGET (dialog), "unlock-dialog");

  /* locked, a workflow that needs a key is refused */
  g_assert_null (read_key_in_worker (deployment, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_LOCKED_KEYS);
  g_clear_error (&error);

  /* the wrong passphrase: said on the dialog, which stays */
  type_and_unlock (dialog, "not the passphrase");
  g_assert_true (_cc_unlock_dialog_get_running (dialog));
  cc_test_wait_until (dialog_idle, dialog, "the unlock to finish");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "not the passphrase of the deployment"));
  g_assert_true (find_toplevel (CC_TYPE_UNLOCK_DIALOG) == GTK_WINDOW (dialog));
  g_assert_true (cc_deployment_is_locked (deployment));
  cc_test_screenshot (GTK_WIDGET (dialog), "unlock-dialog-wrong");

  /* the right one: the dialog goes, the keys work, in the worker copies too */
  type_and_unlock (dialog, PASSPHRASE);
  cc_test_wait_until (dialog_gone, NULL, "the unlock dialog to close");
  g_assert_false (cc_deployment_is_locked (deployment));
  key = read_key_in_worker (deployment, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_bytes_get_data (key, NULL), "-----BEGIN PRIVATE KEY-----"));
  g_clear_pointer (&key, g_bytes_unref);
  cc_test_screenshot (GTK_WIDGET (window), "unlocked");

  /* win.lock: locked again, and win.unlock asks again; Not Now leaves it locked */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lock", NULL));
  g_assert_true (cc_deployment_is_locked (deployment));
  g_assert_null (read_key_in_worker (deployment, &error));
  g_assert_error (error, CC_ERROR, CC_ERROR_LOCKED_KEYS);
  g_clear_error (&error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.unlock", NULL));
  cc_test_wait_until (dialog_shown, NULL, "the unlock dialog again");
  dialog = CC_UNLOCK_DIALOG (find_toplevel (CC_TYPE_UNLOCK_DIALOG));
  gtk_window_close (GTK_WINDOW (dialog));
  cc_test_wait_until (dialog_gone, NULL, "Not Now");
  g_assert_true (cc_deployment_is_locked (deployment));

  /* unlocked, then the window closes: locked */
  g_assert_true (cc_deployment_unlock (deployment, PASSPHRASE, strlen (PASSPHRASE), &error));
  g_assert_false (cc_deployment_is_locked (deployment));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (cc_deployment_is_locked (deployment));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  g_clear_object (&deployment);
  cc_test_rmrf (tmpdir);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  cc_core_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/unlock/dialog", test_unlock);
  return g_test_run ();
}
