/**
 * The stylesheet and the script inlined into the HTML report. Plain text here (not files read
 * at run time) so the compiled package carries them; the script is ES2020 without template
 * literals so it can live in a string, and the browser test runs every line of it.
 *
 * The script never parses report data: everything it needs is in the markup (data-*
 * attributes the renderer escaped), and it only toggles `hidden` and classes.
 */

export const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --line: #d1d9e0;
  --critical: #8b0000; --high: #cf222e; --medium: #bc4c00; --low: #0969da; --info: #6e7781; --ok: #1a7f37; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d;
  --critical: #ff7b72; --high: #f85149; --medium: #db6d28; --low: #4493f8; --info: #9198a1; --ok: #3fb950; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1400px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 16px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
h4 { font-size: 13px; margin: 12px 0 4px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
.muted, .meta { color: var(--muted); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow: auto; max-height: 420px; white-space: pre; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; }
nav a { margin-right: 12px; }
a { color: var(--low); }
.status { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
.status-succeeded { color: var(--ok); } .status-partial { color: var(--medium); } .status-failed { color: var(--critical); } .status-skipped { color: var(--muted); }
.error { color: var(--critical); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
.chip { border: 1px solid var(--line); border-radius: 12px; padding: 1px 10px; font-size: 12px; }
.sev-critical .sev, .chip.sev-critical { color: var(--critical); font-weight: 700; }
.sev-high .sev, .chip.sev-high { color: var(--high); font-weight: 600; }
.sev-medium .sev, .chip.sev-medium { color: var(--medium); }
.sev-low .sev, .chip.sev-low { color: var(--low); }
.sev-info .sev, .chip.sev-info { color: var(--info); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.graph { margin: 10px 0 0; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
.graph-tools { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; padding: 8px 10px; border-bottom: 1px solid var(--line); }
.graph-tools input[type=search] { min-width: 220px; }
.graph-viewport { overflow: auto; max-height: 70vh; background: var(--bg); }
.graph svg { display: block; }
.graph figcaption { padding: 6px 10px; font-size: 12px; color: var(--muted); }
.legend { display: inline-flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; }
.legend > span { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.edge { fill: none; stroke-width: 1.6; }
.edge.sev-critical { stroke: var(--critical); stroke-width: 2.4; } .edge.sev-high { stroke: var(--high); stroke-width: 2; }
.edge.sev-medium { stroke: var(--medium); } .edge.sev-low { stroke: var(--low); } .edge.sev-info { stroke: var(--info); }
.edge.kind-hijack { stroke-dasharray: 7 4; } .edge.kind-shadow { stroke-dasharray: 2 3; } .edge.kind-ingress { stroke-dasharray: 9 3 2 3; }
.arrow-critical { fill: var(--critical); } .arrow-high { fill: var(--high); } .arrow-medium { fill: var(--medium); } .arrow-low { fill: var(--low); } .arrow-info { fill: var(--info); }
.node rect { fill: var(--bg); stroke: var(--line); stroke-width: 1.2; }
.node text { fill: var(--fg); font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.node.other rect { stroke-dasharray: 4 3; fill: var(--panel); }
.node.reached-critical rect { stroke: var(--critical); stroke-width: 2.4; } .node.reached-high rect { stroke: var(--high); stroke-width: 2; }
.node.reached-medium rect { stroke: var(--medium); stroke-width: 1.6; } .node.reached-low rect { stroke: var(--low); }
.node { cursor: pointer; }
.node:focus { outline: none; } .node:focus rect { stroke-width: 3; }
.node.match rect { fill: #fff3b0; stroke: #9a6700; stroke-width: 3; }
.node.match text { fill: #1f2328; }
svg.searching .node:not(.match):not(.neighbour), svg.searching .edge:not(.touching) { opacity: .15; }
.edge.filtered, .node.filtered { display: none; }
form.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 10px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; position: sticky; top: 0; z-index: 1; }
form.filters fieldset { border: 0; padding: 0; margin: 0; display: inline-flex; gap: 8px; }
.finding-head, .finding > summary { display: grid; grid-template-columns: 80px minmax(160px, 1.2fr) minmax(90px, .7fr) minmax(100px, .8fr) minmax(120px, 1.2fr) 3fr; gap: 10px; padding: 5px 8px; }
.finding-head { font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--line); margin-top: 10px; }
.finding { border-bottom: 1px solid var(--line); }
.finding > summary { cursor: pointer; list-style: none; }
.finding > summary::-webkit-details-marker { display: none; }
.finding > summary > span { overflow-wrap: anywhere; min-width: 0; }
.finding[open] > summary { background: var(--panel); }
.finding.suppressed > summary { opacity: .6; }
.badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; border: 1px solid var(--muted); color: var(--muted); margin-left: 6px; }
.finding-body { padding: 4px 16px 14px 96px; }
.finding-body dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
.finding-body dt { color: var(--muted); }
.finding-body dd { margin: 0; overflow-wrap: anywhere; }
.note { color: var(--muted); font-style: italic; }
`;

export const SCRIPT = `
(function () {
  'use strict';
  var SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

  // Findings: severity, rule, cluster, namespace, text and suppressed filters.
  var form = document.getElementById('finding-filters');
  var findings = Array.prototype.slice.call(document.querySelectorAll('details.finding'));
  var countOutput = document.getElementById('finding-count');
  function value(id) { var element = document.getElementById(id); return element ? element.value : ''; }
  function applyFindingFilters() {
    var severities = {};
    Array.prototype.forEach.call(document.querySelectorAll('input[name=severity]'), function (box) { severities[box.value] = box.checked; });
    var rule = value('filter-rule');
    var cluster = value('filter-cluster');
    var namespace = value('filter-namespace').trim().toLowerCase();
    var text = value('filter-text').trim().toLowerCase();
    var suppressedBox = document.getElementById('filter-suppressed');
    var showSuppressed = !suppressedBox || suppressedBox.checked;
    var shown = 0;
    findings.forEach(function (finding) {
      var data = finding.dataset;
      var visible = severities[data.severity] !== false &&
        (!rule || data.rule === rule) &&
        (!cluster || data.cluster === cluster) &&
        (!namespace || data.namespace.toLowerCase().indexOf(namespace) !== -1) &&
        (showSuppressed || data.suppressed !== 'true') &&
        (!text || finding.textContent.toLowerCase().indexOf(text) !== -1);
      finding.hidden = !visible;
      if (visible) shown += 1;
    });
    if (countOutput) countOutput.textContent = shown + ' of ' + findings.length + ' findings shown';
  }
  if (form) {
    form.addEventListener('input', applyFindingFilters);
    form.addEventListener('change', applyFindingFilters);
    form.addEventListener('submit', function (event) { event.preventDefault(); });
    applyFindingFilters();
  }

  function showFindingsOf(cluster, namespace) {
    var clusterSelect = document.getElementById('filter-cluster');
    var namespaceInput = document.getElementById('filter-namespace');
    if (clusterSelect) clusterSelect.value = cluster;
    if (namespaceInput) namespaceInput.value = namespace;
    applyFindingFilters();
    var list = document.getElementById('findings');
    if (list) list.scrollIntoView();
  }

  // Graphs: search, edge kind and severity filters, zoom, and a click to the namespace's findings.
  Array.prototype.forEach.call(document.querySelectorAll('figure.graph'), function (figure) {
    var svg = figure.querySelector('svg.exposure-graph');
    if (!svg) return;
    var nodes = Array.prototype.slice.call(svg.querySelectorAll('.node'));
    var edges = Array.prototype.slice.call(svg.querySelectorAll('.edge'));
    var search = figure.querySelector('.graph-search');
    var minSeverity = figure.querySelector('.graph-min-severity');
    var status = figure.querySelector('.graph-status');
    var baseWidth = Number(svg.getAttribute('width'));
    var baseHeight = Number(svg.getAttribute('height'));
    var scale = 1;

    function applyGraphFilters() {
      var kinds = {};
      Array.prototype.forEach.call(figure.querySelectorAll('.edge-kind'), function (box) { kinds[box.value] = box.checked; });
      var worst = SEVERITIES.indexOf(minSeverity ? minSeverity.value : 'info');
      var query = search ? search.value.trim().toLowerCase() : '';
      var matches = {};
      var matchCount = 0;
      nodes.forEach(function (node) {
        var hit = query !== '' && node.dataset.ns.toLowerCase().indexOf(query) !== -1;
        node.classList.toggle('match', hit);
        node.classList.remove('neighbour');
        if (hit) { matches[node.dataset.ns] = true; matchCount += 1; }
      });
      var neighbours = {};
      edges.forEach(function (edge) {
        var data = edge.dataset;
        var visible = kinds[data.kind] !== false && SEVERITIES.indexOf(data.severity) <= worst;
        edge.classList.toggle('filtered', !visible);
        var touching = visible && (matches[data.from] === true || matches[data.to] === true);
        edge.classList.toggle('touching', touching);
        if (touching) { neighbours[data.from] = true; neighbours[data.to] = true; }
      });
      nodes.forEach(function (node) { if (neighbours[node.dataset.ns] && !matches[node.dataset.ns]) node.classList.add('neighbour'); });
      svg.classList.toggle('searching', query !== '');
      if (status) status.textContent = query === '' ? '' : matchCount + ' namespace(s) match';
      var first = svg.querySelector('.node.match');
      if (first && first.scrollIntoView) first.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
    figure.addEventListener('input', applyGraphFilters);
    figure.addEventListener('change', applyGraphFilters);

    function zoom(factor) {
      scale = factor === 0 ? 1 : Math.min(4, Math.max(0.1, scale * factor));
      svg.setAttribute('width', String(Math.round(baseWidth * scale)));
      svg.setAttribute('height', String(Math.round(baseHeight * scale)));
    }
    Array.prototype.forEach.call(figure.querySelectorAll('button[data-zoom]'), function (button) {
      button.addEventListener('click', function () {
        var how = button.getAttribute('data-zoom');
        if (how === 'fit') {
          var viewport = figure.querySelector('.graph-viewport');
          var room = viewport ? viewport.clientWidth : baseWidth;
          scale = 1;
          zoom(Math.min(1, room / Math.max(1, baseWidth)));
        } else zoom(how === 'in' ? 1.25 : how === 'out' ? 0.8 : 0);
      });
    });

    nodes.forEach(function (node) {
      function open() { showFindingsOf(figure.getAttribute('data-cluster') || '', node.dataset.ns); }
      node.addEventListener('click', open);
      node.addEventListener('keydown', function (event) { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); open(); } });
    });
    applyGraphFilters();
  });
})();
`;
