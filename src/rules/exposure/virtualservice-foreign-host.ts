import { describe, refOf } from '../../mesh/accessors.js';
import type { ConfigObject } from '../../mesh/config-objects.js';
import { reachesOtherNamespaces } from '../../mesh/exportto.js';
import { isWildcard } from '../../mesh/hosts.js';
import type { MeshModel } from '../../mesh/model.js';
import { scopeImports } from '../../mesh/imports.js';
import { namespacesSingledOutBy } from '../../mesh/config-objects.js';
import { answeredNamespaces, answersByShape, shapeImportsHosts, type ScopeShape } from '../../mesh/sidecars.js';
import type { Rule, RuleResult } from '../types.js';
import { configEvidence, countOf, exportToOwnNamespaceFix, ISTIO_DOCS, listForMessage, versionEvidence } from './common.js';

const MAX_LISTED = 20;

/**
 * Does another namespace's wildcard definition make `vsHost` its host? Not when the wildcard is
 * visible only in its own namespace (it owns nothing outside it), and not for an exact name
 * that some Service or ServiceEntry defines exactly or that lies in the VirtualService's own
 * namespace (`reviews` -> reviews.<ns>.svc.<domain>): the exact name beats a wildcard, and a
 * namespace routing its own names is not routing someone else's host.
 */
function wildcardClaims(model: MeshModel, definition: ConfigObject, vs: ConfigObject, vsHost: string): boolean {
  if (!reachesOtherNamespaces(definition.exportTo.scope, definition.namespace)) return false;
  if (isWildcard(vsHost)) return true;
  if (vsHost.endsWith(`.${vs.namespace}.svc.${model.snapshot.clusterDomain}`.toLowerCase())) return false;
  return model.definitionHostIndex().exactly(vsHost).length === 0;
}

/**
 * virtualservice-foreign-host: a mesh VirtualService in tenant namespace M routes a host
 * that belongs to a Service or ServiceEntry of another tenant namespace, and proxies
 * outside M import it: M rewrites other tenants' traffic.
 */
export const virtualServiceForeignHostRule: Rule = {
  meta: {
    id: 'virtualservice-foreign-host',
    title: "VirtualService routes another tenant's host",
    category: 'exposure',
    defaultSeverity: 'high',
    rationale:
      "A VirtualService applies to every proxy that imports it. Routing a host owned by another tenant lets one namespace redirect, mirror or fault-inject traffic that other namespaces send to that host.",
    remediation: 'Restrict the VirtualService with exportTo ["."] so it only affects its own clients, or move the routing to the namespace that owns the host.',
    references: [ISTIO_DOCS.virtualService, ISTIO_DOCS.exportTo],
    requires: ['VirtualService', 'ServiceEntry', 'Service', 'Sidecar', 'ConfigMap'],
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    // Only Services and ServiceEntries own hosts: a wildcard VirtualService must not walk every route under its suffix.
    const index = model.definitionHostIndex();
    const sidecars = model.sidecars();
    for (const vs of model.configObjects()) {
      if (vs.kind !== 'VirtualService' || !vs.appliesToSidecars || !model.isTenant(vs.namespace)) continue;
      const foreign = new Map<string, string>();
      for (const host of vs.hosts) {
        for (const { config, host: definedHost } of index.overlapping(host)) {
          if ((config.kind !== 'Service' && config.kind !== 'ServiceEntry') || config.namespace === vs.namespace || !model.isTenant(config.namespace)) continue;
          if (isWildcard(definedHost) && !wildcardClaims(model, config, vs, host)) continue;
          foreign.set(describe(config.object), config.namespace);
        }
      }
      if (foreign.size === 0) continue;
      // Namespaces not named by its exportTo see it only if it is exported to `*`, through
      // their scopes' foreign egress hosts: decided once per scope shape, not per namespace.
      const imports = (namespace: string, shape: ScopeShape, singledOut: boolean): true | undefined => {
        if (namespace === vs.namespace) return undefined;
        if (!singledOut) return vs.exportTo.scope.all && shapeImportsHosts(shape, vs.namespace, vs.hosts, 'overlapping') ? true : undefined;
        return sidecars.scopesOf(namespace).some((scope) => scopeImports(scope, vs)) ? true : undefined;
      };
      const importers = answeredNamespaces(answersByShape(model.nonSystemShapes(), namespacesSingledOutBy([vs]), imports));
      if (importers.length === 0) continue;
      const owners = [...new Set(foreign.values())].sort();
      const targets = [...foreign.keys()].sort();
      results.push({
        message: `VirtualService ${vs.namespace}/${vs.object.metadata.name} routes the ${targets.length === 1 ? 'host' : 'hosts'} of ${listForMessage(targets)} and is imported by ${countOf(importers.length, 'other namespace')} (${listForMessage(importers)}), so ${vs.namespace} decides where their traffic to ${targets.length === 1 ? 'that host' : 'those hosts'} goes.`,
        namespace: vs.namespace,
        resource: refOf(vs.object),
        affectedNamespaces: importers,
        evidence: { ...configEvidence(vs), foreignOwners: owners, foreignTargets: targets.slice(0, MAX_LISTED), importingNamespaces: importers.length, ...versionEvidence(model) },
        fix: exportToOwnNamespaceFix(vs.object),
        source: vs.object.source,
      });
    }
    return results;
  },
};
