/**
 * Operators the coordinator runs over a gather from several shards, moved (partly) into the
 * gather's subplan so each shard does its share and sends less:
 *
 * - aggregation splits into a 'partial' phase per shard and a 'final' one here (AVG as sum and
 *   count, see src/sql/functions/aggregates.ts); not with DISTINCT or ORDER BY inside an
 *   aggregate call, or grouping sets, which need all rows in one place;
 * - ORDER BY sorts on each shard and merges here (GatherRel.mergeKeys);
 * - LIMIT n OFFSET m keeps n + m rows per shard (over a sort: top-k), then applies itself here;
 * - DISTINCT removes duplicates per shard, then here.
 *
 * Expressions moved to a shard must not hold subqueries, which may read other shards' tables.
 * (Rows of enclosing queries are fine: a gather sends their values along.)
 */
import type { AggregateCall, AggregateRel, DistinctRel, Expr, GatherRel, LimitRel, OutputColumn, Rel, SortRel } from '../sql/plan/ir.ts';
import { partialStateTypes } from '../sql/functions/aggregates.ts';
import { INT8 } from '../sql/types/sql-type.ts';
import { someExpr } from '../sql/bind/walk.ts';

const INT8_MAX = 2n ** 63n - 1n;

/** A read gather from more than one shard: what the operators here can move into. */
function scatteredRead(rel: Rel): GatherRel | null {
  return rel.rel === 'gather' && (rel.shards.length > 1 || rel.route !== undefined) && !writes(rel.subplan) ? rel : null;
}

function writes(rel: Rel): boolean {
  switch (rel.rel) {
    case 'insert': case 'update': case 'delete': case 'ddl': case 'routedInsert':
      return true;
    case 'result':
      return rel.ctes.some((cte) => writes(cte.plan)) || writes(rel.input);
    default:
      return false;
  }
}

function shardSafe(e: Expr): boolean {
  return !someExpr(e, (x) => x.op === 'subquery');
}

/** final(gather(partial(subplan))), or null when the aggregate cannot be split. */
export function splitAggregate(rel: AggregateRel, input: Rel): Rel | null {
  const gather = scatteredRead(input);
  if (gather === null || rel.phase !== 'full' || rel.groupingSets !== undefined) return null;
  const splittable = (call: AggregateCall): boolean =>
    !call.distinct && call.orderBy.length === 0 && call.args.every(shardSafe) && (call.filter === null || shardSafe(call.filter));
  if (!rel.keys.every(shardSafe) || !rel.aggregates.every(splittable)) return null;
  const keyColumns = rel.keys.map((k, i) => ({ name: `key${i + 1}`, type: k.type }));
  const stateColumns: OutputColumn[] = [];
  const finals = rel.aggregates.map((call, a): AggregateCall => {
    const states = partialStateTypes(call.name, call.argTypes);
    const first = keyColumns.length + stateColumns.length;
    states.forEach((type, s) => stateColumns.push({ name: `${call.name}${a + 1}_state${s + 1}`, type }));
    return {
      name: call.name, type: call.type, argTypes: states, distinct: false, filter: null, orderBy: [],
      args: states.map((type, s): Expr => ({ op: 'column', type, index: first + s })),
    };
  });
  const partial: AggregateRel = { rel: 'aggregate', input: gather.subplan, phase: 'partial', keys: rel.keys, aggregates: rel.aggregates, columns: [...keyColumns, ...stateColumns] };
  return {
    rel: 'aggregate',
    input: { ...gather, subplan: partial, columns: partial.columns, mergeKeys: null },
    phase: 'final',
    keys: rel.keys.map((k, i): Expr => ({ op: 'column', type: k.type, index: i })),
    aggregates: finals,
    columns: rel.columns,
  };
}

/** Each shard sorts; the gather merges its sorted streams. */
export function mergeSorted(rel: SortRel, input: Rel): Rel | null {
  const gather = scatteredRead(input);
  if (gather === null || !rel.keys.every((k) => shardSafe(k.expr))) return null;
  return { ...gather, subplan: { rel: 'sort', input: gather.subplan, keys: rel.keys }, mergeKeys: rel.keys };
}

/** Each shard stops after LIMIT + OFFSET rows (top-k over a sort); the coordinator applies both. */
export function limitPerShard(rel: LimitRel, input: Rel): Rel | null {
  const gather = scatteredRead(input);
  if (gather === null || rel.limit === null || !shardSafe(rel.limit) || (rel.offset !== null && !shardSafe(rel.offset))) return null;
  const perShard = rel.offset === null ? rel.limit : sum(rel.limit, rel.offset);
  return { ...rel, input: { ...gather, subplan: { rel: 'limit', input: gather.subplan, limit: perShard, offset: null } } };
}

/** LIMIT + OFFSET: folded when both are constants (saturating, so it cannot overflow). */
function sum(limit: Expr, offset: Expr): Expr {
  if (limit.op === 'const' && offset.op === 'const') {
    if (limit.value === null || offset.value === null) return { op: 'const', type: INT8, value: null };
    const total = (limit.value as bigint) + (offset.value as bigint);
    return { op: 'const', type: INT8, value: total > INT8_MAX ? INT8_MAX : total };
  }
  return { op: 'call', type: INT8, kind: 'operator', name: '+', argTypes: [INT8, INT8], args: [limit, offset] };
}

/** DISTINCT per shard, then once more over the gathered rows (shard order, or the merge, kept). */
export function distinctPerShard(rel: DistinctRel, input: Rel): Rel | null {
  const gather = scatteredRead(input);
  if (gather === null || rel.on !== null) return null;
  return { ...rel, input: { ...gather, subplan: { rel: 'distinct', input: gather.subplan, on: null } } };
}
