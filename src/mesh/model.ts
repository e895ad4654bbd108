import type { ScannerConfig } from '../config/types.js';
import type { ClusterSnapshot, K8sObject } from '../snapshot/types.js';
import { buildConfigObjects, type ConfigObject } from './config-objects.js';
import { DestinationRuleIndex } from './destination-rules.js';
import { effectiveExportTo } from './exportto.js';
import { GatewayApiModel } from './gateway-api.js';
import { HostIndex } from './hosts.js';
import { ImportGraph, type PublicImporterIndex } from './imports.js';
import { isAksAddon, namespaceInjection, namespacesEnabledByDefault, type InjectionState } from './injection.js';
import { classifyNamespace, type NamespaceClass } from './namespaces.js';
import { hostPrecedenceMode, type HostPrecedenceMode } from './istiod-flags.js';
import { chooseServiceDefinition } from './precedence.js';
import { IstioIngressModel } from './istio-ingress.js';
import { SidecarIndex, type ScopeShapes } from './sidecars.js';
import { versionLabel } from './version.js';
import { WorkloadIndex } from './workloads.js';

/**
 * The semantic model shared by all rules of one snapshot: computed once, read by many.
 * Heavier parts (import graph, host index) are built lazily on first use so that a run
 * with only platform rules does not pay for them. See docs/semantics.md.
 */
export class MeshModel {
  readonly namespaceClass = new Map<string, NamespaceClass>();
  private configObjectsCache?: ConfigObject[];
  private configByObject?: Map<K8sObject, ConfigObject>;
  private sidecarIndexCache?: SidecarIndex;
  private hostIndexCache?: HostIndex<{ config: ConfigObject; host: string }>;
  private serviceHostIndexCache?: HostIndex<{ config: ConfigObject; host: string }>;
  private definitionHostIndexCache?: HostIndex<{ config: ConfigObject; host: string }>;
  private importGraphCache?: ImportGraph;
  private destinationRulesCache?: DestinationRuleIndex;
  private hostPrecedenceCache?: HostPrecedenceMode;
  private publicImportersCache?: PublicImporterIndex;
  private tenantNamespacesCache?: readonly string[];
  private nonSystemImportersCache?: PublicImporterIndex;
  private tenantShapesCache?: ScopeShapes;
  private nonSystemShapesCache?: ScopeShapes;
  private workloadIndexCache?: WorkloadIndex;
  private injectionCache?: Map<string, InjectionState>;
  private enabledByDefaultCache?: { source?: string };
  private gatewayApiCache?: GatewayApiModel;
  private istioIngressCache?: IstioIngressModel;
  private meshRouteConfigsCache?: ConfigObject[];

  constructor(
    readonly snapshot: ClusterSnapshot,
    readonly config: ScannerConfig,
  ) {
    for (const name of snapshot.namespaces.keys()) {
      this.namespaceClass.set(name, classifyNamespace(name, snapshot.meshConfig.rootNamespace, config));
    }
  }

  classOf(namespace: string): NamespaceClass {
    return this.namespaceClass.get(namespace) ?? classifyNamespace(namespace, this.snapshot.meshConfig.rootNamespace, this.config);
  }

  isTenant(namespace: string): boolean {
    return this.classOf(namespace) === 'tenant';
  }

  /** Sorted tenant namespaces (computed once; callers must not modify the array). */
  tenantNamespaces(): readonly string[] {
    this.tenantNamespacesCache ??= Object.freeze([...this.namespaceClass].filter(([, cls]) => cls === 'tenant').map(([name]) => name).sort());
    return this.tenantNamespacesCache;
  }

  get rootNamespace(): string {
    return this.snapshot.meshConfig.rootNamespace;
  }

  /** "1.24" etc., for evidence.istioVersionAssumed. */
  get istioVersionAssumed(): string {
    return versionLabel(this.snapshot.istioVersion);
  }

  /** True when the namespace exists (declared, or holding objects). */
  namespaceExists(namespace: string): boolean {
    return this.snapshot.namespaces.has(namespace);
  }

  /** Whether namespace existence is known: some Namespace objects were read. */
  get namespacesKnown(): boolean {
    return this.snapshot.objects.Namespace.length > 0;
  }

  /** ServiceEntries, VirtualServices, DestinationRules and Services with hosts and effective exportTo. */
  configObjects(): ConfigObject[] {
    this.configObjectsCache ??= buildConfigObjects(this.snapshot);
    return this.configObjectsCache;
  }

