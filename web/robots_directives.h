/* SPDX-License-Identifier: Apache-2.0 */
/* web/robots_directives: page-level robots directives from <meta name="robots">,
 * <meta name="TOKEN"> and the X-Robots-Tag header, merged the way search engines merge them: every
 * statement that applies to a crawler counts and the most restrictive value wins (noindex beats
 * index, the smallest max-snippet wins, the earliest unavailable_after wins).
 *
 * Directives understood: noindex, nofollow, none (= noindex + nofollow), noarchive (and Bing's
 * nocache), nosnippet, noimageindex, notranslate, max-snippet:N, max-image-preview:none|standard|
 * large, max-video-preview:N, unavailable_after:DATE (RFC 822/850/1123 or ISO 8601 dates); all,
 * index and follow are accepted and change nothing; anything else is counted as unknown.
 *
 * Each merged value remembers which sources set it (a bit mask of enum robots_source), so a report
 * can say "noindex comes from the X-Robots-Tag header". All functions are pure and reentrant. */
#ifndef CRAWLPACK_WEB_ROBOTS_DIRECTIVES_H
#define CRAWLPACK_WEB_ROBOTS_DIRECTIVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum robots_source {
    ROBOTS_SOURCE_META_HEAD = 1, /* <meta> inside <head> */
    ROBOTS_SOURCE_META_BODY = 2, /* <meta> outside <head>: engines honour it, HTML does not allow it */
    ROBOTS_SOURCE_HEADER = 4,    /* X-Robots-Tag */
};

enum robots_flag {
    ROBOTS_NOINDEX,
    ROBOTS_NOFOLLOW,
    ROBOTS_NOARCHIVE,
    ROBOTS_NOSNIPPET,
    ROBOTS_NOIMAGEINDEX,
    ROBOTS_NOTRANSLATE,
    ROBOTS_FLAG_COUNT
};

enum robots_image_preview {
    ROBOTS_IMAGE_PREVIEW_UNSET = 0,
    ROBOTS_IMAGE_PREVIEW_NONE,
    ROBOTS_IMAGE_PREVIEW_STANDARD,
    ROBOTS_IMAGE_PREVIEW_LARGE,
};

#define ROBOTS_LIMIT_UNSET (-2) /* max-snippet / max-video-preview not given */
#define ROBOTS_LIMIT_NONE (-1)  /* given as -1: no limit */

struct robots_directives {
    uint8_t flag_sources[ROBOTS_FLAG_COUNT]; /* 0: not set; else the sources that set it */
    int32_t max_snippet;                     /* ROBOTS_LIMIT_UNSET, ROBOTS_LIMIT_NONE or >= 0 */
    int32_t max_video_preview;
    uint8_t max_image_preview;         /* enum robots_image_preview */
    uint8_t limit_sources;             /* sources of the max-* values */
    uint8_t unavailable_after_sources; /* 0: not set */
    bool unavailable_after_invalid;    /* a date was given that could not be parsed */
    int64_t unavailable_after;         /* seconds since the epoch (UTC), when set */
    uint16_t unknown_count;            /* directives not understood */
};

void robots_directives_init(struct robots_directives *directives);

/* Merge one comma-separated directive list (a meta content, or the part of an X-Robots-Tag after
 * its user-agent prefix) of length bytes into directives. */
void robots_directives_merge_text(struct robots_directives *directives, const char *text, size_t length,
                                  enum robots_source source);

/* Merge b into a (most restrictive wins; sources are united). */
void robots_directives_merge(struct robots_directives *a, const struct robots_directives *b);

bool robots_directives_has(const struct robots_directives *directives, enum robots_flag flag);

/* Split one X-Robots-Tag value into runs that share a user agent: "googlebot: noindex, otherbot:
 * nofollow" gives (googlebot, "noindex") and (otherbot, "nofollow"); "noindex" gives (NULL,
 * "noindex"). The agent and text are slices of value. fn returns false to stop. */
typedef bool (*robots_header_run_fn)(const char *agent, size_t agent_length, const char *text, size_t text_length,
                                     void *context);
void robots_header_split(const char *value, robots_header_run_fn fn, void *context);

/* Parse an unavailable_after date: true and *out (UTC epoch seconds) when it is understood. */
bool robots_parse_date(const char *text, size_t length, int64_t *out);

/* Names for reports: "noindex", ...; "none"/"standard"/"large" for image previews. */
const char *robots_flag_name(enum robots_flag flag);
const char *robots_image_preview_name(enum robots_image_preview value);

#endif
