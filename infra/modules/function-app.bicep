// The scanner's Function App on the Flex Consumption plan, Node 22, running as the
// user-assigned identity. App settings mirror local.settings.sample.json name for name
// (test/infra/app-settings.test.ts checks it) except the two local-only ones:
// FUNCTIONS_WORKER_RUNTIME (Flex Consumption takes the runtime from functionAppConfig and
// rejects the setting) and the plain AzureWebJobsStorage connection string (shared keys are
// disabled; the AzureWebJobsStorage__* identity settings replace it).
param name string
param location string
param tags object

@description('Tag azd uses to find the app to deploy the code to (azure.yaml service name).')
param azdServiceName string

param identityId string
param identityClientId string
param storageAccountName string
@description('Queue service endpoint of the storage account (primaryEndpoints.queue): the scan queue\'s URI in any cloud.')
param storageQueueEndpoint string
param deploymentContainerUrl string
param appInsightsConnectionString string
param logsIngestionEndpoint string
param dataCollectionRuleImmutableId string
param findingsStreamName string
param scansStreamName string

param scanSchedule string
param scanQueueName string
param scanSubscriptionIds string
param scanResourceGroups string
param scanTagFilter string
param clusterScanDeadlineSeconds int
param scannerConfig string

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        // Read by the host (queue triggers) and by the timer's enqueuer: the queue endpoint of
        // this account in whatever cloud it is, instead of a URL built from the account name.
        { name: 'AzureWebJobsStorage__queueServiceUri', value: storageQueueEndpoint }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'SCAN_SCHEDULE', value: scanSchedule }
        { name: 'SCAN_QUEUE_NAME', value: scanQueueName }
        { name: 'SCAN_SUBSCRIPTION_IDS', value: scanSubscriptionIds }
        { name: 'SCAN_RESOURCE_GROUPS', value: scanResourceGroups }
        { name: 'SCAN_TAG_FILTER', value: scanTagFilter }
        { name: 'CLUSTER_SCAN_DEADLINE_SECONDS', value: string(clusterScanDeadlineSeconds) }
        { name: 'LOGS_INGESTION_ENDPOINT', value: logsIngestionEndpoint }
        { name: 'LOGS_DCR_IMMUTABLE_ID', value: dataCollectionRuleImmutableId }
        { name: 'LOGS_FINDINGS_STREAM', value: findingsStreamName }
        { name: 'LOGS_SCANS_STREAM', value: scansStreamName }
        { name: 'SCANNER_CONFIG', value: scannerConfig }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      // Node 22: the SDKs and @kubernetes/client-node 2.x need it, and Node 20 is end of life.
      runtime: { name: 'node', version: '22' }
    }
  }
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
