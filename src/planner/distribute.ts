/**
 * Decides where each part of a plan runs and cuts it at `gather` nodes.
 *
 * A table without a partition key lives on the home shard; a partitioned table on every
 * shard; pg_catalog relations on the coordinator. When everything a statement reads lives on
 * one shard, the whole statement runs there (one program, one round trip): the common case
 * for unmodified PostgreSQL applications. Otherwise the coordinator runs the statement and
 * each maximal subtree that lives on one shard (or, for a partitioned table, a scan with its
 * filters and projections) becomes a gather of a shard program.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Expr, Rel } from '../sql/plan/ir.ts';
import { columnsOf } from '../sql/plan/ir.ts';
import { mapChildren } from '../sql/bind/walk.ts';

export const HOME_SHARD = 0;

export interface Placement {
  /** Shards holding the table: [HOME_SHARD], or every shard for a partitioned table. */
  shardsOf(oid: number): readonly number[];
  readonly shardCount: number;
}

type Site = { kind: 'any' } | { kind: 'shard'; shard: number } | { kind: 'all' } | { kind: 'coordinator' };

const ANY: Site = { kind: 'any' };
const COORDINATOR: Site = { kind: 'coordinator' };

export function distribute(plan: Rel, placement: Placement): Rel {
  const planner = new Distributor(placement);
  const site = planner.siteOf(plan);
  if (site.kind === 'shard') return { rel: 'gather', shards: [site.shard], subplan: plan, columns: columnsOf(plan), mergeKeys: null };
  if (isWrite(plan) && site.kind !== 'all') throw planner.crossShardWrite(plan);
  return planner.place(plan);
}

function isWrite(plan: Rel): boolean {
  return plan.rel === 'insert' || plan.rel === 'update' || plan.rel === 'delete' || plan.rel === 'ddl';
}

class Distributor {
  private readonly sites = new Map<Rel, Site>();

  constructor(private readonly placement: Placement) {}

