/* SPDX-License-Identifier: Apache-2.0 */
/* web/html_depth: the linear nesting-cap prescan (see html_depth.h for why).
 *
 * The scan follows the HTML tokenizer where it decides what is a tag (attribute values, comments,
 * raw text, CDATA) and keeps a small model of the tree builder's stack of open elements: which
 * elements push (not void ones, not those whose end tag may be omitted, not <a>; a self-closing
 * slash only in SVG and MathML), which end tags pop (the nearest open element of that name, unless
 * a special element or scope boundary stands in between, as the "any other end tag" and "in scope"
 * steps say; otherwise the end tag is ignored), and when content is foreign (inside <svg> or <math>
 * outside their HTML integration points, where there is no raw text and HTML breakout tags pop
 * back out). Where the model is unsure it counts too deep rather than too shallow: too deep only
 * flattens a pathological page earlier, too shallow lets the parser's quadratic tree building run. */
#include "web/html_depth.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"

static bool in_list(const char *name, size_t length, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(names[i]) == length && strncasecmp(name, names[i], length) == 0)
            return true;
    return false;
}

#define IN(name, length, list) in_list(name, length, list, sizeof list / sizeof list[0])

/* HTML names that never deepen the tree as the parser builds it: void elements, elements whose end
 * tag may be omitted (the next sibling closes them), and <a> (a new <a> closes the previous one). */
static bool is_flat_element(const char *name, size_t length)
{
    static const char *const names[] = {
        "a",       "area",  "base",  "br",     "col",   "embed",    "hr",      "img",      "input",
        "link",    "meta",  "param", "source", "track", "wbr",      "keygen",  "frame",    "basefont",
        "bgsound", "image", "p",     "li",     "dt",    "dd",       "option",  "optgroup", "tr",
        "td",      "th",    "tbody", "thead",  "tfoot", "colgroup", "caption", "rb",       "rt",
        "rp",      "rtc",   "html",  "head",   "body",
    };
    return IN(name, length, names);
}

/* Elements that carry signals of their own (region, inertness): blanked only at twice the cap. */
static bool is_signal_element(const char *name, size_t length)
{
    static const char *const names[] = {"nav", "header", "footer", "template", "noscript"};
    return IN(name, length, names);
}

/* HTML elements whose content is text up to the matching end tag. */
static bool is_raw_text_element(const char *name, size_t length)
{
    static const char *const names[] = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"};
    return IN(name, length, names);
}

/* The HTML standard's "special" category (the pushed ones matter; the rest are flat here). */
static bool is_special(const char *name, size_t length)
{
    static const char *const names[] = {
        "address", "applet",  "article",   "aside",    "blockquote", "button",   "caption", "center",   "details",
        "dir",     "div",     "dl",        "fieldset", "figcaption", "figure",   "footer",  "form",     "frameset",
        "h1",      "h2",      "h3",        "h4",       "h5",         "h6",       "header",  "hgroup",   "html",
        "iframe",  "listing", "main",      "marquee",  "menu",       "nav",      "noembed", "noframes", "noscript",
        "object",  "ol",      "plaintext", "pre",      "script",     "search",   "section", "select",   "style",
        "summary", "table",   "td",        "th",       "template",   "textarea", "title",   "ul",       "xmp",
    };
    return IN(name, length, names);
}

/* Elements that end the default scope: an end tag of a special element does not reach past them. */
static bool is_scope_boundary(const char *name, size_t length)
{
    static const char *const names[] = {"applet", "caption", "html",   "table",   "td",
                                        "th",     "marquee", "object", "template"};
    return IN(name, length, names);
}

/* SVG and MathML elements whose children are parsed as HTML (annotation-xml only with an HTML
 * encoding: counted as foreign, which can only count deeper). */
static bool is_integration_point(const char *name, size_t length)
{
    static const char *const names[] = {"foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext"};
    return IN(name, length, names);
}

