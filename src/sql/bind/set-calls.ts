/**
 * Set-returning functions in a select list, placed as PostgreSQL places them: in ProjectSet
 * nodes above the rest of the query. A call whose arguments hold another set-returning call
 * runs in a node above that call's (`generate_series(1, generate_series(1, 3))`); calls of
 * one level run in lockstep in one node. The select list then reads their columns; a call
 * with several columns (jsonb_each) gives a record of them.
 */
import type { Expr, Rel, SetCall } from '../plan/ir.ts';
import { columnsOf } from '../plan/ir.ts';
import { SET_CALL_MARK } from './expr.ts';
import { mapExpr } from './walk.ts';

/** `plan` with the calls' ProjectSet nodes on top, and `exprs` (over `plan`'s rows, with
 * SET_CALL_MARK markers) rewritten to read the calls' columns. */
export function projectSets(plan: Rel, calls: readonly SetCall[], exprs: readonly Expr[]): { plan: Rel; exprs: Expr[] } {
  const levels = new Map<number, number>();
  const levelOf = (index: number): number => {
    let level = levels.get(index);
    if (level === undefined) {
      level = 1 + Math.max(0, ...marked(calls[index].args).map(levelOf));
      levels.set(index, level);
    }
    return level;
  };
  const top = Math.max(...calls.map((_, i) => levelOf(i)));
  const positions = new Map<number, number>();
  const read = (e: Expr): Expr =>
    mapExpr(e, (x) => {
      if (x.op !== 'outer' || x.depth !== SET_CALL_MARK) return x;
      const at = positions.get(x.index) as number;
      const returns = calls[x.index].returns;
      if (returns.length === 1) return { op: 'column', type: x.type, index: at };
      return { op: 'row', type: x.type, fields: returns.map((type, i) => ({ op: 'column', type, index: at + i })) };
    });
  let result = plan;
  for (let level = 1; level <= top; level++) {
    const input = columnsOf(result);
    let width = input.length;
    const functions: SetCall[] = [];
    calls.forEach((call, index) => {
      if (levelOf(index) !== level) return;
      positions.set(index, width);
      width += call.returns.length;
      functions.push({ ...call, args: call.args.map(read) });
    });
    const columns = [...input, ...functions.flatMap((f) => f.returns.map((type) => ({ name: f.name, type })))];
    result = { rel: 'projectSet', input: result, functions, columns };
  }
  return { plan: result, exprs: exprs.map(read) };
}

/** The set-returning calls marked in expressions, by index. */
function marked(exprs: readonly Expr[]): number[] {
  const found: number[] = [];
  for (const e of exprs) {
    mapExpr(e, (x) => {
      if (x.op === 'outer' && x.depth === SET_CALL_MARK) found.push(x.index);
      return x;
    });
  }
  return found;
}
