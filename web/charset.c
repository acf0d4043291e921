/* SPDX-License-Identifier: Apache-2.0 */
/* web/charset: encoding detection (BOM, header, meta prescan, windows-1252), conversion to UTF-8,
 * and the encoder URL queries of legacy-encoded pages use. */
#include "web/charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"

static const char replacement_character[] = "\xEF\xBF\xBD";

size_t charset_utf8_valid_prefix(const char *text, size_t length)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < length) {
        /* ASCII fast path: eight bytes at a time while none has the high bit set */
        while (length - i >= 8) {
            uint64_t word;
            memcpy(&word, s + i, 8);
            if (word & 0x8080808080808080u)
                break;
            i += 8;
        }
        if (i >= length)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t min;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF)
            need = 1, min = 0x80, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            need = 2, min = 0x800, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            need = 3, min = 0x10000, cp = c & 0x07;
        else
            return i;
        if (length - i <= need)
            return i;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += need + 1;
    }
    return i;
}

/* Copy text into out, replacing each maximal invalid sequence's first byte with U+FFFD. */
static int repair_utf8(const char *text, size_t length, struct buf *out, size_t *replaced)
{
    size_t at = 0;
    while (at < length) {
        size_t valid = charset_utf8_valid_prefix(text + at, length - at);
        if (buf_append(out, text + at, valid) != CP_OK)
            return CP_ERR_NOMEM;
        at += valid;
        if (at < length) {
            if (buf_append(out, replacement_character, 3) != CP_OK)
                return CP_ERR_NOMEM;
            (*replaced)++;
            at++;
        }
    }
    return buf_reserve(out, 1); /* makes data non-NULL and NUL-terminated even when empty */
}

static void copy_label(const char *label, size_t length, char *dst, size_t size)
{
    while (length > 0 && isspace((unsigned char)*label))
        label++, length--;
    while (length > 0 &&
           (isspace((unsigned char)label[length - 1]) || label[length - 1] == '"' || label[length - 1] == '\''))
        length--;
    while (length > 0 && (*label == '"' || *label == '\''))
        label++, length--;
    size_t n = 0;
    for (; n < length && n + 1 < size; n++)
        dst[n] = (char)tolower((unsigned char)label[n]);
    dst[n] = '\0';
}

/* Find "charset" [ws] "=" in text (length bytes) and copy the value that follows; the same rule
 * serves the Content-Type header and the content attribute of <meta http-equiv>. */
static bool charset_parameter(const char *text, size_t length, char *dst, size_t size)
{
    for (size_t i = 0; i + 7 <= length; i++) {
        if (strncasecmp(text + i, "charset", 7) != 0)
            continue;
        size_t j = i + 7;
        while (j < length && isspace((unsigned char)text[j]))
            j++;
        if (j >= length || text[j] != '=')
            continue;
        j++;
        while (j < length && isspace((unsigned char)text[j]))
            j++;
        size_t start = j;
        if (j < length && (text[j] == '"' || text[j] == '\'')) {
            char quote = text[j++];
            start = j;
            while (j < length && text[j] != quote)
                j++;
        } else {
            while (j < length && text[j] != ';' && !isspace((unsigned char)text[j]))
                j++;
        }
        copy_label(text + start, j - start, dst, size);
        return dst[0] != '\0';
    }
    return false;
}

bool charset_from_content_type(const char *content_type, char *dst, size_t size)
{
    if (!content_type)
        return false;
    return charset_parameter(content_type, strlen(content_type), dst, size);
}

/* ---------- the Encoding Standard's labels ---------- */

/* Each encoding by its Encoding Standard name (lower-cased), the iconv name that decodes it (NULL
 * for those decoded here: UTF-8, windows-1252, replacement) and its labels, '|'-separated. */
enum encoding_kind { ENCODING_ICONV, ENCODING_UTF8, ENCODING_WINDOWS_1252, ENCODING_REPLACEMENT };

