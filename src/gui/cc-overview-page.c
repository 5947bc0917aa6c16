/* cc-overview-page.c: the multi-server overview: runs the core's check off the main loop and
 * draws exactly what it reports, one row per server and one column per interface. */
#include "config.h"

#include <glib/gi18n.h>

#include "cc-overview-page.h"

/* as certctl check: a request pending for longer than this is a server-wide finding */
#define PENDING_DAYS 14
/* the Status column's factory index: past the cells of a row */
#define SUMMARY_INDEX (CC_N_INTERFACES + 1)
/* a spin button sends a value per step: check once it settles */
#define SETTINGS_DELAY_MS 400

/* ---- one cell of the grid: what the check said about one interface of one server ---- */

#define CC_TYPE_OVERVIEW_CELL (cc_overview_cell_get_type ())
G_DECLARE_FINAL_TYPE (CcOverviewCell, cc_overview_cell, CC, OVERVIEW_CELL, GObject)

struct _CcOverviewCell
{
  GObject    parent_instance;

  char      *fqdn;
  int        iface;             /* -1: the server-wide findings */
  gboolean   has_item;          /* the check reported on it */
  CcStatus   status;
  GPtrArray *reasons;           /* of char* */
  char      *thumbprint;
  char      *certificate_name;  /* friendly name, else Issued To */
  GDateTime *not_after;
};

G_DEFINE_FINAL_TYPE (CcOverviewCell, cc_overview_cell, G_TYPE_OBJECT)

static void
cc_overview_cell_finalize (GObject *object)
{
  CcOverviewCell *self = CC_OVERVIEW_CELL (object);

  g_free (self->fqdn);
  g_ptr_array_unref (self->reasons);
  g_free (self->thumbprint);
  g_free (self->certificate_name);
  g_clear_pointer (&self->not_after, g_date_time_unref);

  G_OBJECT_CLASS (cc_overview_cell_parent_class)->finalize (object);
}

static void
cc_overview_cell_class_init (CcOverviewCellClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cc_overview_cell_finalize;
}

static void
cc_overview_cell_init (CcOverviewCell *self)
{
  self->reasons = g_ptr_array_new_with_free_func (g_free);
}

static CcOverviewCell *
cc_overview_cell_new (const char *fqdn,
                      int         iface)
{
  CcOverviewCell *self = g_object_new (CC_TYPE_OVERVIEW_CELL, NULL);

  self->fqdn = g_strdup (fqdn);
  self->iface = iface;
  return self;
}

/* ---- one row of the grid: one server ---- */

#define CC_TYPE_OVERVIEW_ROW (cc_overview_row_get_type ())
G_DECLARE_FINAL_TYPE (CcOverviewRow, cc_overview_row, CC, OVERVIEW_ROW, GObject)

struct _CcOverviewRow
{
  GObject          parent_instance;

  char            *fqdn;
  CcRole           role;
  /* [0] the server-wide findings, [1 + iface] each interface; NULL for an interface the
   * server does not have */
  CcOverviewCell  *cells[CC_N_INTERFACES + 1];
  gboolean         has_item;     /* any finding at all */
  CcStatus         worst;
};

G_DEFINE_FINAL_TYPE (CcOverviewRow, cc_overview_row, G_TYPE_OBJECT)

static void
cc_overview_row_finalize (GObject *object)
{
  CcOverviewRow *self = CC_OVERVIEW_ROW (object);

  g_free (self->fqdn);
  for (guint i = 0; i < G_N_ELEMENTS (self->cells); i++)
    g_clear_object (&self->cells[i]);

  G_OBJECT_CLASS (cc_overview_row_parent_class)->finalize (object);
}

static void
cc_overview_row_class_init (CcOverviewRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cc_overview_row_finalize;
}

static void
cc_overview_row_init (CcOverviewRow *self)
{
}

/* ---- the page ---- */

typedef struct _CcOverviewFill CcOverviewFill;
static void stop_fill (CcOverviewPage *self);

struct _CcOverviewPage
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkStack        *stack;
  AdwStatusPage   *checking_page;
  AdwStatusPage   *error_page;
  AdwStatusPage   *empty_page;
  GtkImage        *summary_icon;
  GtkLabel        *title_label;
  GtkLabel        *summary_label;
  GtkSpinner      *rerun_spinner;
  GtkLabel        *checked_label;
  GtkColumnView   *grid;
  GtkColumnViewColumn *host_column;
  GtkCustomSorter *host_sorter;
  GListStore      *rows;
  GtkLabel        *expiring_title;
  GtkStack        *expiring_stack;
  GtkLabel        *expiring_none_label;
  GtkColumnView   *expiring_view;
  GListStore      *expiring;

  CcDeployment    *deployment;
  GObject         *scope;
  GSettings       *settings;
  /* the interface columns shown, of GtkColumnViewColumn; the last one is "Server" */
  GPtrArray       *columns;
  /* the interfaces they show, and those of them with something assigned (shown first):
   * bit (1 << (iface + 1)) */
  guint            column_set;
  guint            assigned_set;

  /* the check in flight, or NULL; then its result drawn, a little at a time */
  GCancellable    *cancellable;
  CcOverviewFill  *fill;
  /* tests: at most this many rows built or spliced a step (0: no limit) */
  guint            fill_max_step;
  guint            settings_timeout;
  gboolean         has_results;
};

G_DEFINE_FINAL_TYPE (CcOverviewPage, cc_overview_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DEPLOYMENT,
  PROP_SCOPE,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What a status looks like: an icon, a word and a style class, never colour alone. */

static const char *
status_icon_name (CcStatus status)
{
  switch (status)
    {
    case CC_STATUS_OK:
      return "emblem-ok-symbolic";
    case CC_STATUS_WARNING:
      return "dialog-warning-symbolic";
    case CC_STATUS_ERROR:
    default:
      return "dialog-error-symbolic";
    }
}

static const char *
status_text (CcStatus status)
{
  switch (status)
    {
    case CC_STATUS_OK:
      /* Translators: the status of a certificate in the overview: it meets every requirement */
      return C_("status", "OK");
    case CC_STATUS_WARNING:
      return C_("status", "Warning");
    case CC_STATUS_ERROR:
    default:
      return C_("status", "Error");
    }
}

static const char *
status_css_class (CcStatus status)
{
  switch (status)
    {
    case CC_STATUS_OK:
      return "success";
    case CC_STATUS_WARNING:
      return "warning";
    case CC_STATUS_ERROR:
    default:
      return "error";
    }
}

static const char *
get_interface_title (int iface)
{
  if (iface < 0)
    /* Translators: the overview's column of findings about a whole server (damaged store
     * files, requests pending for long), not about one interface */
    return _("Server");
  return cc_interface_get_display_name (iface);
}

static char *
format_date (GDateTime *dt)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (dt);

  /* Translators: a date, strftime()-style: "31 Jan 2027" */
  return g_date_time_format (local, _("%d %b %Y"));
}

static gboolean
has_passed (GDateTime *dt)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_compare (dt, now) < 0;
}

static char *
dup_reasons_text (CcOverviewCell *cell,
                  const char     *bullet)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < cell->reasons->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, bullet);
      g_string_append (text, g_ptr_array_index (cell->reasons, i));
    }
  return g_string_free (text, FALSE);
}

/* Closures of the template's list item factories. */

static char *
row_fqdn (gpointer       unused,
          CcOverviewRow *row)
{
  return row != NULL ? g_strdup (row->fqdn) : NULL;
}

