/* cc-request.c: certificate requests: names from the topology, key + CSR into Pending
 * Requests, processing the CA's answer, and sending a request to the lab CA. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <openssl/err.h>

#include "cc-lab-ca.h"
#include "cc-workflows.h"

static const char *
server_name (CcServer *server)
{
  return cc_server_get_fqdn (server);
}

char *
cc_request_default_subject (CcServer *server, CcInterface iface)
{
  CcPool *pool = cc_server_get_pool (server);
  const char *host = cc_server_get_interface_host (server, iface);

  switch (iface)
    {
    case CC_INTERFACE_EDGE_INTERNAL:
      /* behind a load balancer, the VIP's FQDN (seed 001) */
      return g_strdup (pool && cc_pool_get_load_balancer (pool) ? cc_pool_get_fqdn (pool)
                                                                : server_name (server));
    case CC_INTERFACE_DEFAULT:
      return g_strdup (pool ? cc_pool_get_fqdn (pool) : server_name (server));
    case CC_INTERFACE_CWA_MTLS:
      return g_strdup (server_name (server));
    case CC_INTERFACE_EDGE_ACCESS:
    case CC_INTERFACE_EDGE_WEBCONF:
    case CC_INTERFACE_EDGE_AV:
    case CC_INTERFACE_CWA_SSL_INTERNAL:
    case CC_INTERFACE_CWA_SSL_EXTERNAL:
    case CC_N_INTERFACES:
    default:
      return g_strdup (host ? host : server_name (server));
    }
}

static void
add_unique (GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (names, i), name) == 0)
      return;
  g_ptr_array_add (names, g_ascii_strdown (name, -1));
}

static GStrv
strv_from_array (GPtrArray *names)
{
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (names, FALSE);
}

GStrv
cc_request_default_sans (CcServer *server, CcInterface iface)
{
  GPtrArray *names = g_ptr_array_new ();
  g_autofree char *subject = cc_request_default_subject (server, iface);
  CcPool *pool = cc_server_get_pool (server);

  add_unique (names, subject);
  if (iface == CC_INTERFACE_DEFAULT && pool != NULL)
    {
      const char * const *domains = cc_pool_get_sip_domains (pool);
      for (guint i = 0; domains[i]; i++)
        {
          g_autofree char *sip = g_strdup_printf ("sip.%s", domains[i]);
          add_unique (names, sip);
        }
    }
  if (iface == CC_INTERFACE_CWA_SSL_INTERNAL || iface == CC_INTERFACE_CWA_SSL_EXTERNAL)
    {
      g_autofree char *as = g_strdup_printf ("as.%s", subject);
      g_autofree char *download = g_strdup_printf ("download.%s", subject);
      add_unique (names, as);
      add_unique (names, download);
    }
  return strv_from_array (names);
}

static char *
requests_dir (CcServer *server)
{
  return g_strdup (cc_store_get_path (cc_server_get_store (server, CC_STORE_REQUESTS)));
}

CcStoreEntry *
cc_request_find (CcServer *server, CcInterface iface, GError **error)
{
  CcStore *store = cc_server_get_store (server, CC_STORE_REQUESTS);

  if (!cc_store_load (store, NULL, error))
    return NULL;
  return cc_store_lookup_id (store, cc_interface_to_id (iface));
}

