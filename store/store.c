/* SPDX-License-Identifier: Apache-2.0 */
/* store/store: the SQLite crawl store (see store.h; the schema is documented in docs/store.md). */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "common/batch_queue.h"
#include "common/buf.h"
#include "common/error.h"
#include "findings/findings.h"
#include "linkgraph/graph.h"
#include "store/page_record.h"

const char *const store_page_fact_columns[STORE_PAGE_FACT_COLUMNS] = {
    "url",
    "status",
    "content_type",
    "depth",
    "size",
    "ttfb_ms",
    "total_ms",
    "redirect_to",
    "canonical",
    "robots_directives",
    "in_sitemap",
    "inlinks",
    "outlinks",
    "title",
    "error",
    "http_version",
    "content_encoding",
    "hsts",
    "analytics",
    "links_dropped",
    "indexable",
    "not_indexable_reasons",
    "link_score",
};

/* Column types of page_facts, in store_page_fact_columns order (SQLite affinity: a CSV cell "12"
 * is stored as the integer 12, an empty cell as NULL). */
static const char *const fact_types[STORE_PAGE_FACT_COLUMNS] = {
    "TEXT NOT NULL", "INTEGER", "TEXT",    "INTEGER", "INTEGER", "REAL", "REAL",    "TEXT",
    "TEXT",          "TEXT",    "INTEGER", "INTEGER", "INTEGER", "TEXT", "TEXT",    "TEXT",
    "TEXT",          "INTEGER", "TEXT",    "INTEGER", "INTEGER", "TEXT", "INTEGER",
};

/* Schema version 1 (docs/store.md). A later version adds an upgrade step from the one before. */
static const char schema_v1[] =
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, command TEXT NOT NULL, site TEXT NOT NULL,"
    " argv TEXT NOT NULL, out_dir TEXT, started_at TEXT NOT NULL, ended_at TEXT,"
    " state TEXT NOT NULL CHECK(state IN ('running','interrupted','complete')), pid INTEGER,"
    " pages INTEGER, indexable INTEGER);"
    "CREATE TABLE pages(run INTEGER NOT NULL REFERENCES runs(id), url TEXT NOT NULL, status INTEGER,"
    " content_type TEXT, content_encoding TEXT, location TEXT, x_robots_tag TEXT, link_header TEXT, etag TEXT,"
    " last_modified TEXT, error TEXT, http_version INTEGER, hsts INTEGER, truncated INTEGER, size INTEGER,"
    " content_hash TEXT, ttfb_ms REAL, total_ms REAL, fetched_at TEXT, signals BLOB, UNIQUE(run, url));"
    "CREATE TABLE nodes(run INTEGER NOT NULL, id INTEGER NOT NULL, url TEXT NOT NULL, PRIMARY KEY(run, id));"
    "CREATE TABLE edges(run INTEGER NOT NULL, source INTEGER NOT NULL, target INTEGER NOT NULL, kind TEXT NOT NULL,"
    " meta INTEGER NOT NULL);"
    "CREATE INDEX edges_run ON edges(run, source);"
    "CREATE TABLE sitemaps(run INTEGER NOT NULL, url TEXT NOT NULL, origin TEXT, status INTEGER, read INTEGER,"
    " urls INTEGER, error TEXT);"
    "CREATE TABLE sitemap_entries(run INTEGER NOT NULL, sitemap TEXT NOT NULL, url TEXT NOT NULL, lastmod TEXT);"
    "CREATE INDEX sitemap_entries_run ON sitemap_entries(run, url);"
    "CREATE TABLE robots(run INTEGER NOT NULL, origin TEXT NOT NULL, url TEXT, status INTEGER, outcome TEXT,"
    " reason TEXT, bytes INTEGER);"
    "CREATE TABLE findings(run INTEGER NOT NULL, fingerprint TEXT NOT NULL, rule TEXT NOT NULL,"
    " severity TEXT NOT NULL, url TEXT, source TEXT, line INTEGER, message TEXT NOT NULL, related TEXT);"
    "CREATE INDEX findings_run ON findings(run, fingerprint);"
    "CREATE VIEW links AS SELECT e.run, s.url AS source, t.url AS target, e.kind, e.meta FROM edges e"
    " JOIN nodes s ON s.run = e.run AND s.id = e.source JOIN nodes t ON t.run = e.run AND t.id = e.target;";

enum statement {
    ST_PAGE,
    ST_FACTS,
    ST_NODE,
    ST_EDGE,
    ST_SITEMAP_ENTRY,
    ST_SITEMAP,
    ST_ROBOTS,
    ST_FINDING,
    ST_FIND_PAGE,
    ST_COUNT
};

struct page_writer;

struct store {
    sqlite3 *db;
    char *path;
    int lock_fd;
    sqlite3_stmt *statements[ST_COUNT];
    int64_t run;
    bool in_transaction;
    size_t batch_pages;
    double batch_started_ms;
    int failed; /* the first write error, sticky */
    char error[512];
    struct buf scratch, blob;
    struct page_writer *pages;         /* store_pages_start's writer thread, or NULL: page rows written inline */
    struct checkpointer *checkpointer; /* store_results_commit's, or NULL: joined by store_close */
    bool checkpoints_inline;           /* no checkpointer could start: the owner's commits checkpoint */
    bool reading;                      /* in a read transaction (store_find_page while the writer runs) */
    double read_started_ms;
};

static void join_checkpointer(struct store *s);

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

const char *store_error(const struct store *store)
{
    return store->error;
}

const char *store_path(const struct store *store)
{
    return store->path;
}

int64_t store_run_id(const struct store *store)
{
    return store->run;
}

