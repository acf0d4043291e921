/* SPDX-License-Identifier: Apache-2.0 */
/* cli/crawl_options: the crawl's options and run, shared by `crawl` and `audit` (see crawl_options.h). */
#include "cli/crawl_options.h"

#include <ctype.h>
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/run_files.h"
#include "cli/cli.h"
#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "common/json_write.h"
#include "crawler/crawl_output.h"
#include "store/store.h"
#include "web/url.h"

const char crawl_cli_help[] =
    "Where and what:\n"
    "  -o, --out DIR              output folder (default: out)\n"
    "      --root DIR             crawl a build folder instead of a server (with --site-url)\n"
    "      --site-url URL         the URL the folder will be served at\n"
    "      --subdomains           also crawl subdomains of the start host\n"
    "      --include REGEX        only URLs matching this POSIX extended regex (repeatable)\n"
    "      --exclude REGEX        skip URLs matching this regex (repeatable)\n"
    "      --strip-param NAME     drop this query parameter from URLs; NAME* is a prefix (repeatable)\n"
    "      --max-depth N          clicks from the start (default: unlimited)\n"
    "      --max-pages N          pages fetched (default: unlimited)\n"
    "      --max-url-length N     longer URLs are not crawled (default: 8192)\n"
    "      --max-links-per-page N links read per page; the rest are counted (default: 20000)\n"
    "      --max-per-template N   URLs per template (path + query names), against crawl traps\n"
    "                             (default: 500)\n"
    "      --check-external       one HEAD request per out-of-scope link target\n"
    "      --sitemap URL          also read this sitemap (repeatable); robots.txt's Sitemap: lines are\n"
    "                             always read, and /sitemap.xml is tried when nothing names one\n"
    "      --no-sitemaps          read no sitemap\n"
    "      --max-sitemap-urls N   sitemap entries read per run; the rest is not read, with a\n"
    "                             finding (default: 1000000)\n\n"
    "JavaScript rendering (needs Debian's chromium; CRAWLPACK_CHROMIUM names another binary):\n"
    "      --render               also load every in-scope HTML page answering 200 in headless\n"
    "                             Chromium; audit the rendered DOM and where it differs from the HTML\n"
    "      --render-max N         pages rendered (default: 1000)\n"
    "      --render-timeout MS    milliseconds for one page to load (default: 10000)\n"
    "      --render-concurrency N browser tabs in flight (default: two per CPU, 2 to 8)\n\n"
    "Politeness and transport:\n"
    "  -c, --concurrency N        transfers in flight (default: 16)\n"
    "      --per-host N           per origin (default: 4; the --concurrency value on loopback/--root)\n"
    "      --rate R               requests per second per origin (default: 10; unlimited on\n"
    "                             loopback/--root; 0 means unlimited)\n"
    "      --threads N            extraction threads (default: number of cores)\n"
    "      --ignore-robots        fetch and report robots.txt but do not obey it\n"
    "      --respect-crawl-delay  honour robots.txt Crawl-delay\n"
    "  -A, --user-agent UA        (default: crawlpack/VERSION (+https://github.com/crawlpack/crawlpack))\n"
    "  -H, --header 'Name: value' extra request header (repeatable)\n"
    "      --cookie 'a=b; c=d'    Cookie header\n"
    "  -u, --user USER:PASSWORD   basic auth\n"
    "                             (-H, --cookie and -u go only to the start URL's origin)\n"
    "      --resolve HOST:PORT:ADDRESS  like curl's --resolve (repeatable)\n"
    "      --connect-to HOST:PORT:CONNECT-HOST:CONNECT-PORT\n"
    "                             like curl's --connect-to: requests for HOST:PORT go to\n"
    "                             CONNECT-HOST:CONNECT-PORT, URLs unchanged (repeatable)\n"
    "      --cacert FILE          trust the CA certificates in FILE (PEM) instead of the system's:\n"
    "                             staging behind an internal or self-signed CA\n"
    "  -k, --insecure             do not verify TLS certificates (said in the summary and crawl.json)\n"
    "      --connect-timeout S    seconds (default: 10)\n"
    "      --max-time S           seconds per transfer (default: 30)\n"
    "      --max-body BYTES       body cap; longer bodies are cut and marked (default: 10485760)\n"
    "      --max-parse-time S     CPU seconds to parse one page's HTML; a page over it is marked\n"
    "                             and skipped (default: 10)\n"
    "      --max-duration S       stop the whole crawl after S seconds and write what was found\n"
    "      --max-origin-failures N  give an origin up after N failures in a row (network, 5xx,\n"
    "                             429/503), with a finding (default: 25)\n"
    "      --max-origin-backoff S give an origin up after S seconds of back-off in all (Retry-After\n"
    "                             and pauses, each capped at 60 s) (default: 600)\n\n"
    "Exact modes (no link, redirect or canonical is followed):\n"
    "      --list FILE            fetch exactly the URLs in FILE, one per line ('-': standard input;\n"
    "                             blank lines and # comments skipped), instead of a start URL\n"
    "      --sitemap-only         fetch exactly the URLs the site's sitemaps list\n"
    "                             (audit: rules that need the whole link graph are skipped and named)\n\n"
    "Proxy and credentials (as curl's):\n"
    "  -x, --proxy URL            [SCHEME://][USER:PASSWORD@]HOST[:PORT] for every request (default:\n"
    "                             the http_proxy, https_proxy and no_proxy environment variables)\n"
    "      --noproxy LIST         comma list of hosts (and their subdomains) reached directly; '*': all\n"
    "      --netrc                credentials per host from ~/.netrc\n"
    "      --netrc-file FILE      credentials per host from FILE\n"
    "                             CRAWLPACK_USER=USER:PASSWORD in the environment is -u without the\n"
    "                             secret on the command line (-u wins)\n\n"
    "Output:\n"
    "      --db FILE              the crawl store, an SQLite file every run is added to (default:\n"
    "                             OUT/crawl.db; docs/store.md)\n"
    "      --no-db                write no crawl store\n"
    "  -q, --quiet                no progress line\n"
    "  -v, --verbose              log every request\n";

