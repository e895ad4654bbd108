/**
 * Sizes of JSON texts computed from their parts, for outputs that bound a list by the size of
 * its JSON but report the size of the whole (Log Analytics rows): a list's size is the sum of
 * its entries', so a list shared by many findings is measured once (src/mesh/imports.ts).
 */

/** UTF-8 bytes of one string's JSON text (quotes and escapes included). */
export function jsonStringBytes(item: string): number {
  return Buffer.byteLength(JSON.stringify(item), 'utf8');
}

/** UTF-8 bytes of a string list's JSON text, given its size and the sum of jsonStringBytes over its entries. */
export function jsonListBytes(size: number, entryBytes: number): number {
  return size === 0 ? 2 : 2 + entryBytes + (size - 1);
}
