import { describe, refOf } from '../../mesh/accessors.js';
import { reachesOtherNamespaces } from '../../mesh/exportto.js';
import { summaryOfList, withListSummary } from '../list-summary.js';
import type { Rule, RuleResult } from '../types.js';
import { configEvidence, countOf, exportToOwnNamespaceFix, ISTIO_DOCS, listForMessage, publicImporters, publicImportSummary, versionEvidence } from './common.js';

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
      const scope = config.exportTo.scope;
      const visibleNowhere = !scope.all && !scope.own && scope.names.size === 0;
      const severity = !widens ? 'low' : config.kind === 'DestinationRule' ? 'medium' : 'high';
      const named = [...config.exportTo.scope.names].filter((name) => name !== config.namespace).sort();
      const by = config.exportTo.source === 'built-in-default' ? 'the built-in default "*"' : `the mesh default ${config.exportTo.meshField}`;
      const imports = config.exportTo.scope.all ? publicImportSummary(model, config) : undefined;
      // Exported to every namespace: who imports it today; exported by name: those names.
      const importers = config.exportTo.scope.all ? publicImporters(model, config) : { list: () => named, summary: summaryOfList(named) };
      const result: RuleResult = {
        severity,
        message: visibleNowhere
          ? `${describe(config.object)} has no exportTo, and the mesh default ${config.exportTo.meshField} as this Istio version reads it makes it visible in no namespace; it would widen if that default changed.`
          : !widens
          ? `${describe(config.object)} has no exportTo; only the mesh default ${config.exportTo.meshField} keeps it in its namespace, and it would widen if that default changed.`
          : imports
            ? `${describe(config.object)} has no exportTo, so ${by} exports it to every namespace; ${imports.text}.`
            : `${describe(config.object)} has no exportTo, so ${by} exports it to ${countOf(named.length, 'namespace')}: ${listForMessage(named)}.`,
        namespace: config.namespace,
        resource: refOf(config.object),
        get affectedNamespaces() {
          return importers.list();
        },
        evidence: { ...configEvidence(config), ...imports?.evidence, ...versionEvidence(model) },
        fix: exportToOwnNamespaceFix(config.object),
        source: config.object.source,
      };
      results.push(withListSummary(result, 'affectedNamespaces', importers.summary));
    }
    return results;
  },
};
