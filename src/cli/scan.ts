/**
 * `istio-isolation-scanner scan`: picks the source (manifests, kubeconfig, Azure fleet, or
 * the bundled demo fleet), builds snapshots, evaluates them with the same engine as the
 * Functions, renders the chosen format and decides the exit code. All I/O of a CLI scan
 * happens here or in the modules it calls at the edges (snapshot loading, sinks).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { discoverConfigFile, repositoryRoot } from '../config/discover.js';
import { ALL_RULES } from '../rules/registry.js';
import { expiredSuppressions } from '../rules/suppression.js';
import { progressFor } from './progress.js';
import { defaultConfig, type ScannerConfig } from '../config/types.js';
import { scanSnapshot } from '../report/scan-result.js';
import { reportFormat, type RenderContext } from '../report/formats.js';
import { withComparison } from '../report/compare.js';
import { coverageBlock, failingFindings } from '../report/gate.js';
import { applyTenantScope, splitTenantList, tenantMatcher } from '../report/scope.js';
import { repositoryUrl } from '../report/links.js';
import type { ClusterScanResult, ScanReport } from '../report/types.js';
import { parseIstioVersion } from '../snapshot/assemble.js';
import { demoFleetDir, InputFileError, loadDemoFleet, readDocumentFile, readMeshConfigFile, readMeshRevisionProfileFile, snapshotFromManifests } from '../snapshot/offline.js';
import { describeFsError, MAX_JSON_FILE_BYTES } from '../snapshot/manifests.js';
import { readTextBounded } from '../read-bounded.js';
import { SNAPSHOT_KINDS, type ClusterSnapshot, type IstioVersion } from '../snapshot/types.js';
import type { Finding } from '../rules/types.js';
import type { ChangeRun } from './change.js';
import { SCANNER_VERSION } from '../version.js';
import { EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, parseFailOn, UsageError, type FailOn } from './exit-codes.js';
import { readStreamBounded, type CliIo } from './io.js';
import { checkFixFolder, checkOutputTarget, type ScanInputs } from './output-file.js';
import { parseOutputTargets, STDOUT, type OutputTarget } from './outputs.js';
import { writeReportFile, writeReportToStream } from './write-report.js';

/** Options exactly as commander parses them (camelCase of the flags). */
export interface ScanOptions {
  manifests?: string[];
  /** Namespace for namespaced manifests without metadata.namespace (`kubectl apply -n`). */
  namespace?: string;
  meshConfig?: string;
  aksCluster?: string;
  meshRevisionProfile?: string;
  istioVersion?: string;
  /** A file, or false for `--no-config` (no file at all, not even a discovered one). */
  config?: string | false;
  format?: string;
  /** Every `--output` in order: FILE or FORMAT=FILE. */
  output?: string[];
  failOn?: string;
  writeFixes?: string;
  kubeconfig?: string;
  context?: string;
  allContexts?: boolean;
  azure?: boolean;
  subscription?: string[];
  resourceGroup?: string[];
  sendToLogAnalytics?: boolean;
  /** `--tenant` values as given (comma-separated lists, repeatable). */
  tenant?: string[];
  /** `--against FILE` (a saved snapshot) or `--against` alone (the live cluster of --kubeconfig/--context). */
  against?: string | true;
  /** Manifest files or folders whose objects the change deletes. */
  removed?: string[];
  /** Objects the change deletes: Kind/namespace/name, or @FILE with one a line. */
  removedObject?: string[];
  /** A previous JSON report: gate only on findings not in it. */
  baseline?: string;
  /** Accept a partial scan (some kinds or manifest files unreadable) instead of failing with exit code 2. */
  allowIncomplete?: boolean;
  /** No progress on stderr (errors, warnings and notes still go there). */
  quiet?: boolean;
  /** Name of the cluster offline manifests describe (finding ids include it). */
  clusterName?: string;
}

/** A cluster to evaluate, with the reason it could not be scanned when it failed. */
interface ClusterInput {
  snapshot: ClusterSnapshot;
  failure?: string;
}

type Source = 'manifests' | 'kubeconfig' | 'azure' | 'demo' | 'change';

