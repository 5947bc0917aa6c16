/* cc-store-index.c: the index cache of a store folder (.cc-index): what was on disk the last
 * time the folder was read, so that a reload need not read and hash every file again. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "cc-core-private.h"

/* Layout, native byte order (the byte-order mark tells another machine's file apart):
 *   header  "CCINDEX\n" | u32 byte-order mark 0x01020304 | u32 version | u64 row count
 *           | u64 size of the summaries
 *   rows    sorted by thumbprint: 32 bytes SHA-256 | u64 size | u64 inode | i64 mtime (ns)
 *           | i64 ctime (ns) | u32 offset and u32 length of its summary (0 and 0: none)
 *   summaries (Personal stores): each certificate's DER and parsed fields, so that a reload
 *           parses nothing (see _cc_certificate_dup_summary)
 *   trailer SHA-256 of everything before it
 * A row says: the file <thumbprint>.pem with exactly this inode, size, mtime and ctime held
 * the certificate whose SHA-256 is <thumbprint>. Any difference makes the file be read again.
 * In Personal stores, a row keyed by the SHA-256 of the thumbprint's 64 characters says the
 * same of <thumbprint>.json, and its summary holds that metadata (cc-store.c, METADATA_TYPE).
 * The file is never synced: a damaged one fails its checksum and is rebuilt. */

#define MAGIC "CCINDEX\n"
#define BYTE_ORDER_MARK 0x01020304u
#define VERSION 3u
#define HEADER_SIZE 32
#define ROW_SIZE 72
#define TRAILER_SIZE 32

/* A file changed in the same clock tick as it was recorded would look unchanged: rows are
 * only written for files whose ctime is at least this old (ctime cannot be set by hand). */
#define RACY_NS (G_GINT64_CONSTANT (1000000000))

typedef struct
{
  guint8  sha256[32];
  guint64 size;
  guint64 ino;
  gint64  mtime_ns;
  gint64  ctime_ns;
  guint32 summary_offset;
  guint32 summary_len;
} Row;

G_STATIC_ASSERT (sizeof (Row) == ROW_SIZE);

struct _CcStoreIndex
{
  GArray *rows;          /* of Row, sorted by sha256 */
  GBytes *summaries;     /* as read (nullable) */
  GByteArray *building;  /* as being written */
  gint64  now_ns;        /* when this index was started (for the racy rule) */
};

/* a nibble's value plus one, 0 for anything but a hexadecimal digit */
static const guint8 hex_values[256] = {
  ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
  ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
  ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* once or twice per file on every load: a table, not two calls per character */
static gboolean
thumbprint_to_raw (const char *hex, guint8 out[32])
{
  for (guint i = 0; i < 32; i++)
    {
      guint8 hi = hex_values[(guchar) hex[2 * i]];
      guint8 lo = hex_values[(guchar) hex[2 * i + 1]];
      if (hi == 0 || lo == 0)
        return FALSE;
      out[i] = (guint8) ((hi - 1) << 4 | (lo - 1));
    }
  return hex[64] == '\0';
}

static int
compare_rows (gconstpointer a, gconstpointer b)
{
  return memcmp (((const Row *) a)->sha256, ((const Row *) b)->sha256, 32);
}

/* in nanoseconds, wrapping around past ±292 years from 1970 instead of overflowing: a file
 * system may keep any 64-bit time, and a time only has to compare equal to itself */
static gint64
timespec_to_ns (const struct timespec *t)
{
  return (gint64) ((guint64) t->tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) t->tv_nsec);
}

static void
row_from_stat (Row *row, const GStatBuf *st)
{
  row->size = (guint64) st->st_size;
  row->ino = (guint64) st->st_ino;
  row->mtime_ns = timespec_to_ns (&st->st_mtim);
  row->ctime_ns = timespec_to_ns (&st->st_ctim);
}

char *
_cc_store_index_dup_path (const char *dir)
{
  return g_build_filename (dir, ".cc-index", NULL);
}

