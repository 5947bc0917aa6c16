/* cc-window-private.h: the window's widgets, for the tests. */
#pragma once

#include "cc-window.h"
#include "cc-overview-page.h"
#include "cc-trust-matrix-page.h"

G_BEGIN_DECLS

/* model: a GtkSingleSelection over a GtkTreeListModel of the CcDeployment (its overview,
 * first), then CcSite/CcPool/CcServer/CcStore */
GtkListView   *_cc_window_get_sidebar        (CcWindow *self);
/* model: a GtkSingleSelection over the filtered, sorted CcStoreEntry of the selected store */
GtkColumnView *_cc_window_get_column_view    (CcWindow *self);
/* "opening", "error" or "deployment" */
GtkStack      *_cc_window_get_main_stack     (CcWindow *self);
/* "select", "overview", "loading", "empty", "no-results", "error" or "certificates" */
GtkStack      *_cc_window_get_content_stack  (CcWindow *self);
GtkEditable   *_cc_window_get_search_entry   (CcWindow *self);
/* the store whose certificates are shown (borrowed, nullable) */
CcStore       *_cc_window_get_store          (CcWindow *self);
/* the content pane's overview of the deployment, a site or a pool ("overview" page) */
CcOverviewPage *_cc_window_get_overview_page (CcWindow *self);
/* the Trusted Roots window's page (win.trust-matrix), or NULL while it is not open */
CcTrustMatrixPage *_cc_window_get_trust_matrix_page (CcWindow *self);

/* the tree and the content side by side, or one at a time in a narrow window ("sidebar",
 * "content"); the header's back button from the content to the tree */
AdwLeaflet        *_cc_window_get_leaflet    (CcWindow   *self);
GtkWidget         *_cc_window_get_back_button (CcWindow  *self);
/* Open (create FALSE) or New Deployment (create TRUE) on path, as when the folder chooser
 * answers: off the main loop ("busy" meanwhile); an AdwMessageDialog with the core's message
 * on failure, else the deployment's window is presented */
void               _cc_window_open_other     (CcWindow   *self,
                                              const char *path,
                                              gboolean    create);
/* the Open or New Deployment folder chooser while it is open (borrowed, nullable) */
GtkFileChooserNative *_cc_window_get_deployment_chooser (CcWindow *self);

G_END_DECLS
