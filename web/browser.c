/* SPDX-License-Identifier: Apache-2.0 */
/* web/browser: tabs over the DevTools protocol (see browser.h). Each tab walks create -> attach ->
 * enable + navigate -> load -> read the DOM -> close; every step answers a command id, every
 * event names its flat session. */
#define _GNU_SOURCE
#include "web/browser.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/array_grow.h"
#include "common/base64.h"
#include "common/buf.h"
#include "common/error.h"
#include "web/browser_internal.h"
#include "web/url.h"

#define MAX_TABS 64
#define SETTLE_AFTER_LOAD_MS 1000.0 /* a page whose network never goes quiet is read this long after load */
/* A loaded page is read once none of its requests has been in flight for NETWORK_QUIET_MS, and
 * then only after a timer of SCRIPT_SETTLE_MS set in the page itself has fired. Content a script
 * adds after load comes from a request (fetch, XHR, an inserted script: followed, so the wait lasts
 * as long as the request, up to the cap above) or from a timer or animation frame that follows load
 * or such a response: frameworks schedule those within a few frames. The page's own timer fires
 * after every shorter timer the page set before it, in the page's own clock, so a busy machine
 * slows both alike; the network's quiet period is there for a response's body to reach the page
 * (Chromium reports a request finished before the page's script has seen it). 100 + 100 ms is well
 * under Chromium's networkAlmostIdle (500 ms of quiet), which is no guide anyway: it allows two
 * requests in flight, so it fires while a script's fetch is still on its way. */
#define NETWORK_QUIET_MS 100.0
#define SCRIPT_SETTLE_MS 100
#define MAX_TRACKED_REQUESTS 512 /* requests past this many in flight are not followed: the page waits for the cap */
#define ID_SIZE 64

enum tab_step { TAB_FREE = 0, TAB_CREATING, TAB_ATTACHING, TAB_NAVIGATING, TAB_LOADING, TAB_READING };

struct tab {
    enum tab_step step;
    long waiting_id; /* the command whose answer moves this tab on */
    char target[ID_SIZE], session[ID_SIZE], loader[ID_SIZE];
    char load_loader[ID_SIZE]; /* the document that fired load */
    char dom_loader[ID_SIZE];  /* the document that fired DOMContentLoaded */
    double submitted_ms, deadline_ms, load_ms;
    char (*requests)[ID_SIZE]; /* the page's requests in flight (Network domain), request_count of them */
    size_t request_count;
    bool untracked;            /* a request could not be followed: the network is never taken for quiet */
    double network_ms;         /* the last time a request started or ended */
    bool document_seen;        /* the page's own document request went through */
    struct browser_page *page; /* the result being built */
};

