import { describe } from '../../mesh/accessors.js';
import { scopeEvidence } from '../../mesh/sidecars.js';
import type { Rule, RuleResult } from '../types.js';
import { countOf, defaultSidecarManifest, ISTIO_DOCS, listForMessage, namespaceRef, versionEvidence } from './common.js';

/** Objects listed in evidence per finding; the count is always complete. */
const MAX_LISTED_OBJECTS = 50;

/**
 * namespace-imports-foreign-config: the headline cross-namespace contamination finding.
 * One finding per tenant namespace whose proxies (any Sidecar scope) import
 * ServiceEntries, VirtualServices or DestinationRules owned by other tenant namespaces.
 * evidence.foreignOwners feeds the engine's exposure matrix.
 *
 * evidence.foreignOwners is complete but computed when read (a getter): in an open mesh every
 * namespace imports from nearly every other one, and materialising namespaces x owners
 * arrays up front dominated evaluation time. Reading it (JSON, the exposure matrix) builds a
 * fresh sorted array from the import graph's shared lists.
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
    references: [ISTIO_DOCS.configScoping, ISTIO_DOCS.sidecar, ISTIO_DOCS.exportTo, ISTIO_DOCS.trafficBestPractices],
    requires: ['ServiceEntry', 'VirtualService', 'DestinationRule', 'Service', 'Sidecar', 'ConfigMap'],
    versionNote: 'mesh-default exportTo semantics depend on the Istio version (1.30.3)',
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    const graph = model.importGraph();
    for (const namespace of model.tenantNamespaces()) {
      const imports = graph.importsOf(namespace);
      const owners = imports.ownerList;
      if (owners.size === 0) continue;
      const listed = new Set<string>();
      let objectCount = 0;
      for (const scope of imports.scopes) {
        objectCount = Math.max(objectCount, scope.objectCount);
        for (const config of scope.listObjects(MAX_LISTED_OBJECTS)) listed.add(describe(config.object));
      }
      const foreignObjects = [...listed].sort().slice(0, MAX_LISTED_OBJECTS);
      const namespaceScope = imports.scopes[0]!.scope;
      const ownerNames = listForMessage(owners.first(4));
      results.push({
        message:
          objectCount === 1
            ? `Namespace ${namespace} imports ${foreignObjects[0]}, owned by another tenant namespace (${ownerNames}).`
            : `Namespace ${namespace} imports ${countOf(objectCount, 'object')} owned by ${countOf(owners.size, 'other tenant namespace')} (${ownerNames}), e.g. ${listForMessage(foreignObjects.slice(0, 2))}.`,
        namespace,
        resource: namespaceRef(namespace),
        affectedNamespaces: [namespace],
        evidence: {
          get foreignOwners() {
            return owners.toArray();
          },
          foreignOwnerCount: owners.size,
          foreignObjects,
          foreignObjectCount: objectCount,
          foreignObjectsTruncated: objectCount > foreignObjects.length,
          scopes: imports.scopes
            .filter((scope) => scope.ownerList.size > 0)
            .map((scope) => ({
              ...scopeEvidence(scope.scope),
              get foreignOwners() {
                return scope.ownerList.toArray();
              },
              objectCount: scope.objectCount,
            })),
          ...versionEvidence(model),
        },
        fix: namespaceScope.kind === 'default' ? { type: 'manifest', manifest: defaultSidecarManifest(namespace, model.rootNamespace) } : undefined,
      });
    }
    return results;
  },
};
