/* main.c: certconsole's entry point: locale, gettext, the core, then the application. */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "certconsole-core.h"
#include "cc-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CcApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  cc_core_init ();

  app = cc_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
