/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots_directives: parse and merge meta robots / X-Robots-Tag directives. */
#define _XOPEN_SOURCE 700 /* strptime */
#include "web/robots_directives.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const flag_names[ROBOTS_FLAG_COUNT] = {
    "noindex", "nofollow", "noarchive", "nosnippet", "noimageindex", "notranslate",
};

const char *robots_flag_name(enum robots_flag flag)
{
    return flag < ROBOTS_FLAG_COUNT ? flag_names[flag] : "?";
}

const char *robots_image_preview_name(enum robots_image_preview value)
{
    switch (value) {
    case ROBOTS_IMAGE_PREVIEW_NONE: return "none";
    case ROBOTS_IMAGE_PREVIEW_STANDARD: return "standard";
    case ROBOTS_IMAGE_PREVIEW_LARGE: return "large";
    default: return NULL;
    }
}

void robots_directives_init(struct robots_directives *directives)
{
    memset(directives, 0, sizeof *directives);
    directives->max_snippet = ROBOTS_LIMIT_UNSET;
    directives->max_video_preview = ROBOTS_LIMIT_UNSET;
}

bool robots_directives_has(const struct robots_directives *directives, enum robots_flag flag)
{
    return directives->flag_sources[flag] != 0;
}

/* Most restrictive of two limits: any number beats "no limit", which beats "unset". */
static int32_t stricter_limit(int32_t a, int32_t b)
{
    if (a == ROBOTS_LIMIT_UNSET)
        return b;
    if (b == ROBOTS_LIMIT_UNSET)
        return a;
    if (a == ROBOTS_LIMIT_NONE)
        return b;
    if (b == ROBOTS_LIMIT_NONE)
        return a;
    return a < b ? a : b;
}

static uint8_t stricter_preview(uint8_t a, uint8_t b)
{
    if (a == ROBOTS_IMAGE_PREVIEW_UNSET)
        return b;
    if (b == ROBOTS_IMAGE_PREVIEW_UNSET)
        return a;
    return a < b ? a : b;
}

void robots_directives_merge(struct robots_directives *a, const struct robots_directives *b)
{
    for (int i = 0; i < ROBOTS_FLAG_COUNT; i++)
        a->flag_sources[i] |= b->flag_sources[i];
    a->max_snippet = stricter_limit(a->max_snippet, b->max_snippet);
    a->max_video_preview = stricter_limit(a->max_video_preview, b->max_video_preview);
    a->max_image_preview = stricter_preview(a->max_image_preview, b->max_image_preview);
    a->limit_sources |= b->limit_sources;
    if (b->unavailable_after_sources && (!a->unavailable_after_sources || b->unavailable_after < a->unavailable_after))
        a->unavailable_after = b->unavailable_after;
    a->unavailable_after_sources |= b->unavailable_after_sources;
    a->unavailable_after_invalid |= b->unavailable_after_invalid;
    a->unknown_count = (uint16_t)(a->unknown_count + b->unknown_count < UINT16_MAX ? a->unknown_count + b->unknown_count
                                                                                   : UINT16_MAX);
}

/* ---- dates ---- */

static bool zone_offset(const char *zone, long *seconds)
{
    static const struct {
        const char *name;
        int hours;
    } zones[] = {
        {"", 0},     {"gmt", 0},  {"utc", 0},  {"ut", 0},   {"z", 0},    {"est", -5}, {"edt", -4},
        {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7},
    };
    while (isspace((unsigned char)*zone))
        zone++;
    if (*zone == '+' || *zone == '-') {
        int sign = *zone == '-' ? -1 : 1;
        zone++;
        int digits[4], count = 0;
        for (; *zone && count < 4; zone++) {
            if (isdigit((unsigned char)*zone))
                digits[count++] = *zone - '0';
            else if (*zone != ':' || count != 2)
                return false;
        }
        while (isspace((unsigned char)*zone))
            zone++;
        if (*zone || (count != 2 && count != 4))
            return false;
        long minutes = (digits[0] * 10 + digits[1]) * 60L + (count == 4 ? digits[2] * 10 + digits[3] : 0);
        *seconds = sign * minutes * 60;
        return true;
    }
    char name[8];
    size_t n = 0;
    while (*zone && !isspace((unsigned char)*zone) && n + 1 < sizeof name)
        name[n++] = (char)tolower((unsigned char)*zone++);
    name[n] = '\0';
    while (isspace((unsigned char)*zone))
        zone++;
    if (*zone)
        return false;
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
        if (strcmp(name, zones[i].name) == 0) {
            *seconds = zones[i].hours * 3600L;
            return true;
        }
    return false;
}

