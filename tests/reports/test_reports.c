/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the report renderings: finding identity, baselines (new / existing / fixed,
 * corrupt and old files), the fail policy, and the escaping helpers of CSV, XML and SARIF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "common/buf.h"
#include "common/csv.h"
#include "common/error.h"
#include "findings/cause.h"
#include "reports/baseline.h"
#include "reports/render.h"
#include "reports/render_csv.h"
#include "reports/render_junit.h"
#include "reports/render_sarif.h"

/* A temporary file holding text; the caller unlinks and frees the returned path. */
static char *temp_file_with(const char *text, size_t len)
{
    char *path = strdup("/tmp/crawlpack-test-baseline-XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static struct finding *add(struct finding_list *list, enum rule_id rule, const char *url, const char *source,
                           unsigned line, const char *related)
{
    struct finding *f = findings_add(list, rule, url, source, line, "message for %s", url ? url : "-");
    assert_non_null(f);
    if (related)
        assert_int_equal(finding_add_related(f, related), CP_OK);
    return f;
}

static void identity_of(const struct finding *f, struct buf *out)
{
    buf_reset(out);
    assert_int_equal(finding_identity(f, out), CP_OK);
}

static void test_identity_per_rule_family(void **state)
{
    (void)state;
    struct finding_list list = FINDING_LIST_INIT;
    struct buf a = BUF_INIT, b = BUF_INIT;

    /* broken-link: sources and message are evidence, not identity. */
    add(&list, RULE_BROKEN_LINK, "https://x.example/gone", "https://x.example/", 3, "https://x.example/");
    add(&list, RULE_BROKEN_LINK, "https://x.example/gone", "https://x.example/other", 0, "https://x.example/b");
    identity_of(&list.items[0], &a);
    identity_of(&list.items[1], &b);
    assert_string_equal(buf_str(&a), buf_str(&b));
    assert_string_equal(buf_str(&a), "broken-link\x1fhttps://x.example/gone\x1f");
    /* Independently computed FNV-1a 64 of that identity. */
    char hex[17];
    finding_fingerprint_hex(&list.items[0], hex);
    assert_int_equal(finding_fingerprint(&list.items[0]), finding_fingerprint(&list.items[1]));

    /* canonical-*: the target is identity. */
    add(&list, RULE_CANONICAL_TO_ERROR, "https://x.example/p", "https://x.example/p", 4, "https://x.example/t1");
    add(&list, RULE_CANONICAL_TO_ERROR, "https://x.example/p", "https://x.example/p", 4, "https://x.example/t2");
    identity_of(&list.items[2], &a);
    identity_of(&list.items[3], &b);
    assert_string_equal(buf_str(&a), "canonical-to-error\x1fhttps://x.example/p\x1fhttps://x.example/t1");
    assert_string_not_equal(buf_str(&a), buf_str(&b));

    /* sitemap-*: the file is identity, the line is not. */
    add(&list, RULE_SITEMAP_LOC_INVALID, "http://u", "a.xml", 3, NULL);
    add(&list, RULE_SITEMAP_LOC_INVALID, "http://u", "a.xml", 30, NULL);
    add(&list, RULE_SITEMAP_LOC_INVALID, "http://u", "b.xml", 3, NULL);
    identity_of(&list.items[4], &a);
    identity_of(&list.items[5], &b);
    assert_string_equal(buf_str(&a), buf_str(&b));
    identity_of(&list.items[6], &b);
    assert_string_not_equal(buf_str(&a), buf_str(&b));

    /* A file-level finding without URL is keyed by its file. */
    add(&list, RULE_SITEMAP_EMPTY, NULL, "empty.xml", 0, NULL);
    identity_of(&list.items[7], &a);
    assert_string_equal(buf_str(&a), "sitemap-empty\x1f\x1f"
                                     "empty.xml");

    assert_int_equal(finding_identity_key_kind(RULE_DEEP_PAGE), FINDING_KEY_NONE);
    assert_int_equal(finding_identity_key_kind(RULE_ROBOTS_INVALID_LINE), FINDING_KEY_SOURCE);
    assert_int_equal(finding_identity_key_kind(RULE_HREFLANG_NO_RETURN), FINDING_KEY_FIRST_RELATED);
    assert_int_equal(finding_identity_key_kind(RULE_CANONICAL_MISSING), FINDING_KEY_NONE);
    buf_free(&a);
    buf_free(&b);
    findings_free(&list);
}

static void cause_of(const struct finding *f, struct buf *out)
{
    buf_reset(out);
    assert_int_equal(finding_cause_key(f, out), CP_OK);
}

/* 527 file: canonicals are one cause; broken targets under one deep folder are one cause, whatever
 * page links them; a sitemap's entries share their file; grouping counts and orders them. */
static void test_cause_keys_and_groups(void **state)
{
    (void)state;
    struct finding_list list = FINDING_LIST_INIT;
    struct buf key = BUF_INIT;
    char url[128];
    for (int i = 0; i < 527; i++) {
        snprintf(url, sizeof url, "http://h/library/p%d.html", i);
        add(&list, RULE_CANONICAL_INVALID, url, url, 5, "file:///usr/share/doc/python3/html/index.html");
    }
    cause_of(&list.items[0], &key);
    assert_string_equal(buf_str(&key), "canonical-invalid:scheme=file");
    for (int i = 0; i < 77; i++) {
        snprintf(url, sizeof url, "http://h/usr/share/doc/python3-doc/html/library/m%d.html", i);
        struct finding *f = findings_add(&list, RULE_BROKEN_LINK, url, "http://h/a", 0,
                                         "%s answers 404 (linked from 2 pages)", url);
        assert_non_null(f);
        snprintf(url, sizeof url, "http://h/ref/p%d.html", i % 34);
        assert_int_equal(finding_add_related(f, url), CP_OK);
    }
    cause_of(&list.items[527], &key);
    assert_string_equal(buf_str(&key), "broken-link:404 http://h/usr/share/doc/python3-doc/");
    add(&list, RULE_CANONICAL_CROSS_HOST, "http://h/x", "http://h/x", 3, "https://docs.python.org/3/x");
    cause_of(&list.items[list.count - 1], &key);
    assert_string_equal(buf_str(&key), "canonical-cross-host:origin=https://docs.python.org");
    add(&list, RULE_SITEMAP_URL_NOINDEX, "http://h/n", "http://h/sitemap.xml", 7, NULL);
    cause_of(&list.items[list.count - 1], &key);
    assert_string_equal(buf_str(&key), "sitemap-url-noindex:http://h/sitemap.xml");
    add(&list, RULE_DEEP_PAGE, "http://h/docs/a/b/c.html", NULL, 0, NULL);
    cause_of(&list.items[list.count - 1], &key);
    assert_string_equal(buf_str(&key), "deep-page:http://h/docs/");
    add(&list, RULE_DEEP_PAGE, "http://h/top.html", NULL, 0, NULL);
    cause_of(&list.items[list.count - 1], &key);
    assert_string_equal(buf_str(&key), "deep-page:http://h/");

    struct finding_causes causes;
    assert_int_equal(finding_causes_build(&list, &causes), CP_OK);
    assert_int_equal(causes.count, 6);
    assert_string_equal(causes.groups[0].key, "canonical-invalid:scheme=file");
    assert_int_equal(causes.groups[0].count, 527);
    assert_string_equal(
        causes.groups[0].summary,
        "527 pages: canonical uses the file: scheme (built without the site URL, e.g. Sphinx html_baseurl?)");
    assert_int_equal(causes.groups[1].count, 77);
    assert_int_equal(causes.groups[1].related, 34);
    assert_string_equal(causes.groups[1].summary,
                        "77 targets under http://h/usr/share/doc/python3-doc/ answer 404 (linked from 34 pages)");
    size_t seen = 0;
    for (size_t g = 0; g < causes.count; g++)
        for (size_t k = causes.groups[g].start; k < causes.groups[g].start + causes.groups[g].count; k++, seen++)
            assert_int_equal(causes.group_of[causes.order[k]], g);
    assert_int_equal(seen, list.count);
    finding_causes_free(&causes);
    buf_free(&key);
    findings_free(&list);
}

static void test_fingerprint_is_fnv1a_64(void **state)
{
    (void)state;
    struct finding_list list = FINDING_LIST_INIT;
    add(&list, RULE_BROKEN_LINK, "https://demo.example/missing", NULL, 0, NULL);
    char hex[17];
    finding_fingerprint_hex(&list.items[0], hex);
    /* Computed with an independent FNV-1a 64 implementation over the identity bytes. */
    assert_string_equal(hex, "1da711589ed9c1ac");
    findings_free(&list);
}

/* Write list as findings.json to a temporary file and load it back as a baseline. */
static char *write_baseline(const struct finding_list *list)
{
    char *path = temp_file_with("", 0);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    struct report_context ctx;
    report_context_init(&ctx);
    assert_int_equal(render_findings("json", out, list, &ctx), CP_OK);
    assert_int_equal(fclose(out), 0);
    return path;
}

static void test_baseline_new_existing_fixed(void **state)
{
    (void)state;
    struct finding_list old = FINDING_LIST_INIT, now = FINDING_LIST_INIT;
    add(&old, RULE_BROKEN_LINK, "https://x.example/a", "https://x.example/", 0, "https://x.example/");
    add(&old, RULE_DEEP_PAGE, "https://x.example/deep", NULL, 0, NULL);
    add(&old, RULE_ROBOTS_INVALID_LINE, "https://x.example/robots.txt", "https://x.example/robots.txt", 4, NULL);
    add(&old, RULE_ROBOTS_INVALID_LINE, "https://x.example/robots.txt", "https://x.example/robots.txt", 9, NULL);

    add(&now, RULE_BROKEN_LINK, "https://x.example/a", "https://x.example/", 0, "https://x.example/new-source");
    add(&now, RULE_BROKEN_LINK, "https://x.example/b", "https://x.example/", 0, NULL);
    add(&now, RULE_ROBOTS_INVALID_LINE, "https://x.example/robots.txt", "https://x.example/robots.txt", 5, NULL);
    add(&now, RULE_ROBOTS_INVALID_LINE, "https://x.example/robots.txt", "https://x.example/robots.txt", 6, NULL);
    add(&now, RULE_ROBOTS_INVALID_LINE, "https://x.example/robots.txt", "https://x.example/robots.txt", 7, NULL);

    char *path = write_baseline(&old);
    struct baseline baseline;
    struct buf error = BUF_INIT;
    assert_int_equal(baseline_load(path, &baseline, &error), CP_OK);
    assert_int_equal(baseline.findings.count, 4);
    assert_int_equal(baseline.findings.items[2].line, 4);

    struct baseline_comparison c;
    assert_int_equal(baseline_compare(&baseline, &now, &c), CP_OK);
    assert_int_equal(c.state_count, 5);
    assert_int_equal(c.states[0], BASELINE_EXISTING); /* same target, new source page */
    assert_int_equal(c.states[1], BASELINE_NEW);
    /* Two identical identities in the baseline, three now: two existing, one new. */
    assert_int_equal(c.states[2], BASELINE_EXISTING);
    assert_int_equal(c.states[3], BASELINE_EXISTING);
    assert_int_equal(c.states[4], BASELINE_NEW);
    assert_int_equal(c.new_count, 2);
    assert_int_equal(c.existing_count, 3);
    assert_int_equal(c.fixed_count, 1);
    assert_int_equal(baseline.findings.items[c.fixed[0]].rule, RULE_DEEP_PAGE);

    /* --fail-on counts only new findings unless fail-on-existing. */
    struct report_context ctx;
    report_context_init(&ctx);
    assert_int_equal(report_count_failing(&ctx, &now), 2); /* no baseline: both broken links */
    ctx.baseline = &c;
    assert_int_equal(report_count_failing(&ctx, &now), 1);
    ctx.fail_on = SEVERITY_NOTICE;
    assert_int_equal(report_count_failing(&ctx, &now), 2);
    ctx.fail_on_existing = true;
    assert_int_equal(report_count_failing(&ctx, &now), 5);
    ctx.fail_on = SEVERITY_NEVER;
    assert_int_equal(report_count_failing(&ctx, &now), 0);
    assert_string_equal(report_baseline_state(&ctx, 1), "new");
    assert_string_equal(report_baseline_state(&ctx, 0), "existing");
    assert_null(report_baseline_state(&ctx, 5));

    baseline_comparison_free(&c);
    baseline_free(&baseline);
    buf_free(&error);
    unlink(path);
    free(path);
    findings_free(&old);
    findings_free(&now);
}

static void test_baseline_from_older_schema(void **state)
{
    (void)state;
    static const char text[] =
        "{\"findings\":[{\"rule\":\"deep-page\",\"url\":\"https://x.example/d\"},"
        "{\"rule\":\"sitemap-empty\",\"source\":\"s.xml\",\"line\":null,\"related\":null},"
        "{\"rule\":\"no-such-rule-yet\",\"url\":\"https://x.example/\"}],\"schema\":7,\"extra\":[1,2]}";
    char *path = temp_file_with(text, strlen(text));
    struct baseline baseline;
    struct buf error = BUF_INIT;
    assert_int_equal(baseline_load(path, &baseline, &error), CP_OK);
    assert_int_equal(baseline.findings.count, 2);
    assert_int_equal(baseline.unknown_rule_count, 1);
    assert_string_equal(baseline.findings.items[0].message, "");
    assert_null(baseline.findings.items[0].source);
    assert_string_equal(baseline.findings.items[1].source, "s.xml");
    baseline_free(&baseline);
    /* The in-memory variant reads the same, and names the given file in its errors. */
    assert_int_equal(baseline_parse("mem.json", text, strlen(text), &baseline, &error), CP_OK);
    assert_int_equal(baseline.findings.count, 2);
    assert_string_equal(baseline.path, "mem.json");
    baseline_free(&baseline);
    assert_int_equal(baseline_parse("mem.json", "{", 1, &baseline, &error), CP_ERR_PARSE);
    assert_non_null(strstr(buf_str(&error), "mem.json:1:"));
    buf_free(&error);
    unlink(path);
    free(path);
}

struct corrupt_case {
    const char *text;
    int status;
    const char *message_part;
};

static void test_corrupt_baselines_name_file_and_problem(void **state)
{
    (void)state;
    static const struct corrupt_case cases[] = {
        {"", CP_ERR_PARSE, "is not valid JSON"},
        {"\x89PNG\r\n\x1a\n garbage", CP_ERR_PARSE, "is not valid JSON"},
        {"{\"findings\":[{\"rule\":\"deep-page\",", CP_ERR_PARSE, ":1:"},
        {"[1,2,3]", CP_ERR_INVALID, "top level is not an object"},
        {"{\"schema\":1}", CP_ERR_INVALID, "no \"findings\" array"},
        {"{\"findings\":{}}", CP_ERR_INVALID, "no \"findings\" array"},
        {"{\"schema\":\"one\",\"findings\":[]}", CP_ERR_INVALID, "\"schema\" is not an integer"},
        {"{\"findings\":[{\"rule\":\"deep-page\"},42]}", CP_ERR_INVALID, "findings[1] is not an object"},
        {"{\"findings\":[{\"url\":\"https://x/\"}]}", CP_ERR_INVALID, "findings[0]: \"rule\" is missing"},
        {"{\"findings\":[{\"rule\":\"deep-page\",\"url\":5}]}", CP_ERR_INVALID, "findings[0]: \"url\" is not a string"},
        {"{\"findings\":[{\"rule\":\"deep-page\",\"line\":-3}]}", CP_ERR_INVALID, "\"line\" is not a line number"},
        {"{\"findings\":[{\"rule\":\"deep-page\",\"related\":\"x\"}]}", CP_ERR_INVALID, "\"related\" is not an array"},
        {"{\"findings\":[{\"rule\":\"deep-page\",\"related\":[\"a\",{}]}]}", CP_ERR_INVALID,
         "holds a value that is not a string"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *path = temp_file_with(cases[i].text, strlen(cases[i].text));
        struct baseline baseline;
        struct buf error = BUF_INIT;
        int rc = baseline_load(path, &baseline, &error);
        if (rc != cases[i].status || !strstr(buf_str(&error), path) || !strstr(buf_str(&error), cases[i].message_part))
            fail_msg("case %zu: status %d, message \"%s\"", i, rc, buf_str(&error));
        assert_int_equal(baseline.findings.count, 0);
        assert_null(baseline.path);
        buf_free(&error);
        unlink(path);
        free(path);
    }
    struct baseline baseline;
    struct buf error = BUF_INIT;
    assert_int_equal(baseline_load("/nonexistent/old-findings.json", &baseline, &error), CP_ERR_IO);
    assert_non_null(strstr(buf_str(&error), "/nonexistent/old-findings.json: cannot read baseline"));
    assert_int_equal(baseline_load("/tmp", &baseline, &error), CP_ERR_IO);
    buf_free(&error);
}

static void test_xml_clean_text(void **state)
{
    (void)state;
    struct buf out = BUF_INIT;
    assert_int_equal(xml_clean_text("plain <&> caf\xC3\xA9 \xF0\x9F\x98\x80", &out), CP_OK);
    assert_string_equal(buf_str(&out), "plain <&> caf\xC3\xA9 \xF0\x9F\x98\x80");
    assert_int_equal(xml_clean_text("a\x01"
                                    "b\tc\nd\re\x0b"
                                    "f",
                                    &out),
                     CP_OK);
    assert_string_equal(buf_str(&out), "a\xEF\xBF\xBD"
                                       "b\tc\nd\re\xEF\xBF\xBD"
                                       "f");
    /* Invalid UTF-8, an overlong '<', a surrogate, U+FFFE and a truncated sequence. */
    assert_int_equal(xml_clean_text("\xff|\xC0\xBC|\xED\xA0\x80|\xEF\xBF\xBE|\xE2\x86", &out), CP_OK);
    const char *text = buf_str(&out);
    assert_null(strchr(text, '<'));
    assert_int_equal(strncmp(text, "\xEF\xBF\xBD|", 4), 0);
    /* Every output is well-formed XML character data. */
    struct buf doc = BUF_INIT;
    buf_printf(&doc, "<a>%s</a>", text);
    xmlDocPtr parsed = xmlReadMemory(doc.data, (int)doc.len, "t.xml", "UTF-8",
                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    /* The raw text contains no markup characters, so the document parses. */
    assert_non_null(parsed);
    xmlFreeDoc(parsed);
    /* U+FFFE is not an XML character; its continuation bytes must not survive on their own. */
    assert_int_equal(xml_clean_text("\xEF\xBF\xBE", &out), CP_OK);
    assert_string_equal(buf_str(&out), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_int_equal(xml_clean_text(NULL, &out), CP_OK);
    assert_string_equal(buf_str(&out), "");
    buf_free(&doc);
    buf_free(&out);
}

/* The JUnit writer must produce well-formed XML whatever the findings hold. */
static void test_junit_is_well_formed_with_hostile_text(void **state)
{
    (void)state;
    struct finding_list list = FINDING_LIST_INIT;
    findings_add(&list, RULE_BROKEN_LINK, "https://x/\x01]]>&<", "\xff\xfe", 1,
                 "nul-free \x02\x1b[31m \xC0\xAF ]]> \"'<>&");
    findings_add(&list, RULE_SITEMAP_EMPTY, NULL, "   ", 0, "only spaces as file name");
    for (int grouping = JUNIT_BY_RULE; grouping <= JUNIT_BY_SOURCE_FILE; grouping++) {
        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        assert_non_null(out);
        struct report_context ctx;
        report_context_init(&ctx);
        assert_int_equal(render_findings_junit(out, &list, &ctx, (enum junit_grouping)grouping), CP_OK);
        assert_int_equal(fclose(out), 0);
        xmlDocPtr doc = xmlReadMemory(text, (int)size, "junit.xml", NULL, XML_PARSE_NONET);
        assert_non_null(doc);
        xmlFreeDoc(doc);
        free(text);
    }
    findings_free(&list);
}

/* Count the elements named name in an XML document. */
static size_t count_elements(xmlNodePtr node, const char *name)
{
    size_t n = 0;
    for (; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0)
            n++;
        n += count_elements(node->children, name);
    }
    return n;
}

/* Without checked_rules, JUnit by rule shows the whole catalog, one passing test per clean rule. */
static void test_junit_by_rule_lists_whole_catalog(void **state)
{
    (void)state;
    struct finding_list list = FINDING_LIST_INIT;
    add(&list, RULE_DEEP_PAGE, "https://x/deep", NULL, 0, NULL);
    add(&list, RULE_DEEP_PAGE, "https://x/deeper", NULL, 0, NULL);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    struct report_context ctx;
    report_context_init(&ctx);
    ctx.fail_on = SEVERITY_WARNING;
    assert_int_equal(render_findings("junit", out, &list, &ctx), CP_OK);
    assert_int_equal(fclose(out), 0);
    xmlDocPtr doc = xmlReadMemory(text, (int)size, "junit.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_int_equal(count_elements(root, "testsuite"), RULE_COUNT);
    assert_int_equal(count_elements(root, "testcase"), RULE_COUNT + 1);
    assert_int_equal(count_elements(root, "failure"), 2);
    assert_int_equal(count_elements(root, "skipped"), 0);
    xmlFreeDoc(doc);
    free(text);
    findings_free(&list);
}

static void test_csv_field_quoting(void **state)
{
    (void)state;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    const char *fields[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", "caf\xC3\xA9", "", NULL};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        csv_write_field(out, fields[i]);
        fputc('|', out);
    }
    assert_int_equal(fclose(out), 0);
    assert_string_equal(text, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\rhere\"|caf\xC3\xA9|||");
    free(text);
}

static void test_sarif_artifact_uri(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"https://x.example/a b?q=\xC3\xA9#f", "https://x.example/a%20b?q=%C3%A9#f"},
        {"https://x.example/%41%zz", "https://x.example/%41%25zz"},
        {"fixtures/main site.xml", "fixtures/main%20site.xml"},
        {"/srv/site/sitemap.xml", "file:///srv/site/sitemap.xml"},
        {"a:b.xml", "./a:b.xml"},
        {"C:\\x.xml", "./C:%5Cx.xml"},
        {"x\"<>{}|^`", "x%22%3C%3E%7B%7D%7C%5E%60"},
    };
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_reset(&out);
        assert_int_equal(sarif_artifact_uri(cases[i][0], &out), CP_OK);
        assert_string_equal(buf_str(&out), cases[i][1]);
    }
    buf_free(&out);
}

static void test_format_table(void **state)
{
    (void)state;
    struct finding_list list = FINDING_LIST_INIT;
    struct report_context ctx;
    report_context_init(&ctx);
    assert_int_equal(render_findings("md", stdout, &list, &ctx), CP_ERR_INVALID);
    assert_int_equal(render_findings(NULL, stdout, &list, &ctx), CP_ERR_INVALID);
    assert_string_equal(render_format_file_name("sarif"), "findings.sarif");
    assert_string_equal(render_format_file_name("junit"), "findings.junit.xml");
    assert_null(render_format_file_name("xml"));
    /* Every advertised name is known, and every known one is advertised. */
    char names[128];
    snprintf(names, sizeof(names), "%s", render_format_names());
    size_t count = 0;
    for (char *save = NULL, *name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save), count++)
        assert_true(render_format_known(name));
    assert_int_equal(count, 6);
    /* A write error surfaces as CP_ERR_IO in every format, even when the output is still buffered. */
    add(&list, RULE_DEEP_PAGE, "https://x/", NULL, 0, NULL);
    static const char *const formats[] = {"text", "json", "csv", "junit", "sarif", "codequality"};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        FILE *full = fopen("/dev/full", "w");
        if (!full)
            continue;
        if (render_findings(formats[i], full, &list, &ctx) != CP_ERR_IO)
            fail_msg("render_findings(\"%s\") to /dev/full did not return CP_ERR_IO", formats[i]);
        fclose(full);
    }
    findings_free(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_per_rule_family),
        cmocka_unit_test(test_fingerprint_is_fnv1a_64),
        cmocka_unit_test(test_cause_keys_and_groups),
        cmocka_unit_test(test_baseline_new_existing_fixed),
        cmocka_unit_test(test_baseline_from_older_schema),
        cmocka_unit_test(test_corrupt_baselines_name_file_and_problem),
        cmocka_unit_test(test_xml_clean_text),
        cmocka_unit_test(test_junit_is_well_formed_with_hostile_text),
        cmocka_unit_test(test_junit_by_rule_lists_whole_catalog),
        cmocka_unit_test(test_csv_field_quoting),
        cmocka_unit_test(test_sarif_artifact_uri),
        cmocka_unit_test(test_format_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
