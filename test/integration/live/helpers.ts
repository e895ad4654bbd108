import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { defaultConfig } from '../../../src/config/types.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import type { Finding } from '../../../src/rules/types.js';
import type { ClusterSnapshot } from '../../../src/snapshot/types.js';
import type { LiveCollectionOptions } from '../../../src/snapshot/live/index.js';
import type { KubeApiServerDouble } from '../../doubles/kube-apiserver/index.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const DEMO_DIR = join(REPO_ROOT, 'demo');

export function kubeConfigOf(double: KubeApiServerDouble, contextName = 'double'): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions(double.kubeconfig(contextName));
  return kubeConfig;
}

/**
 * Short backoff so fault tests stay quick (the behaviour is the same). The request timeout
 * stays generous so a loaded test machine never causes a retry that would change the
 * request counts the tests assert; timeout tests set their own.
 */
export const FAST_HTTP: NonNullable<LiveCollectionOptions['http']> = { requestTimeoutMs: 10_000, baseBackoffMs: 5, maxBackoffMs: 50, maxAttempts: 4 };

/**
 * Findings without their file position: offline findings point at a file and line, live
 * objects have none. Everything else (ids, severities, messages, evidence) must match.
 */
export function comparableFindings(snapshot: ClusterSnapshot): Array<Omit<Finding, 'source'>> {
  return evaluateSnapshot(snapshot, defaultConfig())
    .map(({ source, ...finding }) => {
      if (!source) return finding;
      const { file: _file, line: _line, ...evidence } = finding.evidence;
      return { ...finding, evidence, message: finding.message.replace(` (${source.file}:${source.line})`, '') };
    })
    .sort((a, b) => a.findingId.localeCompare(b.findingId));
}

/** Raw manifests of `count` pods spread over `namespaces` namespaces. */
export function generatedPods(count: number, namespaces = 7): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${String(i).padStart(5, '0')}`, namespace: `tenant-${i % namespaces}`, labels: { app: `app-${i % 13}` } },
    spec: { containers: [{ name: 'app', image: 'ghcr.io/example/app:1.0.0' }] },
  }));
}
