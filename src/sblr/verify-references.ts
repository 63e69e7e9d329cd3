/**
 * Verification of foreign key work: the FK_TABLE nodes of a write's referential graph, their
 * FK_CHECKs (a referencing row must find its key) and FK_ACTIONs (what deleting or re-keying a
 * referenced row does). Each probe is a relation of its own, verified on the shard with the
 * row it probes for as its only enclosing row; its rows must be the stored rows of the table
 * it probes. The graph's edges name nodes by position, so they are checked once every node
 * is known: by the write that carries the graph.
 */
import type { ForeignKeyAction, ForeignKeyCheck, ReferentialNode, ReferentialRule, TableRef } from '../sql/plan/ir.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import type { Block, Entry } from './operands.ts';
import {
  expectType, expectTypes, groups, nodes, over, relationBlock, tableRow, typesOf, valueBlock,
  type Builders, type Checking, type Scope,
} from './verify-context.ts';

type ReferenceOpcode = 'FK_CHECK' | 'FK_ACTION' | 'FK_TABLE';

/** A key's columns: at least one, each a column of a row of `width`. */
function keyColumns(ins: Checking, columns: readonly number[], width: number, what: string): void {
  if (columns.length === 0) ins.fail(`no ${what} columns`);
  for (const column of columns) if (column >= width) ins.fail(`${what} column ${column} of a row of ${width} columns`);
}

/** A probe: one relation, run for one row (outer depth 1), whose rows are stored rows of the
 * probed table (`rows`: their column types). */
function probeOf(ins: Checking, block: Block, row: readonly SqlType[], rows: readonly SqlType[], what: string) {
  const probe = ins.v.isolated(() => relationBlock(ins, block, 'shard', [row], what));
  const columns = typesOf(probe.columns);
  if (columns.length !== rows.length) ins.fail(`${what} yields rows of ${columns.length} columns where the table stores ${rows.length}`);
  columns.forEach((type, i) => expectType(ins, type, rows[i], `${what} column ${i + 1}`));
  return probe.node;
}

const UPDATES_ON_DELETE: ReadonlySet<ReferentialRule> = new Set(['setNull', 'setDefault']);
const UPDATES_ON_UPDATE: ReadonlySet<ReferentialRule> = new Set(['cascade', 'setNull', 'setDefault']);

