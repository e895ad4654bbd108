import type { Rule, RuleResult } from '../types.js';
import { defaultSidecarManifest, ISTIO_DOCS, namespaceRef } from '../exposure/common.js';

/**
 * namespace-missing-default-sidecar: a tenant namespace has no effective Sidecar (neither its
 * own selector-less Sidecar nor a root default), so its proxies import the whole mesh.
 * Ambient namespaces are left to sidecar-in-ambient-namespace: Sidecars do nothing there.
 */
export const namespaceMissingDefaultSidecarRule: Rule = {
  meta: {
    id: 'namespace-missing-default-sidecar',
    title: 'Namespace has no default Sidecar',
    category: 'sidecar',
    defaultSeverity: 'high',
    rationale:
      'Without a Sidecar resource, proxies use the built-in default scope `*/*`: every ServiceEntry, VirtualService and DestinationRule exported by any namespace becomes part of their configuration.',
    remediation: 'Create a selector-less Sidecar named default in the namespace (or one in the root namespace for the whole mesh) whose egress hosts list "./*" and the control-plane namespace.',
    references: [ISTIO_DOCS.sidecar, ISTIO_DOCS.configScoping],
    requires: ['Sidecar', 'ConfigMap'],
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    const sidecars = model.sidecars();
    for (const namespace of model.tenantNamespaces()) {
      if (sidecars.isAmbient(namespace)) continue;
      const scope = sidecars.namespaceScope(namespace);
      if (scope.kind !== 'default') continue;
      results.push({
        message: `Namespace ${namespace} has no Sidecar of its own and there is no default Sidecar in the root namespace ${model.rootNamespace}: its proxies import configuration from every namespace.`,
        namespace,
        resource: namespaceRef(namespace),
        affectedNamespaces: [namespace],
        evidence: { sidecarScope: 'built-in default (*/*)', rootNamespace: model.rootNamespace, rootDefaultSidecar: null },
        fix: { type: 'manifest', manifest: defaultSidecarManifest(namespace, model.rootNamespace) },
      });
    }
    return results;
  },
};