struct browser {
    struct browser_options o;
    char *executable;
    char *resolver_rules;          /* --host-resolver-rules=..., or NULL */
    char *proxy, *proxy_bypass;    /* --proxy-server=... and --proxy-bypass-list=..., or NULL */
    struct buf credential_headers; /* "Name\0value\0" pairs for credential_origin's requests */
    char *credential_origin;
    struct browser_process process;
    int restarts;
    long next_id;
    struct tab tabs[MAX_TABS];
    size_t in_flight;
    browser_done_fn done; /* during browser_run */
    void *done_context;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

const char *browser_outcome_name(enum browser_outcome outcome)
{
    switch (outcome) {
    case BROWSER_RENDERED: return "rendered";
    case BROWSER_TIMEOUT: return "timeout";
    case BROWSER_CRASHED: return "crashed";
    default: return "failed";
    }
}

void browser_page_free(struct browser_page *page)
{
    if (!page)
        return;
    free(page->url);
    free(page->html);
    free(page->error);
    free(page->first_exception);
    free(page->first_blocked);
    free(page);
}

/* ---- options turned into Chromium flags ---- */

/* curl's "HOST:PORT:ADDRESS:PORT" (--connect-to) or "HOST:PORT:ADDRESS" (--resolve) as a
 * Chromium mapping rule "MAP HOST:PORT ADDRESS[:PORT]". */
static void add_mapping(struct buf *rules, const char *entry, bool connect_to)
{
    const char *host_end = strchr(entry, ':');
    const char *port_end = host_end ? strchr(host_end + 1, ':') : NULL;
    if (!port_end || host_end == entry)
        return;
    const char *target = port_end + 1;
    size_t target_length = strlen(target);
    if (!connect_to) {
        target_length = strcspn(target, ","); /* the first address of a --resolve list */
        if (*target == '+')
            return;
    }
    if (target_length == 0 || (connect_to && target[0] == ':'))
        return;
    buf_printf(rules, "%sMAP %.*s %.*s", rules->len ? ", " : "", (int)(port_end - entry), entry, (int)target_length,
               target);
    if (connect_to && target[target_length - 1] == ':') /* no port given: keep the request's */
        rules->data[--rules->len] = 0;
}

static char *resolver_rules(const struct fetch_options *f)
{
    if (!f)
        return NULL;
    struct buf rules = BUF_INIT;
    for (size_t i = 0; i < f->connect_to_count; i++)
        add_mapping(&rules, f->connect_to[i], true);
    for (size_t i = 0; i < f->resolve_count; i++)
        add_mapping(&rules, f->resolve[i][0] == '+' ? f->resolve[i] + 1 : f->resolve[i], false);
    if (!rules.len)
        return NULL;
    struct buf flag = BUF_INIT;
    buf_printf(&flag, "--host-resolver-rules=%s", buf_str(&rules));
    buf_free(&rules);
    return buf_detach(&flag);
}

static void add_header(struct buf *headers, const char *name, size_t name_length, const char *value)
{
    buf_append(headers, name, name_length);
    buf_append_char(headers, 0);
    buf_append(headers, value, strlen(value));
    buf_append_char(headers, 0);
}

/* The crawl's extra headers, cookie and basic auth: what credential_origin's requests carry. */
static void credential_headers(struct buf *headers, const struct fetch_options *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->header_count; i++) {
        const char *colon = strchr(f->headers[i], ':');
        if (!colon)
            continue;
        const char *value = colon + 1;
        while (*value == ' ' || *value == '\t')
            value++;
        add_header(headers, f->headers[i], (size_t)(colon - f->headers[i]), value);
    }
    if (f->cookie)
        add_header(headers, "Cookie", 6, f->cookie);
    if (f->credentials) {
        struct buf value = BUF_INIT;
        buf_append_str(&value, "Basic ");
        base64_append(&value, f->credentials, strlen(f->credentials));
        add_header(headers, "Authorization", 13, buf_str(&value));
        buf_free(&value);
    }
    if (f->user_agent)
        add_header(headers, "User-Agent", 10, f->user_agent);
}

/* ---- the process ---- */

static int start_process(struct browser *b, char *error, size_t error_size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(b->process.profile, sizeof b->process.profile, "%s/crawlpack-browser-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(b->process.profile)) {
        snprintf(error, error_size, "cannot create the browser's profile folder in %s", tmp && *tmp ? tmp : "/tmp");
        b->process.profile[0] = 0;
        return CP_ERR_IO;
    }
    char profile_flag[300];
    snprintf(profile_flag, sizeof profile_flag, "--user-data-dir=%s", b->process.profile);
    char *argv[32];
    int n = 0;
    argv[n++] = b->executable;
    static const char *const fixed[] = {"--headless=new",
                                        "--no-sandbox",
                                        "--disable-gpu",
                                        "--remote-debugging-pipe",
                                        "--no-first-run",
                                        "--no-default-browser-check",
                                        "--disable-background-networking",
                                        "--disable-component-update",
                                        "--disable-sync",
                                        "--disable-extensions",
                                        "--disable-default-apps",
                                        "--mute-audio",
                                        "--disable-dev-shm-usage",
                                        "--hide-scrollbars",
                                        "--disable-features=Translate,MediaRouter,OptimizationHints",
                                        "--disable-breakpad"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[n++] = (char *)fixed[i];
    argv[n++] = profile_flag;
    if (b->resolver_rules)
        argv[n++] = b->resolver_rules;
    argv[n++] = b->proxy ? b->proxy : "--no-proxy-server";
    if (b->proxy_bypass)
        argv[n++] = b->proxy_bypass;
    argv[n++] = "about:blank";
    argv[n] = NULL;
    return browser_process_start(&b->process, argv, error, error_size);
}

struct browser *browser_new(const struct browser_options *options, char *error, size_t error_size)
{
    struct browser *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    b->o = *options;
    b->process.to_browser = b->process.from_browser = -1; /* before any browser_free */
    b->o.timeout_ms = options->timeout_ms > 0 ? options->timeout_ms : BROWSER_DEFAULT_TIMEOUT_MS;
    b->o.tabs = options->tabs > 0 ? (options->tabs < MAX_TABS ? options->tabs : MAX_TABS) : browser_default_tabs();
    b->o.max_html = options->max_html ? options->max_html : BROWSER_DEFAULT_MAX_HTML;
    const char *env = getenv("CRAWLPACK_CHROMIUM");
    b->executable = strdup(options->executable ? options->executable : env && *env ? env : "chromium");
    b->resolver_rules = resolver_rules(options->fetch);
    if (browser_proxy_flags(options->fetch, &b->proxy, &b->proxy_bypass) != CP_OK) {
        snprintf(error, error_size, "out of memory");
        browser_free(b);
        return NULL;
    }
    credential_headers(&b->credential_headers, options->fetch);
    b->credential_origin = options->credential_origin ? strdup(options->credential_origin) : NULL;
    b->process.max_message = b->o.max_html * 6 + ((size_t)1 << 20); /* JSON escapes a character in at most 6 bytes */
    /* A write to a browser that just died raises SIGPIPE in the writing thread: keep it from
     * ending the process (the write fails with EPIPE instead and the tabs are reported crashed). */
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, NULL);
    if (!b->executable || start_process(b, error, error_size) != CP_OK) {
        browser_free(b);
        return NULL;
    }
    return b;
}

