/* cc-assign.c: the requirements catalogue, assigning a certificate to an interface (writes
 * what the TLS server reads) and distributing one to every member of a pool. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cc-lab-ca.h"
#include "cc-workflows.h"

const char *
cc_status_to_id (CcStatus status)
{
  switch (status)
    {
    case CC_STATUS_OK: return "ok";
    case CC_STATUS_WARNING: return "warning";
    case CC_STATUS_ERROR:
    default: return "error";
    }
}

static gboolean
names_contain (CcCertificate *cert, const char *name)
{
  const char * const *sans = cc_certificate_get_sans (cert);

  for (guint i = 0; sans[i]; i++)
    if (g_ascii_strcasecmp (sans[i], name) == 0)
      return TRUE;
  return sans[0] == NULL && g_ascii_strcasecmp (cc_certificate_get_issued_to (cert), name) == 0;
}

#define ADD(array, ...) g_ptr_array_add ((array), g_strdup_printf (__VA_ARGS__))

CcStatus
cc_requirements_evaluate (CcServer     *server,
                          CcInterface   iface,
                          CcStoreEntry *entry,
                          GPtrArray    *errors,
                          GPtrArray    *warnings)
{
  CcCertificate *cert = cc_store_entry_get_certificate (entry);
  g_autofree char *subject = cc_request_default_subject (server, iface);
  g_auto(GStrv) sans = cc_request_default_sans (server, iface);
  gboolean cwa = iface == CC_INTERFACE_CWA_MTLS || iface == CC_INTERFACE_CWA_SSL_INTERNAL
                 || iface == CC_INTERFACE_CWA_SSL_EXTERNAL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *reason = NULL;
  gboolean has_ku;
  guint ku = cc_certificate_get_key_usage (cert, &has_ku);
  guint wanted_ku = CC_KEY_USAGE_DIGITAL_SIGNATURE | CC_KEY_USAGE_KEY_ENCIPHERMENT;
  guint n_errors = errors->len, n_warnings = warnings->len;

  if (!cc_store_entry_get_has_private_key (entry))
    ADD (errors, _("%s holds no private key for this certificate"), cc_server_get_fqdn (server));

  /* subject and SANs */
  if (g_ascii_strcasecmp (cc_certificate_get_issued_to (cert), subject) != 0
      && !names_contain (cert, subject))
    ADD (errors, _("it is issued to %s, but %s of %s needs the name %s"),
         cc_certificate_get_issued_to (cert), cc_interface_to_id (iface),
         cc_server_get_fqdn (server), subject);
  for (guint i = 1; sans[i]; i++)
    if (!names_contain (cert, sans[i]))
      {
        /* sip.<domain> is needed only when clients use automatic configuration */
        if (iface == CC_INTERFACE_DEFAULT)
          ADD (warnings, _("its subject alternative names lack %s (needed when clients use automatic configuration)"),
               sans[i]);
        else
          ADD (errors, _("its subject alternative names lack %s"), sans[i]);
      }

  /* purposes and key usage */
  if (cc_certificate_get_eku (cert)[0] != NULL && !cc_certificate_has_eku (cert, CC_OID_SERVER_AUTH))
    ADD (errors, _("it is not valid for Server Authentication (EKU 1.3.6.1.5.5.7.3.1)"));
  if ((iface == CC_INTERFACE_EDGE_INTERNAL || iface == CC_INTERFACE_DEFAULT)
      && cc_certificate_get_eku (cert)[0] != NULL
      && !cc_certificate_has_eku (cert, CC_OID_CLIENT_AUTH))
    ADD (errors, _("it is not valid for Client Authentication, which mutual TLS needs (EKU 1.3.6.1.5.5.7.3.2)"));
  if (iface == CC_INTERFACE_CWA_MTLS && cc_certificate_get_eku (cert)[0] != NULL
      && !cc_certificate_has_eku (cert, CC_OID_CLIENT_AUTH))
    ADD (warnings, _("it lacks Client Authentication; OpenSSL peers will not accept it as a client"));
  if (has_ku && (ku & wanted_ku) != wanted_ku)
    ADD (errors, _("its key usage lacks Digital Signature and Key Encipherment (a0)"));
  if (cc_certificate_get_version (cert) < 3)
    ADD (errors, _("it is an X.509 version %u certificate; version 3 is needed"),
         cc_certificate_get_version (cert));

  /* key */
  if (g_str_has_prefix (cc_certificate_get_key_type (cert), "rsa:"))
    {
      guint bits = cc_certificate_get_key_bits (cert);
      if (bits < 1024)
        ADD (errors, _("its %u-bit RSA key is far too weak"), bits);
      else if (bits < 2048)
        ADD (warnings, _("its %u-bit RSA key is weak; use 2048 bits or more"), bits);
    }
  if (cwa && cc_store_entry_get_has_private_key (entry) && !cc_store_entry_get_exportable (entry))
    ADD (errors, _("Communicator Web Access needs its private key marked exportable"));

  /* validity */
  if (cc_certificate_is_expired (cert, now))
    {
      g_autofree char *when = cc_format_iso8601 (cc_certificate_get_not_after (cert));
      ADD (errors, _("it expired on %s"), when);
    }
  else if (g_date_time_compare (now, cc_certificate_get_not_before (cert)) < 0)
    {
      g_autofree char *when = cc_format_iso8601 (cc_certificate_get_not_before (cert));
      ADD (errors, _("it is not valid before %s"), when);
    }

  /* trust, as this server sees it */
  if (!_cc_server_build_chain (server, cert, NULL, &reason, NULL))
    ADD (errors, "%s", reason ? reason : _("its chain cannot be verified on this server"));

  if (errors->len > n_errors)
    return CC_STATUS_ERROR;
  return warnings->len > n_warnings ? CC_STATUS_WARNING : CC_STATUS_OK;
}

