/* SPDX-License-Identifier: Apache-2.0 */
/* web/content_type: the one "is this HTML" test (see web/content_type.h). */
#include "web/content_type.h"

#include <string.h>
#include <strings.h>

bool content_type_is_html(const char *content_type)
{
    if (!content_type)
        return false;
    size_t n = strcspn(content_type, "; ");
    return (n == 9 && strncasecmp(content_type, "text/html", 9) == 0) ||
           (n == 21 && strncasecmp(content_type, "application/xhtml+xml", 21) == 0);
}