/* A SQLite failure as a status and a message naming the file; writes fail for good after one. */
static int sql_fail(struct store *s, const char *what)
{
    int code = sqlite3_errcode(s->db);
    int status = code == SQLITE_NOMEM                                ? CP_ERR_NOMEM
                 : (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) ? CP_ERR_INVALID
                                                                     : CP_ERR_IO;
    if (!s->failed) {
        if (code == SQLITE_FULL)
            snprintf(s->error, sizeof s->error,
                     "cannot write %s: the disk is full (%s); what was stored before is kept", s->path, what);
        else if (status == CP_ERR_INVALID)
            snprintf(s->error, sizeof s->error, "%s is damaged or not a crawlpack store (%s: %s)", s->path, what,
                     sqlite3_errmsg(s->db));
        else
            snprintf(s->error, sizeof s->error, "cannot write %s (%s): %s", s->path, what, sqlite3_errmsg(s->db));
        s->failed = status;
    }
    return s->failed;
}

static int exec(struct store *s, const char *sql, const char *what)
{
    if (s->failed)
        return s->failed;
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? CP_OK : sql_fail(s, what);
}

/* ---- opening: the lock, the checks, the schema ---- */

/* One crawlpack process per store: an flock on PATH.lock, released by the kernel when the process
 * ends however it ends (kill -9 included), with the holder's pid in it for the message. */
static int take_lock(struct store *s, char *error, size_t error_size)
{
    struct buf lock_path = BUF_INIT;
    buf_printf(&lock_path, "%s.lock", s->path);
    s->lock_fd = open(buf_str(&lock_path), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s->lock_fd < 0) {
        snprintf(error, error_size, "cannot open %s: %s", buf_str(&lock_path), strerror(errno));
        buf_free(&lock_path);
        return CP_ERR_IO;
    }
    buf_free(&lock_path);
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t n = pread(s->lock_fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        snprintf(error, error_size,
                 "%s is in use by another crawlpack process (pid %s); wait for it to end, or use another --db", s->path,
                 pid[0] ? pid : "unknown");
        return CP_ERR_BUSY;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(s->lock_fd, 0) != 0 || pwrite(s->lock_fd, pid, (size_t)n, 0) != n)
        (void)0; /* the pid is only for the message */
    return CP_OK;
}

static int pragma_int(struct store *s, const char *sql, int *value)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    *value = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? CP_OK : CP_ERR_INVALID;
}

/* A new store's page size (an existing file keeps its own). A re-audit looks the previous run's
 * rows up in about the order they were written, so with 16 KiB pages one page read serves several
 * lookups; and each batch commit of page rows dirties fewer index pages. At 20,000 pages a
 * re-audit made 13,000 preads and 17,000 pwrites instead of 46,000 and 58,000 with SQLite's
 * 4 KiB. The page cache is sized in bytes (SQLite's default 2 MB), so memory stays the same. */
#define STORE_PAGE_SIZE 16384

static int create_schema(struct store *s)
{
    struct buf sql = BUF_INIT;
    buf_printf(&sql, "PRAGMA page_size=%d;BEGIN IMMEDIATE;%sCREATE TABLE page_facts(run INTEGER NOT NULL",
               STORE_PAGE_SIZE, schema_v1);
    for (int i = 0; i < STORE_PAGE_FACT_COLUMNS; i++)
        buf_printf(&sql, ", %s %s", store_page_fact_columns[i], fact_types[i]);
    buf_printf(&sql, ", UNIQUE(run, url));PRAGMA application_id=%d;PRAGMA user_version=1;COMMIT;",
               STORE_APPLICATION_ID);
    int status = exec(s, buf_str(&sql), "creating the schema");
    buf_free(&sql);
    return status;
}

/* Version N-1 to N, each in its own transaction; a fresh store is created at 1 and upgraded. */
static const char *const upgrades[] = {
    /* 1 -> 2: each page's change against the previous run (incremental re-audits) */
    "ALTER TABLE pages ADD COLUMN change TEXT;",
    /* 2 -> 3: a node's out-edges in one row, as JSON [[target, meta], ...] (one row and one index
     * entry per edge cost a tenth of a re-audit); `edges` and `links` become views with the same
     * columns, so queries written for version 2 still read them. edge_kinds is filled below. */
    "CREATE TABLE edge_lists(run INTEGER NOT NULL, source INTEGER NOT NULL, targets TEXT NOT NULL,"
    " PRIMARY KEY(run, source)) WITHOUT ROWID;"
    "CREATE TABLE edge_kinds(kind INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    "INSERT INTO edge_lists SELECT run, source, json_group_array(json_array(target, meta))"
    " FROM (SELECT * FROM edges ORDER BY run, source, rowid) GROUP BY run, source;"
    "DROP VIEW links;DROP TABLE edges;"
    "CREATE VIEW links AS SELECT e.run, s.url AS source, t.url AS target, e.kind, e.meta FROM edges e"
    " JOIN nodes s ON s.run = e.run AND s.id = e.source JOIN nodes t ON t.run = e.run AND t.id = e.target;",
    /* 3 -> 4: an unchanged page's row refers to the earlier run's row that holds its signals instead
     * of a second copy of them (two thirds of a re-audit's bytes; encoding and writing them again
     * were a tenth of its CPU) */
    "ALTER TABLE pages ADD COLUMN signals_run INTEGER;",
    /* 4 -> 5: a run's findings counted by severity from the index alone (history, report.html's
     * trends): through findings_run each count read every finding's row, a quarter of a report */
    "CREATE INDEX findings_severity ON findings(run, severity);",
    /* 5 -> 6: a run's pages counted by status from the index alone (the pages gone since the
     * previous run: store_count_ok); through the unique index each count read every page row. By
     * (run, status), a run's rows arrive at the ends of few ranges: a batch dirties few pages of it. */
    "CREATE INDEX pages_status ON pages(run, status);",
};

/* What upgrade `from` -> from + 1 adds to its SQL that comes from the code's own definitions: the
 * edge kinds' names and the meta bits that hold the kind (linkgraph/graph.h), so they are written
 * once. */
static void upgrade_definitions(int from, struct buf *sql)
{
    if (from != 2)
        return;
    for (int kind = 0; kind < GRAPH_EDGE_KIND_COUNT; kind++)
        buf_printf(sql, "INSERT INTO edge_kinds VALUES(%d, '%s');", kind,
                   graph_edge_kind_name((enum graph_edge_kind)kind));
    buf_printf(sql,
               "CREATE VIEW edges AS SELECT l.run, l.source, json_extract(j.value, '$[0]') AS target, k.name AS kind,"
               " json_extract(j.value, '$[1]') AS meta FROM edge_lists l JOIN json_each(l.targets) j"
               " JOIN edge_kinds k ON k.kind = (json_extract(j.value, '$[1]') & %u);",
               GRAPH_EDGE_KIND_MASK);
}

