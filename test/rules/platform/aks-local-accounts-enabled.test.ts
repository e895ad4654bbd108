import { aksLocalAccountsEnabled } from '../../../src/rules/platform/aks-local-accounts-enabled.js';
import { runRuleTests } from '../../helpers/rule-tester.js';
import { NO_MANIFESTS, armCluster, azCliCluster } from './fixtures.js';

runRuleTests(aksLocalAccountsEnabled, {
  valid: [{ name: 'disabled', manifests: NO_MANIFESTS, aksCluster: azCliCluster({ disableLocalAccounts: true }) }],
  invalid: [
    { name: 'explicitly false', manifests: NO_MANIFESTS, aksCluster: armCluster({ disableLocalAccounts: false }), findings: [{ severity: 'medium', messageIncludes: ['false'] }] },
    { name: 'not set', manifests: NO_MANIFESTS, aksCluster: armCluster({}), findings: [{ messageIncludes: ['not set'] }] },
  ],
});
