/**
 * The pgwire server byte by byte: what it answers to each message of protocol v3, including
 * the ones drivers never send, malformed and oversized ones, COPY misuse, cancel requests,
 * timeouts and shutdown. The session behind it is the FakeEngine's toy language.
 */
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgServer, type PgServer, type PgServerLogger } from '../../src/pgwire/index.ts';
import { FakeEngine, type FakeSession } from './fake-engine.ts';
import { RawClient, dataRowOf, noticeFieldsOf, startupPacket, typesOf, type BackendFrame } from './raw-client.ts';
import { cstr, frame, int16, int32, packet } from './streams.ts';

/** A logger that keeps what it is given, to check what the server reports as bugs. */
function recordingLogger(): PgServerLogger & { readonly errors: string[] } {
  const errors: string[] = [];
  const ignore = (): void => {};
  return { errors, debug: ignore, info: ignore, warn: ignore, error: (obj, msg) => errors.push(`${msg ?? obj}`) };
}

const errorOf = (frames: readonly BackendFrame[]): Record<string, string> => noticeFieldsOf(frames.find((f) => f.type === 'E')!);
const readyStatus = (frames: readonly BackendFrame[]): string => frames.at(-1)!.body.toString('latin1');

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let engine: FakeEngine;
let server: PgServer;
const logger = recordingLogger();
const lastSession = (): FakeSession => engine.sessions.at(-1)!;

beforeAll(async () => {
  engine = new FakeEngine();
  server = await startPgServer({ host: '127.0.0.1', port: 0, engine, logger });
});

afterAll(() => server.close());

describe('startup', () => {
  it('answers SSLRequest and GSSENCRequest with N when TLS is off, then serves the StartupMessage', async () => {
    const client = await RawClient.connect(server.port);
    client.send(packet(int32(80877103)));
    expect(await client.byte()).toBe('N');
    client.send(packet(int32(80877104)));
    expect(await client.byte()).toBe('N');
    client.send(startupPacket({ user: 'alice', application_name: 'raw' }));
    const frames = await client.until('Z');
    expect(typesOf(frames)).toBe('R S S S S S S S S K Z');
    expect(frames[0].body.readInt32BE(0)).toBe(0);
    const parameters = frames.filter((f) => f.type === 'S').map((f) => f.body.toString().split('\0').slice(0, 2));
    expect(parameters).toContainEqual(['application_name', 'raw']);
    expect(readyStatus(frames)).toBe('I');
    const info = engine.connections.at(-1)!;
    expect(info).toMatchObject({ user: 'alice', database: 'alice', applicationName: 'raw', loopback: true, tls: false });
    client.end();
  });

  it('negotiates a newer minor version and reports _pq_ options as unrecognized', async () => {
    const client = await RawClient.connect(server.port);
    client.send(startupPacket({ user: 'alice', database: 'db', '_pq_.compression': 'on' }, 2));
    const frames = await client.until('Z');
    expect(frames[0].type).toBe('v');
    expect(frames[0].body).toEqual(Buffer.concat([int32(0), int32(1), cstr('_pq_.compression')]));
    expect([...engine.connections.at(-1)!.parameters.keys()]).toEqual(['user', 'database']);
    client.end();
  });

  it('refuses a StartupMessage without a user with FATAL 28000', async () => {
    const client = await RawClient.connect(server.port);
    client.send(startupPacket({ database: 'db' }));
    const frames = await client.rest();
    expect(typesOf(frames)).toBe('E');
    expect(errorOf(frames)).toMatchObject({ S: 'FATAL', C: '28000', M: 'no PostgreSQL user name specified in startup packet' });
  });

  it('reports a session that cannot open as FATAL with its SQLSTATE', async () => {
    const client = await RawClient.connect(server.port);
    client.send(startupPacket({ user: 'alice', database: 'nodb' }));
    const frames = await client.rest();
    expect(typesOf(frames)).toBe('R E');
    expect(errorOf(frames)).toMatchObject({ S: 'FATAL', C: '3D000', M: 'database "nodb" does not exist' });
  });

  it('closes an unsupported protocol version and a garbage startup packet with FATAL 08P01', async () => {
    for (const bytes of [packet(int32(0x20000), cstr('user'), cstr('x'), cstr('')), int32(3)]) {
      const client = await RawClient.connect(server.port);
      client.send(bytes);
      const frames = await client.rest();
      expect(errorOf(frames)).toMatchObject({ S: 'FATAL', C: '08P01' });
    }
  });
});

