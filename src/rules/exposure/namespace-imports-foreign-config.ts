import { minimatch } from 'minimatch';
import type { AllowedShare } from '../../config/types.js';
import { describe } from '../../mesh/accessors.js';
import type { ConfigObject } from '../../mesh/config-objects.js';
import type { NamespaceImports } from '../../mesh/imports.js';
import type { MeshModel } from '../../mesh/model.js';
import { scopeEvidence } from '../../mesh/sidecars.js';
import { withListSummary } from '../list-summary.js';
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
 * Declared shares: an object another tenant exports to this namespace *by name* (its exportTo
 * lists the namespace, not `*`) is a deliberate share, not contamination. It gets its own
 * `info` finding (subjectKey `declared-shares`, evidence.sharingOwners, not in the exposure
 * matrix), unless it can override the namespace's own hosts: a VirtualService with host `*`,
 * or any host overlapping one the namespace defines itself (a Service, ServiceEntry or
 * VirtualService of its own; a VirtualService exported by name comes before the namespace's
 * own public one, see precedence.ts). Those stay in the high finding. Configuration
 * (`allowedShares`) lists shares that are not reported at all, overrides excepted.
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
      "When a namespace's proxies import ServiceEntries, VirtualServices or DestinationRules owned by other tenants, those tenants decide where its traffic goes: the isolation between tenants is broken at the configuration level. An object another tenant exports to it by name is a declared share, unless it can override the namespace's own hosts.",
    remediation:
      'Restrict the foreign objects with exportTo ["."] (or explicit lists), and give the importing namespace a default Sidecar whose egress hosts list only its own namespace, the control plane and the shared namespaces it needs. List intended shares in the configuration (allowedShares).',
    references: [ISTIO_DOCS.configScoping, ISTIO_DOCS.sidecar, ISTIO_DOCS.exportTo, ISTIO_DOCS.trafficBestPractices],
    // Gateway API routes with a Service parent (GAMMA producer routes) are imported too.
    requires: ['ServiceEntry', 'VirtualService', 'DestinationRule', 'Service', 'Sidecar', 'ConfigMap', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'],
    versionNote: 'mesh-default exportTo semantics depend on the Istio version (1.30.3)',
  },
  evaluate({ model, config }) {
    const results: RuleResult[] = [];
    const graph = model.importGraph();
    for (const namespace of model.tenantNamespaces()) {
      const imports = graph.importsOf(namespace);
      if (imports.ownerList.size === 0) continue;
      const named = [...new Set(imports.scopes.flatMap((scope) => scope.namedObjects))];
      const overriding: ConfigObject[] = [];
      const declared: ConfigObject[] = [];
      const allowed: Array<{ config: ConfigObject; share: AllowedShare }> = [];
      for (const object of named) {
        if (overridesOwnHosts(model, object, namespace)) overriding.push(object);
        else {
          const share = config.allowedShares.find((candidate) => shareAllows(candidate, object, namespace));
          if (share) allowed.push({ config: object, share });
          else declared.push(object);
        }
      }
      const contamination = contaminationFinding(model, imports, overriding);
      if (contamination) results.push(contamination);
      // Allowed shares alone are not reported; next to declared ones they are listed in evidence.
      if (declared.length > 0) results.push(declaredShareFinding(namespace, declared, allowed));
    }
    return results;
  },
};

/**
 * Can an object exported to `namespace` by name override that namespace's own routing? A
 * VirtualService for `*`, or a host overlapping one the namespace defines itself (a Service,
 * ServiceEntry or VirtualService of its own).
 */
function overridesOwnHosts(model: MeshModel, object: ConfigObject, namespace: string): boolean {
  if (object.kind === 'DestinationRule') return false; // applies only to its own namespace's services (imports.ts)
  if (object.kind === 'VirtualService' && object.hosts.includes('*')) return true;
  const index = model.hostIndex();
  return object.hosts.some((host) =>
    index.overlapping(host).some(({ config }) => config.namespace === namespace && (config.kind === 'Service' || config.kind === 'ServiceEntry' || config.kind === 'VirtualService')),
  );
}

function shareAllows(share: AllowedShare, object: ConfigObject, namespace: string): boolean {
  if (!minimatch(object.namespace, share.from) || !minimatch(namespace, share.to)) return false;
  if (share.kinds && !share.kinds.includes(object.kind)) return false;
  if (share.names && !share.names.some((pattern) => minimatch(object.object.metadata.name, pattern))) return false;
  return true;
}