export const referenceChecks: Builders<ReferenceOpcode> = {
  FK_CHECK: (ins) => {
    const { name, parent, parentName, columns, parentColumns, matchFull, probe } = ins.operands;
    const row = ins.scope.row;
    keyColumns(ins, columns, row.length, 'referencing');
    keyColumns(ins, parentColumns, parent.columns.length, 'referenced');
    if (columns.length !== parentColumns.length) ins.fail(`${columns.length} referencing columns for ${parentColumns.length} referenced ones`);
    const check: ForeignKeyCheck = { name, columns, matchFull, parent, parentName, parentColumns, probe: probeOf(ins, probe, row, tableRow(parent), 'the parent probe') };
    return check;
  },

  FK_ACTION: (ins) => {
    const { name, child, childTable, columns, childColumns, onDelete, onUpdate, probe, replacement, deleteSet, updateSet } = ins.operands;
    const row = ins.scope.row;
    const childRow = tableRow(childTable);
    keyColumns(ins, columns, row.length, 'referenced');
    keyColumns(ins, childColumns, childRow.length, 'referencing');
    if (columns.length !== childColumns.length) ins.fail(`${childColumns.length} referencing columns for ${columns.length} referenced ones`);
    if ((deleteSet !== null) !== UPDATES_ON_DELETE.has(onDelete)) ins.fail(`ON DELETE ${onDelete} ${deleteSet === null ? 'without' : 'with'} a new child row`);
    if ((updateSet !== null) !== UPDATES_ON_UPDATE.has(onUpdate)) ins.fail(`ON UPDATE ${onUpdate} ${updateSet === null ? 'without' : 'with'} a new child row`);
    ins.v.spend(childRow.length + row.length);
    const newRow = (block: Block, scopeRow: readonly SqlType[], what: string) => {
      const values = valueBlock(ins, block, over(ins.scope, scopeRow), childRow.length, what);
      expectTypes(ins, values, childRow, `${what} column`);
      return values;
    };
    const action: ForeignKeyAction = {
      name, child, columns, childColumns, onDelete, onUpdate,
      probe: probeOf(ins, probe, row, childRow, 'the child probe'),
      replacement: replacement === null ? null : probeOf(ins, replacement, row, row, 'the replacement probe'),
      deleteSet: deleteSet === null ? null : newRow(deleteSet, childRow, 'ON DELETE SET'),
      updateSet: updateSet === null ? null : newRow(updateSet, [...childRow, ...row], 'ON UPDATE'),
    };
    return { action, childTable };
  },

  FK_TABLE: (ins) => {
    const { table, name, columnNames, checks, keys, referencedBy, body } = ins.operands;
    const stored = tableRow(table);
    const visible = table.hiddenRowId ? stored.length - 1 : stored.length;
    if (columnNames.length !== visible) ins.fail(`${columnNames.length} column names for a table of ${visible} columns`);
    const [checkEntries, keyEntries, actionEntries] = groups(ins, ins.v.block(body, over(ins.scope, stored)), [
      { kind: 'check', count: checks },
      { kind: 'fkCheck', count: keys },
      { kind: 'fkAction', count: referencedBy },
    ], 'the foreign key table');
    const actions = nodes(actionEntries as Entry<'fkAction'>[]);
    const node: ReferentialNode = {
      table, name, columnNames, checks: nodes(checkEntries as Entry<'check'>[]), keys: nodes(keyEntries as Entry<'fkCheck'>[]),
      referencedBy: actions.map((entry) => entry.action),
    };
    return { node, childTables: actions.map((entry) => entry.childTable) };
  },
};

/**
 * A write's (or a validation's) referential graph: FK_TABLE entries only, at least one, the
 * first for `written`, and every action's child a node of the graph holding the table the
 * action names.
 */
export function referentialGraph(ins: Checking & { readonly scope: Scope }, block: Block, written: TableRef): ReferentialNode[] {
  const entries = ins.v.block(block, over(ins.scope, []));
  if (entries.length === 0) ins.fail('a foreign key graph without FK_TABLE entries');
  for (const entry of entries) if (entry.kind !== 'fkTable') ins.fail(`the foreign key graph leaves a ${entry.kind} where an fkTable is expected`);
  const tables = nodes(entries as Entry<'fkTable'>[]);
  const graph = tables.map((entry) => entry.node);
  if (graph[0].table.oid !== written.oid) ins.fail(`the foreign key graph starts at table ${graph[0].table.oid}, not at the written table ${written.oid}`);
  for (const { node, childTables } of tables) {
    node.referencedBy.forEach((action, i) => {
      const child = graph[action.child];
      if (child === undefined) ins.fail(`foreign key ${action.name} acts on node ${action.child} of a graph of ${graph.length}`);
      if (child.table.oid !== childTables[i].oid) ins.fail(`foreign key ${action.name} names table ${childTables[i].oid} but its node holds table ${child.table.oid}`);
    });
  }
  return graph;
}

/** VALIDATE_FOREIGN_KEYS's node: one FK_TABLE with foreign keys to check and nothing else. */
export function validationNode(ins: Checking & { readonly scope: Scope }, block: Block): ReferentialNode {
  const entries = ins.v.block(block, over(ins.scope, []));
  const [entry] = groups(ins, entries, [{ kind: 'fkTable', count: 1 }], 'the validated table')[0] as Entry<'fkTable'>[];
  const { node } = entry.node;
  if (node.keys.length === 0 || node.checks.length > 0 || node.referencedBy.length > 0) ins.fail('a validation checks foreign keys only, at least one');
  return node;
}
