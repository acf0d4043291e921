/* SPDX-License-Identifier: Apache-2.0 */
/* cli/version: `crawlpack --version` (-V, `crawlpack version`): crawlpack's version and the
 * libraries it runs with, like `curl -V`, so a bug report says which libcurl, TLS library and
 * parsers took part. Run-time versions where the library can tell (libcurl, libxml2, libyaml,
 * sqlite, jansson, libidn2, zlib, jemalloc); gumbo's is the one it was built against. */
#include <curl/curl.h>
#include <idn2.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <sqlite3.h>
#include <stdio.h>
#include <yaml.h>
#include <zlib.h>
#ifdef CRAWLPACK_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "cli/cli.h"

#ifndef CRAWLPACK_GUMBO_VERSION
#define CRAWLPACK_GUMBO_VERSION "unknown"
#endif

/* libxml2 reports its version as a number string: "21014" is 2.10.14. */
static void print_libxml2_version(void)
{
    int number = 0;
    sscanf(xmlParserVersion, "%d", &number);
    printf("libxml2 %d.%d.%d\n", number / 10000, number / 100 % 100, number % 100);
}

/* The allocator the program runs with: jemalloc's own answer when it is linked (CMakeLists.txt),
 * so a build that only thinks it has it says otherwise. */
static void print_allocator(void)
{
#ifdef CRAWLPACK_JEMALLOC
    const char *version = NULL;
    size_t size = sizeof version;
    if (mallctl("version", &version, &size, NULL, 0) == 0 && version) {
        printf("malloc jemalloc %s\n", version);
        return;
    }
#endif
    puts("malloc system (the C library's, or a sanitizer's)");
}

/* curl -V's feature names for the bits crawlpack relies on. */
static void print_curl_features(const curl_version_info_data *curl)
{
    static const struct {
        int bit;
        const char *name;
    } features[] = {
        {CURL_VERSION_SSL, "SSL"},   {CURL_VERSION_HTTP2, "HTTP2"},         {CURL_VERSION_HTTP3, "HTTP3"},
        {CURL_VERSION_LIBZ, "libz"}, {CURL_VERSION_BROTLI, "brotli"},       {CURL_VERSION_IDN, "IDN"},
        {CURL_VERSION_IPV6, "IPv6"}, {CURL_VERSION_ASYNCHDNS, "AsynchDNS"}, {CURL_VERSION_HSTS, "HSTS"},
    };
    fputs("Features:", stdout);
    for (size_t i = 0; i < sizeof features / sizeof features[0]; i++)
        if (curl->features & features[i].bit)
            printf(" %s", features[i].name);
    fputs("\nProtocols used: http https\n", stdout);
}

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
    printf("crawlpack %s\n", CRAWLPACK_VERSION);
    printf("libcurl %s", curl->version);
    if (curl->nghttp2_version)
        printf(" nghttp2/%s", curl->nghttp2_version);
    if (curl->brotli_version)
        printf(" brotli/%s", curl->brotli_version);
    if (curl->libz_version)
        printf(" zlib/%s", curl->libz_version);
    printf("\nTLS %s\n", curl->ssl_version ? curl->ssl_version : "none");
    print_libxml2_version();
    printf("gumbo %s (built with)\n", CRAWLPACK_GUMBO_VERSION);
    printf("libyaml %s\n", yaml_get_version_string());
    printf("sqlite %s\n", sqlite3_libversion());
    printf("jansson %s\n", jansson_version_str());
    printf("libidn2 %s\n", idn2_check_version(NULL));
    printf("zlib %s\n", zlibVersion());
    print_allocator();
    print_curl_features(curl);
    return EXIT_OK;
}
