// The Log Analytics workspace (new, or an existing one) and the scanner's two custom
// tables. Deployed into the workspace's resource group, which may not be the scanner's.
// Columns come from infra/schema/tables.json, the single source of truth shared with the
// sink's row mapping and the KQL tests.
param workspaceName string
param createWorkspace bool
param location string
param tags object
param retentionInDays int

var schema = loadJsonContent('../schema/tables.json')

// The tables API spells the type 'dateTime'; the DCR stream declarations (and tables.json)
// spell it 'datetime'.
func toTableColumns(columns array) array => map(columns, column => {
  name: column.name
  type: column.type == 'datetime' ? 'dateTime' : column.type
})

resource newWorkspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = if (createWorkspace) {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
      // Entra ID only: no workspace keys (shared keys) for ingestion or queries.
      disableLocalAuth: true
    }
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
  dependsOn: [newWorkspace]
}

resource findingsTable 'Microsoft.OperationalInsights/workspaces/tables@2022-10-01' = {
  parent: workspace
  name: schema.findings.tableName
  properties: {
    plan: 'Analytics'
    retentionInDays: retentionInDays
    schema: {
      name: schema.findings.tableName
      columns: toTableColumns(schema.findings.columns)
    }
  }
}

resource scansTable 'Microsoft.OperationalInsights/workspaces/tables@2022-10-01' = {
  parent: workspace
  name: schema.scans.tableName
  properties: {
    plan: 'Analytics'
    retentionInDays: retentionInDays
    schema: {
      name: schema.scans.tableName
      columns: toTableColumns(schema.scans.columns)
    }
  }
}

output workspaceId string = workspace.id
// The data collection endpoint and rule must be in this region (Logs Ingestion API), which for
// an existing workspace need not be the scanner's.
output workspaceLocation string = createWorkspace ? location : workspace.location
output workspaceName string = workspace.name
output findingsTableName string = findingsTable.name
output scansTableName string = scansTable.name
