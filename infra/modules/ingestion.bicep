// Where findings go: a data collection endpoint and a data collection rule with one stream
// per custom table, and Monitoring Metrics Publisher for the scanner on the rule (its only
// write permission). Also Application Insights for the Function App, on the same workspace.
// Streams come from infra/schema/tables.json, like the tables themselves.
param namePrefix string
param location string
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
  }
}

resource endpoint 'Microsoft.Insights/dataCollectionEndpoints@2023-03-11' = {
  name: '${namePrefix}-dce'
  location: location
  tags: tags
  properties: {
    networkAcls: { publicNetworkAccess: 'Enabled' }
  }
}

resource rule 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: '${namePrefix}-dcr'
  location: location
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
output logsIngestionEndpoint string = endpoint.properties.logsIngestion.endpoint
output dataCollectionRuleId string = rule.id
output dataCollectionRuleImmutableId string = rule.properties.immutableId
output findingsStreamName string = schema.findings.streamName
output scansStreamName string = schema.scans.streamName
