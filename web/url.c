/* SPDX-License-Identifier: Apache-2.0 */
/* web/url: the WHATWG basic URL parser, its serialisation, and the crawl identity.
 *
 * The parser follows the standard's state machine, but writes the serialisation directly while it
 * reads: the components of a URL come out in the order they are serialised (scheme, credentials,
 * host, port, path, query, fragment), so the href is built in one pass into a scratch buffer and
 * copied into one malloc'd string at the end. Dot segments are resolved by truncating that buffer.
 * See url.h for the contract. */
#include "web/url.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

/* Scratch space on the stack for the default cap: the preprocessed input and the href under
 * construction. A larger configured cap uses one extra heap buffer for the scratch. */
#define URL_STACK_SCRATCH (2 * (URL_DEFAULT_MAX_LENGTH + 1))

/* The href under construction and where its components are. Offsets index out. */
struct builder {
    char *out;
    size_t len;
    size_t cap;
    bool overflow; /* a write did not fit: the result is longer than the cap */
    bool special;
    bool has_host; /* host is not null (it may be the empty string) */
    bool opaque_path;
    enum url_scheme scheme;
    int port;             /* explicit non-default port, else -1 */
    size_t scheme_length; /* without the colon */
    size_t username_start, username_end;
    size_t password_start, password_end;
    size_t host_start, host_end; /* hostname */
    size_t port_start, port_end; /* digits after the colon */
    size_t path_start;
    size_t query_start;    /* at '?'; == fragment_start when there is no query */
    size_t fragment_start; /* at '#'; == len when there is no fragment */
};

struct parser {
    const char *in; /* preprocessed input: trimmed, tab/LF/CR removed */
    size_t n;
    size_t pos;
    const struct url *base;
    const struct url_query_encoder *query_encoder; /* NULL: the query is UTF-8 */
    struct builder b;
};

/* ---- character classes ---- */

static bool is_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}
static bool is_hex(unsigned char c)
{
    return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
static int hex_value(unsigned char c)
{
    return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}
static char to_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

enum encode_set { ENCODE_C0, ENCODE_FRAGMENT, ENCODE_QUERY, ENCODE_SPECIAL_QUERY, ENCODE_PATH, ENCODE_USERINFO };

/* The standard's percent-encode sets, and its forbidden host and domain code points, as one bit
 * each in a table indexed by byte (looked up for every byte of every URL). Bytes outside printable
 * ASCII are in every encode set. */
#define CLASS_FORBIDDEN_HOST 6
#define CLASS_FORBIDDEN_DOMAIN 7
#define IN_FRAGMENT_SET(c) ((c) == ' ' || (c) == '"' || (c) == '<' || (c) == '>' || (c) == '`')
#define IN_QUERY_SET(c) ((c) == ' ' || (c) == '"' || (c) == '#' || (c) == '<' || (c) == '>')
#define IN_SPECIAL_QUERY_SET(c) (IN_QUERY_SET(c) || (c) == '\'')
#define IN_PATH_SET(c) (IN_QUERY_SET(c) || (c) == '?' || (c) == '^' || (c) == '`' || (c) == '{' || (c) == '}')
#define IN_USERINFO_SET(c)                                                                   \
    (IN_PATH_SET(c) || (c) == '/' || (c) == ':' || (c) == ';' || (c) == '=' || (c) == '@' || \
     ((c) >= '[' && (c) <= '^') || (c) == '|')
#define IS_FORBIDDEN_HOST(c)                                                                                          \
    ((c) == 0 || (c) == '\t' || (c) == '\n' || (c) == '\r' || (c) == ' ' || (c) == '#' || (c) == '/' || (c) == ':' || \
     (c) == '<' || (c) == '>' || (c) == '?' || (c) == '@' || (c) == '[' || (c) == '\\' || (c) == ']' || (c) == '^' || \
     (c) == '|')
#define IS_FORBIDDEN_DOMAIN(c) (IS_FORBIDDEN_HOST(c) || (c) < 0x20 || (c) == '%' || (c) == 0x7f)
#define BIT_IF(condition, bit) ((condition) ? 1u << (bit) : 0u)
#define CHARACTER_CLASS(c)                                                                                    \
    (((c) < 0x20 || (c) > 0x7e                                                                                \
          ? 0x3fu                                                                                             \
          : BIT_IF(IN_FRAGMENT_SET(c), ENCODE_FRAGMENT) | BIT_IF(IN_QUERY_SET(c), ENCODE_QUERY) |             \
                BIT_IF(IN_SPECIAL_QUERY_SET(c), ENCODE_SPECIAL_QUERY) | BIT_IF(IN_PATH_SET(c), ENCODE_PATH) | \
                BIT_IF(IN_USERINFO_SET(c), ENCODE_USERINFO)) |                                                \
     BIT_IF(IS_FORBIDDEN_HOST(c), CLASS_FORBIDDEN_HOST) | BIT_IF(IS_FORBIDDEN_DOMAIN(c), CLASS_FORBIDDEN_DOMAIN))
#define CLASS_ROW(r)                                                                                      \
    CHARACTER_CLASS(r + 0), CHARACTER_CLASS(r + 1), CHARACTER_CLASS(r + 2), CHARACTER_CLASS(r + 3),       \
        CHARACTER_CLASS(r + 4), CHARACTER_CLASS(r + 5), CHARACTER_CLASS(r + 6), CHARACTER_CLASS(r + 7),   \
        CHARACTER_CLASS(r + 8), CHARACTER_CLASS(r + 9), CHARACTER_CLASS(r + 10), CHARACTER_CLASS(r + 11), \
        CHARACTER_CLASS(r + 12), CHARACTER_CLASS(r + 13), CHARACTER_CLASS(r + 14), CHARACTER_CLASS(r + 15)

static const uint8_t character_classes[256] = {
    CLASS_ROW(0x00), CLASS_ROW(0x10), CLASS_ROW(0x20), CLASS_ROW(0x30), CLASS_ROW(0x40), CLASS_ROW(0x50),
    CLASS_ROW(0x60), CLASS_ROW(0x70), CLASS_ROW(0x80), CLASS_ROW(0x90), CLASS_ROW(0xa0), CLASS_ROW(0xb0),
    CLASS_ROW(0xc0), CLASS_ROW(0xd0), CLASS_ROW(0xe0), CLASS_ROW(0xf0),
};

static bool needs_encoding(unsigned char c, enum encode_set set)
{
    return character_classes[c] & (1u << set);
}

/* Forbidden host code points (the standard's list); '%' is allowed in opaque hosts. */
static bool is_forbidden_host_byte(unsigned char c)
{
    return character_classes[c] & (1u << CLASS_FORBIDDEN_HOST);
}

static bool is_forbidden_domain_byte(unsigned char c)
{
    return character_classes[c] & (1u << CLASS_FORBIDDEN_DOMAIN);
}

/* ---- writing the href ---- */

static void out_char(struct builder *b, char c)
{
    if (b->len < b->cap)
        b->out[b->len++] = c;
    else
        b->overflow = true;
}

static void out_bytes(struct builder *b, const char *s, size_t n)
{
    if (n > b->cap - b->len) {
        b->overflow = true;
        return;
    }
    memcpy(b->out + b->len, s, n);
    b->len += n;
}

static void out_encoded(struct builder *b, unsigned char c, enum encode_set set)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!needs_encoding(c, set)) {
        out_char(b, (char)c);
        return;
    }
    out_char(b, '%');
    out_char(b, hex[c >> 4]);
    out_char(b, hex[c & 15]);
}