describe('simple query', () => {
  it('answers statements in order with the transaction status in ReadyForQuery', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('SELECT 1; SELECT 2'), serialize.query('BEGIN'), serialize.query('FAIL'), serialize.query('ROLLBACK'), serialize.query(''));
    const first = await client.until('Z');
    expect(typesOf(first)).toBe('T D C T D C Z');
    expect(first.filter((f) => f.type === 'D').map(dataRowOf)).toEqual([['1'], ['2']]);
    expect(readyStatus(await client.until('Z'))).toBe('T');
    const failed = await client.until('Z');
    expect(typesOf(failed)).toBe('E Z');
    expect(readyStatus(failed)).toBe('E');
    expect(readyStatus(await client.until('Z'))).toBe('I');
    expect(typesOf(await client.until('Z'))).toBe('I Z');
    client.end();
  });

  it('sends every field an EngineError carries', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('FAIL'));
    expect(errorOf(await client.until('Z'))).toEqual({
      S: 'ERROR', V: 'ERROR', C: '22012', M: 'division by zero', D: 'the detail', H: 'the hint', P: '3',
      s: 'public', t: 't', c: 'c', n: 'k',
    });
    client.end();
  });

  it('reports a plain Error from the session as XX000, logs it, and goes on', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('BUG'), serialize.query('SELECT 5'));
    expect(errorOf(await client.until('Z'))).toMatchObject({ S: 'ERROR', C: 'XX000', M: 'a bug in the session' });
    expect(dataRowOf((await client.until('Z'))[1])).toEqual(['5']);
    expect(logger.errors).toContain('internal error while serving a client');
    client.end();
  });

  it('ends the connection on a fatal session error', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('FATAL'));
    const frames = await client.rest();
    expect(typesOf(frames)).toBe('E');
    expect(errorOf(frames)).toMatchObject({ S: 'FATAL', C: '57P01' });
    await until(() => lastSession().closed);
  });

  it('sends notices and parameter changes as the session reports them', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query("NOTICE hello there; SET application_name = 'renamed'"));
    const frames = await client.until('Z');
    expect(typesOf(frames)).toBe('N C S C Z');
    expect(noticeFieldsOf(frames[0])).toEqual({ S: 'NOTICE', V: 'NOTICE', C: '00000', M: 'hello there', H: 'notice hint' });
    expect(frames[2].body.toString()).toBe('application_name\0renamed\0');
    client.end();
  });

  it('prints SQL-only types through the session and refuses them in binary', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('SELECT REGCLASS'));
    const frames = await client.until('Z');
    expect(frames[0].body.readUInt32BE(2 + 'regclass'.length + 1 + 6)).toBe(2205);
    expect(dataRowOf(frames[1])).toEqual(['pg_class']);
    client.send(serialize.parse({ text: 'SELECT REGCLASS' }), serialize.bind({ binary: true }), serialize.execute({}), serialize.sync());
    const binary = await client.until('Z');
    expect(typesOf(binary)).toBe('1 2 E Z');
    expect(errorOf(binary)).toMatchObject({ C: '0A000', M: 'binary output format is not supported for type regclass' });
    client.end();
  });

  it('answers FunctionCall with 0A000 and ignores stray COPY messages', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(frame('F', int32(1598), int16(0), int16(0), int16(0)), serialize.copyData(Buffer.from('x')), serialize.copyDone(), serialize.query('SELECT 3'));
    const call = await client.until('Z');
    expect(typesOf(call)).toBe('E Z');
    expect(errorOf(call)).toMatchObject({ C: '0A000', M: 'fast-path function calls are not supported' });
    expect(typesOf(await client.until('Z'))).toBe('T D C Z');
    client.end();
  });
});

