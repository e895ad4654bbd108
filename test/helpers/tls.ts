import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** A throw-away PKI for local doubles: a CA, and a server certificate it signed. */
export interface TestPki {
  /** Trust this (https.Agent `ca`, or the SDK's agent) in the test process; never disable verification. */
  caPem: string;
  /** Server certificate for 127.0.0.1 and localhost, signed by the CA. */
  certPem: string;
  /** The server certificate's private key (PKCS#8 PEM). */
  keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Generates a fresh CA and a localhost server certificate at test time, so no key material is
 * committed and every run trusts only its own CA. Synchronous on purpose (easy to call from
 * `beforeAll` or a double's factory). RSA keys come from node:crypto (fast, native); node-forge
 * only builds and signs the X.509 structures, which Node cannot do on its own.
 */
export function generateTestPki(): TestPki {
  const caKeys = newRsaKeyPair();
  const serverKeys = newRsaKeyPair();

  const caName = [{ name: 'commonName', value: 'istio-isolation-scanner test CA' }];
  const ca = newCertificate(caKeys.publicKey, caName, caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const server = newCertificate(serverKeys.publicKey, [{ name: 'commonName', value: 'localhost' }], caName);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // Node verifies the host against subjectAltName only (CN is ignored), so both forms are listed.
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(server),
    keyPem: serverKeys.privateKeyPem,
  };
}

interface ForgeKeyPair {
  publicKey: forge.pki.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  privateKeyPem: string;
}

function newRsaKeyPair(): ForgeKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    // node:crypto made an RSA key, so the parsed key is an RSA key.
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    privateKeyPem: privateKey,
  };
}

function newCertificate(
  publicKey: forge.pki.PublicKey,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive serial: a leading 0x00..0x7f byte keeps the DER integer non-negative.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  // Backdated a day so small clock skews between processes never make it "not yet valid".
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 7 * DAY_MS);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  return cert;
}
