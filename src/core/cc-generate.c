/* cc-generate.c: generated deployments for benchmarks and scale tests. */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cc-generate.h"
#include "cc-lab-ca.h"

static gboolean
link_tree (const char *from, const char *to, GError **error)
{
  g_autoptr(GDir) dir = g_dir_open (from, 0, error);
  const char *name;

  if (dir == NULL || !_cc_mkdir (to, 0755, error))
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);
      g_autofree char *target = g_file_read_link (src, NULL);

      if (target != NULL ? symlink (target, dst) != 0 : link (src, dst) != 0)
        {
          int saved = errno;
          g_set_error (error, CC_ERROR, CC_ERROR_IO, _("Cannot create “%s”: %s"), dst,
                       g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
folder_is_empty_or_absent (const char *path)
{
  g_autoptr(GDir) dir = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  dir = g_dir_open (path, 0, NULL);
  return dir != NULL && g_dir_read_name (dir) == NULL;
}

CcDeployment *
cc_deployment_generate (const char *path, const CcGenerateOptions *o, GError **error)
{
  guint pool_size = o->pool_size ? o->pool_size : 2;
  guint per_site = o->servers_per_site ? o->servers_per_site : 100;
  guint n_roots = o->n_roots ? o->n_roots : 150;
  guint n_personal = CLAMP (o->n_personal ? o->n_personal : 4, 1, 4);
  static const CcInterface ifaces[] = {
    CC_INTERFACE_EDGE_INTERNAL, CC_INTERFACE_EDGE_ACCESS, CC_INTERFACE_EDGE_WEBCONF, CC_INTERFACE_EDGE_AV
  };
  g_autoptr(CcDeployment) self = NULL;
  g_autoptr(CcLabCa) lab = NULL;
  g_autoptr(EVP_PKEY) leaf_key = NULL;
  g_autoptr(GBytes) leaf_key_pem = NULL;
  g_autoptr(CcCertificate) issuing = NULL;
  g_autoptr(GPtrArray) roots = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (o->seed);
  g_autofree char *template_dir = NULL;
  g_autofree char *issuing_pem = NULL;
  g_autoptr(CcCertificate) pool_cert = NULL;
  g_autofree char *pool_chain = NULL;
  CcSite *site = NULL;
  CcPool *pool = NULL;
  CcServer *tmpl;
  guint tag = g_rand_int_range (rand, 100, 999);

  if (o->n_servers == 0 || n_roots > 10000 || pool_size > per_site)
    {
      g_set_error (error, CC_ERROR, CC_ERROR_INVALID,
                   _("A generated deployment needs at least one server, at most 10,000 roots, and "
                     "sites at least as large as their pools"));
      return NULL;
    }
  if (!folder_is_empty_or_absent (path))
    {
      g_set_error (error, CC_ERROR, CC_ERROR_EXISTS,
                   _("%s exists and is not empty; generate into a new or empty folder"), path);
      return NULL;
    }
  self = cc_deployment_create (path, FALSE, NULL, error);
  if (self == NULL)
    return NULL;
  _cc_set_durable (FALSE);

  /* the PKI: root 0 is the lab CA's root; the others are just trusted */
  lab = _cc_lab_ca_new ("Generated CA", "Generated", error);
  leaf_key = lab ? _cc_key_generate ("ec:p256", error) : NULL;
  if (leaf_key == NULL)
    goto fail;
  leaf_key_pem = _cc_key_to_pem (leaf_key);
  g_ptr_array_add (roots, _cc_certificate_new_from_x509 (_cc_lab_ca_get_root (lab), NULL));
  issuing = _cc_certificate_new_from_x509 (_cc_lab_ca_get_issuing (lab), NULL);
  issuing_pem = cc_certificate_dup_pem (issuing);
  for (guint i = 1; i < n_roots; i++)
    {
      g_autofree char *name = g_strdup_printf ("Generated Root %03u", i);
      g_autoptr(CcLabCa) other = _cc_lab_ca_new (name, "Generated", error);
      if (other == NULL)
        goto fail;
      g_ptr_array_add (roots, _cc_certificate_new_from_x509 (_cc_lab_ca_get_root (other), NULL));
    }

  /* one server's trust stores made through the store API, then linked everywhere */
  {
    g_autoptr(CcSite) s = _cc_site_new (self, "Template");
    g_autoptr(CcPool) p = _cc_pool_new (s, "template.invalid", FALSE);
    g_autoptr(CcServer) t = _cc_server_new (p, "template.invalid", CC_ROLE_EDGE);
    tmpl = t;
    if (!cc_store_add_certificates (cc_server_get_store (tmpl, CC_STORE_TRUSTED_ROOT), roots,
                                    "chain", NULL, error)
        || !cc_store_add_certificate (cc_server_get_store (tmpl, CC_STORE_INTERMEDIATE), issuing,
                                      NULL, NULL, FALSE, "chain", error))
      goto fail;
    template_dir = g_strdup (cc_server_get_path (tmpl));
  }

  for (guint n = 0; n < o->n_servers; n++)
    {
      g_autofree char *fqdn = NULL;
      CcServer *server;
      g_autoptr(CcServer) owned = NULL;

      if (n % per_site == 0)
        {
          g_autofree char *name = g_strdup_printf ("Site %u-%u", tag, n / per_site + 1);
          g_autoptr(CcSite) s = _cc_site_new (self, name);
          _cc_deployment_add_site_internal (self, s);
          site = s;
        }
      if (n % pool_size == 0)
        {
          g_autofree char *pfqdn = g_strdup_printf ("edgepool%u.site%u.example.com", n / pool_size + 1,
                                                    n / per_site + 1);
          g_autoptr(CcPool) p = _cc_pool_new (site, pfqdn, pool_size > 1);
          g_autoptr(X509) x = NULL;
          const char *sans[] = { pfqdn, NULL };
          CcIssueOptions io = { .common_name = pfqdn, .organization = "Generated", .sans = sans,
                                .client_auth = TRUE, .days = 365 };

          _cc_site_add_pool (site, p);
          pool = p;
          x = _cc_lab_ca_issue (lab, leaf_key, &io, error);
          if (x == NULL)
            goto fail;
          g_clear_object (&pool_cert);
          pool_cert = _cc_certificate_new_from_x509 (x, NULL);
          g_free (pool_chain);
          {
            g_autofree char *leaf = cc_certificate_dup_pem (pool_cert);
            pool_chain = g_strconcat (leaf, issuing_pem, NULL);
          }
        }
      fqdn = g_strdup_printf ("edge%u.site%u.example.com", n + 1, n / per_site + 1);
      owned = _cc_server_new (pool, fqdn, CC_ROLE_EDGE);
      server = owned;
      _cc_pool_add_server (pool, server);

      {
        g_autofree char *roots_to = g_build_filename (cc_server_get_path (server), "trusted-root", NULL);
        g_autofree char *roots_from = g_build_filename (template_dir, "trusted-root", NULL);
        g_autofree char *inter_to = g_build_filename (cc_server_get_path (server), "intermediate", NULL);
        g_autofree char *inter_from = g_build_filename (template_dir, "intermediate", NULL);
        if (!link_tree (roots_from, roots_to, error) || !link_tree (inter_from, inter_to, error))
          goto fail;
      }

      for (guint k = 0; k < n_personal; k++)
        {
          g_autoptr(CcCertificate) cert = NULL;
          g_autofree char *chain = NULL;

          if (k == 0)
            {
              cert = g_object_ref (pool_cert);
              chain = g_strdup (pool_chain);
            }
          else
            {
              const char *sans[] = { fqdn, NULL };
              CcIssueOptions io = { .common_name = fqdn, .organization = "Generated", .sans = sans,
                                    .client_auth = FALSE, .days = 365 };
              g_autoptr(X509) x = _cc_lab_ca_issue (lab, leaf_key, &io, error);
              g_autofree char *leaf = NULL;
              if (x == NULL)
                goto fail;
              cert = _cc_certificate_new_from_x509 (x, NULL);
              leaf = cc_certificate_dup_pem (cert);
              chain = g_strconcat (leaf, issuing_pem, NULL);
            }
          if (!cc_store_add_certificate (cc_server_get_store (server, CC_STORE_PERSONAL), cert,
                                         leaf_key_pem, NULL, k == 0 && n % pool_size == 0,
                                         "generated", error)
              || !_cc_server_write_assigned (server, ifaces[k], chain, leaf_key_pem, error))
            goto fail;
          cc_server_set_assignment (server, ifaces[k], cc_certificate_get_thumbprint (cert), FALSE);
        }
    }

  _cc_rmrf (template_dir, NULL);
  if (!cc_deployment_save (self, error))
    goto fail;
  _cc_set_durable (TRUE);
  sync ();
  return g_steal_pointer (&self);

fail:
  _cc_set_durable (TRUE);
  /* the folder was empty or absent: a half-made deployment goes again */
  _cc_rmrf (path, NULL);
  return NULL;
}
