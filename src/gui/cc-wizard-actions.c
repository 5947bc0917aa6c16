/* cc-wizard-actions.c: server.wizard and pool.wizard on the console window, from the sidebar's
 * context menu and the main menu: the Certificate Wizard on the server (a store's server) or
 * the pool (a server's pool) selected. */
#include "config.h"

#include <glib/gi18n.h>

#include "cc-wizard-actions.h"
#include "cc-window-private.h"

#define STATE_KEY "cc-wizard-actions"

typedef struct
{
  CcWindow            *window;   /* not a reference */
  GtkWidget           *sidebar;
  GtkWidget           *menu;     /* a GtkPopoverMenu parented to the sidebar */
  CcCertificateWizard *wizard;   /* weak */
} WizardActions;

static void
wizard_actions_free (WizardActions *state)
{
  g_clear_weak_pointer (&state->wizard);
  g_free (state);
}

static WizardActions *
get_state (CcWindow *window)
{
  return g_object_get_data (G_OBJECT (window), STATE_KEY);
}

/* the sidebar's selected item (owned), or NULL */
static GObject *
dup_selected_item (WizardActions *state)
{
  GtkSelectionModel *model;
  GtkTreeListRow *row;

  if (state->sidebar == NULL)
    return NULL;
  model = gtk_list_view_get_model (GTK_LIST_VIEW (state->sidebar));
  if (!GTK_IS_SINGLE_SELECTION (model))
    return NULL;
  row = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model));
  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

static CcServer *
get_selected_server (WizardActions *state)
{
  g_autoptr(GObject) item = dup_selected_item (state);

  if (CC_IS_STORE (item))
    return cc_store_get_server (CC_STORE (item));
  /* the tree holds it */
  return CC_IS_SERVER (item) ? CC_SERVER (item) : NULL;
}

static CcPool *
get_selected_pool (WizardActions *state)
{
  g_autoptr(GObject) item = dup_selected_item (state);
  CcServer *server = get_selected_server (state);

  if (CC_IS_POOL (item))
    return g_list_model_get_n_items (G_LIST_MODEL (item)) > 0 ? CC_POOL (item) : NULL;
  return server != NULL ? cc_server_get_pool (server) : NULL;
}

static void
update_actions (WizardActions *state)
{
  gboolean open = cc_window_get_deployment (state->window) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (state->window), "server.wizard",
                                 open && get_selected_server (state) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (state->window), "pool.wizard",
                                 open && get_selected_pool (state) != NULL);
}

static void
open_wizard (CcWindow *window,
             CcServer *server,
             CcPool   *pool)
{
  WizardActions *state = get_state (window);
  CcDeployment *deployment = cc_window_get_deployment (window);
  CcCertificateWizard *wizard;

  if (deployment == NULL || (server == NULL && pool == NULL))
    return;
  wizard = cc_certificate_wizard_new (GTK_WINDOW (window), deployment, server, pool);
  g_set_weak_pointer (&state->wizard, wizard);
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
server_wizard_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  WizardActions *state = get_state (CC_WINDOW (widget));

  open_wizard (CC_WINDOW (widget), get_selected_server (state), NULL);
}

static void
pool_wizard_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  WizardActions *state = get_state (CC_WINDOW (widget));

  open_wizard (CC_WINDOW (widget), NULL, get_selected_pool (state));
}

void
_cc_wizard_actions_popup_menu (CcWindow *window,
                               double    x,
                               double    y)
{
  WizardActions *state;
  GtkWidget *picked;

  g_return_if_fail (CC_IS_WINDOW (window));

  state = get_state (window);
  picked = gtk_widget_pick (state->sidebar, x, y, GTK_PICK_DEFAULT);
  /* a row: select it first, as a file manager does */
  if (picked == NULL
      || !gtk_widget_activate_action (picked, "listitem.select", "(bb)", FALSE, FALSE))
    return;

  update_actions (state);
  /* the deployment's and a site's rows have no wizard */
  if (get_selected_server (state) == NULL && get_selected_pool (state) == NULL)
    return;
  gtk_popover_set_pointing_to (GTK_POPOVER (state->menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (state->menu));
}

static void
context_pressed_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    WizardActions   *state)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  _cc_wizard_actions_popup_menu (state->window, x, y);
}

static void
sidebar_destroy_cb (GtkWidget     *sidebar,
                    WizardActions *state)
{
  g_clear_pointer (&state->menu, gtk_widget_unparent);
  state->sidebar = NULL;
}

static void
selection_changed_cb (WizardActions *state)
{
  update_actions (state);
}

void
_cc_wizard_actions_class_init (GtkWidgetClass *window_class)
{
  gtk_widget_class_install_action (window_class, "server.wizard", NULL, server_wizard_action);
  gtk_widget_class_install_action (window_class, "pool.wizard", NULL, pool_wizard_action);
}

void
_cc_wizard_actions_init (CcWindow *window)
{
  WizardActions *state = g_new0 (WizardActions, 1);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) server_item = g_menu_item_new (_("Certificate _Wizard…"),
                                                      "server.wizard");
  g_autoptr(GMenuItem) pool_item = g_menu_item_new (_("Certificate Wizard for the _Pool…"),
                                                    "pool.wizard");
  GtkGesture *gesture;

  state->window = window;
  state->sidebar = GTK_WIDGET (_cc_window_get_sidebar (window));
  g_object_set_data_full (G_OBJECT (window), STATE_KEY, state,
                          (GDestroyNotify) wizard_actions_free);

  g_menu_item_set_attribute (server_item, "hidden-when", "s", "action-disabled");
  g_menu_item_set_attribute (pool_item, "hidden-when", "s", "action-disabled");
  g_menu_append_item (menu, server_item);
  g_menu_append_item (menu, pool_item);
  state->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (state->menu), FALSE);
  gtk_widget_set_halign (state->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (state->menu, state->sidebar);
  g_signal_connect (state->sidebar, "destroy", G_CALLBACK (sidebar_destroy_cb), state);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (context_pressed_cb), state);
  gtk_widget_add_controller (state->sidebar, GTK_EVENT_CONTROLLER (gesture));

  g_signal_connect_swapped (gtk_list_view_get_model (GTK_LIST_VIEW (state->sidebar)),
                            "notify::selected-item", G_CALLBACK (selection_changed_cb), state);
  g_signal_connect_swapped (window, "notify::deployment", G_CALLBACK (selection_changed_cb),
                            state);
  update_actions (state);
}

CcCertificateWizard *
_cc_wizard_actions_get_wizard (CcWindow *window)
{
  g_return_val_if_fail (CC_IS_WINDOW (window), NULL);

  return get_state (window)->wizard;
}

GtkPopover *
_cc_wizard_actions_get_menu (CcWindow *window)
{
  g_return_val_if_fail (CC_IS_WINDOW (window), NULL);

  return GTK_POPOVER (get_state (window)->menu);
}
