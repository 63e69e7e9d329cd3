/**
 * Expressions to closures, with PostgreSQL's semantics: three-valued logic, strict functions
 * that return NULL on a NULL argument, IN lists and ANY/ALL where a NULL comparison makes an
 * unmatched result NULL rather than false.
 *
 * Closures are specialized at compile time where it pays on the hot path: column and
 * constant operands are read inline, strict binary calls skip the generic argument loop,
 * and an IN list of constants becomes a hash set. Calls reuse one argument array per call
 * site (evaluation is synchronous, and function implementations do not keep the array).
 */
import { arrayElements, type ArrayValue } from '../../engine/array-value.ts';
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Row, Value } from '../../engine/types.ts';
import { arrayOfArrays } from '../../sql/functions/arrays/stack.ts';
import { elementAt, slice } from '../../sql/functions/arrays/subscript.ts';
import type { AnyAllExpr, ArrayExpr, CallExpr, CaseExpr, Expr, InListExpr, SubscriptExpr } from '../../sql/plan/ir.ts';
import type { Frame } from '../runtime/execution.ts';
import { keyOf } from '../runtime/hash-key.ts';
import type { Compiler, Evaluator, Predicate } from './compiler.ts';
import { castFunction, comparator, resolveCall, type Impl } from './functions.ts';
import { compileSubquery } from './subquery.ts';

export function compileExpr(expr: Expr, c: Compiler): Evaluator {
  switch (expr.op) {
    case 'const': {
      const value = expr.value;
      return () => value;
    }
    case 'param': {
      const index = expr.index;
      return (_row, frame) => frame.exec.ctx.params[index] ?? null;
    }
    case 'column': {
      const index = expr.index;
      return (row) => row[index];
    }
    case 'outer': {
      const at = expr.depth - 1;
      const index = expr.index;
      return (_row, frame) => frame.outer[at][index];
    }
    case 'call':
      return compileCall(expr, c);
    case 'cast': {
      const arg = c.expr(expr.arg);
      const cast = castFunction(expr.arg.type, expr.type, expr.context);
      return (row, frame) => cast(arg(row, frame), frame.exec.ctx.eval);
    }
    case 'and':
      return compileAnd(expr.args.map((a) => c.expr(a)));
    case 'or':
      return compileOr(expr.args.map((a) => c.expr(a)));
    case 'not': {
      const arg = c.expr(expr.arg);
      return (row, frame) => {
        const value = arg(row, frame);
        return value === null ? null : !value;
      };
    }
    case 'isNull': {
      const arg = c.expr(expr.arg);
      const negated = expr.negated;
      if (expr.arg.type.kind === 'record') {
        // A row IS NULL when every field is; IS NOT NULL when none is.
        return (row, frame) => {
          const value = arg(row, frame);
          if (value === null) return !negated;
          const fields = value as readonly Value[];
          return negated ? fields.every((f) => f !== null) : fields.every((f) => f === null);
        };
      }
      return negated ? (row, frame) => arg(row, frame) !== null : (row, frame) => arg(row, frame) === null;
    }
    case 'isDistinct': {
      const left = c.expr(expr.left);
      const right = c.expr(expr.right);
      const compare = comparator(expr.argType);
      const negated = expr.negated;
      return (row, frame) => {
        const a = left(row, frame);
        const b = right(row, frame);
        const distinct = a === null || b === null ? a !== b : compare(a, b) !== 0;
        return negated ? !distinct : distinct;
      };
    }
    case 'case':
      return compileCase(expr, c);
    case 'coalesce': {
      const args = expr.args.map((a) => c.expr(a));
      return (row, frame) => {
        for (let i = 0; i < args.length; i++) {
          const value = args[i](row, frame);
          if (value !== null) return value;
        }
        return null;
      };
    }
    case 'nullif': {
      const left = c.expr(expr.left);
      const right = c.expr(expr.right);
      const compare = comparator(expr.left.type);
      return (row, frame) => {
        const a = left(row, frame);
        if (a === null) return null;
        const b = right(row, frame);
        return b !== null && compare(a, b) === 0 ? null : a;
      };
    }
    case 'greatest':
    case 'least': {
      const args = expr.args.map((a) => c.expr(a));
      const compare = comparator(expr.type);
      const sign = expr.op === 'greatest' ? 1 : -1;
      return (row, frame) => {
        let best: Value = null;
        for (let i = 0; i < args.length; i++) {
          const value = args[i](row, frame);
          if (value !== null && (best === null || sign * compare(value, best) > 0)) best = value;
        }
        return best;
      };
    }
    case 'inList':
      return compileInList(expr, c);
    case 'subquery':
      return compileSubquery(expr, c);
    case 'anyArray':
    case 'allArray':
      return compileAnyAllArray(expr, c);
    case 'array':
      return compileArray(expr, c);
    case 'subscript':
      return compileSubscript(expr, c);
    case 'row': {
      const items = expr.fields.map((e) => c.expr(e));
      return (row, frame) => {
        const out = new Array<Value>(items.length);
        for (let i = 0; i < items.length; i++) out[i] = items[i](row, frame);
        return out;
      };
    }
  }
}

