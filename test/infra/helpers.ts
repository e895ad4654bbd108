/**
 * Shared helpers of the infra tests: the repository's files, the Bicep CLI (through
 * scripts/bicep.sh, which restores the pinned NuGet package once) and walks over a
 * compiled ARM template.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function repoPath(relative: string): string {
  return join(repoRoot, relative);
}

export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

export function readRepoJson<T = unknown>(relative: string): T {
  return JSON.parse(readRepoFile(relative)) as T;
}

/** Runs scripts/bicep.sh; returns exit code and combined output instead of throwing. */
export function runBicepScript(args: string[]): { status: number; output: string } {
  try {
    const stdout = execFileSync('bash', [repoPath('scripts/bicep.sh'), ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: 0, output: stdout };
  } catch (error) {
    const failure = error as { status?: number; stdout?: string; stderr?: string };
    return { status: failure.status ?? 1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

const compiled = new Map<string, ArmTemplate>();

/** The ARM template the real Bicep CLI compiles from a .bicep file of the repository. */
export function compileBicep(relative: string): ArmTemplate {
  const cached = compiled.get(relative);
  if (cached) return cached;
  const result = runBicepScript(['build', relative]);
  if (result.status !== 0) throw new Error(`bicep build ${relative} failed:\n${result.output}`);
  // build prints the template on stdout; diagnostics (there are none on a clean tree) go to stderr.
  const template = JSON.parse(result.output.slice(result.output.indexOf('{'))) as ArmTemplate;
  compiled.set(relative, template);
  return template;
}

export type ArmTemplate = Record<string, unknown>;
export interface ArmResource {
  type: string;
  name?: unknown;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Every resource of the given type anywhere in a compiled template, nested module
 * deployments included (Bicep inlines modules as Microsoft.Resources/deployments).
 */
export function findResources(template: unknown, type: string): ArmResource[] {
  const found: ArmResource[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.toLowerCase() === type.toLowerCase() && 'properties' in record) {
      found.push(record as ArmResource);
    }
    Object.values(record).forEach(walk);
  };
  walk(template);
  return found;
}

/** Bicep literal of a JSON value, for writing .bicepparam files. */
function bicepLiteral(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(bicepLiteral).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([key, entry]) => `'${key}': ${bicepLiteral(entry)}`).join(', ')} }`;
  }
  throw new Error(`no Bicep literal for ${String(value)}`);
}

export interface DeploymentSnapshot {
  predictedResources: ArmResource[];
  diagnostics: unknown[];
  outputs?: Record<string, unknown>;
}

export interface SnapshotScope {
  subscriptionId?: string;
  /** With subscriptionId, for a resource-group-scoped template (a module on its own). */
  resourceGroup?: string;
  managementGroupId?: string;
  tenantId?: string;
  location?: string;
}

let snapshotCounter = 0;

/**
 * What a deployment of a .bicep file with these parameters would create, evaluated by the
 * Bicep CLI's `snapshot` command (every expression resolved except runtime references such
 * as a new identity's principal id). Lets tests check deployed values, not Bicep source.
 */
export function snapshotDeployment(template: string, params: Record<string, unknown>, scope: SnapshotScope): DeploymentSnapshot {
  const bicep = runBicepScript(['path']);
  if (bicep.status !== 0) throw new Error(`restoring the Bicep CLI failed:\n${bicep.output}`);
  const bicepBin = bicep.output.trim().split('\n').pop()!;
  // The .bicepparam must sit inside the repository: `using` takes a relative path.
  const dir = repoPath(`.tools/bicep/snapshots/${process.pid}-${++snapshotCounter}`);
  mkdirSync(dir, { recursive: true });
  try {
    const lines = [`using '${relative(dir, repoPath(template)).split(sep).join('/')}'`, ...Object.entries(params).map(([name, value]) => `param ${name} = ${bicepLiteral(value)}`)];
    writeFileSync(join(dir, 'deployment.bicepparam'), `${lines.join('\n')}\n`);
    const args = ['snapshot', 'deployment.bicepparam', '--mode', 'overwrite', '--tenant-id', scope.tenantId ?? '11111111-1111-1111-1111-111111111111', '--location', scope.location ?? 'westeurope'];
    if (scope.subscriptionId) args.push('--subscription-id', scope.subscriptionId);
    if (scope.resourceGroup) args.push('--resource-group', scope.resourceGroup);
    if (scope.managementGroupId) args.push('--management-group-id', scope.managementGroupId);
    try {
      execFileSync(bicepBin, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string };
      throw new Error(`bicep snapshot of ${template} failed:\n${failure.stdout ?? ''}${failure.stderr ?? ''}`, { cause: error });
    }
    return JSON.parse(readFileSync(join(dir, 'deployment.snapshot.json'), 'utf8')) as DeploymentSnapshot;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function resourcesOfType(snapshot: DeploymentSnapshot, type: string): ArmResource[] {
  return snapshot.predictedResources.filter((resource) => resource.type.toLowerCase() === type.toLowerCase());
}
