/* SPDX-License-Identifier: Apache-2.0 */
/* common/csv: RFC 4180 reader and writer (see csv.h). */
#include "common/csv.h"

#include <errno.h>
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

/* The record to the callback (a blank line is no record); returns whether it was one. */
static bool emit_record(struct record *r, csv_record_fn callback, void *context, unsigned line, int *status)
{
    bool blank_line = r->count == 1 && r->text.data[r->starts[0]] == 0;
    bool emitted = r->count > 0 && !blank_line;
    if (emitted) {
        for (size_t i = 0; i < r->count; i++) {
            r->fields[i] = r->text.data + r->starts[i];
            csv_field_unguard(r->fields[i]);
        }
        *status = callback(context, r->fields, r->count, line);
    }
    buf_reset(&r->text);
    r->count = 0;
    return emitted;
}

/* The reader's state between the lines getline() hands it: a quoted field may span lines. */
struct reader {
    struct record r;
    bool in_field, quoted, after_comma;
    unsigned line, record_line;
    csv_record_fn callback;
    void *context;
    bool emitted; /* a record went to the callback since the caller last cleared this */
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
                rd->emitted |= emit_record(&rd->r, rd->callback, rd->context, rd->record_line, &status);
            rd->record_line = rd->line;
        }
    }
    return status;
}

/* The stdio buffer a reader gives its file. glibc sizes a buffer it allocates itself by the file
 * system's block (4 KB): a 100 MB links.csv was 28,000 reads. */
#define READ_BUFFER_SIZE (1 << 20)

struct csv_reader {
    FILE *in;
    char *buffer; /* in's stdio buffer (NULL: glibc's own) */
    char *name;
    struct reader rd;
    char *text; /* getline's */
    size_t capacity;
};

/* The end of the stream: a record without its line break is still one; an open quote is an error. */
static int reader_end(struct csv_reader *r)
{
    struct reader *rd = &r->rd;
    int status = CP_OK;
    if (rd->quoted) {
        log_error("%s:%u: unterminated quoted field", r->name, rd->record_line);
        status = CP_ERR_PARSE;
    }
    if (status == CP_OK && !rd->in_field && rd->after_comma && (status = begin_field(&rd->r)) == CP_OK)
        rd->in_field = true;
    if (status == CP_OK && rd->in_field)
        status = end_field(&rd->r);
    rd->in_field = rd->after_comma = false;
    if (status == CP_OK)
        rd->emitted |= emit_record(&rd->r, rd->callback, rd->context, rd->record_line, &status);
    if (status == CP_OK && ferror(r->in))
        status = CP_ERR_IO;
    return status;
}

/* Lines until one record went to the callback (every record when all), or the stream ends. */
static int reader_run(struct csv_reader *r, csv_record_fn callback, void *context, bool all)
{
    struct reader *rd = &r->rd;
    rd->callback = callback;
    rd->context = context;
    rd->emitted = false;
    int status = CP_OK;
    ssize_t length;
    while (status == CP_OK && (all || !rd->emitted) && (length = getline(&r->text, &r->capacity, r->in)) > 0)
        status = read_line(rd, r->text, r->text + length);
    if (status == CP_OK && (all || !rd->emitted))
        status = reader_end(r);
    return status;
}

struct csv_reader *csv_reader_open(const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return NULL;
    struct csv_reader *r = calloc(1, sizeof *r);
    char *name = r ? strdup(path) : NULL;
    if (!name) {
        free(r);
        fclose(in);
        errno = ENOMEM;
        return NULL;
    }
    *r = (struct csv_reader){.in = in, .buffer = malloc(READ_BUFFER_SIZE), .name = name};
    r->rd.line = r->rd.record_line = 1;
    if (r->buffer)
        setvbuf(in, r->buffer, _IOFBF, READ_BUFFER_SIZE);
    /* stdio keeps the stream's offset from here on (it does not after fopen): ftello is then no
     * system call (a failure only costs that) */
    (void)fseeko(in, 0, SEEK_CUR);
    return r;
}

void csv_reader_close(struct csv_reader *r)
{
    if (!r)
        return;
    fclose(r->in);
    free(r->buffer);
    free(r->name);
    free(r->text);
    buf_free(&r->rd.r.text);
    free(r->rd.r.starts);
    free(r->rd.r.fields);
    free(r);
}

int csv_read_file(const char *path, csv_record_fn callback, void *context)
{
    struct csv_reader *r = csv_reader_open(path);
    if (!r)
        return errno == ENOMEM ? CP_ERR_NOMEM : CP_ERR_IO;
    int status = reader_run(r, callback, context, true);
    csv_reader_close(r);
    return status;
}

/* Move the stream to offset. A short way forward is read past: glibc's fseeko makes a system call
 * even to a place in its buffer, and the records a reader wants are mostly a few rows apart. */
static int reader_move(struct csv_reader *r, uint64_t offset)
{
    off_t at = ftello(r->in);
    if (at >= 0 && (uint64_t)at == offset)
        return CP_OK;
    if (at >= 0 && (uint64_t)at < offset && offset - (uint64_t)at <= READ_BUFFER_SIZE) {
        char scratch[4096];
        for (uint64_t left = offset - (uint64_t)at; left > 0;) {
            size_t n = fread(scratch, 1, left < sizeof scratch ? (size_t)left : sizeof scratch, r->in);
            if (n == 0)
                return ferror(r->in) ? CP_ERR_IO : CP_OK; /* past the end: no record there */
            left -= n;
        }
        return CP_OK;
    }
    return fseeko(r->in, (off_t)offset, SEEK_SET) == 0 ? CP_OK : CP_ERR_IO;
}

int csv_reader_record_at(struct csv_reader *r, uint64_t offset, csv_record_fn callback, void *context)
{
    int status = reader_move(r, offset);
    return status == CP_OK ? reader_run(r, callback, context, false) : status;
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

static bool starts_formula(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool csv_field_needs_guard(const char *text)
{
    if (text[0] != '\'' && !starts_formula(text[0])) /* a URL, a number, a word: most cells */
        return false;
    size_t quotes = 0;
    while (text[quotes] == '\'')
        quotes++;
    if (!starts_formula(text[quotes]))
        return false;
    return quotes > 0 || !is_plain_number(text);
}

void csv_field_unguard(char *field)
{
    if (field[0] == '\'' && csv_field_needs_guard(field + 1))
        memmove(field, field + 1, strlen(field));
}

/* The bytes that make a cell quoted. */
static const bool needs_quotes[256] = {[','] = true, ['"'] = true, ['\r'] = true, ['\n'] = true};

void csv_write_field(FILE *out, const char *text)
{
    if (!text)
        return;
    bool guard = csv_field_needs_guard(text);
    /* One pass over the text for what the common cell (an ASCII URL) has none of. */
    size_t length = 0;
    unsigned char bits = 0; /* every byte OR-ed: the high bit is set when any is not ASCII */
    bool quote = false;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++, length++) {
        bits |= *p;
        quote |= needs_quotes[*p];
    }
    if (!guard && !quote) {
        if (bits & 0x80)
            utf8_write_valid(out, text, length);
        else
            fwrite(text, 1, length, out);
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
