/**
 * What a plan says about partition keys: the key values a WHERE clause pins (`key = $1`,
 * `key IN (1, 2)`, on every key column), which become a gather's route; and where a relation's
 * partition-key columns are in its output rows, which decides whether a join is co-located.
 *
 * A value pins a key column only when it is the same in every row and known before the
 * statement reads anything: a constant or a parameter (possibly cast), of the column's hash
 * family, compared by `=` (or IN) with the column (possibly cast within its family). Equality
 * within a family is equality of the canonical bytes that are hashed, so the route names
 * exactly the shards where matching rows can be.
 */
import type { Expr, JoinRel, Rel, ShardRoute } from '../sql/plan/ir.ts';
import { columnsOf } from '../sql/plan/ir.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { conjuncts, exprKey } from '../sql/bind/walk.ts';
import { hashFamily } from './partitioning.ts';
import type { Placement } from './placement.ts';

/** Route tuples past this many (IN lists multiply) are not worth computing: scatter instead. */
const MAX_ROUTE_TUPLES = 1024;

function sameFamily(a: SqlType, b: SqlType): boolean {
  const family = hashFamily(a);
  return family !== undefined && family === hashFamily(b);
}

/** The expression without casts that keep it in its hash family (int4 → int8, varchar → text). */
function withinFamily(e: Expr): Expr {
  return e.op === 'cast' && sameFamily(e.type, e.arg.type) ? withinFamily(e.arg) : e;
}

/** A value fixed for the whole statement: constants and parameters, possibly cast. */
function fixed(e: Expr): boolean {
  return e.op === 'const' || e.op === 'param' || (e.op === 'cast' && fixed(e.arg));
}


/** The values a conjunct pins column `column` (of `type`) to, or undefined. */
function pinnedValues(p: Expr, column: number, type: SqlType): readonly Expr[] | undefined {
  const isKey = (e: Expr): boolean => {
    const bare = withinFamily(e);
    return bare.op === 'column' && bare.index === column && sameFamily(bare.type, type);
  };
  const value = (e: Expr): boolean => fixed(e) && sameFamily(e.type, type);
  if (p.op === 'call' && p.kind === 'operator' && p.name === '=' && p.args.length === 2) {
    const [a, b] = p.args;
    if (isKey(a) && value(b)) return [b];
    if (isKey(b) && value(a)) return [a];
  }
  if (p.op === 'inList' && !p.negated && isKey(p.arg) && p.list.every(value)) return p.list;
  return undefined;
}

/**
 * The route of filters over one partitioned table's scan: the key values they pin on every
 * key column (index lookups included), or null when some key column is not pinned.
 */
export function pinnedRoute(rel: Rel, placement: Placement): ShardRoute | null {
  const predicates: Expr[] = [];
  let leaf = rel;
  while (leaf.rel === 'filter') {
    predicates.push(...conjuncts(leaf.predicate));
    leaf = leaf.input;
  }
  if (leaf.rel !== 'scan' && leaf.rel !== 'indexScan') return null;
  const key = placement.partitionKey(leaf.table.oid);
  if (key === null) return null;
  const lookups = leaf.rel === 'indexScan' && leaf.equal !== undefined ? leaf.equal : [];
  const indexed = leaf.rel === 'indexScan' ? placement.indexColumns(leaf.table.oid, leaf.index) ?? [] : [];
  const perColumn: (readonly Expr[])[] = [];
  for (const column of key) {
    const type = leaf.table.columns[column].type;
    let values: readonly Expr[] | undefined;
    const at = indexed.indexOf(column);
    if (at >= 0 && lookups.length > 0 && lookups.every((prefix) => prefix.length > at && fixed(prefix[at]) && sameFamily(prefix[at].type, type))) {
      values = lookups.map((prefix) => prefix[at]);
    }
    for (const p of predicates) values ??= pinnedValues(p, column, type);
    if (values === undefined) return null;
    perColumn.push(distinct(values));
  }
  let tuples: Expr[][] = [[]];
  for (const values of perColumn) {
    tuples = tuples.flatMap((prefix) => values.map((v) => [...prefix, v]));
    if (tuples.length > MAX_ROUTE_TUPLES) return null;
  }
  return { keys: tuples };
}

function distinct(values: readonly Expr[]): Expr[] {
  const seen = new Map<string, Expr>();
  for (const v of values) if (!seen.has(exprKey(v))) seen.set(exprKey(v), v);
  return [...seen.values()];
}

/**
 * The positions in `rel`'s output rows of the partition-key columns of the partitioned table
 * it reads, following them through filters, projections and co-located joins; null when the
 * relation is not partitioned data or a key column is not passed through.
 */
function keyColumnsOf(rel: Rel, placement: Placement): readonly number[] | null {
  switch (rel.rel) {
    case 'scan':
    case 'indexScan':
      return placement.partitionKey(rel.table.oid);
    case 'filter':
    case 'sort':
    case 'limit':
    case 'distinct':
      return keyColumnsOf(rel.input, placement);
    case 'project': {
      const inner = keyColumnsOf(rel.input, placement);
      if (inner === null) return null;
      const positions = inner.map((column) => rel.exprs.findIndex((e) => {
        const bare = withinFamily(e);
        return bare.op === 'column' && bare.index === column;
      }));
      return positions.includes(-1) ? null : positions;
    }
    case 'join': {
      if (coLocatedKeys(rel, placement) === null) return null;
      if (rel.kind === 'right') return (keyColumnsOf(rel.right, placement) as readonly number[]).map((p) => p + columnsOf(rel.left).length);
      return keyColumnsOf(rel.left, placement);
    }
    default:
      return null;
  }
}

/**
 * Whether a join matches rows only within a shard: both sides are partitioned data whose key
 * columns (in order, of one hash family each) the join condition equates. Returns the two
 * sides' key positions, or null.
 */
export function coLocatedKeys(join: JoinRel, placement: Placement): { left: readonly number[]; right: readonly number[] } | null {
  if (join.lateral) return null;
  const left = keyColumnsOf(join.left, placement);
  const right = keyColumnsOf(join.right, placement);
  if (left === null || right === null || left.length !== right.length) return null;
  const leftColumns = columnsOf(join.left);
  const width = leftColumns.length;
  const rightColumns = columnsOf(join.right);
  // Equalities between the sides: hash keys (right side over the right row) and `=` conjuncts.
  const pairs: [Expr, Expr][] = join.equiKeys.map((k) => [withinFamily(k.left), withinFamily(k.right)]);
  for (const p of join.condition === null ? [] : conjuncts(join.condition)) {
    if (p.op !== 'call' || p.kind !== 'operator' || p.name !== '=' || p.args.length !== 2) continue;
    const [a, b] = p.args.map(withinFamily);
    if (a.op !== 'column' || b.op !== 'column') continue;
    if (a.index < width && b.index >= width) pairs.push([a, { ...b, index: b.index - width }]);
    else if (b.index < width && a.index >= width) pairs.push([b, { ...a, index: a.index - width }]);
  }
  const equated = left.every((l, i) => {
    const r = right[i];
    if (!sameFamily(leftColumns[l].type, rightColumns[r].type)) return false;
    return pairs.some(([a, b]) => a.op === 'column' && b.op === 'column' && a.index === l && b.index === r);
  });
  return equated ? { left, right } : null;
}
