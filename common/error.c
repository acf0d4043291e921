/* SPDX-License-Identifier: Apache-2.0 */
/* common/error: human words for the status codes of common/error.h. */
#include "common/error.h"

const char *cp_strerror(int status)
{
    switch (status) {
    case CP_OK: return "success";
    case CP_ERR_NOMEM: return "out of memory";
    case CP_ERR_IO: return "input/output error";
    case CP_ERR_INVALID: return "invalid input";
    case CP_ERR_LIMIT: return "limit reached";
    case CP_ERR_NETWORK: return "network error";
    case CP_ERR_PARSE: return "parse error";
    case CP_ERR_INTERRUPTED: return "interrupted";
    case CP_ERR_BUSY: return "in use by another process";
    }
    return "unknown error";
}
