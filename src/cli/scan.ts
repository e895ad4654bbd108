/**
 * `istio-isolation-scanner scan`: picks the source (manifests, kubeconfig, Azure fleet, or
 * the bundled demo fleet), builds snapshots, evaluates them with the same engine as the
 * Functions, renders the chosen format and decides the exit code. All I/O of a CLI scan
 * happens here or in the modules it calls at the edges (snapshot loading, sinks).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { loadScannerConfig } from '../config/load.js';
import { ALL_RULES } from '../rules/registry.js';
import { expiredSuppressions } from '../rules/suppression.js';
import { createProgressRenderer } from './progress.js';
import { defaultConfig, type ScannerConfig } from '../config/types.js';
import { scanSnapshot } from '../report/scan-result.js';
import { buildJsonReport } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderTable } from '../report/render/table.js';
import { buildSarif, repositoryUrl } from '../report/sarif.js';
import type { ClusterScanResult, ScanReport } from '../report/types.js';
import { parseIstioVersion } from '../snapshot/assemble.js';
import { demoFleetDir, InputFileError, loadDemoFleet, readDocumentFile, readMeshConfigFile, readMeshRevisionProfileFile, snapshotFromManifests } from '../snapshot/offline.js';
import { describeFsError } from '../snapshot/manifests.js';
import type { ClusterSnapshot, IstioVersion } from '../snapshot/types.js';
import { SCANNER_VERSION } from '../version.js';
import { exitCodeFor, findingsAtOrAbove, parseFailOn, UsageError, type FailOn } from './exit-codes.js';
import type { CliIo } from './io.js';

export const OUTPUT_FORMATS = ['table', 'json', 'sarif', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Options exactly as commander parses them (camelCase of the flags). */
export interface ScanOptions {
  manifests?: string[];
  /** Namespace for namespaced manifests without metadata.namespace (`kubectl apply -n`). */
  namespace?: string;
  meshConfig?: string;
  aksCluster?: string;
  meshRevisionProfile?: string;
  istioVersion?: string;
  config?: string;
  format?: string;
  output?: string;
  failOn?: string;
  writeFixes?: string;
  kubeconfig?: string;
  context?: string;
  allContexts?: boolean;
  azure?: boolean;
  subscription?: string[];
  resourceGroup?: string[];
  sendToLogAnalytics?: boolean;
}

/** A cluster to evaluate, with the reason it could not be scanned when it failed. */
interface ClusterInput {
  snapshot: ClusterSnapshot;
  failure?: string;
}

type Source = 'manifests' | 'kubeconfig' | 'azure' | 'demo';

function chooseSource(options: ScanOptions): Source {
  const chosen: Source[] = [];
  if (options.manifests?.length) chosen.push('manifests');
  if (options.kubeconfig || options.context || options.allContexts) chosen.push('kubeconfig');
  if (options.azure || options.subscription?.length || options.resourceGroup?.length) chosen.push('azure');
  if (chosen.length > 1) throw new UsageError(`choose one input: --manifests, --kubeconfig or --azure (got ${chosen.map((s) => `--${s}`).join(' and ')})`);
  if (options.context && options.allContexts) throw new UsageError('--context and --all-contexts exclude each other');
  return chosen[0] ?? 'demo';
}

function parseVersionOption(text: string | undefined, source: string): IstioVersion | undefined {
  if (text === undefined) return undefined;
  const version = parseIstioVersion(text, source);
  if (!version) throw new UsageError(`${source} must look like 1.24 or 1.24.3 (got "${text}")`);
  return version;
}

async function loadConfig(options: ScanOptions, source: Source, cwd: string): Promise<{ config: ScannerConfig; path?: string }> {
  let path = options.config ? resolve(cwd, options.config) : undefined;
  if (!path && source === 'demo') {
    const demoConfig = join(demoFleetDir(), 'scanner-config.yaml');
    if (existsSync(demoConfig)) path = demoConfig;
  }
  if (!path) return { config: defaultConfig() };
  try {
    return { config: await loadScannerConfig(path, { knownRuleIds: ALL_RULES.map((rule) => rule.meta.id) }), path };
  } catch (error) {
    throw new UsageError(`cannot use configuration ${path}: ${(error as Error).message}`);
  }
}