static int upgrade(struct store *s, int from)
{
    for (int version = from; version < STORE_SCHEMA_VERSION; version++) {
        char tail[64];
        snprintf(tail, sizeof tail, "PRAGMA user_version=%d;COMMIT;", version + 1);
        struct buf sql = BUF_INIT;
        buf_printf(&sql, "BEGIN IMMEDIATE;%s", upgrades[version - 1]);
        upgrade_definitions(version, &sql);
        buf_append_str(&sql, tail);
        int status = exec(s, buf_str(&sql), "upgrading the schema");
        buf_free(&sql);
        if (status != CP_OK) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return status;
        }
    }
    return CP_OK;
}

/* An existing file must be a crawlpack store this build can read; it is not touched otherwise. */
static int check_file(struct store *s, char *error, size_t error_size)
{
    int version = 0, application = 0, tables = 0;
    if (pragma_int(s, "PRAGMA user_version", &version) != CP_OK ||
        pragma_int(s, "PRAGMA application_id", &application) != CP_OK ||
        pragma_int(s, "SELECT count(*) FROM sqlite_schema", &tables) != CP_OK) {
        snprintf(error, error_size, "%s is damaged or not a crawlpack store: %s", s->path, sqlite3_errmsg(s->db));
        return CP_ERR_INVALID;
    }
    if (tables == 0 && version == 0) {
        if (create_schema(s) != CP_OK || upgrade(s, 1) != CP_OK) {
            snprintf(error, error_size, "%s", s->error);
            return s->failed;
        }
        return CP_OK;
    }
    if (application != STORE_APPLICATION_ID) {
        snprintf(error, error_size, "%s is an SQLite database, but not a crawlpack store; use another --db", s->path);
        return CP_ERR_INVALID;
    }
    if (version > STORE_SCHEMA_VERSION) {
        snprintf(error, error_size,
                 "%s was written by a newer crawlpack (store schema %d; this one reads up to %d); it is left as it "
                 "is: use that crawlpack or another --db",
                 s->path, version, STORE_SCHEMA_VERSION);
        return CP_ERR_INVALID;
    }
    /* No quick_check here: it reads the whole file, which grows with every run kept (a second of
     * a re-audit's CPU for a 20,000-page site). A damaged page deeper in the file is found when it
     * is read or written (SQLITE_CORRUPT: sql_fail says "damaged" and refuses every later write). */
    if (version < STORE_SCHEMA_VERSION && upgrade(s, version) != CP_OK) {
        snprintf(error, error_size, "%s", s->error);
        return s->failed;
    }
    return CP_OK;
}

static const char *const statement_sql[ST_COUNT] = {
    [ST_PAGE] = "INSERT OR REPLACE INTO pages(run, url, status, content_type, content_encoding, location,"
                " x_robots_tag, link_header, etag, last_modified, error, http_version, hsts, truncated, size,"
                " content_hash, ttfb_ms, total_ms, fetched_at, signals, change, signals_run)"
                " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,strftime('%Y-%m-%dT%H:%M:%SZ','now'),?,?,?)",
    [ST_NODE] = "INSERT OR REPLACE INTO nodes(run, id, url) VALUES(?,?,?)",
    [ST_EDGE] = "INSERT INTO edge_lists(run, source, targets) VALUES(?,?,?)",
    [ST_SITEMAP_ENTRY] = "INSERT INTO sitemap_entries(run, sitemap, url, lastmod) VALUES(?,?,?,?)",
    [ST_SITEMAP] = "INSERT INTO sitemaps(run, url, origin, status, read, urls, error) VALUES(?,?,?,?,?,?,?)",
    [ST_ROBOTS] = "INSERT INTO robots(run, origin, url, status, outcome, reason, bytes) VALUES(?,?,?,?,?,?,?)",
    [ST_FINDING] = "INSERT INTO findings(run, fingerprint, rule, severity, url, source, line, message, related)"
                   " VALUES(?,?,?,?,?,?,?,?,?)",
    /* An unchanged page's row refers to the row that holds its signals (pages.signals_run). */
    [ST_FIND_PAGE] = "SELECT p.status, p.content_type, p.content_encoding, p.location, p.x_robots_tag, p.link_header,"
                     " p.etag, p.last_modified, p.error, p.http_version, p.hsts, p.truncated, p.size, p.content_hash,"
                     " p.ttfb_ms, p.total_ms, coalesce(p.signals, h.signals), coalesce(p.signals_run, p.run), p.change"
                     " FROM pages p LEFT JOIN pages h ON h.run = p.signals_run AND h.url = p.url"
                     " WHERE p.run = ? AND p.url = ?",
};

static int prepare_all(struct store *s)
{
    struct buf facts = BUF_INIT;
    buf_append_str(&facts, "INSERT OR REPLACE INTO page_facts(run");
    for (int i = 0; i < STORE_PAGE_FACT_COLUMNS; i++)
        buf_printf(&facts, ", %s", store_page_fact_columns[i]);
    buf_append_str(&facts, ") VALUES(?");
    for (int i = 0; i < STORE_PAGE_FACT_COLUMNS; i++)
        buf_append_str(&facts, ",?");
    buf_append_char(&facts, ')');
    int status = CP_OK;
    for (int i = 0; i < ST_COUNT && status == CP_OK; i++) {
        const char *sql = i == ST_FACTS ? buf_str(&facts) : statement_sql[i];
        if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->statements[i], NULL) != SQLITE_OK)
            status = sql_fail(s, "preparing statements");
    }
    buf_free(&facts);
    return status;
}

/* The settings every connection to the file takes: a reader (the sqlite3 shell) holding a lock is
 * waited for, bounded; NORMAL sync keeps every committed batch through a crash of the process (a
 * power cut may lose the last batch, never the file). journal_mode=WAL, which store_open sets, is
 * the file's. */