static char *
row_role (gpointer       unused,
          CcOverviewRow *row)
{
  return row != NULL ? g_strdup (cc_role_get_display_name (row->role)) : NULL;
}

static char *
row_role_icon (gpointer       unused,
               CcOverviewRow *row)
{
  return row != NULL ? g_strdup (cc_role_get_icon_name (row->role)) : NULL;
}

static char *
cell_fqdn (gpointer        unused,
           CcOverviewCell *cell)
{
  return cell != NULL ? g_strdup (cell->fqdn) : NULL;
}

static char *
cell_interface (gpointer        unused,
                CcOverviewCell *cell)
{
  return cell != NULL ? g_strdup (get_interface_title (cell->iface)) : NULL;
}

static char *
cell_certificate (gpointer        unused,
                  CcOverviewCell *cell)
{
  return cell != NULL ? g_strdup (cell->certificate_name) : NULL;
}

static char *
cell_expiry_icon (gpointer        unused,
                  CcOverviewCell *cell)
{
  if (cell == NULL || cell->not_after == NULL)
    return NULL;
  return g_strdup (has_passed (cell->not_after) ? "dialog-error-symbolic"
                                                    : "alarm-symbolic");
}

static char *
cell_expiry_text (gpointer        unused,
                  CcOverviewCell *cell)
{
  g_autofree char *date = NULL;
  g_autoptr(GDateTime) now = NULL;
  gint64 days;

  if (cell == NULL || cell->not_after == NULL)
    return NULL;

  date = format_date (cell->not_after);
  now = g_date_time_new_now_utc ();
  days = g_date_time_difference (cell->not_after, now) / G_TIME_SPAN_DAY;
  if (g_date_time_compare (cell->not_after, now) < 0)
    /* Translators: "Expired on 31 Jan 2027" */
    return g_strdup_printf (_("Expired on %s"), date);
  if (days == 0)
    /* Translators: "31 Jan 2027 (today)" */
    return g_strdup_printf (_("%s (today)"), date);
  /* Translators: "31 Jan 2027 (in 12 days)" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (in %u day)", "%s (in %u days)",
                                       (gulong) days),
                          date, (guint) days);
}

/* Sorting: host names in natural order; an interface column by how bad its status is. */

static int
host_compare (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  return cc_natural_compare (((CcOverviewRow *) a)->fqdn, ((CcOverviewRow *) b)->fqdn);
}

/* absent < not assigned < OK < warning < error */
static int
cell_rank (CcOverviewCell *cell)
{
  if (cell == NULL)
    return 0;
  if (!cell->has_item)
    return 1;
  return 2 + (int) cell->status;
}

static int
row_rank (CcOverviewRow *row,
          guint          index)
{
  if (index == SUMMARY_INDEX)
    return row->has_item ? 2 + (int) row->worst : 1;
  return cell_rank (row->cells[index]);
}

static int
cell_compare (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  guint index = GPOINTER_TO_UINT (user_data);
  int ra = row_rank ((CcOverviewRow *) a, index);
  int rb = row_rank ((CcOverviewRow *) b, index);

  if (ra != rb)
    return ra < rb ? -1 : 1;
  return host_compare (a, b, NULL);
}

/* The interface cells: a flat button showing the status as an icon and a word, the
 * certificate and its expiry; its popover says why. */

typedef struct
{
  GtkWidget *image;
  GtkWidget *status;
  GtkWidget *name;
  GtkWidget *expires;
  /* the popover, made on the first click: a list of a thousand servers recycles some two
   * thousand cells, and most are never clicked */
  GtkWidget *popover_title;
  GtkWidget *popover_image;
  GtkWidget *popover_status;
  GtkWidget *popover_certificate;
  GtkWidget *popover_thumbprint;
  GtkWidget *popover_reasons;
  /* what the popover shows of the bound cell */
  gboolean   has_status;
  CcStatus   status_value;
  char      *title_text;
  char      *status_text;
  char      *certificate_text;
  char      *thumbprint_text;
  char      *reasons_text;
  /* given on query-tooltip: setting a tooltip text makes GTK look for the widget under the
   * pointer, a cost two thousand cells a check cannot pay */
  char      *tooltip_text;
} CellWidgets;

static void
cell_widgets_free (CellWidgets *w)
{
  g_free (w->title_text);
  g_free (w->status_text);
  g_free (w->certificate_text);
  g_free (w->thumbprint_text);
  g_free (w->reasons_text);
  g_free (w->tooltip_text);
  g_free (w);
}

static GtkWidget *
new_popover_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  return label;
}

static void
set_status_classes (GtkWidget *widget,
                    gboolean   has_status,
                    CcStatus   status)
{
  gtk_widget_remove_css_class (widget, "success");
  gtk_widget_remove_css_class (widget, "warning");
  gtk_widget_remove_css_class (widget, "error");
  gtk_widget_remove_css_class (widget, "dim-label");
  if (has_status)
    gtk_widget_add_css_class (widget, status_css_class (status));
  else
    gtk_widget_add_css_class (widget, "dim-label");
}

/* GtkMenuButton asks for its popover before each popup */
static void
cell_create_popup (GtkMenuButton *button,
                   gpointer       user_data)
{
  CellWidgets *w = g_object_get_data (G_OBJECT (button), "cc-cell-widgets");

  if (w->popover_title == NULL)
    {
      GtkWidget *popover = gtk_popover_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *status_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      w->popover_title = new_popover_label ();
      gtk_widget_add_css_class (w->popover_title, "heading");
      w->popover_image = gtk_image_new ();
      w->popover_status = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (w->popover_status), 0);
      gtk_box_append (GTK_BOX (status_box), w->popover_image);
      gtk_box_append (GTK_BOX (status_box), w->popover_status);
      w->popover_certificate = new_popover_label ();
      w->popover_thumbprint = new_popover_label ();
      gtk_widget_add_css_class (w->popover_thumbprint, "monospace");
      gtk_widget_add_css_class (w->popover_thumbprint, "caption");
      gtk_widget_add_css_class (w->popover_thumbprint, "dim-label");
      w->popover_reasons = new_popover_label ();

      gtk_widget_set_margin_start (box, 6);
      gtk_widget_set_margin_end (box, 6);
      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_box_append (GTK_BOX (box), w->popover_title);
      gtk_box_append (GTK_BOX (box), status_box);
      gtk_box_append (GTK_BOX (box), w->popover_certificate);
      gtk_box_append (GTK_BOX (box), w->popover_thumbprint);
      gtk_box_append (GTK_BOX (box), w->popover_reasons);
      gtk_popover_set_child (GTK_POPOVER (popover), box);
      gtk_menu_button_set_popover (button, popover);
    }

  gtk_label_set_text (GTK_LABEL (w->popover_title), w->title_text);
  gtk_image_set_from_icon_name (GTK_IMAGE (w->popover_image),
                                w->has_status ? status_icon_name (w->status_value) : NULL);
  gtk_widget_set_visible (w->popover_image, w->has_status);
  gtk_label_set_text (GTK_LABEL (w->popover_status), w->status_text);
  set_status_classes (w->popover_image, w->has_status, w->status_value);
  set_status_classes (w->popover_status, w->has_status, w->status_value);
  gtk_label_set_text (GTK_LABEL (w->popover_certificate), w->certificate_text);
  gtk_widget_set_visible (w->popover_certificate, w->certificate_text != NULL);
  gtk_label_set_text (GTK_LABEL (w->popover_thumbprint), w->thumbprint_text);
  gtk_widget_set_visible (w->popover_thumbprint, w->thumbprint_text != NULL);
  gtk_label_set_text (GTK_LABEL (w->popover_reasons), w->reasons_text);
  gtk_widget_set_visible (w->popover_reasons,
                          w->reasons_text != NULL && w->reasons_text[0] != '\0');
}

