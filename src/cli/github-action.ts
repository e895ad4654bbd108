/**
 * The GitHub Action (action.yml, `runs.using: node24`): runs one scan with the action's
 * inputs and turns its reports into what a workflow shows:
 *  - the markdown report appended to the job summary ($GITHUB_STEP_SUMMARY);
 *  - annotations on the changed files: an error per finding that fails the gate, warnings
 *    and notices for the others (GitHub shows 10 of each per step, so the rest are counted);
 *  - the SARIF file for github/codeql-action/upload-sarif, and step outputs ($GITHUB_OUTPUT);
 *  - the exit code of the scan (1 fails the step when findings fail the gate, 2 on errors).
 * It is the CLI underneath (same options, same reports), so a workflow and a laptop agree.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { JsonFinding, JsonReport } from '../report/json.js';
import { EXIT_USAGE } from './exit-codes.js';
import type { CliIo } from './io.js';
import { runCli } from './program.js';

/** GitHub shows at most this many annotations of each level per step. */
export const ANNOTATIONS_PER_LEVEL = 10;

/** An input as GitHub passes it: INPUT_<NAME>, upper case, spaces as underscores (hyphens stay). */
export function actionInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Several values: one per line, or separated by spaces on one line. */
export function inputList(value: string): string[] {
  const lines = value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  return lines.length === 1 ? lines[0]!.split(/\s+/) : lines;
}

/** Workflow-command escaping (the runner's escapeData / escapeProperty). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

type Level = 'error' | 'warning' | 'notice';

function levelOf(finding: JsonFinding): Level | undefined {
  if (finding.suppressed) return undefined;
  if (finding.failsGate) return 'error';
  if (finding.scope === 'context' || finding.baselineState === 'unchanged') return 'notice';
  return finding.severity === 'critical' || finding.severity === 'high' || finding.severity === 'medium' ? 'warning' : 'notice';
}

const LEVEL_ORDER: Level[] = ['error', 'warning', 'notice'];

/**
 * `::error file=...,line=...,title=...::message` lines, failing findings first, at most
 * ANNOTATIONS_PER_LEVEL per level, and a notice counting the rest. A file is named only when
 * it lies in the workspace (annotations elsewhere cannot be shown on the pull request).
 */
export function annotationCommands(report: JsonReport, cwd: string, workspace: string): string[] {
  const candidates = report.clusters.flatMap((cluster) => cluster.findings.map((finding) => ({ cluster: cluster.cluster.name, finding, level: levelOf(finding) })));
  const lines: string[] = [];
  let left = 0;
  for (const level of LEVEL_ORDER) {
    const ofLevel = candidates.filter((candidate) => candidate.level === level);
    left += Math.max(0, ofLevel.length - ANNOTATIONS_PER_LEVEL);
    for (const { cluster, finding } of ofLevel.slice(0, ANNOTATIONS_PER_LEVEL)) {
      const properties: string[] = [`title=${escapeProperty(`${finding.ruleId} (${finding.severity})${finding.failsGate ? ' fails the gate' : ''}`)}`];
      if (finding.source && finding.source.file !== '-') {
        const inWorkspace = relative(workspace, resolve(cwd, finding.source.file));
        if (!inWorkspace.startsWith('..') && !isAbsolute(inWorkspace)) properties.unshift(`file=${escapeProperty(inWorkspace.split('\\').join('/'))}`, `line=${finding.source.line}`);
      }
      const where = finding.resource ? `${finding.resource.kind} ${finding.resource.namespace ? `${finding.resource.namespace}/` : ''}${finding.resource.name}` : finding.namespace || `cluster ${cluster}`;
      lines.push(`::${level} ${properties.join(',')}::${escapeData(`${finding.message} [${where}; ${finding.remediation}]`)}`);
    }
  }
  if (left > 0) lines.push(`::notice title=istio-isolation-scanner::${escapeData(`${left} more finding(s) are in the job summary and the SARIF report (GitHub shows ${ANNOTATIONS_PER_LEVEL} annotations of each level per step).`)}`);
  return lines;
}

/** The scan's command line, from the action's inputs. */
export function scanArguments(env: NodeJS.ProcessEnv, files: { json: string; markdown: string; sarif: string }): string[] {
  const args = ['scan', ...inputList(actionInput(env, 'paths') || '.')];
  const option = (flag: string, value: string) => (value ? [flag, value] : []);
  args.push(...option('--tenant', actionInput(env, 'tenant')));
  args.push(...option('--against', actionInput(env, 'against')));
  for (const removed of actionInput(env, 'removed') ? inputList(actionInput(env, 'removed')) : []) args.push('--removed', removed);
  args.push(...option('--baseline', actionInput(env, 'baseline')));
  args.push(...option('--config', actionInput(env, 'config')));
  args.push(...option('--namespace', actionInput(env, 'namespace')));
  args.push('--fail-on', actionInput(env, 'fail-on') || 'high');
  args.push('--output', `json=${files.json}`, '--output', `markdown=${files.markdown}`, '--output', `sarif=${files.sarif}`);
  return args;
}

export async function runGithubAction(env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const workspace = env.GITHUB_WORKSPACE || io.cwd;
  const cwd = resolve(workspace, actionInput(env, 'working-directory') || '.');
  const scratch = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'istio-isolation-scanner-'));
  const files = {
    json: join(scratch, 'report.json'),
    markdown: join(scratch, 'report.md'),
    sarif: resolve(cwd, actionInput(env, 'sarif-file') || 'istio-isolation-scanner.sarif'),
  };
  const args = scanArguments(env, files);
  io.stdout(`::group::istio-isolation-scanner ${args.join(' ')}\n`);
  const exitCode = await runCli(['node', 'istio-isolation-scanner', ...args], { ...io, cwd, isTty: false });
  io.stdout('::endgroup::\n');
  if (exitCode === EXIT_USAGE || !existsSync(files.json)) {
    io.stdout(`::error title=istio-isolation-scanner::${escapeData('The scan could not run (exit code 2); its error is in the log above.')}\n`);
    return exitCode === 0 ? EXIT_USAGE : exitCode;
  }
  const report = JSON.parse(readFileSync(files.json, 'utf8')) as JsonReport;
  for (const line of annotationCommands(report, cwd, workspace)) io.stdout(`${line}\n`);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, readFileSync(files.markdown, 'utf8'));
  if (env.GITHUB_OUTPUT) {
    const failing = report.gate?.failingFindings ?? 0;
    appendFileSync(env.GITHUB_OUTPUT, `sarif-file=${relative(workspace, files.sarif).split('\\').join('/')}\nfailing-findings=${failing}\nexit-code=${exitCode}\n`);
  }
  return exitCode;
}
