/**
 * Crash recovery without replay: a child process doing concurrent bank transfers is killed
 * with SIGKILL at random moments; after each restart every acknowledged transfer is there,
 * nothing uncommitted or rolled back is, balances add up and no transaction is left active.
 * The checks are in crash-check.ts; `npm run soak:crash` runs many more kills.
 *
 * Set SB_CRASH_SEED to repeat a run's kill timings and worker choices.
 */
import { expect, it } from 'vitest';
import { killCycle, startCrashRun } from './crash-check.ts';
import { tempDir } from './helpers.ts';

const KILLS = 20;

it(`keeps every acknowledged transfer and the total balance across ${KILLS} kill -9s`, async () => {
  const seed = Number(process.env.SB_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const run = startCrashRun(tempDir(), seed);
  let inFlight = 0;
  let transfers = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const stats = await killCycle(run);
    inFlight += stats.inFlight;
    transfers = stats.transfers;
  }
  console.log(
    `crash test (seed ${seed}): ${KILLS} kills, ${run.acked.size} acknowledged transfers, ` +
      `${run.rolledBack.size} rolled back, ${inFlight} commits in flight at a kill, ${transfers} transfer rows`,
  );
  // The kills must have hit a worker that was doing something, or nothing was proved.
  expect(run.acked.size).toBeGreaterThanOrEqual(KILLS);
  expect(run.rolledBack.size).toBeGreaterThan(0);
}, 180_000);
