/**
 * What the server sends, as protocol v3 defines it. A `BackendWriter` appends messages to one
 * growing buffer and `flush` hands the whole burst out as one Buffer, so answering a query
 * (RowDescription, the DataRows, CommandComplete, ReadyForQuery) costs one socket write.
 *
 * Values are encoded straight into that buffer: a text value's length word is patched in after
 * its UTF-8 bytes are written, so no per-value Buffer is ever made. The writer's own state
 * checks (one message at a time, DataRow field counts) throw plain Errors: they can only fail
 * through a bug in the caller, never through anything a client sent.
 */
import type { FormatCode } from './frontend.ts';

/** ReadyForQuery: idle, in a transaction block, in a failed transaction block. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** One column of a RowDescription. The optional parts default as PostgreSQL fills them for a
 * computed column: no table (0), no attribute number (0), no type modifier (-1), text. */
export interface FieldDescription {
  readonly name: string;
  readonly tableOid?: number;
  readonly columnAttr?: number;
  readonly typeOid: number;
  /** pg_type.typlen: a byte count, -1 for varlena, -2 for C strings. */
  readonly typeSize: number;
  readonly typeModifier?: number;
  readonly format?: FormatCode;
}

export type Severity = 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';

/** The fields of an ErrorResponse or NoticeResponse. Severity is sent twice, as S (which a
 * server may translate) and V (which it never does); ours is never translated. */
export interface NoticeFields {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character index into the query text. */
  readonly position?: number;
  readonly internalPosition?: number;
  readonly internalQuery?: string;
  readonly where?: string;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly dataType?: string;
  readonly constraint?: string;
  readonly file?: string;
  readonly line?: number;
  readonly routine?: string;
}

/** A DataRow value: raw bytes (binary format, or text already encoded), a string to be sent as
 * text, or SQL NULL. */
export type FieldValue = Uint8Array | string | null;

/** The optional notice fields in the order PostgreSQL emits them, with their field codes. */
const OPTIONAL_NOTICE_FIELDS: readonly (readonly [Exclude<keyof NoticeFields, 'severity' | 'code' | 'message'>, number])[] = [
  ['detail', 0x44 /* D */],
  ['hint', 0x48 /* H */],
  ['position', 0x50 /* P */],
  ['internalPosition', 0x70 /* p */],
  ['internalQuery', 0x71 /* q */],
  ['where', 0x57 /* W */],
  ['schema', 0x73 /* s */],
  ['table', 0x74 /* t */],
  ['column', 0x63 /* c */],
  ['dataType', 0x64 /* d */],
  ['constraint', 0x6e /* n */],
  ['file', 0x46 /* F */],
  ['line', 0x4c /* L */],
  ['routine', 0x52 /* R */],
];

const INITIAL_CAPACITY = 4096;
/** A burst up to this size is copied out so the writer keeps its buffer; a larger one takes the
 * buffer with it, which avoids copying megabytes and lets the writer shrink back. */
const COPY_OUT_LIMIT = 64 * 1024;
/** Strings up to this many UTF-16 units reserve their worst case (3 bytes each) rather than
 * being measured first; longer ones are measured so a big value does not triple the buffer. */
const SHORT_STRING = 1024;

export class BackendWriter {
  private buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
  private at = 0;
  /** Offset of the type byte of the message being written; -1 between messages. */
  private start = -1;
  private fieldsLeft = 0;

  /** Bytes written since the last flush. */
  get length(): number {
    return this.at;
  }

  /** Everything written since the last flush, as one Buffer the caller owns. */
  flush(): Buffer {
    if (this.start !== -1) throw new Error('BackendWriter.flush in the middle of a message');
    const n = this.at;
    this.at = 0;
    if (n > COPY_OUT_LIMIT) {
      const out = this.buf.subarray(0, n);
      this.buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, 0, n);
    return out;
  }

  /** The single unframed byte answering SSLRequest or GSSENCRequest: 'S' to go ahead with the
   * handshake, 'N' to continue unencrypted. */
  encryptionResponse(accept: boolean): this {
    if (this.start !== -1) throw new Error('BackendWriter: encryption response inside a message');
    this.reserve(1);
    this.buf[this.at++] = accept ? 0x53 : 0x4e;
    return this;
  }

