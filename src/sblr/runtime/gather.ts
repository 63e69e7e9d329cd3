/**
 * The coordinator's side of a distributed plan: a gather runs its subplan, encoded once at
 * compile time, on each listed shard (or, with a route, on the shards its partition-key values
 * hash to), and combines the rows: concatenated in shard order, or merged by `mergeKeys` (each
 * shard's stream is sorted by them; ties go to the earlier shard). A gather whose subplan
 * writes is a write step; its RETURNING rows come back in shard order. Also here: catalog
 * relations, which only the coordinator can compute.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Row, Value } from '../../engine/types.ts';
import { partitionBucketer } from '../../planner/partitioning.ts';
import { INT8 } from '../../sql/types/sql-type.ts';
import type { CatalogRel, GatherRel, Rel, ShardRoute } from '../../sql/plan/ir.ts';
import type { Compiler, Evaluator, Source, WriteStep } from '../compile/compiler.ts';
import { bindEnclosingRows } from '../compile/enclosing-rows.ts';
import { encodeProgram } from '../encode.ts';
import { keysCompare } from './compare.ts';
import { EMPTY_ROW, IteratorCursor, type Cursor } from './cursor.ts';
import type { Execution, Frame } from './execution.ts';

export function compileCatalog(rel: CatalogRel): Source {
  const name = rel.name;
  return (frame) => new IteratorCursor(frame.exec.coordinator().catalogRows(name)[Symbol.iterator](), frame.exec);
}

/** The shards a gather runs on in a frame: its list, or the ones its route picks. */
type ShardChoice = (frame: Frame) => readonly number[];

/**
 * The shards a route's tuples hash to, in ascending order, each once. Tuples with a NULL match
 * no row and pick no shard.
 */
function compileRoute(route: ShardRoute, shards: readonly number[], c: Compiler): ShardChoice {
  const tuples = route.keys.map((tuple) => ({
    values: tuple.map((e) => c.expr(e)),
    bucket: partitionBucketer(tuple.map((e) => e.type), shards.length),
    scratch: new Array<Value>(tuple.length).fill(null),
  }));
  return (frame) => {
    const chosen = new Set<number>();
    for (const { values, bucket, scratch } of tuples) {
      for (let i = 0; i < values.length; i++) scratch[i] = values[i](EMPTY_ROW, frame);
      if (!scratch.includes(null)) chosen.add(shards[bucket(scratch)]);
    }
    return [...chosen].sort((a, b) => a - b);
  };
}

function shardChoice(rel: GatherRel, c: Compiler): ShardChoice {
  if (rel.route === undefined) {
    const shards = rel.shards;
    return () => shards;
  }
  return compileRoute(rel.route, rel.shards, c);
}

/** A gather's subplan as the shards run it, and its parameters in a frame: the statement's,
 * then the values of the enclosing rows it reads (see enclosing-rows.ts). */
interface ShardProgram {
  readonly program: Uint8Array;
  params(frame: Frame): readonly Value[];
}

function shardProgram(subplan: Rel, c: Compiler): ShardProgram {
  const base = c.parameterTypes.length;
  const { plan, bindings } = bindEnclosingRows(subplan, base);
  const program = encodeProgram(plan, { parameterTypes: [...c.parameterTypes, ...bindings.map((b) => b.type)] });
  if (bindings.length === 0) return { program, params: (frame) => frame.exec.ctx.params };
  const values = bindings.map((b) => c.expr(b));
  return {
    program,
    params(frame) {
      const params = statementParameters(frame.exec, base);
      for (const value of values) params.push(value(EMPTY_ROW, frame));
      return params;
    },
  };
}

/** The statement's `count` parameters in a fresh array, for a shard program's parameters to follow. */
export function statementParameters(exec: Execution, count: number): Value[] {
  const params = new Array<Value>(count);
  for (let i = 0; i < count; i++) params[i] = exec.ctx.params[i] ?? null;
  return params;
}

export function compileGather(rel: GatherRel, c: Compiler): Source {
  const { program, params } = shardProgram(rel.subplan, c);
  const choose = shardChoice(rel, c);
  // A route that picks no shard (pinned to NULL) still runs the subplan once, on the first
  // listed shard, where the filters the route came from match nothing: an aggregate over no
  // rows still yields its row.
  const fallback = [rel.shards[0]];
  const open = (frame: Frame): Cursor[] => {
    const exec = frame.exec;
    const site = exec.coordinator();
    const chosen = choose(frame);
    const values = params(frame);
    return (chosen.length === 0 ? fallback : chosen).map((shard) => new IteratorCursor(site.openOnShard(shard, program, values), exec));
  };
  if (rel.mergeKeys === null || (rel.shards.length < 2 && rel.route === undefined)) return (frame) => new ConcatCursor(open(frame));
  const keys = rel.mergeKeys.map((k) => c.expr(k.expr));
  const compare = keysCompare(rel.mergeKeys);
  return (frame) => new MergeCursor(open(frame), keys, compare, frame);
}

/**
 * A gather whose subplan writes: the write on each shard it runs on, in parallel, results in
 * shard order. An UPDATE or DELETE with more than one candidate shard first asks each whether
 * it has rows to change (the write's input, stopped at its first row) and writes only there:
 * a statement writes one shard, so rows to change on two are refused before anything is written.
 */
export function gatherWriteStep(rel: GatherRel, c: Compiler, slot: number): WriteStep {
  const write = shardProgram(rel.subplan, c);
  const probePlan = firstRowToChange(rel.subplan);
  const probe = probePlan === null ? null : { ...probePlan, shard: shardProgram(probePlan.plan, c) };
  const choose = shardChoice(rel, c);
  return {
    slot,
    async run(exec) {
      const site = exec.coordinator();
      const params = write.params(exec.top);
      let shards = choose(exec.top);
      if (probe !== null && shards.length > 1) {
        const probeParams = probe.shard.params(exec.top);
        shards = shards.filter((shard) => {
          const rows = site.openOnShard(shard, probe.shard.program, probeParams);
          const first = rows.next();
          rows.return?.();
          return first.done !== true;
        });
        if (shards.length > 1) throw writesOnShards(probe.statement, probe.table, shards);
      }
      const results = await Promise.all(shards.map((shard) => site.writeOnShard(shard, write.program, params)));
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

/** For an UPDATE or DELETE subplan: the plan of its first row to change, and what it changes. */
function firstRowToChange(subplan: Rel): { plan: Rel; statement: string; table: number } | null {
  switch (subplan.rel) {
    case 'update':
    case 'delete':
      return {
        plan: { rel: 'limit', input: subplan.input, limit: { op: 'const', type: INT8, value: 1n }, offset: null },
        statement: subplan.rel.toUpperCase(),
        table: subplan.table.oid,
      };
    case 'result': {
      const inner = firstRowToChange(subplan.input);
      return inner === null ? null : { ...inner, plan: { ...subplan, input: inner.plan } };
    }
    default:
      return null;
  }
}

/** "3 and 9", "3, 5 and 9". */
export function shardNames(shards: readonly number[]): string {
  return shards.length < 2 ? shards.join('') : `${shards.slice(0, -1).join(', ')} and ${shards[shards.length - 1]}`;
}

function writesOnShards(statement: string, table: number, shards: readonly number[]): EngineError {
  return new EngineError(SqlState.featureNotSupported, `this ${statement} would change rows of relation "r${table}" on shards ${shardNames(shards)}; a statement writes one shard`, {
    hint: 'ScratchBird has no cross-shard transactions yet: pin the partition key in WHERE (key = value or key IN (…) values of one shard), or change the rows of each shard in its own transaction.',
  });
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