describe('extended query', () => {
  it('answers a pipeline of Parse/Bind/Describe/Execute in order, one burst at Sync', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(
      serialize.parse({ name: 's1', text: 'SELECT $1, $2', types: [23, 0] }),
      serialize.describe({ type: 'S', name: 's1' }),
      serialize.bind({ portal: 'p1', statement: 's1', values: ['7', 'seven'] }),
      serialize.describe({ type: 'P', name: 'p1' }),
      serialize.execute({ portal: 'p1' }),
      serialize.parse({ name: 's2', text: 'BEGIN' }),
      serialize.describe({ type: 'S', name: 's2' }),
      serialize.close({ type: 'S', name: 's1' }),
      serialize.close({ type: 'P', name: 'p1' }),
      serialize.sync(),
    );
    const frames = await client.until('Z');
    expect(typesOf(frames)).toBe('1 t T 2 T D C 1 t n 3 3 Z');
    const oids = frames[1].body;
    expect([oids.readInt16BE(0), oids.readUInt32BE(2), oids.readUInt32BE(6)]).toEqual([2, 23, 25]);
    expect(dataRowOf(frames[5])).toEqual(['7', 'seven']);
    client.send(serialize.bind({ statement: 's1', values: ['1', '2'] }), serialize.execute({}), serialize.sync());
    const closed = await client.until('Z');
    expect(typesOf(closed)).toBe('E Z');
    expect(errorOf(closed)).toMatchObject({ C: '26000', M: 'prepared statement "s1" does not exist' });
    client.end();
  });

  it('suspends a portal at the row limit and resumes it', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(
      serialize.parse({ text: 'ROWS 5' }),
      serialize.bind({}),
      serialize.execute({ rows: 2 }),
      serialize.execute({ rows: 2 }),
      serialize.execute({ rows: 2 }),
      serialize.sync(),
    );
    const frames = await client.until('Z');
    expect(typesOf(frames)).toBe('1 2 D D s D D s D C Z');
    expect(frames.filter((f) => f.type === 'D').map((f) => dataRowOf(f)[0])).toEqual(['1', '2', '3', '4', '5']);
    client.end();
  });

  it('sends binary results in the formats Bind asked for', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.parse({ text: 'SELECT 258' }), serialize.bind({ binary: true }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync());
    const frames = await client.until('Z');
    expect(typesOf(frames)).toBe('1 2 T D C Z');
    expect(frames[2].body.readInt16BE(frames[2].body.length - 2)).toBe(1);
    expect(frames[3].body).toEqual(Buffer.concat([int16(1), int32(4), int32(258)]));
    client.end();
  });

  it('after an error skips everything up to Sync, then recovers', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(
      serialize.parse({ text: 'PARSEFAIL here' }),
      serialize.bind({}),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.flush(),
      serialize.query('SELECT 9'),
      serialize.sync(),
      serialize.parse({ text: 'SELECT 4' }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
    );
    const failed = await client.until('Z');
    expect(typesOf(failed)).toBe('E Z');
    expect(errorOf(failed)).toMatchObject({ C: '42601', P: '1' });
    const next = await client.until('Z');
    expect(typesOf(next)).toBe('1 2 D C Z');
    expect(dataRowOf(next[2])).toEqual(['4']);
    client.end();
  });

  it('marks the transaction failed on an extended-protocol error inside a block', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('BEGIN'));
    await client.until('Z');
    client.send(serialize.parse({ text: 'SELECT $1' }), serialize.bind({ values: ['a', 'b'] }), serialize.sync());
    const frames = await client.until('Z');
    expect(typesOf(frames)).toBe('1 E Z');
    expect(readyStatus(frames)).toBe('E');
    client.end();
  });

  it('Flush sends what is pending without ending the pipeline', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.parse({ text: 'SELECT 1' }), serialize.flush());
    expect(typesOf([await client.next()])).toBe('1');
    client.send(serialize.bind({}), serialize.execute({}), serialize.sync());
    expect(typesOf(await client.until('Z'))).toBe('2 D C Z');
    client.end();
  });
});