#define CONNECTION_PRAGMAS "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;"

/* SQLITE_OPEN_NOMUTEX: each connection is used by one thread at a time (the owner's by the owner,
 * the page writer's by the writer), so SQLite's own lock around every call buys nothing; it was a
 * seventh of a store lookup. */
static bool connect_db(struct store *s, int flags)
{
    if (sqlite3_open_v2(s->path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return false;
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 0);
    return true;
}

int store_open(const char *path, struct store **out, char *error, size_t error_size)
{
    *out = NULL;
    struct store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        snprintf(error, error_size, "%s: %s", path, cp_strerror(CP_ERR_NOMEM));
        return CP_ERR_NOMEM;
    }
    s->lock_fd = -1;
    int status = take_lock(s, error, error_size);
    if (status == CP_OK && !connect_db(s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) {
        snprintf(error, error_size, "cannot open %s: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        status = CP_ERR_IO;
    }
    if (status == CP_OK)
        status = check_file(s, error, error_size);
    /* WAL: readers (a report, the sqlite3 shell) never block the crawl. */
    if (status == CP_OK && (exec(s, "PRAGMA journal_mode=WAL; " CONNECTION_PRAGMAS, "setting WAL mode") != CP_OK ||
                            prepare_all(s) != CP_OK)) {
        snprintf(error, error_size, "%s", s->error);
        status = s->failed;
    }
    if (status != CP_OK) {
        store_close(s);
        return status;
    }
    *out = s;
    return CP_OK;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    store_pages_stop(s);
    if (s->in_transaction && s->db)
        sqlite3_exec(s->db, s->failed ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
    join_checkpointer(s); /* the owner's close is then the file's last: it checkpoints the rest */
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->statements[i]);
    if (s->db)
        sqlite3_close_v2(s->db);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* releases the flock */
    buf_free(&s->scratch);
    buf_free(&s->blob);
    free(s->path);
    free(s);
}

/* ---- transactions ---- */

static int begin(struct store *s)
{
    if (s->in_transaction)
        return s->failed ? s->failed : CP_OK;
    int status = exec(s, "BEGIN IMMEDIATE", "starting a transaction");
    if (status == CP_OK) {
        s->in_transaction = true;
        s->batch_pages = 0;
        s->batch_started_ms = now_ms();
    }
    return status;
}

static int commit(struct store *s)
{
    if (!s->in_transaction)
        return s->failed ? s->failed : CP_OK;
    if (s->failed) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->in_transaction = false;
        return s->failed;
    }
    int status = exec(s, "COMMIT", "committing");
    if (status != CP_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_transaction = false;
    return status;
}

/* ---- the end-of-run checkpoint ----
 *
 * A run's end-of-run rows are tens of megabytes (23 MB on the 20,000-page bench site: edge lists,
 * page facts, findings). Committed with the connection's automatic checkpoint, a commit went past
 * its size, so the commit itself copied them into the database file and waited for two fsyncs:
 * 0.2 to 0.3 s of the audit's end spent waiting on the disk. Now the owner's connection leaves the
 * WAL to a thread of the store's own, on a connection of its own: each store_results_commit wakes
 * it to checkpoint while the audit goes on (the crawl's rows while the findings are collected, the
 * findings while their files are written). store_close lets it finish and joins it before the
 * owner's connection closes; that close, the file's last, checkpoints what is left (the run's
 * state). What is committed is in the WAL either way: a checkpoint moves it into the file, and one
 * that fails leaves it for the next. */

struct checkpointer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t woken;
    bool due, closing; /* under lock */
    char *path;
};

static void *checkpointer_main(void *arg)
{
    struct checkpointer *c = arg;
    sqlite3 *db = NULL;
    bool open = sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK;
    if (open)
        sqlite3_exec(db, CONNECTION_PRAGMAS, NULL, NULL, NULL);
    pthread_mutex_lock(&c->lock);
    for (;;) {
        /* No timeout: every wake-up is a commit's or store_close's, and store_close always comes. */
        while (!c->due && !c->closing)
            pthread_cond_wait(&c->woken, &c->lock);
        if (!c->due)
            break;
        c->due = false;
        pthread_mutex_unlock(&c->lock);
        if (open)
            sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    sqlite3_close_v2(db);
    return NULL;
}

static void wake_checkpointer(struct checkpointer *c, bool closing)
{
    pthread_mutex_lock(&c->lock);
    c->due |= !closing;
    c->closing |= closing;
    pthread_cond_signal(&c->woken);
    pthread_mutex_unlock(&c->lock);
}

static void free_checkpointer(struct checkpointer *c)
{
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->woken);
    free(c->path);
    free(c);
}

/* The checkpointer, started at the first commit of the end-of-run rows; NULL without one (no
 * memory, no thread): the owner's connection checkpoints then, as it always did. */
static struct checkpointer *checkpointer_of(struct store *s)
{
    if (s->checkpointer || s->checkpoints_inline)
        return s->checkpointer;
    s->checkpoints_inline = true;
    struct checkpointer *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(s->path))) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->woken, NULL);
    if (sqlite3_exec(s->db, "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL) != SQLITE_OK ||
        pthread_create(&c->thread, NULL, checkpointer_main, c) != 0) {
        sqlite3_exec(s->db, "PRAGMA wal_autocheckpoint=1000", NULL, NULL, NULL); /* SQLite's default */
        free_checkpointer(c);
        return NULL;
    }
    s->checkpoints_inline = false;
    return s->checkpointer = c;
}

static void join_checkpointer(struct store *s)
{
    struct checkpointer *c = s->checkpointer;
    if (!c)
        return;
    wake_checkpointer(c, true);
    pthread_join(c->thread, NULL);
    free_checkpointer(c);
    s->checkpointer = NULL;
}

int store_results_commit(struct store *s)
{
    struct checkpointer *c = checkpointer_of(s);
    int status = commit(s);
    if (c)
        wake_checkpointer(c, false);
    return status;
}

