/* SPDX-License-Identifier: Apache-2.0 */
/* common/json_write: streaming JSON output with correct escaping (see json_write.h). */
#include "common/json_write.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "common/buf.h"
#include "common/utf8.h"

void json_writer_init(struct json_writer *w, FILE *out, bool pretty)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
    w->pretty = pretty;
}

void json_writer_init_script(struct json_writer *w, FILE *out)
{
    json_writer_init(w, out, false);
    w->script_safe = true;
}

static void write_newline_indent(struct json_writer *w)
{
    /* one write a line break: the indent of a finding's field is five calls otherwise */
    static const char line[] = "\n                                ";
    if (!w->pretty)
        return;
    size_t indent = 2 * (size_t)w->depth;
    fwrite(line, 1, 1 + (indent < sizeof line - 2 ? indent : sizeof line - 2), w->out);
    for (size_t i = sizeof line - 2; i < indent; i += 2)
        fputs("  ", w->out);
}

/* Called before every value and key: writes the separator the position needs. */
static void before_item(struct json_writer *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->has_items[w->depth - 1])
        fputc(',', w->out);
    w->has_items[w->depth - 1] = true;
    write_newline_indent(w);
}

static void open_container(struct json_writer *w, char c)
{
    before_item(w);
    if (w->depth >= JSON_WRITE_MAX_DEPTH) {
        w->error = true;
        return;
    }
    fputc(c, w->out);
    w->has_items[w->depth++] = false;
}

static void close_container(struct json_writer *w, char c)
{
    if (w->depth == 0 || w->after_key) {
        w->error = true;
        return;
    }
    bool had_items = w->has_items[--w->depth];
    if (had_items)
        write_newline_indent(w);
    fputc(c, w->out);
}

void json_begin_object(struct json_writer *w)
{
    open_container(w, '{');
}
void json_end_object(struct json_writer *w)
{
    close_container(w, '}');
}
void json_begin_array(struct json_writer *w)
{
    open_container(w, '[');
}
void json_end_array(struct json_writer *w)
{
    close_container(w, ']');
}

void json_key(struct json_writer *w, const char *key)
{
    before_item(w);
    json_write_escaped_mode(w->out, key, strlen(key), w->script_safe);
    fputs(w->pretty ? ": " : ":", w->out);
    w->after_key = true;
}

void json_write_escaped(FILE *out, const char *s, size_t len)
{
    json_write_escaped_mode(out, s, len, false);
}

/* U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8. */
static bool is_js_line_separator(const unsigned char *p, size_t n)
{
    return n == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9);
}

/* Whether an ASCII byte is written as it is (the common case, written in runs). */
static bool is_plain_ascii(unsigned char c, bool script_safe)
{
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && !(script_safe && (c == '<' || c == '>' || c == '&'));
}

void json_write_escaped_mode(FILE *out, const char *s, size_t len, bool script_safe)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        size_t run = 0;
        while (i + run < len && is_plain_ascii(p[i + run], script_safe))
            run++;
        if (run) {
            fwrite(p + i, 1, run, out);
            i += run;
            continue;
        }
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            switch (c) {
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            default: fprintf(out, "\\u%04x", c);
            }
            i++;
        } else if (script_safe && (c == '<' || c == '>' || c == '&')) {
            fprintf(out, "\\u%04x", c);
            i++;
        } else {
            size_t n = utf8_sequence_length(p + i, len - i);
            if (n == 0) {
                fputs("\\ufffd", out);
                i++;
            } else if (script_safe && is_js_line_separator(p + i, n)) {
                fprintf(out, "\\u%04x", p[i + 2] == 0xA8 ? 0x2028 : 0x2029);
                i += n;
            } else {
                fwrite(p + i, 1, n, out);
                i += n;
            }
        }
    }
    fputc('"', out);
}

void json_string_n(struct json_writer *w, const char *s, size_t len)
{
    before_item(w);
    json_write_escaped_mode(w->out, s, len, w->script_safe);
}

void json_string(struct json_writer *w, const char *s)
{
    if (!s) {
        json_null(w);
        return;
    }
    json_string_n(w, s, strlen(s));
}

/* Digits without printf (a report or links list writes millions of numbers), after '-' when
 * negative. */
static void write_digits(FILE *out, uint64_t value, bool negative)
{
    char text[BUF_UINT_DIGITS];
    const char *digits = buf_uint_text(text, value);
    if (negative)
        fputc('-', out);
    fwrite(digits, 1, (size_t)(text + BUF_UINT_DIGITS - digits), out);
}

void json_int(struct json_writer *w, int64_t value)
{
    before_item(w);
    write_digits(w->out, value < 0 ? 0 - (uint64_t)value : (uint64_t)value, value < 0);
}

void json_uint(struct json_writer *w, uint64_t value)
{
    before_item(w);
    write_digits(w->out, value, false);
}

void json_double(struct json_writer *w, double value)
{
    if (!isfinite(value)) {
        json_null(w);
        return;
    }
    before_item(w);
    fprintf(w->out, "%.6g", value);
}

void json_bool(struct json_writer *w, bool value)
{
    before_item(w);
    fputs(value ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
    before_item(w);
    fputs("null", w->out);
}

int json_writer_finish(struct json_writer *w)
{
    fputc('\n', w->out);
    /* Flushed, so a full disk is reported here and not lost in a buffer nobody checks. */
    if (fflush(w->out) != 0 || w->error || w->depth != 0 || w->after_key || ferror(w->out))
        return -1;
    return 0;
}
