// The scanner's user-assigned managed identity: the only credential it has. Every access
// (ARM, Kubernetes, Storage, Logs Ingestion) is a role assignment to this identity.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
