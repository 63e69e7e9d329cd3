/**
 * Decides where each part of a plan runs and cuts it at `gather` nodes.
 *
 * A table without a partition key lives on the home shard; a partitioned table's rows are
 * spread over every shard by the hash of their key (partitioning.ts); pg_catalog relations
 * live on the coordinator. When everything a statement reads lives on one shard, the whole
 * statement runs there (one program, one round trip): the common case for unmodified
 * PostgreSQL applications. Otherwise the coordinator runs the statement and each maximal
 * subtree that can run on shards becomes a gather of a shard program:
 *
 * - Partitioned data is *spread*: filters, projections and co-located joins (both sides
 *   partitioned, joined on their whole keys) run on every shard. When the WHERE clause pins
 *   the partition key (`key = $1`, `key IN (…)`), the gather is routed to the shards those
 *   values hash to; pinned to one value, the whole statement runs on that one shard (decided
 *   when it runs, as the value may be a parameter; while planning, when it is a constant).
 * - Over a gather from several shards, aggregation, ORDER BY, LIMIT and DISTINCT are pushed
 *   down in part (pushdown.ts); the coordinator finishes them.
 * - Writes: a transaction writes one shard. UPDATE and DELETE of a partitioned table run on the
 *   shards they may change (the executor refuses the statement when rows change on more than
 *   one); INSERT computes its rows on the coordinator and sends them to their shard (a
 *   RoutedInsertRel). A write whose rows come from another shard than it writes is refused.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Expr, InsertRel, JoinRel, Rel, RoutedInsertRel, ShardRoute } from '../sql/plan/ir.ts';
import { columnsOf } from '../sql/plan/ir.ts';
import { mapChildren } from '../sql/bind/walk.ts';
import { partitionBucket } from './partitioning.ts';
import { allShards, formatShards, HOME_SHARD, type Placement } from './placement.ts';
import { distinctPerShard, limitPerShard, mergeSorted, splitAggregate } from './pushdown.ts';
import { coLocatedKeys, pinnedRoute } from './routing.ts';

export { HOME_SHARD } from './placement.ts';

/**
 * Where a subtree can run as a whole: anywhere (no table), on one shard, spread over the shards
 * of partitioned data (`route`: the key values it is pinned to, if any), or only on the
 * coordinator.
 */
type Site =
  | { readonly kind: 'any' }
  | { readonly kind: 'shard'; readonly shard: number }
  | { readonly kind: 'spread'; readonly route: ShardRoute | null }
  | { readonly kind: 'coordinator' };

type Spread = Extract<Site, { kind: 'spread' }>;

const ANY: Site = { kind: 'any' };
const COORDINATOR: Site = { kind: 'coordinator' };

export function distribute(plan: Rel, placement: Placement): Rel {
  return new Distributor(placement).place(plan);
}

/** Spread data pinned to one key value lives on one shard: anything can run with it there. */
function single(site: Spread): boolean {
  return site.route !== null && site.route.keys.length === 1;
}

class Distributor {
  private readonly sites = new Map<Rel, Site>();

  constructor(private readonly placement: Placement) {}

  private partitioned(oid: number): boolean {
    return this.placement.partitionKey(oid) !== null;
  }

  /** Where a subtree can run as a whole. */
  siteOf(rel: Rel): Site {
    const cached = this.sites.get(rel);
    if (cached !== undefined) return cached;
    const site = this.computeSite(rel);
    this.sites.set(rel, site);
    return site;
  }