static const struct encoding {
    const char *name;
    const char *iconv_name;
    enum encoding_kind kind;
    const char *labels;
} encodings[] = {
    {"utf-8", NULL, ENCODING_UTF8, "unicode-1-1-utf-8|unicode11utf8|unicode20utf8|utf-8|utf8|x-unicode20utf8"},
    {"windows-1252", NULL, ENCODING_WINDOWS_1252,
     "ansi_x3.4-1968|ascii|cp1252|cp819|csisolatin1|ibm819|iso-8859-1|iso-ir-100|iso8859-1|iso88591|"
     "iso_8859-1|iso_8859-1:1987|l1|latin1|us-ascii|windows-1252|x-cp1252"},
    {"ibm866", "IBM866", ENCODING_ICONV, "866|cp866|csibm866|ibm866"},
    {"iso-8859-2", "ISO-8859-2", ENCODING_ICONV,
     "csisolatin2|iso-8859-2|iso-ir-101|iso8859-2|iso88592|iso_8859-2|iso_8859-2:1987|l2|latin2"},
    {"iso-8859-3", "ISO-8859-3", ENCODING_ICONV,
     "csisolatin3|iso-8859-3|iso-ir-109|iso8859-3|iso88593|iso_8859-3|iso_8859-3:1988|l3|latin3"},
    {"iso-8859-4", "ISO-8859-4", ENCODING_ICONV,
     "csisolatin4|iso-8859-4|iso-ir-110|iso8859-4|iso88594|iso_8859-4|iso_8859-4:1988|l4|latin4"},
    {"iso-8859-5", "ISO-8859-5", ENCODING_ICONV,
     "csisolatincyrillic|cyrillic|iso-8859-5|iso-ir-144|iso8859-5|iso88595|iso_8859-5|iso_8859-5:1988"},
    {"iso-8859-6", "ISO-8859-6", ENCODING_ICONV,
     "arabic|asmo-708|csiso88596e|csiso88596i|csisolatinarabic|ecma-114|iso-8859-6|iso-8859-6-e|"
     "iso-8859-6-i|iso-ir-127|iso8859-6|iso88596|iso_8859-6|iso_8859-6:1987"},
    {"iso-8859-7", "ISO-8859-7", ENCODING_ICONV,
     "csisolatingreek|ecma-118|elot_928|greek|greek8|iso-8859-7|iso-ir-126|iso8859-7|iso88597|"
     "iso_8859-7|iso_8859-7:1987|sun_eu_greek"},
    {"iso-8859-8", "ISO-8859-8", ENCODING_ICONV,
     "csiso88598e|csisolatinhebrew|hebrew|iso-8859-8|iso-8859-8-e|iso-ir-138|iso8859-8|iso88598|"
     "iso_8859-8|iso_8859-8:1988|visual"},
    {"iso-8859-8-i", "ISO-8859-8", ENCODING_ICONV, "csiso88598i|iso-8859-8-i|logical"},
    {"iso-8859-10", "ISO-8859-10", ENCODING_ICONV, "csisolatin6|iso-8859-10|iso-ir-157|iso8859-10|iso885910|l6|latin6"},
    {"iso-8859-13", "ISO-8859-13", ENCODING_ICONV, "iso-8859-13|iso8859-13|iso885913"},
    {"iso-8859-14", "ISO-8859-14", ENCODING_ICONV, "iso-8859-14|iso8859-14|iso885914"},
    {"iso-8859-15", "ISO-8859-15", ENCODING_ICONV, "csisolatin9|iso-8859-15|iso8859-15|iso885915|iso_8859-15|l9"},
    {"iso-8859-16", "ISO-8859-16", ENCODING_ICONV, "iso-8859-16"},
    {"koi8-r", "KOI8-R", ENCODING_ICONV, "cskoi8r|koi|koi8|koi8-r|koi8_r"},
    {"koi8-u", "KOI8-U", ENCODING_ICONV, "koi8-ru|koi8-u"},
    {"macintosh", "MACINTOSH", ENCODING_ICONV, "csmacintosh|mac|macintosh|x-mac-roman"},
    {"windows-874", "CP874", ENCODING_ICONV, "dos-874|iso-8859-11|iso8859-11|iso885911|tis-620|windows-874"},
    {"windows-1250", "CP1250", ENCODING_ICONV, "cp1250|windows-1250|x-cp1250"},
    {"windows-1251", "CP1251", ENCODING_ICONV, "cp1251|windows-1251|x-cp1251"},
    {"windows-1253", "CP1253", ENCODING_ICONV, "cp1253|windows-1253|x-cp1253"},
    {"windows-1254", "CP1254", ENCODING_ICONV,
     "cp1254|csisolatin5|iso-8859-9|iso-ir-148|iso8859-9|iso88599|iso_8859-9|iso_8859-9:1989|l5|latin5|"
     "windows-1254|x-cp1254"},
    {"windows-1255", "CP1255", ENCODING_ICONV, "cp1255|windows-1255|x-cp1255"},
    {"windows-1256", "CP1256", ENCODING_ICONV, "cp1256|windows-1256|x-cp1256"},
    {"windows-1257", "CP1257", ENCODING_ICONV, "cp1257|windows-1257|x-cp1257"},
    {"windows-1258", "CP1258", ENCODING_ICONV, "cp1258|windows-1258|x-cp1258"},
    {"x-mac-cyrillic", "MAC-CYRILLIC", ENCODING_ICONV, "x-mac-cyrillic|x-mac-ukrainian"},
    {"gbk", "GB18030", ENCODING_ICONV,
     "chinese|csgb2312|csiso58gb231280|gb2312|gb_2312|gb_2312-80|gbk|iso-ir-58|x-gbk"},
    {"gb18030", "GB18030", ENCODING_ICONV, "gb18030"},
    {"big5", "BIG5-HKSCS", ENCODING_ICONV, "big5|big5-hkscs|cn-big5|csbig5|x-x-big5"},
    {"euc-jp", "EUC-JP", ENCODING_ICONV, "cseucpkdfmtjapanese|euc-jp|x-euc-jp"},
    {"iso-2022-jp", "ISO-2022-JP", ENCODING_ICONV, "csiso2022jp|iso-2022-jp"},
    {"shift_jis", "CP932", ENCODING_ICONV, "csshiftjis|ms932|ms_kanji|shift-jis|shift_jis|sjis|windows-31j|x-sjis"},
    {"euc-kr", "CP949", ENCODING_ICONV,
     "cseuckr|csksc56011987|euc-kr|iso-ir-149|korean|ks_c_5601-1987|ks_c_5601-1989|ksc5601|ksc_5601|"
     "windows-949"},
    {"utf-16be", "UTF-16BE", ENCODING_ICONV, "unicodefffe|utf-16be"},
    {"utf-16le", "UTF-16LE", ENCODING_ICONV, "csunicode|iso-10646-ucs-2|ucs-2|unicode|unicodefeff|utf-16|utf-16le"},
    {"x-user-defined", NULL, ENCODING_WINDOWS_1252, "x-user-defined"},
    {"replacement", NULL, ENCODING_REPLACEMENT,
     "csiso2022kr|hz-gb-2312|iso-2022-cn|iso-2022-cn-ext|iso-2022-kr|replacement"},
};

