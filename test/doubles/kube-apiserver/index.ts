/**
 * Kubernetes API server double: a real HTTPS server on 127.0.0.1 that speaks the parts of
 * the Kubernetes REST protocol the scanner uses (discovery, LIST with limit/continue, GET by
 * name, Status errors), with bearer-token authentication, optional RBAC enforcement and
 * programmable faults. Its contract is documented in README.md next to this file.
 */
import { createHash, randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { stringify } from 'yaml';
import { normalizeObject } from '../../../src/snapshot/build.js';
import { GATEKEEPER_CONSTRAINTS_GROUP, GATEWAY_API_GROUP, KIND_INFO, objectKindOf, type KindInfo } from '../../../src/snapshot/kinds.js';
import { loadManifests } from '../../../src/snapshot/manifests.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { generateTestPki } from '../../helpers/tls.js';
import { rbacAllows, type RbacPolicy, type RbacRequest } from './rbac.js';
import { labelsMatch, parseLabelSelector, type LabelRequirement } from './label-selector.js';

/** A programmed misbehaviour. It applies to requests matching every given selector. */
export interface Fault {
  /** Kubernetes kind of the resource requested (e.g. 'Pod'), or 'Constraint' for any Gatekeeper constraint. */
  kind?: string;
  /** Request path, exact or as a prefix ending in '*' (e.g. '/apis*'). */
  path?: string;
  /** Only requests that carry a continue token (e.g. to expire one mid-list). */
  onlyWithContinue?: boolean;
  /** Answer with this status and a Kubernetes Status body (401, 403, 404, 410, 429, 500...). */
  status?: number;
  /** With status 429/503: the Retry-After header, in seconds. */
  retryAfterSeconds?: number;
  /** Wait this long before answering (normally, or with `status`). */
  delayMs?: number;
  /** Destroy the connection without any answer. */
  drop?: boolean;
  /** Never answer (the connection stays open until the client gives up or the double closes). */
  hang?: boolean;
  /** Send the headers and half of the real body, then cut the connection. */
  truncate?: boolean;
  /** Answer 200 with an HTML page instead of JSON (a misconfigured proxy). */
  nonJson?: boolean;
  /** With `status`: the Status message. `$AUTHORIZATION` becomes the request's Authorization header (a server or proxy echoing credentials). */
  message?: string;
  /** Answer normally, but in chunked encoding without Content-Length (the client learns the size only while reading). */
  chunked?: boolean;
  /** Apply to the first N matching requests only (default: all of them). */
  times?: number;
}

export interface GroupServing {
  versions: string[];
  preferred?: string;
}

export interface KubeApiServerDoubleOptions {
  /** Manifest files or folders, read with the offline loader (one fixture serves both paths). */
  manifestsDir?: string | string[];
  /** Raw objects (as in a manifest) added to the manifests. */
  objects?: Array<Record<string, unknown>>;
  /** Bearer token the double accepts (default: a random one). */
  token?: string;
  faults?: Fault[];
  /** API groups not installed (their kinds are 404, and missing from discovery). */
  absentGroups?: string[];
  /** Versions served per API group (default: DEFAULT_GROUP_VERSIONS). */
  groupVersions?: Record<string, GroupServing>;
  /** When set, every request is authorized against this policy (403 otherwise). */
  rbac?: RbacPolicy;
  /** Name used for the user in 403 messages (the real server names the identity). */
  userName?: string;
}

/** One request as the double saw it: what RBAC would evaluate, and what was answered. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The authorizer's view: verb + resource attributes, or nonResourceURL. */
  attributes: RbacRequest;
  status: number;
  bytes: number;
  /** Kind of the resource addressed, when it is one. */
  kind?: string;
  fault?: string;
}

export interface KubeConfigOptions {
  clusters: Array<{ name: string; server: string; caData: string; skipTLSVerify: boolean }>;
  users: Array<{ name: string; token: string }>;
  contexts: Array<{ name: string; cluster: string; user: string }>;
  currentContext: string;
}

export interface KubeApiServerDouble {
  url: string;
  caPem: string;
  token: string;
  /** Number of objects served (all kinds). */
  objectCount: number;
  /** Options for KubeConfig.loadFromOptions (CA by certificate-authority-data, bearer token). */
  kubeconfig(contextName?: string): KubeConfigOptions;
  /** The same as a kubeconfig YAML document (for CLI tests that need a file). */
  kubeconfigYaml(contextName?: string): string;
  requests: RecordedRequest[];
  /** Most requests in progress at the same time since start (checks client concurrency bounds). */
  maxInFlight(): number;
  setFaults(faults: Fault[]): void;
  close(): Promise<void>;
}

