/**
 * Source namespace patterns of AuthorizationPolicies (`team-*`, `*-prod`) are answered from
 * sorted names, not by trying every namespace: a policy per namespace naming a pattern that
 * matches nothing (a namespace long gone) made authorizationpolicy-unknown-namespace quadratic.
 * The answers must stay minimatch's own (property test against a plain scan), and the number
 * of names minimatch is asked about must grow linearly with the fleet (counted, never timed).
 */
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';

const real = await import('minimatch');
let matches = 0;
class CountingMinimatch extends real.Minimatch {
  override match(name: string, partial?: boolean): boolean {
    matches += 1;
    return super.match(name, partial);
  }
}
jest.unstable_mockModule('minimatch', () => ({ ...real, Minimatch: CountingMinimatch }));

const { NamespacePatterns, namespacePatternMatchesAny } = await import('../../../src/mesh/authorization.js');
const { authorizationPolicyUnknownNamespace } = await import('../../../src/rules/transport/authorizationpolicy-unknown-namespace.js');
const { createRuleContext } = await import('../../../src/rules/engine.js');
const { defaultConfig } = await import('../../../src/config/types.js');
const { obj, snapshot } = await import('./fixtures.js');
const { normalizeObject } = await import('../../../src/snapshot/build.js');

function policy(namespace: string, spec: Record<string, unknown>) {
  const result = normalizeObject({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'from-peers', namespace }, spec });
  if (!('object' in result)) throw new Error('bad fixture');
  return result.object;
}

/** What the patterns meant before the index: some name of the set that minimatch accepts. */
function scan(pattern: string, names: ReadonlySet<string>): boolean {
  if (!pattern.includes('*')) return names.has(pattern);
  const glob = new real.Minimatch(pattern);
  return [...names].some((name) => glob.match(name));
}

describe('NamespacePatterns', () => {
  it('answers as minimatch over every name does, for prefix, suffix and other patterns', () => {
    const piece = fc.constantFrom('a', 'b', 'ab', '-', '.', 'x1', '*', '?', '[ab]', '{a,b}', '!', '');
    const name = fc.array(fc.constantFrom('a', 'b', '-', '.', '1', 'x'), { minLength: 1, maxLength: 6 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 12 }), fc.array(fc.array(piece, { maxLength: 4 }).map((parts) => parts.join('')), { maxLength: 8 }), (names, patterns) => {
        const set = new Set(names);
        const index = new NamespacePatterns(set);
        for (const pattern of [...patterns, ...patterns]) expect(index.matchesAny(pattern)).toBe(scan(pattern, set));
      }),
      { numRuns: 500 },
    );
    expect(namespacePatternMatchesAny('prod-*', new Set(['prod-web']))).toBe(true);
    expect(namespacePatternMatchesAny('*-web', new Set(['a', 'prod-web', 'z']))).toBe(true);
    expect(namespacePatternMatchesAny('*-web', new Set(['a', 'prod-webs', 'z']))).toBe(false);
  });

  /** Names minimatch was asked about while the rule ran on `count` namespaces, each with a policy naming patterns that match nothing or one namespace. */
  function matchesFor(count: number): number {
    const tenant = (i: number) => `tenant-${String(i).padStart(4, '0')}`;
    const objects = [];
    for (let i = 0; i < count; i++) {
      objects.push(obj('Namespace', '', tenant(i)));
      objects.push(
        policy(tenant(i), { rules: [{ from: [{ source: { namespaces: [`gone-${i}-*`, `*-${tenant(i)}-old`, `${tenant((i + 1) % count)}*`, 'tenant-*'], notNamespaces: [`*${tenant(i)}`] } }] }] }),
      );
    }
    const snap = snapshot(objects);
    const context = createRuleContext(snap, defaultConfig());
    context.model.tenantNamespaces(); // namespace classification matches configuration globs: not counted
    matches = 0;
    const results = authorizationPolicyUnknownNamespace.evaluate(context);
    expect(results).toHaveLength(count);
    expect(results[0]!.evidence).toMatchObject({ unknownNamespaces: [`*-${tenant(0)}-old`, `gone-0-*`] });
    return matches;
  }

  it('asks minimatch about a bounded number of names per pattern, not every namespace', () => {
    const small = matchesFor(100);
    const large = matchesFor(400);
    // Linear: four times the policies, about four times the names tried (a scan per pattern gives sixteen).
    expect(large).toBeLessThanOrEqual(small * 4.5);
    expect(large).toBeLessThan(400 * 4);
  });
});
