/* cc-test-cli.h: certctl run as a subprocess, and what the CLI tests check of its output. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cc-test-pki.h"

G_BEGIN_DECLS

/* a test's folders: a fresh tmpdir, the deployment folder tmpdir/dep (not made), a PKI */
typedef struct
{
  char      *tmpdir;
  char      *dir;       /* the deployment folder: tmpdir/dep */
  CcTestPki *pki;       /* made on first use */
} CcTestFixture;

void       cc_test_fixture_setup    (CcTestFixture *fx,
                                     gconstpointer  data);
void       cc_test_fixture_teardown (CcTestFixture *fx,
                                     gconstpointer  data);
CcTestPki *cc_test_fixture_get_pki  (CcTestFixture *fx);

/* one run of certctl: its exit status, standard output and standard error */
typedef struct
{
  int   status;
  char *out;
  char *err;
} CcTestRun;

void cc_test_run_clear (CcTestRun *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CcTestRun, cc_test_run_clear)

/* Starts $CERTCTL [--deployment dir] args... with its standard output and error piped, in
 * the folder cwd, with XDG_DATA_HOME set to xdg, with standard input piped when input is not
 * NULL (inherited otherwise); cwd, dir, xdg and input are nullable. */
GSubprocess *cc_test_spawn_certctl (const char         *cwd,
                                    const char         *dir,
                                    const char         *xdg,
                                    const char         *input,
                                    const char * const *args,
                                    GError            **error);
/* Runs certctl as cc_test_spawn_certctl() starts it, with input on its standard input, to
 * its exit (which must be a normal one), into run. */
void cc_test_run_certctl (CcTestRun          *run,
                          const char         *cwd,
                          const char         *dir,
                          const char         *xdg,
                          const char         *input,
                          const char * const *args);

/* Success: exit 0, nothing on stderr. */
void cc_test_assert_ok       (CcTestRun  *run);
/* Exactly one line "certctl: ..." in err; mentions (nullable) in it. */
void cc_test_assert_one_line (const char *err,
                              const char *mentions);
/* Failure: exit 1, one line "certctl: ..." naming names (nullable), nothing on stdout. */
void cc_test_assert_failed   (CcTestRun  *run,
                              const char *names);
/* Usage error: exit 2, "certctl: ..." mentioning mentions (nullable), then
 * "Try 'certctl --help'.", nothing on stdout. */
void cc_test_assert_usage    (CcTestRun  *run,
                              const char *mentions);

/* certctl's --json output, parsed (the test fails if it is not JSON of that kind) */
JsonNode   *cc_test_parse_json        (const char *text);
JsonArray  *cc_test_parse_json_array  (const char *text);
JsonObject *cc_test_parse_json_object (const char *text);

G_END_DECLS
