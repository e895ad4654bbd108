import { PeerAuthenticationIndex, type NamespaceMtls } from '../../mesh/peer-authentication.js';
import type { FindingFix, Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef, qualifiedName, refOf } from './refs.js';

/**
 * namespace-mtls-not-strict: a tenant namespace accepts plaintext. The namespace mode is
 * inherited namespace > root > PERMISSIVE (UNSET inherits); workload and port-level
 * policies that are weaker than the namespace mode are reported on their own.
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
    for (const downgrade of index.downgrades(namespace)) {
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
  }
  return results;
}
