import { describe } from '../../mesh/accessors.js';
import { scopeEvidence } from '../../mesh/sidecars.js';
import type { Rule, RuleResult } from '../types.js';
import { defaultSidecarManifest, ISTIO_DOCS, listForMessage, namespaceRef, versionEvidence } from './common.js';

/** Objects listed in evidence per finding; the count is always complete. */
const MAX_LISTED_OBJECTS = 50;

/**
 * namespace-imports-foreign-config: the headline cross-namespace contamination finding.
 * One finding per tenant namespace whose proxies (any Sidecar scope) import
 * ServiceEntries, VirtualServices or DestinationRules owned by other tenant namespaces.
 * evidence.foreignOwners feeds the engine's exposure matrix.
 */
export const namespaceImportsForeignConfigRule: Rule = {
  meta: {
    id: 'namespace-imports-foreign-config',
    title: 'Namespace imports configuration owned by other tenants',
    category: 'exposure',
    defaultSeverity: 'high',
    rationale:
      "When a namespace's proxies import ServiceEntries, VirtualServices or DestinationRules owned by other tenants, those tenants decide where its traffic goes: the isolation between tenants is broken at the configuration level.",
    remediation:
      'Restrict the foreign objects with exportTo ["."] (or explicit lists), and give the importing namespace a default Sidecar whose egress hosts list only its own namespace, the control plane and the shared namespaces it needs.',
    references: [ISTIO_DOCS.configScoping, ISTIO_DOCS.sidecar, ISTIO_DOCS.exportTo],
    requires: ['ServiceEntry', 'VirtualService', 'DestinationRule', 'Sidecar', 'ConfigMap'],
    versionNote: 'mesh-default exportTo semantics depend on the Istio version (1.30.3)',
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    const graph = model.importGraph();
    for (const namespace of model.tenantNamespaces()) {
      const imports = graph.importsOf(namespace);
      if (imports.owners.length === 0) continue;
      const listed = new Map<string, string>();
      let objectCount = 0;
      for (const scope of imports.scopes) {
        objectCount = Math.max(objectCount, scope.objectCount);
        for (const config of scope.listObjects(MAX_LISTED_OBJECTS)) listed.set(describe(config.object), describe(config.object));
      }
      const foreignObjects = [...listed.values()].sort().slice(0, MAX_LISTED_OBJECTS);
      const namespaceScope = imports.scopes[0]!.scope;
      results.push({
        message: `Namespace ${namespace} imports configuration from ${imports.owners.length} other tenant namespace(s) (${listForMessage(imports.owners)}), e.g. ${listForMessage(foreignObjects, 2)}.`,
        namespace,
        resource: namespaceRef(namespace),
        affectedNamespaces: [namespace],
        evidence: {
          foreignOwners: imports.owners,
          foreignObjects,
          foreignObjectCount: objectCount,
          foreignObjectsTruncated: objectCount > foreignObjects.length,
          scopes: imports.scopes
            .filter((scope) => scope.owners.length > 0)
            .map((scope) => ({ ...scopeEvidence(scope.scope), foreignOwners: scope.owners, objectCount: scope.objectCount })),
          ...versionEvidence(model),
        },
        fix: namespaceScope.kind === 'default' ? { type: 'manifest', manifest: defaultSidecarManifest(namespace, model.rootNamespace) } : undefined,
      });
    }
    return results;
  },
};
