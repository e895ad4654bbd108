// Where findings go: a data collection endpoint and a data collection rule with one stream
// per custom table, and Monitoring Metrics Publisher for the scanner on the rule (its only
// write permission). Also Application Insights for the Function App, on the same workspace,
// with local (instrumentation key) authentication off: the identity sends telemetry with an
// Entra ID token (Monitoring Metrics Publisher on the component).
// Streams come from infra/schema/tables.json, like the tables themselves.
param namePrefix string

@description('Region of Application Insights (the scanner\'s).')
param location string

@description('Region of the data collection endpoint and rule: the workspace\'s. The Logs Ingestion API requires the endpoint and the rule in the region of the destination workspace (https://learn.microsoft.com/azure/azure-monitor/logs/logs-ingestion-api-overview).')
param ingestionLocation string

@description('Public network access of the data collection endpoint: Disabled when it is reached through Azure Monitor Private Link.')
@allowed(['Enabled', 'Disabled'])
param endpointPublicNetworkAccess string

param tags object
param workspaceId string
param scannerPrincipalId string

@description('Resource id of the scanner identity, known before deployment: keeps the role assignment name deterministic.')
param scannerIdentityResourceId string
param metricsPublisherRoleId string

@description('Table names returned by the log-tables module; referencing them makes the rule wait for the tables (a rule whose output stream has no table is rejected).')
param findingsTableName string
param scansTableName string

var schema = loadJsonContent('../schema/tables.json')
var workspaceDestination = 'scannerWorkspace'

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-appi'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspaceId
    IngestionMode: 'LogAnalytics'
    // Entra ID authentication only (https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication).
    DisableLocalAuth: true
  }
}

// The Functions host sends telemetry as the identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, scannerIdentityResourceId, metricsPublisherRoleId)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisherRoleId)
    principalId: scannerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource endpoint 'Microsoft.Insights/dataCollectionEndpoints@2023-03-11' = {
  name: '${namePrefix}-dce'
  location: ingestionLocation
  tags: tags
  properties: {
    networkAcls: { publicNetworkAccess: endpointPublicNetworkAccess }
  }
}

resource rule 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: '${namePrefix}-dcr'
  location: ingestionLocation
  tags: tags
  properties: {
    description: 'istio-isolation-scanner findings and scan records (Logs Ingestion API)'
    dataCollectionEndpointId: endpoint.id
    streamDeclarations: {
      '${schema.findings.streamName}': { columns: schema.findings.columns }
      '${schema.scans.streamName}': { columns: schema.scans.columns }
    }
    destinations: {
      logAnalytics: [
        {
          name: workspaceDestination
          workspaceResourceId: workspaceId
        }
      ]
    }
    // Rows arrive already shaped like the tables, so the transformation is the identity.
    dataFlows: [
      {
        streams: [schema.findings.streamName]
        destinations: [workspaceDestination]
        transformKql: 'source'
        outputStream: 'Custom-${findingsTableName}'
      }
      {
        streams: [schema.scans.streamName]
        destinations: [workspaceDestination]
        transformKql: 'source'
        outputStream: 'Custom-${scansTableName}'
      }
    ]
  }
}

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(rule.id, scannerIdentityResourceId, metricsPublisherRoleId)
  scope: rule
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisherRoleId)
    principalId: scannerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output appInsightsConnectionString string = appInsights.properties.ConnectionString
output appInsightsId string = appInsights.id
output dataCollectionEndpointId string = endpoint.id
output logsIngestionEndpoint string = endpoint.properties.logsIngestion.endpoint
output dataCollectionRuleId string = rule.id
output dataCollectionRuleImmutableId string = rule.properties.immutableId
output findingsStreamName string = schema.findings.streamName
output scansStreamName string = schema.scans.streamName
