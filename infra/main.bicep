// istio-isolation-scanner: everything a platform team needs, in one subscription-scoped
// deployment (`azd up`, or `az deployment sub create`; see docs/deployment.md).
//
//   resource group  identity, storage (queues), Function App (Flex Consumption, Node 22),
//                   Application Insights, alerts, workbook; optionally private endpoints
//                   and an Azure Monitor Private Link Scope (privateNetworking)
//   workspace RG    Log Analytics workspace (new or existing) and the two custom tables
//   workspace region data collection endpoint + rule (in the resource group, but in the
//                   workspace's region, as the Logs Ingestion API requires)
//   scanned subs    the custom ARM reader role and the custom Kubernetes reader role (ABAC
//                   condition), built-in AKS policies and the custom exportTo policy
//
// For a management-group scope, deploy this with scanScope = 'managementGroup' and then
// infra/management-group.bicep at the management group.
targetScope = 'subscription'

import { builtInRoleIds, auditEffect, denyableEffect } from 'modules/shared/catalog.bicep'

@description('Subnets for private networking: the Function App\'s VNet integration and the private endpoints of storage and Azure Monitor.')
type privateNetworkingSettings = {
  @description('Subnet delegated to Microsoft.App/environments, for Flex Consumption VNet integration.')
  functionSubnetId: string
  @description('Subnet of the private endpoints (storage blob, queue, table; Azure Monitor Private Link Scope).')
  privateEndpointSubnetId: string
  @description('Create the private DNS zones and link them to the VNet (default true); false when a hub owns them.')
  createPrivateDnsZones: bool?
}

@minLength(1)
@maxLength(40)
@description('Environment name (azd sets AZURE_ENV_NAME); names and tags derive from it.')
param environmentName string

@minLength(1)
@description('Region of the scanner\'s resources.')
param location string

@description('Resource group of the scanner; empty uses rg-<environmentName>.')
param resourceGroupName string = ''

@description('Resource id of an existing Log Analytics workspace; empty creates one in the scanner\'s resource group.')
param existingWorkspaceResourceId string = ''

@minValue(30)
@maxValue(730)
param logRetentionInDays int = 90

@allowed(['subscriptions', 'managementGroup'])
@description('Where the scanner gets read access: the listed subscriptions (this deployment grants it), or a management group (infra/management-group.bicep grants it).')
param scanScope string = 'subscriptions'

@description('Subscriptions to scan and grant access in (scanScope = subscriptions); empty means this subscription.')
param scanSubscriptionIds array = []

@description('Optional: only clusters in these resource groups (SCAN_RESOURCE_GROUPS).')
param scanResourceGroups array = []

@description('Optional: key=value tags a cluster must carry (SCAN_TAG_FILTER).')
param scanTagFilter array = []

// Only divisors of 24: NCRONTAB "0 0 */5 * * *" fires at 0,5,10,15,20 h, i.e. a 4-hour gap at
// midnight, and the silence alert (two intervals) would be wrong.
@allowed([1, 2, 3, 4, 6, 8, 12, 24])
@description('Hours between fleet scans (a divisor of 24). Sets the timer schedule and the silence alert (two intervals).')
param scanIntervalHours int = 6

// At most 480 s: the whole scanCluster invocation (ARM reads, the scan, the upload) must end
// before host.json's functionTimeout (10 min), or the host kills it mid-scan and retries.
// Same bounds as CLUSTER_SCAN_DEADLINE_SECONDS in src/config/app-settings.ts (a test checks it).
@minValue(30)
@maxValue(480)
param clusterScanDeadlineSeconds int = 300

@description('Scan clusters without Entra ID integration with their local account, whose credential is cluster-admin (SCAN_LOCAL_ACCOUNT_CLUSTERS). Off: such clusters get a skipped record and a finding.')
param scanLocalAccountClusters bool = false

@description('Optional scanner configuration as JSON (namespace patterns, suppressions), SCANNER_CONFIG.')
param scannerConfig string = ''

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Deploy the Azure Policy definitions and assignments in the scanned subscriptions.')
param deployPolicies bool = true

@description('Effect of the built-in AKS policies that only audit (policy add-on, Entra ID, RBAC, Defender, cluster-admin, wildcard roles).')
param aksPolicyEffect auditEffect = 'Audit'

@description('Effect of the built-in "local accounts disabled" policy.')
param localAccountsPolicyEffect denyableEffect = 'Audit'

@description('Effect of the custom exportTo policy on ServiceEntries, VirtualServices and DestinationRules.')
param exportToPolicyEffect denyableEffect = 'Audit'

@description('Namespaces that publish configuration to others on purpose ("*" allowed there).')
param sharedNamespaces array = []

