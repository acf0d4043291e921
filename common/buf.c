/* SPDX-License-Identifier: Apache-2.0 */
/* common/buf: growable byte buffer (see buf.h for the contract). */
#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

void buf_init(struct buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

int buf_reserve(struct buf *b, size_t extra)
{
    if (extra > (size_t)-1 - b->len - 1)
        return CP_ERR_NOMEM;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return CP_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > (size_t)-1 / 2 ? need : cap * 2;
    char *data = realloc(b->data, cap);
    if (!data)
        return CP_ERR_NOMEM;
    data[b->len] = '\0'; /* a first allocation is a C string too, before anything is appended */
    b->data = data;
    b->cap = cap;
    return CP_OK;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
    if (buf_reserve(b, len) != CP_OK)
        return CP_ERR_NOMEM;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return CP_OK;
}

int buf_append_str(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_append_char(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

const char *buf_uint_text(char text[BUF_UINT_DIGITS], uint64_t value)
{
    char *p = text + BUF_UINT_DIGITS;
    do {
        *--p = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    return p;
}

int buf_append_uint(struct buf *b, uint64_t value)
{
    char text[BUF_UINT_DIGITS];
    const char *digits = buf_uint_text(text, value);
    return buf_append(b, digits, (size_t)(text + BUF_UINT_DIGITS - digits));
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || buf_reserve(b, (size_t)n) != CP_OK)
        return CP_ERR_NOMEM;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return CP_OK;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *buf_str(const struct buf *b)
{
    return b->data ? b->data : "";
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *buf_detach(struct buf *b)
{
    char *data = b->data ? b->data : strdup("");
    buf_init(b);
    return data;
}

void buf_free(struct buf *b)
{
    free(b->data);
    buf_init(b);
}
