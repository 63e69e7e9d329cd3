/** The shard as a storage unit: directory, lock, catalog, scans, log, sweep, copies, bad input. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { decodeRow, Shard } from '../../src/engine/index.ts';
import { recordKey } from '../../src/engine/catalog.ts';
import { encodeKey } from '../../src/engine/key-codec.ts';
import { parseChain } from '../../src/engine/versions.ts';
import { expectCode, openShard, shardWithAccounts, tempDir } from './helpers.ts';

describe('a shard directory', () => {
  it('keeps committed data, catalog and schema version across close and reopen', async () => {
    const dir = tempDir();
    const shard = await Shard.open(dir);
    const tx = shard.begin();
    await tx.createTable({ name: 't', columns: [{ name: 'k', type: 'int8' }, { name: 'v', type: 'numeric(10,2)' }], primaryKey: ['k'] });
    await tx.insert('t', [1n, '1.50']);
    await tx.commit();
    const lost = shard.begin();
    await lost.insert('t', [2n, '2.00']);
    const version = shard.schemaVersion;
    await shard.close();

    const again = await openShard(dir);
    expect(again.schemaVersion).toBe(version);
    const read = again.begin();
    expect(read.table('t').stored.columns.map((c) => c.type)).toEqual(['int8', 'numeric(10,2)']);
    expect([...read.scan('t')]).toEqual([[1n, '1.50']]);
  });

  it('refuses a second opener, in this process or another, with a clear error', async () => {
    const dir = tempDir();
    await openShard(dir);
    await expectCode(Shard.open(dir), '55006');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', `
      import('${join(process.cwd(), 'src/engine/index.ts')}').then(({ Shard }) => Shard.open('${dir}'))
        .then(() => { console.log('opened'); process.exit(0); }, (e) => { console.log(e.code + ' ' + e.message); process.exit(3); });
    `], { encoding: 'utf8' });
    expect(child.status).toBe(3);
    expect(child.stdout).toMatch(/^55006 shard .* is held open by process \d+/);
  });
});

describe('scans', () => {
  async function numbers() {
    const shard = await openShard();
    const tx = shard.begin();
    await tx.createTable({
      name: 'n',
      columns: [{ name: 'a', type: 'int4' }, { name: 'b', type: 'int4' }, { name: 'label', type: 'text' }],
      primaryKey: ['a', 'b'],
      indexes: [{ name: 'n_label', columns: ['label'] }, { name: 'n_b_desc', columns: [{ column: 'b', desc: true }] }],
    });
    for (let a = -2; a <= 2; a++) for (let b = 0; b < 3; b++) await tx.insert('n', [a, b, `L${String((a + 2) * 3 + b).padStart(2, '0')}`]);
    await tx.commit();
    return shard.begin();
  }
  const pk = (rows: Iterable<readonly unknown[]>) => [...rows].map((r) => `${r[0]}/${r[1]}`);

  it('walks the primary key both ways with inclusive, exclusive and prefix bounds', async () => {
    const tx = await numbers();
    expect(pk(tx.scan('n', { lower: { values: [1] } }))).toEqual(['1/0', '1/1', '1/2', '2/0', '2/1', '2/2']);
    expect(pk(tx.scan('n', { lower: { values: [-1], inclusive: false }, upper: { values: [1], inclusive: false } }))).toEqual(['0/0', '0/1', '0/2']);
    expect(pk(tx.scan('n', { lower: { values: [0, 1] }, upper: { values: [1, 0] } }))).toEqual(['0/1', '0/2', '1/0']);
    expect(pk(tx.scan('n', { lower: { values: [0] }, upper: { values: [0] }, reverse: true }))).toEqual(['0/2', '0/1', '0/0']);
    expect(pk(tx.scan('n', { upper: { values: [-1] }, reverse: true }))).toEqual(['-1/2', '-1/1', '-1/0', '-2/2', '-2/1', '-2/0']);
    expect(pk(tx.scan('n', { lower: { values: [2, 1], inclusive: false }, reverse: true }))).toEqual(['2/2']);
    expect(pk(tx.scan('n', { lower: { values: [3] } }))).toEqual([]);
  });

  it('walks secondary indexes, ascending and descending, and keeps them right through updates', async () => {
    const tx = await numbers();
    expect(pk(tx.scan('n', { index: 'n_label', lower: { values: ['L12'] } }))).toEqual(['2/0', '2/1', '2/2']);
    expect(pk(tx.scan('n', { index: 'n_b_desc', upper: { values: [1] } })).slice(0, 2)).toEqual(['-2/2', '-1/2']);
    await tx.update('n', [2, 2], (r) => [r[0], r[1], 'A']);
    expect(pk(tx.scan('n', { index: 'n_label', upper: { values: ['B'] } }))).toEqual(['2/2']);
    expect(pk(tx.scan('n', { index: 'n_label', lower: { values: ['L12'] } }))).toEqual(['2/0', '2/1']);
    expect(pk(tx.scan('n', { index: 'n_label', reverse: true })).slice(0, 2)).toEqual(['2/1', '2/0']);
  });

  it('does not revisit rows the scanning transaction updates (no Halloween problem)', async () => {
    const tx = await numbers();
    let visited = 0;
    for (const row of tx.scan('n', { index: 'n_label' })) {
      visited++;
      await tx.update('n', [row[0], row[1]], (r) => [r[0], r[1], `Z${r[2]}`]);
    }
    expect(visited).toBe(15);
  });
});

describe('write-after log', () => {
  it('records each commit with increasing LSNs and before/after images', async () => {
    const shard = await shardWithAccounts({}, 1);
    const start = shard.logBounds().next;
    const tx = shard.begin();
    await tx.insert('acct', [2, 'bo', 5n]);
    await tx.update('acct', [1], (r) => [r[0], r[1], 99n]);
    await tx.delete('acct', [2]); // net effect of insert + delete is nothing
    await tx.commit();
    const rolledBack = shard.begin();
    await rolledBack.insert('acct', [3, 'x', 0n]);
    await rolledBack.rollback();
    const entries = [...shard.readLog(start)];
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry.final).toBe(true);
    expect(entry.txn).toBe(tx.id);
    const types = tx.table('acct').types;
    expect(entry.changes.map((c) => [c.tableId, c.before && decodeRow(types, c.before), c.after && decodeRow(types, c.after)])).toEqual([
      [tx.table('acct').id, [1, 'owner1', 100n], [1, 'owner1', 99n]],
    ]);
    expect(shard.logBounds().next).toBe(start + 1);
  });

  it('splits big commits, and trims to the retention setting with a clear error for old LSNs', async () => {
    const shard = await shardWithAccounts({ logRetention: 5 });
    const tx = shard.begin();
    for (let i = 0; i < 2500; i++) await tx.insert('acct', [i, `o${i}`, 0n]);
    await tx.commit();
    const { first, next } = shard.logBounds();
    const entries = [...shard.readLog(first)];
    expect(entries.map((e) => e.lsn)).toEqual(Array.from({ length: next - first }, (_, i) => first + i));
    expect(entries.slice(-3).map((e) => [e.changes.length, e.final])).toEqual([[1024, false], [1024, false], [452, true]]);
    for (let i = 0; i < 10; i++) {
      const t = shard.begin();
      await t.update('acct', [i], (r) => [r[0], r[1], 1n]);
      await t.commit();
    }
    expect(shard.logBounds().next - shard.logBounds().first).toBeLessThanOrEqual(5);
    await expectCode(async () => [...shard.readLog(first)], '55000');
  });
});

describe('sweep and markers', () => {
  it('marks transactions active at a crash dead, and a sweep removes their versions and advances the OIT', async () => {
    const dir = tempDir();
    const script = `
      import('${join(process.cwd(), 'src/engine/index.ts')}').then(async ({ Shard }) => {
        const shard = await Shard.open('${dir}');
        const setup = shard.begin();
        await setup.createTable({ name: 't', columns: [{ name: 'k', type: 'int4' }], primaryKey: ['k'] });
        await setup.insert('t', [1]);
        await setup.commit();
        const doomed = shard.begin();
        for (let k = 2; k < 100; k++) await doomed.insert('t', [k]);
        await doomed.update('t', [1], () => [1]);
        shard.store.flush(true); // its versions reach disk, uncommitted
        process.kill(process.pid, 'SIGKILL');
      });`;
    spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    const shard = await openShard(dir);
    const before = shard.markers();
    expect(before.oit).toBeLessThan(before.next);
    expect(before.oat).toBe(before.next);
    const reader = shard.begin();
    expect([...reader.scan('t')]).toEqual([[1]]);
    await reader.commit(); // an open transaction would hold the OIT
    const report = await shard.sweep();
    expect(report.versionsRemoved).toBeGreaterThanOrEqual(99);
    expect(shard.markers().oit).toBe(shard.markers().next);
    expect([...shard.begin().scan('t')]).toEqual([[1]]);
  });

  it('after a clean close, read-only transactions leave nothing dead: no sweep is due on reopening', async () => {
    const dir = tempDir();
    const shard = await Shard.open(dir);
    const setup = shard.begin();
    await setup.createTable({ name: 't', columns: [{ name: 'k', type: 'int4' }], primaryKey: ['k'] });
    await setup.insert('t', [1]);
    await setup.commit();
    for (let i = 0; i < 50; i++) {
      const reader = shard.begin();
      expect(reader.get('t', [1])).toEqual([1]);
      await reader.commit();
    }
    const rolledBack = shard.begin();
    await rolledBack.insert('t', [2]);
    await rolledBack.rollback();
    const next = shard.markers().next;
    await shard.close();
    const reopened = await openShard(dir);
    expect(reopened.markers()).toMatchObject({ oit: next, next });
    expect([...reopened.begin().scan('t')]).toEqual([[1]]);
  });

  it('keeps versions an open snapshot still needs, and reclaims them after it ends', async () => {
    const shard = await shardWithAccounts({}, 1);
    const old = shard.begin({ isolation: 'snapshot' });
    for (let i = 0; i < 5; i++) {
      const tx = shard.begin();
      await tx.update('acct', [1], (r) => [r[0], r[1], BigInt(i)]);
      await tx.commit();
    }
    expect(shard.markers().ost).toBeLessThanOrEqual(old.id);
    expect(old.get('acct', [1])?.[2]).toBe(100n);
    await old.commit();
    await shard.sweep();
    const reader = shard.begin();
    const table = reader.table('acct');
    await reader.commit();
    const raw = shard.store.get('records', recordKey(table.id, encodeKey(table.pkParts, [1])));
    expect(parseChain(raw as Buffer)).toHaveLength(1);
    expect(shard.markers()).toMatchObject({ oit: shard.markers().next, ost: shard.markers().next });
  });
});

describe('hot copy', () => {
  it('copies a shard consistently while transactions run, and the copy opens as a shard', async () => {
    const shard = await shardWithAccounts({}, 200);
    const busy = shard.begin();
    await busy.update('acct', [1], (r) => [r[0], r[1], -1n]); // uncommitted at copy time
    const target = join(tempDir(), 'copy');
    await shard.hotCopy(target);
    await busy.commit();
    const copy = await openShard(target);
    const tx = copy.begin();
    expect([...tx.scan('acct')]).toHaveLength(200);
    expect(tx.get('acct', [1])?.[2]).toBe(100n);
    await tx.insert('acct', [201, 'new', 0n]);
    await tx.commit();
  });
});

describe('bad input changes nothing', () => {
  it('reports unknown tables, wrong types, NULLs, oversized keys and bad definitions', async () => {
    const shard = await shardWithAccounts({}, 1);
    const tx = shard.begin();
    await expectCode(tx.insert('nope', [1]), '42P01');
    await expectCode(tx.insert('acct', [2, 'x', 'not a bigint']), '42804');
    await expectCode(tx.insert('acct', [2, 'x']), '42804');
    await expectCode(tx.insert('acct', [2, null, 1n]), '23502');
    await expectCode(tx.insert('acct', [2 ** 40, 'x', 1n]), '22003');
    await expectCode(tx.update('acct', [1], (r) => [r[0], 'x'.repeat(3000), r[2]]), '54000');
    await expectCode(tx.createTable({ name: 'bad', columns: [{ name: 'a', type: 'wat' }], primaryKey: ['a'] }), '42704');
    await expectCode(tx.createTable({ name: 'bad', columns: [{ name: 'a', type: 'int4' }], primaryKey: ['b'] }), '42703');
    await expectCode(tx.createTable({ name: 'acct', columns: [{ name: 'a', type: 'int4' }], primaryKey: ['a'] }), '42P07');
    await tx.commit();
    const check = shard.begin();
    expect([...check.scan('acct')]).toEqual([[1, 'owner1', 100n]]);
    expect(check.tableNames()).toEqual(['acct']);
  });

  it('reports a corrupt stored record with XX001 and keeps serving the rest', async () => {
    const dir = tempDir();
    const shard = await Shard.open(dir);
    const tx = shard.begin();
    await tx.createTable({ name: 't', columns: [{ name: 'k', type: 'int4' }, { name: 'v', type: 'text' }], primaryKey: ['k'] });
    await tx.insert('t', [1, 'one']);
    await tx.insert('t', [2, 'two']);
    await tx.commit();
    const tableId = tx.table('t').id;
    await shard.close();
    // Damage record 2 behind the engine's back: a version header claiming more bytes than exist.
    const env = open({ path: join(dir, 'data.mdb'), maxDbs: 12 });
    const records = env.openDB<Buffer, Buffer>({ name: 'records', keyEncoding: 'binary', encoding: 'binary' });
    for (const { key, value } of records.getRange({})) {
      if (key.readUInt32BE(0) === tableId && key.length > 4 && key.at(-1) === 2) records.putSync(key, value.subarray(0, value.length - 2));
    }
    await env.close();
    const again = await openShard(dir);
    const read = again.begin();
    expect(read.get('t', [1])).toEqual([1, 'one']);
    await expectCode(() => read.get('t', [2]), 'XX001');
  });
});
