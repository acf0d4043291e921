/* SPDX-License-Identifier: Apache-2.0 */
/* web/bot_wall: rate limits and bot-protection walls (see bot_wall.h). */
#include "web/bot_wall.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Headers that only protection layers put on their own answers. */
static const char *const protection_headers[] = {"cf-mitigated", "x-datadome", "x-amzn-waf-action", "x-iinfo"};

/* Markers of challenge and block pages, with the layer they name. */
static const struct {
    const char *marker;
    const char *layer;
} challenge_markers[] = {
    {"/cdn-cgi/challenge-platform", "Cloudflare challenge page"},
    {"cf_chl_opt", "Cloudflare challenge page"},
    {"<title>Just a moment...</title>", "Cloudflare challenge page"},
    {"Attention Required! | Cloudflare", "Cloudflare block page"},
    {"captcha-delivery.com", "DataDome challenge page"},
    {"_Incapsula_Resource", "Imperva challenge page"},
    {"px-captcha", "PerimeterX/HUMAN challenge page"},
    {"AwsWafIntegration", "AWS WAF challenge page"},
    {"Sucuri WebSite Firewall", "Sucuri block page"},
    {"sgcaptcha", "SiteGround challenge page"},
    {"DDoS-Guard", "DDoS-Guard challenge page"},
};

#define BODY_LOOKED_AT (64u << 10)

bool bot_wall_header_name(const char *name, size_t length)
{
    for (size_t i = 0; i < sizeof protection_headers / sizeof protection_headers[0]; i++)
        if (strlen(protection_headers[i]) == length && strncasecmp(name, protection_headers[i], length) == 0)
            return true;
    return false;
}

static bool contains(const char *haystack, size_t length, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *at = haystack; n <= length && (size_t)(at - haystack) <= length - n; at++) {
        at = memchr(at, needle[0], length - n + 1 - (size_t)(at - haystack));
        if (!at)
            return false;
        if (memcmp(at, needle, n) == 0)
            return true;
    }
    return false;
}

static const char *challenge_layer(const char *body, size_t length)
{
    if (!body)
        return NULL;
    size_t n = length < BODY_LOOKED_AT ? length : BODY_LOOKED_AT;
    for (size_t i = 0; i < sizeof challenge_markers / sizeof challenge_markers[0]; i++)
        if (contains(body, n, challenge_markers[i].marker))
            return challenge_markers[i].layer;
    return NULL;
}

static void retry_after_text(long retry_after_ms, char *out, size_t size)
{
    if (retry_after_ms >= 0)
        snprintf(out, size, ", Retry-After %ld s", retry_after_ms / 1000);
    else
        out[0] = '\0';
}

bool bot_wall_detect(const struct fetch_result *r, char *reason, size_t size)
{
    char retry[48];
    retry_after_text(r->retry_after_ms, retry, sizeof retry);
    if (r->status == 429) {
        snprintf(reason, size, "rate limited (HTTP 429%s)", retry);
        return true;
    }
    if (r->status != 403 && r->status != 503)
        return false;
    if (r->bot_header) {
        snprintf(reason, size, "bot protection (HTTP %ld, %s)", r->status, r->bot_header);
        return true;
    }
    const char *layer = challenge_layer(r->body, r->body_length);
    if (layer) {
        snprintf(reason, size, "bot protection (HTTP %ld, %s)", r->status, layer);
        return true;
    }
    if (r->status == 403 && r->server && strncasecmp(r->server, "AkamaiGHost", 11) == 0) {
        snprintf(reason, size, "bot protection (HTTP 403, Server: AkamaiGHost)");
        return true;
    }
    if (r->status == 503 && r->retry_after_ms >= 0) {
        snprintf(reason, size, "unavailable for now (HTTP 503%s): a rate limit or maintenance", retry);
        return true;
    }
    return false;
}