static gboolean
validate_options (CcServer *server, const CcRequestOptions *o, const char *key_type,
                  char **warning, GError **error)
{
  if (!cc_server_has_interface (server, o->iface))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("The server %s (%s) has no interface “%s”; choose one of its interfaces"),
                   server_name (server), cc_role_get_display_name (cc_server_get_role (server)),
                   cc_interface_to_id (o->iface));
      return FALSE;
    }
  if (g_str_equal (key_type, "rsa:1024"))
    {
      if (!o->allow_weak_key)
        {
          g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                       _("A 1024-bit RSA key is too weak to be accepted by default; use rsa:2048 or larger, or allow the weak key explicitly"));
          return FALSE;
        }
      if (warning != NULL)
        *warning = g_strdup (_("Warning: a 1024-bit RSA key can be broken with today's means; use it only where a peer cannot handle 2048 bits"));
    }
  else if (!g_str_equal (key_type, "rsa:2048") && !g_str_equal (key_type, "rsa:3072")
           && !g_str_equal (key_type, "rsa:4096") && !g_str_equal (key_type, "ec:p256")
           && !g_str_equal (key_type, "ec:p384"))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("“%s” is not a key type; use rsa:2048, rsa:3072, rsa:4096, ec:p256 or ec:p384"),
                   key_type);
      return FALSE;
    }
  if (o->country != NULL && *o->country != '\0'
      && (strlen (o->country) != 2 || !g_ascii_isalpha (o->country[0])
          || !g_ascii_isalpha (o->country[1])))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("“%s” is not a country code; use the two-letter ISO 3166 code (for example US, DE, FR)"),
                   o->country);
      return FALSE;
    }
  if (o->subject != NULL && !cc_fqdn_is_valid (o->subject))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("“%s” is not a host name to use as the subject name"), o->subject);
      return FALSE;
    }
  for (guint i = 0; o->sans && o->sans[i]; i++)
    if (!cc_fqdn_is_valid (o->sans[i]))
      {
        g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                     _("“%s” is not a host name to use as a subject alternative name"), o->sans[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
add_req_name (X509_NAME *name, const char *field, const char *value)
{
  if (value == NULL || *value == '\0')
    return TRUE;
  return X509_NAME_add_entry_by_txt (name, field, MBSTRING_UTF8, (const unsigned char *) value,
                                     -1, -1, 0) == 1;
}

static X509_REQ *
make_csr (EVP_PKEY *key, const CcRequestOptions *o, const char *cn, GStrv sans, GError **error)
{
  g_autoptr(X509_REQ) req = X509_REQ_new ();
  g_autoptr(X509_NAME) name = X509_NAME_new ();
  STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null ();
  g_autoptr(GString) san = g_string_new (NULL);
  X509V3_CTX ctx;
  const struct
  {
    int nid;
    const char *value;
  } wanted[] = {
    { NID_key_usage, "critical,digitalSignature,keyEncipherment" },
    { NID_ext_key_usage, cc_interface_is_mtls (o->iface) ? "serverAuth,clientAuth" : "serverAuth" },
    { NID_subject_alt_name, NULL },
  };
  gboolean ok = TRUE;

  for (guint i = 0; sans[i]; i++)
    g_string_append_printf (san, "%sDNS:%s", i ? "," : "", sans[i]);

  ok = add_req_name (name, "C", o->country) && add_req_name (name, "ST", o->state)
       && add_req_name (name, "L", o->locality) && add_req_name (name, "O", o->organization)
       && add_req_name (name, "OU", o->organizational_unit) && add_req_name (name, "CN", cn)
       && X509_REQ_set_version (req, 0) && X509_REQ_set_subject_name (req, name)
       && X509_REQ_set_pubkey (req, key);

  X509V3_set_ctx (&ctx, NULL, NULL, req, NULL, 0);
  for (guint i = 0; ok && i < G_N_ELEMENTS (wanted); i++)
    {
      const char *value = wanted[i].value ? wanted[i].value : san->str;
      X509_EXTENSION *ext = X509V3_EXT_conf_nid (NULL, &ctx, wanted[i].nid, value);
      ok = ext != NULL && sk_X509_EXTENSION_push (exts, ext) > 0;
    }
  ok = ok && X509_REQ_add_extensions (req, exts) && X509_REQ_sign (req, key, EVP_sha256 ()) > 0;
  sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
  if (!ok)
    {
      _cc_set_openssl_error (error, CC_ERROR_CRYPTO, _("Cannot make the certificate request for %s"), cn);
      return NULL;
    }
  return g_steal_pointer (&req);
}

static char *
csr_to_pem (X509_REQ *req)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data;
  long len;

  PEM_write_bio_X509_REQ (bio, req);
  len = BIO_get_mem_data (bio, &data);
  return g_strndup (data, len);
}

static char *
request_json (const CcRequestOptions *o, const char *subject, const char *key_type, GStrv sans)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *added = cc_format_iso8601 (now);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
#define STR(k, v) do { json_builder_set_member_name (b, k); json_builder_add_string_value (b, (v) ? (v) : ""); } while (0)
  STR ("subject", subject);
  STR ("interface", cc_interface_to_id (o->iface));
  STR ("key", key_type);
  STR ("friendly_name", o->friendly_name);
  STR ("added", added);
  STR ("source", "request");
#undef STR
  json_builder_set_member_name (b, "exportable");
  json_builder_add_boolean_value (b, o->exportable);
  json_builder_set_member_name (b, "sans");
  json_builder_begin_array (b);
  for (guint i = 0; sans[i]; i++)
    json_builder_add_string_value (b, sans[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

CcStoreEntry *
cc_request_create (CcServer               *server,
                   const CcRequestOptions *o,
                   char                  **csr_pem,
                   char                  **warning,
                   GError                **error)
{
  const char *key_type = o->key_type ? o->key_type : "rsa:2048";
  g_autofree char *cn = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) defaults = NULL;
  g_auto(GStrv) sans = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509_REQ) req = NULL;
  g_autoptr(GBytes) key_pem = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *dir = requests_dir (server);
  g_autofree char *base = NULL;
  g_autofree char *key_path = NULL, *meta_path = NULL, *csr_path = NULL;
  g_autofree char *subject = NULL;
  CcStoreEntry *existing;
  CcStore *store = cc_server_get_store (server, CC_STORE_REQUESTS);
  CcDeployment *deployment = _cc_server_get_deployment (server);

  if (!validate_options (server, o, key_type, warning, error))
    return NULL;
  existing = cc_request_find (server, o->iface, error);
  if (existing == NULL && error && *error)
    return NULL;
  if (existing != NULL)
    {
      /* seed 000: once a request is pending, the wizard creates no other */
      g_set_error (error, CC_ERROR, CC_ERROR_EXISTS,
                   _("A request for %s is already pending on %s; process the CA's answer or cancel the request before creating another"),
                   cc_interface_to_id (o->iface), server_name (server));
      return NULL;
    }

  cn = o->subject ? g_ascii_strdown (o->subject, -1) : cc_request_default_subject (server, o->iface);
  add_unique (names, cn);
  if (o->subject == NULL)
    {
      defaults = cc_request_default_sans (server, o->iface);
      for (guint i = 0; defaults[i]; i++)
        add_unique (names, defaults[i]);
    }
  for (guint i = 0; o->sans && o->sans[i]; i++)
    add_unique (names, o->sans[i]);
  if (o->add_machine_name)
    add_unique (names, server_name (server));
  sans = strv_from_array (g_steal_pointer (&names));

  key = _cc_key_generate (key_type, error);
  if (key == NULL || (req = make_csr (key, o, cn, sans, error)) == NULL)
    return NULL;
  key_pem = _cc_key_to_pem (key);
  pem = csr_to_pem (req);
  subject = g_strdup_printf ("CN=%s", cn);
  meta = request_json (o, subject, key_type, sans);

  base = g_build_filename (dir, cc_interface_to_id (o->iface), NULL);
  key_path = g_strconcat (base, ".key", NULL);
  meta_path = g_strconcat (base, ".json", NULL);
  csr_path = g_strconcat (base, ".csr", NULL);
  /* the CSR is the commit point: key and metadata first; one folder sync for the three
   * renames (see store_add in cc-store.c) */
  if (!_cc_mkdir (dir, 0700, error)
      || !_cc_key_file_write (deployment, key_path, key_pem, FALSE, error)
      || !_cc_write_file (meta_path, meta, strlen (meta), 0600, FALSE, error)
      || !_cc_write_file (csr_path, pem, strlen (pem), 0644, FALSE, error))
    {
      g_unlink (csr_path);
      g_unlink (meta_path);
      g_unlink (key_path);
      return NULL;
    }
  _cc_fsync_dir (dir);
  if (deployment != NULL)
    cc_deployment_audit (deployment, "request-create", server_name (server), NULL,
                         cc_interface_to_id (o->iface));
  if (!cc_store_load (store, NULL, error))
    return NULL;
  if (csr_pem != NULL)
    *csr_pem = g_steal_pointer (&pem);
  return cc_store_lookup_id (store, cc_interface_to_id (o->iface));
}

static gboolean
check_request_id (CcServer *server, const char *request_id, GError **error)
{
  CcInterface iface;
  if (request_id == NULL || !cc_interface_from_id (request_id, &iface))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("There is no pending request “%s” on %s; list them with `certctl request list`"),
                   request_id ? request_id : "", server_name (server));
      return FALSE;
    }
  return TRUE;
}

