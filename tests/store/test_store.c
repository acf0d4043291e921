/* SPDX-License-Identifier: Apache-2.0 */
/* The crawl store: the page record codec round-trips every field of a fully populated record (a
 * field added to struct page_signals but not to store/page_record.c shows here) and refuses
 * damaged bytes; store_open refuses a damaged file, a file from a newer schema (leaving it as it
 * is) and a store another process holds, each with a message that says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "common/buf.h"
#include "common/error.h"
#include "store/page_record.h"
#include "store/store.h"
#include "web/extract.h"

/* ---- the codec ---- */

static struct page_link links[] = {
    {"http://a.test/x", NULL, "anchor one", EXTRACT_LINK_A, EXTRACT_LINK_NOFOLLOW | EXTRACT_LINK_UGC,
     EXTRACT_REGION_NAV},
    {NULL, "http://[bad", "", EXTRACT_LINK_IFRAME, EXTRACT_LINK_TEXT_FROM_ALT, EXTRACT_REGION_FOOTER},
};
static struct page_canonical canonicals[] = {{"http://a.test/", "/", EXTRACT_IN_HEADER}};
static struct page_hreflang hreflangs[] = {{"de-AT", "http://a.test/de", "/de", EXTRACT_IN_BODY, true}};
static struct page_robots_statement statements[] = {{"googlebot", "noindex, max-snippet:20", ROBOTS_SOURCE_HEADER}};

static void full_directives(struct robots_directives *d, int seed)
{
    for (int f = 0; f < ROBOTS_FLAG_COUNT; f++)
        d->flag_sources[f] = (uint8_t)((f + seed) % 7 + 1);
    d->max_snippet = -1;
    d->max_video_preview = 30 + seed;
    d->max_image_preview = 2;
    d->limit_sources = 5;
    d->unavailable_after_sources = 4;
    d->unavailable_after_invalid = true;
    d->unavailable_after = -1234567890123LL;
    d->unknown_count = 700;
}

/* Every field set, none to its zero value. */
static struct page_signals full_record(struct page_robots robots[2])
{
    struct page_signals s = {0};
    s.url = "http://a.test/page";
    s.base_url = "http://a.test/base/";
    s.base_raw = "/base/";
    s.links = links;
    s.link_count = 2;
    s.links_seen = 9;
    s.links_over_cap = 3;
    s.links_too_long = 2;
    s.links_invalid = 1;
    snprintf(s.schemes[0].scheme, sizeof s.schemes[0].scheme, "mailto");
    s.schemes[0].count = 4;
    snprintf(s.schemes[1].scheme, sizeof s.schemes[1].scheme, "fifteen-chars-x");
    s.schemes[1].count = 1;
    s.scheme_count = 2;
    s.canonicals = canonicals;
    s.canonical_count = 1;
    s.hreflangs = hreflangs;
    s.hreflang_count = 1;
    s.robots_statements = statements;
    s.robots_statement_count = 1;
    robots[0].token = "crawlpack";
    full_directives(&robots[0].directives, 1);
    robots[1].token = "googlebot";
    full_directives(&robots[1].directives, 2);
    s.robots = robots;
    s.robots_count = 2;
    s.title = "A title";
    s.title_count = 2;
    s.description = "Description \xc3\xa9";
    s.description_count = 3;
    s.h1_count = 4;
    s.h1 = "Heading one";
    s.lang = "en-GB";
    s.meta_charset = "utf-8";
    s.charset = "windows-1252";
    s.charset_source = 3;
    s.replaced_bytes = 5;
    s.word_count = 1234;
    s.content_hash = 0xfedcba9876543210ULL;
    s.simhash = 0x8000000000000001ULL;
    s.main_words = 321;
    s.script_count = 6;
    s.analytics = EXTRACT_ANALYTICS_SEGMENT | EXTRACT_ANALYTICS_MATOMO;
    s.has_head_element = true;
    s.js_shell = true;
    s.truncated = EXTRACT_TRUNCATED_LINKS | EXTRACT_TRUNCATED_DEPTH;
    s.malformed_link_headers = 7;
    s.record_bytes = 1;
    return s;
}

