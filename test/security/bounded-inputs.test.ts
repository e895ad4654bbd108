/**
 * Every file a user names is read with a bound, whatever the file system says about its size:
 * `/dev/zero` (an endless device reporting size 0) given to any option that reads a file ends
 * with exit code 2 and a message naming the option and the limit, instead of reading until the
 * process runs out of memory. A hang would fail these tests by their time-out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { readBounded, readPrefix, InputTooLargeError } from '../../src/read-bounded.js';

let dir: string;
let manifests: string;
let snapshot: string;

async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), isTty: false, env: {}, cwd: dir };
  const status = await runCli(['node', 'istio-isolation-scanner', ...args], io);
  return { status, stdout, stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iis-bounded-'));
  manifests = join(dir, 'manifests');
  snapshot = join(dir, 'cluster.json');
  mkdirSync(manifests);
  writeFileSync(join(manifests, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n');
  const saved = await cli(['snapshot', manifests, '--output', snapshot]);
  expect(saved.status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('options that read a file, given an endless device', () => {
  it.each([
    [['--against', '/dev/zero'], /^error: snapshot \/dev\/zero is too large: more than 536870912 bytes/m],
    [['--config', '/dev/zero'], /^error: .*configuration file \/dev\/zero: more than 4194304 bytes/m],
    [['--baseline', '/dev/zero'], /^error: cannot read --baseline \/dev\/zero: more than 536870912 bytes/m],
    [['--mesh-config', '/dev/zero'], /^error: mesh config \/dev\/zero is too large: more than 33554432 bytes/m],
    [['--aks-cluster', '/dev/zero'], /^error: AKS cluster \/dev\/zero is too large/m],
    [['--mesh-revision-profile', '/dev/zero'], /^error: mesh revision profile \/dev\/zero is too large/m],
  ])('scan %j exits 2 naming the limit', async (options, message) => {
    const { status, stderr, stdout } = await cli(['scan', manifests, ...options]);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('--removed-object @/dev/zero with a saved snapshot exits 2 naming the list', async () => {
    const { status, stderr } = await cli(['scan', manifests, '--against', snapshot, '--removed-object', '@/dev/zero']);
    expect(status).toBe(2);
    expect(stderr).toMatch(/cannot read --removed-object list \/dev\/zero: more than 16777216 bytes/);
  });
});

describe('readBounded and readPrefix', () => {
  it('reads a file within the limit and refuses one beyond it, regular or not', () => {
    const file = join(dir, 'ten.txt');
    writeFileSync(file, '0123456789');
    expect(readBounded(file, 10).toString()).toBe('0123456789');
    expect(() => readBounded(file, 9)).toThrow(InputTooLargeError);
    expect(() => readBounded('/dev/zero', 1024)).toThrow(InputTooLargeError);
    expect(readPrefix(file, 4).toString()).toBe('0123');
    expect(readPrefix(file, 40).toString()).toBe('0123456789');
    expect(readPrefix('/dev/zero', 3)).toEqual(Buffer.alloc(3));
  });
});