bool robots_parse_date(const char *text, size_t length, int64_t *out)
{
    static const char *const formats[] = {
        "%Y-%m-%dT%H:%M:%S",     "%Y-%m-%dT%H:%M",        "%Y-%m-%d %H:%M:%S", "%Y-%m-%d",
        "%a, %d %b %Y %H:%M:%S", "%a, %d %b %Y %H:%M",    "%d %b %Y %H:%M:%S", "%d %b %Y %H:%M",
        "%A, %d-%b-%y %H:%M:%S", "%a, %d-%b-%y %H:%M:%S", "%d-%b-%Y %H:%M:%S", "%d %b %Y",
        "%a, %d %b %Y",
    };
    char copy[128];
    while (length > 0 && isspace((unsigned char)*text))
        text++, length--;
    while (length > 0 && isspace((unsigned char)text[length - 1]))
        length--;
    if (length == 0 || length >= sizeof copy)
        return false;
    memcpy(copy, text, length);
    copy[length] = '\0';
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        const char *rest = strptime(copy, formats[i], &tm);
        if (!rest)
            continue;
        /* fractional seconds of ISO 8601 carry no meaning here */
        if (*rest == '.')
            while (*++rest && isdigit((unsigned char)*rest))
                ;
        long offset;
        if (!zone_offset(rest, &offset))
            continue;
        if (tm.tm_year < 0 || tm.tm_year > 8000)
            return false;
        *out = (int64_t)timegm(&tm) - offset;
        return true;
    }
    return false;
}

/* ---- directive lists ---- */

