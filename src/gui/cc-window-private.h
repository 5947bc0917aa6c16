/* cc-window-private.h: the window's widgets, for the tests. */
#pragma once

#include "cc-window.h"

G_BEGIN_DECLS

/* model: a GtkSingleSelection over a GtkTreeListModel of CcSite/CcPool/CcServer/CcStore */
GtkListView   *_cc_window_get_sidebar        (CcWindow *self);
/* model: a GtkSingleSelection over the filtered, sorted CcStoreEntry of the selected store */
GtkColumnView *_cc_window_get_column_view    (CcWindow *self);
/* "opening", "error" or "deployment" */
GtkStack      *_cc_window_get_main_stack     (CcWindow *self);
/* "select", "loading", "empty", "no-results", "error" or "certificates" */
GtkStack      *_cc_window_get_content_stack  (CcWindow *self);
GtkEditable   *_cc_window_get_search_entry   (CcWindow *self);
/* the store whose certificates are shown (borrowed, nullable) */
CcStore       *_cc_window_get_store          (CcWindow *self);

G_END_DECLS