function chooseSource(options: ScanOptions): Source {
  if ((options.removed?.length || options.removedObject?.length) && options.against === undefined) throw new UsageError('--removed and --removed-object describe a change: use them with --against');
  if (options.against !== undefined) return chooseChangeSource(options);
  const chosen: Source[] = [];
  if (options.manifests?.length) chosen.push('manifests');
  if (options.kubeconfig || options.context || options.allContexts) chosen.push('kubeconfig');
  if (options.azure || options.subscription?.length || options.resourceGroup?.length) chosen.push('azure');
  if (chosen.length > 1) throw new UsageError(`choose one input: --manifests, --kubeconfig or --azure (got ${chosen.map((s) => `--${s}`).join(' and ')})`);
  if (options.context && options.allContexts) throw new UsageError('--context and --all-contexts exclude each other');
  const source = chosen[0] ?? 'demo';
  // Side inputs describe the scanned cluster. The demo brings its own, and a fleet scan reads
  // them from ARM and each cluster: accepting them there would silently ignore them.
  const sideInputs = (['meshConfig', 'aksCluster', 'meshRevisionProfile'] as const).filter((option) => options[option] !== undefined).map(flagOf);
  if (sideInputs.length > 0 && source === 'demo') {
    throw new UsageError(`${sideInputs.join(' and ')} describe${sideInputs.length === 1 ? 's' : ''} the cluster being scanned: give manifests (paths or --manifests) or --kubeconfig too; the bundled demo does not use ${sideInputs.length === 1 ? 'it' : 'them'}`);
  }
  if (sideInputs.length > 0 && source === 'azure') {
    throw new UsageError(`${sideInputs.join(' and ')} cannot be used with --azure: a fleet scan reads them from ARM and from each cluster`);
  }
  return source;
}

