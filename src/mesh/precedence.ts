/**
 * Which definition of a hostname a proxy uses (rules.md "Which definition of a host a
 * proxy uses"). Istio 1.24+ keeps one namespace per hostname and proxy
 * (pilot/pkg/model/sidecar.go, push_context.go): the proxy's own namespace wins; else a
 * Kubernetes Service beats a ServiceEntry; else objects exported privately or by name to
 * the proxy's namespace come before public ones; within a group the oldest wins.
 *
 * Before 1.24 we model: own namespace first, then named exports before public ones, oldest
 * first, with no preference for Kubernetes Services. The assumed version is always
 * reported in evidence.
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

function oldestFirst(configs: ConfigObject[]): ConfigObject[] {
  return [...configs].sort((a, b) => compareByAge(a.object, b.object));
}

function pick(group: ConfigObject[], reason: DecidedBy): HostChoice {
  const sorted = oldestFirst(group);
  if (sorted.length > 1) return { winner: sorted[0]!, decidedBy: 'age', tiedByAge: sorted };
  return { winner: sorted[0]!, decidedBy: reason, tiedByAge: [] };
}

/**
 * Chooses among definitions (ServiceEntries and Kubernetes Services) of one hostname that are
 * all visible in `namespace`. Returns undefined for no candidates.
 */
export function chooseServiceDefinition(namespace: string, candidates: ConfigObject[], version: IstioVersion): HostChoice | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return { winner: candidates[0]!, decidedBy: 'only-candidate', tiedByAge: [] };
  const own = candidates.filter((config) => config.namespace === namespace);
  if (own.length > 0) return pick(own, 'own-namespace');
  if (hasHostPrecedence124(version)) {
    const services = candidates.filter((config) => config.kind === 'Service');
    if (services.length > 0) return pick(services, 'kubernetes-service');
  }
  return chooseByExportGroup(namespace, candidates);
}

/** Named/private exports before public ones, oldest first (also the VirtualService order on sidecars). */
export function chooseByExportGroup(namespace: string, candidates: ConfigObject[]): HostChoice | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return { winner: candidates[0]!, decidedBy: 'only-candidate', tiedByAge: [] };
  const own = candidates.filter((config) => config.namespace === namespace);
  if (own.length > 0) return pick(own, 'own-namespace');
  const named = candidates.filter((config) => exportGroup(config.exportTo.scope, config.namespace, namespace) === 'private');
  if (named.length > 0) return pick(named, 'export-group');
  return pick(candidates, 'only-candidate');
}
