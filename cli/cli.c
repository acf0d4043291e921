/* SPDX-License-Identifier: Apache-2.0 */
/* cli/cli: usage errors and option helpers shared by the subcommands (see cli.h). */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "crawlpack %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'crawlpack help %s' for more information.\n", command);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_option_error(const char *command, int getopt_result, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "?";
    if (getopt_result == ':') {
        if (optopt && optopt < 256 && arg[0] == '-' && arg[1] != '-')
            return cli_usage_error(command, "option '-%c' needs a value", optopt);
        return cli_usage_error(command, "option '%s' needs a value", arg);
    }
    if (optopt && optopt < 256 && !(arg[0] == '-' && arg[1] == '-'))
        return cli_usage_error(command, "unknown option '-%c'", optopt);
    return cli_usage_error(command, "unknown option '%s'", arg);
}

void cli_reset_getopt(void)
{
    optind = 0; /* glibc: 0 also resets its internal scanning state */
    opterr = 0;
}

int cli_parse_long(const char *command, const char *option, const char *text, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value < min || value > max) {
        cli_usage_error(command, "%s takes a whole number from %ld to %ld, not '%s'", option, min, max, text);
        return -1;
    }
    *out = value;
    return 0;
}

int cli_check_cacert(const char *command, const char *path)
{
    struct stat info;
    FILE *file = NULL;
    if (stat(path, &info) != 0 || !(file = fopen(path, "rb")))
        return cli_usage_error(command, "--cacert %s: %s", path, strerror(errno));
    fclose(file);
    if (!S_ISREG(info.st_mode))
        return cli_usage_error(command, "--cacert %s: not a file (give the PEM bundle of the CA to trust)", path);
    return 0;
}

int cli_check_input_file(const char *command, const char *path)
{
    if (strcmp(path, "-") == 0)
        return 0;
    struct stat info;
    FILE *file = NULL;
    if (stat(path, &info) != 0 || !(file = fopen(path, "rb"))) {
        fprintf(stderr, "crawlpack %s: cannot read %s: %s\n", command, path, strerror(errno));
        return EXIT_USAGE;
    }
    fclose(file);
    if (S_ISDIR(info.st_mode)) {
        fprintf(stderr, "crawlpack %s: cannot read %s: it is a folder\n", command, path);
        return EXIT_USAGE;
    }
    return 0;
}

bool cli_is_http_url(const char *argument)
{
    return strncmp(argument, "http://", 7) == 0 || strncmp(argument, "https://", 8) == 0;
}

int cli_read_file(const char *command, const char *path, size_t cap, char **body, size_t *length)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *file = is_stdin ? stdin : fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "crawlpack %s: cannot read %s: %s\n", command, path, strerror(errno));
        return CP_ERR_IO;
    }
    *body = malloc(cap ? cap : 1);
    if (!*body) {
        if (!is_stdin)
            fclose(file);
        return CP_ERR_NOMEM;
    }
    *length = fread(*body, 1, cap, file);
    int failed = ferror(file) ? errno : 0;
    if (!is_stdin)
        fclose(file);
    if (failed) {
        fprintf(stderr, "crawlpack %s: cannot read %s: %s\n", command, path, strerror(failed));
        free(*body);
        return CP_ERR_IO;
    }
    return CP_OK;
}
