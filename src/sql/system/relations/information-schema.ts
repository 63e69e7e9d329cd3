/**
 * The SQL-standard information_schema views, computed the way PostgreSQL 15's definitions
 * compute them from its catalogs: tables, columns, views, constraints and their columns,
 * schemata, sequences, character sets. NOT NULL columns appear as CHECK constraints named
 * `<schema oid>_<table oid>_<column>_not_null`, as PostgreSQL shows them.
 *
 * Rows show objects the current user owns, or all of them for a superuser; the system
 * relations are readable by everyone. ScratchBird has no user functions or triggers, so
 * routines, parameters and triggers are empty.
 */
import type { ColumnObject, ForeignKeyObject, ReferentialAction, SequenceObject, TableObject } from '../../catalog/model.ts';
import { builtinType } from '../builtin-types.ts';
import type { SystemContext } from '../context.ts';
import { constraintDefinition, viewDefinition } from '../definitions.ts';
import { printDefault, referencedColumns } from '../expression/stored.ts';
import { viewIsUpdatable } from '../expression/query.ts';
import { T, columnTypeRef, type TypeRef } from '../expression/typed.ts';
import { formatType } from '../format-type.ts';
import { allRelations, namespaceName, namespaces, relationByOid, roleById, tables, type RelationRef } from '../lookup.ts';
import { attributesOf, hasStoredDefault, tableAttributes } from './relation-catalogs.ts';
import { noRows, type RowObject, type RowSources } from './rows.ts';
import { printContext } from './system-views.ts';

const YES = 'YES';
const NO = 'NO';
const yesNo = (value: boolean) => (value ? YES : NO);
/** PostgreSQL's pg_encoding_max_length for UTF8, which character_octet_length multiplies by. */
const UTF8_MAX_BYTES = 4;
const UNLIMITED_OCTETS = 2 ** 30;

function currentRoleOid(ctx: SystemContext): number | undefined {
  return ctx.catalog.role(ctx.currentUser)?.oid;
}

function isSuperuser(ctx: SystemContext): boolean {
  return ctx.catalog.role(ctx.currentUser)?.superuser === true;
}

/** Whether the current user may see an object of this owner in information_schema. */
function visibleTo(ctx: SystemContext, owner: number): boolean {
  return isSuperuser(ctx) || owner === currentRoleOid(ctx);
}

function relationOwner(relation: RelationRef): number {
  switch (relation.kind) {
    case 'table':
    case 'index':
      return relation.table.owner;
    case 'view':
      return relation.view.owner;
    case 'sequence':
      return relation.sequence.owner;
    case 'system':
      return 10;
  }
}

function visibleRelation(ctx: SystemContext, relation: RelationRef): boolean {
  return relation.kind === 'system' || visibleTo(ctx, relationOwner(relation));
}

function schemaName(ctx: SystemContext, namespace: number): string | null {
  return namespaceName(ctx.catalog, namespace) ?? null;
}

function* tablesView(ctx: SystemContext): Iterable<RowObject> {
  for (const relation of allRelations(ctx.catalog)) {
    if (relation.kind === 'index' || relation.kind === 'sequence' || !visibleRelation(ctx, relation)) continue;
    const isView = relation.kind === 'view' || (relation.kind === 'system' && relation.system.kind === 'v');
    const insertable = relation.kind === 'view' ? viewIsUpdatable(ctx, relation.view) : !isView;
    yield {
      table_catalog: ctx.database, table_schema: schemaName(ctx, relation.namespace), table_name: relation.name,
      table_type: isView ? 'VIEW' : 'BASE TABLE', self_referencing_column_name: null, reference_generation: null,
      user_defined_type_catalog: null, user_defined_type_schema: null, user_defined_type_name: null,
      is_insertable_into: yesNo(insertable), is_typed: NO, commit_action: null,
    };
  }
}

