/**
 * ORDER BY: materializes its input and sorts it stably (rows with equal keys keep their input
 * order, as the planner may rely on). Keys that are plain columns are compared in place;
 * computed keys are evaluated once per row, not once per comparison. Under a LIMIT, only the
 * first k rows are kept, in a bounded heap (top-k), so ORDER BY … LIMIT 10 over a million rows
 * never sorts a million rows.
 */
import type { Row, Value } from '../../engine/types.ts';
import type { SortKey, SortRel } from '../../sql/plan/ir.ts';
import type { Compiler, Evaluator, Source } from '../compile/compiler.ts';
import { columnsCompare, keysCompare } from './compare.ts';
import { ArrayCursor, drain, type Cursor } from './cursor.ts';
import type { Frame } from './execution.ts';

/** A row with what it is sorted by, and its arrival number to keep the sort stable. */
interface Entry {
  readonly row: Row;
  readonly keys: readonly Value[];
  readonly seq: number;
}

interface Ordering {
  entry(row: Row, seq: number, frame: Frame): Entry;
  compare(a: Entry, b: Entry): number;
}

function ordering(keys: readonly SortKey[], c: Compiler): Ordering {
  if (keys.every((k) => k.expr.op === 'column')) {
    const byColumns = columnsCompare(keys.map((k) => (k.expr.op === 'column' ? k.expr.index : 0)), keys);
    return {
      entry: (row, seq) => ({ row, keys: row, seq }),
      compare: (a, b) => byColumns(a.keys, b.keys) || a.seq - b.seq,
    };
  }
  const exprs: Evaluator[] = keys.map((k) => c.expr(k.expr));
  const byKeys = keysCompare(keys);
  return {
    entry: (row, seq, frame) => {
      const values = new Array<Value>(exprs.length);
      for (let i = 0; i < exprs.length; i++) values[i] = exprs[i](row, frame);
      return { row, keys: values, seq };
    },
    compare: (a, b) => byKeys(a.keys, b.keys) || a.seq - b.seq,
  };
}

export interface CompiledSort {
  /** Every input row, sorted. */
  readonly all: Source;
  /** The first `k` rows in sort order. */
  first(frame: Frame, k: number): Cursor;
}

export function compileSort(rel: SortRel, c: Compiler): CompiledSort {
  const input = c.rel(rel.input);
  const order = ordering(rel.keys, c);
  const all: Source = (frame) => {
    const rows = drain(input(frame));
    const entries = rows.map((row, i) => order.entry(row, i, frame));
    entries.sort(order.compare);
    return new ArrayCursor(entries.map((e) => e.row));
  };
  return {
    all,
    first(frame, k) {
      const heap = new TopK(k, order.compare);
      const cursor = input(frame);
      let seq = 0;
      for (let row = cursor.next(); row !== undefined; row = cursor.next()) heap.offer(order.entry(row, seq++, frame));
      return new ArrayCursor(heap.sorted().map((e) => e.row));
    },
  };
}

/** The k smallest entries seen: a max-heap whose root is the worst kept entry. */
class TopK {
  private readonly heap: Entry[] = [];
  constructor(private readonly k: number, private readonly compare: (a: Entry, b: Entry) => number) {}

  offer(entry: Entry): void {
    const { heap, compare } = this;
    if (heap.length < this.k) {
      heap.push(entry);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (compare(heap[i], heap[parent]) <= 0) break;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
      return;
    }
    if (compare(entry, heap[0]) >= 0) return;
    heap[0] = entry;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let largest = i;
      if (left < heap.length && compare(heap[left], heap[largest]) > 0) largest = left;
      if (right < heap.length && compare(heap[right], heap[largest]) > 0) largest = right;
      if (largest === i) return;
      [heap[i], heap[largest]] = [heap[largest], heap[i]];
      i = largest;
    }
  }

  sorted(): Entry[] {
    return this.heap.sort(this.compare);
  }
}
