/**
 * normalizeObject gives every object without labels, annotations, body or spec one shared frozen
 * empty object, and holds labels and annotations as read (src/snapshot/build.ts): sound only if
 * nothing writes into a snapshot's objects. Here every object of the demo fleet and of a
 * generated fleet is frozen deeply before evaluation, fixes and a saved snapshot are made of
 * it: a write would throw (modules are strict), and the findings must be those of the unfrozen
 * snapshot.
 */
import { describe, expect, it } from '@jest/globals';
import { SIZES, generateFleet } from '../../../bench/generator.js';
import { defaultConfig } from '../../../src/config/types.js';
import { buildFixManifests } from '../../../src/report/fixes.js';
import { evaluateSnapshot } from '../../../src/rules/engine.js';
import { assembleSnapshot } from '../../../src/snapshot/assemble.js';
import { normalizeObject } from '../../../src/snapshot/build.js';
import { loadDemoFleet } from '../../../src/snapshot/offline.js';
import { savedSnapshotChunks } from '../../../src/snapshot/saved.js';
import type { ClusterSnapshot, K8sObject } from '../../../src/snapshot/types.js';

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
}

function generatedSnapshot(): ClusterSnapshot {
  const objects: K8sObject[] = [];
  for (const raw of generateFleet(SIZES.small)) {
    const result = normalizeObject(raw);
    if ('object' in result) objects.push(result.object);
  }
  return assembleSnapshot({ cluster: { name: 'frozen' }, source: 'manifests', objects });
}

const fleets: Array<[string, () => ClusterSnapshot[]]> = [
  ['the demo fleet', () => loadDemoFleet().map(({ snapshot }) => snapshot)],
  ['the small generated fleet', () => [generatedSnapshot()]],
];

describe('nothing writes into a snapshot\'s objects', () => {
  it.each(fleets)('%s: evaluation, fixes and saving work on deeply frozen objects, with the same findings', (_name, load) => {
    const config = defaultConfig();
    const expected = load().map((snapshot) => JSON.stringify(evaluateSnapshot(snapshot, config)));
    const frozen = load();
    for (const snapshot of frozen) for (const objects of Object.values(snapshot.objects)) for (const object of objects) deepFreeze(object);
    const findings = frozen.map((snapshot) => {
      const found = evaluateSnapshot(snapshot, config);
      buildFixManifests(found, snapshot);
      [...savedSnapshotChunks(snapshot, new Date(0), 'test')].join('');
      return JSON.stringify(found);
    });
    expect(findings).toEqual(expected);
    expect(findings.join('').length).toBeGreaterThan(1000);
  });
});
