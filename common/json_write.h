/* SPDX-License-Identifier: Apache-2.0 */
/* common/json_write: a small streaming JSON writer.
 *
 * Every JSON file crawlpack writes (findings.json, crawl.json, `--json` outputs) goes through this
 * writer, so escaping lives in one place. It writes to a FILE* as it goes: memory does not grow with
 * the document. Commas and indentation are handled for the caller; keys are written with
 * json_key() before a value inside an object.
 *
 * Strings are written as UTF-8; control characters and invalid UTF-8 bytes are escaped (\u00XX /
 * U+FFFD) so the output is always valid JSON whatever the crawled site sent.
 * Nesting is bounded by JSON_WRITE_MAX_DEPTH; going deeper sets the error flag instead of writing.
 * For JSON embedded in an HTML <script> element (report.html) a writer made with
 * json_writer_init_script also escapes <, > and & (\u003c, \u003e, \u0026), so no crawled string
 * can close the element or open a comment, and U+2028 / U+2029 (\u2028, \u2029), which older
 * JavaScript parsers read as line ends; the value is the same JSON for any parser.
 * Not thread-safe: one writer per thread. */
#ifndef CRAWLPACK_COMMON_JSON_WRITE_H
#define CRAWLPACK_COMMON_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_WRITE_MAX_DEPTH 32

struct json_writer {
    FILE *out;
    int depth;
    bool pretty;
    bool error;                           /* set when the caller broke nesting rules */
    bool has_items[JSON_WRITE_MAX_DEPTH]; /* whether the open container has a member yet */
    bool after_key;
    bool script_safe; /* json_writer_init_script: HTML-inert escaping */
};

/* pretty: two-space indentation and one member per line (for files people read); compact otherwise. */
void json_writer_init(struct json_writer *w, FILE *out, bool pretty);

/* The same writer, compact, with the HTML <script> escaping described above. */
void json_writer_init_script(struct json_writer *w, FILE *out);

void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);

void json_string(struct json_writer *w, const char *s); /* NULL writes null */
void json_string_n(struct json_writer *w, const char *s, size_t len);
void json_int(struct json_writer *w, int64_t value);
void json_uint(struct json_writer *w, uint64_t value);
void json_double(struct json_writer *w, double value); /* non-finite writes null */
void json_bool(struct json_writer *w, bool value);
void json_null(struct json_writer *w);

/* Finish the document with a newline and flush the stream. Returns 0, or -1 when the nesting was
 * wrong or writing failed (check errno). */
int json_writer_finish(struct json_writer *w);

/* Write s as a JSON string literal (with quotes) to out. Used by the writer and by code that
 * builds JSON lines by hand (JSON Lines logs). */
void json_write_escaped(FILE *out, const char *s, size_t len);
/* The same, with script_safe the escaping of json_writer_init_script. */
void json_write_escaped_mode(FILE *out, const char *s, size_t len, bool script_safe);

#endif
