/**
 * FrontendReader and the 'p' decoders on hand-built bytes: the messages node-postgres never
 * sends, every rejection with its message and fatality, the size limits and what the reader
 * allocates while it waits for a large message.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  FrontendReader,
  ProtocolViolation,
  decodePassword,
  decodeSASLInitialResponse,
  decodeSASLResponse,
  type FrontendReaderOptions,
} from '../../src/pgwire/index.ts';
import { cstr, frame, int16, int32, packet, readAll } from './streams.ts';

const V3 = int32(196608);
const SYNC = frame('S');

function regularReader(bytes: Buffer, options?: FrontendReaderOptions): FrontendReader {
  const reader = new FrontendReader(options);
  reader.mode = 'regular';
  reader.push(bytes);
  return reader;
}

function violation(read: () => unknown): ProtocolViolation {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolViolation);
    expect((error as ProtocolViolation).code).toBe('08P01');
    return error as ProtocolViolation;
  }
  throw new Error('expected a ProtocolViolation');
}

describe('startup phase', () => {
  it('StartupMessage: parameters as sent, the last of a repeated key wins', () => {
    const bytes = packet(V3, cstr('user'), cstr('alice'), cstr('database'), cstr('a'), cstr('database'), cstr('b'), cstr(''));
    expect(readAll([bytes])).toEqual([
      { type: 'StartupMessage', minorVersion: 0, user: 'alice', parameters: new Map([['user', 'alice'], ['database', 'b']]) },
    ]);
  });

  it('a newer 3.x minor version is decoded for the connection to negotiate', () => {
    const bytes = packet(int32(196610), cstr('user'), cstr('bob'), cstr('_pq_.command_compression'), cstr('on'), cstr(''));
    const [message] = readAll([bytes]);
    expect(message).toMatchObject({ type: 'StartupMessage', minorVersion: 2, user: 'bob' });
  });

  it('GSSENCRequest, and bytes pipelined after an encryption request are visible as pending', () => {
    const reader = new FrontendReader();
    reader.push(Buffer.concat([packet(int32(80877104)), packet(V3, cstr('user'), cstr('eve'), cstr(''))]));
    expect(reader.read()).toEqual({ type: 'GSSENCRequest' });
    expect(reader.pending).toBeGreaterThan(0);
  });

  it('a StartupMessage without a user is decoded with user \'\', for the server to refuse', () => {
    expect(readAll([packet(V3, cstr('database'), cstr('x'), cstr(''))])).toEqual([
      { type: 'StartupMessage', minorVersion: 0, user: '', parameters: new Map([['database', 'x']]) },
    ]);
  });

  it('a startup packet of exactly the maximum length is accepted', () => {
    const head = [V3, cstr('user'), cstr('alice'), cstr('options')];
    const fixed = Buffer.concat(head).length + 2; // the value's terminator and the final one
    const bytes = packet(...head, cstr('x'.repeat(10_000 - fixed)), cstr(''));
    expect(bytes.length).toBe(10_004);
    expect(readAll([bytes])).toHaveLength(1);
    const tooLong = packet(...head, cstr('x'.repeat(10_001 - fixed)), cstr(''));
    expect(violation(() => readAll([tooLong])).message).toBe('invalid length of startup packet: 10005');
  });

  const rejected: [string, Buffer, string][] = [
    ['too short', Buffer.concat([int32(7), V3]), 'invalid length of startup packet: 7'],
    ['negative length', int32(-1), 'invalid length of startup packet: -1'],
    ['protocol 2.0', packet(int32(0x20000), cstr('user'), cstr('x'), cstr('')), 'unsupported frontend protocol 2.0: server supports 3.0 in startup packet'],
    ['no terminator', packet(V3, cstr('user'), cstr('x')), 'missing string terminator in startup packet'],
    ['key without value', packet(V3, cstr('user'), cstr('x'), cstr('database')), 'missing string terminator in startup packet'],
    ['bytes after the terminator', packet(V3, cstr('user'), cstr('x'), cstr(''), Buffer.from('!')), 'invalid message format: 1 unexpected bytes at the end in startup packet'],
    ['long SSLRequest', packet(int32(80877103), int32(0)), 'invalid message format: 4 unexpected bytes at the end in startup packet'],
    ['short CancelRequest', packet(int32(80877102), int32(1)), 'unexpected end of message in startup packet'],
  ];
  for (const [label, bytes, message] of rejected) {
    it(`rejects ${label}, fatally`, () => {
      const error = violation(() => readAll([bytes]));
      expect(error.message).toBe(message);
      expect(error.fatal).toBe(true);
    });
  }
});

describe('regular messages', () => {
  it('FunctionCall is decoded so it can be refused politely', () => {
    const bytes = frame('F', int32(1598), int16(1), int16(1), int16(2), int32(4), int32(7), int32(-1), int16(0));
    expect([...regularReader(bytes)]).toEqual([
      { type: 'FunctionCall', functionOid: 1598, argFormats: [1], args: [int32(7), null], resultFormat: 0 },
    ]);
  });

  it('a query may contain U+FFFD itself', () => {
    expect([...regularReader(frame('Q', cstr('select \'\uFFFD\'')))]).toEqual([{ type: 'Query', sql: "select '\uFFFD'" }]);
  });

  const bind = (...rest: Buffer[]) => frame('B', cstr('p'), cstr('s'), ...rest);
  const malformed: [string, Buffer, string][] = [
    ['Bind: formats not matching parameters', bind(int16(2), int16(0), int16(1), int16(3), int32(-1), int32(-1), int32(-1), int16(0)), '2 parameter formats but 3 parameters in Bind'],
    ['Bind: unknown format code', bind(int16(1), int16(2), int16(0), int16(0)), 'unsupported format code 2 in Bind'],
    ['Bind: parameter length below -1', bind(int16(0), int16(1), int32(-2), int16(0)), 'invalid parameter length -2 in Bind'],
    ['Bind: parameter longer than the message', bind(int16(0), int16(1), int32(10), Buffer.from('abc')), 'unexpected end of message in Bind'],
    ['Bind: a count the body cannot hold', bind(int16(0), int16(65535), int32(1)), 'unexpected end of message in Bind'],
    ['Bind: no result formats', bind(int16(0), int16(0)), 'unexpected end of message in Bind'],
    ['Parse: more types than bytes', frame('P', cstr(''), cstr('select 1'), int16(2), int32(23)), 'unexpected end of message in Parse'],
    ['Describe: unknown target', frame('D', Buffer.from('X'), cstr('')), "invalid target type 0x58 (expected 'S' or 'P') in Describe"],
    ['Close: empty body', frame('C'), 'unexpected end of message in Close'],
    ['Execute: no row count', frame('E', cstr('')), 'unexpected end of message in Execute'],
    ['Query: no terminator', frame('Q', Buffer.from('select 1')), 'missing string terminator in Query'],
    ['Query: bytes after the terminator', frame('Q', cstr('select 1'), Buffer.from('xy')), 'invalid message format: 2 unexpected bytes at the end in Query'],
    ['Query: invalid UTF-8', frame('Q', Buffer.from([0x73, 0xff, 0xfe, 0])), 'invalid byte sequence for encoding "UTF8" in Query'],
    ['Sync with a body', frame('S', Buffer.from([0])), 'invalid message format: 1 unexpected bytes at the end in Sync'],
    ['CopyFail: no terminator', frame('f', Buffer.from('oops')), 'missing string terminator in CopyFail'],
    ['FunctionCall: no result format', frame('F', int32(1), int16(0), int16(0)), 'unexpected end of message in FunctionCall'],
  ];
  for (const [label, bytes, message] of malformed) {
    it(`${label}: the message is lost, the connection is not`, () => {
      const reader = regularReader(Buffer.concat([bytes, SYNC]));
      const error = violation(() => reader.read());
      expect(error.message).toBe(message);
      expect(error.fatal).toBe(false);
      expect(error.messageType).toBe(label.split(/[: ]/)[0]);
      expect(reader.read()).toEqual({ type: 'Sync' });
      expect(reader.read()).toBeNull();
    });
  }
});

describe('framing violations are fatal and sticky', () => {
  const broken: [string, Buffer, string, FrontendReaderOptions?][] = [
    ['an unknown type, seen from its first byte', Buffer.from('Z'), 'invalid frontend message type 0x5a'],
    ['type 0x00', Buffer.from([0, 0, 0, 0, 4]), 'invalid frontend message type 0x00'],
    ['a length below 4', Buffer.concat([Buffer.from('Q'), int32(3)]), 'invalid message length 3 in Query (limit 1073741822)'],
    ['a negative length', Buffer.concat([Buffer.from('Q'), int32(-1)]), 'invalid message length -1 in Query (limit 1073741822)'],
    ['a length above 1 GiB', Buffer.concat([Buffer.from('d'), int32(0x7fffffff)]), 'invalid message length 2147483647 in CopyData (limit 1073741822)'],
    ['a large Sync', Buffer.concat([Buffer.from('S'), int32(10_001)]), 'invalid message length 10001 in Sync (limit 10000)'],
    ['a large password', Buffer.concat([Buffer.from('p'), int32(65_536)]), 'invalid message length 65536 in PasswordMessage (limit 65535)'],
    ['a Query above the configured limit', Buffer.concat([Buffer.from('Q'), int32(101)]), 'invalid message length 101 in Query (limit 100)', { maxMessageSize: 100 }],
    ['a Describe above the configured limit', Buffer.concat([Buffer.from('D'), int32(101)]), 'invalid message length 101 in Describe (limit 100)', { maxMessageSize: 100 }],
  ];
  for (const [label, bytes, message, options] of broken) {
    it(label, () => {
      const reader = regularReader(bytes, options);
      const error = violation(() => reader.read());
      expect(error.message).toBe(message);
      expect(error.fatal).toBe(true);
      reader.push(SYNC);
      expect(reader.pending).toBe(0);
      expect(violation(() => reader.read())).toBe(error);
    });
  }

  it('lengths at the limits wait for their bytes', () => {
    expect(regularReader(Buffer.concat([Buffer.from('S'), int32(10_000)])).read()).toBeNull();
    expect(regularReader(Buffer.concat([Buffer.from('p'), int32(65_535)])).read()).toBeNull();
    expect(regularReader(Buffer.concat([Buffer.from('Q'), int32(DEFAULT_MAX_MESSAGE_SIZE)])).read()).toBeNull();
  });
});

describe('memory', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a large declared length allocates nothing until all its bytes are here, then exactly once', () => {
    const sizes: number[] = [];
    for (const allocate of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
      const original = Buffer[allocate];
      vi.spyOn(Buffer, allocate).mockImplementation((size: number) => {
        sizes.push(size);
        return original(size);
      });
    }
    const declared = 1_000_000;
    const reader = regularReader(Buffer.concat([Buffer.from('d'), int32(4 + declared)]));
    const chunk = Buffer.alloc(16_384, 0x61);
    sizes.length = 0;
    let sent = 0;
    while (sent + chunk.length < declared) {
      reader.push(chunk);
      sent += chunk.length;
      expect(reader.read()).toBeNull();
    }
    expect(sizes).toEqual([]);
    reader.push(chunk.subarray(0, declared - sent));
    const message = reader.read();
    expect(sizes).toEqual([declared]);
    if (message?.type !== 'CopyData') throw new Error(`unexpected ${message?.type}`);
    // Buffer.equals: vitest's deep equality walks a megabyte byte by byte for seconds.
    expect(message.data.equals(Buffer.alloc(declared, 0x61))).toBe(true);
  });
});

describe("the 'p' decoders", () => {
  it('decodePassword', () => {
    expect(decodePassword(cstr('hunter2'))).toBe('hunter2');
    expect(violation(() => decodePassword(Buffer.from('hunter2'))).message).toBe('missing string terminator in PasswordMessage');
    expect(violation(() => decodePassword(Buffer.from('a\0b'))).message).toBe(
      'invalid message format: 1 unexpected bytes at the end in PasswordMessage',
    );
  });

  it('decodeSASLInitialResponse', () => {
    expect(decodeSASLInitialResponse(Buffer.concat([cstr('SCRAM-SHA-256'), int32(-1)]))).toEqual({ mechanism: 'SCRAM-SHA-256', data: null });
    expect(decodeSASLInitialResponse(Buffer.concat([cstr('PLAIN'), int32(0)]))).toEqual({ mechanism: 'PLAIN', data: Buffer.alloc(0) });
    const rejected: [Buffer, string][] = [
      [Buffer.concat([cstr('X'), int32(-2)]), 'invalid data length -2 in SASLInitialResponse'],
      [Buffer.concat([cstr('X'), int32(5), Buffer.from('abc')]), 'unexpected end of message in SASLInitialResponse'],
      [Buffer.concat([cstr('X'), int32(1), Buffer.from('ab')]), 'invalid message format: 1 unexpected bytes at the end in SASLInitialResponse'],
      [cstr('X'), 'unexpected end of message in SASLInitialResponse'],
    ];
    for (const [body, message] of rejected) {
      const error = violation(() => decodeSASLInitialResponse(body));
      expect(error.message).toBe(message);
      expect(error.fatal).toBe(false);
    }
  });

  it('decodeSASLResponse hands back the mechanism bytes unframed', () => {
    const body = Buffer.from('c=biws,r=abc,p=xyz');
    expect(decodeSASLResponse(body)).toBe(body);
  });
});