  private computeSite(rel: Rel): Site {
    switch (rel.rel) {
      case 'scan':
      case 'indexScan':
        return this.partitioned(rel.table.oid) ? { kind: 'spread', route: pinnedRoute(rel, this.placement) } : { kind: 'shard', shard: HOME_SHARD };
      case 'catalog':
      case 'gather':
      case 'routedInsert':
        return COORDINATOR;
      case 'cteRef':
      case 'workTable':
        return ANY;
      case 'values':
        return combine(rel.rows.flatMap((r) => r.map((e) => this.exprSite(e))));
      case 'function':
        return combine(rel.args.map((e) => this.exprSite(e)));
      case 'ddl': {
        const oid = rel.action === 'truncate' || rel.action === 'rewrite' ? rel.table.oid : rel.action === 'validate' ? rel.node.table.oid : rel.oid;
        return this.partitioned(oid) ? { kind: 'spread', route: null } : { kind: 'shard', shard: HOME_SHARD };
      }
      case 'insert':
      case 'update':
      case 'delete':
        return this.writeSite(rel);
      case 'filter': {
        const site = combine([this.siteOf(rel.input), this.exprSite(rel.predicate)]);
        if (site.kind !== 'spread') return site;
        const route = pinnedRoute(rel, this.placement);
        return route === null ? site : { kind: 'spread', route };
      }
      case 'project':
        return combine([this.siteOf(rel.input), ...rel.exprs.map((e) => this.exprSite(e))]);
      case 'projectSet':
        return combine([this.siteOf(rel.input), ...rel.functions.flatMap((f) => f.args.map((e) => this.exprSite(e)))]);
      case 'join': {
        const left = this.siteOf(rel.left);
        const right = this.siteOf(rel.right);
        const condition = rel.condition === null ? ANY : this.exprSite(rel.condition);
        if (left.kind === 'spread' && right.kind === 'spread' && condition.kind === 'any' && coLocatedKeys(rel, this.placement) !== null) {
          return { kind: 'spread', route: coLocatedRoute(rel.kind, left, right) };
        }
        return combine([left, right, condition], true);
      }
      case 'aggregate':
        return combine([this.siteOf(rel.input), ...rel.keys.map((e) => this.exprSite(e)), ...rel.aggregates.flatMap((a) => a.args.map((e) => this.exprSite(e)))], true);
      case 'window':
      case 'sort':
      case 'distinct':
        return combine([this.siteOf(rel.input)], true);
      case 'limit':
        return combine([this.siteOf(rel.input), ...(rel.limit === null ? [] : [this.exprSite(rel.limit)]), ...(rel.offset === null ? [] : [this.exprSite(rel.offset)])], true);
      case 'setop':
        return combine([this.siteOf(rel.left), this.siteOf(rel.right)], true);
      case 'recursive':
        return combine([this.siteOf(rel.seed), this.siteOf(rel.step)], true);
      case 'result':
        return combine([...rel.ctes.map((c) => this.siteOf(c.plan)), this.siteOf(rel.input)], true);
    }
  }

  /**
   * A write runs where its target lives, with everything it reads: the home shard, or for a
   * partitioned table the shards its input is spread over. INSERT into a partitioned table,
   * or into a home-shard table from rows read on other shards, runs on the coordinator, which
   * sends each row to its shard (its RETURNING, ON CONFLICT and CHECK expressions still run
   * there).
   */
  private writeSite(rel: Extract<Rel, { rel: 'insert' | 'update' | 'delete' }>): Site {
    const exprs = [
      ...(rel.returning ?? []),
      ...(rel.rel === 'update' ? rel.set : []),
      ...(rel.rel === 'insert' ? [...(rel.onConflict?.set ?? []), ...(rel.onConflict?.where === null || rel.onConflict?.where === undefined ? [] : [rel.onConflict.where])] : [rel.recheck].filter((e): e is Expr => e !== null)),
      ...(rel.rel === 'delete' ? [] : rel.checks.map((c) => c.expr)),
    ].map((e) => this.exprSite(e));
    if (!this.partitioned(rel.table.oid)) {
      const all = combine([this.siteOf(rel.input), ...exprs]);
      if (all.kind === 'any' || (all.kind === 'shard' && all.shard === HOME_SHARD)) return { kind: 'shard', shard: HOME_SHARD };
      // Rows read elsewhere (INSERT … SELECT from a partitioned table) are sent home.
      if (rel.rel === 'insert' && combine(exprs).kind === 'any') return COORDINATOR;
      throw this.crossShardWrite(rel);
    }
    if (rel.rel === 'insert') {
      if (combine(exprs).kind !== 'any') throw this.crossShardWrite(rel);
      return COORDINATOR;
    }
    const all = combine([this.siteOf(rel.input), ...exprs]);
    if (all.kind === 'spread') return all;
    throw this.crossShardWrite(rel);
  }