static void assert_string_or_null(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_same_directives(const struct robots_directives *a, const struct robots_directives *b)
{
    assert_memory_equal(a->flag_sources, b->flag_sources, sizeof a->flag_sources);
    assert_int_equal(a->max_snippet, b->max_snippet);
    assert_int_equal(a->max_video_preview, b->max_video_preview);
    assert_int_equal(a->max_image_preview, b->max_image_preview);
    assert_int_equal(a->limit_sources, b->limit_sources);
    assert_int_equal(a->unavailable_after_sources, b->unavailable_after_sources);
    assert_int_equal(a->unavailable_after_invalid, b->unavailable_after_invalid);
    assert_true(a->unavailable_after == b->unavailable_after);
    assert_int_equal(a->unknown_count, b->unknown_count);
}

static void assert_same_lists(const struct page_signals *a, const struct page_signals *b)
{
    assert_int_equal(a->link_count, b->link_count);
    for (uint32_t i = 0; i < a->link_count; i++) {
        assert_string_or_null(a->links[i].url, b->links[i].url);
        assert_string_or_null(a->links[i].raw, b->links[i].raw);
        assert_string_or_null(a->links[i].text, b->links[i].text);
        assert_int_equal(a->links[i].kind, b->links[i].kind);
        assert_int_equal(a->links[i].flags, b->links[i].flags);
        assert_int_equal(a->links[i].region, b->links[i].region);
    }
    assert_int_equal(a->scheme_count, b->scheme_count);
    for (uint32_t i = 0; i < a->scheme_count; i++) {
        assert_string_equal(a->schemes[i].scheme, b->schemes[i].scheme);
        assert_int_equal(a->schemes[i].count, b->schemes[i].count);
    }
    assert_int_equal(a->canonical_count, b->canonical_count);
    for (uint32_t i = 0; i < a->canonical_count; i++) {
        assert_string_or_null(a->canonicals[i].url, b->canonicals[i].url);
        assert_string_or_null(a->canonicals[i].raw, b->canonicals[i].raw);
        assert_int_equal(a->canonicals[i].place, b->canonicals[i].place);
    }
    assert_int_equal(a->hreflang_count, b->hreflang_count);
    for (uint32_t i = 0; i < a->hreflang_count; i++) {
        assert_string_or_null(a->hreflangs[i].code, b->hreflangs[i].code);
        assert_string_or_null(a->hreflangs[i].url, b->hreflangs[i].url);
        assert_string_or_null(a->hreflangs[i].raw, b->hreflangs[i].raw);
        assert_int_equal(a->hreflangs[i].place, b->hreflangs[i].place);
        assert_int_equal(a->hreflangs[i].valid, b->hreflangs[i].valid);
    }
    assert_int_equal(a->robots_statement_count, b->robots_statement_count);
    for (uint32_t i = 0; i < a->robots_statement_count; i++) {
        assert_string_or_null(a->robots_statements[i].agent, b->robots_statements[i].agent);
        assert_string_or_null(a->robots_statements[i].content, b->robots_statements[i].content);
        assert_int_equal(a->robots_statements[i].source, b->robots_statements[i].source);
    }
    assert_int_equal(a->robots_count, b->robots_count);
    for (uint32_t i = 0; i < a->robots_count; i++) {
        assert_string_or_null(a->robots[i].token, b->robots[i].token);
        assert_same_directives(&a->robots[i].directives, &b->robots[i].directives);
    }
}

static void assert_same_record(const struct page_signals *a, const struct page_signals *b)
{
    assert_string_or_null(a->url, b->url);
    assert_string_or_null(a->base_url, b->base_url);
    assert_string_or_null(a->base_raw, b->base_raw);
    assert_int_equal(a->links_seen, b->links_seen);
    assert_int_equal(a->links_over_cap, b->links_over_cap);
    assert_int_equal(a->links_too_long, b->links_too_long);
    assert_int_equal(a->links_invalid, b->links_invalid);
    assert_same_lists(a, b);
    assert_string_or_null(a->title, b->title);
    assert_int_equal(a->title_count, b->title_count);
    assert_string_or_null(a->description, b->description);
    assert_int_equal(a->description_count, b->description_count);
    assert_int_equal(a->h1_count, b->h1_count);
    assert_string_or_null(a->h1, b->h1);
    assert_string_or_null(a->lang, b->lang);
    assert_string_or_null(a->meta_charset, b->meta_charset);
    assert_string_or_null(a->charset, b->charset);
    assert_int_equal(a->charset_source, b->charset_source);
    assert_int_equal(a->replaced_bytes, b->replaced_bytes);
    assert_int_equal(a->word_count, b->word_count);
    assert_true(a->content_hash == b->content_hash);
    assert_true(a->simhash == b->simhash);
    assert_int_equal(a->main_words, b->main_words);
    assert_int_equal(a->script_count, b->script_count);
    assert_int_equal(a->analytics, b->analytics);
    assert_int_equal(a->has_head_element, b->has_head_element);
    assert_int_equal(a->js_shell, b->js_shell);
    assert_int_equal(a->truncated, b->truncated);
    assert_int_equal(a->malformed_link_headers, b->malformed_link_headers);
}

static void test_round_trip_full(void **state)
{
    (void)state;
    struct page_robots robots[2];
    struct page_signals s = full_record(robots);
    struct buf encoded = BUF_INIT;
    assert_int_equal(page_record_encode(&s, &encoded), CP_OK);
    struct page_signals *decoded = NULL;
    assert_int_equal(page_record_decode(encoded.data, encoded.len, &decoded), CP_OK);
    assert_same_record(&s, decoded);
    assert_true(decoded->record_bytes > sizeof *decoded);
    /* encoding the decoded record gives the same bytes */
    struct buf again = BUF_INIT;
    assert_int_equal(page_record_encode(decoded, &again), CP_OK);
    assert_int_equal(again.len, encoded.len);
    assert_memory_equal(again.data, encoded.data, encoded.len);
    page_signals_free(decoded);
    buf_free(&again);
    buf_free(&encoded);
}

/* A page as extract_page() gives it survives the store. */
static void test_round_trip_extracted(void **state)
{
    (void)state;
    static const char html[] =
        "<!doctype html><html lang=fr><head><title>T</title><meta name=robots content='noindex,max-snippet:5'>"
        "<link rel=canonical href=/c><link rel=alternate hreflang=en href=/en><base href=/b/></head>"
        "<body><nav><a href=x rel=nofollow>one</a></nav><a href='mailto:a@b'>m</a><h1>H</h1>"
        "<a href=http://other.test/>o</a><iframe src=/f></iframe></body></html>";
    struct extract_header headers[] = {{"X-Robots-Tag", "googlebot: nofollow"}, {"Link", "</h>; rel=canonical"}};
    struct extract_input input = {
        .url = "http://a.test/p", .headers = headers, .header_count = 2, .body = html, .body_length = sizeof html - 1};
    struct page_signals *s = NULL;
    assert_int_equal(extract_page(&input, &s), CP_OK);
    struct buf encoded = BUF_INIT;
    assert_int_equal(page_record_encode(s, &encoded), CP_OK);
    struct page_signals *decoded = NULL;
    assert_int_equal(page_record_decode(encoded.data, encoded.len, &decoded), CP_OK);
    assert_same_record(s, decoded);
    page_signals_free(decoded);
    page_signals_free(s);
    buf_free(&encoded);
}

/* Every prefix, and every single-byte change, of a record is refused or decodes to something
 * self-consistent: never a read past the bytes (ASan watches). */
static void test_damaged_records(void **state)
{
    (void)state;
    struct page_robots robots[2];
    struct page_signals s = full_record(robots);
    struct buf encoded = BUF_INIT;
    assert_int_equal(page_record_encode(&s, &encoded), CP_OK);
    struct page_signals *decoded = NULL;
    for (size_t n = 0; n < encoded.len; n++) {
        char *copy = malloc(n ? n : 1);
        memcpy(copy, encoded.data, n);
        assert_int_equal(page_record_decode(copy, n, &decoded), CP_ERR_INVALID);
        assert_null(decoded);
        free(copy);
    }
    unsigned char *copy = malloc(encoded.len);
    for (size_t i = 0; i < encoded.len; i++) {
        memcpy(copy, encoded.data, encoded.len);
        copy[i] ^= 0xff;
        if (page_record_decode(copy, encoded.len, &decoded) == CP_OK)
            page_signals_free(decoded);
    }
    free(copy);
    buf_free(&encoded);
}

/* ---- opening ---- */

static char *temp_path(const char *name)
{
    char *dir = strdup("/tmp/crawlpack-store-XXXXXX");
    assert_non_null(mkdtemp(dir));
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    free(dir);
    return path;
}

static void remove_store(char *path)
{
    char other[4096];
    const char *suffixes[] = {"", "-wal", "-shm", ".lock"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(other, sizeof other, "%s%s", path, suffixes[i]);
        unlink(other);
    }
    *strrchr(path, '/') = '\0';
    rmdir(path);
    free(path);
}

static void test_open_new_and_again(void **state)
{
    (void)state;
    char *path = temp_path("crawl.db");
    char error[512];
    struct store *store = NULL;
    assert_int_equal(store_open(path, &store, error, sizeof error), CP_OK);
    struct store_run run = {"r1", "audit", "http://a.test/", "[\"http://a.test/\"]", NULL, "2026-01-01T00:00:00Z"};
    assert_int_equal(store_run_begin(store, &run), CP_OK);
    assert_true(store_run_id(store) > 0);
    /* a second open while the first holds it: refused, naming the holder */
    struct store *second = NULL;
    assert_int_equal(store_open(path, &second, error, sizeof error), CP_ERR_BUSY);
    assert_null(second);
    assert_non_null(strstr(error, "in use by another crawlpack process (pid "));
    struct store_run_end end = {"complete", "2026-01-01T00:01:00Z", 0};
    assert_int_equal(store_run_end(store, &end), CP_OK);
    store_close(store);
    /* closed: it opens again, with the run in it */
    assert_int_equal(store_open(path, &store, error, sizeof error), CP_OK);
    store_close(store);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT state FROM runs", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "complete");
    sqlite3_finalize(st);
    sqlite3_close(db);
    remove_store(path);
}

static void test_open_damaged(void **state)
{
    (void)state;
    char *path = temp_path("crawl.db");
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 512; i++)
        fputs("not a database at all ", f);
    fclose(f);
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);
    char error[512];
    struct store *store = NULL;
    assert_int_equal(store_open(path, &store, error, sizeof error), CP_ERR_INVALID);
    assert_null(store);
    assert_non_null(strstr(error, "is damaged or not a crawlpack store"));
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(before.st_size, after.st_size);
    remove_store(path);
}

