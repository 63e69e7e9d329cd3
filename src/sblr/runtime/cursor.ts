/**
 * The pull protocol between operators: `next()` returns the next row, or undefined at the
 * end, without the `{ value, done }` object an Iterator allocates per row. `close()` releases
 * what an unfinished cursor holds (engine scans keep an LMDB cursor open); it is idempotent
 * and a cursor that reached its end needs no close.
 */
import type { Row } from '../../engine/types.ts';
import type { Execution } from './execution.ts';

export interface Cursor {
  next(): Row | undefined;
  close(): void;
}

export const EMPTY_ROW: Row = Object.freeze([]);

const EMPTY_CURSOR: Cursor = { next: () => undefined, close: () => {} };

export function emptyCursor(): Cursor {
  return EMPTY_CURSOR;
}

export class ArrayCursor implements Cursor {
  private at = 0;
  constructor(private readonly rows: readonly Row[]) {}
  next(): Row | undefined {
    return this.at < this.rows.length ? this.rows[this.at++] : undefined;
  }
  close(): void {
    this.at = this.rows.length;
  }
}

/** Rows of an Iterator (engine scans, remote shards, catalog rows), counting them toward
 * the statement's interrupt checks. */
export class IteratorCursor implements Cursor {
  private done = false;
  constructor(private readonly iterator: Iterator<Row>, private readonly exec: Execution) {}
  next(): Row | undefined {
    if (this.done) return undefined;
    this.exec.tick();
    const step = this.iterator.next();
    if (step.done === true) {
      this.done = true;
      return undefined;
    }
    return step.value;
  }
  close(): void {
    if (this.done) return;
    this.done = true;
    this.iterator.return?.();
  }
}

/** Every remaining row of a cursor. */
export function drain(cursor: Cursor): Row[] {
  const rows: Row[] = [];
  for (let row = cursor.next(); row !== undefined; row = cursor.next()) rows.push(row);
  return rows;
}
