/**
 * Child program of the crash-recovery test: runs concurrent bank transfers on a shard until
 * it is killed with SIGKILL, reporting on stdout what it was told (see `WorkerEvent`).
 *
 *   node --import tsx test/engine/crash-worker.ts DIR SEED GENERATION
 *
 * Each line is one synchronous write(2), so a line is on the pipe before the program goes on
 * and a kill can neither lose nor tear it. Transactions are paused at random points so that a
 * kill finds some with their versions already flushed to disk but not committed.
 */
import { writeSync } from 'node:fs';
import { Shard, type Transaction } from '../../src/engine/index.ts';
import { ACCOUNTS, OPENING_BALANCE, transferId, type WorkerEvent } from './crash-bank.ts';
import { between, prng, type Random } from './prng.ts';

const CLIENTS = 16;
const ROLLBACK_SHARE = 0.1;
/** Row-lock conflicts between transfers are expected: deadlock, lock timeout. */
const CONFLICTS = new Set(['40P01', '55P03']);

function emit(event: WorkerEvent, id?: bigint): void {
  writeSync(1, id === undefined ? `${event}\n` : `${event} ${id}\n`);
}

function fail(error: unknown): never {
  writeSync(2, `crash-worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

/** Creates the bank in one transaction, so a restart finds either all of it or none. */
async function setUp(shard: Shard): Promise<void> {
  const tx = shard.begin();
  if (!tx.tableNames().includes('acct')) {
    await tx.createTable({ name: 'acct', columns: [{ name: 'id', type: 'int4' }, { name: 'balance', type: 'int8' }], primaryKey: ['id'] });
    await tx.createTable({
      name: 'transfers',
      columns: [{ name: 'id', type: 'int8' }, { name: 'src', type: 'int4' }, { name: 'dst', type: 'int4' }, { name: 'amount', type: 'int8' }],
      primaryKey: ['id'],
    });
    for (let id = 1; id <= ACCOUNTS; id++) await tx.insert('acct', [id, OPENING_BALANCE]);
  }
  await tx.commit();
}

/** Usually nothing, often a few ms (other commits flush our versions), now and then a long stall. */
function pause(random: Random): Promise<void> {
  const roll = random();
  if (roll < 0.6) return Promise.resolve();
  const ms = roll < 0.98 ? between(random, 0, 3) : between(random, 20, 80);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function client(shard: Shard, random: Random, nextId: () => bigint): Promise<never> {
  const credit = async (tx: Transaction, account: number, amount: bigint): Promise<void> => {
    const row = await tx.update('acct', [account], (r) => [r[0], (r[1] as bigint) + amount]);
    if (row === null) throw new Error(`account ${account} is missing`);
  };
  for (;;) {
    const id = nextId();
    const src = between(random, 1, ACCOUNTS);
    const dst = ((src + between(random, 0, ACCOUNTS - 2)) % ACCOUNTS) + 1;
    const amount = BigInt(between(random, 1, 100));
    const tx = shard.begin();
    try {
      await credit(tx, src, -amount);
      await pause(random);
      await credit(tx, dst, amount);
      await pause(random);
      await tx.insert('transfers', [id, src, dst, amount]);
      await pause(random);
      if (random() < ROLLBACK_SHARE) {
        await tx.rollback();
        emit('rolledback', id);
      } else {
        emit('commit', id);
        await tx.commit();
        emit('ack', id);
      }
    } catch (error) {
      if (!CONFLICTS.has((error as { code?: string }).code ?? '')) throw error;
      await tx.rollback();
    }
  }
}

async function main(): Promise<void> {
  const [dir, seedArg, generationArg] = process.argv.slice(2);
  const seed = Number(seedArg);
  const generation = Number(generationArg);
  if (dir === undefined || !Number.isInteger(seed) || !Number.isInteger(generation) || generation < 1) {
    throw new Error('usage: crash-worker.ts DIR SEED GENERATION (integers, GENERATION ≥ 1)');
  }
  const shard = await Shard.open(dir);
  await setUp(shard);
  const random = prng(seed ^ Math.imul(generation, 0x9e3779b9));
  let counter = 0;
  const nextId = (): bigint => transferId(generation, ++counter);
  for (let i = 0; i < CLIENTS; i++) client(shard, random, nextId).catch(fail);
  emit('ready');
}

main().catch(fail);
