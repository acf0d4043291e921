/* SPDX-License-Identifier: Apache-2.0 */
/* crawler/frontier: per-origin breadth-first queues with politeness (see frontier.h). */
#include "crawler/frontier.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"

struct queued {
    uint32_t depth;
    uint32_t node;
    uint32_t attempt;
    uint32_t sequence; /* discovery order breaks depth ties */
};

struct frontier_origin {
    char *name;
    struct queued *heap;
    size_t count, capacity;
    int in_flight;
    double next_start_ms;   /* the rate limit's earliest next start */
    double before_claim_ms; /* next_start_ms before the last claim (frontier_claim_not_sent) */
    double min_interval_ms; /* Crawl-delay, when obeyed */
    double paused_until_ms;
    long last_backoff_ms;
    enum frontier_robots_state robots_state;
    void *robots;
    uint8_t *window; /* last breaker_window outcomes, 1 = error (a ring) */
    int window_used, window_next;
    uint32_t failures_in_a_row; /* network errors, 5xx and 429 since the last success */
    bool abandoned;             /* the failure budget is spent: nothing more is claimed or queued */
    struct frontier_origin_stats stats;
    UT_hash_handle hh;
};

struct template_count {
    char *key;
    size_t urls;
    size_t refused;
    char *example;                 /* a refused URL: the shortest, then the first in byte order */
    uint32_t min_depth, max_depth; /* click depths the template's URLs were found at */
    bool flagged;
    UT_hash_handle hh;
};

/* A path template (numbers as {n}) traps when its URLs are found ever deeper: their click depths
 * span more than this many clicks. A catalogue's /p/{n}, found from listing pages a few clicks
 * from the start, never does; a calendar's next-month chain does within as many URLs. */
#define PATH_TRAP_DEPTH_SPAN 20
/* A path whose last segments repeat (/a/b/a/b/a/b/) this many times is a relative-link loop. */
#define PATH_TRAP_REPEATS 3
#define PATH_TRAP_UNIT_MAX 3 /* segments in the repeating unit */

struct frontier {
    struct frontier_options options;
    struct frontier_origin *origins; /* hash by name */
    struct frontier_origin **order;  /* first-seen order */
    size_t origin_count;             /* order and traps grow by array_grow */
    struct template_count *templates;
    struct template_count **traps;
    size_t trap_count;
    size_t queued;
    size_t in_flight;
    uint32_t sequence;
    size_t template_bytes;
};

struct frontier *frontier_new(const struct frontier_options *options)
{
    struct frontier *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->options = *options;
    struct frontier_options *o = &f->options;
    if (o->per_host <= 0)
        o->per_host = 4;
    if (!o->max_per_template)
        o->max_per_template = FRONTIER_DEFAULT_MAX_PER_TEMPLATE;
    if (o->breaker_window <= 0)
        o->breaker_window = 20;
    if (o->breaker_ratio <= 0)
        o->breaker_ratio = 0.5;
    if (o->breaker_pause_ms <= 0)
        o->breaker_pause_ms = 30000;
    if (o->default_backoff_ms <= 0)
        o->default_backoff_ms = 2000;
    if (o->max_backoff_ms <= 0)
        o->max_backoff_ms = 60000;
    if (o->max_origin_failures <= 0)
        o->max_origin_failures = FRONTIER_DEFAULT_MAX_ORIGIN_FAILURES;
    if (o->max_origin_backoff_ms <= 0)
        o->max_origin_backoff_ms = FRONTIER_DEFAULT_MAX_ORIGIN_BACKOFF_MS;
    return f;
}

void frontier_free(struct frontier *f)
{
    if (!f)
        return;
    struct frontier_origin *origin, *next_origin;
    HASH_ITER(hh, f->origins, origin, next_origin)
    {
        HASH_DEL(f->origins, origin);
        free(origin->name);
        free(origin->heap);
        free(origin->window);
        free(origin);
    }
    struct template_count *t, *next_template;
    HASH_ITER(hh, f->templates, t, next_template)
    {
        HASH_DEL(f->templates, t);
        free(t->key);
        free(t->example);
        free(t);
    }
    free(f->order);
    free(f->traps);
    free(f);
}

