import { refOf } from '../../mesh/accessors.js';
import { listenerAdmits, type Listener } from '../../mesh/gateway-api.js';
import { OwnerList } from '../../mesh/imports.js';
import { describeSelector, NAMESPACE_NAME_LABEL } from '../../mesh/label-selectors.js';
import type { MeshModel } from '../../mesh/model.js';
import type { K8sObject } from '../../snapshot/types.js';
import { isRecord } from '../../records.js';
import { withListSummary } from '../list-summary.js';
import type { FindingFix, Rule, RuleResult } from '../types.js';
import { countOf, listForMessage } from '../exposure/common.js';
import { aksGatewayApiEvidence, INGRESS_DOCS, MAX_LISTED, nameOf } from './common.js';

interface Admission {
  listener: Listener;
  /** Admits every namespace, including ones created later. */
  everyNamespace: boolean;
  /** Tenant namespaces other than the Gateway's own that it admits today (a view over a list listeners with the same allowedRoutes share). */
  tenants: OwnerList;
}

/**
 * Which tenants a listener admits (namespacesFromSelector); undefined when it admits only its own
 * namespace. Apart from `Same`, admission depends only on `from` and the selector, so the sorted
 * tenants each distinct one admits are listed once (`admitted`), not once per listener: a
 * Gateway per tenant with `from: All` would otherwise try every namespace per Gateway.
 */
function admissionOf(model: MeshModel, listener: Listener, admitted: Map<string, readonly string[]>): Admission | undefined {
  // A listener supporting no route kind (an unknown protocol, allowedRoutes.kinds naming none it
  // supports) admits no route whatever its namespaces: GenerateGatewaySupportedKinds returns none.
  if (listener.from === 'Same' || listener.kinds.length === 0) return undefined;
  const own = listener.gateway.metadata.namespace;
  const everyNamespace = listener.from === 'All' || (listener.selector?.valid === true && listener.selector.requirements.length === 0);
  const key = listener.from === 'All' ? 'All' : `Selector ${JSON.stringify(listener.selector)}`;
  let shared = admitted.get(key);
  if (!shared) {
    shared = Object.freeze(model.tenantNamespaces().filter((namespace) => listenerAdmits(listener, namespace, model.snapshot.namespaces.get(namespace)?.labels ?? {})));
    admitted.set(key, shared);
  }
  return { listener, everyNamespace, tenants: new OwnerList(shared, own) };
}

/** listForMessage of a list known by its size and first entries. */
function listForMessageOf(list: OwnerList, max = 3): string {
  return list.size > max ? `${list.first(max).join(', ')} and ${list.size - max} more` : listForMessage(list.first(max));
}

function isBroad(admission: Admission): boolean {
  return admission.everyNamespace || admission.tenants.size >= 2;
}

/**
 * gateway-allowedroutes-broad: a Gateway API listener that admits routes from every
 * namespace (`allowedRoutes.namespaces.from: All`, or a Selector matching every namespace) or
 * from a selector matching two or more tenant namespaces. Any of them can attach routes for
 * the listener's hostnames; their hostnames and matches then compete on one listener
 * (route-hostname-conflict-cross-namespace). A selector matching one tenant is a dedicated
 * listener and does not fire.
 */
