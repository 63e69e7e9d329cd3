/**
 * Writing SBLR's primitive encodings: the counterpart of ProgramReader. Anything the format
 * cannot carry exactly (an unsigned beyond 32 bits, a string with an unpaired surrogate) is
 * refused here rather than written in a form that would read back differently.
 */
import { ByteWriter } from '../engine/bytes.ts';
import { MAX_UINT } from '../../sblr/format.ts';
import { unencodable } from './errors.ts';

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export class ProgramWriter extends ByteWriter {
  uint(value: number, what: string): void {
    if (!Number.isInteger(value) || value < 0 || value > MAX_UINT) throw unencodable(`${what} ${value} is not an unsigned 32-bit integer`);
    this.varint(value);
  }

  bool(value: boolean): void {
    this.u8(value ? 1 : 0);
  }

  string(value: string): void {
    if (typeof value !== 'string') throw unencodable(`expected a string, got ${typeof value}`);
    if (UNPAIRED_SURROGATE.test(value)) throw unencodable('string with an unpaired UTF-16 surrogate');
    this.varint(Buffer.byteLength(value));
    this.utf8(value);
  }
}