char *
cc_request_dup_csr (CcServer *server, const char *request_id, GError **error)
{
  g_autofree char *dir = requests_dir (server);
  g_autofree char *path = NULL;
  char *data = NULL;
  gsize len;

  if (!check_request_id (server, request_id, error))
    return NULL;
  path = g_strdup_printf ("%s/%s.csr", dir, request_id);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      check_request_id (server, NULL, error);
      return NULL;
    }
  if (!_cc_read_file (path, &data, &len, error))
    return NULL;
  return data;
}

gboolean
cc_request_cancel (CcServer *server, const char *request_id, GError **error)
{
  CcStore *store = cc_server_get_store (server, CC_STORE_REQUESTS);
  CcDeployment *deployment = _cc_server_get_deployment (server);

  if (!check_request_id (server, request_id, error) || !cc_store_load (store, NULL, error))
    return FALSE;
  if (cc_store_lookup_id (store, request_id) == NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("There is no pending request “%s” on %s; list them with `certctl request list`"),
                   request_id, server_name (server));
      return FALSE;
    }
  if (!cc_store_remove (store, request_id, error))
    return FALSE;
  if (deployment != NULL)
    cc_deployment_audit (deployment, "request-cancel", server_name (server), NULL, request_id);
  return TRUE;
}

gboolean
cc_request_save_csr (CcServer     *server,
                     CcInterface   iface,
                     const char   *csr_pem,
                     const char   *out_file,
                     GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (_cc_write_file_atomic (out_file, csr_pem, strlen (csr_pem), 0644, &local_error))
    return TRUE;
  /* no request pending without the file to send */
  cc_request_cancel (server, cc_interface_to_id (iface), NULL);
  g_set_error (error, CC_ERROR, CC_ERROR_IO, _("Cannot save the request to “%s”: %s"), out_file,
               local_error->message);
  return FALSE;
}