static void set_pragma(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_open_future_and_foreign(void **state)
{
    (void)state;
    char *path = temp_path("crawl.db");
    char error[512];
    struct store *store = NULL;
    assert_int_equal(store_open(path, &store, error, sizeof error), CP_OK);
    store_close(store);
    set_pragma(path, "PRAGMA user_version=99");
    assert_int_equal(store_open(path, &store, error, sizeof error), CP_ERR_INVALID);
    assert_non_null(strstr(error, "written by a newer crawlpack (store schema 99"));
    set_pragma(path, "PRAGMA application_id=7; PRAGMA user_version=1");
    assert_int_equal(store_open(path, &store, error, sizeof error), CP_ERR_INVALID);
    assert_non_null(strstr(error, "not a crawlpack store"));
    remove_store(path);
}

/* Turn a store of the current schema back into one of schema 2: one `edges` row per edge (with the
 * edges given in v2_edges, run 1), and the `links` view over it. */
static const char back_to_2[] =
    "DROP INDEX pages_status; DROP INDEX findings_severity; DROP VIEW links; DROP VIEW edges; DROP TABLE edge_lists;"
    " DROP TABLE edge_kinds;"
    "CREATE TABLE edges(run INTEGER NOT NULL, source INTEGER NOT NULL, target INTEGER NOT NULL, kind TEXT NOT NULL,"
    " meta INTEGER NOT NULL);"
    "CREATE INDEX edges_run ON edges(run, source);"
    "CREATE VIEW links AS SELECT e.run, s.url AS source, t.url AS target, e.kind, e.meta FROM edges e"
    " JOIN nodes s ON s.run = e.run AND s.id = e.source JOIN nodes t ON t.run = e.run AND t.id = e.target;"
    "ALTER TABLE pages DROP COLUMN signals_run; PRAGMA user_version=2;";
static const char v2_edges[] =
    "INSERT INTO nodes VALUES(1, 0, 'http://a.test/'), (1, 1, 'http://a.test/b'), (1, 2, 'http://a.test/c');"
    "INSERT INTO edges VALUES(1, 0, 2, 'a', 64), (1, 0, 1, 'canonical', 194), (1, 1, 0, 'a', 72), (1, 0, 1, 'a', 64);";

/* A new store with one run, turned back into schema 2 (its path: the caller removes it). */
static char *store_of_schema_2(void)
{
    char *path = temp_path("crawl.db");
    char error[512];
    struct store *store = NULL;
    assert_int_equal(store_open(path, &store, error, sizeof error), CP_OK);
    struct store_run run = {"r1", "crawl", "http://a.test/", "[]", NULL, "2026-01-01T00:00:00Z", 0};
    assert_int_equal(store_run_begin(store, &run), CP_OK);
    store_close(store);
    set_pragma(path, back_to_2);
    return path;
}

/* The rows of sql (each row's columns joined by '|', rows by ';'), for comparing query results. */
static void query_rows(const char *path, const char *sql, struct buf *out)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(st); i++)
            buf_printf(out, "%s%s", (const char *)sqlite3_column_text(st, i),
                       i + 1 < sqlite3_column_count(st) ? "|" : ";");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* A store of schema 2 is upgraded in place: its edges move to one edge_lists row per source, and
 * the `edges` and `links` views give the same rows, in the same order per source, as the table did. */
