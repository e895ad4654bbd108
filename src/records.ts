/** A plain JSON object (not null, not an array): the one shape check every reader of untyped input needs. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own enumerable property, even for the key "__proto__", so a key read from input can
 * never reach a prototype. Plain assignment for every other key (Object.prototype's only
 * setter is __proto__): defineProperty for every key costs measurably on hot paths.
 */
export function setOwnProperty(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