/** `meshConfig` -> `--mesh-config`. */
function flagOf(option: keyof ScanOptions): string {
  return `--${option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** `--against`: the scanned manifests are a change on top of a saved snapshot or a live cluster. */
function chooseChangeSource(options: ScanOptions): Source {
  if (options.baseline) throw new UsageError('--against and --baseline are two ways to compare: use one');
  if (options.azure || options.subscription?.length || options.resourceGroup?.length || options.allContexts) throw new UsageError('--against compares a change with one cluster: not with --azure or --all-contexts');
  const live = Boolean(options.kubeconfig || options.context);
  if (options.against === true && !live) throw new UsageError('--against needs a base: a saved snapshot (--against cluster.json) or a live cluster (--against with --kubeconfig FILE and/or --context NAME)');
  if (typeof options.against === 'string' && live) throw new UsageError(`--against ${options.against} and --kubeconfig/--context both name a base cluster: use one`);
  if (!options.manifests?.length && !options.removed?.length && !options.removedObject?.length) throw new UsageError('--against needs the change: manifests (paths or --manifests), --removed or --removed-object');
  return 'change';
}

function parseVersionOption(text: string | undefined, source: string): IstioVersion | undefined {
  if (text === undefined) return undefined;
  const version = parseIstioVersion(text, source);
  if (!version) throw new UsageError(`${source} must look like 1.24 or 1.24.3 (got "${text}")`);
  return version;
}

/**
 * The configuration of a run, by precedence: `--config FILE`; none with `--no-config`; the
 * bundled demo's own file for demo scans; else the nearest `.istio-isolation-scanner.yaml`
 * from the working directory up to the repository root (docs/configuration.md); else defaults.
 */
async function loadConfig(options: ScanOptions, source: Source, io: CliIo): Promise<{ config: ScannerConfig; path?: string }> {
  const cwd = io.cwd;
  if (options.config === false) return { config: defaultConfig() };
  let path = options.config ? resolve(cwd, options.config) : undefined;
  if (!path && source === 'demo') {
    const demoConfig = join(demoFleetDir(), 'scanner-config.yaml');
    if (existsSync(demoConfig)) path = demoConfig;
  }
  if (!path) {
    path = discoverConfigFile(cwd);
    if (path) io.stderr(`Using configuration ${relative(cwd, path) || path} (found without --config; --no-config ignores it).\n`);
  }
  if (!path) return { config: defaultConfig() };
  // Loaded only with a configuration file (it compiles its schema with ajv): start-up.
  const { loadScannerConfig } = await import('../config/load.js');
  try {
    return { config: await loadScannerConfig(path, { knownRuleIds: ALL_RULES.map((rule) => rule.meta.id) }), path };
  } catch (error) {
    throw new UsageError(`cannot use configuration ${path}: ${(error as Error).message}`);
  }
}

async function liveClusters(options: ScanOptions, config: ScannerConfig, versions: { explicit?: IstioVersion; fallback?: IstioVersion }, io: CliIo): Promise<ClusterInput[]> {
  const [{ snapshotsFromKubeconfig, KubeConfigError }, { defaultKubeConfigSource }] = await Promise.all([import('../snapshot/live/index.js'), import('../access/kube-config.js')]);
  // Without any kubeconfig the library would invent a context for http://localhost:8080.
  if (!options.kubeconfig && !defaultKubeConfigSource(io.env)) {
    throw new UsageError(`${options.allContexts ? '--all-contexts' : options.context ? '--context' : 'a live scan'} needs a kubeconfig: --kubeconfig was not given, KUBECONFIG is not set and ~/.kube/config does not exist`);
  }
  // ARM data describes one cluster; applying it to every context would mislabel the others.
  if (options.allContexts && (options.aksCluster || options.meshRevisionProfile)) {
    throw new UsageError('--aks-cluster and --mesh-revision-profile describe one cluster: use them with --context (or the current context), not --all-contexts');
  }
  const sideInputs = readSideInputs(options, io.cwd);
  const progress = progressFor(io, options.quiet);
  try {
    const snapshots = await snapshotsFromKubeconfig({
      ...sideInputs,
      kubeconfigPath: options.kubeconfig,
      context: options.context,
      allContexts: options.allContexts,
      istioVersion: versions.explicit,
      fallbackIstioVersion: versions.fallback,
      onProgress: progress.live,
      onRetry: progress.retry,
      ...(config.maxApiResponseMiB ? { http: { maxResponseBytes: config.maxApiResponseMiB * 1024 * 1024 } } : {}),
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
  const progress = progressFor(io, options.quiet);
  try {
    return await scanFleetFromCli({ subscriptions: options.subscription ?? [], resourceGroups: options.resourceGroup ?? [], config, scanId, onProgress: progress.fleet, onRetry: progress.retry });
  } catch (error) {
    throw new UsageError(`fleet scan failed: ${(error as Error).message}`);
  } finally {
    progress.finish();
  }
}

interface SideInputs {
  meshConfigDocument?: Record<string, unknown>;
  aksCluster?: Record<string, unknown>;
  meshRevisionProfile?: ClusterSnapshot['meshRevisionProfile'];
}

/** `--mesh-config`, `--aks-cluster`, `--mesh-revision-profile`; an unreadable one is a usage error. */
function readSideInputs(options: ScanOptions, cwd: string): SideInputs {
  try {
    return {
      meshConfigDocument: options.meshConfig ? readMeshConfigFile(resolve(cwd, options.meshConfig)) : undefined,
      aksCluster: options.aksCluster ? readDocumentFile(resolve(cwd, options.aksCluster), 'AKS cluster') : undefined,
      meshRevisionProfile: options.meshRevisionProfile ? readMeshRevisionProfileFile(resolve(cwd, options.meshRevisionProfile)) : undefined,
    };
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(error.message);
    throw error;
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
    const flag = flagOf(option);
    notes.push(`note: ${relative(cwd, file) || file} was read only for Kubernetes objects (as kubectl apply would); pass it with ${flag} to use it.`);
  }
  return notes;
}

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function offlineClusters(options: ScanOptions, source: 'manifests' | 'demo', versions: { explicit?: IstioVersion; fallback?: IstioVersion }, io: CliIo, stdin?: Buffer): ClusterInput[] {
  const cwd = io.cwd;
  try {
    if (source === 'demo') {
      return loadDemoFleet({ istioVersion: versions.explicit, fallbackIstioVersion: versions.fallback, baseDir: cwd, defaultNamespace: options.namespace }).map(({ snapshot }) => ({ snapshot }));
    }
    const progress = progressFor(io, options.quiet);
    let offline: ReturnType<typeof snapshotFromManifests>;
    try {
      offline = snapshotFromManifests(
        // `-` is standard input (`helm template ... | istio-isolation-scanner scan -`).
        options.manifests!.map((p) => (p === '-' ? p : resolve(cwd, p))),
        {
          ...readSideInputs(options, cwd),
          clusterName: options.clusterName,
          istioVersion: versions.explicit,
          fallbackIstioVersion: versions.fallback,
          baseDir: cwd,
          defaultNamespace: options.namespace,
          stdin,
          onFile: progress.files,
        },
      );
    } finally {
      progress.finish();
    }
    for (const note of sideFileNotes(offline.sideFiles, options, cwd)) io.stderr(`${note}\n`);
    if (offline.notEvaluatedKinds.size > 0 && SNAPSHOT_KINDS.every((kind) => offline.snapshot.objects[kind].length === 0)) {
      const kinds = [...offline.notEvaluatedKinds].map(([kind, count]) => `${count} ${kind}`).join(', ');
      io.stderr(`note: the manifests hold only kinds the scanner does not evaluate (${kinds}); nothing in them can be checked for isolation.\n`);
    }
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

/** Renders every requested output; standard output last, so notes on stderr come first. */
async function writeOutputs(report: ScanReport, targets: OutputTarget[], context: Omit<RenderContext, 'color'>, io: CliIo): Promise<void> {
  const ordered = [...targets.filter((target) => target.path !== STDOUT), ...targets.filter((target) => target.path === STDOUT)];
  for (const target of ordered) {
    const render = await reportFormat(target.format)!.load();
    const toStdout = target.path === STDOUT;
    const toTerminal = toStdout && target.format === 'table';
    const rendered = await render(report, { ...context, color: toTerminal && io.isTty, width: toTerminal ? io.columns : undefined });
    if (toStdout) await writeReportToStream(rendered, io.stdout);
    else {
      await writeReportFile(target.absolutePath!, rendered);
      io.stderr(`Wrote the ${target.format} report to ${target.path}\n`);
    }
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

/**
 * Every file this scan reads, so no output lands on one: manifests, side files, the
 * configuration and the kubeconfig (the bundled demo folder for demo scans).
 */
function scanInputsOf(options: ScanOptions, source: Source, cwd: string, configPath: string | undefined): ScanInputs {
  const inputs: ScanInputs = { files: [], folders: [] };
  const add = (path: string | undefined) => {
    if (!path || path === '-') return;
    const absolute = resolve(cwd, path);
    let isFolder = false;
    try {
      isFolder = statSync(absolute).isDirectory();
    } catch {
      // Missing inputs are reported by their readers; a file that does not exist cannot be overwritten.
    }
    (isFolder ? inputs.folders : inputs.files).push(absolute);
  };
  for (const path of [...(options.manifests ?? []), ...(options.removed ?? [])]) add(path);
  if (source === 'demo') add(demoFleetDir());
  // A baseline overwritten by the new report would silently accept every finding it holds.
  const against = typeof options.against === 'string' ? options.against : undefined;
  for (const path of [options.meshConfig, options.aksCluster, options.meshRevisionProfile, configPath, options.kubeconfig, against, options.baseline]) add(path);
  for (const entry of options.removedObject ?? []) if (entry.startsWith('@')) add(entry.slice(1));
  return inputs;
}

/**
 * Fix folders per cluster when several are scanned: the cluster (or kubeconfig context) name
 * made safe as one folder name, unique even when two clusters share a name.
 */
function fixFolderNames(inputs: ClusterInput[], safeSegment: (part: string) => string): string[] {
  if (inputs.length === 1) return [''];
  const used = new Set<string>();
  return inputs.map(({ snapshot }, index) => {
    let name = safeSegment(snapshot.cluster.name);
    if (used.has(name)) name = safeSegment(`${snapshot.cluster.name}#${snapshot.cluster.resourceId ?? index}`);
    used.add(name);
    return name;
  });
}