const INTERVAL_FIELD_NAMES: Record<number, string> = {
  [1 << 2]: 'YEAR', [1 << 1]: 'MONTH', [1 << 3]: 'DAY', [1 << 10]: 'HOUR', [1 << 11]: 'MINUTE', [1 << 12]: 'SECOND',
  [(1 << 2) | (1 << 1)]: 'YEAR TO MONTH', [(1 << 3) | (1 << 10)]: 'DAY TO HOUR', [(1 << 3) | (1 << 10) | (1 << 11)]: 'DAY TO MINUTE',
  [(1 << 3) | (1 << 10) | (1 << 11) | (1 << 12)]: 'DAY TO SECOND', [(1 << 10) | (1 << 11)]: 'HOUR TO MINUTE',
  [(1 << 10) | (1 << 11) | (1 << 12)]: 'HOUR TO SECOND', [(1 << 11) | (1 << 12)]: 'MINUTE TO SECOND',
};

/** The data-type columns information_schema repeats (columns, sequences): _pg_char_max_length
 * and its siblings. */
function typeColumns(type: TypeRef): RowObject {
  const oid = type.oid;
  const typmod = type.typmod;
  const builtin = builtinType(oid);
  const isArray = builtin !== undefined && builtin.element !== 0 && builtin.length === -1;
  const charLength = (oid === T.varchar || oid === T.bpchar) && typmod >= 0 ? typmod - 4 : null;
  const octets = oid === T.text || oid === T.varchar || oid === T.bpchar ? (charLength === null ? UNLIMITED_OCTETS : charLength * UTF8_MAX_BYTES) : null;
  const integerBits: Record<number, number> = { [T.int2]: 16, [T.int4]: 32, [T.int8]: 64 };
  const floatBits: Record<number, number> = { [T.float4]: 24, [T.float8]: 53 };
  let precision: number | null = null;
  let radix: number | null = null;
  let scale: number | null = null;
  if (integerBits[oid] !== undefined) [precision, radix, scale] = [integerBits[oid], 2, 0];
  else if (floatBits[oid] !== undefined) [precision, radix] = [floatBits[oid], 2];
  else if (oid === T.numeric) {
    radix = 10;
    if (typmod >= 0) [precision, scale] = [((typmod - 4) >> 16) & 0xffff, (typmod - 4) & 0xffff];
  }
  let datetimePrecision: number | null = null;
  let intervalType: string | null = null;
  if (oid === T.date) datetimePrecision = 0;
  else if (oid === T.time || oid === T.timestamp || oid === T.timestamptz) datetimePrecision = typmod < 0 ? 6 : typmod;
  else if (oid === T.interval) {
    const fractional = typmod < 0 ? 0xffff : typmod & 0xffff;
    datetimePrecision = fractional === 0xffff ? 6 : fractional;
    intervalType = typmod < 0 ? null : INTERVAL_FIELD_NAMES[(typmod >>> 16) & 0x7fff] ?? null;
  }
  return {
    data_type: isArray ? 'ARRAY' : formatType(oid, null) ?? 'USER-DEFINED',
    character_maximum_length: charLength,
    character_octet_length: octets,
    numeric_precision: precision,
    numeric_precision_radix: radix,
    numeric_scale: scale,
    datetime_precision: datetimePrecision,
    interval_type: intervalType,
    udt_name: builtin?.name ?? null,
  };
}

/** The identity columns' sequence settings, from the sequence the column owns. */
function identitySequence(ctx: SystemContext, table: TableObject, column: number) {
  for (const object of ctx.catalog.all()) {
    if (object.kind === 'sequence' && object.ownedBy?.table === table.oid && object.ownedBy.column === column) return object;
  }
  return undefined;
}

