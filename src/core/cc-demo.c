/* cc-demo.c: the demo deployment made on first start: a site with an Edge pool of two
 * servers behind a load balancer, a Front End pool, a Communicator Web Access server, and
 * a lab CA whose chain is trusted on every server, each server carrying what it should. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cc-lab-ca.h"

#define DEMO_CA_NAME "Contoso Lab CA"

typedef struct
{
  CcDeployment *deployment;
  CcLabCa *ca;
  CcCertificate *root;
  CcCertificate *issuing;
  char *issuing_pem;
} Demo;

static CcServer *
add_server (CcPool *pool, const char *fqdn, CcRole role)
{
  g_autoptr(CcServer) server = _cc_server_new (pool, fqdn, role);
  _cc_pool_add_server (pool, server);
  return server;   /* the pool holds it */
}

static CcPool *
add_pool (CcSite *site, const char *fqdn, gboolean load_balancer)
{
  g_autoptr(CcPool) pool = _cc_pool_new (site, fqdn, load_balancer);
  _cc_site_add_pool (site, pool);
  return pool;
}

typedef struct
{
  const char *friendly_name;
  CcIssueOptions options;
  CcInterface iface;
  const char *servers[3];
} DemoCert;

static gboolean
issue_and_assign (Demo *demo, const DemoCert *spec, GError **error)
{
  g_autoptr(EVP_PKEY) key = _cc_key_generate ("ec:p256", error);
  g_autoptr(X509) x509 = NULL;
  g_autoptr(CcCertificate) cert = NULL;
  g_autoptr(GBytes) key_pem = NULL;
  g_autofree char *leaf_pem = NULL;
  g_autofree char *chain = NULL;

  if (key == NULL || (x509 = _cc_lab_ca_issue (demo->ca, key, &spec->options, error)) == NULL
      || (cert = _cc_certificate_new_from_x509 (x509, error)) == NULL)
    return FALSE;
  key_pem = _cc_key_to_pem (key);
  leaf_pem = cc_certificate_dup_pem (cert);
  chain = g_strconcat (leaf_pem, demo->issuing_pem, NULL);

  for (guint i = 0; spec->servers[i]; i++)
    {
      CcServer *server = cc_deployment_find_server (demo->deployment, spec->servers[i]);
      /* as the seeds do it: exportable on the first server, imported without on the others */
      gboolean exportable = i == 0;

      if (!cc_store_add_certificate (cc_server_get_store (server, CC_STORE_PERSONAL), cert,
                                     key_pem, _(spec->friendly_name), exportable,
                                     i == 0 ? "lab-ca" : "pfx", error)
          || !_cc_server_write_assigned (server, spec->iface, chain, key_pem, error))
        return FALSE;
      cc_server_set_assignment (server, spec->iface, cc_certificate_get_thumbprint (cert), FALSE);
    }
  return TRUE;
}

