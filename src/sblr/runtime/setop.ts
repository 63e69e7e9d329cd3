/**
 * UNION / INTERSECT / EXCEPT with PostgreSQL's duplicate rules: without ALL each distinct row
 * appears at most once; INTERSECT ALL keeps min(m, n) copies of a row found m times on the
 * left and n on the right, EXCEPT ALL max(m − n, 0). NULLs compare equal here. The left input
 * streams; the right one is counted in a hash table first (except for UNION).
 */
import type { Row } from '../../engine/types.ts';
import type { SetOpRel } from '../../sql/plan/ir.ts';
import type { Compiler, Source } from '../compile/compiler.ts';
import type { Cursor } from './cursor.ts';
import { compositeKeyOf, type HashKey } from './hash-key.ts';

type RowKey = (row: Row) => HashKey;

class UnionCursor implements Cursor {
  private current: Cursor;
  private onRight = false;
  private readonly seen: Set<HashKey> | null;
  constructor(left: Cursor, private readonly openRight: () => Cursor, private readonly key: RowKey | null) {
    this.current = left;
    this.seen = key === null ? null : new Set();
  }
  next(): Row | undefined {
    for (;;) {
      const row = this.current.next();
      if (row === undefined) {
        if (this.onRight) return undefined;
        this.onRight = true;
        this.current = this.openRight();
        continue;
      }
      if (this.seen === null) return row;
      const key = (this.key as RowKey)(row);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      return row;
    }
  }
  close(): void {
    this.current.close();
  }
}

/** INTERSECT and EXCEPT: the left rows, kept or dropped by what the right side counted. */
class FilterByCountsCursor implements Cursor {
  private readonly emitted = new Set<HashKey>();
  constructor(
    private readonly left: Cursor,
    private readonly counts: Map<HashKey, number>,
    private readonly key: RowKey,
    private readonly intersect: boolean,
    private readonly all: boolean,
  ) {}
  next(): Row | undefined {
    const { left, counts, key, emitted } = this;
    for (let row = left.next(); row !== undefined; row = left.next()) {
      const k = key(row);
      const count = counts.get(k) ?? 0;
      if (this.all) {
        if (count > 0) counts.set(k, count - 1);
        if ((count > 0) === this.intersect) return row;
        continue;
      }
      if ((count > 0) !== this.intersect || emitted.has(k)) continue;
      emitted.add(k);
      return row;
    }
    return undefined;
  }
  close(): void {
    this.left.close();
  }
}

export function compileSetOp(rel: SetOpRel, c: Compiler): Source {
  const left = c.rel(rel.left);
  const right = c.rel(rel.right);
  const key = compositeKeyOf(rel.columns.map((col) => col.type));
  if (rel.kind === 'union') {
    const dedupe = rel.all ? null : key;
    return (frame) => new UnionCursor(left(frame), () => right(frame), dedupe);
  }
  const intersect = rel.kind === 'intersect';
  return (frame) => {
    const counts = new Map<HashKey, number>();
    const rights = right(frame);
    for (let row = rights.next(); row !== undefined; row = rights.next()) {
      const k = key(row);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return new FilterByCountsCursor(left(frame), counts, key, intersect, rel.all);
  };
}