static void out_decimal(struct builder *b, unsigned long value)
{
    char text[BUF_UINT_DIGITS];
    for (const char *p = buf_uint_text(text, value); p < text + BUF_UINT_DIGITS; p++)
        out_char(b, *p);
}

/* ---- schemes ---- */

static const struct {
    const char *name;
    enum url_scheme scheme;
    int default_port; /* -1: none */
    bool special;
} known_schemes[] = {
    {"http", URL_SCHEME_HTTP, 80, true},      {"https", URL_SCHEME_HTTPS, 443, true},
    {"ws", URL_SCHEME_WS, 80, true},          {"wss", URL_SCHEME_WSS, 443, true},
    {"ftp", URL_SCHEME_FTP, 21, true},        {"file", URL_SCHEME_FILE, -1, true},
    {"mailto", URL_SCHEME_MAILTO, -1, false}, {"javascript", URL_SCHEME_JAVASCRIPT, -1, false},
    {"data", URL_SCHEME_DATA, -1, false},     {"tel", URL_SCHEME_TEL, -1, false},
};

static int scheme_index(const char *name, size_t length)
{
    for (size_t i = 0; i < sizeof known_schemes / sizeof known_schemes[0]; i++)
        if (strlen(known_schemes[i].name) == length && memcmp(known_schemes[i].name, name, length) == 0)
            return (int)i;
    return -1;
}

static int default_port(enum url_scheme scheme)
{
    for (size_t i = 0; i < sizeof known_schemes / sizeof known_schemes[0]; i++)
        if (known_schemes[i].scheme == scheme)
            return known_schemes[i].default_port;
    return -1;
}

/* Write "scheme:" (scheme already lower-case) and record what it implies. */
static void write_scheme(struct builder *b, const char *name, size_t length)
{
    int i = scheme_index(name, length);
    b->scheme = i < 0 ? URL_SCHEME_OTHER : known_schemes[i].scheme;
    b->special = i >= 0 && known_schemes[i].special;
    b->scheme_length = length;
    out_bytes(b, name, length);
    out_char(b, ':');
}

/* ---- small predicates of the standard ---- */

static int peek(const struct parser *p, size_t offset)
{
    return p->pos + offset < p->n ? (unsigned char)p->in[p->pos + offset] : -1;
}

static bool is_slash(const struct parser *p, int c)
{
    return c == '/' || (p->b.special && c == '\\');
}

static bool is_windows_drive_letter(const char *s, size_t n, bool normalized_only)
{
    return n == 2 && is_alpha((unsigned char)s[0]) && (s[1] == ':' || (!normalized_only && s[1] == '|'));
}

static bool starts_with_windows_drive_letter(const char *s, size_t n)
{
    return n >= 2 && is_windows_drive_letter(s, 2, false) &&
           (n == 2 || s[2] == '/' || s[2] == '\\' || s[2] == '?' || s[2] == '#');
}

static bool is_single_dot(const char *s, size_t n)
{
    return (n == 1 && s[0] == '.') || (n == 3 && s[0] == '%' && s[1] == '2' && (s[2] | 0x20) == 'e');
}

static bool is_double_dot(const char *s, size_t n)
{
    if (n < 2)
        return false;
    size_t first = s[0] == '.' ? 1 : (n >= 3 && is_single_dot(s, 3) ? 3 : 0);
    return first && is_single_dot(s + first, n - first);
}

/* ---- hosts ---- */

static enum url_error parse_ipv6(const char *s, size_t n, uint16_t address[8])
{
    size_t i = 0;
    int piece = 0, compress = -1;
    memset(address, 0, 8 * sizeof address[0]);
    if (n && s[0] == ':') {
        if (n < 2 || s[1] != ':')
            return URL_ERR_INVALID_IPV6;
        i = 2;
        compress = ++piece;
    }
    while (i < n) {
        if (piece == 8)
            return URL_ERR_INVALID_IPV6;
        if (s[i] == ':') {
            if (compress != -1)
                return URL_ERR_INVALID_IPV6;
            i++;
            compress = ++piece;
            continue;
        }
        unsigned value = 0, length = 0;
        while (length < 4 && i < n && is_hex((unsigned char)s[i])) {
            value = value * 16 + (unsigned)hex_value((unsigned char)s[i]);
            i++, length++;
        }
        if (i < n && s[i] == '.') {
            /* An embedded IPv4 address fills the last two pieces. */
            if (length == 0 || piece > 6)
                return URL_ERR_INVALID_IPV6;
            i -= length;
            int numbers_seen = 0;
            while (i < n) {
                if (numbers_seen > 0) {
                    if (s[i] != '.' || numbers_seen >= 4)
                        return URL_ERR_INVALID_IPV6;
                    i++;
                }
                if (i >= n || !is_digit((unsigned char)s[i]))
                    return URL_ERR_INVALID_IPV6;
                int number = -1;
                while (i < n && is_digit((unsigned char)s[i])) {
                    if (number == 0)
                        return URL_ERR_INVALID_IPV6;
                    number = (number < 0 ? 0 : number * 10) + (s[i] - '0');
                    if (number > 255)
                        return URL_ERR_INVALID_IPV6;
                    i++;
                }
                address[piece] = (uint16_t)(address[piece] * 0x100 + number);
                numbers_seen++;
                if (numbers_seen == 2 || numbers_seen == 4)
                    piece++;
            }
            if (numbers_seen != 4)
                return URL_ERR_INVALID_IPV6;
            break;
        }
        if (i < n && s[i] == ':') {
            if (++i == n)
                return URL_ERR_INVALID_IPV6;
        } else if (i < n) {
            return URL_ERR_INVALID_IPV6;
        }
        address[piece++] = (uint16_t)value;
    }
    if (compress != -1) {
        int swaps = piece - compress;
        for (piece = 7; piece != 0 && swaps > 0; piece--, swaps--) {
            uint16_t t = address[piece];
            address[piece] = address[compress + swaps - 1];
            address[compress + swaps - 1] = t;
        }
    } else if (piece != 8) {
        return URL_ERR_INVALID_IPV6;
    }
    return URL_OK;
}

static void write_ipv6(struct builder *b, const uint16_t address[8])
{
    static const char hex[] = "0123456789abcdef";
    /* Compress the first longest run of two or more zero pieces. */
    int compress = -1, best = 1;
    for (int i = 0; i < 8;) {
        int run = 0;
        while (i + run < 8 && address[i + run] == 0)
            run++;
        if (run > best)
            best = run, compress = i;
        i += run ? run : 1;
    }
    out_char(b, '[');
    for (int i = 0; i < 8; i++) {
        if (i == compress) {
            out_bytes(b, i == 0 ? "::" : ":", i == 0 ? 2 : 1);
            i += best - 1;
            continue;
        }
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int digit = (address[i] >> shift) & 15;
            if (digit || started || shift == 0) {
                out_char(b, hex[digit]);
                started = true;
            }
        }
        if (i != 7)
            out_char(b, ':');
    }
    out_char(b, ']');
}

