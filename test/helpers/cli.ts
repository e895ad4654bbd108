/**
 * Runs the real command-line binary (bin/istio-isolation-scanner.js) as a user would: its own
 * process, a working directory, an environment, optional standard input. The same entry an
 * installed package exposes; in a checkout it runs the TypeScript sources.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const binPath = join(repoRoot, 'bin/istio-isolation-scanner.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to standard input, then closed; without it standard input is closed at once. */
  input?: string;
  /** Run this file instead of bin/istio-isolation-scanner.js (an installed copy, the action entry). */
  entry?: string;
}

export function runCommand(command: string, args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** The scanner binary with `args`, on this test run's Node (22). */
export function scanner(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  return runCommand(process.execPath, [options.entry ?? binPath, ...args], options);
}
