/**
 * Garbage collection keeps a hot table's file bounded: 1,000,000 updates over 1,000 rows, in
 * transactions of 50 updates, must stop growing the shard's file once the workload is steady.
 * Durability is relaxed only to keep the run short: collection does not depend on fsync.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openShard, tempDir } from './helpers.ts';

const ROWS = 1000;
const UPDATES = 1_000_000;
const PER_TXN = 50;

it('stops the file growing under 1,000,000 updates of 1,000 rows', async () => {
  const dir = tempDir();
  const shard = await openShard(dir, { durability: 'relaxed', logRetention: 1000 });
  const setup = shard.begin();
  await setup.createTable({
    name: 'hot',
    columns: [{ name: 'id', type: 'int4' }, { name: 'n', type: 'int8' }, { name: 'note', type: 'text' }],
    primaryKey: ['id'],
    indexes: [{ name: 'hot_n', columns: ['n'] }],
  });
  for (let id = 0; id < ROWS; id++) await setup.insert('hot', [id, 0n, 'x'.repeat(40)]);
  await setup.commit();

  const sizes: number[] = [];
  let seed = 42;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % ROWS);
  for (let done = 0; done < UPDATES; done += PER_TXN) {
    const tx = shard.begin();
    for (let i = 0; i < PER_TXN; i++) await tx.update('hot', [random()], (r) => [r[0], (r[1] as bigint) + 1n, r[2]]);
    await tx.commit();
    if ((done + PER_TXN) % 100_000 === 0) sizes.push(statSync(join(dir, 'data.mdb')).size);
  }
  console.log(`data.mdb bytes after each 100k updates: ${sizes.join(', ')}`);
  const steady = sizes.slice(4);
  expect(Math.max(...steady)).toBe(Math.min(...steady));
  const check = shard.begin();
  let total = 0n;
  for (const row of check.scan('hot')) total += row[1] as bigint;
  expect(total).toBe(BigInt(UPDATES));
  expect([...check.scan('hot', { index: 'hot_n' })]).toHaveLength(ROWS);
}, 300_000);