  authenticationOk(): this {
    return this.authentication(0).end();
  }

  authenticationCleartextPassword(): this {
    return this.authentication(3).end();
  }

  authenticationSASL(mechanisms: readonly string[]): this {
    this.authentication(10);
    for (const mechanism of mechanisms) this.cstring(mechanism);
    this.byte(0);
    return this.end();
  }

  authenticationSASLContinue(data: Uint8Array | string): this {
    this.authentication(11);
    this.payload(data);
    return this.end();
  }

  authenticationSASLFinal(data: Uint8Array | string): this {
    this.authentication(12);
    this.payload(data);
    return this.end();
  }

  /** Tells a client asking for a newer minor version (or for `_pq_.` options) what it gets. */
  negotiateProtocolVersion(newestMinor: number, unrecognizedOptions: readonly string[]): this {
    this.begin(0x76 /* v */);
    this.int32(newestMinor);
    this.int32(unrecognizedOptions.length);
    for (const option of unrecognizedOptions) this.cstring(option);
    return this.end();
  }

  parameterStatus(name: string, value: string): this {
    this.begin(0x53 /* S */);
    this.cstring(name);
    this.cstring(value);
    return this.end();
  }

  backendKeyData(processId: number, secretKey: number): this {
    this.begin(0x4b /* K */);
    this.int32(processId);
    this.int32(secretKey);
    return this.end();
  }

  readyForQuery(status: TransactionStatus): this {
    this.begin(0x5a /* Z */);
    this.byte(status.charCodeAt(0));
    return this.end();
  }

  rowDescription(fields: readonly FieldDescription[]): this {
    this.begin(0x54 /* T */);
    this.int16(fields.length);
    for (const field of fields) {
      this.cstring(field.name);
      this.reserve(18);
      this.at = this.buf.writeUInt32BE(field.tableOid ?? 0, this.at);
      this.at = this.buf.writeInt16BE(field.columnAttr ?? 0, this.at);
      this.at = this.buf.writeUInt32BE(field.typeOid, this.at);
      this.at = this.buf.writeInt16BE(field.typeSize, this.at);
      this.at = this.buf.writeInt32BE(field.typeModifier ?? -1, this.at);
      this.at = this.buf.writeInt16BE(field.format ?? 0, this.at);
    }
    return this.end();
  }

  dataRow(values: readonly FieldValue[]): this {
    this.beginDataRow(values.length);
    for (const value of values) this.field(value);
    return this.endDataRow();
  }

  /** Starts a DataRow of `count` fields, to be followed by exactly `count` calls of `field`
   * and then `endDataRow`: rows streamed from an executor need no array per row. */
  beginDataRow(count: number): this {
    this.begin(0x44 /* D */);
    this.int16(count);
    this.fieldsLeft = count;
    return this;
  }

  field(value: FieldValue): this {
    if (this.fieldsLeft-- <= 0) throw new Error('BackendWriter.field outside a DataRow or past its field count');
    if (value === null) {
      this.int32(-1);
    } else if (typeof value === 'string') {
      const lengthAt = this.at;
      this.reserve(4);
      this.at += 4;
      this.text(value);
      this.buf.writeInt32BE(this.at - lengthAt - 4, lengthAt);
    } else {
      this.int32(value.length);
      this.bytes(value);
    }
    return this;
  }

  /** Drops a message left unfinished, such as a DataRow whose value failed to encode midway,
   * so the writer can go on with the next message (an ErrorResponse). */
  abandonMessage(): this {
    if (this.start !== -1) {
      this.at = this.start;
      this.start = -1;
      this.fieldsLeft = 0;
    }
    return this;
  }

  endDataRow(): this {
    if (this.fieldsLeft !== 0) throw new Error(`BackendWriter.endDataRow with ${this.fieldsLeft} fields missing`);
    return this.end();
  }

  /** `tag` is the command tag, e.g. 'SELECT 3' or 'INSERT 0 1'. */
  commandComplete(tag: string): this {
    this.begin(0x43 /* C */);
    this.cstring(tag);
    return this.end();
  }

  emptyQueryResponse(): this {
    return this.begin(0x49 /* I */).end();
  }

  errorResponse(fields: NoticeFields): this {
    return this.notice(0x45 /* E */, fields);
  }

