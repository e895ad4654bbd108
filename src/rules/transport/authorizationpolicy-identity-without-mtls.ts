import { labelsMatch, matchLabelsSelectorOf } from '../../mesh/accessors.js';
import { peerIdentityUses, policyAction, type RuleIdentityUse } from '../../mesh/authorization.js';
import { workloadInMesh } from '../../mesh/injection.js';
import { acceptsPlaintext, hasWorkloadSelector, PeerAuthenticationIndex, type MtlsMode, type WorkloadMtls } from '../../mesh/peer-authentication.js';
import { podsRead, WORKLOAD_KINDS } from '../../mesh/workloads.js';
import { statusProblem } from '../../snapshot/validate.js';
import { listForMessage } from '../exposure/common.js';
import type { Rule, RuleContext, RuleResult } from '../types.js';
import { qualifiedName, refOf } from './refs.js';

/**
 * authorizationpolicy-identity-without-mtls: a policy matches callers by their mTLS identity
 * (principals, namespaces, serviceAccounts, trustDomains, their `not*` forms, the matching
 * `when` keys), but some workload or port it applies to accepts plaintext, which carries no
 * identity (pilot/pkg/security/authz/model/generator.go: those matchers are Envoy
 * `authenticated` principals):
 *
 * - DENY (and CUSTOM, which only sends matching requests to the external authorizer): a rule
 *   naming identities never matches a plaintext request, so plaintext bypasses it (high);
 * - ALLOW: a rule whose identity conditions a request without identity satisfies (only
 *   negated matchers such as `notNamespaces`) admits plaintext (medium).
 *
 * Port-aware: the mTLS mode is taken per workload and per port (workload-level
 * PeerAuthentication, `portLevelMtls`) and compared on the ports the rule is limited to
 * (`to.operation.ports`). Workloads are the Pods and workload templates the policy selects when
 * the Pods were read; otherwise the namespace mode and the workload-level PeerAuthentications
 * whose selectors nest with the policy's.
 */
export const authorizationPolicyIdentityWithoutMtls: Rule = {
  meta: {
    id: 'authorizationpolicy-identity-without-mtls',
    title: 'AuthorizationPolicy matches identities where plaintext is accepted',
    category: 'transport',
    defaultSeverity: 'high',
    rationale:
      'Source principals, namespaces, service accounts and trust domains come from the peer certificate of an mTLS connection. A workload whose mTLS is PERMISSIVE or DISABLE also accepts plaintext, which has no identity: a DENY rule naming identities never matches it, and an ALLOW rule that only excludes identities (notNamespaces, notPrincipals) admits it. Any pod of the cluster, meshed or not, gets around the policy.',
    remediation:
      'Require mTLS where the policy applies: a PeerAuthentication with `mtls.mode: STRICT` for the namespace (or the selected workloads, including every port listed in portLevelMtls). An ALLOW policy should name the callers it admits (namespaces, principals) instead of excluding others.',
    references: [
      'https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source',
      'https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns',
      'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
      'https://github.com/istio/istio/blob/master/pilot/pkg/security/authz/model/generator.go',
    ],
    requires: ['AuthorizationPolicy', 'PeerAuthentication', 'Namespace'],
    // Which workloads a selector matches: without them those checks are skipped (partly unknown).
    partlyRequires: [...WORKLOAD_KINDS],
  },
  evaluate: evaluateIdentityWithoutMtls,
};

/** Where plaintext reaches a policy's workloads: one entry per workload (or namespace-level context). */
interface PlaintextPlace {
  namespace: string;
  /** `Pod/x`, `Deployment/y`, or `namespace` / `PeerAuthentication ns/name` without workload inventory. */
  where: string;
  mode: MtlsMode;
  ports: Record<string, MtlsMode>;
  decidedBy: string;
}

function decidedBy(mtls: WorkloadMtls): string {
  if (mtls.policy) return `PeerAuthentication ${qualifiedName(mtls.policy)}`;
  if (mtls.namespace.policy) return `PeerAuthentication ${qualifiedName(mtls.namespace.policy)}`;
  return "Istio's default PERMISSIVE";
}

/** The ports among `ports` (all when undefined) on which a workload with this mTLS accepts plaintext, as text. */
function weakPortsText(mtls: WorkloadMtls, ports: string[] | undefined): string {
  const listed = Object.entries(mtls.ports).filter(([port, mode]) => mode !== 'STRICT' && (ports === undefined || ports.includes(port)));
  const explicit = listed.map(([port, mode]) => `port ${port} ${mode}`);
  const others = ports === undefined ? mtls.mode !== 'STRICT' : ports.some((port) => !(port in mtls.ports) && mtls.mode !== 'STRICT');
  return [...(others ? [`mTLS ${mtls.mode}`] : []), ...explicit].join(', ');
}

