/* SPDX-License-Identifier: Apache-2.0 */
/* cli/extract: `crawlpack extract FILE` (or URL: fetched once, as the crawler would) prints the
 * signals the crawler extracts from one page (links, canonicals, robots directives, hreflang, page
 * facts), as text or as stable JSON (documented in docs/extract.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/json_write.h"
#include "web/charset.h"
#include "web/extract.h"
#include "web/http_get.h"
#include "web/url.h"

#define EXTRACT_FILE_MAX (256u * 1024 * 1024)
#define EXTRACT_CLI_MAX_HEADERS 256
#define EXTRACT_CLI_MAX_ENGINES 16

static const char usage[] =
    "Usage: crawlpack extract FILE|URL [--url URL] [--header 'Name: value']... [--headers-file FILE]\n"
    "                          [--engine TOKEN]... [--max-links N] [--json]\n\n"
    "Print what the crawler sees in one HTML page, a saved FILE or an http(s) URL fetched once\n"
    "(redirects not followed; the response's headers count, as in a crawl): links (with rel, anchor text, region),\n"
    "canonicals, robots directives merged per crawler, hreflang, title, description and other\n"
    "page facts. Use it to answer \"why does the audit think this page is noindex?\".\n\n"
    "  --url URL            the page's URL: relative links resolve against it\n"
    "                       (default http://localhost/ followed by the file name)\n"
    "  --header 'N: v'      a response header, e.g. 'X-Robots-Tag: noindex' (repeatable)\n"
    "  --headers-file FILE  response headers, one 'Name: value' per line\n"
    "  --engine TOKEN       search-engine token to audit for (repeatable; default googlebot)\n"
    "  --max-links N        keep at most N links (default 20000)\n"
    "  --json               JSON output (stable; see docs/extract.md)\n"
    "  -h, --help           show this help\n";

struct header_list {
    struct extract_header items[EXTRACT_CLI_MAX_HEADERS];
    char *owned[EXTRACT_CLI_MAX_HEADERS];
    size_t count;
};

/* Split "Name: value" into a header; returns false when there is no colon or no room. */
static bool add_header_line(struct header_list *headers, const char *line)
{
    const char *colon = strchr(line, ':');
    if (!colon || colon == line || headers->count == EXTRACT_CLI_MAX_HEADERS)
        return false;
    char *copy = strdup(line);
    if (!copy)
        return false;
    char *value = copy + (colon - line) + 1;
    copy[colon - line] = '\0';
    while (*value == ' ' || *value == '\t')
        value++;
    size_t length = strlen(value);
    while (length > 0 && (value[length - 1] == '\r' || value[length - 1] == '\n' || value[length - 1] == ' '))
        value[--length] = '\0';
    headers->owned[headers->count] = copy;
    headers->items[headers->count++] = (struct extract_header){copy, value};
    return true;
}

static void free_headers(struct header_list *headers)
{
    for (size_t i = 0; i < headers->count; i++)
        free(headers->owned[i]);
}

static int read_headers_file(const char *path, struct header_list *headers)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        fprintf(stderr, "crawlpack extract: cannot open headers file %s: %s\n", path, strerror(errno));
        return EXIT_USAGE; /* a missing input file is the command line's to fix (README, exit codes) */
    }
    char *line = NULL;
    size_t capacity = 0;
    unsigned number = 0;
    int status = EXIT_OK;
    while (getline(&line, &capacity, file) != -1) {
        number++;
        if (line[0] == '\n' || line[0] == '\r' || line[0] == '#' || line[0] == '\0')
            continue;
        if (!add_header_line(headers, line)) {
            fprintf(stderr, "crawlpack extract: %s:%u: expected 'Name: value' (at most %d headers)\n", path, number,
                    EXTRACT_CLI_MAX_HEADERS);
            status = EXIT_USAGE;
            break;
        }
    }
    free(line);
    fclose(file);
    return status;
}

static int read_file(const char *path, struct buf *body)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "crawlpack extract: cannot open %s: %s\n", path, strerror(errno));
        return EXIT_USAGE; /* a missing input file is the command line's to fix (README, exit codes) */
    }
    char chunk[65536];
    size_t n;
    int status = EXIT_OK;
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) {
        if (body->len + n > EXTRACT_FILE_MAX) {
            fprintf(stderr, "crawlpack extract: %s: larger than %u MiB\n", path, EXTRACT_FILE_MAX >> 20);
            status = EXIT_RUNTIME;
            break;
        }
        if (buf_append(body, chunk, n) != CP_OK) {
            fprintf(stderr, "crawlpack extract: %s: out of memory\n", path);
            status = EXIT_RUNTIME;
            break;
        }
    }
    if (status == EXIT_OK && ferror(file)) {
        fprintf(stderr, "crawlpack extract: cannot read %s: %s\n", path, strerror(errno));
        status = EXIT_RUNTIME;
    }
    fclose(file);
    return status;
}