static char *
join (GPtrArray *lines)
{
  g_ptr_array_add (lines, NULL);
  {
    char *s = g_strjoinv ("; ", (char **) lines->pdata);
    g_ptr_array_remove_index (lines, lines->len - 1);
    return s;
  }
}

gboolean
cc_assign (CcServer    *server,
           const char  *thumbprint,
           CcInterface  iface,
           gboolean     force,
           CcReport    *report,
           GError     **error)
{
  CcDeployment *deployment = _cc_server_get_deployment (server);
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autofree char *old = NULL;
  gboolean old_forced;
  CcStoreEntry *entry;
  CcCertificate *cert;
  const char *fqdn = cc_server_get_fqdn (server);

  if (!cc_server_has_interface (server, iface))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("The server %s (%s) has no interface “%s”"), fqdn,
                   cc_role_get_display_name (cc_server_get_role (server)), cc_interface_to_id (iface));
      return FALSE;
    }
  entry = _cc_server_find_personal (server, thumbprint, error);
  if (entry == NULL)
    return FALSE;
  cert = cc_store_entry_get_certificate (entry);
  if (!cc_store_entry_get_has_private_key (entry))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("%s holds no private key for %s, so no TLS server can use it; import the .pfx with its key"),
                   fqdn, cc_certificate_get_issued_to (cert));
      return FALSE;
    }
  cc_requirements_evaluate (server, iface, entry, errors, warnings);
  if (errors->len > 0 && !force)
    {
      g_autofree char *all = join (errors);
      g_set_error (error, CC_ERROR, CC_ERROR_REQUIREMENTS,
                   _("The certificate %s cannot be assigned to %s on %s: %s. Choose a certificate that meets these requirements, or use --force to assign it anyway"),
                   cc_certificate_get_issued_to (cert), cc_interface_to_id (iface), fqdn, all);
      return FALSE;
    }

  key = cc_store_read_key (cc_server_get_store (server, CC_STORE_PERSONAL),
                           cc_certificate_get_thumbprint (cert), error);
  if (key == NULL)
    return FALSE;
  _cc_server_build_chain (server, cert, chain, NULL, NULL);
  {
    g_autofree char *leaf = cc_certificate_dup_pem (cert);
    g_string_append (pem, leaf);
  }
  /* leaf + intermediates: the root is the peer's to trust, not ours to send */
  for (guint i = 0; i < chain->len; i++)
    if (!cc_certificate_is_self_signed (g_ptr_array_index (chain, i)))
      {
        g_autofree char *p = cc_certificate_dup_pem (g_ptr_array_index (chain, i));
        g_string_append (pem, p);
      }

  old = g_strdup (cc_server_get_assignment (server, iface));
  old_forced = cc_server_get_assignment_forced (server, iface);
  cc_server_set_assignment (server, iface, cc_certificate_get_thumbprint (cert), errors->len > 0);
  if (!cc_deployment_save (deployment, error))
    {
      cc_server_set_assignment (server, iface, old, old_forced);
      return FALSE;
    }
  /* deployment.json first: a kill before the files leaves an assignment that check
   * reports (files missing), never files that nothing records */
  if (!_cc_server_write_assigned (server, iface, pem->str, key, error))
    return FALSE;

  cc_deployment_audit (deployment, errors->len > 0 ? "assign-forced" : "assign", fqdn,
                       cc_certificate_get_thumbprint (cert), cc_interface_to_id (iface));
  if (report != NULL)
    {
      g_ptr_array_add (report->changes,
                       g_strdup_printf (_("%s: %s: assigned %s (%s)%s"), fqdn, cc_interface_to_id (iface),
                                        cc_certificate_get_thumbprint (cert),
                                        cc_certificate_get_issued_to (cert),
                                        errors->len > 0 ? _(", forced") : ""));
      for (guint i = 0; i < errors->len; i++)
        g_ptr_array_add (report->notes, g_strdup_printf (_("%s: forced past: %s"), fqdn,
                                                         (char *) g_ptr_array_index (errors, i)));
      for (guint i = 0; i < warnings->len; i++)
        g_ptr_array_add (report->notes, g_strdup_printf (_("%s: warning: %s"), fqdn,
                                                         (char *) g_ptr_array_index (warnings, i)));
    }
  return TRUE;
}

