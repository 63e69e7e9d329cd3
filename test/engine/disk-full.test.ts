/**
 * A full disk: writes fail with SQLSTATE 53100, nothing half-written becomes visible, and the
 * shard stays usable — reads at once, writes again once space is freed. The shard lives on a
 * small tmpfs mounted for the test (needs root, as CI and the dev machines run).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Shard } from '../../src/engine/index.ts';

function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const mountPoint = mkdtempSync(join(tmpdir(), 'sb-diskfull-'));
const mounted = mountTmpfs(mountPoint, '6m');
afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

it.runIf(mounted)('fails writes with 53100 on a full disk and recovers when space returns', async () => {
  const filler = join(mountPoint, 'filler');
  writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024));
  const shard = await Shard.open(join(mountPoint, 'shard'));
  try {
    const setup = shard.begin();
    await setup.createTable({ name: 't', columns: [{ name: 'k', type: 'int4' }, { name: 'v', type: 'text' }], primaryKey: ['k'] });
    await setup.insert('t', [0, 'first']);
    await setup.commit();

    let failure: { code?: string } | undefined;
    let k = 1;
    while (failure === undefined && k < 100_000) {
      const tx = shard.begin();
      try {
        for (let i = 0; i < 200; i++, k++) await tx.insert('t', [k, 'v'.repeat(200)]);
        await tx.commit();
      } catch (error) {
        failure = error as { code?: string };
        await tx.rollback();
      }
    }
    expect(failure?.code).toBe('53100');
    const reader = shard.begin();
    const rows = [...reader.scan('t')];
    expect(rows[0]).toEqual([0, 'first']);
    const committed = rows.length;
    await reader.commit();

    rmSync(filler);
    const tx = shard.begin();
    await tx.insert('t', [1_000_000, 'after']);
    await tx.commit();
    const after = shard.begin();
    expect(after.get('t', [1_000_000])).toEqual([1_000_000, 'after']);
    expect([...after.scan('t')]).toHaveLength(committed + 1);
  } finally {
    await shard.close().catch(() => {});
  }
});
