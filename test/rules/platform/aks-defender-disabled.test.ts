import { aksDefenderDisabled } from '../../../src/rules/platform/aks-defender-disabled.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster } from './fixtures.js';

runRuleTests(aksDefenderDisabled, {
  valid: [{ name: 'enabled', manifests: NO_MANIFESTS, aksCluster: armCluster({ securityProfile: { defender: { securityMonitoring: { enabled: true } } } }) }],
  invalid: [
    { name: 'no security profile', manifests: NO_MANIFESTS, aksCluster: armCluster({}), findings: [{ severity: 'medium', messageIncludes: ['Defender'] }] },
    { name: 'monitoring disabled', manifests: NO_MANIFESTS, aksCluster: armCluster({ securityProfile: { defender: { securityMonitoring: { enabled: false } } } }), findings: [{}] },
  ],
});
