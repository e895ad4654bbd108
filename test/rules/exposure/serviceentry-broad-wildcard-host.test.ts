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
  ],
});

describe('broadWildcardReason', () => {
  it.each([
    ['*.local', true],
    ['*.cluster.local', true],
    ['*.github.io', false], // private PSL section is not used: github.io is one registrable domain
    ['*.example.com', false],
    ['api.com', false],
  ])('%s broad: %s', (host, broad) => {
    expect(broadWildcardReason(host, 'cluster.local') !== undefined).toBe(broad);
  });
});
