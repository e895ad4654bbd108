/**
 * Starts the Azure doubles together (managed identity, ARM, Resource Graph) with one test PKI,
 * and points ManagedIdentityCredential at the identity double through IDENTITY_ENDPOINT /
 * IDENTITY_HEADER exactly as the Functions host does. `close()` restores the environment.
 */
import type { TokenCredential } from '@azure/identity';
import type { AzureEndpoints } from '../../../src/inventory/azure-clients.js';
import { createAzureCredential } from '../../../src/inventory/credential.js';
import { generateTestPki, type TestPki } from '../../helpers/tls.js';
import { startArmDouble, type ArmDouble } from '../../doubles/arm/index.js';
import { startManagedIdentityDouble, type ManagedIdentityDouble } from '../../doubles/managed-identity/index.js';
import { startResourceGraphDouble, type ResourceGraphDouble } from '../../doubles/resource-graph/index.js';

export const SCANNER_CLIENT_ID = '0a1b2c3d-0000-4000-8000-000000000001';

export interface AzureDoubles {
  pki: TestPki;
  msi: ManagedIdentityDouble;
  arm: ArmDouble;
  resourceGraph: ResourceGraphDouble;
  endpoints: AzureEndpoints;
  credential: TokenCredential;
  close(): Promise<void>;
}

export async function startAzureDoubles(options: { resourceGraphPageSize?: number; fixedTokens?: Record<string, string> } = {}): Promise<AzureDoubles> {
  const pki = generateTestPki();
  const msi = await startManagedIdentityDouble({ clientId: SCANNER_CLIENT_ID, fixedTokens: options.fixedTokens });
  const audienceOf = (token: string) => msi.audienceOf(token);
  const arm = await startArmDouble({ pki, audienceOf });
  const resourceGraph = await startResourceGraphDouble({ pki, audienceOf, pageSize: options.resourceGraphPageSize });
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
  process.env.IDENTITY_ENDPOINT = msi.endpoint;
  process.env.IDENTITY_HEADER = msi.header;
  const credential = createAzureCredential({ runningInAzure: true, managedIdentityClientId: SCANNER_CLIENT_ID });
  return {
    pki,
    msi,
    arm,
    resourceGraph,
    endpoints: { resourceManager: arm.baseUrl, resourceGraph: resourceGraph.baseUrl, trustedCaPem: pki.caPem },
    credential,
    async close() {
      for (const [name, value] of [['IDENTITY_ENDPOINT', saved.endpoint], ['IDENTITY_HEADER', saved.header]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await Promise.all([msi.close(), arm.close(), resourceGraph.close()]);
    },
  };
}
