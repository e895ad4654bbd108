/**
 * The catalogue of fault scenarios (issue 9). Every fault test runs one catalogued scenario
 * through `expectNoFindingLost`, which fails the test when a finding that a fault-free run
 * delivers is missing. docs/reliability.md carries the table rendered from this catalogue;
 * test/reliability/catalogue.test.ts fails when the table and the catalogue drift apart, or
 * when a catalogued scenario has no test (or a test names an uncatalogued one).
 *
 * Regenerate the table with `npm run reliability:doc`.
 */
// node:assert rather than jest's expect, so `npm run reliability:doc` can import this file outside jest.
import assert from 'node:assert/strict';

export type ScenarioArea = 'Kubernetes API' | 'ARM / Resource Graph' | 'Logs Ingestion' | 'Queue retry' | 'Manifest input' | 'CLI gate' | 'Report output';

export interface FaultScenario {
  id: string;
  area: ScenarioArea;
  /** What goes wrong, in the double's terms. */
  fault: string;
  /** What the scanner must do about it. */
  expected: string;
  /**
   * Which findings must arrive: a fixed count, 'baseline' (every finding of the same scan
   * without the fault, compared by FindingId), or which ones in words (checked by FindingId too).
   */
  findings: number | 'baseline' | { described: string };
}

