/**
 * Byte streams for the pgwire tests. Valid client streams are encoded by pg-protocol
 * (node-postgres's own serializer), so the reader is checked against bytes a real client
 * produces, next to the messages those bytes must decode to; server streams are read back with
 * pg-protocol's Parser for the same reason.
 */
import fc from 'fast-check';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import { FrontendReader, type FrontendMessage } from '../../src/pgwire/index.ts';

export interface Encoded {
  readonly bytes: Buffer;
  readonly message: FrontendMessage;
}

/** Any Unicode text a C string can carry (no NUL, no lone surrogates). */
export const text = fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replaceAll('\0', ''));
const name = fc.string({ unit: 'grapheme-ascii', maxLength: 8 }).map((s) => s.replaceAll('\0', ''));
const anyUint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const anyInt32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const bytes = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));
const target = fc.constantFrom<'S' | 'P'>('S', 'P');
/** What node-postgres binds: null, text, or a Buffer (which it sends in binary format). */
export const bindValue = fc.oneof(fc.constant(null), text, bytes);

export function bindExpectation(
  values: readonly (string | Buffer | null)[],
  binary: boolean,
  portal = '',
  statement = '',
): FrontendMessage {
  return {
    type: 'Bind',
    portal,
    statement,
    paramFormats: values.map((v) => (Buffer.isBuffer(v) ? 1 : 0)),
    params: values.map((v) => (typeof v === 'string' ? Buffer.from(v) : v)),
    resultFormats: [binary ? 1 : 0],
  };
}

const encoded = (bytes: Buffer, message: FrontendMessage): Encoded => ({ bytes, message });

/** Every message type node-postgres sends after startup. */
export const regularMessage: fc.Arbitrary<Encoded> = fc.oneof(
  text.map((sql) => encoded(serialize.query(sql), { type: 'Query', sql })),
  fc.record({ statement: name, sql: text, types: fc.array(anyUint32, { maxLength: 6 }) }).map(({ statement, sql, types }) =>
    encoded(serialize.parse({ name: statement, text: sql, types }), { type: 'Parse', statement, sql, paramTypes: types }),
  ),
  fc.record({ portal: name, statement: name, values: fc.array(bindValue, { maxLength: 8 }), binary: fc.boolean() }).map(
    ({ portal, statement, values, binary }) =>
      encoded(serialize.bind({ portal, statement, values, binary }), bindExpectation(values, binary, portal, statement)),
  ),
  fc.record({ target, name }).map(({ target, name }) =>
    encoded(serialize.describe({ type: target, name }), { type: 'Describe', target, name }),
  ),
  fc.record({ target, name }).map(({ target, name }) =>
    encoded(serialize.close({ type: target, name }), { type: 'Close', target, name }),
  ),
  fc.record({ portal: name, rows: anyUint32 }).map(({ portal, rows }) =>
    encoded(serialize.execute({ portal, rows }), { type: 'Execute', portal, maxRows: rows }),
  ),
  fc.constant(encoded(serialize.sync(), { type: 'Sync' })),
  fc.constant(encoded(serialize.flush(), { type: 'Flush' })),
  fc.constant(encoded(serialize.end(), { type: 'Terminate' })),
  bytes.map((data) => encoded(serialize.copyData(data), { type: 'CopyData', data })),
  fc.constant(encoded(serialize.copyDone(), { type: 'CopyDone' })),
  text.map((message) => encoded(serialize.copyFail(message), { type: 'CopyFail', message })),
  text.map((password) =>
    encoded(serialize.password(password), { type: 'PasswordMessage', body: Buffer.from(`${password}\0`) }),
  ),
);

const startupKeys = ['database', 'application_name', 'options', 'DateStyle', 'search_path', 'replication'];

export const startupMessage: fc.Arbitrary<Encoded> = fc
  .record({ user: name.filter((u) => u !== ''), keys: fc.subarray(startupKeys), values: fc.array(text, { minLength: 6, maxLength: 6 }) })
  .map(({ user, keys, values }) => {
    const options: Record<string, string> = { user };
    keys.forEach((key, i) => (options[key] = values[i]));
    // node-postgres always appends client_encoding.
    const parameters = new Map([...Object.entries(options), ['client_encoding', 'UTF8']]);
    return encoded(serialize.startup(options), { type: 'StartupMessage', minorVersion: 0, user, parameters });
  });

export const cancelRequest: fc.Arbitrary<Encoded> = fc
  .record({ processId: anyInt32, secretKey: anyInt32 })
  .map(({ processId, secretKey }) =>
    encoded(serialize.cancel(processId, secretKey), { type: 'CancelRequest', processId, secretKey }),
  );

/** A whole connection: maybe an SSLRequest, the StartupMessage, then pipelined messages. */
export const connection: fc.Arbitrary<Encoded[]> = fc
  .tuple(fc.boolean(), startupMessage, fc.array(regularMessage, { maxLength: 25 }))
  .map(([ssl, startup, rest]) => [
    ...(ssl ? [encoded(serialize.requestSsl(), { type: 'SSLRequest' })] : []),
    startup,
    ...rest,
  ]);

/** Cuts `bytes` at the given offsets (any order, duplicates and out-of-range ones ignored). */
export function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

/** Feeds the chunks in order and drains after each, switching to regular mode after the
 * StartupMessage as a connection would. */
export function readAll(chunks: readonly Buffer[], reader = new FrontendReader()): FrontendMessage[] {
  const out: FrontendMessage[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    for (const message of reader) {
      out.push(message);
      if (message.type === 'StartupMessage') reader.mode = 'regular';
    }
  }
  return out;
}

// Hand-built messages, for what node-postgres never sends (and for broken messages).

export const cstr = (s: string): Buffer => Buffer.from(`${s}\0`);

/** Signed values and unsigned counts alike, as the protocol's Int16 carries both. */
export function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

export function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** A regular message: type byte, length counting itself, body. */
export function frame(type: string, ...body: Buffer[]): Buffer {
  const b = Buffer.concat(body);
  return Buffer.concat([Buffer.from(type), int32(4 + b.length), b]);
}

/** A startup-phase packet: length counting itself, body. */
export function packet(...body: Buffer[]): Buffer {
  const b = Buffer.concat(body);
  return Buffer.concat([int32(4 + b.length), b]);
}

/** What pg-protocol's Parser makes of a server's chunks, in order. */
export function parseBackend(chunks: readonly Buffer[]): unknown[] {
  const parser = new Parser();
  const out: unknown[] = [];
  for (const chunk of chunks) parser.parse(chunk, (message) => out.push(message));
  return out;
}
