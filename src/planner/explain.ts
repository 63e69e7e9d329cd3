/**
 * EXPLAIN's text: the distributed plan as an indented tree, saying which shards run which part
 * (each gather: its shards, or how its route picks them), what each shard does (the gather's
 * subtree: scans, index lookups, and what was pushed down to it, summed up on the gather's
 * line), and what the coordinator does with the gathered rows (the nodes above).
 */
import type { Expr, GatherRel, Rel } from '../sql/plan/ir.ts';
import { formatShards } from './placement.ts';

export function explainLines(plan: Rel, tableName: (oid: number) => string): string[] {
  const lines: string[] = [];
  const emit = (depth: number, text: string): void => {
    lines.push(depth === 0 ? text : `${'  '.repeat(depth - 1)}->  ${text}`);
  };
  const visit = (rel: Rel, depth: number): void => {
    switch (rel.rel) {
      case 'gather':
        emit(depth, gatherLine(rel));
        visit(rel.subplan, depth + 1);
        return;
      case 'routedInsert':
        emit(depth, rel.key.length === 0
          ? `Insert on ${tableName(rel.insert.table.oid)} on shard ${rel.shards[0]} (rows computed on the coordinator)`
          : `Routed Insert on ${tableName(rel.insert.table.oid)} (each row to the shard its partition key hashes to, of shards ${formatShards(rel.shards)}; one shard per statement)`);
        break;
      case 'scan':
        emit(depth, `Seq Scan on ${tableName(rel.table.oid)}`);
        return;
      case 'indexScan':
        emit(depth, `${rel.index === null ? 'Primary Key' : 'Index'} Scan${rel.index === null ? '' : ` using ${rel.index}`} on ${tableName(rel.table.oid)}${rel.equal === undefined ? '' : ` (${rel.equal.length} lookup${rel.equal.length === 1 ? '' : 's'})`}`);
        return;
      case 'filter':
        emit(depth, `Filter: ${describe(rel.predicate)}`);
        break;
      case 'project':
        emit(depth, `Project: ${rel.columns.map((c) => c.name).join(', ')}`);
        break;
      case 'projectSet':
        emit(depth, `ProjectSet: ${rel.functions.map((f) => f.name).join(', ')}`);
        break;
      case 'join':
        emit(depth, `${rel.equiKeys.length > 0 ? 'Hash' : 'Nested Loop'} ${rel.kind === 'inner' ? '' : `${rel.kind[0].toUpperCase()}${rel.kind.slice(1)} `}Join${rel.lateral ? ' (lateral)' : ''}`);
        visit(rel.left, depth + 1);
        visit(rel.right, depth + 1);
        return;
      case 'aggregate':
        emit(depth, `${rel.phase === 'full' ? '' : rel.phase === 'partial' ? 'Partial ' : 'Finalize '}Aggregate${rel.keys.length > 0 ? ` (${rel.keys.length} group key${rel.keys.length === 1 ? '' : 's'})` : ''}: ${rel.aggregates.map((a) => a.name.replace('count_star', 'count(*)')).join(', ')}`);
        break;
      case 'window':
        emit(depth, `WindowAgg: ${rel.functions.map((f) => f.name).join(', ')}`);
        break;
      case 'sort':
        emit(depth, `Sort (${rel.keys.length} key${rel.keys.length === 1 ? '' : 's'})`);
        break;
      case 'limit':
        emit(depth, 'Limit');
        break;
      case 'distinct':
        emit(depth, rel.on === null ? 'Unique' : 'Unique (DISTINCT ON)');
        break;
      case 'setop':
        emit(depth, `${rel.kind[0].toUpperCase()}${rel.kind.slice(1)}${rel.all ? ' All' : ''}`);
        visit(rel.left, depth + 1);
        visit(rel.right, depth + 1);
        return;
      case 'recursive':
        emit(depth, 'Recursive Union');
        visit(rel.seed, depth + 1);
        visit(rel.step, depth + 1);
        return;
      case 'result':
        emit(depth, `Result${rel.ctes.length > 0 ? ` (${rel.ctes.length} CTE${rel.ctes.length === 1 ? '' : 's'})` : ''}`);
        for (const cte of rel.ctes) visit(cte.plan, depth + 1);
        break;
      case 'insert':
      case 'update':
      case 'delete':
        emit(depth, `${rel.rel[0].toUpperCase()}${rel.rel.slice(1)} on ${tableName(rel.table.oid)}`);
        break;
      case 'values':
        emit(depth, `Values (${rel.rows.length} row${rel.rows.length === 1 ? '' : 's'})`);
        return;
      case 'function':
        emit(depth, `Function Scan on ${rel.name}`);
        return;
      case 'catalog':
        emit(depth, `Catalog Scan on ${rel.name}`);
        return;
      case 'cteRef':
        emit(depth, `CTE Scan (${rel.id})`);
        return;
      case 'workTable':
        emit(depth, `WorkTable Scan (${rel.id})`);
        return;
      case 'ddl':
        emit(depth, `DDL ${rel.action}`);
        return;
    }
    visit(rel.input, depth + 1);
  };
  visit(plan, 0);
  return lines;
}