describe('malformed input', () => {
  it('a malformed extended message is an ERROR that skips to Sync; a malformed Query is followed by ReadyForQuery', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(frame('B', cstr(''), cstr(''), int16(1), int16(7), int16(0), int16(0)), serialize.execute({}), serialize.sync());
    const bind = await client.until('Z');
    expect(typesOf(bind)).toBe('E Z');
    expect(errorOf(bind)).toMatchObject({ S: 'ERROR', C: '08P01', M: 'unsupported format code 7 in Bind' });
    client.send(frame('Q', Buffer.from('SELECT 1')));
    const query = await client.until('Z');
    expect(typesOf(query)).toBe('E Z');
    expect(errorOf(query)).toMatchObject({ S: 'ERROR', C: '08P01', M: 'missing string terminator in Query' });
    client.send(serialize.query('SELECT 1'));
    expect(typesOf(await client.until('Z'))).toBe('T D C Z');
    client.end();
  });

  const fatal: [string, Buffer, string][] = [
    ['an unknown message type', Buffer.from('!\0\0\0\x04'), 'invalid frontend message type 0x21'],
    ['an oversized message', Buffer.concat([Buffer.from('Q'), int32(0x7fffffff)]), 'invalid message length 2147483647 in Query (limit 1073741822)'],
    ['an oversized Sync', Buffer.concat([Buffer.from('S'), int32(20_000)]), 'invalid message length 20000 in Sync (limit 10000)'],
    ['a password message after startup', serialize.password('x'), 'invalid frontend message type 112'],
  ];
  for (const [label, bytes, message] of fatal) {
    it(`${label} is FATAL 08P01 and closes the connection`, async () => {
      const { client } = await RawClient.login(server.port);
      client.send(bytes);
      const frames = await client.rest();
      expect(typesOf(frames)).toBe('E');
      expect(errorOf(frames)).toMatchObject({ S: 'FATAL', C: '08P01', M: message });
      await until(() => lastSession().closed);
    });
  }

  it('a message cut short by a disconnect closes the session', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('SELECT 1').subarray(0, 7));
    client.end();
    await until(() => lastSession().closed);
  });
});

describe('COPY', () => {
  it('copies in and out through the session', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('COPY t FROM STDIN'));
    expect(typesOf([await client.next()])).toBe('G');
    client.send(serialize.copyData(Buffer.from('a\nb')), serialize.flush(), serialize.sync(), serialize.copyData(Buffer.from('\nc\n')), serialize.copyDone());
    const done = await client.until('Z');
    expect(typesOf(done)).toBe('C Z');
    expect(done[0].body.toString()).toBe('COPY 3\0');
    client.send(serialize.query('COPY t TO STDOUT'));
    const out = await client.until('Z');
    expect(typesOf(out)).toBe('H d d d c C Z');
    expect(out.filter((f) => f.type === 'd').map((f) => f.body.toString()).join('')).toBe('a\nb\nc\n');
    client.end();
  });

  it('CopyFail fails the COPY with 57014 and its message', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('COPY t FROM STDIN'));
    await client.next();
    client.send(serialize.copyData(Buffer.from('x\n')), serialize.copyFail('client gave up'));
    const frames = await client.until('Z');
    expect(errorOf(frames)).toMatchObject({ C: '57014', M: 'COPY from stdin failed: client gave up' });
    client.end();
  });

  it('another message during COPY IN is a protocol violation', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('COPY t FROM STDIN'));
    await client.next();
    client.send(serialize.query('SELECT 1'), serialize.copyDone(), serialize.query('SELECT 2'));
    const frames = await client.until('Z');
    expect(errorOf(frames)).toMatchObject({ C: '08P01', M: 'unexpected message type Query during COPY from stdin' });
    const after = await client.until('Z');
    expect(dataRowOf(after[1])).toEqual(['2']);
    client.end();
  });
});

