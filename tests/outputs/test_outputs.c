/* SPDX-License-Identifier: Apache-2.0 */
/* Output safety: the CSV formula guard (OWASP CSV injection) and its exact round trip through the
 * reader, temporary-name-then-rename files (common/out_file), and the text/binary sniff that keeps
 * binary input from being read as sitemaps or robots.txt (common/text_sniff). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "common/csv.h"
#include "common/error.h"
#include "common/out_file.h"
#include "common/text_sniff.h"

static char *write_fields(const char *const *fields, size_t count)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    for (size_t i = 0; i < count; i++) {
        csv_write_field(out, fields[i]);
        fputc('|', out);
    }
    assert_int_equal(fclose(out), 0);
    return text;
}

/* Every cell a spreadsheet would run gets a leading quote (and is quoted); numbers and other text
 * are untouched. */
static void test_guard(void **state)
{
    (void)state;
    const char *fields[] = {"=SUM(A1)", "+1+cmd", "-2+3", "@SUM(1)", "\t=1", "\r=1",  "-42", "+1.5",
                            "-",        "'=x",    "''@y", "'plain",  "a=b",  "plain", "=",   "-1e5"};
    char *text = write_fields(fields, sizeof fields / sizeof fields[0]);
    assert_string_equal(text, "\"'=SUM(A1)\"|\"'+1+cmd\"|\"'-2+3\"|\"'@SUM(1)\"|\"'\t=1\"|\"'\r=1\"|-42|+1.5|\"'-\"|"
                              "\"''=x\"|\"'''@y\"|'plain|a=b|plain|\"'=\"|\"'-1e5\"|");
    free(text);
}

static int collect(void *context, char **fields, size_t count, unsigned line)
{
    (void)line;
    struct buf *b = context;
    for (size_t i = 0; i < count; i++)
        buf_printf(b, "%s%s", i ? "|" : "", fields[i]);
    buf_append_char(b, '\n');
    return CP_OK;
}

/* What csv_write_record writes, csv_read_file reads back byte for byte, quotes included. */
static void test_round_trip(void **state)
{
    (void)state;
    const char *fields[] = {"=HYPERLINK(\"http://x/\",\"y\")", "'=x", "''=x", "'", "'plain", "-3", "@a,b", "+"};
    size_t count = sizeof fields / sizeof fields[0];
    char path[] = "/tmp/crawlpack-csv-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w");
    csv_write_record(out, fields, count);
    assert_int_equal(fclose(out), 0);
    struct buf read = BUF_INIT, expected = BUF_INIT;
    assert_int_equal(csv_read_file(path, collect, &read), CP_OK);
    for (size_t i = 0; i < count; i++)
        buf_printf(&expected, "%s%s", i ? "|" : "", fields[i]);
    buf_append_char(&expected, '\n');
    assert_string_equal(buf_str(&read), buf_str(&expected));
    unlink(path);
    buf_free(&read);
    buf_free(&expected);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The final name appears only on commit; until then (and after a discard) only NAME.tmp exists. */
static void test_out_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/crawlpack-out-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], temporary[256];
    snprintf(path, sizeof path, "%s/pages.csv", dir);
    snprintf(temporary, sizeof temporary, "%s/pages.csv.tmp", dir);
    FILE *old = fopen(path, "w");
    fputs("old complete file\n", old);
    fclose(old);

    struct out_file f;
    char error[512];
    assert_int_equal(out_file_open_in(&f, dir, "pages.csv", error, sizeof error), CP_OK);
    fputs("new", f.file);
    fflush(f.file);
    assert_true(exists(temporary));
    struct buf text = BUF_INIT;
    FILE *in = fopen(path, "r");
    char line[64] = "";
    assert_non_null(fgets(line, sizeof line, in));
    fclose(in);
    assert_string_equal(line, "old complete file\n"); /* a reader still sees the whole old file */
    assert_int_equal(out_file_commit(&f, error, sizeof error), CP_OK);
    assert_false(exists(temporary));
    in = fopen(path, "r");
    assert_non_null(fgets(line, sizeof line, in));
    fclose(in);
    assert_string_equal(line, "new");

    assert_int_equal(out_file_open_in(&f, dir, "links.csv", error, sizeof error), CP_OK);
    out_file_discard(&f);
    snprintf(temporary, sizeof temporary, "%s/links.csv.tmp", dir);
    snprintf(path, sizeof path, "%s/links.csv", dir);
    assert_false(exists(temporary));
    assert_false(exists(path));

    snprintf(path, sizeof path, "%s/no/such/folder/x.csv", dir);
    assert_int_equal(out_file_open(&f, path, error, sizeof error), CP_ERR_IO);
    assert_non_null(strstr(error, "x.csv"));
    buf_free(&text);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

static void test_text_sniff(void **state)
{
    (void)state;
    const unsigned char xml[] = "<?xml version=\"1.0\"?>\n<urlset/>\n";
    const unsigned char text[] = "https://example.com/\r\nhttps://example.com/caf\xC3\xA9\n\t\f\x1B[0m\n";
    const unsigned char elf[] = "\x7F"
                                "ELF\x02\x01\x01\x00\x00\x00";
    const unsigned char latin1[] = "caf\xE9 na\xEFve r\xE9sum\xE9 and much more plain text around it here";
    unsigned char noise[4096];
    unsigned seed = 7;
    for (size_t i = 0; i < sizeof noise; i++) {
        seed = seed * 1103515245u + 12345u;
        noise[i] = (unsigned char)(seed >> 16) | 1; /* no NUL: the ratio rule must catch it */
    }
    assert_false(text_looks_binary(xml, sizeof xml - 1));
    assert_false(text_looks_binary(text, sizeof text - 1));
    assert_false(text_looks_binary(latin1, sizeof latin1 - 1));                  /* a few odd bytes are still text */
    assert_false(text_looks_binary((const unsigned char *)"\xFF\xFE<\0u\0", 6)); /* UTF-16: the parsers say so */
    assert_false(text_looks_binary(xml, 0));
    assert_true(text_looks_binary(elf, sizeof elf - 1));
    /* A stray NUL in a text file is still text: Google's robots.txt parser reads such a file. */
    assert_false(text_looks_binary((const unsigned char *)"User-agent: *\nDisallow: /a\0b\n", 28));
    assert_true(text_looks_binary(noise, sizeof noise));
    char what[64];
    assert_string_equal(text_describe_binary(elf, sizeof elf - 1, what, sizeof what), "an ELF executable");
    assert_string_equal(text_describe_binary((const unsigned char *)"\x01\x02\xAB", 3, what, sizeof what),
                        "bytes starting 01 02 AB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guard),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_out_file),
        cmocka_unit_test(test_text_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
