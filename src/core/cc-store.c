/* cc-store.c: one store folder of one server, loaded on demand into a GListModel. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <openssl/crypto.h>

#include "cc-core-private.h"

/* One row of a store: its certificate, and the CcStoreEntry that shows it, made when
 * someone first asks for it. A trust store's rows (150 roots on each of 10,000 servers is
 * 1.5 million of them) hold nothing but the shared certificate until then; Personal and
 * Pending Requests rows carry metadata from their own files, so their entries are made as
 * they are read (a few per server). */
typedef struct
{
  CcCertificate *certificate;   /* NULL for a pending request */
  CcStoreEntry *entry;          /* nullable until asked for; set once (atomically) */
  GDateTime *added;             /* a trust-store row added in this session, else NULL */
} Row;

static void
row_clear (Row *row)
{
  g_clear_object (&row->certificate);
  g_clear_object (&row->entry);
  g_clear_pointer (&row->added, g_date_time_unref);
}

static GArray *
rows_new (guint reserved)
{
  GArray *rows = g_array_sized_new (FALSE, TRUE, sizeof (Row), reserved);
  g_array_set_clear_func (rows, (GDestroyNotify) row_clear);
  return rows;
}

#define ROW(rows, i) (&g_array_index ((rows), Row, (i)))

static const char *
row_get_id (Row *row)
{
  return row->certificate ? cc_certificate_get_thumbprint (row->certificate)
                          : cc_store_entry_get_id (row->entry);
}

/* the row's entry (borrowed), made now when nobody asked for it before; readers on several
 * threads may ask at once: one entry wins, the others are dropped */
static CcStoreEntry *
row_get_entry (Row *row)
{
  CcStoreEntry *entry = g_atomic_pointer_get (&row->entry);

  if (entry == NULL)
    {
      entry = _cc_store_entry_new (row->certificate);
      /* trust stores keep no metadata: what is not on disk is not shown either */
      _cc_store_entry_set_metadata (entry, NULL, FALSE, FALSE, NULL, row->added);
      if (!g_atomic_pointer_compare_and_exchange (&row->entry, NULL, entry))
        {
          g_object_unref (entry);
          entry = g_atomic_pointer_get (&row->entry);
        }
    }
  return entry;
}

struct _CcStore
{
  GObject parent_instance;

