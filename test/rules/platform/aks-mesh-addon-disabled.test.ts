import { aksMeshAddonDisabled } from '../../../src/rules/platform/aks-mesh-addon-disabled.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster, azCliCluster, istioMesh } from './fixtures.js';

runRuleTests(aksMeshAddonDisabled, {
  valid: [
    { name: 'add-on enabled (ARM shape)', manifests: NO_MANIFESTS, aksCluster: armCluster({ serviceMeshProfile: istioMesh(['asm-1-25']) }) },
    { name: 'add-on enabled (az CLI shape, lower-case mode)', manifests: NO_MANIFESTS, aksCluster: azCliCluster({ serviceMeshProfile: { mode: 'istio' } }) },
    { name: 'no ARM data: the rule is skipped, not guessed', manifests: NO_MANIFESTS },
  ],
  invalid: [
    { name: 'mode Disabled', manifests: NO_MANIFESTS, aksCluster: armCluster({ serviceMeshProfile: { mode: 'Disabled' } }), findings: [{ severity: 'info', resourceKind: 'ManagedCluster', resourceName: 'aks-prod', messageIncludes: ['Disabled'] }] },
    {
      name: 'no serviceMeshProfile, self-managed Istio in the cluster',
      manifests: NO_MANIFESTS,
      meshMode: 'self-managed',
      aksCluster: azCliCluster({}),
      findings: [{ messageIncludes: ['not set', 'self-managed Istio'] }],
    },
  ],
});
