/* SPDX-License-Identifier: Apache-2.0 */
/* common/buf: a growable byte buffer.
 *
 * Contract: a struct buf owns its data. After buf_init() it is empty and holds no memory; every
 * append keeps data NUL-terminated (data[len] == 0) so it can be used as a C string, but it may also
 * hold NUL bytes. Appends return CP_OK or CP_ERR_NOMEM; on failure the buffer is unchanged.
 * buf_detach() hands the memory to the caller (free() it) and leaves the buffer empty.
 * Not thread-safe: one owner at a time. */
#ifndef CRAWLPACK_COMMON_BUF_H
#define CRAWLPACK_COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t cap;
};

#define BUF_INIT   \
    {              \
        NULL, 0, 0 \
    }

void buf_init(struct buf *b);
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_append_str(struct buf *b, const char *s);
int buf_append_char(struct buf *b, char c);
/* value in decimal, without printf (the store's edge lists and report.html's data write millions). */
int buf_append_uint(struct buf *b, uint64_t value);
/* The decimal digits of value at the end of text[BUF_UINT_DIGITS]; returns where they start. The
 * one formatter behind buf_append_uint, common/json_write's numbers and web/url's port. */
#define BUF_UINT_DIGITS 20
const char *buf_uint_text(char text[BUF_UINT_DIGITS], uint64_t value);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The contents as a C string: "" for an empty buffer, never NULL. */
const char *buf_str(const struct buf *b);
/* Forget the contents, keep the memory for reuse. */
void buf_reset(struct buf *b);
/* Hand the contents to the caller (a malloc'd NUL-terminated string, "" if empty; NULL only when out
 * of memory) and leave the buffer empty. */
char *buf_detach(struct buf *b);
void buf_free(struct buf *b);

#endif