  CcServer *server;   /* weak: the server owns its stores */
  CcStoreKind kind;
  char *path;
  GArray *rows;       /* of Row */
  GStrv problems;
  gboolean loaded;
  guint n_read;       /* the last load: certificate files read, and those the index vouched for */
  guint n_indexed;
  gint disk_count;    /* counted by cc_stores_count_async, or -1 */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CcStore, cc_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum
{
  PROP_0,
  PROP_KIND,
  PROP_LOADED,
  PROP_N_ITEMS,
  PROP_DISPLAY_NAME,
  PROP_COUNT,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

typedef struct
{
  GArray *rows;
  GStrv problems;
  guint n_read;
  guint n_indexed;
} LoadResult;

static void
load_result_free (LoadResult *r)
{
  g_clear_pointer (&r->rows, g_array_unref);
  g_strfreev (r->problems);
  g_free (r);
}

static GType
list_model_get_item_type (GListModel *model)
{
  return CC_TYPE_STORE_ENTRY;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return CC_STORE (model)->rows->len;
}

static gpointer
list_model_get_item (GListModel *model, guint position)
{
  CcStore *self = CC_STORE (model);
  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (row_get_entry (ROW (self->rows, position)));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
cc_store_finalize (GObject *object)
{
  CcStore *self = CC_STORE (object);
  g_free (self->path);
  g_array_unref (self->rows);
  g_strfreev (self->problems);
  G_OBJECT_CLASS (cc_store_parent_class)->finalize (object);
}

static void
cc_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CcStore *self = CC_STORE (object);
  switch (prop_id)
    {
    case PROP_KIND: g_value_set_uint (value, self->kind); break;
    case PROP_LOADED: g_value_set_boolean (value, self->loaded); break;
    case PROP_N_ITEMS: g_value_set_uint (value, self->rows->len); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, cc_store_get_display_name (self)); break;
    case PROP_COUNT: g_value_set_int (value, cc_store_get_count (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cc_store_class_init (CcStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = cc_store_finalize;
  object_class->get_property = cc_store_get_property;
  properties[PROP_KIND] = g_param_spec_uint ("kind", NULL, NULL, 0, CC_N_STORES - 1, 0, ro);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  properties[PROP_COUNT] = g_param_spec_int ("count", NULL, NULL, -1, G_MAXINT, -1, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cc_store_init (CcStore *self)
{
  self->rows = rows_new (0);
  self->disk_count = -1;
}

CcStore *
_cc_store_new (CcServer *server, CcStoreKind kind)
{
  CcStore *self = g_object_new (CC_TYPE_STORE, NULL);
  self->server = server;
  self->kind = kind;
  self->path = g_build_filename (cc_server_get_path (server), cc_store_kind_to_id (kind), NULL);
  return self;
}

CcStoreKind
cc_store_get_kind (CcStore *self)
{
  g_return_val_if_fail (CC_IS_STORE (self), 0);
  return self->kind;
}

CcServer *
cc_store_get_server (CcStore *self)
{
  g_return_val_if_fail (CC_IS_STORE (self), NULL);
  return self->server;
}

const char *
cc_store_get_path (CcStore *self)
{
  g_return_val_if_fail (CC_IS_STORE (self), NULL);
  return self->path;
}

const char *
cc_store_get_display_name (CcStore *self)
{
  g_return_val_if_fail (CC_IS_STORE (self), NULL);
  return cc_store_kind_get_display_name (self->kind);
}

gboolean
cc_store_is_loaded (CcStore *self)
{
  g_return_val_if_fail (CC_IS_STORE (self), FALSE);
  return self->loaded;
}

const char * const *
cc_store_get_problems (CcStore *self)
{
  static const char * const none[] = { NULL };
  g_return_val_if_fail (CC_IS_STORE (self), NULL);
  return self->problems ? (const char * const *) self->problems : none;
}

static JsonObject *
read_json_object (const char *path, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *data = NULL;
  gsize len;
  JsonNode *root;

  if (!_cc_read_file (path, &data, &len, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_PARSE, _("“%s” does not hold a JSON object"), path);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static GDateTime *
parse_time (const char *iso)
{
  return iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
}

/* A Personal certificate's or a request's metadata (<id>.json), as read */
typedef struct
{
  const char *friendly;   /* each nullable */
  const char *source;
  gboolean exportable;
  const char *added;      /* ISO 8601 */
} Metadata;

#define METADATA_TYPE "(msmsbms)"

static void
metadata_from_json (Metadata *md, JsonObject *meta)
{
  md->friendly = json_object_get_string_member_with_default (meta, "friendly_name", NULL);
  md->source = json_object_get_string_member_with_default (meta, "source", NULL);
  md->exportable = json_object_get_boolean_member_with_default (meta, "exportable", FALSE);
  md->added = json_object_get_string_member_with_default (meta, "added", NULL);
}

static void
apply_metadata_fields (CcStoreEntry *entry, const Metadata *md, gboolean has_key)
{
  g_autoptr(GDateTime) added = md ? parse_time (md->added) : NULL;

  _cc_store_entry_set_metadata (entry, md ? md->friendly : NULL, has_key,
                                has_key && md && md->exportable, md ? md->source : NULL, added);
}

static void
apply_metadata (CcStoreEntry *entry, JsonObject *meta, gboolean has_key)
{
  Metadata md;

  if (meta == NULL)
    {
      apply_metadata_fields (entry, NULL, has_key);
      return;
    }
  metadata_from_json (&md, meta);
  apply_metadata_fields (entry, &md, has_key);
}

static int
compare_rows (gconstpointer a, gconstpointer b)
{
  Row *ra = (Row *) a;
  Row *rb = (Row *) b;
  int r = 0;

  if (ra->certificate != NULL && rb->certificate != NULL)
    r = _cc_certificate_compare_issued_to (ra->certificate, rb->certificate);   /* cc_natural_compare's order */
  if (r == 0)
    r = g_strcmp0 (row_get_id (ra), row_get_id (rb));
  return r;
}

/* the file's full path, made when a message needs it */
static const char *
store_file_path (char **path, const char *dir, const char *name)
{
  if (*path == NULL)
    *path = g_build_filename (dir, name, NULL);
  return *path;
}

/* What a loading thread remembers while it loads many stores (_cc_stores_load_many).
 *
 * certificates: thumbprint -> the deployment's certificate (borrowed: the deployment keeps
 * every certificate it interned for its life). Every server trusts the same roots, so nearly
 * every file of a trust store is one the thread met already: looking it up here spares the
 * deployment's lock, which the threads would otherwise take in turns 1.5 million times for
 * 10,000 servers.
 *
 * inodes: (device, inode) -> the stat of a file several store folders link to (a batch
 * writes the same certificate on every server once, and links it: _cc_batch_write_shared).
 * The folder's listing gives each name's inode; a name whose inode was stat'ed already in
 * this load is that same file, and its stat is the one taken: 10,000 servers trusting 150
 * roots cost 150 stats, not 1.5 million. Only where the listing's inode numbers are the
 * files' own (ext4, XFS, Btrfs, tmpfs; not an overlay, whose listing may show a lower
 * layer's). */
typedef struct
{
  dev_t dev;
  ino_t ino;
} InodeKey;

typedef struct
{
  GHashTable *certificates;
  GHashTable *inodes;        /* of InodeKey -> GStatBuf, both in one allocation */
  dev_t fs_dev;              /* the last filesystem asked about, and the answer */
  gboolean fs_known;
  gboolean fs_by_inode;
} LoadMemo;

static guint
inode_key_hash (gconstpointer p)
{
  const InodeKey *k = p;
  return (guint) (k->ino ^ (k->ino >> 32) ^ (k->dev * 31));
}

static gboolean
inode_key_equal (gconstpointer a, gconstpointer b)
{
  const InodeKey *ka = a, *kb = b;
  return ka->ino == kb->ino && ka->dev == kb->dev;
}

static void
load_memo_init (LoadMemo *memo)
{
  memo->certificates = g_hash_table_new (g_str_hash, g_str_equal);
  memo->inodes = g_hash_table_new_full (inode_key_hash, inode_key_equal, g_free, NULL);
  memo->fs_known = FALSE;
}

static void
load_memo_clear (LoadMemo *memo)
{
  g_hash_table_unref (memo->certificates);
  g_hash_table_unref (memo->inodes);
}

/* whether the folder's listing gives the files' own inode numbers */
static gboolean
memo_by_inode (LoadMemo *memo, int dir_fd, dev_t dev)
{

  if (memo == NULL)
    return FALSE;
  if (memo->fs_known && memo->fs_dev == dev)
    return memo->fs_by_inode;
  memo->fs_dev = dev;
  memo->fs_known = TRUE;
  memo->fs_by_inode = _cc_listing_gives_inodes (dir_fd);
  return memo->fs_by_inode;
}

static const GStatBuf *
memo_inode_lookup (LoadMemo *memo, dev_t dev, ino_t ino)
{
  InodeKey key = { dev, ino };
  GStatBuf *st = g_hash_table_lookup (memo->inodes, &key);
  return st;
}

static void
memo_inode_add (LoadMemo *memo, const GStatBuf *st)
{
  /* the key and the stat in one block: the stat right after the key */
  struct { InodeKey key; GStatBuf st; } *both = g_new (typeof (*both), 1);

  both->key.dev = st->st_dev;
  both->key.ino = st->st_ino;
  both->st = *st;
  g_hash_table_replace (memo->inodes, &both->key, &both->st);
}

static CcCertificate *
memo_lookup (LoadMemo *memo, CcDeployment *deployment, const char *thumbprint)
{
  CcCertificate *cert = memo ? g_hash_table_lookup (memo->certificates, thumbprint) : NULL;

  if (cert != NULL)
    return g_object_ref (cert);
  cert = _cc_deployment_lookup_certificate (deployment, thumbprint);
  if (cert != NULL && memo != NULL)
    g_hash_table_insert (memo->certificates, (gpointer) cc_certificate_get_thumbprint (cert), cert);
  return cert;
}

/* cert is the deployment's own (interned): returned as given */
static CcCertificate *
memo_add (LoadMemo *memo, CcCertificate *cert)
{
  if (memo != NULL)
    g_hash_table_insert (memo->certificates, (gpointer) cc_certificate_get_thumbprint (cert), cert);
  return cert;
}

/* How one folder is being read: its descriptor, and the files' device when the memo's
 * inodes may serve (by_inode) */
typedef struct
{
  int dir_fd;
  LoadMemo *memo;
  gboolean by_inode;
  dev_t dev;
  guint n_stats;
  GHashTable *names;   /* Personal: every name listed -> its d_type + 1 */
  guint n_meta_hits;   /* Personal: metadata files the index vouched for */
} FolderLoad;

/* Personal: whether the folder listed <thumbprint><suffix>, and for a key whether it is a
 * regular file (the listing's type, or a stat where the listing does not say) */
static gboolean
folder_has (FolderLoad *folder, const char *thumbprint, const char *suffix, gboolean regular)
{
  char name[80];
  guint type;

  g_snprintf (name, sizeof name, "%s%s", thumbprint, suffix);
  type = GPOINTER_TO_UINT (g_hash_table_lookup (folder->names, name));
  if (type == 0)
    return FALSE;
  type--;
  if (!regular || type == DT_REG)
    return TRUE;
  if (type == DT_UNKNOWN || type == DT_LNK)
    {
      GStatBuf st;
      return fstatat (folder->dir_fd, name, &st, 0) == 0 && S_ISREG (st.st_mode);
    }
  return FALSE;
}

/* Personal: reads <thumbprint>.json into *md (its strings held by *keep), from the index
 * when the file's stat matches its row there; FALSE (with a problem added when the file is
 * damaged) when there is no metadata to apply */
static gboolean
load_metadata (FolderLoad   *folder,
               const char   *dir,
               const char   *thumbprint,
               CcStoreIndex *index,
               CcStoreIndex *fresh,
               Metadata     *md,
               GVariant    **keep,
               GStrvBuilder *problems)
{
  g_autofree char *name = g_strdup_printf ("%s.json", thumbprint);
  g_autoptr(GBytes) cached = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *data = NULL;
  guint8 key[32];
  GStatBuf st;
  JsonNode *root;
  gsize len;

  if (!folder_has (folder, thumbprint, ".json", FALSE))
    return FALSE;
  /* its row's key: the thumbprint's SHA-256, which no certificate's thumbprint is */
  _cc_sha256_raw (thumbprint, 64, key);
  if (index != NULL && fresh != NULL && fstatat (folder->dir_fd, name, &st, 0) == 0
      && _cc_store_index_matches_raw (index, key, &st, &cached) && cached != NULL)
    {
      *keep = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (METADATA_TYPE),
                                                            cached, FALSE));
      g_variant_get (*keep, "(m&sm&sbm&s)", &md->friendly, &md->source, &md->exportable,
                     &md->added);
      folder->n_meta_hits++;
      _cc_store_index_add_raw (fresh, key, &st, cached);
      return TRUE;
    }
  if (!_cc_read_file_at (folder->dir_fd, dir, name, &st, &data, &len, &error))
    {
      _cc_strv_builder_take (problems, g_strdup (error->message));
      return FALSE;
    }
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, len, &error))
    {
      _cc_strv_builder_take (problems, g_strdup (error->message));
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      _cc_strv_builder_take (problems,
                             g_strdup_printf (_("“%s” does not hold a JSON object"), path));
      return FALSE;
    }
  metadata_from_json (md, json_node_get_object (root));
  *keep = g_variant_ref_sink (g_variant_new (METADATA_TYPE, md->friendly, md->source,
                                             md->exportable, md->added));
  g_variant_get (*keep, "(m&sm&sbm&s)", &md->friendly, &md->source, &md->exportable, &md->added);
  if (fresh != NULL)
    {
      g_autoptr(GBytes) made = g_variant_get_data_as_bytes (*keep);
      _cc_store_index_add_raw (fresh, key, &st, made);
    }
  return TRUE;
}

/* index: the folder's index cache as read (nullable); fresh: the one being rebuilt (nullable);
 * *hit is set when the index vouched for the file (it need not be read when the certificate
 * was parsed already). Fills row (an entry only for Personal, whose metadata is read now);
 * FALSE when the file gives no row. */
static gboolean
load_certificate_file (Row          *row,
                       CcDeployment *deployment,
                       const char   *dir,
                       const char   *name,
                       gboolean      personal,
                       CcStoreIndex *index,
                       CcStoreIndex *fresh,
                       FolderLoad   *folder,
                       ino_t         d_ino,
                       gboolean     *hit,
                       guint        *n_read,
                       GStrvBuilder *problems)
{
  /* the full paths only when a file is read: a trust store's entry the index vouched for
   * costs one fstatat and no allocation but its entry */
  g_autofree char *path = NULL;
  char thumbprint[65];
  g_autofree char *data = NULL;
  g_autoptr(GPtrArray) blocks = NULL;
  g_autoptr(CcCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) summary = NULL;
  GStatBuf st;
  gboolean have_stat = FALSE;
  int dir_fd = folder->dir_fd;
  gsize len;

  memcpy (thumbprint, name, 64);
  thumbprint[64] = '\0';
  if (dir_fd < 0)
    path = g_build_filename (dir, name, NULL);

  /* the index only says which file held which certificate; the certificate itself comes
   * from this deployment's parsed ones, or from the file */
  /* relative to the folder: one name to look up, not the whole path; with no index to
   * match, the stat comes with the reading */
  if (fresh != NULL && index != NULL)
    {
      const GStatBuf *known = folder->by_inode && d_ino != 0
                              ? memo_inode_lookup (folder->memo, folder->dev, d_ino) : NULL;

      if (known != NULL)
        {
          st = *known;
          have_stat = TRUE;
        }
      else
        {
          folder->n_stats++;
          have_stat = fstatat (dir_fd, name, &st, 0) == 0;
          /* linked from other folders, and listed as itself */
          if (have_stat && folder->by_inode && st.st_nlink > 1 && st.st_ino == d_ino
              && st.st_dev == folder->dev && S_ISREG (st.st_mode))
            memo_inode_add (folder->memo, &st);
        }
    }
  if (have_stat && _cc_store_index_matches (index, thumbprint, &st, &summary))
    {
      *hit = TRUE;
      cert = memo_lookup (folder->memo, deployment, thumbprint);
      if (cert == NULL && summary != NULL)
        {
          /* parsed before: its summary is in the index, and the DER waits until needed */
          g_autoptr(CcCertificate) made = _cc_certificate_new_from_summary (summary, thumbprint);
          if (made != NULL)
            cert = memo_add (folder->memo, _cc_deployment_intern_certificate (deployment, made));
          else
            *hit = FALSE;   /* a row whose summary is refused is wrong: rewrite the index */
        }
    }
  if (cert != NULL)
    {
      if (summary == NULL && personal)
        summary = _cc_certificate_dup_summary (cert);
      _cc_store_index_add (fresh, thumbprint, &st, summary);
      goto have_certificate;
    }

  (*n_read)++;
  /* relative to the folder: open, fstat, read, close; and the stat of what was read */
  if (!(dir_fd >= 0 ? _cc_read_file_at (dir_fd, dir, name, &st, &data, &len, &error)
                    : _cc_read_file_at (AT_FDCWD, NULL, path, &st, &data, &len, &error)))
    {
      _cc_strv_builder_take (problems, g_strdup (error->message));
      return FALSE;
    }
  have_stat = fresh != NULL;
  blocks = _cc_pem_decode_all (data, len, "CERTIFICATE");
  if (blocks->len == 0)
    {
      _cc_strv_builder_take (problems,
                           g_strdup_printf (_("“%s” holds no certificate; remove it or import the certificate again"),
                                            store_file_path (&path, dir, name)));
      return FALSE;
    }
  cert = _cc_deployment_intern_der (deployment, g_ptr_array_index (blocks, 0), personal, &error);
  if (cert == NULL)
    {
      _cc_strv_builder_take (problems, g_strdup_printf (_("“%s”: %s"), store_file_path (&path, dir, name),
                                                        error->message));
      return FALSE;
    }
  if (deployment != NULL)
    memo_add (folder->memo, cert);
  if (!g_str_equal (cc_certificate_get_thumbprint (cert), thumbprint))
    {
      _cc_strv_builder_take (problems,
                           g_strdup_printf (_("“%s” holds a certificate whose thumbprint is %s; the file was changed outside the console"),
                                            store_file_path (&path, dir, name),
                                            cc_certificate_get_thumbprint (cert)));
      return FALSE;
    }
  if (have_stat)
    {
      /* Personal certificates are each on a server or a pool: their summaries save parsing
       * them again; trust stores' certificates are shared by many and parsed once anyway */
      g_autoptr(GBytes) made = personal ? _cc_certificate_dup_summary (cert) : NULL;
      _cc_store_index_add (fresh, thumbprint, &st, made);
    }

have_certificate:
  row->certificate = g_steal_pointer (&cert);
  if (!personal)
    return TRUE;   /* its entry waits until somebody asks for it */
  /* its key and metadata: the folder's listing says whether they are there, the index
   * holds the metadata as it was when the file had this stat */
  {
    g_autoptr(GVariant) keep = NULL;
    Metadata md = { NULL, NULL, FALSE, NULL };
    gboolean have_md = load_metadata (folder, dir, thumbprint, index, fresh, &md, &keep,
                                      problems);

    row->entry = _cc_store_entry_new (row->certificate);
    apply_metadata_fields (row->entry, have_md ? &md : NULL,
                           folder_has (folder, thumbprint, ".key", TRUE));
  }
  return TRUE;
}

static CcStoreEntry *
load_request_file (const char *dir, const char *name, GStrvBuilder *problems)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *id = g_strndup (name, strlen (name) - strlen (".json"));
  g_autofree char *csr_path = g_strdup_printf ("%s/%s.csr", dir, id);
  g_autoptr(JsonObject) meta = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key_path = g_strdup_printf ("%s/%s.key", dir, id);
  CcStoreEntry *entry;

  /* the CSR is written last: metadata without it is an interrupted request */
  if (!g_file_test (csr_path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  meta = read_json_object (path, &error);
  if (meta == NULL)
    {
      _cc_strv_builder_take (problems, g_strdup (error->message));
      return NULL;
    }
  entry = _cc_store_entry_new (NULL);
  _cc_store_entry_set_id (entry, id);
  apply_metadata (entry, meta, g_file_test (key_path, G_FILE_TEST_IS_REGULAR));
  _cc_store_entry_set_request (entry,
                               json_object_get_string_member_with_default (meta, "subject", ""),
                               json_object_get_string_member_with_default (meta, "interface", ""),
                               json_object_get_string_member_with_default (meta, "key", ""));
  return entry;
}

typedef struct
{
  char *name;   /* owned by FolderLoad.names */
  ino_t ino;
} Listed;

static LoadResult *
load_folder (CcDeployment  *deployment,
             const char    *dir_path,
             CcStoreKind    kind,
             LoadMemo      *memo,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GStrvBuilder) problems = g_strv_builder_new ();
  g_autoptr(GArray) rows = rows_new (0);
  g_autoptr(GError) local = NULL;
  g_autoptr(CcStoreIndex) index = NULL;
  g_autoptr(CcStoreIndex) fresh = NULL;
  LoadResult *result;
  guint n_hits = 0, n_read = 0;
  DIR *dir = NULL;
  FolderLoad folder = { -1, memo, FALSE, 0, 0, NULL, 0 };
  g_autoptr(GArray) listed = NULL;   /* Personal: of Listed */
  int dir_fd;

  /* the folder is opened once: its files are read, and its index too, relative to it (one
   * name to look up, not the whole path) */
  dir_fd = open (dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 && errno != ENOENT)
    {
      int saved = errno;
      g_set_error (error, CC_ERROR, CC_ERROR_IO,
                   _("Cannot read the store folder “%s”: %s"), dir_path, g_strerror (saved));
      return NULL;
    }
  if (dir_fd >= 0)
    {
      struct dirent *d;
      int list_fd = dup (dir_fd);

      if (list_fd < 0 || (dir = fdopendir (list_fd)) == NULL)
        {
          int saved = errno;
          if (list_fd >= 0)
            close (list_fd);
          close (dir_fd);
          g_set_error (error, CC_ERROR, CC_ERROR_IO,
                       _("Cannot read the store folder “%s”: %s"), dir_path, g_strerror (saved));
          return NULL;
        }
      /* certificates are shared across the deployment: without one, the index saves nothing */
      if (deployment != NULL && kind != CC_STORE_REQUESTS)
        {
          GStatBuf dir_st;

          index = _cc_store_index_read_at (dir_fd, dir_path);
          fresh = _cc_store_index_new_sized (index);
          if (index != NULL && memo != NULL && fstat (dir_fd, &dir_st) == 0)
            {
              folder.dev = dir_st.st_dev;
              folder.by_inode = memo_by_inode (memo, dir_fd, dir_st.st_dev);
            }
        }
      folder.dir_fd = dir_fd;
      /* Personal: the whole listing first, so that a certificate's key and metadata files
       * are known there without a stat each */
      if (kind == CC_STORE_PERSONAL)
        {
          folder.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          listed = g_array_new (FALSE, FALSE, sizeof (Listed));
          while ((d = readdir (dir)) != NULL)
            {
              Listed l = { g_strdup (d->d_name), d->d_ino };
              g_hash_table_insert (folder.names, l.name, GUINT_TO_POINTER ((guint) d->d_type + 1));
              g_array_append_val (listed, l);
            }
        }
      for (guint next = 0;; next++)
        {
          const char *name;
          ino_t d_ino;
          Row row = { NULL, NULL, NULL };
          gboolean hit = FALSE, got = FALSE;

          if (listed != NULL)
            {
              if (next >= listed->len)
                break;
              name = g_array_index (listed, Listed, next).name;
              d_ino = g_array_index (listed, Listed, next).ino;
            }
          else if ((d = readdir (dir)) != NULL)
            {
              name = d->d_name;
              d_ino = d->d_ino;
            }
          else
            break;
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              closedir (dir);
              close (dir_fd);
              g_clear_pointer (&folder.names, g_hash_table_unref);
              return NULL;
            }
          if (kind == CC_STORE_REQUESTS)
            {
              if (g_str_has_suffix (name, ".json") && name[0] != '.')
                got = (row.entry = load_request_file (dir_path, name, problems)) != NULL;
            }
          else if (strlen (name) == 68 && g_str_has_suffix (name, ".pem"))
            {
              char stem[65];
              memcpy (stem, name, 64);
              stem[64] = '\0';
              if (_cc_is_thumbprint (stem))
                got = load_certificate_file (&row, deployment, dir_path, name,
                                             kind == CC_STORE_PERSONAL, index, fresh,
                                             &folder, d_ino, &hit, &n_read,
                                             problems);
            }
          if (got)
            g_array_append_val (rows, row);
          n_hits += hit;
        }
      closedir (dir);
      close (dir_fd);
      g_clear_pointer (&folder.names, g_hash_table_unref);
      _cc_work_count_store_stats (folder.n_stats);
      /* rewritten unless every row was used and every file had one; a folder we may not
       * write to is still read, just without an index */
      if (fresh != NULL
          && (index == NULL || n_hits + folder.n_meta_hits != _cc_store_index_get_n_rows (index)
              || n_hits + folder.n_meta_hits != _cc_store_index_get_n_rows (fresh)))
        {
          if (!_cc_store_index_write (fresh, dir_path, &local))
            g_debug ("no index for %s: %s", dir_path, local->message);
          g_clear_error (&local);
        }
    }

  g_array_sort (rows, compare_rows);
  result = g_new0 (LoadResult, 1);
  result->rows = g_steal_pointer (&rows);
  result->problems = g_strv_builder_end (problems);
  result->n_read = n_read;
  result->n_indexed = n_hits;
  return result;
}

static void
apply_result (CcStore *self, LoadResult *result)
{
  guint old_len = self->rows->len;
  gboolean was_loaded = self->loaded;

  g_array_unref (self->rows);
  self->rows = g_steal_pointer (&result->rows);
  g_strfreev (self->problems);
  self->problems = g_steal_pointer (&result->problems);
  self->n_read = result->n_read;
  self->n_indexed = result->n_indexed;
  self->loaded = TRUE;
  _cc_store_refresh_assignments (self);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->rows->len);
  if (old_len != self->rows->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  if (!was_loaded)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

static CcDeployment *
store_deployment (CcStore *self)
{
  return self->server ? _cc_server_get_deployment (self->server) : NULL;
}

typedef struct
{
  CcStore *store;
  CcDeployment *deployment;
  LoadResult *result;
  GError *error;
} ManyJob;

typedef struct
{
  ManyJob *jobs;
  guint n_jobs;
  gint next;            /* the next job to take, atomically */
  GCancellable *cancellable;
} ManyLoad;

/* one per processor: takes the next store until none is left, with its own memo */
static void
many_worker_run (gpointer data, gpointer user_data)
{
  ManyLoad *load = user_data;
  LoadMemo memo;
  guint i;

  load_memo_init (&memo);
  _cc_thread_set_background ();
  while ((i = (guint) g_atomic_int_add (&load->next, 1)) < load->n_jobs)
    {
      ManyJob *job = &load->jobs[i];
      job->result = load_folder (job->deployment, job->store->path, job->store->kind, &memo,
                                 load->cancellable, &job->error);
    }
  load_memo_clear (&memo);
  /* the thread goes back to GLib's pool, which may end it while the process exits: its
   * OpenSSL error queue is freed now rather than by a thread-exit handler that may not get
   * to run (LeakSanitizer caught the 904 bytes of it, one run in ten) */
  OPENSSL_thread_stop ();
}

gboolean
_cc_stores_load_many (GPtrArray *stores, GCancellable *cancellable, GError **error)
{
  g_autofree ManyJob *jobs = g_new0 (ManyJob, stores->len);
  ManyLoad load = { jobs, stores->len, 0, cancellable };
  guint n_workers = MIN (MAX (1, g_get_num_processors ()), MAX (1, stores->len));
  GThreadPool *pool;
  gboolean ok = TRUE;

  for (guint i = 0; i < stores->len; i++)
    {
      jobs[i].store = g_ptr_array_index (stores, i);
      jobs[i].deployment = store_deployment (jobs[i].store);
    }
  pool = g_thread_pool_new (many_worker_run, &load, (int) n_workers, FALSE, NULL);
  for (guint i = 0; i < n_workers; i++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
  /* waits for every worker */
  g_thread_pool_free (pool, FALSE, TRUE);

  for (guint i = 0; i < stores->len; i++)
    {
      if (jobs[i].result != NULL)
        {
          apply_result (jobs[i].store, jobs[i].result);
          load_result_free (jobs[i].result);
        }
      else if (ok)
        {
          g_propagate_error (error, jobs[i].error);
          ok = FALSE;
        }
      else
        g_clear_error (&jobs[i].error);
    }
  return ok;
}

void
_cc_store_get_load_stats (CcStore *self, guint *n_read, guint *n_indexed)
{
  *n_read = self->n_read;
  *n_indexed = self->n_indexed;
}

gboolean
cc_stores_load (GPtrArray *stores, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (stores != NULL, FALSE);
  return _cc_stores_load_many (stores, cancellable, error);
}

gboolean
cc_store_load (CcStore *self, GCancellable *cancellable, GError **error)
{
  LoadResult *result;

  g_return_val_if_fail (CC_IS_STORE (self), FALSE);

  result = load_folder (store_deployment (self), self->path, self->kind, NULL, cancellable, error);
  if (result == NULL)
    return FALSE;
  apply_result (self, result);
  load_result_free (result);
  return TRUE;
}

gboolean
cc_store_ensure_loaded (CcStore *self, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (CC_IS_STORE (self), FALSE);
  return self->loaded || cc_store_load (self, cancellable, error);
}

typedef struct
{
  CcDeployment *deployment;
  char *path;
  CcStoreKind kind;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->deployment);
  g_free (data->path);
  g_free (data);
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadData *data = task_data;
  GError *error = NULL;
  LoadResult *result = load_folder (data->deployment, data->path, data->kind, NULL, cancellable,
                                     &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
  /* this pool thread may end while the process exits: see many_job_run in cc-store.c */
  OPENSSL_thread_stop ();
}

static void
load_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) outer = user_data;
  CcStore *self = CC_STORE (source);
  GError *error = NULL;
  LoadResult *result = g_task_propagate_pointer (G_TASK (res), &error);

  if (result == NULL)
    {
      g_task_return_error (outer, error);
      return;
    }
  /* the model changes on the caller's thread, before the caller hears of it */
  apply_result (self, result);
  load_result_free (result);
  g_task_return_boolean (outer, TRUE);
}

void
cc_store_load_async (CcStore             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;
  LoadData *data;

  g_return_if_fail (CC_IS_STORE (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, cc_store_load_async);

  data = g_new0 (LoadData, 1);
  data->deployment = store_deployment (self) ? g_object_ref (store_deployment (self)) : NULL;
  data->path = g_strdup (self->path);
  data->kind = self->kind;

  inner = g_task_new (self, cancellable, load_done, outer);
  g_task_set_source_tag (inner, load_thread);
  g_task_set_task_data (inner, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (inner, load_thread);
}

gboolean
cc_store_load_finish (CcStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
prefix_matches (const char *id, const char *prefix)
{
  return g_ascii_strncasecmp (id, prefix, strlen (prefix)) == 0;
}

CcStoreEntry *
cc_store_lookup (CcStore *self, const char *thumbprint)
{
  Row *found = NULL;
  gsize len;

  g_return_val_if_fail (CC_IS_STORE (self), NULL);
  g_return_val_if_fail (thumbprint != NULL, NULL);

  len = strlen (thumbprint);
  if (len < 8)
    return NULL;
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = ROW (self->rows, i);
      const char *id = row_get_id (row);

      if (g_ascii_strcasecmp (id, thumbprint) == 0)
        return row_get_entry (row);
      if (prefix_matches (id, thumbprint))
        {
          if (found != NULL)
            return NULL;   /* ambiguous prefix */
          found = row;
        }
    }
  return found ? row_get_entry (found) : NULL;
}

static Row *
find_row (CcStore *self, const char *id, guint *position)
{
  for (guint i = 0; id && i < self->rows->len; i++)
    {
      Row *row = ROW (self->rows, i);
      if (g_str_equal (row_get_id (row), id))
        {
          if (position != NULL)
            *position = i;
          return row;
        }
    }
  return NULL;
}

CcStoreEntry *
cc_store_lookup_id (CcStore *self, const char *id)
{
  Row *row;

  g_return_val_if_fail (CC_IS_STORE (self), NULL);
  row = find_row (self, id, NULL);
  return row ? row_get_entry (row) : NULL;
}

gboolean
_cc_store_contains (CcStore *self, const char *id)
{
  return find_row (self, id, NULL) != NULL;
}

CcCertificate *
_cc_store_get_certificate (CcStore *self, guint position)
{
  g_return_val_if_fail (position < self->rows->len, NULL);
  return ROW (self->rows, position)->certificate;
}

static guint
count_files (const char  *path,
             CcStoreKind  kind)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n = 0;

  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (kind == CC_STORE_REQUESTS)
        {
          if (g_str_has_suffix (name, ".csr") && name[0] != '.')
            n++;
        }
      else if (strlen (name) == 68 && g_str_has_suffix (name, ".pem"))
        n++;
    }
  return n;
}

guint
cc_store_count_on_disk (CcStore *self)
{
  g_return_val_if_fail (CC_IS_STORE (self), 0);

  return count_files (self->path, self->kind);
}

int
cc_store_get_count (CcStore *self)
{
  g_return_val_if_fail (CC_IS_STORE (self), -1);

  if (self->loaded)
    return (int) self->rows->len;
  return self->disk_count;
}

/* Counting many stores in a thread: their folders and kinds are copied first, so that the
 * thread touches no store. */
typedef struct
{
  GPtrArray   *stores;   /* of CcStore */
  GStrv        paths;
  CcStoreKind *kinds;
  guint       *counts;
} CountData;

static void
count_data_free (CountData *data)
{
  g_ptr_array_unref (data->stores);
  g_strfreev (data->paths);
  g_free (data->kinds);
  g_free (data->counts);
  g_free (data);
}

static void
count_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CountData *data = task_data;

  _cc_thread_set_background ();
  for (guint i = 0; i < data->stores->len; i++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      data->counts[i] = count_files (data->paths[i], data->kinds[i]);
    }
  g_task_return_boolean (task, TRUE);
}

static void
count_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) outer = user_data;
  CountData *data = g_task_get_task_data (G_TASK (res));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  for (guint i = 0; i < data->stores->len; i++)
    {
      CcStore *store = g_ptr_array_index (data->stores, i);

      store->disk_count = (gint) MIN (data->counts[i], (guint) G_MAXINT);
      /* a loaded store counts its entries: nothing changes for it */
      if (!store->loaded)
        g_object_notify_by_pspec (G_OBJECT (store), properties[PROP_COUNT]);
    }
  g_task_return_boolean (outer, TRUE);
}

void
cc_stores_count_async (GPtrArray           *stores,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  CountData *data = g_new0 (CountData, 1);
  GTask *outer;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (stores != NULL);

  data->stores = g_ptr_array_new_full (stores->len, g_object_unref);
  data->paths = g_new0 (char *, stores->len + 1);
  data->kinds = g_new0 (CcStoreKind, stores->len);
  data->counts = g_new0 (guint, stores->len);
  for (guint i = 0; i < stores->len; i++)
    {
      CcStore *store = g_ptr_array_index (stores, i);

      g_ptr_array_add (data->stores, g_object_ref (store));
      data->paths[i] = g_strdup (store->path);
      data->kinds[i] = store->kind;
    }

  outer = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (outer, cc_stores_count_async);
  inner = g_task_new (NULL, cancellable, count_done, outer);
  g_task_set_task_data (inner, data, (GDestroyNotify) count_data_free);
  g_task_run_in_thread (inner, count_thread);
}

gboolean
cc_stores_count_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static int
store_dir_mode (CcStoreKind kind)
{
  return (kind == CC_STORE_PERSONAL || kind == CC_STORE_REQUESTS) ? 0700 : 0755;
}

static char *
metadata_json (const char *friendly_name, gboolean exportable, const char *source)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *added = cc_format_iso8601 (now);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "friendly_name");
  json_builder_add_string_value (b, friendly_name ? friendly_name : "");
  json_builder_set_member_name (b, "exportable");
  json_builder_add_boolean_value (b, exportable);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, source ? source : "");
  json_builder_set_member_name (b, "added");
  json_builder_add_string_value (b, added);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

