/* SPDX-License-Identifier: Apache-2.0 */
/* web/browser_internal: what the browser's two files share — the process and its pipes
 * (browser_process.c), the DevTools conversation with its tabs (browser.c) and the proxy flags
 * (browser_proxy.c). Not a public API:
 * include web/browser.h instead. Threads and memory as in browser.h: one owner thread. */
#ifndef CRAWLPACK_WEB_BROWSER_INTERNAL_H
#define CRAWLPACK_WEB_BROWSER_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/buf.h"
#include "web/fetch.h"

/* The running Chromium: its process group, the two pipes and the bytes in transit. */
struct browser_process {
    pid_t pid;          /* 0: not running */
    bool reaped;        /* the browser process exited and was waited for (its group may live on) */
    int to_browser;     /* our end of fd 3 (commands), non-blocking; -1 when closed */
    int from_browser;   /* our end of fd 4 (messages), non-blocking; -1 when closed */
    struct buf out;     /* commands not yet written */
    size_t out_sent;    /* bytes of out already written */
    struct buf in;      /* bytes read, up to the next NUL */
    size_t max_message; /* a longer message is skipped, not kept */
    bool skipping;      /* inside a message past max_message: drop bytes up to its NUL */
    char profile[256];  /* the --user-data-dir made for this process */
};

/* Start Chromium with argv (argv[0] searched on PATH), with TMPDIR set to p->profile when there is
 * one (what Chromium leaves in its temporary folder goes with the profile). CP_OK, or CP_ERR_IO
 * with a message. */
int browser_process_start(struct browser_process *p, char *const argv[], char *error, size_t error_size);
/* Kill the process group by its PID, reap it (bounded), close the pipes, remove the profile. */
void browser_process_stop(struct browser_process *p);
/* Queue one message (a NUL is added). CP_OK or CP_ERR_NOMEM. */
int browser_process_send(struct browser_process *p, json_t *message);
/* Wait at most wait_ms for the pipes, write what is queued and read what arrived; each complete
 * message is parsed and handed to on_message (which must not keep it). Returns false once the
 * browser is gone (end of file, a write error or the process exited). */
bool browser_process_pump(struct browser_process *p, long wait_ms, void (*on_message)(json_t *message, void *context),
                          void *context);

/* The Chromium flags for the crawl's proxy (browser_proxy.c): "--proxy-server=http=...;https=..."
 * and "--proxy-bypass-list=...", both allocated (the caller frees them), or both NULL when the
 * crawl uses no proxy. CP_OK or CP_ERR_NOMEM. */
int browser_proxy_flags(const struct fetch_options *f, char **proxy_flag, char **bypass_flag);

#endif