/* ---- finishing a tab ---- */

static void set_error(struct browser_page *page, enum browser_outcome outcome, const char *error)
{
    page->outcome = outcome;
    if (!page->error)
        page->error = strdup(error);
}

static void command(struct browser *b, const char *session, const char *method, json_t *params, long *id_out)
{
    long id = ++b->next_id;
    json_t *message = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "method", method, "params",
                                params ? params : json_object());
    if (message && session && session[0])
        json_object_set_new(message, "sessionId", json_stringn(session, strlen(session)));
    if (message)
        browser_process_send(&b->process, message);
    if (id_out)
        *id_out = id;
}

static void finish(struct browser *b, struct tab *t)
{
    if (t->target[0] && b->process.pid > 0)
        command(b, NULL, "Target.closeTarget", json_pack("{s:s}", "targetId", t->target), NULL);
    struct browser_page *page = t->page;
    page->elapsed_ms = now_ms() - t->submitted_ms;
    free(t->requests);
    memset(t, 0, sizeof *t);
    b->in_flight--;
    if (b->done)
        b->done(page, b->done_context);
    else
        browser_page_free(page);
}

static void fail_all(struct browser *b, enum browser_outcome outcome, const char *error)
{
    for (int i = 0; i < MAX_TABS; i++)
        if (b->tabs[i].step != TAB_FREE) {
            set_error(b->tabs[i].page, outcome, error);
            b->tabs[i].target[0] = 0; /* nothing to close */
            finish(b, &b->tabs[i]);
        }
}

void browser_cancel_all(struct browser *b, browser_done_fn done, void *context)
{
    b->done = done;
    b->done_context = context;
    fail_all(b, BROWSER_FAILED, "the crawl stopped");
    b->done = NULL;
}

void browser_free(struct browser *b)
{
    if (!b)
        return;
    b->done = NULL;
    fail_all(b, BROWSER_FAILED, "stopped");
    browser_process_stop(&b->process);
    free(b->executable);
    free(b->resolver_rules);
    free(b->proxy);
    free(b->proxy_bypass);
    free(b->credential_origin);
    buf_free(&b->credential_headers);
    free(b);
}

/* ---- submitting ---- */

size_t browser_in_flight(const struct browser *b)
{
    return b->in_flight;
}

static int default_tabs;
static pthread_once_t default_tabs_once = PTHREAD_ONCE_INIT;

static void count_default_tabs(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    default_tabs = cpus <= 1 ? 2 : cpus >= 4 ? 8 : (int)cpus * 2;
}

/* Read once per process: sysconf opens and reads /sys on every call, and the fetch loop asks
 * before each request it starts (4% of a re-audit's CPU when it was read each time). */
int browser_default_tabs(void)
{
    pthread_once(&default_tabs_once, count_default_tabs);
    return default_tabs;
}