/* HTML start tags that end foreign content (the tree builder pops back to HTML for them). */
static bool is_breakout(const char *name, size_t length)
{
    static const char *const names[] = {
        "b",     "big",   "blockquote", "body",   "br",   "center", "code",  "dd", "div",  "dl",   "dt",
        "em",    "embed", "h1",         "h2",     "h3",   "h4",     "h5",    "h6", "head", "hr",   "i",
        "img",   "li",    "listing",    "menu",   "meta", "nobr",   "ol",    "p",  "pre",  "ruby", "s",
        "small", "span",  "strong",     "strike", "sub",  "sup",    "table", "tt", "u",    "ul",   "var",
    };
    return IN(name, length, names);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
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

static size_t find_byte(const char *text, size_t length, size_t from, char c)
{
    const char *hit = from < length ? memchr(text + from, c, length - from) : NULL;
    return hit ? (size_t)(hit - text) : length;
}

static size_t skip_space(const char *text, size_t length, size_t at)
{
    while (at < length && is_space(text[at]))
        at++;
    return at;
}

/* Position after the '>' that ends the tag whose name ends at `at`, following the tokenizer's
 * attribute states: a quote opens a value only right after '=' (and spaces), so `<div '>` is an
 * attribute named "'", not a quoted run that hides the tags after it. */
static size_t tag_end(const char *text, size_t length, size_t at, bool *self_closing)
{
    *self_closing = false;
    for (;;) {
        at = skip_space(text, length, at);
        if (at >= length)
            return length;
        if (text[at] == '>')
            return at + 1;
        if (text[at] == '/') {
            at++;
            if (at < length && text[at] == '>') {
                *self_closing = true;
                return at + 1;
            }
            continue;
        }
        at++; /* the name's first character may be anything, even '=' */
        while (at < length && !is_space(text[at]) && text[at] != '/' && text[at] != '>' && text[at] != '=')
            at++;
        at = skip_space(text, length, at);
        if (at >= length || text[at] != '=')
            continue;
        at = skip_space(text, length, at + 1);
        if (at < length && (text[at] == '"' || text[at] == '\'')) {
            size_t close = find_byte(text, length, at + 1, text[at]);
            at = close < length ? close + 1 : length;
        } else {
            while (at < length && !is_space(text[at]) && text[at] != '>')
                at++;
        }
    }
}

/* Position after a comment whose "<!--" ends at `at`: "<!-->" and "<!--->" end at once, otherwise
 * the first "-->" or "--!>" ends it. */
static size_t comment_end(const char *text, size_t length, size_t at)
{
    if (at < length && text[at] == '>')
        return at + 1;
    if (at + 1 < length && text[at] == '-' && text[at + 1] == '>')
        return at + 2;
    for (;;) {
        size_t dashes = find_bytes(text, length, at, "--");
        if (dashes >= length)
            return length;
        if (dashes + 2 < length && text[dashes + 2] == '>')
            return dashes + 3;
        if (dashes + 3 < length && text[dashes + 2] == '!' && text[dashes + 3] == '>')
            return dashes + 4;
        at = dashes + 1;
    }
}

/* Position of the "</name" that ends raw text (followed by space, '/' or '>'), or length. */
static size_t find_end_tag(const char *text, size_t length, size_t from, const char *name, size_t name_length)
{
    for (;;) {
        size_t at = find_bytes(text, length, from, "</");
        if (at >= length)
            return length;
        size_t after = at + 2 + name_length;
        if (after <= length && strncasecmp(text + at + 2, name, name_length) == 0 &&
            (after == length || is_space(text[after]) || text[after] == '/' || text[after] == '>'))
            return at;
        from = at + 2;
    }
}

struct open_element {
    const char *name;
    size_t length;
    bool foreign; /* an SVG or MathML element */
};

struct depth_state {
    const char *text;
    size_t length;
    size_t max_depth;
    char *copy;
    struct open_element *stack; /* at most 2 * max_depth entries: pushes beyond are blanked */
    size_t depth;
    size_t excess; /* start tags blanked whose end tags have not been seen */
    size_t blanked;
};

/* Content is foreign when the current node is an SVG/MathML element that is not an integration
 * point. */
static bool in_foreign_content(const struct depth_state *state)
{
    if (state->depth == 0)
        return false;
    const struct open_element *top = &state->stack[state->depth - 1];
    return top->foreign && !is_integration_point(top->name, top->length);
}

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

/* A start tag that pushes an element: pushed within the cap, else blanked. */
static int push(struct depth_state *state, const char *name, size_t length, bool foreign, size_t from, size_t to)
{
    size_t limit = is_signal_element(name, length) ? 2 * state->max_depth : state->max_depth;
    if (state->depth >= limit) {
        state->excess++;
        state->blanked++;
        return blank(state, from, to);
    }
    state->stack[state->depth++] = (struct open_element){name, length, foreign};
    return CP_OK;
}

/* An end tag pops the nearest open element of its name, unless an element it may not reach past
 * comes first (then the parser ignores it, and so do we). */
static void pop_to_match(struct depth_state *state, const char *name, size_t length)
{
    bool special = is_special(name, length);
    for (size_t i = state->depth; i-- > 0;) {
        const struct open_element *open = &state->stack[i];
        if (open->length == length && strncasecmp(open->name, name, length) == 0) {
            state->depth = i;
            return;
        }
        bool barrier = open->foreign ? is_integration_point(open->name, open->length)
                       : special     ? is_scope_boundary(open->name, open->length)
                                     : is_special(open->name, open->length);
        if (barrier)
            return;
    }
}

static int end_tag(struct depth_state *state, const char *name, size_t length, size_t from, size_t to)
{
    if (is_flat_element(name, length))
        return CP_OK;
    if (state->excess > 0 && state->depth >= state->max_depth) {
        state->excess--;
        return blank(state, from, to);
    }
    pop_to_match(state, name, length);
    return CP_OK;
}

/* A start tag; *raw_text is set when its content is text up to its end tag. */
static int start_tag(struct depth_state *state, const char *name, size_t length, bool self_closing, size_t from,
                     size_t to, bool *raw_text)
{
    *raw_text = false;
    if (in_foreign_content(state)) {
        if (!is_breakout(name, length))
            return self_closing ? CP_OK : push(state, name, length, true, from, to);
        while (in_foreign_content(state))
            state->depth--;
    }
    bool foreign = (length == 3 && strncasecmp(name, "svg", 3) == 0) ||
                   (length == 4 && strncasecmp(name, "math", 4) == 0);
    if (foreign)
        return self_closing ? CP_OK : push(state, name, length, true, from, to);
    if (is_raw_text_element(name, length)) {
        *raw_text = true;
        return CP_OK;
    }
    if (is_flat_element(name, length))
        return CP_OK;
    return push(state, name, length, false, from, to); /* "<div/>" opens a div all the same */
}

/* One markup construct starting with the '<' at `at`; returns the position after it. */
static int scan_markup(struct depth_state *state, size_t at, size_t *next, bool *stop)
{
    const char *text = state->text;
    size_t length = state->length, start = at;
    if (length - at >= 4 && memcmp(text + at, "<!--", 4) == 0) {
        *next = comment_end(text, length, at + 4);
        return CP_OK;
    }
    if (length - at >= 9 && memcmp(text + at, "<![CDATA[", 9) == 0 && in_foreign_content(state)) {
        size_t close = find_bytes(text, length, at + 9, "]]>");
        *next = close < length ? close + 3 : length;
        return CP_OK;
    }
    bool is_end = at + 1 < length && text[at + 1] == '/';
    size_t name_start = at + 1 + (is_end ? 1 : 0);
    if (name_start < length && (text[at + 1] == '!' || text[at + 1] == '?' ||
                                (is_end && !is_alpha(text[name_start]) && text[name_start] != '>'))) {
        size_t close = find_byte(text, length, name_start, '>'); /* a bogus comment */
        *next = close < length ? close + 1 : length;
        return CP_OK;
    }
    if (name_start >= length || !is_alpha(text[name_start])) {
        *next = name_start;
        return CP_OK;
    }
    size_t name_end = name_start;
    while (name_end < length && !is_space(text[name_end]) && text[name_end] != '>' && text[name_end] != '/')
        name_end++;
    const char *name = text + name_start;
    size_t name_length = name_end - name_start;
    bool self_closing;
    at = tag_end(text, length, name_end, &self_closing);
    *next = at;
    if (is_end)
        return end_tag(state, name, name_length, start, at);
    bool foreign_before = in_foreign_content(state);
    if (!foreign_before && name_length == 9 && strncasecmp(name, "plaintext", 9) == 0) {
        *stop = true;
        return CP_OK;
    }
    bool raw_text;
    int status = start_tag(state, name, name_length, self_closing, start, at, &raw_text);
    if (raw_text)
        *next = find_end_tag(text, length, at, name, name_length);
    return status;
}

int html_depth_cap(const char *text, size_t length, size_t max_depth, char **copy, size_t *blanked)
{
    struct depth_state state = {text, length, max_depth ? max_depth : 1, NULL, NULL, 0, 0, 0};
    state.stack = malloc(2 * state.max_depth * sizeof *state.stack);
    if (!state.stack)
        return CP_ERR_NOMEM;
    size_t at = 0;
    bool stop = false;
    int status = CP_OK;
    while (status == CP_OK && !stop && (at = find_byte(text, length, at, '<')) < length)
        status = scan_markup(&state, at, &at, &stop);
    free(state.stack);
    if (status != CP_OK) {
        free(state.copy);
        return status;
    }
    *copy = state.copy;
    *blanked = state.blanked;
    return CP_OK;
}
