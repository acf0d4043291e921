/* SPDX-License-Identifier: Apache-2.0 */
/* sitemap/schema: --xsd validation with libxml2's XML Schema support, streaming (see schema.h). */
#include "sitemap/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>

#include "common/error.h"

/* A broken file can produce an error per element; past this many per file, only a count is kept. */
#define SCHEMA_MAX_FINDINGS 200

struct compiled_schemas {
    xmlSchemaPtr urlset, index;
    bool urlset_tried, index_tried;
    char urlset_error[300], index_error[300];
};

struct validation {
    struct sitemap_checker *checker;
    struct sitemap_source *source;
    const char *name;
    size_t errors;
    int status;
};

static void compile_error(void *context, xmlErrorPtr error)
{
    char *message = context;
    if (message[0] || !error || error->level < XML_ERR_ERROR)
        return;
    snprintf(message, 300, "%s", error->message ? error->message : "schema error");
    size_t n = strlen(message);
    while (n && (message[n - 1] == '\n' || message[n - 1] == ' '))
        message[--n] = 0;
}

static xmlSchemaPtr compile(const char *path, const char *text, char *error)
{
    /* crawlpack never lets libxml2 reach the network: imports resolve to local files only. */
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
    xmlSchemaParserCtxtPtr parser = path ? xmlSchemaNewParserCtxt(path)
                                         : xmlSchemaNewMemParserCtxt(text, (int)strlen(text));
    if (!parser) {
        snprintf(error, 300, "cannot load schema %s", path ? path : "(built in)");
        return NULL;
    }
    xmlSchemaSetParserStructuredErrors(parser, compile_error, error);
    xmlSchemaPtr schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    if (!schema && !error[0])
        snprintf(error, 300, "cannot compile schema %s", path ? path : "(built in)");
    return schema;
}

static xmlSchemaPtr schema_for(struct sitemap_checker *checker, enum sitemap_kind kind, const char **error)
{
    struct compiled_schemas *s = checker->schemas;
    if (!s && !(s = checker->schemas = calloc(1, sizeof *s)))
        return NULL;
    if (kind == SITEMAP_KIND_URLSET) {
        if (!s->urlset_tried) {
            s->urlset_tried = true;
            s->urlset = compile(checker->options.urlset_xsd, sitemap_schema_urlset, s->urlset_error);
        }
        *error = s->urlset_error;
        return s->urlset;
    }
    if (!s->index_tried) {
        s->index_tried = true;
        s->index = compile(checker->options.index_xsd, sitemap_schema_index, s->index_error);
    }
    *error = s->index_error;
    return s->index;
}

static void validation_error(void *context, xmlErrorPtr error)
{
    struct validation *v = context;
    if (!error || error->level < XML_ERR_ERROR)
        return;
    if (++v->errors > SCHEMA_MAX_FINDINGS)
        return;
    char message[600];
    snprintf(message, sizeof message, "%s", error->message ? error->message : "schema error");
    size_t n = strlen(message);
    while (n && (message[n - 1] == '\n' || message[n - 1] == ' '))
        message[--n] = 0;
    struct finding *f = findings_add(v->checker->findings, RULE_SITEMAP_SCHEMA, NULL, v->name,
                                     error->line > 0 ? (unsigned)error->line : 0, "%s", message);
    if (!f)
        v->status = CP_ERR_NOMEM;
}

static int read_callback(void *context, char *buffer, int length)
{
    struct validation *v = context;
    ssize_t n = sitemap_source_read(v->source, buffer, (size_t)length);
    return n < 0 ? -1 : (int)n;
}

static int close_callback(void *context)
{
    (void)context;
    return 0;
}

int sitemap_schema_validate(struct sitemap_checker *checker, struct sitemap_source *source, enum sitemap_kind kind,
                            const char *name)
{
    const char *error = "";
    xmlSchemaPtr schema = schema_for(checker, kind, &error);
    if (!checker->schemas)
        return CP_ERR_NOMEM;
    if (!schema)
        return findings_add(checker->findings, RULE_SITEMAP_SCHEMA, NULL, name, 0, "schema not usable: %s", error)
                   ? CP_OK
                   : CP_ERR_NOMEM;
    struct validation v = {checker, source, name, 0, CP_OK};
    xmlSchemaValidCtxtPtr context = xmlSchemaNewValidCtxt(schema);
    xmlParserInputBufferPtr input = xmlParserInputBufferCreateIO(read_callback, close_callback, &v,
                                                                 XML_CHAR_ENCODING_NONE);
    if (!context || !input) {
        xmlSchemaFreeValidCtxt(context);
        xmlFreeParserInputBuffer(input);
        return CP_ERR_NOMEM;
    }
    xmlSchemaSetValidStructuredErrors(context, validation_error, &v);
    /* The stream takes ownership of input. */
    xmlSchemaValidateStream(context, input, XML_CHAR_ENCODING_NONE, NULL, NULL);
    xmlSchemaFreeValidCtxt(context);
    if (v.errors > SCHEMA_MAX_FINDINGS &&
        !findings_add(checker->findings, RULE_SITEMAP_SCHEMA, NULL, name, 0, "%zu more schema errors not listed",
                      v.errors - SCHEMA_MAX_FINDINGS))
        return CP_ERR_NOMEM;
    return v.status;
}

void sitemap_schema_free(struct sitemap_checker *checker)
{
    struct compiled_schemas *s = checker->schemas;
    if (!s)
        return;
    xmlSchemaFree(s->urlset);
    xmlSchemaFree(s->index);
    free(s);
    checker->schemas = NULL;
}