static bool queued_before(const struct queued *a, const struct queued *b)
{
    return a->depth != b->depth ? a->depth < b->depth : a->sequence < b->sequence;
}

static int heap_push(struct frontier_origin *o, struct queued item)
{
    if (o->count == o->capacity) {
        size_t capacity = o->capacity ? o->capacity * 2 : 64;
        struct queued *grown = realloc(o->heap, capacity * sizeof(*grown));
        if (!grown)
            return CP_ERR_NOMEM;
        o->heap = grown;
        o->capacity = capacity;
    }
    size_t i = o->count++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!queued_before(&item, &o->heap[parent]))
            break;
        o->heap[i] = o->heap[parent];
        i = parent;
    }
    o->heap[i] = item;
    return CP_OK;
}

static struct queued heap_pop(struct frontier_origin *o)
{
    struct queued top = o->heap[0];
    struct queued last = o->heap[--o->count];
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= o->count)
            break;
        if (child + 1 < o->count && queued_before(&o->heap[child + 1], &o->heap[child]))
            child++;
        if (!queued_before(&o->heap[child], &last))
            break;
        o->heap[i] = o->heap[child];
        i = child;
    }
    if (o->count)
        o->heap[i] = last;
    return top;
}

static struct frontier_origin *origin_for(struct frontier *f, const char *name)
{
    struct frontier_origin *o = NULL;
    HASH_FIND_STR(f->origins, name, o);
    if (o)
        return o;
    struct frontier_origin **grown = array_grow(f->order, f->origin_count, sizeof(*grown));
    if (!grown)
        return NULL;
    f->order = grown;
    o = calloc(1, sizeof(*o));
    if (!o || !(o->name = strdup(name)) || !(o->window = calloc((size_t)f->options.breaker_window, 1))) {
        if (o)
            free(o->name);
        free(o);
        return NULL;
    }
    HASH_ADD_KEYPTR(hh, f->origins, o->name, strlen(o->name), o);
    f->order[f->origin_count++] = o;
    return o;
}

/* A path segment that is a number or a date: digits with separators (2024, 07, 2024-07-01, 1.5),
 * optionally with an extension (12.html). */
