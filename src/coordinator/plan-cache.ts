/**
 * Plans of repeated statements, so a statement the node has seen skips parse-to-compile. The
 * key holds everything a plan depends on: the statement text, the declared parameter types,
 * the catalog version, the search path and the time zone (literals of zoned types are folded
 * at plan time). Least recently used plans go first.
 */
import type { CatalogSnapshot } from '../sql/catalog/snapshot.ts';
import type { SqlType } from '../sql/types/sql-type.ts';

export class PlanCache<P> {
  private readonly entries = new Map<string, P>();

  constructor(private readonly limit: number) {}

  get(sql: string, declared: readonly (SqlType | undefined)[], catalog: CatalogSnapshot, searchPath: readonly string[], timeZone: string, make: () => P): P {
    const key = `${catalog.version}\u0000${searchPath.join(',')}\u0000${timeZone}\u0000${JSON.stringify(declared)}\u0000${sql}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const plan = make();
    this.entries.set(key, plan);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
    return plan;
  }
}
