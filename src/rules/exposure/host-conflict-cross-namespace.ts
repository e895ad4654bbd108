import { compareByAge, describe, refOf } from '../../mesh/accessors.js';
import { namespacesSingledOutBy, type ConfigObject } from '../../mesh/config-objects.js';
import { isExportedTo } from '../../mesh/exportto.js';
import { answeredNamespaces, answersByShape, egressDnsMatches, egressMatchOf, scopeImportsHosts, shapeImportsHosts, type ScopeShape } from '../../mesh/sidecars.js';
import { chooseServiceDefinition, chooseVirtualService, type DecidedBy, type HostChoice } from '../../mesh/precedence.js';
import type { MeshModel } from '../../mesh/model.js';
import type { Rule, RuleResult } from '../types.js';
import { countOf, hostPrecedenceEvidence, ISTIO_DOCS, listForMessage, versionEvidence } from './common.js';

/**
 * host-conflict-cross-namespace: for some tenant namespace N, ServiceEntries (or mesh
 * VirtualServices) of two or more namespaces declare the same hostname, N imports them, and
 * another namespace's definition decides N's traffic without a precedence rule that N
 * controls: only creation order decides (a hijack window), or a foreign definition overrides
 * N's own (for VirtualServices, N's own public one loses to an older public one or to one
 * exported to N by name; see precedence.ts).
 *
 * Grouping is by identical hostname (after short-name resolution). Different but
 * overlapping patterns (`*.example.com` vs `api.example.com`) are not an ordering choice:
 * Envoy picks the most specific match, so they are not reported here. Duplicates within one
 * namespace are that namespace's own business and never reported.
 */
export const hostConflictCrossNamespaceRule: Rule = {
  meta: {
    id: 'host-conflict-cross-namespace',
    title: 'Hostname defined by several namespaces, decided by age or overridden from outside',
    category: 'exposure',
    defaultSeverity: 'critical',
    rationale:
      "When several namespaces define the same hostname and no precedence rule separates them, Istio uses the oldest object: whoever holds the older ServiceEntry or VirtualService captures the traffic of every namespace that imports both. VirtualServices have no own-namespace preference: a tenant's own public VirtualService loses to an older one of another tenant, or to one exported to it by name.",
    remediation:
      'Keep one owner per hostname: restrict the duplicates with exportTo ["."] or remove them, and let consumers import the intended owner explicitly (Sidecar egress `owner-namespace/host`). A namespace that routes its own hosts should export its VirtualService with exportTo ["."] (private definitions come first).',
    references: [
      ISTIO_DOCS.exportTo,
      ISTIO_DOCS.trafficBestPractices,
      'https://github.com/istio/istio/blob/master/pilot/pkg/model/sidecar.go',
      'https://github.com/istio/istio/blob/master/pilot/pkg/model/virtualservice.go',
    ],
    requires: ['ServiceEntry', 'VirtualService', 'Service', 'Sidecar', 'ConfigMap'],
    versionNote: 'Istio >= 1.24: one namespace per hostname and proxy, Kubernetes Service preferred (ServiceEntries only; VirtualService order is the same in every version)',
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
        results.push(...evaluateHost(model, kind, host, definitions, services.get(host) ?? []));
      }
    }
    return results;
  },
};

/** What one namespace (or every namespace of a shape) uses for the host, when it is a finding. */
interface ConflictAnswer {
  choice: HostChoice;
  /** The namespace's own definitions that lose to another namespace's. */
  overridden: ConfigObject[];
}

/**
 * Which tenant namespaces use an age-ordered or overriding foreign definition of `host`.
 * Namespaces that neither own a definition nor are named by an exportTo see only the
 * definitions exported to `*`, through the foreign egress hosts of their Sidecar scopes: they
 * are decided once per scope shape (answersByShape), so a host defined by many tenants costs
 * O(shapes + owners), not O(namespaces x definitions).
 */