static void
replace_entry (CcStore *self, CcStoreEntry *entry)
{
  Row row = { NULL, entry, NULL };
  Row *old;
  guint i;

  if (cc_store_entry_get_certificate (entry) != NULL)
    row.certificate = g_object_ref (cc_store_entry_get_certificate (entry));
  old = find_row (self, row_get_id (&row), &i);
  if (old != NULL)
    {
      row_clear (old);
      *old = row;
      g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
      return;
    }
  /* keep the natural order */
  for (i = 0; i < self->rows->len; i++)
    if (compare_rows (&row, ROW (self->rows, i)) < 0)
      break;
  g_array_insert_val (self->rows, i, row);
  g_list_model_items_changed (G_LIST_MODEL (self), i, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static gboolean store_add (CcStore *self, CcCertificate *certificate, GBytes *key_pem,
                           const char *friendly_name, gboolean exportable, const char *source,
                           gboolean rehash, GError **error);

gboolean
cc_store_add_certificate (CcStore        *self,
                          CcCertificate  *certificate,
                          GBytes         *key_pem,
                          const char     *friendly_name,
                          gboolean        exportable,
                          const char     *source,
                          GError        **error)
{
  return store_add (self, certificate, key_pem, friendly_name, exportable, source, TRUE, error);
}

gboolean
_cc_store_stage_certificates (CcStore    *self,
                              GPtrArray  *certificates,
                              CcBatch    *batch,
                              GPtrArray  *staged,
                              GError    **error)
{
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (self->kind == CC_STORE_TRUSTED_ROOT || self->kind == CC_STORE_INTERMEDIATE,
                        FALSE);

  if (!cc_store_ensure_loaded (self, NULL, error)
      || !_cc_mkdir (self->path, store_dir_mode (self->kind), error))
    return FALSE;
  for (guint i = 0; i < self->rows->len; i++)
    g_hash_table_add (present, (gpointer) row_get_id (ROW (self->rows, i)));
  for (guint i = 0; i < certificates->len; i++)
    {
      CcCertificate *cert = g_ptr_array_index (certificates, i);
      const char *tp = cc_certificate_get_thumbprint (cert);
      g_autofree char *path = NULL;
      g_autofree char *pem = NULL;

      if (!g_hash_table_add (present, (gpointer) tp))
        continue;   /* there already, or twice in the bundle */
      path = g_strdup_printf ("%s/%s.pem", self->path, tp);
      /* the same certificate on every server of the batch is one file on disk */
      if (!_cc_batch_knows (batch, tp))
        pem = cc_certificate_dup_pem (cert);
      if (!_cc_batch_write_shared (batch, path, tp, pem, pem ? strlen (pem) : 0, 0644, error))
        return FALSE;
      g_ptr_array_add (staged, g_object_ref (cert));
    }
  return TRUE;
}

gboolean
_cc_store_add_staged (CcStore *self, GPtrArray *staged, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint old_len = self->rows->len;

  if (staged->len == 0)
    return TRUE;
  for (guint i = 0; i < staged->len; i++)
    {
      /* its entry is made when asked for, as a loaded row's (with the time it came) */
      Row row = { g_object_ref (g_ptr_array_index (staged, i)), NULL, g_date_time_ref (now) };
      g_array_append_val (self->rows, row);
    }
  /* one sort and one signal for the whole batch */
  g_array_sort (self->rows, compare_rows);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->rows->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  return _cc_store_rehash (self, error);
}

gboolean
cc_store_add_certificates (CcStore     *self,
                           GPtrArray   *certificates,
                           const char  *source,
                           guint       *n_added,
                           GError     **error)
{
  g_autoptr(CcUndo) undo = _cc_undo_new ();
  guint added = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (CC_IS_STORE (self), FALSE);

  if (!cc_store_ensure_loaded (self, NULL, error))
    return FALSE;
  if (self->kind == CC_STORE_TRUSTED_ROOT || self->kind == CC_STORE_INTERMEDIATE)
    {
      /* a bundle of any size: every file written, then one sync, then the renames */
      g_autoptr(CcBatch) batch = _cc_batch_new ();
      g_autoptr(GPtrArray) staged = g_ptr_array_new_with_free_func (g_object_unref);

      if (!_cc_store_stage_certificates (self, certificates, batch, staged, error)
          || !_cc_batch_commit (batch, error))
        return FALSE;
      if (!_cc_store_add_staged (self, staged, error))
        {
          for (guint i = 0; i < staged->len; i++)
            _cc_undo_added (undo, self, cc_certificate_get_thumbprint (g_ptr_array_index (staged, i)));
          _cc_undo_rollback (undo);
          return FALSE;
        }
      if (n_added != NULL)
        *n_added = staged->len;
      return TRUE;
    }
  for (guint i = 0; ok && i < certificates->len; i++)
    {
      CcCertificate *cert = g_ptr_array_index (certificates, i);
      if (cc_store_lookup_id (self, cc_certificate_get_thumbprint (cert)) != NULL)
        continue;
      ok = store_add (self, cert, NULL, NULL, FALSE, source, FALSE, error);
      if (ok)
        {
          _cc_undo_added (undo, self, cc_certificate_get_thumbprint (cert));
          added++;
        }
    }
  if (!ok)
    {
      /* all or nothing: what this call added goes again (and the links with it) */
      _cc_undo_rollback (undo);
      added = 0;
    }
  else if (added > 0 && (self->kind == CC_STORE_TRUSTED_ROOT || self->kind == CC_STORE_INTERMEDIATE))
    ok = _cc_store_rehash (self, error);
  if (n_added != NULL)
    *n_added = added;
  return ok;
}

static gboolean
store_add (CcStore        *self,
           CcCertificate  *certificate,
           GBytes         *key_pem,
           const char     *friendly_name,
           gboolean        exportable,
           const char     *source,
           gboolean        rehash,
           GError        **error)
{
  const char *tp;
  g_autofree char *pem = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *meta_path = NULL;
  gboolean personal;
  CcStoreEntry *entry;

  g_return_val_if_fail (CC_IS_STORE (self), FALSE);
  g_return_val_if_fail (CC_IS_CERTIFICATE (certificate), FALSE);

  if (self->kind == CC_STORE_REQUESTS)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("Certificates cannot be added to the Pending Requests store of %s"),
                   self->server ? cc_server_get_fqdn (self->server) : self->path);
      return FALSE;
    }
  if (!cc_store_ensure_loaded (self, NULL, error))
    return FALSE;

  personal = self->kind == CC_STORE_PERSONAL;
  tp = cc_certificate_get_thumbprint (certificate);
  cert_path = g_strdup_printf ("%s/%s.pem", self->path, tp);
  key_path = g_strdup_printf ("%s/%s.key", self->path, tp);
  meta_path = g_strdup_printf ("%s/%s.json", self->path, tp);
  pem = cc_certificate_dup_pem (certificate);
  if (personal)
    meta = metadata_json (friendly_name, exportable && key_pem != NULL, source);

  if (!_cc_mkdir (self->path, store_dir_mode (self->kind), error))
    return FALSE;

  /* The certificate file is the commit point: it is written last, each file's data synced
   * before its rename. One sync of the folder at the end makes the renames durable: on the
   * journalling filesystems we run on, renames reach the disk in the order they were made,
   * so the certificate's can never survive a crash that the key's did not. */
  if (key_pem != NULL
      && !_cc_key_file_write (self->server ? _cc_server_get_deployment (self->server) : NULL,
                              key_path, key_pem, FALSE, error))
    return FALSE;
  if ((personal && !_cc_write_file (meta_path, meta, strlen (meta), 0600, FALSE, error))
      || !_cc_write_file (cert_path, pem, strlen (pem), 0644, FALSE, error))
    {
      /* do not leave a key behind for a certificate that is not there */
      if (key_pem != NULL && !g_file_test (cert_path, G_FILE_TEST_EXISTS))
        g_unlink (key_path);
      return FALSE;
    }
  if (!rehash || self->kind == CC_STORE_PERSONAL)
    _cc_fsync_dir (self->path);

  entry = _cc_store_entry_new (certificate);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    gboolean has_key = key_pem != NULL || g_file_test (key_path, G_FILE_TEST_IS_REGULAR);
    /* trust stores keep no metadata: what is not on disk is not shown either */
    _cc_store_entry_set_metadata (entry, personal ? friendly_name : NULL, has_key,
                                  exportable && has_key, personal ? source : NULL, now);
  }
  if (self->server != NULL)
    {
      g_autofree char *assigned = cc_server_dup_assigned_to (self->server, tp);
      _cc_store_entry_set_assigned_to (entry, assigned);
    }
  replace_entry (self, entry);

  if (rehash && (self->kind == CC_STORE_TRUSTED_ROOT || self->kind == CC_STORE_INTERMEDIATE))
    return _cc_store_rehash (self, error);
  return TRUE;
}

