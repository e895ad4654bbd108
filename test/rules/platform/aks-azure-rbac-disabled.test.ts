import { aksAzureRbacDisabled } from '../../../src/rules/platform/aks-azure-rbac-disabled.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster, azCliCluster } from './fixtures.js';

runRuleTests(aksAzureRbacDisabled, {
  valid: [
    // The ARM REST body spells it enableAzureRBAC; the SDK and `az aks show` say enableAzureRbac.
    { name: 'managed Entra ID with Azure RBAC (ARM wire casing enableAzureRBAC)', manifests: NO_MANIFESTS, aksCluster: armCluster({ aadProfile: { managed: true, enableAzureRBAC: true } }) },
    { name: 'managed Entra ID with Azure RBAC (az aks show casing)', manifests: NO_MANIFESTS, aksCluster: azCliCluster({ aadProfile: { managed: true, enableAzureRbac: true } }) },
  ],
  invalid: [
    { name: 'no Entra ID integration', manifests: NO_MANIFESTS, aksCluster: armCluster({}), findings: [{ severity: 'medium', messageIncludes: ['aadProfile absent'] }] },
    { name: 'Entra ID with Kubernetes RBAC', manifests: NO_MANIFESTS, aksCluster: armCluster({ aadProfile: { managed: true, enableAzureRbac: false } }), findings: [{ messageIncludes: ['enableAzureRbac is not true'] }] },
    { name: 'Azure RBAC flag of the wrong type is not "true"', manifests: NO_MANIFESTS, aksCluster: armCluster({ aadProfile: { managed: true, enableAzureRBAC: 'yes' } }), findings: [{ messageIncludes: ['enableAzureRbac is not true'] }] },
  ],
});
