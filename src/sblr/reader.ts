/**
 * Bounds-checked, canonical reading of SBLR bytes. Every read stays inside the current block
 * (`end`), and every encoding has exactly one accepted spelling (minimal varints, 0/1
 * booleans, valid UTF-8 kept byte for byte), so a program the verifier accepts re-encodes to
 * the same bytes and its hash identifies it.
 */
import { ByteReader } from '../engine/bytes.ts';
import type { EngineError } from '../engine/errors.ts';
import { MAX_UINT } from '../../sblr/format.ts';
import { invalidProgram } from './errors.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class ProgramReader extends ByteReader {
  /** Reads never pass this offset: the end of the block being read. */
  end: number;

  constructor(bytes: Uint8Array) {
    super(bytes, 'SBLR program');
    this.end = this.buf.length;
  }

  override corrupt(reason: string): EngineError {
    return invalidProgram(reason, this.at);
  }

  override need(n: number): void {
    if (n > this.end - this.at) throw invalidProgram(`truncated: ${n} bytes needed where ${this.end - this.at} remain`, this.at);
  }

  get remaining(): number {
    return this.end - this.at;
  }

  /** A minimal unsigned LEB128 of at most 32 bits. */
  uint(): number {
    const start = this.at;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.u8();
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) {
        if (byte === 0 && i > 0) throw invalidProgram('overlong varint', start);
        if (value > MAX_UINT) throw invalidProgram('varint beyond 32 bits', start);
        return value;
      }
    }
    throw invalidProgram('varint beyond 32 bits', start);
  }

  /** A count of items that each take at least `bytesEach` bytes, so it cannot exceed what is left. */
  count(bytesEach: number, what: string): number {
    const start = this.at;
    const n = this.uint();
    if (n * bytesEach > this.remaining) throw invalidProgram(`${what} count ${n} exceeds the bytes that follow`, start);
    return n;
  }

  bool(): boolean {
    const byte = this.u8();
    if (byte > 1) throw invalidProgram(`boolean byte ${byte}`, this.at - 1);
    return byte === 1;
  }

  string(): string {
    const n = this.uint();
    this.need(n);
    const start = this.at;
    this.at += n;
    try {
      return strictUtf8.decode(this.buf.subarray(start, start + n));
    } catch {
      throw invalidProgram('string is not valid UTF-8', start);
    }
  }
}
