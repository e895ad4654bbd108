import { refOf } from '../../mesh/accessors.js';
import type { K8sObject } from '../../snapshot/types.js';
import type { Rule, RuleResult } from '../types.js';
import { ISTIO_DOCS, listForMessage } from '../exposure/common.js';

/**
 * sidecar-egress-imports-all-namespaces: a Sidecar scope used by tenant workloads has an
 * egress host `*` + `/...`, or no egress section (which imports everything). One finding per
 * Sidecar, listing the tenant namespaces that use it (the root default may serve many).
 */
export const sidecarEgressImportsAllNamespacesRule: Rule = {
  meta: {
    id: 'sidecar-egress-imports-all-namespaces',
    title: 'Sidecar imports hosts from every namespace',
    category: 'sidecar',
    defaultSeverity: 'high',
    rationale:
      'An egress host with namespace part `*` (or a Sidecar without egress, which means `*/*`) accepts configuration for those hosts from any namespace that exports it: any tenant can inject a ServiceEntry or VirtualService the scope will use.',
    remediation: 'Replace `*/host` with `owner-namespace/host` and list only "./*", the control-plane namespace and the namespaces that legitimately publish to this one.',
    references: [ISTIO_DOCS.sidecar, ISTIO_DOCS.configScoping],
    requires: ['Sidecar', 'ConfigMap'],
  },
  evaluate({ model }) {
    const sidecars = model.sidecars();
    const users = new Map<K8sObject, Set<string>>();
    for (const namespace of model.tenantNamespaces()) {
      for (const scope of sidecars.scopesOf(namespace)) {
        if (!scope.sidecar) continue;
        const set = users.get(scope.sidecar) ?? new Set<string>();
        set.add(namespace);
        users.set(scope.sidecar, set);
      }
    }
    const results: RuleResult[] = [];
    for (const [sidecar, namespaces] of users) {
      const scope = sidecars.namespaceScope(sidecar.metadata.namespace);
      const egress = scope.sidecar === sidecar ? scope : sidecars.workloadScopes(sidecar.metadata.namespace).find((s) => s.sidecar === sidecar);
      if (!egress) continue;
      const wide = egress.egressDeclared ? egress.egressHosts.filter((host) => host.namespace === '*').map((host) => host.raw) : [];
      if (egress.egressDeclared && wide.length === 0) continue;
      const affected = [...namespaces].sort();
      const name = `${sidecar.metadata.namespace}/${sidecar.metadata.name}`;
      results.push({
        message: egress.egressDeclared
          ? `Sidecar ${name} imports ${listForMessage(wide)} from every namespace (used by ${listForMessage(affected)}).`
          : `Sidecar ${name} has no egress section and imports */* (used by ${listForMessage(affected)}).`,
        namespace: sidecar.metadata.namespace,
        resource: refOf(sidecar),
        affectedNamespaces: affected,
        evidence: { egressHosts: egress.egressDeclared ? egress.egressHosts.map((host) => host.raw) : [], egressDeclared: egress.egressDeclared, allNamespaceHosts: egress.egressDeclared ? wide : ['*/*'], workloadSelector: egress.workloadSelector ?? null },
        fix: egress.egressDeclared
          ? undefined
          : { type: 'merge-patch', target: refOf(sidecar), patch: { spec: { egress: [{ hosts: ['./*', `${model.rootNamespace}/*`] }] } } },
        source: sidecar.source,
      });
    }
    return results;
  },
};
