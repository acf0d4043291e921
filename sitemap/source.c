/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/source: file/stdin/memory input with gzip sniffing and a cap on inflated bytes. */
#include "sitemap/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "common/error.h"

#define SOURCE_CHUNK 65536

struct sitemap_source {
    int fd; /* -1 for memory input */
    bool owns_fd;
    const unsigned char *memory;
    size_t memory_length, memory_position;
    bool raw_eof;
    unsigned char input[SOURCE_CHUNK]; /* raw bytes read, not yet consumed */
    size_t input_length, input_position;
    bool sniffed, gzip, stream_ended;
    z_stream zlib;
    bool zlib_ready;
    unsigned char output[SOURCE_CHUNK]; /* inflated bytes, not yet delivered */
    size_t output_length, output_position;
    size_t total, cap;
    int failure; /* sticky error status */
    char error[200];
};

static int source_fail(struct sitemap_source *s, int status, const char *message)
{
    if (!s->failure) {
        s->failure = status;
        snprintf(s->error, sizeof s->error, "%s", message);
    }
    return status;
}

/* Refill s->input from the file or the memory buffer once it is consumed. */
static int fill_input(struct sitemap_source *s)
{
    if (s->input_position < s->input_length || s->raw_eof)
        return CP_OK;
    s->input_position = s->input_length = 0;
    if (s->fd < 0) {
        size_t n = s->memory_length - s->memory_position;
        if (n > SOURCE_CHUNK)
            n = SOURCE_CHUNK;
        memcpy(s->input, s->memory + s->memory_position, n);
        s->memory_position += n;
        s->input_length = n;
        s->raw_eof = n == 0;
        return CP_OK;
    }
    for (;;) {
        ssize_t n = read(s->fd, s->input, SOURCE_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            char message[160];
            snprintf(message, sizeof message, "read error: %s", strerror(errno));
            return source_fail(s, CP_ERR_IO, message);
        }
        s->input_length = (size_t)n;
        s->raw_eof = n == 0;
        return CP_OK;
    }
}

static int sniff(struct sitemap_source *s)
{
    if (s->sniffed)
        return CP_OK;
    s->sniffed = true;
    /* Two bytes may straddle reads from a pipe; gather them first. */
    int status = fill_input(s);
    if (status)
        return status;
    if (s->input_length == 1 && !s->raw_eof && s->fd >= 0) {
        ssize_t n;
        do
            n = read(s->fd, s->input + 1, SOURCE_CHUNK - 1);
        while (n < 0 && errno == EINTR);
        if (n > 0)
            s->input_length += (size_t)n;
    }
    s->gzip = s->input_length >= 2 && s->input[0] == 0x1f && s->input[1] == 0x8b;
    if (s->gzip) {
        memset(&s->zlib, 0, sizeof s->zlib);
        if (inflateInit2(&s->zlib, 15 + 16) != Z_OK)
            return source_fail(s, CP_ERR_NOMEM, "out of memory (zlib)");
        s->zlib_ready = true;
    }
    return CP_OK;
}