size_t browser_free_tabs(const struct browser *b)
{
    return (size_t)b->o.tabs > b->in_flight ? (size_t)b->o.tabs - b->in_flight : 0;
}

pid_t browser_pid(const struct browser *b)
{
    return b && !b->process.reaped ? b->process.pid : 0;
}

/* A browser that died is started again for the next page, a bounded number of times. */
static int ensure_running(struct browser *b)
{
    if (b->process.pid > 0 && !b->process.reaped && waitpid(b->process.pid, NULL, WNOHANG) == 0)
        return CP_OK;
    b->process.reaped = b->process.pid > 0; /* it exited while idle (waited for just now) */
    browser_process_stop(&b->process);
    if (b->restarts >= BROWSER_MAX_RESTARTS)
        return CP_ERR_IO;
    b->restarts++;
    char error[256];
    return start_process(b, error, sizeof error);
}

int browser_submit(struct browser *b, const char *url, void *user_data)
{
    if (browser_free_tabs(b) == 0)
        return CP_ERR_LIMIT;
    if (ensure_running(b) != CP_OK)
        return CP_ERR_IO;
    struct tab *t = NULL;
    for (int i = 0; i < MAX_TABS && !t; i++)
        if (b->tabs[i].step == TAB_FREE)
            t = &b->tabs[i];
    struct browser_page *page = calloc(1, sizeof *page);
    if (!t || !page || !(page->url = strdup(url))) {
        browser_page_free(page);
        return CP_ERR_NOMEM;
    }
    page->user_data = user_data;
    memset(t, 0, sizeof *t);
    t->page = page;
    t->step = TAB_CREATING;
    t->submitted_ms = now_ms();
    /* The page's clock starts when its tab exists: a browser still starting up does not eat it. */
    t->deadline_ms = t->submitted_ms + BROWSER_START_TIMEOUT_MS;
    b->in_flight++;
    command(b, NULL, "Target.createTarget", json_pack("{s:s}", "url", "about:blank"), &t->waiting_id);
    return CP_OK;
}

/* ---- answers ---- */

static void copy_id(char *dst, json_t *value)
{
    snprintf(dst, ID_SIZE, "%s", json_is_string(value) ? json_string_value(value) : "");
}

static void start_navigation(struct browser *b, struct tab *t)
{
    const char *s = t->session;
    command(b, s, "Fetch.enable",
            json_pack("{s:[{s:s, s:s}]}", "patterns", "urlPattern", "*", "requestStage", "Request"), NULL);
    command(b, s, "Page.enable", NULL, NULL);
    command(b, s, "Page.setLifecycleEventsEnabled", json_pack("{s:b}", "enabled", 1), NULL);
    command(b, s, "Network.enable", NULL, NULL); /* requests in flight: when the page is quiet */
    command(b, s, "Runtime.enable", NULL, NULL);
    command(b, s, "Inspector.enable", NULL, NULL);
    command(b, s, "Page.navigate", json_pack("{s:s}", "url", t->page->url), &t->waiting_id);
    t->step = TAB_NAVIGATING;
}

static void read_dom(struct browser *b, struct tab *t)
{
    char expression[640];
    snprintf(expression, sizeof expression,
             "new Promise(function(r){setTimeout(r,%d);}).then(function(){"
             "var d=document.documentElement;var h=d?d.outerHTML:'';"
             "if(document.doctype)h='<!DOCTYPE '+document.doctype.name+'>'+h;"
             "return h.length>%zu?{h:h.slice(0,%zu),t:true}:{h:h,t:false};})",
             SCRIPT_SETTLE_MS, b->o.max_html, b->o.max_html);
    command(b, t->session, "Runtime.evaluate",
            json_pack("{s:s, s:b, s:b}", "expression", expression, "returnByValue", 1, "awaitPromise", 1),
            &t->waiting_id);
    t->step = TAB_READING;
}

