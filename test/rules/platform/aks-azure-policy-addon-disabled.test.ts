import { aksAzurePolicyAddonDisabled } from '../../../src/rules/platform/aks-azure-policy-addon-disabled.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster, azCliCluster } from './fixtures.js';

runRuleTests(aksAzurePolicyAddonDisabled, {
  valid: [
    { name: 'azurepolicy enabled (ARM key)', manifests: NO_MANIFESTS, aksCluster: armCluster({ addonProfiles: { azurepolicy: { enabled: true } } }) },
    { name: 'azurePolicy enabled (other key case)', manifests: NO_MANIFESTS, aksCluster: azCliCluster({ addonProfiles: { azurePolicy: { enabled: true, config: null } } }) },
  ],
  invalid: [
    { name: 'no add-on profile', manifests: NO_MANIFESTS, aksCluster: armCluster({ addonProfiles: {} }), findings: [{ severity: 'medium', resourceName: 'aks-prod' }] },
    { name: 'disabled', manifests: NO_MANIFESTS, aksCluster: azCliCluster({ addonProfiles: { azurepolicy: { enabled: false } } }), findings: [{ severity: 'medium' }] },
  ],
});
