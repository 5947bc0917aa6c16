/* test-wizard.c: the Certificate Wizard driven page by page through its inputs and its
 * wizard.next / wizard.back actions, each task on a deployment of its own, with the stores on
 * disk checked afterwards; failures leave the deployment folder unchanged byte for byte. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "certconsole-core.h"
#include "cc-application.h"
#include "cc-certificate-wizard.h"
#include "cc-certificate-wizard-private.h"
#include "cc-window.h"
#include "cc-window-private.h"
#include "cc-wizard-actions.h"
#include "cc-test-gui.h"
#include "cc-test-pki.h"

#define LAB_CA "Contoso Lab CA"

static CcApplication *app;
#define PASSWORD "Pfx-Passw0rd!"

typedef struct
{
  char          *tmpdir;
  char          *path;        /* the deployment */
  CcDeployment  *deployment;
  CcTestPki     *pki;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CcAuthority *authority;   /* the deployment's */

  f->tmpdir = cc_test_make_tmpdir ();
  f->path = g_build_filename (f->tmpdir, "deployment", NULL);
  f->deployment = cc_deployment_create (f->path, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cc_deployment_add_site (f->deployment, "Redmond", &error));
  g_assert_nonnull (cc_deployment_add_pool (f->deployment, "Redmond", "edgepool.contoso.com",
                                            TRUE, &error));
  g_assert_nonnull (cc_deployment_add_server (f->deployment, "edgepool.contoso.com",
                                              "edge01.contoso.com", CC_ROLE_EDGE, &error));
  g_assert_nonnull (cc_deployment_add_server (f->deployment, "edgepool.contoso.com",
                                              "edge02.contoso.com", CC_ROLE_EDGE, &error));
  g_assert_nonnull (cc_deployment_add_pool (f->deployment, "Redmond", "web.contoso.com", FALSE,
                                            &error));
  g_assert_nonnull (cc_deployment_add_server (f->deployment, "web.contoso.com",
                                              "web01.contoso.com", CC_ROLE_WEB_COMPONENTS,
                                              &error));
  g_assert_no_error (error);
  authority = cc_authority_create_lab (f->deployment, LAB_CA, &error);
  g_assert_no_error (error);
  g_assert_nonnull (authority);
  f->pki = cc_test_pki_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->deployment);
  g_clear_pointer (&f->pki, cc_test_pki_free);
  cc_test_rmrf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->path);
}

static CcServer *
get_server (Fixture    *f,
            const char *fqdn)
{
  CcServer *server = cc_deployment_find_server (f->deployment, fqdn);

  g_assert_nonnull (server);
  return server;
}

static char *
server_path (Fixture    *f,
             const char *fqdn,
             const char *rest)
{
  return g_build_filename (f->path, "servers", fqdn, rest, NULL);
}

/* files of servers/<fqdn>/<store> named *suffix */
static guint
count_files (Fixture    *f,
             const char *fqdn,
             const char *store,
             const char *suffix)
{
  g_autofree char *dir = server_path (f, fqdn, store);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (handle == NULL)
    return 0;
  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_suffix (name, suffix) && strchr (name, '.') == strrchr (name, '.')
        && strlen (name) > 40)
      n++;
  return n;
}

static gboolean
file_exists (Fixture    *f,
             const char *fqdn,
             const char *rest)
{
  g_autofree char *path = server_path (f, fqdn, rest);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static char *
write_temp (Fixture    *f,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (f->tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* ---- driving the wizard ---- */

static gboolean
wizard_idle (gpointer data)
{
  return !_cc_certificate_wizard_get_busy (data);
}

static CcCertificateWizard *
open_wizard (Fixture    *f,
             const char *server,
             const char *pool)
{
  CcCertificateWizard *wizard =
    cc_certificate_wizard_new (NULL, f->deployment,
                               server != NULL ? get_server (f, server) : NULL,
                               pool != NULL ? cc_deployment_find_pool (f->deployment, pool)
                                            : NULL);

  /* the test holds a reference of its own, so it can check the wizard is gone */
  g_object_ref_sink (wizard);
  gtk_window_present (GTK_WINDOW (wizard));
  cc_test_wait_until (wizard_idle, wizard, "the wizard to read the stores");
  g_assert_cmpstr (_cc_certificate_wizard_get_page (wizard), ==, "welcome");
  return wizard;
}

static void
assert_page (CcCertificateWizard *wizard,
             const char          *page)
{
  g_assert_cmpstr (_cc_certificate_wizard_get_page (wizard), ==, page);
}

static GtkWidget *
get_input (CcCertificateWizard *wizard,
           const char          *id)
{
  GtkWidget *widget = _cc_certificate_wizard_get_widget (wizard, id);

  if (widget == NULL)
    g_error ("the wizard has no input \"%s\" on page %s", id,
             _cc_certificate_wizard_get_page (wizard));
  return widget;
}

static void
set_text (CcCertificateWizard *wizard,
          const char          *id,
          const char          *text)
{
  gtk_editable_set_text (GTK_EDITABLE (get_input (wizard, id)), text);
}

static const char *
get_text (CcCertificateWizard *wizard,
          const char          *id)
{
  return gtk_editable_get_text (GTK_EDITABLE (get_input (wizard, id)));
}

static void
set_active (CcCertificateWizard *wizard,
            const char          *id,
            gboolean             active)
{
  GtkWidget *check = get_input (wizard, id);

  g_assert_true (gtk_widget_get_sensitive (check));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
}

/* a button, as a click does (gtk_widget_activate clicks only after a delay) */
static void
click (CcCertificateWizard *wizard,
       const char          *id)
{
  g_signal_emit_by_name (get_input (wizard, id), "clicked");
}

static gboolean
is_active (CcCertificateWizard *wizard,
           const char          *id)
{
  return gtk_check_button_get_active (GTK_CHECK_BUTTON (get_input (wizard, id)));
}

/* presses Next (the action, as the button does) and waits for what it started */
static void
next (CcCertificateWizard *wizard)
{
  if (_cc_certificate_wizard_get_reason (wizard) != NULL)
    g_error ("Next is disabled on %s: %s", _cc_certificate_wizard_get_page (wizard),
             _cc_certificate_wizard_get_reason (wizard));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  cc_test_wait_until (wizard_idle, wizard, "the wizard's step");
}

static void
back (CcCertificateWizard *wizard)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.back", NULL));
}

/* Next is disabled, says why, and pressing it anyway does nothing */
static void
assert_next_refused (CcCertificateWizard *wizard,
                     const char          *reason_part)
{
  const char *page = _cc_certificate_wizard_get_page (wizard);
  const char *reason = _cc_certificate_wizard_get_reason (wizard);
  g_autofree char *labels = cc_test_dup_visible_labels (GTK_WIDGET (wizard));

  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (reason, reason_part));
  /* said on the page, not only in a tooltip */
  g_assert_nonnull (strstr (labels, reason));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  cc_test_wait_until (wizard_idle, wizard, "the wizard");
  g_assert_cmpstr (_cc_certificate_wizard_get_page (wizard), ==, page);
}

static void
choose_task (CcCertificateWizard *wizard,
             const char          *task)
{
  g_autofree char *id = g_strconcat ("task:", task, NULL);

  assert_page (wizard, "welcome");
  next (wizard);
  assert_page (wizard, "tasks");
  set_active (wizard, id, TRUE);
  next (wizard);
}

/* the wizard goes when closed, and nothing holds it */
static void
finish (CcCertificateWizard *wizard)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  g_assert_finalize_object (wizard);
}