describe('streaming', () => {
  it('streams a large result with backpressure from a slow reader', async () => {
    const { client } = await RawClient.login(server.port);
    client.socket.pause();
    client.send(serialize.query('ROWS 40000 1000'));
    const session = lastSession();
    await until(() => session.rowsProduced > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stalledAt = session.rowsProduced;
    expect(stalledAt).toBeLessThan(20_000);
    client.socket.resume();
    let rows = 0;
    for (let frame = await client.next(); frame.type !== 'Z'; frame = await client.next()) if (frame.type === 'D') rows++;
    expect(rows).toBe(40_000);
    client.end();
  });
});

describe('cancel', () => {
  it('a CancelRequest with the right key cancels the running statement; the cancel connection gets no reply', async () => {
    const { client, frames } = await RawClient.login(server.port);
    const key = frames.find((f) => f.type === 'K')!.body;
    client.send(serialize.query('SLEEP 10000'));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const wrong = await RawClient.connect(server.port);
    wrong.send(packet(int32(80877102), key.subarray(0, 4), int32(key.readInt32BE(4) ^ 1)));
    expect(await wrong.rest()).toEqual([]);
    expect(lastSession().cancels).toBe(0);

    const cancel = await RawClient.connect(server.port);
    cancel.send(packet(int32(80877102), key));
    expect(await cancel.rest()).toEqual([]);
    const answer = await client.until('Z');
    expect(errorOf(answer)).toMatchObject({ C: '57014', M: 'canceling statement due to user request' });
    client.end();
  });
});

describe('idle in transaction', () => {
  it('ends a connection idle inside a transaction block for longer than idle_in_transaction_session_timeout', async () => {
    const { client } = await RawClient.login(server.port);
    client.send(serialize.query('SET idle_in_transaction_session_timeout = 150'));
    await client.until('Z');
    await new Promise((resolve) => setTimeout(resolve, 250));
    client.send(serialize.query('SELECT 1'));
    expect(typesOf(await client.until('Z'))).toBe('T D C Z');
    const started = Date.now();
    client.send(serialize.query('BEGIN'));
    await client.until('Z');
    const frames = await client.rest();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(errorOf(frames)).toMatchObject({ S: 'FATAL', C: '25P03', M: 'terminating connection due to idle-in-transaction timeout' });
  });
});

describe('server limits and shutdown', () => {
  it('refuses clients beyond maxConnections with 53300 and counts clients', async () => {
    const counts: number[] = [];
    const small = await startPgServer({ host: '127.0.0.1', port: 0, engine, maxConnections: 1, onConnectionCountChange: (n) => counts.push(n) });
    const { client } = await RawClient.login(small.port);
    expect(small.connections()).toBe(1);
    const second = await RawClient.connect(small.port);
    second.send(startupPacket({ user: 'bob' }));
    expect(errorOf(await second.rest())).toMatchObject({ S: 'FATAL', C: '53300', M: 'sorry, too many clients already' });
    client.end();
    await until(() => small.connections() === 0);
    expect(counts).toEqual([1, 0]);
    await small.close();
  });

  it('closes a client that does not finish authenticating in time', async () => {
    const strict = await startPgServer({ host: '127.0.0.1', port: 0, engine, authenticationTimeoutMs: 100 });
    const client = await RawClient.connect(strict.port);
    client.send(int32(8));
    expect(await client.rest()).toEqual([]);
    await strict.close();
  });

  it('close() ends idle and busy sessions with FATAL 57P01 and waits for them', async () => {
    const own = new FakeEngine();
    const closing = await startPgServer({ host: '127.0.0.1', port: 0, engine: own });
    const { client: idle } = await RawClient.login(closing.port);
    const { client: busy } = await RawClient.login(closing.port);
    busy.send(serialize.query('SLEEP 10000'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await closing.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(own.sessions.every((session) => session.closed)).toBe(true);
    for (const client of [idle, busy]) {
      const frames = await client.rest();
      expect(typesOf(frames)).toBe('E');
      expect(errorOf(frames)).toMatchObject({ S: 'FATAL', C: '57P01', M: 'terminating connection due to administrator command' });
    }
    await expect(RawClient.connect(closing.port)).rejects.toThrow();
  });

  it('close() does not hang on a client that stopped reading a large result', async () => {
    const own = new FakeEngine();
    const closing = await startPgServer({ host: '127.0.0.1', port: 0, engine: own });
    const { client } = await RawClient.login(closing.port);
    client.socket.pause();
    client.send(serialize.query('ROWS 40000 1000'));
    await until(() => own.sessions[0].rowsProduced > 0);
    const started = Date.now();
    await closing.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(own.sessions[0].closed).toBe(true);
    client.end();
  });
});
