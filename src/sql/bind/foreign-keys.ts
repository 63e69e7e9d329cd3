/**
 * FOREIGN KEY constraints in DDL: binding `REFERENCES` / `FOREIGN KEY … REFERENCES` as
 * PostgreSQL 15 does (its defaults, names, checks and messages), the distribution rule, and
 * what other DDL must do about the foreign keys that depend on what it drops or empties.
 *
 * The distribution rule: a foreign key is checked and acted on by the shard that writes,
 * so a referencing row and the row it references must share a shard. Both tables on the home
 * shard do; so do two partitioned tables when the foreign key maps the referenced table's
 * partition key onto the referencing table's, column for column, in one hash family (equal
 * key values then hash to the same shard). Anything else would need checks across shards,
 * which ScratchBird refuses with a message saying how to distribute the tables instead.
 */
import { generatedName } from './generated-names.ts';
import { EngineError, SqlState } from '../../engine/errors.ts';
import { hashFamily } from '../../planner/partitioning.ts';
import { catalogKeys } from '../../planner/placement.ts';
import { optimize } from '../../planner/optimize.ts';
import type { ForeignKeyObject, IndexObject, ReferentialAction, TableObject } from '../catalog/model.ts';
import type { CatalogSnapshot } from '../catalog/snapshot.ts';
import type { DdlRel } from '../plan/ir.ts';
import type { SqlType } from '../types/sql-type.ts';
import { names, unsupported, type Body } from './ast.ts';
import type { FunctionResolver } from './context.ts';
import { tableRef } from './query.ts';
import { foreignKeyCheck, referencingKeys } from './referential.ts';

export interface ForeignKeyContext {
  readonly catalog: CatalogSnapshot;
  readonly searchPath: readonly string[];
  readonly functions: FunctionResolver;
  position(body: Body | undefined): number | undefined;
  allocateOid(): number;
}

/** Types compared by one family of cross-type btree operators, as PostgreSQL's opfamilies. */
const COMPARISON_FAMILIES: Readonly<Record<string, string>> = {
  int2: 'integer', int4: 'integer', int8: 'integer', float4: 'float', float8: 'float',
  date: 'datetime', timestamp: 'datetime', timestamptz: 'datetime', text: 'text', varchar: 'text',
};

/** PostgreSQL's rule: the referenced key's type compares with the referencing column's type
 * (one operator family), or the referencing type converts to it implicitly. */
function comparable(functions: FunctionResolver, referencing: SqlType, referenced: SqlType): boolean {
  const family = COMPARISON_FAMILIES[referencing.kind];
  if (family !== undefined && family === COMPARISON_FAMILIES[referenced.kind]) return true;
  return functions.canCast(referencing, referenced, 'implicit');
}

/** DEFERRABLE or INITIALLY DEFERRED, on any constraint. */
export function deferrable(position: number | undefined): EngineError {
  return new EngineError(SqlState.featureNotSupported, 'DEFERRABLE constraints are not supported', {
    position, hint: 'ScratchBird checks every constraint by the end of each statement: declare it NOT DEFERRABLE (the default).',
  });
}

const ACTIONS: ReadonlySet<string> = new Set(['a', 'r', 'c', 'n', 'd']);

function columnNotFound(name: string): EngineError {
  return new EngineError(SqlState.undefinedColumn, `column "${name}" referenced in foreign key constraint does not exist`);
}

/** Every constraint name used in a namespace: PostgreSQL keeps generated names unique there. */
function constraintNames(catalog: CatalogSnapshot, namespace: number): Set<string> {
  const used = new Set<string>();
  for (const object of catalog.all()) {
    if (object.kind !== 'table' || object.namespace !== namespace) continue;
    for (const index of object.indexes) if (index.constraint !== null) used.add(index.constraint);
    for (const check of object.checks) used.add(check.name);
    for (const key of object.foreignKeys) used.add(key.name);
  }
  return used;
}

/** The unique index a foreign key can reference: exactly the referenced columns, any order. */
function uniqueIndexOver(table: TableObject, columns: readonly number[]): IndexObject | undefined {
  const candidates = table.indexes.filter((ix) => ix.unique && ix.columns.length === columns.length && ix.columns.every((c) => columns.includes(c.column)));
  return candidates.find((ix) => ix.primary) ?? candidates.find((ix) => ix.constraint !== null) ?? candidates[0];
}

/**
 * Binds a FOREIGN KEY constraint of `table` (the referencing table as the statement has made it
 * so far; `columnNames` for the column form `col … REFERENCES`). Generated names are added to
 * `taken`. The distribution rule is checked separately, once partition keys are known.
 */