static volatile sig_atomic_t stop_flag;
static struct timespec first_stop_signal;

/* A second signal within this grace period is the same interrupt: GNU timeout (and a terminal's
 * Ctrl-C reaching the whole process group) delivers SIGINT twice at once, and the run must still
 * write every file. A second signal after it ends the process at once (the files on disk are never
 * torn: each is written under a temporary name and renamed). */
#define STOP_SIGNAL_GRACE_MS 2000

static void on_stop_signal(int signal_number)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now); /* async-signal-safe */
    if (!stop_flag) {
        first_stop_signal = now;
        stop_flag = 1;
        return;
    }
    long elapsed_ms = (long)(now.tv_sec - first_stop_signal.tv_sec) * 1000 +
                      (now.tv_nsec - first_stop_signal.tv_nsec) / 1000000;
    if (elapsed_ms < STOP_SIGNAL_GRACE_MS)
        return;
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

static int list_add(struct crawl_cli_list *list, const char *item)
{
    const char **grown = array_grow(list->items, list->count, sizeof(*grown));
    if (!grown)
        return -1;
    grown[list->count++] = item;
    list->items = grown;
    return 0;
}

static int parse_seconds(const char *command, const char *option, const char *text, long *out_ms)
{
    char *end;
    errno = 0;
    double seconds = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(seconds) || seconds <= 0 || seconds > 86400 * 7) {
        cli_usage_error(command, "%s needs a number of seconds above 0, not '%s'", option, text);
        return -1;
    }
    *out_ms = (long)(seconds * 1000.0 + 0.5);
    return 0;
}

/* ---- structured option values ----
 * --resolve, --connect-to and -H are checked when given, before any request: curl ignores a
 * malformed entry, so a typo would silently send the crawl (and its credentials) to the real DNS
 * answer, which in the "staging under the production name" set-up is production. */

/* The next ':'-separated field of *at (an IPv6 address in brackets may hold ':'). Sets *field and
 * *length and advances *at past the ':'; false when there is no ':' after the field. */
static bool next_field(const char **at, const char **field, size_t *length)
{
    const char *start = *at, *p = start;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close)
            return false;
        p = close + 1;
    }
    const char *colon = strchr(p, ':');
    if (!colon)
        return false;
    *field = start;
    *length = (size_t)(colon - start);
    *at = colon + 1;
    return true;
}

static bool is_port(const char *text, size_t length)
{
    if (length == 0 || length > 5 || strspn(text, "0123456789") < length)
        return false;
    long port = strtol(text, NULL, 10);
    return port >= 1 && port <= 65535;
}

/* An IPv4 or IPv6 address, the latter bare or in brackets. */
static bool is_address(const char *text, size_t length)
{
    char address[64];
    if (length >= 2 && text[0] == '[' && text[length - 1] == ']') {
        text++;
        length -= 2;
    }
    if (length == 0 || length >= sizeof address)
        return false;
    memcpy(address, text, length);
    address[length] = '\0';
    unsigned char binary[16];
    return inet_pton(AF_INET, address, binary) == 1 || inet_pton(AF_INET6, address, binary) == 1;
}

/* A host name or address as a URL holds it: no ':' outside brackets, no '/', no space. */
static bool is_host(const char *text, size_t length)
{
    if (length == 0)
        return false;
    if (text[0] == '[')
        return is_address(text, length);
    for (size_t i = 0; i < length; i++)
        if (text[i] == ':' || text[i] == '/' || text[i] == ' ' || text[i] == '\t')
            return false;
    return true;
}

/* curl's --resolve: [+]HOST:PORT:ADDRESS[,ADDRESS...] */
static int check_resolve(const char *command, const char *value)
{
    const char *at = value[0] == '+' ? value + 1 : value, *host, *port;
    size_t host_length, port_length;
    bool ok = next_field(&at, &host, &host_length) && next_field(&at, &port, &port_length) &&
              (is_host(host, host_length) || (host_length == 1 && host[0] == '*')) && is_port(port, port_length) && *at;
    for (const char *address = at; ok && *address;) {
        size_t n = strcspn(address, ",");
        ok = is_address(address, n);
        address += n + (address[n] == ',');
    }
    if (ok)
        return 0;
    return cli_usage_error(command,
                           "--resolve needs HOST:PORT:ADDRESS[,ADDRESS...] with a port from 1 to 65535 and "
                           "IP addresses, not '%s'",
                           value);
}

/* curl's --connect-to: HOST:PORT:CONNECT-HOST:CONNECT-PORT; HOST, PORT and one of the CONNECT
 * fields may be empty (any host, any port, unchanged), but all four fields are there. */
static int check_connect_to(const char *command, const char *value)
{
    const char *at = value, *host, *port, *connect_host;
    size_t host_length, port_length, connect_host_length;
    bool ok = next_field(&at, &host, &host_length) && next_field(&at, &port, &port_length) &&
              next_field(&at, &connect_host, &connect_host_length);
    if (ok) {
        size_t connect_port_length = strlen(at);
        ok = (host_length == 0 || is_host(host, host_length)) && (port_length == 0 || is_port(port, port_length)) &&
             (connect_host_length == 0 || is_host(connect_host, connect_host_length)) &&
             (connect_port_length == 0 || is_port(at, connect_port_length)) &&
             (connect_host_length > 0 || connect_port_length > 0);
    }
    if (ok)
        return 0;
    return cli_usage_error(command,
                           "--connect-to needs HOST:PORT:CONNECT-HOST:CONNECT-PORT (four fields; HOST and "
                           "PORT may be empty, ports from 1 to 65535, and CONNECT-HOST or CONNECT-PORT set), "
                           "not '%s'",
                           value);
}

