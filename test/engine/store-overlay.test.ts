/**
 * The store's write overlay under range scans: a scan over a small overlay merges the staged
 * writes into what it reads from LMDB, and must see exactly what it would see had the overlay
 * been flushed first — forward and reverse, bounded or not, values replaced, keys deleted.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/engine/store.ts';
import { prng } from './prng.ts';
import { tempDir } from './helpers.ts';

const stores: Store[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function openStore(): Store {
  const store = new Store(join(tempDir(), 'data.mdb'));
  stores.push(store);
  return store;
}

function key(n: number): Buffer {
  const k = Buffer.alloc(3);
  k.writeUIntBE(n, 0, 3);
  return k;
}

function entries(iterable: Iterable<{ key: Buffer; value: Buffer }>): string[] {
  return [...iterable].map(({ key: k, value }) => `${k.toString('hex')}=${value.toString('hex')}`);
}

describe('range scans over a staged overlay', () => {
  it('see the same entries as after a flush', () => {
    const random = prng(7);
    for (let round = 0; round < 40; round++) {
      const merged = openStore();
      const flushed = openStore();
      const apply = (write: (store: Store) => void): void => {
        write(merged);
        write(flushed);
      };
      for (let i = 0; i < 60; i++) {
        const k = key(Math.floor(random() * 100));
        apply((s) => s.put('records', k, Buffer.from([i])));
      }
      for (const s of [merged, flushed]) s.flush();
      // A second wave stays staged in `merged`: replacements, deletions and new keys.
      for (let i = 0; i < 30; i++) {
        const k = key(Math.floor(random() * 110));
        if (random() < 0.4) apply((s) => s.del('records', k));
        else apply((s) => s.put('records', k, Buffer.from([100 + i])));
      }
      flushed.flush();
      const lo = Math.floor(random() * 60);
      const hi = lo + Math.floor(random() * 60);
      const ranges = [{}, { start: key(lo) }, { end: key(hi) }, { start: key(lo), end: key(hi) }, { start: key(hi), end: key(lo), reverse: true }, { start: key(hi), reverse: true }, { reverse: true }];
      for (const options of ranges) {
        expect({ options, got: entries(merged.range('records', options)) }).toEqual({ options, got: entries(flushed.rangeStored('records', options)) });
      }
    }
  });
});
