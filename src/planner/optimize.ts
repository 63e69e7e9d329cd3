/**
 * Rewrites a bound plan into a cheaper equivalent: WHERE conjuncts pushed down to the join side
 * they read, equalities between join sides turned into hash-join keys, and a filter on a table
 * whose conjuncts pin a key prefix (`pk = $1`, `col IN (…)`, ranges) turned into an index scan.
 */
import type { Expr, IndexScanRel, JoinRel, ReferentialNode, Rel, ScanRel } from '../sql/plan/ir.ts';
import { columnsOf } from '../sql/plan/ir.ts';
import { BOOL } from '../sql/types/sql-type.ts';
import { conjuncts, exprKey, mapChildren, someExpr } from '../sql/bind/walk.ts';
import { sameType } from '../sql/functions/index.ts';

/** A table's access paths: its storage key and indexes as stored-column positions. */
export interface TableKeys {
  readonly storageKey: readonly number[];
  readonly indexes: readonly { readonly name: string; readonly columns: readonly number[]; readonly unique: boolean }[];
}

export type KeysOf = (oid: number) => TableKeys | undefined;

export function optimize(rel: Rel, keys: KeysOf): Rel {
  const o = (r: Rel): Rel => optimize(r, keys);
  switch (rel.rel) {
    case 'filter': {
      const input = o(rel.input);
      return pushFilter(conjuncts(rel.predicate), input, keys);
    }
    case 'join': {
      const joined: JoinRel = { ...rel, left: o(rel.left), right: o(rel.right) };
      return withEquiKeys(joined);
    }
    case 'project':
    case 'projectSet':
    case 'sort':
    case 'limit':
    case 'distinct':
    case 'aggregate':
    case 'window':
      return { ...rel, input: o(rel.input) } as Rel;
    case 'setop':
      return { ...rel, left: o(rel.left), right: o(rel.right) };
    case 'recursive':
      return { ...rel, seed: o(rel.seed), step: o(rel.step) };
    case 'result':
      return { ...rel, ctes: rel.ctes.map((c) => ({ id: c.id, plan: o(c.plan) })), input: o(rel.input) };
    case 'insert':
    case 'update':
    case 'delete':
      return { ...rel, input: o(rel.input), foreignKeys: rel.foreignKeys.map((node) => optimizeNode(node, keys)) } as Rel;
    case 'gather':
      return { ...rel, subplan: o(rel.subplan) };
    default:
      return rel;
  }
}

/** A foreign key graph node with its lookups turned into index scans where an index allows. */
function optimizeNode(node: ReferentialNode, keys: KeysOf): ReferentialNode {
  return {
    ...node,
    keys: node.keys.map((key) => ({ ...key, probe: optimize(key.probe, keys) })),
    referencedBy: node.referencedBy.map((action) => ({
      ...action,
      probe: optimize(action.probe, keys),
      replacement: action.replacement === null ? null : optimize(action.replacement, keys),
    })),
  };
}

function and(parts: readonly Expr[]): Expr {
  return parts.length === 1 ? parts[0] : { op: 'and', type: BOOL, args: parts };
}

/** Columns (depth 0) an expression reads, or null if it reads a subquery (kept in place). */
function columnRange(e: Expr): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  let opaque = false;
  someExpr(e, (x) => {
    if (x.op === 'column') {
      min = Math.min(min, x.index);
      max = Math.max(max, x.index);
    } else if (x.op === 'subquery' && !x.uncorrelated) {
      opaque = true;
    }
    return false;
  });
  return opaque ? null : { min, max };
}

function shift(e: Expr, by: number): Expr {
  return e.op === 'column' ? { ...e, index: e.index + by } : mapChildren(e, (c) => shift(c, by));
}

function pushFilter(parts: Expr[], input: Rel, keys: KeysOf): Rel {
  if (input.rel === 'join' && (input.kind === 'inner' || input.kind === 'left' || input.kind === 'semi' || input.kind === 'anti') && !input.lateral) {
    const leftWidth = columnsOf(input.left).length;
    const leftParts: Expr[] = [];
    const rightParts: Expr[] = [];
    const keep: Expr[] = [];
    for (const p of parts) {
      const range = columnRange(p);
      if (range !== null && range.max < leftWidth) leftParts.push(p);
      else if (range !== null && range.min >= leftWidth && input.kind === 'inner') rightParts.push(shift(p, -leftWidth));
      else keep.push(p);
    }
    let join: JoinRel = input;
    if (leftParts.length > 0) join = { ...join, left: pushFilter(leftParts, join.left, keys) };
    if (rightParts.length > 0) join = { ...join, right: pushFilter(rightParts, join.right, keys) };
    if (input.kind === 'inner' && keep.length > 0) {
      return withEquiKeys({ ...join, condition: join.condition === null ? and(keep) : and([...conjuncts(join.condition), ...keep]) });
    }
    return keep.length === 0 ? join : { rel: 'filter', input: join, predicate: and(keep) };
  }
  if (input.rel === 'scan') return indexScan(input, parts, keys);
  if (input.rel === 'filter') return pushFilter([...conjuncts(input.predicate), ...parts], input.input, keys);
  return { rel: 'filter', input, predicate: and(parts) };
}