/* -H 'Name: value': a token name (RFC 9110), a colon, a value without line breaks. */
static int check_header(const char *command, const char *value)
{
    static const char token[] = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    size_t name = strspn(value, token);
    if (name > 0 && value[name] == ':' && !strpbrk(value, "\r\n"))
        return 0;
    return cli_usage_error(command, "--header needs 'Name: value' (a header name, a colon, a value), not '%s'", value);
}

/* --sitemap: an absolute http(s) URL. */
static int check_sitemap_url(const char *command, const char *value)
{
    struct url parsed;
    enum url_error status = url_parse_str(value, NULL, &parsed);
    bool crawlable = status == URL_OK && url_is_crawlable(&parsed);
    url_free(&parsed);
    if (crawlable)
        return 0;
    return cli_usage_error(command, "--sitemap needs an absolute http(s) URL, not '%s'%s%s", value,
                           status != URL_OK ? ": " : "", status != URL_OK ? url_error_string(status) : "");
}

static int compile_patterns(const char *command, const struct crawl_cli_list *texts, regex_t **out)
{
    *out = texts->count ? calloc(texts->count, sizeof(**out)) : NULL;
    for (size_t i = 0; i < texts->count; i++) {
        int rc = regcomp(&(*out)[i], texts->items[i], REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char message[256];
            regerror(rc, &(*out)[i], message, sizeof(message));
            for (size_t j = 0; j < i; j++)
                regfree(&(*out)[j]);
            free(*out);
            *out = NULL;
            return cli_usage_error(command, "bad regular expression '%s': %s", texts->items[i], message);
        }
    }
    return 0;
}

enum {
    OPT_ROOT = 256,
    OPT_SITE_URL,
    OPT_SUBDOMAINS,
    OPT_INCLUDE,
    OPT_EXCLUDE,
    OPT_STRIP_PARAM,
    OPT_MAX_DEPTH,
    OPT_MAX_PAGES,
    OPT_MAX_URL_LENGTH,
    OPT_MAX_PER_TEMPLATE,
    OPT_CHECK_EXTERNAL,
    OPT_PER_HOST,
    OPT_RATE,
    OPT_THREADS,
    OPT_IGNORE_ROBOTS,
    OPT_CRAWL_DELAY,
    OPT_COOKIE,
    OPT_RESOLVE,
    OPT_CONNECT_TO,
    OPT_CONNECT_TIMEOUT,
    OPT_MAX_TIME,
    OPT_MAX_BODY,
    OPT_MAX_DURATION,
    OPT_SITEMAP,
    OPT_NO_SITEMAPS,
    OPT_MAX_LINKS_PER_PAGE,
    OPT_MAX_PARSE_TIME,
    OPT_MAX_SITEMAP_URLS,
    OPT_MAX_ORIGIN_FAILURES,
    OPT_MAX_ORIGIN_BACKOFF,
    OPT_CACERT,
};
/* Proxy and credentials: their own range, so the two lists grow without touching each other. */
enum { OPT_NOPROXY = 448, OPT_NETRC, OPT_NETRC_FILE };
enum { OPT_LIST = 464, OPT_SITEMAP_ONLY };
enum { OPT_DB = 480, OPT_NO_DB };
enum { OPT_RENDER = 496, OPT_RENDER_MAX, OPT_RENDER_TIMEOUT, OPT_RENDER_CONCURRENCY };

const struct option crawl_cli_options[] = {
    {"out", required_argument, NULL, 'o'},
    {"root", required_argument, NULL, OPT_ROOT},
    {"site-url", required_argument, NULL, OPT_SITE_URL},
    {"subdomains", no_argument, NULL, OPT_SUBDOMAINS},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"strip-param", required_argument, NULL, OPT_STRIP_PARAM},
    {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
    {"max-pages", required_argument, NULL, OPT_MAX_PAGES},
    {"max-url-length", required_argument, NULL, OPT_MAX_URL_LENGTH},
    {"max-per-template", required_argument, NULL, OPT_MAX_PER_TEMPLATE},
    {"check-external", no_argument, NULL, OPT_CHECK_EXTERNAL},
    {"concurrency", required_argument, NULL, 'c'},
    {"per-host", required_argument, NULL, OPT_PER_HOST},
    {"rate", required_argument, NULL, OPT_RATE},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"ignore-robots", no_argument, NULL, OPT_IGNORE_ROBOTS},
    {"respect-crawl-delay", no_argument, NULL, OPT_CRAWL_DELAY},
    {"user-agent", required_argument, NULL, 'A'},
    {"header", required_argument, NULL, 'H'},
    {"cookie", required_argument, NULL, OPT_COOKIE},
    {"user", required_argument, NULL, 'u'},
    {"resolve", required_argument, NULL, OPT_RESOLVE},
    {"connect-to", required_argument, NULL, OPT_CONNECT_TO},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"max-time", required_argument, NULL, OPT_MAX_TIME},
    {"max-body", required_argument, NULL, OPT_MAX_BODY},
    {"max-duration", required_argument, NULL, OPT_MAX_DURATION},
    {"sitemap", required_argument, NULL, OPT_SITEMAP},
    {"no-sitemaps", no_argument, NULL, OPT_NO_SITEMAPS},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"insecure", no_argument, NULL, 'k'},
    {"quiet", no_argument, NULL, 'q'},
    {"max-links-per-page", required_argument, NULL, OPT_MAX_LINKS_PER_PAGE},
    {"max-parse-time", required_argument, NULL, OPT_MAX_PARSE_TIME},
    {"max-sitemap-urls", required_argument, NULL, OPT_MAX_SITEMAP_URLS},
    {"max-origin-failures", required_argument, NULL, OPT_MAX_ORIGIN_FAILURES},
    {"max-origin-backoff", required_argument, NULL, OPT_MAX_ORIGIN_BACKOFF},
    {"verbose", no_argument, NULL, 'v'},
    {"proxy", required_argument, NULL, 'x'},
    {"noproxy", required_argument, NULL, OPT_NOPROXY},
    {"netrc", no_argument, NULL, OPT_NETRC},
    {"netrc-file", required_argument, NULL, OPT_NETRC_FILE},
    {"list", required_argument, NULL, OPT_LIST},
    {"sitemap-only", no_argument, NULL, OPT_SITEMAP_ONLY},
    {"db", required_argument, NULL, OPT_DB},
    {"no-db", no_argument, NULL, OPT_NO_DB},
    {"render", no_argument, NULL, OPT_RENDER},
    {"render-max", required_argument, NULL, OPT_RENDER_MAX},
    {"render-timeout", required_argument, NULL, OPT_RENDER_TIMEOUT},
    {"render-concurrency", required_argument, NULL, OPT_RENDER_CONCURRENCY},
    {NULL, 0, NULL, 0},
};

