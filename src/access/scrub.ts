/**
 * Text an API server (or a proxy in front of it, or an exec plugin) sends back goes into
 * coverage errors, scan records and findings. A misbehaving server may echo the request's
 * Authorization header or other credentials; nothing that looks like one may pass.
 */
const REDACTED = '[redacted]';

/** Credential shapes redacted whatever their origin. */
const CREDENTIAL_PATTERNS: RegExp[] = [
  // PEM private keys (RSA, EC, PKCS#8, encrypted), whole or cut short.
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  // Authorization header values.
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  // JSON Web Tokens (Entra ID, service account tokens): header.payload.signature.
  /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g,
];

/** Secrets shorter than this are not searched for (they would redact ordinary words). */
const MIN_SECRET_CHARS = 8;

/**
 * The forms a known secret may take in echoed text: as is and, for PEM material, its base64
 * body (one line) and the base64 of the whole PEM (a kubeconfig's client-key-data).
 */
export function secretForms(secret: string): string[] {
  const forms = [secret];
  if (secret.includes('-----BEGIN')) {
    const body = secret.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
    forms.push(body, Buffer.from(secret, 'utf8').toString('base64'));
  }
  return forms.filter((form) => form.length >= MIN_SECRET_CHARS);
}

/** `text` with every known secret (see secretForms) and every credential-shaped string replaced by [redacted]. */
export function scrubSecrets(text: string, knownSecrets: Iterable<string> = []): string {
  let scrubbed = text;
  // Longest first, so a secret containing another is removed whole.
  const forms = [...new Set([...knownSecrets].flatMap(secretForms))].sort((a, b) => b.length - a.length);
  for (const form of forms) scrubbed = scrubbed.split(form).join(REDACTED);
  for (const pattern of CREDENTIAL_PATTERNS) scrubbed = scrubbed.replace(pattern, (match, scheme: unknown) => (typeof scheme === 'string' && /^(bearer|basic)$/i.test(scheme) ? `${scheme} ${REDACTED}` : REDACTED));
  return scrubbed;
}