gboolean
cc_distribute (CcPool      *pool,
               const char  *thumbprint,
               gboolean     force,
               CcReport    *report,
               GError     **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (pool));
  CcServer *source = NULL;
  CcStoreEntry *entry = NULL;
  CcCertificate *cert;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) ifaces = g_array_new (FALSE, FALSE, sizeof (CcInterface));

  /* the member that holds the certificate with its key */
  for (guint i = 0; i < n && source == NULL; i++)
    {
      g_autoptr(CcServer) server = g_list_model_get_item (G_LIST_MODEL (pool), i);
      CcStore *personal = cc_server_get_store (server, CC_STORE_PERSONAL);
      CcStoreEntry *e;

      if (!cc_store_ensure_loaded (personal, NULL, error))
        return FALSE;
      e = cc_store_lookup (personal, thumbprint);
      if (e != NULL && cc_store_entry_get_has_private_key (e))
        {
          source = server;
          entry = e;
        }
    }
  if (source == NULL)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_NOT_FOUND,
                   _("No server of the pool %s holds the certificate %s with its private key; import it on one member first"),
                   cc_pool_get_fqdn (pool), thumbprint);
      return FALSE;
    }
  cert = cc_store_entry_get_certificate (entry);
  key = cc_store_read_key (cc_server_get_store (source, CC_STORE_PERSONAL),
                           cc_certificate_get_thumbprint (cert), error);
  if (key == NULL)
    return FALSE;
  _cc_server_build_chain (source, cert, chain, NULL, NULL);
  for (CcInterface i = 0; i < CC_N_INTERFACES; i++)
    if (g_strcmp0 (cc_server_get_assignment (source, i), cc_certificate_get_thumbprint (cert)) == 0)
      g_array_append_val (ifaces, i);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcServer) server = g_list_model_get_item (G_LIST_MODEL (pool), i);
      CcStore *personal = cc_server_get_store (server, CC_STORE_PERSONAL);
      CcDeployment *deployment = _cc_server_get_deployment (server);

      if (server != source)
        {
          CcStoreEntry *there = cc_store_lookup (personal, cc_certificate_get_thumbprint (cert));
          /* as the seeds do it: imported on the other members without the exportable mark */
          if (there == NULL || !cc_store_entry_get_has_private_key (there))
            {
              if (!cc_store_add_certificate (personal, cert, key, cc_store_entry_get_friendly_name (entry),
                                             FALSE, "distribute", error))
                return FALSE;
              cc_deployment_audit (deployment, "distribute", cc_server_get_fqdn (server),
                                   cc_certificate_get_thumbprint (cert), cc_server_get_fqdn (source));
              if (report != NULL)
                g_ptr_array_add (report->changes,
                                 g_strdup_printf (_("%s: Personal: added %s (%s), not exportable"),
                                                  cc_server_get_fqdn (server),
                                                  cc_certificate_get_thumbprint (cert),
                                                  cc_certificate_get_issued_to (cert)));
            }
          /* the issuing CAs the first server knows, so the chain is complete here too */
          for (guint c = 0; c < chain->len; c++)
            {
              CcCertificate *ca = g_ptr_array_index (chain, c);
              CcStore *inter = cc_server_get_store (server, CC_STORE_INTERMEDIATE);
              if (cc_certificate_is_self_signed (ca))
                continue;
              if (!cc_store_ensure_loaded (inter, NULL, error))
                return FALSE;
              if (cc_store_lookup_id (inter, cc_certificate_get_thumbprint (ca)) == NULL
                  && !cc_store_add_certificate (inter, ca, NULL, NULL, FALSE, "distribute", error))
                return FALSE;
            }
        }
      for (guint j = 0; j < ifaces->len; j++)
        {
          CcInterface iface = g_array_index (ifaces, CcInterface, j);
          if (server == source || !cc_server_has_interface (server, iface))
            continue;
          if (!cc_assign (server, cc_certificate_get_thumbprint (cert), iface, force, report, error))
            return FALSE;
        }
    }
  return TRUE;
}
