/**
 * The pg front door's TLS certificate: the user's own pair (`--tls-cert/--tls-key`), or a
 * self-signed one generated into `<data>/tls/` on first start and reused after, as PostgreSQL
 * users know from `server.crt` / `server.key` in their data directory.
 *
 * The generated key is ECDSA P-256: Node's TLS also takes Ed25519, but libpq builds, Java's
 * and .NET's TLS stacks that predate (or never got) Ed25519 signature schemes all accept
 * P-256. The certificate is its own issuer with `CA:TRUE`, so a client can name it as its root
 * (`sslrootcert=server.crt sslmode=verify-full`) and check the host names in its SANs.
 */
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { EngineError, SqlState } from '../engine/errors.ts';

// Node's webcrypto is the standard Crypto; only its TypeScript declaration differs from the DOM one.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface TlsCredentials {
  /** PEM certificate (chain) and PEM private key, as node:tls takes them. */
  readonly cert: string;
  readonly key: string;
  /** True when this call created the pair. */
  readonly generated: boolean;
  readonly certPath: string;
  readonly keyPath: string;
  readonly notAfter: Date;
  /** SHA-256 fingerprint of the certificate, colon-separated hex, for logs and pinning. */
  readonly fingerprint: string;
}

export interface ServerCertificateOptions {
  /** Names and addresses clients use to reach this node, beyond localhost, 127.0.0.1 and ::1. */
  readonly hostnames: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const VALIDITY_DAYS = 365;

/** `<dataDir>/tls/server.crt` and `server.key`: loaded when both exist, generated when neither does. */
export async function ensureServerCertificate(dataDir: string, options: ServerCertificateOptions): Promise<TlsCredentials> {
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key');
  const haveCert = existsSync(certPath);
  const haveKey = existsSync(keyPath);
  if (haveCert && haveKey) return loadCertificatePair(certPath, keyPath);
  if (haveCert || haveKey) {
    throw new EngineError(SqlState.configFileError, `found ${haveCert ? certPath : keyPath} but not ${haveCert ? keyPath : certPath}`, {
      hint: 'Restore the missing file, or delete the other one to have a new self-signed pair generated.',
    });
  }
  const { cert, key } = await generateSelfSigned([...LOOPBACK_NAMES, ...options.hostnames]);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written beside their final names and renamed, so a crash never leaves half a PEM file.
  writeFileSync(`${keyPath}.tmp`, key, { mode: 0o600 });
  writeFileSync(`${certPath}.tmp`, cert, { mode: 0o644 });
  renameSync(`${keyPath}.tmp`, keyPath);
  renameSync(`${certPath}.tmp`, certPath);
  return { ...describe(cert, certPath, keyPath), key, generated: true };
}

/** A user-supplied pair, checked now so a bad file fails the start instead of every handshake. */
export function loadCertificatePair(certPath: string, keyPath: string): TlsCredentials {
  const cert = readPem(certPath, 'certificate');
  const key = readPem(keyPath, 'private key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new EngineError(SqlState.configFileError, `TLS private key file "${keyPath}" does not hold a usable private key: ${(error as Error).message}`, {
      cause: error,
      hint: 'Give an unencrypted PEM key (PKCS#8, PKCS#1 or SEC1).',
    });
  }
  const described = describe(cert, certPath, keyPath);
  if (!new X509Certificate(cert).checkPrivateKey(privateKey)) {
    throw new EngineError(SqlState.configFileError, `TLS private key "${keyPath}" does not match the certificate "${certPath}"`, {
      hint: 'Give the key the certificate was issued for.',
    });
  }
  return { ...described, key, generated: false };
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new EngineError(SqlState.configFileError, `could not read TLS ${what} file "${path}": ${(error as Error).message}`, { cause: error });
  }
}

function describe(cert: string, certPath: string, keyPath: string): Omit<TlsCredentials, 'key' | 'generated'> {
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(cert);
  } catch (error) {
    throw new EngineError(SqlState.configFileError, `TLS certificate file "${certPath}" does not hold a PEM certificate: ${(error as Error).message}`, { cause: error });
  }
  return { cert, certPath, keyPath, notAfter: new Date(parsed.validTo), fingerprint: parsed.fingerprint256 };
}

/** 16 random bytes as a positive, minimally encoded DER integer (first byte 0x01…0x7f), so
 * that regenerated certificates never repeat a serial. */
function randomSerialNumber(): string {
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) || 1;
  return serial.toString('hex');
}

async function generateSelfSigned(names: readonly string[]): Promise<{ cert: string; key: string }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const unique = [...new Set(names)];
  const notBefore = new Date(Date.now() - 60_000); // a client whose clock runs a little behind still accepts it
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: [{ CN: [unique.find((name) => isIP(name) === 0 && name !== 'localhost') ?? 'localhost'] }, { O: ['ScratchBird self-signed'] }],
    notBefore,
    notAfter: new Date(notBefore.getTime() + VALIDITY_DAYS * 86_400_000),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(unique.map((name) => ({ type: isIP(name) === 0 ? 'dns' as const : 'ip' as const, value: name }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: certificate.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}
