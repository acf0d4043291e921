/* SPDX-License-Identifier: Apache-2.0 */
/* web/browser_process: the Chromium process — posix_spawn in its own process group with the two
 * DevTools pipes on fd 3 and 4, NUL-framed messages in and out, and a kill by PID that always
 * happens (see browser_internal.h). */
#define _GNU_SOURCE
#include "web/browser_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"

extern char **environ;

#define REAP_WAIT_MS 5000

static int move_high(int fd)
{
    /* fds 3 and 4 are the child's: keep ours above them so the dup2s never collide. */
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    close(fd);
    return high;
}

static int make_pipes(int commands[2], int messages[2])
{
    if (pipe2(commands, O_CLOEXEC) != 0)
        return CP_ERR_IO;
    if (pipe2(messages, O_CLOEXEC) != 0) {
        close(commands[0]);
        close(commands[1]);
        return CP_ERR_IO;
    }
    for (int i = 0; i < 2; i++) {
        commands[i] = move_high(commands[i]);
        messages[i] = move_high(messages[i]);
    }
    if (commands[0] < 0 || commands[1] < 0 || messages[0] < 0 || messages[1] < 0)
        return CP_ERR_IO;
    fcntl(commands[1], F_SETFL, O_NONBLOCK);
    fcntl(messages[0], F_SETFL, O_NONBLOCK);
    return CP_OK;
}

/* The browser's environment: ours with TMPDIR replaced by tmpdir_variable ("TMPDIR=..."). Chromium
 * makes a folder there for its process singleton (org.chromium.Chromium.XXXXXX) and never removes
 * it; inside the profile it goes with the profile. NULL when out of memory; free() it. */
static char **environment_with(char *tmpdir_variable)
{
    size_t count = 0;
    while (environ[count])
        count++;
    char **env = calloc(count + 2, sizeof *env);
    if (!env)
        return NULL;
    size_t n = 0;
    env[n++] = tmpdir_variable;
    for (size_t i = 0; i < count; i++)
        if (strncmp(environ[i], "TMPDIR=", 7) != 0)
            env[n++] = environ[i];
    return env;
}

static int spawn(pid_t *pid, char *const argv[], const char *tmpdir, int commands_read, int messages_write)
{
    char tmpdir_variable[sizeof "TMPDIR=" + sizeof((struct browser_process *)0)->profile];
    snprintf(tmpdir_variable, sizeof tmpdir_variable, "TMPDIR=%s", tmpdir);
    char **env = *tmpdir ? environment_with(tmpdir_variable) : NULL;
    if (*tmpdir && !env)
        return ENOMEM;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&actions, commands_read, 3);
    posix_spawn_file_actions_adddup2(&actions, messages_write, 4);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    /* Its own process group, so one kill reaches every process it forks (zygote, renderers), and
     * the signals the crawl catches or ignores back to their defaults. */
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawnp(pid, argv[0], &actions, &attr, argv, env ? env : environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    free(env);
    return rc;
}

int browser_process_start(struct browser_process *p, char *const argv[], char *error, size_t error_size)
{
    int commands[2] = {-1, -1}, messages[2] = {-1, -1};
    p->to_browser = p->from_browser = -1;
    p->pid = 0;
    p->reaped = false;
    if (make_pipes(commands, messages) != CP_OK) {
        snprintf(error, error_size, "cannot create the browser's pipes: %s", strerror(errno));
        return CP_ERR_IO;
    }
    int rc = spawn(&p->pid, argv, p->profile, commands[0], messages[1]);
    close(commands[0]);
    close(messages[1]);
    if (rc != 0) {
        close(commands[1]);
        close(messages[0]);
        p->pid = 0;
        snprintf(error, error_size, "cannot start %s: %s (install Debian's chromium, or set CRAWLPACK_CHROMIUM)",
                 argv[0], strerror(rc));
        return CP_ERR_IO;
    }
    p->to_browser = commands[1];
    p->from_browser = messages[0];
    buf_reset(&p->out);
    buf_reset(&p->in);
    p->out_sent = 0;
    p->skipping = false;
    return CP_OK;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void reap(pid_t pid)
{
    for (int waited = 0; waited < REAP_WAIT_MS; waited += 10) {
        pid_t done = waitpid(pid, NULL, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR))
            return;
        struct timespec pause = {0, 10 * 1000000L};
        nanosleep(&pause, NULL);
    }
}

