/* SPDX-License-Identifier: Apache-2.0 */
/* tests/url/fuzz_url: libFuzzer target for web/url.
 *
 * Each input is parsed alone and against a fixed base. Whatever parses must satisfy the parser's
 * invariants: the href re-parses to itself (the serialisation is a fixed point; for a crawlable URL
 * to the same components and port too, as the crawl's identity of a link parsed once relies on), the components
 * are slices inside href that tile it in order, and the crawl identity is a fixed point too
 * (identity of the identity's URL is the same string). Any failure aborts so libFuzzer reports it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/url.h"

static const struct url_identity_options strip_tracking = {
    (const char *const[]){"utm_*", "gclid"},
    2,
};

static void require(int condition, const char *what, const struct url *url)
{
    if (condition)
        return;
    fprintf(stderr, "invariant broken: %s (href \"%s\")\n", what, url->href);
    abort();
}

static int part_inside(const struct url *url, struct url_part part)
{
    return (size_t)part.offset + part.length <= url->href_length;
}

static void check_parts(const struct url *url)
{
    require(strlen(url->href) == url->href_length, "href_length is the string's length", url);
    const struct url_part parts[] = {url->protocol,  url->username, url->password, url->host, url->hostname,
                                     url->port_text, url->pathname, url->search,   url->hash};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        require(part_inside(url, parts[i]), "component inside href", url);
    require(url->protocol.offset == 0 && url->href[url->protocol.length - 1] == ':', "protocol ends in ':'", url);
    require(url->pathname.offset <= url->search.offset && url->search.offset <= url->hash.offset,
            "path, query and fragment in order", url);
    require(url->search.length == 0 || url->href[url->search.offset] == '?', "search starts with '?'", url);
    require(url->hash.length == 0 || url->href[url->hash.offset] == '#', "hash starts with '#'", url);
    require(url->hash.length == 0 || url->hash.offset + url->hash.length == url->href_length, "hash ends href", url);
    require(url->port >= -1 && url->port <= 65535, "port in range", url);
}

static void check_round_trip(const struct url *url)
{
    struct url again;
    enum url_error error = url_parse(url->href, url->href_length, NULL, NULL, &again);
    require(error == URL_OK, "href re-parses", url);
    require(again.href_length == url->href_length && memcmp(again.href, url->href, url->href_length) == 0,
            "href re-parses to itself", url);
    if (url_is_crawlable(url)) {
        require(again.scheme == url->scheme && again.port == url->port, "same scheme and port again", url);
        const struct url_part a[] = {url->protocol,  url->username, url->password, url->host, url->hostname,
                                     url->port_text, url->pathname, url->search,   url->hash};
        const struct url_part b[] = {again.protocol,  again.username, again.password, again.host, again.hostname,
                                     again.port_text, again.pathname, again.search,   again.hash};
        for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
            require(a[i].offset == b[i].offset && a[i].length == b[i].length, "same components again", url);
    }
    url_free(&again);
}

static void check_identity(const struct url *url)
{
    char *identity = NULL;
    if (url_identity(url, &strip_tracking, &identity) != URL_OK)
        return; /* out of memory is not a bug */
    require(strlen(identity) <= url->href_length, "identity no longer than href", url);
    struct url reparsed;
    if (url_is_crawlable(url) && url_parse_str(identity, NULL, &reparsed) == URL_OK) {
        char *again = NULL;
        if (url_identity(&reparsed, &strip_tracking, &again) == URL_OK)
            require(strcmp(identity, again) == 0, "identity is a fixed point", url);
        free(again);
        url_free(&reparsed);
    }
    free(identity);
}

static void check(const struct url *url)
{
    char origin[URL_DEFAULT_MAX_LENGTH + 16];
    size_t length;
    check_parts(url);
    check_round_trip(url);
    check_identity(url);
    require(url_origin(url, origin, sizeof origin) > 0, "origin fits", url);
    (void)url_path_and_query(url, &length);
    require(url->pathname.offset + length <= url->href_length, "path and query inside href", url);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct url base;
    static int have_base;
    if (!have_base)
        have_base = url_parse_str("https://user:pw@example.com:8080/dir/page.html?q=1#frag", NULL, &base) == URL_OK;
    struct url url;
    if (url_parse((const char *)data, size, NULL, NULL, &url) == URL_OK) {
        check(&url);
        url_free(&url);
    }
    if (url_parse((const char *)data, size, &base, NULL, &url) == URL_OK) {
        check(&url);
        url_free(&url);
    }
    return 0;
}
