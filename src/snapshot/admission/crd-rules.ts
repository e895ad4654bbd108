/**
 * The x-kubernetes-validations rules of the vendored Istio CRDs (istio-crd-schemas.gen.ts),
 * written as plain functions with the result @bufbuild/cel gives them (an evaluation error is a
 * failed rule). kube-schema.ts uses these instead of compiling the rule, so a scan of manifests
 * never loads the CEL runtime (about 130 modules, most of a small scan's start-up:
 * docs/performance.md "Start-up"); a rule missing here is still evaluated with CEL.
 *
 * The rule runs on a value its schema node has already accepted (type, enum, children), so
 * `self` has the node's type. test/unit/snapshot/crd-rules.test.ts checks every function
 * against @bufbuild/cel by property and fails when a vendored rule has no function here.
 */

export type Evaluator = (self: unknown) => boolean;

type Fields = Record<string, unknown>;

function fields(self: unknown): Fields | undefined {
  return self !== null && typeof self === 'object' && !Array.isArray(self) ? (self as Fields) : undefined;
}

/** CEL `has(self.name)` on a map: the key is present. */
function has(self: Fields, name: string): boolean {
  return Object.hasOwn(self, name);
}

/** At most one of the named fields is set: `(has(self.a) ? 1 : 0) + (has(self.b) ? 1 : 0) <= 1`. */
function atMostOne(...names: string[]): Evaluator {
  return (self) => {
    const object = fields(self);
    return object !== undefined && names.filter((name) => has(object, name)).length <= 1;
  };
}

/** CEL `size()` of a string counts code points. */
function codePointCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Every key of a map satisfies `test` (CEL `self.all(key, ...)`). */
function allKeys(test: (key: string) => boolean): Evaluator {
  return (self) => {
    const object = fields(self);
    return object !== undefined && Object.keys(object).every(test);
  };
}

const DURATION_UNITS: Record<string, bigint> = { ns: 1n, us: 1_000n, µs: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };
const DURATION_PART = /^(\d*)(?:\.(\d*))?(ns|us|µs|ms|s|m|h)/;
const MAX_NANOS = 2n ** 63n - 1n;

/**
 * Nanoseconds of a CEL duration string ("300ms", "-1.5h", "2h45m", "0"), or undefined where
 * `duration()` fails: at most 128 characters; each part needs digits before or after its point
 * and a unit; a fraction is truncated to whole nanoseconds part by part; the total fits in int64.
 */
export function durationNanos(text: string): bigint | undefined {
  if (text.length > 128) return undefined;
  if (/^[-+]?0$/.test(text)) return 0n;
  const sign = text.startsWith('-') ? -1n : 1n;
  let rest = /^[-+]/.test(text) ? text.slice(1) : text;
  let total = 0n;
  while (rest.length > 0) {
    const part = DURATION_PART.exec(rest);
    if (!part || (part[1] === '' && !part[2])) return undefined;
    const [whole, integer, fraction = '', unit] = part;
    const factor = DURATION_UNITS[unit!]!;
    total += BigInt(integer || '0') * factor + (BigInt(fraction || '0') * factor) / 10n ** BigInt(fraction.length);
    rest = rest.slice(whole.length);
  }
  const nanos = sign * total;
  return nanos > MAX_NANOS || nanos < -MAX_NANOS - 1n ? undefined : nanos;
}

/** CEL `int(string)` as @bufbuild/cel does it (JavaScript BigInt syntax, int64 range), or undefined on error. */
function celInt(text: string): bigint | undefined {
  let value: bigint;
  try {
    value = BigInt(text);
  } catch {
    return undefined;
  }
  return value >= -(2n ** 63n) && value <= 2n ** 63n - 1n ? value : undefined;
}

const PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

