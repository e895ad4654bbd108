// The custom Azure role with exactly the Kubernetes data actions the scanner's reads need
// (for clusters that use Azure RBAC for Kubernetes authorization). A role definition is a
// tenant-wide object: it is created once, in one subscription, and made assignable in every
// subscription listed. Never at a management group: Azure RBAC does not allow custom roles
// with data actions there
// (https://learn.microsoft.com/azure/role-based-access-control/custom-roles#custom-role-limits).
targetScope = 'subscription'

import { scannerKubernetesRole } from 'shared/catalog.bicep'

@description('Suffix that keeps the role name unique per environment (role names are unique per tenant).')
param environmentName string

@description('Name (GUID) of the role definition; derived by the caller so it is known before deployment.')
param roleDefinitionName string

@description('Subscription ids the role can be assigned in.')
@minLength(1)
param assignableSubscriptionIds array

resource kubernetesRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleDefinitionName
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
    assignableScopes: [for id in assignableSubscriptionIds: '/subscriptions/${id}']
  }
}

output roleDefinitionId string = kubernetesRole.id
