/**
 * Byte writing and reading for the row and key codecs. The writer grows one scratch buffer
 * and hands out a copy of what was written, so encoding a row costs one allocation.
 */
import { EngineError, SqlState } from './errors.ts';

/** A copy of `bytes` as a Buffer (faster than Buffer.from, which walks typed arrays generically). */
export function copyOf(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  out.set(bytes);
  return out;
}

export class ByteWriter {
  private buf = Buffer.allocUnsafe(256);
  at = 0;

  reset(): this {
    this.at = 0;
    return this;
  }

  ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buf[this.at++] = value;
  }

  /** Unsigned LEB128. */
  varint(value: number): void {
    this.ensure(5);
    while (value >= 0x80) {
      this.buf[this.at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[this.at++] = value;
  }

  i16(value: number): void {
    this.ensure(2);
    this.at = this.buf.writeInt16BE(value, this.at);
  }

  u16(value: number): void {
    this.ensure(2);
    this.at = this.buf.writeUInt16BE(value, this.at);
  }

  i32(value: number): void {
    this.ensure(4);
    this.at = this.buf.writeInt32BE(value, this.at);
  }

  u32(value: number): void {
    this.ensure(4);
    this.at = this.buf.writeUInt32BE(value, this.at);
  }

  i64(value: bigint): void {
    this.ensure(8);
    this.at = this.buf.writeBigInt64BE(value, this.at);
  }

  u64(value: bigint): void {
    this.ensure(8);
    this.at = this.buf.writeBigUInt64BE(value, this.at);
  }

  f32(value: number): void {
    this.ensure(4);
    this.at = this.buf.writeFloatBE(value, this.at);
  }

  f64(value: number): void {
    this.ensure(8);
    this.at = this.buf.writeDoubleBE(value, this.at);
  }

  bytes(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.at);
    this.at += value.length;
  }

  utf8(value: string): void {
    this.ensure(value.length * 3);
    this.at += this.buf.write(value, this.at, 'utf8');
  }

  /** Appends `source[start…]` without making a view of it. */
  bytesOf(source: Buffer, start: number): void {
    this.ensure(source.length - start);
    this.at += source.copy(this.buf, this.at, start);
  }

  /** Overwrites a u32 already written (counts known only at the end). */
  patchU32(offset: number, value: number): void {
    this.buf.writeUInt32BE(value, offset);
  }

  /** Sets bits in a byte already written (null bitmaps are filled in after their values start). */
  orByte(offset: number, bits: number): void {
    this.buf[offset] |= bits;
  }

  /** Flips bits in a byte already written. */
  flipBits(offset: number, bits: number): void {
    this.buf[offset] ^= bits;
  }

  /** Inverts the bytes written since `from` (descending key parts). */
  invertFrom(from: number): void {
    for (let i = from; i < this.at; i++) this.buf[i] = ~this.buf[i] & 0xff;
  }

  /** What was written, in place: valid until the writer is next used. */
  view(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  /** A copy of what was written. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.at);
    this.buf.copy(out, 0, 0, this.at);
    return out;
  }
}

/** Reads what a ByteWriter wrote; every read is bounds-checked and reports corruption as XX001. */
export class ByteReader {
  readonly buf: Buffer;
  at = 0;

  constructor(bytes: Uint8Array, private readonly what: string) {
    this.buf = bytes instanceof Buffer ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.at >= this.buf.length;
  }

  corrupt(reason: string): EngineError {
    return new EngineError(SqlState.dataCorrupted, `corrupt ${this.what}: ${reason}`);
  }

  need(n: number): void {
    if (this.at + n > this.buf.length) throw this.corrupt(`truncated at byte ${this.at}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.at++];
  }

  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.u8();
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw this.corrupt('overlong length');
  }

  i16(): number {
    this.need(2);
    const value = this.buf.readInt16BE(this.at);
    this.at += 2;
    return value;
  }

  u16(): number {
    this.need(2);
    const value = this.buf.readUInt16BE(this.at);
    this.at += 2;
    return value;
  }

  i32(): number {
    this.need(4);
    const value = this.buf.readInt32BE(this.at);
    this.at += 4;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }

  i64(): bigint {
    this.need(8);
    const value = this.buf.readBigInt64BE(this.at);
    this.at += 8;
    return value;
  }

  u64(): bigint {
    this.need(8);
    const value = this.buf.readBigUInt64BE(this.at);
    this.at += 8;
    return value;
  }

  f32(): number {
    this.need(4);
    const value = this.buf.readFloatBE(this.at);
    this.at += 4;
    return value;
  }

  f64(): number {
    this.need(8);
    const value = this.buf.readDoubleBE(this.at);
    this.at += 8;
    return value;
  }

  /** A view of the next `n` bytes (not a copy). */
  view(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  utf8(n: number): string {
    this.need(n);
    const value = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return value;
  }
}
