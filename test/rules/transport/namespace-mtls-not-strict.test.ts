import { expect } from '@jest/globals';
import { namespaceMtlsNotStrict } from '../../../src/rules/transport/namespace-mtls-not-strict.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const namespaces = `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: istio-system}
`;

const rootStrict = `
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
`;


const injected = `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: istio-system}
---
apiVersion: v1
kind: Pod
metadata: {name: api-1, namespace: tenant-a, labels: {app: api}}
spec: {containers: [{name: api, image: api}]}
`;
const workloadPolicy = (name: string, app: string, mode: string, created = '2024-01-01T00:00:00Z') => `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ${name}, namespace: tenant-a, creationTimestamp: "${created}"}
spec: {selector: {matchLabels: {app: ${app}}}, mtls: {mode: ${mode}}}
`;

runRuleTests(namespaceMtlsNotStrict, {
  valid: [
    { name: 'mesh-wide STRICT in the root namespace is inherited', manifests: namespaces + rootStrict },
    {
      // Tenant namespaces without objects would be missed silently: the rule is blind instead.
      name: 'Namespace list unreadable: the rule is blind',
      coverage: { Namespace: { status: 'forbidden', error: 'namespaces is forbidden' } },
      manifests: `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-a}
spec: {mtls: {mode: PERMISSIVE}}
`,
    },
    {
      // peer_authentication.proto: portLevelMtls "only apply when a workload selector is specified".
      name: 'port-level PERMISSIVE on a selector-less policy is ignored by Istio',
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-a}
spec: {mtls: {mode: STRICT}, portLevelMtls: {"8080": {mode: PERMISSIVE}}}
`,
    },
    {
      name: 'a workload policy STRICTer than a STRICT namespace, and an empty selector (namespace-wide) STRICT',
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-a}
spec: {selector: {}, mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: api, namespace: tenant-a}
spec: {selector: {matchLabels: {app: api}}, mtls: {mode: STRICT}, portLevelMtls: {"8080": {mode: UNSET}}}
`,
    },
    {
      name: 'namespace STRICT with UNSET at namespace level inheriting a STRICT root',
      manifests: `${namespaces}${rootStrict}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-a}
spec: {mtls: {mode: UNSET}}
`,
    },
    {
      name: 'workload policy with UNSET mode and a STRICT port inherits STRICT',
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-a}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: api, namespace: tenant-a}
spec:
  selector: {matchLabels: {app: api}}
  mtls: {mode: UNSET}
  portLevelMtls: {"8080": {mode: STRICT}}
`,
    },
    {
      name: 'a permissive policy with a selector in the root namespace is ignored by Istio',
      manifests: `${namespaces}${rootStrict}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: legacy, namespace: istio-system}
spec: {selector: {matchLabels: {app: legacy}}, mtls: {mode: DISABLE}}
`,
    },
    {
      // Only a policy Istio applies to some workload matters: this downgrade selects no Pod.
      name: 'a downgrade whose selector matches no workload of the mesh (Pods read)',
      manifests: injected + rootStrict + workloadPolicy('legacy', 'legacy', 'PERMISSIVE'),
    },
    {
      name: 'a newer namespace-wide STRICT policy next to an older STRICT one is ignored and harmless',
      manifests: namespaces + `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-a, creationTimestamp: "2023-01-01T00:00:00Z"}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: also-strict, namespace: tenant-a, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {mtls: {mode: STRICT}}
`,
    },
    {
      name: 'a downgrade shadowed by an older workload policy for every workload it selects',
      manifests: injected + rootStrict + workloadPolicy('older', 'api', 'STRICT', '2023-01-01T00:00:00Z') + workloadPolicy('newer', 'api', 'DISABLE'),
    },
  ],
  invalid: [
    {
      // Kyverno enforce-strict-mtls pa-bad: Istio uses the oldest selector-less policy (pa-bad01);
      // the newer DISABLE one is ignored until pa-bad01 goes, and is reported on its own.
      name: 'a newer namespace-wide DISABLE policy ignored behind an older STRICT one is a latent downgrade',
      manifests: namespaces + `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-a, creationTimestamp: "2023-01-01T00:00:00Z"}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: pa-bad02, namespace: tenant-a, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {mtls: {mode: DISABLE}}
`,
      findings: [
        {
          severity: 'medium',
          resourceKind: 'PeerAuthentication',
          resourceName: 'pa-bad02',
          subjectKey: 'ignored-namespace-policy:pa-bad02',
          messageIncludes: ['sets mTLS DISABLE', 'ignored while the older namespace-wide tenant-a/default exists'],
          check: (finding) => expect(finding.evidence).toMatchObject({ effectiveMode: 'STRICT', usedPolicy: 'tenant-a/default', ignoredPolicyMode: 'DISABLE' }),
        },
      ],
    },
    {
      name: 'no PeerAuthentication anywhere: Istio default PERMISSIVE',
      manifests: namespaces,
      findings: [
        {
          severity: 'high',
          namespace: 'tenant-a',
          resourceKind: 'Namespace',
          messageIncludes: ['PERMISSIVE', 'default'],
          check: (finding) => expect(finding.fix).toMatchObject({ type: 'manifest', manifest: { kind: 'PeerAuthentication', metadata: { namespace: 'tenant-a' }, spec: { mtls: { mode: 'STRICT' } } } }),
        },
      ],
    },
    {
      name: 'namespace PERMISSIVE overrides a STRICT root',
      manifests: `${namespaces}${rootStrict}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-a}
spec: {mtls: {mode: PERMISSIVE}}
`,
      findings: [
        {
          resourceKind: 'PeerAuthentication',
          resourceName: 'default',
          messageIncludes: ['PERMISSIVE', 'tenant-a/default'],
          check: (finding) => expect(finding.fix).toMatchObject({ type: 'merge-patch', patch: { spec: { mtls: { mode: 'STRICT' } } } }),
        },
      ],
    },
    {
      name: 'UNSET namespace policy inherits a PERMISSIVE root',
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-a}
spec: {mtls: {mode: UNSET}}
`,
      findings: [{ namespace: 'tenant-a', messageIncludes: ['inherited from the mesh-wide PeerAuthentication istio-system/default'], check: (f) => expect(f.evidence.source).toBe('root') }],
    },
    {
      name: 'workload and port-level downgrades in a STRICT namespace',
      manifests: `${namespaces}${rootStrict}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: legacy, namespace: tenant-a}
