/**
 * What a PostgreSQL client sends, as protocol v3 defines it: the startup-phase packets (no
 * type byte) and the typed messages after them, decoded into a discriminated union, and the
 * `FrontendReader` that cuts a byte stream into those messages.
 *
 * The reader is the trust boundary for every byte a client sends, so its contract is narrow:
 * it yields messages or throws `ProtocolViolation` (SQLSTATE 08P01), nothing else, and it never
 * holds more memory than the bytes it was given plus one message under the size limit. A
 * declared length is checked the moment its header is complete, and a message is assembled
 * only once all its bytes have arrived, so a lying length field costs nothing.
 *
 * Buffers inside decoded messages (Bind parameters, CopyData, password bodies) are views of
 * the pushed chunks, not copies; the reader never writes into a chunk, so those views stay
 * valid as long as the caller does not reuse a chunk it has pushed.
 */
import { isUtf8 } from 'node:buffer';
import { EngineError, SqlState } from '../engine/errors.ts';

/** A client broke the protocol. `fatal` means message boundaries are lost (or the connection
 * is still in its startup phase), so the connection must be closed; otherwise the offending
 * message was consumed whole and the reader can go on, as PostgreSQL reports such messages
 * with ERROR rather than FATAL. */
export class ProtocolViolation extends EngineError {
  declare readonly fatal: boolean;
  /** The message that broke the rules, when it was a regular one: a server tells from it
   * whether the error belongs to the extended protocol (skip to Sync) or not. */
  readonly messageType?: RegularMessage['type'];

  constructor(message: string, fatal: boolean, messageType?: RegularMessage['type']) {
    super(SqlState.protocolViolation, message, { fatal });
    this.name = 'ProtocolViolation';
    this.messageType = messageType;
  }
}

/** 0 = text, 1 = binary. */
export type FormatCode = 0 | 1;

// Startup phase: a length-prefixed packet without a type byte.

export interface StartupMessage {
  readonly type: 'StartupMessage';
  /** The major version is always 3; a minor version above 0 asks the server to negotiate
   * (NegotiateProtocolVersion) down to what it supports. */
  readonly minorVersion: number;
  /** '' when the client named none: refusing that (28000) is the server's decision. */
  readonly user: string;
  /** Every key/value pair as sent, `user` included; a repeated key keeps its last value, as in
   * PostgreSQL. `_pq_.`-prefixed keys are protocol options the server must acknowledge. */
  readonly parameters: ReadonlyMap<string, string>;
}

export interface SSLRequest {
  readonly type: 'SSLRequest';
}

export interface GSSENCRequest {
  readonly type: 'GSSENCRequest';
}

export interface CancelRequest {
  readonly type: 'CancelRequest';
  readonly processId: number;
  readonly secretKey: number;
}

export type StartupPhaseMessage = StartupMessage | SSLRequest | GSSENCRequest | CancelRequest;

// After startup: Byte1 type, Int32 length counting itself, body.

export interface Query {
  readonly type: 'Query';
  readonly sql: string;
}

export interface Parse {
  readonly type: 'Parse';
  readonly statement: string;
  readonly sql: string;
  /** One OID per declared parameter; 0 leaves the type to the server. */
  readonly paramTypes: readonly number[];
}

export interface Bind {
  readonly type: 'Bind';
  readonly portal: string;
  readonly statement: string;
  /** Empty: all parameters are text; one code: it applies to all; otherwise one per parameter
   * (the reader has checked that the count matches). */
  readonly paramFormats: readonly FormatCode[];
  /** null is SQL NULL. */
  readonly params: readonly (Buffer | null)[];
  /** Same rule as paramFormats, against the result columns (which only the server knows). */
  readonly resultFormats: readonly FormatCode[];
}

export interface Describe {
  readonly type: 'Describe';
  readonly target: 'S' | 'P';
  readonly name: string;
}

export interface Execute {
  readonly type: 'Execute';
  readonly portal: string;
  /** 0 means no limit. Unsigned, as PostgreSQL reads it. */
  readonly maxRows: number;
}

export interface Close {
  readonly type: 'Close';
  readonly target: 'S' | 'P';
  readonly name: string;
}

