import { describe, refOf } from '../../mesh/accessors.js';
import { namespacesSingledOutBy, type ConfigObject } from '../../mesh/config-objects.js';
import { isExportedTo } from '../../mesh/exportto.js';
import { isWildcard } from '../../mesh/hosts.js';
import { chooseServiceDefinition } from '../../mesh/precedence.js';
import { answeredNamespaces, answersByShape, scopeImportsHosts, shapeImportsHosts, type ScopeShape } from '../../mesh/sidecars.js';
import type { MeshModel } from '../../mesh/model.js';
import type { Rule, RuleResult } from '../types.js';
import { configEvidence, countOf, exportToOwnNamespaceFix, hostPrecedenceEvidence, ISTIO_DOCS, listForMessage, versionEvidence } from './common.js';

/**
 * serviceentry-shadows-service: a ServiceEntry in M declares (or covers by wildcard) the
 * hostname of a Kubernetes Service in another namespace. Critical where the ServiceEntry
 * wins for clients outside M; high otherwise (it already redirects M's own traffic).
 */
export const serviceEntryShadowsServiceRule: Rule = {
  meta: {
    id: 'serviceentry-shadows-service',
    title: 'ServiceEntry shadows a Kubernetes Service of another namespace',
    category: 'exposure',
    defaultSeverity: 'critical',
    rationale:
      "A ServiceEntry declaring another namespace's Service hostname replaces that Service wherever the ServiceEntry is preferred: traffic meant for the real workload goes to endpoints the ServiceEntry's owner chose.",
    remediation: 'Delete the ServiceEntry or rename its host; if it is needed locally, restrict it with exportTo ["."].',
    references: [ISTIO_DOCS.exportTo, 'https://istio.io/latest/docs/reference/config/networking/service-entry/', 'https://github.com/istio/istio/blob/master/pilot/pkg/model/sidecar.go'],
    requires: ['ServiceEntry', 'Service', 'Sidecar', 'ConfigMap'],
    versionNote: 'Istio >= 1.24 prefers a Kubernetes Service over a ServiceEntry for the same hostname',
  },
  evaluate({ model }) {
    const results: RuleResult[] = [];
    // Services only: a wildcard entry must not walk every ServiceEntry host under its suffix.
    const index = model.serviceHostIndex();
    for (const entry of model.configObjects()) {
      if (entry.kind !== 'ServiceEntry' || model.classOf(entry.namespace) === 'system') continue;
      const seen = new Set<ConfigObject>();
      for (const host of entry.hosts) {
        for (const { config: service, host: serviceHost } of index.overlapping(host)) {
          if (service.kind !== 'Service' || service.namespace === entry.namespace || seen.has(service)) continue;
          seen.add(service);
          const finding = shadowFinding(model, entry, host, service, serviceHost);
          if (finding) results.push(finding);
        }
      }
    }
    return results;
  },
};

/**
 * Whether the entry's definition, not the Service, is what the entry's own namespace uses for
 * the host. A wildcard never beats the Service's exact name where both are visible (Envoy
 * picks the most specific domain); an exact one follows chooseServiceDefinition.
 */
function entryWinsInOwnNamespace(model: MeshModel, entry: ConfigObject, entryHost: string, service: ConfigObject): boolean {
  const namespace = entry.namespace;
  const scopes = model.sidecars().scopesOf(namespace);
  const entryVisible = isExportedTo(entry.exportTo.scope, namespace, namespace) && scopes.some((scope) => scopeImportsHosts(scope, namespace, [entryHost], 'covered'));
  if (!entryVisible) return false;
  const serviceVisible = isExportedTo(service.exportTo.scope, service.namespace, namespace) && scopes.some((scope) => scopeImportsHosts(scope, service.namespace, service.hosts, 'covered'));
  if (!serviceVisible) return true;
  if (isWildcard(entryHost)) return false;
  const sidecarDeclared = scopes[0]!.kind !== 'default';
  return chooseServiceDefinition(namespace, [entry, service], model.snapshot.istioVersion, { sidecarDeclared, unified: model.hostPrecedence.unified })?.winner === entry;
}