static void
assert_result_has (CcCertificateWizard *wizard,
                   const char          *text)
{
  g_autofree char *result = _cc_certificate_wizard_dup_result_text (wizard);

  assert_page (wizard, "result");
  if (strstr (result, text) == NULL)
    g_error ("the completion page does not say \"%s\":\n%s", text, result);
}

static void
screenshot (CcCertificateWizard *wizard,
            const char          *name)
{
  g_autofree char *full = g_strconcat ("wizard-", name, NULL);

  cc_test_screenshot (GTK_WIDGET (wizard), full);
}

static GtkTextView *
find_text_view (GtkWidget  *widget,
                const char *text)
{
  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;
      g_autofree char *shown = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      return strstr (shown, text) != NULL ? GTK_TEXT_VIEW (widget) : NULL;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkTextView *found = find_text_view (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* a text view in a window of its own, showing text (borrowed), or NULL */
static GtkTextView *
find_text_window (const char *text)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* GTK's */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);
      GtkTextView *found = find_text_view (toplevel, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  const char  *text;
  GtkTextView *found;
} TextWait;

static gboolean
text_shown (gpointer data)
{
  TextWait *wait = data;

  wait->found = find_text_window (wait->text);
  return wait->found != NULL;
}

/* the action opens a window showing text; closed again */
static void
assert_shows_text (CcCertificateWizard *wizard,
                   const char          *action,
                   const char          *text)
{
  TextWait wait = { text, NULL };

  g_assert_null (find_text_window (text));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), action, NULL));
  cc_test_wait_until (text_shown, &wait, action);
  g_assert_false (gtk_text_view_get_editable (wait.found));
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (wait.found))));
}

/* ---- setting up stores ---- */

static void
trust_test_pki (Fixture    *f,
                const char *fqdn)
{
  g_autoptr(GPtrArray) servers = g_ptr_array_new ();
  g_autoptr(GPtrArray) certificates = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(GError) error = NULL;
  const char *root = cc_test_pki_get_root_pem (f->pki);
  const char *issuing = cc_test_pki_get_issuing_pem (f->pki);

  g_ptr_array_add (servers, get_server (f, fqdn));
  g_ptr_array_add (certificates,
                   cc_certificate_new_from_pem (root, strlen (root), &error));
  g_ptr_array_add (certificates,
                   cc_certificate_new_from_pem (issuing, strlen (issuing), &error));
  g_assert_no_error (error);
  g_assert_true (cc_import_chain_certificates (f->deployment, servers, certificates, "test PKI",
                                               report, &error));
  g_assert_no_error (error);
}

/* a certificate with its key in the Personal store of fqdn; returns its thumbprint */
static char *
add_personal (Fixture                 *f,
              const char              *fqdn,
              const CcTestCertOptions *options,
              const char              *friendly_name,
              gboolean                 exportable)
{
  g_autofree char *key_pem = NULL;
  g_autofree char *pem = cc_test_pki_issue (f->pki, options, &key_pem);
  g_autoptr(CcCertificate) certificate = cc_certificate_new_from_pem (pem, strlen (pem), NULL);
  g_autoptr(GBytes) key = g_bytes_new (key_pem, strlen (key_pem));
  g_autoptr(GError) error = NULL;
  CcStore *personal = cc_server_get_store (get_server (f, fqdn), CC_STORE_PERSONAL);

  g_assert_nonnull (certificate);
  g_assert_true (cc_store_add_certificate (personal, certificate, key, friendly_name, exportable,
                                           "test", &error));
  g_assert_no_error (error);
  return g_strdup (cc_certificate_get_thumbprint (certificate));
}

static const char * const edge_sans[] = { "edgepool.contoso.com", "edge01.contoso.com", NULL };

static const CcTestCertOptions edge_internal = {
  .common_name = "edgepool.contoso.com",
  .sans = edge_sans,
  .key = "rsa:2048",
  .not_before_days = -1,
  .not_after_days = 365,
  .client_auth = TRUE,
};

/* ---- the tests ---- */

