import { describe, refOf } from '../../mesh/accessors.js';
import { withListSummary } from '../list-summary.js';
import type { Rule, RuleResult } from '../types.js';
import { configEvidence, exportToOwnNamespaceFix, ISTIO_DOCS, publicImporters, publicImportSummary, versionEvidence } from './common.js';

/** exportto-wildcard: a tenant object exports itself to every namespace on purpose. */
export const exportToWildcardRule: Rule = {
  meta: {
    id: 'exportto-wildcard',
    title: 'Istio object exported to all namespaces',
    category: 'exposure',
    defaultSeverity: 'high',
    rationale:
      'exportTo: ["*"] makes the object part of the configuration of every proxy in the mesh, today and in namespaces created later. A tenant object exported that way can steer other tenants\' traffic for the hosts it declares.',
    remediation: 'Replace "*" with "." or with the explicit list of consuming namespaces; publish shared configuration from a configured shared namespace.',
    references: [ISTIO_DOCS.exportTo, ISTIO_DOCS.configScoping],
    requires: ['ServiceEntry', 'VirtualService', 'DestinationRule'],
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    for (const config of model.configObjects()) {
      if (config.kind === 'Service' || config.exportTo.source !== 'resource' || !config.exportTo.scope.all) continue;
      const cls = model.classOf(config.namespace);
      if (cls === 'system') continue;
      const shared = cls === 'shared';
      const imports = shared ? undefined : publicImportSummary(model, config);
      const importers = publicImporters(model, config);
      const result: RuleResult = {
        severity: shared ? 'info' : 'high',
        message: shared
          ? `${describe(config.object)} in shared namespace ${config.namespace} is exported to all namespaces (intentional share).`
          : `${describe(config.object)} sets exportTo "*", so every namespace, present and future, may import it; ${imports!.text}.`,
        namespace: config.namespace,
        resource: refOf(config.object),
        // Who imports it today (other tenants); exportTo "*" also reaches namespaces created later, as the message says.
        get affectedNamespaces() {
          return importers.list();
        },
        evidence: { ...configEvidence(config), namespaceClass: cls, ...imports?.evidence, ...versionEvidence(model) },
        fix: shared ? undefined : exportToOwnNamespaceFix(config.object),
        source: config.object.source,
      };
      results.push(withListSummary(result, 'affectedNamespaces', importers.summary));
    }
    return results;
  },
};