#define ENCODING_COUNT (sizeof encodings / sizeof encodings[0])
static const struct encoding *const utf8_encoding = &encodings[0];
static const struct encoding *const windows_1252_encoding = &encodings[1];

/* The encoding a (lower-cased, trimmed) label names, or NULL: "get an encoding". */
static const struct encoding *encoding_for_label(const char *label)
{
    size_t length = strlen(label);
    if (length == 0)
        return NULL;
    for (size_t i = 0; i < ENCODING_COUNT; i++) {
        const char *at = encodings[i].labels;
        while (at) {
            const char *bar = strchr(at, '|');
            size_t n = bar ? (size_t)(bar - at) : strlen(at);
            if (n == length && memcmp(at, label, n) == 0)
                return &encodings[i];
            at = bar ? bar + 1 : NULL;
        }
    }
    return NULL;
}

static bool is_utf16(const struct encoding *encoding)
{
    return encoding && strncmp(encoding->name, "utf-16", 6) == 0;
}

/* ---------- the <meta> prescan ---------- */

/* One attribute of a tag in the prescan window: name and value as slices. Returns the position
 * after it, or 0 at the end of the tag. */
static size_t next_attribute(const char *s, size_t at, size_t end, const char **name, size_t *name_length,
                             const char **value, size_t *value_length)
{
    while (at < end && (isspace((unsigned char)s[at]) || s[at] == '/'))
        at++;
    if (at >= end || s[at] == '>')
        return 0;
    size_t start = at;
    at++; /* the first character belongs to the name even when it is '=' */
    while (at < end && !isspace((unsigned char)s[at]) && s[at] != '=' && s[at] != '>' && s[at] != '/')
        at++;
    *name = s + start;
    *name_length = at - start;
    *value = s + at;
    *value_length = 0;
    while (at < end && isspace((unsigned char)s[at]))
        at++;
    if (at >= end || s[at] != '=')
        return at;
    at++;
    while (at < end && isspace((unsigned char)s[at]))
        at++;
    if (at < end && (s[at] == '"' || s[at] == '\'')) {
        char quote = s[at++];
        start = at;
        while (at < end && s[at] != quote)
            at++;
        *value = s + start;
        *value_length = at - start;
        return at < end ? at + 1 : at;
    }
    start = at;
    while (at < end && !isspace((unsigned char)s[at]) && s[at] != '>')
        at++;
    *value = s + start;
    *value_length = at - start;
    return at;
}

