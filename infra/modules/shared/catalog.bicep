// Shared constants of the scanner's access and governance, imported by the subscription
// and management-group deployments so both grant and assign exactly the same things.

// Built-in Azure role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
@export()
var builtInRoleIds = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
  aksClusterUser: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f' // Azure Kubernetes Service Cluster User Role: listClusterUserCredential (API server address and CA)
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // the Functions host's diagnostic-events table in AzureWebJobsStorage
}

// The custom role with exactly the Kubernetes data actions the scanner's reads need.
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

// Built-in AKS policy definitions mirroring the scanner's platform rules (rules.md, "AKS
// platform"). Ids from Azure/azure-policy built-in-policies/policyDefinitions/.
@export()
var builtInAksPolicies = [
  {
    key: 'aks-policy-addon'
    definitionId: '0a15ec92-a229-4763-bb14-0ea34a568f8d' // Kubernetes/AKS_AzurePolicyAddOn_Audit.json (Audit, Disabled)
    mirrors: 'aks-azure-policy-addon-disabled'
    allowsDeny: false
    kubernetesData: false
  }
  {
    key: 'aks-no-local-accounts'
    definitionId: '993c2fcd-2b29-49d2-9eb0-df2c3a730c32' // Kubernetes/AKS_DisableLocalAccounts_Deny.json (Audit, Deny, Disabled)
    mirrors: 'aks-local-accounts-enabled'
    allowsDeny: true
    kubernetesData: false
  }
  {
    key: 'aks-entra-id'
    definitionId: '450d2877-ebea-41e8-b00c-e286317d21bf' // Kubernetes/AKS_AAD_Integration_Audit.json (Audit, Disabled)
    mirrors: 'aks-azure-rbac-disabled'
    allowsDeny: false
    kubernetesData: false
  }
  {
    key: 'aks-rbac'
    definitionId: 'ac4a19c2-fa67-49b4-8ae5-0b2e78c49457' // Security Center/ASC_EnableRBAC_KubernetesService_Audit.json (Audit, Disabled)
    mirrors: 'aks-azure-rbac-disabled'
    allowsDeny: false
    kubernetesData: false
  }
  {
    key: 'aks-defender'
    definitionId: 'a1840de2-8088-4ea8-b153-b4c723e9cb01' // Kubernetes/ASC_Azure_Defender_Kubernetes_AKS_SecurityProfile_Audit.json (Audit, Disabled)
    mirrors: 'aks-defender-disabled'
    allowsDeny: false
    kubernetesData: false
  }
  {
    key: 'k8s-cluster-admin'
    definitionId: 'a3dc4946-dba6-43e6-950d-f96532848c9f' // Kubernetes/BlockAdminRolebindings.json (Audit, Disabled)
    mirrors: 'rbac-serviceentry-write-broad'
    allowsDeny: false
    kubernetesData: true
  }
  {
    key: 'k8s-wildcard-roles'
    definitionId: 'ca8d5704-aa2b-40cf-b110-dc19052825ad' // Kubernetes/BlockWildcardRoles.json (Audit, Disabled)
    mirrors: 'rbac-serviceentry-write-broad'
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
