/**
 * Which definition of a hostname a proxy uses (rules.md "Which definition of a host a proxy
 * uses"), read from Istio's source (docs/semantics.md "Host precedence"):
 *
 * Candidates reach a proxy of namespace N in the order of PushContext.servicesExportedToNamespace:
 * N's own private services, then services exported to N by name, then public ones (`*`
 * anywhere in exportTo makes a service public), each list oldest first.
 *
 * - Istio >= 1.24 (PILOT_UNIFIED_SIDECAR_SCOPE, istio/istio#51776), with or without a
 *   Sidecar: N's own namespace wins; else a Kubernetes Service beats a ServiceEntry; else
 *   the first candidate in the order above.
 * - Before 1.24, with a Sidecar (egressListener.selectServices): N's own namespace wins; else
 *   the first candidate in the order above. No preference for Kubernetes Services.
 * - Before 1.24, without a Sidecar (DefaultSidecarScopeForNamespace, appendSidecarServices):
 *   a Kubernetes Service beats everything; else the first candidate in the order above. N's
 *   own definition only wins when it is private: a public one competes by age.
 */
import type { IstioVersion } from '../snapshot/types.js';
import { compareByAge } from './accessors.js';
import type { ConfigObject } from './config-objects.js';
import { exportGroup } from './exportto.js';
import { hasHostPrecedence124 } from './version.js';

/** What decided the winner: anything but `age` is a precedence rule; `age` is a hijack window. */
export type DecidedBy = 'only-candidate' | 'own-namespace' | 'kubernetes-service' | 'export-group' | 'age';

export interface HostChoice {
  winner: ConfigObject;
  decidedBy: DecidedBy;
  /** The candidates that tied on every precedence rule and were ordered by age (when decidedBy is age). */
  tiedByAge: ConfigObject[];
}

export interface ProxyScopeInfo {
  /** True when the proxy's scope comes from a Sidecar resource; false for Istio's built-in default (no Sidecar). */
  sidecarDeclared: boolean;
}

function oldestFirst(configs: ConfigObject[]): ConfigObject[] {
  return [...configs].sort((a, b) => compareByAge(a.object, b.object));
}

function pick(group: ConfigObject[], reason: DecidedBy): HostChoice {
  const sorted = oldestFirst(group);
  if (sorted.length > 1) return { winner: sorted[0]!, decidedBy: 'age', tiedByAge: sorted };
  return { winner: sorted[0]!, decidedBy: reason, tiedByAge: [] };
}

/**
 * The first candidate in Istio's order for `namespace`: own private, then exported by name,
 * then public (each oldest first).
 */
function firstInExportOrder(namespace: string, candidates: ConfigObject[]): HostChoice {
  const group = (config: ConfigObject) => exportGroup(config.exportTo.scope, config.namespace, namespace);
  const ownPrivate = candidates.filter((config) => config.namespace === namespace && group(config) === 'private');
  if (ownPrivate.length > 0) return pick(ownPrivate, 'own-namespace');
  const named = candidates.filter((config) => config.namespace !== namespace && group(config) === 'private');
  if (named.length > 0) return pick(named, 'export-group');
  return pick(candidates, 'export-group');
}

/**
 * Chooses among definitions (ServiceEntries and Kubernetes Services) of one hostname that are
 * all visible to a proxy in `namespace`. Returns undefined for no candidates.
 */
export function chooseServiceDefinition(namespace: string, candidates: ConfigObject[], version: IstioVersion, proxy: ProxyScopeInfo): HostChoice | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return { winner: candidates[0]!, decidedBy: 'only-candidate', tiedByAge: [] };
  const services = candidates.filter((config) => config.kind === 'Service');
  const unified = hasHostPrecedence124(version);
  if (unified || proxy.sidecarDeclared) {
    const own = candidates.filter((config) => config.namespace === namespace);
    if (own.length > 0) return pick(own, 'own-namespace');
  }
  if ((unified || !proxy.sidecarDeclared) && services.length > 0) return pick(services, 'kubernetes-service');
  return firstInExportOrder(namespace, candidates);
}

/** VirtualServices on sidecars: own namespace, then named exports, then public ones, oldest first. */
export function chooseByExportGroup(namespace: string, candidates: ConfigObject[]): HostChoice | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return { winner: candidates[0]!, decidedBy: 'only-candidate', tiedByAge: [] };
  const own = candidates.filter((config) => config.namespace === namespace);
  if (own.length > 0) return pick(own, 'own-namespace');
  return firstInExportOrder(namespace, candidates);
}