static gboolean
cell_query_tooltip_cb (GtkWidget  *button,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip,
                       gpointer    user_data)
{
  CellWidgets *w = g_object_get_data (G_OBJECT (button), "cc-cell-widgets");

  if (w->tooltip_text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, w->tooltip_text);
  return TRUE;
}

/* a host name's label: its text in full, on hover */
static gboolean
label_query_tooltip_cb (GtkLabel   *label,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip)
{
  const char *text = gtk_label_get_text (label);

  if (text == NULL || text[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  CellWidgets *w = g_new0 (CellWidgets, 1);
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 1);
  GtkWidget *status_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_list_item_set_activatable (list_item, FALSE);

  w->image = gtk_image_new ();
  w->status = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (w->status), 0);
  gtk_widget_add_css_class (w->status, "cc-status");
  gtk_box_append (GTK_BOX (status_box), w->image);
  gtk_box_append (GTK_BOX (status_box), w->status);

  w->name = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (w->name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (w->name), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (w->name), 12);

  w->expires = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (w->expires), 0);
  gtk_label_set_ellipsize (GTK_LABEL (w->expires), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (w->expires, "caption");
  gtk_widget_add_css_class (w->expires, "dim-label");

  gtk_box_append (GTK_BOX (box), status_box);
  gtk_box_append (GTK_BOX (box), w->name);
  gtk_box_append (GTK_BOX (box), w->expires);

  gtk_menu_button_set_child (GTK_MENU_BUTTON (button), box);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (button), cell_create_popup, NULL,
                                         NULL);
  gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (button), FALSE);
  gtk_widget_set_has_tooltip (button, TRUE);
  g_signal_connect (button, "query-tooltip", G_CALLBACK (cell_query_tooltip_cb), NULL);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_add_css_class (button, "cc-overview-cell");

  g_object_set_data_full (G_OBJECT (button), "cc-cell-widgets", w,
                          (GDestroyNotify) cell_widgets_free);
  gtk_list_item_set_child (list_item, button);
}

/* What one cell shows, in the cell and in its popover. */
typedef struct
{
  gboolean    has_status;
  CcStatus    status;
  const char *status_text;
  const char *name;           /* nullable */
  const char *expires;        /* nullable */
  const char *title;
  const char *certificate;    /* nullable */
  const char *thumbprint;     /* nullable */
  const char *reasons;        /* "" for none */
  const char *accessible;     /* "<server>, <column>" */
} CellView;

static void
show_cell (GtkWidget      *button,
           const CellView *view)
{
  CellWidgets *w = g_object_get_data (G_OBJECT (button), "cc-cell-widgets");
  g_autofree char *accessible = NULL;

  gtk_image_set_from_icon_name (GTK_IMAGE (w->image),
                                view->has_status ? status_icon_name (view->status) : NULL);
  gtk_widget_set_visible (w->image, view->has_status);
  gtk_label_set_text (GTK_LABEL (w->status), view->status_text);
  set_status_classes (w->image, view->has_status, view->status);
  set_status_classes (w->status, view->has_status, view->status);

  gtk_label_set_text (GTK_LABEL (w->name), view->name);
  gtk_widget_set_visible (w->name, view->name != NULL);
  gtk_label_set_text (GTK_LABEL (w->expires), view->expires);
  gtk_widget_set_visible (w->expires, view->expires != NULL);

  w->has_status = view->has_status;
  w->status_value = view->status;
  g_free (w->title_text);
  w->title_text = g_strdup (view->title);
  g_free (w->status_text);
  w->status_text = g_strdup (view->status_text);
  g_free (w->certificate_text);
  w->certificate_text = g_strdup (view->certificate);
  g_free (w->thumbprint_text);
  w->thumbprint_text = view->thumbprint != NULL ? g_strdup_printf ("SHA-256 %s", view->thumbprint)
                                                : NULL;
  g_free (w->reasons_text);
  w->reasons_text = g_strdup (view->reasons);
  /* open while the list recycled the cell: show the new one */
  if (w->popover_title != NULL)
    cell_create_popup (GTK_MENU_BUTTON (button), NULL);

  g_free (w->tooltip_text);
  if (view->reasons[0] != '\0')
    w->tooltip_text = g_strdup_printf ("%s\n%s", view->status_text, view->reasons);
  else
    w->tooltip_text = g_strdup (view->status_text);

  accessible = g_strdup_printf ("%s: %s", view->accessible, w->tooltip_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
}

/* The Status column: the server's worst finding, and every finding that is not OK. */
static void
bind_summary (GtkWidget     *button,
              CcOverviewRow *row)
{
  g_autoptr(GString) reasons = g_string_new (NULL);
  g_autofree char *counts = NULL;
  g_autofree char *title = NULL;
  g_autofree char *accessible = NULL;
  guint n[3] = { 0, 0, 0 };
  guint n_items = 0;
  CellView view = { 0, };

  for (guint i = 0; i < G_N_ELEMENTS (row->cells); i++)
    {
      CcOverviewCell *cell = row->cells[i];

      if (cell == NULL || !cell->has_item)
        continue;
      n_items++;
      n[cell->status]++;
      if (cell->status == CC_STATUS_OK)
        continue;
      for (guint j = 0; j < cell->reasons->len; j++)
        {
          if (reasons->len > 0)
            g_string_append_c (reasons, '\n');
          /* Translators: one finding in a server's summary: "• <interface>: <reason>" */
          g_string_append_printf (reasons, _("• %s: %s"), get_interface_title (cell->iface),
                                  (const char *) g_ptr_array_index (cell->reasons, j));
        }
    }

  if (n[CC_STATUS_ERROR] > 0 && n[CC_STATUS_WARNING] > 0)
    {
      g_autofree char *errors = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u error",
                                                              "%u errors", n[CC_STATUS_ERROR]),
                                                 n[CC_STATUS_ERROR]);
      g_autofree char *warnings = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u warning",
                                                                "%u warnings",
                                                                n[CC_STATUS_WARNING]),
                                                   n[CC_STATUS_WARNING]);

      /* Translators: a server's findings: "1 error, 2 warnings" */
      counts = g_strdup_printf (_("%s, %s"), errors, warnings);
    }
  else if (n[CC_STATUS_ERROR] > 0)
    counts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u error", "%u errors",
                                           n[CC_STATUS_ERROR]),
                              n[CC_STATUS_ERROR]);
  else if (n[CC_STATUS_WARNING] > 0)
    counts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u warning", "%u warnings",
                                           n[CC_STATUS_WARNING]),
                              n[CC_STATUS_WARNING]);
  else if (n_items > 0)
    /* Translators: a server whose every finding is OK: "2 checked" (certificates) */
    counts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u checked", "%u checked",
                                           n_items),
                              n_items);

  /* Translators: the heading of a server's summary in the overview */
  title = g_strdup_printf (_("%s — Summary"), row->fqdn);
  accessible = g_strdup_printf ("%s, %s", row->fqdn, _("Status"));

  view.has_status = row->has_item;
  view.status = row->worst;
  view.status_text = row->has_item ? status_text (row->worst) : _("Nothing assigned");
  view.name = counts;
  view.title = title;
  view.reasons = reasons->len > 0 ? reasons->str
                                  : row->has_item ? _("Every assigned certificate meets its requirements.")
                                                  : "";
  view.accessible = accessible;
  show_cell (button, &view);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  guint index = GPOINTER_TO_UINT (user_data);
  CcOverviewRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *button = gtk_list_item_get_child (list_item);
  CcOverviewCell *cell;
  const char *iface_title;
  g_autofree char *title = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *reasons = NULL;
  g_autofree char *accessible = NULL;
  CellView view = { 0, };

  g_object_set_data (G_OBJECT (button), "cc-fqdn", row->fqdn);
  g_object_set_data (G_OBJECT (button), "cc-interface", GUINT_TO_POINTER (index));

  if (index == SUMMARY_INDEX)
    {
      gtk_widget_set_visible (button, TRUE);
      bind_summary (button, row);
      return;
    }

  /* an interface this server does not have: nothing to show */
  cell = row->cells[index];
  gtk_widget_set_visible (button, cell != NULL);
  if (cell == NULL)
    return;

  iface_title = get_interface_title ((int) index - 1);
  /* Translators: the heading of a cell's details: "<server> — <interface>" */
  title = g_strdup_printf (_("%s — %s"), row->fqdn, iface_title);

  if (cell->not_after != NULL)
    {
      g_autofree char *date = format_date (cell->not_after);

      /* Translators: in a cell of the overview: "Expires 31 Jan 2027" */
      expires = g_strdup_printf (_("Expires %s"), date);
    }

  if (cell->thumbprint != NULL)
    /* Translators: the certificate assigned ("Front End pool01"), then when it expires */
    certificate = g_strdup_printf (_("Certificate: %s\n%s"),
                                   cell->certificate_name != NULL ? cell->certificate_name
                                                                  : _("not in the Personal store"),
                                   expires != NULL ? expires : "");
  else if (index > 0)
    certificate = g_strdup_printf (_("No certificate is assigned to this interface of %s."),
                                   row->fqdn);

  reasons = dup_reasons_text (cell, "• ");
  if (cell->has_item && cell->reasons->len == 0)
    {
      g_free (reasons);
      reasons = g_strdup (index == 0 ? _("Nothing to report.") : _("It meets every requirement."));
    }
  accessible = g_strdup_printf ("%s, %s", row->fqdn, iface_title);

  view.has_status = cell->has_item;
  view.status = cell->status;
  if (cell->has_item)
    view.status_text = status_text (cell->status);
  else
    view.status_text = index == 0 ? _("No findings") : _("Not assigned");
  view.name = cell->certificate_name;
  view.expires = expires;
  view.title = title;
  view.certificate = certificate;
  view.thumbprint = cell->thumbprint;
  view.reasons = reasons;
  view.accessible = accessible;
  show_cell (button, &view);
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *button = gtk_list_item_get_child (list_item);

  g_object_set_data (G_OBJECT (button), "cc-fqdn", NULL);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
}