/* Produce more bytes into s->output. Sets output_length 0 at the end. */
static int produce(struct sitemap_source *s)
{
    s->output_position = s->output_length = 0;
    while (s->output_length == 0) {
        int status = fill_input(s);
        if (status)
            return status;
        size_t available = s->input_length - s->input_position;
        if (!s->gzip) {
            if (available == 0)
                return CP_OK;
            memcpy(s->output, s->input + s->input_position, available);
            s->input_position += available;
            s->output_length = available;
            return CP_OK;
        }
        if (s->stream_ended) {
            /* Concatenated gzip members are one file; anything else after the end is ignored. */
            if (available == 0)
                return CP_OK;
            if (available >= 2 && s->input[s->input_position] == 0x1f && s->input[s->input_position + 1] == 0x8b) {
                inflateReset(&s->zlib);
                s->stream_ended = false;
            } else {
                s->input_position = s->input_length;
                s->raw_eof = true;
                return CP_OK;
            }
        }
        if (available == 0)
            return source_fail(s, CP_ERR_PARSE, "gzip data ends early (truncated file)");
        s->zlib.next_in = s->input + s->input_position;
        s->zlib.avail_in = (uInt)available;
        s->zlib.next_out = s->output;
        s->zlib.avail_out = SOURCE_CHUNK;
        int z = inflate(&s->zlib, Z_NO_FLUSH);
        s->input_position = s->input_length - s->zlib.avail_in;
        s->output_length = SOURCE_CHUNK - s->zlib.avail_out;
        if (z == Z_STREAM_END)
            s->stream_ended = true;
        else if (z != Z_OK && z != Z_BUF_ERROR) {
            char message[160];
            snprintf(message, sizeof message, "corrupt gzip data: %s", s->zlib.msg ? s->zlib.msg : "inflate failed");
            return source_fail(s, CP_ERR_PARSE, message);
        } else if (z == Z_BUF_ERROR && s->output_length == 0 && s->raw_eof)
            return source_fail(s, CP_ERR_PARSE, "gzip data ends early (truncated file)");
    }
    return CP_OK;
}

static struct sitemap_source *source_new(size_t cap)
{
    struct sitemap_source *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->fd = -1;
    s->cap = cap;
    return s;
}

int sitemap_source_open_file(const char *path, size_t cap, struct sitemap_source **out, char *error, size_t size)
{
    *out = NULL;
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(error, size, "cannot open: %s", strerror(errno));
        return CP_ERR_IO;
    }
    struct sitemap_source *s = source_new(cap);
    if (!s) {
        if (fd != STDIN_FILENO)
            close(fd);
        return CP_ERR_NOMEM;
    }
    s->fd = fd;
    s->owns_fd = fd != STDIN_FILENO;
    *out = s;
    return CP_OK;
}

int sitemap_source_open_memory(const void *data, size_t length, size_t cap, struct sitemap_source **out)
{
    *out = source_new(cap);
    if (!*out)
        return CP_ERR_NOMEM;
    (*out)->memory = data;
    (*out)->memory_length = length;
    return CP_OK;
}

int sitemap_source_peek(struct sitemap_source *s, const unsigned char **data, size_t *length)
{
    int status = s->failure ? s->failure : sniff(s);
    if (!status && s->output_position == s->output_length)
        status = produce(s);
    *data = s->output + s->output_position;
    *length = s->output_length - s->output_position;
    return status;
}

ssize_t sitemap_source_read(struct sitemap_source *s, void *buffer, size_t size)
{
    if (s->failure)
        return s->failure;
    int status = sniff(s);
    if (!status && s->output_position == s->output_length)
        status = produce(s);
    if (status)
        return status;
    size_t n = s->output_length - s->output_position;
    if (n == 0)
        return 0;
    if (s->total >= s->cap) {
        char message[160];
        snprintf(message, sizeof message, "more than %zu bytes%s; reading stopped", s->cap,
                 s->gzip ? " after decompression" : "");
        return source_fail(s, CP_ERR_LIMIT, message);
    }
    if (n > size)
        n = size;
    if (n > s->cap - s->total)
        n = s->cap - s->total;
    memcpy(buffer, s->output + s->output_position, n);
    s->output_position += n;
    s->total += n;
    return (ssize_t)n;
}

bool sitemap_source_is_gzip(const struct sitemap_source *s)
{
    return s->gzip;
}

size_t sitemap_source_total(const struct sitemap_source *s)
{
    return s->total;
}

const char *sitemap_source_error(const struct sitemap_source *s)
{
    return s->failure ? s->error : "";
}

void sitemap_source_close(struct sitemap_source *s)
{
    if (!s)
        return;
    if (s->zlib_ready)
        inflateEnd(&s->zlib);
    if (s->owns_fd)
        close(s->fd);
    free(s);
}
