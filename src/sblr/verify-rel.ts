/**
 * Verification of the relational operators (reads, joins, aggregation, set operations, CTEs,
 * gathers). Each check verifies the operator's blocks in the scopes the IR defines for them
 * and returns the relation with its output columns.
 */
import type { AggregateCall, Expr, GatherRel, IndexScanRel, OutputColumn, SortKey, WindowCall } from '../sql/plan/ir.ts';
import { INT4, INT8, isColumnType, type SqlType } from '../sql/types/sql-type.ts';
import type { Block, Entry, OperandsOf } from './operands.ts';
import { schemaChanged } from './errors.ts';
import { typeName } from './types.ts';
import {
  expectBool, expectColumns, expectType, expectTypes, groups, nodes, over, relationBlock, typesOf, valueBlock,
  type Builders, type Checking, type RelationOut, type Scope,
} from './verify-context.ts';

type RelationOpcode =
  | 'SCAN' | 'INDEX_SCAN' | 'VALUES' | 'FILTER' | 'PROJECT' | 'JOIN' | 'LATERAL_JOIN' | 'AGGREGATE' | 'WINDOW'
  | 'SORT' | 'LIMIT' | 'DISTINCT' | 'SETOP' | 'RECURSIVE' | 'WORK_TABLE' | 'CTE_REF' | 'FUNCTION' | 'PROJECT_SET' | 'RESULT'
  | 'GATHER' | 'CATALOG';

/** Expressions over no row: constants, parameters and enclosing rows only. */
function noRow(scope: Scope): Scope {
  return over(scope, []);
}

function sortKeys(ins: Checking, block: Block, scope: Scope, count: number, what: string): SortKey[] {
  return nodes(groups(ins, ins.v.block(block, scope), [{ kind: 'sortKey', count }], what)[0] as Entry<'sortKey'>[]);
}

/** A list of shards to run on: some, each once. */
export function expectShards(ins: Checking, shards: readonly number[]): void {
  if (shards.length === 0) ins.fail('no shards to run on');
  if (new Set(shards).size !== shards.length) ins.fail('a shard listed twice');
}

/** A secondary index the program names must exist on the shard now. */
export function expectIndex(ins: Checking, oid: number, index: string | null): void {
  if (index !== null && ins.v.catalog.table(oid)?.indexes.includes(index) !== true) throw schemaChanged(`index "${index}" of table ${oid} does not exist`);
}

