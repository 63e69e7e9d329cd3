/**
 * The pgwire server driven by real clients, unmodified: node-postgres (simple, extended,
 * prepared, binary, its query queue), postgres.js (pipelined extended protocol, cursors), psql
 * (TLS with sslmode=require and verify-full, SCRAM, \copy), and 1,000 concurrent node-postgres
 * connections. The session behind the server is the FakeEngine's toy language.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgServer, type PgServer, type PgServerLogger } from '../../src/pgwire/index.ts';
import { makeScramVerifier } from '../../src/pgwire/scram.ts';
import { FakeEngine } from './fake-engine.ts';
import { RawClient, noticeFieldsOf, startupPacket } from './raw-client.ts';
import { int32, packet } from './streams.ts';
import { testCertificate } from './test-certificate.ts';
import { PSQL, psqlMissing } from '../support/psql.ts';

const havePsql = psqlMissing() === undefined;
const run = promisify(execFile);

const ALICE_SECRET = makeScramVerifier('secret', { iterations: 64 });

/** alice needs her password, bob does not exist, carol is refused, everyone else is trusted. */
const engine = new FakeEngine({
  authenticate: (info) => {
    switch (info.user) {
      case 'alice':
        return { method: 'scram-sha-256', verifier: ALICE_SECRET };
      case 'bob':
        return { method: 'scram-sha-256', verifier: undefined };
      case 'carol':
        return { method: 'reject', message: 'no pg_hba.conf entry for role "carol"' };
      default:
        return { method: 'trust' };
    }
  },
});

let server: PgServer;
let dir: string;
let certificate: { cert: string; key: string };

beforeAll(async () => {
  certificate = await testCertificate();
  dir = mkdtempSync(join(tmpdir(), 'sb-pgwire-'));
  writeFileSync(join(dir, 'root.crt'), certificate.cert);
  // pino's own logger type must fit the server's logger option.
  const logger: PgServerLogger = pino({ level: 'silent' });
  server = await startPgServer({ host: '127.0.0.1', port: 0, engine, tls: certificate, logger });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function pgClient(options: pg.ClientConfig = {}): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port: server.port, user: 'dave', database: 'db', ...options });
}

/** Binary results through the extended protocol: node-postgres options its type declarations lack. */
function binaryQuery(text: string): pg.QueryConfig {
  return { text, binary: true, queryMode: 'extended' } as pg.QueryConfig;
}