export function bindForeignKey(ctx: ForeignKeyContext, table: TableObject, con: Body, columnNames: readonly string[] | null, taken: Set<string>): ForeignKeyObject {
  const position = ctx.position(con);
  if (con.deferrable === true || con.initdeferred === true) throw deferrable(position);
  if (con.initially_valid === false) throw unsupported('NOT VALID foreign keys', position);
  if (con.is_enforced === false) throw unsupported('NOT ENFORCED foreign keys', position);

  const columnAt = (owner: TableObject, name: string): number => {
    const at = owner.columns.findIndex((c) => c.name === name);
    if (at < 0) throw columnNotFound(name);
    return at;
  };
  const columns = (columnNames ?? names(con.fk_attrs)).map((name) => columnAt(table, name));
  const parent = referencedTable(ctx, table, con.pktable as Body);
  const refNames = names(con.pk_attrs);
  let refColumns: number[];
  let refIndex: IndexObject | undefined;
  if (refNames.length === 0) {
    refIndex = parent.indexes.find((ix) => ix.primary);
    if (refIndex === undefined) throw new EngineError(SqlState.invalidForeignKey, `there is no primary key for referenced table "${parent.name}"`);
    refColumns = refIndex.columns.map((c) => c.column);
  } else {
    refColumns = refNames.map((name) => columnAt(parent, name));
    if (new Set(refColumns).size !== refColumns.length) throw new EngineError(SqlState.invalidForeignKey, 'foreign key referenced-columns list must not contain duplicates');
    refIndex = uniqueIndexOver(parent, refColumns);
    if (refIndex === undefined) throw new EngineError(SqlState.invalidForeignKey, `there is no unique constraint matching given keys for referenced table "${parent.name}"`);
  }
  if (columns.length !== refColumns.length) throw new EngineError(SqlState.invalidForeignKey, 'number of referencing and referenced columns for foreign key disagree');

  const name = (con.conname as string | undefined) ?? chooseName(ctx, table, columns, taken);
  if (con.conname !== undefined && (table.foreignKeys.some((k) => k.name === name) || table.checks.some((c) => c.name === name) || table.indexes.some((ix) => ix.constraint === name))) {
    throw new EngineError(SqlState.duplicateObject, `constraint "${name}" for relation "${table.name}" already exists`);
  }
  taken.add(name);
  const childRef = tableRef(table);
  const parentRef = tableRef(parent);
  columns.forEach((column, i) => {
    const referencing = childRef.columns[column].type;
    const referenced = parentRef.columns[refColumns[i]].type;
    if (!comparable(ctx.functions, referencing, referenced)) {
      throw new EngineError(SqlState.datatypeMismatch, `foreign key constraint "${name}" cannot be implemented`, {
        detail: `Key columns "${table.columns[column].name}" and "${parent.columns[refColumns[i]].name}" are of incompatible types: ${ctx.functions.typeName(referencing)} and ${ctx.functions.typeName(referenced)}.`,
      });
    }
  });

  const onDelete = action(con.fk_del_action);
  const onUpdate = action(con.fk_upd_action);
  const setNames = names(con.fk_del_set_cols);
  const deleteSetColumns = setNames.length === 0 ? null : setNames.map((setName) => {
    const at = table.columns.findIndex((c) => c.name === setName);
    if (at < 0 || !columns.includes(at)) {
      throw new EngineError(SqlState.invalidColumnReference, `column "${setName}" referenced in ON DELETE SET action must be part of foreign key`);
    }
    return at;
  });
  return {
    oid: ctx.allocateOid(), name, columns, refTable: parent.oid, refColumns, refIndex: refIndex.oid, onDelete, onUpdate, deleteSetColumns,
    match: con.fk_matchtype === 'f' ? 'f' : 's',
  };
}

function action(code: unknown): ReferentialAction {
  const value = (code as string | undefined) ?? 'a';
  if (!ACTIONS.has(value)) throw unsupported(`referential action ${value}`);
  return value as ReferentialAction;
}

/** The referenced table: `table` itself for a self-reference (which CREATE TABLE has not stored yet). */
function referencedTable(ctx: ForeignKeyContext, table: TableObject, rv: Body): TableObject {
  const schema = rv.schemaname as string | undefined;
  const name = rv.relname as string;
  const found = ctx.catalog.findRelation(schema, name, ctx.searchPath);
  if (found?.oid === table.oid) return table;
  if (found === undefined) {
    const own = ctx.catalog.get(table.namespace);
    if (name === table.name && (schema === undefined || schema === own?.name)) return table;
    throw new EngineError(SqlState.undefinedTable, `relation "${schema === undefined ? name : `${schema}.${name}`}" does not exist`);
  }
  if (found.kind !== 'table') throw new EngineError(SqlState.wrongObjectType, `referenced relation "${name}" is not a table`);
  return found;
}