@description('Namespaces the exportTo policy does not evaluate.')
param policyExcludedNamespaces array = ['kube-system', 'gatekeeper-system', 'azure-arc', 'aks-istio-system', 'istio-system']

@description('Existing action group for the alerts; empty creates one.')
param actionGroupResourceId string = ''

@description('Comma-separated e-mail receivers of the created action group (azd: ALERT_EMAILS). Empty with no actionGroupResourceId: the alerts notify no one (the ALERT_NOTIFICATIONS output says so).')
param alertEmails string = ''

@description('Optional: private networking (null: public endpoints, identity-based access only).')
param privateNetworking privateNetworkingSettings?

var tags = { 'azd-env-name': environmentName, application: 'istio-isolation-scanner' }
var suffix = uniqueString(subscription().id, environmentName, location)
var namePrefix = 'iis-${take(environmentName, 20)}'
var scannerResourceGroupName = empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
var effectiveScanSubscriptionIds = empty(scanSubscriptionIds) ? [subscription().subscriptionId] : scanSubscriptionIds
var createWorkspace = empty(existingWorkspaceResourceId)
var workspaceSubscriptionId = createWorkspace ? subscription().subscriptionId : split(existingWorkspaceResourceId, '/')[2]
var workspaceResourceGroupName = createWorkspace ? scannerResourceGroupName : split(existingWorkspaceResourceId, '/')[4]
var workspaceName = createWorkspace ? '${namePrefix}-log' : last(split(existingWorkspaceResourceId, '/'))
var scanQueueName = 'cluster-scans'
var identityName = '${namePrefix}-id'
// Known before deployment, unlike the principal id: role assignment names derive from it.
var identityResourceId = resourceId(subscription().subscriptionId, scannerResourceGroupName, 'Microsoft.ManagedIdentity/userAssignedIdentities', identityName)
var kubernetesRoleDefinitionName = guid(subscription().id, 'istio-isolation-scanner-kubernetes-reader', environmentName)
var armRoleDefinitionName = guid(subscription().id, 'istio-isolation-scanner-arm-reader', environmentName)
var alertEmailList = filter(map(split(alertEmails, ','), email => trim(email)), email => !empty(email))
var isPrivate = privateNetworking != null

resource scannerResourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: scannerResourceGroupName
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'scanner-identity'
  scope: scannerResourceGroup
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'scanner-storage'
  scope: scannerResourceGroup
  params: {
    name: 'iis${suffix}'
    location: location
    tags: tags
    scanQueueName: scanQueueName
    deploymentContainerName: 'app-package'
    scannerPrincipalId: identity.outputs.principalId
    scannerIdentityResourceId: identityResourceId
    publicNetworkAccess: isPrivate ? 'Disabled' : 'Enabled'
    blobDataOwnerRoleId: builtInRoleIds.storageBlobDataOwner
    queueDataContributorRoleId: builtInRoleIds.storageQueueDataContributor
    tableDataContributorRoleId: builtInRoleIds.storageTableDataContributor
  }
}

