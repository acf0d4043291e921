/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for fleet/ without a NATS server: job keys, run names, the result archive (a folder
 * round trip, names that would leave the folder, damaged blobs) and the status record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/buf.h"
#include "common/error.h"
#include "fleet/archive.h"
#include "fleet/fleet_internal.h"

static void test_origin_keys(void **state)
{
    (void)state;
    char origin[256], key[FLEET_KEY_MAX];
    assert_int_equal(fleet_origin_key("http://127.0.0.1:8080/a/b?x", origin, sizeof origin, key), CP_OK);
    assert_string_equal(origin, "http://127.0.0.1:8080");
    assert_string_equal(key, "http_127.0.0.1_8080");
    assert_int_equal(fleet_origin_key("https://WWW.Example.com/", origin, sizeof origin, key), CP_OK);
    assert_string_equal(origin, "https://www.example.com");
    assert_string_equal(key, "https_www.example.com");
    /* a replaced byte gets the origin's hash: [::1] and a host named "__1_" never share a key */
    assert_int_equal(fleet_origin_key("http://[::1]:81/", origin, sizeof origin, key), CP_OK);
    assert_non_null(strchr(key, '-'));
    assert_int_equal(strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789._-"), strlen(key));
    assert_int_equal(fleet_origin_key("ftp://example.com/", origin, sizeof origin, key), CP_ERR_INVALID);
    assert_int_equal(fleet_origin_key("not a url", origin, sizeof origin, key), CP_ERR_INVALID);
}

static void test_run_names(void **state)
{
    (void)state;
    assert_true(fleet_run_name_valid("nightly-2026_12"));
    assert_false(fleet_run_name_valid(""));
    assert_false(fleet_run_name_valid("a.b")); /* a dot would split the KV key's run from its key */
    assert_false(fleet_run_name_valid("a b"));
    assert_false(fleet_run_name_valid("*"));
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void test_archive_round_trip(void **state)
{
    (void)state;
    char src[] = "/tmp/fleet-archive-src-XXXXXX", dst[] = "/tmp/fleet-archive-dst-XXXXXX";
    assert_non_null(mkdtemp(src));
    assert_non_null(mkdtemp(dst));
    char path[512], error[256];
    snprintf(path, sizeof path, "%s/findings.json", src);
    write_text(path, "{\"findings\": []}\n");
    snprintf(path, sizeof path, "%s/pack", src);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/pack/urls.csv", src);
    write_text(path, "url\nhttp://a.test/\n");
    snprintf(path, sizeof path, "%s/empty.csv", src);
    write_text(path, "");
    snprintf(path, sizeof path, "%s/half.csv.tmp", src); /* a file being written is not shipped */
    write_text(path, "x");
    struct buf blob = BUF_INIT;
    size_t raw = 0;
    assert_int_equal(fleet_archive_pack(src, 1 << 20, &blob, &raw, error, sizeof error), CP_OK);
    assert_true(raw > blob.len / 2);
    char out[300];
    snprintf(out, sizeof out, "%s/origin", dst);
    assert_int_equal(fleet_archive_unpack(blob.data, blob.len, 1 << 20, out, error, sizeof error), CP_OK);
    snprintf(path, sizeof path, "%s/findings.json", out);
    assert_string_equal(read_text(path), "{\"findings\": []}\n");
    snprintf(path, sizeof path, "%s/pack/urls.csv", out);
    assert_string_equal(read_text(path), "url\nhttp://a.test/\n");
    snprintf(path, sizeof path, "%s/empty.csv", out);
    assert_string_equal(read_text(path), "");
    snprintf(path, sizeof path, "%s/half.csv.tmp", out);
    assert_null(read_text(path));
    /* over the cap: refused, not truncated */
    assert_int_equal(fleet_archive_unpack(blob.data, blob.len, 16, out, error, sizeof error), CP_ERR_LIMIT);
    /* damaged: refused */
    blob.data[blob.len / 2] ^= 0x55;
    assert_int_not_equal(fleet_archive_unpack(blob.data, blob.len, 1 << 20, out, error, sizeof error), CP_OK);
    buf_free(&blob);
    char command[700];
    snprintf(command, sizeof command, "rm -rf '%s' '%s'", src, dst);
    assert_int_equal(system(command), 0);
}

/* A blob naming ../x or /etc/x must write nothing outside its folder. */
static void test_archive_refuses_escaping_names(void **state)
{
    (void)state;
    static const char *const blobs[] = {
        "crawlpack-result 1\n../escape\n1\nx",
        "crawlpack-result 1\n/tmp/escape\n1\nx",
        "crawlpack-result 1\na/../../escape\n1\nx",
        "crawlpack-result 1\nok\n99\nx", /* longer than the blob */
        "not-a-result\n",
    };
    char dst[] = "/tmp/fleet-archive-bad-XXXXXX", error[256];
    assert_non_null(mkdtemp(dst));
    for (size_t i = 0; i < sizeof blobs / sizeof blobs[0]; i++) {
        Bytef packed[256];
        uLongf length = sizeof packed;
        assert_int_equal(compress2(packed, &length, (const Bytef *)blobs[i], strlen(blobs[i]), 6), Z_OK);
        assert_int_equal(fleet_archive_unpack(packed, length, 1 << 20, dst, error, sizeof error), CP_ERR_PARSE);
    }
    assert_int_not_equal(access("/tmp/escape", F_OK), 0);
    char command[300];
    snprintf(command, sizeof command, "rm -rf '%s'", dst);
    assert_int_equal(system(command), 0);
}

static void test_status_record_round_trip(void **state)
{
    (void)state;
    struct fleet_job_status st = {.run = "r1",
                                  .key = "http_a.test",
                                  .origin = "http://a.test",
                                  .start = "http://a.test/",
                                  .state = FLEET_FAILED,
                                  .worker = "w\"1",
                                  .since = "2026-12-04T18:00:00Z",
                                  .attempts = 3,
                                  .max_attempts = 3,
                                  .error_class = "connect",
                                  .error = "refused"};
    char *json = fleet_status_encode(&st);
    assert_non_null(json);
    struct fleet_job_status back;
    assert_int_equal(fleet_status_decode("r1.http_a.test", json, strlen(json), &back), CP_OK);
    assert_string_equal(back.run, "r1");
    assert_string_equal(back.key, "http_a.test");
    assert_string_equal(back.worker, "w\"1");
    assert_int_equal(back.state, FLEET_FAILED);
    assert_int_equal(back.attempts, 3);
    assert_string_equal(back.error_class, "connect");
    assert_null(back.result);
    fleet_job_status_free(&back);
    assert_int_equal(fleet_status_decode("no-dot", json, strlen(json), &back), CP_ERR_PARSE);
    assert_int_equal(fleet_status_decode("r.k", "[1]", 3, &back), CP_ERR_PARSE);
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origin_keys),
        cmocka_unit_test(test_run_names),
        cmocka_unit_test(test_archive_round_trip),
        cmocka_unit_test(test_archive_refuses_escaping_names),
        cmocka_unit_test(test_status_record_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
