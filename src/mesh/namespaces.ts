import { matchesAnyGlob } from '../config/globs.js';
import type { ScannerConfig } from '../config/types.js';

/** Built-in system namespaces (rules.md "System namespaces"); globs. */
export const BUILTIN_SYSTEM_NAMESPACES = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'aks-istio-*',
  'istio-system',
  'gatekeeper-system',
  'kyverno',
  'calico-system',
  'tigera-operator',
  'app-routing-system',
];

export type NamespaceClass = 'system' | 'shared' | 'tenant';

/** Globs are compiled once per list (config/globs.ts), not once per namespace. */
function matchesAny(name: string, patterns: readonly string[]): boolean {
  return matchesAnyGlob(name, patterns);
}

/** Classifies a namespace. The root namespace is always system. */
export function classifyNamespace(name: string, rootNamespace: string, config: ScannerConfig): NamespaceClass {
  if (name === rootNamespace) return 'system';
  if (matchesAny(name, BUILTIN_SYSTEM_NAMESPACES) || matchesAny(name, config.systemNamespaces)) return 'system';
  if (matchesAny(name, config.sharedNamespaces)) return 'shared';
  if (config.tenantNamespaces.length > 0 && !matchesAny(name, config.tenantNamespaces)) return 'system';
  return 'tenant';
}
