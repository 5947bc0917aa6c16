/* cc-application.c: the certconsole application: --deployment (else the deployment opened
 * last), app.about, app.preferences, app.quit, the accelerators. */
#include "config.h"

#include <glib/gi18n.h>

#include "cc-application.h"
#include "cc-preferences-window.h"
#include "cc-window.h"

struct _CcApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (CcApplication, cc_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "deployment", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the deployment in DIR (default: the one in your data folder)"), N_("DIR") },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  { NULL }
};

/* A window already showing path, if any: opening a deployment twice gives two windows
 * that would not see each other's changes. */
CcWindow *
cc_application_find_window (CcApplication *self,
                            const char    *path)
{
  g_return_val_if_fail (CC_IS_APPLICATION (self), NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (CC_IS_WINDOW (l->data)
          && g_strcmp0 (cc_window_get_deployment_path (l->data), path) == 0)
        return l->data;
    }
  return NULL;
}

/* path NULL: the deployment opened last (opened, never created: if it has gone, the window
 * says so and offers Open and New), or the default one the first time. */
static void
open_deployment (CcApplication *self,
                 const char    *path)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *last = NULL;
  g_autofree char *default_path = NULL;
  gboolean create_demo = TRUE;
  CcWindow *window;

  if (path == NULL)
    {
      settings = g_settings_new (APP_ID);
      last = g_settings_get_string (settings, "last-deployment");
      default_path = cc_deployment_dup_default_path ();
      if (last[0] != '\0' && g_strcmp0 (last, default_path) != 0)
        {
          path = last;
          create_demo = FALSE;
        }
      else
        path = default_path;
    }

  window = cc_application_find_window (self, path);
  if (window == NULL)
    window = g_object_new (CC_TYPE_WINDOW,
                           "application", self,
                           "deployment-path", path,
                           "create-demo", create_demo,
                           NULL);

  gtk_window_present (GTK_WINDOW (window));
}

static int
cc_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("certconsole %s\n", PACKAGE_VERSION);
      return 0;
    }

  return -1;
}

static int
cc_application_command_line (GApplication            *app,
                             GApplicationCommandLine *command_line)
{
  CcApplication *self = CC_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *arg = NULL;
  g_autofree char *path = NULL;

  if (g_variant_dict_lookup (options, "deployment", "^&ay", &arg) && arg[0] != '\0')
    {
      /* relative to where certconsole was started, which may be another process */
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, arg);
      path = g_file_get_path (file);
    }

  open_deployment (self, path);

  return 0;
}

static void
cc_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window != NULL)
    gtk_window_present (window);
  else
    open_deployment (CC_APPLICATION (app), NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (app);
  static const char *developers[] = { "The Certificate Console authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("Certificate Console"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Certificate Console authors"),
                        "developers", developers,
                        "comments", _("Request, import, export and assign the TLS certificates "
                                      "of every server of a deployment, and check them at a "
                                      "glance."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", _("© The Certificate Console authors"),
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (cc_preferences_window_new (parent)));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows;

  /* destroying the windows cancels what they were loading */
  while ((windows = gtk_application_get_windows (app)) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));

  g_application_quit (G_APPLICATION (app));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
};

static void
cc_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *find_accels[] = { "<Control>f", NULL };
  static const char *reload_accels[] = { "F5", "<Control>r", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *new_accels[] = { "<Control>n", NULL };

  G_APPLICATION_CLASS (cc_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);

  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.find", find_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.reload", reload_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.open-deployment",
                                         open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.new-deployment",
                                         new_accels);
}

static void
cc_application_class_init (CcApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = cc_application_startup;
  app_class->activate = cc_application_activate;
  app_class->command_line = cc_application_command_line;
  app_class->handle_local_options = cc_application_handle_local_options;
}

static void
cc_application_init (CcApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("A console for the TLS certificates of a fleet "
                                              "of servers."));
}

CcApplication *
cc_application_new (void)
{
  return g_object_new (CC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/certconsole/CertConsole",
                       NULL);
}