/* The standard's IPv4 number parser; values above 2^32 are clamped (they fail anyway). */
static bool parse_ipv4_number(const char *s, size_t n, uint64_t *value)
{
    unsigned radix = 10;
    if (n == 0)
        return false;
    if (n >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
        s += 2, n -= 2, radix = 16;
    else if (n >= 2 && s[0] == '0')
        s += 1, n -= 1, radix = 8;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned digit;
        if (radix == 16 && is_hex(c))
            digit = (unsigned)hex_value(c);
        else if (is_digit(c) && (unsigned)(c - '0') < radix)
            digit = (unsigned)(c - '0');
        else
            return false;
        v = v * radix + digit;
        if (v > 0xFFFFFFFFull)
            v = 0x100000000ull;
    }
    *value = v;
    return true;
}

/* Whether the last label of a domain is a number, so the host must be an IPv4 address. */
static bool ends_in_number(const char *s, size_t n)
{
    if (n && s[n - 1] == '.')
        n--;
    if (n == 0)
        return false;
    size_t start = n;
    while (start > 0 && s[start - 1] != '.')
        start--;
    const char *label = s + start;
    size_t length = n - start;
    if (length == 0)
        return false;
    size_t i = 0;
    while (i < length && is_digit((unsigned char)label[i]))
        i++;
    if (i == length)
        return true;
    if (length >= 2 && label[0] == '0' && (label[1] | 0x20) == 'x') {
        for (i = 2; i < length && is_hex((unsigned char)label[i]); i++)
            ;
        return i == length;
    }
    return false;
}

static enum url_error parse_ipv4(const char *s, size_t n, uint32_t *address)
{
    uint64_t numbers[4];
    size_t count = 0, start = 0;
    if (n && s[n - 1] == '.')
        n--; /* one trailing dot is allowed */
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        if (count == 4 || !parse_ipv4_number(s + start, i - start, &numbers[count]))
            return URL_ERR_INVALID_IPV4;
        count++;
        start = i + 1;
    }
    for (size_t i = 0; i + 1 < count; i++)
        if (numbers[i] > 255)
            return URL_ERR_INVALID_IPV4;
    if (numbers[count - 1] >= (1ull << (8 * (5 - count))))
        return URL_ERR_INVALID_IPV4;
    uint64_t ipv4 = numbers[count - 1];
    for (size_t i = 0; i + 1 < count; i++)
        ipv4 += numbers[i] << (8 * (3 - i));
    *address = (uint32_t)ipv4;
    return URL_OK;
}

/* The code point of the UTF-8 sequence at s[0, n): its length, or 0 when it is not valid UTF-8 (no
 * overlongs, surrogates or code points above U+10FFFF). */
static size_t decode_utf8_sequence(const unsigned char *s, size_t n, uint32_t *code_point)
{
    unsigned char c = s[0];
    size_t extra;
    uint32_t cp, min;
    if (c < 0x80) {
        *code_point = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0)
        extra = 1, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
        extra = 2, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
        extra = 3, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n <= extra)
        return 0;
    for (size_t k = 1; k <= extra; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *code_point = cp;
    return extra + 1;
}

static bool is_valid_utf8(const unsigned char *s, size_t n)
{
    uint32_t cp;
    for (size_t i = 0, step; i < n; i += step)
        if ((step = decode_utf8_sequence(s + i, n - i, &cp)) == 0)
            return false;
    return true;
}

static bool is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* The characters UTS #46 treats differently in transitional processing (sharp s, capital sharp s,
 * final sigma, ZWNJ, ZWJ), as UTF-8. */
static bool has_deviation_character(const char *s)
{
    return strstr(s, "\xC3\x9F") || strstr(s, "\xE1\xBA\x9E") || strstr(s, "\xCF\x82") || strstr(s, "\xE2\x80\x8C") ||
           strstr(s, "\xE2\x80\x8D");
}

/* UTS #46 ToASCII of the C string domain, as the URL Standard asks for it (non-transitional, no
 * STD3 rules, no DNS length check). libidn2's non-transitional mode also applies the IDNA2008
 * repertoire, which rejects symbols UTS #46 accepts (U+2603 SNOWMAN, emoji); for those, its
 * transitional mode applies the UTS #46 tables alone and gives the same result as long as the
 * domain has none of the characters on which the two modes differ. Returns an idn2 status. */
static int uts46_to_ascii(const char *domain, char **ascii)
{
    int rc = idn2_to_ascii_8z(domain, ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc == IDN2_DISALLOWED && !has_deviation_character(domain))
        rc = idn2_to_ascii_8z(domain, ascii, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
    return rc;
}

/* Length of the label separator at s[0, n): '.', or one of the full stops UTS #46 maps to it
 * (U+3002, U+FF0E, U+FF61, in UTF-8); 0 for anything else. */
static size_t label_separator_length(const unsigned char *s, size_t n)
{
    if (s[0] == '.')
        return 1;
    if (n >= 3 && ((s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x82) || (s[0] == 0xEF && s[1] == 0xBC && s[2] == 0x8E) ||
                   (s[0] == 0xEF && s[1] == 0xBD && s[2] == 0xA1)))
        return 3;
    return 0;
}

/* Append the ASCII form of one label, label[0, n), where label[n] may be overwritten for the time
 * of the call. ASCII labels are lower-cased (so libidn2's IDNA2008 hyphen and Punycode checks,
 * which the URL Standard does not ask for, never reject them); others go through UTS #46. */
static enum url_error append_label_as_ascii(struct builder *b, char *label, size_t n)
{
    if (is_ascii(label, n)) {
        for (size_t i = 0; i < n; i++)
            out_char(b, to_lower(label[i]));
        return URL_OK;
    }
    char saved = label[n];
    char *ascii = NULL;
    label[n] = '\0'; /* idn2 reads a C string */
    int rc = uts46_to_ascii(label, &ascii);
    label[n] = saved;
    if (rc == IDN2_MALLOC)
        return URL_ERR_NOMEM;
    if (rc != IDN2_OK)
        return URL_ERR_IDNA;
    for (size_t i = 0; ascii[i]; i++)
        out_char(b, to_lower(ascii[i]));
    idn2_free(ascii);
    return URL_OK;
}

/* Domain to ASCII on out[start, len): replaces it with the ASCII form. A non-ASCII domain is
 * converted label by label after out[len], then moved into place. */
static enum url_error domain_to_ascii(struct builder *b, size_t start)
{
    char *domain = b->out + start;
    size_t source_end = b->len;
    if (is_ascii(domain, source_end - start)) { /* the standard's fast path: only lower-casing */
        for (size_t i = start; i < source_end; i++)
            b->out[i] = to_lower(b->out[i]);
        return URL_OK;
    }
    if (!is_valid_utf8((const unsigned char *)domain, source_end - start))
        return URL_ERR_IDNA;
    out_char(b, '\0'); /* room to terminate the last label in place */
    size_t result_start = b->len;
    size_t label_start = start;
    for (size_t i = start;;) {
        size_t separator = i < source_end ? label_separator_length((unsigned char *)b->out + i, source_end - i) : 0;
        if (i < source_end && !separator) {
            i++;
            continue;
        }
        enum url_error error = append_label_as_ascii(b, b->out + label_start, i - label_start);
        if (error)
            return error;
        if (i >= source_end)
            break;
        out_char(b, '.');
        i += separator;
        label_start = i;
    }
    if (b->overflow)
        return URL_ERR_TOO_LONG;
    size_t length = b->len - result_start;
    memmove(b->out + start, b->out + result_start, length);
    b->len = start + length;
    return URL_OK;
}

static enum url_error write_opaque_host(struct builder *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_forbidden_host_byte((unsigned char)s[i]))
            return URL_ERR_INVALID_HOST;
    for (size_t i = 0; i < n; i++)
        out_encoded(b, (unsigned char)s[i], ENCODE_C0);
    return URL_OK;
}

