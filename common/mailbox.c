/* SPDX-License-Identifier: Apache-2.0 */
/* common/mailbox: one value handed over once between threads (see mailbox.h). */
#include "common/mailbox.h"

void mailbox_init(struct mailbox *box)
{
    pthread_mutex_init(&box->lock, NULL);
    pthread_cond_init(&box->posted, NULL);
    box->full = false;
    box->value = NULL;
}

void mailbox_destroy(struct mailbox *box)
{
    pthread_mutex_destroy(&box->lock);
    pthread_cond_destroy(&box->posted);
}

void mailbox_post(struct mailbox *box, const void *value)
{
    pthread_mutex_lock(&box->lock);
    if (!box->full) {
        box->full = true;
        box->value = value;
        pthread_cond_signal(&box->posted);
    }
    pthread_mutex_unlock(&box->lock);
}

const void *mailbox_wait(struct mailbox *box)
{
    pthread_mutex_lock(&box->lock);
    while (!box->full)
        pthread_cond_wait(&box->posted, &box->lock);
    const void *value = box->value;
    pthread_mutex_unlock(&box->lock);
    return value;
}