static bool attribute_is(const char *name, size_t length, const char *want)
{
    return length == strlen(want) && strncasecmp(name, want, length) == 0;
}

/* A label the meta prescan may return: a known encoding's, with UTF-16 read as UTF-8 and
 * x-user-defined as windows-1252 (the standard's rule for labels found in the document). */
static bool usable_meta_label(const char *label)
{
    return encoding_for_label(label) != NULL;
}

/* Examine one <meta ...> tag whose attributes start at `at`; *after receives the position after
 * the tag. A declaration only counts when its label names an encoding. */
static bool prescan_meta_tag(const char *s, size_t at, size_t end, size_t *after, char *dst, size_t size)
{
    bool http_equiv_content_type = false, found = false;
    const char *content = NULL;
    size_t content_length = 0;
    const char *name, *value;
    size_t name_length, value_length, next;
    while ((next = next_attribute(s, at, end, &name, &name_length, &value, &value_length)) != 0) {
        at = next;
        if (!found && attribute_is(name, name_length, "charset")) {
            copy_label(value, value_length, dst, size);
            found = usable_meta_label(dst);
        } else if (attribute_is(name, name_length, "http-equiv")) {
            http_equiv_content_type = attribute_is(value, value_length, "content-type");
        } else if (attribute_is(name, name_length, "content") && !content) {
            content = value;
            content_length = value_length;
        }
    }
    *after = at < end ? at + 1 : end;
    if (found)
        return true;
    return http_equiv_content_type && content && charset_parameter(content, content_length, dst, size) &&
           usable_meta_label(dst);
}

/* Tags that keep the prescan "in the head" (Chromium's HTMLMetaCharsetParser): while only these
 * have been seen, the scan goes on past CHARSET_PRESCAN_BYTES. */
static bool keeps_head(const char *name, size_t length, bool end_tag)
{
    static const char *const head_tags[] = {"script", "noscript", "style", "link", "meta", "object", "title", "base"};
    for (size_t i = 0; i < sizeof head_tags / sizeof head_tags[0]; i++)
        if (attribute_is(name, length, head_tags[i]))
            return true;
    return !end_tag && (attribute_is(name, length, "html") || attribute_is(name, length, "head"));
}