async function withClient<T>(use: (client: pg.Client) => Promise<T>, options?: pg.ClientConfig): Promise<T> {
  const client = pgClient(options);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

describe('node-postgres', () => {
  it('runs simple, parameterized, prepared and binary queries', async () => {
    await withClient(async (client) => {
      expect((await client.query('SELECT 42')).rows).toEqual([{ '?column?': 42 }]);
      expect((await client.query('SELECT $1, $2', ['a', null])).rows).toEqual([{ '?column?': null }]);
      const prepared = { name: 'echo', text: 'SELECT $1', values: ['one'] };
      expect((await client.query(prepared)).rows).toEqual([{ '?column?': 'one' }]);
      expect((await client.query({ ...prepared, values: ['two'] })).rows).toEqual([{ '?column?': 'two' }]);
      const binary = await client.query(binaryQuery('SELECT 7'));
      expect(binary.rows).toEqual([{ '?column?': 7 }]);
      expect(binary.fields[0]).toMatchObject({ dataTypeID: 23, format: 'binary' });
      expect((await client.query({ text: 'SELECT $1', values: [Buffer.from('bytes in binary')] })).rows).toEqual([{ '?column?': 'bytes in binary' }]);
      expect((await client.query('ROWS 1000')).rowCount).toBe(1000);
    });
  });

  it('reports errors with all their fields and keeps the connection usable', async () => {
    await withClient(async (client) => {
      const error = await client.query('FAIL').catch((e: unknown) => e);
      expect(error).toMatchObject({ severity: 'ERROR', code: '22012', message: 'division by zero', detail: 'the detail', hint: 'the hint', position: '3', schema: 'public', table: 't', column: 'c', constraint: 'k' });
      await expect(client.query('PARSEFAIL $1', [1])).rejects.toMatchObject({ code: '42601' });
      await expect(client.query(binaryQuery('SELECT REGCLASS'))).rejects.toMatchObject({ code: '0A000' });
      expect((await client.query('SELECT REGCLASS')).rows).toEqual([{ regclass: 'pg_class' }]);
    });
  });

  it('answers a queue of 200 queries in order', async () => {
    await withClient(async (client) => {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? client.query(`SELECT ${i}`) : client.query('SELECT $1', [String(i)]))));
      expect(results.map((r) => String(r.rows[0]['?column?']))).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    });
  });

  it('passes notices and tracks transactions', async () => {
    await withClient(async (client) => {
      const notices: string[] = [];
      client.on('notice', (notice) => notices.push(notice.message ?? ''));
      await client.query('NOTICE careful now');
      expect(notices).toEqual(['careful now']);
      await client.query('BEGIN');
      await expect(client.query('FAIL')).rejects.toMatchObject({ code: '22012' });
      await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
      await client.query('ROLLBACK');
      expect((await client.query('SELECT 1')).rows).toHaveLength(1);
    });
  });

  it('cancels a running query with a CancelRequest built from its BackendKeyData', async () => {
    await withClient(async (client) => {
      const { processID, secretKey } = client as unknown as { processID: number; secretKey: number };
      const sleeping = client.query('SLEEP 10000');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const request = Buffer.alloc(16);
      request.writeInt32BE(16, 0);
      request.writeInt32BE(80877102, 4);
      request.writeInt32BE(processID, 8);
      request.writeInt32BE(secretKey, 12);
      connect({ host: '127.0.0.1', port: server.port }, function (this: ReturnType<typeof connect>) {
        this.end(request);
      });
      await expect(sleeping).rejects.toMatchObject({ code: '57014' });
    });
  });

  it('closes the session of a client that disconnects mid-query', async () => {
    const client = pgClient();
    await client.connect();
    client.on('error', () => {});
    const sleeping = client.query('SLEEP 300').catch(() => undefined);
    const session = engine.sessions.at(-1)!;
    await new Promise((resolve) => setTimeout(resolve, 30));
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await sleeping;
    for (let i = 0; i < 100 && !session.closed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(session.closed).toBe(true);
  });

  it('authenticates with SCRAM-SHA-256 and refuses wrong passwords, unknown and rejected roles', async () => {
    expect(await withClient((client) => client.query('SELECT 1').then((r) => r.rowCount), { user: 'alice', password: 'secret' })).toBe(1);
    for (const [user, password] of [['alice', 'wrong'], ['bob', 'secret']]) {
      const client = pgClient({ user, password });
      await expect(client.connect()).rejects.toMatchObject({ code: '28P01', message: `password authentication failed for user "${user}"` });
    }
    await expect(pgClient({ user: 'carol' }).connect()).rejects.toMatchObject({ code: '28000', message: 'no pg_hba.conf entry for role "carol"' });
  });

  it('connects over TLS, verifying the certificate', async () => {
    await withClient(async (client) => {
      expect((await client.query('SELECT 1')).rows).toHaveLength(1);
      expect(engine.connections.at(-1)).toMatchObject({ tls: true });
    }, { ssl: { ca: certificate.cert } });
  });
});

describe('TLS handshake', () => {
  it('refuses bytes sent between SSLRequest and the handshake', async () => {
    const client = await RawClient.connect(server.port);
    client.send(packet(int32(80877103)), startupPacket({ user: 'dave' }));
    const frames = await client.rest();
    expect(frames.map((frame) => noticeFieldsOf(frame))).toEqual([
      { S: 'FATAL', V: 'FATAL', C: '08P01', M: 'received unencrypted data after SSL request' },
    ]);
  });

  it('closes a connection whose handshake fails, and goes on serving', async () => {
    const client = await RawClient.connect(server.port);
    client.send(packet(int32(80877103)));
    expect(await client.byte()).toBe('S');
    client.send(Buffer.from('this is not a TLS ClientHello\n'.repeat(4)));
    await client.closed;
    await withClient(async (tls) => expect((await tls.query('SELECT 1')).rows).toHaveLength(1), { ssl: { ca: certificate.cert } });
  });
});

