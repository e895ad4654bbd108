import { expect } from '@jest/globals';
import { hostConflictCrossNamespaceRule } from '../../../src/rules/exposure/host-conflict-cross-namespace.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { istiodDeployment } from '../../helpers/istiod.js';

const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');
const se = (namespace: string, name: string, host: string, created: string, exportTo?: string) => `
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: ${namespace}, creationTimestamp: "${created}"}
spec:
  hosts: [${host}]
  ports: [{number: 443, name: tls, protocol: TLS}]
${exportTo ? `  exportTo: ${exportTo}\n` : ''}`;


const vs = (namespace: string, name: string, created: string | undefined, extra = '') => `
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${namespace}${created ? `, creationTimestamp: "${created}"` : ''}}
spec: {hosts: [api.example.com], http: [{route: [{destination: {host: ${name}.${namespace}.svc.cluster.local}}]}]${extra}}
`;

const istiodUnified = (value: string) => istiodDeployment({ PILOT_UNIFIED_SIDECAR_SCOPE: value });
const shared = se('shared-egress', 'payments-api', 'api.payments.example.com', '2024-03-01T00:00:00Z');
const hijack = se('tenant-a', 'hijack', 'api.payments.example.com', '2023-01-01T00:00:00Z');

runRuleTests(hostConflictCrossNamespaceRule, {
  valid: [
    { name: 'one owner per host', manifests: ns('tenant-a', 'tenant-b', 'shared-egress') + shared },
    {
      // Same objects as the 1.23 hijack-window case below: from 1.24 the proxy's own namespace always wins.
      name: "from 1.24 a namespace's own public definition wins there",
      manifests: ns('tenant-a', 'tenant-b') + hijack + se('tenant-b', 'own', 'api.payments.example.com', '2024-01-01T00:00:00Z', '["*"]'),
    },
    {
      name: "1.24+ with PILOT_UNIFIED_SIDECAR_SCOPE=true on istiod, a namespace's own public definition still wins there",
      manifests: ns('tenant-a', 'tenant-b') + hijack + se('tenant-b', 'own', 'api.payments.example.com', '2024-01-01T00:00:00Z', '["*"]') + istiodUnified('true'),
    },
    {
      name: 'before 1.24, without Sidecars, the Kubernetes Service decides',
      istioVersion: '1.23',
      manifests: `${ns('tenant-a', 'tenant-b', 'tenant-c', 'tenant-d')}
${se('tenant-a', 'x', 'payments.tenant-d.svc.cluster.local', '2023-01-01T00:00:00Z')}
${se('tenant-b', 'y', 'payments.tenant-d.svc.cluster.local', '2023-02-01T00:00:00Z')}
---
apiVersion: v1
kind: Service
metadata: {name: payments, namespace: tenant-d, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {ports: [{port: 80}]}
`,
    },
    {
      name: 'the duplicate is restricted to its namespace',
      manifests: ns('tenant-a', 'tenant-b', 'shared-egress') + shared + se('tenant-a', 'local', 'api.payments.example.com', '2023-01-01T00:00:00Z', '["."]'),
      config: { sharedNamespaces: ['shared-egress'] },
    },
    {
      name: 'a named export to the consumer decides by precedence, not age',
      manifests: ns('tenant-b', 'tenant-a', 'shared-egress') + se('shared-egress', 'payments-api', 'api.payments.example.com', '2024-03-01T00:00:00Z', '["tenant-b"]') + hijack,
      config: { sharedNamespaces: ['shared-egress'], tenantNamespaces: ['tenant-b', 'tenant-a'] },
    },
    {
      name: 'consumers that do not import one of them have no choice to make',
      manifests: `${ns('tenant-a', 'tenant-b', 'shared-egress')}${shared}${hijack}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: istio-system}
spec: {egress: [{hosts: ["./*", "shared-egress/*"]}]}
`,
      config: { sharedNamespaces: ['shared-egress'] },
    },
    {
      name: 'overlapping but different hosts are decided by specificity, not age',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + se('tenant-a', 'wild', '"*.example.com"', '2023-01-01T00:00:00Z') + se('tenant-c', 'exact', 'api.example.com', '2024-01-01T00:00:00Z'),
    },
    {
      name: 'VirtualServices: duplicates within one namespace are not a cross-tenant conflict',
      manifests: vs('foo', 'mine', '2025-01-01T00:00:00Z') + vs('foo', 'older-mine', '2024-01-01T00:00:00Z'),
    },
    {
      name: 'VirtualServices: a private own definition comes before every foreign one',
      manifests: vs('bar', 'theirs', '2024-01-01T00:00:00Z', ', exportTo: [foo]') + vs('foo', 'mine', '2025-01-01T00:00:00Z', ', exportTo: ["."]'),
    },
    {
      name: 'VirtualServices: a named export to a namespace without its own definition is a precedence rule, not a window',
      manifests: vs('bar', 'theirs', undefined, ', exportTo: [foo]') + vs('baz', 'other', '2020-01-01T00:00:00Z', ', exportTo: [foo]').replace('exportTo: [foo]', 'exportTo: [baz]'),
    },
    {
      name: 'VirtualServices bound to gateways only are not sidecar routing',
      manifests: vs('bar', 'theirs', '2024-01-01T00:00:00Z', ', gateways: [bar/gw]') + vs('foo', 'mine', '2025-01-01T00:00:00Z'),
    },
  ],
  invalid: [
    {
      name: 'seed: a tenant ServiceEntry without exportTo hijacks the shared egress host',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c', 'shared-egress') + shared + hijack,
      config: { sharedNamespaces: ['shared-egress'] },
      findings: [
        {
          severity: 'critical',
          namespace: 'tenant-a',
          resourceName: 'hijack',
          subjectKey: 'ServiceEntry:api.payments.example.com',
          affectedNamespaces: ['tenant-b', 'tenant-c'],
          messageIncludes: ['api.payments.example.com', 'ServiceEntry tenant-a/hijack', 'only creation order decides'],
          check: (f) => {
            expect(f.evidence).toMatchObject({ conflictingOwners: ['shared-egress', 'tenant-a'], currentWinnerByAge: 'ServiceEntry tenant-a/hijack', decidedBy: 'age', istioVersionAssumed: '1.30.3' });
          },
        },
      ],
    },
    {
      name: 'two mesh VirtualServices for the same host in two tenants',
      manifests: `${ns('tenant-a', 'tenant-b', 'tenant-c')}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: first, namespace: tenant-a, creationTimestamp: "2023-01-01T00:00:00Z"}
spec: {hosts: [api.example.com], http: [{route: [{destination: {host: api.example.com}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: second, namespace: tenant-b, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {hosts: [api.example.com], http: [{route: [{destination: {host: api.example.com}}]}]}
`,
      // No own-namespace preference among public VirtualServices: tenant-b's own loses to tenant-a's older one.
      findings: [
        { subjectKey: 'VirtualService:api.example.com', resourceName: 'first', affectedNamespaces: ['tenant-a', 'tenant-b', 'tenant-c'] },
        // tenant-b's own VirtualService is not used in tenant-b: reported on it too.
        { subjectKey: 'VirtualService:api.example.com:overridden', resourceName: 'second', namespace: 'tenant-b', affectedNamespaces: ['tenant-b'], messageIncludes: ['VirtualService tenant-b/second is not used for api.example.com in its own namespace', 'VirtualService tenant-a/first comes first in creation order'] },
      ],
    },
    {
      // Istio < 1.24 with a Sidecar: selectServices keeps the first candidate, with no Kubernetes preference (istio/istio#51776).
      name: 'before 1.24, behind a Sidecar, a Kubernetes Service does not decide (hijack window remains)',
      istioVersion: '1.23',
      manifests: `${ns('tenant-a', 'tenant-b', 'tenant-c', 'tenant-d')}
${se('tenant-a', 'x', 'payments.tenant-d.svc.cluster.local', '2023-01-01T00:00:00Z')}
${se('tenant-b', 'y', 'payments.tenant-d.svc.cluster.local', '2023-02-01T00:00:00Z')}
---
apiVersion: v1
kind: Service
metadata: {name: payments, namespace: tenant-d, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {ports: [{port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: tenant-c}
spec: {egress: [{hosts: ["*/*"]}]}
`,
      findings: [{ affectedNamespaces: ['tenant-c'], check: (f) => expect(f.evidence.istioVersionAssumed).toBe('1.23') }],
    },
    {
      // Istio < 1.24 without a Sidecar ranks a namespace's own public ServiceEntry by age like any other.
      name: "before 1.24, without a Sidecar, a namespace's own public definition is in the hijack window too",
      istioVersion: '1.23',
      manifests: ns('tenant-a', 'tenant-b') + hijack + se('tenant-b', 'own', 'api.payments.example.com', '2024-01-01T00:00:00Z', '["*"]'),
      // In tenant-a too: its own definition only wins because it happens to be the older one.
      findings: [{ resourceName: 'hijack', affectedNamespaces: ['tenant-a', 'tenant-b'] }, { resourceName: 'own', subjectKey: 'ServiceEntry:api.payments.example.com:overridden', affectedNamespaces: ['tenant-b'] }],
    },
    {
      // PILOT_UNIFIED_SIDECAR_SCOPE=false on 1.24+ (the 1.23 compatibility profile): selectServices' legacy path.
      name: "1.24+ with PILOT_UNIFIED_SIDECAR_SCOPE=false on istiod, without a Sidecar, a namespace's own public definition is in the hijack window",
      manifests: ns('tenant-a', 'tenant-b') + hijack + se('tenant-b', 'own', 'api.payments.example.com', '2024-01-01T00:00:00Z', '["*"]') + istiodUnified('false'),
      findings: [
        { resourceName: 'hijack', affectedNamespaces: ['tenant-a', 'tenant-b'], check: (f) => expect(String(f.evidence.hostPrecedence)).toContain('PILOT_UNIFIED_SIDECAR_SCOPE=false') },
        { resourceName: 'own', subjectKey: 'ServiceEntry:api.payments.example.com:overridden', affectedNamespaces: ['tenant-b'] },
      ],
    },
    {
      name: "issue 13 repro: bar's older public VirtualService decides foo's routing",
      manifests: vs('bar', 'theirs', '2024-01-01T00:00:00Z') + vs('foo', 'mine', '2025-01-01T00:00:00Z'),
      findings: [
        {
          severity: 'critical',
          namespace: 'bar',
          resourceName: 'theirs',
          resourceKind: 'VirtualService',
          subjectKey: 'VirtualService:api.example.com',
          // bar wins in bar only because its VirtualService is older: age decides there too.
          affectedNamespaces: ['bar', 'foo'],
          messageIncludes: ['VirtualService bar/theirs', 'only creation order decides', 'own definitions of foo'],
          check: (f) => {
            expect(f.evidence.overriddenOwnDefinitions).toEqual([{ namespace: 'foo', winner: 'VirtualService bar/theirs', decidedBy: 'age', overridden: ['VirtualService foo/mine'] }]);
          },
        },
        {
          severity: 'critical',
          namespace: 'foo',
          resourceName: 'mine',
          subjectKey: 'VirtualService:api.example.com:overridden',
          affectedNamespaces: ['foo'],
          messageIncludes: ['VirtualService foo/mine is not used for api.example.com in its own namespace: VirtualService bar/theirs comes first in creation order', 'so bar decides foo\'s traffic'],
          check: (f) => expect(f.evidence).toMatchObject({ winner: 'VirtualService bar/theirs', decidedBy: 'age' }),
        },
      ],
    },
    {
      name: "issue 13 repro: a VirtualService exported to foo by name deterministically overrides foo's own public one",
      manifests: vs('bar', 'theirs', undefined, ', exportTo: [foo]') + vs('foo', 'mine', undefined),
      findings: [
        {
          severity: 'critical',
          resourceName: 'theirs',
          affectedNamespaces: ['foo'],
          messageIncludes: ['in foo, VirtualService bar/theirs (exported to foo by name) overrides foo\'s own VirtualService foo/mine'],
          check: (f) => {
            expect(f.evidence).toMatchObject({ decidedBy: 'export-group', overriddenOwnDefinitions: [{ namespace: 'foo', decidedBy: 'export-group' }] });
            expect(f.evidence.currentWinnerByAge).toBeUndefined();
          },
        },
        { resourceName: 'mine', subjectKey: 'VirtualService:api.example.com:overridden', affectedNamespaces: ['foo'], messageIncludes: ['is exported to foo by name'], check: (f) => expect(f.evidence.decidedBy).toBe('export-group') },
      ],
    },
    {
      // push_context.go servicesExportedToNamespace: services exported to N by name come before public ones,
      // and before 1.24 a proxy without a Sidecar has no own-namespace preference (DefaultSidecarScopeForNamespace).
      name: "before 1.24, without a Sidecar, a ServiceEntry exported by name overrides the namespace's own public one",
      istioVersion: '1.23',
      manifests: ns('tenant-a', 'tenant-b') + se('tenant-a', 'named', 'api.payments.example.com', '2024-06-01T00:00:00Z', '[tenant-b]') + se('tenant-b', 'own', 'api.payments.example.com', '2024-01-01T00:00:00Z', '["*"]'),
      findings: [
        { resourceName: 'named', affectedNamespaces: ['tenant-b'], messageIncludes: ["overrides tenant-b's own ServiceEntry tenant-b/own"] },
        { resourceName: 'own', subjectKey: 'ServiceEntry:api.payments.example.com:overridden', affectedNamespaces: ['tenant-b'], messageIncludes: ['is exported to tenant-b by name'] },
      ],
    },
  ],
});
