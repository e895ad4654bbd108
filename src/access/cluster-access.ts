/**
 * Per-cluster connection: decides from ARM facts whether the scanner can authenticate at all,
 * checks network line of sight to the API server, explains failures in words an operator can
 * act on, and builds an in-memory @kubernetes/client-node KubeConfig whose bearer token comes
 * from the managed identity on every request (refreshed before expiry, never stored in it).
 */
import tls from 'node:tls';
import { KubeConfig, type User } from '@kubernetes/client-node';
import type { AksFacts } from '../inventory/aks-facts.js';
import type { TokenProvider } from './token.js';
import type { ApiServerEndpoint, LocalAccountCredential } from './user-credential.js';

/** A failure to reach or use a cluster. `retryable` decides between queue retry and an immediate failed record. */
export class ClusterAccessError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ClusterAccessError';
  }
}

/**
 * Why the managed identity cannot authenticate, known from ARM alone (no retry helps).
 * Entra ID integration (aadProfile) is what makes AKS accept Entra tokens; without it the only
 * credentials are local accounts, whose user credential is admin-equivalent: the scanner does
 * not use them unless the operator opts in (SCAN_LOCAL_ACCOUNT_CLUSTERS), and skips the cluster.
 */
export function authenticationBlocker(facts: AksFacts): string | undefined {
  if (!facts.aadProfile) {
    return 'scanned only with Entra ID; local accounts give admin credentials. The cluster has no Entra ID integration, so the only credential AKS hands out (listClusterUserCredential) is a local account with cluster-admin rights, which the scanner does not use. Enable AKS-managed Entra ID integration (and disable local accounts), or accept admin credentials for this scanner with SCAN_LOCAL_ACCOUNT_CLUSTERS=true (docs/fleet-scanning.md).';
  }
  return undefined;
}

const AUTH_PROVIDER_NAME = 'istio-isolation-scanner-managed-identity';

/**
 * A client-node authenticator that adds `Authorization: Bearer <token>` from the provider on
 * each request. Because the token is fetched per request, a long scan keeps working across a
 * token refresh, and no token ever sits in the KubeConfig object (which callers might log).
 */
function managedIdentityAuthenticator(tokens: TokenProvider) {
  return {
    isAuthProvider: (user: User) => (user.authProvider as { name?: string } | undefined)?.name === AUTH_PROVIDER_NAME,
    applyAuthentication: async (_user: User, opts: { headers?: Record<string, unknown> }) => {
      opts.headers ??= {};
      opts.headers.Authorization = `Bearer ${await tokens.getToken()}`;
    },
  };
}

/** In-memory KubeConfig for one cluster: verified TLS against the cluster CA, token from the managed identity. */
export function buildKubeConfig(clusterName: string, endpoint: ApiServerEndpoint, tokens: TokenProvider): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.addAuthenticator(managedIdentityAuthenticator(tokens));
  kubeConfig.loadFromOptions({
    clusters: [{ name: clusterName, server: endpoint.server, caData: Buffer.from(endpoint.caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'scanner', authProvider: { name: AUTH_PROVIDER_NAME, config: {} } }],
    contexts: [{ name: clusterName, cluster: clusterName, user: 'scanner' }],
    currentContext: clusterName,
  });
  return kubeConfig;
}

/**
 * In-memory KubeConfig that authenticates as a local account (client certificate, or token),
 * for a cluster without Entra ID that the operator opted in to scan that way. TLS is verified
 * against the cluster CA as always; the credential lives in this object only.
 */
export function buildLocalAccountKubeConfig(clusterName: string, endpoint: ApiServerEndpoint, account: LocalAccountCredential): KubeConfig {
  const kubeConfig = new KubeConfig();
  const user =
    account.kind === 'client-certificate'
      ? { name: 'local-account', certData: Buffer.from(account.certificatePem).toString('base64'), keyData: Buffer.from(account.keyPem).toString('base64') }
      : { name: 'local-account', token: account.token };
  kubeConfig.loadFromOptions({
    clusters: [{ name: clusterName, server: endpoint.server, caData: Buffer.from(endpoint.caPem).toString('base64'), skipTLSVerify: false }],
    users: [user],
    contexts: [{ name: clusterName, cluster: clusterName, user: 'local-account' }],
    currentContext: clusterName,
  });
  return kubeConfig;
}

/** Node network error codes that mean "no line of sight" (as opposed to TLS or HTTP errors). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'PROBE_TIMEOUT']);

/**
 * Opens a TLS connection to the API server and closes it: proves network line of sight and that
 * the server's certificate chains to the cluster CA, without sending credentials.
 */
export function probeApiServer(endpoint: ApiServerEndpoint, timeoutMs: number): Promise<void> {
  const url = new URL(endpoint.server);
  const port = url.port ? Number(url.port) : 443;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, ca: endpoint.caPem, servername: /^[\d.]+$|:/.test(host) ? undefined : host, rejectUnauthorized: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'PROBE_TIMEOUT' }));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/** Pure: why a cluster could not be reached, with the network settings that usually cause it. */
export function explainProbeFailure(server: string, error: unknown, facts: AksFacts): ClusterAccessError {
  const code = (error as { code?: string }).code ?? '';
  const detail = `${code ? `${code}: ` : ''}${(error as Error).message ?? String(error)}`;
  if (!UNREACHABLE_CODES.has(code)) {
    // TLS verification failures and the like: the server answered but could not be trusted.
    return new ClusterAccessError(`API server ${server} could not be verified (${detail}); the scanner never skips TLS verification.`, true);
  }
  const hints: string[] = [];
  if (facts.enablePrivateCluster) {
    hints.push('the API server is private: the Function App needs VNet integration into a network peered with the cluster VNet and the private DNS zone linked to it (docs/fleet-scanning.md "Network")');
  }
  if (facts.authorizedIpRanges.length > 0) {
    hints.push(`the API server only accepts authorized IP ranges (${facts.authorizedIpRanges.join(', ')}): add the Function App's outbound addresses or NAT gateway`);
  }
  if (facts.publicNetworkAccess?.toLowerCase() === 'disabled' && !facts.enablePrivateCluster) hints.push('public network access to the cluster is disabled');
  return new ClusterAccessError(`API server ${server} is unreachable (${detail})${hints.length > 0 ? `; ${hints.join('; ')}` : ''}.`, true);
}
