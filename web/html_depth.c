/* web/html_depth: the linear nesting-cap prescan (see html_depth.h for why). */
#include "web/html_depth.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"

/* Names that never deepen the tree as the parser builds it: void elements, elements whose end tag
 * may be omitted (the next sibling closes them), and <a> (a new <a> closes the previous one). */
static bool is_flat_element(const char *name, size_t length)
{
    static const char *const names[] = {
        "a", "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "keygen", "frame", "basefont", "bgsound", "image",
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot",
        "colgroup", "caption", "rb", "rt", "rp", "rtc", "html", "head", "body",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == length && strncasecmp(name, names[i], length) == 0)
            return true;
    return false;
}

/* Elements that carry signals of their own (region, inertness): blanked only at twice the cap. */
static bool is_signal_element(const char *name, size_t length)
{
    static const char *const names[] = {"nav", "header", "footer", "template", "noscript"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == length && strncasecmp(name, names[i], length) == 0)
            return true;
    return false;
}

/* Elements whose content is text up to the matching end tag. */
static bool is_raw_text_element(const char *name, size_t length)
{
    static const char *const names[] = {"script", "style", "textarea", "title", "xmp",
                                        "iframe", "noembed", "noframes"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == length && strncasecmp(name, names[i], length) == 0)
            return true;
    return false;
}

static size_t find_bytes(const char *text, size_t length, size_t from, const char *needle)
{
    size_t needle_length = strlen(needle);
    while (from + needle_length <= length) {
        const char *hit = memchr(text + from, needle[0], length - from - needle_length + 1);
        if (!hit)
            break;
        from = (size_t)(hit - text);
        if (memcmp(hit, needle, needle_length) == 0)
            return from;
        from++;
    }
    return length;
}

/* Position after the '>' closing the tag whose name ends at `at`; quoted values may hold '>'. */
static size_t tag_end(const char *text, size_t length, size_t at, bool *self_closing)
{
    char quote = 0;
    for (; at < length; at++) {
        char c = text[at];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            if (at > 0 && (text[at - 1] == '=' || isspace((unsigned char)text[at - 1])))
                quote = c;
        } else if (c == '>') {
            *self_closing = at > 0 && text[at - 1] == '/';
            return at + 1;
        }
    }
    *self_closing = false;
    return length;
}

/* Position of "</name" (case-insensitive) at or after from, or length. */
static size_t find_end_tag(const char *text, size_t length, size_t from, const char *name, size_t name_length)
{
    for (;;) {
        size_t at = find_bytes(text, length, from, "</");
        if (at >= length)
            return length;
        if (length - at - 2 >= name_length && strncasecmp(text + at + 2, name, name_length) == 0)
            return at;
        from = at + 2;
    }
}

struct depth_state {
    const char *text;
    size_t length;
    char *copy;
    size_t depth;
    size_t excess;   /* start tags blanked whose end tags have not been seen */
    size_t blanked;
};

static int blank(struct depth_state *state, size_t from, size_t to)
{
    if (!state->copy) {
        state->copy = malloc(state->length + 1);
        if (!state->copy)
            return CP_ERR_NOMEM;
        memcpy(state->copy, state->text, state->length);
        state->copy[state->length] = '\0';
    }
    memset(state->copy + from, ' ', to - from);
    return CP_OK;
}

int html_depth_cap(const char *text, size_t length, size_t max_depth, char **copy, size_t *blanked)
{
    struct depth_state state = {text, length, NULL, 0, 0, 0};
    size_t at = 0;
    int status = CP_OK;
    while (status == CP_OK && (at = find_bytes(text, length, at, "<")) < length) {
        size_t start = at;
        if (length - at >= 4 && memcmp(text + at, "<!--", 4) == 0) {
            size_t close = find_bytes(text, length, at + 4, "-->");
            at = close < length ? close + 3 : length;
            continue;
        }
        bool is_end = at + 1 < length && text[at + 1] == '/';
        size_t name_start = at + 1 + (is_end ? 1 : 0);
        if (name_start >= length || !isalpha((unsigned char)text[name_start])) {
            at = name_start;
            continue;
        }
        size_t name_end = name_start;
        while (name_end < length && !isspace((unsigned char)text[name_end]) && text[name_end] != '>' &&
               text[name_end] != '/')
            name_end++;
        const char *name = text + name_start;
        size_t name_length = name_end - name_start;
        bool self_closing;
        at = tag_end(text, length, name_end, &self_closing);
        if (name_length == 9 && strncasecmp(name, "plaintext", 9) == 0 && !is_end)
            break;
        if (!is_end && is_raw_text_element(name, name_length)) {
            at = find_end_tag(text, length, at, name, name_length);
            continue;
        }
        if (is_flat_element(name, name_length) || self_closing)
            continue;
        if (is_end) {
            if (state.excess > 0 && state.depth >= max_depth) {
                state.excess--;
                status = blank(&state, start, at);
            } else if (state.depth > 0) {
                state.depth--;
            }
        } else if (state.depth >= max_depth &&
                   (!is_signal_element(name, name_length) || state.depth >= 2 * max_depth)) {
            state.excess++;
            state.blanked++;
            status = blank(&state, start, at);
        } else {
            state.depth++;
        }
    }
    if (status != CP_OK) {
        free(state.copy);
        return status;
    }
    *copy = state.copy;
    *blanked = state.blanked;
    return CP_OK;
}