export const EQUIVALENT_RULES: Record<string, Evaluator> = {
  "duration(self) >= duration('1ms')": (self) => {
    if (typeof self !== 'string') return false;
    const nanos = durationNanos(self);
    return nanos !== undefined && nanos >= 1_000_000n;
  },
  'self.all(key, !key.contains("*"))': allKeys((key) => !key.includes('*')),
  'self.all(key, key.size() != 0)': allKeys((key) => key.length !== 0),
  '!self.contains("*")': (self) => typeof self === 'string' && !self.includes('*'),
  '(has(self.tlsCertificates) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1': atMostOne('tlsCertificates', 'credentialNames'),
  '(has(self.credentialName) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1': atMostOne('credentialName', 'credentialNames'),
  '(has(self.credentialNames) ? 1 : 0) + (has(self.tlsCertificates) ? 1 : 0) <= 1': atMostOne('credentialNames', 'tlsCertificates'),
  '(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1': atMostOne('workloadSelector', 'endpoints'),
  '(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1': atMostOne('selector', 'targetRef', 'targetRefs'),
  // A CIDR address needs resolution STATIC or NONE.
  '!((has(self.addresses) ? self.addresses : []).exists(k, k.contains("/")) && !((has(self.resolution) ? self.resolution : "NONE") in ["STATIC", "NONE"]))': (self) => {
    const object = fields(self);
    if (!object) return false;
    const addresses = has(object, 'addresses') ? object.addresses : [];
    const resolution = has(object, 'resolution') ? object.resolution : 'NONE';
    if (!Array.isArray(addresses) || !addresses.every((address) => typeof address === 'string')) return false;
    return !((addresses as string[]).some((address) => address.includes('/')) && !(resolution === 'STATIC' || resolution === 'NONE'));
  },
  '((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true': (self) => {
    const object = fields(self);
    if (!object) return false;
    return (has(object, 'resolution') ? object.resolution : 'NONE') === 'NONE' ? !has(object, 'endpoints') : true;
  },
  '((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true': (self) => {
    const object = fields(self);
    if (!object) return false;
    if ((has(object, 'resolution') ? object.resolution : '') !== 'DNS_ROUND_ROBIN') return true;
    const endpoints = has(object, 'endpoints') ? object.endpoints : [];
    return Array.isArray(endpoints) && endpoints.length <= 1;
  },
  'has(self.address) || has(self.network)': (self) => {
    const object = fields(self);
    return object !== undefined && (has(object, 'address') || has(object, 'network'));
  },
  '(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true': (self) => {
    const object = fields(self);
    if (!object) return false;
    const address = has(object, 'address') ? object.address : '';
    if (typeof address !== 'string') return false;
    return address.startsWith('unix://') ? !has(object, 'ports') : true;
  },
  // substring(7, 8) is the eighth code point; it fails (so does the rule) when there is none.
  'self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true': (self) => {
    if (typeof self !== 'string') return false;
    if (!self.startsWith('unix://')) return true;
    const eighth = [...self][7];
    return eighth === '/' || eighth === '@';
  },
  'self.startsWith("unix://") ? !self.endsWith("/") : true': (self) => typeof self === 'string' && (self.startsWith('unix://') ? !self.endsWith('/') : true),
  'self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))': allKeys((key) => codePointCount(key) < 63 && PORT_NAME.test(key)),
  '0 < self && self <= 65535': (self) => typeof self === 'number' && 0 < self && self <= 65535,
  'self != "*"': (self) => self !== '*',
  // Unique port numbers; the CEL form is quadratic in the list length.
  'self.all(l1, self.exists_one(l2, l1.number == l2.number))': (self) => {
    if (!Array.isArray(self)) return false;
    const numbers = new Set<unknown>();
    for (const item of self) {
      const number = item !== null && typeof item === 'object' ? (item as Fields).number : undefined;
      if (numbers.has(number)) return false;
      numbers.add(number);
    }
    return true;
  },
  '(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) &&\n!has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true': (self) => {
    const object = fields(self);
    if (!object) return false;
    if (!(has(object, 'serviceAccounts') || has(object, 'notServiceAccounts'))) return true;
    return !has(object, 'principals') && !has(object, 'notPrincipals') && !has(object, 'namespaces') && !has(object, 'notNamespaces');
  },
  'self.size() == 0': (self) => (typeof self === 'string' || Array.isArray(self) ? self.length === 0 : fields(self) !== undefined && Object.keys(self as Fields).length === 0),
  'has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true': (self) => {
    const object = fields(self);
    if (!object) return false;
    if (!has(object, 'portLevelMtls')) return true;
    const selector = has(object, 'selector') ? fields(object.selector) : undefined;
    if (has(object, 'selector') && !selector) return false;
    const labels = selector && has(selector, 'matchLabels') ? fields(selector.matchLabels) : {};
    return labels !== undefined && Object.keys(labels).length > 0;
  },
  'self.all(key, 0 < int(key) && int(key) <= 65535)': allKeys((key) => {
    const port = celInt(key);
    return port !== undefined && 0n < port && port <= 65535n;
  }),
};
