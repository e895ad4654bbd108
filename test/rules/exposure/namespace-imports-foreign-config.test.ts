import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../../src/config/types.js';
import { exposureMatrixOf } from '../../../src/report/scan-result.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { namespaceImportsForeignConfigRule } from '../../../src/rules/exposure/namespace-imports-foreign-config.js';
import { runRuleTests, snapshotFromYaml } from '../../helpers/rule-tester.js';

const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');
const se = (namespace: string, name: string, host: string, exportTo?: string) => `
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  hosts: [${host}]
  ports: [{number: 443, name: tls, protocol: TLS}]
${exportTo ? `  exportTo: ${exportTo}\n` : ''}`;
const vs = (namespace: string, name: string, host: string, exportTo: string) => `
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  hosts: ["${host}"]
  exportTo: ${exportTo}
  http: [{route: [{destination: {host: ${host === '*' ? 'x.example.com' : host}}}]}]
`;
const rootSidecar = (root: string, hosts: string) => `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ${root}}
spec:
  egress: [{hosts: ${hosts}}]
`;

const payments = `
---
apiVersion: v1
kind: Service
metadata: {name: payments, namespace: team-payments}
spec: {ports: [{port: 8080, name: http}]}
`;
const plaintextRule = (namespace: string, name = 'payments-plaintext', host = 'payments.team-payments.svc.cluster.local', exportTo?: string) => `
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  host: "${host}"${exportTo ? `\n  exportTo: ${exportTo}` : ''}
  trafficPolicy: {tls: {mode: DISABLE}}
`;

const nsSidecar = (namespace: string, hosts: string) => `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ${namespace}}
spec:
  egress: [{hosts: ${hosts}}]
`;