async function writeFixFiles(inputs: ClusterInput[], results: ClusterScanResult[], dir: string, io: CliIo): Promise<void> {
  const { buildFixManifests, renderFixFile, safeSegment, writeFixTree } = await import('../report/fixes.js');
  const folders = fixFolderNames(inputs, safeSegment);
  const perCluster = inputs.map((input, index) =>
    buildFixManifests(results[index]!.findings, input.snapshot).map((file) => ({ path: folders[index] ? join(folders[index], file.path) : file.path, text: renderFixFile(file) })),
  );
  let removed: string[];
  try {
    ({ removed } = writeFixTree(dir, perCluster.flat()));
  } catch (error) {
    throw new UsageError(`cannot write fix manifests to ${dir}: ${describeFsError(error)}`);
  }
  for (const [index, input] of inputs.entries()) {
    io.stderr(`Wrote ${perCluster[index]!.length} fix manifest(s) for ${printable(input.snapshot.cluster.name)} to ${folders[index] ? join(dir, folders[index]) : dir}\n`);
  }
  if (removed.length > 0) io.stderr(`Removed ${removed.length} fix manifest(s) an earlier run wrote for objects that no longer need a fix.\n`);
}

/** Text from outside (cluster names, API errors) on one stderr line: no control characters, no line breaks. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

/**
 * What the gate says about coverage: a cluster that could not be read fails the run; one read
 * only in part fails it too unless --allow-incomplete accepts that. One stderr line each.
 * Returns why the run cannot pass, if it cannot.
 */
