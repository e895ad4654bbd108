/**
 * Reads one YAML document the way kubectl does. kubectl turns YAML into JSON with
 * sigs.k8s.io/yaml, which decodes with go-yaml v2 (go.yaml.in/yaml/v2): YAML 1.1-style plain
 * scalars (`yes`/`on` are booleans, `0777` is octal, `1_000` an integer), merge keys `<<`
 * applied in document order, later duplicate keys winning, and plain scalars in flow
 * collections that may end in `:` (`[001:db8::]` is one string). The `yaml` package parses
 * (positions, errors); this module resolves scalars and builds the JavaScript value.
 *
 * Upstream references (go-yaml v2): resolve.go `resolve` (scalar types), decode.go
 * `mapping`/`merge` (merge keys, key order), scannerc.go `yaml_parser_scan_plain_scalar`
 * (a `:` ends a plain scalar only before a blank); sigs.k8s.io/yaml yaml.go
 * `convertToJSONableObject` (map keys become strings).
 */
import { Composer, isAlias, isMap, isScalar, isSeq, Parser, type Alias, type CST, type Document, type LineCounter, type Node as YamlNode } from 'yaml';
import { setOwnProperty } from '../../records.js';

/** A document the reader refuses (alias bomb, value JSON cannot hold). */
export class DocumentRefused extends Error {}

/**
 * Alias expansions (nested ones included) per document. A billion-laughs document needs
 * thousands; real manifests use a handful. Each expansion is also charged its size.
 */
export const MAX_ALIAS_EXPANSIONS = 1_000;
/** Nodes that alias expansions may add to one document. */
export const MAX_ALIAS_EXPANDED_NODES = 100_000;

const BOOLEANS = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((word) => [word, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((word) => [word, false] as const),
]);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS = new Set(['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']);
/** strconv.ParseInt(s, 0, 64) syntax after underscores are removed: sign, then hex, octal (0o or leading 0), binary or decimal. */
const GO_INTEGER = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** yamlStyleFloat in resolve.go. */
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);