module logTables 'modules/log-tables.bicep' = {
  name: 'scanner-log-tables'
  scope: resourceGroup(workspaceSubscriptionId, workspaceResourceGroupName)
  params: {
    workspaceName: workspaceName
    createWorkspace: createWorkspace
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
  dependsOn: [scannerResourceGroup]
}

module ingestion 'modules/ingestion.bicep' = {
  name: 'scanner-ingestion'
  scope: scannerResourceGroup
  params: {
    namePrefix: namePrefix
    location: location
    ingestionLocation: logTables.outputs.workspaceLocation
    endpointPublicNetworkAccess: isPrivate ? 'Disabled' : 'Enabled'
    tags: tags
    workspaceId: logTables.outputs.workspaceId
    scannerPrincipalId: identity.outputs.principalId
    scannerIdentityResourceId: identityResourceId
    metricsPublisherRoleId: builtInRoleIds.monitoringMetricsPublisher
    findingsTableName: logTables.outputs.findingsTableName
    scansTableName: logTables.outputs.scansTableName
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'scanner-function-app'
  scope: scannerResourceGroup
  params: {
    name: '${namePrefix}-func-${take(suffix, 6)}'
    location: location
    tags: tags
    azdServiceName: 'scanner'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageQueueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsConnectionString: ingestion.outputs.appInsightsConnectionString
    virtualNetworkSubnetId: privateNetworking.?functionSubnetId ?? ''
    logsIngestionEndpoint: ingestion.outputs.logsIngestionEndpoint
    dataCollectionRuleImmutableId: ingestion.outputs.dataCollectionRuleImmutableId
    findingsStreamName: ingestion.outputs.findingsStreamName
    scansStreamName: ingestion.outputs.scansStreamName
    // NCRONTAB with seconds, as the timer trigger expects: every scanIntervalHours hours.
    scanSchedule: '0 0 */${scanIntervalHours} * * *'
    scanQueueName: storage.outputs.scanQueueName
    // Empty = every subscription the identity can read (the management-group case).
    scanSubscriptionIds: scanScope == 'subscriptions' ? join(effectiveScanSubscriptionIds, ',') : ''
    scanResourceGroups: join(scanResourceGroups, ',')
    scanTagFilter: join(scanTagFilter, ',')
    clusterScanDeadlineSeconds: clusterScanDeadlineSeconds
    scanLocalAccountClusters: scanLocalAccountClusters
    scannerConfig: scannerConfig
    maximumInstanceCount: maximumInstanceCount
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'scanner-alerts'
  scope: scannerResourceGroup
  params: {
    namePrefix: namePrefix
    location: location
    tags: tags
    workspaceId: logTables.outputs.workspaceId
    scanIntervalHours: scanIntervalHours
    actionGroupResourceId: actionGroupResourceId
    alertEmails: alertEmailList
  }
}

module privateEndpoints 'modules/private-networking.bicep' = if (isPrivate) {
  name: 'scanner-private-networking'
  scope: scannerResourceGroup
  params: {
    namePrefix: namePrefix
    location: location
    tags: tags
    privateEndpointSubnetId: privateNetworking.?privateEndpointSubnetId ?? ''
    createPrivateDnsZones: privateNetworking.?createPrivateDnsZones ?? true
    storageAccountId: storage.outputs.id
    dataCollectionEndpointId: ingestion.outputs.dataCollectionEndpointId
    appInsightsId: ingestion.outputs.appInsightsId
    workspaceId: logTables.outputs.workspaceId
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'scanner-workbook'
  scope: scannerResourceGroup
  params: {
    location: location
    tags: tags
    workspaceId: logTables.outputs.workspaceId
    displayName: 'Istio isolation (${environmentName})'
  }
}

module armRole 'modules/scanner-arm-role-definition.bicep' = if (scanScope == 'subscriptions') {
  name: 'scanner-arm-role-definition'
  params: {
    environmentName: environmentName
    roleDefinitionName: armRoleDefinitionName
    assignableSubscriptionIds: effectiveScanSubscriptionIds
  }
}

module kubernetesRole 'modules/scanner-kubernetes-role-definition.bicep' = if (scanScope == 'subscriptions') {
  name: 'scanner-kubernetes-role-definition'
  params: {
    environmentName: environmentName
    roleDefinitionName: kubernetesRoleDefinitionName
    assignableSubscriptionIds: effectiveScanSubscriptionIds
  }
}

module scanAccess 'modules/scan-access-subscription.bicep' = [for subscriptionId in effectiveScanSubscriptionIds: if (scanScope == 'subscriptions') {
  name: 'scanner-access-${take(subscriptionId, 8)}'
  scope: subscription(subscriptionId)
  params: {
    principalId: identity.outputs.principalId
    scannerIdentityResourceId: identityResourceId
    armRoleDefinitionName: armRoleDefinitionName
    kubernetesRoleDefinitionName: kubernetesRoleDefinitionName
    deployPolicies: deployPolicies
    aksPolicyEffect: aksPolicyEffect
    localAccountsPolicyEffect: localAccountsPolicyEffect
    exportToPolicyEffect: exportToPolicyEffect
    sharedNamespaces: sharedNamespaces
    policyExcludedNamespaces: policyExcludedNamespaces
  }
  // The custom roles must exist before they are assigned.
  dependsOn: [armRole, kubernetesRole]
}]

// azd reads these into the environment; names follow its conventions.
output AZURE_RESOURCE_GROUP string = scannerResourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SCANNER_PRINCIPAL_ID string = identity.outputs.principalId
output SCANNER_CLIENT_ID string = identity.outputs.clientId
output LOG_ANALYTICS_WORKSPACE_ID string = logTables.outputs.workspaceId
output LOGS_INGESTION_ENDPOINT string = ingestion.outputs.logsIngestionEndpoint
output LOGS_DCR_IMMUTABLE_ID string = ingestion.outputs.dataCollectionRuleImmutableId
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
// azd prints it after provisioning (azure.yaml postprovision hook): who the alerts reach.
output ALERT_NOTIFICATIONS string = !empty(actionGroupResourceId)
  ? 'action group ${actionGroupResourceId}'
  : empty(alertEmailList) ? 'NONE: no e-mail receivers and no action group, so the alerts notify no one. Set ALERT_EMAILS (azd env set ALERT_EMAILS a@example.com,b@example.com) or ALERT_ACTION_GROUP_ID and run azd provision again.' : 'e-mail: ${join(alertEmailList, ', ')}'
