/// <reference lib="dom" />
/**
 * The HTML report in a real browser: the demo fleet's report, written by the real CLI
 * (`scan --output html=... --output json=...`), opened in headless Chromium (Debian package,
 * driven by puppeteer-core over the DevTools protocol). No console errors, no request
 * leaving the file, one graph node per tenant namespace, and the filters working. The
 * screenshot is kept under test-results/browser/. A second page is made of hostile names.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'puppeteer-core';
import type { JsonReport } from '../../src/report/json.js';
import { renderHtml } from '../../src/report/html/render.js';
import type { ScanReport } from '../../src/report/types.js';
import { launchChromium, type LaunchedChromium } from '../helpers/chromium.js';
import { clusterResult, finding } from '../unit/report/fixtures.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = join(root, 'test-results', 'browser');
const TIMEOUT = 240_000;

let chromium: LaunchedChromium;
let page: Page;
let json: JsonReport;
const problems: string[] = [];

/** Opens `file` in a fresh tab, recording console errors, page errors, dialogs and any request that is not the file itself. */
async function open(file: string): Promise<Page> {
  const tab = await chromium.browser.newPage();
  await tab.setViewport({ width: 1400, height: 1000 });
  tab.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  tab.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
  tab.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  tab.on('request', (request) => {
    if (request.url() !== pathToFileURL(file).href) problems.push(`request: ${request.url()}`);
  });
  await tab.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return tab;
}

async function visibleFindings(tab: Page): Promise<Array<{ severity: string; rule: string; namespace: string; suppressed: string }>> {
  return tab.$$eval('details.finding:not([hidden])', (elements) =>
    elements.map((element) => {
      const data = (element as HTMLElement).dataset;
      return { severity: data.severity ?? '', rule: data.rule ?? '', namespace: data.namespace ?? '', suppressed: data.suppressed ?? '' };
    }),
  );
}