gboolean
cc_store_remove (CcStore *self, const char *thumbprint, GError **error)
{
  CcStoreEntry *entry;
  g_autofree char *id = NULL;
  const char *suffixes[] = { ".pem", ".csr", ".key", ".json" };
  guint i;

  g_return_val_if_fail (CC_IS_STORE (self), FALSE);

  if (!cc_store_ensure_loaded (self, NULL, error))
    return FALSE;
  entry = cc_store_lookup_id (self, thumbprint);
  if (entry == NULL)
    entry = cc_store_lookup (self, thumbprint);
  if (entry == NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("No certificate %s in the %s store of %s; list them with `certctl list certs`"),
                   thumbprint, cc_store_get_display_name (self),
                   self->server ? cc_server_get_fqdn (self->server) : self->path);
      return FALSE;
    }
  id = g_strdup (cc_store_entry_get_id (entry));

  /* the certificate (or CSR) goes first, so an interrupted removal leaves no half entry */
  for (i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s%s", self->path, id, suffixes[i]);
      if (!_cc_unlink (path, error))
        return FALSE;
    }
  _cc_fsync_dir (self->path);

  if (find_row (self, id, &i) != NULL)
    {
      g_array_remove_index (self->rows, i);
      g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }

  if (self->kind == CC_STORE_TRUSTED_ROOT || self->kind == CC_STORE_INTERMEDIATE)
    return _cc_store_rehash (self, error);
  return TRUE;
}

