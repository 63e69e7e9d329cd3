/**
 * Framing: however the socket happens to cut a client's stream, the reader yields the same
 * messages, and messages that arrive whole in one chunk are not copied.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrontendReader } from '../../src/pgwire/index.ts';
import { connection, readAll, split } from './streams.ts';

const sample = fc.sample(connection.filter((c) => c.length > 6), { numRuns: 1, seed: 7 })[0];
const sampleBytes = Buffer.concat(sample.map((m) => m.bytes));
const sampleMessages = sample.map((m) => m.message);

describe('FrontendReader framing', () => {
  it('a pipelined connection split in two at every byte boundary', () => {
    for (let cut = 0; cut <= sampleBytes.length; cut++) {
      expect(readAll(split(sampleBytes, [cut]))).toEqual(sampleMessages);
    }
  });

  it('the same connection delivered one byte at a time', () => {
    const bytes = Array.from(sampleBytes, (b) => Buffer.from([b]));
    expect(readAll(bytes)).toEqual(sampleMessages);
  });

  it('random connections in random chunks', () => {
    fc.assert(
      fc.property(connection, fc.array(fc.nat(), { maxLength: 40 }), (messages, cuts) => {
        const bytes = Buffer.concat(messages.map((m) => m.bytes));
        const chunks = split(bytes, cuts.map((c) => c % (bytes.length + 1)));
        expect(readAll(chunks)).toEqual(messages.map((m) => m.message));
      }),
      { numRuns: 500 },
    );
  });

  it('nothing is yielded until a message is complete, and pending counts what waits', () => {
    const reader = new FrontendReader();
    reader.mode = 'regular';
    const query = Buffer.from([0x51, 0, 0, 0, 7, 0x61, 0x62, 0]);
    for (let i = 0; i < query.length - 1; i++) {
      reader.push(query.subarray(i, i + 1));
      expect(reader.read()).toBeNull();
      expect(reader.pending).toBe(i + 1);
    }
    reader.push(query.subarray(query.length - 1));
    expect(reader.read()).toEqual({ type: 'Query', sql: 'ab' });
    expect(reader.pending).toBe(0);
    expect(reader.read()).toBeNull();
  });

  it('messages that arrive whole are views of the pushed chunk, not copies', () => {
    const data = Buffer.from('row 1\n');
    const copy = Buffer.concat([Buffer.from([0x64, 0, 0, 0, 4 + data.length]), data, Buffer.from([0x53, 0, 0, 0, 4])]);
    const reader = new FrontendReader();
    reader.mode = 'regular';
    reader.push(copy);
    const [copyData, sync] = [...reader];
    expect(sync).toEqual({ type: 'Sync' });
    if (copyData.type !== 'CopyData') throw new Error(copyData.type);
    expect(copyData.data.buffer).toBe(copy.buffer);
    expect(copyData.data.byteOffset).toBe(copy.byteOffset + 5);
  });
});