/* ---- proxy and credentials (curl's -x, --noproxy, --netrc, --netrc-file, and CRAWLPACK_USER) ---- */

/* The proxy URL must name a host; curl would otherwise take a typo for a host name. */
static int check_proxy(const char *command, const char *value)
{
    const char *host = strstr(value, "://");
    host = host ? host + 3 : value;
    const char *at = strchr(host, '@');
    host = at ? at + 1 : host;
    if (!*host || *host == ':' || *host == '/' || strpbrk(value, " \t\r\n"))
        return cli_usage_error(command, "--proxy needs [SCHEME://][USER:PASSWORD@]HOST[:PORT], not '%s'", value);
    return 0;
}

/* 0 when the file can be read (curl would silently send no credentials otherwise). */
static int check_netrc_file(const char *command, const char *path)
{
    if (access(path, R_OK) != 0)
        return cli_usage_error(command, "--netrc-file %s: %s", path, strerror(errno));
    return 0;
}

/* An option of this block: 0 or an exit code; -1 when the option is not one of them. */
static int apply_transport_option(struct crawl_cli *cli, int c, const char *value)
{
    struct fetch_options *fetch = &cli->crawl.fetch;
    switch (c) {
    case 'x': fetch->proxy = value; return check_proxy(cli->command, value);
    case OPT_NOPROXY: fetch->noproxy = value; return 0;
    case OPT_NETRC: fetch->netrc = true; return 0;
    case OPT_NETRC_FILE:
        fetch->netrc = true;
        fetch->netrc_file = value;
        return check_netrc_file(cli->command, value);
    default: return -1;
    }
}

/* ---- exact modes: --list FILE, --sitemap-only ---- */

#define LIST_MAX_BYTES (64u << 20)

static int apply_exact_option(struct crawl_cli *cli, int c, const char *value)
{
    switch (c) {
    case OPT_LIST: cli->list_path = value; return 0;
    case OPT_SITEMAP_ONLY: cli->crawl.sitemap_only = true; return 0;
    case OPT_DB: cli->db_path = value; return 0;
    case OPT_NO_DB: cli->no_db = true; return 0;
    default: return -1;
    }
}

/* One line of the list: trimmed; NULL for a blank line or a # comment. */
static char *list_line_url(char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t length = strlen(line);
    while (length && (line[length - 1] == ' ' || line[length - 1] == '\t' || line[length - 1] == '\r'))
        line[--length] = '\0';
    return length && line[0] != '#' ? line : NULL;
}

/* Split cli->list_text into URLs, each checked as the start URL is; a bad one is a usage error
 * naming FILE:LINE. */
static int parse_list(struct crawl_cli *cli)
{
    const char *name = strcmp(cli->list_path, "-") == 0 ? "(stdin)" : cli->list_path;
    unsigned line_number = 0;
    for (char *line = cli->list_text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_number++;
        char *text = list_line_url(line);
        if (!text)
            continue;
        struct url parsed;
        enum url_error status = url_parse_str(text, NULL, &parsed);
        bool crawlable = status == URL_OK && url_is_crawlable(&parsed);
        url_free(&parsed);
        if (!crawlable)
            return cli_usage_error(cli->command, "%s:%u: %s: %s", name, line_number, text,
                                   status != URL_OK ? url_error_string(status) : "not an http(s) URL");
        if (list_add(&cli->list_urls, text))
            return EXIT_RUNTIME;
    }
    if (cli->list_urls.count == 0)
        return cli_usage_error(cli->command, "--list %s: no URL in it", name);
    return 0;
}

static int read_list(struct crawl_cli *cli)
{
    size_t length = 0;
    int status = cli_read_file(cli->command, cli->list_path, LIST_MAX_BYTES, &cli->list_text, &length);
    if (status != CP_OK)
        return status == CP_ERR_NOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    if (length >= LIST_MAX_BYTES)
        return cli_usage_error(cli->command, "--list %s: larger than %u MB", cli->list_path, LIST_MAX_BYTES >> 20);
    if (memchr(cli->list_text, '\0', length))
        return cli_usage_error(cli->command, "--list %s: not a text file", cli->list_path);
    char *text = realloc(cli->list_text, length + 1);
    if (!text)
        return EXIT_RUNTIME;
    text[length] = '\0';
    cli->list_text = text;
    return parse_list(cli);
}