GBytes *
cc_store_read_key (CcStore *self, const char *thumbprint, GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (CC_IS_STORE (self), NULL);

  if (!_cc_is_thumbprint (thumbprint))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID, _("“%s” is not a SHA-256 thumbprint"),
                   thumbprint);
      return NULL;
    }
  path = g_strdup_printf ("%s/%s.key", self->path, thumbprint);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("There is no private key for certificate %s on %s"), thumbprint,
                   self->server ? cc_server_get_fqdn (self->server) : self->path);
      return NULL;
    }
  return _cc_key_file_read (self->server ? _cc_server_get_deployment (self->server) : NULL,
                            path, error);
}

static gboolean
is_hash_link_name (const char *name)
{
  guint i;
  for (i = 0; i < 8; i++)
    if (!g_ascii_isxdigit (name[i]))
      return FALSE;
  if (name[8] != '.' || name[9] == '\0')
    return FALSE;
  for (i = 9; name[i]; i++)
    if (!g_ascii_isdigit (name[i]))
      return FALSE;
  return TRUE;
}

static int
compare_by_thumbprint (gconstpointer a, gconstpointer b)
{
  return strcmp (cc_certificate_get_thumbprint (*(CcCertificate **) a),
                 cc_certificate_get_thumbprint (*(CcCertificate **) b));
}

