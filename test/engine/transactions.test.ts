/** Transactions on one shard: visibility, isolation, waits, conflicts, savepoints. */
import { describe, expect, it } from 'vitest';
import { expectCode, shardWithAccounts } from './helpers.ts';

describe('visibility', () => {
  it('shows a transaction its own writes and hides them from others until commit', async () => {
    const shard = await shardWithAccounts();
    const writer = shard.begin();
    await writer.insert('acct', [1, 'ann', 10n]);
    expect(writer.get('acct', [1])).toEqual([1, 'ann', 10n]);
    const reader = shard.begin();
    expect(reader.get('acct', [1])).toBeUndefined();
    await writer.commit();
    expect(reader.get('acct', [1])).toBeUndefined(); // same statement snapshot
    reader.newStatement();
    expect(reader.get('acct', [1])).toEqual([1, 'ann', 10n]);
    await reader.commit();
  });

  it('keeps a SNAPSHOT transaction on the data of its start', async () => {
    const shard = await shardWithAccounts({}, 3);
    const snap = shard.begin({ isolation: 'snapshot' });
    const rc = shard.begin();
    const writer = shard.begin();
    await writer.update('acct', [1], (r) => [r[0], r[1], 500n]);
    await writer.delete('acct', [2]);
    await writer.insert('acct', [4, 'dan', 1n]);
    await writer.commit();
    snap.newStatement();
    rc.newStatement();
    expect([...snap.scan('acct')].map((r) => r[2])).toEqual([100n, 100n, 100n]);
    expect([...rc.scan('acct')].map((r) => [r[0], r[2]])).toEqual([[1, 500n], [3, 100n], [4, 1n]]);
  });

  it('never blocks a reader on a writer, nor a writer on a reader', async () => {
    const shard = await shardWithAccounts({ lockTimeoutMs: 200 }, 1);
    const writer = shard.begin();
    await writer.update('acct', [1], (r) => [r[0], r[1], 1n]);
    const reader = shard.begin({ readOnly: true });
    expect(reader.get('acct', [1])?.[2]).toBe(100n);
    expect([...reader.scan('acct')]).toHaveLength(1);
    // A reader still open does not hold the writer back.
    await writer.commit();
    expect(reader.get('acct', [1])?.[2]).toBe(100n);
  });

  it('rejects writes in a read-only transaction', async () => {
    const shard = await shardWithAccounts();
    const tx = shard.begin({ readOnly: true });
    await expectCode(tx.insert('acct', [1, 'x', 1n]), '25006');
  });
});

