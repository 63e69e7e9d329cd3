/**
 * The wire fuzz driver, shared by test/pgwire/server-fuzz.test.ts (a few thousand messages)
 * and scripts/soak-wire-fuzz.ts (as many as asked for). It starts a server on loopback with
 * the FakeEngine behind it and opens many short connections, each sending one of:
 *
 * - random bytes from the first byte on;
 * - a valid login followed by well-framed messages with random bodies;
 * - a valid login followed by valid messages (driver messages and the FakeEngine's statements,
 *   COPY included), the part after the login mutated (bit flips, truncation, inserted and
 *   removed bytes, rewritten length words) or not;
 *
 * in random chunks, then closes its sending side. The server must close every connection within
 * CLOSE_TIMEOUT_MS of that (no hang, no leaked session), log no bug, and at the end still answer
 * an ordinary query, with no client left counted. Any breach throws, naming the seed and case.
 */
import fc from 'fast-check';
import { connect } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { startPgServer, type PgServerLogger } from '../../src/pgwire/index.ts';
import { FakeEngine } from './fake-engine.ts';
import { startupPacket } from './raw-client.ts';
import { frame, int32, packet, regularMessage, split } from './streams.ts';
import { mutations as mutationsOf } from './mutations.ts';

const CLOSE_TIMEOUT_MS = 5_000;
const CASES_PER_BATCH = 200;

export interface WireFuzzOptions {
  /** Messages (or random blobs) to send in all. */
  readonly messages: number;
  readonly seed: number;
  /** Connections open at once. */
  readonly concurrency?: number;
  /** Called after each batch of connections. */
  readonly progress?: (sent: number, connections: number) => void;
}

export interface WireFuzzReport {
  readonly messages: number;
  readonly connections: number;
}

interface FuzzCase {
  readonly chunks: readonly Buffer[];
  readonly messages: number;
}

const noise = fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes));
const cuts = fc.array(fc.nat(), { maxLength: 6 });
const login = startupPacket({ user: 'fuzz', database: 'db' });

/** Statements of the FakeEngine's language, so the valid messages reach past syntax errors. */
const statement = fc.constantFrom('SELECT 1', 'SELECT $1, $2', 'ROWS 40', 'BEGIN', 'COMMIT', 'ROLLBACK', 'FAIL', 'NOTICE hi', 'SELECT REGCLASS', 'COPY t FROM STDIN', 'COPY t TO STDOUT', 'PARSEFAIL', 'SET application_name = x', 'SHOW TimeZone');
const statementMessage = fc.oneof(
  statement.map((sql) => serialize.query(sql)),
  statement.map((sql) => serialize.parse({ text: sql })),
  fc.record({ values: fc.array(fc.constantFrom('1', 'x', null), { maxLength: 3 }), binary: fc.boolean() }).map((bind) => serialize.bind(bind)),
  fc.nat(3).map((rows) => serialize.execute({ rows })),
  fc.constant(serialize.describe({ type: 'P' })),
  fc.constant(serialize.describe({ type: 'S' })),
  fc.constant(serialize.sync()),
  fc.constant(serialize.flush()),
  noise.map((data) => serialize.copyData(data)),
  fc.constant(serialize.copyDone()),
);
const anyMessage = fc.oneof(
  { weight: 3, arbitrary: statementMessage },
  { weight: 2, arbitrary: regularMessage.filter((m) => m.message.type !== 'Terminate').map((m) => m.bytes) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...'QPBDECSHdcfpF'), noise).map(([type, body]) => frame(type, body)) },
);

// A length word is rewritten near its true value, tiny, negative or huge.
const mutations = mutationsOf((near, value) => [near + (value % 9) - 4, value % 8, -1 - value, 0x7fffffff - value, 10_005]);

const edits = fc.array(fc.tuple(fc.nat(mutations.length - 1), fc.nat(), fc.nat()), { maxLength: 3 });

const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  fc.tuple(fc.oneof(noise, noise.map((body) => packet(int32(196608), body))), cuts).map(([bytes, c]) => ({ chunks: split(bytes, c), messages: 1 })),
  fc.tuple(fc.array(anyMessage, { minLength: 1, maxLength: 16 }), edits, cuts).map(([messages, changes, c]) => {
    const lengthWords: number[] = [];
    let at = 0;
    for (const message of messages) {
      lengthWords.push(at + 1);
      at += message.length;
    }
    const body = changes.reduce<Buffer>((bytes, [kind, where, value]) => mutations[kind](bytes, where, value, lengthWords), Buffer.concat(messages));
    return { chunks: [login, ...split(body, c)], messages: messages.length };
  }),
);

/** Sends one case and resolves once the server has closed the connection. */
function play(port: number, chunks: readonly Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open ${CLOSE_TIMEOUT_MS} ms after the client finished sending`));
    }, CLOSE_TIMEOUT_MS);
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      socket.end();
    });
  });
}

export async function fuzzWireServer(options: WireFuzzOptions): Promise<WireFuzzReport> {
  const bugs: string[] = [];
  const logger: PgServerLogger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (obj, message) => bugs.push(`${message ?? ''} ${obj instanceof Object && 'err' in obj ? String((obj as { err: unknown }).err) : String(obj)}`),
  };
  const engine = new FakeEngine();
  const server = await startPgServer({ host: '127.0.0.1', port: 0, engine, logger });
  const concurrency = options.concurrency ?? 32;
  let messages = 0;
  let connections = 0;
  try {
    for (let batch = 0; messages < options.messages; batch++) {
      const cases = fc.sample(fuzzCase, { seed: options.seed + batch, numRuns: CASES_PER_BATCH });
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < cases.length && messages < options.messages) {
          const index = next++;
          const current = cases[index];
          messages += current.messages;
          connections++;
          await play(server.port, current.chunks).catch((error: Error) => {
            throw new Error(`seed ${options.seed + batch}, case ${index}: ${error.message}`);
          });
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      if (bugs.length > 0) throw new Error(`seed ${options.seed + batch}: the server logged a bug: ${bugs[0]}`);
      options.progress?.(messages, connections);
    }
    await expectAnswer(server.port);
    const deadline = Date.now() + CLOSE_TIMEOUT_MS;
    while (server.connections() > 0 || engine.sessions.some((session) => !session.closed)) {
      if (Date.now() > deadline) throw new Error(`${server.connections()} clients still counted after the fuzz`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await server.close();
  }
  return { messages, connections };
}

async function expectAnswer(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'after', database: 'db' });
  await client.connect();
  try {
    const result = await client.query('SELECT 1');
    if (result.rows[0]?.['?column?'] !== 1) throw new Error('the server answered SELECT 1 wrongly after the fuzz');
  } finally {
    await client.end();
  }
}
