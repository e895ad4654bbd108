/**
 * Which AuthorizationPolicies are in force for a namespace, and which namespaces exist.
 *
 * Istio applies to a workload the policies of its own namespace (with or without a
 * selector) plus those of the root namespace; a root-namespace policy without selector
 * or targetRefs applies to every workload of the mesh (Istio "Authorization Policy":
 * "If the authorization policy is in the root namespace, the selector will additionally
 * match with workloads in all namespaces"). An empty spec is an ALLOW policy with no
 * rules, i.e. deny all, so it counts. AUDIT policies only log and protect nothing.
 * Policies with a negative status condition were not accepted and do not count.
 * Only a selector-less ALLOW policy makes a namespace default-deny: with DENY or CUSTOM
 * policies alone, or ALLOW policies that select some workloads, everything they do not
 * match is still allowed ("If there are no ALLOW policies for the workload, allow the request").
 * Reference: https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
import { Minimatch } from 'minimatch';
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';
import { statusProblem } from '../snapshot/validate.js';
import { isRecord } from '../records.js';

/** True when the policy targets specific workloads or gateways rather than the whole namespace. */
export function isTargeted(policy: K8sObject): boolean {
  const selector = policy.spec.selector;
  const hasSelector = isRecord(selector) && isRecord(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0;
  const targetRefs = policy.spec.targetRefs;
  return hasSelector || policy.spec.targetRef !== undefined || (Array.isArray(targetRefs) && targetRefs.length > 0);
}

const KNOWN_ACTIONS = new Set(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);

/** The policy's action: ALLOW when absent (the API default), else the value upper-cased; 'INVALID' for a non-string. */
export function policyAction(policy: K8sObject): string {
  const action = policy.spec.action;
  if (action === undefined || action === null) return 'ALLOW';
  return typeof action === 'string' ? action.toUpperCase() : 'INVALID';
}

export interface NamespaceAuthorization {
  /** Policies that protect the namespace (its own and mesh-wide ones), enforcing actions only. */
  applying: K8sObject[];
  /**
   * Applying policies that make the namespace default-deny: a selector-less ALLOW policy of
   * the namespace or of the root namespace. Istio evaluates CUSTOM, DENY, then ALLOW; when no
   * ALLOW policy applies to a workload, a request that no DENY matched is allowed.
   */
  namespaceWideAllow: K8sObject[];
  /** Policies set aside, with why (not accepted, AUDIT only, unknown action, root selector), for evidence. */
  ignored: Array<{ policy: K8sObject; reason: string }>;
}

/** Policies grouped by namespace, so that each namespace only looks at its own and the root's (linear in policies). */
export function policiesByNamespace(policies: K8sObject[]): Map<string, K8sObject[]> {
  const byNamespace = new Map<string, K8sObject[]>();
  for (const policy of policies) {
    const list = byNamespace.get(policy.metadata.namespace) ?? [];
    list.push(policy);
    byNamespace.set(policy.metadata.namespace, list);
  }
  return byNamespace;
}

export function authorizationFor(namespace: string, byNamespace: Map<string, K8sObject[]>, rootNamespace: string): NamespaceAuthorization {
  const applying: K8sObject[] = [];
  const ignored: NamespaceAuthorization['ignored'] = [];
  const own = byNamespace.get(namespace) ?? [];
  const root = namespace === rootNamespace ? [] : (byNamespace.get(rootNamespace) ?? []);
  // A root-namespace policy with a selector applies to the workloads it selects in every namespace
  // (typically a gateway); whether it selects any here is unknown, so it is not credited.
  for (const policy of root.filter(isTargeted)) ignored.push({ policy, reason: 'root-namespace policy with a selector: not a namespace-wide default' });
  for (const policy of [...own, ...root.filter((candidate) => !isTargeted(candidate))]) {
    const action = policyAction(policy);
    if (statusProblem(policy)) ignored.push({ policy, reason: 'not accepted by Istio (negative status)' });
    else if (action === 'AUDIT') ignored.push({ policy, reason: 'AUDIT action only logs' });
    else if (!KNOWN_ACTIONS.has(action)) ignored.push({ policy, reason: `unrecognised action ${JSON.stringify(policy.spec.action)}` });
    else applying.push(policy);
  }
  const namespaceWideAllow = applying.filter((policy) => policyAction(policy) === 'ALLOW' && !isTargeted(policy));
  return { applying, namespaceWideAllow, ignored };
}

/**
 * Source namespaces a policy names in `rules[].from[].source.namespaces` and `notNamespaces`,
 * with where (istioctl analyze authz analyzeNamespaceNotFound checks both).
 */
export function sourceNamespaces(policy: K8sObject): Array<{ value: string; path: string }> {
  const found: Array<{ value: string; path: string }> = [];
  const rules = Array.isArray(policy.spec.rules) ? policy.spec.rules : [];
  rules.forEach((rule, ruleIndex) => {
    const from = isRecord(rule) && Array.isArray(rule.from) ? rule.from : [];
    from.forEach((entry, fromIndex) => {
      const source = isRecord(entry) && isRecord(entry.source) ? entry.source : undefined;
      for (const field of ['namespaces', 'notNamespaces']) {
        const values = source && Array.isArray(source[field]) ? source[field] : [];
        for (const value of values) {
          if (typeof value === 'string') found.push({ value, path: `spec.rules[${ruleIndex}].from[${fromIndex}].source.${field}` });
        }
      }
    });
  });
  return found;
}

/**
 * Source fields and `when` keys that match the peer's mTLS identity: Envoy RBAC
 * `authenticated` principals (or the peer principal filter state), which a plaintext
 * connection does not have (pilot/pkg/security/authz/model/generator.go:
 * srcNamespaceGenerator, srcServiceAccountGenerator, srcTrustDomainGenerator and
 * srcPrincipalGenerator all build principalAuthenticated; model.go maps the `when` keys).
 * `requestPrincipals` are not among them: they match the JWT (request authentication), which
 * a plaintext request can carry.
 */
export const PEER_IDENTITY_FIELDS = ['principals', 'namespaces', 'serviceAccounts', 'trustDomains'] as const;
export const PEER_IDENTITY_NOT_FIELDS = ['notPrincipals', 'notNamespaces', 'notServiceAccounts', 'notTrustDomains'] as const;
export const PEER_IDENTITY_CONDITION_KEYS = ['source.principal', 'source.namespace', 'source.serviceAccount', 'source.trustDomain'] as const;

/** How one rule of a policy uses the peer identity. */
export interface RuleIdentityUse {
  rule: number;
  /** Paths of matchers a request satisfies only with a matching identity (`namespaces`, `when` values). */
  positive: string[];
  /** Paths of negated matchers, which a request without any identity satisfies (`notNamespaces`, `when` notValues). */
  negative: string[];
  /** True when a request without an identity can satisfy the rule's identity conditions (some `from` entry without a positive identity, and no positive identity `when`). */
  plaintextSatisfiesIdentity: boolean;
  /** Destination ports the rule is limited to (`to[].operation.ports`), or undefined for every port. */
  ports?: string[];
}

function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** The rules of a policy that match on the peer identity, with how. */
export function peerIdentityUses(policy: K8sObject): RuleIdentityUse[] {
  const uses: RuleIdentityUse[] = [];
  const rules = Array.isArray(policy.spec.rules) ? policy.spec.rules : [];
  rules.forEach((rule, ruleIndex) => {
    if (!isRecord(rule)) return;
    const positive: string[] = [];
    const negative: string[] = [];
    const from = Array.isArray(rule.from) ? rule.from : [];
    let someEntryWithoutIdentity = from.length === 0;
    from.forEach((entry, fromIndex) => {
      const source = isRecord(entry) && isRecord(entry.source) ? entry.source : {};
      const path = `spec.rules[${ruleIndex}].from[${fromIndex}].source`;
      const entryPositive = PEER_IDENTITY_FIELDS.filter((field) => nonEmptyList(source[field]));
      positive.push(...entryPositive.map((field) => `${path}.${field}`));
      negative.push(...PEER_IDENTITY_NOT_FIELDS.filter((field) => nonEmptyList(source[field])).map((field) => `${path}.${field}`));
      if (entryPositive.length === 0) someEntryWithoutIdentity = true;
    });
    let positiveCondition = false;
    const when = Array.isArray(rule.when) ? rule.when : [];
    when.forEach((condition, whenIndex) => {
      if (!isRecord(condition) || !(PEER_IDENTITY_CONDITION_KEYS as readonly unknown[]).includes(condition.key)) return;
      const path = `spec.rules[${ruleIndex}].when[${whenIndex}]`;
      if (nonEmptyList(condition.values)) {
        positive.push(`${path}.values (${String(condition.key)})`);
        positiveCondition = true;
      }
      if (nonEmptyList(condition.notValues)) negative.push(`${path}.notValues (${String(condition.key)})`);
    });
    if (positive.length === 0 && negative.length === 0) return;
    uses.push({ rule: ruleIndex, positive, negative, plaintextSatisfiesIdentity: someEntryWithoutIdentity && !positiveCondition, ports: rulePorts(rule) });
  });
  return uses;
}

/** Ports a rule is limited to: the union of `to[].operation.ports`, or undefined when some `to` entry (or none at all) leaves ports open. */
function rulePorts(rule: Record<string, unknown>): string[] | undefined {
  const to = Array.isArray(rule.to) ? rule.to : [];
  if (to.length === 0) return undefined;
  const ports = new Set<string>();
  for (const entry of to) {
    const operation = isRecord(entry) && isRecord(entry.operation) ? entry.operation : {};
    if (!nonEmptyList(operation.ports)) return undefined;
    for (const port of operation.ports as unknown[]) if (typeof port === 'string' || typeof port === 'number') ports.add(String(port).trim());
  }
  return [...ports].sort();
}

/**
 * Namespace existence is only known when Namespace objects were read (live LIST or
 * Namespace documents in the manifests); namespaces inferred from objects prove nothing
 * about the ones that are missing.
 */
export function namespaceInventoryKnown(snapshot: ClusterSnapshot): boolean {
  return snapshot.coverage.Namespace?.status === 'read' || snapshot.objects.Namespace.length > 0;
}

/**
 * Istio matches source namespaces exactly, or by a single `*` as prefix or suffix
 * (`prod-*`, `*-prod`, `*`). True when some existing namespace matches.
 */
export function namespacePatternMatchesAny(pattern: string, existing: ReadonlySet<string>): boolean {
  return new NamespacePatterns(existing).matchesAny(pattern);
}

/** Characters minimatch takes literally: a pattern of these around one `*` is a plain prefix or suffix. */
const LITERAL = /^[A-Za-z0-9._-]*$/;

/**
 * namespacePatternMatchesAny for many patterns over one set of namespaces (a policy per
 * namespace naming `team-*` or a namespace long gone): the names are sorted once, forwards and
 * reversed, so a prefix or suffix pattern looks only at the names that start or end with its
 * literal part, and each answer is kept per pattern. Every candidate is still confirmed by
 * minimatch, so the answers are minimatch's; other patterns fall back to trying every name.
 */
export class NamespacePatterns {
  private readonly names: readonly string[];
  private sortedCache?: string[];
  private reversedCache?: string[];
  private readonly answers = new Map<string, boolean>();

  constructor(private readonly existing: ReadonlySet<string>) {
    this.names = [...existing];
  }

  private sorted(): string[] {
    return (this.sortedCache ??= [...this.names].sort());
  }

  /** Names reversed, sorted: a suffix of a name is a prefix of its reversal. */
  private reversed(): string[] {
    return (this.reversedCache ??= this.names.map(reverse).sort());
  }

  matchesAny(pattern: string): boolean {
    if (!pattern.includes('*')) return this.existing.has(pattern);
    let answer = this.answers.get(pattern);
    if (answer === undefined) {
      answer = this.scan(pattern);
      this.answers.set(pattern, answer);
    }
    return answer;
  }

  private scan(pattern: string): boolean {
    // Compiled once for the pattern, not once per namespace it is tried on.
    const glob = new Minimatch(pattern);
    const star = pattern.indexOf('*');
    const single = star === pattern.lastIndexOf('*');
    if (single && star === pattern.length - 1 && LITERAL.test(pattern.slice(0, -1))) {
      return withPrefix(this.sorted(), pattern.slice(0, -1), (name) => glob.match(name));
    }
    if (single && star === 0 && LITERAL.test(pattern.slice(1))) {
      return withPrefix(this.reversed(), reverse(pattern.slice(1)), (name) => glob.match(reverse(name)));
    }
    for (const name of this.names) if (glob.match(name)) return true;
    return false;
  }
}

function reverse(text: string): string {
  return [...text].reverse().join('');
}

/** True when `test` accepts some entry of `sorted` that starts with `prefix` (found by binary search). */
function withPrefix(sorted: readonly string[], prefix: string, test: (entry: string) => boolean): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < prefix) low = middle + 1;
    else high = middle;
  }
  for (let index = low; index < sorted.length && sorted[index]!.startsWith(prefix); index++) if (test(sorted[index]!)) return true;
  return false;
}
