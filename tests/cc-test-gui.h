/* cc-test-gui.h: waiting on the main loop and taking screenshots of a window, for the widget
 * tests. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CC_TEST_WAIT_SECONDS 90

/* Iterates the main loop until done (*done becomes TRUE, or done_func returns TRUE); fails
 * the test after CC_TEST_WAIT_SECONDS. */
typedef gboolean (*CcTestDoneFunc) (gpointer data);
void  cc_test_wait_until    (CcTestDoneFunc done_func,
                             gpointer       data,
                             const char    *what);
/* Iterates the main loop until the last reference to object but the caller's is gone (a
 * callback that held it has run); fails the test after CC_TEST_WAIT_SECONDS. */
void  cc_test_wait_released (gpointer      object,
                             const char    *what);
/* Lets the window lay out and paint n frames (while layout is pending, list rows and
 * snapshots are empty). */
void  cc_test_wait_frames   (GtkWidget     *window,
                             guint          n);
/* Saves the window as $CC_TEST_LOG_DIR/certconsole-<name>.png a few frames after the last
 * change, and checks the picture is not blank. */
void  cc_test_screenshot    (GtkWidget     *window,
                             const char    *name);
/* every label the user can see in widget, one a line, between newlines */
char *cc_test_dup_visible_labels (GtkWidget *widget);

G_END_DECLS
