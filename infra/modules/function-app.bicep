// The scanner's Function App on the Flex Consumption plan, Node 22, running as the
// user-assigned identity. It takes no inbound traffic: it has no HTTP triggers, the site's
// access restrictions deny everything (the SCM site stays reachable for deployments, with
// Entra ID only: basic publishing credentials are off), and it can be VNet-integrated.
// App settings mirror local.settings.sample.json name for name
// (test/infra/deployment.test.ts checks it) except the two local-only ones:
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

@description('Subnet for Flex Consumption VNet integration (delegated to Microsoft.App/environments); empty: no VNet integration.')
param virtualNetworkSubnetId string
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
param scanLocalAccountClusters bool
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
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // No inbound requests: the app has only timer and queue triggers, which the platform
      // drives without calling the site. The SCM site (deployments) keeps its own rules.
      ipSecurityRestrictionsDefaultAction: 'Deny'
      scmIpSecurityRestrictionsUseMain: false
      scmIpSecurityRestrictionsDefaultAction: 'Allow'
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        // Read by the host (queue triggers) and by the timer's enqueuer: the queue endpoint of
        // this account in whatever cloud it is, instead of a URL built from the account name.
        { name: 'AzureWebJobsStorage__queueServiceUri', value: storageQueueEndpoint }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        // Application Insights accepts Entra ID tokens only (DisableLocalAuth): the host
        // authenticates as the user-assigned identity.
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'SCAN_SCHEDULE', value: scanSchedule }
        { name: 'SCAN_QUEUE_NAME', value: scanQueueName }
        { name: 'SCAN_SUBSCRIPTION_IDS', value: scanSubscriptionIds }
        { name: 'SCAN_RESOURCE_GROUPS', value: scanResourceGroups }
        { name: 'SCAN_TAG_FILTER', value: scanTagFilter }
        { name: 'CLUSTER_SCAN_DEADLINE_SECONDS', value: string(clusterScanDeadlineSeconds) }
        { name: 'SCAN_LOCAL_ACCOUNT_CLUSTERS', value: scanLocalAccountClusters ? 'true' : 'false' }
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

// Basic (user name and password) publishing credentials off for both SCM and FTP: deployments
// authenticate with Entra ID
// (https://learn.microsoft.com/azure/app-service/configure-basic-auth-disable).
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: { allow: false }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: { allow: false }
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
