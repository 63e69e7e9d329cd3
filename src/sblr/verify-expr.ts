/**
 * Verification of expressions and of the parts operators are made of (sort keys, aggregate
 * and window calls, CHECK and ON CONFLICT clauses): each check receives the operands and the
 * popped inputs, enforces the typing rules, and builds the IR node.
 */
import type { Expr, FrameBound, SortKey, SubqueryExpr, WindowFrame } from '../sql/plan/ir.ts';
import { MAX_DIMENSIONS } from '../engine/array-value.ts';
import { INT4, INT8, type SqlType } from '../sql/types/sql-type.ts';
import type { FRAME_BOUNDS } from '../../sblr/opcodes.ts';
import type { Block } from './operands.ts';
import { sameType, typeName } from './types.ts';
import {
  expectBool, expectType, expectTypes, nodes, relationBlock, valueBlock, type Builders, type Checking, type Instruction, type Scope,
} from './verify-context.ts';

type ExpressionOpcode =
  | 'CONST' | 'PARAM' | 'COLUMN' | 'OUTER' | 'CALL' | 'CAST' | 'AND' | 'OR' | 'NOT' | 'IS_NULL' | 'IS_DISTINCT'
  | 'CASE' | 'COALESCE' | 'NULLIF' | 'GREATEST' | 'LEAST' | 'IN_LIST' | 'SUBQUERY' | 'SUBQUERY_COMPARE'
  | 'ANY_ARRAY' | 'ALL_ARRAY' | 'ARRAY' | 'SUBSCRIPT' | 'ROW' | 'SORT_KEY' | 'AGG_CALL' | 'WINDOW_CALL' | 'SRF_CALL' | 'CHECK' | 'ON_CONFLICT';

function boolResult(ins: Checking, type: SqlType): void {
  if (type.kind !== 'bool') ins.fail(`result type ${typeName(type)} is not bool`);
}

function atLeast(ins: Checking, count: number, minimum: number, what: string): void {
  if (count < minimum) ins.fail(`${count} ${what} where at least ${minimum} are needed`);
}

/** Every argument has the representation of the result (CASE branches, COALESCE, …). */
function sameAsResult(ins: Checking, args: readonly Expr[], type: SqlType, what: string): void {
  args.forEach((arg, i) => expectType(ins, arg.type, type, `${what} ${i + 1}`));
}

function referenced(ins: Checking, row: readonly SqlType[], index: number, type: SqlType, what: string): void {
  if (index >= row.length) ins.fail(`${what} ${index} is past the end of a ${row.length}-column row`);
  if (!sameType(type, row[index])) ins.fail(`${what} ${index} is ${typeName(row[index])}, not ${typeName(type)}`);
}

/** The subquery's plan: an uncorrelated one sees no enclosing row at all. */
function subqueryPlan(ins: Checking, scope: Scope, plan: Block, uncorrelated: boolean) {
  return relationBlock(ins, plan, scope.site, uncorrelated ? [] : [scope.row, ...scope.outers], 'the subquery plan');
}

function singleColumn(ins: Checking, columns: readonly { type: SqlType }[]): SqlType {
  if (columns.length !== 1) ins.fail(`the subquery yields ${columns.length} columns where one is expected`);
  return columns[0].type;
}

/** A quantified comparison's test: one bool over [left value, element], in place of the current row. */
function pairTest(ins: Checking, test: Block, scope: Scope, left: SqlType, right: SqlType): Expr {
  const [expr] = valueBlock(ins, test, { site: scope.site, row: [left, right], outers: scope.outers }, 1, 'the test');
  expectBool(ins, expr, 'the test');
  return expr;
}

function elementType(type: SqlType): SqlType | undefined {
  switch (type.kind) {
    case 'array': return type.element;
    case 'int2vector': return { kind: 'int2' };
    case 'oidvector': return { kind: 'oid' };
    default: return undefined;
  }
}

function frameBound(kind: (typeof FRAME_BOUNDS)[number], offsets: Expr[]): FrameBound {
  return kind === 'preceding' || kind === 'following' ? { kind, offset: offsets.shift()! } : { kind };
}