/** PostgreSQL's generated name: table_col1_col2_fkey, numbered when taken in the namespace. */
function chooseName(ctx: ForeignKeyContext, table: TableObject, columns: readonly number[], taken: Set<string>): string {
  const used = constraintNames(ctx.catalog, table.namespace);
  const base = `${table.name}_${columns.map((c) => table.columns[c].name).join('_')}`;
  return generatedName(base, 'fkey', (name) => used.has(name) || taken.has(name) || table.foreignKeys.some((k) => k.name === name));
}

function columnList(table: TableObject, columns: readonly number[]): string {
  return columns.map((c) => table.columns[c].name).join(', ');
}

/** Refuses a foreign key whose rows would not share a shard (see the header). */
export function checkColocated(ctx: ForeignKeyContext, child: TableObject, key: ForeignKeyObject): void {
  const parent = key.refTable === child.oid ? child : (ctx.catalog.get(key.refTable) as TableObject);
  const childKey = child.partitionKey;
  const parentKey = parent.partitionKey;
  if (childKey === null && parentKey === null) return;
  // Where the referencing columns matching the parent's partition key are, if they all are.
  const mapped = parentKey?.map((p) => key.refColumns.indexOf(p)).map((at) => (at < 0 ? -1 : key.columns[at])) ?? null;
  const covers = mapped !== null && !mapped.includes(-1);
  if (childKey !== null && parentKey !== null && covers && childKey.length === mapped.length
    && childKey.every((c, i) => c === mapped[i] && hashFamily(tableRef(child).columns[c].type) === hashFamily(tableRef(parent).columns[parentKey[i]].type))) {
    return;
  }
  const across = `foreign key constraint "${key.name}" would need checks across shards`;
  const unpartitioned = 'or create both tables without PARTITION BY (both then live on the home shard)';
  let reason: string;
  let hint: string;
  if (parentKey === null) {
    reason = `table "${child.name}" is partitioned and table "${parent.name}" is not`;
    const onParent = (childKey as readonly number[]).map((c) => key.columns.indexOf(c));
    hint = onParent.includes(-1)
      ? `Partition both tables by the key the foreign key joins them on, ${unpartitioned}.`
      : `Partition "${parent.name}" by (${columnList(parent, onParent.map((at) => key.refColumns[at]))}) as well, ${unpartitioned}.`;
  } else if (childKey === null) {
    reason = `table "${parent.name}" is partitioned and table "${child.name}" is not`;
    hint = covers
      ? `Partition "${child.name}" by (${columnList(child, mapped)}) as well, ${unpartitioned}.`
      : `Reference a key of "${parent.name}" that includes its partition key (${columnList(parent, parentKey)}), ${unpartitioned}.`;
  } else {
    reason = `it does not join the partition key of "${parent.name}" (${columnList(parent, parentKey)}) to the partition key of "${child.name}" (${columnList(child, childKey)})`;
    hint = covers
      ? `Partition "${child.name}" by (${columnList(child, mapped)}), the columns referencing "${parent.name}"'s partition key, ${unpartitioned}.`
      : `Reference a key of "${parent.name}" that includes its partition key (${columnList(parent, parentKey)}), ${unpartitioned}.`;
  }
  throw new EngineError(SqlState.featureNotSupported, `${across}: ${reason}`, { hint });
}

/** ALTER TABLE … ADD FOREIGN KEY's check of the rows already stored. */
export function validation(ctx: ForeignKeyContext, table: TableObject, key: ForeignKeyObject): DdlRel {
  const check = foreignKeyCheck(ctx.functions, ctx.catalog, table, key);
  const node = {
    table: tableRef(table), name: table.name, columnNames: table.columns.map((c) => c.name), checks: [], referencedBy: [],
    keys: [{ ...check, probe: optimize(check.probe, catalogKeys(ctx.catalog)) }],
  };
  return { rel: 'ddl', action: 'validate', node };
}

/** A foreign key as PostgreSQL's dependency messages name it. */
export interface Dependent {
  readonly child: TableObject;
  readonly key: ForeignKeyObject;
}

export function dependentText(dependent: Dependent): string {
  return `constraint ${dependent.key.name} on table ${dependent.child.name}`;
}

/** The foreign keys referencing `parent` that `matches` accepts. */
export function referencing(catalog: CatalogSnapshot, parent: number, matches: (key: ForeignKeyObject) => boolean = () => true): Dependent[] {
  return (referencingKeys(catalog).get(parent) ?? []).filter(({ key }) => matches(key));
}