/* Available Certificate Tasks: only what makes sense now */
static void
test_tasks (Fixture       *f,
            gconstpointer  data)
{
  CcCertificateWizard *wizard = open_wizard (f, "edge01.contoso.com", NULL);
  g_autofree char *labels = NULL;
  CcRequestOptions options = { .iface = CC_INTERFACE_EDGE_INTERNAL, .friendly_name = "pending",
                               .exportable = TRUE };
  g_autoptr(GError) error = NULL;
  g_autofree char *csr = NULL;

  next (wizard);
  assert_page (wizard, "tasks");
  screenshot (wizard, "tasks");
  /* nothing pending: no "process"; no certificate yet: no export, no assign */
  g_assert_null (_cc_certificate_wizard_get_widget (wizard, "task:process"));
  g_assert_true (is_active (wizard, "task:request"));
  g_assert_true (gtk_widget_get_sensitive (get_input (wizard, "task:chain")));
  g_assert_false (gtk_widget_get_sensitive (get_input (wizard, "task:export")));
  g_assert_false (gtk_widget_get_sensitive (get_input (wizard, "task:assign")));
  labels = cc_test_dup_visible_labels (GTK_WIDGET (wizard));
  g_assert_nonnull (strstr (labels, "edge01.contoso.com has no certificate with a private key"));
  /* the pool has another server */
  g_assert_nonnull (_cc_certificate_wizard_get_widget (wizard, "task:distribute"));
  /* Cancel writes nothing and closes */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL));
  g_assert_finalize_object (wizard);

  /* one pending: "process" offered, "create" refused with the reason */
  g_assert_nonnull (cc_request_create (get_server (f, "edge01.contoso.com"), &options, &csr,
                                       NULL, &error));
  g_assert_no_error (error);
  wizard = open_wizard (f, "edge01.contoso.com", NULL);
  next (wizard);
  g_assert_true (gtk_widget_get_sensitive (get_input (wizard, "task:process")));
  g_assert_false (gtk_widget_get_sensitive (get_input (wizard, "task:request")));
  g_clear_pointer (&labels, g_free);
  labels = cc_test_dup_visible_labels (GTK_WIDGET (wizard));
  g_assert_nonnull (strstr (labels, "A request for Edge"));
  g_assert_nonnull (strstr (labels, "is pending on edge01.contoso.com"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL));
  g_assert_finalize_object (wizard);

  /* Web Components: import and export only, with the explanation */
  wizard = open_wizard (f, "web01.contoso.com", NULL);
  next (wizard);
  screenshot (wizard, "web-components");
  g_assert_false (gtk_widget_get_sensitive (get_input (wizard, "task:request")));
  g_assert_false (gtk_widget_get_sensitive (get_input (wizard, "task:assign")));
  g_assert_null (_cc_certificate_wizard_get_widget (wizard, "task:process"));
  g_assert_null (_cc_certificate_wizard_get_widget (wizard, "task:distribute"));
  g_assert_true (gtk_widget_get_sensitive (get_input (wizard, "task:chain")));
  g_assert_true (gtk_widget_get_sensitive (get_input (wizard, "task:pfx")));
  g_assert_true (is_active (wizard, "task:chain"));
  g_clear_pointer (&labels, g_free);
  labels = cc_test_dup_visible_labels (GTK_WIDGET (wizard));
  g_assert_nonnull (strstr (labels, "managed by its web server (IIS)"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL));
  g_assert_finalize_object (wizard);
}

/* Back to the tasks and another one: the first task's pages go, the new one's come */
static void
test_switch_task (Fixture       *f,
                  gconstpointer  data)
{
  CcCertificateWizard *wizard = open_wizard (f, "edge01.contoso.com", NULL);
  g_autofree char *before = cc_test_snapshot_tree (f->path);
  g_autofree char *after = NULL;

  choose_task (wizard, "chain");
  assert_page (wizard, "chain-file");
  set_text (wizard, "chain-file", "/tmp/chain.p7b");
  back (wizard);
  assert_page (wizard, "tasks");
  set_active (wizard, "task:pfx", TRUE);
  next (wizard);
  assert_page (wizard, "pfx-file");
  g_assert_null (_cc_certificate_wizard_get_widget (wizard, "chain-file"));
  g_assert_nonnull (_cc_certificate_wizard_get_widget (wizard, "pfx-exportable"));
  back (wizard);
  set_active (wizard, "task:chain", TRUE);
  next (wizard);
  assert_page (wizard, "chain-file");
  g_assert_cmpstr (get_text (wizard, "chain-file"), ==, "");
  g_assert_null (_cc_certificate_wizard_get_widget (wizard, "pfx-file"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL));
  g_assert_finalize_object (wizard);
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
}

/* fills the request pages up to the summary; delayed: the request file */
static void
fill_request (CcCertificateWizard *wizard,
              const char          *request_file)
{
  choose_task (wizard, "request");
  assert_page (wizard, "request-component");
  set_active (wizard, "component:edge-internal", TRUE);
  next (wizard);

  assert_page (wizard, "request-mode");
  if (request_file != NULL)
    set_active (wizard, "mode-delayed", TRUE);
  else
    set_active (wizard, "mode-immediate", TRUE);
  next (wizard);

  assert_page (wizard, "request-name");
  /* seeds 000/001: exportable on the first Edge server of the pool; 2048 bits by default */
  g_assert_true (is_active (wizard, "exportable"));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (get_input (wizard, "key-type"))),
                    ==, 0);
  g_assert_false (gtk_widget_get_visible (get_input (wizard, "weak-warning")));
  /* 1024 bits only with the warning in sight */
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_input (wizard, "key-type")), 5);
  g_assert_true (gtk_widget_get_visible (get_input (wizard, "weak-warning")));
  screenshot (wizard, "request-name");
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_input (wizard, "key-type")), 0);
  g_assert_false (gtk_widget_get_visible (get_input (wizard, "weak-warning")));
  set_text (wizard, "friendly-name", "");
  assert_next_refused (wizard, "friendly name");
  set_text (wizard, "friendly-name", "Edge internal");
  next (wizard);

  assert_page (wizard, "request-organization");
  assert_next_refused (wizard, "organization");
  set_text (wizard, "organization", "Contoso, Ltd");
  set_text (wizard, "organizational-unit", "IT");
  next (wizard);

  assert_page (wizard, "request-subject");
  /* from the topology: the pool's VIP FQDN behind a load balancer */
  g_assert_cmpstr (get_text (wizard, "subject"), ==, "edgepool.contoso.com");
  g_assert_nonnull (_cc_certificate_wizard_get_widget (wizard,
                                                        "remove-san:edgepool.contoso.com"));
  set_text (wizard, "san-entry", "edge-alt.contoso.com");
  click (wizard, "san-add");
  g_assert_nonnull (_cc_certificate_wizard_get_widget (wizard, "remove-san:edge-alt.contoso.com"));
  set_text (wizard, "san-entry", "removed.contoso.com");
  click (wizard, "san-add");
  click (wizard, "remove-san:removed.contoso.com");
  g_assert_null (_cc_certificate_wizard_get_widget (wizard, "remove-san:removed.contoso.com"));
  set_active (wizard, "add-machine-name", TRUE);
  screenshot (wizard, "request-subject");

  /* Back keeps what was typed */
  back (wizard);
  assert_page (wizard, "request-organization");
  g_assert_cmpstr (get_text (wizard, "organization"), ==, "Contoso, Ltd");
  next (wizard);
  assert_page (wizard, "request-subject");
  g_assert_nonnull (_cc_certificate_wizard_get_widget (wizard, "remove-san:edge-alt.contoso.com"));
  g_assert_true (is_active (wizard, "add-machine-name"));
  next (wizard);

  assert_page (wizard, "request-geography");
  assert_next_refused (wizard, "country");
  /* US, from the list */
  for (guint i = 0; ; i++)
    {
      GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (get_input (wizard, "country")));
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      g_assert_nonnull (item);
      if (g_str_has_suffix (gtk_string_object_get_string (item), "(US)"))
        {
          adw_combo_row_set_selected (ADW_COMBO_ROW (get_input (wizard, "country")), i);
          break;
        }
    }
  set_text (wizard, "state", "WA");
  set_text (wizard, "city", "Redmond");
  /* seed 002: no abbreviations */
  assert_next_refused (wizard, "not an abbreviation");
  set_text (wizard, "state", "Calif.");
  assert_next_refused (wizard, "not an abbreviation");
  set_text (wizard, "state", "Washington");
  next (wizard);

  if (request_file != NULL)
    {
      assert_page (wizard, "request-file");
      g_assert_true (g_str_has_suffix (get_text (wizard, "request-file"),
                                       "certrequest_edge01_edge-internal.txt"));
      set_text (wizard, "request-file", request_file);
    }
  else
    {
      assert_page (wizard, "request-ca");
      g_assert_true (is_active (wizard, "authority:" LAB_CA));
    }
  next (wizard);
  assert_page (wizard, "request-summary");
}