/* A long interface name on two lines, so that its column need not be as wide as the name:
 * 4.8's column titles neither wrap nor ellipsize. */
static char *
dup_column_title (const char *title)
{
  char *two_lines = g_strdup (title);
  gsize len = strlen (two_lines);
  char *best = NULL;

  if (len < 18)
    return two_lines;
  for (char *p = strchr (two_lines, ' '); p != NULL; p = strchr (p + 1, ' '))
    if (best == NULL || ABS ((gssize) (p - two_lines) - (gssize) len / 2)
                        < ABS ((gssize) (best - two_lines) - (gssize) len / 2))
      best = p;
  if (best != NULL)
    *best = '\n';
  return two_lines;
}

/* wide enough for the longest line of its title */
static int
get_column_width (CcOverviewPage *self,
                  const char     *title,
                  int             minimum)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->grid), title);
  PangoAttrList *attributes = pango_attr_list_new ();
  int width;

  /* the headers are bold */
  pango_attr_list_insert (attributes, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attributes);
  pango_attr_list_unref (attributes);
  pango_layout_get_pixel_size (layout, &width, NULL);
  return MAX (minimum, width + 36);
}

static void
add_column (CcOverviewPage *self,
            guint           index,
            const char     *title,
            int             minimum_width)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;
  g_autoptr(GtkCustomSorter) sorter = NULL;
  g_autofree char *two_lines = dup_column_title (title);

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GUINT_TO_POINTER (index));
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), NULL);

  column = gtk_column_view_column_new (two_lines, g_object_ref (factory));
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_fixed_width (column,
                                          get_column_width (self, two_lines, minimum_width));
  sorter = gtk_custom_sorter_new (cell_compare, GUINT_TO_POINTER (index), NULL);
  gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));

  gtk_column_view_append_column (self->grid, column);
  g_ptr_array_add (self->columns, g_object_ref (column));
}

/* The server's status, one column per interface the shown servers have, then the
 * server-wide findings. Interfaces with something assigned somewhere come first, each
 * group in CcInterface order: a fleet rarely uses every interface, and eight columns do
 * not fit beside the tree. */
static void
update_columns (CcOverviewPage *self,
                guint           column_set,
                guint           assigned_set)
{
  if (column_set == self->column_set && assigned_set == self->assigned_set
      && self->columns->len > 0)
    return;

  for (guint i = 0; i < self->columns->len; i++)
    gtk_column_view_remove_column (self->grid, g_ptr_array_index (self->columns, i));
  g_ptr_array_set_size (self->columns, 0);
  self->column_set = column_set;
  self->assigned_set = assigned_set;

  /* Translators: the overview's column with each server's worst finding */
  add_column (self, SUMMARY_INDEX, _("Status"), 170);
  for (guint pass = 0; pass < 2; pass++)
    for (int iface = 0; iface < CC_N_INTERFACES; iface++)
      {
        guint bit = 1u << (iface + 1);

        if ((column_set & bit) != 0 && ((assigned_set & bit) != 0) == (pass == 0))
          add_column (self, (guint) iface + 1, get_interface_title (iface), 190);
      }
  add_column (self, 0, get_interface_title (-1), 130);
}

/* The servers the scope holds, from the window's deployment: a new array of borrowed ones. */
static GPtrArray *
dup_scope_servers (CcOverviewPage *self)
{
  GPtrArray *servers;

  if (CC_IS_DEPLOYMENT (self->scope))
    return cc_deployment_list_servers (CC_DEPLOYMENT (self->scope));

  servers = g_ptr_array_new ();
  if (CC_IS_POOL (self->scope))
    {
      GListModel *pool = G_LIST_MODEL (self->scope);

      for (guint i = 0; i < g_list_model_get_n_items (pool); i++)
        {
          g_autoptr(CcServer) server = g_list_model_get_item (pool, i);
          g_ptr_array_add (servers, server);
        }
    }
  else if (CC_IS_SITE (self->scope))
    {
      GListModel *site = G_LIST_MODEL (self->scope);

      for (guint i = 0; i < g_list_model_get_n_items (site); i++)
        {
          g_autoptr(GListModel) pool = g_list_model_get_item (site, i);

          for (guint j = 0; j < g_list_model_get_n_items (pool); j++)
            {
              g_autoptr(CcServer) server = g_list_model_get_item (pool, j);
              g_ptr_array_add (servers, server);
            }
        }
    }
  return servers;
}