static const char *source_name(uint8_t source)
{
    switch (source) {
    case ROBOTS_SOURCE_META_HEAD: return "meta-head";
    case ROBOTS_SOURCE_META_BODY: return "meta-body";
    case ROBOTS_SOURCE_HEADER: return "header";
    }
    return "?";
}

static const char *charset_source_name(uint8_t source)
{
    static const char *const names[] = {"default", "bom", "header", "meta"};
    return source < 4 ? names[source] : "?";
}

static void json_sources(struct json_writer *w, uint8_t sources)
{
    json_begin_array(w);
    for (uint8_t bit = 1; bit <= ROBOTS_SOURCE_HEADER; bit <<= 1)
        if (sources & bit)
            json_string(w, source_name(bit));
    json_end_array(w);
}

static void json_limit(struct json_writer *w, const char *key, int32_t value)
{
    json_key(w, key);
    if (value == ROBOTS_LIMIT_UNSET)
        json_null(w);
    else
        json_int(w, value);
}

static void json_directives(struct json_writer *w, const struct robots_directives *d)
{
    json_begin_object(w);
    for (int flag = 0; flag < ROBOTS_FLAG_COUNT; flag++) {
        if (!d->flag_sources[flag])
            continue;
        json_key(w, robots_flag_name(flag));
        json_sources(w, d->flag_sources[flag]);
    }
    json_limit(w, "max-snippet", d->max_snippet);
    json_key(w, "max-image-preview");
    json_string(w, robots_image_preview_name(d->max_image_preview));
    json_limit(w, "max-video-preview", d->max_video_preview);
    json_key(w, "max_sources");
    json_sources(w, d->limit_sources);
    json_key(w, "unavailable_after");
    if (d->unavailable_after_sources) {
        char text[32];
        time_t when = (time_t)d->unavailable_after;
        struct tm tm;
        gmtime_r(&when, &tm);
        strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_string(w, text);
    } else {
        json_null(w);
    }
    json_key(w, "unavailable_after_sources");
    json_sources(w, d->unavailable_after_sources);
    json_key(w, "unavailable_after_invalid");
    json_bool(w, d->unavailable_after_invalid);
    json_key(w, "unknown");
    json_uint(w, d->unknown_count);
    json_end_object(w);
}

static void json_robots(struct json_writer *w, const struct page_signals *s)
{
    json_key(w, "robots");
    json_begin_object(w);
    json_key(w, "statements");
    json_begin_array(w);
    for (uint32_t i = 0; i < s->robots_statement_count; i++) {
        const struct page_robots_statement *st = &s->robots_statements[i];
        json_begin_object(w);
        json_key(w, "source"), json_string(w, source_name(st->source));
        json_key(w, "agent"), json_string(w, st->agent);
        json_key(w, "content"), json_string(w, st->content);
        json_end_object(w);
    }
    json_end_array(w);
    json_key(w, "effective");
    json_begin_array(w);
    for (uint32_t i = 0; i < s->robots_count; i++) {
        json_begin_object(w);
        json_key(w, "token"), json_string(w, s->robots[i].token);
        json_key(w, "directives"), json_directives(w, &s->robots[i].directives);
        json_end_object(w);
    }
    json_end_array(w);
    json_end_object(w);
}

static const char *const link_flag_names[] = {"nofollow", "ugc",           "sponsored",
                                              "noscript", "text-from-alt", "text-truncated"};
#define LINK_FLAG_NAME_COUNT (sizeof link_flag_names / sizeof link_flag_names[0])

static const char *const truncation_names[] = {"links",   "canonicals", "hreflang",   "robots",
                                               "schemes", "depth",      "parse-time", "parse-memory"};
#define TRUNCATION_NAME_COUNT (sizeof truncation_names / sizeof truncation_names[0])

