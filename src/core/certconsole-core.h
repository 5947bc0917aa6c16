/* certconsole-core.h: the one header the GUI, the CLI and the tests include. */
#pragma once

#include "cc-authority.h"
#include "cc-certificate.h"
#include "cc-certificate-section.h"
#include "cc-deployment.h"
#include "cc-enums.h"
#include "cc-error.h"
#include "cc-lock.h"
#include "cc-pool.h"
#include "cc-server.h"
#include "cc-site.h"
#include "cc-store.h"
#include "cc-store-entry.h"

/* Call once at start-up: loads OpenSSL's default and legacy providers, binds gettext. */
void cc_core_init (void);
#include "cc-workflows.h"
#include "cc-generate.h"