int store_tick(struct store *s)
{
    if (s->in_transaction && (s->batch_pages >= STORE_BATCH_PAGES || now_ms() - s->batch_started_ms >= STORE_BATCH_MS))
        return commit(s);
    return s->failed ? s->failed : CP_OK;
}

/* One row: bind, step, reset. */
static int run_statement(struct store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? CP_OK : sql_fail(s, what);
}

/* SQLITE_STATIC: every statement is stepped and reset before the call that bound it returns, so
 * the caller's strings outlive it and SQLite need not copy them (a copy per cell is most of the
 * store's allocations on a large crawl). */
static void bind_text(sqlite3_stmt *st, int index, const char *text)
{
    struct buf scrubbed = BUF_INIT; /* no password a URL carried is stored (page_record_scrub) */
    const char *clean = page_record_scrub(text, &scrubbed);
    if (clean != text) {
        sqlite3_bind_text(st, index, clean, -1, SQLITE_TRANSIENT);
        buf_free(&scrubbed);
    } else if (text)
        sqlite3_bind_text(st, index, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, index);
}

/* ---- runs ---- */

int store_run_begin(struct store *s, const struct store_run *run)
{
    if (s->failed)
        return s->failed;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO runs(run_id, command, site, argv, out_dir, started_at, state, pid)"
                           " VALUES(?,?,?,?,?,?,'running',?)",
                           -1, &st, NULL) != SQLITE_OK)
        return sql_fail(s, "starting a run");
    bind_text(st, 1, run->run_id);
    bind_text(st, 2, run->command);
    bind_text(st, 3, run->site);
    bind_text(st, 4, run->argv_json ? run->argv_json : "[]");
    bind_text(st, 5, run->out_dir);
    bind_text(st, 6, run->started_at);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)getpid());
    int status = run_statement(s, st, "starting a run");
    sqlite3_finalize(st);
    if (status == CP_OK)
        s->run = sqlite3_last_insert_rowid(s->db);
    return status;
}

int store_run_resume(struct store *s, int64_t id, const struct store_run *run)
{
    if (s->failed)
        return s->failed;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE runs SET state = 'running', pid = ?, run_id = ?, ended_at = NULL"
                           " WHERE id = ? AND state <> 'complete'",
                           -1, &st, NULL) != SQLITE_OK)
        return sql_fail(s, "resuming a run");
    sqlite3_bind_int64(st, 1, (sqlite3_int64)getpid());
    bind_text(st, 2, run->run_id);
    sqlite3_bind_int64(st, 3, id);
    int status = run_statement(s, st, "resuming a run");
    sqlite3_finalize(st);
    if (status == CP_OK && sqlite3_changes(s->db) != 1) {
        snprintf(s->error, sizeof s->error, "%s has no unfinished run %lld", s->path, (long long)id);
        return CP_ERR_INVALID;
    }
    if (status == CP_OK)
        s->run = id;
    return status;
}

int store_last_unfinished(struct store *s, struct store_unfinished *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, command, argv, started_at, state FROM runs ORDER BY id DESC LIMIT 1", -1,
                           &st, NULL) != SQLITE_OK)
        return sql_fail(s, "reading the runs");
    int status = CP_ERR_INVALID;
    if (sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 4), "complete") != 0) {
        out->id = sqlite3_column_int64(st, 0);
        buf_reset(&s->scratch);
        const char *columns[3];
        size_t at[3];
        for (int i = 0; i < 3; i++) {
            columns[i] = (const char *)sqlite3_column_text(st, i + 1);
            at[i] = s->scratch.len;
            buf_append(&s->scratch, columns[i] ? columns[i] : "", strlen(columns[i] ? columns[i] : "") + 1);
        }
        out->command = s->scratch.data + at[0];
        out->argv_json = s->scratch.data + at[1];
        out->started_at = s->scratch.data + at[2];
        status = CP_OK;
    } else {
        snprintf(s->error, sizeof s->error, "%s has no unfinished run to resume (its last run completed)", s->path);
    }
    sqlite3_finalize(st);
    return status;
}

/* A column's text copied into the scratch buffer (NULL stays NULL); offsets, since it may move. */
static size_t keep_text(struct store *s, sqlite3_stmt *st, int column)
{
    const char *text = (const char *)sqlite3_column_text(st, column);
    if (!text)
        return SIZE_MAX;
    size_t at = s->scratch.len;
    buf_append(&s->scratch, text, strlen(text) + 1);
    return at;
}

/* While the page writer commits on its own connection, every commit it makes empties this
 * connection's page cache at the next read (SQLite resets a reader's cache when the file changed),
 * and the lookups read the same index pages from the file again, 30 times a second. They read
 * earlier runs, which no commit changes: one snapshot serves them, renewed every
 * STORE_READ_RENEW_MS so the write-ahead log it pins can be checkpointed. */
#define STORE_READ_RENEW_MS 1000.0

static void read_snapshot(struct store *s)
{
    if (!s->pages || (s->reading && now_ms() - s->read_started_ms < STORE_READ_RENEW_MS))
        return;
    if (s->reading)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    s->reading = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    s->read_started_ms = now_ms();
}

static void end_read_snapshot(struct store *s)
{
    if (s->reading)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    s->reading = false;
}

