/**
 * Subquery expressions. An uncorrelated subquery runs once per execution and its result is
 * kept in a slot; a correlated one runs for each row it is evaluated on, with that row as
 * `outer` depth 1. `x IN (SELECT …)` and `x NOT IN (SELECT …)` (also with rows: `(a, b) IN
 * (SELECT x, y …)`) over an uncorrelated subquery become hash lookups.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Row, Value } from '../../engine/types.ts';
import { columnsOf, type Expr, type SubqueryExpr } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import { ArrayAccumulation } from '../../sql/functions/arrays/stack.ts';
import { sameType } from '../../sql/functions/index.ts';
import { drain, type Cursor } from '../runtime/cursor.ts';
import { frameFor, type Frame } from '../runtime/execution.ts';
import { compositeKeyOf, type HashKey } from '../runtime/hash-key.ts';
import type { Compiler, Evaluator, Source } from './compiler.ts';
import { badPlan, combineQuantified } from './expr.ts';

export function compileSubquery(expr: SubqueryExpr, c: Compiler): Evaluator {
  const source = c.rel(expr.plan);
  switch (expr.kind) {
    case 'scalar':
      return perExecutionOrRow(expr, c, source, scalarOf);
    case 'exists':
      return perExecutionOrRow(expr, c, source, existsOf);
    case 'array':
      return perExecutionOrRow(expr, c, source, columnsOf(expr.plan)[0].type.kind === 'array' ? stackedColumn : (cursor) => firstColumn(cursor, Infinity));
    case 'any':
    case 'all':
    case 'rowCompare':
      return compileQuantified(expr, c, source);
  }
}

/** Runs the subquery per row, or once per execution (slot-cached) when it is uncorrelated. */
function perExecutionOrRow(expr: SubqueryExpr, c: Compiler, source: Source, result: (cursor: Cursor) => Value): Evaluator {
  if (!expr.uncorrelated) return (row, frame) => result(source(frameFor(frame, row)));
  const slot = c.slot();
  return (_row, frame) => {
    const slots = frame.exec.slots;
    const cached = slots[slot] as { value: Value } | undefined;
    if (cached !== undefined) return cached.value;
    const value = result(source(frame.exec.top));
    slots[slot] = { value };
    return value;
  };
}

/** The subquery's one row, or null when it has none (more: 21000). */
function singleRow(cursor: Cursor): Row | null {
  const first = cursor.next();
  if (first === undefined) return null;
  if (cursor.next() !== undefined) {
    cursor.close();
    throw new EngineError(SqlState.cardinalityViolation, 'more than one row returned by a subquery used as an expression');
  }
  return first;
}

function scalarOf(cursor: Cursor): Value {
  const row = singleRow(cursor);
  return row === null ? null : row[0];
}

function existsOf(cursor: Cursor): Value {
  const first = cursor.next();
  cursor.close();
  return first !== undefined;
}

function firstColumn(cursor: Cursor, limit: number): Value[] {
  const values: Value[] = [];
  for (let row = cursor.next(); row !== undefined && values.length < limit; row = cursor.next()) values.push(row[0]);
  return values;
}

/** ARRAY(subquery) of an array column: the arrays stacked into one more dimension. */
function stackedColumn(cursor: Cursor): Value {
  const stack = new ArrayAccumulation();
  try {
    for (let row = cursor.next(); row !== undefined; row = cursor.next()) stack.add(row[0]);
  } catch (error) {
    cursor.close();
    throw error;
  }
  return stack.result();
}

/**
 * The row a quantified or row comparison's test reads: [left value, subquery value], or with a
 * subquery of several columns [left fields…, subquery columns…] (the left value is a ROW).
 */
class TestRow {
  readonly values: Value[];
  constructor(readonly width: number) {
    this.values = new Array<Value>(width > 1 ? 2 * width : 2).fill(null);
  }
  setLeft(value: Value): void {
    if (this.width === 1) this.values[0] = value;
    else for (let i = 0; i < this.width; i++) this.values[i] = value === null ? null : (value as readonly Value[])[i];
  }
  setRight(row: Row): void {
    if (this.width === 1) this.values[1] = row[0];
    else for (let i = 0; i < this.width; i++) this.values[this.width + i] = row[i];
  }
}

