// Storage for the Functions runtime, the scan queues and the Flex Consumption deployment
// package. Identity-based access only: shared keys are disabled, so the app uses the
// AzureWebJobsStorage__* identity settings and nothing can use an account key.
param name string
param location string
param tags object

@description('Queue the timer fills with one message per cluster (SCAN_QUEUE_NAME).')
param scanQueueName string

@description('Blob container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string

@description('Principal id of the scanner identity that gets data-plane roles on this account.')
param scannerPrincipalId string

@description('Resource id of the scanner identity, known before deployment: keeps the role assignment names deterministic (What-If can predict them).')
param scannerIdentityResourceId string

@description('Public network access: Disabled when the account is reached through private endpoints (the app over its VNet integration).')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string

@description('Built-in role ids for the data-plane grants (from shared/catalog.bicep).')
param blobDataOwnerRoleId string
param queueDataContributorRoleId string
param tableDataContributorRoleId string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowCrossTenantReplication: false
    publicNetworkAccess: publicNetworkAccess
    networkAcls: { defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny', bypass: 'AzureServices' }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource scanQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: scanQueueName
}

// The Functions runtime moves a message here after maxDequeueCount failures; the
// recordFailedScan function reads it. Created up front so it exists before the first failure.
resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: '${scanQueueName}-poison'
}

// Blob Data Owner: host leases and timer state, and the deployment package (the identity
// pulls it). Queue Data Contributor: the scan queue and its poison queue (the host moves
// failed messages there). Table Data Contributor: the Functions host writes its diagnostic
// events to a table in AzureWebJobsStorage; without it the host logs errors every start.
// https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, scannerIdentityResourceId, blobDataOwnerRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwnerRoleId)
    principalId: scannerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource queueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, scannerIdentityResourceId, queueDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataContributorRoleId)
    principalId: scannerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, scannerIdentityResourceId, tableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributorRoleId)
    principalId: scannerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
output scanQueueName string = scanQueue.name
output poisonQueueName string = poisonQueue.name
