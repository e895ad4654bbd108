import { refOf } from '../../mesh/accessors.js';
import { reachesOtherNamespaces } from '../../mesh/exportto.js';
import type { Rule, RuleResult } from '../types.js';
import { configEvidence, exportToOwnNamespaceFix, ISTIO_DOCS, versionEvidence } from './common.js';

/**
 * exportto-missing: a tenant (or shared-namespace) ServiceEntry, VirtualService or DestinationRule without its own
 * spec.exportTo. What it reaches depends on the mesh default (read per Istio version).
 */
export const exportToMissingRule: Rule = {
  meta: {
    id: 'exportto-missing',
    title: 'Istio object without exportTo',
    category: 'exposure',
    defaultSeverity: 'high',
    rationale:
      'Without spec.exportTo an Istio networking object takes the mesh default, which is "*" unless changed: every namespace in the mesh receives it, so a tenant can inject routing for hosts other tenants use.',
    remediation: 'Set spec.exportTo explicitly, normally ["."] (own namespace only), or list the consuming namespaces by name.',
    references: [ISTIO_DOCS.exportTo, ISTIO_DOCS.trafficBestPractices],
    requires: ['ServiceEntry', 'VirtualService', 'DestinationRule', 'ConfigMap'],
    versionNote: 'mesh-default exportTo lists are read as lists from Istio 1.30.3; before, only "." and "*" count',
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    for (const config of model.configObjects()) {
      // Shared namespaces count too: their exports are only intentional when the list is explicit.
      if (config.kind === 'Service' || model.classOf(config.namespace) === 'system') continue;
      if (config.exportTo.source === 'resource' || config.exportTo.source === 'workload-selector') continue;
      const widens = reachesOtherNamespaces(config.exportTo.scope, config.namespace);
      const severity = !widens ? 'low' : config.kind === 'DestinationRule' ? 'medium' : 'high';
      const reach = config.exportTo.scope.all ? 'every namespace' : [...config.exportTo.scope.names].join(', ');
      results.push({
        severity,
        message: widens
          ? `${config.kind} ${config.namespace}/${config.object.metadata.name} has no exportTo and is exported to ${reach} by the ${config.exportTo.source === 'built-in-default' ? 'built-in default "*"' : `mesh default ${config.exportTo.meshField}`}.`
          : `${config.kind} ${config.namespace}/${config.object.metadata.name} has no exportTo; it is contained only by the mesh default ${config.exportTo.meshField} and would widen if that default changed.`,
        namespace: config.namespace,
        resource: refOf(config.object),
        affectedNamespaces: config.exportTo.scope.all ? ['*'] : [...config.exportTo.scope.names].filter((name) => name !== config.namespace).sort(),
        evidence: { ...configEvidence(config), ...versionEvidence(model) },
        fix: exportToOwnNamespaceFix(config.object),
        source: config.object.source,
      });
    }
    return results;
  },
};
