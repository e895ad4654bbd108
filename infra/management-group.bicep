// Scanner access and governance for a whole management group, as an alternative to the
// per-subscription assignments of main.bicep (scanScope = 'managementGroup'). Deploy it
// after main.bicep, with the identity's principal id from main.bicep's outputs:
//   az deployment mg create --management-group-id <mg> --location <region> \
//     --template-file infra/management-group.bicep \
//     --parameters scannerPrincipalId=<id> kubernetesSubscriptionIds='["<sub-1>","<sub-2>"]'
// Subscription-scoped deployments (and so azd) cannot create management-group resources,
// which is why this is a separate entry point. See docs/deployment.md.
//
// What is granted where:
//   management group      the custom ARM role (actions only: allowed at this scope) and the
//                         Azure Policy assignments
//   each listed subscription
//                         the custom Kubernetes role: Azure RBAC does not allow custom roles
//                         with data actions at management-group scope, neither as an
//                         assignable scope nor as an assignment scope
//                         (https://learn.microsoft.com/azure/role-based-access-control/custom-roles#custom-role-limits)
targetScope = 'managementGroup'

import { builtInAksPolicies, exportToPolicyDefinition, scannerArmRole, auditEffect, denyableEffect } from 'modules/shared/catalog.bicep'

@description('Principal (object) id of the scanner\'s managed identity (output SCANNER_PRINCIPAL_ID of main.bicep).')
param scannerPrincipalId string

@description('Suffix that keeps the custom role names unique per environment.')
param environmentName string = 'default'

@description('Subscriptions of this management group whose Azure-RBAC clusters the scanner reads: the Kubernetes role is defined for and assigned in each. Clusters in other subscriptions are still discovered and their ARM configuration checked, but their Kubernetes API only answers with infra/kubernetes/ applied.')
@minLength(1)
param kubernetesSubscriptionIds array

@description('Deploy the Azure Policy definitions and assignments at this management group.')
param deployPolicies bool = true

param aksPolicyEffect auditEffect = 'Audit'
param localAccountsPolicyEffect denyableEffect = 'Audit'
param exportToPolicyEffect denyableEffect = 'Audit'

@description('Namespaces that may export to "*" (explicit exportTo still required).')
param sharedNamespaces array = []

@description('Namespaces the exportTo policy does not evaluate.')
param policyExcludedNamespaces array = ['kube-system', 'gatekeeper-system', 'azure-arc', 'aks-istio-system', 'istio-system']

var kubernetesRoleDefinitionName = guid(managementGroup().id, 'istio-isolation-scanner-kubernetes-reader', environmentName)
// Stands in for the identity's resource id in role assignment names (not known at this scope).
var assignmentKey = 'istio-isolation-scanner-${scannerPrincipalId}'

resource armRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(managementGroup().id, 'istio-isolation-scanner-arm-reader', environmentName)
  properties: {
    roleName: '${scannerArmRole.roleName} (${environmentName})'
    description: scannerArmRole.description
    type: 'customRole'
    permissions: [
      {
        actions: scannerArmRole.actions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [managementGroup().id]
  }
}

resource armAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, scannerPrincipalId, armRole.id)
  properties: {
    roleDefinitionId: armRole.id
    principalId: scannerPrincipalId
    principalType: 'ServicePrincipal'
    description: 'istio-isolation-scanner: discover AKS clusters, read their ARM configuration and user credential'
  }
}

// The Kubernetes role is a tenant-wide object; it is created once, from the first listed
// subscription, and assignable in the listed subscriptions only.
module kubernetesRole 'modules/scanner-kubernetes-role-definition.bicep' = {
  name: 'scanner-kubernetes-role'
  scope: subscription(kubernetesSubscriptionIds[0])
  params: {
    environmentName: environmentName
    roleDefinitionName: kubernetesRoleDefinitionName
    assignableSubscriptionIds: kubernetesSubscriptionIds
  }
}

module kubernetesAccess 'modules/scan-access-subscription.bicep' = [for subscriptionId in kubernetesSubscriptionIds: {
  name: 'scanner-kubernetes-access-${take(subscriptionId, 8)}'
  scope: subscription(subscriptionId)
  params: {
    principalId: scannerPrincipalId
    scannerIdentityResourceId: assignmentKey
    armRoleDefinitionName: ''
    kubernetesRoleDefinitionName: kubernetesRoleDefinitionName
    deployPolicies: false
  }
  // The role must exist before it is assigned.
  dependsOn: [kubernetesRole]
}]

// Named after the definition id; management-group assignment names are limited to 24 characters.
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

output armRoleDefinitionId string = armRole.id
output kubernetesRoleDefinitionId string = kubernetesRole.outputs.roleDefinitionId