static bool is_agent_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Directive names that take a value after ':' (so "name:" is not a user-agent prefix). */
static bool is_valued_directive(const char *name, size_t length)
{
    static const char *const names[] = {"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == length && strncasecmp(name, names[i], length) == 0)
            return true;
    return false;
}

/* The word at the start of a segment ([A-Za-z0-9_-]*), and whether ':' follows it. */
static size_t leading_word(const char *s, size_t length, bool *colon)
{
    size_t n = 0;
    while (n < length && is_agent_char(s[n]))
        n++;
    size_t k = n;
    while (k < length && (s[k] == ' ' || s[k] == '\t'))
        k++;
    *colon = n > 0 && k < length && s[k] == ':';
    return n;
}

static bool is_known_directive(const char *word, size_t length)
{
    static const char *const names[] = {"noindex",      "nofollow",    "none", "noarchive", "nocache", "nosnippet",
                                        "noimageindex", "notranslate", "all",  "index",     "follow"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == length && strncasecmp(word, names[i], length) == 0)
            return true;
    return is_valued_directive(word, length);
}

static void trim(const char **s, size_t *length)
{
    while (*length > 0 && isspace((unsigned char)**s))
        (*s)++, (*length)--;
    while (*length > 0 && isspace((unsigned char)(*s)[*length - 1]))
        (*length)--;
}

/* End of the comma-separated segment starting at s. */
static size_t segment_length(const char *s, size_t length)
{
    const char *comma = memchr(s, ',', length);
    return comma ? (size_t)(comma - s) : length;
}

static bool parse_limit(const char *s, size_t length, int32_t *out)
{
    trim(&s, &length);
    if (length == 0 || length > 10)
        return false;
    size_t i = 0;
    bool negative = s[0] == '-';
    if (negative)
        i++;
    if (i == length)
        return false;
    long value = 0;
    for (; i < length; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        value = value * 10 + (s[i] - '0');
    }
    if (negative)
        value = -value;
    if (value < -1 || value > INT32_MAX)
        return false;
    *out = (int32_t)value;
    return true;
}

static bool word_is(const char *word, size_t length, const char *want)
{
    return strlen(want) == length && strncasecmp(word, want, length) == 0;
}

static void set_flag(struct robots_directives *d, enum robots_flag flag, enum robots_source source)
{
    d->flag_sources[flag] |= (uint8_t)source;
}

static void apply_valued(struct robots_directives *d, const char *name, size_t name_length, const char *value,
                         size_t value_length, enum robots_source source)
{
    trim(&value, &value_length);
    int32_t limit;
    if (word_is(name, name_length, "unavailable_after")) {
        int64_t when;
        if (!robots_parse_date(value, value_length, &when)) {
            d->unavailable_after_invalid = true;
            return;
        }
        if (!d->unavailable_after_sources || when < d->unavailable_after)
            d->unavailable_after = when;
        d->unavailable_after_sources |= (uint8_t)source;
    } else if (word_is(name, name_length, "max-image-preview")) {
        uint8_t preview = word_is(value, value_length, "none")       ? ROBOTS_IMAGE_PREVIEW_NONE
                          : word_is(value, value_length, "standard") ? ROBOTS_IMAGE_PREVIEW_STANDARD
                          : word_is(value, value_length, "large")    ? ROBOTS_IMAGE_PREVIEW_LARGE
                                                                     : ROBOTS_IMAGE_PREVIEW_UNSET;
        if (preview == ROBOTS_IMAGE_PREVIEW_UNSET) {
            d->unknown_count++;
            return;
        }
        d->max_image_preview = stricter_preview(d->max_image_preview, preview);
        d->limit_sources |= (uint8_t)source;
    } else if (parse_limit(value, value_length, &limit)) {
        int32_t *field = word_is(name, name_length, "max-snippet") ? &d->max_snippet : &d->max_video_preview;
        *field = stricter_limit(*field, limit);
        d->limit_sources |= (uint8_t)source;
    } else {
        d->unknown_count++;
    }
}

static void apply_word(struct robots_directives *d, const char *word, size_t length, enum robots_source source)
{
    if (word_is(word, length, "noindex"))
        set_flag(d, ROBOTS_NOINDEX, source);
    else if (word_is(word, length, "nofollow"))
        set_flag(d, ROBOTS_NOFOLLOW, source);
    else if (word_is(word, length, "none"))
        set_flag(d, ROBOTS_NOINDEX, source), set_flag(d, ROBOTS_NOFOLLOW, source);
    else if (word_is(word, length, "noarchive") || word_is(word, length, "nocache"))
        set_flag(d, ROBOTS_NOARCHIVE, source);
    else if (word_is(word, length, "nosnippet"))
        set_flag(d, ROBOTS_NOSNIPPET, source);
    else if (word_is(word, length, "noimageindex"))
        set_flag(d, ROBOTS_NOIMAGEINDEX, source);
    else if (word_is(word, length, "notranslate"))
        set_flag(d, ROBOTS_NOTRANSLATE, source);
    else if (!word_is(word, length, "all") && !word_is(word, length, "index") && !word_is(word, length, "follow"))
        d->unknown_count++;
}

/* "noindex nofollow": pages often separate words with spaces; when every word is a directive,
 * honour each (as the engines do in practice), else count the item as unknown. */
static void apply_space_separated(struct robots_directives *d, const char *item, size_t length,
                                  enum robots_source source)
{
    for (int pass = 0; pass < 2; pass++) {
        size_t at = 0;
        while (at < length) {
            while (at < length && isspace((unsigned char)item[at]))
                at++;
            size_t start = at;
            while (at < length && !isspace((unsigned char)item[at]))
                at++;
            if (at == start)
                break;
            bool colon;
            size_t word = leading_word(item + start, at - start, &colon);
            bool bare = word == at - start && is_known_directive(item + start, word) &&
                        !is_valued_directive(item + start, word);
            if (pass == 0 && !bare) {
                d->unknown_count++;
                return;
            }
            if (pass == 1)
                apply_word(d, item + start, word, source);
        }
    }
}

void robots_directives_merge_text(struct robots_directives *d, const char *text, size_t length,
                                  enum robots_source source)
{
    size_t at = 0;
    while (at < length) {
        const char *segment = text + at;
        size_t segment_len = segment_length(segment, length - at);
        size_t next = at + segment_len + 1;
        const char *item = segment;
        size_t item_len = segment_len;
        trim(&item, &item_len);
        bool colon;
        size_t word_len = leading_word(item, item_len, &colon);
        if (item_len == 0) {
            /* empty item between commas */
        } else if (colon && is_valued_directive(item, word_len)) {
            const char *value = (const char *)memchr(item, ':', item_len) + 1;
            size_t value_len = item_len - (size_t)(value - item);
            /* an RFC 850/1123 date holds commas: take following segments until a directive starts */
            if (word_is(item, word_len, "unavailable_after")) {
                while (next < length) {
                    const char *peek = text + next;
                    size_t peek_len = segment_length(peek, length - next);
                    const char *w = peek;
                    size_t w_len = peek_len;
                    trim(&w, &w_len);
                    bool peek_colon;
                    size_t peek_word = leading_word(w, w_len, &peek_colon);
                    if (is_known_directive(w, peek_word) && (peek_word == w_len || peek_colon))
                        break;
                    value_len = (size_t)(peek + peek_len - value);
                    next += peek_len + 1;
                }
            }
            apply_valued(d, item, word_len, value, value_len, source);
        } else if (word_len == item_len) {
            apply_word(d, item, item_len, source);
        } else {
            apply_space_separated(d, item, item_len, source);
        }
        at = next;
    }
}

void robots_header_split(const char *value, robots_header_run_fn fn, void *context)
{
    size_t length = strlen(value);
    const char *agent = NULL;
    size_t agent_length = 0;
    size_t run_start = 0;
    size_t at = 0;
    while (at <= length) {
        size_t segment_len = segment_length(value + at, length - at);
        const char *item = value + at;
        size_t item_len = segment_len;
        trim(&item, &item_len);
        bool colon;
        size_t word_len = leading_word(item, item_len, &colon);
        if (colon && !is_valued_directive(item, word_len)) {
            if (at > run_start || agent)
                if (!fn(agent, agent_length, value + run_start, at > run_start ? at - run_start - 1 : 0, context))
                    return;
            agent = item;
            agent_length = word_len;
            run_start = (size_t)((const char *)memchr(item, ':', item_len) - value) + 1;
        }
        at += segment_len + 1;
    }
    if (length > run_start || agent)
        fn(agent, agent_length, value + run_start, length > run_start ? length - run_start : 0, context);
}