export interface Sync {
  readonly type: 'Sync';
}

export interface Flush {
  readonly type: 'Flush';
}

export interface Terminate {
  readonly type: 'Terminate';
}

export interface CopyData {
  readonly type: 'CopyData';
  readonly data: Buffer;
}

export interface CopyDone {
  readonly type: 'CopyDone';
}

export interface CopyFail {
  readonly type: 'CopyFail';
  readonly message: string;
}

/** Password, SASLInitialResponse and SASLResponse share the type byte 'p'; only the
 * authentication state says which one it is, so the body is decoded by the caller with
 * `decodePassword`, `decodeSASLInitialResponse` or `decodeSASLResponse`. */
export interface PasswordMessage {
  readonly type: 'PasswordMessage';
  readonly body: Buffer;
}

/** The legacy fast-path call; decoded so a server can answer it with an ordinary error. */
export interface FunctionCall {
  readonly type: 'FunctionCall';
  readonly functionOid: number;
  readonly argFormats: readonly FormatCode[];
  readonly args: readonly (Buffer | null)[];
  readonly resultFormat: FormatCode;
}

export type RegularMessage =
  | Query
  | Parse
  | Bind
  | Describe
  | Execute
  | Close
  | Sync
  | Flush
  | Terminate
  | CopyData
  | CopyDone
  | CopyFail
  | PasswordMessage
  | FunctionCall;

export type FrontendMessage = StartupPhaseMessage | RegularMessage;

/** PostgreSQL's PQ_LARGE_MESSAGE_LIMIT (MaxAllocSize - 1), the default limit for the message
 * types that carry SQL or data. */
export const DEFAULT_MAX_MESSAGE_SIZE = 0x3fffffff - 1;

/** PostgreSQL's MAX_STARTUP_PACKET_LENGTH, which bounds the packet after its length word. */
const MAX_STARTUP_BODY = 10_000;
/** PostgreSQL's PQ_SMALL_MESSAGE_LIMIT for messages that never need to be large. */
const SMALL_MESSAGE_LIMIT = 10_000;
/** PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH: 'p' is only valid during authentication. */
const AUTH_MESSAGE_LIMIT = 65_535;

const PROTOCOL_3 = 3;
const CANCEL_REQUEST_CODE = 80877102;
const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;

/** Each type byte a client may send: its name for error messages and its size limit (null:
 * the reader's configured maximum). Anything else is a fatal "invalid frontend message type",
 * detected from the first byte alone. */
const REGULAR_TYPES = new Map<number, { readonly name: RegularMessage['type']; readonly limit: number | null }>([
  [0x51 /* Q */, { name: 'Query', limit: null }],
  [0x50 /* P */, { name: 'Parse', limit: null }],
  [0x42 /* B */, { name: 'Bind', limit: null }],
  [0x44 /* D */, { name: 'Describe', limit: SMALL_MESSAGE_LIMIT }],
  [0x45 /* E */, { name: 'Execute', limit: SMALL_MESSAGE_LIMIT }],
  [0x43 /* C */, { name: 'Close', limit: SMALL_MESSAGE_LIMIT }],
  [0x53 /* S */, { name: 'Sync', limit: SMALL_MESSAGE_LIMIT }],
  [0x48 /* H */, { name: 'Flush', limit: SMALL_MESSAGE_LIMIT }],
  [0x58 /* X */, { name: 'Terminate', limit: SMALL_MESSAGE_LIMIT }],
  [0x64 /* d */, { name: 'CopyData', limit: null }],
  [0x63 /* c */, { name: 'CopyDone', limit: SMALL_MESSAGE_LIMIT }],
  [0x66 /* f */, { name: 'CopyFail', limit: SMALL_MESSAGE_LIMIT }],
  [0x70 /* p */, { name: 'PasswordMessage', limit: AUTH_MESSAGE_LIMIT }],
  [0x46 /* F */, { name: 'FunctionCall', limit: null }],
]);

