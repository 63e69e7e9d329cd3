/**
 * The compile-time view shared by the expression and relation compilers: they call each
 * other (subquery expressions hold plans; operators hold expressions) through this interface,
 * and allocate the per-execution slots their operators keep state in.
 */
import type { Row, Value } from '../../engine/types.ts';
import type { Expr, Rel } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import type { Cursor } from '../runtime/cursor.ts';
import type { Execution, Frame } from '../runtime/execution.ts';
import type { WriteResult } from './context.ts';

/** An expression evaluated against the current row, in a frame. */
export type Evaluator = (row: Row, frame: Frame) => Value;
/** A condition as WHERE reads it: true passes, false and NULL do not. */
export type Predicate = (row: Row, frame: Frame) => boolean;
/** A relation opened in a frame: its rows. */
export type Source = (frame: Frame) => Cursor;

/**
 * A statement part that writes (INSERT, UPDATE, DELETE, DDL, or a gather of those). Write
 * steps run once per execution, before any rows are read, in the order they were compiled
 * (inner writes first); the operators that read their RETURNING rows read the slot.
 */
export interface WriteStep {
  readonly slot: number;
  run(exec: Execution): Promise<WriteResult>;
}

export interface Compiler {
  readonly parameterTypes: readonly SqlType[];
  expr(expr: Expr): Evaluator;
  predicate(expr: Expr): Predicate;
  rel(rel: Rel): Source;
  /** A new per-execution slot (Execution.slots index). */
  slot(): number;
  /** CTE `id` (defined by the ResultRel owning it, before the CTEs and query after it are
   * compiled): the slot holding its materialization, and its plan. */
  cte(id: number): { readonly slot: number; readonly source: Source };
  defineCte(id: number, slot: number, source: Source): void;
  /** The slot holding the current rows of recursive work table `id`. */
  workTableSlot(id: number): number;
  defineWorkTable(id: number, slot: number): void;
  /** Registers the write step compiled for `rel` (after the steps of its inputs). */
  addWrite(rel: Rel, step: WriteStep): void;
}
