/**
 * EXPLAIN's text: the distributed plan as an indented tree, saying which shards run which part
 * (each gather), and what each shard does (scans, index lookups, filters and projections pushed
 * down to it).
 */
import type { Expr, Rel } from '../sql/plan/ir.ts';

export function explainLines(plan: Rel, tableName: (oid: number) => string): string[] {
  const lines: string[] = [];
  const emit = (depth: number, text: string): void => {
    lines.push(depth === 0 ? text : `${'  '.repeat(depth - 1)}->  ${text}`);
  };
  const visit = (rel: Rel, depth: number): void => {
    switch (rel.rel) {
      case 'gather':
        emit(depth, rel.shards.length === 1 ? `Shard ${rel.shards[0]} (runs the whole subplan)` : `Gather from shards ${rel.shards.join(', ')}${rel.mergeKeys === null ? '' : ' (merge sorted)'}`);
        visit(rel.subplan, depth + 1);
        return;
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
