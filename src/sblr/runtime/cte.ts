/**
 * Statement roots with CTEs, CTE references and WITH RECURSIVE.
 *
 * A CTE is materialized once per execution, when first read. Its slot remembers the frame it
 * was defined in: a ResultRel inside a correlated subquery defines its CTEs afresh for each
 * evaluation, while the statement's own CTEs (top frame) are kept, so the write steps that
 * run before the query and the query itself read the same rows.
 */
import type { Row } from '../../engine/types.ts';
import type { CteRefRel, RecursiveRel, ResultRel, WorkTableRel } from '../../sql/plan/ir.ts';
import { columnsOf } from '../../sql/plan/ir.ts';
import type { Compiler, Source } from '../compile/compiler.ts';
import { ArrayCursor, drain, type Cursor } from './cursor.ts';
import type { Frame } from './execution.ts';
import { compositeKeyOf, type HashKey } from './hash-key.ts';

interface CteState {
  readonly frame: Frame;
  rows: Row[] | null;
}

export function compileResult(rel: ResultRel, c: Compiler): Source {
  const ctes = rel.ctes.map((cte) => {
    const slot = c.slot();
    const source = c.rel(cte.plan);
    c.defineCte(cte.id, slot, source);
    return { slot, source };
  });
  const input = c.rel(rel.input);
  if (ctes.length === 0) return input;
  return (frame) => {
    const slots = frame.exec.slots;
    for (const { slot } of ctes) {
      const state = slots[slot] as CteState | undefined;
      if (state === undefined || state.frame !== frame) slots[slot] = { frame, rows: null } satisfies CteState;
    }
    return input(frame);
  };
}

export function compileCteRef(rel: CteRefRel, c: Compiler): Source {
  const { slot, source } = c.cte(rel.id);
  return (frame) => {
    const slots = frame.exec.slots;
    let state = slots[slot] as CteState | undefined;
    if (state === undefined) slots[slot] = state = { frame: frame.exec.top, rows: null };
    state.rows ??= drain(source(state.frame));
    return new ArrayCursor(state.rows);
  };
}

export function compileWorkTable(rel: WorkTableRel, c: Compiler): Source {
  const slot = c.workTableSlot(rel.id);
  return (frame) => new ArrayCursor(frame.exec.slots[slot] as Row[]);
}

/**
 * Seed rows, then step after step over the previous step's rows until a step adds nothing;
 * UNION (without ALL) drops rows produced before. Rows stream out as they are produced.
 */
class RecursiveCursor implements Cursor {
  private current: Cursor;
  private produced: Row[] = [];
  private done = false;
  private readonly seen: Set<HashKey> | null;

  constructor(seed: Source, private readonly step: Source, private readonly slot: number, private readonly key: ((row: Row) => HashKey) | null, private readonly frame: Frame) {
    this.current = seed(frame);
    this.seen = key === null ? null : new Set();
  }

  next(): Row | undefined {
    while (!this.done) {
      const row = this.current.next();
      if (row === undefined) {
        if (this.produced.length === 0) {
          this.done = true;
          return undefined;
        }
        this.frame.exec.slots[this.slot] = this.produced;
        this.produced = [];
        this.current = this.step(this.frame);
        continue;
      }
      this.frame.exec.tick();
      if (this.seen !== null) {
        const k = (this.key as (row: Row) => HashKey)(row);
        if (this.seen.has(k)) continue;
        this.seen.add(k);
      }
      this.produced.push(row);
      return row;
    }
    return undefined;
  }

  close(): void {
    this.done = true;
    this.current.close();
  }
}

export function compileRecursive(rel: RecursiveRel, c: Compiler): Source {
  const slot = c.slot();
  c.defineWorkTable(rel.id, slot);
  const seed = c.rel(rel.seed);
  const step = c.rel(rel.step);
  const key = rel.all ? null : compositeKeyOf(columnsOf(rel).map((col) => col.type));
  return (frame) => new RecursiveCursor(seed, step, slot, key, frame);
}
