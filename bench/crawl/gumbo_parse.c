/* SPDX-License-Identifier: Apache-2.0 */
/* bench/crawl/gumbo_parse: the parse ceiling — how many pages per second bare gumbo parses and
 * walks (counting <a href>) on 1 and on T threads, for the same files the crawl benchmark serves.
 *
 * `gumbo_parse THREADS SITE N` reads SITE/p/0.html .. SITE/p/(N-1).html (bench/gen_site's layout)
 * into memory first, so only parsing is timed. */
#include <gumbo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct document {
    char *data;
    size_t length;
};

static struct document *documents;
static size_t document_count;

struct slice {
    size_t first, step;
    unsigned long links;
};

static unsigned long count_links(const GumboNode *root)
{
    unsigned long links = 0;
    const GumboNode **stack = malloc(sizeof(*stack) * 4096);
    size_t depth = 0, capacity = 4096;
    stack[depth++] = root;
    while (depth) {
        const GumboNode *node = stack[--depth];
        if (node->type != GUMBO_NODE_ELEMENT)
            continue;
        const GumboElement *e = &node->v.element;
        if (e->tag == GUMBO_TAG_A && gumbo_get_attribute(&e->attributes, "href"))
            links++;
        for (unsigned i = 0; i < e->children.length; i++) {
            if (depth == capacity) {
                capacity *= 2;
                stack = realloc(stack, sizeof(*stack) * capacity);
            }
            stack[depth++] = e->children.data[i];
        }
    }
    free(stack);
    return links;
}

static void *parse_slice(void *arg)
{
    struct slice *s = arg;
    for (size_t i = s->first; i < document_count; i += s->step) {
        GumboOutput *output = gumbo_parse_with_options(&kGumboDefaultOptions, documents[i].data, documents[i].length);
        s->links += count_links(output->root);
        gumbo_destroy_output(&kGumboDefaultOptions, output);
    }
    return NULL;
}

static double run(int threads)
{
    struct timespec start, end;
    pthread_t ids[64];
    struct slice slices[64];
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int t = 0; t < threads; t++) {
        slices[t] = (struct slice){(size_t)t, (size_t)threads, 0};
        pthread_create(&ids[t], NULL, parse_slice, &slices[t]);
    }
    for (int t = 0; t < threads; t++)
        pthread_join(ids[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    return (double)document_count / seconds;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: gumbo_parse THREADS SITE N\n", stderr);
        return 2;
    }
    int threads = atoi(argv[1]);
    if (threads < 1 || threads > 64)
        threads = 2;
    long n = atol(argv[3]);
    if (n < 1)
        return 2;
    document_count = (size_t)n;
    documents = calloc(document_count, sizeof(*documents));
    for (size_t i = 0; i < document_count; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/p/%zu.html", argv[2], i);
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "gumbo_parse: cannot read %s\n", path);
            return 1;
        }
        fseek(f, 0, SEEK_END);
        documents[i].length = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        documents[i].data = malloc(documents[i].length + 1);
        if (fread(documents[i].data, 1, documents[i].length, f) != documents[i].length)
            return 1;
        fclose(f);
    }
    printf("gumbo parse+walk: %.0f pages/s on 1 thread, %.0f pages/s on %d threads (%zu files)\n", run(1), run(threads),
           threads, document_count);
    return 0;
}
