/* SPDX-License-Identifier: Apache-2.0 */
/* web/local_root: answer crawl requests from a build folder instead of a server.
 *
 * `--root DIR --site-url URL` audits a static site before it is deployed: a URL under URL maps to a
 * file under DIR ("/a/" -> a/index.html; "/a" -> the file a, else a.html, else a/index.html), and
 * the answer has the same shape as a network response (struct fetch_result), so the crawl runs the
 * same pipeline and produces the same findings. A file is 200 with a content type from its
 * extension; a missing file, or a URL outside URL, is 404 (with the folder's 404.html as body when
 * it has one, as static hosts answer). robots.txt and sitemaps are files too.
 * The query string is ignored (a folder has no server to read it); ".." never leaves DIR.
 *
 * Threads: a struct local_root is immutable after local_root_new; any thread may call
 * local_root_fetch. Memory: local_root_new copies its arguments; results belong to the caller.
 * Errors: local_root_new returns CP_ERR_INVALID with a message in error (naming the folder or URL);
 * local_root_fetch returns CP_OK or CP_ERR_NOMEM, and a read failure becomes a result whose
 * error_class is HTTP_ERROR_OTHER with the file named in error. */
#ifndef CRAWLPACK_WEB_LOCAL_ROOT_H
#define CRAWLPACK_WEB_LOCAL_ROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

#include "web/fetch.h"

struct local_root;

int local_root_new(const char *dir, const char *site_url, struct local_root **out, char *error, size_t error_size);
void local_root_free(struct local_root *root);

/* The site URL as parsed (its href), e.g. "https://example.com/docs/". */
const char *local_root_site_url(const struct local_root *root);

/* The file a URL maps to, as DIR/relative/path with repeated slashes and "./" tidied away (so
 * "public/" + "/a/" reads "public/a/index.html"), into path; false when the URL is outside the site
 * or no file answers it. Used to name findings by file for code-scanning UIs (SARIF). */
bool local_root_file(const struct local_root *root, const char *url, struct buf *path);

/* Answer a request for url (absolute). max_body 0 means FETCH_DEFAULT_MAX_BODY. */
int local_root_fetch(const struct local_root *root, const char *url, size_t max_body, void *user_data,
                     struct fetch_result **out);

#endif
