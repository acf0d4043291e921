/* SPDX-License-Identifier: Apache-2.0 */
/* bench/tools/measure: see the header. Linux: /proc/self/statm and getrusage's KiB. */
#include "measure.h"

#include <stdio.h>
#include <sys/resource.h>

double measure_seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

double measure_peak_rss_mib(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

double measure_current_rss_mib(void)
{
    FILE *statm = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (statm) {
        if (fscanf(statm, "%lu %lu", &size, &resident) != 2)
            resident = 0;
        fclose(statm);
    }
    return (double)resident * 4096.0 / (1024.0 * 1024.0);
}