runRuleTests(namespaceImportsForeignConfigRule, {
  valid: [
    {
      name: 'seed: a "./*" + root-namespace Sidecar neutralises a foreign exportTo ["*"]',
      manifests: ns('tenant-a', 'tenant-b', 'aks-istio-system') + rootSidecar('aks-istio-system', '["./*", "aks-istio-system/*"]') + se('tenant-b', 'b', 'api.b.example.com', '["*"]'),
      meshConfig: { rootNamespace: 'aks-istio-system' },
    },
    {
      name: 'seed: restrictive mesh defaults keep objects without exportTo at home',
      manifests: ns('tenant-a', 'tenant-b') + se('tenant-b', 'b', 'api.b.example.com'),
      meshConfig: { defaultServiceExportTo: ['.'], defaultVirtualServiceExportTo: ['.'], defaultDestinationRuleExportTo: ['.'] },
    },
    {
      name: 'seed: a shared namespace with explicit exportTo lists is an intentional share',
      manifests: ns('tenant-a', 'tenant-b', 'shared-egress') + se('shared-egress', 'github', 'github.com', '["tenant-a", "tenant-b"]'),
      config: { sharedNamespaces: ['shared-egress'] },
    },
    { name: 'system namespace objects do not count', manifests: ns('tenant-a') + se('kube-system', 'k', 'k.example.com') },
    {
      // Istio looks DestinationRules up in the client's namespace, the service's namespace and the root
      // namespace only (push_context.go destinationRule): a rule in a third namespace stays at home.
      name: "demo: a DestinationRule over another tenant's Service only affects its own namespace",
      manifests: ns('team-analytics', 'team-payments', 'team-orders') + payments + plaintextRule('team-analytics'),
    },
    {
      // PushContext.destinationRule looks in the client's own namespace first and stops there.
      name: "a client's own DestinationRule for the host hides the service owner's",
      manifests: ns('team-analytics', 'team-payments') + payments + plaintextRule('team-payments') + plaintextRule('team-analytics', 'own-rule', 'payments.team-payments.svc.cluster.local', '["."]'),
    },
    {
      name: "a client's own wildcard DestinationRule hides the service owner's exact one",
      manifests: ns('team-analytics', 'team-payments') + payments + plaintextRule('team-payments') + plaintextRule('team-analytics', 'own-rule', '*.local', '["."]'),
    },
    {
      // getExportedDestinationRuleFromNamespace: the owner's most specific rule for the host is chosen
      // before its exportTo is checked; one not exported to the client sends the lookup to the root namespace.
      name: "the owner's most specific rule, not exported to the client, hides its wildcard one",
      manifests: ns('team-analytics', 'team-payments') + payments + plaintextRule('team-payments', 'exact', 'payments', '[".", "team-orders"]') + plaintextRule('team-payments', 'wide', '*.team-payments.svc.cluster.local'),
    },
    {
      // Allowed by configuration: not reported at all.
      name: 'a share exported by name and listed in allowedShares',
      manifests: ns('tenant-a', 'tenant-b') + se('tenant-b', 'partner-api', 'api.partner.example.com', '[".", "tenant-a"]'),
      config: { allowedShares: [{ from: 'tenant-b', to: 'tenant-*', kinds: ['ServiceEntry'], names: ['partner-*'], reason: 'partner API owned by team b' }] },
    },
    {
      // sidecar.go hostClassification.Matches: a service is imported when the egress host covers its
      // hostname (SubsetOf), so a narrower egress host does not import a wider wildcard ServiceEntry.
      name: "an egress host inside another tenant's wildcard ServiceEntry does not import it",
      manifests: ns('tenant-a', 'tenant-b') + nsSidecar('tenant-a', '["./*", "istio-system/*"]') + nsSidecar('tenant-b', '["./*", "*/api.partner.example.com"]') + se('tenant-a', 'partners', '"*.partner.example.com"', '["*"]'),
    },
  ],
  invalid: [
    {
      name: 'an egress host covering the wildcard ServiceEntry imports it',
      manifests: ns('tenant-a', 'tenant-b') + nsSidecar('tenant-a', '["./*", "istio-system/*"]') + nsSidecar('tenant-b', '["./*", "*/*.example.com"]') + se('tenant-a', 'partners', '"*.partner.example.com"', '["*"]'),
      findings: [{ namespace: 'tenant-b', check: (f) => expect(f.evidence.foreignObjects).toEqual(['ServiceEntry tenant-a/partners']) }],
    },
    {
      // VSMatches: VirtualServices (not generated from Gateway API routes) match either way.
      name: "an egress host inside another tenant's wildcard VirtualService imports it",
      manifests: ns('tenant-a', 'tenant-b') + nsSidecar('tenant-a', '["./*", "istio-system/*"]') + nsSidecar('tenant-b', '["./*", "*/api.partner.example.com"]') + `
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: partners, namespace: tenant-a}
spec:
  hosts: ["*.partner.example.com"]
  exportTo: ["*"]
  http: [{route: [{destination: {host: gateway.tenant-a.svc.cluster.local}}]}]
`,
      findings: [{ namespace: 'tenant-b', check: (f) => expect(f.evidence.foreignObjects).toEqual(['VirtualService tenant-a/partners']) }],
    },
    {
      name: 'seed: a tenant ServiceEntry without exportTo reaches every other tenant',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + se('tenant-a', 'hijack', 'api.partner.example.com'),
      findings: [
        {
          namespace: 'tenant-b',
          severity: 'high',
          affectedNamespaces: ['tenant-b'],
          messageIncludes: ['tenant-a', 'ServiceEntry tenant-a/hijack'],
          check: (f) => {
            expect(f.evidence.foreignOwners).toEqual(['tenant-a']);
            expect(f.evidence.foreignObjects).toEqual(['ServiceEntry tenant-a/hijack']);
            expect(f.evidence.istioVersionAssumed).toBe('1.30.3');
            expect(f.fix).toMatchObject({ type: 'manifest', manifest: { kind: 'Sidecar', metadata: { namespace: 'tenant-b' }, spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] } } });
          },
        },
        { namespace: 'tenant-c', check: (f) => expect(f.evidence.foreignOwners).toEqual(['tenant-a']) },
      ],
    },
    {
      name: 'foreign owners are sorted and the root default scope is reported',
      manifests:
        ns('tenant-a', 'tenant-b', 'tenant-c') +
        rootSidecar('istio-system', '["*/*.example.com"]') +
        se('tenant-c', 'c', 'c.example.com') +
        se('tenant-b', 'b', 'b.example.com', '["*"]') +
        se('tenant-b', 'other', 'b.other.org'),
      findings: [
        {
          namespace: 'tenant-a',
          check: (f) => {
            expect(f.evidence.foreignOwners).toEqual(['tenant-b', 'tenant-c']);
            expect(f.evidence.foreignObjectCount).toBe(2);
            expect(f.evidence.scopes).toEqual([{ kind: 'root', sidecar: 'istio-system/default', egressHosts: ['*/*.example.com'], foreignOwners: ['tenant-b', 'tenant-c'], objectCount: 2 }]);
            expect(f.fix).toBeUndefined();
          },
        },
        { namespace: 'tenant-b', check: (f) => expect(f.evidence.foreignOwners).toEqual(['tenant-c']) },
        { namespace: 'tenant-c', check: (f) => expect(f.evidence.foreignOwners).toEqual(['tenant-b']) },
      ],
    },
    {
      name: 'a workload Sidecar without egress escapes a restrictive namespace default',
      manifests: `${ns('tenant-a', 'tenant-b')}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: tenant-a}
spec: {egress: [{hosts: ["./*"]}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: legacy, namespace: tenant-a}
spec: {workloadSelector: {labels: {app: legacy}}}
${se('tenant-b', 'b', 'b.example.com', '["*"]')}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: tenant-b}
spec: {egress: [{hosts: ["./*"]}]}
`,
      findings: [
        {
          namespace: 'tenant-a',
          check: (f) => expect(f.evidence.scopes).toEqual([{ kind: 'workload', sidecar: 'tenant-a/legacy', egressHosts: ['*/* (no egress section)'], foreignOwners: ['tenant-b'], objectCount: 1 }]),
        },
      ],
    },
    {
      name: "the service owner's DestinationRule reaches every client that imports the service",
      manifests: ns('team-analytics', 'team-payments', 'team-orders') + payments + plaintextRule('team-payments'),
      findings: [
        { namespace: 'team-analytics', messageIncludes: ['Namespace team-analytics imports DestinationRule team-payments/payments-plaintext, owned by another tenant namespace (team-payments).'] },
        { namespace: 'team-orders', check: (f) => expect(f.evidence.foreignObjects).toEqual(['DestinationRule team-payments/payments-plaintext']) },
      ],
    },
    {
      name: "the owner's rule reaches the clients without a rule of their own for the host, and only its most specific one",
      manifests:
        ns('team-analytics', 'team-payments', 'team-orders') +
        payments +
        plaintextRule('team-payments', 'exact', 'payments') +
        plaintextRule('team-payments', 'wide', '*.team-payments.svc.cluster.local') +
        plaintextRule('team-analytics', 'own-rule', 'payments.team-payments.svc.cluster.local', '["."]'),
      findings: [
        {
          namespace: 'team-orders',
          check: (f) => {
            expect(f.evidence.foreignObjects).toEqual(['DestinationRule team-payments/exact']);
            expect(f.evidence.foreignObjectCount).toBe(1);
          },
        },
      ],
    },
    {
      // sidecar.go selectServices keeps one definition per hostname (a Kubernetes Service over a
      // ServiceEntry from 1.24); PushContext.destinationRule then reads that definition's namespace.
      name: "a DestinationRule over a ServiceEntry that loses its hostname to a Service is not imported",
      manifests:
        ns('tenant-a', 'tenant-b', 'team-payments') +
        payments +
        se('tenant-b', 'shadow', 'payments.team-payments.svc.cluster.local', '["*"]') +
        plaintextRule('tenant-b', 'shadow-rule', 'payments.team-payments.svc.cluster.local', '["*"]'),
      findings: [
        { namespace: 'tenant-a', check: (f) => expect(f.evidence.foreignObjects).toEqual(['ServiceEntry tenant-b/shadow']) },
        { namespace: 'team-payments', check: (f) => expect(f.evidence.foreignObjects).toEqual(['ServiceEntry tenant-b/shadow']) },
      ],
    },
    {
      name: 'shared-namespace objects without explicit exportTo count',
      manifests: ns('tenant-a', 'shared-egress') + se('shared-egress', 'github', 'github.com'),
      config: { sharedNamespaces: ['shared-egress'] },
      findings: [{ namespace: 'tenant-a', check: (f) => expect(f.evidence.foreignOwners).toEqual(['shared-egress']) }],
    },
    {
      name: 'a ServiceEntry exported by name is a declared share (info), not contamination',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + se('tenant-b', 'partner-api', 'api.partner.example.com', '[".", "tenant-a"]'),
      findings: [
        {
          severity: 'info',
          namespace: 'tenant-a',
          subjectKey: 'declared-shares',
          messageIncludes: ['tenant-b exports to it by name (declared share): ServiceEntry tenant-b/partner-api'],
          check: (f) => {
            expect(f.evidence).toMatchObject({ declaredShare: true, sharingOwners: ['tenant-b'], sharedObjectCount: 1 });
            expect(f.evidence.foreignOwners).toBeUndefined();
          },
        },
      ],
    },
    {
      name: "a share that can override the namespace's own hosts stays high: a VirtualService for \"*\", or a host the namespace defines",
      manifests:
        ns('tenant-a', 'tenant-b', 'tenant-c') +
        vs('tenant-b', 'catch-all', '*', '["tenant-a"]') +
        vs('tenant-b', 'reroute', 'api.c.example.com', '["tenant-c"]') +
        se('tenant-c', 'own', 'api.c.example.com', '["."]') +
        // Not allowed away: an allowed share that overrides own hosts is still reported.
        '',
      config: { allowedShares: [{ from: 'tenant-b', to: 'tenant-c', reason: 'routing help' }] },
      findings: [
        { severity: 'high', namespace: 'tenant-a', messageIncludes: ['VirtualService tenant-b/catch-all is exported to it by name but can override its own hosts'], check: (f) => expect(f.evidence.foreignOwners).toEqual(['tenant-b']) },
        { severity: 'high', namespace: 'tenant-c', check: (f) => expect(f.evidence.sharesOverridingOwnHosts).toEqual(['VirtualService tenant-b/reroute']) },
      ],
    },
    {
      name: 'public imports stay high next to declared shares, each in its own finding; allowed shares are listed with the declared ones',
      manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + se('tenant-b', 'public', 'pub.example.com', '["*"]') + se('tenant-c', 'to-a', 'c.example.com', '[tenant-a]') + se('tenant-b', 'allowed', 'b2.example.com', '[tenant-a]'),
      config: { allowedShares: [{ from: 'tenant-b', to: 'tenant-a', names: ['allowed'], reason: 'ok' }] },
      findings: [
        { severity: 'high', namespace: 'tenant-a', check: (f) => expect(f.evidence.foreignObjects).toEqual(['ServiceEntry tenant-b/public']) },
        { severity: 'info', namespace: 'tenant-a', subjectKey: 'declared-shares', check: (f) => expect(f.evidence.allowedShares).toEqual([{ object: 'ServiceEntry tenant-b/allowed', reason: 'ok' }]) },
        { severity: 'high', namespace: 'tenant-c' },
      ],
    },
  ],
});

describe('exposure matrix', () => {
  it('the engine builds it from evidence.foreignOwners', () => {
    const snapshot = snapshotFromYaml({ manifests: ns('tenant-a', 'tenant-b', 'tenant-c') + se('tenant-a', 'a', 'a.example.com') + se('tenant-b', 'b', 'b.example.com', '["tenant-c"]') });
    const findings = evaluateSnapshot(snapshot, defaultConfig(), { rules: [namespaceImportsForeignConfigRule] });
    // tenant-b's ServiceEntry is exported to tenant-c by name: a declared share, not exposure.
    expect(exposureMatrixOf(findings)).toEqual({ 'tenant-b': ['tenant-a'], 'tenant-c': ['tenant-a'] });
  });
});
