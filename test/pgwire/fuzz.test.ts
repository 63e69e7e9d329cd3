/**
 * Robustness of the FrontendReader against hostile input: random bytes, well-framed messages
 * with random bodies, and valid connections mutated (bit flips, truncation, rewritten length
 * words, inserted and removed bytes), each delivered in random chunks. The reader must yield
 * messages or throw ProtocolViolation (08P01), finish in a bounded number of reads, and never
 * allocate more than it has been given. About 20,000 inputs, a few seconds.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { FrontendReader, ProtocolViolation, type ReaderMode } from '../../src/pgwire/index.ts';
import { connection, frame, int32, packet, split } from './streams.ts';
import { mutations as mutationsOf } from './mutations.ts';

/** The largest single allocation the reader asked for during one input. */
let largestAllocation = 0;

beforeAll(() => {
  for (const allocate of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
    const original = Buffer[allocate];
    vi.spyOn(Buffer, allocate).mockImplementation((size: number) => {
      largestAllocation = Math.max(largestAllocation, size);
      return original(size);
    });
  }
});

afterAll(() => vi.restoreAllMocks());

/** Feeds the chunks, draining after each as a connection would; throws on any breach. */
function survive(chunks: readonly Buffer[], mode: ReaderMode): void {
  const reader = new FrontendReader({ maxMessageSize: 1 << 20 });
  reader.mode = mode;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  // Every read returns null, throws, or consumes at least 5 bytes.
  let reads = total + chunks.length + 1;
  largestAllocation = 0;
  for (const chunk of chunks) {
    reader.push(chunk);
    for (;;) {
      if (--reads < 0) throw new Error('the reader keeps returning messages it did not consume');
      let message;
      try {
        message = reader.read();
      } catch (error) {
        if (!(error instanceof ProtocolViolation) || error.code !== '08P01' || error.message === '') throw error;
        if (!error.fatal) continue;
        if (reader.pending !== 0) throw new Error('a failed reader keeps its input');
        return;
      }
      if (message === null) break;
      if (message.type === 'StartupMessage') reader.mode = 'regular';
    }
  }
  if (largestAllocation > total) throw new Error(`allocated ${largestAllocation} bytes for ${total} bytes of input`);
}

const cuts = fc.array(fc.nat(), { maxLength: 8 });
const noise = fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b));
const mode = fc.constantFrom<ReaderMode>('startup', 'regular');

/** A message with a valid type byte and length word around a random body, so the body
 * decoders, not just the framing, see garbage. */
const framedNoise = fc
  .tuple(fc.constantFrom(...'QPBDECSHXdcfpF'), noise)
  .map(([type, body]) => frame(type, body));
const startupNoise = fc
  .tuple(fc.constantFrom(196608, 196610, 80877102, 80877103, 80877104, 0x20000), noise)
  .map(([code, body]) => packet(int32(code), body));

// A length word is rewritten near its true value, tiny, negative or huge.
const mutations = mutationsOf((near, value) => [near + (value % 9) - 4, value % 8, -1 - value, 0x7fffffff - value, 1 << 20, (1 << 20) + 1, 10_005]);

const mutatedConnection = fc
  .tuple(connection, fc.array(fc.tuple(fc.nat(mutations.length - 1), fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 }))
  .map(([messages, edits]) => {
    // The first message is the startup packet: its length word comes first.
    const lengthWords: number[] = [];
    let at = 0;
    for (const m of messages) {
      lengthWords.push(at === 0 ? 0 : at + 1);
      at += m.bytes.length;
    }
    return edits.reduce<Buffer>(
      (bytes, [kind, where, value]) => mutations[kind](bytes, where, value, lengthWords),
      Buffer.concat(messages.map((m) => m.bytes)),
    );
  });

describe('FrontendReader under hostile input', () => {
  it('random bytes, in either mode', () => {
    fc.assert(fc.property(noise, mode, cuts, (bytes, m, c) => survive(split(bytes, c), m)), { numRuns: 5_000 });
  });

  it('well-framed messages with random bodies', () => {
    fc.assert(
      fc.property(fc.array(framedNoise, { maxLength: 6 }), cuts, (frames, c) => survive(split(Buffer.concat(frames), c), 'regular')),
      { numRuns: 5_000 },
    );
  });

  it('startup packets with random bodies', () => {
    fc.assert(
      fc.property(startupNoise, fc.array(framedNoise, { maxLength: 3 }), cuts, (first, rest, c) =>
        survive(split(Buffer.concat([first, ...rest]), c), 'startup'),
      ),
      { numRuns: 3_000 },
    );
  });

  it('valid connections, mutated', () => {
    fc.assert(fc.property(mutatedConnection, cuts, (bytes, c) => survive(split(bytes, c), 'startup')), { numRuns: 7_000 });
  });
});
