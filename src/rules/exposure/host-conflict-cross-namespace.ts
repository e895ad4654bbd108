import { describe, refOf } from '../../mesh/accessors.js';
import type { ConfigObject } from '../../mesh/config-objects.js';
import { isExportedTo } from '../../mesh/exportto.js';
import { scopeImportsHosts } from '../../mesh/sidecars.js';
import { chooseByExportGroup, chooseServiceDefinition } from '../../mesh/precedence.js';
import type { MeshModel } from '../../mesh/model.js';
import type { Rule, RuleResult } from '../types.js';
import { countOf, ISTIO_DOCS, listForMessage, versionEvidence } from './common.js';

/**
 * host-conflict-cross-namespace: for some tenant namespace N, two or more ServiceEntries
 * (or mesh VirtualServices) of other namespaces declare the same hostname, N imports them,
 * and only creation order decides which one N uses: a hijack window.
 *
 * Grouping is by identical hostname (after short-name resolution). Different but
 * overlapping patterns (`*.example.com` vs `api.example.com`) are not an ordering choice:
 * Envoy picks the most specific match, so they are not reported here.
 */
export const hostConflictCrossNamespaceRule: Rule = {
  meta: {
    id: 'host-conflict-cross-namespace',
    title: 'Hostname defined by several namespaces, decided by age',
    category: 'exposure',
    defaultSeverity: 'critical',
    rationale:
      'When several namespaces define the same hostname and no precedence rule separates them, Istio uses the oldest object: whoever holds the older ServiceEntry or VirtualService captures the traffic of every namespace that imports both.',
    remediation:
      'Keep one owner per hostname: restrict the duplicates with exportTo ["."] or remove them, and let consumers import the intended owner explicitly (Sidecar egress `owner-namespace/host`).',
    references: [ISTIO_DOCS.exportTo, ISTIO_DOCS.trafficBestPractices, 'https://github.com/istio/istio/blob/master/pilot/pkg/model/sidecar.go'],
    requires: ['ServiceEntry', 'VirtualService', 'Service', 'Sidecar', 'ConfigMap'],
    versionNote: 'Istio >= 1.24: one namespace per hostname and proxy, Kubernetes Service preferred',
  },
  evaluate({ model }) {
    const serviceEntries = new Map<string, ConfigObject[]>();
    const virtualServices = new Map<string, ConfigObject[]>();
    const services = new Map<string, ConfigObject[]>();
    for (const config of model.configObjects()) {
      const target = config.kind === 'ServiceEntry' ? serviceEntries : config.kind === 'VirtualService' && config.appliesToSidecars ? virtualServices : config.kind === 'Service' ? services : undefined;
      if (!target) continue;
      for (const host of new Set(config.hosts)) {
        const list = target.get(host) ?? [];
        list.push(config);
        target.set(host, list);
      }
    }
    const results: RuleResult[] = [];
    for (const [kind, byHost] of [['ServiceEntry', serviceEntries], ['VirtualService', virtualServices]] as const) {
      for (const [host, definitions] of byHost) {
        if (new Set(definitions.map((config) => config.namespace)).size < 2) continue;
        const result = evaluateHost(model, kind, host, definitions, services.get(host) ?? []);
        if (result) results.push(result);
      }
    }
    return results;
  },
};

function evaluateHost(model: MeshModel, kind: 'ServiceEntry' | 'VirtualService', host: string, definitions: ConfigObject[], services: ConfigObject[]): RuleResult | undefined {
  const affected: string[] = [];
  const winners = new Map<ConfigObject, string[]>();
  const tied = new Set<ConfigObject>();
  const sidecars = model.sidecars();
  // Which namespaces can see which definitions, from the import graph's shared index (a
  // superset, checked precisely below): no scan of every namespace x every definition.
  const candidatesOf = new Map<string, ConfigObject[]>();
  const checkEverywhere: ConfigObject[] = [];
  for (const config of definitions) {
    const importers = model.candidateImporters(config);
    if (!importers) checkEverywhere.push(config);
    else {
      for (const namespace of [...importers, config.namespace]) {
        const list = candidatesOf.get(namespace);
        if (list) list.push(config);
        else candidatesOf.set(namespace, [config]);
      }
    }
  }
  const namespaces = checkEverywhere.length > 0 ? model.tenantNamespaces() : [...candidatesOf.keys()].filter((namespace) => model.isTenant(namespace)).sort();
  for (const namespace of namespaces) {
    // N's own definition usually wins in N (precedence decides it below), but not always:
    // before Istio 1.24 a proxy without a Sidecar ranks its own public ServiceEntry by age.
    const scopes = sidecars.scopesOf(namespace);
    const visible = [...(candidatesOf.get(namespace) ?? []), ...checkEverywhere].filter(
      (config) => isExportedTo(config.exportTo.scope, config.namespace, namespace) && scopes.some((scope) => scopeImportsHosts(scope, config.namespace, [host])),
    );
    if (new Set(visible.map((config) => config.namespace)).size < 2) continue;
    const visibleServices = services.filter(
      (service) => isExportedTo(service.exportTo.scope, service.namespace, namespace) && scopes.some((scope) => scopeImportsHosts(scope, service.namespace, service.hosts)),
    );
    const proxy = { sidecarDeclared: scopes[0]!.kind !== 'default' };
    const choice =
      kind === 'ServiceEntry' ? chooseServiceDefinition(namespace, [...visible, ...visibleServices], model.snapshot.istioVersion, proxy) : chooseByExportGroup(namespace, visible);
    if (!choice || choice.decidedBy !== 'age' || choice.winner.kind === 'Service') continue;
    if (new Set(choice.tiedByAge.map((config) => config.namespace)).size < 2) continue;
    affected.push(namespace);
    winners.set(choice.winner, [...(winners.get(choice.winner) ?? []), namespace]);
    for (const config of choice.tiedByAge) tied.add(config);
  }
  if (affected.length === 0) return undefined;
  const [winner] = [...winners.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  const contenders = [...tied].sort((a, b) => describe(a.object).localeCompare(describe(b.object)));
  const contenderOwners = [...new Set(contenders.map((config) => config.namespace))].sort();
  return {
    message: `Host ${host} is defined by ${kind === 'ServiceEntry' ? 'ServiceEntries' : 'VirtualServices'} in ${listForMessage(contenderOwners)}; in ${countOf(affected.length, 'namespace')} (${listForMessage(affected)}) only creation order decides, and the oldest, ${describe(winner.object)}, wins.`,
    namespace: winner.namespace,
    resource: refOf(winner.object),
    affectedNamespaces: affected,
    subjectKey: `${kind}:${host}`,
    evidence: {
      host,
      kind,
      conflictingOwners: contenderOwners,
      contenders: contenders.map((config) => ({
        object: describe(config.object),
        creationTimestamp: config.object.metadata.creationTimestamp ?? null,
        effectiveExportTo: config.exportTo.values,
        exportToSource: config.exportTo.source,
      })),
      currentWinnerByAge: describe(winner.object),
      winners: [...winners.entries()].map(([config, namespaces]) => ({ object: describe(config.object), namespaces })),
      decidedBy: 'age',
      ...versionEvidence(model),
    },
    source: winner.object.source,
  };
}