static JsonObject *
read_request_meta (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *data = NULL;
  gsize len;
  JsonNode *root;

  if (!_cc_read_file (path, &data, &len, NULL)
      || !json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

gboolean
cc_request_process_data (CcServer    *server,
                         const char  *what,
                         GBytes      *data,
                         CcReport    *report,
                         GError     **error)
{
  g_autoptr(GPtrArray) certs = NULL;
  CcStore *requests = cc_server_get_store (server, CC_STORE_REQUESTS);
  CcStore *personal = cc_server_get_store (server, CC_STORE_PERSONAL);
  CcStore *intermediate = cc_server_get_store (server, CC_STORE_INTERMEDIATE);
  CcDeployment *deployment = _cc_server_get_deployment (server);
  g_autofree char *dir = requests_dir (server);
  g_autoptr(GBytes) key_pem = NULL;
  g_autoptr(JsonObject) meta = NULL;
  g_autofree char *request_id = NULL;
  g_autoptr(CcUndo) undo = _cc_undo_new ();
  CcCertificate *leaf = NULL;
  guint n;

  certs = cc_read_certificates_data (what, data, error);
  if (certs == NULL || !cc_store_load (requests, NULL, error))
    return FALSE;
  n = g_list_model_get_n_items (G_LIST_MODEL (requests));
  if (n == 0)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("There is no pending request on %s to match “%s” with; create the request on this server first"),
                   server_name (server), what);
      return FALSE;
    }

  /* the answer is the certificate whose public key is a pending request's key */
  for (guint i = 0; i < n && leaf == NULL; i++)
    {
      g_autoptr(CcStoreEntry) entry = g_list_model_get_item (G_LIST_MODEL (requests), i);
      g_autofree char *kp = g_strdup_printf ("%s/%s.key", dir, cc_store_entry_get_id (entry));
      g_autoptr(GBytes) kbytes = NULL;
      g_autoptr(EVP_PKEY) key = NULL;

      if ((kbytes = _cc_key_file_read (deployment, kp, error)) == NULL)
        return FALSE;
      key = _cc_key_from_pem (kbytes, kp, error);
      if (key == NULL)
        return FALSE;
      for (guint j = 0; j < certs->len; j++)
        {
          CcCertificate *c = g_ptr_array_index (certs, j);
          if (EVP_PKEY_eq (X509_get0_pubkey (_cc_certificate_get_x509 (c)), key) == 1)
            {
              g_autofree char *mp = g_strdup_printf ("%s/%s.json", dir, cc_store_entry_get_id (entry));
              leaf = c;
              key_pem = g_bytes_ref (kbytes);
              request_id = g_strdup (cc_store_entry_get_id (entry));
              meta = read_request_meta (mp);
              break;
            }
        }
      ERR_clear_error ();
    }
  if (leaf == NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("The certificate in “%s” does not match any pending request on %s (its key is not a pending request's key); check that it is the answer to this server's request"),
                   what, server_name (server));
      return FALSE;
    }

  if (!cc_store_ensure_loaded (personal, NULL, error))
    return FALSE;
  if (cc_store_lookup_id (personal, cc_certificate_get_thumbprint (leaf)) == NULL)
    _cc_undo_added (undo, personal, cc_certificate_get_thumbprint (leaf));
  if (!cc_store_add_certificate (personal, leaf, key_pem,
                                 meta ? json_object_get_string_member_with_default (meta, "friendly_name", NULL) : NULL,
                                 meta ? json_object_get_boolean_member_with_default (meta, "exportable", FALSE) : FALSE,
                                 "request", error))
    goto fail;
  if (report != NULL)
    {
      g_ptr_array_add (report->changes,
                       g_strdup_printf (_("%s: Personal: added %s (%s)"), server_name (server),
                                        cc_certificate_get_thumbprint (leaf),
                                        cc_certificate_get_issued_to (leaf)));
      g_set_object (&report->leaf, leaf);
    }

  for (guint j = 0; j < certs->len; j++)
    {
      CcCertificate *c = g_ptr_array_index (certs, j);
      if (c == leaf)
        continue;
      if (cc_certificate_is_self_signed (c))
        {
          /* a root is never trusted silently */
          if (report != NULL)
            g_ptr_array_add (report->notes,
                             g_strdup_printf (_("%s: the root %s (%s) came with the answer and was not trusted; import the CA chain to trust it"),
                                              server_name (server), cc_certificate_get_issued_to (c),
                                              cc_certificate_get_thumbprint (c)));
          continue;
        }
      if (!cc_certificate_is_ca (c))
        continue;
      if (!cc_store_ensure_loaded (intermediate, NULL, error))
        goto fail;
      if (cc_store_lookup_id (intermediate, cc_certificate_get_thumbprint (c)) != NULL)
        continue;
      if (!cc_store_add_certificate (intermediate, c, NULL, NULL, FALSE, "request", error))
        goto fail;
      _cc_undo_added (undo, intermediate, cc_certificate_get_thumbprint (c));
      if (report != NULL)
        g_ptr_array_add (report->changes,
                         g_strdup_printf (_("%s: Intermediate: added %s (%s)"), server_name (server),
                                          cc_certificate_get_thumbprint (c),
                                          cc_certificate_get_issued_to (c)));
    }

  /* last: the request is done */
  if (cc_store_remove (requests, request_id, error))
    {
      if (deployment != NULL)
        {
          cc_deployment_audit (deployment, "request-process", server_name (server),
                               cc_certificate_get_thumbprint (leaf), request_id);
          for (guint u = 0; u < _cc_undo_count (undo); u++)
            if (_cc_undo_get_store (undo, u) == intermediate)
              cc_deployment_audit (deployment, "import-intermediate", server_name (server),
                                   _cc_undo_get_id (undo, u), "request");
        }
      return TRUE;
    }