async function liveClusters(options: ScanOptions, versions: { explicit?: IstioVersion; fallback?: IstioVersion }, io: CliIo): Promise<ClusterInput[]> {
  const { snapshotsFromKubeconfig, KubeConfigError } = await import('../snapshot/live/index.js');
  // ARM data describes one cluster; applying it to every context would mislabel the others.
  if (options.allContexts && (options.aksCluster || options.meshRevisionProfile)) {
    throw new UsageError('--aks-cluster and --mesh-revision-profile describe one cluster: use them with --context (or the current context), not --all-contexts');
  }
  let sideInputs;
  try {
    sideInputs = {
      meshConfigDocument: options.meshConfig ? readMeshConfigFile(resolve(io.cwd, options.meshConfig)) : undefined,
      aksCluster: options.aksCluster ? readDocumentFile(resolve(io.cwd, options.aksCluster), 'AKS cluster') : undefined,
      meshRevisionProfile: options.meshRevisionProfile ? readMeshRevisionProfileFile(resolve(io.cwd, options.meshRevisionProfile)) : undefined,
    };
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(error.message);
    throw error;
  }
  const progress = createProgressRenderer(io.stderr, { isTty: io.isTty });
  try {
    const snapshots = await snapshotsFromKubeconfig({
      ...sideInputs,
      kubeconfigPath: options.kubeconfig,
      context: options.context,
      allContexts: options.allContexts,
      istioVersion: versions.explicit,
      fallbackIstioVersion: versions.fallback,
      onProgress: progress.onProgress,
    });
    return snapshots.map((snapshot) => ({ snapshot }));
  } catch (error) {
    // A bad kubeconfig or context is the user's input; anything else is a scan failure. Both exit 2.
    if (error instanceof KubeConfigError) throw new UsageError(error.message);
    throw new UsageError(`live scan failed: ${(error as Error).message}`);
  } finally {
    progress.finish();
  }
}

async function fleetClusters(options: ScanOptions, config: ScannerConfig, scanId: string, io: CliIo): Promise<ClusterInput[]> {
  const { scanFleetFromCli } = await import('../fleet/cli-fleet.js');
  try {
    return await scanFleetFromCli({ subscriptions: options.subscription ?? [], resourceGroups: options.resourceGroup ?? [], config, scanId, onProgress: (line) => io.stderr(`${line}\n`) });
  } catch (error) {
    throw new UsageError(`fleet scan failed: ${(error as Error).message}`);
  }
}

/** Which option reads each side file that a manifest folder walk skips. */
const SIDE_FILE_OPTIONS: Record<string, keyof ScanOptions> = {
  'aks-cluster.json': 'aksCluster',
  'mesh-revision-profile.json': 'meshRevisionProfile',
  'mesh-config.yaml': 'meshConfig',
  'scanner-config.yaml': 'config',
};

