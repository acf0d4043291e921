/* SPDX-License-Identifier: Apache-2.0 */
/* audit/run_files: clearing an output folder of an earlier run, and run ids (see run_files.h). */
#include "audit/run_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/out_file.h"
#include "reports/pack.h"
#include "reports/render.h"
#include "reports/report_html.h"

static const char *const crawl_names[] = {"pages.csv", "links.csv", "sitemaps.csv", "clusters.csv"};

size_t run_files_crawl_names(const char **names, size_t max)
{
    size_t count = 0;
    for (size_t i = 0; i < sizeof crawl_names / sizeof crawl_names[0] && count < max; i++)
        names[count++] = crawl_names[i];
    return count;
}

void run_files_new_id(time_t started, char id[RUN_ID_SIZE])
{
    uint32_t random = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, &random, sizeof random) != (ssize_t)sizeof random) {
        struct timespec now; /* no /dev/urandom: still unique enough per folder */
        clock_gettime(CLOCK_REALTIME, &now);
        random = (uint32_t)now.tv_nsec ^ ((uint32_t)getpid() << 16);
    }
    if (fd >= 0)
        close(fd);
    struct tm tm;
    char when[20] = "00000000T000000Z";
    if (gmtime_r(&started, &tm))
        strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(id, RUN_ID_SIZE, "%s-%08x", when, random);
}

/* Remove dir/name and dir/name.tmp. */
static int remove_one(const char *dir, const char *name, char *error, size_t error_size)
{
    struct buf path = BUF_INIT;
    int status = CP_OK;
    for (int temporary = 0; temporary < 2 && status == CP_OK; temporary++) {
        buf_reset(&path);
        buf_printf(&path, "%s/%s%s", dir, name, temporary ? OUT_FILE_TEMP_SUFFIX : "");
        if (unlink(buf_str(&path)) != 0 && errno != ENOENT) {
            snprintf(error, error_size, "cannot remove %s (an earlier run's file): %s", buf_str(&path),
                     strerror(errno));
            status = CP_ERR_IO;
        }
    }
    buf_free(&path);
    return status;
}

int run_files_clear(const char *dir, char *error, size_t error_size)
{
    int status = CP_OK;
    for (size_t i = 0; i < sizeof crawl_names / sizeof crawl_names[0] && status == CP_OK; i++)
        status = remove_one(dir, crawl_names[i], error, error_size);
    static const char *const more[] = {"crawl.json", "pack.md", REPORT_HTML_FILE};
    for (size_t i = 0; i < sizeof more / sizeof more[0] && status == CP_OK; i++)
        status = remove_one(dir, more[i], error, error_size);
    /* findings.EXT of every format the renderers know */
    const char *formats = render_format_names();
    for (const char *at = formats; *at && status == CP_OK;) {
        size_t length = strcspn(at, ",");
        char format[32];
        snprintf(format, sizeof format, "%.*s", (int)length, at);
        at += length + (at[length] == ',');
        const char *name = render_format_file_name(format);
        if (name)
            status = remove_one(dir, name, error, error_size);
    }
    for (size_t i = 0; pack_list_name(i) && status == CP_OK; i++)
        status = remove_one(dir, pack_list_name(i), error, error_size);
    return status;
}
