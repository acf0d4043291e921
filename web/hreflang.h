/* SPDX-License-Identifier: Apache-2.0 */
/* web/hreflang: is an hreflang value one search engines understand?
 *
 * Valid values are "x-default" and BCP 47 tags of the form language[-Script][-REGION]: language an
 * ISO 639-1 code (or an ISO 639-2 code for languages that have no two-letter code), Script four
 * letters (zh-Hant), REGION an ISO 3166-1 alpha-2 code or a UN M.49 three-digit area (es-419).
 * Comparison is case-insensitive. Common mistakes are therefore invalid: "en_US" (underscore),
 * "en-UK" (UK is not a country code; GB is), "english", "us" (a region alone).
 * Pure and reentrant. */
#ifndef CRAWLPACK_WEB_HREFLANG_H
#define CRAWLPACK_WEB_HREFLANG_H

#include <stdbool.h>
#include <stddef.h>

bool hreflang_is_valid(const char *code, size_t length);

#endif