/** The high finding: objects imported through `*` exports, and shares that override the namespace's own hosts. */
function contaminationFinding(model: MeshModel, imports: NamespaceImports, overriding: ConfigObject[]): RuleResult | undefined {
  const namespace = imports.namespace;
  const overrides = new Set(overriding);
  const overridingIn = (scope: NamespaceImports['scopes'][number]) => scope.namedObjects.filter((config) => overrides.has(config));
  const scopeOwners = imports.scopes.map((scope) => scope.publicOwnerList.with(overridingIn(scope).map((config) => config.namespace)));
  const owners = model.importGraph().ownerUnion(scopeOwners);
  if (owners.size === 0) return undefined;
  const listed = new Set<string>();
  let objectCount = 0;
  for (const scope of imports.scopes) {
    const scopeOverriding = overridingIn(scope);
    objectCount = Math.max(objectCount, scope.publicObjectCount + scopeOverriding.length);
    for (const config of [...scopeOverriding, ...scope.listPublicObjects(MAX_LISTED_OBJECTS)]) listed.add(describe(config.object));
  }
  const foreignObjects = [...listed].sort().slice(0, MAX_LISTED_OBJECTS);
  const namespaceScope = imports.scopes[0]!.scope;
  const ownerNames = listForMessage(owners.first(4));
  const overrideText = overriding.length > 0 ? ` ${listForMessage(overriding.map((config) => describe(config.object)))} ${overriding.length === 1 ? 'is' : 'are'} exported to it by name but can override its own hosts.` : '';
  return {
    message:
      (objectCount === 1
        ? `Namespace ${namespace} imports ${foreignObjects[0]}, owned by another tenant namespace (${ownerNames}).`
        : `Namespace ${namespace} imports ${countOf(objectCount, 'object')} owned by ${countOf(owners.size, 'other tenant namespace')} (${ownerNames}), e.g. ${listForMessage(foreignObjects.slice(0, 2))}.`) + overrideText,
    namespace,
    resource: namespaceRef(namespace),
    affectedNamespaces: [namespace],
    // Bounded outputs and the exposure matrix read the owner lists through their summaries (list-summary.ts).
    evidence: withListSummary({
      get foreignOwners() {
        return owners.toArray();
      },
      foreignOwnerCount: owners.size,
      foreignObjects,
      foreignObjectCount: objectCount,
      foreignObjectsTruncated: objectCount > foreignObjects.length,
      ...(overriding.length > 0 ? { sharesOverridingOwnHosts: overriding.map((config) => describe(config.object)).sort() } : {}),
      scopes: imports.scopes
        .map((scope, index) => ({ scope, owners: scopeOwners[index]! }))
        .filter(({ owners: scopeList }) => scopeList.size > 0)
        .map(({ scope, owners: scopeList }) =>
          withListSummary(
            {
              ...scopeEvidence(scope.scope),
              get foreignOwners() {
                return scopeList.toArray();
              },
              objectCount: scope.publicObjectCount + overridingIn(scope).length,
            },
            'foreignOwners',
            scopeList,
          ),
        ),
      ...versionEvidence(model),
    }, 'foreignOwners', owners),
    fix: namespaceScope.kind === 'default' ? { type: 'manifest', manifest: defaultSidecarManifest(namespace, model.rootNamespace) } : undefined,
  };
}

/** The info finding: objects other tenants export to this namespace by name. */
function declaredShareFinding(namespace: string, declared: ConfigObject[], allowed: Array<{ config: ConfigObject; share: AllowedShare }>): RuleResult {
  const objects = declared.map((config) => describe(config.object)).sort();
  const owners = [...new Set(declared.map((config) => config.namespace))].sort();
  return {
    severity: 'info',
    message: `Namespace ${namespace} imports ${countOf(declared.length, 'object')} that ${listForMessage(owners)} ${owners.length === 1 ? 'exports' : 'export'} to it by name (declared share): ${listForMessage(objects)}.`,
    namespace,
    resource: namespaceRef(namespace),
    affectedNamespaces: [namespace],
    subjectKey: 'declared-shares',
    evidence: {
      declaredShare: true,
      sharingOwners: owners,
      sharedObjects: objects.slice(0, MAX_LISTED_OBJECTS),
      sharedObjectCount: objects.length,
      ...(allowed.length > 0 ? { allowedShares: allowed.map(({ config, share }) => ({ object: describe(config.object), reason: share.reason })) } : {}),
    },
    remediation: `If these shares are intended, list them in the configuration (allowedShares: from ${owners[0]} to ${namespace}); otherwise ask the owners to remove ${namespace} from their exportTo.`,
  };
}