export const gatewayAllowedRoutesBroadRule: Rule = {
  meta: {
    id: 'gateway-allowedroutes-broad',
    title: 'Gateway listener admits routes from many tenant namespaces',
    category: 'ingress',
    defaultSeverity: 'high',
    rationale:
      "allowedRoutes decides which namespaces may attach routes to a listener. `from: All` (or a selector matching many tenants) lets every tenant attach HTTPRoutes for the listener's hostnames, including hostnames another tenant serves: route precedence, not ownership, then decides who gets the traffic.",
    remediation:
      'Give each tenant its own listener (with its hostname) whose allowedRoutes.namespaces uses `from: Selector` with a selector matching only that tenant (for example `kubernetes.io/metadata.name: tenant-a`), or keep the routes in the Gateway\'s namespace (`from: Same`) and reach tenant Services through ReferenceGrants.',
    references: [INGRESS_DOCS.gatewayApiSecurity, INGRESS_DOCS.routeAttachment, INGRESS_DOCS.istioGatewayApi],
    requires: ['KubernetesGateway', 'Namespace', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute'],
  },
  evaluate({ model }) {
    const api = model.gatewayApi();
    const byGateway = new Map<K8sObject, Admission[]>();
    const admitted = new Map<string, readonly string[]>();
    for (const listener of api.listeners) {
      const admission = admissionOf(model, listener, admitted);
      if (!admission || !isBroad(admission)) continue;
      const list = byGateway.get(listener.gateway) ?? [];
      list.push(admission);
      byGateway.set(listener.gateway, list);
    }
    const results: RuleResult[] = [];
    for (const [gateway, admissions] of byGateway) {
      const fix = narrowFix(model, gateway, admissions);
      for (const admission of admissions) {
        const { listener } = admission;
        const attached = [...new Set(api.attachmentsOf(listener).map((attachment) => attachment.route.namespace))].sort();
        const attachedTenants = attached.filter((namespace) => model.isTenant(namespace) && namespace !== gateway.metadata.namespace);
        const how = listener.from === 'All' ? 'from every namespace (allowedRoutes.namespaces.from: All)' : `from namespaces matching ${describeSelector(listener.selector!)}${admission.everyNamespace ? ', which is every namespace' : ` (${countOf(admission.tenants.size, 'tenant namespace')}: ${listForMessageOf(admission.tenants)})`}`;
        const host = listener.hostname ? `hostname ${listener.hostname}` : 'any hostname';
        const affected = admission.everyNamespace ? new OwnerList(model.tenantNamespaces(), gateway.metadata.namespace) : admission.tenants;
        const result: RuleResult = {
          message: `Listener ${listener.name} of Gateway ${nameOf(gateway)} (port ${listener.port}, ${host}) admits routes ${how}; ${attachedTenants.length === 0 ? 'no tenant route is attached yet, but any tenant can attach one' : `routes of ${listForMessage(attachedTenants)} are attached and compete for its hostnames`}.`,
          namespace: gateway.metadata.namespace,
          resource: refOf(gateway),
          // Every (or every matching) tenant but the Gateway's own: a view over a shared sorted list, built when read.
          get affectedNamespaces() {
            return affected.toArray();
          },
          subjectKey: listener.name,
          evidence: {
            listener: listener.name,
            port: listener.port,
            protocol: listener.protocol,
            hostname: listener.hostname ?? null,
            from: listener.from,
            ...(listener.selector ? { selector: describeSelector(listener.selector) } : {}),
            admitsEveryNamespace: admission.everyNamespace,
            admittedTenantNamespaces: admission.tenants.first(MAX_LISTED),
            admittedTenantNamespaceCount: admission.tenants.size,
            attachedRouteNamespaces: attached,
            gatewayClass: typeof gateway.spec.gatewayClassName === 'string' ? gateway.spec.gatewayClassName : null,
            ...aksGatewayApiEvidence(model),
          },
          fix,
          source: gateway.source,
        };
        results.push(withListSummary(result, 'affectedNamespaces', affected));
      }
    }
    return results;
  },
};

/**
 * Mechanical only when no more than one foreign tenant uses the broad listeners today:
 * admit exactly the namespaces whose routes are attached (own namespace if none), by name.
 * The patch carries every broad listener of the Gateway (a merge patch replaces the list),
 * so the findings of one Gateway share it.
 */
function narrowFix(model: MeshModel, gateway: K8sObject, admissions: Admission[]): FindingFix | undefined {
  const raw = Array.isArray(gateway.spec.listeners) ? gateway.spec.listeners : undefined;
  if (!raw) return undefined;
  const api = model.gatewayApi();
  const own = gateway.metadata.namespace;
  const narrowed = new Map<string, string[]>();
  for (const { listener } of admissions) {
    const attached = [...new Set(api.attachmentsOf(listener).map((attachment) => attachment.route.namespace))];
    if (attached.filter((namespace) => namespace !== own && model.isTenant(namespace)).length > 1) return undefined;
    narrowed.set(listener.name, attached.length > 0 ? attached.sort() : [own]);
  }
  const listeners = raw.map((entry) => {
    if (!isRecord(entry) || typeof entry.name !== 'string' || !narrowed.has(entry.name)) return entry;
    const namespaces = narrowed.get(entry.name)!;
    const allowedRoutes = isRecord(entry.allowedRoutes) ? entry.allowedRoutes : {};
    const to =
      namespaces.length === 1 && namespaces[0] === own
        ? { from: 'Same' }
        : { from: 'Selector', selector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: namespaces }] } };
    return { ...entry, allowedRoutes: { ...allowedRoutes, namespaces: to } };
  });
  return { type: 'merge-patch', target: refOf(gateway), patch: { spec: { listeners } } };
}
