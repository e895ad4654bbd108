/**
 * GAMMA (GEP-1426) mesh routes in the import graph: a route whose parentRef is a Service in
 * the route's own namespace (producer route) applies to every client that imports it; one in
 * another namespace (consumer route) only to its own namespace's clients (Istio
 * buildSidecarVirtualHostsForVirtualService). namespace-imports-foreign-config credits them so.
 */
import { expect } from '@jest/globals';
import { namespaceImportsForeignConfigRule } from '../../../src/rules/exposure/namespace-imports-foreign-config.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { ns, route, service } from './fixtures.js';

const cluster = ns('tenant-a', 'tenant-b', 'tenant-c') + service('tenant-b', 'payments');
const parent = [{ group: '', kind: 'Service', name: 'payments', namespace: 'tenant-b', port: 80 }];
const ownedSidecar = (namespace: string) => `---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: ${namespace}}\nspec: {egress: [{hosts: ["./*", "istio-system/*"]}]}\n`;

runRuleTests(namespaceImportsForeignConfigRule, {
  valid: [
    { name: 'a consumer route (route in tenant-c, Service in tenant-b) reaches no other namespace', manifests: cluster + route('tenant-c', 'pin-payments', { parentRefs: parent }) },
    { name: "a producer route whose clients' Sidecars do not import tenant-b", manifests: cluster + route('tenant-b', 'payments-split', { parentRefs: parent }) + ownedSidecar('tenant-a') + ownedSidecar('tenant-c') },
    { name: 'a route to a Service that does not exist is not accepted', manifests: ns('tenant-a', 'tenant-b') + route('tenant-b', 'ghost', { parentRefs: [{ group: '', kind: 'Service', name: 'ghost' }] }) },
    {
      name: 'a producer route under a mesh default that keeps VirtualServices private',
      manifests: cluster + route('tenant-b', 'payments-split', { parentRefs: parent }),
      meshConfig: { defaultVirtualServiceExportTo: ['.'] },
    },
  ],
  invalid: [
    {
      name: 'a producer route (route and Service in tenant-b) is imported by every client namespace',
      manifests: cluster + route('tenant-b', 'payments-split', { parentRefs: parent }),
      findings: [
        { namespace: 'tenant-a', check: (f) => expect(f.evidence.foreignOwners).toEqual(['tenant-b']) },
        { namespace: 'tenant-c', check: (f) => expect(f.evidence.foreignOwners).toEqual(['tenant-b']) },
      ],
    },
    {
      name: 'producer and consumer routes together: only the producer route is foreign to tenant-a',
      manifests: cluster + route('tenant-b', 'payments-split', { parentRefs: parent }) + route('tenant-c', 'pin-payments', { parentRefs: parent }),
      findings: [
        { namespace: 'tenant-a', check: (f) => expect(f.evidence.foreignOwners).toEqual(['tenant-b']) },
        { namespace: 'tenant-c', check: (f) => expect(f.evidence.foreignOwners).toEqual(['tenant-b']) },
      ],
    },
    {
      name: 'a GRPCRoute producer route for a ServiceEntry parent',
      manifests:
        ns('tenant-a', 'tenant-b') +
        `---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: partner, namespace: tenant-b}\nspec: {hosts: [api.partner.example.com], exportTo: ["."], resolution: DNS, ports: [{number: 443, name: grpc, protocol: GRPC}]}\n` +
        route('tenant-b', 'partner-rpc', { kind: 'GRPCRoute', parentRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'partner' }] }),
      findings: [{ namespace: 'tenant-a', check: (f) => expect(f.evidence.foreignOwners).toEqual(['tenant-b']) }],
    },
  ],
});
