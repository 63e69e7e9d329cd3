import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureServerCertificate, loadCertificatePair } from '../../src/security/tls.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-tls-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Serves `cert`/`key` over TLS and connects with the certificate as the only trusted root. */
async function handshake(cert: string, key: string, host: string, servername?: string): Promise<string> {
  const server = createServer({ cert, key }, (socket) => socket.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  try {
    return await new Promise((resolve, reject) => {
      const socket: TLSSocket = connect({ host, port, ca: cert, ...(servername ? { servername } : {}) });
      let reply = '';
      socket.on('data', (chunk) => (reply += chunk.toString()));
      socket.on('end', () => resolve(reply));
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('ensureServerCertificate', () => {
  it('generates a self-signed certificate that clients can verify for localhost, 127.0.0.1 and ::1', async () => {
    const dataDir = tempDir();
    const credentials = await ensureServerCertificate(dataDir, { hostnames: ['db.example.test'] });
    expect(credentials.generated).toBe(true);
    expect(credentials.certPath).toBe(join(dataDir, 'tls', 'server.crt'));
    expect(readFileSync(credentials.certPath, 'utf8')).toBe(credentials.cert);
    expect(statSync(credentials.keyPath).mode & 0o777).toBe(0o600);
    const days = (credentials.notAfter.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
    expect(await handshake(credentials.cert, credentials.key, '127.0.0.1', 'localhost')).toBe('hello');
    expect(await handshake(credentials.cert, credentials.key, '127.0.0.1')).toBe('hello');
    expect(await handshake(credentials.cert, credentials.key, '::1')).toBe('hello');
    expect(await handshake(credentials.cert, credentials.key, '127.0.0.1', 'db.example.test')).toBe('hello');
    await expect(handshake(credentials.cert, credentials.key, '127.0.0.1', 'other.example.test')).rejects.toThrow(/altnames/);
  });

  it('reuses the stored pair on the next start', async () => {
    const dataDir = tempDir();
    const first = await ensureServerCertificate(dataDir, { hostnames: [] });
    const second = await ensureServerCertificate(dataDir, { hostnames: ['another-name'] });
    expect(second.generated).toBe(false);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.key).toBe(first.key);
  });

  it('refuses to replace half of a pair', async () => {
    const dataDir = tempDir();
    const { keyPath } = await ensureServerCertificate(dataDir, { hostnames: [] });
    unlinkSync(keyPath);
    await expect(ensureServerCertificate(dataDir, { hostnames: [] })).rejects.toThrow(/found .*server\.crt but not .*server\.key/);
  });
});

describe('loadCertificatePair', () => {
  it('loads a user pair', async () => {
    const made = await ensureServerCertificate(tempDir(), { hostnames: [] });
    const loaded = loadCertificatePair(made.certPath, made.keyPath);
    expect(loaded).toMatchObject({ generated: false, fingerprint: made.fingerprint, cert: made.cert, key: made.key });
  });

  it('says which file is missing, unreadable, not PEM or not matching', async () => {
    const dir = tempDir();
    const a = await ensureServerCertificate(join(dir, 'a'), { hostnames: [] });
    const b = await ensureServerCertificate(join(dir, 'b'), { hostnames: [] });
    expect(() => loadCertificatePair(join(dir, 'nope.crt'), a.keyPath)).toThrow(/could not read TLS certificate file ".*nope\.crt"/);
    expect(() => loadCertificatePair(a.certPath, b.keyPath)).toThrow(/private key ".*b\/tls\/server\.key" does not match the certificate ".*a\/tls\/server\.crt"/);
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a pem file');
    expect(() => loadCertificatePair(junk, a.keyPath)).toThrow(/does not hold a PEM certificate/);
    expect(() => loadCertificatePair(a.certPath, junk)).toThrow(/does not hold a usable private key/);
    if (process.getuid?.() !== 0) { // root reads files whatever their mode
      chmodSync(a.keyPath, 0o000);
      expect(() => loadCertificatePair(a.certPath, a.keyPath)).toThrow(/could not read TLS private key file/);
    }
    expect(existsSync(a.certPath)).toBe(true);
  });
});
