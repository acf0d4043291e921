/* SPDX-License-Identifier: Apache-2.0 */
/* common/error: the status codes every module returns.
 *
 * Functions that can fail return an int: CP_OK (0) on success, or one of the negative codes below.
 * A function that fails because of its input also explains why in a message it writes where its
 * own header says (a finding, a caller's buffer, or the log), so the user learns which file, URL
 * or line was wrong; the code alone only tells the caller how to react. */
#ifndef CRAWLPACK_COMMON_ERROR_H
#define CRAWLPACK_COMMON_ERROR_H

enum cp_status {
    CP_OK = 0,
    CP_ERR_NOMEM = -1,       /* an allocation failed */
    CP_ERR_IO = -2,          /* a file could not be read or written (errno tells more) */
    CP_ERR_INVALID = -3,     /* the input is not what the function accepts */
    CP_ERR_LIMIT = -4,       /* a configured bound was reached (size, count, depth, time) */
    CP_ERR_NETWORK = -5,     /* a transfer failed (DNS, connect, TLS, timeout) */
    CP_ERR_PARSE = -6,       /* a document could not be parsed */
    CP_ERR_INTERRUPTED = -7, /* the user asked us to stop (SIGINT/SIGTERM) */
    CP_ERR_BUSY = -8,        /* another process holds the resource (a crawl store in use) */
};

/* A short lower-case phrase for a status code, e.g. "out of memory". Never NULL. */
const char *cp_strerror(int status);

#endif
