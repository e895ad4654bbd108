import { refOf } from '../../mesh/accessors.js';
import type { K8sObject } from '../../snapshot/types.js';
import type { Rule, RuleResult } from '../types.js';
import { ISTIO_DOCS, listForMessage } from '../exposure/common.js';

/**
 * sidecar-egress-missing-control-plane: the effective Sidecar of tenant namespaces declares
 * egress hosts, none of which covers the root namespace (`<root>/*`, `*` + `/...`): services
 * there (istiod, shared mesh services) are not imported.
 */
export const sidecarEgressMissingControlPlaneRule: Rule = {
  meta: {
    id: 'sidecar-egress-missing-control-plane',
    title: 'Sidecar egress omits the control-plane namespace',
    category: 'sidecar',
    defaultSeverity: 'low',
    rationale:
      'A Sidecar egress list replaces the default `*/*`. Without the root namespace (aks-istio-system on AKS), mesh services published there are not imported and become unreachable or fall back to passthrough.',
    remediation: 'Add "<root namespace>/*" (e.g. "aks-istio-system/*") to the egress hosts.',
    references: [ISTIO_DOCS.sidecar, 'https://learn.microsoft.com/azure/aks/istio-about'],
    requires: ['Sidecar', 'ConfigMap'],
  },
  evaluate({ model }) {
    const root = model.rootNamespace;
    const sidecars = model.sidecars();
    const users = new Map<K8sObject, string[]>();
    for (const namespace of model.tenantNamespaces()) {
      const scope = sidecars.namespaceScope(namespace);
      if (!scope.sidecar || !scope.egressDeclared) continue;
      if (scope.egressHosts.some((host) => host.namespace === root || host.namespace === '*')) continue;
      users.set(scope.sidecar, [...(users.get(scope.sidecar) ?? []), namespace]);
    }
    const results: RuleResult[] = [];
    for (const [sidecar, namespaces] of users) {
      const hosts = [...new Set(sidecars.namespaceScope(namespaces[0]!).egressHosts.map((host) => host.raw))];
      results.push({
        message: `Sidecar ${sidecar.metadata.namespace}/${sidecar.metadata.name} (effective for ${listForMessage(namespaces)}) does not import the root namespace ${root}.`,
        namespace: sidecar.metadata.namespace,
        resource: refOf(sidecar),
        affectedNamespaces: namespaces,
        evidence: { egressHosts: hosts, rootNamespace: root },
        source: sidecar.source,
      });
    }
    return results;
  },
};