/**
 * Namespaces other than the ServiceEntry's where its definition, not the Service, is used for
 * the host. Namespaces that neither own one of the two nor are named by their exportTo are
 * decided once per Sidecar scope shape (answersByShape): no scan of every namespace per pair.
 */
function namespacesWhereEntryWins(model: MeshModel, entry: ConfigObject, entryHost: string, service: ConfigObject): string[] {
  const sidecars = model.sidecars();
  const entryWins = (namespace: string, shape: ScopeShape, singledOut: boolean): true | undefined => {
    if (namespace === entry.namespace) return undefined;
    let entryVisible: boolean;
    let serviceVisible: boolean;
    if (!singledOut) {
      // Not singled out: it sees only `*` exports, through its scopes' foreign egress hosts.
      entryVisible = entry.exportTo.scope.all && shapeImportsHosts(shape, entry.namespace, [entryHost], 'covered');
      serviceVisible = service.exportTo.scope.all && shapeImportsHosts(shape, service.namespace, service.hosts, 'covered');
    } else {
      const scopes = sidecars.scopesOf(namespace);
      entryVisible = isExportedTo(entry.exportTo.scope, entry.namespace, namespace) && scopes.some((scope) => scopeImportsHosts(scope, entry.namespace, [entryHost], 'covered'));
      serviceVisible = isExportedTo(service.exportTo.scope, service.namespace, namespace) && scopes.some((scope) => scopeImportsHosts(scope, service.namespace, service.hosts, 'covered'));
    }
    if (!entryVisible) return undefined;
    if (!serviceVisible) return true;
    // A wildcard entry never beats the exact Service name (most specific match wins).
    if (isWildcard(entryHost)) return undefined;
    const choice = chooseServiceDefinition(namespace, [entry, service], model.snapshot.istioVersion, { sidecarDeclared: shape.sidecarDeclared, unified: model.hostPrecedence.unified });
    return choice?.winner === entry ? true : undefined;
  };
  return answeredNamespaces(answersByShape(model.nonSystemShapes(), namespacesSingledOutBy([entry, service]), entryWins));
}

function shadowFinding(model: MeshModel, entry: ConfigObject, entryHost: string, service: ConfigObject, serviceHost: string): RuleResult | undefined {
  const winning = namespacesWhereEntryWins(model, entry, entryHost, service);
  const winsInOwn = entryWinsInOwnNamespace(model, entry, entryHost, service);
  // A wildcard that loses to the Service's exact name wherever both are visible shadows nothing.
  if (winning.length === 0 && !winsInOwn && isWildcard(entryHost)) return undefined;
  const name = `${entry.namespace}/${entry.object.metadata.name}`;
  const serviceName = `${service.namespace}/${service.object.metadata.name}`;
  const how = entryHost === serviceHost ? `declares ${serviceHost}` : `covers ${serviceHost} with ${entryHost}`;
  const ownEffect = winsInOwn ? `it redirects ${entry.namespace}'s own traffic` : `${entry.namespace}'s own proxies still use the Service`;
  return {
    severity: winning.length > 0 ? 'critical' : 'high',
    message:
      winning.length > 0
        ? `ServiceEntry ${name} ${how}, the host of Service ${serviceName}, and replaces that Service in ${countOf(winning.length, 'other namespace')} (${listForMessage(winning)}).`
        : `ServiceEntry ${name} ${how}, the host of Service ${serviceName}; ${ownEffect} and it becomes a hijack if the Service's visibility changes.`,
    namespace: entry.namespace,
    resource: refOf(entry.object),
    affectedNamespaces: winning.length > 0 ? winning : [entry.namespace],
    subjectKey: serviceHost,
    evidence: {
      ...configEvidence(entry),
      shadowedService: describe(service.object),
      serviceHost,
      entryHost,
      serviceExportTo: service.exportTo.values,
      serviceExportToSource: service.exportTo.source,
      namespacesWhereEntryWins: winning,
      winsInOwnNamespace: winsInOwn,
      ...versionEvidence(model),
      ...hostPrecedenceEvidence(model),
    },
    fix: exportToOwnNamespaceFix(entry.object),
    source: entry.object.source,
  };
}