static enum url_error write_domain(struct builder *b, const char *s, size_t n)
{
    size_t start = b->len;
    for (size_t i = 0; i < n; i++) { /* percent-decode */
        if (s[i] == '%' && i + 2 < n && is_hex((unsigned char)s[i + 1]) && is_hex((unsigned char)s[i + 2])) {
            out_char(b, (char)(hex_value((unsigned char)s[i + 1]) * 16 + hex_value((unsigned char)s[i + 2])));
            i += 2;
        } else {
            out_char(b, s[i]);
        }
    }
    if (b->overflow)
        return URL_ERR_TOO_LONG;
    for (size_t i = start; i < b->len; i++)
        if (is_forbidden_domain_byte((unsigned char)b->out[i]))
            return URL_ERR_INVALID_HOST;
    enum url_error error = domain_to_ascii(b, start);
    if (error)
        return error;
    if (b->len == start)
        return URL_ERR_INVALID_HOST;
    for (size_t i = start; i < b->len; i++)
        if (is_forbidden_domain_byte((unsigned char)b->out[i]))
            return URL_ERR_INVALID_HOST;
    if (ends_in_number(b->out + start, b->len - start)) {
        uint32_t address;
        error = parse_ipv4(b->out + start, b->len - start, &address);
        if (error)
            return error;
        b->len = start;
        for (int shift = 24; shift >= 0; shift -= 8) {
            out_decimal(b, (address >> shift) & 255);
            if (shift)
                out_char(b, '.');
        }
    }
    return URL_OK;
}

/* The standard's host parser: writes the serialised host of s[0, n). */
static enum url_error write_host(struct builder *b, const char *s, size_t n)
{
    enum url_error error;
    b->host_start = b->len;
    b->has_host = true;
    if (n && s[0] == '[') {
        uint16_t address[8];
        if (n < 2 || s[n - 1] != ']')
            return URL_ERR_INVALID_IPV6;
        if ((error = parse_ipv6(s + 1, n - 2, address)))
            return error;
        write_ipv6(b, address);
    } else if (!b->special) {
        if ((error = write_opaque_host(b, s, n)))
            return error;
    } else if ((error = write_domain(b, s, n))) {
        return error;
    }
    b->host_end = b->len;
    return b->overflow ? URL_ERR_TOO_LONG : URL_OK;
}

/* ---- the states after the scheme ---- */

static void parse_fragment(struct parser *p)
{
    p->b.fragment_start = p->b.len;
    out_char(&p->b, '#');
    for (; p->pos < p->n; p->pos++)
        out_encoded(&p->b, (unsigned char)p->in[p->pos], ENCODE_FRAGMENT);
}

/* The query in the document's encoding (the standard's "percent-encode after encoding"): each
 * non-ASCII code point becomes its bytes in that encoding, percent-encoded where the set says so,
 * or "%26%23N%3B" (an HTML numeric reference, percent-encoded) when the encoding lacks it. Bytes
 * that are not UTF-8 stay as they are, percent-encoded. Returns the input position after the query. */
static size_t encode_query_code_point(struct parser *p, size_t at, size_t end, enum encode_set set)
{
    const unsigned char *s = (const unsigned char *)p->in + at;
    uint32_t code_point;
    size_t length = decode_utf8_sequence(s, end - at, &code_point);
    if (length == 0) {
        out_encoded(&p->b, s[0], set);
        return at + 1;
    }
    char bytes[8];
    size_t count = p->query_encoder->encode(p->query_encoder->context, code_point, bytes);
    if (count == 0 || count > sizeof bytes) {
        out_bytes(&p->b, "%26%23", 6);
        out_decimal(&p->b, code_point);
        out_bytes(&p->b, "%3B", 3);
    } else {
        for (size_t i = 0; i < count; i++)
            out_encoded(&p->b, (unsigned char)bytes[i], set);
    }
    return at + length;
}

/* Called with pos at the '?'. Only special URLs other than ws: and wss: take the document's
 * encoding; the others' queries are UTF-8 (the standard's query state). */
static void parse_query(struct parser *p)
{
    enum encode_set set = p->b.special ? ENCODE_SPECIAL_QUERY : ENCODE_QUERY;
    bool encode = p->query_encoder && p->b.special && p->b.scheme != URL_SCHEME_WS && p->b.scheme != URL_SCHEME_WSS;
    p->b.query_start = p->b.len;
    out_char(&p->b, '?');
    p->pos++;
    while (p->pos < p->n && p->in[p->pos] != '#') {
        unsigned char c = (unsigned char)p->in[p->pos];
        if (c < 0x80 || !encode) {
            out_encoded(&p->b, c, set);
            p->pos++;
        } else {
            p->pos = encode_query_code_point(p, p->pos, p->n, set);
        }
    }
    p->b.fragment_start = p->b.len;
    if (p->pos < p->n) {
        p->pos++;
        parse_fragment(p);
    }
}

/* After the path: an optional query and fragment at pos. */
static void parse_query_and_fragment(struct parser *p)
{
    p->b.query_start = p->b.fragment_start = p->b.len;
    if (peek(p, 0) == '?') {
        parse_query(p);
    } else if (peek(p, 0) == '#') {
        p->pos++;
        parse_fragment(p);
    }
}

/* Remove the last path segment, except a file URL's lone drive letter. */
static void shorten_path(struct builder *b)
{
    const char *path = b->out + b->path_start;
    size_t n = b->len - b->path_start;
    if (b->scheme == URL_SCHEME_FILE && n == 3 && is_windows_drive_letter(path + 1, 2, true))
        return;
    while (b->len > b->path_start && b->out[b->len - 1] != '/')
        b->len--;
    if (b->len > b->path_start)
        b->len--;
}

