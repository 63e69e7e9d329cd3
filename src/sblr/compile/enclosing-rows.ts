/**
 * A gather's subplan may read rows of the query enclosing the gather: a correlated subquery
 * over another shard's table (`WHERE EXISTS (SELECT … WHERE h.id = p.x)`). Shard programs see
 * no enclosing rows, so before the subplan is encoded each such reference becomes a parameter
 * numbered after the statement's own, and the coordinator passes the referenced values each
 * time it opens the gather.
 *
 * A reference leaves the subplan when its depth exceeds the scopes entered inside the subplan
 * (a subquery's plan and a LATERAL join's right side each add one); such an `outer` of depth d
 * met under n of them reads the gather's own enclosing row at depth d − n. Foreign key probes
 * are scopes of their own whose only enclosing row is the row they probe for: they are left
 * as they are.
 */
import type { Expr, OuterExpr, Rel } from '../../sql/plan/ir.ts';

export interface BoundSubplan {
  /** The subplan with each escaping reference replaced by a parameter. */
  readonly plan: Rel;
  /** What each added parameter holds, in order: references to the gather's enclosing rows. */
  readonly bindings: readonly OuterExpr[];
}

export function bindEnclosingRows(plan: Rel, firstParameter: number): BoundSubplan {
  const bindings: OuterExpr[] = [];
  const numbered = new Map<string, number>();
  const visit = (node: unknown, nesting: number): unknown => {
    if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return node;
    if (Array.isArray(node)) {
      let changed = false;
      const mapped = node.map((item) => {
        const out = visit(item, nesting);
        if (out !== item) changed = true;
        return out;
      });
      return changed ? mapped : node;
    }
    const record = node as Record<string, unknown>;
    // A constant's value is data, never plan.
    if (record.op === 'const') return node;
    if (record.op === 'outer') {
      const ref = node as OuterExpr;
      if (ref.depth <= nesting) return node;
      const depth = ref.depth - nesting;
      const key = `${depth}:${ref.index}`;
      let at = numbered.get(key);
      if (at === undefined) {
        at = bindings.length;
        numbered.set(key, at);
        bindings.push({ op: 'outer', type: ref.type, depth, index: ref.index });
      }
      return { op: 'param', type: ref.type, index: firstParameter + at } satisfies Expr;
    }
    let copy: Record<string, unknown> | null = null;
    for (const field in record) {
      // A write's foreign key work reads only the rows it probes for, never an enclosing row.
      if (field === 'foreignKeys' || (record.rel === 'ddl' && field === 'node')) continue;
      const inner = (record.op === 'subquery' && field === 'plan') || (record.rel === 'join' && record.lateral === true && field === 'right');
      const child = record[field];
      const mapped = visit(child, inner ? nesting + 1 : nesting);
      if (mapped !== child) {
        copy ??= { ...record };
        copy[field] = mapped;
      }
    }
    return copy ?? node;
  };
  return { plan: visit(plan, 0) as Rel, bindings };
}
