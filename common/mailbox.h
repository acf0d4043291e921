/* SPDX-License-Identifier: Apache-2.0 */
/* common/mailbox: one value handed from one thread to another, once — what an audit gives the
 * threads that work beside it when its findings are final (report.html's, the store rows').
 *
 * The first mailbox_post is the one the waiter gets, NULL included (the giver's way to say
 * "nothing is coming": cancelled); later posts do nothing, so a giver may always post NULL on its
 * way out without knowing whether it posted before. mailbox_wait has no timeout: the giver always
 * posts, on every path. Threads: any number of posters, one waiter. Ownership: the mailbox holds a
 * pointer, never what it points to. Errors: none. */
#ifndef CRAWLPACK_COMMON_MAILBOX_H
#define CRAWLPACK_COMMON_MAILBOX_H

#include <pthread.h>
#include <stdbool.h>

struct mailbox {
    pthread_mutex_t lock;
    pthread_cond_t posted;
    bool full; /* under lock */
    const void *value;
};

void mailbox_init(struct mailbox *box);
void mailbox_destroy(struct mailbox *box);
void mailbox_post(struct mailbox *box, const void *value);
const void *mailbox_wait(struct mailbox *box);

#endif