static const char *
get_scope_title (CcOverviewPage *self)
{
  if (CC_IS_SITE (self->scope))
    return cc_site_get_name (CC_SITE (self->scope));
  if (CC_IS_POOL (self->scope))
    return cc_pool_get_fqdn (CC_POOL (self->scope));
  return _("All Servers of the Deployment");
}

static guint
get_warning_days (CcOverviewPage *self)
{
  return g_settings_get_uint (self->settings, "expiry-warning-days");
}

static void
set_running (CcOverviewPage *self,
             GCancellable   *cancellable)
{
  gboolean was_running = self->cancellable != NULL;

  if (self->cancellable != NULL && self->cancellable != cancellable)
    {
      g_cancellable_cancel (self->cancellable);
      stop_fill (self);
    }
  g_set_object (&self->cancellable, cancellable);

  gtk_spinner_set_spinning (self->rerun_spinner, cancellable != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->rerun_spinner), cancellable != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "overview.cancel", cancellable != NULL);

  if (was_running != (cancellable != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* The result, drawn. */

/* "3 servers OK, 1 with warnings, 1 with errors": servers counted by their worst finding */
static char *
dup_summary (guint n_ok,
             guint n_warning,
             guint n_error)
{
  /* Translators: the first part of the overview's summary: "3 servers OK" */
  g_autofree char *ok = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u server OK",
                                                      "%u servers OK", n_ok), n_ok);
  /* Translators: the second part of the overview's summary: "1 with warnings" (servers) */
  g_autofree char *warning = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u with warnings",
                                                           "%u with warnings", n_warning),
                                              n_warning);
  /* Translators: the third part of the overview's summary: "1 with errors" (servers) */
  g_autofree char *error = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u with errors",
                                                         "%u with errors", n_error), n_error);

  /* Translators: the overview's summary: "3 servers OK, 1 with warnings, 1 with errors" */
  return g_strdup_printf (_("%s, %s, %s"), ok, warning, error);
}

static int
expiring_compare (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  CcOverviewCell *ca = (CcOverviewCell *) a;
  CcOverviewCell *cb = (CcOverviewCell *) b;
  int cmp = g_date_time_compare (ca->not_after, cb->not_after);

  if (cmp != 0)
    return cmp;
  cmp = cc_natural_compare (ca->fqdn, cb->fqdn);
  return cmp != 0 ? cmp : ca->iface - cb->iface;
}

/* The result, drawn a little at a time. A list view makes the widgets of up to 200 rows at
 * once, seven cells each, and lays them out in the next frame: a thousand servers spliced in
 * one go froze the window for over a second. The fill first builds the rows off the widgets
 * (FILL_BUDGET_US at a time, in idle callbacks), then splices them into the grid a few at a
 * time, one step per frame so that each frame lays out only what the step added, rows
 * without widgets (past the list's window) in growing chunks. It belongs to the check: the
 * page is "running" until it is done, and cancelling the check stops it. */

#define FILL_BUDGET_US 4000
#define FILL_MAX_CHUNK 256
#define FILL_PAINT_TIMEOUT_MS 100

typedef struct
{
  GListStore *store;
  GPtrArray  *items;      /* what the store ends up holding */
  guint       next;       /* the next of items to splice */
  guint       n_old;      /* the store's previous items, replaced in place */
  guint       n_removed;  /* of those, removed so far */
} SpliceJob;

struct _CcOverviewFill
{
  CcOverviewPage *self;          /* borrowed: the page owns the fill */
  GCancellable   *cancellable;   /* the check's */
  CcCheckResult  *result;        /* until the rows are built */
  guint           warning_days;
  GPtrArray      *servers;       /* of CcServer */
  GHashTable     *by_fqdn;       /* lower-case FQDN → CcOverviewRow, borrowed */
  GDateTime      *soon;
  guint           column_set;
  guint           assigned_set;
  guint           next_server;
  guint           next_item;
  gboolean        built;
  gboolean        splicing;      /* the grid's rows are being replaced */
  SpliceJob       jobs[2];       /* the grid's rows, then the expiring list */
  guint           job;
  guint           chunk;
  guint           idle_id;
  GdkFrameClock  *clock;         /* waiting for the frame that lays out the last step */
  gulong          paint_handler;
};

static void
free_result_in_thread (CcCheckResult *result);

static void
fill_free (CcOverviewFill *fill)
{
  g_clear_handle_id (&fill->idle_id, g_source_remove);
  if (fill->clock != NULL)
    {
      g_signal_handler_disconnect (fill->clock, fill->paint_handler);
      g_clear_object (&fill->clock);
    }
  g_clear_object (&fill->cancellable);
  free_result_in_thread (g_steal_pointer (&fill->result));
  g_clear_pointer (&fill->servers, g_ptr_array_unref);
  g_clear_pointer (&fill->by_fqdn, g_hash_table_unref);
  g_clear_pointer (&fill->soon, g_date_time_unref);
  for (guint i = 0; i < G_N_ELEMENTS (fill->jobs); i++)
    g_clear_pointer (&fill->jobs[i].items, g_ptr_array_unref);
  g_free (fill);
}

/* Stops the fill in flight, if any. Rows it had begun to replace are a mix of two checks:
 * they go, and the page has no results to show. */
static void
stop_fill (CcOverviewPage *self)
{
  CcOverviewFill *fill = g_steal_pointer (&self->fill);

  if (fill == NULL)
    return;
  if (fill->splicing)
    {
      self->has_results = FALSE;
      g_list_store_remove_all (self->rows);
      g_list_store_remove_all (self->expiring);
    }
  fill_free (fill);
}

static void
fill_build_row (CcOverviewFill *fill,
                CcServer       *server)
{
  CcOverviewRow *row = g_object_new (CC_TYPE_OVERVIEW_ROW, NULL);
  g_autoptr(GArray) interfaces = cc_server_dup_interfaces (server);

  row->fqdn = g_strdup (cc_server_get_fqdn (server));
  row->role = cc_server_get_role (server);
  row->cells[0] = cc_overview_cell_new (row->fqdn, -1);
  for (guint j = 0; j < interfaces->len; j++)
    {
      CcInterface iface = g_array_index (interfaces, CcInterface, j);

      row->cells[iface + 1] = cc_overview_cell_new (row->fqdn, iface);
      fill->column_set |= 1u << (iface + 1);
    }
  g_hash_table_insert (fill->by_fqdn, g_ascii_strdown (row->fqdn, -1), row);
  g_ptr_array_add (fill->jobs[0].items, row);
}

