/* SPDX-License-Identifier: Apache-2.0 */
/* fleet/archive: an audit folder <-> one zlib blob (archive.h). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "common/error.h"
#include "common/out_file.h"
#include "fleet/archive.h"

#define MAGIC "crawlpack-result 1\n"
#define NAME_MAX_LENGTH 512
#define FILES_MAX 4096

static int fail(char *error, size_t error_size, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *error, size_t error_size, int status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(error, error_size, fmt, args);
    va_end(args);
    return status;
}

/* A name we write and accept: parts of [A-Za-z0-9._-], not "." or "..", joined by '/'. */
static bool name_safe(const char *name, size_t length)
{
    if (length == 0 || length > NAME_MAX_LENGTH || name[0] == '/' || name[length - 1] == '/')
        return false;
    int depth = 0;
    for (size_t start = 0; start < length;) {
        size_t end = start;
        while (end < length && name[end] != '/')
            end++;
        size_t part = end - start;
        if (part == 0 || (part == 1 && name[start] == '.') ||
            (part == 2 && name[start] == '.' && name[start + 1] == '.'))
            return false;
        for (size_t i = start; i < end; i++) {
            char c = name[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-'))
                return false;
        }
        if (++depth > FLEET_ARCHIVE_DEPTH)
            return false;
        start = end + 1;
    }
    return true;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct names {
    char *items[FILES_MAX];
    size_t count;
};

/* Collect the regular files under dir/prefix, bounded in depth and count. */
static int list_files(const char *dir, const char *prefix, int depth, struct names *names, char *error,
                      size_t error_size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", dir, *prefix ? "/" : "", prefix);
    DIR *d = opendir(path);
    if (!d)
        return fail(error, error_size, CP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    int rc = CP_OK;
    struct dirent *e;
    while (rc == CP_OK && (e = readdir(d)) != NULL) {
        size_t length = strlen(e->d_name);
        if (e->d_name[0] == '.' || (length > 4 && strcmp(e->d_name + length - 4, ".tmp") == 0))
            continue;
        char name[NAME_MAX_LENGTH + 2], full[4096 + NAME_MAX_LENGTH];
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "/" : "", e->d_name);
        snprintf(full, sizeof full, "%s/%s", dir, name);
        struct stat st;
        if (!name_safe(name, strlen(name)) || stat(full, &st) != 0)
            continue; /* nothing audit_run writes; not ours to ship */
        if (S_ISDIR(st.st_mode) && depth + 1 < FLEET_ARCHIVE_DEPTH)
            rc = list_files(dir, name, depth + 1, names, error, error_size);
        else if (S_ISREG(st.st_mode)) {
            if (names->count == FILES_MAX)
                rc = fail(error, error_size, CP_ERR_LIMIT, "more than %d files in %s", FILES_MAX, dir);
            else if (!(names->items[names->count++] = strdup(name)))
                rc = CP_ERR_NOMEM;
        }
    }
    closedir(d);
    return rc;
}

static int append_file(struct buf *raw, const char *dir, const char *name, size_t max, char *error, size_t error_size)
{
    char path[4096 + NAME_MAX_LENGTH];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        if (f)
            fclose(f);
        return fail(error, error_size, CP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    }
    size_t size = (size_t)st.st_size;
    int rc = CP_OK;
    if (size > max || raw->len + size > max)
        rc = fail(error, error_size, CP_ERR_LIMIT, "the audit's files are larger than %zu bytes", max);
    else if (buf_printf(raw, "%s\n%zu\n", name, size) != 0 || buf_reserve(raw, size) != 0)
        rc = CP_ERR_NOMEM;
    else if (fread(raw->data + raw->len, 1, size, f) != size)
        rc = fail(error, error_size, CP_ERR_IO, "cannot read %s: short read", path);
    else
        raw->len += size;
    fclose(f);
    return rc;
}

static int deflate_into(const struct buf *raw, struct buf *out, char *error, size_t error_size)
{
    uLongf bound = compressBound((uLong)raw->len);
    buf_init(out);
    if (buf_reserve(out, bound) != 0)
        return CP_ERR_NOMEM;
    if (compress2((Bytef *)out->data, &bound, (const Bytef *)raw->data, (uLong)raw->len, 6) != Z_OK) {
        buf_free(out);
        return fail(error, error_size, CP_ERR_NOMEM, "cannot compress the result");
    }
    out->len = bound;
    return CP_OK;
}

int fleet_archive_pack(const char *dir, size_t max, struct buf *out, size_t *raw_size, char *error, size_t error_size)
{
    struct names *names = calloc(1, sizeof *names);
    struct buf raw = BUF_INIT;
    if (!names)
        return CP_ERR_NOMEM;
    int rc = list_files(dir, "", 0, names, error, error_size);
    qsort(names->items, names->count, sizeof names->items[0], compare_names);
    if (rc == CP_OK && buf_append_str(&raw, MAGIC) != 0)
        rc = CP_ERR_NOMEM;
    for (size_t i = 0; rc == CP_OK && i < names->count; i++)
        rc = append_file(&raw, dir, names->items[i], max, error, error_size);
    if (rc == CP_OK)
        rc = deflate_into(&raw, out, error, error_size);
    *raw_size = raw.len;
    for (size_t i = 0; i < names->count; i++)
        free(names->items[i]);
    free(names);
    buf_free(&raw);
    return rc;
}

/* mkdir -p of path's folders (and of path itself when whole). */
static int make_dirs(const char *path, bool whole)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *p = copy + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(copy, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return whole && mkdir(copy, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int inflate_blob(const void *data, size_t length, size_t max, struct buf *raw, char *error, size_t error_size)
{
    z_stream z = {0};
    if (inflateInit(&z) != Z_OK)
        return CP_ERR_NOMEM;
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)length;
    int zrc = Z_OK, rc = CP_OK;
    while (rc == CP_OK && zrc != Z_STREAM_END) {
        if (raw->len >= max) {
            rc = fail(error, error_size, CP_ERR_LIMIT, "the result is larger than %zu bytes", max);
            break;
        }
        if (buf_reserve(raw, 1 << 20) != 0) {
            rc = CP_ERR_NOMEM;
            break;
        }
        /* never more than one byte past max: enough to tell "too large" */
        size_t room = raw->cap - raw->len, left = max + 1 - raw->len;
        z.next_out = (Bytef *)raw->data + raw->len;
        z.avail_out = (uInt)(room < left ? room : left);
        zrc = inflate(&z, Z_NO_FLUSH);
        raw->len = (size_t)((char *)z.next_out - raw->data);
        if (zrc != Z_OK && zrc != Z_STREAM_END)
            rc = fail(error, error_size, CP_ERR_PARSE, "the result is not a valid zlib stream");
    }
    if (rc == CP_OK && raw->len > max)
        rc = fail(error, error_size, CP_ERR_LIMIT, "the result is larger than %zu bytes", max);
    inflateEnd(&z);
    return rc;
}

static int write_file(const char *dir, const char *name, const char *data, size_t size, char *error, size_t error_size)
{
    char path[4096 + NAME_MAX_LENGTH];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (make_dirs(path, false) != 0)
        return fail(error, error_size, CP_ERR_IO, "cannot create the folder of %s: %s", path, strerror(errno));
    struct out_file f;
    int rc = out_file_open(&f, path, error, error_size);
    if (rc != CP_OK)
        return rc;
    if (size && fwrite(data, 1, size, f.file) != size) {
        out_file_discard(&f);
        return fail(error, error_size, CP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    }
    return out_file_commit(&f, error, error_size);
}

int fleet_archive_unpack(const void *data, size_t length, size_t max, const char *dir, char *error, size_t error_size)
{
    struct buf raw = BUF_INIT;
    int rc = inflate_blob(data, length, max, &raw, error, error_size);
    size_t at = strlen(MAGIC);
    if (rc == CP_OK && (raw.len < at || memcmp(raw.data, MAGIC, at) != 0))
        rc = fail(error, error_size, CP_ERR_PARSE, "the result is not a crawlpack result");
    if (rc == CP_OK && make_dirs(dir, true) != 0)
        rc = fail(error, error_size, CP_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
    for (size_t files = 0; rc == CP_OK && at < raw.len; files++) {
        char *name_end = memchr(raw.data + at, '\n', raw.len - at);
        char *size_end = name_end ? memchr(name_end + 1, '\n', raw.len - (size_t)(name_end + 1 - raw.data)) : NULL;
        char *number_end = NULL;
        unsigned long long size = size_end ? strtoull(name_end + 1, &number_end, 10) : 0;
        if (!size_end || number_end != size_end || files >= FILES_MAX ||
            !name_safe(raw.data + at, (size_t)(name_end - raw.data - at)) ||
            size > raw.len - (size_t)(size_end + 1 - raw.data)) {
            rc = fail(error, error_size, CP_ERR_PARSE, "the result's file list is damaged");
            break;
        }
        *name_end = '\0';
        rc = write_file(dir, raw.data + at, size_end + 1, (size_t)size, error, error_size);
        at = (size_t)(size_end + 1 - raw.data) + (size_t)size;
    }
    buf_free(&raw);
    return rc;
}
