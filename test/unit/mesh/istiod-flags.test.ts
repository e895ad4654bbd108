/**
 * PILOT_UNIFIED_SIDECAR_SCOPE (pilot/pkg/features/experimental.go, default true; the 1.23
 * compatibility profile sets it false) decides which host precedence sidecar.go selectServices
 * applies from Istio 1.24 on.
 */
import { describe, expect, it } from '@jest/globals';
import { hostPrecedenceModeOf, parseGoBool } from '../../../src/mesh/istiod-flags.js';
import type { K8sObject } from '../../../src/snapshot/types.js';
import { normalizeObject } from '../../../src/snapshot/build.js';
import { version } from './fixtures.js';

const istiod = (name: string, env?: string): K8sObject => {
  const result = normalizeObject({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'istio-system' },
    spec: { template: { metadata: { labels: { app: 'istiod' } }, spec: { containers: [{ name: 'discovery', image: 'pilot', ...(env === undefined ? {} : { env: [{ name: 'PILOT_UNIFIED_SIDECAR_SCOPE', value: env }] }) }] } } },
  });
  if (!('object' in result)) throw new Error('bad fixture');
  return result.object;
};

describe('host precedence mode (PILOT_UNIFIED_SIDECAR_SCOPE)', () => {
  it.each<[string, string, K8sObject[], boolean]>([
    ['before 1.24 the flag does not exist: legacy', '1.23', [istiod('istiod', 'true')], false],
    ['1.24+ without istiod: the default, unified', '1.24', [], true],
    ['1.24+ with istiod not setting it: unified', '1.26', [istiod('istiod')], true],
    ['1.24+ with istiod setting it off: legacy', '1.26', [istiod('istiod', 'false')], false],
    ['Go booleans: "0" is off', '1.26', [istiod('istiod', '0')], false],
    ['an unparsable value keeps the default', '1.26', [istiod('istiod', 'no')], true],
    ['one revision off is enough: its proxies take the legacy path', '1.26', [istiod('istiod-stable', 'true'), istiod('istiod-canary', 'false')], false],
  ])('%s', (_name, text, istiods, unified) => {
    expect(hostPrecedenceModeOf(version(text), istiods).unified).toBe(unified);
  });

  it('says where the mode comes from', () => {
    expect(hostPrecedenceModeOf(version('1.26'), [istiod('istiod-canary', 'false')]).source).toContain('PILOT_UNIFIED_SIDECAR_SCOPE=false on Deployment istio-system/istiod-canary');
  });

  it("parses like Go's strconv.ParseBool", () => {
    expect(['1', 't', 'T', 'TRUE', 'true', 'True'].map(parseGoBool)).toEqual(Array(6).fill(true));
    expect(['0', 'f', 'F', 'FALSE', 'false', 'False'].map(parseGoBool)).toEqual(Array(6).fill(false));
    expect(['yes', 'on', ''].map(parseGoBool)).toEqual([undefined, undefined, undefined]);
  });
});
