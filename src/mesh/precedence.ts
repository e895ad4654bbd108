/**
 * Which definition of a hostname a proxy uses (rules.md "Which definition of a host a proxy
 * uses"), read from Istio's source (docs/semantics.md "Host precedence"):
 *
 * Services and ServiceEntries reach a proxy of namespace N in the order of
 * PushContext.servicesExportedToNamespace: N's own private services, then services exported
 * to N by name, then public ones (`*` anywhere in exportTo makes a service public), each list
 * oldest first.
 *
 * - Istio >= 1.24 (PILOT_UNIFIED_SIDECAR_SCOPE, istio/istio#51776; istiod may set it off, read by
 *   istiod-flags.ts hostPrecedenceMode), with or without a
 *   Sidecar: N's own namespace wins; else a Kubernetes Service beats a ServiceEntry; else
 *   the first candidate in the order above.
 * - Before 1.24, with a Sidecar (egressListener.selectServices): N's own namespace wins; else
 *   the first candidate in the order above. No preference for Kubernetes Services.
 * - Before 1.24, without a Sidecar (DefaultSidecarScopeForNamespace, appendSidecarServices):
 *   a Kubernetes Service beats everything; else the first candidate in the order above. N's
 *   own definition only wins when it is private: a public one competes by age.
 *
 * VirtualServices on sidecars are never merged: SelectVirtualServices (virtualservice.go)
 * lists the ones private to N (exportTo `.` or N's own name, without `*`), then those
 * exported to N by name, then public ones (push_context.go initVirtualServices), each oldest
 * first (MergedVirtualServices sorts by creation time); the first to claim a domain wins
 * (httproute.go BuildSidecarOutboundVirtualHosts drops later duplicates). A public VirtualService
 * of N's own namespace has no preference over another namespace's public one: only Gateway API
 * routes get that (VirtualServicesForGateway, UseGatewaySemantics). Same in every version.
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
  /** PILOT_UNIFIED_SIDECAR_SCOPE in force (istiod-flags.ts hostPrecedenceMode); by default, from the version (1.24+). */
  unified?: boolean;
}

function oldestFirst(configs: ConfigObject[]): ConfigObject[] {
  return [...configs].sort((a, b) => compareByAge(a.object, b.object));
}

function pick(group: ConfigObject[], reason: DecidedBy): HostChoice {
  const sorted = oldestFirst(group);
  if (sorted.length > 1) return { winner: sorted[0]!, decidedBy: 'age', tiedByAge: sorted };
  return { winner: sorted[0]!, decidedBy: reason, tiedByAge: [] };
}

/** The three lists a proxy of `namespace` receives candidates in: private to it, exported to it by name, public. */
function exportOrderGroups(namespace: string, candidates: ConfigObject[]): { ownPrivate: ConfigObject[]; named: ConfigObject[]; public: ConfigObject[] } {
  const groups = { ownPrivate: [] as ConfigObject[], named: [] as ConfigObject[], public: [] as ConfigObject[] };
  for (const config of candidates) {
    const group = exportGroup(config.exportTo.scope, config.namespace, namespace);
    if (group === 'public') groups.public.push(config);
    else if (group === 'private') (config.namespace === namespace ? groups.ownPrivate : groups.named).push(config);
  }
  return groups;
}

/**
 * The first candidate in Istio's order for `namespace`: own private, then exported by name,
 * then public (each oldest first).
 */
function firstInExportOrder(namespace: string, candidates: ConfigObject[]): HostChoice | undefined {
  const groups = exportOrderGroups(namespace, candidates);
  if (groups.ownPrivate.length > 0) return pick(groups.ownPrivate, 'own-namespace');
  if (groups.named.length > 0) return pick(groups.named, 'export-group');
  if (groups.public.length > 0) return pick(groups.public, 'export-group');
  return undefined;
}

/**
 * Chooses among definitions (ServiceEntries and Kubernetes Services) of one hostname that are
 * all visible to a proxy in `namespace`. Returns undefined for no candidates.
 */
export function chooseServiceDefinition(namespace: string, candidates: ConfigObject[], version: IstioVersion, proxy: ProxyScopeInfo): HostChoice | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return { winner: candidates[0]!, decidedBy: 'only-candidate', tiedByAge: [] };
  const services = candidates.filter((config) => config.kind === 'Service');
  const unified = proxy.unified ?? hasHostPrecedence124(version);
  if (unified || proxy.sidecarDeclared) {
    const own = candidates.filter((config) => config.namespace === namespace);
    if (own.length > 0) return pick(own, 'own-namespace');
  }
  if ((unified || !proxy.sidecarDeclared) && services.length > 0) return pick(services, 'kubernetes-service');
  return firstInExportOrder(namespace, candidates);
}

/**
 * Chooses among mesh VirtualServices for one hostname that are all visible to a sidecar in
 * `namespace`: private to it, then exported to it by name, then public, oldest first. A
 * public VirtualService of `namespace` itself ranks with the other public ones.
 */
export function chooseVirtualService(namespace: string, candidates: ConfigObject[]): HostChoice | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return { winner: candidates[0]!, decidedBy: 'only-candidate', tiedByAge: [] };
  return firstInExportOrder(namespace, candidates);
}