describe('write conflicts', () => {
  it('makes a READ COMMITTED updater wait, then re-read the newest version', async () => {
    const shard = await shardWithAccounts({}, 1);
    const first = shard.begin();
    await first.update('acct', [1], (r) => [r[0], r[1], (r[2] as bigint) + 10n]);
    const second = shard.begin();
    let seen: bigint | undefined;
    const pending = second.update('acct', [1], (r) => {
      seen = r[2] as bigint;
      return [r[0], r[1], (r[2] as bigint) + 1n];
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toBeUndefined(); // still waiting
    await first.commit();
    await pending;
    expect(seen).toBe(110n);
    await second.commit();
    const check = shard.begin();
    expect(check.get('acct', [1])?.[2]).toBe(111n);
  });

  it('lets the update callback decline after the re-read (re-check)', async () => {
    const shard = await shardWithAccounts({}, 1);
    const first = shard.begin();
    await first.update('acct', [1], (r) => [r[0], 'changed', r[2]]);
    const second = shard.begin();
    const pending = second.update('acct', [1], (r) => (r[1] === 'owner1' ? [r[0], r[1], 0n] : null));
    await first.commit();
    expect(await pending).toBeNull();
  });

  it('fails a SNAPSHOT updater with 40001 when the row changed after its snapshot', async () => {
    const shard = await shardWithAccounts({}, 1);
    const snap = shard.begin({ isolation: 'snapshot' });
    snap.get('acct', [1]);
    const other = shard.begin();
    await other.update('acct', [1], (r) => [r[0], r[1], 1n]);
    const pending = snap.update('acct', [1], (r) => [r[0], r[1], 2n]);
    await other.commit();
    await expectCode(pending, '40001');
  });

  it('lets the waiter proceed on the old version when the holder rolls back', async () => {
    const shard = await shardWithAccounts({}, 1);
    const first = shard.begin();
    await first.delete('acct', [1]);
    const second = shard.begin({ isolation: 'snapshot' });
    const pending = second.update('acct', [1], (r) => [r[0], r[1], 7n]);
    await first.rollback();
    expect(await pending).toEqual([1, 'owner1', 7n]);
    await second.commit();
  });

  it('gives up after the lock timeout with 55P03', async () => {
    const shard = await shardWithAccounts({}, 1);
    const first = shard.begin();
    await first.update('acct', [1], (r) => r);
    const second = shard.begin({ lockTimeoutMs: 100 });
    const started = Date.now();
    await expectCode(second.update('acct', [1], (r) => r), '55P03');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await first.commit();
  });

  it('defaults the lock timeout to 10 s', async () => {
    const shard = await shardWithAccounts();
    expect(shard.begin().lockTimeoutMs).toBe(10_000);
  });

  it('detects a deadlock with 40P01 instead of waiting out the timeout', async () => {
    const shard = await shardWithAccounts({}, 2);
    const a = shard.begin();
    const b = shard.begin();
    await a.update('acct', [1], (r) => r);
    await b.update('acct', [2], (r) => r);
    const aWaits = a.update('acct', [2], (r) => r);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expectCode(b.update('acct', [1], (r) => r), '40P01');
    await b.rollback();
    await aWaits;
    await a.commit();
  });

  it('makes a concurrent insert of the same key wait, then fail with 23505 if the first commits', async () => {
    const shard = await shardWithAccounts();
    const first = shard.begin();
    await first.insert('acct', [9, 'a', 1n]);
    const second = shard.begin();
    const pending = second.insert('acct', [9, 'b', 2n]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await first.commit();
    await expectCode(pending, '23505');
  });

  it('lets the second insert of a key succeed when the first rolls back', async () => {
    const shard = await shardWithAccounts();
    const first = shard.begin();
    await first.insert('acct', [9, 'a', 1n]);
    const second = shard.begin();
    const pending = second.insert('acct', [9, 'b', 2n]);
    await first.rollback();
    await pending;
    await second.commit();
    expect(shard.begin().get('acct', [9])).toEqual([9, 'b', 2n]);
  });

  it('enforces unique secondary indexes across concurrent transactions', async () => {
    const shard = await shardWithAccounts();
    const setup = shard.begin();
    await setup.createIndex('acct', { name: 'acct_owner_key', columns: ['owner'], unique: true });
    await setup.insert('acct', [1, 'ann', 1n]);
    await setup.commit();
    const tx = shard.begin();
    await expectCode(tx.insert('acct', [2, 'ann', 1n]), '23505');
    const first = shard.begin();
    await first.insert('acct', [3, 'bob', 1n]);
    const second = shard.begin();
    const pending = second.insert('acct', [4, 'bob', 1n]);
    await first.commit();
    await expectCode(pending, '23505');
    // Changing the owner frees the old value for someone else.
    const rename = shard.begin();
    await rename.update('acct', [1], (r) => [r[0], 'zed', r[2]]);
    await rename.commit();
    const reuse = shard.begin();
    await reuse.insert('acct', [5, 'ann', 1n]);
    await reuse.commit();
    // NULLs never conflict (only nullable columns can hold them; owner is NOT NULL, so skip).
  });

  it('finds unique-index duplicates among writes not yet flushed to LMDB', async () => {
    const shard = await shardWithAccounts({ overlayLimit: 1_000_000 });
    const setup = shard.begin();
    await setup.createIndex('acct', { name: 'acct_owner_key', columns: ['owner'], unique: true });
    await setup.commit();
    const bulk = shard.begin();
    for (let i = 1; i <= 5000; i++) await bulk.insert('acct', [i, `owner${i}`, 0n]);
    await expectCode(bulk.insert('acct', [9999, 'owner2500', 0n]), '23505');
    // Another transaction must wait for the uncommitted holder, then see the conflict.
    const other = shard.begin();
    const pending = other.insert('acct', [10_000, 'owner4000', 0n]);
    await bulk.commit();
    await expectCode(pending, '23505');
    await other.rollback();
    // A value freed by an update in the same, unflushed transaction can be taken again.
    const swap = shard.begin();
    await swap.update('acct', [1], (r) => [r[0], 'moved', r[2]]);
    await swap.insert('acct', [10_001, 'owner1', 0n]);
    await swap.commit();
    const check = shard.begin();
    expect([...check.scan('acct', { index: 'acct_owner_key', lower: { values: ['owner1'] }, upper: { values: ['owner1'] } })].map((r) => r[0])).toEqual([10_001]);
  });
});

describe('savepoints and rollback', () => {
  it('undoes work back to nested savepoints and keeps what came before', async () => {
    const shard = await shardWithAccounts({}, 1);
    const tx = shard.begin();
    await tx.update('acct', [1], (r) => [r[0], r[1], 1n]);
    tx.savepoint('a');
    await tx.update('acct', [1], (r) => [r[0], r[1], 2n]);
    await tx.insert('acct', [2, 'x', 0n]);
    tx.savepoint('b');
    await tx.delete('acct', [1]);
    expect(tx.get('acct', [1])).toBeUndefined();
    tx.rollbackToSavepoint('b');
    expect(tx.get('acct', [1])?.[2]).toBe(2n);
    tx.rollbackToSavepoint('a');
    expect(tx.get('acct', [1])?.[2]).toBe(1n);
    expect(tx.get('acct', [2])).toBeUndefined();
    expect([...tx.scan('acct', { index: 'acct_owner' })].map((r) => r[0])).toEqual([1]);
    tx.releaseSavepoint('a');
    await expectCode(() => tx.rollbackToSavepoint('b'), '3B001');
    await tx.commit();
    expect(shard.begin().get('acct', [1])?.[2]).toBe(1n);
  });

  it('removes every trace of a rolled-back transaction', async () => {
    const shard = await shardWithAccounts({}, 2);
    const tx = shard.begin();
    await tx.update('acct', [1], (r) => [r[0], 'moved', r[2]]);
    await tx.delete('acct', [2]);
    await tx.insert('acct', [3, 'new', 0n]);
    await tx.rollback();
    const check = shard.begin();
    expect([...check.scan('acct')].map((r) => r[1])).toEqual(['owner1', 'owner2']);
    expect([...check.scan('acct', { index: 'acct_owner' })].map((r) => r[1])).toEqual(['owner1', 'owner2']);
    await expectCode(() => check.get('acct', [1, 2]), '22023');
  });

  it('rolls back DDL with the transaction', async () => {
    const shard = await shardWithAccounts({}, 1);
    const tx = shard.begin();
    await tx.createTable({ name: 'temp', columns: [{ name: 'k', type: 'text' }], primaryKey: ['k'] });
    await tx.insert('temp', ['a']);
    await tx.dropTable('acct');
    expect(tx.tableNames()).toEqual(['temp']);
    expect(shard.begin().tableNames()).toEqual(['acct']);
    await tx.rollback();
    const check = shard.begin();
    expect(check.tableNames()).toEqual(['acct']);
    expect(check.get('acct', [1])).toBeDefined();
    await expectCode(() => check.get('temp', ['a']), '42P01');
  });

  it('makes DDL wait for transactions using the table', async () => {
    const shard = await shardWithAccounts({}, 1);
    const user = shard.begin();
    await user.update('acct', [1], (r) => r);
    const ddl = shard.begin({ lockTimeoutMs: 100 });
    await expectCode(ddl.dropTable('acct'), '55P03');
    await ddl.rollback(); // a failed statement leaves its transaction holding its locks until it ends
    await user.commit();
    const ddl2 = shard.begin();
    await ddl2.dropTable('acct');
    await ddl2.commit();
    await expectCode(() => shard.begin().get('acct', [1]), '42P01');
  });
});

describe('group commit', () => {
  it('shares one fsync among transactions committing together', async () => {
    const shard = await shardWithAccounts({}, 16);
    const before = shard.stats().durableFlushes;
    await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const tx = shard.begin();
        await tx.update('acct', [i + 1], (r) => [r[0], r[1], 1n]);
        await tx.commit();
      }),
    );
    expect(shard.stats().durableFlushes - before).toBeLessThan(4);
    expect(shard.stats().commits).toBeGreaterThanOrEqual(17);
  });
});