static void
test_request_delayed (Fixture       *f,
                      gconstpointer  data)
{
  CcCertificateWizard *wizard = open_wizard (f, "edge01.contoso.com", NULL);
  g_autofree char *request_file = g_build_filename (f->tmpdir, "edge01.req", NULL);
  g_autofree char *csr_path = server_path (f, "edge01.contoso.com", "requests/edge-internal.csr");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *csr = NULL;
  g_autofree char *labels = NULL;
  g_autoptr(GError) error = NULL;
  CcStoreEntry *entry;

  fill_request (wizard, request_file);
  labels = cc_test_dup_visible_labels (GTK_WIDGET (wizard));
  g_assert_nonnull (strstr (labels, "edge-alt.contoso.com"));
  g_assert_nonnull (strstr (labels, "Redmond, Washington, US"));
  screenshot (wizard, "request-summary");

  /* nothing written before the page that says it writes */
  g_assert_false (g_file_test (request_file, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (csr_path, G_FILE_TEST_EXISTS));
  before = cc_test_snapshot_tree (f->path);
  back (wizard);
  next (wizard);
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);

  next (wizard);
  g_assert_null (_cc_certificate_wizard_get_error (wizard));
  assert_result_has (wizard, "edge01.contoso.com: Pending Requests: added the request for");
  assert_result_has (wizard, request_file);
  screenshot (wizard, "request-done");

  /* the file to send and the pending request, the same CSR */
  g_assert_true (g_file_get_contents (request_file, &csr, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csr, "-----BEGIN CERTIFICATE REQUEST-----"));
  g_assert_cmpstr (csr, ==, _cc_certificate_wizard_get_csr (wizard));
  g_assert_true (g_file_test (csr_path, G_FILE_TEST_IS_REGULAR));
  /* View CSR and View Log show the request and the audit log's lines */
  assert_shows_text (wizard, "wizard.view-csr", _cc_certificate_wizard_get_csr (wizard));
  assert_shows_text (wizard, "wizard.view-log", "request-create");
  finish (wizard);

  g_assert_true (cc_store_load (cc_server_get_store (get_server (f, "edge01.contoso.com"),
                                                     CC_STORE_REQUESTS), NULL, &error));
  entry = cc_request_find (get_server (f, "edge01.contoso.com"), CC_INTERFACE_EDGE_INTERNAL,
                           &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_cmpstr (cc_store_entry_get_subject (entry), ==, "CN=edgepool.contoso.com");
  g_assert_cmpstr (cc_store_entry_get_key_type (entry), ==, "rsa:2048");
  g_assert_cmpstr (cc_store_entry_get_friendly_name (entry), ==, "Edge internal");
  g_assert_true (cc_store_entry_get_exportable (entry));
}

static void
test_request_immediate (Fixture       *f,
                        gconstpointer  data)
{
  CcCertificateWizard *wizard = open_wizard (f, "edge01.contoso.com", NULL);

  fill_request (wizard, NULL);
  next (wizard);
  g_assert_null (_cc_certificate_wizard_get_error (wizard));
  assert_result_has (wizard, "edge01.contoso.com: Personal: added");
  g_assert_nonnull (_cc_certificate_wizard_get_csr (wizard));
  finish (wizard);

  /* installed at once: in Personal with its key, nothing left pending */
  g_assert_cmpuint (count_files (f, "edge01.contoso.com", "personal", ".pem"), ==, 1);
  g_assert_cmpuint (count_files (f, "edge01.contoso.com", "personal", ".key"), ==, 1);
  g_assert_false (file_exists (f, "edge01.contoso.com", "requests/edge-internal.csr"));
}

/* Cancel on the summary: nothing written */
static void
test_request_cancel (Fixture       *f,
                     gconstpointer  data)
{
  CcCertificateWizard *wizard = open_wizard (f, "edge01.contoso.com", NULL);
  g_autofree char *request_file = g_build_filename (f->tmpdir, "cancelled.req", NULL);
  g_autofree char *before = cc_test_snapshot_tree (f->path);
  g_autofree char *after = NULL;

  fill_request (wizard, request_file);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL));
  g_assert_finalize_object (wizard);
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (g_file_test (request_file, G_FILE_TEST_EXISTS));
}

/* a request file that cannot be written: the message on the summary, nothing written */
static void
test_request_unwritable (Fixture       *f,
                         gconstpointer  data)
{
  CcCertificateWizard *wizard = open_wizard (f, "edge01.contoso.com", NULL);
  g_autofree char *request_file = g_build_filename (f->tmpdir, "no-such-folder", "x.req", NULL);
  g_autofree char *before = cc_test_snapshot_tree (f->path);
  g_autofree char *after = NULL;

  fill_request (wizard, request_file);
  next (wizard);
  assert_page (wizard, "request-summary");
  g_assert_nonnull (_cc_certificate_wizard_get_error (wizard));
  g_assert_nonnull (strstr (_cc_certificate_wizard_get_error (wizard), "no-such-folder"));
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
  /* corrected on its page, and done */
  back (wizard);
  g_clear_pointer (&request_file, g_free);
  request_file = g_build_filename (f->tmpdir, "x.req", NULL);
  set_text (wizard, "request-file", request_file);
  next (wizard);
  next (wizard);
  assert_result_has (wizard, "Pending Requests: added");
  finish (wizard);
  g_assert_true (g_file_test (request_file, G_FILE_TEST_IS_REGULAR));
}

/* another program holds the deployment's lock (flock(1) here, named in the lock file as
 * certctl): the wizard's change is refused on its summary page naming the holder, nothing is
 * written, and the same Create succeeds once the holder is gone */
