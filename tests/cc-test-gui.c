/* cc-test-gui.c: waiting on the main loop and taking screenshots of a window. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "cc-test-gui.h"

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
cc_test_wait_until (CcTestDoneFunc done_func,
                    gpointer       data,
                    const char    *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (CC_TEST_WAIT_SECONDS, timeout_cb, &timed_out);

  while (!done_func (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("still waiting for %s after %d s", what, CC_TEST_WAIT_SECONDS);
  g_source_remove (id);
}

static gboolean
only_caller_ref (gpointer data)
{
  return G_OBJECT (data)->ref_count == 1;
}

void
cc_test_wait_released (gpointer    object,
                       const char *what)
{
  cc_test_wait_until (only_caller_ref, object, what);
}

typedef struct
{
  guint      frames;
  guint      wanted;
  GtkWidget *widget;
  char      *path;
  gboolean   taken;
  guint      n_colours;
} FrameWait;

static void
take_screenshot (FrameWait *wait)
{
  GtkWidget *widget = wait->widget;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GHashTable) colours = NULL;
  g_autofree guchar *pixels = NULL;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, wait->path));

  /* a blank or one-colour picture means something drew nothing */
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  colours = g_hash_table_new (NULL, NULL);
  for (gsize i = 0; i < (gsize) width * height && g_hash_table_size (colours) <= 1000; i++)
    {
      guint32 pixel;

      memcpy (&pixel, pixels + i * 4, 4);
      g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
    }
  wait->n_colours = g_hash_table_size (colours);
  wait->taken = TRUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                FrameWait     *wait)
{
  wait->frames++;
  if (wait->frames == wait->wanted && wait->path != NULL)
    take_screenshot (wait);
  gtk_widget_queue_draw (wait->widget);
}

static gboolean
frames_done (gpointer data)
{
  FrameWait *wait = data;

  return wait->frames >= wait->wanted;
}

static void
wait_frames (FrameWait *wait)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (wait->widget);
  gulong handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), wait);
  gdk_frame_clock_begin_updating (clock);
  gtk_widget_queue_draw (wait->widget);
  cc_test_wait_until (frames_done, wait, "frames");
  gdk_frame_clock_end_updating (clock);
  g_signal_handler_disconnect (clock, handler);
}

void
cc_test_wait_frames (GtkWidget *window,
                     guint      n)
{
  FrameWait wait = { 0, n, window, NULL, FALSE, 0 };

  wait_frames (&wait);
}

void
cc_test_screenshot (GtkWidget  *window,
                    const char *name)
{
  const char *log_dir = g_getenv ("CC_TEST_LOG_DIR");
  g_autofree char *file = g_strdup_printf ("certconsole-%s.png", name);
  g_autofree char *path = NULL;
  FrameWait wait = { 0, 4, window, NULL, FALSE, 0 };

  if (log_dir == NULL)
    log_dir = g_get_tmp_dir ();
  g_assert_cmpint (g_mkdir_with_parents (log_dir, 0755), ==, 0);
  path = g_build_filename (log_dir, file, NULL);
  wait.path = path;

  wait_frames (&wait);
  g_assert_true (wait.taken);
  g_test_message ("screenshot: %s (%u%s colours)", path, wait.n_colours,
                  wait.n_colours > 1000 ? "+" : "");
  g_assert_cmpuint (wait.n_colours, >, 16);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
collect_labels (GtkWidget *widget,
                GString   *out)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      g_string_append (out, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (out, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, out);
}

char *
cc_test_dup_visible_labels (GtkWidget *widget)
{
  GString *out = g_string_new ("\n");

  collect_labels (widget, out);
  return g_string_free (out, FALSE);
}