static void test_upgrade_edges_from_2(void **state)
{
    (void)state;
    char *path = store_of_schema_2();
    char error[512];
    struct store *store = NULL;
    set_pragma(path, v2_edges);
    struct buf before = BUF_INIT, after = BUF_INIT, lists = BUF_INIT;
    query_rows(path, "SELECT run, source, target, kind, meta FROM links ORDER BY source, rowid", &before);
    assert_int_equal(store_open(path, &store, error, sizeof error), CP_OK);
    store_close(store);
    query_rows(path, "SELECT run, source, target, kind, meta FROM links", &after);
    assert_string_equal(buf_str(&after), buf_str(&before));
    assert_string_equal(buf_str(&before), "1|http://a.test/|http://a.test/c|a|64;1|http://a.test/|http://a.test/b|"
                                          "canonical|194;1|http://a.test/|http://a.test/b|a|64;1|http://a.test/b|"
                                          "http://a.test/|a|72;");
    query_rows(path, "SELECT source, targets FROM edge_lists ORDER BY source", &lists);
    assert_string_equal(buf_str(&lists), "0|[[2,64],[1,194],[1,64]];1|[[0,72]];");
    buf_free(&before), buf_free(&after), buf_free(&lists);
    remove_store(path);
}

/* A store of schema 1 is upgraded in place when opened: the change column and the findings_severity
 * and pages_status indexes appear, the runs stay. */
