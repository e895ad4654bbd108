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
  ],
  invalid: [
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
          },
        },
      ],
    },
  ],
});
