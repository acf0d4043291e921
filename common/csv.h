/* SPDX-License-Identifier: Apache-2.0 */
/* common/csv: RFC 4180 reading and writing (quoted fields, "" escapes, CRLF or LF line ends,
 * line breaks inside quotes).
 *
 * Reading: csv_read_file calls a function once per record with the record's fields (NUL-terminated
 * copies that live until the callback returns, formula guards removed: see csv_write_field) and
 * the line the record starts on. A callback
 * returning non-zero stops the read with that status. Not thread-safe per reader; the functions
 * keep no global state. */
#ifndef CRAWLPACK_COMMON_CSV_H
#define CRAWLPACK_COMMON_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef int (*csv_record_fn)(void *context, char **fields, size_t count, unsigned line);

/* Returns CP_OK, CP_ERR_IO (cannot open: errno set), CP_ERR_PARSE (an unterminated quote; logged
 * with path:line), CP_ERR_NOMEM, or the callback's status. */
int csv_read_file(const char *path, csv_record_fn callback, void *context);

/* Records read one at a time from where each starts: for a reader that was told where the records
 * it wants begin (crawler/link_index lists links.csv's rows report.html may show). A record up to
 * a megabyte (the reader's buffer) ahead is reached by reading on, without a system call. */
struct csv_reader;
/* path opened for reading; NULL with errno set when it cannot be (ENOMEM when out of memory). */
struct csv_reader *csv_reader_open(const char *path);
/* The record that starts at byte offset: callback is called once with it. Returns the callback's
 * status, CP_OK when the file has no record there, or CP_ERR_IO / CP_ERR_PARSE / CP_ERR_NOMEM. */
int csv_reader_record_at(struct csv_reader *r, uint64_t offset, csv_record_fn callback, void *context);
void csv_reader_close(struct csv_reader *r);

/* Column lookup in a header record: the index of name, or -1. */
int csv_column(char **header, size_t count, const char *name);

/* Write one field with RFC 4180 quoting when it needs it (NULL writes an empty field). The one
 * CSV quoting of the project, and its one defence against CSV injection (OWASP): a field a
 * spreadsheet would run as a formula (first character = + - @, tab or CR, plain numbers such as -3
 * excepted) is written quoted with a leading single quote ("'=SUM(A1)"). csv_read_file takes that
 * quote off again, so crawlpack reads back exactly what it wrote. */
void csv_write_field(FILE *out, const char *text);

/* Whether csv_write_field guards text with a leading quote (see above). */
bool csv_field_needs_guard(const char *text);
/* Undo the guard in place: drop the leading quote csv_write_field added, if it did. */
void csv_field_unguard(char *field);

/* Write a record of count fields and a CRLF line end, each field written by csv_write_field. */
void csv_write_record(FILE *out, const char *const *fields, size_t count);

#endif