gboolean
_cc_demo_populate (CcDeployment *self, GCancellable *cancellable, GError **error)
{
  static const char * const edge_sans[] = { "edgepool.contoso.com", NULL };
  static const char * const fe_sans[] = {
    "pool01.contoso.com", "sip.contoso.com", "sip.fabrikam.com", NULL
  };
  static const char * const cwa_sans[] = { "cwa01.contoso.com", NULL };
  static const char * const im_sans[] = {
    "im.contoso.com", "as.im.contoso.com", "download.im.contoso.com", NULL
  };
  static const char * const sip_domains[] = { "contoso.com", "fabrikam.com", NULL };
  const DemoCert certs[] = {
    { N_("Edge internal (edgepool)"),
      { "edgepool.contoso.com", "Contoso", "IT", "US", "Washington", "Redmond", edge_sans, TRUE, 730 },
      CC_INTERFACE_EDGE_INTERNAL, { "edge01.contoso.com", "edge02.contoso.com", NULL } },
    { N_("Front End pool01"),
      { "pool01.contoso.com", "Contoso", "IT", "US", "Washington", "Redmond", fe_sans, TRUE, 730 },
      CC_INTERFACE_DEFAULT, { "fe01.contoso.com", "fe02.contoso.com", NULL } },
    { N_("CWA MTLS"),
      { "cwa01.contoso.com", "Contoso", "IT", "US", "Washington", "Redmond", cwa_sans, TRUE, 730 },
      CC_INTERFACE_CWA_MTLS, { "cwa01.contoso.com", NULL } },
    { N_("CWA SSL (im.contoso.com)"),
      { "im.contoso.com", "Contoso", "IT", "US", "Washington", "Redmond", im_sans, FALSE, 730 },
      CC_INTERFACE_CWA_SSL_INTERNAL, { "cwa01.contoso.com", NULL } },
  };
  g_autoptr(CcSite) site = NULL;
  g_autoptr(CcAuthority) authority = NULL;
  g_autoptr(GPtrArray) servers = NULL;
  g_autoptr(CcLabCa) ca = NULL;
  g_autoptr(CcCertificate) root = NULL;
  g_autoptr(CcCertificate) issuing = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *ca_dir = NULL;
  g_autofree char *issuing_pem = NULL;
  CcPool *pool;
  CcServer *cwa;
  Demo demo;

  site = _cc_site_new (self, "Headquarters");
  pool = add_pool (site, "edgepool.contoso.com", TRUE);
  add_server (pool, "edge01.contoso.com", CC_ROLE_EDGE);
  add_server (pool, "edge02.contoso.com", CC_ROLE_EDGE);
  pool = add_pool (site, "pool01.contoso.com", TRUE);
  cc_pool_set_sip_domains (pool, sip_domains);
  add_server (pool, "fe01.contoso.com", CC_ROLE_FRONT_END);
  add_server (pool, "fe02.contoso.com", CC_ROLE_FRONT_END);
  pool = add_pool (site, "cwa01.contoso.com", FALSE);
  cwa = add_server (pool, "cwa01.contoso.com", CC_ROLE_CWA);
  _cc_server_set_interface_host (cwa, CC_INTERFACE_CWA_SSL_INTERNAL, "im.contoso.com");
  _cc_deployment_add_site_internal (self, site);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  ca = _cc_lab_ca_new (DEMO_CA_NAME, "Contoso", error);
  if (ca == NULL)
    return FALSE;
  slug = _cc_lab_ca_slug (DEMO_CA_NAME);
  ca_dir = g_build_filename (cc_deployment_get_path (self), "ca", slug, NULL);
  if (!_cc_lab_ca_save (self, ca, ca_dir, error))
    return FALSE;
  root = _cc_certificate_new_from_x509 (_cc_lab_ca_get_root (ca), error);
  issuing = root ? _cc_certificate_new_from_x509 (_cc_lab_ca_get_issuing (ca), error) : NULL;
  if (issuing == NULL)
    return FALSE;
  issuing_pem = cc_certificate_dup_pem (issuing);

  authority = cc_authority_new (DEMO_CA_NAME, CC_AUTHORITY_LAB);
  cc_authority_set_thumbprints (authority, cc_certificate_get_thumbprint (root),
                                cc_certificate_get_thumbprint (issuing));
  g_list_store_append (G_LIST_STORE (cc_deployment_get_authorities (self)), authority);

  /* the chain is trusted where it should be: every server trusts the lab root */
  servers = cc_deployment_list_servers (self);
  for (guint i = 0; i < servers->len; i++)
    {
      CcServer *server = g_ptr_array_index (servers, i);
      if (!cc_store_add_certificate (cc_server_get_store (server, CC_STORE_TRUSTED_ROOT), root,
                                     NULL, _("Contoso Lab CA Root"), FALSE, "chain", error)
          || !cc_store_add_certificate (cc_server_get_store (server, CC_STORE_INTERMEDIATE),
                                        issuing, NULL, _("Contoso Lab CA Issuing CA"), FALSE,
                                        "chain", error))
        return FALSE;
    }

  demo.deployment = self;
  demo.ca = ca;
  demo.root = root;
  demo.issuing = issuing;
  demo.issuing_pem = issuing_pem;
  for (guint i = 0; i < G_N_ELEMENTS (certs); i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error)
          || !issue_and_assign (&demo, &certs[i], error))
        return FALSE;
    }
  return TRUE;
}
