/* SPDX-License-Identifier: Apache-2.0 */
/* web/browser_proxy: the proxy flags that send Chromium where libcurl sends the crawl (see
 * browser_internal.h). libcurl reads the proxy environment variables itself; the browser does
 * not (crawlpack starts it with an explicit proxy or none), so the same choice is made here, in
 * libcurl's order: -x, else http_proxy / https_proxy / HTTPS_PROXY / all_proxy / ALL_PROXY; and
 * --noproxy, else no_proxy / NO_PROXY. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/error.h"
#include "web/browser_internal.h"

/* libcurl's proxy for a scheme when -x is not given: http_proxy (lower case only, as curl), else
 * SCHEME_proxy or its upper case, else all_proxy / ALL_PROXY. */
static const char *environment_proxy(const char *scheme)
{
    char name[32];
    snprintf(name, sizeof name, "%s_proxy", scheme);
    const char *value = getenv(name);
    if ((!value || !*value) && strcmp(scheme, "http") != 0) {
        for (char *p = name; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        value = getenv(name);
    }
    if (!value || !*value)
        value = getenv("all_proxy");
    if (!value || !*value)
        value = getenv("ALL_PROXY");
    return value && *value ? value : NULL;
}

/* curl's "[scheme://][user:password@]host[:port]" as Chromium's "scheme://host:port": curl's
 * schemes by Chromium's names, curl's default ports (1080, 443 for https) written out, the
 * credentials left out (Chromium takes none on its command line). */
static void chromium_proxy(struct buf *out, const char *proxy)
{
    static const char *const schemes[][2] = {{"http", "http"},      {"https", "https"},   {"socks4", "socks4"},
                                             {"socks4a", "socks4"}, {"socks5", "socks5"}, {"socks5h", "socks5"}};
    const char *scheme = "http", *rest = proxy, *sep = strstr(proxy, "://");
    if (sep) {
        for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
            if ((size_t)(sep - proxy) == strlen(schemes[i][0]) && strncasecmp(proxy, schemes[i][0], sep - proxy) == 0)
                scheme = schemes[i][1];
        rest = sep + 3;
    }
    size_t authority = strcspn(rest, "/?#");
    const char *at = memchr(rest, '@', authority);
    if (at) {
        authority -= (size_t)(at + 1 - rest);
        rest = at + 1;
    }
    const char *close = rest[0] == '[' ? memchr(rest, ']', authority) : NULL; /* an IPv6 literal */
    const char *port = memchr(close ? close : rest, ':', authority - (size_t)((close ? close : rest) - rest));
    buf_printf(out, "%s://%.*s", scheme, (int)authority, rest);
    if (!port)
        buf_printf(out, ":%s", strcmp(scheme, "https") == 0 ? "443" : "1080");
}

/* --noproxy (else no_proxy / NO_PROXY) as Chromium's bypass list: curl's "example.com" is the host
 * and its subdomains; "<-loopback>" because curl proxies loopback names too (Chromium would not). */
static void bypass_list(struct buf *out, const char *noproxy)
{
    buf_append_str(out, "--proxy-bypass-list=<-loopback>");
    for (const char *p = noproxy; p && *p;) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        const char *host = p;
        p += n;
        if (n && *host == '.')
            host++, n--;
        if (n)
            buf_printf(out, ";%.*s;*.%.*s", (int)n, host, (int)n, host);
    }
}

int browser_proxy_flags(const struct fetch_options *f, char **proxy_flag, char **bypass_flag)
{
    *proxy_flag = *bypass_flag = NULL;
    const char *noproxy = f && f->noproxy ? f->noproxy : getenv("no_proxy");
    if (!(f && f->noproxy) && (!noproxy || !*noproxy))
        noproxy = getenv("NO_PROXY");
    if (noproxy && strcmp(noproxy, "*") == 0)
        return CP_OK; /* every host reached directly */
    const char *http = f && f->proxy ? f->proxy : environment_proxy("http");
    const char *https = f && f->proxy ? f->proxy : environment_proxy("https");
    if (!http && !https)
        return CP_OK;
    struct buf flag = BUF_INIT, bypass = BUF_INIT;
    buf_append_str(&flag, "--proxy-server=");
    if (http) {
        buf_append_str(&flag, "http=");
        chromium_proxy(&flag, http);
    }
    if (https) {
        buf_append_str(&flag, http ? ";https=" : "https=");
        chromium_proxy(&flag, https);
    }
    bypass_list(&bypass, noproxy);
    *proxy_flag = buf_detach(&flag);
    *bypass_flag = buf_detach(&bypass);
    if (*proxy_flag && *bypass_flag)
        return CP_OK;
    free(*proxy_flag);
    free(*bypass_flag);
    *proxy_flag = *bypass_flag = NULL;
    return CP_ERR_NOMEM;
}