function coverageVerdict(results: ClusterScanResult[], allowIncomplete: boolean, io: CliIo): string[] {
  let failed = 0;
  let partial = 0;
  for (const result of results) {
    const { record } = result;
    const name = printable(record.cluster.name);
    // Failed, skipped by policy (no Entra ID) or read only in part: not seen, so the gate cannot pass it.
    const blocked = coverageBlock(result, allowIncomplete);
    if (blocked && record.status === 'partial') {
      io.stderr(`error: cluster ${name} ${printable(blocked)}; what was not read is unknown, not passed (--allow-incomplete accepts a partial scan)\n`);
      partial += 1;
    } else if (blocked) {
      io.stderr(`error: cluster ${name} ${printable(blocked)}\n`);
      failed += 1;
    } else if (record.status === 'partial') {
      io.stderr(`warning: cluster ${name} was read only in part (${printable(record.error)}); accepted with --allow-incomplete\n`);
    }
  }
  return [failed > 0 ? `${failed} cluster(s) could not be scanned` : '', partial > 0 ? `${partial} cluster(s) read only in part` : ''].filter(Boolean);
}

/** Uploads every cluster's result, one failure not stopping the others. Returns the clusters not delivered. */
async function sendAll(sink: ResultSink, results: ClusterScanResult[], io: CliIo): Promise<string[]> {
  const undelivered: string[] = [];
  for (const result of results) {
    const name = printable(result.record.cluster.name);
    try {
      await sink.upload(result);
      io.stderr(`Sent ${result.findings.length} finding(s) and the scan record of ${name} to Log Analytics.\n`);
    } catch (error) {
      undelivered.push(name);
      io.stderr(`error: the results of cluster ${name} were not delivered to Log Analytics: ${printable((error as Error).message ?? String(error))}\n`);
    }
  }
  if (undelivered.length > 0) io.stderr(`error: ${undelivered.length} of ${results.length} cluster(s) not delivered to Log Analytics: ${undelivered.join(', ')}\n`);
  return undelivered;
}

async function readStandardInput(io: CliIo): Promise<Buffer> {
  try {
    return await (io.readStdin ?? ((limit: number) => readStreamBounded(process.stdin, limit)))(MAX_JSON_FILE_BYTES);
  } catch (error) {
    throw new UsageError(`cannot read standard input (-): ${(error as Error).message}`);
  }
}

