/**
 * Plans of repeated statements, so a statement the node has seen skips parse-to-compile. The
 * key holds everything a plan depends on: the statement text, the declared parameter types,
 * the catalog version, the search path and the time zone (literals of zoned types are folded
 * at plan time). Least recently used plans go first.
 *
 * It also remembers keys it must not plan: a statement whose literals were made parameters
 * (session/literal-parameters.ts) but whose parameterized plan is not equivalent is refused, so
 * later executions go straight to planning the statement as written.
 */
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { RecencyCache } from './recency-cache.ts';

export class PlanCache<P> {
  private readonly entries: RecencyCache<P>;
  private readonly refusals: RecencyCache<true>;

  constructor(limit: number) {
    this.entries = new RecencyCache(limit);
    this.refusals = new RecencyCache(limit);
  }

  get(sql: string, declared: readonly (SqlType | undefined)[], catalog: CatalogSnapshot, searchPath: readonly string[], timeZone: string, make: () => P): P {
    const key = cacheKey(sql, declared, catalog, searchPath, timeZone);
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const plan = make();
    this.entries.set(key, plan);
    return plan;
  }

  /** The cached plan, if there is one. */
  find(sql: string, declared: readonly (SqlType | undefined)[], catalog: CatalogSnapshot, searchPath: readonly string[], timeZone: string): P | undefined {
    return this.entries.get(cacheKey(sql, declared, catalog, searchPath, timeZone));
  }

  /** Remembers that this statement is not to be planned under this key. */
  refuse(sql: string, declared: readonly (SqlType | undefined)[], catalog: CatalogSnapshot, searchPath: readonly string[], timeZone: string): void {
    this.refusals.set(cacheKey(sql, declared, catalog, searchPath, timeZone), true);
  }

  refused(sql: string, declared: readonly (SqlType | undefined)[], catalog: CatalogSnapshot, searchPath: readonly string[], timeZone: string): boolean {
    return this.refusals.size > 0 && this.refusals.get(cacheKey(sql, declared, catalog, searchPath, timeZone)) !== undefined;
  }
}

function cacheKey(sql: string, declared: readonly (SqlType | undefined)[], catalog: CatalogSnapshot, searchPath: readonly string[], timeZone: string): string {
  let types = '';
  for (const type of declared) types += `${type === undefined ? '?' : isPlainType(type) ? type.kind : JSON.stringify(type)},`;
  return `${catalog.version}\u0000${joinedPath(searchPath)}\u0000${timeZone}\u0000${types}\u0000${sql}`;
}

/** A type that is its kind alone (no precision, length or element type). */
function isPlainType(type: SqlType): boolean {
  for (const field in type) if (field !== 'kind') return false;
  return true;
}

/** Sessions hand over the same search path array until it changes: join it once. */
const joinedPaths = new WeakMap<readonly string[], string>();

function joinedPath(searchPath: readonly string[]): string {
  let joined = joinedPaths.get(searchPath);
  if (joined === undefined) {
    joined = searchPath.join(',');
    joinedPaths.set(searchPath, joined);
  }
  return joined;
}