gboolean
_cc_store_rehash (CcStore *self, GError **error)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) counters = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (self->rows->len);
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) targets = g_ptr_array_new ();   /* borrowed from wanted */
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  GHashTableIter iter;
  gpointer key, value;
  const char *name;

  /* deterministic: the same store always gets the same links */
  for (guint i = 0; i < self->rows->len; i++)
    g_ptr_array_add (sorted, ROW (self->rows, i)->certificate);
  g_ptr_array_sort (sorted, compare_by_thumbprint);
  for (guint i = 0; i < sorted->len; i++)
    {
      CcCertificate *cert = g_ptr_array_index (sorted, i);
      gulong hash = cc_certificate_get_subject_hash (cert);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counters, GUINT_TO_POINTER (hash)));

      g_hash_table_insert (counters, GUINT_TO_POINTER (hash), GUINT_TO_POINTER (n + 1));
      g_hash_table_insert (wanted, g_strdup_printf ("%08lx.%u", hash, n),
                           g_strdup_printf ("%s.pem", cc_certificate_get_thumbprint (cert)));
    }

  /* what changes: links to make or point elsewhere, and stale links to remove; all of
   * them go into the journal at once, with one sync, before the first is touched */
  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      char *link_path = g_build_filename (self->path, key, NULL);
      g_autofree char *current = g_file_read_link (link_path, NULL);

      if (g_strcmp0 (current, value) != 0)
        {
          g_ptr_array_add (changed, link_path);
          g_ptr_array_add (targets, value);
        }
      else
        g_free (link_path);
    }
  dir = g_dir_open (self->path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (is_hash_link_name (name) && !g_hash_table_contains (wanted, name))
        {
          char *link_path = g_build_filename (self->path, name, NULL);

          if (g_file_test (link_path, G_FILE_TEST_IS_SYMLINK))
            g_ptr_array_add (stale, link_path);
          else
            g_free (link_path);
        }
    }
  {
    g_autoptr(GPtrArray) all = g_ptr_array_new ();

    for (guint i = 0; i < changed->len; i++)
      g_ptr_array_add (all, g_ptr_array_index (changed, i));
    for (guint i = 0; i < stale->len; i++)
      g_ptr_array_add (all, g_ptr_array_index (stale, i));
    if (!_cc_journal_will_change_many ((const char * const *) all->pdata, all->len, TRUE,
                                       error))
      return FALSE;
  }

  for (guint i = 0; i < changed->len; i++)
    if (!_cc_symlink_atomic (g_ptr_array_index (targets, i), g_ptr_array_index (changed, i),
                             error))
      return FALSE;
  for (guint i = 0; i < stale->len; i++)
    _cc_unlink (g_ptr_array_index (stale, i), NULL);
  _cc_fsync_dir (self->path);
  return TRUE;
}

