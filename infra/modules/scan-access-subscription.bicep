// Everything the scanner needs in one scanned subscription, and the governance that
// mirrors its platform rules there: role assignments for the scanner's identity and the
// Azure Policy assignments. Deployed once per subscription by main.bicep; management-group.bicep
// deploys it per subscription for the Kubernetes role alone (custom roles with data actions
// cannot be assigned at a management group).
targetScope = 'subscription'

import { builtInAksPolicies, exportToPolicyDefinition, scannerCustomResourceCondition, auditEffect, denyableEffect } from 'shared/catalog.bicep'

@description('Principal (object) id of the scanner\'s user-assigned managed identity.')
param principalId string

@description('Resource id of the scanner identity (or another stable key), known before deployment: keeps the role assignment names deterministic.')
param scannerIdentityResourceId string

@description('Name (GUID) of the scanner\'s custom ARM role; empty when it is assigned elsewhere (at the management group).')
param armRoleDefinitionName string

@description('Name (GUID) of the scanner\'s custom Kubernetes reader role (modules/scanner-role-definition.bicep).')
param kubernetesRoleDefinitionName string

@description('Deploy the Azure Policy definitions and assignments in this subscription.')
param deployPolicies bool

param aksPolicyEffect auditEffect = 'Audit'
param localAccountsPolicyEffect denyableEffect = 'Audit'
param exportToPolicyEffect denyableEffect = 'Audit'

@description('Namespaces that may export to "*" (explicit exportTo still required).')
param sharedNamespaces array = []

@description('Namespaces the exportTo policy does not evaluate.')
param policyExcludedNamespaces array = []

// ARM: Resource Graph discovery, cluster configuration, mesh revision profiles and the cluster
// user credential (API server address and CA; the token is the identity's own, for the AKS
// Entra ID audience). Replaces Reader and the AKS Cluster User Role.
resource armAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(armRoleDefinitionName)) {
  name: guid(subscription().id, scannerIdentityResourceId, armRoleDefinitionName)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', armRoleDefinitionName)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'istio-isolation-scanner: discover AKS clusters, read their ARM configuration and user credential'
  }
}

// Kubernetes reads on Azure-RBAC clusters, custom resources narrowed by the ABAC condition.
resource kubernetesReaderAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, scannerIdentityResourceId, kubernetesRoleDefinitionName)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', kubernetesRoleDefinitionName)
    principalId: principalId
    principalType: 'ServicePrincipal'
    condition: scannerCustomResourceCondition
    conditionVersion: '2.0'
    description: 'istio-isolation-scanner: read-only Kubernetes access on clusters with Azure RBAC'
  }
}

// Named after the definition id, so renaming an entry of the catalogue keeps its assignment.
resource builtInAssignments 'Microsoft.Authorization/policyAssignments@2024-04-01' = [for policy in builtInAksPolicies: if (deployPolicies) {
  name: 'iis-${uniqueString(policy.definitionId)}'
  properties: {
    displayName: 'istio-isolation-scanner: ${policy.displayName}'
    description: '${policy.checks} Scanner rule ${policy.mirrors}: ${policy.relation}.'
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
    description: exportToPolicyDefinition.properties.description
    policyDefinitionId: exportToDefinition.id
    parameters: {
      effect: { value: exportToPolicyEffect }
      sharedNamespaces: { value: sharedNamespaces }
      excludedNamespaces: { value: policyExcludedNamespaces }
    }
  }
}

output kubernetesRoleAssignmentId string = kubernetesReaderAssignment.id
