/* SPDX-License-Identifier: Apache-2.0 */
/* web/html_depth: cap element nesting before the HTML parser sees a document.
 *
 * Tree building in the HTML standard scans the stack of open elements for many start tags (every
 * <div> or <ul> asks whether a <p> is open "in button scope"), so a page of 100,000 unclosed
 * <div>s costs the parser 100,000^2 / 2 steps, and a deep tree costs deep recursion in code that
 * walks it. Browsers cap the depth (Chromium at 512). We do the same before parsing: a linear scan
 * over the tags counts the depth the parser will build (void elements, elements whose end tag may
 * be omitted, and <a> are not counted; "<div/>" is counted, as the slash means nothing on an HTML
 * element; comments end where HTML ends them, "<!-->" included; raw text such as <script> is
 * skipped, but not inside <svg> or <math>, where <title> or <style> hold markup; an end tag that
 * the parser would ignore closes nothing), and a start tag that would nest deeper than the cap is
 * blanked out together with as many later end tags (nav, header, footer, template and noscript,
 * which carry signals, only at twice the cap). Its content stays, attached to the element at the cap, so no link or text
 * is lost; only the structure of absurdly deep pages changes.
 *
 * The count is a model, not the parser: where it could err it errs deep. A shape it still misses
 * is caught by the parse budget (web/gumbo_arena), which stops the parse instead.
 *
 * Memory: the input is never modified. When something must be blanked, *copy receives a malloc'd
 * copy (length bytes plus a NUL) holding the change; the caller frees it. Reentrant. */
#ifndef CRAWLPACK_WEB_HTML_DEPTH_H
#define CRAWLPACK_WEB_HTML_DEPTH_H

#include <stddef.h>

/* Returns CP_OK (with *copy NULL when the document was within the cap, else the flattened copy and
 * *blanked the number of start tags removed) or CP_ERR_NOMEM. */
int html_depth_cap(const char *text, size_t length, size_t max_depth, char **copy, size_t *blanked);

#endif
