/* cc-unlock-dialog.c: asks for the deployment's passphrase; the KDF runs in a thread
 * (cc_deployment_unlock_async); the entry is emptied as soon as the passphrase is taken,
 * and the copy handed to the core is wiped. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "cc-unlock-dialog.h"

struct _CcUnlockDialog
{
  AdwWindow parent_instance;

  GtkLabel    *body_label;
  GtkWidget   *passphrase_row;
  GtkWidget   *unlock_button;
  GtkWidget   *cancel_button;
  GtkSpinner  *spinner;
  GtkLabel    *error_label;

  CcDeployment *deployment;
  GCancellable *cancellable;
  gboolean      running;
};

G_DEFINE_FINAL_TYPE (CcUnlockDialog, cc_unlock_dialog, ADW_TYPE_WINDOW)

enum { UNLOCKED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_running (CcUnlockDialog *self, gboolean running)
{
  /* the row stays sensitive (GTK 4.8 warns when a focused entry is made insensitive);
   * unlock_clicked_cb ignores it while the KDF runs */
  self->running = running;
  gtk_widget_set_sensitive (self->unlock_button,
                            !running && *gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row)));
  gtk_spinner_set_spinning (self->spinner, running);
}

static void
passphrase_changed_cb (CcUnlockDialog *self)
{
  if (!self->running)
    gtk_widget_set_sensitive (self->unlock_button,
                              *gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row)) != '\0');
}

static void
unlocked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CcUnlockDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (cc_deployment_unlock_finish (CC_DEPLOYMENT (source), result, &error))
    {
      set_running (self, FALSE);
      g_signal_emit (self, signals[UNLOCKED], 0);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_running (self, FALSE);
  gtk_label_set_text (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_widget_grab_focus (self->passphrase_row);
}

static void
unlock_clicked_cb (CcUnlockDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
  gsize len = strlen (text);
  char *copy;

  if (self->running || len == 0)
    return;
  copy = g_strndup (text, len);
  /* the entry forgets it at once; the core keeps its own copy until the KDF is done */
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_running (self, TRUE);
  cc_deployment_unlock_async (self->deployment, copy, len, self->cancellable, unlocked_cb,
                              g_object_ref (self));
  explicit_bzero (copy, len);
  g_free (copy);
}

static void
cancel_clicked_cb (CcUnlockDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
cc_unlock_dialog_dispose (GObject *object)
{
  CcUnlockDialog *self = CC_UNLOCK_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CC_TYPE_UNLOCK_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->deployment);
  G_OBJECT_CLASS (cc_unlock_dialog_parent_class)->dispose (object);
}

static void
cc_unlock_dialog_class_init (CcUnlockDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cc_unlock_dialog_dispose;

  signals[UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certconsole/CertConsole/cc-unlock-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CcUnlockDialog, body_label);
  gtk_widget_class_bind_template_child (widget_class, CcUnlockDialog, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, CcUnlockDialog, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, CcUnlockDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CcUnlockDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, CcUnlockDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, unlock_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cc_unlock_dialog_init (CcUnlockDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
cc_unlock_dialog_new (GtkWindow *parent, CcDeployment *deployment)
{
  CcUnlockDialog *self;
  g_autofree char *body = NULL;

  g_return_val_if_fail (CC_IS_DEPLOYMENT (deployment), NULL);

  self = g_object_new (CC_TYPE_UNLOCK_DIALOG, "transient-for", parent, NULL);
  self->deployment = g_object_ref (deployment);
  body = g_strdup_printf (_("The private keys of %s are encrypted. Enter the deployment’s "
                            "passphrase to use them in this session; it is kept in memory "
                            "only, until you lock the keys or close the console."),
                          cc_deployment_get_path (deployment));
  gtk_label_set_text (self->body_label, body);
  gtk_widget_grab_focus (self->passphrase_row);
  return GTK_WIDGET (self);
}

GtkEditable *
_cc_unlock_dialog_get_passphrase_row (CcUnlockDialog *self)
{
  return GTK_EDITABLE (self->passphrase_row);
}

GtkLabel *
_cc_unlock_dialog_get_error_label (CcUnlockDialog *self)
{
  return self->error_label;
}

gboolean
_cc_unlock_dialog_get_running (CcUnlockDialog *self)
{
  return self->running;
}
