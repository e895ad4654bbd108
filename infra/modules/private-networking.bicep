// Optional private networking (main.bicep parameters functionSubnetId and
// privateEndpointSubnetId): the scanner's storage account and the Azure Monitor ingestion
// path are reached over private endpoints from the Function App's VNet integration, and their
// public network access is disabled by the modules that own them.
//   - storage: one private endpoint per service the app uses (blob: host and deployment
//     package, queue: the scan queues, table: the host's diagnostic events)
//     (https://learn.microsoft.com/azure/azure-functions/functions-networking-options#restrict-your-storage-account-to-a-virtual-network);
//   - Azure Monitor Private Link Scope with the data collection endpoint, Application Insights
//     and the workspace, ingestion private only, queries open (portal, workbook, alerts)
//     (https://learn.microsoft.com/azure/azure-monitor/logs/private-link-security).
// Private DNS zones are created and linked to the VNet unless createPrivateDnsZones is false
// (when a hub owns the zones and Azure Policy registers the records).
param namePrefix string
param location string
param tags object

@description('Subnet of the private endpoints.')
param privateEndpointSubnetId string

@description('Create the private DNS zones and link them to the VNet of privateEndpointSubnetId.')
param createPrivateDnsZones bool

param storageAccountId string
param dataCollectionEndpointId string
param appInsightsId string
param workspaceId string

// /subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>
var subnetIdParts = split(privateEndpointSubnetId, '/')
var virtualNetworkId = resourceId(subnetIdParts[2], subnetIdParts[4], 'Microsoft.Network/virtualNetworks', subnetIdParts[8])

var storageServices = ['blob', 'queue', 'table']
// Zone names of Azure Monitor Private Link (public cloud), plus the blob zone it shares with storage.
var monitorZones = ['privatelink.monitor.azure.com', 'privatelink.oms.opinsights.azure.com', 'privatelink.ods.opinsights.azure.com', 'privatelink.agentsvc.azure-automation.net']
var storageZones = [for service in storageServices: 'privatelink.${service}.${environment().suffixes.storage}']
var zoneNames = concat(storageZones, monitorZones)

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [for zone in zoneNames: if (createPrivateDnsZones) {
  name: zone
  location: 'global'
  tags: tags
}]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [for (zone, i) in zoneNames: if (createPrivateDnsZones) {
  parent: zones[i]
  name: '${namePrefix}-link'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: { id: virtualNetworkId }
  }
}]

resource storageEndpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [for service in storageServices: {
  name: '${namePrefix}-st-${service}-pe'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointSubnetId }
    privateLinkServiceConnections: [
      {
        name: 'storage-${service}'
        properties: {
          privateLinkServiceId: storageAccountId
          groupIds: [service]
        }
      }
    ]
  }
}]

resource storageZoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [for (service, i) in storageServices: if (createPrivateDnsZones) {
  parent: storageEndpoints[i]
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: service
        properties: { privateDnsZoneId: zones[i].id }
      }
    ]
  }
}]

resource monitorScope 'Microsoft.Insights/privateLinkScopes@2021-07-01-preview' = {
  name: '${namePrefix}-ampls'
  location: 'global'
  tags: tags
  properties: {
    accessModeSettings: {
      // Only resources in this scope are reachable for ingestion from the VNet; queries (the
      // portal, the workbook, the alerts) stay open.
      ingestionAccessMode: 'PrivateOnly'
      queryAccessMode: 'Open'
    }
  }
}

resource scopedEndpoint 'Microsoft.Insights/privateLinkScopes/scopedResources@2021-07-01-preview' = {
  parent: monitorScope
  name: 'dce'
  properties: { linkedResourceId: dataCollectionEndpointId }
}

resource scopedAppInsights 'Microsoft.Insights/privateLinkScopes/scopedResources@2021-07-01-preview' = {
  parent: monitorScope
  name: 'appi'
  properties: { linkedResourceId: appInsightsId }
}

resource scopedWorkspace 'Microsoft.Insights/privateLinkScopes/scopedResources@2021-07-01-preview' = {
  parent: monitorScope
  name: 'log'
  properties: { linkedResourceId: workspaceId }
}

resource monitorEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: '${namePrefix}-ampls-pe'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointSubnetId }
    privateLinkServiceConnections: [
      {
        name: 'azuremonitor'
        properties: {
          privateLinkServiceId: monitorScope.id
          groupIds: ['azuremonitor']
        }
      }
    ]
  }
  // The endpoint maps the scope's resources as they are when it is created.
  dependsOn: [scopedEndpoint, scopedAppInsights, scopedWorkspace]
}

var monitorZoneConfigs = [for zone in concat(monitorZones, [storageZones[0]]): {
  name: replace(zone, '.', '-')
  properties: { privateDnsZoneId: resourceId('Microsoft.Network/privateDnsZones', zone) }
}]

resource monitorZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = if (createPrivateDnsZones) {
  parent: monitorEndpoint
  name: 'default'
  properties: {
    // The four Azure Monitor zones and the blob zone (agent solution packs), as the
    // Azure Monitor Private Link documentation lists them.
    privateDnsZoneConfigs: monitorZoneConfigs
  }
  dependsOn: [zones]
}

output privateLinkScopeId string = monitorScope.id
output storagePrivateEndpointIds array = [for (service, i) in storageServices: storageEndpoints[i].id]
output monitorPrivateEndpointId string = monitorEndpoint.id
