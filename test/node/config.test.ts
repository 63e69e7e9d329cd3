import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStartArguments, resolveNodeConfig, SETTINGS, type NodeConfig } from '../../src/node/config.ts';
import { ensureNodeId, uuidv7 } from '../../src/node/node-id.ts';

const root = mkdtempSync(join(tmpdir(), 'sb-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function config(argv: string[], env: Record<string, string> = {}): NodeConfig {
  return resolveNodeConfig({ flags: parseStartArguments(argv).flags, env, cwd: root });
}

function configFile(name: string, contents: unknown): string {
  const path = join(root, name);
  writeFileSync(path, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return path;
}

describe('node configuration', () => {
  it('defaults to the embedded node of ARCHITECTURE.md §1', () => {
    expect(config([])).toEqual({
      dataDir: join(root, 'data'),
      listen: ['localhost'],
      port: 5432,
      httpPort: 9187,
      shards: 16,
      auth: 'trust-loopback',
      tls: { mode: 'self-signed' },
      logLevel: 'info',
      maxConnections: 1100,
    });
  });

  it('takes a flag over the environment, the environment over the file, the file over the default', () => {
    const file = configFile('precedence.json', { port: 1001, 'http-port': 2001, shards: 4, 'log-level': 'debug' });
    const env = { SCRATCHBIRD_CONFIG: file, SCRATCHBIRD_PORT: '1002', SCRATCHBIRD_HTTP_PORT: '2002' };
    const resolved = config(['--port', '1003'], env);
    expect(resolved.port).toBe(1003);
    expect(resolved.httpPort).toBe(2002);
    expect(resolved.shards).toBe(4);
    expect(resolved.logLevel).toBe('debug');
    expect(resolved.maxConnections).toBe(1100);
    expect(config(['--config', file]).port).toBe(1001);
  });

  it('has an environment variable and a file key for every flag', () => {
    const id = '0190a5f2-7c3e-7d41-9a6b-2f1e8c4d5b6a';
    const values = {
      data: 'from-file', host: '127.0.0.1,db.example.test', port: 6000, 'http-port': 6001, shards: 2, auth: 'scram-sha-256',
      tls: 'on', 'tls-cert': 'c.pem', 'tls-key': 'k.pem', 'log-level': 'warn', 'node-id': id, 'max-connections': 50,
    };
    const dir = join(root, 'etc');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'all.json'), JSON.stringify(values));
    const expected: NodeConfig = {
      dataDir: join(dir, 'from-file'), listen: ['127.0.0.1', 'db.example.test'], port: 6000, httpPort: 6001, shards: 2, auth: 'scram-sha-256',
      tls: { mode: 'files', certPath: join(dir, 'c.pem'), keyPath: join(dir, 'k.pem') }, logLevel: 'warn', nodeId: id, maxConnections: 50,
    };
    // Relative paths in the file resolve against the file's directory.
    expect(config(['--config', join(dir, 'all.json')])).toEqual(expected);
    const env = Object.fromEntries(SETTINGS.filter((s) => s.name !== 'config').map((s) => [s.env, String(values[s.name as keyof typeof values])]));
    expect(config([], env)).toEqual({ ...expected, dataDir: join(root, 'from-file'), tls: { mode: 'files', certPath: join(root, 'c.pem'), keyPath: join(root, 'k.pem') } });
    const flags = SETTINGS.filter((s) => s.name !== 'config').flatMap((s) => [`--${s.name}`, String(values[s.name as keyof typeof values])]);
    expect(config(flags)).toEqual(config([], env));
  });

  it('turns TLS off, and accepts JSON booleans for it in the file', () => {
    expect(config(['--tls', 'off']).tls).toEqual({ mode: 'off' });
    expect(config(['--config', configFile('tls.json', { tls: false })]).tls).toEqual({ mode: 'off' });
  });

  it('rejects bad values with the source and a hint', () => {
    const bad = (argv: string[], env: Record<string, string> = {}) => {
      try {
        config(argv, env);
      } catch (error) {
        return error as { message: string; hint?: string; code: string };
      }
      throw new Error('accepted');
    };
    expect(bad(['--port', 'abc'])).toMatchObject({ code: '22023', message: 'invalid value for --port: "abc"', hint: expect.stringContaining('65535') });
    expect(bad(['--port', '70000']).message).toBe('invalid value for --port: "70000"');
    expect(bad([], { SCRATCHBIRD_HTTP_PORT: '-1' }).message).toBe('invalid value for SCRATCHBIRD_HTTP_PORT: "-1"');
    expect(bad(['--shards', '0']).hint).toContain('1 to 1024');
    expect(bad(['--auth', 'md5'])).toMatchObject({ message: 'invalid value for --auth: "md5"', hint: 'Give one of trust-loopback, scram-sha-256.' });
    expect(bad(['--tls', 'maybe']).hint).toBe('Give on or off.');
    expect(bad(['--log-level', 'loud']).hint).toContain('fatal, error, warn, info, debug, trace, silent');
    expect(bad(['--node-id', 'node-1']).message).toBe('invalid value for --node-id: "node-1"');
    expect(bad(['--host', 'bad host!']).message).toBe('invalid value for --host: "bad host!"');
    expect(bad(['--max-connections', '0']).message).toBe('invalid value for --max-connections: "0"');
    expect(bad(['--port', '7000', '--http-port', '7000']).message).toBe('the pg port and the HTTP port are both 7000');
    expect(bad(['--tls-cert', 'c.pem']).message).toBe('--tls-cert is set without --tls-key');
    expect(bad(['--tls', 'off', '--tls-key', 'k.pem']).message).toBe('--tls-key is set but TLS is off');
    expect(bad(['--bogus'])).toMatchObject({ message: expect.stringContaining("Unknown option '--bogus'"), hint: 'See scratchbird start --help.' });
    expect(bad(['stray']).message).toContain('stray');
    expect(bad(['--port'])).toMatchObject({ message: expect.stringContaining('--port') });
  });

  it('reports config file problems with the file name', () => {
    expect(() => config(['--config', join(root, 'missing.json')])).toThrow(/could not read config file ".*missing\.json"/);
    expect(() => config(['--config', configFile('broken.json', '{ "port": ')])).toThrow(/could not read config file ".*broken\.json"/);
    expect(() => config(['--config', configFile('array.json', [1])])).toThrow(/must hold a JSON object/);
    expect(() => config(['--config', configFile('typo.json', { prot: 5432 })])).toThrow(/unknown setting "prot"/);
    expect(() => config(['--config', configFile('badport.json', { port: 'x' })])).toThrow(/invalid value for "port" in .*badport\.json: "x"/);
  });

  it('parses --help', () => {
    expect(parseStartArguments(['--help']).help).toBe(true);
    expect(parseStartArguments(['-h', '--port', '1']).help).toBe(true);
  });
});

describe('node id', () => {
  it('is a UUIDv7 ordered by creation time', () => {
    const early = uuidv7(1_700_000_000_000);
    const late = uuidv7(1_700_000_000_001);
    expect(early).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(early < late).toBe(true);
    expect(early.slice(0, 13).replace('-', '')).toBe((1_700_000_000_000).toString(16).padStart(12, '0'));
  });

  it('is generated once per data directory and kept', () => {
    const dir = join(root, 'node-a');
    mkdirSync(dir);
    const id = ensureNodeId(dir);
    expect(ensureNodeId(dir)).toBe(id);
    expect(ensureNodeId(dir, id)).toBe(id);
    expect(() => ensureNodeId(dir, uuidv7())).toThrow(`data directory ${dir} belongs to node ${id}`);
  });

  it('takes the configured id for a new data directory', () => {
    const dir = join(root, 'node-b');
    mkdirSync(dir);
    const id = uuidv7();
    expect(ensureNodeId(dir, id)).toBe(id);
    expect(ensureNodeId(dir)).toBe(id);
  });
});
