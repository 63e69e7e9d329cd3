/**
 * Verification of writes: INSERT / UPDATE / DELETE against the table's stored row, and the
 * storage-level DDL. Tables named by a TableRef were checked against the shard's catalog with
 * the header; DDL that names a bare oid is checked here.
 */
import { EngineError } from '../engine/errors.ts';
import { parseType, type ColumnType } from '../engine/types.ts';
import type { Expr, OnConflict, PhysicalTable, ReferentialNode, TableRef } from '../sql/plan/ir.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { schemaChanged } from './errors.ts';
import type { Block, Entry } from './operands.ts';
import { expectIndex, expectShards } from './verify-rel.ts';
import { referentialGraph, validationNode } from './verify-references.ts';
import {
  NO_COLUMNS, expectBool, expectColumns, expectTypes, groups, nodes, over, relationBlock, tableRow, typesOf, valueBlock,
  type Builders, type CatalogTable, type Checking, type Scope,
} from './verify-context.ts';

type WriteOpcode =
  | 'INSERT' | 'UPDATE' | 'DELETE' | 'ROUTED_INSERT' | 'CREATE_TABLE' | 'DROP_TABLE' | 'TRUNCATE' | 'CREATE_INDEX' | 'DROP_INDEX' | 'REWRITE_TABLE'
  | 'VALIDATE_FOREIGN_KEYS';

function existingTable(ins: Checking, oid: number): CatalogTable {
  const table = ins.v.catalog.table(oid);
  if (table === undefined) throw schemaChanged(`table ${oid} does not exist`);
  return table;
}

/** The stored column types of a definition; each type must be one the engine stores. */
function definitionTypes(ins: Checking, definition: PhysicalTable): ColumnType[] {
  const names = new Set(definition.columns.map((column) => column.name));
  const types = definition.columns.map((column) => {
    try {
      return parseType(column.type);
    } catch (error) {
      if (error instanceof EngineError) return ins.fail(`column "${column.name}": ${error.message}`);
      throw error;
    }
  });
  for (const key of definition.primaryKey) if (!names.has(key)) ins.fail(`primary key column "${key}" is not a column of the table`);
  for (const index of definition.indexes) {
    for (const { column } of index.columns) if (!names.has(column)) ins.fail(`index "${index.name}" names a column "${column}" the table does not have`);
  }
  return types;
}

/** RETURNING values must match the declared output columns; without RETURNING there are none. */
function returningOf(ins: Checking, count: number | null, values: readonly Expr[], columns: readonly { type: SqlType }[]): Expr[] | null {
  if (count === null) {
    if (columns.length > 0) ins.fail('output columns without RETURNING');
    return null;
  }
  expectTypes(ins, values, columns.map((column) => column.type), 'RETURNING column');
  return [...values];
}