static void json_link_flags(struct json_writer *w, uint8_t flags)
{
    json_begin_array(w);
    for (size_t i = 0; i < LINK_FLAG_NAME_COUNT; i++)
        if (flags & (1u << i))
            json_string(w, link_flag_names[i]);
    json_end_array(w);
}

static void json_links(struct json_writer *w, const struct page_signals *s)
{
    json_key(w, "links");
    json_begin_object(w);
    json_key(w, "seen"), json_uint(w, s->links_seen);
    json_key(w, "listed"), json_uint(w, s->link_count);
    json_key(w, "other_schemes");
    json_begin_object(w);
    for (uint32_t i = 0; i < s->scheme_count; i++)
        json_key(w, s->schemes[i].scheme), json_uint(w, s->schemes[i].count);
    json_end_object(w);
    json_key(w, "items");
    json_begin_array(w);
    for (uint32_t i = 0; i < s->link_count; i++) {
        const struct page_link *link = &s->links[i];
        json_begin_object(w);
        json_key(w, "kind"), json_string(w, extract_link_kind_name(link->kind));
        json_key(w, "url"), json_string(w, link->url);
        if (!link->url)
            json_key(w, "raw"), json_string(w, link->raw);
        json_key(w, "text"), json_string(w, link->text);
        json_key(w, "region"), json_string(w, extract_region_name(link->region));
        json_key(w, "flags"), json_link_flags(w, link->flags);
        json_end_object(w);
    }
    json_end_array(w);
    json_end_object(w);
}

static void json_canonicals_and_hreflang(struct json_writer *w, const struct page_signals *s)
{
    json_key(w, "canonicals");
    json_begin_array(w);
    for (uint32_t i = 0; i < s->canonical_count; i++) {
        json_begin_object(w);
        json_key(w, "place"), json_string(w, extract_place_name(s->canonicals[i].place));
        json_key(w, "raw"), json_string(w, s->canonicals[i].raw);
        json_key(w, "url"), json_string(w, s->canonicals[i].url);
        json_end_object(w);
    }
    json_end_array(w);
    json_key(w, "hreflang");
    json_begin_array(w);
    for (uint32_t i = 0; i < s->hreflang_count; i++) {
        const struct page_hreflang *h = &s->hreflangs[i];
        json_begin_object(w);
        json_key(w, "code"), json_string(w, h->code);
        json_key(w, "valid"), json_bool(w, h->valid);
        json_key(w, "place"), json_string(w, extract_place_name(h->place));
        json_key(w, "raw"), json_string(w, h->raw);
        json_key(w, "url"), json_string(w, h->url);
        json_end_object(w);
    }
    json_end_array(w);
}

static void json_page_facts(struct json_writer *w, const struct page_signals *s)
{
    json_key(w, "title");
    json_begin_object(w);
    json_key(w, "count"), json_uint(w, s->title_count);
    json_key(w, "text"), json_string(w, s->title);
    json_end_object(w);
    json_key(w, "description");
    json_begin_object(w);
    json_key(w, "count"), json_uint(w, s->description_count);
    json_key(w, "text"), json_string(w, s->description);
    json_end_object(w);
    json_key(w, "h1_count"), json_uint(w, s->h1_count);
    json_key(w, "lang"), json_string(w, s->lang);
    json_key(w, "has_head_element"), json_bool(w, s->has_head_element);
    json_key(w, "word_count"), json_uint(w, s->word_count);
    json_key(w, "script_count"), json_uint(w, s->script_count);
    json_key(w, "analytics");
    json_begin_array(w);
    for (uint32_t bit = 1; bit <= EXTRACT_ANALYTICS_PLAUSIBLE; bit <<= 1)
        if (s->analytics & bit)
            json_string(w, extract_analytics_name(bit));
    json_end_array(w);
    json_key(w, "js_shell"), json_bool(w, s->js_shell);
}