void browser_process_stop(struct browser_process *p)
{
    if (p->pid > 0) {
        kill(-p->pid, SIGKILL); /* the group: the browser and every process it started */
        if (!p->reaped) {
            kill(p->pid, SIGKILL);
            reap(p->pid);
        }
        p->pid = 0;
    }
    if (p->to_browser >= 0)
        close(p->to_browser);
    if (p->from_browser >= 0)
        close(p->from_browser);
    p->to_browser = p->from_browser = -1;
    if (p->profile[0])
        nftw(p->profile, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    p->profile[0] = 0;
    buf_free(&p->out);
    buf_free(&p->in);
    p->out_sent = 0;
}

int browser_process_send(struct browser_process *p, json_t *message)
{
    char *text = json_dumps(message, JSON_COMPACT);
    json_decref(message);
    if (!text)
        return CP_ERR_NOMEM;
    int status = buf_append(&p->out, text, strlen(text) + 1); /* with its NUL: the frame's end */
    free(text);
    return status;
}

/* Write what the pipe takes now. False when the browser's end is closed. */
static bool flush(struct browser_process *p)
{
    while (p->out_sent < p->out.len) {
        ssize_t n = write(p->to_browser, p->out.data + p->out_sent, p->out.len - p->out_sent);
        if (n > 0) {
            p->out_sent += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    buf_reset(&p->out);
    p->out_sent = 0;
    return true;
}

/* Split what arrived into messages at each NUL; a message past max_message is dropped whole. */
static void take_bytes(struct browser_process *p, const char *data, size_t length,
                       void (*on_message)(json_t *message, void *context), void *context)
{
    while (length > 0) {
        const char *end = memchr(data, 0, length);
        size_t part = end ? (size_t)(end - data) : length;
        if (!p->skipping && p->in.len + part > p->max_message) {
            p->skipping = true;
            buf_reset(&p->in);
        }
        if (!p->skipping && buf_append(&p->in, data, part) != CP_OK) {
            p->skipping = true;
            buf_reset(&p->in);
        }
        if (end) {
            if (!p->skipping && p->in.len) {
                json_t *message = json_loadb(p->in.data, p->in.len, 0, NULL);
                if (message)
                    on_message(message, context);
                json_decref(message);
            }
            p->skipping = false;
            buf_reset(&p->in);
            part++;
        }
        data += part;
        length -= part;
    }
}

static bool read_available(struct browser_process *p, void (*on_message)(json_t *message, void *context), void *context)
{
    char chunk[65536];
    for (int rounds = 0; rounds < 256; rounds++) { /* bounded: the rest waits for the next pump */
        ssize_t n = read(p->from_browser, chunk, sizeof chunk);
        if (n > 0) {
            take_bytes(p, chunk, (size_t)n, on_message, context);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    return true;
}

bool browser_process_pump(struct browser_process *p, long wait_ms, void (*on_message)(json_t *message, void *context),
                          void *context)
{
    if (p->pid <= 0 || p->from_browser < 0)
        return false;
    struct pollfd fds[2] = {{p->from_browser, POLLIN, 0}, {p->to_browser, 0, 0}};
    if (p->out_sent < p->out.len)
        fds[1].events = POLLOUT;
    int ready = poll(fds, 2, wait_ms < 0 ? 0 : (int)wait_ms);
    if (ready < 0 && errno != EINTR)
        return false;
    if (p->out_sent < p->out.len && !flush(p))
        return false;
    if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !read_available(p, on_message, context))
        return false;
    if (fds[1].revents & POLLERR)
        return false;
    if (!p->reaped && waitpid(p->pid, NULL, WNOHANG) == p->pid)
        p->reaped = true;
    return !p->reaped;
}
