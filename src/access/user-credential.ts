/**
 * The API server address and CA, taken from the kubeconfig that ARM's listClusterUserCredential
 * returns. Only the cluster entry is used: its user entry (kubelogin exec plugin, or a local
 * account's client certificate) is ignored; the scanner authenticates with its own token.
 */
import { parse } from 'yaml';
import { isRecord } from '../records.js';

export interface ApiServerEndpoint {
  /** https://host:port */
  server: string;
  /** PEM of the cluster CA. */
  caPem: string;
}

/** Pure: kubeconfig text to the first (current-context) cluster's server and CA. Throws with a clear message. */
export function apiServerFromKubeconfig(kubeconfigText: string): ApiServerEndpoint {
  let document: unknown;
  try {
    document = parse(kubeconfigText);
  } catch (error) {
    throw new Error(`cluster user credential is not a readable kubeconfig: ${(error as Error).message}`, { cause: error });
  }
  if (!isRecord(document) || !Array.isArray(document.clusters) || document.clusters.length === 0) {
    throw new Error('cluster user credential has no clusters entry');
  }
  const contexts = Array.isArray(document.contexts) ? document.contexts.filter(isRecord) : [];
  const currentContext = contexts.find((ctx) => ctx.name === document['current-context']);
  const wantedCluster = isRecord(currentContext?.context) ? currentContext.context.cluster : undefined;
  const entries = document.clusters.filter(isRecord);
  const entry = entries.find((candidate) => candidate.name === wantedCluster) ?? entries[0];
  const cluster = isRecord(entry?.cluster) ? entry.cluster : {};
  const server = typeof cluster.server === 'string' ? cluster.server : '';
  if (!server.startsWith('https://')) throw new Error(`cluster user credential has no https:// server (got "${server}")`);
  const caData = cluster['certificate-authority-data'];
  if (typeof caData !== 'string' || caData === '') throw new Error('cluster user credential has no certificate-authority-data; the scanner never connects without verifying TLS');
  const caPem = Buffer.from(caData, 'base64').toString('utf8');
  if (!caPem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('certificate-authority-data is not a PEM certificate');
  return { server, caPem };
}
