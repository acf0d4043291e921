/* SPDX-License-Identifier: Apache-2.0 */
/* bench/tools/measure: the clocks and memory figures the benchmarks print. */
#ifndef CRAWLPACK_BENCH_TOOLS_MEASURE_H
#define CRAWLPACK_BENCH_TOOLS_MEASURE_H

#include <time.h>

/* The clock's reading in seconds (CLOCK_MONOTONIC for wall time, CLOCK_PROCESS_CPUTIME_ID for CPU
 * time: on a shared machine wall time includes waiting for a core). */
double measure_seconds(clockid_t clock);
/* The process's peak resident set so far, in MiB. */
double measure_peak_rss_mib(void);
/* The process's resident set now, in MiB (0 when /proc/self/statm cannot be read). */
double measure_current_rss_mib(void);

#endif
