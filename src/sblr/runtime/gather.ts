/**
 * The coordinator's side of a distributed plan: a gather runs its subplan, encoded once at
 * compile time, on each listed shard, and combines the rows: concatenated in shard order,
 * or merged by `mergeKeys` (each shard's stream is sorted by them; ties go to the earlier
 * shard). A gather whose subplan writes is a write step; its RETURNING rows come back in
 * shard order. Also here: catalog relations, which only the coordinator can compute.
 */
import type { Row, Value } from '../../engine/types.ts';
import type { CatalogRel, GatherRel } from '../../sql/plan/ir.ts';
import type { Compiler, Evaluator, Source, WriteStep } from '../compile/compiler.ts';
import { encodeProgram } from '../encode.ts';
import { keysCompare } from './compare.ts';
import { IteratorCursor, type Cursor } from './cursor.ts';
import type { Execution, Frame } from './execution.ts';

export function compileCatalog(rel: CatalogRel): Source {
  const name = rel.name;
  return (frame) => new IteratorCursor(frame.exec.coordinator().catalogRows(name)[Symbol.iterator](), frame.exec);
}

export function compileGather(rel: GatherRel, c: Compiler): Source {
  const program = encodeProgram(rel.subplan, { parameterTypes: c.parameterTypes });
  const shards = rel.shards;
  const open = (exec: Execution): Cursor[] => {
    const site = exec.coordinator();
    return shards.map((shard) => new IteratorCursor(site.openOnShard(shard, program, exec.ctx.params), exec));
  };
  if (rel.mergeKeys === null || shards.length < 2) return (frame) => new ConcatCursor(open(frame.exec));
  const keys = rel.mergeKeys.map((k) => c.expr(k.expr));
  const compare = keysCompare(rel.mergeKeys);
  return (frame) => new MergeCursor(open(frame.exec), keys, compare, frame);
}

/** A gather whose subplan writes: every shard's write, in parallel, results in shard order. */
export function gatherWriteStep(rel: GatherRel, c: Compiler, slot: number): WriteStep {
  const program = encodeProgram(rel.subplan, { parameterTypes: c.parameterTypes });
  return {
    slot,
    async run(exec) {
      const site = exec.coordinator();
      const results = await Promise.all(rel.shards.map((shard) => site.writeOnShard(shard, program, exec.ctx.params)));
      const rows: Row[] = [];
      let count = 0;
      for (const result of results) {
        count += result.count;
        for (const row of result.rows) rows.push(row);
      }
      return { count, rows };
    },
  };
}

class ConcatCursor implements Cursor {
  private at = 0;
  constructor(private readonly inputs: readonly Cursor[]) {}
  next(): Row | undefined {
    while (this.at < this.inputs.length) {
      const row = this.inputs[this.at].next();
      if (row !== undefined) return row;
      this.at++;
    }
    return undefined;
  }
  close(): void {
    for (const input of this.inputs) input.close();
    this.at = this.inputs.length;
  }
}

interface Head {
  readonly input: number;
  row: Row;
  keys: Value[];
}

/** k-way merge over a binary heap of each input's current row. */
class MergeCursor implements Cursor {
  private readonly heap: Head[] = [];
  private started = false;

  constructor(
    private readonly inputs: readonly Cursor[],
    private readonly keys: readonly Evaluator[],
    private readonly compareKeys: (a: readonly Value[], b: readonly Value[]) => number,
    private readonly frame: Frame,
  ) {}

  next(): Row | undefined {
    if (!this.started) {
      this.started = true;
      this.inputs.forEach((input, i) => {
        const row = input.next();
        if (row !== undefined) this.push({ input: i, row, keys: this.keysOf(row) });
      });
    }
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const row = top.row;
    const following = this.inputs[top.input].next();
    if (following === undefined) {
      const last = heap.pop() as Head;
      if (heap.length > 0) {
        heap[0] = last;
        this.sink(0);
      }
    } else {
      top.row = following;
      top.keys = this.keysOf(following);
      this.sink(0);
    }
    return row;
  }

  private keysOf(row: Row): Value[] {
    return this.keys.map((k) => k(row, this.frame));
  }

  private less(a: Head, b: Head): boolean {
    const d = this.compareKeys(a.keys, b.keys);
    return d < 0 || (d === 0 && a.input < b.input);
  }

  private push(head: Head): void {
    const heap = this.heap;
    heap.push(head);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private sink(from: number): void {
    const heap = this.heap;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.less(heap[left], heap[smallest])) smallest = left;
      if (right < heap.length && this.less(heap[right], heap[smallest])) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
      i = smallest;
    }
  }

  close(): void {
    for (const input of this.inputs) input.close();
    this.heap.length = 0;
  }
}