export const expressionChecks: Builders<ExpressionOpcode> = {
  CONST: ({ operands: { type, value } }) => ({ op: 'const', type, value }),

  PARAM: (ins) => {
    const { type, index } = ins.operands;
    const declared = ins.v.parameterTypes;
    if (index >= declared.length) ins.fail(`parameter $${index + 1} is not among the program's ${declared.length} parameters`);
    if (!sameType(type, declared[index])) ins.fail(`parameter $${index + 1} is ${typeName(declared[index])}, not ${typeName(type)}`);
    return { op: 'param', type, index };
  },

  COLUMN: (ins) => {
    const { type, index } = ins.operands;
    referenced(ins, ins.scope.row, index, type, 'column');
    return { op: 'column', type, index };
  },

  OUTER: (ins) => {
    const { type, depth, index } = ins.operands;
    const { outers } = ins.scope;
    if (depth < 1 || depth > outers.length) ins.fail(`outer depth ${depth} where ${outers.length} enclosing rows are in scope`);
    referenced(ins, outers[depth - 1], index, type, `outer depth ${depth} column`);
    return { op: 'outer', type, depth, index };
  },

  CALL: (ins) => {
    const { type, kind, name, argTypes } = ins.operands;
    const args = nodes(ins.inputs[0]);
    expectTypes(ins, args, argTypes, `argument of ${name}`);
    if (!ins.v.functions.checkCall(kind, name, argTypes, type)) {
      ins.fail(`no ${kind} ${name}(${argTypes.map(typeName).join(', ')}) returning ${typeName(type)}`);
    }
    return { op: 'call', type, kind, name, argTypes, args };
  },

  CAST: (ins) => {
    const { type, context } = ins.operands;
    const [arg] = nodes(ins.inputs[0]);
    if (!ins.v.functions.checkCast(arg.type, type, context)) ins.fail(`no ${context} cast from ${typeName(arg.type)} to ${typeName(type)}`);
    return { op: 'cast', type, context, arg };
  },

  AND: (ins) => logical(ins, 'and'),
  OR: (ins) => logical(ins, 'or'),

  NOT: (ins) => {
    const { type } = ins.operands;
    const [arg] = nodes(ins.inputs[0]);
    boolResult(ins, type);
    expectBool(ins, arg, 'the argument');
    return { op: 'not', type, arg };
  },

  IS_NULL: (ins) => {
    const { type, negated } = ins.operands;
    boolResult(ins, type);
    return { op: 'isNull', type, arg: ins.inputs[0][0].node, negated };
  },

  IS_DISTINCT: (ins) => {
    const { type, argType, negated } = ins.operands;
    const [left, right] = nodes(ins.inputs[0]);
    boolResult(ins, type);
    expectTypes(ins, [left, right], [argType, argType], 'operand');
    return { op: 'isDistinct', type, argType, left, right, negated };
  },

  CASE: (ins) => {
    const { type, whens: count } = ins.operands;
    atLeast(ins, count, 1, 'WHEN clauses');
    const pairs = nodes(ins.inputs[0]);
    const whens = [];
    for (let i = 0; i < pairs.length; i += 2) {
      expectBool(ins, pairs[i], `WHEN condition ${i / 2 + 1}`);
      expectType(ins, pairs[i + 1].type, type, `THEN result ${i / 2 + 1}`);
      whens.push({ when: pairs[i], then: pairs[i + 1] });
    }
    const otherwise = ins.inputs[1].length === 0 ? null : ins.inputs[1][0].node;
    if (otherwise !== null) expectType(ins, otherwise.type, type, 'the ELSE result');
    return { op: 'case', type, whens, otherwise };
  },

  COALESCE: (ins) => {
    const { type, count } = ins.operands;
    atLeast(ins, count, 1, 'arguments');
    const args = nodes(ins.inputs[0]);
    sameAsResult(ins, args, type, 'argument');
    return { op: 'coalesce', type, args };
  },

  NULLIF: (ins) => {
    const { type } = ins.operands;
    const [left, right] = nodes(ins.inputs[0]);
    expectType(ins, left.type, type, 'the first argument');
    expectType(ins, right.type, left.type, 'the second argument');
    return { op: 'nullif', type, left, right };
  },

  GREATEST: (ins) => extreme(ins, 'greatest'),
  LEAST: (ins) => extreme(ins, 'least'),

  IN_LIST: (ins) => {
    const { type, negated, count } = ins.operands;
    atLeast(ins, count, 1, 'list items');
    boolResult(ins, type);
    const arg = ins.inputs[0][0].node;
    const list = nodes(ins.inputs[1]);
    sameAsResult(ins, list, arg.type, 'list item');
    return { op: 'inList', type, arg, list, negated };
  },

  SUBQUERY: (ins) => {
    const { type, kind, uncorrelated, plan: block } = ins.operands;
    const plan = subqueryPlan(ins, ins.scope, block, uncorrelated);
    if (kind === 'exists') boolResult(ins, type);
    else {
      const column = singleColumn(ins, plan.columns);
      if (kind === 'scalar') expectType(ins, column, type, 'the subquery column');
      else if (type.kind !== 'array') ins.fail(`ARRAY(subquery) of type ${typeName(type)}`);
      // A column of arrays stacks them into one more dimension.
      else expectType(ins, column, column.kind === 'array' ? type : type.element, 'the subquery column');
    }
    const node: SubqueryExpr = { op: 'subquery', type, kind, plan: plan.node, uncorrelated };
    return node;
  },

  SUBQUERY_COMPARE: (ins) => {
    const { type, kind, uncorrelated, plan: block, test: testBlock } = ins.operands;
    boolResult(ins, type);
    const left = ins.inputs[0][0].node;
    const plan = subqueryPlan(ins, ins.scope, block, uncorrelated);
    const columns = plan.columns.map((c) => c.type);
    let row: SqlType[];
    if (columns.length === 1) row = [left.type, columns[0]];
    else {
      // Several columns: the left value is a ROW(…) of one field per column (records carry no
      // field types in SBLR, so the fields' own types type the test row).
      const fields = left.op === 'row' ? left.fields : [];
      if (fields.length !== columns.length) ins.fail(`the left value is not a ROW(…) of ${columns.length} fields`);
      row = [...fields.map((f) => f.type), ...columns];
    }
    const [test] = valueBlock(ins, testBlock, { site: ins.scope.site, row, outers: ins.scope.outers }, 1, 'the test');
    expectBool(ins, test, 'the test');
    return { op: 'subquery', type, kind, plan: plan.node, left, test, uncorrelated };
  },

  ANY_ARRAY: (ins) => quantifiedArray(ins, 'anyArray'),
  ALL_ARRAY: (ins) => quantifiedArray(ins, 'allArray'),

  ARRAY: (ins) => {
    const { type } = ins.operands;
    if (type.kind !== 'array') return ins.fail(`ARRAY[…] of type ${typeName(type)}`);
    const elements = nodes(ins.inputs[0]);
    // Elements that are arrays stack into one more dimension.
    sameAsResult(ins, elements, elements[0]?.type.kind === 'array' ? type : type.element, 'element');
    return { op: 'array', type, elements };
  },

  SUBSCRIPT: (ins) => {
    const { type, slice, bounds, omitted } = ins.operands;
    const [array, ...given] = nodes([...ins.inputs[0], ...ins.inputs[1]]);
    const element = elementType(array.type);
    if (element === undefined) return ins.fail(`subscripting ${typeName(array.type)}, which is not an array`);
    expectType(ins, type, slice ? array.type : element, 'the result');
    given.forEach((bound, i) => expectType(ins, bound.type, INT4, `subscript ${i + 1}`));
    const slots = bounds + omitted.length;
    if (!slice && omitted.length > 0) ins.fail('an element subscript with omitted bounds');
    if (slice && slots % 2 !== 0) ins.fail(`a slice of ${slots} bounds, not a lower and upper per dimension`);
    const dimensions = slice ? slots / 2 : slots;
    if (dimensions < 1 || dimensions > MAX_DIMENSIONS) ins.fail(`${dimensions} subscripts`);
    omitted.forEach((slot, i) => {
      if (slot >= slots || (i > 0 && slot <= omitted[i - 1])) ins.fail('omitted bounds out of order or range');
    });
    if (!slice) return { op: 'subscript', type, array, upper: given, lower: null };
    const all: (Expr | null)[] = [];
    for (let slot = 0, next = 0; slot < slots; slot++) all.push(omitted.includes(slot) ? null : given[next++]);
    return { op: 'subscript', type, array, lower: all.filter((_, slot) => slot % 2 === 0), upper: all.filter((_, slot) => slot % 2 === 1) };
  },

  ROW: (ins) => {
    const { type } = ins.operands;
    if (type.kind !== 'record') ins.fail(`ROW(…) of type ${typeName(type)}`);
    return { op: 'row', type, fields: nodes(ins.inputs[0]) };
  },

  SORT_KEY: (ins): SortKey => {
    const { type, descending, nullsFirst } = ins.operands;
    const expr = ins.inputs[0][0].node;
    expectType(ins, expr.type, type, 'the sort value');
    return { expr, type, descending, nullsFirst };
  },

  AGG_CALL: (ins) => {
    const { name, type, argTypes, distinct } = ins.operands;
    const args = nodes(ins.inputs[0]);
    expectTypes(ins, args, argTypes, `argument of ${name}`);
    const filter = ins.inputs[1].length === 0 ? null : ins.inputs[1][0].node;
    if (filter !== null) expectBool(ins, filter, 'the FILTER condition');
    return { name, type, args, argTypes, distinct, filter, orderBy: nodes(ins.inputs[2]) };
  },

  WINDOW_CALL: (ins) => {
    const { name, type, argTypes, mode, start, end, exclude, offsets: block } = ins.operands;
    const args = nodes(ins.inputs[0]);
    expectTypes(ins, args, argTypes, `argument of ${name}`);
    const filter = ins.inputs[1].length === 0 ? null : ins.inputs[1][0].node;
    if (filter !== null) expectBool(ins, filter, 'the FILTER condition');
    if (start === 'unboundedFollowing') ins.fail('a frame cannot start at UNBOUNDED FOLLOWING');
    if (end === 'unboundedPreceding') ins.fail('a frame cannot end at UNBOUNDED PRECEDING');
    const offsetCount = [start, end].filter((kind) => kind === 'preceding' || kind === 'following').length;
    const offsets = valueBlock(ins, block, { site: ins.scope.site, row: [], outers: ins.scope.outers }, offsetCount, 'the frame offsets');
    // PostgreSQL coerces ROWS and GROUPS offsets to bigint; RANGE offsets depend on the ORDER BY type.
    if (mode !== 'range') offsets.forEach((offset) => expectType(ins, offset.type, INT8, `the ${mode.toUpperCase()} offset`));
    const bounds = { mode, start: frameBound(start, offsets), end: frameBound(end, offsets) };
    const frame: WindowFrame = exclude === 'noOthers' ? bounds : { ...bounds, exclude };
    if (!ins.v.functions.checkWindow(name, argTypes, type)) ins.fail(`no window function ${name}(${argTypes.map(typeName).join(', ')}) returning ${typeName(type)}`);
    return { name, type, args, argTypes, filter, frame };
  },

  SRF_CALL: (ins) => {
    const { name, argTypes, returns } = ins.operands;
    const args = nodes(ins.inputs[0]);
    expectTypes(ins, args, argTypes, `argument of ${name}`);
    if (!ins.v.functions.checkSetReturning(name, argTypes, returns)) {
      ins.fail(`no set-returning function ${name}(${argTypes.map(typeName).join(', ')}) returning (${returns.map(typeName).join(', ')})`);
    }
    return { name, argTypes, args, returns };
  },

  CHECK: (ins) => {
    const expr = ins.inputs[0][0].node;
    expectBool(ins, expr, `CHECK constraint "${ins.operands.name}"`);
    return { name: ins.operands.name, expr };
  },

  ON_CONFLICT: (ins) => {
    const { action, index } = ins.operands;
    const set = ins.operands.set === null ? null : nodes(ins.inputs[0]);
    const where = ins.inputs[1].length === 0 ? null : ins.inputs[1][0].node;
    if (action === 'nothing' && (set !== null || where !== null)) ins.fail('DO NOTHING with SET or WHERE');
    if (action === 'update' && set === null) ins.fail('DO UPDATE without SET');
    if (where !== null) expectBool(ins, where, 'the DO UPDATE WHERE condition');
    return { index, action, set, where };
  },
};

function logical(ins: Instruction<'AND' | 'OR'>, op: 'and' | 'or'): Expr {
  const { type, count } = ins.operands;
  atLeast(ins, count, 2, 'arguments');
  boolResult(ins, type);
  const args = nodes(ins.inputs[0]);
  args.forEach((arg, i) => expectBool(ins, arg, `argument ${i + 1}`));
  return { op, type, args };
}

function extreme(ins: Instruction<'GREATEST' | 'LEAST'>, op: 'greatest' | 'least'): Expr {
  const { type, count } = ins.operands;
  atLeast(ins, count, 1, 'arguments');
  const args = nodes(ins.inputs[0]);
  sameAsResult(ins, args, type, 'argument');
  return { op, type, args };
}

function quantifiedArray(ins: Instruction<'ANY_ARRAY' | 'ALL_ARRAY'>, op: 'anyArray' | 'allArray'): Expr {
  const { type, test: block } = ins.operands;
  boolResult(ins, type);
  const [left, array] = nodes(ins.inputs[0]);
  const element = elementType(array.type);
  if (element === undefined) ins.fail(`the right operand is ${typeName(array.type)}, not an array`);
  return { op, type, left, array, test: pairTest(ins, block, ins.scope, left.type, element) };
}