export const FAULT_SCENARIOS: readonly FaultScenario[] = [
  // --- Kubernetes API (test/reliability/kube-faults.test.ts) ---------------------------------
  { id: 'kube-429-retry-after', area: 'Kubernetes API', fault: '429 with Retry-After on the first LIST of Pods, Services and VirtualServices', expected: 'retried after the given delay; record succeeded', findings: 'baseline' },
  { id: 'kube-5xx-transient', area: 'Kubernetes API', fault: '500 and 503 on Namespaces and ServiceEntries, twice each', expected: 'retried with backoff; record succeeded', findings: 'baseline' },
  { id: 'kube-drop-mid-pagination', area: 'Kubernetes API', fault: 'connection dropped on the continue page of Pods (1,200 pods, 3 pages)', expected: 'page retried; every pod read; record succeeded', findings: 'baseline' },
  { id: 'kube-truncated-body', area: 'Kubernetes API', fault: 'half a body, then the connection cut, on Sidecars and DestinationRules', expected: 'retried; record succeeded', findings: 'baseline' },
  { id: 'kube-non-json', area: 'Kubernetes API', fault: '200 with an HTML page (misconfigured proxy) on ServiceEntries', expected: 'retried; record succeeded', findings: 'baseline' },
  { id: 'kube-410-expired-continue', area: 'Kubernetes API', fault: '410 Expired on the continue page of Pods', expected: 'the LIST series restarts from the first page; record succeeded', findings: 'baseline' },
  { id: 'kube-several-kinds-persistent', area: 'Kubernetes API', fault: 'persistent 500 on Pods and Deployments, 403 on RoleBindings, at once', expected: 'those kinds failed/forbidden in coverage; record partial; scan-incomplete finding; every other finding kept', findings: 'baseline' },
  { id: 'kube-401-404-mid-scan', area: 'Kubernetes API', fault: '401 on the ServiceEntry LIST (token rejected mid-scan) and 404 on the Gateway LIST (CRD removed after discovery)', expected: 'not retried; ServiceEntry forbidden and Gateway failed in coverage; record partial; every other finding kept', findings: 'baseline' },
  { id: 'kube-hang-deadline', area: 'Kubernetes API', fault: 'the API server stops answering LISTs (hangs)', expected: 'the per-cluster deadline ends the scan; record partial or failed, never succeeded', findings: 'baseline' },
  { id: 'kube-oversized-page', area: 'Kubernetes API', fault: 'a Pods LIST page larger than the response size cap (maxApiResponseMiB), announced by Content-Length or sent chunked without it', expected: 'the answer is dropped as soon as it passes the cap, not retried; Pod failed in coverage naming the cap; record partial; every other finding kept', findings: 'baseline' },
  { id: 'kube-credential-echo', area: 'Kubernetes API', fault: 'Status messages on two kinds that echo the bearer token sent, the client private key (PEM and base64) and a JWT', expected: 'every credential is [redacted] before it reaches coverage, the scan record or a finding; every other finding kept', findings: 'baseline' },
  // --- ARM and Resource Graph (test/reliability/azure-faults.test.ts) ------------------------
  { id: 'arm-429-storm', area: 'ARM / Resource Graph', fault: '429 on three consecutive Resource Graph pages (quota reset in x-ms-user-quota-resets-after, no Retry-After) and on the ARM cluster GET (Retry-After)', expected: 'discovery and ARM reads wait and retry; every cluster found and scanned', findings: 'baseline' },
  { id: 'arm-5xx', area: 'ARM / Resource Graph', fault: '500/503 from ARM on the cluster GET and the user credential', expected: 'the SDK retries; record succeeded', findings: 'baseline' },
  { id: 'arm-cluster-disappears', area: 'ARM / Resource Graph', fault: 'a cluster found by Resource Graph is gone when the worker reads it (404)', expected: 'a failed record at once (no pointless retries), no crash', findings: 0 },
  // --- Logs Ingestion (test/reliability/logs-ingestion-faults.test.ts) ----------------------
  { id: 'logs-429-storm', area: 'Logs Ingestion', fault: '429 with Retry-After on 8 consecutive calls', expected: 'the SDK waits and retries; everything delivered by one upload', findings: 3000 },
  { id: 'logs-500', area: 'Logs Ingestion', fault: '500 on 4 calls', expected: 'the SDK retries; everything delivered', findings: 3000 },
  { id: 'logs-413', area: 'Logs Ingestion', fault: '413 ContentLengthLimitExceeded on 2 calls (fault proxy)', expected: 'upload fails loudly (413 is not retried by the SDK); the queue retry delivers everything', findings: 3000 },
  { id: 'logs-connection-drops', area: 'Logs Ingestion', fault: 'connection destroyed on 6 calls', expected: 'the SDK retries; everything delivered', findings: 3000 },
  { id: 'logs-outage-then-retry', area: 'Logs Ingestion', fault: 'persistent 500 on the findings stream during the first attempt', expected: 'a failed record is written and the error thrown; the retry delivers everything and a succeeded record', findings: 3000 },
  { id: 'logs-cli-cluster-undelivered', area: 'Logs Ingestion', fault: 'CLI --send-to-log-analytics over the three demo clusters; every findings upload of the first one fails (500, after the SDK retries)', expected: 'the other clusters are still sent with their scan records; the first gets a failed scan record; stderr names it; exit 2', findings: { described: 'every finding of the clusters that could be sent' } },
  // --- Queue retry (test/reliability/queue-retry-crash.test.ts) ------------------------------
  { id: 'queue-worker-crash-between-batches', area: 'Queue retry', fault: 'the worker process is killed after part of its findings batches were accepted (Azurite queue, real visibility timeout)', expected: 'the message reappears; the retry delivers every FindingId (at least once, same ids) and a final succeeded record', findings: 3000 },
  // --- Manifest input (test/reliability/manifest-input.test.ts) ------------------------------
  { id: 'input-symlinks-and-loops', area: 'Manifest input', fault: 'manifests that are symbolic links to files in the folder, a link to a folder that contains it (loop), a link leaving the folder, a broken link', expected: 'linked files read once; the loop, the outside link and the broken link each reported with their path; nothing followed forever', findings: 'baseline' },
  { id: 'input-unreadable-subfolder', area: 'Manifest input', fault: 'one subfolder cannot be listed (EACCES)', expected: 'a problem naming that folder; every other file of the tree scanned', findings: 'baseline' },
  { id: 'input-150k-documents', area: 'Manifest input', fault: '150,000 documents in one file next to the manifests', expected: 'read without "Maximum call stack size exceeded"', findings: 'baseline' },
  { id: 'input-150k-files', area: 'Manifest input', fault: '150,000 files in one folder next to the manifests (their bytes served from memory through the file-system calls the walker makes: readdir, open, fstat, read, close)', expected: 'every file opened once and read to its end, each object counted, without stack overflow', findings: 'baseline' },
  { id: 'input-deep-nesting', area: 'Manifest input', fault: 'a 30 MB file of `[` and a document nested 600 levels deep', expected: 'refused before parsing as resource-invalid (nesting over 512 levels), in bounded memory; the other files read', findings: 'baseline' },
  { id: 'input-yaml-merge-keys', area: 'Manifest input', fault: 'the manifests rewritten with anchors and merge keys (`<<`)', expected: 'expanded as kubectl (go-yaml v2) does: the same objects as the expanded form', findings: 'baseline' },
  { id: 'input-stdin-and-fifo', area: 'Manifest input', fault: 'the manifests piped to `scan -`, and named as a FIFO', expected: 'read like the files', findings: 'baseline' },
  { id: 'input-list-in-list', area: 'Manifest input', fault: 'the objects wrapped in a List inside a List', expected: 'flattened as kubectl does', findings: 'baseline' },
  { id: 'input-invalid-utf8', area: 'Manifest input', fault: 'a file with an invalid UTF-8 byte next to the manifests', expected: 'that file reported with the line of the bad byte, not silently replaced; the others read', findings: 'baseline' },
  { id: 'input-json-export', area: 'Manifest input', fault: 'the objects as one `kubectl get -A -o json` List over 32 MiB (padded with 60,000 Pods)', expected: 'parsed with JSON.parse within the JSON limit, items keep their line', findings: 'baseline' },
  // --- CLI gate (test/reliability/gate-faults.test.ts) ---------------------------------------
  { id: 'gate-cluster-unreadable', area: 'CLI gate', fault: 'one of two kubeconfig contexts cannot be used: http:// server, insecure-skip-tls-verify, untrusted CA, closed port', expected: 'that cluster is failed, with one stderr line naming it and the cause; exit 2; the other context is scanned in full', findings: 'baseline' },
  { id: 'gate-credentials-rejected', area: 'CLI gate', fault: '401 on discovery (the token is rejected)', expected: 'status failed; one "could not authenticate" finding for the cluster instead of one per kind; exit 2', findings: 1 },
  { id: 'gate-no-read-access', area: 'CLI gate', fault: 'fleet scan: the identity authenticates but may read no kind (403 on every request)', expected: 'a failed record at once whose ApiRequests counts every request made; one finding for the cluster', findings: 1 },
  { id: 'gate-partial-scan', area: 'CLI gate', fault: '403 on the Sidecar LIST', expected: 'record partial; exit 2 naming the cluster, unless --allow-incomplete (then the findings gate decides)', findings: 'baseline' },
  { id: 'gate-unreadable-manifests', area: 'CLI gate', fault: 'offline scan of a demo cluster folder with a malformed YAML file and a binary file beside its manifests', expected: 'record partial naming both files; each file a resource-invalid finding, plus one scan-incomplete finding for the cluster; exit 2 naming the cluster, unless --allow-incomplete (then the findings gate decides)', findings: 'baseline' },
  { id: 'gate-ignored-inputs', area: 'CLI gate', fault: '--all-contexts or --context without any kubeconfig; --mesh-config or --aks-cluster without a scan input', expected: 'usage error, exit 2, nothing scanned or printed (no silent demo scan, no invented localhost context)', findings: 0 },
  // --- Report output (test/reliability/output-faults.test.ts) --------------------------------
  { id: 'output-open-mesh', area: 'Report output', fault: '3,000 namespaces that all import each other (an open mesh), JSON report to a file', expected: 'written finding by finding with per-finding lists bounded (exact counts kept); no "Invalid string length"; the report grows linearly', findings: { described: 'every finding of the scan, in the report' } },
  { id: 'output-onto-input', area: 'Report output', fault: '--output names a scanned manifest (directly, inside a scanned folder, through ..) or the --config file', expected: 'refused before scanning, exit 2; the file is unchanged', findings: 0 },
  { id: 'output-interrupted', area: 'Report output', fault: 'the report (or a fix file) fails half-way while replacing an earlier one', expected: 'the earlier file is intact and no temporary file is left', findings: 0 },
  { id: 'fixes-hostile-names', area: 'Report output', fault: '--write-fixes with kubeconfig contexts named ../../.. and a mesh config rootNamespace ../../escaped', expected: 'every fix file lands inside the folder under safe names; the rootNamespace is reported as no namespace name', findings: 0 },
  { id: 'fixes-into-scanned-folder', area: 'Report output', fault: '--write-fixes names a scanned folder, a folder inside one that holds manifests, or a folder holding a scanned file', expected: 'refused before scanning, exit 2; no manifest touched', findings: 0 },
  { id: 'fixes-rerun-stale', area: 'Report output', fault: 'a re-run after one object was fixed by hand', expected: 'the fix file written earlier for it is removed (index of written files); other fix files and files the scanner did not write stay', findings: 0 },
];