/** Sets an input's value or a checkbox as a user would, firing the events the page listens to. */
async function setControl(tab: Page, selector: string, value: string | boolean): Promise<void> {
  await tab.$eval(
    selector,
    (element, next) => {
      const input = element as HTMLInputElement;
      if (typeof next === 'boolean') input.checked = next;
      else input.value = next;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

beforeAll(async () => {
  mkdirSync(resultsDir, { recursive: true });
  const htmlFile = join(resultsDir, 'demo-report.html');
  const jsonFile = join(mkdtempSync(join(tmpdir(), 'iis-html-')), 'report.json');
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'scan', '--output', `html=${htmlFile}`, '--output', `json=${jsonFile}`], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`scan failed (${run.status}): ${run.stderr}`);
  json = JSON.parse(readFileSync(jsonFile, 'utf8')) as JsonReport;
  chromium = await launchChromium();
  page = await open(htmlFile);
}, TIMEOUT);

afterAll(async () => {
  await chromium?.close();
});

describe('the demo fleet report in Chromium', () => {
  it('loads without console errors, page errors or network requests, and keeps a screenshot', async () => {
    await page.screenshot({ path: join(resultsDir, 'demo-report.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, TIMEOUT);

  it('draws one graph node per tenant namespace in each cluster', async () => {
    const tenantsByCluster = Object.fromEntries(json.clusters.map((cluster) => [cluster.cluster.name, cluster.tenantNamespaces]));
    const drawn = await page.$$eval('figure.graph', (figures) => figures.map((figure) => [figure.getAttribute('data-cluster'), figure.querySelectorAll('.node.tenant').length]));
    expect(Object.fromEntries(drawn)).toEqual(tenantsByCluster);
    expect(Object.values(tenantsByCluster).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(8);
    const contaminated = await page.$$eval('figure.graph[data-cluster="aks-contaminated"] .node.tenant', (nodes) => nodes.map((node) => node.getAttribute('data-ns')).sort());
    expect(contaminated).toEqual(['team-analytics', 'team-orders', 'team-payments']);
    // Edges of every kind the demo has, coloured by severity.
    const edges = await page.$$eval('figure.graph[data-cluster="aks-contaminated"] path.edge', (paths) => paths.map((path) => `${path.getAttribute('data-kind')}:${path.getAttribute('data-severity')}`));
    expect(new Set(edges)).toEqual(new Set(['imports:high', 'hijack:critical', 'shadow:critical']));
    // Ingress claims on the shared gateway of aks-shared-ingress.
    const ingress = await page.$$eval('figure.graph[data-cluster="aks-shared-ingress"] path.edge[data-kind="ingress"]', (paths) => paths.length);
    expect(ingress).toBeGreaterThan(0);
  }, TIMEOUT);

  it('filters findings by severity, rule, namespace and suppression', async () => {
    const all = json.clusters.flatMap((cluster) => cluster.findings);
    expect(await visibleFindings(page)).toHaveLength(all.length);

    for (const severity of ['high', 'medium', 'low', 'info']) await setControl(page, `input[name=severity][value=${severity}]`, false);
    const critical = await visibleFindings(page);
    expect(critical.length).toBe(all.filter((f) => f.severity === 'critical').length);
    expect(critical.every((f) => f.severity === 'critical')).toBe(true);
    expect(await page.$eval('#finding-count', (output) => output.textContent)).toBe(`${critical.length} of ${all.length} findings shown`);
    for (const severity of ['high', 'medium', 'low', 'info']) await setControl(page, `input[name=severity][value=${severity}]`, true);

    await page.select('#filter-rule', 'exportto-missing');
    const byRule = await visibleFindings(page);
    expect(byRule.length).toBe(all.filter((f) => f.ruleId === 'exportto-missing').length);
    expect(byRule.every((f) => f.rule === 'exportto-missing')).toBe(true);
    await page.select('#filter-rule', '');

    await setControl(page, '#filter-namespace', 'team-orders');
    const byNamespace = await visibleFindings(page);
    expect(byNamespace.length).toBe(all.filter((f) => f.namespace.includes('team-orders')).length);
    expect(byNamespace.length).toBeGreaterThan(0);
    await setControl(page, '#filter-namespace', '');

    expect((await visibleFindings(page)).some((f) => f.suppressed === 'true')).toBe(true);
    await setControl(page, '#filter-suppressed', false);
    const unsuppressed = await visibleFindings(page);
    expect(unsuppressed.length).toBe(all.filter((f) => !f.suppressed).length);
    expect(unsuppressed.some((f) => f.suppressed === 'true')).toBe(false);
    await setControl(page, '#filter-suppressed', true);
  }, TIMEOUT);

  it('searches and filters the graph, and a click on a namespace lists its findings', async () => {
    const graph = 'figure.graph[data-cluster="aks-contaminated"]';
    await setControl(page, `${graph} .graph-search`, 'orders');
    expect(await page.$$eval(`${graph} .node.match`, (nodes) => nodes.map((node) => node.getAttribute('data-ns')))).toEqual(['team-orders']);
    expect(await page.$$eval(`${graph} .edge.touching`, (edges) => edges.every((edge) => edge.getAttribute('data-to') === 'team-orders' || edge.getAttribute('data-from') === 'team-orders'))).toBe(true);
    expect(await page.$eval(`${graph} .graph-status`, (output) => output.textContent)).toBe('1 namespace(s) match');
    await setControl(page, `${graph} .graph-search`, '');

    await setControl(page, `${graph} .edge-kind[value=imports]`, false);
    const hidden = await page.$$eval(`${graph} path.edge`, (edges) => edges.map((edge) => [edge.getAttribute('data-kind'), edge.classList.contains('filtered')]));
    expect(hidden.every(([kind, filtered]) => (kind === 'imports') === filtered)).toBe(true);
    await setControl(page, `${graph} .edge-kind[value=imports]`, true);
    await page.select(`${graph} .graph-min-severity`, 'critical');
    expect(await page.$$eval(`${graph} path.edge:not(.filtered)`, (edges) => edges.every((edge) => edge.getAttribute('data-severity') === 'critical'))).toBe(true);
    await page.select(`${graph} .graph-min-severity`, 'info');

    await page.click(`${graph} .node[data-ns="team-payments"]`);
    expect(await page.$eval('#filter-namespace', (input) => (input as HTMLInputElement).value)).toBe('team-payments');
    expect(await page.$eval('#filter-cluster', (select) => (select as HTMLSelectElement).value)).toBe('aks-contaminated');
    const listed = await visibleFindings(page);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((f) => f.namespace.includes('team-payments'))).toBe(true);
    await setControl(page, '#filter-namespace', '');
    await page.select('#filter-cluster', '');
  }, TIMEOUT);

  it('expands a finding to its evidence, documentation link and fix YAML', async () => {
    const selector = 'details.finding[data-rule="exportto-wildcard"]';
    await page.click(`${selector} > summary`);
    const body = await page.$eval(selector, (element) => ({
      open: (element as HTMLDetailsElement).open,
      evidence: element.querySelector('pre.json')?.textContent ?? '',
      fix: element.querySelector('pre.yaml')?.textContent ?? '',
      doc: element.querySelector('a')?.getAttribute('href') ?? '',
    }));
    expect(body.open).toBe(true);
    expect(JSON.parse(body.evidence)).toHaveProperty('effectiveExportTo');
    expect(body.fix).toContain('exportTo');
    expect(body.doc).toMatch(/\/docs\/rules\/exportto-wildcard\.md$/);
    expect(problems).toEqual([]);
  }, TIMEOUT);
});

describe('a report of hostile names in Chromium', () => {
  it('shows script, markup and quotes in names as text, runs none of them and keeps the page intact', async () => {
    const evil = `</script><script>alert('x')</script><img src=x onerror="alert(1)">"'&amp;\u2028`;
    const hostileFinding = finding({
      ruleId: 'namespace-imports-foreign-config',
      namespace: `team-${evil}`,
      message: `Namespace imports ${evil}`,
      evidence: { foreignOwners: [`owner-${evil}`], note: evil },
      source: { file: `k8s/${evil}.yaml`, line: 1 },
      suppressed: true,
      suppressionReason: evil,
    });
    const cluster = { ...clusterResult([hostileFinding, finding({ findingId: 'c'.repeat(32), namespace: `team-${evil}` })], `cluster-${evil}`), tenantNamespaceNames: [`team-${evil}`, `owner-${evil}`] };
    const report: ScanReport = { scanId: `scan-${evil}`, scanner: { version: '0.1.0' }, clusters: [cluster] };
    const file = join(mkdtempSync(join(tmpdir(), 'iis-html-')), 'hostile.html');
    writeFileSync(file, await renderHtml(report, { docsBaseUrl: 'https://github.com/example/scanner' }));
    problems.length = 0;
    const tab = await open(file);
    expect(problems).toEqual([]);
    expect(await tab.$$eval('script', (scripts) => scripts.length)).toBe(1);
    expect(await tab.$$eval('img', (images) => images.length)).toBe(0);
    expect(await tab.$$eval('figure.graph .node.tenant', (nodes) => nodes.map((node) => node.getAttribute('data-ns')).sort())).toEqual([`owner-${evil}`, `team-${evil}`].sort());
    expect(await tab.$eval('section.cluster h2', (heading) => heading.textContent)).toContain(`cluster-${evil}`);
    // The page's own script still works on these names.
    await setControl(tab, '#filter-namespace', `team-${evil}`);
    expect(await visibleFindings(tab)).toHaveLength(2);
    await tab.close();
  }, TIMEOUT);
});