function gatherLine(rel: GatherRel): string {
  const writes = writeOf(rel.subplan);
  const route = rel.route === undefined ? '' : rel.route.keys.map((tuple) => `(${tuple.map(describe).join(', ')})`).join(', ');
  if (rel.route?.keys.length === 1) return `Shard of partition key ${route} among shards ${formatShards(rel.shards)} (runs the whole subplan)`;
  if (rel.route === undefined && rel.shards.length === 1) return `Shard ${rel.shards[0]} (runs the whole subplan)`;
  const from = rel.route === undefined ? `shards ${formatShards(rel.shards)}` : `the shards of partition keys ${route} among shards ${formatShards(rel.shards)}`;
  if (writes !== null) return `${writes} on ${from}, where it has rows to change (one shard per statement)`;
  const pushed = pushedDown(rel.subplan);
  const notes = [...(pushed.length === 0 ? [] : [`each shard: ${pushed.join(', ')}`]), ...(rel.mergeKeys === null ? [] : ['merge sorted'])];
  return `Gather from ${from}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`;
}

/** The UPDATE or DELETE a write gather runs, by name, or null. */
function writeOf(rel: Rel): string | null {
  if (rel.rel === 'update' || rel.rel === 'delete') return rel.rel === 'update' ? 'Update' : 'Delete';
  return rel.rel === 'result' ? writeOf(rel.input) : null;
}

/** What a shard program does beyond reading its table: the operators pushed down to it. */
function pushedDown(rel: Rel): string[] {
  const done: string[] = [];
  const visit = (r: Rel): void => {
    switch (r.rel) {
      case 'filter': done.push('filter'); return visit(r.input);
      case 'project': done.push('projection'); return visit(r.input);
      case 'projectSet': done.push('set-returning functions'); return visit(r.input);
      case 'aggregate': done.push(r.phase === 'partial' ? 'partial aggregate' : 'aggregate'); return visit(r.input);
      case 'limit': done.push(r.input.rel === 'sort' ? 'top-k' : 'limit'); return visit(r.input.rel === 'sort' ? r.input.input : r.input);
      case 'sort': done.push('sort'); return visit(r.input);
      case 'distinct': done.push('distinct'); return visit(r.input);
      case 'join':
        done.push('co-located join');
        visit(r.left);
        return visit(r.right);
      default:
        return;
    }
  };
  visit(rel);
  return [...new Set(done)];
}

function describe(e: Expr): string {
  switch (e.op) {
    case 'column':
      return `#${e.index + 1}`;
    case 'param':
      return `$${e.index + 1}`;
    case 'const':
      return typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'call':
      return e.kind === 'operator' && e.args.length === 2 ? `(${describe(e.args[0])} ${e.name} ${describe(e.args[1])})` : `${e.name}(${e.args.map(describe).join(', ')})`;
    case 'and':
    case 'or':
      return `(${e.args.map(describe).join(` ${e.op.toUpperCase()} `)})`;
    case 'not':
      return `NOT ${describe(e.arg)}`;
    case 'cast':
      return describe(e.arg);
    case 'isNull':
      return `(${describe(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'subquery':
      return `(SubPlan ${e.kind})`;
    default:
      return e.op;
  }
}