/** Moves `left = right` conjuncts of an inner join's condition into hash keys. */
function withEquiKeys(join: JoinRel): Rel {
  if (join.condition === null || join.lateral || join.equiKeys.length > 0) return join;
  const leftWidth = columnsOf(join.left).length;
  const equiKeys: { left: Expr; right: Expr; type: JoinRel['equiKeys'][number]['type'] }[] = [];
  for (const p of conjuncts(join.condition)) {
    if (p.op !== 'call' || p.kind !== 'operator' || p.name !== '=' || !sameType(p.argTypes[0], p.argTypes[1])) continue;
    const [a, b] = p.args;
    const ra = columnRange(a);
    const rb = columnRange(b);
    if (ra === null || rb === null || ra.min === Infinity || rb.min === Infinity) continue;
    if (ra.max < leftWidth && rb.min >= leftWidth) equiKeys.push({ left: a, right: shift(b, -leftWidth), type: p.argTypes[0] });
    else if (rb.max < leftWidth && ra.min >= leftWidth) equiKeys.push({ left: b, right: shift(a, -leftWidth), type: p.argTypes[0] });
  }
  return equiKeys.length === 0 ? join : { ...join, equiKeys };
}

/** The value a conjunct pins a column to: `col = v`, `v = col`, `col IN (…)` with `v` reading
 * no row columns. */
function pinned(p: Expr): { column: number; values: Expr[] } | undefined {
  const free = (e: Expr): boolean => !someExpr(e, (x) => x.op === 'column' || (x.op === 'subquery' && !x.uncorrelated));
  if (p.op === 'call' && p.kind === 'operator' && p.name === '=' && sameType(p.argTypes[0], p.argTypes[1])) {
    const [a, b] = p.args;
    if (a.op === 'column' && free(b)) return { column: a.index, values: [b] };
    if (b.op === 'column' && free(a)) return { column: b.index, values: [a] };
  }
  // IN lists only of distinct constants: each value is one lookup, so a repeated one would
  // return its rows twice.
  if (p.op === 'inList' && !p.negated && p.arg.op === 'column' && p.list.length <= 1024 && p.list.every((v) => v.op === 'const' && v.value !== null)) {
    if (new Set(p.list.map(exprKey)).size === p.list.length) return { column: p.arg.index, values: [...p.list] };
  }
  return undefined;
}

function indexScan(scan: ScanRel, parts: Expr[], keys: KeysOf): Rel {
  const table = keys(scan.table.oid);
  if (table === undefined) return { rel: 'filter', input: scan, predicate: and(parts) };
  const pins = new Map<number, { part: Expr; values: Expr[] }>();
  for (const part of parts) {
    const pin = pinned(part);
    if (pin !== undefined && !pins.has(pin.column) && sameType(scan.table.columns[pin.column].type, (part.op === 'inList' ? part.arg : (part as Extract<Expr, { op: 'call' }>).args[0]).type)) {
      pins.set(pin.column, { part, values: pin.values });
    }
  }
  const candidates = [{ name: null as string | null, columns: table.storageKey, unique: true }, ...table.indexes];
  let best: { name: string | null; prefix: number; unique: boolean } | undefined;
  for (const c of candidates) {
    let prefix = 0;
    while (prefix < c.columns.length && pins.has(c.columns[prefix])) prefix++;
    if (prefix === 0) continue;
    const full = c.unique && prefix === c.columns.length;
    if (best === undefined || (full && !(best.unique && best.prefix === candidates.find((x) => x.name === best?.name)?.columns.length)) || prefix > best.prefix) {
      best = { name: c.name, prefix, unique: full };
    }
  }
  if (best === undefined) return { rel: 'filter', input: scan, predicate: and(parts) };
  const chosen = candidates.find((c) => c.name === best?.name) as (typeof candidates)[number];
  const used = chosen.columns.slice(0, best.prefix);
  // Every combination of the pinned values (IN lists multiply), capped to stay a lookup.
  let combos: Expr[][] = [[]];
  for (const column of used) {
    const values = (pins.get(column) as { values: Expr[] }).values;
    combos = combos.flatMap((prefix) => values.map((v) => [...prefix, v]));
    if (combos.length > 4096) return { rel: 'filter', input: scan, predicate: and(parts) };
  }
  const rest = parts.filter((p) => !used.some((c) => pins.get(c)?.part === p));
  const rel: IndexScanRel = { rel: 'indexScan', table: scan.table, index: chosen.name, equal: combos, reverse: false };
  return rest.length === 0 ? rel : { rel: 'filter', input: rel, predicate: and(rest) };
}
