/**
 * The SBLR fuzzing soak: the mutations of test/sblr/fuzz.test.ts over as many programs as
 * asked for. Stops at the first violation with the seed and program number that repeat it.
 */
import { parseArgs } from 'node:util';
import { FuzzViolation, fuzzSblr } from '../test/sblr/fuzz-driver.ts';

const USAGE = `Usage: npx tsx scripts/soak-sblr-fuzz.ts [--programs N] [--mutants M] [--seed S] [--time-limit MS]

Generates N random well-typed plans, encodes each to SBLR and verifies M mutants of it (bit
flips, truncations, splices, noise, inflated varints, with the content hash fixed up). Each
mutant must be rejected with 42000 / 0A000 / 54000 / 54001, or verify to a plan that
re-encodes to the same bytes, within the time limit.

  --programs N      programs to generate (default 10000)
  --mutants M       mutants per program (default 50)
  --seed S          run seed (default: random); a violation names the seed that repeats it
  --time-limit MS   longest a single verification may take (default 1000)
  -h, --help        show this help
`;

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
  return value;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      programs: { type: 'string', default: '10000' },
      mutants: { type: 'string', default: '50' },
      seed: { type: 'string' },
      'time-limit': { type: 'string', default: '1000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : integer('seed', values.seed);
  const programs = integer('programs', values.programs);
  process.stdout.write(`soak: ${programs} programs, seed ${seed}\n`);
  const started = Date.now();
  try {
    const report = fuzzSblr({
      programs,
      mutantsPerProgram: integer('mutants', values.mutants),
      seed,
      timeLimitMs: integer('time-limit', values['time-limit']),
      onProgress: (r) => process.stdout.write(`\r${r.programs}/${programs} programs, ${r.mutants} mutants, ${r.accepted} accepted, slowest ${r.slowestMs.toFixed(1)} ms`),
    });
    const rejected = [...report.rejected].map(([code, n]) => `${code}: ${n}`).join(', ');
    process.stdout.write(`\nok in ${((Date.now() - started) / 1000).toFixed(1)} s: ${report.accepted} accepted; rejected ${rejected}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof FuzzViolation)) throw error;
    process.stdout.write(`\nVIOLATION: ${error.message}\n`);
    return 1;
  }
}

process.exitCode = main();