/* Finish the segment that starts with the '/' at segment_start; next is the delimiter after it. */
static void finish_segment(struct parser *p, size_t segment_start, int next)
{
    struct builder *b = &p->b;
    const char *segment = b->out + segment_start + 1;
    size_t n = b->len - segment_start - 1;
    bool more = is_slash(p, next);
    if (b->overflow)
        return;
    if (is_double_dot(segment, n)) {
        b->len = segment_start;
        shorten_path(b);
        if (!more)
            out_char(b, '/');
    } else if (is_single_dot(segment, n)) {
        b->len = segment_start;
        if (!more)
            out_char(b, '/');
    } else if (b->scheme == URL_SCHEME_FILE && segment_start == b->path_start &&
               is_windows_drive_letter(segment, n, false)) {
        b->out[segment_start + 2] = ':';
    }
}

/* The path state: segments from pos up to '?', '#' or the end. */
static void parse_path(struct parser *p)
{
    for (;;) {
        size_t segment_start = p->b.len;
        out_char(&p->b, '/');
        int c;
        while ((c = peek(p, 0)) != -1 && !is_slash(p, c) && c != '?' && c != '#') {
            out_encoded(&p->b, (unsigned char)c, ENCODE_PATH);
            p->pos++;
        }
        finish_segment(p, segment_start, c);
        if (!is_slash(p, c))
            break;
        p->pos++;
    }
    parse_query_and_fragment(p);
}

static void parse_opaque_path(struct parser *p)
{
    p->b.path_start = p->b.len;
    p->b.opaque_path = true;
    int c;
    while ((c = peek(p, 0)) != -1 && c != '?' && c != '#') {
        /* A space before the query or fragment is encoded so that it is not trimmed away. */
        int next = peek(p, 1);
        if (c == ' ' && (next == '?' || next == '#'))
            out_bytes(&p->b, "%20", 3);
        else
            out_encoded(&p->b, (unsigned char)c, ENCODE_C0);
        p->pos++;
    }
    parse_query_and_fragment(p);
}

/* The path start state. */
static void parse_path_start(struct parser *p)
{
    int c = peek(p, 0);
    p->b.path_start = p->b.len;
    if (p->b.special) {
        if (is_slash(p, c))
            p->pos++;
        parse_path(p);
    } else if (c == '?' || c == '#') {
        parse_query_and_fragment(p);
    } else if (c != -1) {
        if (c == '/')
            p->pos++;
        parse_path(p);
    } else {
        p->b.query_start = p->b.fragment_start = p->b.len;
    }
}

/* Username and password from s[0, n) (everything before the last '@'). */
static void write_credentials(struct builder *b, const char *s, size_t n)
{
    b->username_start = b->len;
    size_t i = 0;
    for (; i < n && s[i] != ':'; i++)
        out_encoded(b, (unsigned char)s[i], ENCODE_USERINFO);
    b->username_end = b->len;
    b->password_start = b->password_end = b->len;
    if (i < n) {
        out_char(b, ':');
        b->password_start = b->len;
        for (i++; i < n; i++)
            out_encoded(b, (unsigned char)s[i], ENCODE_USERINFO);
        b->password_end = b->len;
        if (b->password_end == b->password_start) /* "user:@host": no password */
            b->len = b->password_start = b->password_end = b->password_start - 1;
    }
    if (b->len > b->username_start)
        out_char(b, '@');
}

/* The port state over s[0, n) (the text after the colon). */
static enum url_error write_port(struct builder *b, const char *s, size_t n)
{
    unsigned long port = 0;
    b->port_start = b->port_end = b->len;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((unsigned char)s[i]))
            return URL_ERR_INVALID_PORT;
        port = port * 10 + (unsigned long)(s[i] - '0');
        if (port > 65535)
            return URL_ERR_INVALID_PORT;
    }
    if (n == 0 || (int)port == default_port(b->scheme))
        return URL_OK;
    b->port = (int)port;
    out_char(b, ':');
    b->port_start = b->len;
    out_decimal(b, port);
    b->port_end = b->len;
    return URL_OK;
}

/* The authority state: credentials, host and port up to the path, then the rest of the URL. */
static enum url_error parse_authority(struct parser *p)
{
    struct builder *b = &p->b;
    const char *s = p->in + p->pos;
    size_t end = 0, at = SIZE_MAX;
    for (; p->pos + end < p->n; end++) {
        int c = (unsigned char)s[end];
        if (is_slash(p, c) || c == '?' || c == '#')
            break;
        if (c == '@')
            at = end;
    }
    out_bytes(b, "//", 2);
    size_t host_begin = 0;
    b->username_start = b->username_end = b->password_start = b->password_end = b->len;
    if (at != SIZE_MAX) {
        write_credentials(b, s, at);
        host_begin = at + 1;
        if (host_begin == end)
            return URL_ERR_MISSING_HOST;
    }
    size_t colon = host_begin;
    bool in_brackets = false;
    for (; colon < end && (s[colon] != ':' || in_brackets); colon++) {
        if (s[colon] == '[')
            in_brackets = true;
        else if (s[colon] == ']')
            in_brackets = false;
    }
    if (colon == host_begin && (b->special || colon < end))
        return URL_ERR_MISSING_HOST;
    enum url_error error = write_host(b, s + host_begin, colon - host_begin);
    if (error)
        return error;
    if (colon < end && (error = write_port(b, s + colon + 1, end - colon - 1)))
        return error;
    if (colon >= end)
        b->port_start = b->port_end = b->len;
    p->pos += end;
    parse_path_start(p);
    return URL_OK;
}

/* Skip any run of slashes and backslashes, then read the authority (special schemes). */
static enum url_error parse_special_authority(struct parser *p)
{
    int c;
    while ((c = peek(p, 0)) == '/' || c == '\\')
        p->pos++;
    return parse_authority(p);
}

/* ---- copying from the base URL ---- */

/* The base's text from after its "scheme:" up to the end of its host (and port): its authority. */
static void copy_base_authority(struct parser *p)
{
    const struct url *base = p->base;
    struct builder *b = &p->b;
    size_t start = base->protocol.length;
    bool has_authority = base->href_length >= start + 2 && base->href[start] == '/' && base->href[start + 1] == '/';
    size_t end = has_authority ? base->host.offset + base->host.length : start;
    out_bytes(b, base->href + start, end - start);
    if (b->overflow)
        return;
    /* The prefix equals the base's, so the offsets are the base's. */
    b->has_host = has_authority;
    b->username_start = base->username.offset, b->username_end = base->username.offset + base->username.length;
    b->password_start = base->password.offset, b->password_end = base->password.offset + base->password.length;
    b->host_start = base->hostname.offset, b->host_end = base->hostname.offset + base->hostname.length;
    b->port_start = base->port_text.offset, b->port_end = base->port_text.offset + base->port_text.length;
    b->port = base->port_text.length ? base->port : -1;
    if (!has_authority)
        b->username_start = b->username_end = b->password_start = b->password_end = b->host_start = b->host_end =
            b->port_start = b->port_end = b->len;
}

static void copy_base_path(struct parser *p)
{
    p->b.path_start = p->b.len;
    out_bytes(&p->b, url_part_start(p->base, p->base->pathname), p->base->pathname.length);
}