/** What a typical cluster with Istio, the Gateway API, Kyverno and Gatekeeper serves. */
export const DEFAULT_GROUP_VERSIONS: Record<string, GroupServing> = {
  apps: { versions: ['v1'] },
  batch: { versions: ['v1'] },
  'rbac.authorization.k8s.io': { versions: ['v1'] },
  'admissionregistration.k8s.io': { versions: ['v1'] },
  'networking.istio.io': { versions: ['v1', 'v1beta1', 'v1alpha3'] },
  'security.istio.io': { versions: ['v1', 'v1beta1'] },
  'kyverno.io': { versions: ['v1', 'v2', 'v2beta1'] },
  'templates.gatekeeper.sh': { versions: ['v1', 'v1beta1'] },
  [GATEKEEPER_CONSTRAINTS_GROUP]: { versions: ['v1beta1', 'v1alpha1'] },
  // Gateway API CRDs (AKS managed Gateway API, asm-1-26+), standard channel plus the v1alpha2 route kinds.
  [GATEWAY_API_GROUP]: { versions: ['v1', 'v1beta1', 'v1alpha2'] },
};

/** Built-in list items carry no apiVersion/kind; CRD list items do (as the real server). */
const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'rbac.authorization.k8s.io', 'admissionregistration.k8s.io']);

interface ServedKind {
  kind: string;
  group: string;
  plural: string;
  namespaced: boolean;
  /** Versions this kind is served at. */
  versions: string[];
}

interface StoredObject {
  namespace: string;
  name: string;
  /** For `labelSelector` on LIST. */
  labels: Record<string, string>;
  /** JSON of the object without apiVersion/kind, serialized once. */
  json: string;
}

const EXPIRED_MESSAGE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

const REASONS: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 410: 'Expired', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' };

/** Back from K8sObject to the object the API server would store. */
function toStoredBody(object: K8sObject, uid: string, resourceVersion: string): Record<string, unknown> {
  const { metadata } = object;
  return {
    metadata: {
      name: metadata.name,
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
      uid: metadata.uid ?? uid,
      resourceVersion: metadata.resourceVersion ?? resourceVersion,
      // Creation timestamps are not invented: live and offline must order objects alike.
      ...(metadata.creationTimestamp ? { creationTimestamp: metadata.creationTimestamp } : {}),
      ...(Object.keys(metadata.labels).length ? { labels: metadata.labels } : {}),
      ...(Object.keys(metadata.annotations).length ? { annotations: metadata.annotations } : {}),
    },
    ...(Object.keys(object.spec).length ? { spec: object.spec } : {}),
    ...(object.status ? { status: object.status } : {}),
    ...object.body,
  };
}

function loadObjects(options: KubeApiServerDoubleOptions): K8sObject[] {
  const objects: K8sObject[] = [];
  if (options.manifestsDir) {
    const loaded = loadManifests(Array.isArray(options.manifestsDir) ? options.manifestsDir : [options.manifestsDir]);
    objects.push(...loaded.objects);
  }
  for (const raw of options.objects ?? []) {
    const result = normalizeObject(raw);
    if ('object' in result) objects.push(result.object);
  }
  return objects;
}