/* the items refer to the check's own copy of the deployment: matched by FQDN */
static void
fill_add_item (CcOverviewFill *fill,
               CcCheckItem    *item)
{
  g_autofree char *key = g_ascii_strdown (cc_server_get_fqdn (item->server), -1);
  CcOverviewRow *row = g_hash_table_lookup (fill->by_fqdn, key);
  int iface = (int) item->iface;   /* -1 for server-wide findings */
  CcOverviewCell *cell;
  guint index;

  if (row == NULL || iface < -1 || iface >= CC_N_INTERFACES)
    return;
  index = (guint) (iface + 1);
  if (row->cells[index] == NULL)
    {
      row->cells[index] = cc_overview_cell_new (row->fqdn, iface);
      fill->column_set |= 1u << index;
    }
  cell = row->cells[index];

  /* one item per interface; more than one server-wide item would be merged */
  cell->status = cell->has_item ? MAX (cell->status, item->status) : item->status;
  cell->has_item = TRUE;
  if (iface >= 0)
    fill->assigned_set |= 1u << index;
  for (guint j = 0; j < item->reasons->len; j++)
    g_ptr_array_add (cell->reasons, g_strdup (g_ptr_array_index (item->reasons, j)));
  row->worst = row->has_item ? MAX (row->worst, item->status) : item->status;
  row->has_item = TRUE;

  if (item->thumbprint != NULL && cell->thumbprint == NULL)
    {
      /* the check loaded the copy's stores: no disk here */
      CcStore *personal = cc_server_get_store (item->server, CC_STORE_PERSONAL);
      CcStoreEntry *entry = cc_store_is_loaded (personal)
                            ? cc_store_lookup_id (personal, item->thumbprint) : NULL;
      CcCertificate *certificate = entry != NULL ? cc_store_entry_get_certificate (entry)
                                                 : NULL;

      cell->thumbprint = g_strdup (item->thumbprint);
      if (certificate != NULL)
        {
          const char *friendly = cc_store_entry_get_friendly_name (entry);

          cell->certificate_name = g_strdup (friendly[0] != '\0'
                                             ? friendly
                                             : cc_certificate_get_issued_to (certificate));
          cell->not_after = g_date_time_ref (cc_certificate_get_not_after (certificate));
          if (g_date_time_compare (cell->not_after, fill->soon) <= 0)
            g_ptr_array_add (fill->jobs[1].items, g_object_ref (cell));
        }
    }
}

static int
row_ptr_compare (gconstpointer a,
                 gconstpointer b)
{
  return host_compare (*(CcOverviewRow **) a, *(CcOverviewRow **) b, NULL);
}

static int
expiring_ptr_compare (gconstpointer a,
                      gconstpointer b)
{
  return expiring_compare (*(CcOverviewCell **) a, *(CcOverviewCell **) b, NULL);
}

/* Once the rows are built: the columns, the summary line and the expiring list's heading,
 * all correct from the moment the grid shows. */
static void
fill_show_header (CcOverviewFill *fill)
{
  CcOverviewPage *self = fill->self;
  GPtrArray *rows = fill->jobs[0].items;
  GPtrArray *expiring = fill->jobs[1].items;
  g_autoptr(GDateTime) local_now = g_date_time_new_now_local ();
  g_autofree char *summary = NULL;
  g_autofree char *checked = NULL;
  g_autofree char *clock_text = NULL;
  g_autofree char *expiring_title = NULL;
  guint n_ok = 0, n_warning = 0, n_error = 0;
  CcStatus worst = CC_STATUS_OK;

  for (guint i = 0; i < rows->len; i++)
    {
      CcOverviewRow *row = g_ptr_array_index (rows, i);

      if (!row->has_item || row->worst == CC_STATUS_OK)
        n_ok++;
      else if (row->worst == CC_STATUS_WARNING)
        n_warning++;
      else
        n_error++;
      if (row->has_item)
        worst = MAX (worst, row->worst);
    }

  /* in the grid's first order, so that each step appends */
  g_ptr_array_sort (rows, row_ptr_compare);
  g_ptr_array_sort (expiring, expiring_ptr_compare);

  /* other columns: the old rows would be bound again to each: they go first */
  if (fill->column_set != self->column_set || fill->assigned_set != self->assigned_set
      || self->columns->len == 0)
    g_list_store_remove_all (self->rows);
  update_columns (self, fill->column_set, fill->assigned_set);

  fill->jobs[0].store = self->rows;
  fill->jobs[0].n_old = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  fill->jobs[1].store = self->expiring;
  fill->jobs[1].n_old = g_list_model_get_n_items (G_LIST_MODEL (self->expiring));
  fill->splicing = TRUE;

  summary = dup_summary (n_ok, n_warning, n_error);
  gtk_label_set_text (self->summary_label, summary);
  gtk_label_set_text (self->title_label, get_scope_title (self));
  gtk_image_set_from_icon_name (self->summary_icon, status_icon_name (worst));
  set_status_classes (GTK_WIDGET (self->summary_icon), TRUE, worst);

  clock_text = g_date_time_format (local_now, "%X");
  /* Translators: when the overview's check ran: "Checked at 10:24:05" */
  checked = g_strdup_printf (_("Checked at %s"), clock_text);
  gtk_label_set_text (self->checked_label, checked);

  /* Translators: the heading of the list of certificates that expire soon */
  expiring_title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "Expiring Within %u Day",
                                                 "Expiring Within %u Days", fill->warning_days),
                                    fill->warning_days);
  gtk_label_set_text (self->expiring_title, expiring_title);
  if (expiring->len > 0)
    gtk_stack_set_visible_child_name (self->expiring_stack, "list");
  else
    {
      g_autofree char *none =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "No assigned certificate expires within %u day.",
                                      "No assigned certificate expires within %u days.",
                                      fill->warning_days),
                         fill->warning_days);

      gtk_label_set_text (self->expiring_none_label, none);
      gtk_stack_set_visible_child_name (self->expiring_stack, "none");
    }

  self->has_results = TRUE;
  gtk_stack_set_visible_child_name (self->stack, "results");
}

/* One splice of a job: up to chunk items in place of as many old ones; then the old ones
 * left over. FALSE when the job is done. */
static gboolean
splice_step (SpliceJob *job,
             guint      chunk)
{
  guint n_add = MIN (chunk, job->items->len - job->next);
  guint n_remove = MIN (chunk, job->n_old - job->n_removed);

  if (n_add == 0 && n_remove == 0)
    return FALSE;
  g_list_store_splice (job->store, job->next, n_remove,
                       job->items->pdata + job->next, n_add);
  job->next += n_add;
  job->n_removed += n_remove;
  return TRUE;
}

static gboolean fill_step_cb (gpointer user_data);

/* the frame painted (or, the page hidden meanwhile, a while passed): the next step */
static void
fill_resume (CcOverviewFill *fill)
{
  g_clear_handle_id (&fill->idle_id, g_source_remove);
  if (fill->clock != NULL)
    {
      g_signal_handler_disconnect (fill->clock, fill->paint_handler);
      fill->paint_handler = 0;
      g_clear_object (&fill->clock);
    }
  fill->idle_id = g_idle_add (fill_step_cb, fill);
}

static void
fill_after_paint_cb (GdkFrameClock  *clock,
                     CcOverviewFill *fill)
{
  fill_resume (fill);
}

static gboolean
fill_paint_timeout_cb (gpointer user_data)
{
  CcOverviewFill *fill = user_data;

  fill->idle_id = 0;
  fill_resume (fill);
  return G_SOURCE_REMOVE;
}

static void
fill_done (CcOverviewFill *fill)
{
  CcOverviewPage *self = fill->self;

  self->fill = NULL;
  fill_free (fill);
  set_running (self, NULL);
}