/* The base's query, then a fragment if the input has one at pos. */
static void copy_base_query(struct parser *p)
{
    p->b.query_start = p->b.len;
    out_bytes(&p->b, url_part_start(p->base, p->base->search), p->base->search.length);
    p->b.fragment_start = p->b.len;
    if (peek(p, 0) == '#') {
        p->pos++;
        parse_fragment(p);
    }
}

static bool base_has_opaque_path(const struct url *base)
{
    return base->pathname.length == 0 ? base->hostname.length == 0 && base->href[base->protocol.length] != '/'
                                      : url_part_start(base, base->pathname)[0] != '/';
}

/* The relative state: input is relative to a base of the same (non-file) scheme. */
static enum url_error parse_relative(struct parser *p)
{
    int c = peek(p, 0);
    if (is_slash(p, c)) {
        p->pos++;
        int next = peek(p, 0);
        if (p->b.special && (next == '/' || next == '\\'))
            return parse_special_authority(p);
        if (next == '/') {
            p->pos++;
            return parse_authority(p);
        }
        copy_base_authority(p);
        p->b.path_start = p->b.len;
        parse_path(p);
        return URL_OK;
    }
    copy_base_authority(p);
    copy_base_path(p);
    if (c == '?') {
        parse_query(p);
    } else if (c == '#' || c == -1) {
        copy_base_query(p);
    } else {
        shorten_path(&p->b);
        parse_path(p);
    }
    return URL_OK;
}

/* ---- file URLs ---- */

static bool base_is_file(const struct parser *p)
{
    return p->base && p->base->scheme == URL_SCHEME_FILE;
}

/* The base's first path segment when it is a normalised drive letter ("/C:"), else NULL. */
static const char *base_drive_letter(const struct parser *p)
{
    const char *path = url_part_start(p->base, p->base->pathname);
    size_t n = p->base->pathname.length;
    if (n >= 3 && is_windows_drive_letter(path + 1, 2, true) && (n == 3 || path[3] == '/'))
        return path;
    return NULL;
}

static void write_empty_file_host(struct builder *b)
{
    out_bytes(b, "//", 2);
    b->has_host = true;
    b->username_start = b->username_end = b->password_start = b->password_end = b->len;
    b->host_start = b->host_end = b->port_start = b->port_end = b->len;
}

/* The file host state: from pos (after "//") up to the path. */
static enum url_error parse_file_host(struct parser *p)
{
    struct builder *b = &p->b;
    size_t end = p->pos;
    while (end < p->n && p->in[end] != '/' && p->in[end] != '\\' && p->in[end] != '?' && p->in[end] != '#')
        end++;
    const char *s = p->in + p->pos;
    size_t n = end - p->pos;
    if (is_windows_drive_letter(s, n, false)) {
        /* "file://C:/x": the drive letter is the path, not a host. */
        write_empty_file_host(b);
        b->path_start = b->len;
        parse_path(p);
        return URL_OK;
    }
    if (n == 0) {
        write_empty_file_host(b);
    } else {
        out_bytes(b, "//", 2);
        b->username_start = b->username_end = b->password_start = b->password_end = b->len;
        enum url_error error = write_host(b, s, n);
        if (error)
            return error;
        if (b->host_end - b->host_start == 9 && memcmp(b->out + b->host_start, "localhost", 9) == 0)
            b->len = b->host_end = b->host_start;
        b->port_start = b->port_end = b->len;
        p->pos = end;
    }
    parse_path_start(p);
    return URL_OK;
}

/* The file state, with "file:" written and pos after the scheme (or at 0 for a relative input). */
static enum url_error parse_file(struct parser *p)
{
    struct builder *b = &p->b;
    int c = peek(p, 0);
    if (c == '/' || c == '\\') {
        p->pos++;
        c = peek(p, 0);
        if (c == '/' || c == '\\') {
            p->pos++;
            return parse_file_host(p);
        }
        /* The file slash state: a path-absolute reference keeps the base's host and drive. */
        if (base_is_file(p)) {
            copy_base_authority(p);
            if (!b->has_host)
                write_empty_file_host(b);
            b->path_start = b->len;
            const char *drive = base_drive_letter(p);
            if (drive && !starts_with_windows_drive_letter(p->in + p->pos, p->n - p->pos))
                out_bytes(b, drive, 3);
        } else {
            write_empty_file_host(b);
            b->path_start = b->len;
        }
        parse_path(p);
        return URL_OK;
    }
    if (base_is_file(p)) {
        copy_base_authority(p);
        if (!b->has_host)
            write_empty_file_host(b);
        copy_base_path(p);
        if (c == '?') {
            parse_query(p);
        } else if (c == '#' || c == -1) {
            copy_base_query(p);
        } else {
            if (!starts_with_windows_drive_letter(p->in + p->pos, p->n - p->pos))
                shorten_path(b);
            else
                b->len = b->path_start;
            parse_path(p);
        }
        return URL_OK;
    }
    write_empty_file_host(b);
    b->path_start = b->len;
    parse_path(p);
    return URL_OK;
}

/* ---- the whole parse ---- */

/* The scheme state: returns the scheme's length when input starts with "scheme:", else 0. */
static size_t scheme_length(const char *s, size_t n)
{
    if (n == 0 || !is_alpha((unsigned char)s[0]))
        return 0;
    for (size_t i = 1; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ':')
            return i;
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.')
            return 0;
    }
    return 0;
}

/* After "scheme:" has been written: the states that follow the scheme state. */
static enum url_error parse_after_scheme(struct parser *p)
{
    struct builder *b = &p->b;
    if (b->scheme == URL_SCHEME_FILE)
        return parse_file(p);
    if (b->special) {
        bool same_as_base = p->base && p->base->protocol.length == b->scheme_length + 1 &&
                            memcmp(p->base->href, b->out, b->scheme_length) == 0;
        if (same_as_base && !(peek(p, 0) == '/' && peek(p, 1) == '/'))
            return parse_relative(p);
        return parse_special_authority(p);
    }
    if (peek(p, 0) == '/') {
        p->pos++;
        if (peek(p, 0) == '/') {
            p->pos++;
            return parse_authority(p);
        }
        b->username_start = b->username_end = b->password_start = b->password_end = b->host_start = b->host_end =
            b->port_start = b->port_end = b->path_start = b->len;
        parse_path(p);
        return URL_OK;
    }
    b->username_start = b->username_end = b->password_start = b->password_end = b->host_start = b->host_end =
        b->port_start = b->port_end = b->len;
    parse_opaque_path(p);
    return URL_OK;
}

/* The no-scheme state: input is a reference relative to the base. */
static enum url_error parse_without_scheme(struct parser *p)
{
    const struct url *base = p->base;
    if (!base)
        return URL_ERR_MISSING_SCHEME;
    write_scheme(&p->b, base->href, base->protocol.length - 1);
    if (base_has_opaque_path(base)) {
        if (peek(p, 0) != '#')
            return URL_ERR_MISSING_SCHEME;
        copy_base_authority(p);
        copy_base_path(p);
        p->b.opaque_path = true;
        copy_base_query(p);
        return URL_OK;
    }
    if (p->b.scheme == URL_SCHEME_FILE)
        return parse_file(p);
    return parse_relative(p);
}