void
_cc_store_refresh_assignments (CcStore *self)
{
  if (self->server == NULL || self->kind != CC_STORE_PERSONAL)
    return;
  for (guint i = 0; i < self->rows->len; i++)
    {
      CcStoreEntry *entry = row_get_entry (ROW (self->rows, i));
      g_autofree char *assigned = cc_server_dup_assigned_to (self->server,
                                                             cc_store_entry_get_id (entry));
      _cc_store_entry_set_assigned_to (entry, assigned);
    }
}

struct _CcUndo
{
  GPtrArray *stores;   /* of CcStore (references) */
  GPtrArray *ids;      /* of char* */
};

CcUndo *
_cc_undo_new (void)
{
  CcUndo *undo = g_new0 (CcUndo, 1);
  undo->stores = g_ptr_array_new_with_free_func (g_object_unref);
  undo->ids = g_ptr_array_new_with_free_func (g_free);
  return undo;
}

void
_cc_undo_added (CcUndo *undo, CcStore *store, const char *thumbprint)
{
  g_ptr_array_add (undo->stores, g_object_ref (store));
  g_ptr_array_add (undo->ids, g_strdup (thumbprint));
}

void
_cc_undo_rollback (CcUndo *undo)
{
  for (guint i = undo->ids->len; i > 0; i--)
    {
      g_autoptr(GError) error = NULL;
      if (!cc_store_remove (g_ptr_array_index (undo->stores, i - 1),
                            g_ptr_array_index (undo->ids, i - 1), &error))
        g_debug ("rollback: %s", error->message);
    }
  g_ptr_array_set_size (undo->stores, 0);
  g_ptr_array_set_size (undo->ids, 0);
}

void
_cc_undo_free (CcUndo *undo)
{
  if (undo == NULL)
    return;
  g_ptr_array_unref (undo->stores);
  g_ptr_array_unref (undo->ids);
  g_free (undo);
}

guint
_cc_undo_count (CcUndo *undo)
{
  return undo->ids->len;
}

CcStore *
_cc_undo_get_store (CcUndo *undo, guint i)
{
  return g_ptr_array_index (undo->stores, i);
}

const char *
_cc_undo_get_id (CcUndo *undo, guint i)
{
  return g_ptr_array_index (undo->ids, i);
}
