/**
 * What INSERT, UPDATE and DELETE share: CHECK constraints, RETURNING lists, the relation name
 * for messages, and comparing a row read by the statement with the newest version the engine
 * hands back after a concurrent change.
 */
import { sameShape, ShapedArray } from '../../engine/array-value.ts';
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Interval, Row, Value } from '../../engine/types.ts';
import type { Check, Expr, TableRef } from '../../sql/plan/ir.ts';
import { isColumnType, type SqlType } from '../../sql/types/sql-type.ts';
import { textOut } from '../../sql/types/text-out.ts';
import type { Compiler, Evaluator } from '../compile/compiler.ts';
import type { Frame } from './execution.ts';

/** The relation as messages name it. */
export function relationName(table: TableRef): string {
  return (table as TableRef & { readonly name?: string }).name ?? `r${table.oid}`;
}

/** Throws 23514 for the first CHECK constraint the stored row fails (NULL passes). */
export type RowChecker = (row: Row, frame: Frame) => void;

export function compileChecks(table: TableRef, checks: readonly Check[], c: Compiler): RowChecker {
  if (checks.length === 0) return () => {};
  const compiled = checks.map((check) => ({ name: check.name, test: c.expr(check.expr) }));
  const relation = relationName(table);
  const shown = table.hiddenRowId ? table.columns.length - 1 : table.columns.length;
  return (row, frame) => {
    for (const { name, test } of compiled) {
      if (test(row, frame) !== false) continue;
      const values = row.slice(0, shown).map((v, i) => shownValue(table.columns[i].type, v, frame.exec.ctx.eval.timeZone));
      throw new EngineError(SqlState.checkViolation, `new row for relation "${relation}" violates check constraint "${name}"`, {
        detail: `Failing row contains (${values.join(', ')}).`,
        table: relation,
        constraint: name,
      });
    }
  };
}

/** A value as PostgreSQL shows it in an error's DETAIL ("Failing row contains (…)", "Key (…)=(…)"). */
export function shownValue(type: SqlType, value: Value, timeZone: string): string {
  return value === null ? 'null' : isColumnType(type) ? textOut(type, value, timeZone) : String(value);
}

/** RETURNING: a row of the listed expressions, or null without RETURNING. */
export function compileReturning(returning: readonly Expr[] | null, c: Compiler): ((row: Row, frame: Frame) => Row) | null {
  if (returning === null) return null;
  const exprs: Evaluator[] = returning.map((e) => c.expr(e));
  return (row, frame) => {
    const out = new Array<Value>(exprs.length);
    for (let i = 0; i < exprs.length; i++) out[i] = exprs[i](row, frame);
    return out;
  };
}

/** Whether the first `width` values of two rows are the same stored values. */
export function sameStoredRow(a: Row, b: Row, width: number): boolean {
  for (let i = 0; i < width; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

/** Whether two rows hold the same stored values in `columns`. */
export function sameColumns(a: Row, b: Row, columns: readonly number[]): boolean {
  for (const column of columns) if (!sameValue(a[column], b[column])) return false;
  return true;
}

function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  if (Array.isArray(a)) {
    const other = b as readonly Value[];
    return Array.isArray(other) && a.length === other.length && a.every((v, i) => sameValue(v, other[i]));
  }
  if (a instanceof ShapedArray) return b instanceof ShapedArray && sameShape(a, b) && sameValue(a.elements, b.elements);
  const x = a as Interval;
  const y = b as Interval;
  return x.months === y.months && x.days === y.days && x.micros === y.micros;
}

/** The newest version of the target row followed by the rest of the statement's input row. */
export function withNewest(current: Row, input: Row, width: number): Row {
  if (input.length === width) return current;
  const out = current.slice();
  for (let i = width; i < input.length; i++) out.push(input[i]);
  return out;
}