static bool is_number_segment(const char *segment, size_t length)
{
    size_t end = length;
    for (size_t i = length; i-- > 0;)
        if (segment[i] == '.') {
            bool extension = i + 1 < length && ((segment[i + 1] | 0x20) >= 'a' && (segment[i + 1] | 0x20) <= 'z');
            end = extension ? i : length;
            break;
        }
    size_t digits = 0;
    for (size_t i = 0; i < end; i++) {
        char c = segment[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (c != '-' && c != '_' && c != '.')
            return false;
    }
    return digits > 0;
}

/* The path with every number or date segment written "{n}"; *numbers counts them. */
static int append_number_template(struct buf *out, const char *path, size_t length, size_t *numbers)
{
    *numbers = 0;
    for (size_t at = 0; at < length;) {
        size_t end = at;
        while (end < length && path[end] != '/')
            end++;
        if (end > at && is_number_segment(path + at, end - at)) {
            (*numbers)++;
            if (buf_append_str(out, "{n}") != CP_OK)
                return CP_ERR_NOMEM;
        } else if (buf_append(out, path + at, end - at) != CP_OK) {
            return CP_ERR_NOMEM;
        }
        if (end < length && buf_append_char(out, '/') != CP_OK)
            return CP_ERR_NOMEM;
        at = end + 1;
    }
    return CP_OK;
}

/* Where the path's repeating tail goes on after its first unit (/x/a/b/a/b/a/b/: after "/x/a/b/"),
 * or length when the last PATH_TRAP_REPEATS units of 1 to PATH_TRAP_UNIT_MAX segments are not
 * equal. */
static size_t repeating_tail(const char *path, size_t length)
{
    size_t starts[64], count = 0; /* segment starts, the last 64 */
    size_t trimmed = length && path[length - 1] == '/' ? length - 1 : length;
    for (size_t i = 0; i < trimmed && count < 64; i++)
        if (path[i] == '/')
            starts[count++] = i + 1;
    if (count == 64)
        return length; /* deeper paths are for --max-url-length and --max-depth */
    starts[count] = trimmed + 1;
    for (size_t unit = 1; unit <= PATH_TRAP_UNIT_MAX; unit++) {
        if (count < unit * PATH_TRAP_REPEATS)
            break;
        size_t first = count - unit * PATH_TRAP_REPEATS;
        size_t unit_bytes = starts[first + unit] - starts[first];
        bool repeats = true;
        for (size_t r = 1; r < PATH_TRAP_REPEATS && repeats; r++) {
            size_t at = starts[first + r * unit];
            repeats = starts[first + (r + 1) * unit] - at == unit_bytes &&
                      memcmp(path + starts[first], path + at, unit_bytes - 1) == 0;
        }
        if (repeats)
            return starts[first + unit];
    }
    return length;
}

/* The query's parameter names without their values ("?month&year"). */
static void append_query_names(const struct url *url, struct buf *out)
{
    const char *query = url_part_start(url, url->search);
    bool in_value = false;
    for (size_t i = 0; i < url->search.length; i++) {
        char c = query[i];
        if (c == '&')
            in_value = false;
        else if (c == '=') {
            in_value = true;
            continue;
        }
        if (!in_value)
            buf_append_char(out, c);
    }
}

/* "origin/path?name&name": the path as is, the query's parameter names without their values. A
 * path with a query that keeps producing new values (a calendar, a session id, sort orders) maps
 * to one template; distinct paths (/p/1.html, /p/2.html) stay distinct here, because a large site
 * has that many real pages (path traps are path_template's). */
static int url_template(const struct url *url, const char *origin, struct buf *out)
{
    if (buf_append_str(out, origin) != CP_OK ||
        buf_append(out, url_part_start(url, url->pathname), url->pathname.length) != CP_OK)
        return CP_ERR_NOMEM;
    append_query_names(url, out);
    return out->data ? CP_OK : CP_ERR_NOMEM;
}

/* The URL's path template, for traps in the path itself: a repeating tail (/x/a/b/a/b/a/b/) becomes
 * "/x/a/b/{repeats}" and the URL is a trap at once; otherwise number and date segments become
 * "{n}" (/calp/2024/07/ -> /calp/{n}/{n}/). *kind is 0 when the path has neither (the exact
 * template covers it). */
enum path_template_kind { PATH_TEMPLATE_NONE, PATH_TEMPLATE_NUMBERS, PATH_TEMPLATE_REPEATS };

static int path_template(const struct url *url, const char *origin, struct buf *out, enum path_template_kind *kind)
{
    const char *path = url_part_start(url, url->pathname);
    size_t length = url->pathname.length, numbers = 0;
    *kind = PATH_TEMPLATE_NONE;
    if (buf_append_str(out, origin) != CP_OK)
        return CP_ERR_NOMEM;
    size_t tail = repeating_tail(path, length);
    if (tail < length) {
        *kind = PATH_TEMPLATE_REPEATS;
        return buf_append(out, path, tail) == CP_OK && buf_append_str(out, "{repeats}") == CP_OK ? CP_OK : CP_ERR_NOMEM;
    }
    if (append_number_template(out, path, length, &numbers) != CP_OK)
        return CP_ERR_NOMEM;
    append_query_names(url, out);
    *kind = numbers ? PATH_TEMPLATE_NUMBERS : PATH_TEMPLATE_NONE;
    return out->data ? CP_OK : CP_ERR_NOMEM;
}

static struct template_count *find_template(struct frontier *f, struct buf *key)
{
    struct template_count *t = NULL;
    HASH_FIND_STR(f->templates, buf_str(key), t);
    if (!t) {
        t = calloc(1, sizeof(*t));
        if (!t)
            return NULL;
        f->template_bytes += sizeof(*t) + key->len + 1;
        t->key = buf_detach(key);
        t->min_depth = UINT32_MAX;
        HASH_ADD_KEYPTR(hh, f->templates, t->key, strlen(t->key), t);
    }
    return t;
}

/* Refuse one more URL of template t (flagged as a trap the first time). */
static int refuse(struct frontier *f, struct template_count *t, const struct url *url)
{
    t->refused++;
    /* The example is chosen by content, not by arrival, so a rerun names the same URL. */
    size_t length = url->href_length;
    if (!t->example || length < strlen(t->example) ||
        (length == strlen(t->example) && strcmp(url->href, t->example) < 0)) {
        char *copy = strdup(url->href);
        if (!copy)
            return CP_ERR_NOMEM;
        f->template_bytes += length + 1 - (t->example ? strlen(t->example) + 1 : 0);
        free(t->example);
        t->example = copy;
    }
    if (!t->flagged) {
        struct template_count **grown = array_grow(f->traps, f->trap_count, sizeof(*grown));
        if (!grown)
            return CP_ERR_NOMEM;
        f->traps = grown;
        f->traps[f->trap_count++] = t;
        t->flagged = true;
    }
    return CP_ERR_LIMIT;
}

/* The exact template (path + query names): at most max_per_template URLs. */
static int count_exact_template(struct frontier *f, const struct url *url, const char *origin)
{
    struct buf key = BUF_INIT;
    struct template_count *t = url_template(url, origin, &key) == CP_OK ? find_template(f, &key) : NULL;
    buf_free(&key);
    if (!t)
        return CP_ERR_NOMEM;
    if (t->urls < f->options.max_per_template) {
        t->urls++;
        return CP_OK;
    }
    return refuse(f, t, url);
}

/* The path template: a repeating path is refused at once; a number template once it has produced
 * max_per_template URLs found ever deeper (their depths span more than PATH_TRAP_DEPTH_SPAN).
 * depth CRAWL's "not reached by a link" (sitemap-only URLs) does not count towards the span. */
static int count_path_template(struct frontier *f, const struct url *url, const char *origin, uint32_t depth)
{
    struct buf key = BUF_INIT;
    enum path_template_kind kind;
    int status = path_template(url, origin, &key, &kind);
    struct template_count *t = status == CP_OK && kind != PATH_TEMPLATE_NONE ? find_template(f, &key) : NULL;
    buf_free(&key);
    if (status != CP_OK || kind == PATH_TEMPLATE_NONE)
        return status;
    if (!t)
        return CP_ERR_NOMEM;
    if (kind == PATH_TEMPLATE_REPEATS)
        return refuse(f, t, url);
    bool growing = t->min_depth != UINT32_MAX && t->max_depth - t->min_depth > PATH_TRAP_DEPTH_SPAN;
    if (t->flagged || (t->urls >= f->options.max_per_template && growing))
        return refuse(f, t, url);
    t->urls++;
    if (depth < FRONTIER_UNREACHED_DEPTH) {
        t->min_depth = depth < t->min_depth ? depth : t->min_depth;
        t->max_depth = depth > t->max_depth ? depth : t->max_depth;
    }
    return CP_OK;
}

int frontier_push(struct frontier *f, uint32_t node, const struct url *url, uint32_t depth)
{
    char origin_name[2048];
    if (url_origin(url, origin_name, sizeof(origin_name)) < 0)
        return CP_ERR_LIMIT;
    int status = count_exact_template(f, url, origin_name);
    if (status == CP_OK)
        status = count_path_template(f, url, origin_name, depth);
    if (status != CP_OK)
        return status;
    struct frontier_origin *o = origin_for(f, origin_name);
    if (!o)
        return CP_ERR_NOMEM;
    if (o->abandoned) {
        o->stats.not_crawled++;
        return FRONTIER_ABANDONED;
    }
    struct queued item = {depth, node, 0, f->sequence++};
    if (heap_push(o, item) != CP_OK)
        return CP_ERR_NOMEM;
    f->queued++;
    return CP_OK;
}

int frontier_retry(struct frontier *f, const struct frontier_claim *claim)
{
    if (claim->origin->abandoned) {
        claim->origin->stats.not_crawled++;
        return FRONTIER_ABANDONED;
    }
    struct queued item = {claim->depth, claim->node, claim->attempt + 1, f->sequence++};
    if (heap_push(claim->origin, item) != CP_OK)
        return CP_ERR_NOMEM;
    f->queued++;
    return CP_OK;
}

/* When origin o may start a request, or a negative number when it cannot at all right now. */
static double ready_at(const struct frontier *f, const struct frontier_origin *o)
{
    if (o->count == 0 || o->abandoned || o->robots_state == FRONTIER_ROBOTS_PENDING ||
        o->in_flight >= f->options.per_host)
        return -1;
    double at = o->paused_until_ms > o->next_start_ms ? o->paused_until_ms : o->next_start_ms;
    return at;
}

struct frontier_claim frontier_claim(struct frontier *f, double now_ms)
{
    struct frontier_claim claim = {FRONTIER_NONE, 0, 0, 0, NULL, -1};
    struct frontier_origin *best = NULL;
    double soonest = -1;
    for (size_t i = 0; i < f->origin_count; i++) {
        struct frontier_origin *o = f->order[i];
        double at = ready_at(f, o);
        if (at < 0)
            continue;
        if (at > now_ms) {
            if (soonest < 0 || at < soonest)
                soonest = at;
            continue;
        }
        if (!best || queued_before(&o->heap[0], &best->heap[0]))
            best = o;
    }
    if (!best) {
        claim.wait_ms = soonest < 0 ? (f->queued ? 50 : -1) : (long)(soonest - now_ms) + 1;
        return claim;
    }
    claim.origin = best;
    if (best->robots_state == FRONTIER_ROBOTS_UNKNOWN) {
        best->robots_state = FRONTIER_ROBOTS_PENDING;
        claim.kind = FRONTIER_ROBOTS;
        return claim;
    }
    struct queued item = heap_pop(best);
    f->queued--;
    f->in_flight++;
    best->in_flight++;
    best->stats.requests++;
    double interval = f->options.rate > 0 ? 1000.0 / f->options.rate : 0;
    if (best->min_interval_ms > interval)
        interval = best->min_interval_ms;
    best->before_claim_ms = best->next_start_ms;
    if (interval > 0)
        best->next_start_ms = now_ms + interval;
    claim.kind = FRONTIER_URL;
    claim.node = item.node;
    claim.depth = item.depth;
    claim.attempt = item.attempt;
    return claim;
}

static void pause_origin(const struct frontier *f, struct frontier_origin *o, double now_ms, long pause_ms)
{
    if (pause_ms > f->options.max_backoff_ms)
        pause_ms = f->options.max_backoff_ms;
    double until = now_ms + (double)pause_ms;
    if (until > o->paused_until_ms) {
        double already = o->paused_until_ms > now_ms ? o->paused_until_ms - now_ms : 0;
        o->stats.paused_ms += (double)pause_ms - already;
        o->paused_until_ms = until;
    }
}

/* Record one outcome in the ring; open the breaker when the window is full and too many failed.
 * Returns true when it opened. */
static bool record_outcome(const struct frontier *f, struct frontier_origin *o, double now_ms, bool error)
{
    int size = f->options.breaker_window;
    o->window[o->window_next] = error ? 1 : 0;
    o->window_next = (o->window_next + 1) % size;
    if (o->window_used < size)
        o->window_used++;
    if (o->window_used < size)
        return false;
    int errors = 0;
    for (int i = 0; i < size; i++)
        errors += o->window[i];
    if ((double)errors / size < f->options.breaker_ratio)
        return false;
    o->stats.breaker_pauses++;
    o->stats.breaker_errors = (uint32_t)errors;
    o->stats.breaker_window = (uint32_t)size;
    o->stats.breaker_pause_ms = f->options.breaker_pause_ms < f->options.max_backoff_ms ? f->options.breaker_pause_ms
                                                                                        : f->options.max_backoff_ms;
    pause_origin(f, o, now_ms, f->options.breaker_pause_ms);
    memset(o->window, 0, (size_t)size);
    o->window_used = 0;
    return true;
}

/* Give the origin up when its failure budget is spent: consecutive failures or accumulated
 * pauses. Its queue is left for frontier_take_abandoned. */
static void check_budget(const struct frontier *f, struct frontier_origin *o)
{
    if (o->abandoned)
        return;
    bool failures = o->failures_in_a_row >= (uint32_t)f->options.max_origin_failures;
    bool backoff = o->stats.paused_ms >= (double)f->options.max_origin_backoff_ms;
    if (!failures && !backoff)
        return;
    o->abandoned = true;
    o->stats.abandoned_after = failures ? FRONTIER_ABANDONED_FAILURES : FRONTIER_ABANDONED_BACKOFF;
    o->stats.failures_in_a_row = o->failures_in_a_row;
}

bool frontier_finish(struct frontier *f, struct frontier_origin *o, double now_ms, bool error, bool throttled,
                     long retry_after_ms)
{
    if (o->in_flight > 0) {
        o->in_flight--;
        f->in_flight--;
    }
    if (error)
        o->stats.errors++;
    if (throttled) {
        o->stats.throttled++;
        long pause = retry_after_ms >= 0
                         ? retry_after_ms
                         : (o->last_backoff_ms ? o->last_backoff_ms * 2 : f->options.default_backoff_ms);
        o->last_backoff_ms = retry_after_ms >= 0 ? o->last_backoff_ms : pause;
        pause_origin(f, o, now_ms, pause);
    } else if (!error) {
        o->last_backoff_ms = 0;
    }
    o->failures_in_a_row = error || throttled ? o->failures_in_a_row + 1 : 0;
    bool opened = record_outcome(f, o, now_ms, error || throttled);
    check_budget(f, o);
    return opened;
}

void frontier_claim_not_sent(struct frontier_origin *o)
{
    o->next_start_ms = o->before_claim_ms;
    if (o->stats.requests > 0)
        o->stats.requests--;
}

void frontier_set_min_interval(struct frontier_origin *o, double interval_ms)
{
    o->min_interval_ms = interval_ms;
}
void frontier_set_robots_state(struct frontier_origin *o, enum frontier_robots_state state)
{
    o->robots_state = state;
}
void frontier_set_robots(struct frontier_origin *o, void *robots)
{
    o->robots = robots;
}
void *frontier_robots(const struct frontier_origin *o)
{
    return o->robots;
}
const char *frontier_origin_name(const struct frontier_origin *o)
{
    return o->name;
}
size_t frontier_queued(const struct frontier *f)
{
    return f->queued;
}
size_t frontier_in_flight(const struct frontier *f)
{
    return f->in_flight;
}
size_t frontier_origin_count(const struct frontier *f)
{
    return f->origin_count;
}
struct frontier_origin *frontier_origin_at(const struct frontier *f, size_t i)
{
    return f->order[i];
}
struct frontier_origin_stats frontier_origin_stats(const struct frontier_origin *o)
{
    return o->stats;
}
size_t frontier_trap_count(const struct frontier *f)
{
    return f->trap_count;
}
bool frontier_origin_abandoned(const struct frontier_origin *o)
{
    return o->abandoned;
}

uint32_t frontier_take_abandoned(struct frontier *f, struct frontier_origin *o)
{
    if (!o->abandoned || o->count == 0)
        return FRONTIER_NO_NODE;
    struct queued item = heap_pop(o);
    f->queued--;
    o->stats.not_crawled++;
    return item.node;
}

const char *frontier_trap_at(const struct frontier *f, size_t index, size_t *urls_refused, const char **example)
{
    if (urls_refused)
        *urls_refused = f->traps[index]->refused;
    if (example)
        *example = f->traps[index]->example;
    return f->traps[index]->key;
}

size_t frontier_memory_usage(const struct frontier *f)
{
    size_t bytes = sizeof(*f) + f->template_bytes + f->origin_count * sizeof(*f->order);
    for (size_t i = 0; i < f->origin_count; i++)
        bytes += sizeof(struct frontier_origin) + f->order[i]->capacity * sizeof(struct queued);
    return bytes;
}
