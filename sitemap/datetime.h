/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/datetime: W3C Datetime (https://www.w3.org/TR/NOTE-datetime), the format of <lastmod>
 * and news:publication_date: YYYY, YYYY-MM, YYYY-MM-DD, or a date with "Thh:mm", "Thh:mm:ss" or
 * "Thh:mm:ss.s..." followed by a time zone designator (Z, +hh:mm or -hh:mm).
 * Also parses the same shape for the CLI's --now. Pure functions; any thread. */
#ifndef CRAWLPACK_SITEMAP_DATETIME_H
#define CRAWLPACK_SITEMAP_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct w3c_datetime {
    time_t start;  /* the earliest instant the value names, UTC (date-only values: 00:00 UTC) */
    bool has_time; /* false for YYYY, YYYY-MM, YYYY-MM-DD: the time zone is then unknown */
};

/* Returns true and fills *out when text (length bytes, no surrounding spaces) is a W3C Datetime. */
bool w3c_datetime_parse(const char *text, size_t length, struct w3c_datetime *out);

/* when as W3C Datetime in UTC: the date alone at midnight, else "YYYY-MM-DDThh:mm:ssZ" (how
 * sitemaps.csv and the findings write a lastmod). "" when the time cannot be represented. */
void w3c_datetime_format(time_t when, char text[32]);

#endif