function goInteger(text: string): number | undefined {
  const match = GO_INTEGER.exec(text);
  if (!match) return undefined;
  const [, sign, digits] = match;
  let magnitude: bigint;
  if (/^0[oO]/.test(digits!)) magnitude = BigInt(`0o${digits!.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits!)) magnitude = BigInt(`0o${digits!.slice(1)}`);
  else magnitude = BigInt(digits!); // 0x, 0b and decimal are BigInt syntax already
  const value = sign === '-' ? -magnitude : magnitude;
  if (value < INT64_MIN || value > UINT64_MAX) return undefined;
  return Number(value);
}

/** The value go-yaml v2 gives an untagged plain scalar decoded into interface{}. */
export function resolvePlainScalar(text: string): unknown {
  if (NULLS.has(text)) return null;
  const first = text[0]!;
  if ('yYnNtTfFoO'.includes(first)) return BOOLEANS.has(text) ? BOOLEANS.get(text) : text;
  if (SPECIAL_FLOATS.has(text)) throw new DocumentRefused(`the value ${text} cannot be converted to JSON`);
  if (first === '.') return GO_FLOAT.test(text) ? Number(text) : text;
  if (first === '+' || first === '-' || (first >= '0' && first <= '9')) {
    // Timestamps stay strings when decoded into interface{}; they never parse as numbers below.
    const plain = text.split('_').join('');
    const integer = goInteger(plain);
    if (integer !== undefined) return integer;
    if (GO_FLOAT.test(plain)) {
      const float = Number(plain);
      if (Number.isFinite(float)) return float;
    }
  }
  return text;
}

/** Explicit core tags on scalars (`!!str 1`, `!!int "3"`); any other tag keeps the text. */
function taggedScalar(tag: string, text: string): unknown {
  switch (tag) {
    case 'tag:yaml.org,2002:int':
    case 'tag:yaml.org,2002:float':
    case 'tag:yaml.org,2002:bool':
    case 'tag:yaml.org,2002:null':
      return resolvePlainScalar(text);
    default:
      return text;
  }
}

/** JSON object keys as sigs.k8s.io/yaml writes them. */
function keyString(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key === null) return 'null';
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  throw new DocumentRefused('a mapping key is itself a mapping or a list, which JSON cannot hold');
}

interface Budget {
  expansions: number;
  expandedNodes: number;
  document: Document.Parsed;
}

/** Builds the JavaScript value of a node. Depth is bounded by the caller's pre-scan. */
function toValue(node: YamlNode | null | undefined, budget: Budget, viaAlias: boolean): unknown {
  if (node === null || node === undefined) return null;
  if (viaAlias && (budget.expandedNodes += 1) > MAX_ALIAS_EXPANDED_NODES) {
    throw new DocumentRefused(`YAML aliases expand to more than ${MAX_ALIAS_EXPANDED_NODES} nodes (resource exhaustion: alias bomb?)`);
  }
  if (isAlias(node)) {
    if ((budget.expansions += 1) > MAX_ALIAS_EXPANSIONS) throw new DocumentRefused(`more than ${MAX_ALIAS_EXPANSIONS} YAML alias expansions (resource exhaustion: alias bomb?)`);
    const target = (node as Alias).resolve(budget.document);
    if (!target) throw new DocumentRefused(`unknown YAML alias *${(node as Alias).source}`);
    return toValue(target as YamlNode, budget, true);
  }
  if (isScalar(node)) {
    const text = node.value === null || node.value === undefined ? '' : String(node.value);
    if (node.tag) return taggedScalar(node.tag, text);
    return node.type === 'PLAIN' ? resolvePlainScalar(text) : text;
  }
  if (isSeq(node)) return node.items.map((item) => toValue(item as YamlNode, budget, viaAlias));
  if (isMap(node)) {
    const object: Record<string, unknown> = {};
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      if (isScalar(keyNode) && keyNode.type === 'PLAIN' && !keyNode.tag && keyNode.value === '<<') {
        mergeInto(object, pair.value as YamlNode | null, budget, viaAlias);
        continue;
      }
      const key = keyString(toValue(keyNode, budget, viaAlias));
      setOwnProperty(object, key, toValue(pair.value as YamlNode | null, budget, viaAlias));
    }
    return object;
  }
  throw new DocumentRefused('unsupported YAML node');
}

/**
 * `<<: *a` or `<<: [*a, *b]`: copies the keys of the merged mappings into `object` at the
 * position of the merge key (go-yaml v2 decode.go `merge`: a key written later wins; in a
 * list the earlier mapping takes precedence).
 */
function mergeInto(object: Record<string, unknown>, value: YamlNode | null, budget: Budget, viaAlias: boolean): void {
  const sources = isSeq(value) ? [...value.items].reverse() : [value];
  for (const source of sources) {
    const merged = toValue(source as YamlNode | null, budget, viaAlias);
    if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) throw new DocumentRefused('a merge key (<<) must refer to a mapping or a list of mappings');
    for (const [key, entry] of Object.entries(merged)) setOwnProperty(object, key, entry);
  }
}

/** The JavaScript value of a parsed document, as kubectl would read it. */
export function documentValue(document: Document.Parsed): unknown {
  return toValue(document.contents as YamlNode | null, { expansions: 0, expandedNodes: 0, document }, false);
}

/**
 * go-yaml v2 keeps scanning a plain scalar through a `:` that is not followed by a blank, so
 * in a flow sequence `[001:db8::]` is the string "001:db8::". The `yaml` package (YAML 1.2)
 * ends the scalar before the last `:` and reads an implicit key `{"001:db8:": null}`. This
 * rewrites that case in the CST: a plain key immediately followed by `:` with no value.
 */
function joinFlowColons(token: CST.Token): void {
  const stack: CST.Token[] = [token];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.type === 'document') {
      if (current.value) stack.push(current.value);
    } else if (current.type === 'block-map' || current.type === 'block-seq') {
      for (const item of current.items) {
        if ('key' in item && item.key) stack.push(item.key);
        if (item.value) stack.push(item.value);
      }
    } else if (current.type === 'flow-collection') {
      for (const item of current.items) {
        const key = item.key;
        const indicator = item.sep?.length === 1 ? item.sep[0] : undefined;
        const valueIsEmpty = !item.value || (item.value.type === 'scalar' && item.value.source === '');
        if (current.start.source === '[' && key?.type === 'scalar' && indicator?.type === 'map-value-ind' && indicator.offset === key.offset + key.source.length && valueIsEmpty) {
          const joined: CST.FlowScalar = { ...key, source: `${key.source}:` };
          delete item.key;
          delete item.sep;
          item.value = joined;
          continue;
        }
        // In a flow mapping, `{address: 001:db8::}` parses its value as a one-entry implicit
        // mapping `{"001:db8:": null}`; go-yaml v2 reads the string "001:db8::".
        const joinedValue = item.value ? colonEndedScalar(item.value) : undefined;
        if (joinedValue) {
          item.value = joinedValue;
          continue;
        }
        if (key) stack.push(key);
        if (item.value) stack.push(item.value);
      }
    }
  }
}

/**
 * The plain scalar `x:` when `token` is an implicit one-entry mapping whose plain key is
 * immediately followed by `:` and nothing else (what the `yaml` package makes of a flow value
 * ending in `:`), else undefined.
 */
function colonEndedScalar(token: CST.Token): CST.FlowScalar | undefined {
  if (token.type !== 'block-map' || token.items.length !== 1) return undefined;
  const [entry] = token.items;
  const key = entry?.key;
  const indicator = entry?.sep?.length === 1 ? entry.sep[0] : undefined;
  const valueIsEmpty = !entry?.value || (entry.value.type === 'scalar' && entry.value.source === '');
  if (entry?.start.length !== 0 || key?.type !== 'scalar' || indicator?.type !== 'map-value-ind' || indicator.offset !== key.offset + key.source.length || !valueIsEmpty) return undefined;
  return { ...key, source: `${key.source}:` };
}

/**
 * The only variables the `yaml` package reads while parsing (debug logging): the Parser reads
 * the LOG_TOKENS variable of process.env once per token, the Composer LOG_STREAM once per top-level token.
 */
const YAML_ENV_VARIABLES = ['LOG_TOKENS', 'LOG_STREAM'] as const;

/**
 * Runs `parse` (synchronous, nothing but the `yaml` package inside) with process.env replaced by
 * a plain object holding the variables the package reads, then puts the real one back. Node's
 * process.env asks the C library's getenv on every read, and the Parser reads it for every
 * token: about 40 % of the Parser's CPU time on the large fleet (3.0 s -> 1.8 s). The values
 * seen are the real ones, so LOG_TOKENS and LOG_STREAM still work.
 */
function withPlainEnv<T>(plain: NodeJS.ProcessEnv, parse: () => T): T {
  const env = process.env;
  process.env = plain;
  try {
    return parse();
  } finally {
    process.env = env;
  }
}

/**
 * The variables the `yaml` package reads, as a plain object (see withPlainEnv). Read once per
 * file by the manifest reader rather than once per document: each read is a getenv call.
 */
export function yamlEnvironment(): NodeJS.ProcessEnv {
  const plain: NodeJS.ProcessEnv = {};
  for (const name of YAML_ENV_VARIABLES) if (process.env[name] !== undefined) plain[name] = process.env[name];
  return plain;
}

/** Parses YAML text into documents with kubectl's reading of flow scalars; scalars are resolved later. */
export function parseYamlDocuments(text: string, lineCounter: LineCounter, environment: NodeJS.ProcessEnv = yamlEnvironment()): Document.Parsed[] {
  return withPlainEnv(environment, () => {
    const parser = new Parser(lineCounter.addNewLine);
    // failsafe: every scalar stays a string with its style, so documentValue resolves it as go-yaml does.
    const composer = new Composer({ schema: 'failsafe', uniqueKeys: false, merge: false, strict: false });
    const documents: Document.Parsed[] = [];
    // A flow collection opens with `[` or `{`: without either there is nothing to rewrite, and
    // most manifest documents have neither (no walk of their syntax tree).
    const mayHaveFlow = text.includes('[') || text.includes('{');
    for (const token of parser.parse(text)) {
      if (mayHaveFlow) joinFlowColons(token);
      for (const document of composer.next(token)) documents.push(document as Document.Parsed);
    }
    for (const document of composer.end(false, text.length)) documents.push(document as Document.Parsed);
    return documents;
  });
}