/* Elements whose content is text to the tokenizer: skip to their end tag. */
static bool is_raw_text(const char *name, size_t length)
{
    static const char *const raw[] = {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes"};
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++)
        if (attribute_is(name, length, raw[i]))
            return true;
    return false;
}

static size_t find_text(const char *s, size_t at, size_t end, const char *needle, bool ignore_case)
{
    size_t n = strlen(needle);
    for (; at + n <= end; at++)
        if (ignore_case ? strncasecmp(s + at, needle, n) == 0 : memcmp(s + at, needle, n) == 0)
            return at;
    return end;
}

static size_t skip_raw_text(const char *s, size_t at, size_t end, const char *name, size_t length)
{
    char closing[16];
    if (length + 2 >= sizeof closing)
        return end;
    closing[0] = '<', closing[1] = '/';
    memcpy(closing + 2, name, length);
    closing[length + 2] = '\0';
    return find_text(s, at, end, closing, true);
}

bool charset_prescan_meta(const char *body, size_t length, char *dst, size_t size)
{
    bool in_head = true;
    size_t at = 0;
    while (at < length && (in_head || at < CHARSET_PRESCAN_BYTES)) {
        const char *lt = memchr(body + at, '<', length - at);
        if (!lt)
            return false;
        at = (size_t)(lt - body);
        if (!in_head && at >= CHARSET_PRESCAN_BYTES)
            break;
        if (length - at >= 4 && memcmp(body + at, "<!--", 4) == 0) {
            /* "<!-->" and "<!--->" are (empty) comments too */
            size_t close = length - at >= 5 && body[at + 4] == '>' ? at + 2
                           : length - at >= 6 && memcmp(body + at + 4, "->", 2) == 0
                               ? at + 3
                               : find_text(body, at + 4, length, "-->", false);
            if (close >= length)
                return false;
            at = close + 3;
            continue;
        }
        if (length - at >= 2 && (body[at + 1] == '!' || body[at + 1] == '?' ||
                                 (body[at + 1] == '/' && (length - at < 3 || !isalpha((unsigned char)body[at + 2]))))) {
            const char *gt = memchr(body + at, '>', length - at); /* bogus comment, doctype */
            if (!gt)
                return false;
            at = (size_t)(gt - body) + 1;
            continue;
        }
        bool end_tag = length - at >= 2 && body[at + 1] == '/';
        size_t name_start = at + 1 + end_tag;
        if (name_start >= length || !isalpha((unsigned char)body[name_start])) {
            at++; /* a '<' that opens no tag is text */
            continue;
        }
        size_t name_end = name_start;
        while (name_end < length && !isspace((unsigned char)body[name_end]) && body[name_end] != '/' &&
               body[name_end] != '>')
            name_end++;
        const char *name = body + name_start;
        size_t name_length = name_end - name_start;
        size_t after;
        if (!end_tag && attribute_is(name, name_length, "meta")) {
            if (prescan_meta_tag(body, name_end, length, &after, dst, size))
                return true;
        } else {
            const char *attribute_name, *value;
            size_t attribute_length, value_length, next;
            after = name_end;
            while ((next = next_attribute(body, after, length, &attribute_name, &attribute_length, &value,
                                          &value_length)) != 0)
                after = next;
            after = after < length ? after + 1 : length;
        }
        if (!keeps_head(name, name_length, end_tag))
            in_head = false;
        if (!end_tag && is_raw_text(name, name_length))
            after = skip_raw_text(body, after, length, name, name_length);
        at = after;
    }
    dst[0] = '\0';
    return false;
}

/* ---------- decoding ---------- */

/* The Encoding Standard's windows-1252: bytes 0x80-0x9F map to these code points (five of them to
 * the C1 control of the same value, which iconv's WINDOWS-1252 rejects); every other byte is its
 * own code point. */
