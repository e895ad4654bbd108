/**
 * Keeps a dynamic column within a size budget without losing it (findings.md: "an oversized
 * Evidence is truncated with a marker, never dropped"). A value over budget is replaced by a
 * marker object that keeps the first part of its JSON text, so an analyst still sees what the
 * rule saw and knows the rest is missing.
 */

/** The shape a truncated value takes in Log Analytics (query: `where Evidence.truncated == true`). */
export interface TruncatedValue {
  truncated: true;
  /** Size of the complete JSON text in UTF-8 bytes. */
  originalBytes: number;
  /** The beginning of the JSON text (not parseable on its own). */
  partialJson: string;
}

/** What a value that cannot be serialized at all (cycle, BigInt) becomes: still a row, with the reason. */
export interface UnserializableValue {
  unserializable: true;
  error: string;
}

export function jsonByteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
}

/**
 * Returns `value` unchanged when its JSON is at most `budgetBytes`, otherwise a
 * TruncatedValue whose own JSON is at most `budgetBytes`. `undefined` becomes null (JSON has no undefined).
 */
export function limitJsonSize(value: unknown, budgetBytes: number): unknown {
  let json: string;
  try {
    json = JSON.stringify(value) ?? 'null';
  } catch (error) {
    const marker: UnserializableValue = { unserializable: true, error: error instanceof Error ? error.message : String(error) };
    return marker;
  }
  const originalBytes = Buffer.byteLength(json, 'utf8');
  if (originalBytes <= budgetBytes) return value === undefined ? null : value;
  return truncatedJson(originalBytes, (maxBytes) => utf8Prefix(json, maxBytes), budgetBytes);
}

/**
 * The marker limitJsonSize gives for a JSON text of `originalBytes` over budget, from its
 * prefixes only (`prefixOf(n)`: the longest prefix of at most n bytes), so a caller that knows
 * the size of a long list's JSON need not build the whole text (rows.ts, affected namespaces).
 */
export function truncatedJson(originalBytes: number, prefixOf: (maxBytes: number) => string, budgetBytes: number): TruncatedValue {
  // Escaping inside partialJson (quotes, backslashes) makes the marker bigger than the prefix,
  // so shrink the prefix by the overshoot until the marker fits; a few rounds at most.
  let keepBytes = budgetBytes - jsonByteLength(markerFor('', originalBytes));
  for (let round = 0; round < 16 && keepBytes > 0; round++) {
    const marker = markerFor(prefixOf(keepBytes), originalBytes);
    const overshoot = jsonByteLength(marker) - budgetBytes;
    if (overshoot <= 0) return marker;
    keepBytes -= Math.max(overshoot, 1);
  }
  return markerFor('', originalBytes);
}

function markerFor(partialJson: string, originalBytes: number): TruncatedValue {
  return { truncated: true, originalBytes, partialJson };
}

/** The longest prefix of `text` whose UTF-8 encoding is at most `maxBytes`, never splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
