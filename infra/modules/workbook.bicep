// The fleet workbook. Its content is infra/workbook/isolation-workbook.json, kept as a file
// so it can be edited in the portal's Advanced Editor and pasted back, and so the tests
// validate exactly the queries that are deployed. The deployment adds the workspace as its
// fallbackResourceIds: the resource a workbook opens when started without one (from the
// Workbooks gallery, a shared link or a pinned part)
// (https://learn.microsoft.com/azure/azure-monitor/visualize/workbooks-automate).
param location string
param tags object
param workspaceId string
param displayName string

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // Workbook names must be GUIDs; derive a stable one so redeployments update in place.
  name: guid(resourceGroup().id, 'istio-isolation-workbook', displayName)
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    version: 'Notebook/1.0'
    sourceId: workspaceId
    serializedData: string(union(loadJsonContent('../workbook/isolation-workbook.json'), { fallbackResourceIds: [workspaceId] }))
  }
}

output id string = workbook.id