static void take_dom(struct browser *b, struct tab *t, json_t *result)
{
    json_t *value = json_object_get(json_object_get(result, "result"), "value");
    json_t *html = json_object_get(value, "h");
    if (!json_is_string(html)) {
        set_error(t->page, BROWSER_FAILED, "the DOM could not be read");
        finish(b, t);
        return;
    }
    t->page->html_length = json_string_length(html);
    t->page->html = malloc(t->page->html_length + 1);
    if (!t->page->html) {
        set_error(t->page, BROWSER_FAILED, "out of memory reading the DOM");
        finish(b, t);
        return;
    }
    memcpy(t->page->html, json_string_value(html), t->page->html_length + 1);
    t->page->html_truncated = json_is_true(json_object_get(value, "t"));
    t->page->outcome = BROWSER_RENDERED;
    finish(b, t);
}

static void on_answer(struct browser *b, struct tab *t, json_t *message)
{
    json_t *error = json_object_get(message, "error");
    json_t *result = json_object_get(message, "result");
    if (error) {
        const char *text = json_string_value(json_object_get(error, "message"));
        set_error(t->page, BROWSER_FAILED, text ? text : "the browser refused a command");
        finish(b, t);
        return;
    }
    switch (t->step) {
    case TAB_CREATING:
        copy_id(t->target, json_object_get(result, "targetId"));
        t->deadline_ms = now_ms() + (double)b->o.timeout_ms;
        command(b, NULL, "Target.attachToTarget", json_pack("{s:s, s:b}", "targetId", t->target, "flatten", 1),
                &t->waiting_id);
        t->step = TAB_ATTACHING;
        break;
    case TAB_ATTACHING:
        copy_id(t->session, json_object_get(result, "sessionId"));
        start_navigation(b, t);
        break;
    case TAB_NAVIGATING: {
        const char *failed = json_string_value(json_object_get(result, "errorText"));
        if (failed && *failed) {
            set_error(t->page, BROWSER_FAILED, failed);
            finish(b, t);
            return;
        }
        copy_id(t->loader, json_object_get(result, "loaderId"));
        t->step = TAB_LOADING;
        t->waiting_id = 0;
        break;
    }
    case TAB_READING: take_dom(b, t, result); break;
    default: break;
    }
}

/* ---- events ---- */

static bool same_origin(const char *url, const char *origin)
{
    struct url parsed;
    if (!origin || url_parse_str(url, NULL, &parsed) != URL_OK)
        return false;
    char text[1024];
    bool same = url_origin(&parsed, text, sizeof text) >= 0 && strcmp(text, origin) == 0;
    url_free(&parsed);
    return same;
}

/* The request's own headers plus the crawl's (which win), for Fetch.continueRequest. */
static json_t *headers_with_credentials(struct browser *b, json_t *own)
{
    json_t *list = json_array();
    const char *name;
    json_t *value;
    json_object_foreach(own, name, value)
    {
        bool replaced = false;
        for (const char *p = b->credential_headers.data;
             p && p < b->credential_headers.data + b->credential_headers.len; p += strlen(p) + 1, p += strlen(p) + 1)
            replaced = replaced || strcasecmp(p, name) == 0;
        if (!replaced && json_is_string(value))
            json_array_append_new(list, json_pack("{s:s, s:s}", "name", name, "value", json_string_value(value)));
    }
    for (const char *p = b->credential_headers.data; p && p < b->credential_headers.data + b->credential_headers.len;) {
        const char *v = p + strlen(p) + 1;
        json_array_append_new(list, json_pack("{s:s, s:s}", "name", p, "value", v));
        p = v + strlen(v) + 1;
    }
    return list;
}

static void on_request(struct browser *b, struct tab *t, json_t *params)
{
    const char *id = json_string_value(json_object_get(params, "requestId"));
    json_t *request = json_object_get(params, "request");
    const char *url = json_string_value(json_object_get(request, "url"));
    const char *type = json_string_value(json_object_get(params, "resourceType"));
    const char *frame = json_string_value(json_object_get(params, "frameId"));
    if (!id || !url)
        return;
    bool document = type && strcmp(type, "Document") == 0;
    bool own_document = document && !t->document_seen && frame && strcmp(frame, t->target) == 0;
    if (document && !own_document) {
        t->page->blocked_documents++;
        if (!t->page->first_blocked)
            t->page->first_blocked = strdup(url);
        /* A 204 answer is "no navigation": the frame keeps its document (a failed request would
         * commit an error page in its place). */
        command(b, t->session, "Fetch.fulfillRequest",
                json_pack("{s:s, s:i, s:[]}", "requestId", id, "responseCode", 204, "responseHeaders"), NULL);
        return;
    }
    if (own_document)
        t->document_seen = true;
    json_t *continued = json_pack("{s:s}", "requestId", id);
    if (b->credential_headers.len && same_origin(url, b->credential_origin))
        json_object_set_new(continued, "headers", headers_with_credentials(b, json_object_get(request, "headers")));
    command(b, t->session, "Fetch.continueRequest", continued, NULL);
}

