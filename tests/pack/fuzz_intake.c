/* SPDX-License-Identifier: Apache-2.0 */
/* tests/pack/fuzz_intake: libFuzzer target for the pack's two text readers, the intake YAML walker
 * and the RFC 4180 CSV reader. Each input is written to one temporary file and read by both; they
 * must return one of their documented status codes, never crash, leak or hang. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "common/csv.h"
#include "reports/intake.h"

static char path[] = "/tmp/crawlpack-fuzz-intake-XXXXXX";
static int fd = -1;

/* The one temporary file goes when the fuzzer exits (a crash keeps it, with the input that made it). */
static void remove_input_file(void)
{
    unlink(path);
}

static int count_fields(void *context, char **fields, size_t count, unsigned line)
{
    size_t *total = context;
    for (size_t i = 0; i < count; i++)
        *total += strlen(fields[i]);
    (void)line;
    return CP_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        fd = mkstemp(path);
        if (fd < 0)
            abort();
        atexit(remove_input_file);
        log_set_verbosity(-1);
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    struct intake intake;
    int status = intake_load(path, &intake, NULL);
    if (status != CP_OK && status != CP_ERR_PARSE && status != CP_ERR_INVALID && status != CP_ERR_NOMEM)
        abort();
    intake_free(&intake);
    size_t total = 0;
    status = csv_read_file(path, count_fields, &total);
    if (status != CP_OK && status != CP_ERR_PARSE)
        abort();
    if (total > size)
        abort(); /* fields are never longer than the input */
    return 0;
}
