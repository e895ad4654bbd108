import { refOf } from '../../mesh/accessors.js';
import type { Rule, RuleResult } from '../types.js';
import { configEvidence, countOf, ISTIO_DOCS, listForMessage } from './common.js';

/**
 * exportto-unknown-namespace: exportTo (or a Service's networking.istio.io/exportTo
 * annotation) names a namespace that does not exist. Whoever creates it gets the config.
 * Existence is only known when Namespace objects were read; otherwise the rule stays silent.
 */
export const exportToUnknownNamespaceRule: Rule = {
  meta: {
    id: 'exportto-unknown-namespace',
    title: 'exportTo names a namespace that does not exist',
    category: 'exposure',
    defaultSeverity: 'medium',
    rationale:
      'A namespace named in exportTo that does not exist receives the object as soon as anyone creates it: a latent leak to whoever picks the name first.',
    remediation: 'Remove the unknown namespace from exportTo or create and own that namespace.',
    references: [ISTIO_DOCS.exportTo],
    requires: ['Namespace', 'ServiceEntry', 'VirtualService', 'DestinationRule', 'Service'],
  },
  evaluate({ model }) {
    if (!model.namespacesKnown) return [];
    const results: RuleResult[] = [];
    for (const config of model.configObjects()) {
      if (config.exportTo.source !== 'resource' && config.exportTo.source !== 'annotation') continue;
      if (model.classOf(config.namespace) === 'system') continue;
      // No array per object: almost every named namespace exists.
      let unknown: string[] | undefined;
      for (const name of config.exportTo.scope.names) if (!model.namespaceExists(name)) (unknown ??= []).push(name);
      if (!unknown) continue;
      unknown.sort();
      results.push({
        message:
          unknown.length === 1
            ? `${config.kind} ${config.namespace}/${config.object.metadata.name} is exported to namespace ${unknown[0]}, which does not exist: whoever creates it receives the object.`
            : `${config.kind} ${config.namespace}/${config.object.metadata.name} is exported to ${countOf(unknown.length, 'namespace')} that do not exist (${listForMessage(unknown)}): whoever creates one receives the object.`,
        namespace: config.namespace,
        resource: refOf(config.object),
        affectedNamespaces: unknown,
        subjectKey: unknown.join(','),
        evidence: { ...configEvidence(config), unknownNamespaces: unknown },
        source: config.object.source,
      });
    }
    return results;
  },
};
