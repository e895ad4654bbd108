import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManagedIdentityCredential } from '@azure/identity';
import { createAzureCredential } from '../../../src/inventory/credential.js';
import { AKS_SERVER_APP_ID, AKS_SERVER_SCOPE, RefreshingTokenProvider } from '../../../src/access/token.js';
import { startManagedIdentityDouble, type ManagedIdentityDouble } from '../../doubles/managed-identity/index.js';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

describe('managed identity (App Service protocol) against the double', () => {
  let msi: ManagedIdentityDouble;
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };

  beforeAll(async () => {
    msi = await startManagedIdentityDouble({ clientId: CLIENT_ID });
    // ManagedIdentityCredential reads these when it is constructed, as in a Function App.
    process.env.IDENTITY_ENDPOINT = msi.endpoint;
    process.env.IDENTITY_HEADER = msi.header;
  });
  afterAll(async () => {
    process.env.IDENTITY_ENDPOINT = saved.endpoint;
    process.env.IDENTITY_HEADER = saved.header;
    if (saved.endpoint === undefined) delete process.env.IDENTITY_ENDPOINT;
    if (saved.header === undefined) delete process.env.IDENTITY_HEADER;
    await msi.close();
  });

  it('gets an AKS server token for the user-assigned identity with the identity header', async () => {
    const credential = createAzureCredential({ runningInAzure: true, managedIdentityClientId: CLIENT_ID });
    expect(credential).toBeInstanceOf(ManagedIdentityCredential);
    const token = await new RefreshingTokenProvider(credential).getToken();
    expect(msi.audienceOf(token)).toBe(AKS_SERVER_APP_ID);
    const request = msi.requests.at(-1)!;
    expect(request.headerOk).toBe(true);
    expect(request.url).toContain('api-version=2019-08-01');
    expect(request.url).toContain(`client_id=${CLIENT_ID}`);
    expect(AKS_SERVER_SCOPE).toBe(`${AKS_SERVER_APP_ID}/.default`);
  });

  it('fails clearly for an identity the endpoint does not know', async () => {
    const credential = new ManagedIdentityCredential({ clientId: '99999999-2222-3333-4444-555555555555' });
    await expect(credential.getToken('https://management.azure.com/.default')).rejects.toThrow();
  });
});
