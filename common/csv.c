/* SPDX-License-Identifier: Apache-2.0 */
/* common/csv: RFC 4180 reader and writer (see csv.h). */
#include "common/csv.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "common/utf8.h"

struct record {
    struct buf text; /* the fields, each NUL-terminated, back to back */
    size_t *starts;
    char **fields; /* handed to the callback: as many slots as starts, reused record after record */
    size_t count;
    size_t capacity;
};

static int begin_field(struct record *r)
{
    if (r->count == r->capacity) {
        size_t capacity = r->capacity ? r->capacity * 2 : 32;
        size_t *starts = realloc(r->starts, capacity * sizeof(*starts));
        if (starts)
            r->starts = starts;
        char **fields = starts ? realloc(r->fields, capacity * sizeof(*fields)) : NULL;
        if (!fields)
            return CP_ERR_NOMEM;
        r->fields = fields;
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
        for (size_t i = 0; i < r->count; i++) {
            r->fields[i] = r->text.data + r->starts[i];
            csv_field_unguard(r->fields[i]);
        }
        status = callback(context, r->fields, r->count, line);
    }
    buf_reset(&r->text);
    r->count = 0;
    return status;
}

/* The reader's state between the lines getline() hands it: a quoted field may span lines. */
struct reader {
    struct record r;
    bool in_field, quoted, after_comma;
    unsigned line, record_line;
    csv_record_fn callback;
    void *context;
};

/* The rest of a quoted field on this line up to its closing quote (a doubled quote is one quote);
 * returns where reading goes on. */
static const char *read_quoted(struct reader *rd, const char *p, const char *end, int *status)
{
    const char *quote = memchr(p, '"', (size_t)(end - p));
    if (!quote) { /* the field goes on past this line, its line break included */
        *status = buf_append(&rd->r.text, p, (size_t)(end - p));
        rd->line += end[-1] == '\n';
        return end;
    }
    *status = buf_append(&rd->r.text, p, (size_t)(quote - p));
    p = quote + 1;
    if (p < end && *p == '"') {
        if (*status == CP_OK)
            *status = buf_append_char(&rd->r.text, '"');
        return p + 1;
    }
    rd->quoted = false;
    return p;
}

/* One line (with its '\n', but the last line of a file may have none). Plain bytes are copied in
 * runs; ',' ends a field, '\n' a record, '\r' outside quotes is dropped. */
static int read_line(struct reader *rd, const char *p, const char *end)
{
    int status = CP_OK;
    while (status == CP_OK && p < end) {
        if (!rd->in_field) {
            if ((status = begin_field(&rd->r)) != CP_OK)
                break;
            rd->in_field = true;
            rd->after_comma = false;
            if (*p == '"') {
                rd->quoted = true;
                p++;
                continue;
            }
        }
        if (rd->quoted) {
            p = read_quoted(rd, p, end, &status);
            continue;
        }
        const char *run = p;
        while (p < end && *p != ',' && *p != '\n' && *p != '\r')
            p++;
        status = buf_append(&rd->r.text, run, (size_t)(p - run));
        if (status != CP_OK || p == end)
            break;
        char c = *p++;
        if (c == ',') {
            status = end_field(&rd->r);
            rd->in_field = false;
            rd->after_comma = true;
        } else if (c == '\n') {
            rd->line++;
            status = end_field(&rd->r);
            rd->in_field = false;
            if (status == CP_OK)
                status = emit_record(&rd->r, rd->callback, rd->context, rd->record_line);
            rd->record_line = rd->line;
        }
    }
    return status;
}

int csv_read_file(const char *path, csv_record_fn callback, void *context)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return CP_ERR_IO;
    char *buffer = malloc(CSV_READ_BUFFER_SIZE);
    if (buffer)
        setvbuf(in, buffer, _IOFBF, CSV_READ_BUFFER_SIZE);
    int status = csv_read_stream(in, path, callback, context);
    fclose(in);
    free(buffer);
    return status;
}

int csv_read_stream(FILE *in, const char *path, csv_record_fn callback, void *context)
{
    struct reader rd = {{BUF_INIT, NULL, NULL, 0, 0}, false, false, false, 1, 1, callback, context};
    int status = CP_OK;
    char *text = NULL;
    size_t capacity = 0;
    ssize_t length;
    while (status == CP_OK && (length = getline(&text, &capacity, in)) > 0)
        status = read_line(&rd, text, text + length);
    free(text);
    struct record *r = &rd.r;
    if (status == CP_OK && rd.quoted) {
        log_error("%s:%u: unterminated quoted field", path, rd.record_line);
        status = CP_ERR_PARSE;
    }
    if (status == CP_OK && !rd.in_field && rd.after_comma && (status = begin_field(r)) == CP_OK)
        rd.in_field = true;
    if (status == CP_OK && rd.in_field)
        status = end_field(r);
    if (status == CP_OK)
        status = emit_record(r, callback, context, rd.record_line);
    if (status == CP_OK && ferror(in))
        status = CP_ERR_IO;
    buf_free(&r->text);
    free(r->starts);
    free(r->fields);
    return status;
}

void csv_row_index_add(struct csv_row_index *index, int64_t offset, bool listed)
{
    index->records++;
    if (!listed || !index->complete)
        return;
    if (offset < 0 || (index->count && (uint64_t)offset <= index->offsets[index->count - 1])) {
        index->complete = false;
        return;
    }
    uint64_t *grown = array_grow(index->offsets, index->count, sizeof *grown);
    if (!grown) {
        index->complete = false;
        return;
    }
    index->offsets = grown;
    index->offsets[index->count++] = (uint64_t)offset;
}

void csv_row_index_free(struct csv_row_index *index)
{
    free(index->offsets);
    memset(index, 0, sizeof *index);
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
    size_t quotes = 0; /* strspn sets up a table per call: most of writing a million URLs */
    while (text[quotes] == '\'')
        quotes++;
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
    /* One pass over the text for what the common cell (an ASCII URL) has none of. */
    size_t length = 0;
    bool special = false, ascii = true;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++, length++) {
        ascii = ascii && *p < 0x80;
        special = special || *p == ',' || *p == '"' || *p == '\r' || *p == '\n';
    }
    if (!guard && !special) {
        if (ascii)
            fwrite(text, 1, length, out);
        else
            utf8_write_valid(out, text, length);
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