/** What a scenario run delivered. FindingIds may repeat (at-least-once delivery). */
export interface ScenarioOutcome {
  /** FindingIds a fault-free run delivers (for 'baseline') or the synthetic findings uploaded. */
  expectedFindingIds: string[];
  /** FindingIds that arrived (or that the faulty scan produced), duplicates allowed. */
  deliveredFindingIds: string[];
}

export function scenario(id: string): FaultScenario {
  const found = FAULT_SCENARIOS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`fault scenario "${id}" is not in test/reliability/scenarios.ts`);
  return found;
}

/**
 * The one assertion every fault scenario ends with: every expected FindingId was delivered.
 * Also checks the expected count against the catalogue, so the documented table stays true.
 * Returns the number of findings checked (for the summary line).
 */
export function expectNoFindingLost(id: string, outcome: ScenarioOutcome): number {
  const entry = scenario(id);
  if (typeof entry.findings === 'number') {
    assert.equal(new Set(outcome.expectedFindingIds).size, entry.findings, `scenario ${id}: the catalogue promises ${entry.findings} findings`);
  }
  const delivered = new Set(outcome.deliveredFindingIds);
  const lost = [...new Set(outcome.expectedFindingIds)].filter((findingId) => !delivered.has(findingId));
  assert.deepEqual(lost, [], `scenario ${id}: ${lost.length} of ${new Set(outcome.expectedFindingIds).size} findings lost`);
  ranScenarios.push({ id, findings: new Set(outcome.expectedFindingIds).size });
  return outcome.expectedFindingIds.length;
}