export const writeChecks: Builders<WriteOpcode> = {
  INSERT: (ins) => {
    const { table, columns, returning: returningCount, checks: checkCount, onConflict: conflictBlock, body, foreignKeys } = ins.operands;
    const input = ins.inputs[0][0];
    const stored = tableRow(table);
    ins.v.spend(3 * stored.length);
    // The executor appends the hidden row id itself.
    expectColumns(ins, typesOf(input.columns), table.hiddenRowId ? table.columns.slice(0, -1) : table.columns, 'the inserted rows');
    let onConflict: OnConflict | null = null;
    if (conflictBlock !== null) {
      const [entries] = groups(ins, ins.v.block(conflictBlock, over(ins.scope, [...stored, ...stored])), [{ kind: 'onConflict', count: 1 }], 'ON CONFLICT');
      onConflict = (entries[0] as Entry<'onConflict'>).node;
      expectIndex(ins, table.oid, onConflict.index);
      if (onConflict.set !== null) expectTypes(ins, onConflict.set, stored, 'DO UPDATE SET column');
    }
    const [returning, checks] = groups(ins, ins.v.block(body, over(ins.scope, stored)), [
      { kind: 'value', count: returningCount ?? 0 },
      { kind: 'check', count: checkCount },
    ], 'RETURNING and CHECK');
    return {
      rel: {
        rel: 'insert', table, input: input.node, onConflict,
        returning: returningOf(ins, returningCount, nodes(returning as Entry<'value'>[]), columns), columns, checks: nodes(checks as Entry<'check'>[]),
        foreignKeys: graphOf(ins, foreignKeys, table),
      },
      columns,
    };
  },

  UPDATE: (ins) => {
    const { table, columns, returning: returningCount, checks: checkCount, recheck: hasRecheck, body, foreignKeys } = ins.operands;
    const input = ins.inputs[0][0];
    const stored = tableRow(table);
    ins.v.spend(stored.length);
    if (input.columns.length < stored.length) ins.fail(`the input rows have ${input.columns.length} columns, fewer than the stored row's ${stored.length}`);
    expectColumns(ins, typesOf(input.columns.slice(0, stored.length)), table.columns, 'the stored row leading the input');
    const set = valueBlock(ins, ins.operands.set, over(ins.scope, typesOf(input.columns)), stored.length, 'SET');
    expectTypes(ins, set, stored, 'SET column');
    const [recheck, returning, checks] = groups(ins, ins.v.block(body, over(ins.scope, stored)), [
      { kind: 'value', count: hasRecheck ? 1 : 0 },
      { kind: 'value', count: returningCount ?? 0 },
      { kind: 'check', count: checkCount },
    ], 'recheck, RETURNING and CHECK');
    return {
      rel: {
        rel: 'update', table, input: input.node, set, recheck: recheckOf(ins, recheck as Entry<'value'>[]),
        returning: returningOf(ins, returningCount, nodes(returning as Entry<'value'>[]), columns), columns, checks: nodes(checks as Entry<'check'>[]),
        foreignKeys: graphOf(ins, foreignKeys, table),
      },
      columns,
    };
  },

  DELETE: (ins) => {
    const { table, columns, returning: returningCount, recheck: hasRecheck, body, foreignKeys } = ins.operands;
    const input = ins.inputs[0][0];
    const stored = tableRow(table);
    ins.v.spend(stored.length);
    if (input.columns.length < stored.length) ins.fail(`the input rows have ${input.columns.length} columns, fewer than the stored row's ${stored.length}`);
    expectColumns(ins, typesOf(input.columns.slice(0, stored.length)), table.columns, 'the stored row leading the input');
    const [recheck, returning] = groups(ins, ins.v.block(body, over(ins.scope, stored)), [
      { kind: 'value', count: hasRecheck ? 1 : 0 },
      { kind: 'value', count: returningCount ?? 0 },
    ], 'recheck and RETURNING');
    return {
      rel: {
        rel: 'delete', table, input: input.node, recheck: recheckOf(ins, recheck as Entry<'value'>[]),
        returning: returningOf(ins, returningCount, nodes(returning as Entry<'value'>[]), columns), columns,
        foreignKeys: graphOf(ins, foreignKeys, table),
      },
      columns,
    };
  },

  ROUTED_INSERT: (ins) => {
    const { shards, key, columns, insert: block } = ins.operands;
    const input = ins.inputs[0][0];
    expectShards(ins, shards);
    if (key.length === 0 && shards.length > 1) ins.fail('rows routed to several shards without partition-key columns');
    if (new Set(key).size !== key.length) ins.fail('a partition-key column listed twice');
    for (const position of key) if (position >= input.columns.length) ins.fail(`partition-key column ${position} of rows with ${input.columns.length} columns`);
    // The shard's part is a program of its own: nothing of the coordinator's scope reaches it.
    const shardPart = ins.v.isolated(() => relationBlock(ins, block, 'shard', [], 'the shard insert'));
    const insert = shardPart.node;
    if (insert.rel !== 'insert' || insert.input.rel !== 'values' || insert.input.rows.length !== 0) {
      return ins.fail('the shard part must be an INSERT whose input is a VALUES of no rows');
    }
    expectColumns(ins, typesOf(input.columns), insert.input.columns, 'the routed rows');
    expectColumns(ins, typesOf(shardPart.columns), columns, 'the RETURNING rows');
    return { rel: { rel: 'routedInsert', shards, key, input: input.node, insert, columns }, columns };
  },

  CREATE_TABLE: (ins) => {
    const { oid, definition } = ins.operands;
    definitionTypes(ins, definition);
    return { rel: { rel: 'ddl', action: 'createTable', oid, definition }, columns: NO_COLUMNS };
  },

  DROP_TABLE: (ins) => {
    const { oid } = ins.operands;
    existingTable(ins, oid);
    return { rel: { rel: 'ddl', action: 'dropTable', oid }, columns: NO_COLUMNS };
  },

  TRUNCATE: (ins) => ({ rel: { rel: 'ddl', action: 'truncate', table: ins.operands.table }, columns: NO_COLUMNS }),

  CREATE_INDEX: (ins) => {
    const { oid, index } = ins.operands;
    const table = existingTable(ins, oid);
    for (const { column } of index.columns) {
      if (!table.columns.some((stored) => stored.name === column)) throw schemaChanged(`table ${oid} has no column "${column}"`);
    }
    return { rel: { rel: 'ddl', action: 'createIndex', oid, index }, columns: NO_COLUMNS };
  },

  DROP_INDEX: (ins) => {
    const { oid, name } = ins.operands;
    existingTable(ins, oid);
    expectIndex(ins, oid, name);
    return { rel: { rel: 'ddl', action: 'dropIndex', oid, name }, columns: NO_COLUMNS };
  },

  REWRITE_TABLE: (ins) => {
    const { table, definition } = ins.operands;
    const types = definitionTypes(ins, definition);
    ins.v.spend(table.columns.length);
    const row = valueBlock(ins, ins.operands.row, over(ins.scope, tableRow(table)), types.length, 'the rewritten row');
    expectTypes(ins, row, types, 'rewritten column');
    return { rel: { rel: 'ddl', action: 'rewrite', table, definition, row }, columns: NO_COLUMNS };
  },

  VALIDATE_FOREIGN_KEYS: (ins) => ({ rel: { rel: 'ddl', action: 'validate', node: validationNode(ins, ins.operands.node) }, columns: NO_COLUMNS }),
};

/** A write's foreign key graph; absent means none. */
function graphOf(ins: Checking & { readonly scope: Scope }, block: Block | null, table: TableRef): ReferentialNode[] {
  return block === null ? [] : referentialGraph(ins, block, table);
}

function recheckOf(ins: Checking, entries: readonly Entry<'value'>[]): Expr | null {
  if (entries.length === 0) return null;
  expectBool(ins, entries[0].node, 'the recheck condition');
  return entries[0].node;
}
