/**
 * Regenerates the screenshots of the HTML report in docs/images/ from the bundled demo fleet:
 *   npm run docs:screenshots
 * Needs the Debian package `chromium` (see test/helpers/chromium.ts); nothing is downloaded.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../test/helpers/chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const images = join(root, 'docs', 'images');
const report = join(mkdtempSync(join(tmpdir(), 'iis-screenshots-')), 'report.html');

const scan = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'scan', '--format', 'html', '--output', report], { cwd: root, encoding: 'utf8' });
if (scan.status !== 0) throw new Error(`scan failed: ${scan.stderr}`);
mkdirSync(images, { recursive: true });

const chromium = await launchChromium();
try {
  const page = await chromium.browser.newPage();
  await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
  // The contaminated cluster: summary and exposure graph, with one namespace searched.
  const graph = 'figure.graph[data-cluster="aks-contaminated"]';
  await page.type(`${graph} .graph-search`, 'team-orders');
  await (await page.$('#cluster-1'))!.screenshot({ path: join(images, 'html-report-cluster.png') });
  // The findings of that cluster, one of them opened to its evidence and fix.
  await page.$eval(`${graph} .graph-search`, (input) => {
    (input as unknown as { value: string }).value = '';
  });
  await page.click(`${graph} .node[data-ns="team-analytics"]`);
  await page.click('details.finding:not([hidden])[data-rule="serviceentry-shadows-service"] > summary');
  await (await page.$('#findings'))!.screenshot({ path: join(images, 'html-report-findings.png') });
  console.log(`wrote ${join(images, 'html-report-cluster.png')} and html-report-findings.png`);
} finally {
  await chromium.close();
}
