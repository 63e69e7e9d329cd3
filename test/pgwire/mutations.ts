/**
 * Byte-level mutations of valid protocol traffic, shared by the codec fuzz test and the server
 * fuzz driver: a flipped bit, a truncation, inserted bytes, a deleted run, and a message's
 * length word rewritten.
 */

/** `lengthWords` are the offsets of the messages' length words in `bytes`. */
export type Mutation = (bytes: Buffer, at: number, value: number, lengthWords: readonly number[]) => Buffer;

/** The mutations, with `lengths(near, value)` the values a length word may be rewritten to. */
export function mutations(lengths: (near: number, value: number) => readonly number[]): Mutation[] {
  return [
    (b, at, value) => {
      const out = Buffer.from(b);
      if (out.length > 0) out[at % out.length] ^= 1 << (value & 7);
      return out;
    },
    (b, at) => b.subarray(0, at % (b.length + 1)),
    (b, at, value) => {
      const from = at % (b.length + 1);
      return Buffer.concat([b.subarray(0, from), Buffer.from([value & 0xff, (value >> 8) & 0xff]), b.subarray(from)]);
    },
    (b, at, value) => {
      const from = at % (b.length + 1);
      return Buffer.concat([b.subarray(0, from), b.subarray(Math.min(b.length, from + 1 + (value % 8)))]);
    },
    (b, at, value, lengthWords) => {
      const out = Buffer.from(b);
      if (lengthWords.length === 0) return out;
      const offset = lengthWords[at % lengthWords.length];
      if (offset + 4 > out.length) return out;
      const choices = lengths(out.readInt32BE(offset), value);
      out.writeInt32BE(choices[value % choices.length] | 0, offset);
      return out;
    },
  ];
}
