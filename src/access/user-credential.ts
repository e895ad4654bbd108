/**
 * The API server address and CA, taken from the kubeconfig that ARM's listClusterUserCredential
 * returns. Only the cluster entry is used by default: its user entry (kubelogin exec plugin, or
 * a local account's client certificate) is ignored; the scanner authenticates with its own
 * token. The local account is read only for clusters without Entra ID whose scan the operator
 * accepted with SCAN_LOCAL_ACCOUNT_CLUSTERS (localAccountFromKubeconfig).
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

/** A local account's credential: admin-equivalent on AKS; held in memory only, never logged. */
export type LocalAccountCredential = { kind: 'token'; token: string } | { kind: 'client-certificate'; certificatePem: string; keyPem: string };

/**
 * Pure: the user of the current context of a local-account kubeconfig (an AKS cluster without
 * Entra ID; AKS gives both a static token and a client certificate): its token, else its client
 * certificate and key. Throws, without quoting any of it, when there is neither (an exec
 * plugin, as Entra ID clusters have, is not a local account).
 */
export function localAccountFromKubeconfig(kubeconfigText: string): LocalAccountCredential {
  let document: unknown;
  try {
    document = parse(kubeconfigText);
  } catch {
    throw new Error('cluster user credential is not a readable kubeconfig');
  }
  if (!isRecord(document) || !Array.isArray(document.users) || document.users.length === 0) throw new Error('cluster user credential has no users entry');
  const contexts = Array.isArray(document.contexts) ? document.contexts.filter(isRecord) : [];
  const currentContext = contexts.find((ctx) => ctx.name === document['current-context']);
  const wantedUser = isRecord(currentContext?.context) ? currentContext.context.user : undefined;
  const entries = document.users.filter(isRecord);
  const entry = entries.find((candidate) => candidate.name === wantedUser) ?? entries[0];
  const user = isRecord(entry?.user) ? entry.user : {};
  if (typeof user.token === 'string' && user.token !== '') return { kind: 'token', token: user.token };
  const certificate = user['client-certificate-data'];
  const key = user['client-key-data'];
  if (typeof certificate === 'string' && certificate !== '' && typeof key === 'string' && key !== '') {
    return { kind: 'client-certificate', certificatePem: Buffer.from(certificate, 'base64').toString('utf8'), keyPem: Buffer.from(key, 'base64').toString('utf8') };
  }
  throw new Error('cluster user credential has no local account (no client certificate and key, no token)');
}