/** True when every port of `ports` (all when undefined) accepts only plaintext (mTLS DISABLE). */
function onlyPlaintext(mtls: WorkloadMtls, ports?: readonly string[]): boolean {
  if (ports === undefined) return mtls.mode === 'DISABLE' && Object.values(mtls.ports).every((mode) => mode === 'DISABLE');
  return ports.every((port) => (mtls.ports[port] ?? mtls.mode) === 'DISABLE');
}

/**
 * ALLOW rules that require a peer identity (a positive matcher every `from` entry has) on
 * workloads whose mTLS is DISABLE on the rule's ports: no request there carries an identity, so
 * the rule never matches and the callers it names are denied (Kiali KIA0105 "requires mTLS").
 * Not a bypass, an unenforceable rule: low. Namespace policies only (a root one has no single mode).
 */
function allowRulesNeverMatching(
  policy: RuleContext['snapshot']['objects']['AuthorizationPolicy'][number],
  namespace: string,
  inRoot: boolean,
  contextsIn: (namespace: string, selector: Record<string, string>) => Array<{ where: string; mtls: WorkloadMtls }>,
): RuleResult[] {
  if (inRoot) return [];
  const needing = peerIdentityUses(policy).filter((use) => use.positive.length > 0 && !use.plaintextSatisfiesIdentity);
  if (needing.length === 0) return [];
  const contexts = contextsIn(namespace, matchLabelsSelectorOf(policy) ?? {});
  const never = needing.filter((use) => contexts.length > 0 && contexts.every(({ mtls }) => onlyPlaintext(mtls, use.ports)));
  if (never.length === 0) return [];
  const fields = never.flatMap((use) => use.positive);
  const first = contexts[0]!;
  return [
    {
      severity: 'low',
      message: `AuthorizationPolicy ${qualifiedName(policy)} (ALLOW) admits callers by identity (${listForMessage(fields, 2)}), but its workloads accept only plaintext (mTLS DISABLE, from ${decidedBy(first.mtls)}): no request carries an identity, so ${never.length === 1 ? 'that rule never matches' : 'those rules never match'} and the callers it names are denied.`,
      namespace,
      resource: refOf(policy),
      affectedNamespaces: [namespace],
      subjectKey: 'identity-never-present',
      evidence: {
        action: 'ALLOW',
        identityMatchers: fields,
        rules: never.map((use) => use.rule),
        plaintextOnly: contexts.slice(0, 20).map(({ where, mtls }) => ({ where, mode: mtls.mode, portLevel: mtls.ports, decidedBy: decidedBy(mtls) })),
      },
      remediation: `Enable mTLS (PERMISSIVE or STRICT) for the workloads AuthorizationPolicy ${qualifiedName(policy)} selects, or stop matching on peer identities there.`,
      source: policy.source,
    },
  ];
}

