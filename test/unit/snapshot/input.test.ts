/**
 * The manifest reader reads what kubectl reads (go-yaml v2 via sigs.k8s.io/yaml), refuses
 * what would exhaust it, and keeps lines for SARIF. Each case names the upstream behaviour.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { loadManifests, MAX_JSON_FILE_BYTES, MAX_MANIFEST_FILE_BYTES, parseManifestText } from '../../../src/snapshot/manifests.js';
import { LineCounter } from 'yaml';
import { parseYamlDocuments, resolvePlainScalar, yamlEnvironment } from '../../../src/snapshot/input/go-yaml.js';
import { scanJson, splitYamlDocuments, yamlDepthExceeded } from '../../../src/snapshot/input/text-scan.js';

const root = join(new URL('.', import.meta.url).pathname, '../../..');

function only(text: string, file = 'x.yaml') {
  const result = parseManifestText(text, file);
  expect(result.problems).toEqual([]);
  expect(result.objects).toHaveLength(1);
  return result.objects[0]!;
}

describe('YAML read as go-yaml v2 reads it', () => {
  it('reads an unquoted IPv6 address ending in :: inside a flow sequence as one string', () => {
    const se = only('apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se, namespace: a}\nspec: {hosts: [a.example.com], addresses: [001:db8::, "2001:db8::1", 2001:db8::/32]}\n');
    expect(se.spec.addresses).toEqual(['001:db8::', '2001:db8::1', '2001:db8::/32']);
  });

  it('reads an unquoted value ending in :: inside a flow mapping as one string (scannerc.go: a `:` ends a plain scalar only before a blank)', () => {
    const se = only('apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se, namespace: a}\nspec: {hosts: [a.example.com], endpoints: [{address: 001:db8::, labels: {v: x:}}, {address: 2001:db8::1}]}\n');
    expect(se.spec.endpoints).toEqual([{ address: '001:db8::', labels: { v: 'x:' } }, { address: '2001:db8::1' }]);
  });

  it('rewrites a flow collection in a block document that opens only a `[` or only a `{`', () => {
    const sequence = only('apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se\n  namespace: a\nspec:\n  hosts:\n  - a.example.com\n  addresses: [001:db8::]\n');
    expect(sequence.spec.addresses).toEqual(['001:db8::']);
    const mapping = only('apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se\n  namespace: a\nspec:\n  hosts:\n  - a.example.com\n  endpoints:\n  - {address: 001:db8::}\n');
    expect(mapping.spec.endpoints).toEqual([{ address: '001:db8::' }]);
  });

  it.each([
    ['yes', true], ['on', true], ['Y', true], ['off', false], ['No', false], ['~', null], ['', null],
    ['0777', 511], ['0o17', 15], ['0x1F', 31], ['+0x1F', 31], ['0b101', 5], ['1_000', 1000], ['09', 9], ['1e3', 1000], ['.5', 0.5],
    ['12:30:00', '12:30:00'], ['2024-01-01', '2024-01-01'], ['001:db8::', '001:db8::'], ['1.24', 1.24], ['v1', 'v1'], ['true', true],
  ])('resolves the plain scalar %j like resolve.go', (text, value) => {
    expect(resolvePlainScalar(text)).toEqual(value);
  });

  it('reads `n` as false, as kubectl does (a name that is not a string is no name)', () => {
    expect(parseManifestText('apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n', 'x.yaml').problems[0]?.message).toBe('Namespace has no metadata.name (x.yaml:1)');
  });

  it('keeps quoted scalars as strings', () => {
    const object = only('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns1\n  labels: {a: "yes", b: \'0777\'}\n');
    expect(object.metadata.labels).toEqual({ a: 'yes', b: '0777' });
  });

  it('expands merge keys in document order: a merge overrides earlier keys, later keys override it, the first mapping of a list wins', () => {
    const merged = only('a: &base {kind: Namespace, apiVersion: v1}\n<<: *base\nmetadata: {name: merged}\n');
    expect(merged).toMatchObject({ kind: 'Namespace', metadata: { name: 'merged' } });
    const ordered = only('x: &b {kind: Namespace, apiVersion: v1}\ny: &s {kind: Service}\nkind: Overwritten\n<<: [*b, *s]\nmetadata: {name: ordered}\n');
    expect(ordered.kind).toBe('Namespace');
    const overridden = only('x: &b {kind: Service, apiVersion: v1, spec: {type: ClusterIP}}\n<<: *b\nspec: {type: LoadBalancer}\nmetadata: {name: s, namespace: a}\n');
    expect(overridden.spec).toEqual({ type: 'LoadBalancer' });
  });

  it('lets a later duplicate key win instead of refusing the document', () => {
    expect(only('apiVersion: v1\nkind: Namespace\nmetadata: {name: first}\nmetadata: {name: second}\n').metadata.name).toBe('second');
  });

  it('keeps a "__proto__" key as an own property, also through a merge key, and never as the prototype', () => {
    const object = only('apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: a}\nspec:\n  __proto__: {polluted: true}\n  selector: &sel {__proto__: {polluted: true}, app: a}\n  extra: {<<: *sel, constructor: c}\n');
    const spec = object.spec as Record<string, Record<string, unknown>>;
    expect(Object.keys(spec)).toEqual(['__proto__', 'selector', 'extra']);
    expect(Object.getPrototypeOf(spec)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(spec, '__proto__')?.value).toEqual({ polluted: true });
    for (const mapping of [spec.selector!, spec.extra!]) {
      expect(Object.getPrototypeOf(mapping)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(mapping, '__proto__')).toBe(true);
      expect((mapping as { polluted?: unknown }).polluted).toBeUndefined();
    }
    expect(Object.keys(spec.extra!)).toEqual(['__proto__', 'app', 'constructor']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('puts the real process.env back after parsing (it is a plain object while the yaml package runs)', () => {
    const env = process.env;
    expect(parseManifestText('apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [unclosed\n', 'x.yaml').problems).toHaveLength(1);
    expect(process.env).toBe(env);
  });

  it('the yaml package sees the LOG_TOKENS and LOG_STREAM read for the file, and nothing else of the environment', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      parseYamlDocuments('a: 1\n', new LineCounter(), {});
      expect(log).not.toHaveBeenCalled();
      parseYamlDocuments('a: 1\n', new LineCounter(), { LOG_TOKENS: '1' });
      expect(log).toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
    const saved = { tokens: process.env.LOG_TOKENS, stream: process.env.LOG_STREAM, other: process.env.IIS_TEST_OTHER };
    try {
      delete process.env.LOG_TOKENS;
      process.env.LOG_STREAM = 'x';
      process.env.IIS_TEST_OTHER = 'y';
      expect(yamlEnvironment()).toEqual({ LOG_STREAM: 'x' });
    } finally {
      for (const [name, value] of [['LOG_TOKENS', saved.tokens], ['LOG_STREAM', saved.stream], ['IIS_TEST_OTHER', saved.other]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('still refuses alias bombs with a clear problem', () => {
    const levels = ['l0: &l0 [a, a, a, a, a, a, a, a, a, a]', ...Array.from({ length: 6 }, (_, level) => `l${level + 1}: &l${level + 1} [${Array.from({ length: 10 }, () => `*l${level}`).join(', ')}]`)];
    const result = parseManifestText(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb, namespace: a}\ndata:\n${levels.map((line) => `  ${line}`).join('\n')}\n`, 'bomb.yaml');
    expect(result.problems[0]?.message).toMatch(/^refused document in bomb\.yaml at line 1: .*(alias|resource exhaustion)/);
  });
});

describe('bounded before parsing', () => {
  it('refuses a document nested deeper than 512 levels with its line, and reads the next one', () => {
    const result = parseManifestText(`apiVersion: v1\nkind: Namespace\nmetadata: {name: before}\n---\nx: ${'['.repeat(600)}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: after}\n`, 'deep.yaml');
    expect(result.problems).toEqual([expect.objectContaining({ type: 'parse', message: 'refused document in deep.yaml at line 5: nested deeper than 512 levels', source: { file: 'deep.yaml', line: 5 } })]);
    expect(result.objects.map((object) => object.metadata.name)).toEqual(['before', 'after']);
  });

  it('counts block nesting by indentation and ignores brackets in quotes, comments and block scalars', () => {
    const deepBlock = Array.from({ length: 520 }, (_, level) => `${' '.repeat(level)}k:`).join('\n');
    expect(yamlDepthExceeded(deepBlock)).toBeGreaterThanOrEqual(0);
    const harmless = `a: "${'['.repeat(1000)}"\nb: '${'{'.repeat(1000)}'\n# ${'['.repeat(1000)}\nc: |\n  ${'['.repeat(1000)}\nd: ^[a-z${'['.repeat(1000)}\n`;
    expect(yamlDepthExceeded(harmless)).toBe(-1);
    expect(only(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata: {script: "${'['.repeat(700)}"}\n`).body.data).toEqual({ script: '['.repeat(700) });
  });

  it('refuses deep JSON before JSON.parse', () => {
    expect(scanJson(`{"a": ${'['.repeat(600)}`).tooDeepAt).toBe(517);
    const result = parseManifestText('['.repeat(100_000), 'deep.json');
    expect(result.problems[0]?.message).toBe('refused deep.json: nested deeper than 512 levels at line 1');
  });

  it('splits a stream of 150,000 documents without recursion', () => {
    const chunks = splitYamlDocuments(Array.from({ length: 150_000 }, (_, index) => `a: ${index}\n`).join('---\n'));
    expect(chunks).toHaveLength(150_000);
    expect(chunks[149_999]).toEqual({ text: '---\na: 149999\n', firstLine: 299_998 });
  });

  it('keeps comments and directives before the first --- with the first document', () => {
    expect(splitYamlDocuments('# Source: chart/x.yaml\n%YAML 1.2\n---\na: 1\n')).toEqual([{ text: '# Source: chart/x.yaml\n%YAML 1.2\n---\na: 1\n', firstLine: 1 }]);
  });
});

describe('JSON input', () => {
  const list = (items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2);
  const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

  it('reads a .json List with JSON.parse, each item at its own line', () => {
    const text = list([namespace('a'), namespace('b')]);
    const result = parseManifestText(text, 'export.json');
    expect(result.objects.map((object) => [object.metadata.name, object.source?.line])).toEqual([['a', 5], ['b', 12]]);
    expect(scanJson(text).itemLines).toEqual([5, 12]);
  });

  it('reads JSON by JSON rules: a key that go-yaml would resolve stays a string value', () => {
    const object = only(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels: { on: 'yes' } } }), 'n.json');
    expect(object.metadata.labels).toEqual({ on: 'yes' });
  });

  it('falls back to the YAML reader when a .json file is not JSON', () => {
    expect(only('apiVersion: v1\nkind: Namespace\nmetadata: {name: yaml-in-json}\n', 'odd.json').metadata.name).toBe('yaml-in-json');
  });

  it('accepts a JSON file over the YAML size limit and refuses one over the JSON limit', () => {
    expect(MAX_JSON_FILE_BYTES).toBeGreaterThan(MAX_MANIFEST_FILE_BYTES);
    const dir = mkdtempSync(join(tmpdir(), 'iis-json-'));
    const big = join(dir, 'big.json');
    writeFileSync(big, `${list([namespace('inside')]).slice(0, -1)}${' '.repeat(MAX_MANIFEST_FILE_BYTES)}}`);
    const read = loadManifests([big], dir);
    expect(read.problems).toEqual([]);
    expect(read.objects.map((object) => object.metadata.name)).toEqual(['inside']);
    const tooBig = join(dir, 'too-big.json');
    writeFileSync(tooBig, Buffer.alloc(MAX_JSON_FILE_BYTES + 1, 0x20));
    expect(loadManifests([tooBig], dir).problems[0]?.message).toMatch(/^refused too-big\.json: \d+ bytes exceeds the \d+-byte limit per manifest file$/);
  });
});

describe('standard input, FIFOs and kinds the scanner does not evaluate', () => {
  it('reads `-` from the bytes it is given, once, as <stdin>', () => {
    const stdin = Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata: {name: piped}\n');
    const result = loadManifests(['-', '-'], '/', { stdin });
    expect(result.objects.map((object) => [object.metadata.name, object.source?.file])).toEqual([['piped', '<stdin>']]);
  });

  it('`scan -` reads a pipe (helm template | istio-isolation-scanner scan -)', () => {
    const input = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: wide, namespace: team-a}\nspec: {hosts: ["*.com"], resolution: NONE}\n';
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'scan', '-', '--format', 'json', '--fail-on', 'none'], { cwd: root, input, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { clusters: Array<{ cluster: { name: string }; findings: Array<{ resource?: { name: string }; source?: { file: string } }> }> };
    expect(report.clusters[0]!.cluster.name).toBe('stdin');
    expect(report.clusters[0]!.findings.some((finding) => finding.resource?.name === 'wide')).toBe(true);
  });

  it('reports kinds it does not evaluate instead of dropping them silently', () => {
    const result = parseManifestText('apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: r, namespace: a}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\n', 'g.yaml');
    expect(result.objects).toEqual([]);
    expect([...result.ignoredKinds]).toEqual([['Certificate', 1], ['CustomResourceDefinition', 1]]);
  });

  it('a manifest set of only kinds it does not evaluate is read and reported, and exits by the findings, not 2 (issue 13 item 7)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iis-only-'));
    writeFileSync(join(dir, 'crds.yaml'), 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: r, namespace: a}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'scan', dir, '--format', 'json', '--fail-on', 'none'], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toMatch(/note: the manifests hold only kinds the scanner does not evaluate \(.*CustomResourceDefinition.*\)/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).clusters).toHaveLength(1);
  });
});

describe('the YAML depth pre-scan', () => {
  /** The scan as first written (one-character strings), kept as the definition the faster scan must match. */
  function referenceDepthExceeded(text: string, limit: number): number {
    const indents: number[] = [];
    let flowDepth = 0;
    let quote: '' | "'" | '"' = '';
    let blockScalarIndent = -1;
    let position = 0;
    while (position < text.length) {
      let lineEnd = text.indexOf('\n', position);
      if (lineEnd === -1) lineEnd = text.length;
      let index = position;
      let indent = 0;
      while (index < lineEnd && text[index] === ' ') { index += 1; indent += 1; }
      const blank = index >= lineEnd || text[index] === '\r' || (text[index] === '#' && !quote && flowDepth === 0);
      if (blockScalarIndent >= 0) {
        if (blank || indent > blockScalarIndent) { position = lineEnd + 1; continue; }
        blockScalarIndent = -1;
      }
      if (!quote && flowDepth === 0 && !blank) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        let dashes = 0;
        while (text[index] === '-' && (text[index + 1] === ' ' || index + 1 >= lineEnd)) { dashes += 1; index += 2; while (text[index] === ' ') index += 1; }
        if (indents.length + dashes > limit) return position;
      }
      // Characters of the line: quotes, comments, flow brackets, block scalar headers.
      let nodeStart = !quote;
      for (; index < lineEnd; index += 1) {
        const char = text[index]!;
        if (quote === '"') {
          if (char === '\\') index += 1;
          else if (char === '"') quote = '';
          continue;
        }
        if (quote === "'") {
          if (char === "'" && text[index + 1] === "'") index += 1;
          else if (char === "'") quote = '';
          continue;
        }
        if (char === ' ' || char === '\t') continue;
        if (char === '#' && (index === 0 || text[index - 1] === ' ' || text[index - 1] === '\t')) break;
        if (nodeStart && (char === '"' || char === "'")) { quote = char; nodeStart = false; continue; }
        if (flowDepth === 0 && nodeStart && (char === '|' || char === '>')) { blockScalarIndent = indent; break; }
        if ((char === '[' || char === '{') && (flowDepth > 0 || nodeStart)) {
          flowDepth += 1;
          if (indents.length + flowDepth > limit) return index;
          nodeStart = true;
          continue;
        }
        if ((char === ']' || char === '}') && flowDepth > 0) { flowDepth -= 1; nodeStart = false; continue; }
        if (char === ',' && flowDepth > 0) { nodeStart = true; continue; }
        if (char === ':' || char === '?' || char === '-') {
          const after = text[index + 1];
          if (after === undefined || after === ' ' || after === '\t' || after === '\r' || index + 1 >= lineEnd || (flowDepth > 0 && ',[]{}'.includes(after))) { nodeStart = true; continue; }
        }
        nodeStart = false;
      }
      position = lineEnd + 1;
    }
    return -1;
  }

  it('finds the same offset as its definition on YAML-like text, for limits both exceeded and not', () => {
    const piece = fc.constantFrom('\n', ' ', '  ', '\t', '\r', '-', '- ', '- - ', ':', ': ', '?', '? ', '#', ' #', '"', "'", "''", '\\', '[', ']', '{', '}', ',', '|', '>', 'a', 'key', 'x: y', '---');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 200 }).map((parts) => parts.join('')), fc.integer({ min: 1, max: 6 }), (text, limit) => {
        expect(yamlDepthExceeded(text, limit)).toBe(referenceDepthExceeded(text, limit));
      }),
      { numRuns: 5000 },
    );
  });

  it('never finds a text shorter than the limit too deep (the bound that lets the scan skip such texts)', () => {
    const piece = fc.constantFrom('\n', ' ', '  ', '-', '- ', '- - ', '-\n', ': ', '? ', '[', '{', '[[', '{[', ',', 'a', 'k:', '"', "'", '|');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }).map((parts) => parts.join('')), fc.integer({ min: 1, max: 8 }), (text, extra) => {
        const limit = text.length + extra;
        expect(referenceDepthExceeded(text, limit)).toBe(-1);
        expect(referenceDepthExceeded(text, text.length)).toBe(yamlDepthExceeded(text, text.length));
      }),
      { numRuns: 5000 },
    );
    // At the bound itself a text can be too deep: one bracket per level.
    expect(yamlDepthExceeded('[[[[', 3)).toBe(2);
    expect(referenceDepthExceeded('[[[[', 3)).toBe(2);
  });
});
