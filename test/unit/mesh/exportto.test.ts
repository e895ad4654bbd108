import { describe, expect, it } from '@jest/globals';
import { effectiveExportTo, exportGroup, isExportedTo, readMeshDefault, reachesOtherNamespaces, scopeOfList } from '../../../src/mesh/exportto.js';
import type { MeshConfig } from '../../../src/snapshot/types.js';
import { obj, version } from './fixtures.js';

const NEW = version('1.30.3');
const OLD = version('1.30.2');
const mesh = (fields: Partial<MeshConfig> = {}): MeshConfig => ({ rootNamespace: 'istio-system', fieldSources: {}, raw: {}, ...fields });

describe('scopeOfList / isExportedTo', () => {
  it.each([
    [['*'], 'tenant-a', 'tenant-b', true],
    [['.'], 'tenant-a', 'tenant-a', true],
    [['.'], 'tenant-a', 'tenant-b', false],
    [['tenant-b'], 'tenant-a', 'tenant-b', true],
    [['tenant-b'], 'tenant-a', 'tenant-a', false], // the owner is not included unless named
    [['tenant-a'], 'tenant-a', 'tenant-a', true],
    [['~'], 'tenant-a', 'tenant-a', false],
    [['~'], 'tenant-a', 'tenant-b', false],
    [['.', 'tenant-c'], 'tenant-a', 'tenant-c', true],
    // initServiceRegistry: "~" ignores every other entry unless "*" is there (a Service annotation is not validated).
    [['~', 'tenant-b'], 'tenant-a', 'tenant-b', false],
    [['.', '~'], 'tenant-a', 'tenant-a', false],
    [['~', '*'], 'tenant-a', 'tenant-b', true],
  ])('exportTo %j of an object in %s reaches %s: %s', (values, owner, target, expected) => {
    expect(isExportedTo(scopeOfList(values), owner, target)).toBe(expected);
  });

  it('reachesOtherNamespaces only for * or foreign names', () => {
    expect(reachesOtherNamespaces(scopeOfList(['.']), 'a')).toBe(false);
    expect(reachesOtherNamespaces(scopeOfList(['a']), 'a')).toBe(false);
    expect(reachesOtherNamespaces(scopeOfList(['b']), 'a')).toBe(true);
    expect(reachesOtherNamespaces(scopeOfList(['*']), 'a')).toBe(true);
  });

  it('exportGroup: named/private before public', () => {
    // Istio files an object whose exportTo contains "*" as public, whatever else it lists.
    expect(exportGroup(scopeOfList(['*', 'n']), 'a', 'n')).toBe('public');
    expect(exportGroup(scopeOfList(['.', '*']), 'a', 'a')).toBe('public');
    expect(exportGroup(scopeOfList(['n']), 'a', 'n')).toBe('private');
    expect(exportGroup(scopeOfList(['*']), 'a', 'n')).toBe('public');
    expect(exportGroup(scopeOfList(['.']), 'a', 'n')).toBeUndefined();
  });
});

describe('readMeshDefault (version-dependent)', () => {
  it.each([
    ['defaultServiceExportTo', ['.'], OLD, { all: false, own: true, names: [] }, false],
    ['defaultServiceExportTo', ['.', 'tenant-b'], OLD, { all: false, own: true, names: [] }, true],
    ['defaultServiceExportTo', ['tenant-b'], OLD, { all: false, own: false, names: [] }, true],
    ['defaultServiceExportTo', ['~'], OLD, { all: false, own: false, names: [] }, true],
    ['defaultVirtualServiceExportTo', ['*', 'x'], OLD, { all: true, own: false, names: [] }, true],
    ['defaultServiceExportTo', ['.', 'tenant-b'], NEW, { all: false, own: true, names: ['tenant-b'] }, false],
    ['defaultServiceExportTo', ['~'], NEW, { all: false, own: false, names: [] }, false],
    ['defaultDestinationRuleExportTo', ['tenant-b'], NEW, { all: true, own: false, names: [] }, true],
    ['defaultDestinationRuleExportTo', ['.'], OLD, { all: false, own: true, names: [] }, false],
    ['defaultDestinationRuleExportTo', ['*'], NEW, { all: true, own: false, names: [] }, false],
  ] as const)('%s %j on %j', (field, values, v, expected, reinterpreted) => {
    const read = readMeshDefault(field, [...values], v);
    expect({ all: read.scope.all, own: read.scope.own, names: [...read.scope.names] }).toEqual(expected);
    expect(read.interpretation !== undefined).toBe(reinterpreted);
  });
});