function* columnsView(ctx: SystemContext): Iterable<RowObject> {
  const print = printContext(ctx);
  for (const relation of allRelations(ctx.catalog)) {
    if (relation.kind === 'index' || relation.kind === 'sequence' || !visibleRelation(ctx, relation)) continue;
    const attributes = attributesOf(relation);
    const table = relation.kind === 'table' ? relation.table : undefined;
    const updatable = relation.kind === 'table' || (relation.kind === 'view' && viewIsUpdatable(ctx, relation.view));
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes[i];
      const column: ColumnObject | undefined = table?.columns[i];
      const identity = column?.identity ?? null;
      const sequence = identity !== null && table !== undefined ? identitySequence(ctx, table, i) : undefined;
      const types = typeColumns(attribute.type);
      yield {
        table_catalog: ctx.database, table_schema: schemaName(ctx, relation.namespace), table_name: relation.name, column_name: attribute.name,
        ordinal_position: i + 1,
        column_default: table !== undefined && column !== undefined && hasStoredDefault(column) ? printDefault(table, i, print, false) : null,
        is_nullable: yesNo(!attribute.notNull),
        data_type: types.data_type,
        character_maximum_length: types.character_maximum_length, character_octet_length: types.character_octet_length,
        numeric_precision: types.numeric_precision, numeric_precision_radix: types.numeric_precision_radix, numeric_scale: types.numeric_scale,
        datetime_precision: types.datetime_precision, interval_type: types.interval_type, interval_precision: null,
        character_set_catalog: null, character_set_schema: null, character_set_name: null,
        collation_catalog: null, collation_schema: null, collation_name: null,
        domain_catalog: null, domain_schema: null, domain_name: null,
        udt_catalog: ctx.database, udt_schema: 'pg_catalog', udt_name: types.udt_name,
        scope_catalog: null, scope_schema: null, scope_name: null, maximum_cardinality: null, dtd_identifier: String(i + 1),
        is_self_referencing: NO, is_identity: yesNo(identity !== null),
        identity_generation: identity === 'a' ? 'ALWAYS' : identity === 'd' ? 'BY DEFAULT' : null,
        identity_start: sequence?.start ?? null, identity_increment: sequence?.increment ?? null,
        identity_maximum: sequence?.max ?? null, identity_minimum: sequence?.min ?? null,
        identity_cycle: yesNo(sequence?.cycle === true),
        is_generated: 'NEVER', generation_expression: null, is_updatable: yesNo(updatable),
      };
    }
  }
}

function* viewsView(ctx: SystemContext): Iterable<RowObject> {
  const print = printContext(ctx);
  for (const relation of allRelations(ctx.catalog)) {
    if (relation.kind !== 'view' || !visibleRelation(ctx, relation)) continue;
    const updatable = viewIsUpdatable(ctx, relation.view);
    yield {
      table_catalog: ctx.database, table_schema: schemaName(ctx, relation.namespace), table_name: relation.name,
      view_definition: viewDefinition(print, relation.view, false), check_option: 'NONE',
      is_updatable: yesNo(updatable), is_insertable_into: yesNo(updatable),
      is_trigger_updatable: NO, is_trigger_deletable: NO, is_trigger_insertable_into: NO,
    };
  }
}

/** A constraint as the constraint views see it. */
interface Constraint {
  readonly table: TableObject;
  readonly name: string;
  readonly type: 'PRIMARY KEY' | 'UNIQUE' | 'FOREIGN KEY' | 'CHECK';
  /** Column positions (0-based) of the constrained table it uses. */
  readonly columns: readonly number[];
  /** CHECK constraints: their clause as check_constraints prints it. */
  readonly clause: string | null;
  readonly foreignKey: ForeignKeyObject | null;
  /** A column's NOT NULL, shown as a CHECK constraint. */
  readonly notNull: boolean;
}

function notNullName(table: TableObject, column: number): string {
  return `${table.namespace}_${table.oid}_${column + 1}_not_null`;
}

