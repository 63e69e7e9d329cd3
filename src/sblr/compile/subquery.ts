/**
 * Subquery expressions. An uncorrelated subquery runs once per execution and its result is
 * kept in a slot; a correlated one runs for each row it is evaluated on, with that row as
 * `outer` depth 1. `x IN (SELECT …)` and `x NOT IN (SELECT …)` over an uncorrelated subquery
 * become hash lookups.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Row, Value } from '../../engine/types.ts';
import type { Expr, SubqueryExpr } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import { sameType } from '../../sql/functions/index.ts';
import type { Cursor } from '../runtime/cursor.ts';
import { frameFor, type Frame } from '../runtime/execution.ts';
import { keyOf, type HashKey, type KeyOf } from '../runtime/hash-key.ts';
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
      return perExecutionOrRow(expr, c, source, (cursor) => firstColumn(cursor, Infinity));
    case 'any':
    case 'all':
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

function scalarOf(cursor: Cursor): Value {
  const first = cursor.next();
  if (first === undefined) return null;
  if (cursor.next() !== undefined) {
    cursor.close();
    throw new EngineError(SqlState.cardinalityViolation, 'more than one row returned by a subquery used as an expression');
  }
  return first[0];
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

function compileQuantified(expr: SubqueryExpr, c: Compiler, source: Source): Evaluator {
  if (expr.left === undefined || expr.test === undefined) throw badPlan(`${expr.kind} subquery without a test`);
  const any = expr.kind === 'any';
  const left = c.expr(expr.left);
  const hashed = expr.uncorrelated ? hashableTest(expr.test, any) : null;
  if (hashed !== null) return hashedQuantified(left, source, c.slot(), keyOf(hashed), any);
  const test = c.expr(expr.test);
  const pair: Value[] = [null, null];
  const quantify = (value: Value, values: readonly Value[], frame: Frame): Value => {
    pair[0] = value;
    return combineQuantified(any, values.length, (i) => {
      pair[1] = values[i];
      return test(pair, frame);
    });
  };
  if (expr.uncorrelated) {
    const slot = c.slot();
    return (row, frame) => {
      const value = left(row, frame);
      const slots = frame.exec.slots;
      let values = slots[slot] as Value[] | undefined;
      if (values === undefined) slots[slot] = values = firstColumn(source(frame.exec.top), Infinity);
      return quantify(value, values, frame);
    };
  }
  // Correlated: stream the subquery and stop as soon as the answer is known.
  return (row, frame) => {
    const value = left(row, frame);
    const cursor = source(frameFor(frame, row));
    pair[0] = value;
    let sawNull = false;
    for (let sub = cursor.next(); sub !== undefined; sub = cursor.next()) {
      pair[1] = sub[0];
      const result = test(pair, frame);
      if (result === null) sawNull = true;
      else if (result === any) {
        cursor.close();
        return any;
      }
    }
    return sawNull ? null : !any;
  };
}

/** `= ANY` and `<> ALL` comparing the two pair columns of one type (returned): set membership. */
function hashableTest(test: Expr, any: boolean): SqlType | null {
  if (test.op !== 'call' || test.kind !== 'operator' || test.args.length !== 2) return null;
  if (test.name !== (any ? '=' : '<>')) return null;
  const [a, b] = test.args;
  if (a.op !== 'column' || a.index !== 0 || b.op !== 'column' || b.index !== 1) return null;
  if (!sameType(test.argTypes[0], test.argTypes[1])) return null;
  return test.argTypes[0];
}

interface ValueSet {
  readonly keys: Set<HashKey>;
  readonly sawNull: boolean;
}

function hashedQuantified(left: Evaluator, source: Source, slot: number, key: KeyOf, any: boolean): Evaluator {
  const build = (frame: Frame): ValueSet => {
    const keys = new Set<HashKey>();
    let sawNull = false;
    const cursor = source(frame.exec.top);
    for (let row: Row | undefined = cursor.next(); row !== undefined; row = cursor.next()) {
      if (row[0] === null) sawNull = true;
      else keys.add(key(row[0]));
    }
    return { keys, sawNull };
  };
  return (row, frame) => {
    const slots = frame.exec.slots;
    let set = slots[slot] as ValueSet | undefined;
    if (set === undefined) slots[slot] = set = build(frame);
    if (set.keys.size === 0 && !set.sawNull) return !any;
    const value = left(row, frame);
    if (value === null) return null;
    if (set.keys.has(key(value))) return any;
    return set.sawNull ? null : !any;
  };
}