describe('postgres.js', () => {
  it('pipelines extended-protocol queries on one connection', async () => {
    const sql = postgres({ host: '127.0.0.1', port: server.port, user: 'dave', database: 'db', max: 1, fetch_types: false, onnotice: () => {} });
    try {
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => sql`SELECT ${`v${i}`}`));
      expect(results.map((rows) => rows[0]['?column?'])).toEqual(Array.from({ length: 100 }, (_, i) => `v${i}`));
      expect(await sql`SELECT 5`).toEqual([{ '?column?': 5 }]);
      // A multi-statement simple query yields one result per statement, which the typings do not know.
      const simple = (await sql.unsafe('SELECT 1; SELECT 2').simple()) as unknown as postgres.Row[][];
      expect(simple.map((rows) => rows[0]['?column?'])).toEqual([1, 2]);
    } finally {
      await sql.end();
    }
  });

  it('reads a result in batches through a cursor (Execute with a row limit)', async () => {
    const sql = postgres({ host: '127.0.0.1', port: server.port, user: 'dave', database: 'db', max: 1, fetch_types: false });
    try {
      const batches: number[][] = [];
      await sql`ROWS 10`.cursor(4, (rows) => {
        batches.push(rows.map((row) => row.n as number));
      });
      expect(batches).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
    } finally {
      await sql.end();
    }
  });

  it('reports errors and runs transactions', async () => {
    const sql = postgres({ host: '127.0.0.1', port: server.port, user: 'alice', password: 'secret', database: 'db', max: 2, fetch_types: false });
    try {
      await expect(sql`FAIL`).rejects.toMatchObject({ code: '22012', detail: 'the detail', hint: 'the hint', schema_name: 'public', table_name: 't', column_name: 'c', constraint_name: 'k' });
      const inside = await sql.begin(async (tx) => tx`SELECT 3`);
      expect(inside).toEqual([{ '?column?': 3 }]);
    } finally {
      await sql.end();
    }
  });
});

describe.skipIf(!havePsql)('psql', () => {
  const psql = (args: string[], env: Record<string, string> = {}) =>
    run(PSQL, ['-X', '-A', '-t', ...args], { env: { ...process.env, PGCONNECT_TIMEOUT: '5', ...env } });
  const conninfo = (extra = '') => `host=127.0.0.1 port=${server.port} user=dave dbname=db ${extra}`;

  it('runs a query and prints an error as PostgreSQL would', async () => {
    expect((await psql([conninfo(), '-c', 'SELECT 42'])).stdout).toBe('42\n');
    const failed = await psql([conninfo(), '-c', 'FAIL']).catch((e: { stderr: string; code: number }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toBe('ERROR:  division by zero\nLINE 1: FAIL\n          ^\nDETAIL:  the detail\nHINT:  the hint\n');
  });

  it('connects with sslmode=require and with verify-full against the certificate', async () => {
    expect((await psql([conninfo('sslmode=require'), '-c', 'SELECT 1'])).stdout).toBe('1\n');
    expect(engine.connections.at(-1)).toMatchObject({ tls: true, applicationName: 'psql' });
    const verified = conninfo(`sslmode=verify-full sslrootcert=${join(dir, 'root.crt')}`);
    expect((await psql([verified, '-c', 'SELECT 2'])).stdout).toBe('2\n');
  });

  it('logs in with SCRAM from PGPASSWORD and reports a wrong one', async () => {
    const alice = `host=127.0.0.1 port=${server.port} user=alice dbname=db`;
    expect((await psql([alice, '-c', 'SELECT 3'], { PGPASSWORD: 'secret' })).stdout).toBe('3\n');
    const wrong = await psql([alice, '-c', 'SELECT 3'], { PGPASSWORD: 'nope' }).catch((e: { stderr: string }) => e);
    expect((wrong as { stderr: string }).stderr).toContain('password authentication failed for user "alice"');
  });

  it('copies a file in and the table out with \\copy', async () => {
    const file = join(dir, 'lines.txt');
    writeFileSync(file, 'first\nsecond\nthird\n');
    expect((await psql([conninfo(), '-c', `\\copy lines from '${file}'`])).stdout).toBe('COPY 3\n');
    expect(engine.tables.get('lines')).toEqual(['first', 'second', 'third']);
    expect((await psql([conninfo(), '-c', '\\copy lines to stdout'])).stdout).toBe('first\nsecond\nthird\n');
  });
});

describe('load', () => {
  it('serves 1,000 concurrent connections', async () => {
    const own = new FakeEngine();
    const counts: number[] = [];
    const busy = await startPgServer({ host: '127.0.0.1', port: 0, engine: own, onConnectionCountChange: (n) => counts.push(n) });
    const clients = Array.from({ length: 1000 }, () => new pg.Client({ host: '127.0.0.1', port: busy.port, user: 'load', database: 'db' }));
    try {
      await Promise.all(clients.map((client) => client.connect()));
      expect(busy.connections()).toBe(1000);
      const answers = await Promise.all(clients.map((client, i) => client.query(`SELECT ${i}`)));
      expect(answers.every((result, i) => result.rows[0]['?column?'] === i)).toBe(true);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    for (let i = 0; i < 200 && busy.connections() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(busy.connections()).toBe(0);
    expect(Math.max(...counts)).toBe(1000);
    expect(own.sessions.every((session) => session.closed)).toBe(true);
    await busy.close();
  });
});