function* constraints(ctx: SystemContext): Iterable<Constraint> {
  const print = printContext(ctx);
  for (const table of tables(ctx.catalog)) {
    if (!visibleTo(ctx, table.owner)) continue;
    for (const index of table.indexes) {
      if (index.constraint === null) continue;
      const columns = index.columns.map((c) => c.column);
      yield { table, name: index.constraint, type: index.primary ? 'PRIMARY KEY' : 'UNIQUE', columns, clause: null, foreignKey: null, notNull: false };
    }
    for (const check of table.checks) {
      const clause = constraintDefinition(print, { kind: 'check', table, check }, false).slice('CHECK '.length);
      const columns = referencedColumns(table, check.expr).map((attnum) => attnum - 1);
      yield { table, name: check.name, type: 'CHECK', columns, clause, foreignKey: null, notNull: false };
    }
    for (const key of table.foreignKeys) yield { table, name: key.name, type: 'FOREIGN KEY', columns: key.columns, clause: null, foreignKey: key, notNull: false };
    for (const [i, attribute] of tableAttributes(table).entries()) {
      if (attribute.notNull) yield { table, name: notNullName(table, i), type: 'CHECK', columns: [i], clause: `${attribute.name} IS NOT NULL`, foreignKey: null, notNull: true };
    }
  }
}

function* tableConstraintsView(ctx: SystemContext): Iterable<RowObject> {
  for (const c of constraints(ctx)) {
    const schema = schemaName(ctx, c.table.namespace);
    yield {
      constraint_catalog: ctx.database, constraint_schema: schema, constraint_name: c.name, table_catalog: ctx.database,
      table_schema: schema, table_name: c.table.name, constraint_type: c.type, is_deferrable: NO, initially_deferred: NO,
      enforced: YES, nulls_distinct: c.type === 'UNIQUE' ? YES : null,
    };
  }
}

function* checkConstraintsView(ctx: SystemContext): Iterable<RowObject> {
  for (const c of constraints(ctx)) {
    if (c.type !== 'CHECK') continue;
    yield { constraint_catalog: ctx.database, constraint_schema: schemaName(ctx, c.table.namespace), constraint_name: c.name, check_clause: c.clause };
  }
}

/** The unique constraint a foreign key references: the one of its referenced index (none for a
 * unique index that is not a constraint). */
function referencedConstraint(ctx: SystemContext, key: ForeignKeyObject): { table: TableObject; name: string; columns: readonly number[] } | undefined {
  const relation = relationByOid(ctx.catalog, key.refTable);
  if (relation?.kind !== 'table') return undefined;
  const index = relation.table.indexes.find((ix) => ix.oid === key.refIndex);
  return index?.constraint == null ? undefined : { table: relation.table, name: index.constraint, columns: index.columns.map((c) => c.column) };
}

function* keyColumnUsageView(ctx: SystemContext): Iterable<RowObject> {
  for (const c of constraints(ctx)) {
    if (c.type === 'CHECK') continue;
    const schema = schemaName(ctx, c.table.namespace);
    const unique = c.foreignKey === null ? undefined : referencedConstraint(ctx, c.foreignKey);
    for (let i = 0; i < c.columns.length; i++) {
      const position = c.foreignKey !== null && unique !== undefined ? unique.columns.indexOf(c.foreignKey.refColumns[i]) + 1 : null;
      yield {
        constraint_catalog: ctx.database, constraint_schema: schema, constraint_name: c.name, table_catalog: ctx.database,
        table_schema: schema, table_name: c.table.name, column_name: c.table.columns[c.columns[i]].name, ordinal_position: i + 1,
        position_in_unique_constraint: position,
      };
    }
  }
}

const RULES: Record<ReferentialAction, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

function* referentialConstraintsView(ctx: SystemContext): Iterable<RowObject> {
  for (const c of constraints(ctx)) {
    if (c.foreignKey === null) continue;
    const unique = referencedConstraint(ctx, c.foreignKey);
    yield {
      constraint_catalog: ctx.database, constraint_schema: schemaName(ctx, c.table.namespace), constraint_name: c.name,
      unique_constraint_catalog: unique === undefined ? null : ctx.database,
      unique_constraint_schema: unique === undefined ? null : schemaName(ctx, unique.table.namespace),
      unique_constraint_name: unique?.name ?? null, match_option: c.foreignKey.match === 'f' ? 'FULL' : 'NONE',
      update_rule: RULES[c.foreignKey.onUpdate], delete_rule: RULES[c.foreignKey.onDelete],
    };
  }
}