  /** Where an expression can be evaluated: anywhere, unless it holds a subquery. */
  private exprSite(e: Expr): Site {
    const sites: Site[] = [];
    const visit = (x: Expr): Expr => {
      if (x.op === 'subquery') {
        const s = this.siteOf(x.plan);
        sites.push(s.kind === 'spread' && !single(s) ? COORDINATOR : s);
      }
      return mapChildren(x, visit);
    };
    visit(e);
    return combine(sites, true);
  }

  /** The plan with every subtree that cannot run on the coordinator wrapped in a gather. */
  place(rel: Rel): Rel {
    const site = this.siteOf(rel);
    // A subtree reading a CTE materialized here (its statement runs here) stays here too.
    if (site.kind === 'shard' && selfContained(rel)) return this.gather([site.shard], rel);
    if (site.kind === 'spread' && selfContained(rel)) return this.spreadGather(rel, site.route);
    switch (rel.rel) {
      case 'insert':
        return this.routedInsert(rel);
      case 'filter':
        return { ...rel, input: this.place(rel.input), predicate: this.placeExpr(rel.predicate) };
      case 'project':
        return { ...rel, input: this.place(rel.input), exprs: rel.exprs.map((e) => this.placeExpr(e)) };
      case 'projectSet':
        return { ...rel, input: this.place(rel.input), functions: rel.functions.map((f) => ({ ...f, args: f.args.map((e) => this.placeExpr(e)) })) };
      case 'join':
        return { ...rel, left: this.place(rel.left), right: this.place(rel.right), condition: rel.condition === null ? null : this.placeExpr(rel.condition) };
      case 'aggregate': {
        const input = this.place(rel.input);
        return splitAggregate(rel, input) ?? { ...rel, input };
      }
      case 'sort': {
        const input = this.place(rel.input);
        return mergeSorted(rel, input) ?? { ...rel, input };
      }
      case 'limit': {
        const input = this.place(rel.input);
        return limitPerShard(rel, input) ?? { ...rel, input };
      }
      case 'distinct': {
        const input = this.place(rel.input);
        return distinctPerShard(rel, input) ?? { ...rel, input };
      }
      case 'window':
        return { ...rel, input: this.place(rel.input) };
      case 'setop':
        return { ...rel, left: this.place(rel.left), right: this.place(rel.right) };
      case 'recursive':
        return { ...rel, seed: this.place(rel.seed), step: this.place(rel.step) };
      case 'result':
        return { ...rel, ctes: rel.ctes.map((c) => ({ id: c.id, plan: this.place(c.plan) })), input: this.place(rel.input) };
      case 'values':
        return { ...rel, rows: rel.rows.map((r) => r.map((e) => this.placeExpr(e))) };
      default:
        return rel;
    }
  }

  private placeExpr(e: Expr): Expr {
    if (e.op === 'subquery') return { ...mapChildren(e, (c) => this.placeExpr(c)), plan: this.place(e.plan) } as Expr;
    return mapChildren(e, (c) => this.placeExpr(c));
  }

  private gather(shards: readonly number[], subplan: Rel): Rel {
    return { rel: 'gather', shards, subplan, columns: columnsOf(subplan), mergeKeys: null };
  }

