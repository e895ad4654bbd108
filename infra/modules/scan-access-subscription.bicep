// Everything the scanner needs in one scanned subscription, and the governance that
// mirrors its platform rules there: role assignments for the scanner's identity and the
// Azure Policy assignments. Deployed once per subscription by main.bicep.
targetScope = 'subscription'

import { builtInRoleIds, builtInAksPolicies, exportToPolicyDefinition, scannerCustomResourceCondition, auditEffect, denyableEffect } from 'shared/catalog.bicep'

@description('Principal (object) id of the scanner\'s user-assigned managed identity.')
param principalId string

@description('Resource id of the scanner identity, known before deployment: keeps the role assignment names deterministic.')
param scannerIdentityResourceId string

@description('Name (GUID) of the scanner\'s custom Kubernetes reader role (modules/scanner-role-definition.bicep).')
param scannerRoleDefinitionName string

@description('Deploy the Azure Policy definitions and assignments in this subscription.')
param deployPolicies bool

param aksPolicyEffect auditEffect
param localAccountsPolicyEffect denyableEffect
param exportToPolicyEffect denyableEffect

@description('Namespaces that may export to "*" (explicit exportTo still required).')
param sharedNamespaces array

@description('Namespaces the exportTo policy does not evaluate.')
param policyExcludedNamespaces array

// Reader: Resource Graph discovery of clusters and the ARM cluster details.
resource readerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, scannerIdentityResourceId, builtInRoleIds.reader)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoleIds.reader)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'istio-isolation-scanner: discover AKS clusters and read their ARM configuration'
  }
}

// Cluster User: the API server address and CA from the cluster user credential (no secrets
// are used: the token comes from the managed identity for the AKS Entra ID audience).
resource clusterUserAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, scannerIdentityResourceId, builtInRoleIds.aksClusterUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoleIds.aksClusterUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'istio-isolation-scanner: read the API server address and CA of each cluster'
  }
}

// Kubernetes reads on Azure-RBAC clusters, custom resources narrowed by the ABAC condition.
resource kubernetesReaderAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, scannerIdentityResourceId, scannerRoleDefinitionName)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', scannerRoleDefinitionName)
    principalId: principalId
    principalType: 'ServicePrincipal'
    condition: scannerCustomResourceCondition
    conditionVersion: '2.0'
    description: 'istio-isolation-scanner: read-only Kubernetes access on clusters with Azure RBAC'
  }
}

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

output roleAssignmentIds array = [readerAssignment.id, clusterUserAssignment.id, kubernetesReaderAssignment.id]
