// The registry is imported first on purpose: rules are looked up the way the engine does.
import { expect } from '@jest/globals';
import { findRule } from '../../../src/rules/registry.js';
import type { Rule } from '../../../src/rules/types.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const rule = findRule('scan-incomplete') as Rule;

const namespace = `
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a}
`;

runRuleTests(rule, {
  valid: [
    { name: 'every kind read', manifests: namespace, coverage: { Namespace: { status: 'read' }, ServiceEntry: { status: 'read' } } },
    { name: 'absent CRDs and kinds not collected are not gaps', manifests: namespace, coverage: { ClusterPolicy: { status: 'absent' }, Pod: { status: 'not-collected' } } },
    { name: 'no coverage record at all (offline)', manifests: namespace },
    {
      // Objects read but refused (wrong types, negative status, unknown version, unpermitted reference) are resource-invalid only.
      name: 'offline input read in full, some objects invalid: nothing unread',
      manifests: namespace,
      inputProblems: [
        { type: 'schema', message: 'ServiceEntry tenant-a/x: spec.exportTo must be a list', source: { file: 'a.yaml', line: 3 } },
        { type: 'unsupported', message: 'unknown API version networking.istio.io/v9', source: { file: 'b.yaml', line: 1 } },
        { type: 'status', message: 'VirtualService tenant-a/v is not accepted', source: { file: 'c.yaml', line: 1 } },
        { type: 'reference', message: 'HTTPRoute tenant-a/r: backendRef not permitted', source: { file: 'd.yaml', line: 1 } },
      ],
    },
  ],
  invalid: [
    {
      name: 'manifest files that could not be read: one finding for the cluster naming the first ones, exact count, bounded list',
      manifests: namespace,
      inputProblems: [
        { type: 'parse', message: 'malformed YAML in broken.yaml at line 4: unexpected end', source: { file: 'broken.yaml', line: 4 } },
        { type: 'schema', message: 'Sidecar tenant-a/s: spec must be an object', source: { file: 'ok.yaml', line: 9 } },
        ...Array.from({ length: 60 }, (_, index) => ({ type: 'parse' as const, message: `skipped f${index}.yaml: it is a binary file`, source: { file: `f${index}.yaml`, line: 1 } })),
      ],
      findings: [
        {
          severity: 'medium',
          namespace: '',
          subjectKey: 'input-unread',
          messageIncludes: ['61 manifest file(s) or document(s) could not be read', 'broken.yaml:4, f0.yaml:1, f1.yaml:1 and 58 more', 'the findings cover the rest'],
          check: (finding) => {
            expect(finding.evidence).toMatchObject({ reason: 'input-unread', unreadCount: 61 });
            const locations = finding.evidence.unreadLocations as string[];
            expect(locations).toHaveLength(50);
            expect(locations[0]).toBe('broken.yaml:4');
            expect(locations).not.toContain('ok.yaml:9');
            expect(finding.evidence.unknownRules).toEqual(expect.arrayContaining(['exportto-missing', 'resource-invalid']));
            expect(finding.evidence.unknownRules).not.toContain('aks-local-accounts-enabled');
            expect(finding.source).toEqual({ file: 'broken.yaml', line: 4 });
          },
        },
      ],
    },
    {
      name: 'one unreadable file beside an unreadable kind: both reported',
      manifests: namespace,
      coverage: { Namespace: { status: 'read' }, Sidecar: { status: 'forbidden', error: 'sidecars.networking.istio.io is forbidden' } },
      inputProblems: [{ type: 'parse', message: 'refused big.yaml: 40000000 bytes exceeds the limit', source: { file: 'big.yaml', line: 1 } }],
      findings: [{ subjectKey: 'Sidecar' }, { subjectKey: 'input-unread', messageIncludes: ['1 manifest file(s) or document(s) could not be read (big.yaml:1)'] }],
    },
    {
      name: 'one finding per unreadable kind, naming it',
      manifests: namespace,
      coverage: {
        Namespace: { status: 'read' },
        Sidecar: { status: 'forbidden', error: 'sidecars.networking.istio.io is forbidden' },
        ClusterRoleBinding: { status: 'failed', error: 'timeout after 30s' },
      },
      findings: [
        {
          severity: 'medium',
          subjectKey: 'Sidecar',
          namespace: '',
          messageIncludes: ['Sidecar could not be read', 'forbidden'],
          check: (finding) => expect(finding.evidence).toMatchObject({ kind: 'Sidecar', status: 'forbidden' }),
        },
        { subjectKey: 'ClusterRoleBinding', messageIncludes: ['ClusterRoleBinding', 'timeout after 30s'] },
      ],
    },
    {
      name: 'a kind no rule needs alone still says the scan is incomplete, never "the result of 0 rule(s)"',
      manifests: namespace,
      coverage: { Namespace: { status: 'read' }, Gateway: { status: 'failed', error: 'HTTP 500' } },
      findings: [
        {
          subjectKey: 'Gateway',
          messageIncludes: ['Gateway could not be read'],
          check: (finding) => {
            expect(finding.message).not.toContain('0 rule(s)');
            expect(finding.message).toContain((finding.evidence.unknownRules as string[]).length > 0 ? 'rule(s) is unknown' : 'no rule depends on it alone');
          },
        },
      ],
    },
    {
      // Rules that run without workloads but skip their workload checks (partlyRequires) are named as partly unknown.
      name: 'Pods unreadable: rules that need them are unknown, rules that partly need them are partly unknown',
      manifests: namespace,
      coverage: { Namespace: { status: 'read' }, Pod: { status: 'forbidden', error: 'pods is forbidden' } },
      findings: [
        {
          subjectKey: 'Pod',
          messageIncludes: ['workload-injection-disabled', 'Part of', 'namespace-missing-authorizationpolicy'],
          check: (finding) => {
            expect(finding.evidence.unknownRules).toEqual(expect.arrayContaining(['sidecar-selector-overlap', 'workload-injection-disabled']));
            expect(finding.evidence.partlyUnknownRules).toEqual(['authorizationpolicy-identity-without-mtls', 'namespace-missing-authorizationpolicy', 'namespace-mtls-not-strict']);
          },
        },
      ],
    },
    {
      name: 'credentials rejected (401 on discovery, every kind forbidden): one "could not authenticate" finding for the cluster',
      manifests: '',
      coverage: Object.fromEntries(
        ['Namespace', 'Service', 'ServiceEntry', 'Sidecar', 'ClusterPolicy', 'Pod'].map((kind) => [kind, { status: 'forbidden', httpStatus: 401, error: 'API discovery (/apis) failed: GET /apis: HTTP 401 Unauthorized: Unauthorized' }]),
      ),
      findings: [
        {
          subjectKey: 'cluster-unauthenticated',
          messageIncludes: ['Could not authenticate to cluster', 'HTTP 401'],
          check: (finding) => {
            expect(finding.message).not.toContain('rule(s) is unknown');
            expect(finding.evidence).toMatchObject({ reason: 'unauthenticated' });
            expect(finding.remediation).toMatch(/credentials/);
          },
        },
      ],
    },
    {
      name: 'no read access to any kind (every kind 403): one finding for the cluster',
      manifests: '',
      coverage: { Namespace: { status: 'forbidden', httpStatus: 403, error: 'namespaces is forbidden' }, Sidecar: { status: 'forbidden', httpStatus: 403, error: 'sidecars is forbidden' } },
      findings: [{ subjectKey: 'cluster-forbidden', messageIncludes: ['may not read any kind', 'namespaces is forbidden'] }],
    },
    {
      name: 'an unreachable cluster (every kind failed) gives one finding listing every other rule',
      manifests: '',
      coverage: { Namespace: { status: 'failed', error: 'connect ECONNREFUSED' }, ServiceEntry: { status: 'failed', error: 'connect ECONNREFUSED' } },
      findings: [
        {
          subjectKey: 'cluster-unreachable',
          messageIncludes: ['could not be reached', 'ECONNREFUSED'],
          check: (finding) => {
            const unknown = finding.evidence.unknownRules as string[];
            expect(unknown).toContain('resource-invalid');
            expect(unknown).not.toContain('scan-incomplete');
            // The ARM-based platform rules read nothing from the API server: their results stand.
            expect(unknown).not.toContain('aks-local-accounts-enabled');
          },
        },
      ],
    },
  ],
});