static void print_json(const struct page_signals *s)
{
    struct json_writer w;
    json_writer_init(&w, stdout, true);
    json_begin_object(&w);
    json_key(&w, "url"), json_string(&w, s->url);
    json_key(&w, "base");
    if (s->base_raw) {
        json_begin_object(&w);
        json_key(&w, "raw"), json_string(&w, s->base_raw);
        json_key(&w, "url"), json_string(&w, s->base_url);
        json_end_object(&w);
    } else {
        json_null(&w);
    }
    json_key(&w, "charset");
    json_begin_object(&w);
    json_key(&w, "used"), json_string(&w, s->charset);
    json_key(&w, "source"), json_string(&w, charset_source_name(s->charset_source));
    json_key(&w, "meta"), json_string(&w, s->meta_charset);
    json_key(&w, "replaced"), json_uint(&w, s->replaced_bytes);
    json_end_object(&w);
    json_page_facts(&w, s);
    json_robots(&w, s);
    json_canonicals_and_hreflang(&w, s);
    json_links(&w, s);
    json_key(&w, "malformed_link_headers"), json_uint(&w, s->malformed_link_headers);
    json_key(&w, "truncated");
    json_begin_array(&w);
    for (size_t i = 0; i < TRUNCATION_NAME_COUNT; i++)
        if (s->truncated & (1u << i))
            json_string(&w, truncation_names[i]);
    json_end_array(&w);
    json_end_object(&w);
    json_writer_finish(&w);
}

static void print_text(const struct page_signals *s)
{
    printf("url: %s\n", s->url);
    if (s->base_raw)
        printf("base: %s -> %s\n", s->base_raw, s->base_url ? s->base_url : "(invalid)");
    printf("charset: %s (%s)\n", s->charset, charset_source_name(s->charset_source));
    printf("title (%u): %s\n", s->title_count, s->title ? s->title : "(none)");
    printf("description (%u): %s\n", s->description_count, s->description ? s->description : "(none)");
    printf("h1: %u  lang: %s  words: %u  scripts: %u%s\n", s->h1_count, s->lang ? s->lang : "(none)", s->word_count,
           s->script_count, s->js_shell ? "  (looks like a JavaScript shell)" : "");
    for (uint32_t i = 0; i < s->robots_count; i++) {
        const struct robots_directives *d = &s->robots[i].directives;
        printf("robots for %s:", s->robots[i].token);
        bool any = false;
        for (int flag = 0; flag < ROBOTS_FLAG_COUNT; flag++)
            if (d->flag_sources[flag]) {
                printf(" %s", robots_flag_name(flag));
                any = true;
            }
        printf("%s\n", any ? "" : " index, follow");
    }
    for (uint32_t i = 0; i < s->robots_statement_count; i++)
        printf("  %s%s%s: %s\n", source_name(s->robots_statements[i].source), s->robots_statements[i].agent ? " " : "",
               s->robots_statements[i].agent ? s->robots_statements[i].agent : "", s->robots_statements[i].content);
    for (uint32_t i = 0; i < s->canonical_count; i++)
        printf("canonical (%s): %s\n", extract_place_name(s->canonicals[i].place),
               s->canonicals[i].url ? s->canonicals[i].url : s->canonicals[i].raw);
    for (uint32_t i = 0; i < s->hreflang_count; i++)
        printf("hreflang %s%s: %s\n", s->hreflangs[i].code, s->hreflangs[i].valid ? "" : " (invalid)",
               s->hreflangs[i].url ? s->hreflangs[i].url : s->hreflangs[i].raw);
    printf("links: %u listed of %u seen\n", s->link_count, s->links_seen);
    for (uint32_t i = 0; i < s->link_count; i++) {
        const struct page_link *link = &s->links[i];
        printf("  %-7s %-6s %s \"%s\"", extract_link_kind_name(link->kind), extract_region_name(link->region),
               link->url ? link->url : link->raw, link->text);
        for (size_t f = 0; f < LINK_FLAG_NAME_COUNT; f++)
            if (link->flags & (1u << f))
                printf(" [%s]", link_flag_names[f]);
        putchar('\n');
    }
    for (uint32_t i = 0; i < s->scheme_count; i++)
        printf("  %s: links not followed: %u\n", s->schemes[i].scheme, s->schemes[i].count);
    for (size_t i = 0; i < TRUNCATION_NAME_COUNT; i++)
        if (s->truncated & (1u << i))
            printf("bound reached: %s (the list is incomplete)\n", truncation_names[i]);
}

static char *default_url(const char *path)
{
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    struct buf url = BUF_INIT;
    buf_printf(&url, "http://localhost/%s", name);
    return buf_detach(&url);
}

struct extract_options {
    const char *url;
    const char *headers_file;
    const char *engines[EXTRACT_CLI_MAX_ENGINES];
    size_t engine_count;
    long max_links;
    bool json;
};

