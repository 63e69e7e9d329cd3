/** Shared setup for engine tests: temporary shard directories and a standard table. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Shard, type ShardOptions } from '../../src/engine/index.ts';

const dirs: string[] = [];
const shards: Shard[] = [];

afterEach(async () => {
  for (const shard of shards.splice(0)) await shard.close().catch(() => {});
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-engine-'));
  dirs.push(dir);
  return dir;
}

/** Opens a shard that is closed and deleted after the test. */
export async function openShard(dir = tempDir(), options: ShardOptions = {}): Promise<Shard> {
  const shard = await Shard.open(dir, options);
  shards.push(shard);
  return shard;
}

/** A shard with `acct(id int4 pk, owner text not null, balance int8)` and an index on owner. */
export async function shardWithAccounts(options: ShardOptions = {}, rows = 0): Promise<Shard> {
  const shard = await openShard(tempDir(), options);
  const tx = shard.begin();
  await tx.createTable({
    name: 'acct',
    columns: [
      { name: 'id', type: 'int4' },
      { name: 'owner', type: 'text', notNull: true },
      { name: 'balance', type: 'int8' },
    ],
    primaryKey: ['id'],
    indexes: [{ name: 'acct_owner', columns: ['owner'] }],
  });
  for (let i = 1; i <= rows; i++) await tx.insert('acct', [i, `owner${i}`, 100n]);
  await tx.commit();
  return shard;
}

export async function expectCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if ((error as { code?: string }).code === code) return;
    throw new Error(`expected SQLSTATE ${code}, got ${(error as { code?: string }).code}: ${(error as Error).message}`);
  }
  throw new Error(`expected SQLSTATE ${code}, but it succeeded`);
}