export const relationChecks: Builders<RelationOpcode> = {
  SCAN: ({ operands: { table } }) => ({ rel: { rel: 'scan', table }, columns: table.columns }),

  INDEX_SCAN: (ins) => {
    const { table, index, reverse, equal, lower, lowerInclusive, upper, upperInclusive, bounds } = ins.operands;
    expectIndex(ins, table.oid, index);
    if (lower === null && lowerInclusive) ins.fail('an inclusive flag without a lower bound');
    if (upper === null && upperInclusive) ins.fail('an inclusive flag without an upper bound');
    const widths = [...(equal ?? []), lower ?? 0, upper ?? 0];
    const values = valueBlock(ins, bounds, noRow(ins.scope), widths.reduce((sum, n) => sum + n, 0), 'the bounds');
    let next = 0;
    const take = (n: number): Expr[] => values.slice(next, (next += n));
    const rel: IndexScanRel = {
      rel: 'indexScan', table, index,
      ...(equal === null ? {} : { equal: equal.map(take) }),
      ...(lower === null ? {} : { lower: { values: take(lower), inclusive: lowerInclusive } }),
      ...(upper === null ? {} : { upper: { values: take(upper), inclusive: upperInclusive } }),
      reverse,
    };
    return { rel, columns: table.columns };
  },

  VALUES: (ins) => {
    const { columns, rows: rowCount, body } = ins.operands;
    const values = valueBlock(ins, body, noRow(ins.scope), rowCount * columns.length, 'the VALUES rows');
    const rows: Expr[][] = [];
    for (let i = 0; i < rowCount; i++) {
      const row = values.slice(i * columns.length, (i + 1) * columns.length);
      expectTypes(ins, row, typesOf(columns), `VALUES row ${i + 1} column`);
      rows.push(row);
    }
    return { rel: { rel: 'values', columns, rows }, columns };
  },

  FILTER: (ins) => {
    const input = ins.inputs[0][0];
    const [predicate] = valueBlock(ins, ins.operands.predicate, over(ins.scope, typesOf(input.columns)), 1, 'the predicate');
    expectBool(ins, predicate, 'the predicate');
    return { rel: { rel: 'filter', input: input.node, predicate }, columns: input.columns };
  },

  PROJECT: (ins) => {
    const { columns } = ins.operands;
    const input = ins.inputs[0][0];
    const exprs = valueBlock(ins, ins.operands.exprs, over(ins.scope, typesOf(input.columns)), columns.length, 'the projection');
    expectTypes(ins, exprs, typesOf(columns), 'output column');
    return { rel: { rel: 'project', input: input.node, columns, exprs }, columns };
  },

  JOIN: (ins) => {
    const [left, right] = ins.inputs[0];
    return join(ins, left, right, false);
  },

  LATERAL_JOIN: (ins) => {
    const left = ins.inputs[0][0];
    if (ins.operands.kind === 'right' || ins.operands.kind === 'full') ins.fail(`a LATERAL join cannot be ${ins.operands.kind}`);
    const right = relationBlock(ins, ins.operands.right, ins.scope.site, [typesOf(left.columns), ...ins.scope.outers], 'the LATERAL right side');
    return join(ins, left, right, true);
  },

  AGGREGATE: (ins) => {
    const { phase, columns, keys: keyCount, groupingSets, aggregates: callCount, body } = ins.operands;
    const input = ins.inputs[0][0];
    const [keyEntries, callEntries] = groups(ins, ins.v.block(body, over(ins.scope, typesOf(input.columns))), [
      { kind: 'value', count: keyCount },
      { kind: 'aggregate', count: callCount },
    ], 'the aggregation');
    const keys = nodes(keyEntries as Entry<'value'>[]);
    const aggregates = nodes(callEntries as Entry<'aggregate'>[]);
    for (const set of groupingSets ?? []) {
      for (const position of set) if (position >= keyCount) ins.fail(`grouping set position ${position} where there are ${keyCount} keys`);
    }
    const produced: SqlType[] = keys.map((key) => key.type);
    for (const call of aggregates) produced.push(...aggregateOutputs(ins, call, phase));
    if (groupingSets !== null) produced.push(INT4);
    expectColumns(ins, produced, columns, 'the aggregation');
    return {
      rel: { rel: 'aggregate', input: input.node, phase, keys, ...(groupingSets === null ? {} : { groupingSets }), aggregates, columns },
      columns,
    };
  },

  WINDOW: (ins) => {
    const { columns, partitionBy: partitionCount, orderBy: orderCount, functions: callCount, body } = ins.operands;
    const input = ins.inputs[0][0];
    const [partitionEntries, orderEntries, callEntries] = groups(ins, ins.v.block(body, over(ins.scope, typesOf(input.columns))), [
      { kind: 'value', count: partitionCount },
      { kind: 'sortKey', count: orderCount },
      { kind: 'window', count: callCount },
    ], 'the window definition');
    const functions = nodes(callEntries as Entry<'window'>[]);
    ins.v.spend(input.columns.length);
    expectColumns(ins, [...typesOf(input.columns), ...functions.map((call: WindowCall) => call.type)], columns, 'the window output');
    return {
      rel: {
        rel: 'window', input: input.node, partitionBy: nodes(partitionEntries as Entry<'value'>[]), orderBy: nodes(orderEntries as Entry<'sortKey'>[]), functions, columns,
      },
      columns,
    };
  },

  SORT: (ins) => {
    const input = ins.inputs[0][0];
    const keys = sortKeys(ins, ins.operands.body, over(ins.scope, typesOf(input.columns)), ins.operands.keys, 'the sort keys');
    return { rel: { rel: 'sort', input: input.node, keys }, columns: input.columns };
  },

  LIMIT: (ins) => {
    const input = ins.inputs[0][0];
    const bound = (block: Block | null, what: string): Expr | null => {
      if (block === null) return null;
      const [value] = valueBlock(ins, block, noRow(ins.scope), 1, what);
      expectType(ins, value.type, INT8, what);
      return value;
    };
    const limit = bound(ins.operands.limit, 'LIMIT');
    const offset = bound(ins.operands.offset, 'OFFSET');
    return { rel: { rel: 'limit', input: input.node, limit, offset }, columns: input.columns };
  },

  DISTINCT: (ins) => {
    const input = ins.inputs[0][0];
    const on = valueBlock(ins, ins.operands.body, over(ins.scope, typesOf(input.columns)), ins.operands.on ?? 0, 'DISTINCT ON');
    return { rel: { rel: 'distinct', input: input.node, on: ins.operands.on === null ? null : on }, columns: input.columns };
  },

  SETOP: (ins) => {
    const { kind, all, columns } = ins.operands;
    const [left, right] = ins.inputs[0];
    expectColumns(ins, typesOf(left.columns), columns, 'the left side');
    expectColumns(ins, typesOf(right.columns), columns, 'the right side');
    return { rel: { rel: 'setop', kind, all, left: left.node, right: right.node, columns }, columns };
  },

  RECURSIVE: (ins) => {
    const { id, all, columns, step: block } = ins.operands;
    const seed = ins.inputs[0][0];
    const { workTables } = ins.v;
    if (workTables.has(id)) ins.fail(`work table ${id} is already defined by an enclosing RECURSIVE`);
    expectColumns(ins, typesOf(seed.columns), columns, 'the seed');
    workTables.set(id, columns);
    const step = relationBlock(ins, block, ins.scope.site, ins.scope.outers, 'the recursive step');
    workTables.delete(id);
    expectColumns(ins, typesOf(step.columns), columns, 'the recursive step');
    return { rel: { rel: 'recursive', id, all, seed: seed.node, step: step.node, columns }, columns };
  },

  WORK_TABLE: (ins) => {
    const { id, columns } = ins.operands;
    const bound = ins.v.workTables.get(id);
    if (bound === undefined) return ins.fail(`work table ${id} is not defined by an enclosing RECURSIVE step`);
    expectColumns(ins, typesOf(columns), bound, `work table ${id}`);
    return { rel: { rel: 'workTable', id, columns }, columns };
  },

  CTE_REF: (ins) => {
    const { id, columns } = ins.operands;
    const bound = ins.v.ctes.get(id);
    if (bound === undefined) return ins.fail(`CTE ${id} is not defined by an enclosing RESULT`);
    expectColumns(ins, typesOf(columns), bound, `CTE ${id}`);
    return { rel: { rel: 'cteRef', id, columns }, columns };
  },

  FUNCTION: (ins) => {
    const { name, argTypes, columns, ordinality } = ins.operands;
    const args = valueBlock(ins, ins.operands.args, noRow(ins.scope), argTypes.length, `the arguments of ${name}`);
    expectTypes(ins, args, argTypes, `argument of ${name}`);
    const produced = [...typesOf(columns)];
    if (ordinality) {
      if (produced.length === 0) ins.fail('WITH ORDINALITY without an ordinality column');
      expectType(ins, produced.pop()!, INT8, 'the ordinality column');
    }
    if (!ins.v.functions.checkSetReturning(name, argTypes, produced)) {
      ins.fail(`no set-returning function ${name}(${argTypes.map(typeName).join(', ')}) returning (${produced.map(typeName).join(', ')})`);
    }
    return { rel: { rel: 'function', name, argTypes, args, columns, ordinality }, columns };
  },

  PROJECT_SET: (ins) => {
    const { columns, functions: callCount, body } = ins.operands;
    const input = ins.inputs[0][0];
    const [callEntries] = groups(ins, ins.v.block(body, over(ins.scope, typesOf(input.columns))), [{ kind: 'setCall', count: callCount }], 'the set-returning calls');
    const functions = nodes(callEntries as Entry<'setCall'>[]);
    if (functions.length === 0) ins.fail('PROJECT_SET without set-returning calls');
    ins.v.spend(input.columns.length);
    expectColumns(ins, [...typesOf(input.columns), ...functions.flatMap((call) => call.returns)], columns, 'the set-returning output');
    return { rel: { rel: 'projectSet', input: input.node, functions, columns }, columns };
  },

  RESULT: (ins) => {
    const { ctes } = ins.v;
    const defined: { id: number; plan: RelationOut['rel'] }[] = [];
    for (const cte of ins.operands.ctes) {
      if (ctes.has(cte.id)) ins.fail(`CTE ${cte.id} is defined twice`);
      const plan = relationBlock(ins, cte.plan, ins.scope.site, ins.scope.outers, `CTE ${cte.id}`);
      ctes.set(cte.id, plan.columns);
      defined.push({ id: cte.id, plan: plan.node });
    }
    const input = relationBlock(ins, ins.operands.input, ins.scope.site, ins.scope.outers, 'the query');
    for (const cte of defined) ctes.delete(cte.id);
    return { rel: { rel: 'result', ctes: defined, input: input.node }, columns: input.columns };
  },

  GATHER: (ins) => {
    const { shards, columns, mergeKeys: keyCount, subplan: block, merge, route: width, routeTuples, routeKeys } = ins.operands;
    expectShards(ins, shards);
    // The subplan is a program of its own on each shard: no CTE of the coordinator's reaches it.
    // It may read the gather's enclosing rows, whose values the coordinator sends along.
    const subplan = ins.v.isolated(() => relationBlock(ins, block, 'shard', ins.scope.outers, 'the shard subplan'));
    expectColumns(ins, typesOf(subplan.columns), columns, 'the shard subplan');
    const keys = sortKeys(ins, merge, over(ins.scope, typesOf(columns)), keyCount ?? 0, 'the merge keys');
    if (width === null && routeTuples !== 0) ins.fail('route tuples without a route');
    if (width === 0 || (width !== null && routeTuples === 0)) ins.fail('a route without values');
    // Route values are computed on the coordinator, where the gather runs.
    const values = valueBlock(ins, routeKeys, noRow(ins.scope), (width ?? 0) * routeTuples, 'the route');
    // Partition-key values are values of stored columns: the types the partition hash knows.
    for (const value of values) if (!isColumnType(value.type)) ins.fail(`a route value of type ${typeName(value.type)}, which no column stores`);
    const gather: GatherRel = { rel: 'gather', shards, subplan: subplan.node, columns, mergeKeys: keyCount === null ? null : keys };
    if (width === null) return { rel: gather, columns };
    const tuples = Array.from({ length: routeTuples }, (_, i) => values.slice(i * width, (i + 1) * width));
    return { rel: { ...gather, route: { keys: tuples } }, columns };
  },

  CATALOG: (ins) => {
    const { name, columns } = ins.operands;
    if (name === '') ins.fail('a catalog relation without a name');
    return { rel: { rel: 'catalog', name, columns }, columns };
  },
};