/* The exact modes' checks; --list makes its first URL the start and reads no sitemap. */
static int finish_exact_modes(struct crawl_cli *cli)
{
    struct crawl_options *o = &cli->crawl;
    if (o->sitemap_only && (cli->list_path || o->no_sitemaps))
        return cli_usage_error(cli->command, "--sitemap-only reads the site's sitemaps: not with %s",
                               cli->list_path ? "--list" : "--no-sitemaps");
    if (!cli->list_path)
        return 0;
    if (o->start_url)
        return cli_usage_error(cli->command, "--list names the URLs: give no URL argument ('%s')", o->start_url);
    int rc = read_list(cli);
    if (rc)
        return rc;
    o->list_urls = cli->list_urls.items;
    o->list_count = cli->list_urls.count;
    o->start_url = cli->list_urls.items[0];
    o->no_sitemaps = true;
    return 0;
}

/* Append length bytes of text with %XX escapes decoded (a URL's userinfo). */
static void percent_decode(struct buf *out, const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (text[i] == '%' && i + 2 < length && isxdigit((unsigned char)text[i + 1]) &&
            isxdigit((unsigned char)text[i + 2])) {
            char hex[3] = {text[i + 1], text[i + 2], 0};
            buf_append_char(out, (char)strtol(hex, NULL, 16));
            i += 2;
        } else {
            buf_append_char(out, text[i]);
        }
    }
}

/* A start URL with userinfo (http://user:password@host/): the credentials are used as -u's
 * (unless -u or CRAWLPACK_USER gave some) and the URL is crawled without them, so they go to the
 * start origin only and never reach an output. 0 or an exit code. */
static int take_start_credentials(struct crawl_cli *cli)
{
    struct crawl_options *o = &cli->crawl;
    const char **start = o->start_url ? &o->start_url : &o->site_url;
    struct url parsed;
    if (!*start || url_parse_str(*start, NULL, &parsed) != URL_OK)
        return 0;
    int rc = 0;
    if (parsed.username.length || parsed.password.length) {
        struct buf text = BUF_INIT;
        if (!o->fetch.credentials) {
            percent_decode(&text, url_part_start(&parsed, parsed.username), parsed.username.length);
            buf_append_char(&text, ':');
            percent_decode(&text, url_part_start(&parsed, parsed.password), parsed.password.length);
            cli->start_credentials = buf_detach(&text);
            o->fetch.credentials = cli->start_credentials;
        }
        size_t userinfo_start = parsed.protocol.length + 2; /* after "scheme://" */
        buf_append(&text, parsed.href, userinfo_start);
        buf_append_str(&text, parsed.href + parsed.host.offset);
        cli->start_url_copy = buf_detach(&text);
        if (!cli->start_url_copy || (!o->fetch.credentials && !cli->start_credentials))
            rc = EXIT_RUNTIME;
        else
            *start = cli->start_url_copy;
    }
    url_free(&parsed);
    return rc;
}

/* CRAWLPACK_USER when -u was not given. 0 or an exit code. */
static int apply_environment_credentials(struct crawl_cli *cli)
{
    const char *user = getenv(CRAWL_CLI_USER_VARIABLE);
    if (cli->crawl.fetch.credentials || !user || !*user)
        return 0;
    if (!strchr(user, ':'))
        return cli_usage_error(cli->command, "%s needs USER:PASSWORD", CRAWL_CLI_USER_VARIABLE);
    cli->crawl.fetch.credentials = user;
    return 0;
}

