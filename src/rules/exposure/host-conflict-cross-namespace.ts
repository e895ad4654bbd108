import { compareByAge, describe, refOf } from '../../mesh/accessors.js';
import { namespacesSingledOutBy, type ConfigObject } from '../../mesh/config-objects.js';
import { isExportedTo } from '../../mesh/exportto.js';
import { answeredNamespaces, answersByShape, scopeImportsHosts, shapeImportsHosts, type ScopeShape } from '../../mesh/sidecars.js';
import { chooseByExportGroup, chooseServiceDefinition, type HostChoice } from '../../mesh/precedence.js';
import { hasHostPrecedence124 } from '../../mesh/version.js';
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

/**
 * Which tenant namespaces use an age-ordered definition of `host`. Namespaces that neither
 * own a definition nor are named by an exportTo see only the definitions exported to `*`,
 * through the foreign egress hosts of their Sidecar scopes: they are decided once per scope
 * shape (answersByShape), so a host defined by many tenants costs O(shapes + owners), not
 * O(namespaces x definitions).
 */
function evaluateHost(model: MeshModel, kind: 'ServiceEntry' | 'VirtualService', host: string, definitions: ConfigObject[], services: ConfigObject[]): RuleResult | undefined {
  const sidecars = model.sidecars();
  const version = model.snapshot.istioVersion;
  // Own definitions decide for their namespace whenever Istio lets the own namespace win.
  const ownWins = kind === 'VirtualService' || hasHostPrecedence124(version);
  const publicDefinitions = oldestFirst(definitions.filter((config) => config.exportTo.scope.all));
  const publicServices = services.filter((service) => service.exportTo.scope.all);
  // Definitions that a namespace sees other than through `*` exports: its own, and those naming it.
  const related = new Map<string, ConfigObject[]>();
  for (const config of definitions) {
    pushTo(related, config.namespace, config);
    if (!config.exportTo.scope.all) for (const name of config.exportTo.scope.names) if (name !== config.namespace) pushTo(related, name, config);
  }
  const publicSeenByShape = new Map<ScopeShape, ConfigObject[]>();
  const publicSeenBy = (shape: ScopeShape): ConfigObject[] => {
    let seen = publicSeenByShape.get(shape);
    if (!seen) {
      seen = publicDefinitions.filter((config) => shapeImportsHosts(shape, config.namespace, [host]));
      publicSeenByShape.set(shape, seen);
    }
    return seen;
  };

  const ask = (namespace: string, shape: ScopeShape, singledOut: boolean): HostChoice | undefined => {
    let visible: ConfigObject[];
    let visibleServices: ConfigObject[];
    if (!singledOut) {
      visible = publicSeenBy(shape);
      visibleServices = publicServices.filter((service) => shapeImportsHosts(shape, service.namespace, service.hosts));
    } else {
      const scopes = sidecars.scopesOf(namespace);
      const sees = (config: ConfigObject, hosts: string[]) =>
        isExportedTo(config.exportTo.scope, config.namespace, namespace) && scopes.some((scope) => scopeImportsHosts(scope, config.namespace, hosts));
      const ownOrNamed = (related.get(namespace) ?? []).filter((config) => sees(config, [host]));
      // N's own definition usually wins in N, but not always: before Istio 1.24 a proxy
      // without a Sidecar ranks its own public ServiceEntry by age.
      if ((ownWins || shape.sidecarDeclared) && ownOrNamed.some((config) => config.namespace === namespace)) return undefined;
      // Other namespaces' `*` exports reach N as they reach any namespace of its shape.
      visible = [...publicSeenBy(shape).filter((config) => config.namespace !== namespace), ...ownOrNamed];
      visibleServices = services.filter((service) => sees(service, service.hosts));
    }
    if (new Set(visible.map((config) => config.namespace)).size < 2) return undefined;
    const proxy = { sidecarDeclared: shape.sidecarDeclared };
    const choice = kind === 'ServiceEntry' ? chooseServiceDefinition(namespace, [...visible, ...visibleServices], version, proxy) : chooseByExportGroup(namespace, visible);
    if (!choice || choice.decidedBy !== 'age' || choice.winner.kind === 'Service') return undefined;
    if (new Set(choice.tiedByAge.map((config) => config.namespace)).size < 2) return undefined;
    return choice;
  };

  const answers = answersByShape(model.tenantShapes(), namespacesSingledOutBy([...definitions, ...services]), ask);
  const affected = answeredNamespaces(answers);
  // Winners in the order of the first namespace each one wins, as a walk over sorted namespaces would meet them.
  const namespacesByWinner = new Map<ConfigObject, string[]>();
  const tied = new Set<ConfigObject>();
  for (const { answer, namespaces } of answers) {
    namespacesByWinner.set(answer.winner, [...(namespacesByWinner.get(answer.winner) ?? []), ...namespaces]);
    for (const config of answer.tiedByAge) tied.add(config);
  }
  for (const namespaces of namespacesByWinner.values()) namespaces.sort();
  const winners = new Map([...namespacesByWinner].sort((a, b) => (a[1][0]! < b[1][0]! ? -1 : 1)));
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

function oldestFirst(configs: ConfigObject[]): ConfigObject[] {
  return [...configs].sort((a, b) => compareByAge(a.object, b.object));
}

function pushTo<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
