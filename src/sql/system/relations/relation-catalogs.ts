/**
 * The catalogs describing relations: pg_class, pg_attribute, pg_attrdef, pg_index,
 * pg_constraint, pg_sequence, pg_rewrite, pg_depend, and the ones ScratchBird
 * has no entries for (pg_inherits, pg_partitioned_table: a PARTITION BY table is spread over
 * shards, not split into PostgreSQL partitions; pg_trigger, pg_policy, pg_statistic_ext).
 *
 * Not shown: the system columns (ctid, xmin, …) of tables, whose types ScratchBird does not
 * have; the hidden row id of tables without a primary key; the composite row types
 * PostgreSQL makes for each table (pg_class.reltype is 0).
 */
import type { Value } from '../../../engine/types.ts';
import type { ColumnObject, ForeignKeyObject, IndexObject, TableObject } from '../../catalog/model.ts';
import { builtinType } from '../builtin-types.ts';
import { SHARED_RELATIONS } from '../catalog-relations.ts';
import type { SystemContext } from '../context.ts';
import { checkNodeTree, defaultNodeTree, isNullDefault, referencedColumns } from '../expression/stored.ts';
import { T, columnTypeRef, typeRef, type TypeRef } from '../expression/typed.ts';
import { allRelations, relationByOid, tables, type RelationRef } from '../lookup.ts';
import { AM, CLASS, syntheticOid } from '../well-known.ts';
import { btreeOpclass, equalityOperator } from './opclasses.ts';
import { noRows, sqlTypeRef, typeFacts, type RowObject, type RowSources } from './rows.ts';

/** Tables that are referenced by a foreign key: PostgreSQL's FK triggers sit on both ends. */
function referencedTables(all: readonly TableObject[]): Set<number> {
  const referenced = new Set<number>();
  for (const table of all) for (const key of table.foreignKeys) referenced.add(key.refTable);
  return referenced;
}

function relationAttributes(relation: RelationRef): number {
  switch (relation.kind) {
    case 'table':
      return relation.table.columns.length;
    case 'view':
      return relation.view.columns.length;
    case 'sequence':
      return 3;
    case 'index':
      return relation.index.columns.length;
    case 'system':
      return relation.system.columns.length;
  }
}

function* pgClass(ctx: SystemContext): Iterable<RowObject> {
  const all = tables(ctx.catalog);
  const referenced = referencedTables(all);
  for (const relation of allRelations(ctx.catalog)) {
    const isTable = relation.kind === 'table';
    const isIndex = relation.kind === 'index';
    const systemTable = relation.kind === 'system' && relation.system.kind === 'r';
    const kind = isTable || systemTable ? 'r' : isIndex ? 'i' : relation.kind === 'sequence' ? 'S' : 'v';
    const stats = isTable ? ctx.tableStats(relation.oid) : isIndex ? ctx.tableStats(relation.table.oid) : undefined;
    // relpages is a statistic PostgreSQL updates in VACUUM and ANALYZE; measuring every
    // relation on each read of pg_class would cost a pass over the storage, so it stays 0 as
    // before the first VACUUM (pg_relation_size measures).
    const pages = relation.kind === 'sequence' ? 1 : 0;
    const tuples = relation.kind === 'sequence' ? 1 : isIndex ? stats?.liveRows ?? 0 : isTable ? stats?.liveRows ?? -1 : -1;
    const table = isTable ? relation.table : undefined;
    yield {
      oid: relation.oid,
      relname: relation.name,
      relnamespace: relation.namespace,
      reltype: 0,
      reloftype: 0,
      relowner: relation.kind === 'system' ? 10 : relation.kind === 'index' ? relation.table.owner : ownerOf(relation),
      relam: kind === 'r' ? AM.heap : isIndex ? AM.btree : 0,
      relfilenode: relation.kind === 'system' || kind === 'v' ? 0 : relation.oid,
      reltablespace: 0,
      relpages: pages,
      reltuples: tuples,
      relallvisible: 0,
      reltoastrelid: 0,
      relhasindex: table !== undefined && table.indexes.length > 0,
      relisshared: relation.kind === 'system' && SHARED_RELATIONS.has(relation.name),
      relpersistence: 'p',
      relkind: kind,
      relnatts: relationAttributes(relation),
      relchecks: table?.checks.length ?? 0,
      relhasrules: kind === 'v',
      relhastriggers: table !== undefined && (table.foreignKeys.length > 0 || referenced.has(table.oid)),
      relhassubclass: false,
      relrowsecurity: false,
      relforcerowsecurity: false,
      relispopulated: true,
      relreplident: isTable ? 'd' : 'n',
      relispartition: false,
      relrewrite: 0,
      relfrozenxid: 0,
      relminmxid: isTable ? 1 : 0,
      relacl: null,
      reloptions: table !== undefined && table.options.length > 0 ? table.options : null,
      relpartbound: null,
    };
  }
}

