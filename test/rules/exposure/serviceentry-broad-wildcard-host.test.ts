import { describe, expect, it } from '@jest/globals';
import { broadWildcardReason, serviceEntryBroadWildcardHostRule } from '../../../src/rules/exposure/serviceentry-broad-wildcard-host.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const se = (hosts: string) => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: wide, namespace: tenant-a}
spec:
  hosts: ${hosts}
  ports: [{number: 443, name: tls, protocol: TLS}]
  exportTo: ["."]
`;

runRuleTests(serviceEntryBroadWildcardHostRule, {
  valid: [
    { name: 'wildcard under one registrable domain', manifests: se('["*.example.com", "*.api.example.co.uk"]') },
    { name: 'exact hosts', manifests: se('[api.example.com]') },
    { name: 'a wildcard for one namespace', manifests: se('["*.tenant-a.svc.cluster.local"]') },
    { name: 'a partial wildcard inside one registrable domain', manifests: se('["*-api.example.com", "*api.eu.example.co.uk", "*db.tenant-a.svc.cluster.local"]') },
  ],
  invalid: [
    {
      name: 'public suffixes and *',
      manifests: se('["*.com", "*.co.uk", "*"]'),
      findings: [
        { severity: 'high', subjectKey: '*.com', messageIncludes: ['public suffix'] },
        { subjectKey: '*.co.uk' },
        { subjectKey: '*', messageIncludes: ['every host'], affectedNamespaces: [] },
      ],
    },
    { name: 'every Service of the cluster', manifests: se('["*.svc.cluster.local"]'), findings: [{ subjectKey: '*.svc.cluster.local', messageIncludes: ['every Service'] }] },
    {
      // host.Name.Matches: `*example.com` is a suffix match, so badexample.com is covered too.
      name: 'a partial wildcard at the registrable level covers other domains',
      manifests: se('["*example.com", "*partner.co.uk"]'),
      findings: [
        { severity: 'high', subjectKey: '*example.com', messageIncludes: ['every registrable domain ending in "example.com"', 'evilexample.com'], check: (f) => expect(f.evidence.coverage).toBe('several-registrable-domains') },
        { subjectKey: '*partner.co.uk', check: (f) => expect(f.evidence.coverage).toBe('several-registrable-domains') },
      ],
    },
    {
      name: 'a partial wildcard without a dot covers every top-level domain',
      manifests: se('["*com", "*l"]'),
      findings: [
        { subjectKey: '*com', messageIncludes: ['ends in "com"', 'any top-level domain ending in "com"', 'anything.com'], check: (f) => expect(f.evidence.coverage).toBe('every-top-level-domain') },
        // Also every Service of a cluster.local cluster, but broader than that.
        { subjectKey: '*l', check: (f) => expect(f.evidence.coverage).toBe('every-top-level-domain') },
      ],
    },
    {
      name: 'partial wildcards over cluster names',
      manifests: se('["*vc.cluster.local", "*-prod.svc.cluster.local"]'),
      findings: [
        { subjectKey: '*vc.cluster.local', messageIncludes: ['every Service'] },
        { subjectKey: '*-prod.svc.cluster.local', messageIncludes: ['every namespace whose name ends in "-prod"'] },
      ],
    },
  ],
});

describe('broadWildcardReason', () => {
  it.each([
    ['*.local', true],
    ['*.cluster.local', true],
    ['*.github.io', false], // private PSL section is not used: github.io is one registrable domain
    ['*.example.com', false],
    ['api.com', false],
    ['*example.com', true],
    ['*-api.example.com', false],
    ['*.svc.corp.local', false], // not this cluster's domain: one registrable domain (corp.local)
  ])('%s broad: %s', (host, broad) => {
    expect(broadWildcardReason(host, 'cluster.local') !== undefined).toBe(broad);
  });
});