static int parse_options(int argc, char **argv, struct extract_options *o, struct header_list *headers)
{
    static const struct option options[] = {
        {"url", required_argument, NULL, 'u'},
        {"header", required_argument, NULL, 'H'},
        {"headers-file", required_argument, NULL, 'F'},
        {"engine", required_argument, NULL, 'e'},
        {"max-links", required_argument, NULL, 'm'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'u': o->url = optarg; break;
        case 'H':
            if (!add_header_line(headers, optarg))
                return cli_usage_error("extract", "--header wants 'Name: value', got '%s'", optarg);
            break;
        case 'F': o->headers_file = optarg; break;
        case 'e':
            if (o->engine_count == EXTRACT_CLI_MAX_ENGINES)
                return cli_usage_error("extract", "at most %d --engine tokens", EXTRACT_CLI_MAX_ENGINES);
            o->engines[o->engine_count++] = optarg;
            break;
        case 'm':
            if (cli_parse_long("extract", "--max-links", optarg, 1, 10000000, &o->max_links) != 0)
                return EXIT_USAGE;
            break;
        case 'j': o->json = true; break;
        case 'h': fputs(usage, stdout); return -1;
        default: return cli_option_error("extract", c, argv);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("extract", optind >= argc ? "missing FILE" : "unexpected argument '%s'", argv[argc - 1]);
    return EXIT_OK;
}

/* `extract URL`: one GET as the crawler makes it (its User-Agent, caps and timeouts, no redirect
 * followed); the response's headers join --header's. A status other than 2xx is said on stderr
 * and the body is still read. */
static int fetch_page(const char *url, struct buf *body, struct header_list *headers)
{
    struct http_response response;
    struct http_get_options options = {.max_body = EXTRACT_FILE_MAX};
    int status = http_get(url, &options, &response);
    if (status != CP_OK) {
        fprintf(stderr, "crawlpack extract: cannot fetch %s: %s\n", url,
                response.error[0] ? response.error : cp_strerror(status));
        http_response_free(&response);
        return EXIT_RUNTIME;
    }
    if (response.status < 200 || response.status >= 300)
        fprintf(stderr, "crawlpack extract: %s answered %ld%s%s\n", url, response.status,
                response.location ? " -> " : "", response.location ? response.location : "");
    for (char *line = response.headers, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!add_header_line(headers, line))
            break; /* no room: the first EXTRACT_CLI_MAX_HEADERS are enough to judge a page */
    }
    int appended = buf_append(body, response.body, response.body_length);
    http_response_free(&response);
    return appended == CP_OK ? EXIT_OK : EXIT_RUNTIME;
}

int cmd_extract(int argc, char **argv)
{
    struct extract_options o = {0};
    struct header_list headers = {0};
    struct buf body = BUF_INIT;
    char *url = NULL;
    int status = parse_options(argc, argv, &o, &headers);
    if (status == EXIT_OK && o.headers_file)
        status = read_headers_file(o.headers_file, &headers);
    const char *path = argv[argc - 1];
    bool fetched = status == EXIT_OK && cli_is_http_url(path);
    if (status == EXIT_OK)
        status = fetched ? fetch_page(path, &body, &headers) : read_file(path, &body);
    if (fetched && !o.url)
        o.url = path;
    if (status == EXIT_OK && !o.url && !(url = default_url(path)))
        status = EXIT_RUNTIME;
    struct url page_url = {0};
    if (status == EXIT_OK) {
        const char *text = o.url ? o.url : url;
        enum url_error error = url_parse_str(text, NULL, &page_url);
        if (error != URL_OK)
            status = cli_usage_error("extract", "--url '%s': %s", text, url_error_string(error));
    }
    struct page_signals *signals = NULL;
    if (status == EXIT_OK) {
        struct extract_input input = {
            .parsed_url = &page_url,
            .headers = headers.items,
            .header_count = headers.count,
            .body = body.data ? body.data : "",
            .body_length = body.len,
            .engine_tokens = o.engine_count ? o.engines : NULL,
            .engine_token_count = o.engine_count,
            .limits = {.max_links = (uint32_t)o.max_links},
        };
        int result = extract_page(&input, &signals);
        if (result != CP_OK) {
            fprintf(stderr, "crawlpack extract: %s: %s\n", path, cp_strerror(result));
            status = EXIT_RUNTIME;
        }
    }
    if (signals) {
        if (o.json)
            print_json(signals);
        else
            print_text(signals);
        page_signals_free(signals);
    }
    url_free(&page_url);
    free(url);
    buf_free(&body);
    free_headers(&headers);
    return status < 0 ? EXIT_OK : status;
}