static gboolean
fill_step_cb (gpointer user_data)
{
  CcOverviewFill *fill = user_data;
  gint64 deadline = g_get_monotonic_time () + FILL_BUDGET_US;
  guint max_step = fill->self->fill_max_step;
  guint n_done = 0;

  fill->idle_id = 0;

  if (!fill->built)
    {
      while (g_get_monotonic_time () < deadline && (max_step == 0 || n_done++ < max_step))
        {
          if (fill->next_server < fill->servers->len)
            fill_build_row (fill, g_ptr_array_index (fill->servers, fill->next_server++));
          else if (fill->next_item < fill->result->items->len)
            fill_add_item (fill, g_ptr_array_index (fill->result->items, fill->next_item++));
          else
            {
              fill->built = TRUE;
              free_result_in_thread (g_steal_pointer (&fill->result));
              break;
            }
        }
      if (fill->built)
        fill_show_header (fill);
    }
  else
    {
      while (fill->job < G_N_ELEMENTS (fill->jobs) && g_get_monotonic_time () < deadline)
        {
          gint64 t0 = g_get_monotonic_time ();
          gint64 spent;

          if (max_step > 0)
            fill->chunk = MIN (fill->chunk, max_step);
          if (max_step > 0 && n_done++ == 1)
            break;
          if (!splice_step (&fill->jobs[fill->job], fill->chunk))
            {
              fill->job++;
              fill->chunk = 1;
              continue;
            }
          /* rows past the list's window cost no widgets: take more at a time */
          spent = g_get_monotonic_time () - t0;
          if (spent < FILL_BUDGET_US / 8)
            fill->chunk = MIN (fill->chunk * 2, FILL_MAX_CHUNK);
          else if (spent > FILL_BUDGET_US / 2)
            fill->chunk = MAX (fill->chunk / 2, 1);
        }
      if (fill->job == G_N_ELEMENTS (fill->jobs))
        {
          fill_done (fill);
          return G_SOURCE_REMOVE;
        }
    }

  /* what this step added is laid out in the next frame: the next step waits for it */
  if (fill->built && gtk_widget_get_mapped (GTK_WIDGET (fill->self)))
    {
      fill->clock = g_object_ref (gtk_widget_get_frame_clock (GTK_WIDGET (fill->self)));
      fill->paint_handler = g_signal_connect (fill->clock, "after-paint",
                                              G_CALLBACK (fill_after_paint_cb), fill);
      fill->idle_id = g_timeout_add (FILL_PAINT_TIMEOUT_MS, fill_paint_timeout_cb, fill);
      gtk_widget_queue_draw (GTK_WIDGET (fill->self));
    }
  else
    fill->idle_id = g_idle_add (fill_step_cb, fill);
  return G_SOURCE_REMOVE;
}

static void
start_fill (CcOverviewPage *self,
            GCancellable   *cancellable,
            CcCheckResult  *result,
            guint           warning_days)
{
  CcOverviewFill *fill = g_new0 (CcOverviewFill, 1);
  g_autoptr(GPtrArray) servers = dup_scope_servers (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  stop_fill (self);

  fill->self = self;
  fill->cancellable = g_object_ref (cancellable);
  fill->result = result;
  fill->warning_days = warning_days;
  fill->servers = g_ptr_array_new_full (servers->len, g_object_unref);
  for (guint i = 0; i < servers->len; i++)
    g_ptr_array_add (fill->servers, g_object_ref (g_ptr_array_index (servers, i)));
  fill->by_fqdn = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fill->soon = g_date_time_add_days (now, (int) warning_days);
  fill->column_set = 1;   /* the server-wide column is always there */
  fill->jobs[0].items = g_ptr_array_new_full (servers->len, g_object_unref);
  fill->jobs[1].items = g_ptr_array_new_with_free_func (g_object_unref);
  fill->chunk = 1;
  self->fill = fill;
  fill->idle_id = g_idle_add (fill_step_cb, fill);
}

/* Running the check. */

typedef CcCheckResult CcCheckResultInThread;

typedef struct
{
  CcOverviewPage *self;
  GCancellable   *cancellable;
  guint           warning_days;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CheckData, check_data_free)

static gpointer
free_result_thread (gpointer data)
{
  cc_check_result_free (data);
  return NULL;
}

/* A check's result holds the copy of the deployment it read, every store loaded (150,000
 * certificates for 1,000 servers that trust 150 roots): freed off the main loop. */
static void
free_result_in_thread (CcCheckResult *result)
{
  if (result != NULL)
    g_thread_unref (g_thread_new ("cc-check-free", free_result_thread, result));
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcCheckResultInThread, free_result_in_thread)

static void
check_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(CheckData) data = user_data;
  CcOverviewPage *self = data->self;
  g_autoptr(CcCheckResultInThread) result = NULL;
  g_autoptr(GError) error = NULL;

  result = cc_check_finish (CC_DEPLOYMENT (source), res, &error);

  /* a newer check, a cancellation or the page going away took over */
  if (data->cancellable != self->cancellable)
    return;

  if (result == NULL)
    {
      set_running (self, NULL);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (!self->has_results)
            gtk_stack_set_visible_child_name (self->stack, "cancelled");
          return;
        }
      g_debug ("Checking failed: %s", error->message);
      adw_status_page_set_description (self->error_page, error->message);
      self->has_results = FALSE;
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  start_fill (self, data->cancellable, g_steal_pointer (&result), data->warning_days);
}

static void
start_check (CcOverviewPage *self)
{
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(GStrvBuilder) fqdns = NULL;
  g_auto(GStrv) fqdn_list = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  CheckData *data;

  g_clear_handle_id (&self->settings_timeout, g_source_remove);

  if (self->deployment == NULL || self->scope == NULL)
    {
      set_running (self, NULL);
      self->has_results = FALSE;
      gtk_stack_set_visible_child_name (self->stack, "idle");
      return;
    }

  servers = dup_scope_servers (self);
  if (servers->len == 0)
    {
      g_autofree char *description =
        /* Translators: "<site or pool> holds no servers yet." */
        g_strdup_printf (_("%s holds no servers yet."), get_scope_title (self));

      set_running (self, NULL);
      self->has_results = FALSE;
      adw_status_page_set_description (self->empty_page, description);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  /* the whole deployment: NULL, which also takes servers added meanwhile */
  if (!CC_IS_DEPLOYMENT (self->scope))
    {
      fqdns = g_strv_builder_new ();
      for (guint i = 0; i < servers->len; i++)
        g_strv_builder_add (fqdns, cc_server_get_fqdn (g_ptr_array_index (servers, i)));
      fqdn_list = g_strv_builder_end (fqdns);
    }

  cancellable = g_cancellable_new ();
  set_running (self, cancellable);

  if (!self->has_results)
    {
      g_autofree char *title =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Checking %u Server…",
                                      "Checking %u Servers…", servers->len),
                         servers->len);

      adw_status_page_set_title (self->checking_page, title);
      adw_status_page_set_description (self->checking_page, get_scope_title (self));
      gtk_stack_set_visible_child_name (self->stack, "checking");
    }

  data = g_new0 (CheckData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (cancellable);
  data->warning_days = get_warning_days (self);
  cc_check_async (self->deployment, (const char * const *) fqdn_list, data->warning_days,
                  PENDING_DAYS, cancellable, check_done_cb, data);
}

static gboolean
settings_timeout_cb (gpointer user_data)
{
  CcOverviewPage *self = user_data;

  self->settings_timeout = 0;
  start_check (self);
  return G_SOURCE_REMOVE;
}