static void
test_request_locked (Fixture       *f,
                     gconstpointer  data)
{
  CcCertificateWizard *wizard = open_wizard (f, "edge01.contoso.com", NULL);
  g_autofree char *request_file = g_build_filename (f->tmpdir, "locked.req", NULL);
  g_autofree char *lock_file = g_build_filename (f->path, "deployment.lock", NULL);
  g_autofree char *holder = NULL;
  g_autofree char *holder_line = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format_iso8601 (now);
  const char *argv[] = { "flock", "--exclusive", "--no-fork", lock_file, "sleep", "60", NULL };
  GPid child = 0;
  int fd;

  fill_request (wizard, request_file);
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &child, &error));
  g_assert_no_error (error);
  /* until flock(1) holds it, we could take it ourselves */
  for (;;)
    {
      fd = g_open (lock_file, O_RDWR | O_CLOEXEC, 0);
      if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) != 0)
        break;
      if (fd >= 0)
        {
          flock (fd, LOCK_UN);
          close (fd);
        }
      g_usleep (10000);
    }
  holder_line = g_strdup_printf ("certctl\t%d\t%s\t%s\n", (int) child, g_get_host_name (), when);
  g_assert_cmpint (ftruncate (fd, 0), ==, 0);
  g_assert_cmpint (pwrite (fd, holder_line, strlen (holder_line), 0), ==, (gssize) strlen (holder_line));
  close (fd);

  before = cc_test_snapshot_tree (f->path);
  next (wizard);
  assert_page (wizard, "request-summary");
  holder = g_strdup_printf ("certctl (pid %d)", (int) child);
  g_assert_nonnull (_cc_certificate_wizard_get_error (wizard));
  g_test_message ("%s", _cc_certificate_wizard_get_error (wizard));
  g_assert_nonnull (strstr (_cc_certificate_wizard_get_error (wizard), "is being changed by"));
  g_assert_nonnull (strstr (_cc_certificate_wizard_get_error (wizard), holder));
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (g_file_test (request_file, G_FILE_TEST_EXISTS));

  /* the holder finishes: the same Create now does it */
  kill (child, SIGTERM);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  g_spawn_close_pid (child);
  next (wizard);
  g_assert_null (_cc_certificate_wizard_get_error (wizard));
  assert_result_has (wizard, "edge01.contoso.com: Pending Requests: added the request for");
  finish (wizard);
  g_assert_true (g_file_test (request_file, G_FILE_TEST_IS_REGULAR));
  g_assert_true (file_exists (f, "edge01.contoso.com", "requests/edge-internal.csr"));
}

/* an invalid subject: Next refused with the reason, nothing written */
static void
test_request_invalid_subject (Fixture       *f,
                              gconstpointer  data)
{
  CcCertificateWizard *wizard = open_wizard (f, "edge01.contoso.com", NULL);
  g_autofree char *before = cc_test_snapshot_tree (f->path);
  g_autofree char *after = NULL;

  choose_task (wizard, "request");
  next (wizard);
  next (wizard);
  next (wizard);
  set_text (wizard, "organization", "Contoso");
  next (wizard);
  assert_page (wizard, "request-subject");
  set_text (wizard, "subject", "edge 01!.contoso.com");
  assert_next_refused (wizard, "“edge 01!.contoso.com” is not a host name");
  screenshot (wizard, "request-invalid-subject");
  /* a bad extra name is refused with the core's words, and not added */
  set_text (wizard, "san-entry", "bad name");
  click (wizard, "san-add");
  g_assert_cmpstr (_cc_certificate_wizard_get_error (wizard), ==,
                   "“bad name” is not a host name to use as a subject alternative name");
  g_assert_null (_cc_certificate_wizard_get_widget (wizard, "remove-san:bad name"));
  /* still open, on that page */
  assert_page (wizard, "request-subject");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (wizard)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL));
  g_assert_finalize_object (wizard);
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
run_openssl (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[1], err);
}

/* signs csr_path as an outside CA would, with the openssl command; returns the answer's path */
static char *
sign_with_openssl (Fixture    *f,
                   const char *csr_path)
{
  g_autofree char *ca_key = g_build_filename (f->tmpdir, "outside-ca.key", NULL);
  g_autofree char *ca_pem = g_build_filename (f->tmpdir, "outside-ca.pem", NULL);
  char *answer = g_build_filename (f->tmpdir, "answer.cer", NULL);
  const char *make_ca[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", ca_key, "-out", ca_pem, "-subj", "/CN=Outside CA", "-days", "30",
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL
  };
  const char *sign[] = {
    "openssl", "x509", "-req", "-in", csr_path, "-CA", ca_pem, "-CAkey", ca_key,
    "-CAcreateserial", "-out", answer, "-days", "30", "-copy_extensions", "copy", NULL
  };

  run_openssl (make_ca);
  run_openssl (sign);
  return answer;
}

static void
test_process (Fixture       *f,
              gconstpointer  data)
{
  CcRequestOptions options = { .iface = CC_INTERFACE_EDGE_INTERNAL,
                               .friendly_name = "Edge internal", .exportable = TRUE };
  g_autoptr(GError) error = NULL;
  g_autofree char *csr = NULL;
  g_autofree char *csr_path = write_temp (f, "request.csr", "");
  g_autofree char *answer = NULL;
  g_autofree char *stranger_key = NULL;
  g_autofree char *stranger = cc_test_pki_issue (f->pki, &edge_internal, &stranger_key);
  g_autofree char *stranger_path = write_temp (f, "stranger.cer", stranger);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  CcCertificateWizard *wizard;

  g_assert_nonnull (cc_request_create (get_server (f, "edge01.contoso.com"), &options, &csr,
                                       NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (csr_path, csr, -1, &error));
  answer = sign_with_openssl (f, csr_path);

  wizard = open_wizard (f, "edge01.contoso.com", NULL);
  choose_task (wizard, "process");
  assert_page (wizard, "process-file");
  assert_next_refused (wizard, "path");

  /* an answer whose key is not the pending request's: the core's message, nothing changed */
  before = cc_test_snapshot_tree (f->path);
  set_text (wizard, "process-file", stranger_path);
  next (wizard);
  assert_page (wizard, "process-file");
  g_assert_nonnull (_cc_certificate_wizard_get_error (wizard));
  g_assert_nonnull (strstr (_cc_certificate_wizard_get_error (wizard),
                            "does not match any pending request on edge01.contoso.com"));
  screenshot (wizard, "process-mismatch");
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);

  /* the real answer */
  set_text (wizard, "process-file", answer);
  next (wizard);
  assert_result_has (wizard, "edge01.contoso.com: Personal: added");
  /* the outside CA's root came with nothing: not trusted, and the page says what to do */
  screenshot (wizard, "process-done");
  finish (wizard);

  g_assert_cmpuint (count_files (f, "edge01.contoso.com", "personal", ".pem"), ==, 1);
  g_assert_cmpuint (count_files (f, "edge01.contoso.com", "personal", ".key"), ==, 1);
  g_assert_false (file_exists (f, "edge01.contoso.com", "requests/edge-internal.csr"));
}

