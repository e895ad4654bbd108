import { expect } from '@jest/globals';
import { meshDefaultExportToPermissiveRule } from '../../../src/rules/mesh/mesh-default-exportto-permissive.js';
import { runRuleTests } from '../../helpers/rule-tester.js';

const restrictive = { defaultServiceExportTo: ['.'], defaultVirtualServiceExportTo: ['.'], defaultDestinationRuleExportTo: ['.'] };
const source = 'configmap:aks-istio-system/istio-shared-configmap-asm-1-25' as const;

runRuleTests(meshDefaultExportToPermissiveRule, {
  valid: [{ name: 'seed: restrictive mesh defaults', manifests: '', meshConfig: restrictive }],
  invalid: [
    {
      name: 'all three unset',
      manifests: '',
      findings: [
        { severity: 'medium', subjectKey: 'defaultServiceExportTo', messageIncludes: ['unset', 'also hide Kubernetes Services'], check: (f) => expect(f.evidence.meshConfigSource).toBe('default') },
        { subjectKey: 'defaultVirtualServiceExportTo' },
        { subjectKey: 'defaultDestinationRuleExportTo' },
      ],
    },
    {
      name: 'one field contains *, with its ConfigMap as resource',
      manifests: '',
      meshConfig: { ...restrictive, defaultVirtualServiceExportTo: ['*'], fieldSources: { defaultVirtualServiceExportTo: source } },
      findings: [
        {
          subjectKey: 'defaultVirtualServiceExportTo',
          resourceKind: 'ConfigMap',
          resourceName: 'istio-shared-configmap-asm-1-25',
          check: (f) => expect(f.evidence).toMatchObject({ value: ['*'], meshConfigSource: source }),
        },
      ],
    },
  ],
});