  noticeResponse(fields: NoticeFields): this {
    return this.notice(0x4e /* N */, fields);
  }

  parseComplete(): this {
    return this.begin(0x31 /* 1 */).end();
  }

  bindComplete(): this {
    return this.begin(0x32 /* 2 */).end();
  }

  closeComplete(): this {
    return this.begin(0x33 /* 3 */).end();
  }

  noData(): this {
    return this.begin(0x6e /* n */).end();
  }

  portalSuspended(): this {
    return this.begin(0x73 /* s */).end();
  }

  parameterDescription(typeOids: readonly number[]): this {
    this.begin(0x74 /* t */);
    this.int16(typeOids.length);
    this.reserve(typeOids.length * 4);
    for (const oid of typeOids) this.at = this.buf.writeUInt32BE(oid, this.at);
    return this.end();
  }

  /** A text-format COPY must give every column format 0. */
  copyInResponse(format: FormatCode, columnFormats: readonly FormatCode[]): this {
    return this.copyResponse(0x47 /* G */, format, columnFormats);
  }

  copyOutResponse(format: FormatCode, columnFormats: readonly FormatCode[]): this {
    return this.copyResponse(0x48 /* H */, format, columnFormats);
  }

  copyData(data: Uint8Array): this {
    this.begin(0x64 /* d */);
    this.bytes(data);
    return this.end();
  }

  copyDone(): this {
    return this.begin(0x63 /* c */).end();
  }

  notificationResponse(processId: number, channel: string, payload: string): this {
    this.begin(0x41 /* A */);
    this.int32(processId);
    this.cstring(channel);
    this.cstring(payload);
    return this.end();
  }

  private authentication(code: number): this {
    this.begin(0x52 /* R */);
    this.int32(code);
    return this;
  }

  private notice(type: number, fields: NoticeFields): this {
    this.begin(type);
    this.noticeField(0x53 /* S */, fields.severity);
    this.noticeField(0x56 /* V */, fields.severity);
    this.noticeField(0x43 /* C */, fields.code);
    this.noticeField(0x4d /* M */, fields.message);
    for (const [key, code] of OPTIONAL_NOTICE_FIELDS) {
      const value = fields[key];
      if (value !== undefined) this.noticeField(code, String(value));
    }
    this.byte(0);
    return this.end();
  }

  private noticeField(code: number, value: string): void {
    this.byte(code);
    this.cstring(value);
  }

  private copyResponse(type: number, format: FormatCode, columnFormats: readonly FormatCode[]): this {
    this.begin(type);
    this.byte(format);
    this.int16(columnFormats.length);
    for (const columnFormat of columnFormats) this.int16(columnFormat);
    return this.end();
  }

  private begin(type: number): this {
    if (this.start !== -1) throw new Error('BackendWriter: a message was begun before the last one ended');
    this.reserve(5);
    this.start = this.at;
    this.buf[this.at] = type;
    this.at += 5;
    return this;
  }

  /** Fills in the length word, which counts itself and the body but not the type byte. */
  private end(): this {
    this.buf.writeInt32BE(this.at - this.start - 1, this.start + 1);
    this.start = -1;
    return this;
  }

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  private byte(value: number): void {
    this.reserve(1);
    this.buf[this.at++] = value;
  }

  private int16(value: number): void {
    this.reserve(2);
    this.at = this.buf.writeInt16BE(value, this.at);
  }

  private int32(value: number): void {
    this.reserve(4);
    this.at = this.buf.writeInt32BE(value, this.at);
  }

  private bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buf.set(value, this.at);
    this.at += value.length;
  }

  /** UTF-8 bytes without a terminator. */
  private text(value: string): void {
    this.reserve(value.length <= SHORT_STRING ? value.length * 3 : Buffer.byteLength(value));
    this.at += this.buf.write(value, this.at);
  }

  private cstring(value: string): void {
    // A NUL inside would end the string early on the client and shift every later field and
    // message; cutting there sends what a C server holding the same string would have sent.
    const nul = value.indexOf('\0');
    this.text(nul < 0 ? value : value.slice(0, nul));
    this.byte(0);
  }

  private payload(data: Uint8Array | string): void {
    if (typeof data === 'string') this.text(data);
    else this.bytes(data);
  }
}