describe('effectiveExportTo', () => {
  it('own spec.exportTo replaces the mesh default (no merge)', () => {
    const se = obj('ServiceEntry', 'tenant-a', 'se', { hosts: ['a.example.com'], exportTo: ['tenant-b'] });
    const result = effectiveExportTo(se, mesh({ defaultServiceExportTo: ['.'] }), NEW);
    expect(result.source).toBe('resource');
    expect(result.values).toEqual(['tenant-b']);
    expect(isExportedTo(result.scope, 'tenant-a', 'tenant-a')).toBe(false);
  });
  it('falls back to the per-kind mesh default with its source', () => {
    const vs = obj('VirtualService', 'tenant-a', 'vs', { hosts: ['a'] });
    const result = effectiveExportTo(vs, mesh({ defaultVirtualServiceExportTo: ['.'], fieldSources: { defaultVirtualServiceExportTo: 'configmap:aks-istio-system/istio-shared-configmap-asm-1-25' } }), NEW);
    expect(result).toMatchObject({ source: 'mesh-default', meshField: 'defaultVirtualServiceExportTo', meshFieldSource: 'configmap:aks-istio-system/istio-shared-configmap-asm-1-25' });
    expect(result.scope.own).toBe(true);
  });
  it('uses "*" when neither is set', () => {
    const dr = obj('DestinationRule', 'tenant-a', 'dr', { host: 'a' });
    expect(effectiveExportTo(dr, mesh(), NEW)).toMatchObject({ values: ['*'], source: 'built-in-default', meshField: 'defaultDestinationRuleExportTo' });
  });
  it('treats an empty or mistyped exportTo as absent', () => {
    expect(effectiveExportTo(obj('ServiceEntry', 'a', 'x', { exportTo: [] }), mesh(), NEW).source).toBe('built-in-default');
    expect(effectiveExportTo(obj('ServiceEntry', 'a', 'x', { exportTo: '.' }), mesh(), NEW).source).toBe('built-in-default');
  });
  it('a DestinationRule with workloadSelector stays in its namespace', () => {
    const dr = obj('DestinationRule', 'tenant-a', 'dr', { host: 'a', exportTo: ['*'], workloadSelector: { matchLabels: { app: 'x' } } });
    const result = effectiveExportTo(dr, mesh(), NEW);
    expect(result.source).toBe('workload-selector');
    expect(isExportedTo(result.scope, 'tenant-a', 'tenant-b')).toBe(false);
  });
  it('Kubernetes Services use the annotation, else defaultServiceExportTo', () => {
    const annotated = obj('Service', 'tenant-b', 'payments', {}, { annotations: { 'networking.istio.io/exportTo': '., tenant-c' } });
    const plain = obj('Service', 'tenant-b', 'other');
    const cfg = mesh({ defaultServiceExportTo: ['.'] });
    expect(effectiveExportTo(annotated, cfg, NEW)).toMatchObject({ source: 'annotation', values: ['.', 'tenant-c'] });
    expect(isExportedTo(effectiveExportTo(plain, cfg, NEW).scope, 'tenant-b', 'tenant-a')).toBe(false);
  });
  it('a Service annotation naming no namespace hides the Service; an empty one is absent (kube/conversion.go ConvertService)', () => {
    const commas = effectiveExportTo(obj('Service', 'tenant-b', 'payments', {}, { annotations: { 'networking.istio.io/exportTo': ' , ' } }), mesh(), NEW);
    expect(commas).toMatchObject({ source: 'annotation', values: [] });
    expect(isExportedTo(commas.scope, 'tenant-b', 'tenant-b')).toBe(false);
    expect(isExportedTo(commas.scope, 'tenant-b', 'tenant-a')).toBe(false);
    const empty = effectiveExportTo(obj('Service', 'tenant-b', 'payments', {}, { annotations: { 'networking.istio.io/exportTo': '' } }), mesh(), NEW);
    expect(empty).toMatchObject({ source: 'built-in-default', values: ['*'] });
  });
  it('old versions make a names-only default invisible everywhere', () => {
    const se = obj('ServiceEntry', 'tenant-a', 'se', { hosts: ['a.example.com'] });
    const result = effectiveExportTo(se, mesh({ defaultServiceExportTo: ['tenant-b'] }), OLD);
    expect(isExportedTo(result.scope, 'tenant-a', 'tenant-b')).toBe(false);
    expect(result.interpretation).toMatch(/visible in no namespace/);
    expect(isExportedTo(effectiveExportTo(se, mesh({ defaultServiceExportTo: ['tenant-b'] }), NEW).scope, 'tenant-a', 'tenant-b')).toBe(true);
  });
});