/* on the pool: the chain goes to every server of it */
static void
test_chain (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *chain = g_build_filename (f->tmpdir, "chain.p7b", NULL);
  g_autofree char *garbage = write_temp (f, "garbage.p7b", "this is not a certificate\n");
  g_autofree char *labels = NULL;
  g_autoptr(GError) error = NULL;
  CcCertificateWizard *wizard;

  g_assert_true (cc_authority_write_chain (f->deployment, LAB_CA, chain, &error));
  g_assert_no_error (error);

  wizard = open_wizard (f, NULL, "edgepool.contoso.com");
  g_assert_true (cc_certificate_wizard_get_server (wizard)
                 == get_server (f, "edge01.contoso.com"));
  choose_task (wizard, "chain");
  assert_page (wizard, "chain-file");
  /* not a certificate: the core's message naming the file, on this page */
  set_text (wizard, "chain-file", garbage);
  next (wizard);
  assert_page (wizard, "chain-file");
  g_assert_nonnull (_cc_certificate_wizard_get_error (wizard));
  g_assert_nonnull (strstr (_cc_certificate_wizard_get_error (wizard), "garbage.p7b"));
  set_text (wizard, "chain-file", chain);
  next (wizard);
  g_assert_null (_cc_certificate_wizard_get_error (wizard));

  /* what was found and where each goes, before anything is written */
  assert_page (wizard, "chain-found");
  labels = cc_test_dup_visible_labels (GTK_WIDGET (wizard));
  g_assert_nonnull (strstr (labels, "Trusted Root Certification Authorities, on "
                                    "edge01.contoso.com, edge02.contoso.com"));
  g_assert_nonnull (strstr (labels, "Intermediate Certification Authorities, on "
                                    "edge01.contoso.com, edge02.contoso.com"));
  g_assert_cmpuint (count_files (f, "edge02.contoso.com", "trusted-root", ".pem"), ==, 0);
  screenshot (wizard, "chain-found");
  next (wizard);
  assert_result_has (wizard, "edge02.contoso.com");
  finish (wizard);

  for (guint i = 0; i < 2; i++)
    {
      const char *fqdn = i == 0 ? "edge01.contoso.com" : "edge02.contoso.com";

      g_assert_cmpuint (count_files (f, fqdn, "trusted-root", ".pem"), ==, 1);
      g_assert_cmpuint (count_files (f, fqdn, "intermediate", ".pem"), ==, 1);
    }
}

static void
test_pfx (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *thumbprint = add_personal (f, "edge01.contoso.com", &edge_internal,
                                              "Edge internal", TRUE);
  g_autofree char *pfx = g_build_filename (f->tmpdir, "edge.pfx", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  CcCertificateWizard *wizard;
  CcStoreEntry *entry;
  CcStore *personal;

  g_assert_true (cc_export_pfx (get_server (f, "edge01.contoso.com"), thumbprint, pfx, PASSWORD,
                                TRUE, FALSE, &error));
  g_assert_no_error (error);

  wizard = open_wizard (f, "edge02.contoso.com", NULL);
  choose_task (wizard, "pfx");
  assert_page (wizard, "pfx-file");
  /* the seeds: cleared on the other servers of the pool */
  g_assert_false (is_active (wizard, "pfx-exportable"));
  set_text (wizard, "pfx-file", pfx);
  next (wizard);
  assert_page (wizard, "pfx-password");
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (get_input (wizard, "pfx-password")));
  assert_next_refused (wizard, "password");

  /* a wrong password: the core's message on this page, nothing changed, the field wiped */
  before = cc_test_snapshot_tree (f->path);
  set_text (wizard, "pfx-password", "wrong password");
  next (wizard);
  assert_page (wizard, "pfx-password");
  g_assert_nonnull (_cc_certificate_wizard_get_error (wizard));
  g_assert_nonnull (strstr (_cc_certificate_wizard_get_error (wizard), "edge.pfx"));
  g_assert_null (strstr (_cc_certificate_wizard_get_error (wizard), "wrong password"));
  g_assert_cmpstr (get_text (wizard, "pfx-password"), ==, "");
  screenshot (wizard, "pfx-wrong-password");
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);

  /* Back and forth: the password is not remembered */
  set_text (wizard, "pfx-password", PASSWORD);
  back (wizard);
  g_assert_cmpstr (get_text (wizard, "pfx-password"), ==, "");
  g_assert_cmpstr (get_text (wizard, "pfx-file"), ==, pfx);
  next (wizard);
  set_text (wizard, "pfx-password", PASSWORD);
  next (wizard);
  assert_result_has (wizard, "edge02.contoso.com: Personal: added");
  g_assert_cmpstr (get_text (wizard, "pfx-password"), ==, "");
  finish (wizard);

  personal = cc_server_get_store (get_server (f, "edge02.contoso.com"), CC_STORE_PERSONAL);
  g_assert_true (cc_store_load (personal, NULL, &error));
  entry = cc_store_lookup_id (personal, thumbprint);
  g_assert_nonnull (entry);
  g_assert_true (cc_store_entry_get_has_private_key (entry));
  g_assert_false (cc_store_entry_get_exportable (entry));
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  static const CcTestCertOptions other = {
    .common_name = "locked.contoso.com", .key = "ec:p256", .not_before_days = -1,
    .not_after_days = 365,
  };
  g_autofree char *thumbprint = add_personal (f, "edge01.contoso.com", &edge_internal,
                                              "Edge internal", TRUE);
  g_autofree char *locked = add_personal (f, "edge01.contoso.com", &other, "Locked", FALSE);
  g_autofree char *locked_id = g_strconcat ("certificate:", locked, NULL);
  g_autofree char *chosen_id = g_strconcat ("certificate:", thumbprint, NULL);
  g_autofree char *pfx = g_build_filename (f->tmpdir, "exported.pfx", NULL);
  g_autofree char *missing = g_build_filename (f->tmpdir, "no-such-folder", "x.pfx", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CcReport) report = cc_report_new ();
  g_autoptr(GError) error = NULL;
  CcCertificateWizard *wizard;

  wizard = open_wizard (f, "edge01.contoso.com", NULL);
  choose_task (wizard, "export");
  assert_page (wizard, "export-choose");
  /* a key not marked exportable is not offered, and says why */
  g_assert_false (gtk_widget_get_sensitive (get_input (wizard, locked_id)));
  g_assert_true (is_active (wizard, chosen_id));
  screenshot (wizard, "export-choose");
  next (wizard);
  assert_page (wizard, "export-file");
  g_assert_true (is_active (wizard, "include-chain"));
  g_assert_false (is_active (wizard, "legacy"));
  set_text (wizard, "export-file", pfx);
  set_active (wizard, "legacy", TRUE);
  next (wizard);
  assert_page (wizard, "export-password");
  set_text (wizard, "export-password", PASSWORD);
  set_text (wizard, "export-confirm", "something else");
  assert_next_refused (wizard, "do not match");
  g_assert_false (g_file_test (pfx, G_FILE_TEST_EXISTS));
  set_text (wizard, "export-confirm", PASSWORD);
  /* a folder that does not exist: the core's message, on this page, nothing written */
  before = cc_test_snapshot_tree (f->path);
  back (wizard);
  set_text (wizard, "export-file", missing);
  next (wizard);
  set_text (wizard, "export-password", PASSWORD);
  set_text (wizard, "export-confirm", PASSWORD);
  next (wizard);
  assert_page (wizard, "export-password");
  g_assert_nonnull (_cc_certificate_wizard_get_error (wizard));
  g_assert_nonnull (strstr (_cc_certificate_wizard_get_error (wizard), "no-such-folder"));
  g_assert_null (strstr (_cc_certificate_wizard_get_error (wizard), PASSWORD));
  after = cc_test_snapshot_tree (f->path);
  g_assert_cmpstr (before, ==, after);
  /* the passwords are not kept after the attempt */
  g_assert_cmpstr (get_text (wizard, "export-password"), ==, "");
  back (wizard);
  set_text (wizard, "export-file", pfx);
  next (wizard);
  set_text (wizard, "export-password", PASSWORD);
  set_text (wizard, "export-confirm", PASSWORD);
  next (wizard);
  assert_result_has (wizard, "exported");
  assert_result_has (wizard, pfx);
  finish (wizard);

  /* the file opens with the password, on the other server */
  g_assert_true (cc_import_pfx (get_server (f, "edge02.contoso.com"), pfx, PASSWORD, FALSE,
                                report, &error));
  g_assert_no_error (error);
  g_assert_nonnull (report->leaf);
  g_assert_cmpstr (cc_certificate_get_thumbprint (report->leaf), ==, thumbprint);
}

