/**
 * Double of the Azure Resource Manager operations of Microsoft.ContainerService the scanner
 * calls, over HTTPS with the test PKI. Contract: README.md beside this file.
 */
import { stringify } from 'yaml';
import type { TestPki } from '../../helpers/tls.js';
import { armError, startAzureHttpsDouble, type AzureHttpsDouble } from './https-server.js';

export const ARM_AUDIENCE = 'https://management.azure.com';

export interface ArmClusterFixture {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** ARM `properties` of the ManagedCluster. */
  properties: Record<string, unknown>;
  tags?: Record<string, string>;
  /** kubeconfig YAML that listClusterUserCredential returns (base64 on the wire). */
  userKubeconfig?: string;
  /** listClusterUserCredential answers 403 (identity lacks listClusterUserCredential/action). */
  userCredentialForbidden?: boolean;
}

export interface ArmDouble extends AzureHttpsDouble {
  addCluster(cluster: ArmClusterFixture): void;
  setMeshRevisionProfile(location: string, meshRevisions: unknown[]): void;
}

export function managedClusterId(c: Pick<ArmClusterFixture, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`;
}

/** A kubeconfig as AKS returns it for an Entra ID cluster (kubelogin exec user, which the scanner ignores). */
export function aksUserKubeconfig(clusterName: string, server: string, caPem: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: `clusterUser_${clusterName}` } }],
    'current-context': clusterName,
    users: [{
      name: `clusterUser_${clusterName}`,
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin', args: ['get-token', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630'] } },
    }],
  });
}

/**
 * The user credential AKS returns for a cluster without Entra ID: a local account
 * (`clusterUser_<rg>_<name>`) with a client certificate and a static token, both
 * cluster-admin. The API server double checks the token.
 */
export function aksLocalAccountKubeconfig(clusterName: string, server: string, caPem: string, token: string, clientCertificate: { certPem: string; keyPem: string }): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: `clusterUser_${clusterName}` } }],
    'current-context': clusterName,
    users: [{
      name: `clusterUser_${clusterName}`,
      user: {
        'client-certificate-data': Buffer.from(clientCertificate.certPem).toString('base64'),
        'client-key-data': Buffer.from(clientCertificate.keyPem).toString('base64'),
        token,
      },
    }],
  });
}

/** ARM `properties` of a well-configured Istio add-on cluster; override what a test needs. */
export function healthyClusterProperties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    provisioningState: 'Succeeded',
    kubernetesVersion: '1.30.4',
    fqdn: 'cluster.hcp.westeurope.azmk8s.io',
    serviceMeshProfile: { mode: 'Istio', istio: { revisions: ['asm-1-24'], components: { ingressGateways: [{ mode: 'Internal', enabled: true }] }, certificateAuthority: { plugin: { keyVaultId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.KeyVault/vaults/z' } } } },
    addonProfiles: { azurepolicy: { enabled: true } },
    securityProfile: { defender: { securityMonitoring: { enabled: true } } },
    aadProfile: { managed: true, enableAzureRBAC: true },
    disableLocalAccounts: true,
    apiServerAccessProfile: { authorizedIPRanges: ['203.0.113.0/24'] },
    ...overrides,
  };
}

/** One page of list results, to exercise nextLink paging. */
const LIST_PAGE_SIZE = 2;

export async function startArmDouble(options: { pki: TestPki; audienceOf: (token: string) => string | undefined }): Promise<ArmDouble> {
  const clusters = new Map<string, ArmClusterFixture>();
  const profiles = new Map<string, unknown[]>();
  let baseUrl = '';

  const clusterBody = (c: ArmClusterFixture) => ({
    id: managedClusterId(c),
    name: c.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: c.location,
    tags: c.tags ?? {},
    properties: c.properties,
  });

  const double = await startAzureHttpsDouble({
    pki: options.pki,
    audienceOf: options.audienceOf,
    expectedAudience: ARM_AUDIENCE,
    handle: (req, url) => {
      if (!url.searchParams.get('api-version')) return { status: 400, body: armError('MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.") };
      // ARM paths are case-insensitive.
      const path = decodeURIComponent(url.pathname).toLowerCase();
      const clusterMatch = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+)(\/listclusterusercredential)?$/.exec(path);
      if (clusterMatch) {
        const cluster = clusters.get(clusterMatch[1]!);
        if (!cluster) return { status: 404, body: armError('ResourceNotFound', `The Resource '${clusterMatch[1]}' was not found.`) };
        if (!clusterMatch[2] && req.method === 'GET') return { status: 200, body: clusterBody(cluster) };
        if (clusterMatch[2] && req.method === 'POST') {
          if (cluster.userCredentialForbidden) return { status: 403, body: armError('AuthorizationFailed', 'The client does not have authorization to perform action Microsoft.ContainerService/managedClusters/listClusterUserCredential/action.') };
          return { status: 200, body: { kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(cluster.userKubeconfig ?? '').toString('base64') }] } };
        }
        return { status: 405, body: armError('MethodNotAllowed', `${req.method} is not supported here`) };
      }
      const profileMatch = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.containerservice\/locations\/([^/]+)\/meshrevisionprofiles\/istio$/.exec(path);
      if (profileMatch && req.method === 'GET') {
        const revisions = profiles.get(profileMatch[2]!);
        if (!revisions) return { status: 404, body: armError('NotFound', `No mesh revision profile for ${profileMatch[2]}`) };
        return { status: 200, body: { id: url.pathname, name: 'istio', type: 'Microsoft.ContainerService/locations/meshRevisionProfiles', properties: { meshRevisions: revisions } } };
      }
      const listMatch = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters$/.exec(path);
      if (listMatch && req.method === 'GET') {
        const all = [...clusters.values()].filter((c) => c.subscriptionId.toLowerCase() === listMatch[1]).sort((a, b) => a.name.localeCompare(b.name));
        const start = Number(url.searchParams.get('$skiptoken') ?? '0');
        const page = all.slice(start, start + LIST_PAGE_SIZE);
        const next = start + LIST_PAGE_SIZE < all.length ? `${baseUrl}${url.pathname}?api-version=${url.searchParams.get('api-version')}&$skiptoken=${start + LIST_PAGE_SIZE}` : undefined;
        return { status: 200, body: { value: page.map(clusterBody), nextLink: next } };
      }
      return { status: 404, body: armError('InvalidResourceType', `No route for ${req.method} ${url.pathname}`) };
    },
  });
  baseUrl = double.baseUrl;
  return {
    ...double,
    addCluster(cluster) {
      clusters.set(managedClusterId(cluster).toLowerCase(), cluster);
    },
    setMeshRevisionProfile(location, meshRevisions) {
      profiles.set(location.toLowerCase(), meshRevisions);
    },
  };
}
