/**
 * Construction of the Azure SDK clients the fleet scan uses, in one place. Production uses the
 * public cloud endpoints and the system trust store; tests point the unmodified SDKs at local
 * doubles through `endpoints` (HTTPS with a test CA: TLS is verified, never switched off).
 */
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ResourceGraphClient, type ResourceGraphClientOptionalParams } from '@azure/arm-resourcegraph';
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

type ResourceGraphPolicy = NonNullable<ResourceGraphClientOptionalParams['additionalPolicies']>[number]['policy'];

/** hh:mm:ss -> seconds, or undefined. */
function quotaResetSeconds(value: string | undefined): number | undefined {
  const match = /^(\d+):(\d{2}):(\d{2})$/.exec(value?.trim() ?? '');
  return match ? (Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3]) : undefined;
}

/**
 * Resource Graph throttles per user and says when the quota resets in
 * `x-ms-user-quota-resets-after` (hh:mm:ss), not in Retry-After
 * (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests).
 * Copying it into Retry-After on a 429 lets the SDK's own throttling retry policy wait and
 * retry (3 retries by default); everything else about retries is the SDK's.
 */
export const resourceGraphQuotaPolicy: ResourceGraphPolicy = {
  name: 'resourceGraphQuotaResetsAfter',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status === 429 && !response.headers.has('retry-after')) {
      const seconds = quotaResetSeconds(response.headers.get('x-ms-user-quota-resets-after'));
      if (seconds !== undefined) response.headers.set('retry-after', String(seconds));
    }
    return response;
  },
};

/** @azure/arm-resourcegraph 5.x, on the same modern Azure core pipeline as the other clients. */
export function createResourceGraphClient(credential: TokenCredential, endpoints: AzureEndpoints = {}): ResourceGraphClient {
  return new ResourceGraphClient(credential, {
    endpoint: endpoints.resourceGraph ?? endpoints.resourceManager,
    credentials: { scopes: [ARM_SCOPE] },
    tlsOptions: endpoints.trustedCaPem ? { ca: endpoints.trustedCaPem } : undefined,
    // perRetry: it runs inside the retry loop, on every answer, before the retry policy reads it.
    additionalPolicies: [{ policy: resourceGraphQuotaPolicy, position: 'perRetry' }],
  });
}