static void on_exception(struct tab *t, json_t *params)
{
    json_t *details = json_object_get(params, "exceptionDetails");
    const char *text = json_string_value(json_object_get(json_object_get(details, "exception"), "description"));
    if (!text)
        text = json_string_value(json_object_get(details, "text"));
    t->page->exceptions++;
    if (!t->page->first_exception && text) {
        size_t line = strcspn(text, "\n"); /* the message, not the stack */
        t->page->first_exception = strndup(text, line < 300 ? line : 300);
    }
}

/* ---- the page's requests in flight: its network is quiet when none is ---- */

static void request_started(struct tab *t, const char *id)
{
    t->network_ms = now_ms();
    for (size_t i = 0; i < t->request_count; i++)
        if (strcmp(t->requests[i], id) == 0)
            return; /* a redirect keeps its request's id */
    void *grown = t->request_count < MAX_TRACKED_REQUESTS
                      ? array_grow(t->requests, t->request_count, sizeof t->requests[0])
                      : NULL;
    if (!grown || strlen(id) >= ID_SIZE) {
        t->untracked = true;
        return;
    }
    t->requests = grown;
    snprintf(t->requests[t->request_count++], ID_SIZE, "%s", id);
}

static void request_ended(struct tab *t, const char *id)
{
    t->network_ms = now_ms();
    for (size_t i = 0; i < t->request_count; i++)
        if (strcmp(t->requests[i], id) == 0) {
            memmove(t->requests[i], t->requests[--t->request_count], ID_SIZE);
            return;
        }
}

static void on_network(struct tab *t, const char *method, json_t *params)
{
    const char *id = json_string_value(json_object_get(params, "requestId"));
    const char *type = json_string_value(json_object_get(params, "type"));
    if (!id)
        return;
    /* Documents are not followed: the page's own is complete at load (Chromium does not always
     * report its end), any other is refused (on_request). */
    if (strcmp(method, "Network.requestWillBeSent") == 0 && !(type && strcmp(type, "Document") == 0))
        request_started(t, id);
    else if (strcmp(method, "Network.loadingFinished") == 0 || strcmp(method, "Network.loadingFailed") == 0)
        request_ended(t, id);
}

static void on_event(struct browser *b, struct tab *t, const char *method, json_t *params)
{
    if (strcmp(method, "Fetch.requestPaused") == 0)
        on_request(b, t, params);
    else if (strncmp(method, "Network.", 8) == 0)
        on_network(t, method, params);
    else if (strcmp(method, "Page.lifecycleEvent") == 0) {
        const char *name = json_string_value(json_object_get(params, "name"));
        json_t *loader = json_object_get(params, "loaderId");
        if (name && strcmp(name, "load") == 0)
            copy_id(t->load_loader, loader);
        else if (name && strcmp(name, "DOMContentLoaded") == 0)
            copy_id(t->dom_loader, loader);
    } else if (strcmp(method, "Page.frameStoppedLoading") == 0) {
        /* A navigation a script started (and the scope refused) cancels the load event: the frame
         * stopping after our document's DOMContentLoaded is then its end of loading. */
        const char *frame = json_string_value(json_object_get(params, "frameId"));
        if (frame && strcmp(frame, t->target) == 0 && t->loader[0] && strcmp(t->dom_loader, t->loader) == 0)
            snprintf(t->load_loader, ID_SIZE, "%s", t->loader);
    } else if (strcmp(method, "Runtime.exceptionThrown") == 0)
        on_exception(t, params);
    else if (strcmp(method, "Runtime.consoleAPICalled") == 0) {
        const char *type = json_string_value(json_object_get(params, "type"));
        if (type && strcmp(type, "error") == 0)
            t->page->console_errors++;
    } else if (strcmp(method, "Inspector.targetCrashed") == 0) {
        set_error(t->page, BROWSER_CRASHED, "the tab crashed");
        finish(b, t);
    }
}

