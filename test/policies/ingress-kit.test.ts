/**
 * The shared-ingress part of the prevention kit: the ValidatingAdmissionPolicy's CEL is run
 * (@bufbuild/cel with the strings extension, as vap-cel.test.ts) against allowed and denied
 * Gateway API and Istio objects; the Kyverno policy must carry the same CEL; the Gatekeeper
 * template is checked structurally; the audit overlays only audit. Then the kit against the
 * demo cluster aks-shared-ingress: it rejects exactly the objects the scanner reports.
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { run, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { POLICIES_DIR, REPO_ROOT, findManifest, loadYamlFile, renderOverlay, type Manifest } from './kit.js';

interface CelSpec {
  variables: Array<{ name: string; expression: string }>;
  validations: Array<{ expression: string; messageExpression: string; reason: string }>;
}

const POLICY = 'ingress-isolation.isolation-scanner.io';
const vap = findManifest(renderOverlay('enforce/vap'), 'ValidatingAdmissionPolicy', POLICY);
const vapSpec = vap.spec as CelSpec;

/** One CREATE request through the policy; the rejection messages (empty = admitted). */
function admit(spec: CelSpec, object: Record<string, unknown>, namespace: string, annotations?: Record<string, string>): string[] {
  const variables: Record<string, unknown> = {};
  const bindings = {
    object,
    oldObject: null,
    request: { operation: 'CREATE', namespace },
    namespaceObject: { metadata: { name: namespace, ...(annotations ? { annotations } : {}) } },
    variables,
  } as unknown as Record<string, CelInput>;
  for (const variable of spec.variables) variables[variable.name] = run(variable.expression, bindings, { funcs: strings });
  const messages: string[] = [];
  for (const validation of spec.validations) {
    const result = run(validation.expression, bindings, { funcs: strings });
    if (typeof result !== 'boolean') throw new Error(`validation ${validation.expression} returned ${String(result)}, not a bool`);
    if (!result) messages.push(String(run(validation.messageExpression, bindings, { funcs: strings })));
  }
  return messages;
}

const gatewayApi = (kind: string, name: string, namespace: string, spec: Record<string, unknown>) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: { name, namespace }, spec });
const istio = (kind: string, name: string, namespace: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace }, spec });
const listener = (allowedRoutes?: Record<string, unknown>) => ({ name: 'https', port: 443, protocol: 'HTTPS', ...(allowedRoutes ? { allowedRoutes } : {}) });
const OWNS_SHOP = { 'isolation-scanner.io/ingress-hostnames': 'shop.example.com, *.shop.example.com' };

describe('ValidatingAdmissionPolicy CEL (enforce/vap): Gateway API listeners', () => {
  it.each([
    ['no allowedRoutes (Same)', undefined],
    ['from: Same', { namespaces: { from: 'Same' } }],
    ['a Selector with labels', { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-shop' } } } }],
    ['a Selector with expressions', { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'ingress', operator: 'Exists' }] } } }],
  ])('admits a listener with %s', (_label, allowedRoutes) => {
    expect(admit(vapSpec, gatewayApi('Gateway', 'shared', 'aks-istio-ingress', { listeners: [listener(allowedRoutes)] }), 'aks-istio-ingress')).toEqual([]);
  });

  it.each([
    ['from: All', { namespaces: { from: 'All' } }],
    ['an empty Selector', { namespaces: { from: 'Selector', selector: {} } }],
    ['a Selector without selector', { namespaces: { from: 'Selector' } }],
  ])('rejects a listener with %s, in platform namespaces too, naming it', (_label, allowedRoutes) => {
    const messages = admit(vapSpec, gatewayApi('Gateway', 'shared', 'aks-istio-ingress', { listeners: [listener(allowedRoutes), { name: 'ok', port: 80, protocol: 'HTTP' }] }), 'aks-istio-ingress');
    expect(messages).toEqual(['Gateway aks-istio-ingress/shared: listener(s) https admit routes from every namespace; use allowedRoutes.namespaces.from: Same, or a Selector matching the namespaces that own the listener hostname']);
  });
});

