/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/datetime: strict W3C Datetime parsing (see datetime.h). */
#include "sitemap/datetime.h"

#include <stdint.h>

static bool digits(const char *p, const char *end, int count, int *value)
{
    if (end - p < count)
        return false;
    int v = 0;
    for (int i = 0; i < count; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *value = v;
    return true;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool parse_time(const char *p, const char *end, int64_t *seconds)
{
    int hour, minute, second = 0, tz_hour, tz_minute;
    if (!digits(p, end, 2, &hour) || p + 2 >= end || p[2] != ':' || !digits(p + 3, end, 2, &minute))
        return false;
    p += 5;
    if (p < end && *p == ':') {
        if (!digits(p + 1, end, 2, &second))
            return false;
        p += 3;
        if (p < end && *p == '.') {
            const char *fraction = ++p;
            while (p < end && *p >= '0' && *p <= '9')
                p++;
            if (p == fraction)
                return false;
        }
    }
    if (hour > 23 || minute > 59 || second > 60 || p >= end)
        return false;
    int64_t offset = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        if (!digits(p + 1, end, 2, &tz_hour) || p + 3 >= end || p[3] != ':' || !digits(p + 4, end, 2, &tz_minute))
            return false;
        if (tz_hour > 23 || tz_minute > 59)
            return false;
        offset = sign * (tz_hour * 3600 + tz_minute * 60);
        p += 6;
    } else {
        return false;
    }
    if (p != end)
        return false;
    *seconds = (int64_t)hour * 3600 + minute * 60 + second - offset;
    return true;
}

bool w3c_datetime_parse(const char *text, size_t length, struct w3c_datetime *out)
{
    const char *p = text, *end = text + length;
    int year, month = 1, day = 1;
    if (!digits(p, end, 4, &year))
        return false;
    p += 4;
    if (p < end) {
        if (*p != '-' || !digits(p + 1, end, 2, &month) || month < 1 || month > 12)
            return false;
        p += 3;
    }
    if (p < end) {
        if (*p != '-' || !digits(p + 1, end, 2, &day) || day < 1 || day > days_in_month(year, month))
            return false;
        p += 3;
    }
    int64_t seconds = 0;
    out->has_time = false;
    if (p < end) {
        if (*p != 'T' || p + 1 >= end || p - text != 10 || !parse_time(p + 1, end, &seconds))
            return false;
        out->has_time = true;
    }
    out->start = (time_t)(days_from_civil(year, month, day) * 86400 + seconds);
    return true;
}

void w3c_datetime_format(time_t when, char text[32])
{
    struct tm tm;
    text[0] = '\0';
    if (!gmtime_r(&when, &tm))
        return;
    strftime(text, 32, tm.tm_hour || tm.tm_min || tm.tm_sec ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d", &tm);
}