/** WHERE-style evaluation: AND and OR need not track NULL when only `true` passes. */
export function compilePredicate(expr: Expr, c: Compiler): Predicate {
  if (expr.op === 'and') {
    const args = expr.args.map((a) => c.predicate(a));
    if (args.length === 2) {
      const [a, b] = args;
      return (row, frame) => a(row, frame) && b(row, frame);
    }
    return (row, frame) => {
      for (let i = 0; i < args.length; i++) if (!args[i](row, frame)) return false;
      return true;
    };
  }
  if (expr.op === 'or') {
    const args = expr.args.map((a) => c.predicate(a));
    return (row, frame) => {
      for (let i = 0; i < args.length; i++) if (args[i](row, frame)) return true;
      return false;
    };
  }
  if (expr.op === 'const') {
    const pass = expr.value === true;
    return () => pass;
  }
  const value = c.expr(expr);
  return (row, frame) => value(row, frame) === true;
}

function compileAnd(args: readonly Evaluator[]): Evaluator {
  return (row, frame) => {
    let sawNull = false;
    for (let i = 0; i < args.length; i++) {
      const value = args[i](row, frame);
      if (value === false) return false;
      if (value === null) sawNull = true;
    }
    return sawNull ? null : true;
  };
}

function compileOr(args: readonly Evaluator[]): Evaluator {
  return (row, frame) => {
    let sawNull = false;
    for (let i = 0; i < args.length; i++) {
      const value = args[i](row, frame);
      if (value === true) return true;
      if (value === null) sawNull = true;
    }
    return sawNull ? null : false;
  };
}

function compileCase(expr: CaseExpr, c: Compiler): Evaluator {
  const whens = expr.whens.map((w) => c.predicate(w.when));
  const thens = expr.whens.map((w) => c.expr(w.then));
  const otherwise = expr.otherwise === null ? null : c.expr(expr.otherwise);
  return (row, frame) => {
    for (let i = 0; i < whens.length; i++) if (whens[i](row, frame)) return thens[i](row, frame);
    return otherwise === null ? null : otherwise(row, frame);
  };
}

function compileCall(expr: CallExpr, c: Compiler): Evaluator {
  const { impl, strict } = resolveCall(expr);
  const args = expr.args;
  if (args.length === 2 && strict) return strictBinary(impl, args[0], args[1], c);
  const evaluators = args.map((a) => c.expr(a));
  const values = new Array<Value>(evaluators.length).fill(null);
  if (args.length === 1 && strict) {
    const [only] = evaluators;
    return (row, frame) => {
      const value = only(row, frame);
      if (value === null) return null;
      values[0] = value;
      return impl(values, frame.exec.ctx.eval);
    };
  }
  return (row, frame) => {
    for (let i = 0; i < evaluators.length; i++) {
      const value = evaluators[i](row, frame);
      if (value === null && strict) return null;
      values[i] = value;
    }
    return impl(values, frame.exec.ctx.eval);
  };
}

/** `column op constant`, `column op $n` and `a op b` in general: the commonest filters. */
function strictBinary(impl: Impl, left: Expr, right: Expr, c: Compiler): Evaluator {
  const values: Value[] = [null, null];
  if (left.op === 'column' && right.op === 'const') {
    const index = left.index;
    const constant = right.value;
    if (constant === null) return () => null;
    values[1] = constant;
    return (row, frame) => {
      const a = row[index];
      if (a === null) return null;
      values[0] = a;
      return impl(values, frame.exec.ctx.eval);
    };
  }
  if (left.op === 'column' && right.op === 'param') {
    const index = left.index;
    const param = right.index;
    return (row, frame) => {
      const a = row[index];
      if (a === null) return null;
      const b = frame.exec.ctx.params[param] ?? null;
      if (b === null) return null;
      values[0] = a;
      values[1] = b;
      return impl(values, frame.exec.ctx.eval);
    };
  }
  const l = c.expr(left);
  const r = c.expr(right);
  return (row, frame) => {
    const a = l(row, frame);
    if (a === null) return null;
    const b = r(row, frame);
    if (b === null) return null;
    values[0] = a;
    values[1] = b;
    return impl(values, frame.exec.ctx.eval);
  };
}

