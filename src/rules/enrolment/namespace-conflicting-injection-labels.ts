import { DATAPLANE_MODE_LABEL, INJECTION_LABEL, REVISION_LABEL, isAksAddon, namespaceInjection } from '../../mesh/injection.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { namespaceRef } from '../transport/refs.js';

/**
 * namespace-conflicting-injection-labels: a namespace carries more than one kind of enrolment
 * label, so it does not run what one of them says. As istioctl analyze counts them
 * (pkg/config/analysis/analyzers/injection/injection.go, NamespaceMultipleInjectionLabels):
 * `istio-injection` whatever its value, plus `istio.io/rev` and `istio.io/dataplane-mode` unless
 * `istio-injection` is set to something other than `enabled` (then the namespace is
 * deliberately not injected and the others are moot).
 */
export const namespaceConflictingInjectionLabels: Rule = {
  meta: {
    id: 'namespace-conflicting-injection-labels',
    title: 'Namespace carries conflicting mesh enrolment labels',
    category: 'enrolment',
    defaultSeverity: 'low',
    rationale:
      'With both injection labels, upstream Istio injects the default revision (istio-injection wins) and the revision label is ignored; the AKS add-on, whose webhooks require istio-injection to be absent, injects nothing. With an injection label and istio.io/dataplane-mode=ambient, pods get sidecars and ztunnel never captures them: the namespace is not in ambient mode, and its Sidecar resources are in force. Either way the namespace does not run what one of its labels says.',
    remediation: 'Keep one enrolment label: `istio.io/rev=<revision>` (or `istio-injection=enabled`) for sidecars, or `istio.io/dataplane-mode=ambient` alone for ambient.',
    references: [
      'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy',
      'https://learn.microsoft.com/azure/aks/istio-deploy-addon',
      'https://istio.io/latest/docs/ambient/usage/add-workloads/',
      'https://github.com/istio/istio/blob/master/pkg/config/analysis/analyzers/injection/injection.go',
    ],
    requires: ['Namespace'],
  },
  evaluate: evaluateConflictingLabels,
};

function evaluateConflictingLabels({ snapshot }: RuleContext): RuleResult[] {
  const aksAddon = isAksAddon(snapshot);
  const results: RuleResult[] = [];
  for (const info of snapshot.namespaces.values()) {
    const injection = info.labels[INJECTION_LABEL];
    const revision = info.labels[REVISION_LABEL];
    const dataplaneMode = info.labels[DATAPLANE_MODE_LABEL];
    const labels: string[] = [];
    if (injection !== undefined) labels.push(`${INJECTION_LABEL}=${injection}`);
    if (injection === undefined || injection === 'enabled') {
      if (revision !== undefined) labels.push(`${REVISION_LABEL}=${revision}`);
      if (dataplaneMode !== undefined) labels.push(`${DATAPLANE_MODE_LABEL}=${dataplaneMode}`);
    }
    if (labels.length < 2) continue;
    const state = namespaceInjection(info.labels, aksAddon, snapshot.meshRevisionTags);
    const effects: string[] = [];
    if (!state.injected) effects.push(`pods are not injected (${state.why})`);
    else if (state.mode === 'ambient') effects.push(`pods run in ambient mode through ${state.how}`);
    else {
      effects.push(`pods get sidecars through ${state.how}`);
      if (revision !== undefined && !state.how.startsWith(`${REVISION_LABEL}=`)) effects.push(`revision ${revision} is ignored`);
      if (state.ambientLabelIgnored) effects.push(`ztunnel never captures them (${DATAPLANE_MODE_LABEL}=ambient is ignored and the namespace's Sidecars are in force)`);
    }
    const effect = effects.join('; ');
    // Keep istio.io/rev (the remediation), and keep what runs today when ambient is the label that is ignored.
    const patch: Record<string, null> = {};
    if (injection !== undefined && revision !== undefined) patch[INJECTION_LABEL] = null;
    if (dataplaneMode !== undefined && state.injected && state.mode === 'sidecar') patch[DATAPLANE_MODE_LABEL] = null;
    results.push({
      message: `Namespace ${info.name} has ${labels.join(', ')}: ${effect}.`,
      namespace: info.name,
      resource: namespaceRef(info.name),
      subjectKey: 'namespace',
      evidence: { labels, [INJECTION_LABEL]: injection ?? null, [REVISION_LABEL]: revision ?? null, [DATAPLANE_MODE_LABEL]: dataplaneMode ?? null, aksAddon, effect, mode: state.injected ? state.mode : 'none' },
      ...(Object.keys(patch).length > 0 ? { fix: { type: 'merge-patch' as const, target: namespaceRef(info.name), patch: { metadata: { labels: patch } } } } : {}),
    });
  }
  return results;
}
