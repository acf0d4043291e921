/* SPDX-License-Identifier: Apache-2.0 */
/* common/csv: RFC 4180 reader and writer (see csv.h). */
#include "common/csv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "common/utf8.h"

struct record {
    struct buf text; /* the fields, each NUL-terminated, back to back */
    size_t *starts;
    size_t count;
    size_t capacity;
};

static int begin_field(struct record *r)
{
    if (r->count == r->capacity) {
        size_t capacity = r->capacity ? r->capacity * 2 : 32;
        size_t *starts = realloc(r->starts, capacity * sizeof(*starts));
        if (!starts)
            return CP_ERR_NOMEM;
        r->starts = starts;
        r->capacity = capacity;
    }
    r->starts[r->count] = r->text.len;
    return CP_OK;
}

static int end_field(struct record *r)
{
    int status = buf_append_char(&r->text, 0);
    if (status == CP_OK)
        r->count++;
    return status;
}

static int emit_record(struct record *r, csv_record_fn callback, void *context, unsigned line)
{
    int status = CP_OK;
    bool blank_line = r->count == 1 && r->text.data[r->starts[0]] == 0;
    if (r->count > 0 && !blank_line) {
        char **fields = malloc(r->count * sizeof(*fields));
        if (!fields)
            return CP_ERR_NOMEM;
        for (size_t i = 0; i < r->count; i++) {
            fields[i] = r->text.data + r->starts[i];
            csv_field_unguard(fields[i]);
        }
        status = callback(context, fields, r->count, line);
        free(fields);
    }
    buf_reset(&r->text);
    r->count = 0;
    return status;
}

int csv_read_file(const char *path, csv_record_fn callback, void *context)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return CP_ERR_IO;
    struct record r = {BUF_INIT, NULL, 0, 0};
    int status = CP_OK;
    bool in_field = false, quoted = false, after_comma = false;
    unsigned line = 1, record_line = 1;
    int c;
    while (status == CP_OK && (c = getc_unlocked(in)) != EOF) {
        if (!in_field) {
            if ((status = begin_field(&r)) != CP_OK)
                break;
            in_field = true;
            after_comma = false;
            if (c == '"') {
                quoted = true;
                continue;
            }
        }
        if (quoted) {
            if (c == '"') {
                int next = getc_unlocked(in);
                if (next == '"') {
                    status = buf_append_char(&r.text, '"');
                    continue;
                }
                if (next != EOF)
                    ungetc(next, in);
                quoted = false;
                continue;
            }
            if (c == '\n')
                line++;
            status = buf_append_char(&r.text, (char)c);
        } else if (c == ',') {
            status = end_field(&r);
            in_field = false;
            after_comma = true;
        } else if (c == '\n') {
            line++;
            status = end_field(&r);
            in_field = false;
            if (status == CP_OK)
                status = emit_record(&r, callback, context, record_line);
            record_line = line;
        } else if (c != '\r') {
            status = buf_append_char(&r.text, (char)c);
        }
    }
    if (status == CP_OK && quoted) {
        log_error("%s:%u: unterminated quoted field", path, record_line);
        status = CP_ERR_PARSE;
    }
    if (status == CP_OK && !in_field && after_comma && (status = begin_field(&r)) == CP_OK)
        in_field = true;
    if (status == CP_OK && in_field)
        status = end_field(&r);
    if (status == CP_OK)
        status = emit_record(&r, callback, context, record_line);
    if (status == CP_OK && ferror(in))
        status = CP_ERR_IO;
    fclose(in);
    buf_free(&r.text);
    free(r.starts);
    return status;
}

int csv_column(char **header, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(header[i], name) == 0)
            return (int)i;
    return -1;
}

void csv_write_record(FILE *out, const char *const *fields, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (i)
            putc(',', out);
        csv_write_field(out, fields[i]);
    }
    fputs("\r\n", out);
}

/* OWASP "CSV Injection": a spreadsheet reads a cell that starts with = + - @ (or a tab or carriage
 * return before one) as a formula, so a page title such as =HYPERLINK(...) would run when someone
 * opens pages.csv. Such a cell gets a leading single quote, which spreadsheets read as "text".
 * A cell that already starts with quotes before such a character gets one more, so the reader can
 * take exactly one off and every value round-trips. A plain number (-3, +1.5) is not a formula and
 * stays as it is. */
static bool is_plain_number(const char *text)
{
    const char *p = text + (*text == '-' || *text == '+');
    size_t digits = strspn(p, "0123456789");
    if (!digits)
        return false;
    p += digits;
    if (*p == '.') {
        size_t fraction = strspn(p + 1, "0123456789");
        if (!fraction)
            return false;
        p += 1 + fraction;
    }
    return *p == '\0';
}

bool csv_field_needs_guard(const char *text)
{
    size_t quotes = strspn(text, "'");
    char first = text[quotes];
    if (first == '\0' || !strchr("=+-@\t\r", first))
        return false;
    return quotes > 0 || !is_plain_number(text);
}

void csv_field_unguard(char *field)
{
    if (field[0] == '\'' && csv_field_needs_guard(field + 1))
        memmove(field, field + 1, strlen(field));
}

void csv_write_field(FILE *out, const char *text)
{
    if (!text)
        return;
    bool guard = csv_field_needs_guard(text);
    if (!guard && !text[strcspn(text, ",\"\r\n")]) {
        utf8_write_valid(out, text, strlen(text));
        return;
    }
    fputc('"', out);
    if (guard)
        fputc('\'', out);
    for (const char *p = text; *p;) {
        size_t run = strcspn(p, "\"");
        utf8_write_valid(out, p, run); /* site text: any bytes in, valid UTF-8 out */
        p += run;
        if (*p == '"') {
            fputs("\"\"", out);
            p++;
        }
    }
    fputc('"', out);
}