/** A folder that holds aks-cluster.json etc. scans differently from the demo unless the file is passed: say so. */
function sideFileNotes(skipped: string[], options: ScanOptions, cwd: string): string[] {
  const notes: string[] = [];
  for (const file of skipped) {
    const option = SIDE_FILE_OPTIONS[basename(file)];
    if (!option || options[option] !== undefined) continue;
    const flag = `--${option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
    notes.push(`note: ${relative(cwd, file) || file} is not a manifest and was not read; pass it with ${flag} to use it.`);
  }
  return notes;
}

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function offlineClusters(options: ScanOptions, source: 'manifests' | 'demo', versions: { explicit?: IstioVersion; fallback?: IstioVersion }, io: CliIo): ClusterInput[] {
  const cwd = io.cwd;
  if (options.namespace !== undefined && !DNS_1123_LABEL.test(options.namespace)) throw new UsageError(`--namespace must be a Kubernetes namespace name (DNS-1123 label), got "${options.namespace}"`);
  try {
    if (source === 'demo') {
      return loadDemoFleet({ istioVersion: versions.explicit, fallbackIstioVersion: versions.fallback, baseDir: cwd, defaultNamespace: options.namespace }).map(({ snapshot }) => ({ snapshot }));
    }
    const offline = snapshotFromManifests(
      options.manifests!.map((p) => resolve(cwd, p)),
      {
        meshConfigDocument: options.meshConfig ? readMeshConfigFile(resolve(cwd, options.meshConfig)) : undefined,
        aksCluster: options.aksCluster ? readDocumentFile(resolve(cwd, options.aksCluster), 'AKS cluster') : undefined,
        meshRevisionProfile: options.meshRevisionProfile ? readMeshRevisionProfileFile(resolve(cwd, options.meshRevisionProfile)) : undefined,
        istioVersion: versions.explicit,
        fallbackIstioVersion: versions.fallback,
        baseDir: cwd,
        defaultNamespace: options.namespace,
      },
    );
    for (const note of sideFileNotes(offline.skippedSideFiles, options, cwd)) io.stderr(`${note}\n`);
    if (!offline.anythingRead) {
      const reasons = offline.snapshot.inputProblems.map((p) => p.message);
      const why = reasons.length > 0 ? reasons.slice(0, 5).join('; ') + (reasons.length > 5 ? `; and ${reasons.length - 5} more` : '') : 'no Kubernetes objects in .yaml, .yml or .json files there';
      throw new UsageError(`nothing could be read from ${options.manifests!.join(', ')}: ${why}`);
    }
    return [{ snapshot: offline.snapshot }];
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(error.message);
    throw error;
  }
}

export function renderReport(report: ScanReport, format: OutputFormat, color: boolean): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(buildJsonReport(report), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(buildSarif(report), null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(report, { docsBaseUrl: repositoryUrl() });
    case 'table':
      return renderTable(report, { color });
  }
}

function writeReportFile(target: string, text: string): void {
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  } catch (error) {
    throw new UsageError(`cannot write the report to ${target}: ${describeFsError(error)}`);
  }
}

interface ResultSink {
  upload(result: ClusterScanResult): Promise<void>;
}

/** Built before scanning, so missing settings fail fast (exit 2) instead of after the scan. */
async function logAnalyticsSink(env: NodeJS.ProcessEnv): Promise<ResultSink> {
  const [{ DefaultAzureCredential }, { LogAnalyticsSink, sinkOptionsFromEnv }] = await Promise.all([import('@azure/identity'), import('../report/log-analytics/sink.js')]);
  try {
    // Same settings as the Functions app (LOGS_INGESTION_ENDPOINT, LOGS_DCR_IMMUTABLE_ID, LOGS_*_STREAM).
    return new LogAnalyticsSink(sinkOptionsFromEnv(env, new DefaultAzureCredential()));
  } catch (error) {
    throw new UsageError(`--send-to-log-analytics: ${(error as Error).message}`);
  }
}

async function writeFixFiles(inputs: ClusterInput[], results: ClusterScanResult[], dir: string, io: CliIo): Promise<void> {
  const { writeFixes } = await import('../report/fixes.js');
  for (const [index, input] of inputs.entries()) {
    const clusterDir = inputs.length > 1 ? join(dir, input.snapshot.cluster.name) : dir;
    let written: string[];
    try {
      mkdirSync(clusterDir, { recursive: true });
      written = await writeFixes(results[index]!.findings, input.snapshot, clusterDir);
    } catch (error) {
      throw new UsageError(`cannot write fix manifests to ${clusterDir}: ${describeFsError(error)}`);
    }
    io.stderr(`Wrote ${written.length} fix manifest(s) for ${input.snapshot.cluster.name} to ${clusterDir}\n`);
  }
}

/** Runs one scan and returns the process exit code. Throws UsageError for exit code 2. */
export async function runScan(options: ScanOptions, io: CliIo): Promise<number> {
  const format = (options.format ?? 'table') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')} (got "${options.format}")`);
  const source = chooseSource(options);
  // Fail before a long scan, not after it, when the report cannot be written.
  if (options.output && existsSync(resolve(io.cwd, options.output)) && statSync(resolve(io.cwd, options.output)).isDirectory()) {
    throw new UsageError(`--output ${options.output} is a directory; give a file name, e.g. ${join(options.output, `report.${format === 'markdown' ? 'md' : format === 'table' ? 'txt' : format}`)}`);
  }
  // The bundled demo is a showcase, not a gate: unless --fail-on is given it never fails on findings.
  const failOn: FailOn = options.failOn ? parseFailOn(options.failOn) : source === 'demo' ? 'none' : 'high';
  const explicitVersion = parseVersionOption(options.istioVersion, '--istio-version');
  const { config, path: configPath } = await loadConfig(options, source, io.cwd);
  const fallbackVersion = parseVersionOption(config.istioVersion, `istioVersion in ${configPath ?? 'configuration'}`);
  // An expired suppression silently re-opening findings would surprise; say so up front.
  for (const warning of expiredSuppressions(config)) io.stderr(`warning: ${warning}\n`);
  const scanId = randomUUID();
  const sink = options.sendToLogAnalytics ? await logAnalyticsSink(io.env) : undefined;

  let inputs: ClusterInput[];
  const versions = { explicit: explicitVersion, fallback: fallbackVersion };
  if (source === 'kubeconfig') inputs = await liveClusters(options, versions, io);
  else if (source === 'azure') inputs = await fleetClusters(options, config, scanId, io);
  else inputs = offlineClusters(options, source, versions, io);
  if (inputs.length === 0) throw new UsageError('no cluster to scan');

  const results = inputs.map(({ snapshot, failure }) => scanSnapshot(snapshot, config, { scanId, startedAt: Date.now(), failure }));
  const report: ScanReport = { scanId, scanner: { version: SCANNER_VERSION }, clusters: results };

  if (options.writeFixes) await writeFixFiles(inputs, results, resolve(io.cwd, options.writeFixes), io);

  const text = renderReport(report, format, format === 'table' && io.isTty && !options.output);
  if (options.output) writeReportFile(resolve(io.cwd, options.output), text);
  if (options.output) io.stderr(`Wrote the ${format} report to ${options.output}\n`);
  else io.stdout(text);

  if (sink) {
    for (const result of results) {
      await sink.upload(result);
      io.stderr(`Sent ${result.findings.length} finding(s) and the scan record of ${result.record.cluster.name} to Log Analytics.\n`);
    }
  }

  const allFindings = results.flatMap((r) => r.findings);
  const failing = findingsAtOrAbove(allFindings, failOn);
  if (source === 'demo' && !options.failOn) io.stderr('Scanned the bundled demo fleet (no --manifests, --kubeconfig or --azure given); demo scans use --fail-on none unless told otherwise.\n');
  else if (failing.length > 0) io.stderr(`${failing.length} unsuppressed finding(s) at or above ${failOn}: exit code 1.\n`);
  return exitCodeFor(allFindings, failOn);
}

