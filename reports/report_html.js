/* SPDX-License-Identifier: Apache-2.0 */
/* reports/report_html.js: report.html's findings filters and URL explorer, compiled into crawlpack
 * (reports/embed_assets.cmake). It reads the JSON in #report-data (docs/report.md has its layout).
 * Every crawled string reaches the page through textContent or setAttribute (el() below), never
 * through innerHTML, and no URL of the site becomes a link: the explorer opens by fragment, so
 * nothing a site wrote can run or make a request. Lists show a page of rows at a time, so 100,000
 * rows stay fast. */
(function () {
  'use strict';
  /* The data is gzip, base64-encoded (report_html_data.c): the browser inflates it itself. */
  function readData() {
    var text = document.getElementById('report-data').textContent.trim();
    var bin = atob(text), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text().then(JSON.parse);
  }
  readData().then(main, function (e) {
    document.body.setAttribute('data-error', String(e));
    var note = document.createElement('p');
    note.textContent = 'This report could not read its data (it needs a browser with DecompressionStream): ' + e;
    document.body.insertBefore(note, document.body.firstChild);
  });

function main(D) {
  var P = {url: 0, status: 1, depth: 2, indexable: 3, reasons: 4, why: 5, title: 6, canonical: 7, redirect: 8,
           robots: 9, inSitemap: 10, inlinks: 11, outlinks: 12, score: 13, ms: 14, type: 15, error: 16, size: 17,
           crawled: 18};
  var pages = D.pages, nPages = pages.length, rules = D.rules, findings = D.findings;
  var SEVERITY = {error: 0, warning: 1, notice: 2};
  var ROWS = 50, MATCHES = 20, HOPS = 20;

  function $(id) { return document.getElementById(id); }
  function abs(u) { return typeof u === 'string' && u.charAt(0) === '/' ? D.origin + u : u; }
  function urlOf(ref) {
    if (ref === null || ref === undefined) return '';
    if (typeof ref === 'number') return ref < nPages ? abs(pages[ref][P.url]) : abs(D.extra[ref - nPages]);
    return abs(ref);
  }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'cls') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  var urlIndex = null;
  function refOf(url) {
    if (!urlIndex) {
      urlIndex = new Map();
      for (var i = 0; i < nPages; i++) urlIndex.set(abs(pages[i][P.url]), i);
      for (var j = 0; j < D.extra.length; j++) if (!urlIndex.has(abs(D.extra[j]))) urlIndex.set(abs(D.extra[j]), nPages + j);
    }
    return urlIndex.get(url);
  }
  function urlButton(url) {
    var b = el('button', {cls: 'url', type: 'button', text: url, title: url});
    b.addEventListener('click', function () { location.hash = 'url=' + encodeURIComponent(url); });
    return b;
  }

  /* ---- tabs ---- */
  var TABS = ['overview', 'findings', 'explorer', 'trends'];
  function route() {
    var h = location.hash.slice(1), tab = TABS.indexOf(h) >= 0 ? h : 'overview';
    if (h.indexOf('url=') === 0) {
      tab = 'explorer';
      var url = '';
      try { url = decodeURIComponent(h.slice(4)); } catch (e) { url = h.slice(4); }
      showUrl(url);
    }
    if (tab === 'findings' && !findingsDrawn) renderFindings();
    TABS.forEach(function (t) { $(t).hidden = t !== tab; });
    document.querySelectorAll('nav a').forEach(function (a) {
      a.classList.toggle('active', a.getAttribute('href') === '#' + tab);
    });
  }

  /* ---- findings ---- */
  function ruleOrder(a, b) {
    return SEVERITY[rules[a][1]] - SEVERITY[rules[b][1]] || (rules[a][0] < rules[b][0] ? -1 : 1);
  }
  function findingMatches(f, q) {
    if (!q) return true;
    var urls = [f[1], f[3]].concat(f[5]);
    for (var i = 0; i < urls.length; i++) if (urls[i] && abs(urls[i]).toLowerCase().indexOf(q) >= 0) return true;
    return false;
  }
  function evidence(f) {
    var td = el('td', {cls: 'evidence'});
    if (f[3] !== null) {
      var source = abs(f[3]);
      td.appendChild(el('div', null, ['seen in ', refOf(source) !== undefined ? urlButton(source) : el('span', {text: source}),
                                      f[4] ? ' line ' + f[4] : '']));
    }
    if (f[5].length) {
      var div = el('div', {cls: 'related'}, ['related: ']);
      f[5].forEach(function (u, i) { div.appendChild(urlButton(abs(u))); if (i + 1 < f[5].length) div.appendChild(document.createTextNode(', ')); });
      if (f[6] > f[5].length) div.appendChild(document.createTextNode(' and ' + (f[6] - f[5].length) + ' more (findings.json)'));
      td.appendChild(div);
    }
    return td;
  }
  function findingRow(f) {
    return el('tr', {cls: 'finding'}, [el('td', null, [f[1] !== null ? urlButton(abs(f[1])) : '(file)']),
                                       el('td', {text: f[2]}), evidence(f)]);
  }
  function ruleGroup(r, items) {
    var rule = rules[r];
    var sec = el('section', {cls: 'rule sev-' + rule[1], 'data-rule': rule[0], 'data-count': String(items.length)}, [
      el('h3', null, [el('span', {cls: 'sev', text: rule[1]}), ' ', el('code', {text: rule[0]}), ' ' + rule[2] + ' ',
                      el('span', {cls: 'n', text: '(' + items.length + ')'})]),
      el('p', {cls: 'why'}, [el('b', {text: 'Why it matters: '}), rule[3]]),
      el('p', {cls: 'fix'}, [el('b', {text: 'How to fix: '}), rule[4]])]);
    var tbody = el('tbody');
    sec.appendChild(el('table', {cls: 'grid'}, [el('thead', null, [el('tr', null, [
      el('th', {text: 'URL'}), el('th', {text: 'message'}), el('th', {text: 'evidence'})])]), tbody]));
    var shown = 0, more = el('button', {type: 'button', cls: 'more'});
    function next() {
      for (var end = Math.min(items.length, shown + ROWS); shown < end; shown++) tbody.appendChild(findingRow(findings[items[shown]]));
      more.hidden = shown >= items.length;
      more.textContent = 'show ' + Math.min(ROWS, items.length - shown) + ' more (' + (items.length - shown) + ' left)';
    }
    more.addEventListener('click', next);
    sec.appendChild(more);
    next();
    return sec;
  }
  /* Drawn when the tab is first shown: opening the report costs only parsing the data. */
  var findingsDrawn = false;
  function renderFindings() {
    findingsDrawn = true;
    var severity = $('f-severity').value, rule = $('f-rule').value, q = $('f-search').value.trim().toLowerCase();
    var groups = new Map(), total = 0;
    for (var i = 0; i < findings.length; i++) {
      var f = findings[i];
      if ((severity && rules[f[0]][1] !== severity) || (rule !== '' && String(f[0]) !== rule) || !findingMatches(f, q)) continue;
      if (!groups.has(f[0])) groups.set(f[0], []);
      groups.get(f[0]).push(i);
      total++;
    }
    var text = total + ' of ' + findings.length + ' findings';
    if (D.findings_total > findings.length) text += ' (the report holds the first ' + findings.length + ' of ' + D.findings_total + '; findings.json has them all)';
    $('f-count').textContent = text;
    var box = $('f-groups');
    box.textContent = '';
    Array.from(groups.keys()).sort(ruleOrder).forEach(function (r) { box.appendChild(ruleGroup(r, groups.get(r))); });
  }
  function initFindings() {
    var counts = new Map();
    findings.forEach(function (f) { counts.set(f[0], (counts.get(f[0]) || 0) + 1); });
    Array.from(counts.keys()).sort(ruleOrder).forEach(function (r) {
      $('f-rule').appendChild(el('option', {value: String(r), text: rules[r][0] + ' (' + counts.get(r) + ')'}));
    });
    ['f-severity', 'f-rule'].forEach(function (id) { $(id).addEventListener('change', renderFindings); });
    var timer = null;
    $('f-search').addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(renderFindings, 150); });
  }

  /* ---- URL explorer ---- */
  var inLinks = null, outLinks = null, entries = null, canonicals = null;
  function push(map, key, value) { if (!map.has(key)) map.set(key, []); map.get(key).push(value); }
  function indexLinks() {
    if (inLinks) return;
    inLinks = new Map(); outLinks = new Map(); entries = new Map(); canonicals = new Map();
    for (var i = 0; i + 4 < D.links.length; i += 5) { push(outLinks, D.links[i], i); push(inLinks, D.links[i + 1], i); }
    D.entries.forEach(function (e) { push(entries, e[0], e); });
    /* [page, target, from header] triples: links.csv's canonical rows and their found_in */
    for (var c = 0; c + 2 < D.canonicals.length; c += 3) push(canonicals, D.canonicals[c], [D.canonicals[c + 1], D.canonicals[c + 2]]);
  }
  function searchUrls() {
    var q = $('x-search').value.trim().toLowerCase(), ul = $('x-matches'), n = 0;
    ul.textContent = '';
    if (!q) return;
    for (var i = 0; i < nPages && n < MATCHES; i++) {
      var u = abs(pages[i][P.url]);
      if (u.toLowerCase().indexOf(q) >= 0) { ul.appendChild(el('li', null, [urlButton(u)])); n++; }
    }
    if (!n) ul.appendChild(el('li', {cls: 'empty', text: 'No crawled URL contains that.'}));
  }
  function fact(tbody, name, value) {
    tbody.appendChild(el('tr', {'data-fact': name}, [el('th', {text: name}), el('td', null, [value])]));
  }
  function redirectHops(ref) {
    var span = el('span'), seen = new Set([ref]);
    for (var hops = 0; hops < HOPS && ref < nPages && pages[ref][P.redirect] !== null; hops++) {
      var next = pages[ref][P.redirect], to = urlOf(next);
      span.appendChild(document.createTextNode((hops ? ' ' : '') + pages[ref][P.status] + ' \u2192 '));
      span.appendChild(urlButton(to));
      ref = typeof next === 'number' ? next : refOf(to);
      if (ref === undefined) break;
      if (seen.has(ref)) { span.appendChild(document.createTextNode(' (loop)')); break; }
      seen.add(ref);
      if (ref < nPages && pages[ref][P.redirect] === null) span.appendChild(document.createTextNode(' ' + pages[ref][P.status]));
    }
    return span.childNodes.length ? span : 'none';
  }
  /* A link's kind number; 8 added when an HTTP header made it (links.csv's found_in). */
  function kindName(k) { return (D.kinds[k & 7] || '') + (k & 8 ? ' (HTTP header)' : ''); }
  function linkTable(title, list, end, total) {
    var tbody = el('tbody'), box = el('div', {cls: 'links'}, [el('h4', {text: title})]);
    var note = total > list.length ? 'showing ' + list.length + ' of ' + total + ' (links.csv has them all)' : list.length + ' links';
    box.appendChild(el('p', {cls: 'note', text: note}));
    var shown = 0, more = el('button', {type: 'button', cls: 'more'});
    function next() {
      for (var stop = Math.min(list.length, shown + ROWS); shown < stop; shown++) {
        var i = list[shown];
        tbody.appendChild(el('tr', null, [el('td', null, [urlButton(urlOf(D.links[i + end]))]),
                                          el('td', {text: D.strings[D.links[i + 4]]}),
                                          el('td', {text: kindName(D.links[i + 2])}),
                                          el('td', {text: D.strings[D.links[i + 3]]})]));
      }
      more.hidden = shown >= list.length;
      more.textContent = 'show more (' + (list.length - shown) + ' left)';
    }
    more.addEventListener('click', next);
    box.appendChild(el('table', {cls: 'grid'}, [el('thead', null, [el('tr', null, [el('th', {text: 'URL'}),
      el('th', {text: 'anchor'}), el('th', {text: 'kind'}), el('th', {text: 'rel'})])]), tbody]));
    box.appendChild(more);
    next();
    return box;
  }
  /* The canonicals the HTML names and those a Link header names, apart (links.csv's found_in): when
   * both name one and they differ, search engines may take either, and a row says so. */
  function canonicalList(targets, ref) {
    if (!targets.length) return 'none';
    var span = el('span');
    targets.forEach(function (t, i) {
      if (i) span.appendChild(document.createTextNode(', '));
      span.appendChild(urlButton(urlOf(t)));
      if (t === ref) span.appendChild(document.createTextNode(' (itself)'));
    });
    return span;
  }
  function canonicalFacts(tbody, ref) {
    if (!D.has_links) { fact(tbody, 'canonical (HTML)', 'unknown (no links.csv)'); return; }
    var html = [], header = [];
    (canonicals.get(ref) || []).forEach(function (c) {
      var list = c[1] ? header : html, url = urlOf(c[0]);
      if (!list.some(function (t) { return urlOf(t) === url; })) list.push(c[0]);
    });
    fact(tbody, 'canonical (HTML)', canonicalList(html, ref));
    fact(tbody, 'canonical (Link header)', canonicalList(header, ref));
    var differ = html.length && header.length && (html.length !== header.length ||
      html.some(function (t) { return !header.some(function (u) { return urlOf(u) === urlOf(t); }); }));
    if (!differ) return;
    var names = function (list) { return list.map(urlOf).join(', '); };
    tbody.appendChild(el('tr', {'data-fact': 'canonical conflict', cls: 'conflict'}, [el('th', {text: 'canonicals disagree'}),
      el('td', {text: 'the HTML names ' + names(html) + ', the Link header names ' + names(header) +
                      ': search engines may take either'})]));
  }
  function pageFacts(box, ref) {
    var p = pages[ref], tbody = el('tbody');
    var yes = p[P.indexable] === 1;
    var verdict = yes ? 'Indexable' : 'Not indexable' + (p[P.reasons] ? ': ' + p[P.reasons] : '');
    box.appendChild(el('div', {cls: 'verdict ' + (yes ? 'yes' : 'no'), id: 'x-verdict'}, [verdict]));
    if (p[P.why]) box.appendChild(el('p', {cls: 'why', text: p[P.why]}));
    fact(tbody, 'status', p[P.status] ? String(p[P.status]) : 'no response');
    if (p[P.error]) fact(tbody, 'error', p[P.error]);
    fact(tbody, 'redirect hops', redirectHops(ref));
    var canonical = p[P.canonical];
    fact(tbody, 'canonical', canonical === null ? 'none' : canonical === ref ? 'itself' : urlButton(urlOf(canonical)));
    canonicalFacts(tbody, ref);
    fact(tbody, 'robots directives', D.strings[p[P.robots]] || 'none');
    var list = entries.get(ref) || [];
    var sm = el('span', null, [list.length ? '' : (p[P.inSitemap] ? 'in a sitemap' : 'in no sitemap')]);
    list.forEach(function (e, i) {
      /* FILE:LINE, the line of the entry's <loc> (sitemaps.csv's line; 0 when the folder has none) */
      sm.appendChild(el('span', {cls: 'entry', text: urlOf(D.sitemaps[e[1]]) + (e[3] ? ':' + e[3] : '')}));
      sm.appendChild(document.createTextNode((e[2] ? ' (lastmod ' + e[2] + ')' : '') + (i + 1 < list.length ? '; ' : '')));
    });
    fact(tbody, 'sitemap entries', sm);
    fact(tbody, 'click depth', p[P.depth] >= 0 ? String(p[P.depth]) : 'not reached by followable links');
    fact(tbody, 'link score', p[P.score] === null || p[P.score] < 0 ? 'unknown' : String(p[P.score]));
    fact(tbody, 'inlinks / outlinks', p[P.inlinks] + ' / ' + p[P.outlinks]);
    fact(tbody, 'title', p[P.title] || 'none');
    fact(tbody, 'content type', D.strings[p[P.type]] || 'unknown');
    fact(tbody, 'response time', p[P.ms] === null || p[P.ms] < 0 ? 'unknown' : p[P.ms] + ' ms');
    fact(tbody, 'size', p[P.size] < 0 ? 'unknown' : p[P.size] + ' bytes');
    box.appendChild(el('table', {cls: 'grid facts'}, [tbody]));
  }
  function urlFindings(box, url) {
    var ul = el('ul', {cls: 'x-findings'});
    for (var i = 0; i < findings.length; i++) {
      var f = findings[i];
      if (f[1] === null || abs(f[1]) !== url) continue;
      ul.appendChild(el('li', null, [el('span', {cls: 'sev ' + rules[f[0]][1], text: rules[f[0]][1]}), ' ',
                                     el('code', {text: rules[f[0]][0]}), ' ' + f[2]]));
    }
    box.appendChild(el('h4', {text: 'Findings about this URL (' + ul.childNodes.length + ')'}));
    if (ul.childNodes.length) box.appendChild(ul);
  }
  function showUrl(url) {
    indexLinks();
    var box = $('x-page'), ref = refOf(url);
    box.textContent = '';
    box.appendChild(el('h3', {cls: 'xurl', id: 'x-url', text: url}));
    if (ref === undefined) { box.appendChild(el('p', {cls: 'empty', text: 'This URL is not in the crawl.'})); return; }
    if (ref < nPages) pageFacts(box, ref);
    else box.appendChild(el('p', {cls: 'note', text: 'Linked to, not a row of pages.csv.'}));
    urlFindings(box, url);
    var ins = inLinks.get(ref) || [], outs = outLinks.get(ref) || [];
    var inTotal = ref < nPages && pages[ref][P.inlinks] > ins.length ? pages[ref][P.inlinks] : ins.length;
    var outTotal = ref < nPages && pages[ref][P.outlinks] > outs.length ? pages[ref][P.outlinks] : outs.length;
    box.appendChild(linkTable('Inlinks', ins, 0, inTotal));
    box.appendChild(linkTable('Outlinks', outs, 1, outTotal));
  }
  function initExplorer() {
    var timer = null;
    $('x-search').addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(searchUrls, 150); });
  }

  initFindings();
  initExplorer();
  window.addEventListener('hashchange', route);
  route();
  document.body.setAttribute('data-ready-ms', String(Math.round(performance.now())));
  document.body.setAttribute('data-ready', '1');
}
})();