static void
test_assign (Fixture       *f,
             gconstpointer  data)
{
  static const CcTestCertOptions wrong = {
    .common_name = "wrong.contoso.com", .key = "rsa:2048", .not_before_days = -1,
    .not_after_days = 365,
  };
  g_autofree char *thumbprint = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *chosen_id = NULL;
  g_autofree char *bad_id = NULL;
  g_autofree char *assigned = server_path (f, "edge01.contoso.com", "assigned/edge-internal.pem");
  g_autofree char *labels = NULL;
  g_autoptr(CcDeployment) reopened = NULL;
  g_autoptr(GError) error = NULL;
  CcCertificateWizard *wizard;

  trust_test_pki (f, "edge01.contoso.com");
  thumbprint = add_personal (f, "edge01.contoso.com", &edge_internal, "Edge internal", TRUE);
  bad = add_personal (f, "edge01.contoso.com", &wrong, "Wrong", TRUE);
  chosen_id = g_strconcat ("certificate:", thumbprint, NULL);
  bad_id = g_strconcat ("certificate:", bad, NULL);

  /* one that does not meet the requirements: refused until overridden */
  wizard = open_wizard (f, "edge01.contoso.com", NULL);
  /* certificates no interface uses yet: assigning them is the task suggested */
  next (wizard);
  g_assert_true (is_active (wizard, "task:assign"));
  back (wizard);
  choose_task (wizard, "assign");
  assert_page (wizard, "assign-choose");
  set_active (wizard, bad_id, TRUE);
  next (wizard);
  assert_page (wizard, "assign-interfaces");
  set_active (wizard, "interface:edge-internal", TRUE);
  next (wizard);
  assert_page (wizard, "assign-settings");
  assert_next_refused (wizard, "does not meet every requirement of Edge");
  labels = cc_test_dup_visible_labels (GTK_WIDGET (wizard));
  g_assert_nonnull (strstr (labels, "edgepool.contoso.com"));
  screenshot (wizard, "assign-unmet");
  g_assert_false (g_file_test (assigned, G_FILE_TEST_EXISTS));
  /* only an explicit override lets it through */
  set_active (wizard, "force", TRUE);
  g_assert_null (_cc_certificate_wizard_get_reason (wizard));
  set_active (wizard, "force", FALSE);
  g_assert_nonnull (_cc_certificate_wizard_get_reason (wizard));

  /* back to the right one: every requirement met */
  back (wizard);
  back (wizard);
  set_active (wizard, chosen_id, TRUE);
  next (wizard);
  g_assert_true (is_active (wizard, "interface:edge-internal"));
  next (wizard);
  assert_page (wizard, "assign-settings");
  g_clear_pointer (&labels, g_free);
  labels = cc_test_dup_visible_labels (GTK_WIDGET (wizard));
  g_assert_nonnull (strstr (labels, "The certificate meets every requirement of this interface."));
  screenshot (wizard, "assign-settings");
  next (wizard);
  assert_result_has (wizard, "edge01.contoso.com");
  screenshot (wizard, "assign-done");
  finish (wizard);

  g_assert_true (g_file_test (assigned, G_FILE_TEST_IS_REGULAR));
  reopened = cc_deployment_open (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cc_server_get_assignment (cc_deployment_find_server (reopened,
                                                                        "edge01.contoso.com"),
                                             CC_INTERFACE_EDGE_INTERNAL), ==, thumbprint);
}