int store_find_page(struct store *s, int64_t run, const char *url, bool with_signals, struct store_page *out)
{
    memset(out, 0, sizeof *out);
    read_snapshot(s);
    sqlite3_stmt *st = s->statements[ST_FIND_PAGE];
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? CP_ERR_INVALID : sql_fail(s, "reading a stored page");
    }
    struct store_response *r = &out->response;
    buf_reset(&s->scratch);
    size_t at[10];
    for (int i = 0; i < 8; i++) /* content_type .. error */
        at[i] = keep_text(s, st, i + 1);
    at[8] = keep_text(s, st, 13); /* content_hash */
    at[9] = keep_text(s, st, 18); /* change: a resumed page keeps the one its first part recorded */
    const char **fields[9] = {&r->content_type,
                              &r->content_encoding,
                              &r->location,
                              &r->x_robots_tag,
                              &r->link_header,
                              &r->etag,
                              &r->last_modified,
                              &r->error,
                              NULL};
    for (int i = 0; i < 8; i++)
        *fields[i] = at[i] == SIZE_MAX ? NULL : s->scratch.data + at[i];
    const char *hash = at[8] == SIZE_MAX ? NULL : s->scratch.data + at[8];
    r->change = at[9] == SIZE_MAX ? NULL : s->scratch.data + at[9];
    r->url = url;
    r->status = sqlite3_column_int(st, 0);
    r->http_version = sqlite3_column_int(st, 9);
    r->hsts = sqlite3_column_int(st, 10) != 0;
    r->truncated = sqlite3_column_int(st, 11) != 0;
    r->size = (uint64_t)sqlite3_column_int64(st, 12);
    r->content_hash = hash ? strtoull(hash, NULL, 16) : 0;
    r->ttfb_ms = sqlite3_column_double(st, 14);
    r->total_ms = sqlite3_column_double(st, 15);
    /* the blob is copied too: the statement is reset before returning */
    const void *blob = with_signals ? sqlite3_column_blob(st, 16) : NULL;
    size_t length = (size_t)sqlite3_column_bytes(st, 16);
    buf_reset(&s->blob);
    if (with_signals && blob && buf_append(&s->blob, blob, length) == CP_OK) {
        out->signals = s->blob.data;
        out->signals_length = length;
    }
    out->signals_run = sqlite3_column_int64(st, 17);
    sqlite3_reset(st);
    return CP_OK;
}

int store_run_end(struct store *s, const struct store_run_end *end)
{
    if (begin(s) != CP_OK)
        return s->failed;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE runs SET state = ?1, ended_at = ?2, pages = ?3, indexable = (SELECT count(*) FROM"
                           " page_facts WHERE run = ?4 AND indexable = 1) WHERE id = ?4",
                           -1, &st, NULL) != SQLITE_OK)
        return sql_fail(s, "ending the run");
    bind_text(st, 1, end->state);
    bind_text(st, 2, end->ended_at);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)end->pages);
    sqlite3_bind_int64(st, 4, s->run);
    int status = run_statement(s, st, "ending the run");
    sqlite3_finalize(st);
    int committed = commit(s);
    return status != CP_OK ? status : committed;
}

/* ---- rows ---- */

int store_results_begin(struct store *s)
{
    if (commit(s) != CP_OK || begin(s) != CP_OK)
        return s->failed;
    static const char *const tables[] = {"page_facts",      "nodes",  "edge_lists", "sitemaps",
                                         "sitemap_entries", "robots", "findings"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE run = %lld", tables[i], (long long)s->run);
        if (exec(s, sql, "clearing the run's results") != CP_OK)
            return s->failed;
    }
    s->batch_pages = 0;
    s->batch_started_ms = 1e300; /* no timed commit in the middle of the results */
    return CP_OK;
}

static sqlite3_stmt *statement(struct store *s, enum statement which)
{
    if (s->failed || begin(s) != CP_OK)
        return NULL;
    sqlite3_stmt *st = s->statements[which];
    sqlite3_bind_int64(st, 1, s->run);
    return st;
}

/* One pages row; record: the encoded page record (NULL: none). */
static int put_page_row(struct store *s, const struct store_response *r, const void *record, size_t record_length)
{
    sqlite3_stmt *st = statement(s, ST_PAGE);
    if (!st)
        return s->failed;
    char hash[17];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)r->content_hash);
    bind_text(st, 2, r->url);
    if (r->status > 0)
        sqlite3_bind_int64(st, 3, r->status);
    bind_text(st, 4, r->content_type);
    bind_text(st, 5, r->content_encoding);
    bind_text(st, 6, r->location);
    bind_text(st, 7, r->x_robots_tag);
    bind_text(st, 8, r->link_header);
    bind_text(st, 9, r->etag);
    bind_text(st, 10, r->last_modified);
    bind_text(st, 11, r->error);
    sqlite3_bind_int(st, 12, r->http_version);
    sqlite3_bind_int(st, 13, r->hsts);
    sqlite3_bind_int(st, 14, r->truncated);
    sqlite3_bind_int64(st, 15, (sqlite3_int64)r->size);
    bind_text(st, 16, r->content_hash ? hash : NULL);
    sqlite3_bind_double(st, 17, r->ttfb_ms);
    sqlite3_bind_double(st, 18, r->total_ms);
    if (record)
        sqlite3_bind_blob(st, 19, record, (int)record_length, SQLITE_STATIC);
    bind_text(st, 20, r->change);
    if (!record && r->signals_run)
        sqlite3_bind_int64(st, 21, r->signals_run);
    int status = run_statement(s, st, "storing a page");
    s->batch_pages++;
    return status == CP_OK ? store_tick(s) : status;
}

static int page_writer_hand(struct page_writer *w, const struct store_response *r, const void *record,
                            size_t record_length);

int store_put_page(struct store *s, const struct store_response *r, const struct page_signals *signals)
{
    if (s->failed)
        return s->failed;
    buf_reset(&s->scratch);
    if (signals && page_record_encode(signals, &s->scratch) != CP_OK)
        return CP_ERR_NOMEM;
    const void *record = signals ? s->scratch.data : NULL;
    size_t length = signals ? s->scratch.len : 0;
    return s->pages ? page_writer_hand(s->pages, r, record, length) : put_page_row(s, r, record, length);
}

/* ---- the page writer thread ----
 *
 * While a crawl runs, its page rows are written by a thread of their own on a second connection to
 * the file (WAL: the fetch loop's lookups read the committed runs meanwhile): store_put_page copies
 * the row into a queue and returns. The writer commits its batches as the fetch loop did
 * (STORE_BATCH_PAGES rows or STORE_BATCH_MS, whichever comes first, even when no row comes after),
 * and its WAL checkpoints run there too. The queue holds at most STORE_BATCH_PAGES rows, so a kill
 * -9 costs the open batch and at most as many rows queued for the next. A failure is the writer's
 * until store_pages_stop hands it to the store (sticky, reported once at the end, as before). */

