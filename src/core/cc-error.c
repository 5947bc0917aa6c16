/* cc-error.c: the CC_ERROR quark. */
#include "cc-error.h"

G_DEFINE_QUARK (cc-error-quark, cc_error)