  private tableSite(oid: number): Site {
    const shards = this.placement.shardsOf(oid);
    return shards.length === 1 ? { kind: 'shard', shard: shards[0] } : { kind: 'all' };
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
        return this.tableSite(rel.table.oid);
      case 'catalog':
      case 'gather':
        return COORDINATOR;
      case 'cteRef':
      case 'workTable':
        return ANY;
      case 'values':
        return combine(rel.rows.flatMap((r) => r.map((e) => this.exprSite(e))));
      case 'function':
        return combine(rel.args.map((e) => this.exprSite(e)));
      case 'ddl':
        return rel.action === 'truncate' || rel.action === 'rewrite' ? this.tableSite(rel.table.oid) : this.tableSite(rel.oid);
      case 'insert':
      case 'update':
      case 'delete': {
        const target = this.tableSite(rel.table.oid);
        const input = this.siteOf(rel.input);
        const exprs = [...(rel.returning ?? []), ...(rel.rel === 'update' ? rel.set : []), ...(rel.rel === 'insert' && rel.onConflict?.set !== undefined ? rel.onConflict.set ?? [] : [])];
        const all = combine([input, ...exprs.map((e) => this.exprSite(e))]);
        if (target.kind === 'all') throw new EngineError(SqlState.featureNotSupported, 'writes to partitioned tables are not supported yet', { hint: 'Partitioned tables can be read; keep tables you write without PARTITION BY for now.' });
        if (all.kind === 'any' || (all.kind === 'shard' && target.kind === 'shard' && all.shard === target.shard)) return target;
        throw this.crossShardWrite(rel);
      }
      case 'filter':
        return combine([this.siteOf(rel.input), this.exprSite(rel.predicate)]);
      case 'project':
        return combine([this.siteOf(rel.input), ...rel.exprs.map((e) => this.exprSite(e))]);
      case 'join':
        return combine([this.siteOf(rel.left), this.siteOf(rel.right), ...(rel.condition === null ? [] : [this.exprSite(rel.condition)])], true);
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
      case 'result': {
        const site = combine([...rel.ctes.map((c) => this.siteOf(c.plan)), this.siteOf(rel.input)], true);
        return site.kind === 'all' ? COORDINATOR : site;
      }
    }
  }

  /** Where an expression can be evaluated: anywhere, unless it holds a subquery. */
  private exprSite(e: Expr): Site {
    const sites: Site[] = [];
    const visit = (x: Expr): Expr => {
      if (x.op === 'subquery') {
        const s = this.siteOf(x.plan);
        sites.push(s.kind === 'all' ? COORDINATOR : s);
      }
      return mapChildren(x, visit);
    };
    visit(e);
    return combine(sites, true);
  }

  /** The plan with every subtree that cannot run on the coordinator wrapped in a gather. */
  place(rel: Rel): Rel {
    const site = this.siteOf(rel);
    if (site.kind === 'shard') return this.gather([site.shard], rel);
    if (site.kind === 'all' && isPushable(rel)) return this.gather(allShards(this.placement.shardCount), rel);
    switch (rel.rel) {
      case 'filter':
        return { ...rel, input: this.place(rel.input), predicate: this.placeExpr(rel.predicate) };
      case 'project':
        return { ...rel, input: this.place(rel.input), exprs: rel.exprs.map((e) => this.placeExpr(e)) };
      case 'join':
        return { ...rel, left: this.place(rel.left), right: this.place(rel.right), condition: rel.condition === null ? null : this.placeExpr(rel.condition) };
      case 'aggregate':
      case 'window':
      case 'sort':
      case 'distinct':
      case 'limit':
        return { ...rel, input: this.place(rel.input) } as Rel;
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

  private gather(shards: number[], subplan: Rel): Rel {
    return { rel: 'gather', shards, subplan, columns: columnsOf(subplan), mergeKeys: null };
  }

  crossShardWrite(rel: Rel): EngineError {
    const shards = new Set<number>();
    const visit = (r: Rel): void => {
      if (r.rel === 'scan' || r.rel === 'indexScan') for (const s of this.placement.shardsOf(r.table.oid)) shards.add(s);
    };
    walkRels(rel, visit);
    return new EngineError(SqlState.featureNotSupported, `this statement would write on one shard from data on others (shards ${[...shards].sort((a, b) => a - b).join(', ')})`, {
      hint: 'ScratchBird runs each write on one shard: keep the tables a statement writes and reads co-located (same partition key, or both without one).',
    });
  }
}

/** Shard-side operators of a partitioned scan: filters and projections run on every shard. */
function isPushable(rel: Rel): boolean {
  switch (rel.rel) {
    case 'scan':
    case 'indexScan':
      return true;
    case 'filter':
    case 'project':
      return isPushable(rel.input);
    default:
      return false;
  }
}

function allShards(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

function walkRels(rel: Rel, visit: (r: Rel) => void): void {
  visit(rel);
  for (const key of ['input', 'left', 'right', 'seed', 'step', 'subplan'] as const) {
    const child = (rel as unknown as Record<string, Rel | undefined>)[key];
    if (child !== undefined) walkRels(child, visit);
  }
}

/** Sites that can share one place: any with anything; equal shards; partitioned rows only
 * through pushable operators (`blocking` ones need every shard's rows at the coordinator). */
function combine(sites: readonly Site[], blocking = false): Site {
  let result: Site = ANY;
  for (const s of sites) {
    if (s.kind === 'any') continue;
    if (s.kind === 'coordinator') return COORDINATOR;
    if (s.kind === 'all') {
      if (blocking || (result.kind !== 'any' && result.kind !== 'all')) return COORDINATOR;
      result = s;
      continue;
    }
    if (result.kind === 'any') result = s;
    else if (result.kind === 'all' || (result.kind === 'shard' && result.shard !== s.shard)) return COORDINATOR;
  }
  return result;
}
