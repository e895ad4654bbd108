/**
 * Construction of the Azure SDK clients the fleet scan uses, in one place. Production uses the
 * public cloud endpoints and the system trust store; tests point the unmodified SDKs at local
 * doubles through `endpoints` (HTTPS with a test CA: TLS is verified, never switched off).
 */
import http from 'node:http';
import https from 'node:https';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { TokenCredential } from '@azure/identity';

export const ARM_SCOPE = 'https://management.azure.com/.default';

export interface AzureEndpoints {
  /** Azure Resource Manager, default https://management.azure.com. */
  resourceManager?: string;
  /** Resource Graph, default: the Resource Manager endpoint (it is an ARM provider). */
  resourceGraph?: string;
  /** Extra CA (PEM) to trust, for local doubles; production leaves it unset. */
  trustedCaPem?: string;
}

export function createContainerServiceClient(credential: TokenCredential, subscriptionId: string, endpoints: AzureEndpoints = {}): ContainerServiceClient {
  return new ContainerServiceClient(credential, subscriptionId, {
    endpoint: endpoints.resourceManager,
    // Same audience whatever the endpoint: the doubles check it like ARM does.
    credentials: { scopes: [ARM_SCOPE] },
    tlsOptions: endpoints.trustedCaPem ? { ca: endpoints.trustedCaPem } : undefined,
  });
}

/**
 * @azure/arm-resourcegraph 4.x is built on @azure/ms-rest-js, whose node client takes agents
 * rather than TLS settings. Its token scope is management.azure.com for any non-ARM baseUri.
 */
export function createResourceGraphClient(credential: TokenCredential, endpoints: AzureEndpoints = {}): ResourceGraphClient {
  return new ResourceGraphClient(credential, {
    baseUri: endpoints.resourceGraph ?? endpoints.resourceManager,
    agentSettings: endpoints.trustedCaPem
      ? { http: new http.Agent(), https: new https.Agent({ ca: endpoints.trustedCaPem, keepAlive: true }) }
      : undefined,
  });
}