export async function startKubeApiServerDouble(options: KubeApiServerDoubleOptions = {}): Promise<KubeApiServerDouble> {
  const pki = generateTestPki();
  const token = options.token ?? randomBytes(24).toString('hex');
  const userName = options.userName ?? 'scanner';
  const absentGroups = new Set(options.absentGroups ?? []);
  const groupVersions: Record<string, GroupServing> = { ...DEFAULT_GROUP_VERSIONS, ...options.groupVersions };
  let faults = (options.faults ?? []).map((fault) => ({ ...fault }));
  const requests: RecordedRequest[] = [];
  let resourceVersion = 1000;

  // --- the catalog: which kinds are served where --------------------------------------
  const servedKinds: ServedKind[] = [];
  for (const info of Object.values(KIND_INFO) as KindInfo[]) {
    if (absentGroups.has(info.group)) continue;
    const versions = info.group === '' ? ['v1'] : info.versions.filter((v) => groupVersions[info.group]?.versions.includes(v));
    if (versions.length > 0) servedKinds.push({ kind: objectKindOf(info), group: info.group, plural: info.plural, namespaced: info.namespaced, versions });
  }
  const objects = loadObjects(options);
  if (!absentGroups.has(GATEKEEPER_CONSTRAINTS_GROUP)) {
    const constraintKinds = [...new Set(objects.filter((o) => o.snapshotKind === 'Constraint').map((o) => o.kind))].sort();
    for (const kind of constraintKinds) {
      servedKinds.push({ kind, group: GATEKEEPER_CONSTRAINTS_GROUP, plural: kind.toLowerCase(), namespaced: false, versions: groupVersions[GATEKEEPER_CONSTRAINTS_GROUP]!.versions });
    }
  }
  const kindByResource = new Map(servedKinds.map((k) => [`${k.group}/${k.plural}`, k]));

  // --- the store: objects per resource, sorted like etcd keys, serialized once ---------
  const store = new Map<string, StoredObject[]>();
  for (const object of objects) {
    const group = object.apiVersion.includes('/') ? object.apiVersion.slice(0, object.apiVersion.indexOf('/')) : '';
    const served = servedKinds.find((k) => k.kind === object.kind && k.group === group);
    if (!served) continue;
    const key = `${served.group}/${served.plural}`;
    const uid = createHash('sha256').update(`${key}/${object.metadata.namespace}/${object.metadata.name}`).digest('hex').slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    const body = toStoredBody(object, uid, String(++resourceVersion));
    const list = store.get(key) ?? [];
    list.push({ namespace: object.metadata.namespace, name: object.metadata.name, labels: object.metadata.labels, json: JSON.stringify(body) });
    store.set(key, list);
  }
  for (const list of store.values()) list.sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1));
  const objectCount = [...store.values()].reduce((sum, list) => sum + list.length, 0);
  const listResourceVersion = String(resourceVersion);

  function itemJson(served: ServedKind, version: string, stored: StoredObject): string {
    if (BUILT_IN_GROUPS.has(served.group)) return stored.json;
    const apiVersion = `${served.group}/${version}`;
    return `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(served.kind)},${stored.json.slice(1)}`;
  }

  // --- discovery documents ---------------------------------------------------------------
  const servedGroups = Object.entries(groupVersions).filter(([group]) => !absentGroups.has(group) && servedKinds.some((k) => k.group === group));
  const groupDocument = (group: string, serving: GroupServing) => {
    const preferred = serving.preferred ?? serving.versions[0]!;
    return {
      name: group,
      versions: serving.versions.map((version) => ({ groupVersion: `${group}/${version}`, version })),
      preferredVersion: { groupVersion: `${group}/${preferred}`, version: preferred },
    };
  };
  const resourceList = (group: string, version: string) => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: servedKinds
      .filter((k) => k.group === group && k.versions.includes(version))
      .map((k) => ({ name: k.plural, singularName: k.kind.toLowerCase(), namespaced: k.namespaced, kind: k.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] })),
  });

  // --- request handling --------------------------------------------------------------------
  type Answer = { status: number; body: string; headers?: Record<string, string> };

  /** Parses a path into authorizer attributes and the addressed resource. */
  function route(path: string): { attributes: RbacRequest; served?: ServedKind; version?: string; namespace?: string; name?: string; discovery?: () => Answer } {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const nonResource = (answer: () => Answer) => ({ attributes: { verb: 'get', nonResourceURL: path }, discovery: answer });
    const json = (body: unknown): Answer => ({ status: 200, body: JSON.stringify(body) });
    const notFound = (): Answer => ({ status: 404, body: statusBody(404, 'NotFound', 'the server could not find the requested resource') });
    if (path === '/version') return nonResource(() => json({ major: '1', minor: '31', gitVersion: 'v1.31.2' }));
    if (path === '/api') return nonResource(() => json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443' }] }));
    if (path === '/apis') return nonResource(() => json({ kind: 'APIGroupList', apiVersion: 'v1', groups: servedGroups.map(([group, serving]) => groupDocument(group, serving)) }));
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments.length >= 2) {
      group = '';
      version = segments[1]!;
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 2) {
      group = segments[1]!;
      const serving = servedGroups.find(([name]) => name === group)?.[1];
      if (segments.length === 2) return nonResource(() => (serving ? json({ kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group, serving) }) : notFound()));
      version = segments[2]!;
      rest = segments.slice(3);
      if (!serving || !serving.versions.includes(version)) return nonResource(notFound);
    } else {
      return nonResource(notFound);
    }
    if (group === '' && version !== 'v1') return nonResource(notFound);
    if (rest.length === 0) return nonResource(() => json(resourceList(group, version)));
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource] = rest;
    const served = kindByResource.get(`${group}/${plural}`);
    const verb = name === undefined ? 'list' : 'get';
    const attributes: RbacRequest = { verb, group, resource: plural, namespace, name };
    if (!served || !served.versions.includes(version) || subresource !== undefined || (namespace !== undefined && !served.namespaced)) {
      return { attributes, discovery: notFound };
    }
    return { attributes, served, version, namespace, name };
  }

  function serve(request: ReturnType<typeof route>, query: URLSearchParams): Answer {
    const { served, version, namespace, name } = request;
    if (!served || !version) return { status: 404, body: statusBody(404, 'NotFound', 'the server could not find the requested resource') };
    const key = `${served.group}/${served.plural}`;
    const all = store.get(key) ?? [];
    if (name !== undefined) {
      const found = all.find((o) => o.name === name && o.namespace === (namespace ?? ''));
      if (!found) return { status: 404, body: statusBody(404, 'NotFound', `${served.plural}${served.group ? `.${served.group}` : ''} "${name}" not found`) };
      const item = itemJson(served, version, found);
      return { status: 200, body: BUILT_IN_GROUPS.has(served.group) ? `{"kind":${JSON.stringify(served.kind)},"apiVersion":${JSON.stringify(served.group ? `${served.group}/${version}` : version)},${item.slice(1)}` : item };
    }
    const selector = query.get('labelSelector') ?? '';
    let requirements: LabelRequirement[];
    try {
      requirements = parseLabelSelector(selector);
    } catch (error) {
      return { status: 400, body: statusBody(400, 'BadRequest', (error as Error).message) };
    }
    const scoped = all.filter((o) => (namespace === undefined || o.namespace === namespace) && labelsMatch(requirements, o.labels));
    const limit = Number(query.get('limit') ?? '0');
    let offset = 0;
    const continueToken = query.get('continue');
    if (continueToken) {
      try {
        const decoded = JSON.parse(Buffer.from(continueToken, 'base64url').toString('utf8')) as { key?: string; ns?: string; sel?: string; offset?: number };
        // A token only resumes the query that issued it (same resource, namespace and selector).
        if (decoded.key !== key || (decoded.ns ?? '') !== (namespace ?? '') || (decoded.sel ?? '') !== selector || typeof decoded.offset !== 'number') throw new Error('mismatch');
        offset = decoded.offset;
      } catch {
        return { status: 400, body: statusBody(400, 'BadRequest', 'continue key is not valid') };
      }
    }
    const end = limit > 0 ? Math.min(scoped.length, offset + limit) : scoped.length;
    const page = scoped.slice(offset, end);
    const next = end < scoped.length ? Buffer.from(JSON.stringify({ key, ns: namespace ?? '', sel: selector, offset: end, rv: listResourceVersion })).toString('base64url') : undefined;
    const metadata = { resourceVersion: listResourceVersion, ...(next ? { continue: next, remainingItemCount: scoped.length - end } : {}) };
    const listApiVersion = served.group ? `${served.group}/${version}` : version;
    const body = `{"kind":${JSON.stringify(`${served.kind}List`)},"apiVersion":${JSON.stringify(listApiVersion)},"metadata":${JSON.stringify(metadata)},"items":[${page.map((o) => itemJson(served, version, o)).join(',')}]}`;
    return { status: 200, body };
  }

  function matchingFault(path: string, kind: string | undefined, hasContinue: boolean): Fault | undefined {
    for (const fault of faults) {
      if (fault.times !== undefined && fault.times <= 0) continue;
      if (fault.kind !== undefined && fault.kind !== kind && !(fault.kind === 'Constraint' && kind !== undefined && kindByResource.get(`${GATEKEEPER_CONSTRAINTS_GROUP}/${kind.toLowerCase()}`))) continue;
      if (fault.path !== undefined && !(fault.path.endsWith('*') ? path.startsWith(fault.path.slice(0, -1)) : path === fault.path)) continue;
      if (fault.onlyWithContinue && !hasContinue) continue;
      if (fault.times !== undefined) fault.times -= 1;
      return fault;
    }
    return undefined;
  }

  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = https.createServer({ key: pki.keyPem, cert: pki.certPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const routed = route(url.pathname);
    const kind = routed.served?.kind ?? (routed.attributes.resource ? kindByResource.get(`${routed.attributes.group}/${routed.attributes.resource}`)?.kind : undefined);
    const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), attributes: routed.attributes, status: 0, bytes: 0, kind };
    requests.push(record);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));

    const send = (answer: Answer) => {
      record.status = answer.status;
      record.bytes = Buffer.byteLength(answer.body);
      res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': String(record.bytes), ...answer.headers });
      res.end(answer.body);
    };
    const normalAnswer = (): Answer => {
      if (req.method !== 'GET') return { status: 405, body: statusBody(405, 'MethodNotAllowed', 'the double is read-only') };
      if (req.headers.authorization !== `Bearer ${token}`) return { status: 401, body: statusBody(401, 'Unauthorized', 'Unauthorized') };
      if (options.rbac && !rbacAllows(options.rbac, routed.attributes)) {
        const a = routed.attributes;
        const message = a.nonResourceURL
          ? `forbidden: User "${userName}" cannot get path "${a.nonResourceURL}"`
          : `${a.resource}${a.name ? ` "${a.name}"` : ''} is forbidden: User "${userName}" cannot ${a.verb} resource "${a.resource}" in API group "${a.group}"${a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope'}`;
        return { status: 403, body: statusBody(403, 'Forbidden', message) };
      }
      return routed.discovery ? routed.discovery() : serve(routed, url.searchParams);
    };

    const fault = matchingFault(url.pathname, kind, url.searchParams.has('continue'));
    const act = () => {
      if (!fault) return send(normalAnswer());
      record.fault = JSON.stringify(fault);
      if (fault.hang) return;
      if (fault.drop) {
        record.status = -1;
        return req.socket.destroy();
      }
      if (fault.nonJson) {
        record.status = 200;
        res.writeHead(200, { 'Content-Type': 'text/html' });
        return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      }
      if (fault.truncate) {
        const answer = normalAnswer();
        const half = Buffer.from(answer.body).subarray(0, Math.floor(Buffer.byteLength(answer.body) / 2));
        record.status = answer.status;
        record.bytes = half.length;
        res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(answer.body)) });
        res.write(half);
        return setImmediate(() => req.socket.destroy());
      }
      if (fault.chunked) {
        const answer = normalAnswer();
        record.status = answer.status;
        record.bytes = Buffer.byteLength(answer.body);
        res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
        // Several writes, so the body arrives in pieces as from a streaming server.
        const body = Buffer.from(answer.body);
        for (let offset = 0; offset < body.length; offset += 16 * 1024) res.write(body.subarray(offset, offset + 16 * 1024));
        return res.end();
      }
      if (fault.status !== undefined) {
        const message = fault.message !== undefined ? fault.message.split('$AUTHORIZATION').join(req.headers.authorization ?? '') : fault.status === 410 ? EXPIRED_MESSAGE : `programmed fault ${fault.status}`;
        const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
        return send({ status: fault.status, body: statusBody(fault.status, REASONS[fault.status] ?? 'Unknown', message), headers });
      }
      return send(normalAnswer());
    };
    if (fault?.delayMs) setTimeout(act, fault.delayMs);
    else act();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const kubeconfig = (contextName = 'double'): KubeConfigOptions => ({
    clusters: [{ name: contextName, server: url, caData: Buffer.from(pki.caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: `${contextName}-user`, token }],
    contexts: [{ name: contextName, cluster: contextName, user: `${contextName}-user` }],
    currentContext: contextName,
  });

  return {
    url,
    caPem: pki.caPem,
    token,
    objectCount,
    kubeconfig,
    kubeconfigYaml(contextName = 'double') {
      return stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: contextName, cluster: { server: url, 'certificate-authority-data': Buffer.from(pki.caPem).toString('base64') } }],
        users: [{ name: `${contextName}-user`, user: { token } }],
        contexts: [{ name: contextName, context: { cluster: contextName, user: `${contextName}-user` } }],
        'current-context': contextName,
      });
    },
    requests,
    maxInFlight: () => maxInFlight,
    setFaults(next: Fault[]) {
      faults = next.map((fault) => ({ ...fault }));
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}
