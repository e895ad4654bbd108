// Scanner access and governance for a whole management group, as an alternative to the
// per-subscription assignments of main.bicep (scanScope = 'managementGroup'). Deploy it
// after main.bicep, with the identity's principal id from main.bicep's outputs:
//   az deployment mg create --management-group-id <mg> --location <region> \
//     --template-file infra/management-group.bicep --parameters scannerPrincipalId=<id>
// Subscription-scoped deployments (and so azd) cannot create management-group resources,
// which is why this is a separate entry point. See docs/deployment.md.
targetScope = 'managementGroup'

import { builtInRoleIds, builtInAksPolicies, exportToPolicyDefinition, scannerKubernetesRole, scannerCustomResourceCondition, auditEffect, denyableEffect } from 'modules/shared/catalog.bicep'

@description('Principal (object) id of the scanner\'s managed identity (output SCANNER_PRINCIPAL_ID of main.bicep).')
param scannerPrincipalId string

@description('Suffix that keeps the custom role name unique per environment.')
param environmentName string = 'default'

@description('Deploy the Azure Policy definitions and assignments at this management group.')
param deployPolicies bool = true

param aksPolicyEffect auditEffect = 'Audit'
param localAccountsPolicyEffect denyableEffect = 'Audit'
param exportToPolicyEffect denyableEffect = 'Audit'

@description('Namespaces that may export to "*" (explicit exportTo still required).')
param sharedNamespaces array = []

@description('Namespaces the exportTo policy does not evaluate.')
param policyExcludedNamespaces array = ['kube-system', 'gatekeeper-system', 'azure-arc', 'aks-istio-system', 'istio-system']

resource scannerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(managementGroup().id, 'istio-isolation-scanner-kubernetes-reader', environmentName)
  properties: {
    roleName: '${scannerKubernetesRole.roleName} (${environmentName})'
    description: scannerKubernetesRole.description
    type: 'customRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: scannerKubernetesRole.dataActions
        notDataActions: []
      }
    ]
    assignableScopes: [managementGroup().id]
  }
}

resource readerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, scannerPrincipalId, builtInRoleIds.reader)
  properties: {
    roleDefinitionId: tenantResourceId('Microsoft.Authorization/roleDefinitions', builtInRoleIds.reader)
    principalId: scannerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'istio-isolation-scanner: discover AKS clusters and read their ARM configuration'
  }
}

resource clusterUserAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, scannerPrincipalId, builtInRoleIds.aksClusterUser)
  properties: {
    roleDefinitionId: tenantResourceId('Microsoft.Authorization/roleDefinitions', builtInRoleIds.aksClusterUser)
    principalId: scannerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'istio-isolation-scanner: read the API server address and CA of each cluster'
  }
}

resource kubernetesReaderAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, scannerPrincipalId, scannerRole.id)
  properties: {
    roleDefinitionId: scannerRole.id
    principalId: scannerPrincipalId
    principalType: 'ServicePrincipal'
    condition: scannerCustomResourceCondition
    conditionVersion: '2.0'
    description: 'istio-isolation-scanner: read-only Kubernetes access on clusters with Azure RBAC'
  }
}

// Management-group policy assignment names are limited to 24 characters.
resource builtInAssignments 'Microsoft.Authorization/policyAssignments@2024-04-01' = [for policy in builtInAksPolicies: if (deployPolicies) {
  name: 'iis-${uniqueString(policy.key)}'
  properties: {
    displayName: 'istio-isolation-scanner: ${policy.key} (mirrors ${policy.mirrors})'
    policyDefinitionId: tenantResourceId('Microsoft.Authorization/policyDefinitions', policy.definitionId)
    parameters: {
      effect: { value: policy.allowsDeny ? localAccountsPolicyEffect : aksPolicyEffect }
    }
  }
}]

resource exportToDefinition 'Microsoft.Authorization/policyDefinitions@2023-04-01' = if (deployPolicies) {
  name: exportToPolicyDefinition.name
  properties: exportToPolicyDefinition.properties
}

resource exportToAssignment 'Microsoft.Authorization/policyAssignments@2024-04-01' = if (deployPolicies) {
  name: 'iis-${uniqueString(exportToPolicyDefinition.name)}'
  properties: {
    displayName: 'istio-isolation-scanner: ${exportToPolicyDefinition.properties.displayName}'
    policyDefinitionId: exportToDefinition.id
    parameters: {
      effect: { value: exportToPolicyEffect }
      sharedNamespaces: { value: sharedNamespaces }
      excludedNamespaces: { value: policyExcludedNamespaces }
    }
  }
}

output scannerRoleDefinitionId string = scannerRole.id
