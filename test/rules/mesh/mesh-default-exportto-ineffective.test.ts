import { expect } from '@jest/globals';
import { meshDefaultExportToIneffectiveRule } from '../../../src/rules/mesh/mesh-default-exportto-ineffective.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

runRuleTests(meshDefaultExportToIneffectiveRule, {
  valid: [
    { name: 'plain "." defaults', manifests: '', meshConfig: { defaultServiceExportTo: ['.'], defaultVirtualServiceExportTo: ['.'], defaultDestinationRuleExportTo: ['.'] }, istioVersion: '1.24' },
    { name: 'unset defaults (the permissive rule covers them)', manifests: '' },
    { name: 'a names list is honoured from 1.30.3', manifests: '', meshConfig: { defaultServiceExportTo: ['.', 'shared-egress'] }, istioVersion: '1.30.3' },
  ],
  invalid: [
    {
      name: 'names-only service default before 1.30.3: invisible everywhere',
      manifests: '',
      istioVersion: '1.25',
      meshConfig: { defaultServiceExportTo: ['shared-egress'] },
      findings: [
        {
          severity: 'high',
          subjectKey: 'defaultServiceExportTo',
          messageIncludes: ['Istio 1.25', 'visible in no namespace'],
          check: (f) => expect(f.evidence).toMatchObject({ istioVersionAssumed: '1.25', effectiveBehaviour: expect.stringContaining('no namespace') }),
        },
      ],
    },
    {
      name: '"." plus names before 1.30.3: only "." counts',
      manifests: '',
      istioVersion: '1.30.2',
      meshConfig: { defaultVirtualServiceExportTo: ['.', 'shared-egress'] },
      findings: [{ subjectKey: 'defaultVirtualServiceExportTo', messageIncludes: ['only "." counts'] }],
    },
    {
      name: 'DestinationRule default naming namespaces behaves as * in every version',
      manifests: '',
      istioVersion: '1.30.3',
      meshConfig: { defaultDestinationRuleExportTo: ['tenant-a'] },
      findings: [{ subjectKey: 'defaultDestinationRuleExportTo', messageIncludes: ['behaves as "*"'] }],
    },
  ],
});
