/**
 * The row-at-a-time operators: filter, project, VALUES, LIMIT/OFFSET (over a sort: top-k).
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Row, Value } from '../../engine/types.ts';
import type { FilterRel, LimitRel, ProjectRel, ValuesRel } from '../../sql/plan/ir.ts';
import type { Compiler, Evaluator, Predicate, Source } from '../compile/compiler.ts';
import { ArrayCursor, EMPTY_ROW, emptyCursor, type Cursor } from './cursor.ts';
import { compileSort } from './sort.ts';
import type { Frame } from './execution.ts';

class FilterCursor implements Cursor {
  constructor(private readonly input: Cursor, private readonly predicate: Predicate, private readonly frame: Frame) {}
  next(): Row | undefined {
    const { input, predicate, frame } = this;
    for (let row = input.next(); row !== undefined; row = input.next()) {
      if (predicate(row, frame)) return row;
      frame.exec.tick();
    }
    return undefined;
  }
  close(): void {
    this.input.close();
  }
}

export function compileFilter(rel: FilterRel, c: Compiler): Source {
  const input = c.rel(rel.input);
  const predicate = c.predicate(rel.predicate);
  return (frame) => new FilterCursor(input(frame), predicate, frame);
}

class ProjectCursor implements Cursor {
  constructor(private readonly input: Cursor, private readonly exprs: readonly Evaluator[], private readonly frame: Frame) {}
  next(): Row | undefined {
    const row = this.input.next();
    if (row === undefined) return undefined;
    const { exprs, frame } = this;
    const out = new Array<Value>(exprs.length);
    for (let i = 0; i < exprs.length; i++) out[i] = exprs[i](row, frame);
    return out;
  }
  close(): void {
    this.input.close();
  }
}

/** Projection that only picks columns: no closure calls per value. */
class PickCursor implements Cursor {
  constructor(private readonly input: Cursor, private readonly columns: readonly number[]) {}
  next(): Row | undefined {
    const row = this.input.next();
    if (row === undefined) return undefined;
    const { columns } = this;
    const out = new Array<Value>(columns.length);
    for (let i = 0; i < columns.length; i++) out[i] = row[columns[i]];
    return out;
  }
  close(): void {
    this.input.close();
  }
}

export function compileProject(rel: ProjectRel, c: Compiler): Source {
  const input = c.rel(rel.input);
  if (rel.exprs.every((e) => e.op === 'column')) {
    const columns = rel.exprs.map((e) => (e.op === 'column' ? e.index : 0));
    return (frame) => new PickCursor(input(frame), columns);
  }
  const exprs = rel.exprs.map((e) => c.expr(e));
  return (frame) => new ProjectCursor(input(frame), exprs, frame);
}

export function compileValues(rel: ValuesRel, c: Compiler): Source {
  const rows = rel.rows.map((r) => r.map((e) => c.expr(e)));
  return (frame) => {
    const out = new Array<Row>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const exprs = rows[i];
      const row = new Array<Value>(exprs.length);
      for (let j = 0; j < exprs.length; j++) row[j] = exprs[j](EMPTY_ROW, frame);
      out[i] = row;
    }
    return new ArrayCursor(out);
  };
}

class LimitCursor implements Cursor {
  constructor(private readonly input: Cursor, private skip: number, private remaining: number) {}
  next(): Row | undefined {
    if (this.remaining <= 0) {
      if (this.remaining === 0) this.close();
      return undefined;
    }
    while (this.skip > 0) {
      if (this.input.next() === undefined) return this.end();
      this.skip--;
    }
    const row = this.input.next();
    if (row === undefined) return this.end();
    this.remaining--;
    return row;
  }
  private end(): undefined {
    this.remaining = -1;
    return undefined;
  }
  close(): void {
    this.remaining = -1;
    this.input.close();
  }
}

/** Above this many rows (LIMIT + OFFSET) a full sort beats the top-k heap. */
const TOP_K_MAX = 100_000;

export function compileLimit(rel: LimitRel, c: Compiler): Source {
  const sorted = rel.input.rel === 'sort' ? compileSort(rel.input, c) : null;
  const input = sorted === null ? c.rel(rel.input) : sorted.all;
  const limit = rel.limit === null ? null : c.expr(rel.limit);
  const offset = rel.offset === null ? null : c.expr(rel.offset);
  return (frame) => {
    const count = limit === null ? null : rowCount(limit(EMPTY_ROW, frame), 'LIMIT', SqlState.invalidRowCountInLimitClause);
    const skip = (offset === null ? null : rowCount(offset(EMPTY_ROW, frame), 'OFFSET', SqlState.invalidRowCountInResultOffsetClause)) ?? 0;
    if (count === 0) return emptyCursor();
    if (sorted !== null && count !== null && count + skip <= TOP_K_MAX) return new LimitCursor(sorted.first(frame, count + skip), skip, count);
    return new LimitCursor(input(frame), skip, count ?? Infinity);
  };
}

/** A LIMIT or OFFSET value: NULL means none; negative is an error, as in PostgreSQL. */
function rowCount(value: Value, clause: string, code: string): number | null {
  if (value === null) return null;
  const count = Number(value);
  if (count < 0) throw new EngineError(code, `${clause} must not be negative`);
  return count;
}
