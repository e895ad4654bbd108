/**
 * Guards the benchmark fleet generator (bench/generator.ts) against silent rot: the figures
 * in docs/performance.md are only comparable while the fleet stays deterministic, the
 * advertised size and as varied as issue 8 asks. No timing here: timing is `npm run bench`.
 */
import { describe, expect, it } from '@jest/globals';
import { SIZES, generateFleet, seededRandom, type RawObject } from '../../bench/generator.js';
import { normalizeObject } from '../../src/snapshot/build.js';

type Spec = Record<string, unknown>;

const specOf = (object: RawObject): Spec => (object.spec ?? {}) as Spec;
const metaOf = (object: RawObject) => object.metadata as { name: string; namespace?: string };
const ofKind = (objects: RawObject[], kind: string) => objects.filter((object) => object.kind === kind);

describe('seededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => random());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7).every((value) => value >= 0 && value < 1)).toBe(true);
  });
});

describe('generateFleet', () => {
  const small = generateFleet(SIZES.small);

  it('is deterministic: same seed and size give byte-identical objects, another seed does not', () => {
    expect(JSON.stringify(generateFleet(SIZES.small))).toBe(JSON.stringify(small));
    expect(JSON.stringify(generateFleet(SIZES.small, 43))).not.toBe(JSON.stringify(small));
  });

  it.each([SIZES.small, SIZES.large, SIZES.huge])('hits the $name targets ($namespaces namespaces, $objects objects) within 10%', (size) => {
    const fleet = generateFleet(size);
    const tenantNamespaces = ofKind(fleet, 'Namespace').filter((object) => metaOf(object).name.startsWith('tenant-'));
    expect(tenantNamespaces).toHaveLength(size.namespaces);
    expect(fleet.length).toBeGreaterThanOrEqual(size.objects * 0.9);
    expect(fleet.length).toBeLessThanOrEqual(size.objects * 1.1);
  });

  it('produces only objects the scanner reads (none ignored or rejected)', () => {
    const outcomes = small.map((raw) => normalizeObject(raw));
    expect(outcomes.filter((outcome) => !('object' in outcome))).toEqual([]);
  });

  it('contains every kind issue 8 asks for', () => {
    const kinds = new Set(small.map((object) => object.kind));
    for (const kind of ['Namespace', 'Service', 'ServiceEntry', 'Sidecar', 'VirtualService', 'DestinationRule', 'PeerAuthentication', 'AuthorizationPolicy', 'Role', 'RoleBinding', 'ResourceQuota', 'ConfigMap']) {
      expect(kinds).toContain(kind);
    }
  });

  it('mixes explicit ".", missing and "*" exportTo on ServiceEntries', () => {
    const exportTos = ofKind(small, 'ServiceEntry').map((object) => JSON.stringify(specOf(object).exportTo ?? null));
    expect(new Set(exportTos)).toEqual(new Set(['["."]', 'null', '["*"]']));
  });

  it('has ServiceEntry hosts that collide across namespaces, shadow a Service and use wildcards', () => {
    const entries = ofKind(small, 'ServiceEntry');
    const namespacesByHost = new Map<string, Set<string>>();
    for (const entry of entries) {
      for (const host of specOf(entry).hosts as string[]) {
        const owners = namespacesByHost.get(host) ?? new Set<string>();
        owners.add(metaOf(entry).namespace ?? '');
        namespacesByHost.set(host, owners);
      }
    }
    const colliding = [...namespacesByHost.values()].filter((owners) => owners.size > 1);
    expect(colliding.length).toBeGreaterThan(0);

    const serviceHosts = new Set(ofKind(small, 'Service').map((service) => `${metaOf(service).name}.${metaOf(service).namespace}.svc.cluster.local`));
    const shadowing = entries.filter((entry) => (specOf(entry).hosts as string[]).some((host) => serviceHosts.has(host) && !host.includes(`.${metaOf(entry).namespace}.svc.`)));
    expect(shadowing.length).toBeGreaterThan(0);

    expect([...namespacesByHost.keys()].some((host) => host.startsWith('*.'))).toBe(true);
  });

  it('scopes most namespaces with a Sidecar, leaves some unscoped and has some importing every namespace', () => {
    const tenants = ofKind(small, 'Namespace').filter((object) => metaOf(object).name.startsWith('tenant-')).length;
    const sidecars = ofKind(small, 'Sidecar');
    expect(sidecars.length).toBeGreaterThan(tenants / 2);
    expect(sidecars.length).toBeLessThan(tenants);
    const egressHosts = sidecars.flatMap((sidecar) => ((specOf(sidecar).egress as Array<{ hosts: string[] }>) ?? []).flatMap((egress) => egress.hosts));
    expect(egressHosts.some((host) => host.startsWith('*/'))).toBe(true);
    expect(egressHosts.some((host) => host.startsWith('./'))).toBe(true);
  });
});
