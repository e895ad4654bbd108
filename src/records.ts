/** A plain JSON object (not null, not an array): the one shape check every reader of untyped input needs. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