/* A URL without a host whose path starts with "//" would read back as a host: the standard writes
 * "/." before such a path. */
static void protect_path(struct builder *b)
{
    if (b->has_host || b->opaque_path || b->query_start - b->path_start < 2 || b->out[b->path_start] != '/' ||
        b->out[b->path_start + 1] != '/')
        return;
    if (b->len + 2 > b->cap) {
        b->overflow = true;
        return;
    }
    memmove(b->out + b->path_start + 2, b->out + b->path_start, b->len - b->path_start);
    b->out[b->path_start] = '/';
    b->out[b->path_start + 1] = '.';
    b->len += 2;
    b->path_start += 2;
    b->query_start += 2;
    b->fragment_start += 2;
}

/* Trim leading/trailing C0 controls and spaces; drop tab, LF and CR. Returns the new length. */
static size_t preprocess(const char *input, size_t length, char *dst)
{
    size_t start = 0, end = length, n = 0;
    while (start < end && (unsigned char)input[start] <= 0x20)
        start++;
    while (end > start && (unsigned char)input[end - 1] <= 0x20)
        end--;
    const char *s = input + start;
    size_t trimmed = end - start;
    if (!memchr(s, '\t', trimmed) && !memchr(s, '\n', trimmed) && !memchr(s, '\r', trimmed)) {
        memcpy(dst, s, trimmed); /* the usual case, at memchr speed */
        return trimmed;
    }
    for (size_t i = 0; i < trimmed; i++)
        if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            dst[n++] = s[i];
    return n;
}

static struct url_part make_part(size_t start, size_t end)
{
    return (struct url_part){(uint32_t)start, (uint32_t)(end - start)};
}

/* Copy the finished href into one allocation and fill *out. */
static enum url_error finish(const struct builder *b, struct url *out)
{
    char *href = malloc(b->len + 1);
    if (!href)
        return URL_ERR_NOMEM;
    memcpy(href, b->out, b->len);
    href[b->len] = '\0';
    out->href = href;
    out->href_length = b->len;
    out->scheme = b->scheme;
    out->port = b->port >= 0 ? b->port : default_port(b->scheme);
    out->protocol = make_part(0, b->scheme_length + 1);
    out->username = make_part(b->username_start, b->username_end);
    out->password = make_part(b->password_start, b->password_end);
    out->hostname = make_part(b->host_start, b->host_end);
    out->host = make_part(b->host_start, b->port_end > b->host_end ? b->port_end : b->host_end);
    out->port_text = make_part(b->port_start, b->port_end);
    out->pathname = make_part(b->path_start, b->query_start);
    /* An empty query or fragment reads as "" (the standard's API), while href keeps its '?' or '#':
     * the slice then starts at that character and has length 0. */
    size_t query_end = b->fragment_start - b->query_start == 1 ? b->query_start : b->fragment_start;
    out->search = make_part(b->query_start, query_end);
    out->hash = make_part(b->fragment_start, b->len - b->fragment_start == 1 ? b->fragment_start : b->len);
    return URL_OK;
}

static enum url_error parse_into(struct parser *p, struct url *out)
{
    size_t n = scheme_length(p->in, p->n);
    enum url_error error;
    if (n) {
        char name[16];
        size_t i;
        for (i = 0; i < n && i < sizeof name; i++)
            name[i] = to_lower(p->in[i]);
        p->pos = n + 1;
        if (n <= sizeof name) {
            write_scheme(&p->b, name, n);
        } else {
            /* Long scheme names are never known ones: write them lower-cased as they are. */
            p->b.scheme_length = n;
            p->b.scheme = URL_SCHEME_OTHER;
            for (i = 0; i < n; i++)
                out_char(&p->b, to_lower(p->in[i]));
            out_char(&p->b, ':');
        }
        error = parse_after_scheme(p);
    } else {
        error = parse_without_scheme(p);
    }
    if (error)
        return error;
    protect_path(&p->b);
    if (p->b.overflow)
        return URL_ERR_TOO_LONG;
    return finish(&p->b, out);
}

enum url_error url_parse(const char *input, size_t length, const struct url *base, const struct url_parse_options *opts,
                         struct url *out)
{
    size_t max_length = opts && opts->max_length ? opts->max_length : URL_DEFAULT_MAX_LENGTH;
    memset(out, 0, sizeof *out);
    if (length > max_length)
        return URL_ERR_TOO_LONG;
    char stack_scratch[URL_STACK_SCRATCH];
    char *scratch = stack_scratch;
    if (2 * (max_length + 1) > sizeof stack_scratch) {
        scratch = malloc(2 * (max_length + 1));
        if (!scratch)
            return URL_ERR_NOMEM;
    }
    struct parser p = {.in = scratch, .base = base, .query_encoder = opts ? opts->query_encoder : NULL};
    p.n = preprocess(input, length, scratch);
    p.b.out = scratch + max_length + 1;
    p.b.cap = max_length;
    p.b.port = -1;
    enum url_error error = parse_into(&p, out);
    if (scratch != stack_scratch)
        free(scratch);
    if (error)
        memset(out, 0, sizeof *out);
    return error;
}

enum url_error url_parse_str(const char *input, const struct url *base, struct url *out)
{
    return url_parse(input, strlen(input), base, NULL, out);
}

void url_free(struct url *url)
{
    if (!url)
        return;
    free(url->href);
    memset(url, 0, sizeof *url);
}

enum url_error url_copy(const struct url *from, struct url *to)
{
    if (!from->href) { /* a zeroed struct (failed parse) copies as one */
        memset(to, 0, sizeof *to);
        return URL_OK;
    }
    char *href = malloc(from->href_length + 1);
    if (!href) {
        memset(to, 0, sizeof *to);
        return URL_ERR_NOMEM;
    }
    memcpy(href, from->href, from->href_length + 1);
    *to = *from;
    to->href = href;
    return URL_OK;
}

const char *url_error_string(enum url_error error)
{
    switch (error) {
    case URL_OK: return "no error";
    case URL_ERR_NOMEM: return "out of memory";
    case URL_ERR_TOO_LONG: return "URL longer than the configured maximum length";
    case URL_ERR_MISSING_SCHEME: return "relative URL without a base URL it can be resolved against";
    case URL_ERR_INVALID_SCHEME: return "invalid scheme";
    case URL_ERR_MISSING_HOST: return "missing host";
    case URL_ERR_INVALID_HOST: return "invalid host (forbidden character or bad percent-encoding)";
    case URL_ERR_INVALID_IPV4: return "invalid IPv4 address";
    case URL_ERR_INVALID_IPV6: return "invalid IPv6 address";
    case URL_ERR_INVALID_PORT: return "invalid port (not a number, or above 65535)";
    case URL_ERR_IDNA: return "invalid internationalized domain name (UTS #46 processing failed)";
    case URL_ERR_INVALID_CREDENTIALS: return "this URL cannot have a username, password or port";
    case URL_ERR_INVALID: return "invalid URL";
    }
    return "invalid URL";
}

/* ---- questions about a parsed URL ---- */

bool url_is_crawlable(const struct url *url)
{
    return url->scheme == URL_SCHEME_HTTP || url->scheme == URL_SCHEME_HTTPS;
}

