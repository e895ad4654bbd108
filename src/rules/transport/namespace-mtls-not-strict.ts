import { labelsMatch, matchLabelsSelectorOf } from '../../mesh/accessors.js';
import { workloadInMesh } from '../../mesh/injection.js';
import { declaredMode, isWeaker, PeerAuthenticationIndex, type NamespaceMtls } from '../../mesh/peer-authentication.js';
import { podsRead, WORKLOAD_KINDS } from '../../mesh/workloads.js';
import { isRecord } from '../../records.js';
import type { K8sObject } from '../../snapshot/types.js';
import type { FindingFix, Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef, qualifiedName, refOf } from './refs.js';

/**
 * namespace-mtls-not-strict: a tenant namespace accepts plaintext. The namespace mode is
 * inherited namespace > root > PERMISSIVE (UNSET inherits); workload and port-level
 * policies that are weaker than the namespace mode are reported on their own.
 *
 * When the Pods were read, a workload-level policy counts only if Istio applies it to some
 * workload of the mesh (its selector matches one, and no older workload policy takes that
 * workload): a downgrade that applies to nothing is not reported, and a policy meant to
 * strengthen mTLS that applies to nothing protects nothing (reported).
 */
export const namespaceMtlsNotStrict: Rule = {
  meta: {
    id: 'namespace-mtls-not-strict',
    title: 'Tenant namespace does not require mutual TLS',
    category: 'transport',
    defaultSeverity: 'high',
    rationale:
      'Without STRICT mTLS a workload also accepts plaintext connections, so any pod of the cluster, meshed or not, can reach it without an identity, and AuthorizationPolicies on principals or namespaces cannot hold. Istio defaults to PERMISSIVE when no PeerAuthentication says otherwise.',
    remediation:
      'Create a selector-less PeerAuthentication with `mtls.mode: STRICT` in the namespace (or in the root namespace for the whole mesh) and remove workload or port-level exceptions that set PERMISSIVE or DISABLE.',
    references: [
      'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
      'https://istio.io/latest/docs/concepts/security/#peer-authentication',
      'https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/',
    ],
    requires: ['PeerAuthentication', 'Namespace'],
    // Which workloads a selector matches: without them those checks are skipped (partly unknown).
    partlyRequires: [...WORKLOAD_KINDS],
  },
  evaluate: evaluateMtls,
};

function describeSource(namespace: string, mtls: NamespaceMtls, rootNamespace: string): string {
  if (mtls.source === 'default') return `no PeerAuthentication in ${namespace} or in the root namespace ${rootNamespace} sets a mode, so Istio's default PERMISSIVE applies`;
  const policy = qualifiedName(mtls.policy!);
  return mtls.source === 'root' ? `inherited from the mesh-wide PeerAuthentication ${policy}` : `set by PeerAuthentication ${policy}`;
}

function namespaceFix(namespace: string, mtls: NamespaceMtls): FindingFix {
  if (mtls.namespacePolicy) return { type: 'merge-patch', target: refOf(mtls.namespacePolicy), patch: { spec: { mtls: { mode: 'STRICT' } } } };
  return {
    type: 'manifest',
    manifest: { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace }, spec: { mtls: { mode: 'STRICT' } } },
  };
}

