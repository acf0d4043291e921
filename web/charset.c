/* web/charset: encoding detection (BOM, header, meta prescan) and conversion to UTF-8. */
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
    while (length > 0 && (isspace((unsigned char)label[length - 1]) || label[length - 1] == '"' ||
                          label[length - 1] == '\''))
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

/* Examine one <meta ...> tag whose attributes start at `at`. */
static bool prescan_meta_tag(const char *s, size_t at, size_t end, char *dst, size_t size)
{
    bool http_equiv_content_type = false;
    const char *content = NULL;
    size_t content_length = 0;
    const char *name, *value;
    size_t name_length, value_length;
    while ((at = next_attribute(s, at, end, &name, &name_length, &value, &value_length)) != 0) {
        if (attribute_is(name, name_length, "charset")) {
            copy_label(value, value_length, dst, size);
            if (dst[0])
                return true;
        } else if (attribute_is(name, name_length, "http-equiv")) {
            http_equiv_content_type = attribute_is(value, value_length, "content-type");
        } else if (attribute_is(name, name_length, "content")) {
            content = value;
            content_length = value_length;
        }
    }
    return http_equiv_content_type && content && charset_parameter(content, content_length, dst, size);
}

bool charset_prescan_meta(const char *body, size_t length, char *dst, size_t size)
{
    size_t end = length < CHARSET_PRESCAN_BYTES ? length : CHARSET_PRESCAN_BYTES;
    size_t at = 0;
    while (at < end) {
        const char *lt = memchr(body + at, '<', end - at);
        if (!lt)
            return false;
        at = (size_t)(lt - body);
        if (end - at >= 4 && memcmp(body + at, "<!--", 4) == 0) {
            const char *close = NULL;
            for (size_t k = at + 4; k + 3 <= end; k++)
                if (memcmp(body + k, "-->", 3) == 0) {
                    close = body + k;
                    break;
                }
            if (!close)
                return false;
            at = (size_t)(close - body) + 3;
            continue;
        }
        if (end - at >= 6 && strncasecmp(body + at + 1, "meta", 4) == 0 &&
            (isspace((unsigned char)body[at + 5]) || body[at + 5] == '/')) {
            if (prescan_meta_tag(body, at + 5, end, dst, size))
                return true;
        }
        at++;
    }
    return false;
}

/* The iconv name for a declared label; NULL for UTF-8 (handled without iconv). The WHATWG
 * Encoding Standard maps several labels to supersets; browsers decode them that way, so do we. */
static const char *iconv_name_for(const char *label)
{
    static const struct {
        const char *label;
        const char *iconv_name;
    } aliases[] = {
        {"utf-8", NULL}, {"utf8", NULL}, {"unicode-1-1-utf-8", NULL},
        /* a <meta> or header claiming UTF-16 on an ASCII-compatible byte stream means UTF-8 */
        {"utf-16", NULL}, {"utf-16le", NULL}, {"utf-16be", NULL},
        {"iso-8859-1", "WINDOWS-1252"}, {"iso8859-1", "WINDOWS-1252"}, {"latin1", "WINDOWS-1252"},
        {"l1", "WINDOWS-1252"}, {"us-ascii", "WINDOWS-1252"}, {"ascii", "WINDOWS-1252"},
        {"windows-1252", "WINDOWS-1252"}, {"cp1252", "WINDOWS-1252"}, {"iso_8859-1", "WINDOWS-1252"},
        {"shift_jis", "CP932"}, {"shift-jis", "CP932"}, {"sjis", "CP932"}, {"x-sjis", "CP932"},
        {"ms_kanji", "CP932"}, {"windows-31j", "CP932"}, {"csshiftjis", "CP932"},
        {"gb2312", "GB18030"}, {"gbk", "GB18030"}, {"x-gbk", "GB18030"}, {"gb18030", "GB18030"},
        {"iso-8859-9", "WINDOWS-1254"}, {"latin5", "WINDOWS-1254"},
        {"tis-620", "WINDOWS-874"}, {"iso-8859-11", "WINDOWS-874"},
        {"ks_c_5601-1987", "EUC-KR"}, {"euc-kr", "EUC-KR"},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(label, aliases[i].label) == 0)
            return aliases[i].iconv_name;
    return label;
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

static int decode_with(const char *iconv_name, const char *body, size_t length, struct charset_result *result)
{
    iconv_t cd = iconv_open("UTF-8", iconv_name);
    if (cd == (iconv_t)-1) {
        result->unknown_label = true;
        return decode_utf8(body, length, result);
    }
    char lower[CHARSET_NAME_MAX];
    copy_label(iconv_name, strlen(iconv_name), lower, sizeof lower);
    set_name(result->used, lower);
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
        status = decode_with(little ? "UTF-16LE" : "UTF-16BE", body + 2, length - 2, result);
    } else {
        if (charset_from_content_type(content_type, result->declared, sizeof result->declared))
            result->source = CHARSET_SOURCE_HEADER;
        else if (charset_prescan_meta(body, length, result->declared, sizeof result->declared))
            result->source = CHARSET_SOURCE_META;
        const char *iconv_name = result->declared[0] ? iconv_name_for(result->declared) : NULL;
        status = iconv_name ? decode_with(iconv_name, body, length, result) : decode_utf8(body, length, result);
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
