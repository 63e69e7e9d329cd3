/**
 * A verified program compiled to closures, ready to run any number of times, on any shard
 * or the coordinator, by concurrent statements: per-execution state lives in an Execution,
 * never in the closures. Compiled programs are cached by program hash (bounded, least
 * recently used first out), so a prepared or repeated statement compiles once per process.
 *
 * A query program streams: `open` returns a pull iterator a portal can stop after N rows and
 * resume later. A write program (DML, DDL, a gather of writes, or a query with data-modifying
 * CTEs) runs its write steps in order and returns the count and RETURNING rows of its root
 * write, or the rows of its query part; once those are complete, before returning, it runs the
 * work the steps deferred to the statement's end (foreign keys).
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Row } from '../../engine/types.ts';
import { columnsOf, type Expr, type OutputColumn, type Rel } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import { drain, type Cursor } from '../runtime/cursor.ts';
import { Execution } from '../runtime/execution.ts';
import type { Compiler, Evaluator, Predicate, Source, WriteStep } from './compiler.ts';
import type { ExecContext, WriteResult } from './context.ts';
import { compileExpr, compilePredicate, badPlan } from './expr.ts';
import { compileRel } from './rel.ts';

/** What `verifyProgram` hands over. */
export interface VerifiedProgram {
  readonly hash: string;
  readonly parameterTypes: readonly SqlType[];
  readonly root: Rel;
}

export interface CompiledProgram {
  readonly columns: readonly OutputColumn[];
  readonly kind: 'query' | 'write';
  /** A query's rows, pulled one at a time; `return()` on the iterator stops it early. */
  open(ctx: ExecContext): Iterator<Row>;
  /** Runs a write program (or a query, collecting its rows) to the end. */
  run(ctx: ExecContext): Promise<WriteResult>;
}

/** Compiled programs kept; each is a few closures per plan node. */
const CACHE_LIMIT = 2048;
const cache = new Map<string, CompiledProgram>();

export function compileProgram(program: VerifiedProgram): CompiledProgram {
  const cached = cache.get(program.hash);
  if (cached !== undefined) {
    cache.delete(program.hash);
    cache.set(program.hash, cached);
    return cached;
  }
  const compiled = build(program.root, program.parameterTypes);
  cache.set(program.hash, compiled);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return compiled;
}

class ProgramCompiler implements Compiler {
  slotCount = 0;
  readonly writes: WriteStep[] = [];
  readonly stepOf = new Map<Rel, WriteStep>();
  private readonly ctes = new Map<number, { readonly slot: number; readonly source: Source }>();
  private readonly workTables = new Map<number, number>();

  constructor(readonly parameterTypes: readonly SqlType[]) {}

  expr(expr: Expr): Evaluator {
    return compileExpr(expr, this);
  }

  predicate(expr: Expr): Predicate {
    return compilePredicate(expr, this);
  }

  rel(rel: Rel): Source {
    return compileRel(rel, this);
  }

  slot(): number {
    return this.slotCount++;
  }

  cte(id: number): { readonly slot: number; readonly source: Source } {
    const entry = this.ctes.get(id);
    if (entry === undefined) throw badPlan(`CTE ${id} is read outside the statement that defines it`);
    return entry;
  }

  defineCte(id: number, slot: number, source: Source): void {
    this.ctes.set(id, { slot, source });
  }

  workTableSlot(id: number): number {
    const slot = this.workTables.get(id);
    if (slot === undefined) throw badPlan(`work table ${id} is read outside its recursive CTE`);
    return slot;
  }

  defineWorkTable(id: number, slot: number): void {
    this.workTables.set(id, slot);
  }

  addWrite(rel: Rel, step: WriteStep): void {
    this.writes.push(step);
    this.stepOf.set(rel, step);
  }
}

function build(root: Rel, parameterTypes: readonly SqlType[]): CompiledProgram {
  const compiler = new ProgramCompiler(parameterTypes);
  const source = compiler.rel(root);
  const writes = compiler.writes;
  const rootWrite = compiler.stepOf.get(root.rel === 'result' ? root.input : root) ?? null;
  const slotCount = compiler.slotCount;
  const kind = writes.length > 0 ? 'write' : 'query';
  return {
    columns: columnsOf(root),
    kind,
    open(ctx) {
      if (kind === 'write') throw new EngineError(SqlState.internalError, 'a program that writes runs with run(), not open()');
      const exec = new Execution(ctx, slotCount);
      return new RowIterator(source(exec.top));
    },
    async run(ctx) {
      const exec = new Execution(ctx, slotCount);
      for (const step of writes) exec.slots[step.slot] = await step.run(exec);
      let result: WriteResult;
      if (rootWrite !== null) {
        result = exec.slots[rootWrite.slot] as WriteResult;
      } else {
        const rows = drain(source(exec.top));
        result = { count: rows.length, rows };
      }
      const deferred = exec.finish();
      if (deferred !== undefined) await deferred;
      return result;
    },
  };
}

/** A cursor as the Iterator the session pulls from. */
class RowIterator implements Iterator<Row> {
  constructor(private readonly cursor: Cursor) {}
  next(): IteratorResult<Row> {
    const row = this.cursor.next();
    return row === undefined ? { done: true, value: undefined } : { done: false, value: row };
  }
  return(): IteratorResult<Row> {
    this.cursor.close();
    return { done: true, value: undefined };
  }
}