/** The columns each constraint uses; a foreign key uses the referenced table's columns.
 * NOT NULL constraints are left out, as PostgreSQL does. */
function* constraintColumnUsageView(ctx: SystemContext): Iterable<RowObject> {
  for (const c of constraints(ctx)) {
    if (c.notNull) continue;
    let table = c.table;
    let columns = c.columns;
    if (c.foreignKey !== null) {
      const relation = relationByOid(ctx.catalog, c.foreignKey.refTable);
      if (relation?.kind !== 'table') continue;
      table = relation.table;
      columns = c.foreignKey.refColumns;
    }
    for (const column of [...columns].sort((a, b) => a - b)) {
      yield {
        table_catalog: ctx.database, table_schema: schemaName(ctx, table.namespace), table_name: table.name, column_name: table.columns[column].name,
        constraint_catalog: ctx.database, constraint_schema: schemaName(ctx, c.table.namespace), constraint_name: c.name,
      };
    }
  }
}

function* schemataView(ctx: SystemContext): Iterable<RowObject> {
  for (const ns of namespaces(ctx.catalog)) {
    if (!visibleTo(ctx, ns.owner)) continue;
    yield {
      catalog_name: ctx.database, schema_name: ns.name, schema_owner: roleById(ctx.catalog, ns.owner)?.name ?? null,
      default_character_set_catalog: null, default_character_set_schema: null, default_character_set_name: null, sql_path: null,
    };
  }
}

/** An identity column's sequence, which PostgreSQL keeps out of information_schema.sequences. */
function isIdentitySequence(ctx: SystemContext, sequence: SequenceObject): boolean {
  if (sequence.ownedBy === null) return false;
  const owner = relationByOid(ctx.catalog, sequence.ownedBy.table);
  return owner?.kind === 'table' && owner.table.columns[sequence.ownedBy.column]?.identity != null;
}

function* sequencesView(ctx: SystemContext): Iterable<RowObject> {
  for (const relation of allRelations(ctx.catalog)) {
    if (relation.kind !== 'sequence' || !visibleRelation(ctx, relation) || isIdentitySequence(ctx, relation.sequence)) continue;
    const s = relation.sequence;
    const type = columnTypeRef(s.type);
    const types = typeColumns(type);
    yield {
      sequence_catalog: ctx.database, sequence_schema: schemaName(ctx, s.namespace), sequence_name: s.name, data_type: types.data_type,
      numeric_precision: types.numeric_precision, numeric_precision_radix: types.numeric_precision_radix, numeric_scale: types.numeric_scale,
      start_value: s.start, minimum_value: s.min, maximum_value: s.max, increment: s.increment, cycle_option: yesNo(s.cycle),
    };
  }
}

function* characterSetsView(ctx: SystemContext): Iterable<RowObject> {
  yield {
    character_set_catalog: null, character_set_schema: null, character_set_name: 'UTF8', character_repertoire: 'UCS', form_of_use: 'UTF8',
    default_collate_catalog: ctx.database, default_collate_schema: 'pg_catalog', default_collate_name: 'ucs_basic',
  };
}

export const INFORMATION_SCHEMA: RowSources = {
  'information_schema.tables': tablesView,
  'information_schema.columns': columnsView,
  'information_schema.views': viewsView,
  'information_schema.table_constraints': tableConstraintsView,
  'information_schema.check_constraints': checkConstraintsView,
  'information_schema.key_column_usage': keyColumnUsageView,
  'information_schema.referential_constraints': referentialConstraintsView,
  'information_schema.constraint_column_usage': constraintColumnUsageView,
  'information_schema.schemata': schemataView,
  'information_schema.sequences': sequencesView,
  'information_schema.character_sets': characterSetsView,
  'information_schema.information_schema_catalog_name': (ctx) => [{ catalog_name: ctx.database }],
  'information_schema.routines': noRows,
  'information_schema.parameters': noRows,
  'information_schema.triggers': noRows,
};