function ownerOf(relation: RelationRef): number {
  switch (relation.kind) {
    case 'table':
      return relation.table.owner;
    case 'view':
      return relation.view.owner;
    case 'sequence':
      return relation.sequence.owner;
    default:
      return 10;
  }
}

export interface Attribute {
  readonly name: string;
  readonly type: TypeRef;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
  readonly identity: string;
}

function attributeRow(relid: number, attnum: number, attribute: Attribute): RowObject {
  const facts = typeFacts(attribute.type);
  return {
    attrelid: relid,
    attname: attribute.name,
    atttypid: attribute.type.oid,
    attstattarget: -1,
    attlen: facts.length,
    attnum,
    attndims: isArrayType(attribute.type.oid) ? 1 : 0,
    attcacheoff: -1,
    atttypmod: attribute.type.typmod,
    attbyval: facts.byValue,
    attalign: facts.align,
    attstorage: facts.storage,
    attcompression: '',
    attnotnull: attribute.notNull,
    atthasdef: attribute.hasDefault,
    atthasmissing: false,
    attidentity: attribute.identity,
    attgenerated: '',
    attisdropped: false,
    attislocal: true,
    attinhcount: 0,
    attcollation: facts.collation,
    attacl: null,
    attoptions: null,
    attfdwoptions: null,
    attmissingval: null,
  };
}

/** Array types are the ones named _element. */
function isArrayType(oid: number): boolean {
  return builtinType(oid)?.name.startsWith('_') === true;
}

function primaryKeyColumns(table: TableObject): Set<number> {
  const key = table.indexes.find((ix) => ix.primary);
  return new Set(key?.columns.map((c) => c.column) ?? []);
}

export function hasStoredDefault(column: ColumnObject): boolean {
  return column.default !== null && column.identity === null && !isNullDefault(column.default);
}

export function tableAttributes(table: TableObject): Attribute[] {
  const keyColumns = primaryKeyColumns(table);
  return table.columns.map((column, i) => ({
    name: column.name,
    type: columnTypeRef(column.type),
    notNull: column.notNull || keyColumns.has(i) || column.identity !== null,
    hasDefault: hasStoredDefault(column),
    identity: column.identity ?? '',
  }));
}

const SEQUENCE_ATTRIBUTES: readonly Attribute[] = [
  { name: 'last_value', type: typeRef(T.int8), notNull: true, hasDefault: false, identity: '' },
  { name: 'log_cnt', type: typeRef(T.int8), notNull: true, hasDefault: false, identity: '' },
  { name: 'is_called', type: typeRef(T.bool), notNull: true, hasDefault: false, identity: '' },
];

export function attributesOf(relation: RelationRef): readonly Attribute[] {
  const plain = (name: string, type: TypeRef): Attribute => ({ name, type, notNull: false, hasDefault: false, identity: '' });
  switch (relation.kind) {
    case 'table':
      return tableAttributes(relation.table);
    case 'view':
      return relation.view.columns.map((c) => plain(c.name, columnTypeRef(c.type)));
    case 'sequence':
      return SEQUENCE_ATTRIBUTES;
    case 'index':
      return relation.index.columns.map((c) => plain(relation.table.columns[c.column].name, columnTypeRef(relation.table.columns[c.column].type)));
    case 'system':
      return relation.system.columns.map((c) => plain(c.name, sqlTypeRef(c.type)));
  }
}

function* pgAttribute(ctx: SystemContext): Iterable<RowObject> {
  for (const relation of allRelations(ctx.catalog)) {
    const attributes = attributesOf(relation);
    for (let i = 0; i < attributes.length; i++) yield attributeRow(relation.oid, i + 1, attributes[i]);
  }
}

