/* cc-gui-util.h: small pieces the console's dialogs and the Certificate Wizard share:
 * wiping passwords, file chooser filters, requirement and report lines. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Wipes a password (or any secret) before its memory goes back; NULL is fine. */
void  cc_gui_wipe_string      (char           *str);

/* A filter named name for patterns (NULL-terminated); extension (nullable, ".cer") is kept
 * as the filter's "extension" data, for a save chooser to give a bare name. */
void  cc_gui_add_file_filter  (GtkFileChooser *chooser,
                               const char     *name,
                               const char     *extension,
                               const char * const *patterns);

/* Appends to the vertical box results one line: an icon (with css_class: "error",
 * "warning", "success", "dim-label") and a wrapping text. */
void  cc_gui_add_result_line  (GtkWidget      *results,
                               const char     *icon_name,
                               const char     *css_class,
                               const char     *text);

/* Removes every child of a box. */
void  cc_gui_box_clear        (GtkWidget      *box);

/* Interface ids as a store entry lists them, for reading: "edge-internal, default" →
 * "Edge internal interface (MTLS), Server default (MTLS)"; an unknown id stays as it is;
 * NULL or "" gives "". */
char *cc_gui_format_interfaces (const char    *ids);

/* A GTask thread function: reads the certificates of the file whose path is the task data
 * (PEM, DER or .p7b: cc_read_certificates_file) and returns them as a GPtrArray of
 * CcCertificate, or its error. No model is touched. */
void  cc_gui_read_certificates_thread (GTask        *task,
                                       gpointer      source,
                                       gpointer      task_data,
                                       GCancellable *cancellable);

G_END_DECLS
