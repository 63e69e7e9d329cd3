/**
 * The crash-recovery soak: the kill cycles of test/engine/crash.test.ts, as many as asked for,
 * on one shard. Stops at the first violation with the seed that repeats the run.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CrashViolation, killCycle, startCrashRun } from '../test/engine/crash-check.ts';

const USAGE = `Usage: npm run soak:crash -- [--kills N] [--dir DIR] [--seed S]

Runs a worker doing concurrent bank transfers on one shard, kills it with SIGKILL at a random
moment N times, and after each restart checks that every acknowledged transfer is there,
nothing rolled back or uncommitted is, balances add up and no transaction is left active.

  --kills N   kill cycles to run (default 500)
  --dir DIR   shard directory; must be new or empty, and is kept (default: a temporary
              directory, removed after a clean run and kept after a violation)
  --seed S    seed for kill timings and worker choices (default: random)
  -h, --help  show this help
`;

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
  return value;
}

function usableDir(dir: string): string {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`--dir ${dir} is not empty; the audit knows only the history of this run`);
  return dir;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      kills: { type: 'string', default: '500' },
      dir: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const kills = integer('kills', values.kills);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : integer('seed', values.seed);
  const dir = values.dir === undefined ? mkdtempSync(join(tmpdir(), 'sb-soak-crash-')) : usableDir(values.dir);
  process.stdout.write(`soak: ${kills} kills on ${dir}, seed ${seed}\n`);

  const run = startCrashRun(dir, seed);
  const started = Date.now();
  for (let kill = 1; kill <= kills; kill++) {
    const cycleStart = Date.now();
    try {
      const s = await killCycle(run);
      process.stdout.write(
        `[${kill}/${kills}] killed after ${s.killAfterMs} ms: ${s.acked} acked, ${s.rolledBack} rolled back, ` +
          `${s.inFlight} in flight; ${s.transfers} transfers on disk${s.swept ? ', swept' : ''}; ` +
          `${run.acked.size} acked in all (${Date.now() - cycleStart} ms)\n`,
      );
    } catch (error) {
      if (!(error instanceof CrashViolation)) throw error;
      process.stderr.write(
        `\nVIOLATION at kill ${kill} of seed ${seed}:\n  ${error.message}\n` +
          `reproduce with: npm run soak:crash -- --seed ${seed} --kills ${kill}\nshard kept in ${dir}\n`,
      );
      return 1;
    }
  }
  process.stdout.write(`soak passed: ${kills} kills, ${run.acked.size} acknowledged transfers, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (values.dir === undefined) rmSync(dir, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak-crash: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