CcStoreIndex *
_cc_store_index_new (void)
{
  CcStoreIndex *self = g_new0 (CcStoreIndex, 1);
  self->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  self->building = g_byte_array_new ();
  self->now_ns = g_get_real_time () * 1000;
  return self;
}

/* an index to be filled with about as many rows and summaries as previous (nullable) */
CcStoreIndex *
_cc_store_index_new_sized (CcStoreIndex *previous)
{
  CcStoreIndex *self = _cc_store_index_new ();

  if (previous != NULL)
    {
      g_array_set_size (self->rows, previous->rows->len);
      g_array_set_size (self->rows, 0);
      if (previous->summaries != NULL)
        {
          g_byte_array_set_size (self->building, g_bytes_get_size (previous->summaries));
          g_byte_array_set_size (self->building, 0);
        }
    }
  return self;
}

void
_cc_store_index_free (CcStoreIndex *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->rows);
  g_clear_pointer (&self->summaries, g_bytes_unref);
  g_byte_array_unref (self->building);
  g_free (self);
}

guint
_cc_store_index_get_n_rows (CcStoreIndex *self)
{
  return self->rows->len;
}

/* dir_fd: the store folder, open; dir: its path, for messages */
CcStoreIndex *
_cc_store_index_read_at (int dir_fd, const char *dir)
{
  g_autofree char *data = NULL;
  CcStoreIndex *self;
  gsize len;

  if (!_cc_read_file_at (dir_fd, dir, ".cc-index", NULL, &data, &len, NULL))
    return NULL;
  self = _cc_store_index_new_from_data (data, len);
  if (self == NULL)
    g_debug ("%s/.cc-index is damaged; the store is read from its files and the index rebuilt",
             dir);
  return self;
}

CcStoreIndex *
_cc_store_index_new_from_data (const char *data, gsize len)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  CcStoreIndex *self;
  guint32 bom, version;
  guint64 n_rows, summaries_len;

  if (len < HEADER_SIZE + TRAILER_SIZE || memcmp (data, MAGIC, 8) != 0)
    goto damaged;
  memcpy (&bom, data + 8, 4);
  memcpy (&version, data + 12, 4);
  memcpy (&n_rows, data + 16, 8);
  memcpy (&summaries_len, data + 24, 8);
  if (bom != BYTE_ORDER_MARK || version != VERSION
      || n_rows > (len - HEADER_SIZE - TRAILER_SIZE) / ROW_SIZE
      || summaries_len > len
      || len != HEADER_SIZE + n_rows * ROW_SIZE + summaries_len + TRAILER_SIZE)
    goto damaged;
  if (!EVP_Digest (data, len - TRAILER_SIZE, md, &md_len, EVP_sha256 (), NULL)
      || md_len != TRAILER_SIZE || memcmp (md, data + len - TRAILER_SIZE, TRAILER_SIZE) != 0)
    goto damaged;

  self = _cc_store_index_new ();
  g_array_append_vals (self->rows, data + HEADER_SIZE, n_rows);
  self->summaries = g_bytes_new (data + HEADER_SIZE + n_rows * ROW_SIZE, summaries_len);
  /* the rows were written sorted, their summaries inside the file; one that says otherwise
   * is not ours */
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      if ((i > 0 && compare_rows (row - 1, row) >= 0)
          || (guint64) row->summary_offset + row->summary_len > summaries_len)
        {
          _cc_store_index_free (self);
          goto damaged;
        }
    }
  return self;

damaged:
  return NULL;
}

gboolean
_cc_store_index_matches (CcStoreIndex *self, const char *thumbprint, const GStatBuf *st,
                         GBytes **summary)
{
  guint8 raw[32];

  return thumbprint_to_raw (thumbprint, raw) && _cc_store_index_matches_raw (self, raw, st, summary);
}

