/**
 * The SBLR fuzzer: valid programs from the plan generator, mutated (bit flips, truncation,
 * splices from other programs, random and boundary bytes, inflated varints), usually with the
 * content hash fixed up so the mutation reaches the decoder. Every mutant must either be
 * rejected with an EngineError of one of the verifier's SQLSTATEs, or verify to a plan that
 * re-encodes to exactly the mutant's bytes; each call must finish within the time limit.
 * Used by test/sblr/fuzz.test.ts and, for long soaks, scripts/soak-sblr-fuzz.ts.
 */
import { EngineError } from '../../src/engine/errors.ts';
import { encodeProgram, programHash } from '../../src/sblr/encode.ts';
import { verifyProgram } from '../../src/sblr/verify.ts';
import { BODY_OFFSET, HASH_OFFSET } from '../../sblr/format.ts';
import { between, prng, type Random } from '../engine/prng.ts';
import { samplePrograms, type GeneratedProgram } from './plan-generator.ts';
import { everyFunction } from './support.ts';

/** invalid program, schema changed, program limit exceeded, statement too complex. */
const VERIFIER_CODES = new Set(['42000', '0A000', '54000', '54001']);

export interface FuzzOptions {
  readonly programs: number;
  readonly mutantsPerProgram: number;
  readonly seed: number;
  /** A verification taking longer than this is a violation (it would be a hang in waiting). */
  readonly timeLimitMs: number;
  readonly onProgress?: (report: FuzzReport) => void;
}

export interface FuzzReport {
  programs: number;
  mutants: number;
  accepted: number;
  /** Rejections by SQLSTATE. */
  readonly rejected: Map<string, number>;
  slowestMs: number;
}

export class FuzzViolation extends Error {
  constructor(message: string, readonly seed: number, readonly program: number, readonly mutant: Uint8Array) {
    super(`${message} (run seed ${seed}, program ${program}: repeat with --seed ${seed} --programs ${program + 1}; input ${Buffer.from(mutant).toString('hex').slice(0, 400)})`);
    this.name = 'FuzzViolation';
  }
}

type Mutation = (bytes: Buffer, random: Random, donor: Buffer) => Buffer;

const BOUNDARY_BYTES = [0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff];

const MUTATIONS: readonly Mutation[] = [
  // Flip one to three bits.
  (b, random) => {
    const out = Buffer.from(b);
    for (let i = between(random, 1, 3); i > 0 && out.length > 0; i--) out[between(random, 0, out.length - 1)] ^= 1 << between(random, 0, 7);
    return out;
  },
  // Truncate.
  (b, random) => b.subarray(0, between(random, 0, b.length)),
  // Overwrite a byte with a boundary value.
  (b, random) => {
    const out = Buffer.from(b);
    if (out.length > 0) out[between(random, 0, out.length - 1)] = BOUNDARY_BYTES[between(random, 0, BOUNDARY_BYTES.length - 1)];
    return out;
  },
  // Overwrite a run with random bytes.
  (b, random) => {
    const out = Buffer.from(b);
    const at = between(random, 0, out.length);
    for (let i = at; i < Math.min(out.length, at + between(random, 1, 8)); i++) out[i] = between(random, 0, 255);
    return out;
  },
  // Insert random bytes.
  (b, random) => {
    const at = between(random, 0, b.length);
    const noise = Buffer.from(Array.from({ length: between(random, 1, 6) }, () => between(random, 0, 255)));
    return Buffer.concat([b.subarray(0, at), noise, b.subarray(at)]);
  },
  // Delete a run.
  (b, random) => {
    const at = between(random, 0, b.length);
    return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + between(random, 1, 8)))]);
  },
  // Splice a piece of another program in, replacing a piece of this one.
  (b, random, donor) => {
    const at = between(random, 0, b.length);
    const cut = between(random, at, b.length);
    const from = between(random, 0, donor.length);
    const piece = donor.subarray(from, between(random, from, donor.length));
    return Buffer.concat([b.subarray(0, at), piece, b.subarray(cut)]);
  },
  // Inflate a byte into a huge varint (counts, lengths, indexes).
  (b, random) => {
    const at = between(random, 0, b.length);
    return Buffer.concat([b.subarray(0, at), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), b.subarray(Math.min(b.length, at + 1))]);
  },
  // Keep the header, replace the body with noise.
  (b, random) => Buffer.concat([b.subarray(0, between(random, 0, Math.min(b.length, 40))), Buffer.from(Array.from({ length: between(random, 0, 60) }, () => between(random, 0, 255)))]),
  // Duplicate a run (repeated instructions, nested copies).
  (b, random) => {
    const at = between(random, 0, b.length);
    const end = between(random, at, Math.min(b.length, at + 40));
    return Buffer.concat([b.subarray(0, end), b.subarray(at, end), b.subarray(end)]);
  },
];