static void
warning_days_changed_cb (CcOverviewPage *self,
                         const char     *key,
                         GSettings      *settings)
{
  if (self->scope == NULL || self->deployment == NULL)
    return;

  g_clear_handle_id (&self->settings_timeout, g_source_remove);
  self->settings_timeout = g_timeout_add (SETTINGS_DELAY_MS, settings_timeout_cb, self);
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  cc_overview_page_check (CC_OVERVIEW_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  cc_overview_page_cancel (CC_OVERVIEW_PAGE (widget));
}

/* GObject. */

/* out of its window, nobody sees the result */
static void
cc_overview_page_unroot (GtkWidget *widget)
{
  cc_overview_page_cancel (CC_OVERVIEW_PAGE (widget));

  GTK_WIDGET_CLASS (cc_overview_page_parent_class)->unroot (widget);
}

static void
cc_overview_page_dispose (GObject *object)
{
  CcOverviewPage *self = CC_OVERVIEW_PAGE (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  stop_fill (self);
  g_clear_handle_id (&self->settings_timeout, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), CC_TYPE_OVERVIEW_PAGE);
  /* the template's own child, which dispose_template leaves when it is not bound */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->scope);
  g_clear_object (&self->deployment);

  G_OBJECT_CLASS (cc_overview_page_parent_class)->dispose (object);
}

static void
cc_overview_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CcOverviewPage *self = CC_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_DEPLOYMENT:
      g_value_set_object (value, self->deployment);
      break;

    case PROP_SCOPE:
      g_value_set_object (value, self->scope);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, cc_overview_page_get_running (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_overview_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CcOverviewPage *self = CC_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_DEPLOYMENT:
      cc_overview_page_set_deployment (self, g_value_get_object (value));
      break;

    case PROP_SCOPE:
      cc_overview_page_set_scope (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_overview_page_class_init (CcOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cc_overview_page_dispose;
  object_class->get_property = cc_overview_page_get_property;
  object_class->set_property = cc_overview_page_set_property;
  widget_class->unroot = cc_overview_page_unroot;

  properties[PROP_DEPLOYMENT] =
    g_param_spec_object ("deployment", NULL, NULL,
                         CC_TYPE_DEPLOYMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SCOPE] =
    g_param_spec_object ("scope", NULL, NULL,
                         G_TYPE_OBJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certconsole/CertConsole/cc-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, checking_page);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, summary_icon);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, rerun_spinner);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, checked_label);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, grid);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, host_column);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, host_sorter);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, rows);
  gtk_widget_class_bind_template_callback (widget_class, label_query_tooltip_cb);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, expiring_title);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, expiring_stack);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, expiring_none_label);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, expiring_view);
  gtk_widget_class_bind_template_child (widget_class, CcOverviewPage, expiring);

  gtk_widget_class_bind_template_callback (widget_class, row_fqdn);
  gtk_widget_class_bind_template_callback (widget_class, row_role);
  gtk_widget_class_bind_template_callback (widget_class, row_role_icon);
  gtk_widget_class_bind_template_callback (widget_class, cell_fqdn);
  gtk_widget_class_bind_template_callback (widget_class, cell_interface);
  gtk_widget_class_bind_template_callback (widget_class, cell_certificate);
  gtk_widget_class_bind_template_callback (widget_class, cell_expiry_icon);
  gtk_widget_class_bind_template_callback (widget_class, cell_expiry_text);

  gtk_widget_class_install_action (widget_class, "overview.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "overview.cancel", NULL, cancel_action);

  gtk_widget_class_set_css_name (widget_class, "overview");
}

static void
cc_overview_page_init (CcOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->columns = g_ptr_array_new_with_free_func (g_object_unref);
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::expiry-warning-days",
                           G_CALLBACK (warning_days_changed_cb), self, G_CONNECT_SWAPPED);

  gtk_custom_sorter_set_sort_func (self->host_sorter, host_compare, NULL, NULL);
  gtk_column_view_sort_by_column (self->grid, self->host_column, GTK_SORT_ASCENDING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "overview.cancel", FALSE);
}

GtkWidget *
cc_overview_page_new (void)
{
  return g_object_new (CC_TYPE_OVERVIEW_PAGE, NULL);
}

CcDeployment *
cc_overview_page_get_deployment (CcOverviewPage *self)
{
  g_return_val_if_fail (CC_IS_OVERVIEW_PAGE (self), NULL);

  return self->deployment;
}

void
cc_overview_page_set_deployment (CcOverviewPage *self,
                                 CcDeployment   *deployment)
{
  g_return_if_fail (CC_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (deployment == NULL || CC_IS_DEPLOYMENT (deployment));

  if (!g_set_object (&self->deployment, deployment))
    return;

  /* a scope belongs to one deployment */
  if (self->scope != NULL)
    cc_overview_page_set_scope (self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPLOYMENT]);
}

GObject *
cc_overview_page_get_scope (CcOverviewPage *self)
{
  g_return_val_if_fail (CC_IS_OVERVIEW_PAGE (self), NULL);

  return self->scope;
}

void
cc_overview_page_set_scope (CcOverviewPage *self,
                            GObject        *scope)
{
  g_return_if_fail (CC_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (scope == NULL || CC_IS_DEPLOYMENT (scope) || CC_IS_SITE (scope)
                    || CC_IS_POOL (scope));

  if (!g_set_object (&self->scope, scope))
    return;

  /* another scope's rows would be misleading while this one is checked */
  self->has_results = FALSE;
  g_list_store_remove_all (self->rows);
  g_list_store_remove_all (self->expiring);
  start_check (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCOPE]);
}

void
cc_overview_page_check (CcOverviewPage *self)
{
  g_return_if_fail (CC_IS_OVERVIEW_PAGE (self));

  start_check (self);
}

void
cc_overview_page_cancel (CcOverviewPage *self)
{
  g_return_if_fail (CC_IS_OVERVIEW_PAGE (self));

  if (self->cancellable == NULL)
    return;

  set_running (self, NULL);
  if (!self->has_results)
    gtk_stack_set_visible_child_name (self->stack, "cancelled");
}

gboolean
cc_overview_page_get_running (CcOverviewPage *self)
{
  g_return_val_if_fail (CC_IS_OVERVIEW_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

GtkColumnView *
_cc_overview_page_get_grid (CcOverviewPage *self)
{
  g_return_val_if_fail (CC_IS_OVERVIEW_PAGE (self), NULL);

  return self->grid;
}

const char *
_cc_overview_page_get_state (CcOverviewPage *self)
{
  g_return_val_if_fail (CC_IS_OVERVIEW_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GtkLabel *
_cc_overview_page_get_summary (CcOverviewPage *self)
{
  g_return_val_if_fail (CC_IS_OVERVIEW_PAGE (self), NULL);

  return self->summary_label;
}

GtkColumnView *
_cc_overview_page_get_expiring (CcOverviewPage *self)
{
  g_return_val_if_fail (CC_IS_OVERVIEW_PAGE (self), NULL);

  return self->expiring_view;
}

char *
_cc_overview_page_dup_cell_tooltip (GtkWidget *cell)
{
  CellWidgets *w;

  g_return_val_if_fail (GTK_IS_WIDGET (cell), NULL);

  w = g_object_get_data (G_OBJECT (cell), "cc-cell-widgets");
  return w != NULL ? g_strdup (w->tooltip_text) : NULL;
}

GtkLabel *
_cc_overview_page_get_expiring_title (CcOverviewPage *self)
{
  g_return_val_if_fail (CC_IS_OVERVIEW_PAGE (self), NULL);

  return self->expiring_title;
}

void
_cc_overview_page_set_fill_max_step (CcOverviewPage *self,
                                     guint           max_step)
{
  g_return_if_fail (CC_IS_OVERVIEW_PAGE (self));

  self->fill_max_step = max_step;
}

gboolean
_cc_overview_page_get_filling (CcOverviewPage *self)
{
  g_return_val_if_fail (CC_IS_OVERVIEW_PAGE (self), FALSE);

  return self->fill != NULL && self->fill->splicing;
}