static const uint16_t windows_1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static size_t put_utf8(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Bytes of the UTF-8 form of windows-1252 text: ASCII stays one byte, 0xA0-0xFF and most of
 * 0x80-0x9F become two, the rest (euro sign, quotes, dashes, ...) three. */
static size_t windows_1252_utf8_length(const unsigned char *s, size_t length)
{
    size_t total = length;
    for (size_t i = 0; i < length; i++)
        if (s[i] >= 0x80)
            total += s[i] >= 0xA0 || windows_1252_high[s[i] - 0x80] < 0x800 ? 1 : 2;
    return total;
}

/* windows-1252 to UTF-8 into out; when body is all ASCII nothing is copied (*copied false). */
static int decode_windows_1252(const char *body, size_t length, struct buf *out, bool *copied)
{
    size_t utf8_length = windows_1252_utf8_length((const unsigned char *)body, length);
    *copied = utf8_length != length;
    if (!*copied)
        return CP_OK;
    if (buf_reserve(out, utf8_length + 1) != CP_OK)
        return CP_ERR_NOMEM;
    char *dst = out->data;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)body[i];
        uint32_t cp = c >= 0x80 && c < 0xA0 ? windows_1252_high[c - 0x80] : c;
        dst += put_utf8(cp, dst);
    }
    out->len = (size_t)(dst - out->data);
    out->data[out->len] = '\0';
    return CP_OK;
}

