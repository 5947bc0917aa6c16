/* cc-overview-page.h: the multi-server overview: the check of the servers of the deployment,
 * a site or a pool, as a grid of servers × interfaces, with what expires soon. */
#pragma once

#include <adwaita.h>

#include "certconsole-core.h"

G_BEGIN_DECLS

#define CC_TYPE_OVERVIEW_PAGE (cc_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (CcOverviewPage, cc_overview_page, CC, OVERVIEW_PAGE, GtkWidget)

/* Properties: "deployment", "scope", "running" (notifies). */

GtkWidget    *cc_overview_page_new            (void);
CcDeployment *cc_overview_page_get_deployment (CcOverviewPage *self);
void          cc_overview_page_set_deployment (CcOverviewPage *self,
                                               CcDeployment   *deployment);
/* What is checked: the CcDeployment, one of its CcSite or CcPool; NULL for nothing.
 * Setting another scope checks it at once, off the main loop. */
GObject      *cc_overview_page_get_scope      (CcOverviewPage *self);
void          cc_overview_page_set_scope      (CcOverviewPage *self,
                                               GObject        *scope);
/* Checks the scope again, cancelling a check in flight. */
void          cc_overview_page_check          (CcOverviewPage *self);
void          cc_overview_page_cancel         (CcOverviewPage *self);
/* TRUE while a check runs */
gboolean      cc_overview_page_get_running    (CcOverviewPage *self);

/* For the tests. The grid's cells are buttons with the CSS class "cc-overview-cell"; each
 * holds the data "cc-fqdn" (a string) and "cc-interface" (the CcInterface plus one, 0 for
 * the server-wide column) of what it shows. */
GtkColumnView *_cc_overview_page_get_grid     (CcOverviewPage *self);
/* "idle", "checking", "error", "cancelled", "empty" or "results" */
const char    *_cc_overview_page_get_state    (CcOverviewPage *self);
GtkLabel      *_cc_overview_page_get_summary  (CcOverviewPage *self);
/* the expiring list's column view; the label over it */
GtkColumnView *_cc_overview_page_get_expiring (CcOverviewPage *self);
GtkLabel      *_cc_overview_page_get_expiring_title (CcOverviewPage *self);
/* what a cell's tooltip says (its status, then every reason, one a line) */
char          *_cc_overview_page_dup_cell_tooltip (GtkWidget *cell);
/* tests: the result is drawn a few rows a step (0: as many as a few milliseconds allow);
 * TRUE while rows are being spliced into the grid */
void           _cc_overview_page_set_fill_max_step (CcOverviewPage *self,
                                                    guint           max_step);
gboolean       _cc_overview_page_get_filling       (CcOverviewPage *self);

G_END_DECLS