describe('ValidatingAdmissionPolicy CEL: Istio Gateway hosts', () => {
  it('admits hosts restricted to a namespace or ./', () => {
    expect(admit(vapSpec, istio('Gateway', 'public', 'aks-istio-ingress', { servers: [{ port: { number: 80 }, hosts: ['team-shop/shop.example.com', './status.example.com'] }] }), 'aks-istio-ingress')).toEqual([]);
  });

  it.each([['*.example.com'], ['*/shop.example.com'], ['*/*']])('rejects the unrestricted host %s', (host) => {
    expect(admit(vapSpec, istio('Gateway', 'public', 'aks-istio-ingress', { servers: [{ port: { number: 80 }, hosts: ['team-shop/shop.example.com', host] }] }), 'aks-istio-ingress')[0]).toContain('has server hosts without a namespace');
  });
});

describe('ValidatingAdmissionPolicy CEL: hostname ownership per namespace', () => {
  it('admits hostnames the namespace owns, exactly or under a wildcard entry, case-insensitively', () => {
    expect(admit(vapSpec, gatewayApi('HTTPRoute', 'cart', 'team-shop', { hostnames: ['shop.example.com', 'Cart.Shop.example.com', '*.eu.shop.example.com'] }), 'team-shop', OWNS_SHOP)).toEqual([]);
  });

  it('admits routes without hostnames (the listener decides) and mesh VirtualServices', () => {
    expect(admit(vapSpec, gatewayApi('HTTPRoute', 'mesh', 'team-shop', { parentRefs: [{ kind: 'Service', group: '', name: 'web' }] }), 'team-shop')).toEqual([]);
    expect(admit(vapSpec, istio('VirtualService', 'web', 'team-shop', { hosts: ['web', 'partner.example.com'], gateways: ['mesh'] }), 'team-shop')).toEqual([]);
    expect(admit(vapSpec, istio('VirtualService', 'web', 'team-shop', { hosts: ['partner.example.com'] }), 'team-shop')).toEqual([]);
  });

  it('rejects another tenant\'s hostname on a route, a gateway VirtualService and a TLSRoute', () => {
    expect(admit(vapSpec, gatewayApi('HTTPRoute', 'cart-offers', 'team-promo', { hostnames: ['cart.shop.example.com'] }), 'team-promo', { 'isolation-scanner.io/ingress-hostnames': 'promo.example.com' })).toEqual([
      'HTTPRoute team-promo/cart-offers uses hostname(s) cart.shop.example.com that namespace team-promo does not own (annotation isolation-scanner.io/ingress-hostnames)',
    ]);
    expect(admit(vapSpec, istio('VirtualService', 'flash-sale', 'team-promo', { hosts: ['shop.example.com'], gateways: ['aks-istio-ingress/public'] }), 'team-promo', { 'isolation-scanner.io/ingress-hostnames': 'promo.example.com', 'isolation-scanner.io/ingress-gateways': 'aks-istio-ingress/public' })[0]).toContain('uses hostname(s) shop.example.com');
    expect(admit(vapSpec, gatewayApi('TLSRoute', 'db', 'team-promo', { hostnames: ['db.shop.example.com'] }), 'team-promo')).toHaveLength(1);
  });

  it('a wildcard entry does not own its bare domain, and "*" is owned only when granted', () => {
    expect(admit(vapSpec, gatewayApi('HTTPRoute', 'r', 'team-shop', { hostnames: ['example.com'] }), 'team-shop', { 'isolation-scanner.io/ingress-hostnames': '*.example.com' })).toHaveLength(1);
    expect(admit(vapSpec, istio('VirtualService', 'all', 'team-shop', { hosts: ['*'], gateways: ['team-shop/gw'] }), 'team-shop', OWNS_SHOP)).toHaveLength(1);
  });

  it('a namespace without the annotation owns nothing; platform namespaces are exempt', () => {
    expect(admit(vapSpec, gatewayApi('HTTPRoute', 'r', 'team-new', { hostnames: ['new.example.com'] }), 'team-new')).toHaveLength(1);
    expect(admit(vapSpec, gatewayApi('HTTPRoute', 'status', 'aks-istio-ingress', { hostnames: ['status.example.com'] }), 'aks-istio-ingress')).toEqual([]);
  });
});