// Body-less messages carry nothing, so one frozen instance of each serves every connection.
const SYNC: Sync = Object.freeze({ type: 'Sync' });
const FLUSH: Flush = Object.freeze({ type: 'Flush' });
const TERMINATE: Terminate = Object.freeze({ type: 'Terminate' });
const COPY_DONE: CopyDone = Object.freeze({ type: 'CopyDone' });
const SSL_REQUEST: SSLRequest = Object.freeze({ type: 'SSLRequest' });
const GSSENC_REQUEST: GSSENCRequest = Object.freeze({ type: 'GSSENCRequest' });

const EMPTY = Buffer.alloc(0);

/** Reads one message body; every read is bounds-checked and reports in the message's name. */
class Cursor {
  private at = 0;

  constructor(
    private readonly body: Buffer,
    private readonly what: string,
    private readonly fatal: boolean,
    private readonly messageType?: RegularMessage['type'],
  ) {}

  violation(reason: string): ProtocolViolation {
    return new ProtocolViolation(`${reason} in ${this.what}`, this.fatal, this.messageType);
  }

  /** Checked before allocating anything sized by a count the client chose. */
  need(n: number): void {
    if (this.at + n > this.body.length) throw this.violation('unexpected end of message');
  }

  u8(): number {
    this.need(1);
    return this.body[this.at++];
  }

  i16(): number {
    this.need(2);
    const value = this.body.readInt16BE(this.at);
    this.at += 2;
    return value;
  }

  u16(): number {
    this.need(2);
    const value = this.body.readUInt16BE(this.at);
    this.at += 2;
    return value;
  }

