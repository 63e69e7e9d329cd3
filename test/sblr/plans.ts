/**
 * Terse builders for hand-written plans (the IR of src/sql/plan/ir.ts) and a harness that
 * compiles and runs them against real shards, for the executor's tests.
 */
import type { Shard, Transaction } from '../../src/engine/index.ts';
import type { Row, Value } from '../../src/engine/types.ts';
import type { EvalContext } from '../../src/sql/functions/index.ts';
import {
  columnsOf,
  type AggregateCall,
  type AggregateName,
  type Expr,
  type OutputColumn,
  type Rel,
  type SortKey,
  type TableRef,
  type WindowCall,
  type WindowFrame,
} from '../../src/sql/plan/ir.ts';
import type { SqlType } from '../../src/sql/types/sql-type.ts';
import { compileProgram, ShardRuntime, type CoordinatorSite, type ExecContext, type WriteResult } from '../../src/sblr/compile/index.ts';

export const t = {
  int2: { kind: 'int2' },
  int4: { kind: 'int4' },
  int8: { kind: 'int8' },
  numeric: { kind: 'numeric' },
  float4: { kind: 'float4' },
  float8: { kind: 'float8' },
  text: { kind: 'text' },
  bool: { kind: 'bool' },
  date: { kind: 'date' },
  timestamp: { kind: 'timestamp' },
  interval: { kind: 'interval' },
  bytea: { kind: 'bytea' },
  jsonb: { kind: 'jsonb' },
  json: { kind: 'json' },
  record: { kind: 'record' },
  array: (element: SqlType): SqlType => ({ kind: 'array', element }) as SqlType,
} as const satisfies Record<string, SqlType | ((e: SqlType) => SqlType)>;

// ---- expressions ---------------------------------------------------------------------------

export const col = (index: number, type: SqlType = t.int4): Expr => ({ op: 'column', index, type });
export const outer = (depth: number, index: number, type: SqlType = t.int4): Expr => ({ op: 'outer', depth, index, type });
export const lit = (value: Value, type: SqlType = t.int4): Expr => ({ op: 'const', value, type });
/** `$n`, 1-based as SQL writes it. */
export const param = (n: number, type: SqlType = t.int4): Expr => ({ op: 'param', index: n - 1, type });
export const op = (name: string, left: Expr, right: Expr, type: SqlType = t.bool): Expr => ({
  op: 'call', kind: 'operator', name, type, argTypes: [left.type, right.type], args: [left, right],
});
export const fn = (name: string, args: Expr[], type: SqlType): Expr => ({
  op: 'call', kind: 'function', name, type, argTypes: args.map((a) => a.type), args,
});
export const cast = (arg: Expr, type: SqlType): Expr => ({ op: 'cast', type, context: 'explicit', arg });
export const and = (...args: Expr[]): Expr => ({ op: 'and', type: t.bool, args });
export const or = (...args: Expr[]): Expr => ({ op: 'or', type: t.bool, args });
export const not = (arg: Expr): Expr => ({ op: 'not', type: t.bool, arg });
export const eq = (a: Expr, b: Expr): Expr => op('=', a, b);

// ---- relations -----------------------------------------------------------------------------

export function tableRef(oid: number, columns: [string, SqlType][], hiddenRowId = false): TableRef {
  const stored = columns.map(([name, type]) => ({ name, type }));
  if (hiddenRowId) stored.push({ name: '_sb_rowid', type: t.int8 });
  return { oid, version: 1, columns: stored, hiddenRowId };
}

export const scan = (table: TableRef): Rel => ({ rel: 'scan', table });
export const filter = (input: Rel, predicate: Expr): Rel => ({ rel: 'filter', input, predicate });

/** Columns named c0, c1, … with the expressions' types. */
export function project(input: Rel, exprs: Expr[], names?: string[]): Rel {
  return { rel: 'project', input, exprs, columns: exprs.map((e, i) => ({ name: names?.[i] ?? `c${i}`, type: e.type })) };
}

/** VALUES from plain values; `types` per column (int4 by default). */
export function values(rows: Value[][], types?: SqlType[]): Rel {
  const width = rows[0]?.length ?? types?.length ?? 0;
  const columnTypes = types ?? Array.from({ length: width }, () => t.int4 as SqlType);
  return {
    rel: 'values',
    columns: columnTypes.map((type, i) => ({ name: `column${i + 1}`, type })),
    rows: rows.map((r) => r.map((v, i) => lit(v, columnTypes[i]))),
  };
}

export const asc = (expr: Expr, nullsFirst = false): SortKey => ({ expr, type: expr.type, descending: false, nullsFirst });
export const desc = (expr: Expr, nullsFirst = true): SortKey => ({ expr, type: expr.type, descending: true, nullsFirst });
export const sort = (input: Rel, ...keys: SortKey[]): Rel => ({ rel: 'sort', input, keys });
export const limit = (input: Rel, count: Expr | null, offset: Expr | null = null): Rel => ({ rel: 'limit', input, limit: count, offset });

export function join(kind: 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti', left: Rel, right: Rel, condition: Expr | null, equiKeys: { left: Expr; right: Expr }[] = [], lateral = false): Rel {
  return { rel: 'join', kind, left, right, condition, equiKeys: equiKeys.map((k) => ({ ...k, type: k.left.type })), lateral };
}

export function agg(name: AggregateName, args: Expr[], type: SqlType, extra: Partial<AggregateCall> = {}): AggregateCall {
  return { name, type, args, argTypes: args.map((a) => a.type), distinct: false, filter: null, orderBy: [], ...extra };
}