int crawl_cli_apply(struct crawl_cli *cli, int c, const char *value, char **argv)
{
    struct crawl_options *o = &cli->crawl;
    long number = 0;
    int transport = apply_transport_option(cli, c, value);
    if (transport != -1)
        return transport;
    int exact = apply_exact_option(cli, c, value);
    if (exact != -1)
        return exact;
    switch (c) {
    case 'o': cli->out_dir = value; return 0;
    case OPT_ROOT: o->root_dir = value; return 0;
    case OPT_SITE_URL: o->site_url = value; return 0;
    case OPT_SUBDOMAINS: o->subdomains = true; return 0;
    case OPT_INCLUDE: return list_add(&cli->includes, value) ? EXIT_RUNTIME : 0;
    case OPT_EXCLUDE: return list_add(&cli->excludes, value) ? EXIT_RUNTIME : 0;
    case OPT_STRIP_PARAM:
        if (!value[0] || strcmp(value, "*") == 0)
            return cli_usage_error(
                cli->command, "--strip-param needs a parameter name (NAME, or NAME* for a prefix), not '%s'", value);
        return list_add(&cli->strip_params, value) ? EXIT_RUNTIME : 0;
    case OPT_MAX_DEPTH:
        if (cli_parse_long(cli->command, "--max-depth", value, 0, 1000000, &o->max_depth))
            return EXIT_USAGE;
        return 0;
    case OPT_MAX_PAGES:
        if (cli_parse_long(cli->command, "--max-pages", value, 1, 1000000000, &o->max_pages))
            return EXIT_USAGE;
        return 0;
    case OPT_MAX_URL_LENGTH:
        if (cli_parse_long(cli->command, "--max-url-length", value, 16, 1 << 20, &number))
            return EXIT_USAGE;
        o->max_url_length = (size_t)number;
        return 0;
    case OPT_MAX_PER_TEMPLATE:
        if (cli_parse_long(cli->command, "--max-per-template", value, 1, 1000000000, &number))
            return EXIT_USAGE;
        o->max_per_template = (size_t)number;
        return 0;
    case OPT_CHECK_EXTERNAL: o->check_external = true; return 0;
    case OPT_SITEMAP:
        return check_sitemap_url(cli->command, value) ? EXIT_USAGE : list_add(&cli->sitemaps, value) ? EXIT_RUNTIME : 0;
    case OPT_NO_SITEMAPS: o->no_sitemaps = true; return 0;
    case 'c':
        if (cli_parse_long(cli->command, "--concurrency", value, 1, 1024, &number))
            return EXIT_USAGE;
        o->concurrency = (int)number;
        return 0;
    case OPT_PER_HOST:
        if (cli_parse_long(cli->command, "--per-host", value, 1, 1024, &number))
            return EXIT_USAGE;
        o->per_host = (int)number;
        return 0;
    case OPT_THREADS:
        if (cli_parse_long(cli->command, "--threads", value, 1, 256, &number))
            return EXIT_USAGE;
        o->threads = (int)number;
        return 0;
    case OPT_RATE: {
        char *end;
        double rate = strtod(value, &end);
        if (end == value || *end || !isfinite(rate) || rate < 0 || rate > 1e6)
            return cli_usage_error(cli->command, "--rate needs requests per second (0 for unlimited), not '%s'", value);
        o->rate = rate == 0 ? -1 : rate;
        return 0;
    }
    case OPT_IGNORE_ROBOTS: o->ignore_robots = true; return 0;
    case OPT_CRAWL_DELAY: o->respect_crawl_delay = true; return 0;
    case 'A': o->fetch.user_agent = value; return 0;
    case 'H': return check_header(cli->command, value) ? EXIT_USAGE : list_add(&cli->headers, value) ? EXIT_RUNTIME : 0;
    case OPT_COOKIE:
        if (!strchr(value, '=') || strpbrk(value, "\r\n"))
            return cli_usage_error(cli->command, "--cookie needs 'name=value[; name2=value2]', not '%s'", value);
        o->fetch.cookie = value;
        return 0;
    case OPT_CACERT:
        if (cli_check_cacert(cli->command, value))
            return EXIT_USAGE;
        o->fetch.tls.ca_file = value;
        return 0;
    case 'k': o->fetch.tls.insecure = true; return 0;
    case 'u':
        if (!strchr(value, ':'))
            return cli_usage_error(cli->command, "--user needs USER:PASSWORD");
        o->fetch.credentials = value;
        return 0;
    case OPT_RESOLVE:
        return check_resolve(cli->command, value) ? EXIT_USAGE : list_add(&cli->resolves, value) ? EXIT_RUNTIME : 0;
    case OPT_CONNECT_TO:
        return check_connect_to(cli->command, value) ? EXIT_USAGE
               : list_add(&cli->connect_tos, value)  ? EXIT_RUNTIME
                                                     : 0;
    case OPT_CONNECT_TIMEOUT:
        return parse_seconds(cli->command, "--connect-timeout", value, &o->fetch.connect_timeout_ms) ? EXIT_USAGE : 0;
    case OPT_MAX_TIME:
        return parse_seconds(cli->command, "--max-time", value, &o->fetch.total_timeout_ms) ? EXIT_USAGE : 0;
    case OPT_MAX_DURATION:
        return parse_seconds(cli->command, "--max-duration", value, &o->max_duration_ms) ? EXIT_USAGE : 0;
    case OPT_MAX_BODY:
        if (cli_parse_long(cli->command, "--max-body", value, 1024, 1L << 30, &number))
            return EXIT_USAGE;
        o->fetch.max_body = (size_t)number;
        return 0;
    case OPT_MAX_LINKS_PER_PAGE:
        if (cli_parse_long(cli->command, "--max-links-per-page", value, 1, 10000000, &number))
            return EXIT_USAGE;
        o->max_links_per_page = (uint32_t)number;
        return 0;
    case OPT_MAX_SITEMAP_URLS:
        if (cli_parse_long(cli->command, "--max-sitemap-urls", value, 1, 1000000000, &number))
            return EXIT_USAGE;
        o->max_sitemap_urls = (size_t)number;
        return 0;
    case OPT_MAX_ORIGIN_FAILURES:
        if (cli_parse_long(cli->command, "--max-origin-failures", value, 1, 1000000, &number))
            return EXIT_USAGE;
        o->max_origin_failures = (int)number;
        return 0;
    case OPT_MAX_ORIGIN_BACKOFF:
        return parse_seconds(cli->command, "--max-origin-backoff", value, &o->max_origin_backoff_ms) ? EXIT_USAGE : 0;
    case OPT_MAX_PARSE_TIME:
        if (parse_seconds(cli->command, "--max-parse-time", value, &number))
            return EXIT_USAGE;
        o->max_parse_ms = number < 1 ? 1 : (uint32_t)number;
        return 0;
    case OPT_RENDER: o->render = true; return 0;
    case OPT_RENDER_MAX:
        if (cli_parse_long(cli->command, "--render-max", value, 1, 100000000, &o->render_max))
            return EXIT_USAGE;
        return 0;
    case OPT_RENDER_TIMEOUT:
        if (cli_parse_long(cli->command, "--render-timeout", value, 100, 600000, &o->render_timeout_ms))
            return EXIT_USAGE;
        return 0;
    case OPT_RENDER_CONCURRENCY:
        if (cli_parse_long(cli->command, "--render-concurrency", value, 1, 32, &number))
            return EXIT_USAGE;
        o->render_concurrency = (int)number;
        return 0;
    case 'q': cli->quiet = true; return 0;
    case 'v': cli->verbosity++; return 0;
    default: return cli_option_error(cli->command, c, argv);
    }
}