void url_scheme_name(const struct url *url, char *dst, size_t size)
{
    if (size == 0)
        return;
    size_t n = url->protocol.length ? url->protocol.length - 1 : 0;
    if (n > size - 1)
        n = size - 1;
    memcpy(dst, url->href ? url->href : "", n);
    dst[n] = '\0';
}

const char *url_path_and_query(const struct url *url, size_t *length)
{
    *length = url->hash.offset - url->pathname.offset; /* includes the '?' of an empty query */
    return url_part_start(url, url->pathname);
}

/* Tuple origins exist for the special schemes other than file; everything else is opaque. */
static bool has_tuple_origin(const struct url *url)
{
    return url->scheme == URL_SCHEME_HTTP || url->scheme == URL_SCHEME_HTTPS || url->scheme == URL_SCHEME_WS ||
           url->scheme == URL_SCHEME_WSS || url->scheme == URL_SCHEME_FTP;
}

int url_origin(const struct url *url, char *dst, size_t size)
{
    size_t n;
    if (has_tuple_origin(url)) {
        /* "scheme://" followed by host[:port] is exactly href's prefix minus any credentials. */
        size_t scheme_part = url->protocol.length + 2;
        n = scheme_part + url->host.length;
        if (n + 1 > size)
            return -1;
        memcpy(dst, url->href, scheme_part);
        memcpy(dst + scheme_part, url_part_start(url, url->host), url->host.length);
    } else {
        n = 4;
        if (n + 1 > size)
            return -1;
        memcpy(dst, "null", 4);
    }
    dst[n] = '\0';
    return (int)n;
}

bool url_same_origin(const struct url *a, const struct url *b)
{
    return has_tuple_origin(a) && a->scheme == b->scheme && a->port == b->port &&
           a->hostname.length == b->hostname.length &&
           memcmp(url_part_start(a, a->hostname), url_part_start(b, b->hostname), a->hostname.length) == 0;
}

/* ---- crawl identity ---- */

static bool is_unreserved(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Copy s[0, n) to dst, decoding escapes of unreserved characters and upper-casing the others' hex.
 * Returns the length written (never more than n). */
static size_t normalize_escapes(const char *s, size_t n, char *dst)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && is_hex((unsigned char)s[i + 1]) && is_hex((unsigned char)s[i + 2])) {
            unsigned char c = (unsigned char)(hex_value((unsigned char)s[i + 1]) * 16 +
                                              hex_value((unsigned char)s[i + 2]));
            /* A decoded hex digit after a literal '%' (or '%' and a hex digit) would spell a new
             * escape; it stays encoded so that the identity of an identity is itself. */
            bool forms_escape = is_hex(c) && ((k >= 1 && dst[k - 1] == '%') ||
                                              (k >= 2 && dst[k - 2] == '%' && is_hex((unsigned char)dst[k - 1])));
            if (is_unreserved(c) && !forms_escape) {
                dst[k++] = (char)c;
            } else {
                dst[k++] = '%';
                dst[k++] = (char)(s[i + 1] >= 'a' ? s[i + 1] - 32 : s[i + 1]);
                dst[k++] = (char)(s[i + 2] >= 'a' ? s[i + 2] - 32 : s[i + 2]);
            }
            i += 2;
        } else {
            dst[k++] = s[i];
        }
    }
    return k;
}

/* Whether the parameter name s[0, n) (already escape-normalised) is one the caller strips. The
 * name is compared percent-decoded. */
static bool is_stripped_param(const char *s, size_t n, const struct url_identity_options *opts)
{
    char name[256];
    size_t length = 0;
    for (size_t i = 0; i < n; i++) {
        if (length == sizeof name)
            return false; /* no configured name is this long */
        if (s[i] == '%' && i + 2 < n && is_hex((unsigned char)s[i + 1]) && is_hex((unsigned char)s[i + 2])) {
            name[length++] = (char)(hex_value((unsigned char)s[i + 1]) * 16 + hex_value((unsigned char)s[i + 2]));
            i += 2;
        } else {
            name[length++] = s[i];
        }
    }
    for (size_t i = 0; i < opts->strip_param_count; i++) {
        const char *pattern = opts->strip_params[i];
        size_t pattern_length = strlen(pattern);
        if (pattern_length && pattern[pattern_length - 1] == '*') {
            if (length >= pattern_length - 1 && memcmp(name, pattern, pattern_length - 1) == 0)
                return true;
        } else if (length == pattern_length && memcmp(name, pattern, length) == 0) {
            return true;
        }
    }
    return false;
}

/* Rewrite the query query[0, n) (after '?') in place without the stripped parameters. Returns the
 * new length; *removed tells whether any parameter went. */
static size_t strip_query_params(char *query, size_t n, const struct url_identity_options *opts, bool *removed)
{
    size_t read = 0, write = 0;
    bool first = true;
    *removed = false;
    while (read <= n) {
        size_t end = read;
        while (end < n && query[end] != '&')
            end++;
        size_t name_end = read;
        while (name_end < end && query[name_end] != '=')
            name_end++;
        if (is_stripped_param(query + read, name_end - read, opts)) {
            *removed = true;
        } else {
            if (!first)
                query[write++] = '&';
            memmove(query + write, query + read, end - read);
            write += end - read;
            first = false;
        }
        read = end + 1;
    }
    return write;
}

/* Where the userinfo ("user:password@") starts and ends in href; start == end when there is none. */
static void userinfo_span(const struct url *url, size_t *start, size_t *end)
{
    *start = *end = 0;
    if (!url->username.length && !url->password.length)
        return;
    *start = url->protocol.length + 2; /* after "scheme://" */
    *end = url->host.offset;           /* after the '@' */
}

enum url_error url_identity(const struct url *url, const struct url_identity_options *opts, char **out)
{
    size_t end = url->hash.offset; /* everything before the fragment */
    size_t query_at = url->search.offset;
    char *identity = malloc(end + 1);
    *out = NULL;
    if (!identity)
        return URL_ERR_NOMEM;
    /* Credentials are not part of a page's identity: the same page is crawled once, and a password
     * a link carries never reaches a report. */
    size_t userinfo_start, userinfo_end;
    userinfo_span(url, &userinfo_start, &userinfo_end);
    size_t length = normalize_escapes(url->href, userinfo_start ? userinfo_start : query_at, identity);
    if (userinfo_start)
        length += normalize_escapes(url->href + userinfo_end, query_at - userinfo_end, identity + length);
    if (query_at < end) { /* a query, possibly empty: href[query_at] is its '?' */
        size_t question_mark = length;
        length += normalize_escapes(url->href + query_at, end - query_at, identity + length);
        if (opts && opts->strip_param_count) {
            bool removed;
            size_t query_length = strip_query_params(identity + question_mark + 1, length - question_mark - 1, opts,
                                                     &removed);
            length = question_mark + 1 + query_length;
            if (removed && query_length == 0)
                length = question_mark; /* nothing left: drop the '?' too */
        }
    }
    identity[length] = '\0';
    *out = identity;
    return URL_OK;
}