static void test_upgrade_from_1(void **state)
{
    (void)state;
    char *path = store_of_schema_2();
    char error[512];
    struct store *store = NULL;
    set_pragma(path, "ALTER TABLE pages DROP COLUMN change; PRAGMA user_version=1");
    assert_int_equal(store_open(path, &store, error, sizeof error), CP_OK);
    store_close(store);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "SELECT change FROM pages", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT (SELECT count(*) FROM runs), user_version, (SELECT count(*) FROM"
                                        " sqlite_schema WHERE name IN ('findings_severity', 'pages_status'))"
                                        " FROM pragma_user_version",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    assert_int_equal(sqlite3_column_int(st, 1), STORE_SCHEMA_VERSION);
    assert_int_equal(sqlite3_column_int(st, 2), 2); /* 4 -> 5, 5 -> 6 */
    sqlite3_finalize(st);
    sqlite3_close(db);
    remove_store(path);
}

/* An unchanged page of a later run refers to the row that holds its signals instead of a second
 * copy; reading it gives the signals and names the run that holds them, and a reference to a
 * reference's run is never needed (the holder is named, not the run before). */
static void test_signals_by_reference(void **state)
{
    (void)state;
    char *path = temp_path("crawl.db");
    char error[512];
    struct store *store = NULL;
    assert_int_equal(store_open(path, &store, error, sizeof error), CP_OK);
    struct page_robots robots[2];
    struct page_signals signals = full_record(robots);
    struct store_response page = {
        .url = "http://a.test/page", .status = 200, .content_type = "text/html", .size = 10, .content_hash = 42};
    int64_t runs[3];
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "r%d", i + 1);
        struct store_run run = {id, "audit", "http://a.test/", "[]", NULL, "2026-01-01T00:00:00Z", 0};
        assert_int_equal(store_run_begin(store, &run), CP_OK);
        runs[i] = store_run_id(store);
        page.signals_run = i ? runs[0] : 0; /* runs 2 and 3: unchanged, the signals are run 1's */
        assert_int_equal(store_put_page(store, &page, i ? NULL : &signals), CP_OK);
        struct store_run_end end = {"complete", "2026-01-01T00:01:00Z", 1};
        assert_int_equal(store_run_end(store, &end), CP_OK);
    }
    struct buf first = BUF_INIT;
    for (int i = 0; i < 3; i++) {
        struct store_page stored;
        assert_int_equal(store_find_page(store, runs[i], page.url, true, &stored), CP_OK);
        assert_non_null(stored.signals);
        assert_int_equal(stored.signals_run, runs[0]);
        assert_int_equal(stored.response.content_hash, 42);
        if (i == 0)
            buf_append(&first, stored.signals, stored.signals_length);
        assert_int_equal(stored.signals_length, first.len);
        assert_memory_equal(stored.signals, first.data, first.len);
    }
    store_close(store);
    struct buf stored_blobs = BUF_INIT;
    query_rows(path, "SELECT run, signals IS NOT NULL, coalesce(signals_run, 0) FROM pages ORDER BY run",
               &stored_blobs);
    assert_string_equal(buf_str(&stored_blobs), "1|1|0;2|0|1;3|0|1;");
    buf_free(&stored_blobs);
    buf_free(&first);
    remove_store(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_full),      cmocka_unit_test(test_round_trip_extracted),
        cmocka_unit_test(test_damaged_records),      cmocka_unit_test(test_open_new_and_again),
        cmocka_unit_test(test_open_damaged),         cmocka_unit_test(test_open_future_and_foreign),
        cmocka_unit_test(test_upgrade_from_1),       cmocka_unit_test(test_upgrade_edges_from_2),
        cmocka_unit_test(test_signals_by_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
