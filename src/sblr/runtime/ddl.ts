/**
 * Storage-level schema changes on a shard, through the engine's transactional DDL. A plan
 * table oid N is the engine table `rN`; index names are the engine's.
 *
 * TRUNCATE drops the table and creates it again with the same definition inside the
 * transaction: O(1) whatever the table's size (the old storage is purged when the
 * transaction commits, and comes back if it rolls back), where deleting row by row would
 * write a version per row. REWRITE (ALTER TABLE changing stored rows) reads every row, then
 * recreates the table with the new definition and the rows as `row` computes them.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Transaction } from '../../engine/index.ts';
import type { IndexDefinition, TableDefinition } from '../../engine/index.ts';
import type { Row, Value } from '../../engine/types.ts';
import type { DdlRel, PhysicalIndex, PhysicalTable } from '../../sql/plan/ir.ts';
import type { Compiler, WriteStep } from '../compile/compiler.ts';
import type { Frame } from './execution.ts';
import { compileValidation } from './referential.ts';
import { tableName } from './scan.ts';

export function ddlStep(rel: DdlRel, c: Compiler, slot: number): WriteStep {
  const act = compileAction(rel, c);
  return {
    slot,
    async run(exec) {
      await act(exec.shard().tx, exec.top);
      return { count: 0, rows: [] };
    },
  };
}

function compileAction(rel: DdlRel, c: Compiler): (tx: Transaction, frame: Frame) => Promise<void> {
  switch (rel.action) {
    case 'createTable': {
      const definition = engineTable(tableName(rel.oid), rel.definition);
      return async (tx) => {
        await tx.createTable(definition);
      };
    }
    case 'dropTable': {
      const name = tableName(rel.oid);
      return (tx) => tx.dropTable(name);
    }
    case 'truncate': {
      const name = tableName(rel.table.oid);
      return async (tx) => {
        const { stored } = tx.table(name);
        const definition: TableDefinition = {
          name,
          columns: stored.columns,
          primaryKey: stored.primaryKey,
          indexes: stored.indexes.map(({ name: index, columns, unique }) => ({ name: index, columns, unique })),
        };
        await tx.dropTable(name);
        await tx.createTable(definition);
      };
    }
    case 'createIndex': {
      const name = tableName(rel.oid);
      const index = engineIndex(rel.index);
      return async (tx) => {
        await tx.createIndex(name, index);
      };
    }
    case 'dropIndex': {
      const index = rel.name;
      return (tx) => tx.dropIndex(index);
    }
    case 'rewrite': {
      const name = tableName(rel.table.oid);
      const definition = engineTable(name, rel.definition);
      const exprs = rel.row.map((e) => c.expr(e));
      return async (tx, frame) => {
        const rows: Row[] = [];
        for (const old of tx.scan(name)) {
          frame.exec.tick();
          const row = new Array<Value>(exprs.length);
          for (let i = 0; i < exprs.length; i++) row[i] = exprs[i](old, frame);
          rows.push(row);
        }
        await tx.dropTable(name);
        await tx.createTable(definition);
        try {
          for (const row of rows) {
            frame.exec.tick();
            await tx.insert(name, row);
          }
        } catch (error) {
          throw asIndexBuildFailure(error);
        }
      };
    }
    case 'validate':
      return compileValidation(rel.node, c);
  }
}

/** Rows unique under the old definition can only collide under a key or unique index the
 * rewrite adds, which PostgreSQL reports as the index it could not build. */
function asIndexBuildFailure(error: unknown): unknown {
  if (!(error instanceof EngineError) || error.code !== SqlState.uniqueViolation) return error;
  const index = /unique constraint (".*")$/.exec(error.message)?.[1];
  if (index === undefined) return error;
  return new EngineError(SqlState.uniqueViolation, `could not create unique index ${index}`, { detail: error.detail?.replace(/ already exists\.$/, ' is duplicated.'), cause: error });
}

function engineTable(name: string, table: PhysicalTable): TableDefinition {
  return {
    name,
    columns: table.columns.map((col) => ({ name: col.name, type: col.type, notNull: col.notNull })),
    primaryKey: table.primaryKey,
    indexes: table.indexes.map(engineIndex),
  };
}

function engineIndex(index: PhysicalIndex): IndexDefinition {
  return {
    name: index.name,
    unique: index.unique,
    columns: index.columns.map((col) => ({ column: col.column, desc: col.descending, nullsFirst: col.nullsFirst })),
  };
}