const ranScenarios: Array<{ id: string; findings: number }> = [];

/** One line per test file for npm test's output: how many scenarios ran, findings lost (always 0, or the test failed). */
export function scenarioSummary(): string {
  const findings = ranScenarios.reduce((sum, run) => sum + run.findings, 0);
  return `fault scenarios: ${ranScenarios.length} run (${ranScenarios.map((run) => run.id).join(', ')}), ${findings} findings checked, 0 lost`;
}

const TABLE_START = '<!-- fault-scenarios:start (generated from test/reliability/scenarios.ts by npm run reliability:doc) -->';
const TABLE_END = '<!-- fault-scenarios:end -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The markdown table of docs/reliability.md, markers included. */
export function renderScenarioTable(scenarios: readonly FaultScenario[] = FAULT_SCENARIOS): string {
  const synthetic = scenarios.reduce((sum, s) => sum + (typeof s.findings === 'number' ? s.findings : 0), 0);
  const lines = [
    TABLE_START,
    '',
    `${scenarios.length} fault scenarios run in \`npm test\`; ${synthetic} findings of the fixed-count scenarios plus the baseline (or described) findings of the others are checked by FindingId. Findings lost: **0** (a lost finding fails the scenario's test).`,
    '',
    '| # | Scenario | Area | Fault injected | Expected behaviour | Findings that must arrive | Lost |',
    '|---|---|---|---|---|---|---|',
    ...scenarios.map((s, index) => `| ${index + 1} | \`${s.id}\` | ${s.area} | ${cell(s.fault)} | ${cell(s.expected)} | ${s.findings === 'baseline' ? 'all of the fault-free scan' : typeof s.findings === 'number' ? String(s.findings) : cell(s.findings.described)} | 0 |`),
    '',
    TABLE_END,
  ];
  return lines.join('\n');
}

/** Replaces the generated table inside a document (or appends it when the markers are missing). */
export function withScenarioTable(document: string, table: string = renderScenarioTable()): string {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start === -1 || end === -1 || end < start) return `${document.trimEnd()}\n\n${table}\n`;
  return document.slice(0, start) + table + document.slice(end + TABLE_END.length);
}