void crawl_cli_free(struct crawl_cli *cli)
{
    free(cli->start_url_copy);
    free(cli->argv_json);
    free(cli->db_default);
    free(cli->start_credentials);

    for (size_t i = 0; cli->include_patterns && i < cli->includes.count; i++)
        regfree(&cli->include_patterns[i]);
    for (size_t i = 0; cli->exclude_patterns && i < cli->excludes.count; i++)
        regfree(&cli->exclude_patterns[i]);
    free(cli->include_patterns);
    free(cli->exclude_patterns);
    free(cli->headers.items);
    free(cli->resolves.items);
    free(cli->connect_tos.items);
    free(cli->includes.items);
    free(cli->excludes.items);
    free(cli->strip_params.items);
    free(cli->sitemaps.items);
    free(cli->list_urls.items);
    free(cli->list_text);
}

/* Whether an argument is a secret's value: -u/--user, --cookie and -H values are not written to the
 * store (a store is a file people share); a resumed run needs them given again. */
static bool secret_option(const char *arg, bool *next_is_secret)
{
    static const char *const names[] = {"-u", "--user", "--cookie", "-H", "--header"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t n = strlen(names[i]);
        if (strcmp(arg, names[i]) == 0) {
            *next_is_secret = true;
            return false;
        }
        if (strncmp(arg, names[i], n) == 0 && (arg[n] == '=' || (names[i][1] != '-' && arg[n])))
            return true;
    }
    return false;
}

/* The command's arguments as a JSON array, for the store's run record (--resume runs them again). */
static int record_argv(struct crawl_cli *cli, int argc, char **argv)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (!out)
        return EXIT_RUNTIME;
    struct json_writer w;
    json_writer_init(&w, out, false);
    json_begin_array(&w);
    bool secret = false;
    for (int i = 1; i < argc; i++) {
        bool next_is_secret = false;
        bool inline_secret = secret_option(argv[i], &next_is_secret);
        json_string(&w, secret || inline_secret ? "(not stored)" : argv[i]);
        secret = next_is_secret;
    }
    json_end_array(&w);
    int failed = json_writer_finish(&w);
    if (fclose(out) != 0 || failed) {
        free(text);
        return EXIT_RUNTIME;
    }
    cli->argv_json = text;
    return 0;
}

/* --db FILE, --no-db, or OUT/crawl.db. */
static int finish_db(struct crawl_cli *cli)
{
    if (cli->db_path && cli->no_db)
        return cli_usage_error(cli->command, "--db and --no-db: give one");
    if (cli->no_db)
        return 0;
    if (!crawl_cli_writes_files(cli)) {
        if (cli->db_path)
            return cli_usage_error(cli->command, "--db goes with an output folder, not --out -");
        return 0;
    }
    if (!cli->db_path) {
        struct buf path = BUF_INIT;
        if (buf_printf(&path, "%s/%s", cli->out_dir, STORE_FILE) != CP_OK)
            return EXIT_RUNTIME;
        cli->db_default = buf_detach(&path);
        cli->db_path = cli->db_default;
    }
    return 0;
}

const char *crawl_cli_db(const struct crawl_cli *cli)
{
    return cli->no_db || !crawl_cli_writes_files(cli) ? NULL : cli->db_path;
}

int crawl_cli_finish(struct crawl_cli *cli, int argc, char **argv)
{
    struct crawl_options *o = &cli->crawl;
    int recorded = record_argv(cli, argc, argv);
    if (recorded)
        return recorded;
    int db = finish_db(cli);
    if (db)
        return db;
    if (optind < argc)
        o->start_url = argv[optind++];
    if (optind < argc)
        return cli_usage_error(cli->command, "unexpected argument '%s'", argv[optind]);
    int exact = finish_exact_modes(cli);
    if (exact)
        return exact;
    if (!o->start_url && !o->root_dir)
        o->start_url = cli->default_url;
    if (o->root_dir && !o->site_url)
        return cli_usage_error(cli->command, "--root needs --site-url (the URL the folder is served at)");
    if (!o->root_dir && o->site_url)
        return cli_usage_error(cli->command, "--site-url goes with --root");
    if (o->root_dir && o->render)
        return cli_usage_error(cli->command,
                               "--render needs a server: serve the folder and crawl its URL instead of --root");
    if (!o->start_url && !o->root_dir)
        return cli_usage_error(cli->command, "give the URL to crawl (or --root DIR --site-url URL)");
    if (apply_environment_credentials(cli))
        return EXIT_USAGE;
    /* Check the folder and the start URL before anything is written to --out. */
    struct stat folder;
    if (o->root_dir && (stat(o->root_dir, &folder) != 0 || !S_ISDIR(folder.st_mode)))
        return cli_usage_error(cli->command, "--root %s: not a folder", o->root_dir);
    const char *start = o->start_url ? o->start_url : o->site_url;
    struct url parsed;
    enum url_error url_status = url_parse_str(start, NULL, &parsed);
    bool crawlable = url_status == URL_OK && url_is_crawlable(&parsed);
    url_free(&parsed);
    if (!crawlable)
        return cli_usage_error(cli->command, "%s: %s", start,
                               url_status != URL_OK ? url_error_string(url_status) : "not an http(s) URL");
    if (compile_patterns(cli->command, &cli->includes, &cli->include_patterns) ||
        compile_patterns(cli->command, &cli->excludes, &cli->exclude_patterns))
        return EXIT_USAGE;
    if (take_start_credentials(cli) != 0)
        return EXIT_RUNTIME;
    o->includes = cli->include_patterns;
    o->include_count = cli->includes.count;
    o->excludes = cli->exclude_patterns;
    o->exclude_count = cli->excludes.count;
    o->strip_params = cli->strip_params.items;
    o->strip_param_count = cli->strip_params.count;
    o->sitemaps = cli->sitemaps.items;
    o->sitemap_count = cli->sitemaps.count;
    o->fetch.headers = cli->headers.items;
    o->fetch.header_count = cli->headers.count;
    o->fetch.resolve = cli->resolves.items;
    o->fetch.resolve_count = cli->resolves.count;
    o->fetch.connect_to = cli->connect_tos.items;
    o->fetch.connect_to_count = cli->connect_tos.count;
    o->stop_flag = &stop_flag;
    o->progress = cli->quiet ? 0 : 1;
    o->progress_tty = isatty(STDERR_FILENO);
    log_set_verbosity(cli->quiet ? -1 : cli->verbosity);
    return 0;
}