fail:
  /* all or nothing: the request stays pending, the stores as they were */
  _cc_undo_rollback (undo);
  if (report != NULL)
    {
      g_ptr_array_set_size (report->changes, 0);
      g_clear_object (&report->leaf);
    }
  return FALSE;
}

gboolean
cc_request_process (CcServer *server, const char *file, CcReport *report, GError **error)
{
  char *data = NULL;
  gsize len;
  g_autoptr(GBytes) bytes = NULL;

  if (!_cc_read_file (file, &data, &len, error))
    return FALSE;
  bytes = g_bytes_new_take (data, len);
  return cc_request_process_data (server, file, bytes, report, error);
}

gboolean
cc_request_submit (CcServer    *server,
                   CcInterface  iface,
                   const char  *authority,
                   CcReport    *report,
                   GError     **error)
{
  CcDeployment *deployment = _cc_server_get_deployment (server);
  CcAuthority *ca = deployment ? cc_deployment_find_authority (deployment, authority) : NULL;
  g_autofree char *ca_dir = NULL;
  g_autofree char *csr = NULL;
  g_autoptr(CcLabCa) lab = NULL;
  g_autoptr(BIO) bio = NULL;
  g_autoptr(X509_REQ) req = NULL;
  g_autoptr(X509) cert = NULL;
  g_autoptr(CcCertificate) leaf = NULL;
  g_autoptr(CcCertificate) issuing = NULL;
  g_autoptr(GString) answer = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *what = NULL;

  if (ca == NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("The deployment knows no certification authority “%s”; make one with `certctl ca create-lab`, or save the request to a file for an offline CA"),
                   authority);
      return FALSE;
    }
  if (cc_authority_get_kind (ca) != CC_AUTHORITY_LAB)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("The certification authority “%s” cannot be reached from here; save the request to a file and submit it to the CA"),
                   authority);
      return FALSE;
    }
  csr = cc_request_dup_csr (server, cc_interface_to_id (iface), error);
  if (csr == NULL)
    return FALSE;
  ca_dir = _cc_lab_ca_dup_dir (deployment, authority);
  lab = _cc_lab_ca_load (deployment, ca_dir, error);
  if (lab == NULL)
    return FALSE;
  bio = BIO_new_mem_buf (csr, -1);
  req = PEM_read_bio_X509_REQ (bio, NULL, NULL, NULL);
  if (req == NULL)
    {
      _cc_set_openssl_error (error, CC_ERROR_BAD_CERTIFICATE,
                             _("The pending request for %s on %s cannot be read; cancel it and create it again"),
                             cc_interface_to_id (iface), cc_server_get_fqdn (server));
      return FALSE;
    }
  cert = _cc_lab_ca_sign_request (lab, req, 730, error);
  if (cert == NULL || (leaf = _cc_certificate_new_from_x509 (cert, error)) == NULL
      || (issuing = _cc_certificate_new_from_x509 (_cc_lab_ca_get_issuing (lab), error)) == NULL)
    return FALSE;
  answer = g_string_new (NULL);
  {
    g_autofree char *lpem = cc_certificate_dup_pem (leaf);
    g_string_append (answer, lpem);
  }
  {
    g_autofree char *ipem = cc_certificate_dup_pem (issuing);
    g_string_append (answer, ipem);
  }
  bytes = g_bytes_new (answer->str, answer->len);
  what = g_strdup_printf (_("the answer of %s"), authority);
  cc_deployment_audit (deployment, "request-submit", cc_server_get_fqdn (server),
                       cc_certificate_get_thumbprint (leaf), authority);
  return cc_request_process_data (server, what, bytes, report, error);
}