function evaluateMtls({ snapshot, model }: RuleContext): RuleResult[] {
  const rootNamespace = snapshot.meshConfig.rootNamespace;
  const index = new PeerAuthenticationIndex(snapshot.objects.PeerAuthentication, rootNamespace);
  const results: RuleResult[] = [];
  for (const namespace of model.tenantNamespaces()) {
    const mtls = index.namespaceMode(namespace);
    const evidence = {
      effectiveMode: mtls.mode,
      source: mtls.source,
      policy: mtls.policy ? qualifiedName(mtls.policy) : undefined,
      rootNamespace,
      ...(mtls.shadowed.length > 0 ? { ignoredNewerNamespacePolicies: mtls.shadowed.map(qualifiedName) } : {}),
    };
    if (mtls.mode !== 'STRICT') {
      results.push({
        message: `Namespace ${namespace} accepts plaintext: its effective mTLS mode is ${mtls.mode} (${describeSource(namespace, mtls, rootNamespace)}).`,
        namespace,
        resource: mtls.source === 'namespace' && mtls.policy ? refOf(mtls.policy) : namespaceRef(namespace),
        subjectKey: 'namespace',
        evidence,
        fix: namespaceFix(namespace, mtls),
      });
    }
    // Istio applies only the oldest namespace-wide policy; a newer weaker one is a latent downgrade
    // (it takes over when the older one is removed), which policy engines reject as written.
    for (const ignored of mtls.shadowed) {
      const mode = declaredMode(ignored.spec.mtls);
      if (mode !== 'PERMISSIVE' && mode !== 'DISABLE') continue;
      results.push({
        severity: 'medium',
        message: `PeerAuthentication ${qualifiedName(ignored)} sets mTLS ${mode} for namespace ${namespace} but is ignored while the older namespace-wide ${qualifiedName(mtls.namespacePolicy!)} exists: it takes effect, and the namespace accepts plaintext, as soon as that one is removed.`,
        namespace,
        resource: refOf(ignored),
        subjectKey: `ignored-namespace-policy:${ignored.metadata.name}`,
        evidence: { ...evidence, ignoredPolicyMode: mode, usedPolicy: qualifiedName(mtls.namespacePolicy!) },
        remediation: `Delete PeerAuthentication ${qualifiedName(ignored)} (one selector-less PeerAuthentication per namespace), or set its mode to STRICT.`,
      });
    }
    const inForce = podsRead(snapshot) ? workloadPoliciesInForce(model, index, namespace) : undefined;
    for (const downgrade of index.downgrades(namespace)) {
      if (inForce && !inForce.policies.has(downgrade.policy)) continue;
      const ports = Object.entries(downgrade.weakerPorts).map(([port, mode]) => `port ${port}: ${mode}`);
      const what = downgrade.workloadMode !== mtls.mode ? [`workload mode ${downgrade.workloadMode}`, ...ports] : ports;
      results.push({
        message: `PeerAuthentication ${qualifiedName(downgrade.policy)} weakens mTLS below the namespace's ${mtls.mode} for the workloads it selects (${what.join(', ')}).`,
        namespace,
        resource: refOf(downgrade.policy),
        subjectKey: `workload:${downgrade.policy.metadata.name}`,
        evidence: { ...evidence, workloadMode: downgrade.workloadMode, weakerPorts: downgrade.weakerPorts, selector: downgrade.policy.spec.selector },
        remediation: `Set mtls.mode and every portLevelMtls mode of PeerAuthentication ${qualifiedName(downgrade.policy)} to STRICT (or UNSET to inherit a STRICT namespace), or delete the exception once its clients are in the mesh.`,
      });
    }
    if (inForce) results.push(...strengtheningPoliciesNotInForce(index, namespace, mtls, inForce));
  }
  return results;
}

/** Workload-level policies Istio applies to at least one workload of the mesh in the namespace. */
function workloadPoliciesInForce(model: RuleContext['model'], index: PeerAuthenticationIndex, namespace: string): { policies: Set<K8sObject>; meshLabels: Record<string, string>[] } {
  const state = model.injectionOf(namespace);
  const version = model.snapshot.istioVersion;
  const policies = new Set<K8sObject>();
  const meshLabels: Record<string, string>[] = [];
  for (const { object, template } of model.workloads().workloadsOf(namespace)) {
    if (!workloadInMesh(object, state, version)) continue;
    meshLabels.push(template.labels);
    const policy = index.workloadPolicyFor(namespace, template.labels);
    if (policy) policies.add(policy);
  }
  return { policies, meshLabels };
}

/** Workload policies stricter than the namespace (mode or a port) that apply to no workload. */
function strengtheningPoliciesNotInForce(index: PeerAuthenticationIndex, namespace: string, mtls: NamespaceMtls, inForce: { policies: Set<K8sObject>; meshLabels: Record<string, string>[] }): RuleResult[] {
  const results: RuleResult[] = [];
  for (const policy of index.workloadPolicies(namespace)) {
    if (inForce.policies.has(policy)) continue;
    const own = declaredMode(policy.spec.mtls);
    const workloadMode = own === 'UNSET' ? mtls.mode : own;
    const ports = isRecord(policy.spec.portLevelMtls) ? Object.values(policy.spec.portLevelMtls).map(declaredMode) : [];
    const strengthens = isWeaker(mtls.mode, workloadMode) || ports.some((mode) => mode !== 'UNSET' && isWeaker(mtls.mode, mode));
    if (!strengthens) continue;
    const selector = matchLabelsSelectorOf(policy) ?? {};
    const text = Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(',');
    const shadowed = inForce.meshLabels.some((labels) => labelsMatch(selector, labels));
    const why = shadowed ? `an older workload-level PeerAuthentication takes every workload its selector ${text} matches` : `its selector ${text} matches no workload of the mesh in ${namespace}`;
    results.push({
      severity: 'medium',
      message: `PeerAuthentication ${qualifiedName(policy)} would raise mTLS above the namespace's ${mtls.mode}, but ${why}: it protects nothing.`,
      namespace,
      resource: refOf(policy),
      subjectKey: `no-matching-workload:${policy.metadata.name}`,
      evidence: { selector, workloadMode, namespaceMode: mtls.mode, shadowedByOlderPolicy: shadowed },
      remediation: `Fix the selector of PeerAuthentication ${qualifiedName(policy)} so it matches the workloads it should protect, or set STRICT for the whole namespace.`,
    });
  }
  return results;
}
