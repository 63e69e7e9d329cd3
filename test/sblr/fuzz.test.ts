/**
 * Mutated SBLR programs (see fuzz-driver.ts) are rejected with the verifier's SQLSTATEs or
 * accepted as exactly what re-encodes to the same bytes — never another exception, never a
 * slow call. About 5,000 inputs from a fresh seed each run; `npx tsx scripts/soak-sblr-fuzz.ts
 * --programs N` runs as many as you like, and repeats a failure from its seed.
 */
import { describe, expect, it } from 'vitest';
import { fuzzSblr } from './fuzz-driver.ts';

describe('SBLR fuzzing', () => {
  it('every mutant is rejected cleanly or accepted faithfully, within the time limit', () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const report = fuzzSblr({ programs: 250, mutantsPerProgram: 20, seed, timeLimitMs: 1000 });
    expect(report.mutants).toBe(5000);
    // Both outcomes are exercised: mutations in constants and names survive, most do not.
    expect(report.accepted).toBeGreaterThan(report.programs);
    expect(report.rejected.get('42000') ?? 0).toBeGreaterThan(report.mutants / 2);
  });
});
