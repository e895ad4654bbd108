// The custom Azure role with exactly the Kubernetes data actions the scanner reads with
// (for clusters that use Azure RBAC for Kubernetes authorization). A role definition is a
// tenant-wide object: it is created once, in the deployment's subscription, and made
// assignable in every scanned subscription.
targetScope = 'subscription'

import { scannerKubernetesRole } from 'shared/catalog.bicep'

@description('Suffix that keeps the role name unique per environment (role names are unique per tenant).')
param environmentName string

@description('Name (GUID) of the role definition; main.bicep derives it so it is known before deployment.')
param roleDefinitionName string

@description('Subscription ids the role can be assigned in (the scanned subscriptions).')
param assignableSubscriptionIds array

resource scannerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
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

output roleDefinitionId string = scannerRole.id