/* The queue (common/batch_queue) wakes the writer when PAGE_WAKE_BATCH rows wait; it looks every
 * PAGE_WAIT_MS on its own, so a row that waits alone is written that soon and an open batch is
 * committed on time even when no row comes after it. */
#define PAGE_WAKE_BATCH 32
#define PAGE_WAIT_MS 100.0

struct page_item {
    struct batch_queue_node node; /* first: the queue's link */
    struct store_response row;    /* its strings point into bytes, after the record */
    size_t record_length;
    bool has_record;
    char bytes[];
};

struct page_writer {
    struct store *out; /* the writer's connection: a store without the lock (the owner holds it) */
    struct batch_queue queue;
    pthread_t thread;
};

#define ROW_STRINGS 10

static void row_strings(struct store_response *r, const char **slots[ROW_STRINGS])
{
    const char **all[ROW_STRINGS] = {
        &r->url,         &r->content_type, &r->content_encoding, &r->location, &r->x_robots_tag,
        &r->link_header, &r->etag,         &r->last_modified,    &r->error,    &r->change};
    memcpy(slots, all, sizeof all);
}

/* The row and its record in one block the queue owns. */
static struct page_item *page_item_new(const struct store_response *r, const void *record, size_t record_length)
{
    struct store_response row = *r;
    const char **slots[ROW_STRINGS];
    row_strings(&row, slots);
    size_t size = sizeof(struct page_item) + record_length;
    for (int i = 0; i < ROW_STRINGS; i++)
        size += *slots[i] ? strlen(*slots[i]) + 1 : 0;
    struct page_item *item = malloc(size);
    if (!item)
        return NULL;
    item->has_record = record != NULL;
    item->record_length = record_length;
    if (record_length)
        memcpy(item->bytes, record, record_length);
    char *at = item->bytes + record_length;
    for (int i = 0; i < ROW_STRINGS; i++)
        if (*slots[i]) {
            size_t n = strlen(*slots[i]) + 1;
            *slots[i] = memcpy(at, *slots[i], n);
            at += n;
        }
    item->row = row;
    return item;
}

static void *page_writer_main(void *arg)
{
    struct page_writer *w = arg;
    struct store *out = w->out;
    for (;;) {
        double wait = PAGE_WAIT_MS, batch_left = out->batch_started_ms + STORE_BATCH_MS - now_ms();
        if (out->in_transaction && batch_left < wait)
            wait = batch_left;
        struct batch_queue_node *items;
        if (!batch_queue_take(&w->queue, wait > 0 ? (long)wait : 0, &items))
            break;
        size_t written = 0;
        while (items) {
            struct page_item *item = (struct page_item *)items;
            items = items->next;
            put_page_row(out, &item->row, item->has_record ? item->bytes : NULL, item->record_length);
            free(item);
            written++;
        }
        batch_queue_done(&w->queue, written);
        store_tick(out); /* the batch's time is up, rows or not */
    }
    commit(out);
    return NULL;
}

static int page_writer_hand(struct page_writer *w, const struct store_response *r, const void *record,
                            size_t record_length)
{
    struct page_item *item = page_item_new(r, record, record_length);
    if (!item)
        return CP_ERR_NOMEM;
    batch_queue_push(&w->queue, &item->node);
    return CP_OK;
}

/* The writer's connection: the same file, the page statement only. NULL when it cannot be opened. */
static struct store *open_page_connection(const struct store *s)
{
    struct store *out = calloc(1, sizeof *out);
    if (!out)
        return NULL;
    out->lock_fd = -1;
    out->run = s->run;
    out->path = strdup(s->path);
    if (!out->path || !connect_db(out, SQLITE_OPEN_READWRITE)) {
        store_close(out);
        return NULL;
    }
    if (exec(out, CONNECTION_PRAGMAS, "setting up the page writer") != CP_OK ||
        sqlite3_prepare_v3(out->db, statement_sql[ST_PAGE], -1, SQLITE_PREPARE_PERSISTENT, &out->statements[ST_PAGE],
                           NULL) != SQLITE_OK) {
        store_close(out);
        return NULL;
    }
    return out;
}

int store_pages_start(struct store *s)
{
    if (s->pages || s->failed)
        return s->failed;
    int status = commit(s); /* the writer's transactions must not wait for one of the owner's */
    if (status != CP_OK)
        return status;
    struct page_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->out = open_page_connection(s))) {
        free(w);
        return CP_OK; /* written inline */
    }
    batch_queue_init(&w->queue, PAGE_WAKE_BATCH, STORE_BATCH_PAGES);
    if (pthread_create(&w->thread, NULL, page_writer_main, w) != 0) {
        batch_queue_destroy(&w->queue);
        store_close(w->out);
        free(w);
        return CP_OK;
    }
    s->pages = w;
    return CP_OK;
}

int store_pages_stop(struct store *s)
{
    struct page_writer *w = s->pages;
    if (!w)
        return s->failed;
    batch_queue_close(&w->queue);
    pthread_join(w->thread, NULL);
    end_read_snapshot(s); /* the owner writes again: the end-of-run rows, in transactions of its own */
    if (w->out->failed && !s->failed) {
        s->failed = w->out->failed;
        memcpy(s->error, w->out->error, sizeof s->error);
    }
    store_close(w->out);
    batch_queue_destroy(&w->queue);
    free(w);
    s->pages = NULL;
    return s->failed;
}

int store_put_page_facts(struct store *s, const char *const *fields)
{
    sqlite3_stmt *st = statement(s, ST_FACTS);
    if (!st)
        return s->failed;
    for (int i = 0; i < STORE_PAGE_FACT_COLUMNS; i++)
        bind_text(st, i + 2, fields[i] && fields[i][0] ? fields[i] : NULL);
    return run_statement(s, st, "storing page facts");
}

int store_put_node(struct store *s, uint32_t id, const char *url)
{
    sqlite3_stmt *st = statement(s, ST_NODE);
    if (!st)
        return s->failed;
    sqlite3_bind_int64(st, 2, id);
    bind_text(st, 3, url);
    return run_statement(s, st, "storing the graph");
}

