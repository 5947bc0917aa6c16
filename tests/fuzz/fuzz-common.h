/* fuzz-common.h: what every libFuzzer target of the core shares. */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc-core-private.h"
#include "cc-workflows.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static inline void
fuzz_init (void)
{
  static gboolean done;

  if (!done)
    {
      /* the core's debug messages would flood the fuzzer's output */
      g_log_set_writer_func (g_log_writer_default, NULL, NULL);
      g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
      cc_core_init ();
      done = TRUE;
    }
}