function* pgAttrdef(ctx: SystemContext): Iterable<RowObject> {
  for (const table of tables(ctx.catalog)) {
    for (let i = 0; i < table.columns.length; i++) {
      const column = table.columns[i];
      if (!hasStoredDefault(column)) continue;
      yield { oid: syntheticOid(table.oid, i + 1), adrelid: table.oid, adnum: i + 1, adbin: defaultNodeTree(table.oid, i + 1) };
    }
  }
}

/** pg_index.indoption bits: 1 DESC, 2 NULLS FIRST. */
function indexOption(column: IndexObject['columns'][number]): number {
  return (column.descending ? 1 : 0) | (column.nullsFirst ? 2 : 0);
}

function* pgIndex(ctx: SystemContext): Iterable<RowObject> {
  for (const table of tables(ctx.catalog)) {
    for (const index of table.indexes) {
      const types = index.columns.map((c) => columnTypeRef(table.columns[c.column].type));
      yield {
        indexrelid: index.oid,
        indrelid: table.oid,
        indnatts: index.columns.length,
        indnkeyatts: index.columns.length,
        indisunique: index.unique,
        indnullsnotdistinct: false,
        indisprimary: index.primary,
        indisexclusion: false,
        indimmediate: true,
        indisclustered: false,
        indisvalid: true,
        indcheckxmin: false,
        indisready: true,
        indislive: true,
        indisreplident: false,
        indkey: index.columns.map((c) => c.column + 1),
        indcollation: types.map((t) => typeFacts(t).collation),
        indclass: types.map((t) => btreeOpclass(t.oid)),
        indoption: index.columns.map(indexOption),
        indexprs: null,
        indpred: null,
      };
    }
  }
}

const NO_ACTION = ' ';

function constraintRow(table: TableObject, fields: Partial<Record<string, Value>> & { oid: number; conname: string; contype: string }): RowObject {
  return {
    // PostgreSQL marks only CHECK constraints as inheritable.
    connoinherit: fields.contype !== 'c',
    connamespace: table.namespace,
    condeferrable: false,
    condeferred: false,
    convalidated: true,
    conrelid: table.oid,
    contypid: 0,
    conindid: 0,
    conparentid: 0,
    confrelid: 0,
    confupdtype: NO_ACTION,
    confdeltype: NO_ACTION,
    confmatchtype: NO_ACTION,
    conislocal: true,
    coninhcount: 0,
    conkey: null,
    confkey: null,
    conpfeqop: null,
    conppeqop: null,
    conffeqop: null,
    confdelsetcols: null,
    conexclop: null,
    conbin: null,
    ...fields,
  };
}

function foreignKeyRow(ctx: SystemContext, table: TableObject, key: ForeignKeyObject): RowObject {
  const relation = relationByOid(ctx.catalog, key.refTable);
  const referenced = relation?.kind === 'table' ? relation.table : undefined;
  const pairs = key.columns.map((column, i) => {
    const own = columnTypeRef(table.columns[column].type);
    const other = referenced === undefined ? own : columnTypeRef(referenced.columns[key.refColumns[i]].type);
    return equalityOperator(own.oid, other.oid);
  });
  return constraintRow(table, {
    oid: key.oid,
    conname: key.name,
    contype: 'f',
    conindid: key.refIndex,
    confrelid: key.refTable,
    confupdtype: key.onUpdate,
    confdeltype: key.onDelete,
    confmatchtype: key.match,
    confdelsetcols: key.deleteSetColumns?.map((c) => c + 1) ?? null,
    conkey: key.columns.map((c) => c + 1),
    confkey: key.refColumns.map((c) => c + 1),
    conpfeqop: pairs.map((p) => p.crossType),
    conppeqop: pairs.map((p) => p.referenced),
    conffeqop: pairs.map((p) => p.referencing),
  });
}