function compileQuantified(expr: SubqueryExpr, c: Compiler, source: Source): Evaluator {
  if (expr.left === undefined || expr.test === undefined) throw badPlan(`${expr.kind} subquery without a test`);
  const width = columnsOf(expr.plan).length;
  const left = c.expr(expr.left);
  if (expr.kind === 'rowCompare') return rowCompare(expr, left, c.expr(expr.test), source, new TestRow(width), c);
  const any = expr.kind === 'any';
  const test = c.expr(expr.test);
  const pair = new TestRow(width);
  const hashed = expr.uncorrelated ? hashableTest(expr.test, any, width) : null;
  if (hashed !== null) return hashedQuantified(left, test, pair, source, c.slot(), compositeKeyOf(hashed), any);
  if (expr.uncorrelated) {
    const slot = c.slot();
    return (row, frame) => {
      pair.setLeft(left(row, frame));
      const slots = frame.exec.slots;
      let rows = slots[slot] as Row[] | undefined;
      if (rows === undefined) slots[slot] = rows = drain(source(frame.exec.top));
      const all = rows;
      return combineQuantified(any, all.length, (i) => {
        pair.setRight(all[i]);
        return test(pair.values, frame);
      });
    };
  }
  // Correlated: stream the subquery and stop as soon as the answer is known.
  return (row, frame) => {
    const value = left(row, frame);
    const cursor = source(frameFor(frame, row));
    pair.setLeft(value);
    let sawNull = false;
    for (let sub = cursor.next(); sub !== undefined; sub = cursor.next()) {
      pair.setRight(sub);
      const result = test(pair.values, frame);
      if (result === null) sawNull = true;
      else if (result === any) {
        cursor.close();
        return any;
      }
    }
    return sawNull ? null : !any;
  };
}

/** `(a, b) op (SELECT x, y …)`: the test over the subquery's one row; NULL when it has none. */
function rowCompare(expr: SubqueryExpr, left: Evaluator, test: Evaluator, source: Source, pair: TestRow, c: Compiler): Evaluator {
  const subqueryRow = perExecutionOrRow(expr, c, source, (cursor) => singleRow(cursor) as Value);
  return (row, frame) => {
    const sub = subqueryRow(row, frame) as Row | null;
    if (sub === null) return null;
    pair.setLeft(left(row, frame));
    pair.setRight(sub);
    return test(pair.values, frame);
  };
}

/**
 * `= ANY` and `<> ALL` comparing each left column with its subquery column, all pairs of one
 * type each (returned): set membership. With several columns the test is the AND (ANY) or OR
 * (ALL) of the pairs' comparisons.
 */
function hashableTest(test: Expr, any: boolean, width: number): SqlType[] | null {
  const pairs = width === 1 ? [test] : test.op === (any ? 'and' : 'or') ? test.args : [];
  if (pairs.length !== width) return null;
  const types: SqlType[] = [];
  for (let i = 0; i < width; i++) {
    const pair = pairs[i];
    if (pair.op !== 'call' || pair.kind !== 'operator' || pair.args.length !== 2) return null;
    if (pair.name !== (any ? '=' : '<>')) return null;
    const [a, b] = pair.args;
    const at = width === 1 ? 1 : width + i;
    if (a.op !== 'column' || a.index !== i || b.op !== 'column' || b.index !== at) return null;
    if (!sameType(pair.argTypes[0], pair.argTypes[1])) return null;
    types.push(pair.argTypes[0]);
  }
  return types;
}

interface RowSet {
  readonly size: number;
  /** Keys of the rows without NULLs. */
  readonly keys: Set<HashKey>;
  /** The rows with a NULL, which only the test can compare. */
  readonly partial: readonly Row[];
  /** With several columns, every row: a left value with a NULL compares with each. */
  readonly rows: readonly Row[];
}

function hashedQuantified(left: Evaluator, test: Evaluator, pair: TestRow, source: Source, slot: number, key: (values: readonly Value[]) => HashKey, any: boolean): Evaluator {
  const width = pair.width;
  const build = (frame: Frame): RowSet => {
    const keys = new Set<HashKey>();
    const partial: Row[] = [];
    const rows: Row[] = [];
    let size = 0;
    const cursor = source(frame.exec.top);
    for (let row: Row | undefined = cursor.next(); row !== undefined; row = cursor.next()) {
      size++;
      if (width > 1) rows.push(row);
      if (hasNull(row, width)) partial.push(row);
      else keys.add(key(row));
    }
    return { size, keys, partial, rows };
  };
  const leftValues = new Array<Value>(width).fill(null);
  return (row, frame) => {
    const slots = frame.exec.slots;
    let set = slots[slot] as RowSet | undefined;
    if (set === undefined) slots[slot] = set = build(frame);
    if (set.size === 0) return !any;
    const value = left(row, frame);
    if (width === 1) {
      // One column: a NULL on either side makes the comparison NULL.
      if (value === null) return null;
      leftValues[0] = value;
      return set.keys.has(key(leftValues)) ? any : set.partial.length > 0 ? null : !any;
    }
    pair.setLeft(value);
    for (let i = 0; i < width; i++) leftValues[i] = pair.values[i];
    // Rows whose test may be NULL are compared one by one: all of them when the left value
    // has a NULL, else those with one (a row without NULLs that is not the key does not match).
    const scan = (rows: readonly Row[]): Value =>
      combineQuantified(any, rows.length, (i) => {
        pair.setRight(rows[i]);
        return test(pair.values, frame);
      });
    if (hasNull(leftValues, width)) return scan(set.rows);
    if (set.keys.has(key(leftValues))) return any;
    return scan(set.partial);
  };
}

function hasNull(values: readonly Value[], width: number): boolean {
  for (let i = 0; i < width; i++) if (values[i] === null) return true;
  return false;
}