spec: {selector: {matchLabels: {app: legacy}}, mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: metrics, namespace: tenant-a}
spec:
  selector: {matchLabels: {app: api}}
  mtls: {mode: STRICT}
  portLevelMtls: {"9090": {mode: DISABLE}}
`,
      findings: [
        { resourceName: 'legacy', subjectKey: 'workload:legacy', messageIncludes: ['workload mode PERMISSIVE'] },
        { resourceName: 'metrics', subjectKey: 'workload:metrics', messageIncludes: ['port 9090: DISABLE'] },
      ],
    },
    {
      name: 'a workload policy downgrades a namespace that inherits STRICT from the root through UNSET',
      manifests: `${namespaces}${rootStrict}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: tenant-a}
spec: {mtls: {mode: UNSET}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: legacy, namespace: tenant-a}
spec: {selector: {matchLabels: {app: legacy}}, portLevelMtls: {"8080": {mode: PERMISSIVE}}}
`,
      findings: [
        {
          resourceName: 'legacy',
          messageIncludes: ["below the namespace's STRICT", 'port 8080: PERMISSIVE'],
          check: (f) => {
            expect(f.evidence.workloadMode).toBe('STRICT');
            expect(f.evidence.source).toBe('root');
          },
        },
      ],
    },
    {
      name: 'a DISABLE workload policy in a PERMISSIVE namespace is reported besides the namespace',
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: plain, namespace: tenant-a}
spec: {selector: {matchLabels: {app: plain}}, mtls: {mode: DISABLE}}
`,
      findings: [
        { subjectKey: 'namespace', resourceKind: 'Namespace' },
        { subjectKey: 'workload:plain', messageIncludes: ['workload mode DISABLE'] },
      ],
    },
    {
      name: 'the oldest of two namespace-wide policies decides',
      manifests: `${namespaces}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: b-new, namespace: tenant-a, creationTimestamp: "2025-02-01T00:00:00Z"}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: z-old, namespace: tenant-a, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {mtls: {mode: PERMISSIVE}}
`,
      findings: [{ resourceName: 'z-old', check: (f) => expect(f.evidence.ignoredNewerNamespacePolicies).toEqual(['tenant-a/b-new']) }],
    },
    {
      name: 'a STRICT workload policy in a PERMISSIVE namespace that selects no workload protects nothing',
      manifests: injected + workloadPolicy('lock-payments', 'payments', 'STRICT'),
      findings: [
        { subjectKey: 'namespace' },
        { severity: 'medium', resourceName: 'lock-payments', subjectKey: 'no-matching-workload:lock-payments', messageIncludes: ['would raise mTLS above the namespace\'s PERMISSIVE', 'matches no workload of the mesh in tenant-a', 'protects nothing'] },
      ],
    },
    {
      name: 'a downgrade that applies to a Pod is still reported when Pods were read',
      manifests: injected + rootStrict + workloadPolicy('legacy', 'api', 'PERMISSIVE'),
      findings: [{ resourceName: 'legacy', subjectKey: 'workload:legacy' }],
    },
  ],
});
