/**
 * One kill cycle of the crash-recovery proof, shared by the test (crash.test.ts) and the soak
 * script (scripts/soak-crash.ts): start the bank worker on a shard, SIGKILL it at a random
 * moment, reopen the shard here and audit it against everything the worker ever reported.
 *
 * The audit checks, after every restart, with the history of all earlier generations:
 * - every acknowledged transfer is present, and no rolled-back one;
 * - only transfers whose commit was called are present (uncommitted work stays invisible);
 * - every balance equals its opening balance plus the transfer rows, so the total is unchanged
 *   and no transaction is half there;
 * - nothing is active after the restart, and no row is still locked by a transaction that was
 *   active at the crash (they are dead); every few cycles a sweep settles them and the OIT
 *   catches up with the next id.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Shard } from '../../src/engine/index.ts';
import { ACCOUNTS, OPENING_BALANCE, TOTAL_BALANCE, type WorkerEvent } from './crash-bank.ts';
import { between, prng, type Random } from './prng.ts';

const WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KILL_AFTER_MS = [50, 400] as const;
const READY_TIMEOUT_MS = 60_000;
const SWEEP_EVERY = 5;
const SHOWN_IDS = 5;

export class CrashViolation extends Error {
  override readonly name = 'CrashViolation';
}

/** A sequence of kill cycles on one shard directory, and everything the workers reported. */
export interface CrashRun {
  readonly dir: string;
  readonly seed: number;
  readonly random: Random;
  generation: number;
  readonly committing: Set<bigint>;
  readonly acked: Set<bigint>;
  readonly rolledBack: Set<bigint>;
}

export interface CycleStats {
  readonly generation: number;
  readonly killAfterMs: number;
  readonly acked: number;
  readonly rolledBack: number;
  /** Commits called but not acknowledged when the kill came. */
  readonly inFlight: number;
  /** Transfer rows in the shard after the restart. */
  readonly transfers: number;
  readonly swept: boolean;
}

/** `dir` must be new or empty: the audit knows only the history of this run. */
export function startCrashRun(dir: string, seed: number): CrashRun {
  return { dir, seed, random: prng(seed), generation: 0, committing: new Set(), acked: new Set(), rolledBack: new Set() };
}

export async function killCycle(run: CrashRun): Promise<CycleStats> {
  run.generation++;
  const killAfterMs = between(run.random, ...KILL_AFTER_MS);
  const events = await runWorker(run, killAfterMs);
  const count = (event: WorkerEvent): number => events.filter(([e]) => e === event).length;
  for (const [event, id] of events) {
    if (event === 'commit') run.committing.add(id);
    else if (event === 'ack') run.acked.add(id);
    else if (event === 'rolledback') run.rolledBack.add(id);
  }
  const { transfers, swept } = await audit(run);
  return { generation: run.generation, killAfterMs, acked: count('ack'), rolledBack: count('rolledback'), inFlight: count('commit') - count('ack'), transfers, swept };
}

function violation(run: CrashRun, problem: string): CrashViolation {
  return new CrashViolation(`crash run seed ${run.seed}, kill ${run.generation} (${run.dir}): ${problem}`);
}

/** Runs the worker's next generation and kills it `killAfterMs` after it is ready. */
function runWorker(run: CrashRun, killAfterMs: number): Promise<[WorkerEvent, bigint][]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, run.dir, String(run.seed), String(run.generation)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: [WorkerEvent, bigint][] = [];
    let pending = '';
    let stderr = '';
    let ready = false;
    let unexpected = '';
    let timer = setTimeout(() => child.kill('SIGKILL'), READY_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const event = /^(commit|ack|rolledback) (\d+)$/.exec(line);
        if (event !== null) events.push([event[1] as WorkerEvent, BigInt(event[2])]);
        else if (line === 'ready') {
          ready = true;
          clearTimeout(timer);
          timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        } else unexpected ||= line;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (unexpected !== '') return reject(violation(run, `the worker printed an unexpected line: ${unexpected}`));
      if (ready && signal === 'SIGKILL') return resolve(events);
      const how = !ready && signal === 'SIGKILL' ? `did not become ready within ${READY_TIMEOUT_MS} ms` : `ended by itself (exit code ${code}, signal ${signal})`;
      reject(violation(run, `the worker ${how}${stderr === '' ? '' : `:\n${stderr}`}`));
    });
  });
}