struct option *crawl_cli_option_table(const struct option *extra, size_t extra_count)
{
    size_t count = 0;
    while (crawl_cli_options[count].name)
        count++;
    struct option *table = calloc(count + extra_count + 1, sizeof(*table));
    if (!table)
        return NULL;
    memcpy(table, crawl_cli_options, count * sizeof(*table));
    if (extra_count)
        memcpy(table + count, extra, extra_count * sizeof(*table));
    return table;
}

void crawl_cli_init(struct crawl_cli *cli, const char *command)
{
    memset(cli, 0, sizeof(*cli));
    cli->command = command;
    cli->out_dir = "out";
    cli->crawl.max_depth = -1;
}

const char *crawl_cli_start_url(const struct crawl_cli *cli)
{
    return cli->crawl.start_url ? cli->crawl.start_url : cli->crawl.site_url;
}

void crawl_cli_print_caveats(const struct crawl_cli *cli, const struct crawl_result *result, FILE *out)
{
    if (result->pages_blocked)
        fprintf(out,
                "blocked: %llu URL%s not crawled (rate limit or bot protection): not broken, not checked; "
                "see crawl-blocked\n",
                (unsigned long long)result->pages_blocked, result->pages_blocked == 1 ? "" : "s");
    if (cli->crawl.fetch.tls.insecure)
        fputs("warning: -k/--insecure: TLS certificates were not verified\n", out);
}

bool crawl_cli_writes_files(const struct crawl_cli *cli)
{
    return strcmp(cli->out_dir, "-") != 0;
}

volatile sig_atomic_t *crawl_cli_stop_flag(void)
{
    return &stop_flag;
}

void crawl_cli_catch_stop_signals(void)
{
    struct sigaction action = {0};
    action.sa_handler = on_stop_signal;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

int crawl_cli_run(struct crawl_cli *cli, struct crawl_result *result, char *started_at, time_t *started)
{
    char error[1024] = "";
    bool files = crawl_cli_writes_files(cli);
    *started = time(NULL);
    strftime(started_at, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime(started));
    run_files_new_id(*started, cli->run_id);
    /* The store first: a folder another crawlpack process is writing is refused before anything in
     * it is touched. Then an earlier run's files go, so the folder holds this run's only
     * (audit/run_files). */
    struct store_run run = {cli->run_id,    cli->command, crawl_cli_start_url(cli),
                            cli->argv_json, cli->out_dir, started_at};
    struct store *store = NULL;
    if (files &&
        (crawl_output_open_store(cli->out_dir, crawl_cli_db(cli), &run, &store, error, sizeof error) != CP_OK ||
         run_files_clear(cli->out_dir, error, sizeof(error)) != CP_OK ||
         crawl_output_begin(cli->out_dir, &cli->crawl, error, sizeof(error)) != CP_OK)) {
        fprintf(stderr, "crawlpack %s: %s\n", cli->command, error);
        store_close(store);
        return EXIT_RUNTIME;
    }
    cli->crawl.store = store;
    crawl_cli_catch_stop_signals();
    if (cli->crawl.fetch.tls.insecure)
        fprintf(stderr, "crawlpack %s: warning: -k/--insecure: TLS certificates will not be verified\n", cli->command);
    int status = crawl_run(&cli->crawl, result, error, sizeof(error));
    if (status != CP_OK && status != CP_ERR_INTERRUPTED) {
        crawl_output_close_links(&cli->crawl);
        fprintf(stderr, "crawlpack %s: %s\n", cli->command, error[0] ? error : cp_strerror(status));
        crawl_result_free(result);
        store_close(store);
        cli->crawl.store = NULL;
        return status == CP_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME;
    }
    const char *names[RUN_FILES_MAX];
    struct crawl_output_record record = {cli->run_id, started_at, names, run_files_crawl_names(names, RUN_FILES_MAX)};
    int finished = files ? crawl_output_finish(cli->out_dir, &cli->crawl, result, NULL, NULL, &record, error,
                                               sizeof(error))
                         : CP_OK;
    if (finished == CP_OK && store && files)
        crawl_output_store_graph(store, result);
    if (finished == CP_OK && store)
        finished = crawl_output_close_store(store, result, error, sizeof error);
    else
        store_close(store);
    cli->crawl.store = NULL;
    if (finished != CP_OK) {
        fprintf(stderr, "crawlpack %s: %s\n", cli->command, error);
        crawl_result_free(result);
        return EXIT_RUNTIME;
    }
    /* A crawl that never reached its start page audited nothing: it fails as a run (the crawl
     * files, written above, show what happened), whatever --fail-on says. */
    if (result->start_outcome == CRAWL_START_UNREACHABLE || result->start_outcome == CRAWL_START_BLOCKED) {
        fprintf(stderr, "crawlpack %s: cannot crawl %s: %s\n", cli->command, crawl_cli_start_url(cli),
                result->start_problem ? result->start_problem : "no response");
        crawl_result_free(result);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}