function evaluateIdentityWithoutMtls({ snapshot, model }: RuleContext): RuleResult[] {
  const rootNamespace = snapshot.meshConfig.rootNamespace;
  const index = new PeerAuthenticationIndex(snapshot.objects.PeerAuthentication, rootNamespace);
  const withPods = podsRead(snapshot);
  const version = snapshot.istioVersion;
  const results: RuleResult[] = [];

  /** mTLS contexts of the workloads `selector` selects in `namespace` (see the rule's comment). */
  const contextsIn = (namespace: string, selector: Record<string, string>): Array<{ where: string; mtls: WorkloadMtls }> => {
    if (withPods) {
      const state = model.injectionOf(namespace);
      return model
        .workloads()
        .workloadsOf(namespace)
        .filter(({ object, template }) => labelsMatch(selector, template.labels) && workloadInMesh(object, state, version))
        .map(({ object, template }) => ({ where: `${object.kind}/${object.metadata.name}`, mtls: index.workloadMtls(namespace, template.labels) }));
    }
    // Without workloads: the policy's own selector stands for its workloads. A workload policy whose
    // selector is a subset of it covers all of them (the oldest such decides), one that is a
    // superset covers some of them.
    const covering = index.workloadPolicies(namespace).find((policy) => labelsMatch(matchLabelsSelectorOf(policy) ?? {}, selector));
    const contexts = [
      covering
        ? { where: `workloads selected by ${qualifiedName(covering)}`, mtls: index.workloadMtls(namespace, matchLabelsSelectorOf(covering) ?? {}) }
        : { where: 'namespace', mtls: index.workloadMtls(namespace, {}) },
    ];
    for (const policy of index.workloadPolicies(namespace)) {
      const policySelector = matchLabelsSelectorOf(policy) ?? {};
      if (policy === covering || !labelsMatch(selector, policySelector)) continue;
      contexts.push({ where: `workloads selected by ${qualifiedName(policy)}`, mtls: index.workloadMtls(namespace, policySelector) });
    }
    return contexts;
  };

  for (const policy of snapshot.objects.AuthorizationPolicy) {
    const namespace = policy.metadata.namespace;
    const inRoot = namespace === rootNamespace;
    if (!inRoot && !model.isTenant(namespace)) continue;
    const action = policyAction(policy);
    if (statusProblem(policy) || !['ALLOW', 'DENY', 'CUSTOM'].includes(action)) continue;
    // Waypoint- and gateway-bound policies (targetRef/targetRefs) see HBONE or gateway identities, not a sidecar's inbound mTLS mode.
    if (policy.spec.targetRef !== undefined || (Array.isArray(policy.spec.targetRefs) && policy.spec.targetRefs.length > 0)) continue;
    const denyLike = action !== 'ALLOW';
    if (!denyLike) results.push(...allowRulesNeverMatching(policy, namespace, inRoot, contextsIn));
    const uses = peerIdentityUses(policy).filter((use) => (denyLike ? use.positive.length > 0 : use.negative.length > 0 && use.plaintextSatisfiesIdentity));
    if (uses.length === 0) continue;
    const selector = matchLabelsSelectorOf(policy) ?? {};
    const hasSelector = hasWorkloadSelector(policy);
    // A root policy with a selector applies to matching workloads of every namespace; without Pods, which ones is unknown.
    if (inRoot && hasSelector && !withPods) continue;
    const namespaces = inRoot ? model.tenantNamespaces() : [namespace];
    const places: PlaintextPlace[] = [];
    const bypassed = new Set<RuleIdentityUse>();
    for (const target of namespaces) {
      for (const { where, mtls } of contextsIn(target, inRoot && !hasSelector ? {} : selector)) {
        const weakUses = uses.filter((use) => acceptsPlaintext(mtls, use.ports));
        if (weakUses.length === 0) continue;
        weakUses.forEach((use) => bypassed.add(use));
        places.push({ namespace: target, where, mode: mtls.mode, ports: mtls.ports, decidedBy: decidedBy(mtls) });
      }
    }
    if (places.length === 0) continue;
    const affected = [...new Set(places.map((place) => place.namespace))].sort();
    const usesList = [...bypassed];
    const fields = usesList.flatMap((use) => (denyLike ? use.positive : use.negative));
    const first = places[0]!;
    const firstMtls = { mode: first.mode, ports: first.ports } as WorkloadMtls;
    const portScope = usesList.every((use) => use.ports) ? ` on port${usesList.flatMap((use) => use.ports!).length > 1 ? 's' : ''} ${[...new Set(usesList.flatMap((use) => use.ports!))].join(', ')}` : '';
    const whereText = inRoot
      ? `in ${listForMessage(affected)}`
      : places.length === 1 && first.where === 'namespace'
        ? `in ${namespace}`
        : `on ${listForMessage(places.map((place) => place.where))}`;
    const weakness = `${weakPortsText(firstMtls, usesList.every((use) => use.ports) ? [...new Set(usesList.flatMap((use) => use.ports!))] : undefined)}, from ${first.decidedBy}`;
    const effect = denyLike
      ? `a plaintext request carries no identity, so it is never ${action === 'DENY' ? 'denied' : 'sent to the external authorizer'} by ${usesList.length === 1 ? 'that rule' : 'those rules'}`
      : 'a plaintext request carries no identity, so it satisfies the negated matchers and is allowed';
    results.push({
      severity: denyLike ? 'high' : 'medium',
      message: `AuthorizationPolicy ${qualifiedName(policy)} (${action}) matches callers by identity (${listForMessage(fields, 2)}), but plaintext is accepted${portScope} ${whereText} (${weakness}): ${effect}.`,
      namespace,
      resource: refOf(policy),
      affectedNamespaces: affected,
      subjectKey: 'identity-without-mtls',
      evidence: {
        action,
        identityMatchers: fields,
        rules: usesList.map((use) => use.rule),
        rulePorts: usesList.every((use) => use.ports) ? [...new Set(usesList.flatMap((use) => use.ports!))].sort() : null,
        plaintextAccepted: places.slice(0, 20).map((place) => ({ namespace: place.namespace, where: place.where, mode: place.mode, portLevel: place.ports, decidedBy: place.decidedBy })),
        plaintextAcceptedCount: places.length,
        workloadInventory: withPods,
      },
      source: policy.source,
    });
  }
  return results;
}

