/** YAML builders shared by the ingress rule tests: a cluster reads like manifests. */
export const ns = (...names: string[]) => names.map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`).join('');

export const nsWithLabels = (name: string, labels: Record<string, string>) => `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${JSON.stringify(labels)}\n`;

/** An Istio Gateway. `hosts` per server; servers default to one HTTP server on port 80. */
export function istioGateway(namespace: string, name: string, hosts: string[], options: { selector?: Record<string, string> | null; port?: number; protocol?: string; portName?: string; tls?: Record<string, unknown> } = {}): string {
  const selector = options.selector === null ? '' : `  selector: ${JSON.stringify(options.selector ?? { istio: 'ingressgateway' })}\n`;
  const tls = options.tls ? `    tls: ${JSON.stringify(options.tls)}\n` : '';
  return `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${namespace}, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
${selector}  servers:
  - port: {number: ${options.port ?? 80}, name: ${options.portName ?? 'http'}, protocol: ${options.protocol ?? 'HTTP'}}
    hosts: ${JSON.stringify(hosts)}
${tls}`;
}

/** A VirtualService bound to gateways. */
export function gatewayVirtualService(namespace: string, name: string, hosts: string[], gateways: string[], options: { exportTo?: string[]; created?: string; prefix?: string } = {}): string {
  const exportTo = options.exportTo ? `  exportTo: ${JSON.stringify(options.exportTo)}\n` : '';
  return `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${namespace}, creationTimestamp: "${options.created ?? '2024-02-01T00:00:00Z'}"}
spec:
  hosts: ${JSON.stringify(hosts)}
  gateways: ${JSON.stringify(gateways)}
${exportTo}  http:
  - match: [{uri: {prefix: "${options.prefix ?? '/'}"}}]
    route: [{destination: {host: ${name}.${namespace}.svc.cluster.local}}]
`;
}

/** A gateway proxy Deployment (the injector's gateway template). */
export function gatewayDeployment(namespace: string, name: string, labels: Record<string, string>): string {
  return `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: ${JSON.stringify(labels)}}
  template:
    metadata:
      labels: ${JSON.stringify(labels)}
      annotations: {inject.istio.io/templates: gateway}
    spec:
      containers: [{name: istio-proxy, image: auto}]
`;
}

/** A Gateway API Gateway with listeners given as YAML flow mappings. */
export function k8sGateway(namespace: string, name: string, listeners: Array<Record<string, unknown>>, gatewayClassName = 'istio'): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${namespace}, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  gatewayClassName: ${gatewayClassName}
  listeners: ${JSON.stringify(listeners)}
`;
}

/** A GatewayClass (cluster-scoped). */
export const gatewayClass = (name: string, controllerName: string) => `---\napiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: ${name}}\nspec: {controllerName: ${controllerName}}\n`;

export interface RouteOptions {
  kind?: 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute';
  hostnames?: string[];
  parentRefs?: Array<Record<string, unknown>>;
  rules?: Array<Record<string, unknown>>;
  created?: string | null;
}

export function route(namespace: string, name: string, options: RouteOptions = {}): string {
  const kind = options.kind ?? 'HTTPRoute';
  const created = options.created === null ? '' : `, creationTimestamp: "${options.created ?? '2024-02-01T00:00:00Z'}"`;
  const hostnames = options.hostnames ? `  hostnames: ${JSON.stringify(options.hostnames)}\n` : '';
  const rules = options.rules ?? [{ backendRefs: [{ name, port: 80 }] }];
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: {name: ${name}, namespace: ${namespace}${created}}
spec:
  parentRefs: ${JSON.stringify(options.parentRefs ?? [{ name: 'shared', namespace: 'infra' }])}
${hostnames}  rules: ${JSON.stringify(rules)}
`;
}

export const service = (namespace: string, name: string) => `---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: {ports: [{port: 80}]}\n`;