static struct tab *tab_by_session(struct browser *b, const char *session)
{
    for (int i = 0; session && i < MAX_TABS; i++)
        if (b->tabs[i].step != TAB_FREE && strcmp(b->tabs[i].session, session) == 0)
            return &b->tabs[i];
    return NULL;
}

static void on_message(json_t *message, void *context)
{
    struct browser *b = context;
    json_t *id = json_object_get(message, "id");
    if (json_is_integer(id)) {
        long value = (long)json_integer_value(id);
        for (int i = 0; i < MAX_TABS; i++)
            if (b->tabs[i].step != TAB_FREE && b->tabs[i].waiting_id == value) {
                on_answer(b, &b->tabs[i], message);
                return;
            }
        return; /* an acknowledgement nobody waits for */
    }
    const char *method = json_string_value(json_object_get(message, "method"));
    json_t *params = json_object_get(message, "params");
    if (!method)
        return;
    if (strcmp(method, "Target.detachedFromTarget") == 0) {
        struct tab *t = tab_by_session(b, json_string_value(json_object_get(params, "sessionId")));
        if (t) {
            set_error(t->page, BROWSER_CRASHED, "the tab went away");
            t->target[0] = 0;
            finish(b, t);
        }
        return;
    }
    struct tab *t = tab_by_session(b, json_string_value(json_object_get(message, "sessionId")));
    if (t)
        on_event(b, t, method, params);
}

/* ---- time ---- */

/* When a loaded tab's network will have been quiet long enough (HUGE_VAL while requests are in
 * flight): NETWORK_QUIET_MS after load and after its last request started or ended. */
static double quiet_at(const struct tab *t)
{
    if (t->request_count > 0 || t->untracked)
        return HUGE_VAL;
    return (t->network_ms > t->load_ms ? t->network_ms : t->load_ms) + NETWORK_QUIET_MS;
}

static void check_tabs(struct browser *b, double now)
{
    for (int i = 0; i < MAX_TABS; i++) {
        struct tab *t = &b->tabs[i];
        if (t->step == TAB_FREE)
            continue;
        if (now >= t->deadline_ms) {
            char error[96];
            snprintf(error, sizeof error, "not loaded within %ld ms", b->o.timeout_ms);
            set_error(t->page, BROWSER_TIMEOUT, t->step == TAB_CREATING ? "the browser did not answer" : error);
            finish(b, t);
            continue;
        }
        if (t->step != TAB_LOADING || !t->loader[0] || strcmp(t->load_loader, t->loader) != 0)
            continue;
        if (t->load_ms == 0)
            t->load_ms = now;
        if (now >= quiet_at(t) || now - t->load_ms >= SETTLE_AFTER_LOAD_MS)
            read_dom(b, t);
    }
}

static long next_wake(const struct browser *b, double now, long wait_ms)
{
    double wake = now + (double)wait_ms;
    for (int i = 0; i < MAX_TABS; i++) {
        const struct tab *t = &b->tabs[i];
        if (t->step == TAB_FREE)
            continue;
        if (t->deadline_ms < wake)
            wake = t->deadline_ms;
        if (t->load_ms > 0 && t->step == TAB_LOADING && t->load_ms + SETTLE_AFTER_LOAD_MS < wake)
            wake = t->load_ms + SETTLE_AFTER_LOAD_MS;
        if (t->load_ms > 0 && t->step == TAB_LOADING && quiet_at(t) < wake)
            wake = quiet_at(t);
    }
    long wait = (long)(wake - now) + 1;
    return wait < 0 ? 0 : wait;
}

size_t browser_run(struct browser *b, long wait_ms, browser_done_fn done, void *context)
{
    b->done = done;
    b->done_context = context;
    double now = now_ms();
    if (b->in_flight > 0 || b->process.out.len > b->process.out_sent) {
        bool alive = browser_process_pump(&b->process, next_wake(b, now, wait_ms), on_message, b);
        if (!alive) {
            fail_all(b, BROWSER_CRASHED, "the browser exited");
            browser_process_stop(&b->process);
        }
    } else if (wait_ms > 0) {
        struct timespec pause = {wait_ms / 1000, (wait_ms % 1000) * 1000000L};
        nanosleep(&pause, NULL);
    }
    check_tabs(b, now_ms());
    b->done = NULL;
    return b->in_flight;
}