  /**
   * A gather of spread data: from every shard, or routed by the pinned key values. Constant
   * values are hashed now, so the plan names its shards (one shard: the whole subplan there).
   */
  private spreadGather(subplan: Rel, route: ShardRoute | null): Rel {
    const shards = allShards(this.placement.shardCount);
    if (route === null) return this.gather(shards, subplan);
    const chosen = new Set<number>();
    for (const tuple of route.keys) {
      if (!tuple.every((e) => e.op === 'const')) return { ...this.gather(shards, subplan), route } as Rel;
      const values = tuple.map((e) => (e as Extract<Expr, { op: 'const' }>).value);
      if (!values.includes(null)) chosen.add(partitionBucket(values, tuple.map((e) => e.type), shards.length));
    }
    // Pinned only to NULL (no row matches): the executor decides what that means for the gather.
    if (chosen.size === 0) return { ...this.gather(shards, subplan), route } as Rel;
    return this.gather([...chosen].sort((a, b) => a - b), subplan);
  }

  private routedInsert(rel: InsertRel): RoutedInsertRel {
    const columns = columnsOf(rel.input);
    const key = this.placement.partitionKey(rel.table.oid);
    return {
      rel: 'routedInsert',
      shards: key === null ? [HOME_SHARD] : allShards(this.placement.shardCount),
      key: key ?? [],
      input: this.place(rel.input),
      insert: { ...rel, input: { rel: 'values', columns, rows: [] } },
      columns: rel.columns,
    };
  }

  private crossShardWrite(rel: Rel): EngineError {
    const shards = new Set<number>();
    const visit = (r: Rel): void => {
      if (r.rel === 'scan' || r.rel === 'indexScan') {
        for (const s of this.partitioned(r.table.oid) ? allShards(this.placement.shardCount) : [HOME_SHARD]) shards.add(s);
      }
    };
    walkRels(rel, visit);
    return new EngineError(SqlState.featureNotSupported, `this statement would write on one shard from data on others (shards ${formatShards([...shards])})`, {
      hint: 'ScratchBird runs each write on one shard: keep the tables a statement writes and reads co-located (partitioned by keys of one type and joined on them, or both without a partition key).',
    });
  }
}

/** Where a co-located join's rows can be: where its pinned side's rows are, if it has one. */
function coLocatedRoute(kind: JoinRel['kind'], left: Spread, right: Spread): ShardRoute | null {
  switch (kind) {
    case 'inner':
    case 'semi':
      return left.route ?? right.route;
    case 'left':
    case 'anti':
      return left.route;
    case 'right':
      return right.route;
    default:
      return null;
  }
}

/** Whether every CTE and work table a subtree reads (subqueries included) is defined in it. */
function selfContained(rel: Rel): boolean {
  const defined = new Set<number>();
  const read: number[] = [];
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const record = node as Record<string, unknown>;
    if (record.op === 'const') return;
    if (record.rel === 'cteRef' || record.rel === 'workTable') read.push(record.id as number);
    if (record.rel === 'recursive') defined.add(record.id as number);
    if (record.rel === 'result') for (const cte of record.ctes as { id: number }[]) defined.add(cte.id);
    for (const field in record) visit(record[field]);
  };
  visit(rel);
  return read.every((id) => defined.has(id));
}

function walkRels(rel: Rel, visit: (r: Rel) => void): void {
  visit(rel);
  for (const key of ['input', 'left', 'right', 'seed', 'step', 'subplan'] as const) {
    const child = (rel as unknown as Record<string, Rel | undefined>)[key];
    if (child !== undefined) walkRels(child, visit);
  }
}

/**
 * Sites that can share one place: anywhere with anything; one shard with itself; spread data
 * with itself (the same subtree's site flowing up) and, unless an operator is `blocking`
 * (it needs every row at once: aggregates, sorts, joins, …), with expressions. Blocking
 * operators run with spread data only when it is pinned to one key value.
 */
function combine(sites: readonly Site[], blocking = false): Site {
  let result: Site = ANY;
  for (const s of sites) {
    if (s.kind === 'any') continue;
    if (s.kind === 'coordinator') return COORDINATOR;
    if (s.kind === 'spread' && blocking && !single(s)) return COORDINATOR;
    if (result.kind === 'any' || s === result) {
      result = s;
      continue;
    }
    if (result.kind === 'shard' && s.kind === 'shard' && result.shard === s.shard) continue;
    return COORDINATOR;
  }
  return result;
}