  /** The ConfigObject of an object; the lookup is built on first use (no rule asks, so a scan does not pay for it). */
  configOf(object: K8sObject): ConfigObject | undefined {
    this.configByObject ??= new Map(this.configObjects().map((config) => [config.object, config]));
    return this.configByObject.get(object);
  }

  sidecars(): SidecarIndex {
    this.sidecarIndexCache ??= new SidecarIndex(this.snapshot.objects.Sidecar, this.snapshot.namespaces, this.rootNamespace);
    return this.sidecarIndexCache;
  }

  /** Every host of every exportable object: exact + wildcard suffix index. */
  hostIndex(): HostIndex<{ config: ConfigObject; host: string }> {
    if (!this.hostIndexCache) {
      const index = new HostIndex<{ config: ConfigObject; host: string }>();
      for (const config of this.configObjects()) for (const host of config.hosts) index.add(host, { config, host });
      this.hostIndexCache = index;
    }
    return this.hostIndexCache;
  }

  /**
   * Kubernetes Services only, same shape as hostIndex(). A wildcard such as `*.example.com`
   * covers every ServiceEntry host under it; asking the full index for the Services it
   * covers would walk all of those for each wildcard entry.
   */
  serviceHostIndex(): HostIndex<{ config: ConfigObject; host: string }> {
    if (!this.serviceHostIndexCache) {
      const index = new HostIndex<{ config: ConfigObject; host: string }>();
      for (const config of this.configObjects()) if (config.kind === 'Service') for (const host of config.hosts) index.add(host, { config, host });
      this.serviceHostIndexCache = index;
    }
    return this.serviceHostIndexCache;
  }

  /**
   * Services and ServiceEntries only (what defines a host), same shape as hostIndex(). Rules
   * that look for a host's owners must not walk every VirtualService and DestinationRule
   * declaring it: a shared or wildcard host is declared by a number of them that grows with
   * the namespaces.
   */
  definitionHostIndex(): HostIndex<{ config: ConfigObject; host: string }> {
    if (!this.definitionHostIndexCache) {
      const index = new HostIndex<{ config: ConfigObject; host: string }>();
      for (const config of this.configObjects()) if (config.kind === 'Service' || config.kind === 'ServiceEntry') for (const host of config.hosts) index.add(host, { config, host });
      this.definitionHostIndexCache = index;
    }
    return this.definitionHostIndexCache;
  }

  /**
   * Configuration that contaminates when imported elsewhere: owned by a tenant namespace, or
   * by a shared namespace without its own explicit exportTo (rules.md "Shared namespaces").
   */
  isContaminatingConfig(config: ConfigObject): boolean {
    const cls = this.classOf(config.namespace);
    if (cls === 'tenant') return true;
    return cls === 'shared' && config.exportTo.source !== 'resource';
  }

  /** Foreign tenant configuration imported by each namespace's scopes (GAMMA producer routes included). */
  importGraph(): ImportGraph {
    this.importGraphCache ??= new ImportGraph(
      [...this.configObjects(), ...this.meshRouteConfigs()],
      this.sidecars(),
      (config) => this.isContaminatingConfig(config),
      this.destinationRules(),
      (scope, candidates) => chooseServiceDefinition(scope.namespace, candidates, this.snapshot.istioVersion, { sidecarDeclared: scope.kind !== 'default', unified: this.hostPrecedence.unified })?.winner,
    );
    return this.importGraphCache;
  }

  /** Which host precedence istiod applies: the version's, unless an istiod sets PILOT_UNIFIED_SIDECAR_SCOPE off. */
  get hostPrecedence(): HostPrecedenceMode {
    this.hostPrecedenceCache ??= hostPrecedenceMode(this.snapshot);
    return this.hostPrecedenceCache;
  }

  /** Istio's DestinationRule index over every DestinationRule: which rules a proxy uses for a service (destination-rules.ts). */
  destinationRules(): DestinationRuleIndex {
    this.destinationRulesCache ??= new DestinationRuleIndex(this.configObjects(), this.rootNamespace);
    return this.destinationRulesCache;
  }

  /** Kubernetes Gateway API listeners, route attachments, ReferenceGrants and mesh routes. */
  gatewayApi(): GatewayApiModel {
    this.gatewayApiCache ??= new GatewayApiModel(this.snapshot);
    return this.gatewayApiCache;
  }

  /** Istio Gateways, the gateway proxies they configure and the VirtualServices bound to them. */
  istioIngress(): IstioIngressModel {
    this.istioIngressCache ??= new IstioIngressModel(
      this.snapshot,
      this.configObjects().filter((config) => config.kind === 'VirtualService'),
      (namespace) => this.classOf(namespace) !== 'tenant',
    );
    return this.istioIngressCache;
  }