  i32(): number {
    this.need(4);
    const value = this.body.readInt32BE(this.at);
    this.at += 4;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.body.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const out = this.body.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  rest(): Buffer {
    return this.bytes(this.body.length - this.at);
  }

  cstring(): string {
    const nul = this.body.indexOf(0, this.at);
    if (nul < 0) throw this.violation('missing string terminator');
    const value = this.body.toString('utf8', this.at, nul);
    // toString replaces invalid UTF-8 with U+FFFD silently, which would change the query text;
    // only a string containing U+FFFD can hide such bytes, so only those pay for the check.
    if (value.includes('\uFFFD') && !isUtf8(this.body.subarray(this.at, nul))) {
      throw this.violation('invalid byte sequence for encoding "UTF8"');
    }
    this.at = nul + 1;
    return value;
  }

  format(): FormatCode {
    const code = this.i16();
    if (code !== 0 && code !== 1) throw this.violation(`unsupported format code ${code}`);
    return code;
  }

  formats(): FormatCode[] {
    const count = this.u16();
    this.need(count * 2);
    const out = new Array<FormatCode>(count);
    for (let i = 0; i < count; i++) out[i] = this.format();
    return out;
  }

  /** Parameter values as Bind and FunctionCall carry them, each checked against its format
   * codes (none, one for all, or one each). */
  values(formatCount: number, noun: string): (Buffer | null)[] {
    const count = this.u16();
    if (formatCount > 1 && formatCount !== count) {
      throw this.violation(`${formatCount} ${noun} formats but ${count} ${noun}s`);
    }
    this.need(count * 4);
    const out = new Array<Buffer | null>(count);
    for (let i = 0; i < count; i++) {
      const length = this.i32();
      if (length < -1) throw this.violation(`invalid ${noun} length ${length}`);
      out[i] = length === -1 ? null : this.bytes(length);
    }
    return out;
  }

  target(): 'S' | 'P' {
    const kind = this.u8();
    if (kind === 0x53) return 'S';
    if (kind === 0x50) return 'P';
    throw this.violation(`invalid target type 0x${hex(kind)} (expected 'S' or 'P')`);
  }

  end(): void {
    const left = this.body.length - this.at;
    if (left !== 0) throw this.violation(`invalid message format: ${left} unexpected bytes at the end`);
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function decodeStartupPacket(body: Buffer): StartupPhaseMessage {
  const c = new Cursor(body, 'startup packet', true);
  const code = c.u32();
  if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
    c.end();
    return code === SSL_REQUEST_CODE ? SSL_REQUEST : GSSENC_REQUEST;
  }
  if (code === CANCEL_REQUEST_CODE) {
    const processId = c.i32();
    const secretKey = c.i32();
    c.end();
    return { type: 'CancelRequest', processId, secretKey };
  }
  const major = code >>> 16;
  const minorVersion = code & 0xffff;
  if (major !== PROTOCOL_3) {
    throw c.violation(`unsupported frontend protocol ${major}.${minorVersion}: server supports 3.0`);
  }
  const parameters = new Map<string, string>();
  for (let key = c.cstring(); key !== ''; key = c.cstring()) parameters.set(key, c.cstring());
  c.end();
  return { type: 'StartupMessage', minorVersion, user: parameters.get('user') ?? '', parameters };
}

function decodeRegular(type: number, name: RegularMessage['type'], body: Buffer): RegularMessage {
  const c = new Cursor(body, name, false, name);
  let message: RegularMessage;
  switch (type) {
    case 0x51:
      message = { type: 'Query', sql: c.cstring() };
      break;
    case 0x50: {
      const statement = c.cstring();
      const sql = c.cstring();
      const count = c.u16();
      c.need(count * 4);
      const paramTypes = new Array<number>(count);
      for (let i = 0; i < count; i++) paramTypes[i] = c.u32();
      message = { type: 'Parse', statement, sql, paramTypes };
      break;
    }
    case 0x42: {
      const portal = c.cstring();
      const statement = c.cstring();
      const paramFormats = c.formats();
      const params = c.values(paramFormats.length, 'parameter');
      message = { type: 'Bind', portal, statement, paramFormats, params, resultFormats: c.formats() };
      break;
    }
    case 0x44:
      message = { type: 'Describe', target: c.target(), name: c.cstring() };
      break;
    case 0x45:
      message = { type: 'Execute', portal: c.cstring(), maxRows: c.u32() };
      break;
    case 0x43:
      message = { type: 'Close', target: c.target(), name: c.cstring() };
      break;
    case 0x53:
      message = SYNC;
      break;
    case 0x48:
      message = FLUSH;
      break;
    case 0x58:
      message = TERMINATE;
      break;
    case 0x64:
      message = { type: 'CopyData', data: c.rest() };
      break;
    case 0x63:
      message = COPY_DONE;
      break;
    case 0x66:
      message = { type: 'CopyFail', message: c.cstring() };
      break;
    case 0x70:
      message = { type: 'PasswordMessage', body: c.rest() };
      break;
    default: {
      // 0x46 'F', the one type left in REGULAR_TYPES
      const functionOid = c.u32();
      const argFormats = c.formats();
      const args = c.values(argFormats.length, 'argument');
      message = { type: 'FunctionCall', functionOid, argFormats, args, resultFormat: c.format() };
    }
  }
  c.end();
  return message;
}

/** The body of a PasswordMessage sent in answer to AuthenticationCleartextPassword. */
export function decodePassword(body: Buffer): string {
  const c = new Cursor(body, 'PasswordMessage', false);
  const password = c.cstring();
  c.end();
  return password;
}

export interface SASLInitialResponse {
  readonly mechanism: string;
  /** null when the client sent length -1 (no initial response). */
  readonly data: Buffer | null;
}

/** The body of the first 'p' message after AuthenticationSASL. */
export function decodeSASLInitialResponse(body: Buffer): SASLInitialResponse {
  const c = new Cursor(body, 'SASLInitialResponse', false);
  const mechanism = c.cstring();
  const length = c.i32();
  if (length < -1) throw c.violation(`invalid data length ${length}`);
  const data = length === -1 ? null : c.bytes(length);
  c.end();
  return { mechanism, data };
}

/** The body of a later 'p' message in a SASL exchange: the mechanism's bytes, unframed. */
export function decodeSASLResponse(body: Buffer): Buffer {
  return body;
}

export type ReaderMode = 'startup' | 'regular';

export interface FrontendReaderOptions {
  /** Upper bound for Query, Parse, Bind, CopyData and FunctionCall, length word included;
   * the other types have PostgreSQL's fixed smaller limits. */
  readonly maxMessageSize?: number;
}

/**
 * Cuts a client's byte stream into messages: `push` what the socket delivers, then `read` (or
 * iterate) until nothing complete is left. The caller switches `mode` to 'regular' after it has
 * accepted a StartupMessage; each read looks at the mode afresh, so switching between two reads
 * of the same chunk is exact.
 *
 * A fatal violation is sticky: every later read throws it again and pushes are dropped.
 */
export class FrontendReader implements Iterable<FrontendMessage> {
  mode: ReaderMode = 'startup';
  private readonly maxMessageSize: number;
  /** Unconsumed input: the chunks as pushed, the first one read from `offset`. */
  private readonly chunks: Buffer[] = [];
  private offset = 0;
  private buffered = 0;
  private failure: ProtocolViolation | null = null;

  constructor(options: FrontendReaderOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  /** Bytes received but not yet consumed. After an SSLRequest or GSSENCRequest this must be 0:
   * anything the client sent before the handshake is unencrypted and must not be trusted
   * (CVE-2021-23214), so a caller seeing pending bytes there should close the connection. */
  get pending(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (this.failure !== null || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete message, or null until more bytes arrive. A ProtocolViolation that is
   * not fatal has consumed its message whole, so the next read goes on with the one after. */
  read(): FrontendMessage | null {
    if (this.failure !== null) throw this.failure;
    try {
      return this.mode === 'startup' ? this.readStartup() : this.readRegular();
    } catch (error) {
      if (error instanceof ProtocolViolation && error.fatal) {
        this.failure = error;
        this.chunks.length = 0;
        this.buffered = 0;
      }
      throw error;
    }
  }

  *[Symbol.iterator](): Iterator<FrontendMessage> {
    for (let message = this.read(); message !== null; message = this.read()) yield message;
  }

  private readStartup(): StartupPhaseMessage | null {
    if (this.buffered < 4) return null;
    const length = this.int32At(0);
    if (length < 8 || length - 4 > MAX_STARTUP_BODY) this.fail(`invalid length of startup packet: ${length}`);
    if (this.buffered < length) return null;
    this.skip(4);
    return decodeStartupPacket(this.take(length - 4));
  }

  private readRegular(): RegularMessage | null {
    if (this.buffered === 0) return null;
    const type = this.chunks[0][this.offset];
    const spec = REGULAR_TYPES.get(type);
    if (spec === undefined) this.fail(`invalid frontend message type 0x${hex(type)}`);
    if (this.buffered < 5) return null;
    const length = this.int32At(1);
    const limit = spec.limit === null ? this.maxMessageSize : Math.min(spec.limit, this.maxMessageSize);
    if (length < 4 || length > limit) this.fail(`invalid message length ${length} in ${spec.name} (limit ${limit})`);
    if (this.buffered < 1 + length) return null;
    this.skip(5);
    return decodeRegular(type, spec.name, this.take(length - 4));
  }

  private fail(message: string): never {
    throw new ProtocolViolation(message, true);
  }

  /** The Int32 `at` bytes into the unconsumed input, without consuming it. A length word
   * split across chunks is read byte by byte rather than by merging the chunks. */
  private int32At(at: number): number {
    let chunk = 0;
    let pos = this.offset + at;
    if (pos + 4 <= this.chunks[0].length) return this.chunks[0].readInt32BE(pos);
    let value = 0;
    for (let i = 0; i < 4; i++, pos++) {
      while (pos >= this.chunks[chunk].length) pos -= this.chunks[chunk++].length;
      value = (value << 8) | this.chunks[chunk][pos];
    }
    return value;
  }

  private skip(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const available = this.chunks[0].length - this.offset;
      if (n < available) {
        this.offset += n;
        return;
      }
      n -= available;
      this.chunks.shift();
      this.offset = 0;
    }
  }

  /** Consumes n bytes: a view when they lie in one chunk, else one copy of exactly n bytes,
   * made only now that all of them are here. */
  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const first = this.chunks[0];
    if (this.offset + n <= first.length) {
      const out = first.subarray(this.offset, this.offset + n);
      this.skip(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let copied = 0;
    while (copied < n) {
      const chunk = this.chunks[0];
      const end = Math.min(chunk.length, this.offset + n - copied);
      copied += chunk.copy(out, copied, this.offset, end);
      this.skip(end - this.offset);
    }
    return out;
  }
}