/** Runs one scan and returns the process exit code. Throws UsageError for exit code 2. */
export async function runScan(options: ScanOptions, io: CliIo): Promise<number> {
  const targets = parseOutputTargets(options.output ?? [], options.format, io.cwd);
  const source = chooseSource(options);
  // Fail before a long scan, not after it, when a report cannot be written.
  for (const target of targets) {
    if (target.absolutePath && existsSync(target.absolutePath) && statSync(target.absolutePath).isDirectory()) {
      throw new UsageError(`--output ${target.path} is a directory; give a file name, e.g. ${join(target.path, `report.${reportFormat(target.format)!.extension}`)}`);
    }
  }
  // The bundled demo is a showcase, not a gate: unless --fail-on is given it never fails on findings.
  const failOn: FailOn = options.failOn ? parseFailOn(options.failOn) : source === 'demo' ? 'none' : 'high';
  const explicitVersion = parseVersionOption(options.istioVersion, '--istio-version');
  const { config, path: configPath } = await loadConfig(options, source, io);
  // Outputs must never land on what the scan reads; say so before scanning.
  const scanInputs = scanInputsOf(options, source, io.cwd, configPath);
  for (const target of targets) if (target.absolutePath) checkOutputTarget(target.absolutePath, scanInputs);
  if (options.writeFixes) checkFixFolder(resolve(io.cwd, options.writeFixes), scanInputs);
  const fallbackVersion = parseVersionOption(config.istioVersion, `istioVersion in ${configPath ?? 'configuration'}`);
  // An expired suppression silently re-opening findings would surprise; say so up front.
  for (const warning of expiredSuppressions(config)) io.stderr(`warning: ${warning}\n`);
  const scanId = randomUUID();
  const sink = options.sendToLogAnalytics ? await logAnalyticsSink(io.env) : undefined;

  const tenants = tenantPatterns(options, config, configPath);
  // A rendered chart for one tenant namespace belongs in it, as `kubectl apply -n team-a` would put it.
  const soleTenant = tenants.length === 1 && DNS_1123_LABEL.test(tenants[0]!) ? tenants[0] : undefined;
  const scanOptions: ScanOptions = { ...options, namespace: options.namespace ?? soleTenant };
  if (scanOptions.namespace !== undefined && !DNS_1123_LABEL.test(scanOptions.namespace)) throw new UsageError(`--namespace must be a Kubernetes namespace name (DNS-1123 label), got "${scanOptions.namespace}"`);
  const baseline = options.baseline ? await readBaseline(resolve(io.cwd, options.baseline), options.baseline) : undefined;

  let inputs: ClusterInput[];
  let change: ChangeRun | undefined;
  const versions = { explicit: explicitVersion, fallback: fallbackVersion };
  if (source === 'change') {
    const { loadChange } = await import('./change.js');
    change = await loadChange(
      { manifests: scanOptions.manifests ?? [], against: scanOptions.against!, removed: scanOptions.removed ?? [], removedObjects: scanOptions.removedObject ?? [], defaultNamespace: scanOptions.namespace, stdin: scanOptions.manifests?.includes('-') ? await readStandardInput(io) : undefined, istioVersion: explicitVersion, fallbackIstioVersion: fallbackVersion, ...readSideInputs(scanOptions, io.cwd) },
      async () => (await liveClusters(scanOptions, config, versions, io))[0]!.snapshot,
      io,
    );
    inputs = [{ snapshot: change.changed }];
  } else if (source === 'kubeconfig') inputs = await liveClusters(scanOptions, config, versions, io);
  else if (source === 'azure') inputs = await fleetClusters(scanOptions, config, scanId, io);
  else inputs = offlineClusters(scanOptions, source, versions, io, scanOptions.manifests?.includes('-') ? await readStandardInput(io) : undefined);
  if (inputs.length === 0) throw new UsageError('no cluster to scan');

  let results = inputs.map(({ snapshot, failure }) => scanSnapshot(snapshot, config, { scanId, startedAt: Date.now(), failure }));
  if (change) {
    const before = scanSnapshot(change.base, config, { scanId, startedAt: Date.now() });
    results = results.map((result) => withComparison(result, before.findings, change.against, 'change'));
  }
  if (baseline) results = results.map((result) => compareWithBaseline(result, baseline, `baseline ${options.baseline}`, io));
  if (tenants.length > 0) {
    results = results.map((result, index) => applyTenantScope(result, { tenants, rootNamespace: inputs[index]!.snapshot.meshConfig.rootNamespace, comparing: change !== undefined }));
    if (source === 'manifests') warnAboutObjectsOutsideTenants(inputs[0]!.snapshot, tenants, io);
  }
  const report: ScanReport = { scanId, scanner: { version: SCANNER_VERSION }, clusters: results, failOn, allowIncomplete: Boolean(options.allowIncomplete) };

  if (options.writeFixes) await writeFixFiles(inputs, results, resolve(io.cwd, options.writeFixes), io);

  await writeOutputs(report, targets, { failOn, docsBaseUrl: repositoryUrl(), cwd: io.cwd, sarif: { srcRoot: repositoryRoot(io.cwd) ?? io.cwd, anchors: sarifAnchors(results, configPath, change?.snapshotPath, io.cwd) }, warn: (message) => io.stderr(`warning: ${message}\n`) }, io);

  const undelivered = sink ? await sendAll(sink, results, io) : [];
  const cannotPass = [...coverageVerdict(results, Boolean(options.allowIncomplete), io), ...(undelivered.length > 0 ? [`${undelivered.length} cluster(s) not delivered to Log Analytics`] : [])];

  const failing = failingFindings(report, failOn);
  if (source === 'demo' && !options.failOn) io.stderr('Scanned the bundled demo fleet (no --manifests, --kubeconfig or --azure given); demo scans use --fail-on none unless told otherwise.\n');
  else if (failing.length > 0) io.stderr(`${failing.length} unsuppressed finding(s) at or above ${failOn}${cannotPass.length > 0 ? '' : ': exit code 1'}.\n`);
  // A gate that could not see (or could not deliver) never passes, whatever the findings say.
  if (cannotPass.length > 0) {
    io.stderr(`Exit code ${EXIT_INCOMPLETE}: ${cannotPass.join('; ')}.\n`);
    return EXIT_INCOMPLETE;
  }
  return failing.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/**
 * Files a SARIF result without a manifest line points at (GitHub needs one for every
 * result), best first: the configuration in use, the cluster snapshot, the first scanned manifest.
 */
function sarifAnchors(results: ClusterScanResult[], configPath: string | undefined, snapshotPath: string | undefined, cwd: string): Array<{ path: string; role: string }> {
  const anchors: Array<{ path: string; role: string }> = [];
  if (configPath) anchors.push({ path: configPath, role: 'the scanner configuration' });
  if (snapshotPath) anchors.push({ path: snapshotPath, role: 'the cluster snapshot the change was compared with' });
  const firstManifest = results.flatMap((result) => result.findings).find((finding) => finding.source && finding.source.file !== '-' && !finding.source.file.startsWith('<'))?.source?.file;
  if (firstManifest) anchors.push({ path: resolve(cwd, firstManifest), role: 'the first scanned manifest file' });
  return anchors;
}


/** `--tenant` (comma lists, repeatable), else the configuration's `tenant`; checked names or globs. */
function tenantPatterns(options: ScanOptions, config: ScannerConfig, configPath: string | undefined): string[] {
  const fromFlag = options.tenant?.length ? splitTenantList(options.tenant) : undefined;
  const patterns = fromFlag ?? config.tenant ?? [];
  const where = fromFlag ? '--tenant' : `tenant in ${configPath ?? 'the configuration'}`;
  for (const pattern of patterns) {
    if (!/^[a-z0-9*?[\]{},!-]+$/.test(pattern)) throw new UsageError(`${where}: "${pattern}" is not a namespace name or glob (lowercase letters, digits, -, and * ? [ ] { } ,)`);
  }
  return patterns;
}

/** A tenant folder with objects in other namespaces: they are not judged as the tenant's, so say so. */
function warnAboutObjectsOutsideTenants(snapshot: ClusterSnapshot, tenants: string[], io: CliIo): void {
  const isTenant = tenantMatcher(tenants);
  const outside = SNAPSHOT_KINDS.flatMap((kind) => snapshot.objects[kind]).filter((object) => object.source && object.metadata.namespace && !isTenant(object.metadata.namespace));
  if (outside.length === 0) return;
  const named = outside.slice(0, 5).map((object) => `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`).join(', ');
  io.stderr(`warning: ${outside.length} scanned object(s) are outside the tenant namespaces (${tenants.join(', ')}): ${named}${outside.length > 5 ? ', ...' : ''}. Findings about them are left out; give their namespace with --tenant or --namespace to judge them.\n`);
}

/** A JSON report of the largest fleets is a few hundred MB (as a saved snapshot; saved.ts is not loaded here for start-up). */
const MAX_BASELINE_BYTES = 512 * 1024 * 1024;

async function readBaseline(path: string, shownAs: string): Promise<Map<string, Finding[]>> {
  // Loaded only with --baseline (it compiles its schema with ajv): start-up.
  const { BaselineError, parseBaselineReport } = await import('../report/baseline.js');
  let text: string;
  try {
    text = readTextBounded(path, MAX_BASELINE_BYTES);
  } catch (error) {
    throw new UsageError(`cannot read --baseline ${shownAs}: ${describeFsError(error)}`);
  }
  try {
    return parseBaselineReport(text, shownAs);
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(`--baseline: ${error.message}`);
    throw error;
  }
}

/** The cluster's findings compared with the baseline's cluster of the same name (findings.md FindingId includes the cluster). */
function compareWithBaseline(result: ClusterScanResult, baseline: Map<string, Finding[]>, against: string, io: CliIo): ClusterScanResult {
  const name = result.record.cluster.name;
  const before = baseline.get(name);
  if (!before) io.stderr(`warning: the baseline has no cluster named ${name} (it has ${[...baseline.keys()].join(', ') || 'none'}): every finding of ${name} is new.\n`);
  return withComparison(result, before ?? [], against, 'baseline');
}
