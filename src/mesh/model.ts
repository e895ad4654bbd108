import type { ScannerConfig } from '../config/types.js';
import type { ClusterSnapshot } from '../snapshot/types.js';
import { classifyNamespace, type NamespaceClass } from './namespaces.js';

/**
 * The semantic model shared by all rules of one snapshot: computed once, read by many.
 * Heavier parts (import graph, host index) are built lazily on first use so that a run
 * with only platform rules does not pay for them.
 */
export class MeshModel {
  readonly namespaceClass = new Map<string, NamespaceClass>();

  constructor(
    readonly snapshot: ClusterSnapshot,
    readonly config: ScannerConfig,
  ) {
    for (const name of snapshot.namespaces.keys()) {
      this.namespaceClass.set(name, classifyNamespace(name, snapshot.meshConfig.rootNamespace, config));
    }
  }

  classOf(namespace: string): NamespaceClass {
    return this.namespaceClass.get(namespace) ?? classifyNamespace(namespace, this.snapshot.meshConfig.rootNamespace, this.config);
  }

  isTenant(namespace: string): boolean {
    return this.classOf(namespace) === 'tenant';
  }

  tenantNamespaces(): string[] {
    return [...this.namespaceClass].filter(([, cls]) => cls === 'tenant').map(([name]) => name).sort();
  }
}

export function buildMeshModel(snapshot: ClusterSnapshot, config: ScannerConfig): MeshModel {
  return new MeshModel(snapshot, config);
}
