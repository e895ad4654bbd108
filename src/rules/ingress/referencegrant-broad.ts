import { refOf } from '../../mesh/accessors.js';
import type { GatewayApiModel, GrantEntry } from '../../mesh/gateway-api.js';
import { GATEWAY_API_GROUP } from '../../snapshot/kinds.js';
import type { K8sObject } from '../../snapshot/types.js';
import type { FindingFix, Rule, RuleResult, Severity } from '../types.js';
import { countOf, listForMessage } from '../exposure/common.js';
import { INGRESS_DOCS, MAX_LISTED, nameOf } from './common.js';

/** A grant naming this many source namespaces (other than its own) is broad even with `to.name`. */
export const MANY_FROM_NAMESPACES = 5;

type ToEntry = GrantEntry['to'][number];

function kindLabel(entry: { group: string; kind: string }): string {
  return entry.group ? `${entry.kind}.${entry.group}` : entry.kind;
}

/** Names of `to` objects of the grant's namespace that routes or listeners of its `from` namespaces use today. */
function usedNames(api: GatewayApiModel, grant: GrantEntry, to: ToEntry): string[] {
  const namespace = grant.grant.metadata.namespace;
  const gatewayNamespaces = new Set(grant.from.filter((from) => from.group === GATEWAY_API_GROUP && from.kind === 'Gateway').map((from) => from.namespace));
  const names = new Set<string>();
  // Indexed by grant and by (namespace, Gateway namespace): asked per grant and `to` entry, never a scan of every reference.
  for (const ref of api.backendReferencesAllowedBy(grant.grant)) {
    if (ref.namespace === namespace && ref.group === to.group && ref.kind === to.kind) names.add(ref.name);
  }
  for (const gatewayNamespace of gatewayNamespaces) {
    for (const ref of api.certificateReferencesInto(namespace, gatewayNamespace)) {
      if (ref.group === to.group && ref.kind === to.kind) names.add(ref.name);
    }
  }
  return [...names].sort();
}

/**
 * With `to.name` left out, one `to` entry per object in use today: the same references keep
 * working and nothing else of the namespace is open. The patch carries every open entry of
 * the grant (a merge patch replaces the list), so the grant's findings share it; no fix when
 * an open entry is unused (only its owner knows whether to delete it).
 */
function namedFix(api: GatewayApiModel, grant: GrantEntry): FindingFix | undefined {
  const raw = Array.isArray(grant.grant.spec.to) ? grant.grant.spec.to : undefined;
  if (!raw || raw.length !== grant.to.length) return undefined;
  const to: unknown[] = [];
  for (const [index, entry] of grant.to.entries()) {
    if (entry.name !== undefined) {
      to.push(raw[index]);
      continue;
    }
    const names = usedNames(api, grant, entry);
    if (names.length === 0) return undefined;
    for (const name of names) to.push({ group: entry.group, kind: entry.kind, name });
  }
  return { type: 'merge-patch', target: refOf(grant.grant), patch: { spec: { to } } };
}

/**
 * referencegrant-broad: a ReferenceGrant (GEP-709) whose `to` entry has no `name` opens every
 * object of that kind in its namespace (every Service, present and future; every Secret for
 * listener certificates) to routes or Gateways of the `from` namespaces; Istio's
 * BackendAllowed / SecretAllowed accept any name (AllowAll). A grant naming many source
 * namespaces is broad too. The Secret form is graded high: another namespace's Gateway can
 * then serve the namespace's TLS keys.
 */
export const referenceGrantBroadRule: Rule = {
  meta: {
    id: 'referencegrant-broad',
    title: 'ReferenceGrant opens a whole namespace',
    category: 'ingress',
    defaultSeverity: 'medium',
    rationale:
      "A ReferenceGrant is the owning namespace's consent to be referenced. Without `to.name` it consents for every object of the kind, including ones created later: routes of the granted namespaces can send public traffic to any of its Services, and Gateways there can use any of its Secrets as certificates.",
    remediation: 'List the objects the other namespace needs, one `to` entry each with `name`, and grant only the namespaces (and route kinds) that use them.',
    references: [INGRESS_DOCS.referenceGrant, INGRESS_DOCS.gep709, INGRESS_DOCS.gatewayApiSecurity],
    requires: ['ReferenceGrant', 'KubernetesGateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'],
  },
  evaluate({ model }) {
    const api = model.gatewayApi();
    const results: RuleResult[] = [];
    for (const grant of api.grants) {
      const object = grant.grant;
      const namespace = object.metadata.namespace;
      const fromNamespaces = [...new Set(grant.from.map((from) => from.namespace).filter((from) => from !== namespace))].sort();
      if (fromNamespaces.length === 0) continue;
      const fromKinds = [...new Set(grant.from.map((from) => from.kind))].sort();
      const fix = namedFix(api, grant);
      const base = (to: ToEntry) => ({
        from: grant.from,
        fromNamespaces,
        to,
        usedByName: usedNames(api, grant, to).slice(0, MAX_LISTED),
      });
      for (const to of grant.to) {
        if (to.name === undefined) {
          const severity: Severity = to.kind === 'Secret' && to.group === '' ? 'high' : 'medium';
          results.push(result(object, `${kindLabel(to)}/*`, severity, `ReferenceGrant ${nameOf(object)} has no to.name for ${kindLabel(to)}: ${listForMessage(fromKinds)} of ${listForMessage(fromNamespaces)} may reference every ${kindLabel(to)} of ${namespace}, including ones created later.`, fromNamespaces, { ...base(to), opensEvery: kindLabel(to) }, fix));
        } else if (fromNamespaces.length >= MANY_FROM_NAMESPACES) {
          results.push(result(object, `${kindLabel(to)}/${to.name}`, 'medium', `ReferenceGrant ${nameOf(object)} opens ${kindLabel(to)} ${namespace}/${to.name} to ${countOf(fromNamespaces.length, 'namespace')} (${listForMessage(fromNamespaces)}).`, fromNamespaces, { ...base(to), manyNamespacesThreshold: MANY_FROM_NAMESPACES }, undefined));
        }
      }
    }
    return results;
  },
};

function result(object: K8sObject, subjectKey: string, severity: Severity, message: string, affected: string[], evidence: Record<string, unknown>, fix: FindingFix | undefined): RuleResult {
  return { severity, message, namespace: object.metadata.namespace, resource: refOf(object), affectedNamespaces: affected, subjectKey, evidence, fix, source: object.source };
}