export function aggregate(input: Rel, keys: Expr[], aggregates: AggregateCall[], extra: { phase?: 'full' | 'partial' | 'final'; groupingSets?: number[][]; columns?: OutputColumn[] } = {}): Rel {
  const columns: OutputColumn[] = extra.columns ?? [
    ...keys.map((k, i) => ({ name: `k${i}`, type: k.type })),
    ...aggregates.map((a, i) => ({ name: `a${i}`, type: a.type })),
    ...(extra.groupingSets === undefined ? [] : [{ name: 'grouping', type: t.int4 as SqlType }]),
  ];
  return { rel: 'aggregate', input, phase: extra.phase ?? 'full', keys, aggregates, groupingSets: extra.groupingSets, columns };
}

export const DEFAULT_FRAME: WindowFrame = { mode: 'range', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } };

export function win(name: WindowCall['name'], args: Expr[], type: SqlType, frame: WindowFrame = DEFAULT_FRAME, filter: Expr | null = null): WindowCall {
  return { name, type, args, argTypes: args.map((a) => a.type), filter, frame };
}

export function window(input: Rel, partitionBy: Expr[], orderBy: SortKey[], functions: WindowCall[]): Rel {
  const columns = [...columnsOf(input), ...functions.map((f, i) => ({ name: `w${i}`, type: f.type }))];
  return { rel: 'window', input, partitionBy, orderBy, functions, columns };
}

// ---- running -------------------------------------------------------------------------------

export function evalContext(): EvalContext {
  return {
    timeZone: 'UTC',
    transactionTimestamp: 0n,
    statementTimestamp: 0n,
    clockTimestamp: () => 0n,
    currentUser: 'postgres',
    sessionUser: 'postgres',
    currentDatabase: 'postgres',
    searchPath: ['public'],
    catalog: {
      relationOid: () => undefined, relationName: () => undefined, typeOid: () => undefined, typeName: () => undefined,
      functionOid: () => undefined, functionName: () => undefined, namespaceOid: () => undefined, namespaceName: () => undefined,
      roleOid: () => undefined, roleName: () => undefined,
    },
    setting: () => undefined,
    random: () => 0.5,
  };
}

let programs = 0;

/** Compiles a plan as verifyProgram would hand it over (a fresh hash each time). */
export function compile(root: Rel, parameterTypes: SqlType[] = []) {
  return compileProgram({ hash: `test-${++programs}`, parameterTypes, root });
}

export function shardContext(shard: Shard, tx: Transaction, params: readonly Value[] = [], checkInterrupt: () => void = () => {}): ExecContext {
  return { params, eval: evalContext(), site: { kind: 'shard', shardIndex: 0, tx, runtime: ShardRuntime.of(shard) }, checkInterrupt };
}

/** Every row of a query plan, run in `tx` (a fresh transaction, committed after, if none). */
export async function query(shard: Shard, root: Rel, params: readonly Value[] = [], tx?: Transaction): Promise<Row[]> {
  const own = tx ?? shard.begin();
  const program = compile(root, params.map(() => t.int4));
  const rows = [...iterate(program.open(shardContext(shard, own, params)))];
  if (tx === undefined) await own.commit();
  return rows;
}

/** Runs a write plan in `tx` (a fresh transaction, committed after, if none). */
export async function write(shard: Shard, root: Rel, params: readonly Value[] = [], tx?: Transaction): Promise<WriteResult> {
  const own = tx ?? shard.begin();
  const program = compile(root, params.map(() => t.int4));
  const result = await program.run(shardContext(shard, own, params));
  if (tx === undefined) await own.commit();
  return result;
}

export function iterate(iterator: Iterator<Row>): Iterable<Row> {
  return { [Symbol.iterator]: () => iterator };
}

/** Creates engine table r<oid> for a TableRef (its first column the primary key unless it has a hidden row id). */
export async function createTable(shard: Shard, table: TableRef, rows: Value[][] = [], indexes: { name: string; columns: string[]; unique?: boolean }[] = []): Promise<void> {
  const tx = shard.begin();
  const key = table.hiddenRowId ? table.columns[table.columns.length - 1].name : table.columns[0].name;
  await tx.createTable({
    name: `r${table.oid}`,
    columns: table.columns.map((c) => ({ name: c.name, type: typeText(c.type), notNull: c.name === key })),
    primaryKey: [key],
    indexes,
  });
  let id = 0n;
  for (const row of rows) await tx.insert(`r${table.oid}`, table.hiddenRowId ? [...row, ++id] : row);
  await tx.commit();
}

function typeText(type: SqlType): string {
  return type.kind === 'array' ? `${typeText(type.element as SqlType)}[]` : type.kind;
}

/** A coordinator over local shards: subplans are looked up by their encoded bytes. */
export function coordinatorContext(shards: readonly Shard[], txs: readonly Transaction[], subplans: Map<string, Rel>, params: readonly Value[] = [], catalog: Record<string, Row[]> = {}): ExecContext {
  const subplan = (program: Uint8Array): Rel => {
    const rel = subplans.get(Buffer.from(program).toString('hex'));
    if (rel === undefined) throw new Error('unknown subplan');
    return rel;
  };
  const site: CoordinatorSite = {
    kind: 'coordinator',
    openOnShard: (shard, program, p) => compile(subplan(program)).open(shardContext(shards[shard], txs[shard], p)),
    writeOnShard: (shard, program, p) => compile(subplan(program)).run(shardContext(shards[shard], txs[shard], p)),
    catalogRows: (name) => catalog[name] ?? [],
  };
  return { params, eval: evalContext(), site, checkInterrupt: () => {} };
}