/* key: a row's 32 bytes (a certificate's SHA-256, or another key a store gives its row) */
gboolean
_cc_store_index_matches_raw (CcStoreIndex *self, const guint8 key_bytes[32], const GStatBuf *st,
                             GBytes **summary)
{
  Row key, *row;

  /* an empty GArray has no data at all, and bsearch must not be given NULL */
  if (self == NULL || self->rows->len == 0)
    return FALSE;
  memcpy (key.sha256, key_bytes, 32);
  row = bsearch (&key, self->rows->data, self->rows->len, sizeof (Row), compare_rows);
  if (row == NULL)
    return FALSE;
  row_from_stat (&key, st);
  if (row->size != key.size || row->ino != key.ino || row->mtime_ns != key.mtime_ns
      || row->ctime_ns != key.ctime_ns)
    return FALSE;
  if (summary != NULL)
    *summary = row->summary_len > 0
               ? g_bytes_new_from_bytes (self->summaries, row->summary_offset, row->summary_len)
               : NULL;
  return TRUE;
}

gboolean
_cc_store_index_add (CcStoreIndex *self, const char *thumbprint, const GStatBuf *st,
                     GBytes *summary)
{
  guint8 raw[32];

  return thumbprint_to_raw (thumbprint, raw) && _cc_store_index_add_raw (self, raw, st, summary);
}

gboolean
_cc_store_index_add_raw (CcStoreIndex *self, const guint8 key[32], const GStatBuf *st,
                         GBytes *summary)
{
  Row row = { 0 };

  memcpy (row.sha256, key, 32);
  row_from_stat (&row, st);
  if (row.ctime_ns > self->now_ns - RACY_NS || row.mtime_ns > self->now_ns - RACY_NS)
    return FALSE;
  if (summary != NULL && g_bytes_get_size (summary) < G_MAXUINT32
      && self->building->len < G_MAXUINT32 - g_bytes_get_size (summary))
    {
      row.summary_offset = self->building->len;
      row.summary_len = g_bytes_get_size (summary);
      g_byte_array_append (self->building, g_bytes_get_data (summary, NULL), row.summary_len);
    }
  g_array_append_val (self->rows, row);
  return TRUE;
}

gboolean
_cc_store_index_write (CcStoreIndex *self, const char *dir, GError **error)
{
  g_autofree char *path = _cc_store_index_dup_path (dir);
  g_autoptr(GByteArray) out = g_byte_array_sized_new (HEADER_SIZE + self->rows->len * ROW_SIZE
                                                      + TRAILER_SIZE);
  guint32 bom = BYTE_ORDER_MARK, version = VERSION;
  guint64 n_rows, summaries_len = self->building->len;
  unsigned char md[32];
  unsigned int md_len = 0;

  g_array_sort (self->rows, compare_rows);
  /* one row per thumbprint: a duplicate could only come from a caller's mistake */
  for (guint i = 1; i < self->rows->len;)
    if (compare_rows (&g_array_index (self->rows, Row, i - 1), &g_array_index (self->rows, Row, i)) == 0)
      g_array_remove_index (self->rows, i);
    else
      i++;
  n_rows = self->rows->len;
  g_byte_array_append (out, (const guint8 *) MAGIC, 8);
  g_byte_array_append (out, (const guint8 *) &bom, 4);
  g_byte_array_append (out, (const guint8 *) &version, 4);
  g_byte_array_append (out, (const guint8 *) &n_rows, 8);
  g_byte_array_append (out, (const guint8 *) &summaries_len, 8);
  g_byte_array_append (out, (const guint8 *) self->rows->data, self->rows->len * ROW_SIZE);
  g_byte_array_append (out, self->building->data, self->building->len);
  EVP_Digest (out->data, out->len, md, &md_len, EVP_sha256 (), NULL);
  g_byte_array_append (out, md, md_len);
  return _cc_write_file_unsynced (path, out->data, out->len, 0644, error);
}
