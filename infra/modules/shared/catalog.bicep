// Shared constants of the scanner's access and governance, imported by the subscription
// and management-group deployments so both grant and assign exactly the same things.

// Built-in Azure role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
// Reader and the AKS Cluster User Role are not used: the custom ARM role below holds the few
// operations the scanner calls.
@export()
var builtInRoleIds = {
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // data collection rule (Logs Ingestion) and Application Insights (Entra ID telemetry)
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // the Functions host's diagnostic-events table in AzureWebJobsStorage
}

// The custom ARM role: exactly the Azure Resource Manager operations the code calls.
var armRole = loadJsonContent('../../roles/scanner-arm-reader.json')

@export()
var scannerArmRole = {
  roleName: armRole.roleName
  description: armRole.description
  actions: armRole.actions
}

// The custom role with exactly the Kubernetes data actions the scanner's reads need. Azure RBAC
// does not allow custom roles with data actions at management-group scope, so this one is
// always defined with subscriptions as assignable scopes and assigned per subscription
// (https://learn.microsoft.com/azure/role-based-access-control/custom-roles#custom-role-limits).
var scannerRole = loadJsonContent('../../roles/scanner-kubernetes-reader.json')

@export()
var scannerKubernetesRole = {
  roleName: scannerRole.roleName
  description: scannerRole.description
  dataActions: scannerRole.dataActions
}

// ABAC condition (version 2.0) of the custom role's assignment: non-custom-resource reads
// pass unchanged; custom-resource reads only for the listed groups and resource plurals.
// Syntax: https://learn.microsoft.com/azure/aks/manage-azure-rbac (ABAC conditions for CRDs).
var customResourceAction = 'Microsoft.ContainerService/managedClusters/customresources/read'
var groupAttribute = '@Request[Microsoft.ContainerService/managedClusters/customResources:group]'
var kindAttribute = '@Request[Microsoft.ContainerService/managedClusters/customResources:kind]'
var customResourceClauses = map(scannerRole.customResources, entry => contains(entry.resources, '*')
  ? '(${groupAttribute} StringEqualsIgnoreCase \'${entry.group}\')'
  : '(${groupAttribute} StringEqualsIgnoreCase \'${entry.group}\' AND (${join(map(entry.resources, resource => '${kindAttribute} StringEqualsIgnoreCase \'${resource}\''), ' OR ')}))')

@export()
var scannerCustomResourceCondition = '((!(ActionMatches{\'${customResourceAction}\'})) OR ${join(customResourceClauses, ' OR ')})'

