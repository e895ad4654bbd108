import { aksAzureRbacDisabled } from '../../../src/rules/platform/aks-azure-rbac-disabled.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster } from './fixtures.js';

runRuleTests(aksAzureRbacDisabled, {
  valid: [{ name: 'managed Entra ID with Azure RBAC', manifests: NO_MANIFESTS, aksCluster: armCluster({ aadProfile: { managed: true, enableAzureRbac: true } }) }],
  invalid: [
    { name: 'no Entra ID integration', manifests: NO_MANIFESTS, aksCluster: armCluster({}), findings: [{ severity: 'medium', messageIncludes: ['aadProfile absent'] }] },
    { name: 'Entra ID with Kubernetes RBAC', manifests: NO_MANIFESTS, aksCluster: armCluster({ aadProfile: { managed: true, enableAzureRbac: false } }), findings: [{ messageIncludes: ['enableAzureRbac is not true'] }] },
  ],
});