function mutate(bytes: Buffer, random: Random, donor: Buffer): Buffer {
  let out = bytes;
  for (let i = between(random, 1, 3); i > 0; i--) out = MUTATIONS[between(random, 0, MUTATIONS.length - 1)](out, random, donor);
  // Usually fix the hash, or the verifier would stop every mutant at the hash check.
  if (out.length >= BODY_OFFSET && random() < 0.9) {
    out = Buffer.from(out);
    programHash(out).copy(out, HASH_OFFSET);
  }
  return out;
}

/** Verifies one input; throws FuzzViolation on anything but a clean rejection or a faithful acceptance. */
function checkInput(input: Buffer, program: GeneratedProgram, site: 'shard' | 'coordinator', options: FuzzOptions, report: FuzzReport): void {
  const violation = (message: string) => new FuzzViolation(message, options.seed, report.programs, input);
  const started = performance.now();
  let verified;
  try {
    verified = verifyProgram(input, site, program.catalog, everyFunction);
  } catch (error) {
    if (!(error instanceof EngineError) || !VERIFIER_CODES.has(error.code) || error.message === '') {
      throw violation(`verify threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    report.rejected.set(error.code, (report.rejected.get(error.code) ?? 0) + 1);
  }
  const elapsed = performance.now() - started;
  report.slowestMs = Math.max(report.slowestMs, elapsed);
  if (elapsed > options.timeLimitMs) throw violation(`verification took ${elapsed.toFixed(0)} ms`);
  if (verified === undefined) return;
  report.accepted++;
  let again: Uint8Array;
  try {
    again = encodeProgram(verified.root, { parameterTypes: verified.parameterTypes });
  } catch (error) {
    throw violation(`an accepted program does not re-encode: ${String(error)}`);
  }
  if (!Buffer.from(again).equals(input)) throw violation('an accepted program re-encodes to different bytes');
}

/** Programs are generated in batches, each from its own seed, so a soak's memory stays flat. */
const BATCH = 50;

export function fuzzSblr(options: FuzzOptions): FuzzReport {
  const report: FuzzReport = { programs: 0, mutants: 0, accepted: 0, rejected: new Map(), slowestMs: 0 };
  for (let batch = 0; report.programs < options.programs; batch++) {
    const batchSeed = (options.seed + batch * 0x9e3779b1) >>> 0;
    // Always the whole batch, so a shorter run repeats a prefix of a longer one.
    const programs = samplePrograms(batchSeed, BATCH).slice(0, options.programs - report.programs);
    const encoded = programs.map((program) => Buffer.from(encodeProgram(program.root, { parameterTypes: program.parameterTypes })));
    programs.forEach((program, i) => {
      const random = prng((batchSeed ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
      checkInput(encoded[i], program, program.site, options, report);
      for (let m = 0; m < options.mutantsPerProgram; m++) {
        const donor = encoded[between(random, 0, encoded.length - 1)];
        const site = random() < 0.8 ? program.site : program.site === 'shard' ? 'coordinator' : 'shard';
        checkInput(mutate(encoded[i], random, donor), program, site, options, report);
        report.mutants++;
      }
      report.programs++;
    });
    options.onProgress?.(report);
  }
  return report;
}