static void
test_distribute (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *thumbprint = NULL;
  g_autofree char *chosen_id = NULL;
  g_autoptr(CcDeployment) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;
  CcCertificateWizard *wizard;
  CcStore *personal;
  CcStoreEntry *entry;

  trust_test_pki (f, "edge01.contoso.com");
  trust_test_pki (f, "edge02.contoso.com");
  thumbprint = add_personal (f, "edge01.contoso.com", &edge_internal, "Edge internal", TRUE);
  chosen_id = g_strconcat ("certificate:", thumbprint, NULL);

  wizard = open_wizard (f, NULL, "edgepool.contoso.com");
  choose_task (wizard, "distribute");
  assert_page (wizard, "distribute-choose");
  g_assert_true (is_active (wizard, chosen_id));
  g_assert_true (is_active (wizard, "interface:edge-internal"));
  next (wizard);
  assert_page (wizard, "distribute-summary");
  screenshot (wizard, "distribute-summary");
  next (wizard);
  g_assert_null (_cc_certificate_wizard_get_error (wizard));
  /* a result per server */
  result = _cc_certificate_wizard_dup_result_text (wizard);
  g_assert_nonnull (strstr (result, "edge01.contoso.com\n"));
  g_assert_nonnull (strstr (result, "edge02.contoso.com\n"));
  assert_result_has (wizard, "edge02.contoso.com: Personal: added");
  screenshot (wizard, "distribute-done");
  finish (wizard);

  reopened = cc_deployment_open (f->path, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      const char *fqdn = i == 0 ? "edge01.contoso.com" : "edge02.contoso.com";
      g_autofree char *assigned = server_path (f, fqdn, "assigned/edge-internal.pem");

      g_assert_cmpstr (cc_server_get_assignment (cc_deployment_find_server (reopened, fqdn),
                                                 CC_INTERFACE_EDGE_INTERNAL), ==, thumbprint);
      g_assert_true (g_file_test (assigned, G_FILE_TEST_IS_REGULAR));
    }
  personal = cc_server_get_store (cc_deployment_find_server (reopened, "edge02.contoso.com"),
                                  CC_STORE_PERSONAL);
  g_assert_true (cc_store_load (personal, NULL, &error));
  entry = cc_store_lookup_id (personal, thumbprint);
  g_assert_nonnull (entry);
  g_assert_false (cc_store_entry_get_exportable (entry));
}

static GtkSingleSelection *
sidebar_model (CcWindow *window)
{
  return GTK_SINGLE_SELECTION (gtk_list_view_get_model (_cc_window_get_sidebar (window)));
}

/* the window's entry points: server.wizard on a server, pool.wizard on its pool, from the
 * main menu and the sidebar's context menu */
static gboolean
window_idle (gpointer data)
{
  return !cc_window_get_busy (data);
}

static void
test_window (Fixture       *f,
             gconstpointer  data)
{
  CcWindow *window;
  GListModel *sidebar;
  CcCertificateWizard *wizard;
  guint position = G_MAXUINT;

  g_clear_object (&f->deployment);
  window = cc_window_new (app, f->path);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  cc_test_wait_until (window_idle, window, "the window to open the deployment");
  cc_test_wait_frames (GTK_WIDGET (window), 2);
  /* nothing selected: no wizard */
  gtk_widget_activate_action (GTK_WIDGET (window), "server.wizard", NULL);
  g_assert_null (_cc_wizard_actions_get_wizard (window));

  sidebar = G_LIST_MODEL (gtk_list_view_get_model (_cc_window_get_sidebar (window)));
  for (guint i = 0; i < g_list_model_get_n_items (sidebar) && position == G_MAXUINT; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (sidebar, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (CC_IS_SERVER (item)
          && g_str_equal (cc_server_get_fqdn (CC_SERVER (item)), "edge02.contoso.com"))
        position = i;
      else if (CC_IS_POOL (item) || CC_IS_SITE (item) || CC_IS_DEPLOYMENT (item))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
  g_assert_cmpuint (position, !=, G_MAXUINT);
  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (sidebar), position, TRUE));

  /* the sidebar's context menu offers both, on the row clicked */
  {
    GtkWidget *list = GTK_WIDGET (_cc_window_get_sidebar (window));
    GtkWidget *row_widget = NULL;
    graphene_rect_t bounds;
    GtkPopover *menu = _cc_wizard_actions_get_menu (window);

    g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (sidebar_model (window)),
                                                    0, TRUE));
    cc_test_wait_frames (GTK_WIDGET (window), 2);
    for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      {
        g_autofree char *labels = cc_test_dup_visible_labels (child);

        if (strstr (labels, "\nedge02.contoso.com\n") != NULL)
          row_widget = child;
      }
    g_assert_nonnull (row_widget);
    g_assert_true (gtk_widget_compute_bounds (row_widget, list, &bounds));
    _cc_wizard_actions_popup_menu (window, bounds.origin.x + 20,
                                   bounds.origin.y + bounds.size.height / 2);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (menu)));
    g_assert_cmpuint (gtk_single_selection_get_selected (sidebar_model (window)), ==, position);
    gtk_popover_popdown (menu);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.wizard", NULL));
  wizard = _cc_wizard_actions_get_wizard (window);
  g_assert_nonnull (wizard);
  g_assert_cmpstr (cc_server_get_fqdn (cc_certificate_wizard_get_server (wizard)), ==,
                   "edge02.contoso.com");
  g_assert_null (cc_certificate_wizard_get_pool (wizard));
  cc_test_wait_until (wizard_idle, wizard, "the wizard");
  screenshot (wizard, "welcome");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL);
  cc_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_null (_cc_wizard_actions_get_wizard (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "pool.wizard", NULL));
  wizard = _cc_wizard_actions_get_wizard (window);
  g_assert_nonnull (wizard);
  g_assert_cmpstr (cc_pool_get_fqdn (cc_certificate_wizard_get_pool (wizard)), ==,
                   "edgepool.contoso.com");
  cc_test_wait_until (wizard_idle, wizard, "the wizard");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;

  /* a home of its own: the default request file goes there */
  home = cc_test_make_tmpdir ();
  g_setenv ("HOME", home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  cc_core_init ();
  /* a screenshot taken a few frames after a change shows the change, not a crossfade */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = cc_application_new ();
  /* not on the session bus: several test runs may overlap */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

#define ADD(name, func) \
  g_test_add ("/wizard/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("tasks", test_tasks);
  ADD ("switch-task", test_switch_task);
  ADD ("request-delayed", test_request_delayed);
  ADD ("request-immediate", test_request_immediate);
  ADD ("request-cancel", test_request_cancel);
  ADD ("request-unwritable", test_request_unwritable);
  ADD ("request-locked", test_request_locked);
  ADD ("request-invalid-subject", test_request_invalid_subject);
  ADD ("process", test_process);
  ADD ("chain", test_chain);
  ADD ("pfx", test_pfx);
  ADD ("export", test_export);
  ADD ("assign", test_assign);
  ADD ("distribute", test_distribute);
  ADD ("window", test_window);
#undef ADD

  {
    int ret = g_test_run ();

    g_clear_object (&app);
    cc_test_rmrf (home);
    return ret;
  }
}