function compileInList(expr: InListExpr, c: Compiler): Evaluator {
  const arg = c.expr(expr.arg);
  const negated = expr.negated;
  const finish = (found: boolean, sawNull: boolean): Value => (found ? !negated : sawNull ? null : negated);
  if (expr.list.every((e) => e.op === 'const')) {
    const key = keyOf(expr.arg.type);
    const members = new Set(expr.list.map((e) => (e.op === 'const' ? key(e.value) : null)));
    const sawNull = members.delete(null);
    if (expr.list.length === 0) return () => negated;
    return (row, frame) => {
      const value = arg(row, frame);
      if (value === null) return null;
      return finish(members.has(key(value)), sawNull);
    };
  }
  const list = expr.list.map((e) => c.expr(e));
  const compare = comparator(expr.arg.type);
  return (row, frame) => {
    const value = arg(row, frame);
    if (value === null) return list.length === 0 ? negated : null;
    let sawNull = false;
    for (let i = 0; i < list.length; i++) {
      const item = list[i](row, frame);
      if (item === null) sawNull = true;
      else if (compare(value, item) === 0) return !negated;
    }
    return finish(false, sawNull);
  };
}

function compileAnyAllArray(expr: AnyAllExpr, c: Compiler): Evaluator {
  const left = c.expr(expr.left);
  const array = c.expr(expr.array);
  const test = c.expr(expr.test);
  const any = expr.op === 'anyArray';
  const pair: Value[] = [null, null];
  return (row, frame) => {
    const found = array(row, frame);
    if (found === null) return null;
    const elements = arrayElements(found as ArrayValue);
    const value = left(row, frame);
    pair[0] = value;
    return combineQuantified(any, elements.length, (i) => {
      pair[1] = elements[i];
      return test(pair, frame);
    });
  };
}

/** ARRAY[…]; of arrays, they stack into one more dimension. */
function compileArray(expr: ArrayExpr, c: Compiler): Evaluator {
  const items = expr.elements.map((e) => c.expr(e));
  const ofArrays = expr.elements[0]?.type.kind === 'array';
  return (row, frame) => {
    const out = new Array<Value>(items.length);
    for (let i = 0; i < items.length; i++) out[i] = items[i](row, frame);
    return ofArrays ? arrayOfArrays(out) : out;
  };
}

/** a[i]… and a[l:u]…; int2vector and oidvector are indexed from 0. */
function compileSubscript(expr: SubscriptExpr, c: Compiler): Evaluator {
  const array = c.expr(expr.array);
  const plainLower = expr.array.type.kind === 'array' ? 1 : 0;
  const bound = (e: Expr | null): Evaluator | null => (e === null ? null : c.expr(e));
  const upper = expr.upper.map(bound);
  const lower = expr.lower?.map(bound) ?? null;
  const values = (bounds: readonly (Evaluator | null)[], row: Row, frame: Frame): (Value | undefined)[] => bounds.map((b) => (b === null ? undefined : b(row, frame)));
  return (row, frame) => {
    const value = array(row, frame);
    if (value === null) return null;
    const uppers = values(upper, row, frame);
    if (lower === null) return elementAt(value as ArrayValue, uppers as Value[], plainLower);
    return slice(value as ArrayValue, values(lower, row, frame), uppers, plainLower);
  };
}

/**
 * ANY: true if some test is true, else NULL if some was NULL, else false (also over nothing).
 * ALL: false if some test is false, else NULL if some was NULL, else true.
 */
export function combineQuantified(any: boolean, count: number, testAt: (i: number) => Value): Value {
  let sawNull = false;
  for (let i = 0; i < count; i++) {
    const result = testAt(i);
    if (result === null) sawNull = true;
    else if (result === any) return any;
  }
  return sawNull ? null : !any;
}

/** An error for plan shapes the binder never produces; they mean a bug upstream. */
export function badPlan(message: string): EngineError {
  return new EngineError(SqlState.internalError, `invalid plan: ${message}`);
}