function sample(ids: Iterable<bigint>): string {
  const all = [...ids];
  return `${all.length} (e.g. ${all.slice(0, SHOWN_IDS).join(', ')})`;
}

async function audit(run: CrashRun): Promise<{ transfers: number; swept: boolean }> {
  let shard: Shard;
  try {
    shard = await Shard.open(run.dir);
  } catch (error) {
    throw violation(run, `the shard does not open after the crash: ${(error as Error).stack ?? String(error)}`);
  }
  const problems: string[] = [];
  let transfers = 0;
  const swept = run.generation % SWEEP_EVERY === 0;
  try {
    const { oat, next } = shard.markers();
    if (oat !== next) problems.push(`transaction ${oat} is active right after the restart (next id ${next})`);

    const read = shard.begin({ isolation: 'snapshot', readOnly: true });
    const balances = new Map<number, bigint>();
    for (const [id, balance] of read.scan('acct')) balances.set(id as number, balance as bigint);
    const expected = new Map<number, bigint>();
    for (let id = 1; id <= ACCOUNTS; id++) expected.set(id, OPENING_BALANCE);
    const present = new Set<bigint>();
    for (const [id, src, dst, amount] of read.scan('transfers')) {
      present.add(id as bigint);
      expected.set(src as number, (expected.get(src as number) ?? 0n) - (amount as bigint));
      expected.set(dst as number, (expected.get(dst as number) ?? 0n) + (amount as bigint));
    }
    await read.commit();
    transfers = present.size;

    const total = [...balances.values()].reduce((a, b) => a + b, 0n);
    if (total !== TOTAL_BALANCE) problems.push(`total balance is ${total}, not ${TOTAL_BALANCE}`);
    if (balances.size !== ACCOUNTS) problems.push(`${balances.size} accounts instead of ${ACCOUNTS}`);
    const wrong = [...expected].filter(([id, balance]) => balances.get(id) !== balance);
    if (wrong.length > 0) {
      problems.push(`balances disagree with the transfer rows: ${wrong.slice(0, SHOWN_IDS).map(([id, b]) => `account ${id} holds ${balances.get(id)}, transfers say ${b}`).join('; ')}`);
    }
    const lost = [...run.acked].filter((id) => !present.has(id));
    if (lost.length > 0) problems.push(`acknowledged transfers missing: ${sample(lost)}`);
    const undone = [...run.rolledBack].filter((id) => present.has(id));
    if (undone.length > 0) problems.push(`rolled-back transfers present: ${sample(undone)}`);
    const uncommitted = [...present].filter((id) => !run.committing.has(id));
    if (uncommitted.length > 0) problems.push(`transfers present that never called commit: ${sample(uncommitted)}`);

    // A transaction still taken for active would hold its row locks: every account must be free.
    const probe = shard.begin({ lockTimeoutMs: 1000 });
    for (let id = 1; id <= ACCOUNTS; id++) {
      try {
        await probe.delete('acct', [id], () => false);
      } catch (error) {
        problems.push(`account ${id} cannot be locked after the restart: ${(error as { code?: string }).code} ${(error as Error).message}`);
        break;
      }
    }
    await probe.rollback();

    if (swept) {
      await shard.sweep();
      const after = shard.markers();
      if (after.oit !== after.next) problems.push(`after a sweep the OIT is ${after.oit}, not the next id ${after.next}`);
    }
  } finally {
    await shard.close();
  }
  if (problems.length > 0) throw violation(run, problems.join('\n  '));
  return { transfers, swept };
}
