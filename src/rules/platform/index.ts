import type { Rule } from '../types.js';
import { aksApiServerUnrestricted } from './aks-api-server-unrestricted.js';
import { aksAzurePolicyAddonDisabled } from './aks-azure-policy-addon-disabled.js';
import { aksAzureRbacDisabled } from './aks-azure-rbac-disabled.js';
import { aksDefenderDisabled } from './aks-defender-disabled.js';
import { aksLocalAccountsEnabled } from './aks-local-accounts-enabled.js';
import { aksMeshAddonDisabled } from './aks-mesh-addon-disabled.js';
import { aksMeshExternalIngress } from './aks-mesh-external-ingress.js';
import { aksMeshPluginCaMissing } from './aks-mesh-plugin-ca-missing.js';
import { aksMeshRevisionUnsupported } from './aks-mesh-revision-unsupported.js';
import { aksMeshUpgradeInProgress } from './aks-mesh-upgrade-in-progress.js';

/** Platform rules read the ARM ManagedCluster object (meta.requiresAks): skipped without it. */
export const platformRules: Rule[] = [
  aksMeshAddonDisabled,
  aksMeshRevisionUnsupported,
  aksMeshUpgradeInProgress,
  aksAzurePolicyAddonDisabled,
  aksDefenderDisabled,
  aksLocalAccountsEnabled,
  aksAzureRbacDisabled,
  aksApiServerUnrestricted,
  aksMeshExternalIngress,
  aksMeshPluginCaMissing,
];
