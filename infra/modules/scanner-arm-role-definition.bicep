// The custom Azure role with exactly the Azure Resource Manager operations the scanner calls
// (Resource Graph discovery, cluster configuration, mesh revision profiles, the cluster user
// credential), replacing Reader and the AKS Cluster User Role. Created once, in the
// deployment's subscription, and assignable in every scanned subscription.
// (management-group.bicep defines it at the management group instead: actions-only custom
// roles may be assigned there.)
targetScope = 'subscription'

import { scannerArmRole } from 'shared/catalog.bicep'

@description('Suffix that keeps the role name unique per environment (role names are unique per tenant).')
param environmentName string

@description('Name (GUID) of the role definition; derived by the caller so it is known before deployment.')
param roleDefinitionName string

@description('Subscription ids the role can be assigned in (the scanned subscriptions).')
@minLength(1)
param assignableSubscriptionIds array

resource armRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleDefinitionName
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
    assignableScopes: [for id in assignableSubscriptionIds: '/subscriptions/${id}']
  }
}

output roleDefinitionId string = armRole.id