// Built-in AKS policy definitions next to the scanner's platform rules (rules.md, "AKS
// platform"). Ids and policy rules from Azure/azure-policy built-in-policies/policyDefinitions/;
// `checks` says what each definition's policyRule really tests, and becomes the assignment's
// description. `mirrors` is the scanner rule with the same intent (or the one it is a
// prerequisite of, as `relation` says).
@export()
var builtInAksPolicies = [
  {
    key: 'aks-policy-addon'
    definitionId: '0a15ec92-a229-4763-bb14-0ea34a568f8d' // Kubernetes/AKS_AzurePolicyAddOn_Audit.json (Audit, Disabled)
    displayName: 'Azure Policy add-on installed and enabled'
    checks: 'Audits AKS clusters whose Azure Policy add-on (addonProfiles.azurepolicy) is not enabled.'
    mirrors: 'aks-azure-policy-addon-disabled'
    relation: 'same check'
    allowsDeny: false
    kubernetesData: false
  }
  {
    key: 'aks-no-local-accounts'
    definitionId: '993c2fcd-2b29-49d2-9eb0-df2c3a730c32' // Kubernetes/AKS_DisableLocalAccounts_Deny.json (Audit, Deny, Disabled)
    displayName: 'local accounts disabled (disableLocalAccounts)'
    checks: 'Audits or denies AKS clusters whose disableLocalAccounts is not true: local accounts give admin credentials that bypass Entra ID.'
    mirrors: 'aks-local-accounts-enabled'
    relation: 'same check'
    allowsDeny: true
    kubernetesData: false
  }
  {
    key: 'aks-entra-id-integration'
    definitionId: '450d2877-ebea-41e8-b00c-e286317d21bf' // Kubernetes/AKS_AAD_Integration_Audit.json (Audit, Disabled): aadProfile exists false
    displayName: 'Entra ID integration configured (aadProfile)'
    checks: 'Audits AKS clusters without Entra ID integration (no aadProfile). It does not check Azure RBAC for Kubernetes authorization (aadProfile.enableAzureRBAC).'
    mirrors: 'aks-azure-rbac-disabled'
    relation: 'first half only: the rule also requires aadProfile.enableAzureRBAC, which no built-in definition audits'
    allowsDeny: false
    kubernetesData: false
  }
  {
    key: 'aks-kubernetes-rbac'
    definitionId: 'ac4a19c2-fa67-49b4-8ae5-0b2e78c49457' // Security Center/ASC_EnableRBAC_KubernetesService_Audit.json (Audit, Disabled): enableRBAC missing or false
    displayName: 'Kubernetes RBAC enabled (enableRBAC)'
    checks: 'Audits AKS clusters with Kubernetes RBAC turned off (enableRBAC missing or false). This is Kubernetes RBAC, not Azure RBAC for Kubernetes authorization.'
    mirrors: 'rbac-serviceentry-write-broad'
    relation: 'prerequisite: without Kubernetes RBAC every user can write ServiceEntries, and the RBAC rules have nothing to evaluate'
    allowsDeny: false
    kubernetesData: false
  }
  {
    key: 'aks-defender'
    definitionId: 'a1840de2-8088-4ea8-b153-b4c723e9cb01' // Kubernetes/ASC_Azure_Defender_Kubernetes_AKS_SecurityProfile_Audit.json (Audit, Disabled)
    displayName: 'Defender profile enabled'
    checks: 'Audits AKS clusters whose Microsoft Defender security profile (securityProfile.defender.securityMonitoring) is not enabled.'
    mirrors: 'aks-defender-disabled'
    relation: 'same check'
    allowsDeny: false
    kubernetesData: false
  }
  {
    key: 'k8s-cluster-admin'
    definitionId: 'a3dc4946-dba6-43e6-950d-f96532848c9f' // Kubernetes/BlockAdminRolebindings.json (Audit, Disabled)
    displayName: 'cluster-admin bound only where required'
    checks: 'Audits Kubernetes role bindings to cluster-admin (in cluster, through the Azure Policy add-on).'
    mirrors: 'rbac-serviceentry-write-broad'
    relation: 'overlapping: cluster-admin can write every ServiceEntry'
    allowsDeny: false
    kubernetesData: true
  }
  {
    key: 'k8s-wildcard-roles'
    definitionId: 'ca8d5704-aa2b-40cf-b110-dc19052825ad' // Kubernetes/BlockWildcardRoles.json (Audit, Disabled)
    displayName: 'no wildcards in roles and cluster roles'
    checks: 'Audits Kubernetes Roles and ClusterRoles that use "*" in resources or verbs (in cluster, through the Azure Policy add-on).'
    mirrors: 'rbac-serviceentry-write-broad'
    relation: 'overlapping: a wildcard role may write ServiceEntries'
    allowsDeny: false
    kubernetesData: true
  }
]

// The custom exportTo definition: the JSON file plus the embedded ConstraintTemplate.
var exportToPolicy = loadJsonContent('../../policy/istio-exportto.policy.json')

@export()
var exportToPolicyDefinition = {
  name: exportToPolicy.name
  properties: {
    policyType: 'Custom'
    mode: exportToPolicy.mode
    displayName: exportToPolicy.displayName
    description: exportToPolicy.description
    metadata: exportToPolicy.metadata
    parameters: exportToPolicy.parameters
    policyRule: {
      if: exportToPolicy.policyRule.if
      then: {
        effect: exportToPolicy.policyRule.then.effect
        details: union(exportToPolicy.policyRule.then.details, {
          templateInfo: {
            sourceType: 'Base64Encoded'
            content: loadFileAsBase64('../../../policies/gatekeeper/serviceentry-exportto-template.yaml')
          }
        })
      }
    }
  }
}

@export()
@description('Effect of the built-in AKS policy assignments (the Azure Resource Manager ones allow only Audit or Disabled).')
type auditEffect = 'Audit' | 'Disabled'

@export()
@description('Effect of the policies that can also block: the exportTo policy and local accounts.')
type denyableEffect = 'Audit' | 'Deny' | 'Disabled'