/* Convert with iconv; each invalid or truncated sequence costs one byte and one U+FFFD. */
static int convert_with_iconv(iconv_t cd, const char *text, size_t length, struct buf *out, size_t *replaced)
{
    if (buf_reserve(out, length + length / 2 + 16) != CP_OK)
        return CP_ERR_NOMEM;
    char *in = (char *)text;
    size_t in_left = length;
    while (in_left > 0) {
        if (out->cap - out->len < 16 && buf_reserve(out, out->cap) != CP_OK)
            return CP_ERR_NOMEM;
        char *dst = out->data + out->len;
        size_t dst_left = out->cap - out->len - 1;
        size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
        out->len = (size_t)(dst - out->data);
        out->data[out->len] = '\0';
        if (rc != (size_t)-1)
            break;
        if (errno == E2BIG) {
            if (buf_reserve(out, in_left * 2 + 16) != CP_OK)
                return CP_ERR_NOMEM;
        } else { /* EILSEQ or EINVAL: skip one byte, emit U+FFFD, start a fresh shift state */
            if (buf_append(out, replacement_character, 3) != CP_OK)
                return CP_ERR_NOMEM;
            (*replaced)++;
            in++, in_left--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    return CP_OK;
}

static void set_name(char *dst, const char *name)
{
    size_t n = strlen(name);
    if (n >= CHARSET_NAME_MAX)
        n = CHARSET_NAME_MAX - 1;
    memcpy(dst, name, n);
    dst[n] = '\0';
}

static int decode_utf8(const char *body, size_t length, struct charset_result *result)
{
    set_name(result->used, "utf-8");
    if (charset_utf8_valid_prefix(body, length) == length) {
        result->text = body;
        result->length = length;
        return CP_OK;
    }
    struct buf out = BUF_INIT;
    if (repair_utf8(body, length, &out, &result->replaced) != CP_OK) {
        buf_free(&out);
        return CP_ERR_NOMEM;
    }
    result->owned_text = out.data;
    result->text = out.data;
    result->length = out.len;
    return CP_OK;
}

static int decode_with_iconv(const char *iconv_name, const char *body, size_t length, struct charset_result *result)
{
    iconv_t cd = iconv_open("UTF-8", iconv_name);
    if (cd == (iconv_t)-1)
        return errno == ENOMEM ? CP_ERR_NOMEM : CP_ERR_INVALID;
    struct buf out = BUF_INIT;
    int status = convert_with_iconv(cd, body, length, &out, &result->replaced);
    iconv_close(cd);
    if (status == CP_OK)
        status = buf_reserve(&out, 1);
    if (status != CP_OK) {
        buf_free(&out);
        return status;
    }
    /* iconv output is valid UTF-8 by construction; repair anyway if a converter misbehaved */
    if (charset_utf8_valid_prefix(out.data, out.len) != out.len) {
        struct buf repaired = BUF_INIT;
        status = repair_utf8(out.data, out.len, &repaired, &result->replaced);
        buf_free(&out);
        if (status != CP_OK) {
            buf_free(&repaired);
            return status;
        }
        out = repaired;
    }
    result->owned_text = out.data;
    result->text = out.data;
    result->length = out.len;
    return CP_OK;
}

/* Decode the whole body with encoding. CP_ERR_INVALID when iconv lacks it (the caller falls back). */
static int decode_as(const struct encoding *encoding, const char *body, size_t length, struct charset_result *result)
{
    int status;
    struct buf out = BUF_INIT;
    switch (encoding->kind) {
    case ENCODING_UTF8: return decode_utf8(body, length, result);
    case ENCODING_WINDOWS_1252: {
        bool copied;
        if ((status = decode_windows_1252(body, length, &out, &copied)) != CP_OK)
            return status;
        if (!copied) { /* ASCII: the body is its own UTF-8 */
            set_name(result->used, windows_1252_encoding->name);
            result->text = body;
            result->length = length;
            return CP_OK;
        }
        break;
    }
    case ENCODING_REPLACEMENT: /* the standard's "replacement": the whole body is one U+FFFD */
        if ((status = buf_append(&out, replacement_character, length ? 3 : 0)) != CP_OK ||
            (status = buf_reserve(&out, 1)) != CP_OK) {
            buf_free(&out);
            return status;
        }
        result->replaced = length ? 1 : 0;
        break;
    case ENCODING_ICONV:
        if ((status = decode_with_iconv(encoding->iconv_name, body, length, result)) != CP_OK)
            return status;
        set_name(result->used, encoding->name);
        return CP_OK;
    }
    set_name(result->used, encoding->kind == ENCODING_WINDOWS_1252 ? windows_1252_encoding->name : encoding->name);
    result->owned_text = out.data;
    result->text = out.data;
    result->length = out.len;
    return CP_OK;
}

/* The encoding of a body without a byte order mark: the Content-Type charset, else the <meta>
 * prescan, else windows-1252 (what Chromium falls back to for pages that declare nothing). A label
 * that names no encoding is skipped (unknown_label). */
static const struct encoding *sniff(const char *body, size_t length, const char *content_type,
                                    struct charset_result *result)
{
    const struct encoding *encoding;
    char label[CHARSET_NAME_MAX];
    if (charset_from_content_type(content_type, label, sizeof label)) {
        set_name(result->declared, label);
        if ((encoding = encoding_for_label(label)) != NULL) {
            result->source = CHARSET_SOURCE_HEADER;
            return encoding;
        }
        result->unknown_label = true;
    }
    if (charset_prescan_meta(body, length, label, sizeof label)) {
        set_name(result->declared, label);
        result->source = CHARSET_SOURCE_META;
        encoding = encoding_for_label(label);
        /* a document cannot be UTF-16 by its own declaration: its bytes were read as ASCII */
        if (is_utf16(encoding))
            return utf8_encoding;
        return encoding;
    }
    return windows_1252_encoding;
}

int charset_decode(const char *body, size_t length, const char *content_type, struct charset_result *result)
{
    memset(result, 0, sizeof *result);
    if (!body)
        body = "", length = 0;
    const unsigned char *b = (const unsigned char *)body;
    int status;
    if (length >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        result->source = CHARSET_SOURCE_BOM;
        set_name(result->declared, "utf-8");
        status = decode_utf8(body + 3, length - 3, result);
    } else if (length >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        bool little = b[0] == 0xFF;
        result->source = CHARSET_SOURCE_BOM;
        set_name(result->declared, little ? "utf-16le" : "utf-16be");
        status = decode_as(encoding_for_label(result->declared), body + 2, length - 2, result);
    } else {
        const struct encoding *encoding = sniff(body, length, content_type, result);
        status = decode_as(encoding, body, length, result);
        if (status == CP_ERR_INVALID) { /* iconv lacks a converter: as if nothing was declared */
            result->unknown_label = true;
            result->source = CHARSET_SOURCE_DEFAULT;
            status = decode_as(windows_1252_encoding, body, length, result);
        }
    }
    if (status != CP_OK) {
        memset(result, 0, sizeof *result);
        return status;
    }
    return CP_OK;
}

void charset_result_free(struct charset_result *result)
{
    free(result->owned_text);
    memset(result, 0, sizeof *result);
}

/* ---------- encoding URL queries ---------- */

struct charset_encoder {
    const struct encoding *encoding;
    iconv_t cd; /* UTF-8 -> the encoding; (iconv_t)-1 for windows-1252 */
};

int charset_encoder_open(const char *encoding_name, struct charset_encoder **out)
{
    *out = NULL;
    const struct encoding *encoding = encoding_name ? encoding_for_label(encoding_name) : NULL;
    /* the standard's "get an output encoding": these encode URLs as UTF-8 */
    if (!encoding || encoding->kind == ENCODING_UTF8 || encoding->kind == ENCODING_REPLACEMENT || is_utf16(encoding))
        return CP_OK;
    struct charset_encoder *encoder = calloc(1, sizeof *encoder);
    if (!encoder)
        return CP_ERR_NOMEM;
    encoder->encoding = encoding;
    encoder->cd = (iconv_t)-1;
    if (encoding->kind == ENCODING_ICONV) {
        encoder->cd = iconv_open(encoding->iconv_name, "UTF-8");
        if (encoder->cd == (iconv_t)-1) {
            free(encoder);
            return errno == ENOMEM ? CP_ERR_NOMEM : CP_OK; /* no converter: UTF-8, as decoding fell back */
        }
    }
    *out = encoder;
    return CP_OK;
}

static size_t encode_windows_1252(uint32_t code_point, char *out)
{
    if (code_point < 0x80 || (code_point >= 0xA0 && code_point <= 0xFF)) {
        out[0] = (char)code_point;
        return 1;
    }
    for (size_t i = 0; i < 32; i++)
        if (windows_1252_high[i] == code_point) {
            out[0] = (char)(0x80 + i);
            return 1;
        }
    return 0;
}

size_t charset_encode(struct charset_encoder *encoder, uint32_t code_point, char *out)
{
    if (encoder->encoding->kind == ENCODING_WINDOWS_1252)
        return encode_windows_1252(code_point, out);
    if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
        return 0;
    char utf8[4];
    size_t n;
    if (code_point < 0x10000) {
        n = put_utf8(code_point, utf8);
    } else {
        utf8[0] = (char)(0xF0 | (code_point >> 18));
        utf8[1] = (char)(0x80 | ((code_point >> 12) & 0x3F));
        utf8[2] = (char)(0x80 | ((code_point >> 6) & 0x3F));
        utf8[3] = (char)(0x80 | (code_point & 0x3F));
        n = 4;
    }
    char *in = utf8, *dst = out;
    size_t in_left = n, out_left = CHARSET_ENCODED_MAX;
    iconv(encoder->cd, NULL, NULL, NULL, NULL);
    if (iconv(encoder->cd, &in, &in_left, &dst, &out_left) == (size_t)-1) {
        iconv(encoder->cd, NULL, NULL, NULL, NULL);
        return 0;
    }
    /* stateful encodings (ISO-2022-JP) return to their initial state after each character */
    iconv(encoder->cd, NULL, NULL, &dst, &out_left);
    return (size_t)(dst - out);
}

void charset_encoder_close(struct charset_encoder *encoder)
{
    if (!encoder)
        return;
    if (encoder->cd != (iconv_t)-1)
        iconv_close(encoder->cd);
    free(encoder);
}
