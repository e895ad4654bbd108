import { expect } from '@jest/globals';
import { authorizationPolicyIdentityWithoutMtls } from '../../../src/rules/transport/authorizationpolicy-identity-without-mtls.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');
const peer = (namespace: string, name: string, spec: string) => `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ${name}, namespace: ${namespace}}
spec: ${spec}
`;
const policy = (namespace: string, name: string, spec: string) => `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: ${namespace}}
spec: ${spec}
`;
const denyUntrusted = policy('t1', 'deny-untrusted', '{action: DENY, rules: [{from: [{source: {namespaces: ["untrusted"]}}]}]}');
const strictRoot = peer('istio-system', 'default', '{mtls: {mode: STRICT}}');
/** Namespace STRICT, but the api workloads accept plaintext on 8080 (portLevelMtls). */
const portException = strictRoot + peer('t1', 'api-8080', '{selector: {matchLabels: {app: api}}, mtls: {mode: STRICT}, portLevelMtls: {"8080": {mode: PERMISSIVE}}}');

runRuleTests(authorizationPolicyIdentityWithoutMtls, {
  valid: [
    { name: 'a mesh-wide STRICT PeerAuthentication makes identities hold', manifests: ns('t1', 'istio-system') + strictRoot + denyUntrusted },
    { name: 'a namespace STRICT PeerAuthentication', manifests: ns('t1') + peer('t1', 'default', '{mtls: {mode: STRICT}}') + denyUntrusted },
    {
      // A plaintext request has no identity, so an ALLOW naming callers rejects it: the policy holds (it just refuses plaintext callers).
      name: 'ALLOW naming callers under PERMISSIVE',
      manifests: ns('t1') + policy('t1', 'allow-frontend', '{action: ALLOW, rules: [{from: [{source: {namespaces: [frontend], notPrincipals: ["cluster.local/ns/frontend/sa/batch"]}}]}]}'),
    },
    {
      // not(authenticated principal) is true for plaintext: a DENY on notNamespaces denies plaintext too.
      name: 'DENY on negated identities only (plaintext is denied)',
      manifests: ns('t1') + policy('t1', 'deny-others', '{action: DENY, rules: [{from: [{source: {notNamespaces: [t1]}}]}]}'),
    },
    {
      // generator.go: requestPrincipals match the JWT (request authentication), which plaintext can carry.
      name: 'requestPrincipals need a JWT, not mTLS',
      manifests: ns('t1') + policy('t1', 'deny-jwt', '{action: DENY, rules: [{from: [{source: {requestPrincipals: ["evil/*"]}}]}]}'),
    },
    {
      // Only a DISABLE mode leaves no identity at all; an ALLOW on a port that still takes mTLS can match.
      name: 'ALLOW naming callers where only another port is DISABLE, or where some entry needs no identity',
      manifests:
        ns('t1') +
        peer('t1', 'default', '{mtls: {mode: STRICT}}') +
        peer('t1', 'api-8080', '{selector: {matchLabels: {app: api}}, portLevelMtls: {"8080": {mode: DISABLE}}}') +
        policy('t1', 'allow-9090', '{selector: {matchLabels: {app: api}}, action: ALLOW, rules: [{from: [{source: {namespaces: [frontend]}}], to: [{operation: {ports: ["9090"]}}]}]}') +
        peer('t1', 'web-off', '{selector: {matchLabels: {app: web}}, mtls: {mode: DISABLE}}') +
        policy('t1', 'allow-any-ip', '{selector: {matchLabels: {app: web}}, action: ALLOW, rules: [{from: [{source: {namespaces: [frontend]}}, {source: {ipBlocks: ["10.0.0.0/8"]}}]}]}'),
    },
    {
      name: 'port-aware: the rule is limited to a port that requires mTLS',
      manifests: ns('t1', 'istio-system') + portException + policy('t1', 'deny-admin', '{selector: {matchLabels: {app: api}}, action: DENY, rules: [{from: [{source: {namespaces: [untrusted]}}], to: [{operation: {ports: ["9090"]}}]}]}'),
    },
    {
      name: 'a STRICT workload PeerAuthentication covering the selected workloads of a PERMISSIVE namespace',
      manifests: ns('t1') + peer('t1', 'api-strict', '{selector: {matchLabels: {app: api}}, mtls: {mode: STRICT}}') + policy('t1', 'deny-api', '{selector: {matchLabels: {app: api, version: v1}}, action: DENY, rules: [{from: [{source: {principals: ["cluster.local/ns/x/sa/y"]}}]}]}'),
    },
    {
      name: 'AUDIT policies enforce nothing; policies bound to a waypoint (targetRefs) are out of scope',
      manifests:
        ns('t1') +
        policy('t1', 'audit', '{action: AUDIT, rules: [{from: [{source: {namespaces: [untrusted]}}]}]}') +
        policy('t1', 'waypoint', '{targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}], action: DENY, rules: [{from: [{source: {namespaces: [untrusted]}}]}]}'),
    },
    {
      name: 'with Pods read: the selected Pods have a STRICT workload policy although the namespace is PERMISSIVE',
      manifests: `${ns('t1').replace('{name: t1}', '{name: t1, labels: {istio-injection: enabled}}')}---
apiVersion: v1
kind: Pod
metadata: {name: api-1, namespace: t1, labels: {app: api}}
spec: {containers: [{name: api, image: api}]}
${peer('t1', 'api-strict', '{selector: {matchLabels: {app: api}}, mtls: {mode: STRICT}}')}${policy('t1', 'deny-api', '{selector: {matchLabels: {app: api}}, action: DENY, rules: [{from: [{source: {namespaces: [untrusted]}}]}]}')}`,
    },
  ],
  invalid: [
    {
      // Kiali mtls_enabled_checker_7: an ALLOW on principals where mTLS is DISABLE never matches.
      name: 'ALLOW naming callers on workloads with mTLS DISABLE: the rule can never match (low)',
      manifests: ns('t1') + peer('t1', 'default', '{mtls: {mode: DISABLE}}') + policy('t1', 'allow-frontend', '{selector: {matchLabels: {app: api}}, action: ALLOW, rules: [{from: [{source: {principals: ["cluster.local/ns/frontend/sa/web"]}}]}]}'),
      findings: [
        {
          severity: 'low',
          resourceName: 'allow-frontend',
          subjectKey: 'identity-never-present',
          affectedNamespaces: ['t1'],
          messageIncludes: ['(ALLOW) admits callers by identity (spec.rules[0].from[0].source.principals)', 'accept only plaintext (mTLS DISABLE, from PeerAuthentication t1/default)', 'never matches'],
          check: (f) => expect(f.evidence).toMatchObject({ rules: [0], identityMatchers: ['spec.rules[0].from[0].source.principals'] }),
        },
      ],
    },
    {
      name: 'issue 13 repro: a DENY on source namespaces under a PERMISSIVE namespace policy',
      manifests: peer('t1', 'default', '{mtls: {mode: PERMISSIVE}}') + denyUntrusted,
      findings: [
        {
          severity: 'high',
          namespace: 't1',
          resourceKind: 'AuthorizationPolicy',
          resourceName: 'deny-untrusted',
          affectedNamespaces: ['t1'],
          messageIncludes: ['(DENY) matches callers by identity (spec.rules[0].from[0].source.namespaces)', 'plaintext is accepted in t1', 'PeerAuthentication t1/default', 'never denied'],
          check: (f) => expect(f.evidence).toMatchObject({ action: 'DENY', rules: [0], rulePorts: null }),
        },
      ],
    },
    {
      name: "no PeerAuthentication anywhere: Istio's default PERMISSIVE; principals, serviceAccounts and when keys count too",
      manifests:
        ns('t1') +
        policy('t1', 'deny-sa', '{action: DENY, rules: [{from: [{source: {serviceAccounts: ["evil/sa"]}}]}]}') +
        policy('t1', 'deny-when', '{action: DENY, rules: [{when: [{key: source.namespace, values: [untrusted]}]}]}') +
        policy('t1', 'custom', '{action: CUSTOM, provider: {name: ext}, rules: [{from: [{source: {principals: ["cluster.local/ns/x/sa/y"]}}]}]}'),
      findings: [
        { severity: 'high', resourceName: 'deny-sa', messageIncludes: ["Istio's default PERMISSIVE"] },
        { severity: 'high', resourceName: 'deny-when', messageIncludes: ['when[0].values (source.namespace)'] },
        { severity: 'high', resourceName: 'custom', messageIncludes: ['never sent to the external authorizer'] },
      ],
    },
    {
      name: 'ALLOW that only excludes identities admits plaintext (medium); DISABLE counts as plaintext',
      manifests: ns('t1') + peer('t1', 'default', '{mtls: {mode: DISABLE}}') + policy('t1', 'allow-but-batch', '{action: ALLOW, rules: [{from: [{source: {notNamespaces: [batch]}}]}]}'),
      findings: [{ severity: 'medium', resourceName: 'allow-but-batch', messageIncludes: ['spec.rules[0].from[0].source.notNamespaces', 'mTLS DISABLE', 'satisfies the negated matchers'] }],
    },
    {
      name: 'port-aware: a STRICT namespace with a PERMISSIVE port on the selected workloads',
      manifests: ns('t1', 'istio-system') + portException + policy('t1', 'deny-api', '{selector: {matchLabels: {app: api}}, action: DENY, rules: [{from: [{source: {namespaces: [untrusted]}}]}]}'),
      findings: [{ resourceName: 'deny-api', messageIncludes: ['on workloads selected by t1/api-8080', 'port 8080 PERMISSIVE'] }],
    },
    {
      name: 'port-aware: the rule is limited to the PERMISSIVE port',
      manifests: ns('t1', 'istio-system') + portException + policy('t1', 'deny-api', '{selector: {matchLabels: {app: api}}, action: DENY, rules: [{from: [{source: {namespaces: [untrusted]}}], to: [{operation: {ports: ["8080"]}}]}]}'),
      findings: [{ resourceName: 'deny-api', messageIncludes: ['plaintext is accepted on port 8080'], check: (f) => expect(f.evidence.rulePorts).toEqual(['8080']) }],
    },
    {
      name: 'a selector-less policy with a workload-level downgrade inside the namespace',
      manifests: ns('t1', 'istio-system') + strictRoot + peer('t1', 'legacy', '{selector: {matchLabels: {app: legacy}}, mtls: {mode: PERMISSIVE}}') + denyUntrusted,
      findings: [{ resourceName: 'deny-untrusted', messageIncludes: ['workloads selected by t1/legacy', 'mTLS PERMISSIVE'] }],
    },
    {
      name: 'a mesh-wide DENY in the root namespace, namespaces that accept plaintext',
      manifests: ns('t1', 't2', 'istio-system') + peer('t2', 'default', '{mtls: {mode: STRICT}}') + policy('istio-system', 'deny-untrusted', '{action: DENY, rules: [{from: [{source: {namespaces: [untrusted]}}]}]}'),
      findings: [{ namespace: 'istio-system', affectedNamespaces: ['t1'], messageIncludes: ['in t1'] }],
    },
    {
      name: 'with Pods read: the Pods the policy selects',
      manifests: `${ns('t1', 'istio-system').replace('{name: t1}', '{name: t1, labels: {istio-injection: enabled}}')}---
apiVersion: v1
kind: Pod
metadata: {name: api-1, namespace: t1, labels: {app: api}}
spec: {containers: [{name: api, image: api}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: t1, labels: {app: web}}
spec: {containers: [{name: web, image: web}]}
${strictRoot}${peer('t1', 'api-permissive', '{selector: {matchLabels: {app: api}}, mtls: {mode: PERMISSIVE}}')}${denyUntrusted}`,
      findings: [{ resourceName: 'deny-untrusted', messageIncludes: ['on Pod/api-1'], check: (f) => expect(f.evidence.plaintextAcceptedCount).toBe(1) }],
    },
  ],
});