function evaluateHost(model: MeshModel, kind: 'ServiceEntry' | 'VirtualService', host: string, definitions: ConfigObject[], services: ConfigObject[]): RuleResult[] {
  const sidecars = model.sidecars();
  const version = model.snapshot.istioVersion;
  // ServiceEntries: from 1.24 a namespace's own definition always decides there. VirtualServices: never by itself.
  const unified = model.hostPrecedence.unified;
  const ownServiceEntryWins = kind === 'ServiceEntry' && unified;
  const publicDefinitions = oldestFirst(definitions.filter((config) => config.exportTo.scope.all));
  const publicServices = services.filter((service) => service.exportTo.scope.all);
  // Definitions that a namespace sees other than through `*` exports: its own, and those naming it.
  const related = new Map<string, ConfigObject[]>();
  for (const config of definitions) {
    pushTo(related, config.namespace, config);
    if (!config.exportTo.scope.all) for (const name of config.exportTo.scope.names) if (name !== config.namespace) pushTo(related, name, config);
  }
  const publicByOwner = new Map<string, ConfigObject[]>();
  for (const config of publicDefinitions) pushTo(publicByOwner, config.namespace, config);
  const agePosition = new Map(publicDefinitions.map((config, position) => [config, position]));
  const publicSeenByShape = new Map<ScopeShape, ConfigObject[]>();
  // Every definition here is of `kind`: ServiceEntries are imported by egress hosts covering the host, VirtualServices by overlapping ones (EgressMatch).
  const match = egressMatchOf(kind);
  // The public definitions a shape imports (shapeImportsHosts for each, oldest first). All of them
  // have this host, so a `*` egress host overlapping it imports every one, and an `owner/...`
  // egress host those of its owner: no walk over every definition for each namespace's shape.
  const publicSeenBy = (shape: ScopeShape): ConfigObject[] => {
    let seen = publicSeenByShape.get(shape);
    if (!seen) {
      const importing = shape.foreignEgress.filter((egress) => egressDnsMatches(egress.dnsName, host, match));
      if (importing.some((egress) => egress.namespace === '*')) seen = publicDefinitions;
      else {
        const owners = new Set(importing.map((egress) => egress.namespace));
        seen = [...owners].flatMap((owner) => publicByOwner.get(owner) ?? []).sort((a, b) => agePosition.get(a)! - agePosition.get(b)!);
      }
      publicSeenByShape.set(shape, seen);
    }
    return seen;
  };

  const ask = (namespace: string, shape: ScopeShape, singledOut: boolean): ConflictAnswer | undefined => {
    let visible: ConfigObject[];
    let visibleServices: ConfigObject[];
    if (!singledOut) {
      visible = publicSeenBy(shape);
      visibleServices = publicServices.filter((service) => shapeImportsHosts(shape, service.namespace, service.hosts, 'covered'));
    } else {
      const scopes = sidecars.scopesOf(namespace);
      const sees = (config: ConfigObject, hosts: string[]) =>
        isExportedTo(config.exportTo.scope, config.namespace, namespace) && scopes.some((scope) => scopeImportsHosts(scope, config.namespace, hosts, egressMatchOf(config.kind)));
      const ownOrNamed = (related.get(namespace) ?? []).filter((config) => sees(config, [host]));
      // N's own ServiceEntry wins in N from 1.24 on (and behind a Sidecar before); not before 1.24
      // without a Sidecar, where an own public one ranks by age.
      if ((ownServiceEntryWins || (kind === 'ServiceEntry' && shape.sidecarDeclared)) && ownOrNamed.some((config) => config.namespace === namespace)) return undefined;
      // Other namespaces' `*` exports reach N as they reach any namespace of its shape.
      visible = [...publicSeenBy(shape).filter((config) => config.namespace !== namespace), ...ownOrNamed];
      visibleServices = services.filter((service) => sees(service, service.hosts));
    }
    if (new Set(visible.map((config) => config.namespace)).size < 2) return undefined;
    const proxy = { sidecarDeclared: shape.sidecarDeclared, unified };
    const choice = kind === 'ServiceEntry' ? chooseServiceDefinition(namespace, [...visible, ...visibleServices], version, proxy) : chooseVirtualService(namespace, visible);
    if (!choice || choice.winner.kind === 'Service') return undefined;
    const overridden = choice.winner.namespace === namespace ? [] : visible.filter((config) => config.namespace === namespace);
    const window = choice.decidedBy === 'age' && new Set(choice.tiedByAge.map((config) => config.namespace)).size >= 2;
    if (!window && overridden.length === 0) return undefined;
    return { choice, overridden };
  };

  const answers = answersByShape(model.tenantShapes(), namespacesSingledOutBy([...definitions, ...services]), ask);
  const affected = answeredNamespaces(answers);
  if (affected.length === 0) return [];
  // Winners in the order of the first namespace each one wins, as a walk over sorted namespaces would meet them.
  const namespacesByWinner = new Map<ConfigObject, { namespaces: string[]; decidedBy: Set<DecidedBy> }>();
  const contenderSet = new Set<ConfigObject>();
  const overrides: { namespace: string; winner: ConfigObject; overridden: ConfigObject[]; decidedBy: DecidedBy }[] = [];
  const windowNamespaces: string[] = [];
  for (const { answer, namespaces } of answers) {
    const entry = namespacesByWinner.get(answer.choice.winner) ?? { namespaces: [], decidedBy: new Set<DecidedBy>() };
    entry.namespaces.push(...namespaces);
    entry.decidedBy.add(answer.choice.decidedBy);
    namespacesByWinner.set(answer.choice.winner, entry);
    contenderSet.add(answer.choice.winner);
    for (const config of answer.choice.tiedByAge) contenderSet.add(config);
    for (const config of answer.overridden) contenderSet.add(config);
    if (answer.choice.decidedBy === 'age') windowNamespaces.push(...namespaces);
    // Overrides only happen in namespaces that own a definition: always singled out, one namespace per answer.
    if (answer.overridden.length > 0) overrides.push({ namespace: namespaces[0]!, winner: answer.choice.winner, overridden: answer.overridden, decidedBy: answer.choice.decidedBy });
  }
  for (const entry of namespacesByWinner.values()) entry.namespaces.sort();
  const winners = [...namespacesByWinner].sort((a, b) => (a[1].namespaces[0]! < b[1].namespaces[0]! ? -1 : 1));
  const [winner] = [...winners].sort((a, b) => b[1].namespaces.length - a[1].namespaces.length)[0]!;
  const contenders = [...contenderSet].sort((a, b) => describe(a.object).localeCompare(describe(b.object)));
  const contenderOwners = [...new Set(contenders.map((config) => config.namespace))].sort();
  windowNamespaces.sort();
  const plural = kind === 'ServiceEntry' ? 'ServiceEntries' : 'VirtualServices';
  const parts: string[] = [];
  if (windowNamespaces.length > 0) {
    parts.push(`in ${countOf(windowNamespaces.length, 'namespace')} (${listForMessage(windowNamespaces)}) only creation order decides, and the oldest, ${describe(winner.object)}, wins`);
  }
  for (const override of overrides.filter((o) => o.decidedBy !== 'age').slice(0, 3)) {
    parts.push(`in ${override.namespace}, ${describe(override.winner.object)} (exported to ${override.namespace} by name) overrides ${override.namespace}'s own ${listForMessage(override.overridden.map((config) => describe(config.object)))}`);
  }
  const ageOverrides = overrides.filter((o) => o.decidedBy === 'age').map((o) => o.namespace);
  if (ageOverrides.length > 0) parts.push(`the own definitions of ${listForMessage(ageOverrides)} lose there to another namespace's`);
  const main: RuleResult = {
    message: `Host ${host} is defined by ${plural} in ${listForMessage(contenderOwners)}; ${parts.join('; ')}.`,
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
      ...(windowNamespaces.length > 0 ? { currentWinnerByAge: describe(winner.object), namespacesDecidedByAge: windowNamespaces } : {}),
      winners: winners.map(([config, entry]) => ({ object: describe(config.object), namespaces: entry.namespaces, decidedBy: [...entry.decidedBy].sort() })),
      overriddenOwnDefinitions: overrides.map((override) => ({
        namespace: override.namespace,
        winner: describe(override.winner.object),
        decidedBy: override.decidedBy,
        overridden: override.overridden.map((config) => describe(config.object)),
      })),
      decidedBy: windowNamespaces.length > 0 ? 'age' : 'export-group',
      ...versionEvidence(model),
      ...(kind === 'ServiceEntry' ? hostPrecedenceEvidence(model) : {}),
    },
    source: winner.object.source,
  };
  // Each own definition that loses in its own namespace is reported on its own object too: its
  // owner's routing for the host is decided elsewhere (istioctl analyze flags every conflicting object).
  const victims: RuleResult[] = [];
  for (const override of overrides) {
    const how = override.decidedBy === 'age' ? 'comes first in creation order' : `is exported to ${override.namespace} by name`;
    for (const config of override.overridden) {
      if (config === winner) continue;
      victims.push({
        message: `${describe(config.object)} is not used for ${host} in its own namespace: ${describe(override.winner.object)} ${how} and takes precedence there, so ${override.winner.namespace} decides ${override.namespace}'s traffic to ${host}.`,
        namespace: override.namespace,
        resource: refOf(config.object),
        affectedNamespaces: [override.namespace],
        subjectKey: `${kind}:${host}:overridden`,
        evidence: { host, kind, winner: describe(override.winner.object), decidedBy: override.decidedBy, conflictingOwners: contenderOwners, ...versionEvidence(model), ...(kind === 'ServiceEntry' ? hostPrecedenceEvidence(model) : {}) },
        source: config.object.source,
      });
    }
  }
  return [main, ...victims];
}

function oldestFirst(configs: ConfigObject[]): ConfigObject[] {
  return [...configs].sort((a, b) => compareByAge(a.object, b.object));
}

function pushTo<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