  /**
   * GAMMA producer routes as importable configuration: Istio converts a mesh route into a
   * VirtualService without exportTo (so the mesh default applies) for the Service's host, and
   * applies it to clients in other namespaces only when the route lives in the Service's
   * namespace. Consumer routes never reach another namespace, so they are not imported.
   */
  meshRouteConfigs(): ConfigObject[] {
    if (!this.meshRouteConfigsCache) {
      const byRoute = new Map<K8sObject, Set<string>>();
      for (const meshRoute of this.gatewayApi().meshRoutes) {
        if (!meshRoute.producer) continue;
        const hosts = byRoute.get(meshRoute.route.object) ?? new Set<string>();
        for (const host of meshRoute.hosts) hosts.add(host);
        byRoute.set(meshRoute.route.object, hosts);
      }
      this.meshRouteConfigsCache = [...byRoute].map(([object, hosts]) => ({
        object,
        kind: object.snapshotKind as ConfigObject['kind'],
        namespace: object.metadata.namespace,
        hosts: [...hosts].sort(),
        exportTo: effectiveExportTo({ ...object, snapshotKind: 'VirtualService', spec: {} }, this.snapshot.meshConfig, this.snapshot.istioVersion),
        appliesToSidecars: true,
      }));
    }
    return this.meshRouteConfigsCache;
  }

  /** Which tenant and shared namespaces import each public contaminating object (see isContaminatingConfig). */
  nonSystemPublicImporters(): PublicImporterIndex {
    this.nonSystemImportersCache ??= this.importGraph().publicImporterIndex([...this.namespaceClass].filter(([, cls]) => cls !== 'system').map(([name]) => name));
    return this.nonSystemImportersCache;
  }

  /**
   * Candidate importers of a contaminating object, a superset of the namespaces whose scopes
   * import it: the public index for public objects, else the namespaces it names. Callers
   * still check each candidate; this only avoids a scan of every namespace per object.
   */
  candidateImporters(config: ConfigObject): string[] | undefined {
    if (!this.isContaminatingConfig(config) || !config.appliesToSidecars || config.kind === 'Service') return undefined;
    if (config.exportTo.scope.all) return this.nonSystemPublicImporters().allImportersOf(config);
    return [...config.exportTo.scope.names].filter((name) => name !== config.namespace && this.snapshot.namespaces.has(name) && this.classOf(name) !== 'system').sort();
  }

  /** Tenant namespaces grouped by the shape of their Sidecar scopes (see ScopeShape). */
  tenantShapes(): ScopeShapes {
    this.tenantShapesCache ??= this.sidecars().groupByShape(this.tenantNamespaces());
    return this.tenantShapesCache;
  }

  /** Tenant and shared namespaces grouped by the shape of their Sidecar scopes. */
  nonSystemShapes(): ScopeShapes {
    this.nonSystemShapesCache ??= this.sidecars().groupByShape([...this.namespaceClass].filter(([, cls]) => cls !== 'system').map(([name]) => name));
    return this.nonSystemShapesCache;
  }

  /** Pods and workload controllers with their pod templates, by namespace. */
  workloads(): WorkloadIndex {
    this.workloadIndexCache ??= new WorkloadIndex(this.snapshot);
    return this.workloadIndexCache;
  }

  /** Where `sidecarInjectorWebhook.enableNamespacesByDefault` is on, if it is. */
  get namespacesEnabledByDefault(): string | undefined {
    this.enabledByDefaultCache ??= { source: namespacesEnabledByDefault(this.snapshot) };
    return this.enabledByDefaultCache.source;
  }

  /** How a namespace's pods join the mesh (or why they do not), from its labels and the injector's defaults. */
  injectionOf(namespace: string): InjectionState {
    this.injectionCache ??= new Map();
    let state = this.injectionCache.get(namespace);
    if (!state) {
      const labels = this.snapshot.namespaces.get(namespace)?.labels ?? {};
      state = namespaceInjection(labels, isAksAddon(this.snapshot), this.snapshot.meshRevisionTags, { enabledByDefault: this.namespacesEnabledByDefault, namespace });
      this.injectionCache.set(namespace, state);
    }
    return state;
  }

  /** Which tenant namespaces import each public (exportTo "*") tenant object. */
  publicImporters(): PublicImporterIndex {
    this.publicImportersCache ??= this.importGraph().publicImporterIndex(this.tenantNamespaces());
    return this.publicImportersCache;
  }
}

export function buildMeshModel(snapshot: ClusterSnapshot, config: ScannerConfig): MeshModel {
  return new MeshModel(snapshot, config);
}