function* pgConstraint(ctx: SystemContext): Iterable<RowObject> {
  for (const table of tables(ctx.catalog)) {
    for (const index of table.indexes) {
      if (index.constraint === null || index.constraintOid === null) continue;
      yield constraintRow(table, {
        oid: index.constraintOid,
        conname: index.constraint,
        contype: index.primary ? 'p' : 'u',
        conindid: index.oid,
        conkey: index.columns.map((c) => c.column + 1),
      });
    }
    for (const check of table.checks) {
      const columns = referencedColumns(table, check.expr);
      yield constraintRow(table, { oid: check.oid, conname: check.name, contype: 'c', conkey: columns.length > 0 ? columns : null, conbin: checkNodeTree(check.oid) });
    }
    for (const key of table.foreignKeys) yield foreignKeyRow(ctx, table, key);
  }
}

function* pgSequence(ctx: SystemContext): Iterable<RowObject> {
  for (const relation of allRelations(ctx.catalog)) {
    if (relation.kind !== 'sequence') continue;
    const s = relation.sequence;
    yield {
      seqrelid: s.oid,
      seqtypid: s.type === 'int2' ? T.int2 : s.type === 'int4' ? T.int4 : T.int8,
      seqstart: BigInt(s.start),
      seqincrement: BigInt(s.increment),
      seqmax: BigInt(s.max),
      seqmin: BigInt(s.min),
      seqcache: BigInt(s.cache),
      seqcycle: s.cycle,
    };
  }
}

function* pgRewrite(ctx: SystemContext): Iterable<RowObject> {
  for (const relation of allRelations(ctx.catalog)) {
    if (relation.kind !== 'view') continue;
    yield {
      oid: syntheticOid(relation.oid, 0),
      rulename: '_RETURN',
      ev_class: relation.oid,
      ev_type: '1',
      ev_enabled: 'O',
      is_instead: true,
      ev_qual: '<>',
      ev_action: `{QUERY :ev_class ${relation.oid}}`,
    };
  }
}

/**
 * The dependencies tools look for: a serial or identity column's sequence (auto 'a' /
 * internal 'i' on the column, which pg_get_serial_sequence and psql read), a constraint's index
 * ('i'), a view's rule on its view ('i'), and every relation on its namespace ('n').
 */
function* pgDepend(ctx: SystemContext): Iterable<RowObject> {
  const dependency = (classid: number, objid: number, refclassid: number, refobjid: number, refobjsubid: number, deptype: string): RowObject => ({
    classid, objid, objsubid: 0, refclassid, refobjid, refobjsubid, deptype,
  });
  for (const relation of allRelations(ctx.catalog)) {
    if (relation.kind === 'system' || relation.kind === 'index') continue;
    yield dependency(CLASS.pg_class, relation.oid, CLASS.pg_namespace, relation.namespace, 0, 'n');
    if (relation.kind === 'sequence' && relation.sequence.ownedBy !== null) {
      const { table, column } = relation.sequence.ownedBy;
      const owner = relationByOid(ctx.catalog, table);
      const identity = owner?.kind === 'table' && owner.table.columns[column]?.identity !== null;
      yield dependency(CLASS.pg_class, relation.oid, CLASS.pg_class, table, column + 1, identity ? 'i' : 'a');
    }
    if (relation.kind === 'view') yield dependency(CLASS.pg_rewrite, syntheticOid(relation.oid, 0), CLASS.pg_class, relation.oid, 0, 'i');
    if (relation.kind === 'table') {
      for (const index of relation.table.indexes) {
        if (index.constraintOid !== null && index.constraint !== null) yield dependency(CLASS.pg_class, index.oid, CLASS.pg_constraint, index.constraintOid, 0, 'i');
        else yield dependency(CLASS.pg_class, index.oid, CLASS.pg_class, relation.oid, 0, 'a');
      }
    }
  }
}

export const RELATION_CATALOGS: RowSources = {
  'pg_catalog.pg_class': pgClass,
  'pg_catalog.pg_attribute': pgAttribute,
  'pg_catalog.pg_attrdef': pgAttrdef,
  'pg_catalog.pg_index': pgIndex,
  'pg_catalog.pg_constraint': pgConstraint,
  'pg_catalog.pg_sequence': pgSequence,
  'pg_catalog.pg_rewrite': pgRewrite,
  'pg_catalog.pg_depend': pgDepend,
  'pg_catalog.pg_inherits': noRows,
  'pg_catalog.pg_partitioned_table': noRows,
  'pg_catalog.pg_trigger': noRows,
  'pg_catalog.pg_policy': noRows,
  'pg_catalog.pg_statistic_ext': noRows,
};
