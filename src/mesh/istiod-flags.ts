/**
 * Feature flags read from the istiod Deployments of a snapshot (their containers' env), for
 * semantics that an operator can switch off: Istio reads each with `env.Register` in
 * pilot/pkg/features and parses booleans with Go's strconv.ParseBool.
 */
import type { ClusterSnapshot, IstioVersion, K8sObject } from '../snapshot/types.js';
import { isRecord } from './accessors.js';
import { hasHostPrecedence124, versionLabel } from './version.js';
import { podTemplateOf } from './workloads.js';

/** Env value of istiod containers: Go's strconv.ParseBool. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** istiod Deployments (named `istiod*` or with pod label `app: istiod`), every revision. */
export function istiodDeployments(snapshot: ClusterSnapshot): K8sObject[] {
  return snapshot.objects.Deployment.filter((deployment) => deployment.metadata.name.startsWith('istiod') || podTemplateOf(deployment)?.labels?.app === 'istiod');
}

/** A boolean env var of a Deployment's containers (the last literal value wins, as in a container's env); undefined when absent or unparsable. */
export function boolEnvOf(deployment: K8sObject, name: string): boolean | undefined {
  const spec = podTemplateOf(deployment)?.spec ?? {};
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isRecord) : [];
  let value: boolean | undefined;
  for (const container of containers) {
    for (const env of Array.isArray(container.env) ? container.env.filter(isRecord) : []) {
      if (env.name === name && typeof env.value === 'string') value = parseGoBool(env.value);
    }
  }
  return value;
}

export const UNIFIED_SIDECAR_SCOPE_ENV = 'PILOT_UNIFIED_SIDECAR_SCOPE';

export interface HostPrecedenceMode {
  /** True: Istio 1.24+ host precedence (one namespace per hostname and proxy, Kubernetes Service preferred); false: the legacy one. */
  unified: boolean;
  /** Where it comes from, for evidence. */
  source: string;
}

/**
 * Which host precedence istiod applies (sidecar.go selectServices: `features.UnifiedSidecarScoping`,
 * pilot/pkg/features/experimental.go PILOT_UNIFIED_SIDECAR_SCOPE, default true from 1.24; the
 * `1.23` compatibility profile sets it to false). Before 1.24 the flag does not exist. From 1.24
 * it counts as on unless an istiod sets it off (a proxy may connect to any revision, and one that
 * does not follows the legacy path).
 */
export function hostPrecedenceMode(snapshot: ClusterSnapshot): HostPrecedenceMode {
  return hostPrecedenceModeOf(snapshot.istioVersion, istiodDeployments(snapshot));
}

export function hostPrecedenceModeOf(version: IstioVersion, istiods: K8sObject[]): HostPrecedenceMode {
  const versionText = `Istio ${versionLabel(version)} (${version.source})`;
  if (!hasHostPrecedence124(version)) return { unified: false, source: `legacy host precedence of ${versionText} (before 1.24)` };
  const off = istiods.filter((deployment) => boolEnvOf(deployment, UNIFIED_SIDECAR_SCOPE_ENV) === false);
  if (off.length > 0) {
    return { unified: false, source: `${UNIFIED_SIDECAR_SCOPE_ENV}=false on ${off.map((deployment) => `Deployment ${deployment.metadata.namespace}/${deployment.metadata.name}`).join(', ')}: legacy host precedence on ${versionText}` };
  }
  return { unified: true, source: istiods.length > 0 ? `${UNIFIED_SIDECAR_SCOPE_ENV} not set off on any istiod: default true on ${versionText}` : `${UNIFIED_SIDECAR_SCOPE_ENV} not visible (no istiod Deployment read): default true on ${versionText}` };
}
