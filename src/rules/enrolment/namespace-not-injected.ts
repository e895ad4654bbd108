import { INJECTION_LABEL, REVISION_LABEL, installedRevisions, isAksAddon } from '../../mesh/injection.js';
import type { FindingFix, Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef } from '../transport/refs.js';

/** namespace-not-injected: pods of a tenant namespace get no proxy, so no mesh control applies to them. */
export const namespaceNotInjected: Rule = {
  meta: {
    id: 'namespace-not-injected',
    title: 'Tenant namespace is not enrolled in the mesh',
    category: 'enrolment',
    defaultSeverity: 'medium',
    rationale:
      'Without a working injection label new pods start without a sidecar: Sidecar scoping, egress policy, mTLS and AuthorizationPolicies do not apply to their traffic. On the AKS add-on only `istio.io/rev=<revision>` works; `istio-injection=enabled` is silently ignored.',
    remediation:
      'Label the namespace with `istio.io/rev=<installed revision>` (AKS add-on, or revisioned upstream installs) or `istio-injection=enabled` (upstream default revision), then restart its workloads.',
    references: [
      'https://learn.microsoft.com/azure/aks/istio-deploy-addon#enable-sidecar-injection',
      'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/',
    ],
    // ConfigMap: the injector's enableNamespacesByDefault; unread, an unlabelled namespace's enrolment is unknown.
    requires: ['Namespace', 'ConfigMap'],
  },
  evaluate: evaluateNotInjected,
};

function labelFix(namespace: string, aksAddon: boolean, revisions: string[], labels: Record<string, string>): FindingFix | undefined {
  // Mechanical only when there is exactly one revision to point at (or upstream's default webhook).
  const labelPatch: Record<string, string | null> = {};
  if (aksAddon || revisions.some((revision) => revision !== 'default')) {
    if (revisions.length !== 1) return undefined;
    labelPatch[REVISION_LABEL] = revisions[0]!;
    if (INJECTION_LABEL in labels) labelPatch[INJECTION_LABEL] = null;
  } else {
    labelPatch[INJECTION_LABEL] = 'enabled';
  }
  return { type: 'merge-patch', target: namespaceRef(namespace), patch: { metadata: { labels: labelPatch } } };
}

function evaluateNotInjected({ snapshot, model }: RuleContext): RuleResult[] {
  // No mesh at all is reported by aks-mesh-addon-disabled; every namespace would fire here.
  if (snapshot.meshMode === 'none') return [];
  const aksAddon = isAksAddon(snapshot);
  const revisions = installedRevisions(snapshot);
  const results: RuleResult[] = [];
  for (const namespace of model.tenantNamespaces()) {
    const info = snapshot.namespaces.get(namespace);
    // Inferred namespaces have unknown labels: do not guess.
    if (!info || info.inferred) continue;
    // With sidecarInjectorWebhook.enableNamespacesByDefault an unlabelled namespace is injected.
    const state = model.injectionOf(namespace);
    if (state.injected) continue;
    const fix = labelFix(namespace, aksAddon, revisions, info.labels);
    results.push({
      message: `Namespace ${namespace} is not enrolled in the mesh: ${state.why}${aksAddon ? ' (AKS add-on)' : ''}.`,
      namespace,
      resource: namespaceRef(namespace),
      subjectKey: 'namespace',
      evidence: {
        labels: Object.fromEntries(Object.entries(info.labels).filter(([key]) => key.startsWith('istio'))),
        aksAddon,
        installedRevisions: revisions,
        enableNamespacesByDefault: model.namespacesEnabledByDefault ?? false,
      },
      ...(fix ? { fix } : {}),
    });
  }
  return results;
}