function join(ins: Checking & { readonly scope: Scope; readonly operands: OperandsOf<'JOIN', Block> }, left: Entry<'relation'>, right: Entry<'relation'>, lateral: boolean): RelationOut {
  const { kind, keyTypes, leftKeys: leftBlock, rightKeys: rightBlock, condition: conditionBlock } = ins.operands;
  const leftRow = typesOf(left.columns);
  const rightRow = typesOf(right.columns);
  ins.v.spend(leftRow.length + rightRow.length);
  const leftKeys = valueBlock(ins, leftBlock, over(ins.scope, leftRow), keyTypes.length, 'the left join keys');
  const rightKeys = valueBlock(ins, rightBlock, over(ins.scope, rightRow), keyTypes.length, 'the right join keys');
  expectTypes(ins, leftKeys, keyTypes, 'left join key');
  expectTypes(ins, rightKeys, keyTypes, 'right join key');
  let condition: Expr | null = null;
  if (conditionBlock !== null) {
    [condition] = valueBlock(ins, conditionBlock, over(ins.scope, [...leftRow, ...rightRow]), 1, 'the join condition');
    expectBool(ins, condition, 'the join condition');
  }
  const equiKeys = keyTypes.map((type, i) => ({ left: leftKeys[i], right: rightKeys[i], type }));
  const columns: readonly OutputColumn[] = kind === 'semi' || kind === 'anti' ? left.columns : [...left.columns, ...right.columns];
  return { rel: { rel: 'join', kind, left: left.node, right: right.node, condition, equiKeys, lateral }, columns };
}

function aggregateOutputs(ins: Checking, call: AggregateCall, phase: 'full' | 'partial' | 'final'): readonly SqlType[] {
  const outputs = ins.v.functions.checkAggregate(call.name, phase, call.argTypes, call.type);
  if (outputs === undefined) ins.fail(`no ${phase} aggregate ${call.name}(${call.argTypes.map(typeName).join(', ')}) returning ${typeName(call.type)}`);
  return outputs;
}