describe('ValidatingAdmissionPolicy CEL: VirtualService gateway binding', () => {
  it.each([[['mesh']], [['own-gw']], [['./own-gw']], [['team-shop/own-gw']], [['aks-istio-ingress/public', 'mesh']]])('admits gateways %j', (gateways) => {
    expect(admit(vapSpec, istio('VirtualService', 'storefront', 'team-shop', { hosts: ['shop.example.com'], gateways }), 'team-shop', { ...OWNS_SHOP, 'isolation-scanner.io/ingress-gateways': 'aks-istio-ingress/public' })).toEqual([]);
  });

  it('rejects a gateway the namespace was not granted, and the legacy FQDN form of it', () => {
    expect(admit(vapSpec, istio('VirtualService', 'storefront', 'team-shop', { hosts: ['shop.example.com'], gateways: ['aks-istio-ingress/internal'] }), 'team-shop', { ...OWNS_SHOP, 'isolation-scanner.io/ingress-gateways': 'aks-istio-ingress/public' })).toEqual([
      'VirtualService team-shop/storefront binds to gateway(s) aks-istio-ingress/internal that namespace team-shop may not use (annotation isolation-scanner.io/ingress-gateways)',
    ]);
    expect(admit(vapSpec, istio('VirtualService', 'storefront', 'team-shop', { hosts: ['shop.example.com'], gateways: ['public.aks-istio-ingress.svc.cluster.local'] }), 'team-shop', OWNS_SHOP)).toHaveLength(1);
  });

  it('matches only CREATE and UPDATE of the ingress kinds', () => {
    expect((vap.spec as { matchConstraints: unknown }).matchConstraints).toEqual({
      resourceRules: [
        { apiGroups: ['gateway.networking.k8s.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['gateways', 'httproutes', 'grpcroutes', 'tlsroutes'] },
        { apiGroups: ['networking.istio.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['gateways', 'virtualservices'] },
      ],
    });
  });
});

describe('the three engines', () => {
  const kyverno = findManifest(renderOverlay('enforce'), 'ClusterPolicy', 'ingress-isolation');
  const rule = (kyverno.spec as { rules: Array<{ match: unknown; validate: { cel: { variables: CelSpec['variables']; expressions: CelSpec['validations'] } } }> }).rules[0]!;

  it('Kyverno carries exactly the VAP CEL, on the same kinds', () => {
    expect(rule.validate.cel.variables).toEqual(vapSpec.variables);
    expect(rule.validate.cel.expressions).toEqual(vapSpec.validations);
    expect(rule.match).toEqual({ any: [{ resources: { kinds: ['gateway.networking.k8s.io/*/Gateway', 'gateway.networking.k8s.io/*/HTTPRoute', 'gateway.networking.k8s.io/*/GRPCRoute', 'gateway.networking.k8s.io/*/TLSRoute', 'networking.istio.io/*/Gateway', 'networking.istio.io/*/VirtualService'], operations: ['CREATE', 'UPDATE'] } }] });
    expect((kyverno.spec as { background: boolean }).background).toBe(false);
  });

  it('the platform namespaces are the same list in the three engines', () => {
    const celList = [...(run(vapSpec.variables[0]!.expression, {}, { funcs: strings }) as Iterable<unknown>)].map(String);
    const constraint = findManifest(renderOverlay('enforce/gatekeeper'), 'K8sIngressIsolation', 'ingress-isolation');
    expect((constraint.spec as { parameters: { platformNamespaces: string[] } }).parameters.platformNamespaces).toEqual(celList);
    expect(celList).toContain('aks-istio-ingress');
  });

  it('the Gatekeeper template: one admission target, four violations, namespace annotations from the synced inventory', () => {
    const [template] = loadYamlFile(join(POLICIES_DIR, 'gatekeeper/ingress-isolation-template.yaml'));
    const spec = template!.spec as { crd: { spec: { names: { kind: string } } }; targets: Array<{ target: string; rego: string }> };
    const rego = spec.targets[0]!.rego;
    expect(spec.crd.spec.names.kind).toBe('K8sIngressIsolation');
    expect(template!.metadata.name).toBe('k8singressisolation');
    expect(rego).toMatch(/^package k8singressisolation$/m);
    expect(rego.match(/^violation\[\{"msg": msg\}\] \{$/gm)).toHaveLength(4);
    expect(rego).toContain('data.inventory.cluster["v1"]["Namespace"][object_namespace].metadata.annotations[key]');
    for (const fact of ['"isolation-scanner.io/ingress-hostnames"', '"isolation-scanner.io/ingress-gateways"', 'listener.allowedRoutes.namespaces.from == "All"', 'startswith(host, "*/")']) expect(rego).toContain(fact);
    const count = (char: string) => rego.split(char).length - 1;
    expect(count('{')).toBe(count('}'));
    expect(count('[')).toBe(count(']'));
    expect(count('(')).toBe(count(')'));
    const config = findManifest(renderOverlay('enforce/gatekeeper'), 'Config', 'config');
    expect(config.spec).toEqual({ sync: { syncOnly: [{ group: '', version: 'v1', kind: 'Namespace' }] } });
  });

  it('audit overlays report without rejecting', () => {
    expect((findManifest(renderOverlay('audit/vap'), 'ValidatingAdmissionPolicyBinding', POLICY).spec as { validationActions: string[] }).validationActions).toEqual(['Audit', 'Warn']);
    expect((findManifest(renderOverlay('enforce/vap'), 'ValidatingAdmissionPolicyBinding', POLICY).spec as { validationActions: string[] }).validationActions).toEqual(['Deny']);
    expect((findManifest(renderOverlay('audit/gatekeeper'), 'K8sIngressIsolation', 'ingress-isolation').spec as { enforcementAction: string }).enforcementAction).toBe('dryrun');
    expect((findManifest(renderOverlay('audit'), 'ClusterPolicy', 'ingress-isolation').spec as { validationFailureAction: string }).validationFailureAction).toBe('Audit');
  });
});

describe('prevent, then detect: the kit against the aks-shared-ingress demo', () => {
  const demo = loadYamlFile(join(REPO_ROOT, 'demo/aks-shared-ingress/ingress.yaml')) as Array<Manifest & { spec: Record<string, unknown> }>;
  // What the platform team would grant: each tenant its hostnames, the shared gateway to all.
  const grants: Record<string, Record<string, string>> = {
    'team-shop': { 'isolation-scanner.io/ingress-hostnames': 'shop.example.com, cart.api.example.com', 'isolation-scanner.io/ingress-gateways': 'aks-istio-ingress/public' },
    'team-blog': { 'isolation-scanner.io/ingress-hostnames': 'blog.example.com, feed.api.example.com', 'isolation-scanner.io/ingress-gateways': 'aks-istio-ingress/public' },
    'team-promo': { 'isolation-scanner.io/ingress-hostnames': 'promo.example.com', 'isolation-scanner.io/ingress-gateways': 'aks-istio-ingress/public' },
  };
  const rejected = demo
    .filter((manifest) => admit(vapSpec, manifest, manifest.metadata.namespace!, grants[manifest.metadata.namespace!]).length > 0)
    .map((manifest) => `${manifest.kind} ${manifest.metadata.namespace}/${manifest.metadata.name}`);

  it("rejects the open Gateways, the open listener and team-promo's claims on other tenants' hostnames", () => {
    // team-promo's own Gateway is rejected for its unrestricted host; preview claims team-blog's host.
    expect(rejected).toEqual(['Gateway aks-istio-ingress/public', 'VirtualService team-promo/flash-sale', 'Gateway team-promo/promo', 'VirtualService team-promo/preview', 'Gateway aks-istio-ingress/api', 'HTTPRoute team-promo/cart-offers']);
  });
});
