/* SPDX-License-Identifier: Apache-2.0 */
/* The conformance cases of robots_cases.json run through the command line, as a user would:
 * `crawlpack robots check --robots-file F --user-agent AGENT URL` must print Google's answer for
 * every case. Prints "robots check conformance: passed/total". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run the binary with argv, return the first word of its stdout ("allowed"/"disallowed"). */
static void run_check(char *const argv[], char *word, size_t size)
{
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        FILE *null = freopen("/dev/null", "w", stderr);
        (void)null;
        execv(argv[0], argv);
        _exit(127);
    }
    close(out[1]);
    char buffer[64] = "";
    ssize_t n = read(out[0], buffer, sizeof(buffer) - 1);
    buffer[n > 0 ? n : 0] = '\0';
    char rest[4096];
    while (read(out[0], rest, sizeof(rest)) > 0)
        ; /* drain: the line echoes the (possibly 16 KB) URL */
    close(out[0]);
    int status;
    waitpid(pid, &status, 0);
    snprintf(word, size, "%.*s", (int)strcspn(buffer, "\t\n"), buffer);
}

static void test_cli_conformance(void **state)
{
    (void)state;
    const char *dir = getenv("CRAWLPACK_CONFORMANCE_DIR");
    const char *bin = getenv("CRAWLPACK_BIN");
    assert_non_null(dir);
    assert_non_null(bin);
    char path[4096];
    snprintf(path, sizeof(path), "%s/robots_cases.json", dir);
    json_error_t error;
    json_t *cases = json_load_file(path, 0, &error);
    if (!cases)
        fail_msg("%s:%d: %s", path, error.line, error.text);
    char robots_file[] = "/tmp/crawlpack-robots-XXXXXX";
    int fd = mkstemp(robots_file);
    assert_true(fd >= 0);
    close(fd);
    size_t total = json_array_size(cases), passed = 0;
    for (size_t i = 0; i < total; i++) {
        json_t *c = json_array_get(cases, i);
        json_t *body = json_object_get(c, "robotstxt");
        FILE *f = fopen(robots_file, "wb");
        assert_non_null(f);
        fwrite(json_string_value(body), 1, json_string_length(body), f);
        fclose(f);
        char *argv[] = {(char *)bin,
                        "robots",
                        "check",
                        "--robots-file",
                        robots_file,
                        "--user-agent",
                        (char *)json_string_value(json_object_get(c, "useragent")),
                        (char *)json_string_value(json_object_get(c, "url")),
                        NULL};
        char word[32];
        run_check(argv, word, sizeof(word));
        const char *expected = json_is_true(json_object_get(c, "expected_allowed")) ? "allowed" : "disallowed";
        bool ok = strcmp(word, expected) == 0;
        passed += ok;
        if (!ok)
            printf("FAIL %s: printed '%s', expected '%s'\n", json_string_value(json_object_get(c, "name")), word,
                   expected);
    }
    unlink(robots_file);
    printf("robots check conformance: %zu/%zu\n", passed, total);
    json_decref(cases);
    assert_true(total >= 145);
    assert_int_equal(passed, total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_conformance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
