/**
 * From a parsed statement to something runnable: bind (names, types) → optimize (access
 * paths) → distribute (which shards, gathers) → compile the coordinator's part. The result is
 * kept by prepared statements and the plan cache and reused while the catalog is unchanged.
 */
import { createHash } from 'node:crypto';
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Rel } from '../sql/plan/ir.ts';
import type { Body, Node } from '../sql/bind/ast.ts';
import { kindOf } from '../sql/bind/ast.ts';
import type { BindOptions } from '../sql/bind/context.ts';
import { DmlBinder } from '../sql/bind/dml.ts';
import { QueryBinder, type QueryEnvironment, type ResultColumnInfo } from '../sql/bind/query.ts';
import { optimize } from '../planner/optimize.ts';
import { distribute } from '../planner/distribute.ts';
import { catalogKeys, catalogPlacement } from '../planner/placement.ts';
import { compileProgram, type CompiledProgram } from '../sblr/compile/index.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import type { ResultColumn } from './contract.ts';

export type PlanKind = 'select' | 'insert' | 'update' | 'delete';

export interface PreparedPlan {
  readonly kind: PlanKind;
  readonly plan: Rel;
  readonly program: CompiledProgram;
  readonly parameterTypes: readonly SqlType[];
  readonly columns: readonly ResultColumn[] | null;
  /** The shard the statement writes, or null for a read or when it is known only as it runs
   * (then claimed by the executor's writeOnShard). */
  readonly writeShard: number | null;
  readonly catalogVersion: number;
}

export interface PlanEnvironment extends QueryEnvironment {
  readonly shardCount: number;
}

/** Whether a statement is planned (queries and DML) rather than run as a utility. */
export function isPlannable(ast: Node): boolean {
  const kind = kindOf(ast);
  return kind === 'SelectStmt' || kind === 'InsertStmt' || kind === 'UpdateStmt' || kind === 'DeleteStmt';
}

export function preparePlan(ast: Node, options: BindOptions, env: PlanEnvironment): PreparedPlan {
  const binder = new QueryBinder(options, env);
  const kind = kindOf(ast);
  const body = ast[kind] as Body;
  let bound: Rel;
  let columns: readonly ResultColumnInfo[] | null;
  let planKind: PlanKind;
  switch (kind) {
    case 'SelectStmt': {
      const q = binder.bindRoot(body);
      bound = q.plan;
      columns = q.columns;
      planKind = 'select';
      break;
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt': {
      if (body.withClause !== undefined) throw new EngineError(SqlState.featureNotSupported, `WITH on ${kind.replace('Stmt', '').toUpperCase()} is not supported`);
      const dml = new DmlBinder(binder);
      const w = kind === 'InsertStmt' ? dml.bindInsert(body) : kind === 'UpdateStmt' ? dml.bindUpdate(body) : dml.bindDelete(body);
      bound = binder.withCtes(w.plan);
      columns = w.columns;
      planKind = kind === 'InsertStmt' ? 'insert' : kind === 'UpdateStmt' ? 'update' : 'delete';
      break;
    }
    default:
      throw new EngineError(SqlState.internalError, `${kind} is not a plannable statement`);
  }
  const parameterTypes = binder.exprs.finishParameters();
  const catalog = options.catalog;
  const plan = distribute(optimize(bound, catalogKeys(catalog)), catalogPlacement(catalog, env.shardCount));
  const writeShard = planKind === 'select' ? null : writeTarget(plan);
  const program = compileProgram({ hash: planHash(plan, parameterTypes), parameterTypes, root: plan });
  return {
    kind: planKind,
    plan,
    program,
    parameterTypes,
    columns: columns === null ? null : columns.map((c) => ({ name: c.name, type: c.type, tableOid: c.source?.tableOid, columnAttr: c.source?.attnum })),
    writeShard,
    catalogVersion: catalog.version,
  };
}

function writeTarget(plan: Rel): number | null {
  return plan.rel === 'gather' && plan.shards.length === 1 ? plan.shards[0] : null;
}

function planHash(plan: Rel, parameterTypes: readonly SqlType[]): string {
  const text = JSON.stringify([plan, parameterTypes], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