int store_put_edges(struct store *s, uint32_t source, struct graph_edges edges)
{
    if (edges.count == 0)
        return CP_OK;
    sqlite3_stmt *st = statement(s, ST_EDGE);
    if (!st)
        return s->failed;
    struct buf *targets = &s->scratch;
    buf_reset(targets);
    int status = buf_append_char(targets, '[');
    for (uint32_t i = 0; i < edges.count && status == CP_OK; i++) {
        status = buf_append_str(targets, i ? ",[" : "[");
        if (status == CP_OK)
            status = buf_append_uint(targets, edges.nodes[i]);
        if (status == CP_OK)
            status = buf_append_char(targets, ',');
        if (status == CP_OK)
            status = buf_append_uint(targets, edges.meta[i]);
        if (status == CP_OK)
            status = buf_append_char(targets, ']');
    }
    if (status == CP_OK)
        status = buf_append_char(targets, ']');
    if (status != CP_OK) {
        sqlite3_reset(st);
        return status;
    }
    sqlite3_bind_int64(st, 2, source);
    sqlite3_bind_text(st, 3, targets->data, (int)targets->len, SQLITE_STATIC);
    return run_statement(s, st, "storing the graph");
}

int store_put_sitemap_entry(struct store *s, const char *sitemap, const char *url, const char *lastmod)
{
    sqlite3_stmt *st = statement(s, ST_SITEMAP_ENTRY);
    if (!st)
        return s->failed;
    bind_text(st, 2, sitemap);
    bind_text(st, 3, url);
    bind_text(st, 4, lastmod && lastmod[0] ? lastmod : NULL);
    return run_statement(s, st, "storing sitemap entries");
}

int store_put_sitemap(struct store *s, const char *url, const char *origin, long status, bool read, size_t urls,
                      const char *error)
{
    sqlite3_stmt *st = statement(s, ST_SITEMAP);
    if (!st)
        return s->failed;
    bind_text(st, 2, url);
    bind_text(st, 3, origin);
    if (status)
        sqlite3_bind_int64(st, 4, status);
    sqlite3_bind_int(st, 5, read);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)urls);
    bind_text(st, 7, error);
    return run_statement(s, st, "storing sitemaps");
}

int store_put_robots(struct store *s, const char *origin, const char *url, long status, const char *outcome,
                     const char *reason, size_t bytes)
{
    sqlite3_stmt *st = statement(s, ST_ROBOTS);
    if (!st)
        return s->failed;
    bind_text(st, 2, origin);
    bind_text(st, 3, url);
    if (status)
        sqlite3_bind_int64(st, 4, status);
    bind_text(st, 5, outcome);
    bind_text(st, 6, reason);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)bytes);
    return run_statement(s, st, "storing robots.txt outcomes");
}

int store_put_finding(struct store *s, const struct store_finding *f)
{
    sqlite3_stmt *st = statement(s, ST_FINDING);
    if (!st)
        return s->failed;
    bind_text(st, 2, f->fingerprint);
    bind_text(st, 3, f->rule);
    bind_text(st, 4, f->severity);
    bind_text(st, 5, f->url);
    bind_text(st, 6, f->source);
    if (f->line)
        sqlite3_bind_int64(st, 7, f->line);
    bind_text(st, 8, f->message);
    bind_text(st, 9, f->related_json);
    return run_statement(s, st, "storing findings");
}

/* related as a JSON array of strings (URLs: only quotes, backslashes and controls need escaping). */
static void related_json(const struct finding *f, struct buf *out)
{
    buf_reset(out);
    buf_append_char(out, '[');
    for (size_t i = 0; i < f->related_count; i++) {
        buf_append_str(out, i ? ",\"" : "\"");
        for (const unsigned char *p = (const unsigned char *)f->related[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                buf_printf(out, "\\%c", *p);
            else if (*p < 0x20)
                buf_printf(out, "\\u%04x", *p);
            else
                buf_append_char(out, (char)*p);
        }
        buf_append_char(out, '"');
    }
    buf_append_char(out, ']');
}

int store_put_findings(struct store *s, const struct finding_list *list)
{
    struct buf related = BUF_INIT;
    int status = s->failed;
    for (size_t i = 0; i < list->count && status == CP_OK; i++) {
        const struct finding *f = &list->items[i];
        const struct rule *rule = rule_get(f->rule);
        char fingerprint[17];
        finding_fingerprint_hex(f, fingerprint);
        related_json(f, &related);
        struct store_finding row = {fingerprint,
                                    rule->id,
                                    severity_name(rule->severity),
                                    f->url,
                                    f->source,
                                    f->message,
                                    f->line,
                                    f->related_count ? buf_str(&related) : NULL};
        status = store_put_finding(s, &row);
    }
    buf_free(&related);
    return status;
}

int64_t store_previous_run(struct store *s, const char *site)
{
    sqlite3_stmt *st = NULL;
    int64_t id = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM runs WHERE state = 'complete' AND site = ? AND id < ?", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    bind_text(st, 1, site);
    sqlite3_bind_int64(st, 2, s->run ? s->run : INT64_MAX);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

uint64_t store_count_ok(struct store *s, int64_t run)
{
    sqlite3_stmt *st = NULL;
    uint64_t count = 0;
    if (sqlite3_prepare_v2(
            s->db, "SELECT count(*) FROM pages INDEXED BY pages_status WHERE run = ? AND status BETWEEN 200 AND 299",
            -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, run);
    if (sqlite3_step(st) == SQLITE_ROW)
        count = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return count;
}

/* A read that fails (a damaged page of the file) does not stop the run's writes: the caller goes
 * on without what it would have read. */
int store_each_sitemap_entry(struct store *s, int64_t run, store_entry_fn each, void *context)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT url, lastmod FROM sitemap_entries WHERE run = ?", -1, &st, NULL) != SQLITE_OK)
        return CP_ERR_IO;
    sqlite3_bind_int64(st, 1, run);
    int status = CP_OK, step;
    while (status == CP_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        status = each((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1), context);
    if (status == CP_OK && step != SQLITE_DONE)
        status = CP_ERR_IO;
    sqlite3_finalize(st);
    return status;
}
