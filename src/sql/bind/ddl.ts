/**
 * DDL: statements that change the catalog. Each binds to a `DdlAction`: the catalog objects to
 * write (or remove) in the transaction's draft, the storage changes to run on the shards that
 * hold the table (the home shard, or all of them for a partitioned table), and notices.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import { formatType, type ColumnType } from '../../engine/types.ts';
import type { Notice } from '../../session/contract.ts';
import {
  BOOTSTRAP_SUPERUSER,
  storageKeyIndex,
  type CatalogObject,
  type CheckObject,
  type ColumnObject,
  type ForeignKeyObject,
  type IndexObject,
  type ReplicationObject,
  type SequenceObject,
  type TableObject,
} from '../catalog/model.ts';
import { engineIndexName, physicalTable } from '../catalog/physical.ts';
import type { CatalogSnapshot } from '../catalog/snapshot.ts';
import type { DdlRel, Expr } from '../plan/ir.ts';
import { isColumnType, type SqlType } from '../types/sql-type.ts';
import { kindOf, list, names, positionOf, unsupported, type Body, type Node } from './ast.ts';
import type { BindOptions } from './context.ts';
import { commentChanges } from './comment.ts';
import { quoteIdentifier as quoteIdent } from '../functions/names.ts';
import { deparse, quoteLiteral } from './deparse.ts';
import { generatedName } from './generated-names.ts';
import { bindForeignKey, checkColocated, deferrable, dependentText, referencing, validation, type Dependent, type ForeignKeyContext } from './foreign-keys.ts';
import { tableRef } from './query.ts';
import { typeFromName } from './type-name.ts';

export interface DdlAction {
  readonly tag: string;
  readonly notices: Notice[];
  /** Objects to write into the draft catalog (null: remove), in order. */
  readonly changes: [number, CatalogObject | null][];
  /** Storage changes, each on the home shard or on every shard. */
  readonly physical: { readonly everywhere: boolean; readonly rel: DdlRel }[];
}

export interface DdlEnvironment {
  allocateOid(): number;
  /** A column's DEFAULT bound as an expression of its type (for the rows ADD COLUMN fills). */
  defaultValue(table: TableObject, column: number): Expr;
  /** Validates ScratchBird's replication options of CREATE TABLE … WITH (…). */
  replicationOptions(options: readonly Node[]): { replication: ReplicationObject | null; notices: string[]; rest: string[] };
}

const SERIAL: Record<string, 'int2' | 'int4' | 'int8'> = { smallserial: 'int2', serial2: 'int2', serial: 'int4', serial4: 'int4', bigserial: 'int8', serial8: 'int8' };
const SEQUENCE_MAX: Record<'int2' | 'int4' | 'int8', string> = { int2: '32767', int4: '2147483647', int8: '9223372036854775807' };

export class DdlBinder {
  private readonly catalog: CatalogSnapshot;

  constructor(
    private readonly options: BindOptions,
    private readonly env: DdlEnvironment,
  ) {
    this.catalog = options.catalog;
  }

  private position(body: Body | undefined): number | undefined {
    return positionOf(body, this.options.offset);
  }

  private owner(): number {
    return this.catalog.role(this.options.currentUser)?.oid ?? BOOTSTRAP_SUPERUSER;
  }

  private action(tag: string): DdlAction {
    return { tag, notices: [], changes: [], physical: [] };
  }

  private nameTaken(namespace: number, name: string): boolean {
    return this.catalog.relationIn(namespace, name) !== undefined || this.catalog.findIndex(namespace, name) !== undefined;
  }

  /** PostgreSQL's generated names: table_column_suffix, made unique with a number. */
  private chooseName(namespace: number, base: string, suffix: string, taken: Set<string>): string {
    const name = generatedName(base, suffix, (candidate) => this.nameTaken(namespace, candidate) || taken.has(candidate));
    taken.add(name);
    return name;
  }

  private get foreignKeyContext(): ForeignKeyContext {
    return {
      catalog: this.catalog, searchPath: this.options.searchPath, functions: this.options.functions,
      position: (body) => this.position(body), allocateOid: () => this.env.allocateOid(),
    };
  }

  /** Adds a FOREIGN KEY to `table`, whose partition key must be final. */
  private withForeignKey(table: TableObject, con: Body, columnNames: string[] | null, taken: Set<string>): TableObject {
    const key = bindForeignKey(this.foreignKeyContext, table, con, columnNames, taken);
    checkColocated(this.foreignKeyContext, table, key);
    return { ...table, foreignKeys: [...table.foreignKeys, key] };
  }

  /** A table as this statement has left it so far: its last change, else the catalog's. */
  private latest(action: DdlAction, oid: number): TableObject {
    for (let i = action.changes.length - 1; i >= 0; i--) {
      const [changed, object] = action.changes[i];
      if (changed === oid && object?.kind === 'table') return object;
    }
    return this.catalog.get(oid) as TableObject;
  }

  /**
   * Foreign keys depending on something DDL drops (`what` and `on` as PostgreSQL's messages
   * name it): without CASCADE the statement is refused (2BP01), with it they are dropped, with
   * PostgreSQL's notice. Those of `current`, the table the statement is changing, are dropped
   * from the returned copy of it; the others are changed in the draft.
   */
  private dropDependentKeys(action: DdlAction, dependents: readonly Dependent[], cascade: boolean, what: string, on: string, current: TableObject | null): TableObject | null {
    if (dependents.length === 0) return current;
    if (!cascade) {
      throw new EngineError(SqlState.dependentObjectsStillExist, `cannot drop ${what} because other objects depend on it`, {
        detail: dependents.map((d) => `${dependentText(d)} depends on ${on}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    const lines = dependents.map((d) => `drop cascades to ${dependentText(d)}`);
    action.notices.push(lines.length === 1
      ? { severity: 'NOTICE', code: '00000', message: lines[0] }
      : { severity: 'NOTICE', code: '00000', message: `drop cascades to ${lines.length} other objects`, detail: lines.join('\n') });
    const dropped = new Set(dependents.map((d) => d.key.oid));
    const without = (table: TableObject): TableObject => ({ ...table, foreignKeys: table.foreignKeys.filter((k) => !dropped.has(k.oid)) });
    for (const oid of new Set(dependents.map((d) => d.child.oid))) {
      if (oid !== current?.oid) action.changes.push([oid, without(this.latest(action, oid))]);
    }
    return current === null ? null : without(current);
  }

  /** The foreign keys of other tables, and of `table` itself, that reference `table` and pass `matches`. */
  private dependentsOf(table: TableObject, matches: (key: ForeignKeyObject) => boolean): Dependent[] {
    const others = referencing(this.catalog, table.oid, matches).filter((d) => d.child.oid !== table.oid);
    const own = table.foreignKeys.filter((k) => k.refTable === table.oid && matches(k)).map((key) => ({ child: table, key }));
    return [...own, ...others];
  }

  // ---- CREATE TABLE --------------------------------------------------------------------------

  createTable(stmt: Body): DdlAction {
    const action = this.action('CREATE TABLE');
    const relation = stmt.relation as Body;
    const position = this.position(relation);
    if (relation.relpersistence === 't') throw unsupported('temporary tables', position);
    if (stmt.inhRelations !== undefined) throw unsupported('table inheritance', position);
    if (stmt.partbound !== undefined) throw unsupported('PostgreSQL declarative partitions (PARTITION OF)', position);
    const ns = this.catalog.creationNamespace(relation.schemaname as string | undefined, this.options.searchPath);
    const name = relation.relname as string;
    if (this.nameTaken(ns.oid, name)) {
      if (stmt.if_not_exists === true) {
        action.notices.push({ severity: 'NOTICE', code: SqlState.duplicateTable, message: `relation "${name}" already exists, skipping` });
        return action;
      }
      throw new EngineError(SqlState.duplicateTable, `relation "${name}" already exists`, { position });
    }
    const oid = this.env.allocateOid();
    const taken = new Set<string>();
    const columns: ColumnObject[] = [];
    const columnDefs: Body[] = [];
    const sequences: SequenceObject[] = [];
    for (const element of list(stmt.tableElts)) {
      if (kindOf(element) !== 'ColumnDef') continue;
      const def = element.ColumnDef as Body;
      if (columns.some((c) => c.name === def.colname)) throw new EngineError(SqlState.duplicateColumn, `column "${def.colname as string}" specified more than once`, { position: this.position(def) });
      columnDefs.push(def);
      columns.push(this.column(def, ns.oid, name, taken, sequences, columns.length, oid));
    }
    if (columns.length === 0) throw unsupported('tables without columns', position);
    let table: TableObject = {
      kind: 'table', oid, name, namespace: ns.oid, owner: this.owner(), columns, indexes: [], checks: [], foreignKeys: [],
      partitionKey: null, replication: null, options: [],
    };
    // Column constraints, then table constraints, in order; foreign keys last, in the order
    // written, once every key they may reference and the partition key are known.
    const foreignKeys: { con: Body; columns: string[] | null }[] = [];
    const isForeignKey = (c: Node): boolean => c.Constraint.contype === 'CONSTR_FOREIGN';
    for (const element of list(stmt.tableElts)) {
      if (kindOf(element) === 'ColumnDef') {
        for (const c of list(element.ColumnDef.constraints)) if (isForeignKey(c)) foreignKeys.push({ con: c.Constraint, columns: [element.ColumnDef.colname as string] });
      } else if (kindOf(element) === 'Constraint' && isForeignKey(element)) {
        foreignKeys.push({ con: element.Constraint, columns: null });
      }
    }
    columnDefs.forEach((def, i) => {
      for (const c of list(def.constraints)) if (!isForeignKey(c)) table = this.addConstraint(table, c.Constraint, [columns[i].name], taken, true);
    });
    for (const element of list(stmt.tableElts)) {
      if (kindOf(element) === 'Constraint') {
        if (!isForeignKey(element)) table = this.addConstraint(table, element.Constraint, null, taken, true);
      } else if (kindOf(element) !== 'ColumnDef') {
        throw unsupported(`${kindOf(element)} in CREATE TABLE`, position);
      }
    }
    if (stmt.partspec !== undefined) table = this.partitionBy(table, stmt.partspec);
    for (const { con, columns: keyColumns } of foreignKeys) table = this.withForeignKey(table, con, keyColumns, taken);
    const { replication, notices, rest } = this.env.replicationOptions(list(stmt.options));
    table = { ...table, replication, options: rest };
    for (const n of notices) action.notices.push({ severity: 'NOTICE', code: '00000', message: n });
    for (const seq of sequences) action.changes.push([seq.oid, seq]);
    action.changes.push([oid, table]);
    action.physical.push({ everywhere: table.partitionKey !== null, rel: { rel: 'ddl', action: 'createTable', oid, definition: physicalTable(table) } });
    return action;
  }

  private column(def: Body, namespace: number, table: string, taken: Set<string>, sequences: SequenceObject[], position: number, tableOid: number): ColumnObject {
    const typeNames = names(def.typeName.names);
    const serial = typeNames.length === 1 ? SERIAL[typeNames[0]] : undefined;
    const type: SqlType = serial !== undefined ? { kind: serial } : typeFromName(def.typeName, this.options.offset);
    if (!isColumnType(type)) throw unsupported(`columns of type ${typeNames.join('.')}`, this.position(def.typeName));
    let notNull = false;
    let defaultText: string | null = null;
    let identity: 'a' | 'd' | null = null;
    for (const c of list(def.constraints)) {
      const con = c.Constraint as Body;
      switch (con.contype as string) {
        case 'CONSTR_NOTNULL':
          notNull = true;
          break;
        case 'CONSTR_DEFAULT':
          defaultText = deparse(con.raw_expr);
          break;
        case 'CONSTR_IDENTITY':
          identity = con.generated_when === 'a' ? 'a' : 'd';
          notNull = true;
          break;
        case 'CONSTR_GENERATED':
          throw unsupported('generated columns', this.position(con));
        default:
      }
    }
    if (serial !== undefined || identity !== null) {
      const seqType = serial ?? (type.kind === 'int2' || type.kind === 'int4' || type.kind === 'int8' ? type.kind : undefined);
      if (seqType === undefined) throw new EngineError(SqlState.invalidParameterValue, 'identity column type must be smallint, integer, or bigint', { position: this.position(def) });
      const seqName = this.chooseName(namespace, `${table}_${def.colname as string}`, 'seq', taken);
      const seq: SequenceObject = {
        kind: 'sequence', oid: this.env.allocateOid(), name: seqName, namespace, owner: this.owner(), type: seqType,
        start: '1', increment: '1', min: '1', max: SEQUENCE_MAX[seqType], cache: 1, cycle: false, ownedBy: { table: tableOid, column: position },
      };
      sequences.push(seq);
      defaultText = `nextval(${quoteLiteral(qualified(this.catalog, seq))}::regclass)`;
      notNull = true;
    }
    return { name: def.colname as string, type: formatType(type as ColumnType), notNull, default: defaultText, identity };
  }

  private partitionBy(table: TableObject, spec: Body): TableObject {
    const position = this.position(spec);
    if (spec.strategy !== undefined && spec.strategy !== 'PARTITION_STRATEGY_HASH' && spec.strategy !== 'hash') {
      throw unsupported('PARTITION BY RANGE or LIST (ScratchBird distributes by hash: PARTITION BY (columns))', position);
    }
    const key = list(spec.partParams).map((p) => {
      const name = p.PartitionElem.name as string | undefined;
      const at = name === undefined ? -1 : table.columns.findIndex((c) => c.name === name);
      if (at < 0) throw new EngineError(SqlState.undefinedColumn, `column "${name ?? '?'}" named in partition key does not exist`, { position });
      return at;
    });
    for (const ix of table.indexes.filter((i) => i.unique)) {
      if (!key.every((k) => ix.columns.some((c) => c.column === k))) {
        throw new EngineError(SqlState.featureNotSupported, `${ix.primary ? 'PRIMARY KEY' : 'UNIQUE'} constraint "${ix.constraint ?? ix.name}" on partitioned table "${table.name}" must include all partition key columns`, {
          hint: `Add ${key.map((k) => table.columns[k].name).join(', ')} to the constraint, so each shard can check it alone.`,
          position,
        });
      }
    }
    return { ...table, partitionKey: key };
  }

  /** Adds a PRIMARY KEY, UNIQUE, CHECK (or NOT NULL/DEFAULT column forms, already read). */
  private addConstraint(table: TableObject, con: Body, columnNames: string[] | null, taken: Set<string>, creating: boolean): TableObject {
    const position = this.position(con);
    const keyColumns = (): number[] =>
      (columnNames ?? names(con.keys)).map((n) => {
        const at = table.columns.findIndex((c) => c.name === n);
        if (at < 0) throw new EngineError(SqlState.undefinedColumn, `column "${n}" named in key does not exist`, { position });
        return at;
      });
    switch (con.contype as string) {
      case 'CONSTR_NOTNULL':
      case 'CONSTR_NULL':
      case 'CONSTR_DEFAULT':
      case 'CONSTR_IDENTITY':
        return table;
      case 'CONSTR_PRIMARY':
      case 'CONSTR_UNIQUE': {
        const primary = con.contype === 'CONSTR_PRIMARY';
        if (primary && table.indexes.some((ix) => ix.primary)) throw new EngineError(SqlState.invalidTableDefinition, `multiple primary keys for table "${table.name}" are not allowed`, { position });
        const cols = keyColumns();
        if (list(con.including).length > 0) throw unsupported('INCLUDE columns', position);
        const name = (con.conname as string | undefined) ?? this.chooseName(table.namespace, cols.length === 0 ? table.name : `${table.name}_${cols.map((c) => table.columns[c].name).join('_')}`, primary ? 'pkey' : 'key', taken);
        if (primary && con.conname === undefined) {
          taken.delete(name);
          const pk = this.chooseName(table.namespace, table.name, 'pkey', taken);
          return this.withIndex(table, pk, cols, true, true, creating);
        }
        if (this.nameTaken(table.namespace, name) && con.conname !== undefined) throw new EngineError(SqlState.duplicateTable, `relation "${name}" already exists`, { position });
        return this.withIndex(table, name, cols, primary, true, creating);
      }
      case 'CONSTR_CHECK': {
        const base = columnNames === null ? table.name : `${table.name}_${columnNames[0]}`;
        const name = (con.conname as string | undefined) ?? this.chooseName(table.namespace, base, 'check', taken);
        const check: CheckObject = { oid: this.env.allocateOid(), name, expr: deparse(con.raw_expr) };
        return { ...table, checks: [...table.checks, check] };
      }
      case 'CONSTR_FOREIGN':
        return this.withForeignKey(table, con, columnNames, taken);
      // A column constraint's timing, written after it: every constraint is immediate.
      case 'CONSTR_ATTR_NOT_DEFERRABLE':
      case 'CONSTR_ATTR_IMMEDIATE':
        return table;
      case 'CONSTR_ATTR_DEFERRABLE':
      case 'CONSTR_ATTR_DEFERRED':
        throw deferrable(position);
      case 'CONSTR_EXCLUSION':
        throw unsupported('EXCLUDE constraints', position);
      default:
        throw unsupported(`constraint ${String(con.contype)}`, position);
    }
  }

  private withIndex(table: TableObject, name: string, cols: number[], primary: boolean, constraint: boolean, creating: boolean): TableObject {
    // While a table is created its partition key comes last and `partitionBy` checks its keys.
    const key = table.partitionKey;
    if (key !== null && !key.every((k) => cols.includes(k))) {
      throw new EngineError(SqlState.featureNotSupported, `${primary ? 'PRIMARY KEY' : 'UNIQUE'} constraint "${name}" on partitioned table "${table.name}" must include all partition key columns`, {
        hint: `Add ${key.map((k) => table.columns[k].name).join(', ')} to the constraint, so each shard can check it alone.`,
      });
    }
    const columns = cols.map((column) => ({ column, descending: false, nullsFirst: false }));
    // A primary key becomes the table's storage key, so a lookup by it is one read: when it is
    // declared with the table, or added to a table stored by a hidden row id (which is then
    // rewritten, as pgbench and dump scripts add their keys after loading the rows).
    const storageKey = primary && (creating || storageKeyIndex(table) === undefined);
    const index: IndexObject = { oid: this.env.allocateOid(), name, columns, unique: true, constraint: constraint ? name : null, primary, storageKey, constraintOid: constraint ? this.env.allocateOid() : null };
    const tableColumns = primary ? table.columns.map((c, i) => (cols.includes(i) ? { ...c, notNull: true } : c)) : table.columns;
    return { ...table, columns: tableColumns, indexes: [...table.indexes, index] };
  }

  // ---- DROP ----------------------------------------------------------------------------------

  drop(stmt: Body): DdlAction {
    const type = stmt.removeType as string;
    const tag = { OBJECT_TABLE: 'DROP TABLE', OBJECT_INDEX: 'DROP INDEX', OBJECT_VIEW: 'DROP VIEW', OBJECT_SEQUENCE: 'DROP SEQUENCE', OBJECT_SCHEMA: 'DROP SCHEMA' }[type];
    if (tag === undefined) throw unsupported(`DROP ${type.replace('OBJECT_', '')}`, this.position(stmt));
    const action = this.action(tag);
    const cascade = stmt.behavior === 'DROP_CASCADE';
    const partsOf = (object: Node): string[] => (kindOf(object) === 'List' ? names(object.List.items) : [object.String?.sval as string]);
    // Foreign keys between the tables a DROP TABLE drops go with them.
    const dropping = new Set<number>();
    if (type === 'OBJECT_TABLE') {
      for (const object of list(stmt.objects)) {
        const parts = partsOf(object);
        const found = this.catalog.findRelation(parts.length > 1 ? parts[parts.length - 2] : undefined, parts[parts.length - 1], this.options.searchPath);
        if (found?.kind === 'table') dropping.add(found.oid);
      }
    }
    for (const object of list(stmt.objects)) {
      const parts = partsOf(object);
      const name = parts[parts.length - 1];
      const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
      const shown = parts.join('.');
      if (type === 'OBJECT_SCHEMA') {
        this.dropSchema(action, name, stmt.missing_ok === true, cascade);
        continue;
      }
      if (type === 'OBJECT_INDEX') {
        const ns = schema === undefined ? undefined : this.catalog.namespace(schema)?.oid;
        const found = this.catalog.findIndex(ns, name);
        if (found === undefined) {
          if (stmt.missing_ok === true) {
            action.notices.push({ severity: 'NOTICE', code: '00000', message: `index "${shown}" does not exist, skipping` });
            continue;
          }
          throw new EngineError(SqlState.undefinedObject, `index "${shown}" does not exist`);
        }
        if (found.index.constraint !== null) {
          throw new EngineError(SqlState.dependentObjectsStillExist, `cannot drop index ${name} because constraint ${found.index.constraint} on table ${found.table.name} requires it`, {
            hint: `You can drop constraint ${found.index.constraint} on table ${found.table.name} instead.`,
          });
        }
        const dependents = this.dependentsOf(found.table, (key) => key.refIndex === found.index.oid);
        const table = this.dropDependentKeys(action, dependents, cascade, `index ${name}`, `index ${name}`, this.latest(action, found.table.oid)) as TableObject;
        this.dropIndex(action, table, found.index);
        continue;
      }
      const relation = this.catalog.findRelation(schema, name, this.options.searchPath);
      const kind = { OBJECT_TABLE: 'table', OBJECT_VIEW: 'view', OBJECT_SEQUENCE: 'sequence' }[type] as 'table' | 'view' | 'sequence';
      if (relation === undefined || relation.kind !== kind) {
        if (relation !== undefined) throw new EngineError(SqlState.wrongObjectType, `"${shown}" is not a ${kind}`, { hint: `Use DROP ${relation.kind.toUpperCase()} to remove a ${relation.kind}.` });
        if (stmt.missing_ok === true) {
          action.notices.push({ severity: 'NOTICE', code: '00000', message: `${kind} "${shown}" does not exist, skipping` });
          continue;
        }
        throw new EngineError(kind === 'sequence' || kind === 'view' || kind === 'table' ? SqlState.undefinedTable : SqlState.undefinedObject, `${kind} "${shown}" does not exist`);
      }
      if (relation.kind === 'table') {
        this.checkNoDependentViews(relation, cascade, action);
        const dependents = referencing(this.catalog, relation.oid).filter((d) => !dropping.has(d.child.oid));
        this.dropDependentKeys(action, dependents, cascade, `table ${relation.name}`, `table ${relation.name}`, null);
        this.dropTable(action, relation);
      } else {
        action.changes.push([relation.oid, null]);
      }
    }
    return action;
  }

  private checkNoDependentViews(table: TableObject, cascade: boolean, action: DdlAction): void {
    for (const object of this.catalog.all()) {
      if (object.kind !== 'view' || !new RegExp(`\\b${table.name}\\b`).test(object.query)) continue;
      if (!cascade) {
        throw new EngineError(SqlState.dependentObjectsStillExist, `cannot drop table ${table.name} because other objects depend on it`, {
          detail: `view ${object.name} depends on table ${table.name}`,
          hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
        });
      }
      action.notices.push({ severity: 'NOTICE', code: '00000', message: `drop cascades to view ${object.name}` });
      action.changes.push([object.oid, null]);
    }
  }

  private dropTable(action: DdlAction, table: TableObject): void {
    action.changes.push([table.oid, null]);
    for (const object of this.catalog.all()) {
      if (object.kind === 'sequence' && object.ownedBy?.table === table.oid) action.changes.push([object.oid, null]);
    }
    action.physical.push({ everywhere: table.partitionKey !== null, rel: { rel: 'ddl', action: 'dropTable', oid: table.oid } });
  }

  private dropSchema(action: DdlAction, name: string, missingOk: boolean, cascade: boolean): void {
    const ns = this.catalog.namespace(name);
    if (ns === undefined) {
      if (missingOk) {
        action.notices.push({ severity: 'NOTICE', code: '00000', message: `schema "${name}" does not exist, skipping` });
        return;
      }
      throw new EngineError(SqlState.invalidSchemaName, `schema "${name}" does not exist`);
    }
    const members = [...this.catalog.all()].filter((o) => (o.kind === 'table' || o.kind === 'view' || o.kind === 'sequence') && o.namespace === ns.oid);
    if (members.length > 0 && !cascade) {
      throw new EngineError(SqlState.dependentObjectsStillExist, `cannot drop schema ${name} because other objects depend on it`, {
        detail: members.map((m) => `${m.kind} ${name}.${m.name} depends on schema ${name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    const memberOids = new Set(members.map((m) => m.oid));
    for (const m of members) {
      if (m.kind === 'table') {
        const dependents = referencing(this.catalog, m.oid).filter((d) => !memberOids.has(d.child.oid));
        this.dropDependentKeys(action, dependents, cascade, `table ${m.name}`, `table ${m.name}`, null);
        this.dropTable(action, m);
      } else {
        action.changes.push([m.oid, null]);
      }
    }
    action.changes.push([ns.oid, null]);
  }

  private dropIndex(action: DdlAction, table: TableObject, index: IndexObject): void {
    const next: TableObject = { ...table, indexes: table.indexes.filter((ix) => ix.oid !== index.oid) };
    action.changes.push([table.oid, next]);
    action.physical.push({ everywhere: table.partitionKey !== null, rel: { rel: 'ddl', action: 'dropIndex', oid: table.oid, name: physicalIndexName(index) } });
  }

  // ---- CREATE INDEX --------------------------------------------------------------------------

  createIndex(stmt: Body): DdlAction {
    const action = this.action('CREATE INDEX');
    const relation = stmt.relation as Body;
    const position = this.position(relation);
    const table = this.catalog.table(relation.schemaname as string | undefined, relation.relname as string, this.options.searchPath);
    if (stmt.accessMethod !== undefined && stmt.accessMethod !== 'btree') throw unsupported(`index access method "${stmt.accessMethod as string}"`, position);
    if (stmt.whereClause !== undefined) throw unsupported('partial indexes', position);
    if (stmt.concurrent === true) action.notices.push({ severity: 'NOTICE', code: '00000', message: 'CONCURRENTLY is ignored: ScratchBird builds indexes without blocking readers' });
    const columns = list(stmt.indexParams).map((p) => {
      const el = p.IndexElem as Body;
      if (el.expr !== undefined) throw unsupported('indexes on expressions', position);
      const at = table.columns.findIndex((c) => c.name === el.name);
      if (at < 0) throw new EngineError(SqlState.undefinedColumn, `column "${el.name as string}" does not exist`, { position });
      const descending = el.ordering === 'SORTBY_DESC';
      const nullsFirst = el.nulls_ordering === 'SORTBY_NULLS_FIRST' ? true : el.nulls_ordering === 'SORTBY_NULLS_LAST' ? false : descending;
      return { column: at, descending, nullsFirst };
    });
    const unique = stmt.unique === true;
    if (unique && table.partitionKey !== null && !table.partitionKey.every((k) => columns.some((c) => c.column === k))) {
      throw new EngineError(SqlState.featureNotSupported, `unique index on partitioned table "${table.name}" must include all partition key columns`, {
        hint: `Add ${table.partitionKey.map((k) => table.columns[k].name).join(', ')} to the index, so each shard can check it alone.`,
      });
    }
    const name = (stmt.idxname as string | undefined) ?? this.chooseName(table.namespace, `${table.name}_${columns.map((c) => table.columns[c.column].name).join('_')}`, 'idx', new Set());
    if (this.nameTaken(table.namespace, name)) {
      if (stmt.if_not_exists === true) {
        action.notices.push({ severity: 'NOTICE', code: SqlState.duplicateTable, message: `relation "${name}" already exists, skipping` });
        return action;
      }
      throw new EngineError(SqlState.duplicateTable, `relation "${name}" already exists`);
    }
    const index: IndexObject = { oid: this.env.allocateOid(), name, columns, unique, constraint: null, primary: false, storageKey: false, constraintOid: null };
    action.changes.push([table.oid, { ...table, indexes: [...table.indexes, index] }]);
    action.physical.push({ everywhere: table.partitionKey !== null, rel: { rel: 'ddl', action: 'createIndex', oid: table.oid, index: physicalTable({ ...table, indexes: [index] }).indexes[0] } });
    return action;
  }

  // ---- ALTER TABLE ---------------------------------------------------------------------------

  alterTable(stmt: Body): DdlAction {
    const action = this.action('ALTER TABLE');
    const relation = stmt.relation as Body;
    const position = this.position(relation);
    if (stmt.objtype !== 'OBJECT_TABLE') throw unsupported(`ALTER ${String(stmt.objtype).replace('OBJECT_', '')}`, position);
    const found = this.catalog.findRelation(relation.schemaname as string | undefined, relation.relname as string, this.options.searchPath);
    if (found === undefined) {
      if (stmt.missing_ok === true) {
        action.notices.push({ severity: 'NOTICE', code: '00000', message: `relation "${relation.relname as string}" does not exist, skipping` });
        return action;
      }
      throw new EngineError(SqlState.undefinedTable, `relation "${relation.relname as string}" does not exist`, { position });
    }
    if (found.kind !== 'table') throw new EngineError(SqlState.wrongObjectType, `"${found.name}" is not a table`, { position });
    const original = found;
    let table = found;
    const taken = new Set<string>();
    let rewrite = false;
    const newIndexes: IndexObject[] = [];
    for (const c of list(stmt.cmds)) {
      const cmd = c.AlterTableCmd as Body;
      const column = (name: string): number => {
        const at = table.columns.findIndex((col) => col.name === name);
        if (at < 0) throw new EngineError(SqlState.undefinedColumn, `column "${name}" of relation "${table.name}" does not exist`, { position });
        return at;
      };
      switch (cmd.subtype as string) {
        case 'AT_AddConstraint': {
          const con = cmd.def.Constraint as Body;
          const before = table.indexes.length;
          if (con.contype === 'CONSTR_PRIMARY' || con.contype === 'CONSTR_UNIQUE') {
            table = this.addConstraint(table, con, null, taken, false);
            const added = table.indexes[before];
            if (added.storageKey || (added.primary && original.columns.some((col, i) => added.columns.some((k) => k.column === i) && !col.notNull))) rewrite = true;
            newIndexes.push(added);
          } else {
            table = this.addConstraint(table, con, null, taken, false);
          }
          break;
        }
        case 'AT_AddColumn': {
          const def = cmd.def.ColumnDef as Body;
          if (table.columns.some((col) => col.name === def.colname)) {
            if (cmd.missing_ok === true) {
              action.notices.push({ severity: 'NOTICE', code: '00000', message: `column "${def.colname as string}" of relation "${table.name}" already exists, skipping` });
              break;
            }
            throw new EngineError(SqlState.duplicateColumn, `column "${def.colname as string}" of relation "${table.name}" already exists`, { position });
          }
          const sequences: SequenceObject[] = [];
          const col = this.column(def, table.namespace, table.name, taken, sequences, table.columns.length, table.oid);
          for (const seq of sequences) action.changes.push([seq.oid, seq]);
          table = { ...table, columns: [...table.columns, col] };
          for (const con of list(def.constraints)) {
            const before = table.indexes.length;
            table = this.addConstraint(table, con.Constraint, [col.name], taken, false);
            if (table.indexes.length > before) newIndexes.push(table.indexes[before]);
          }
          rewrite = true;
          break;
        }
        case 'AT_DropColumn': {
          const at = table.columns.findIndex((col) => col.name === cmd.name);
          if (at < 0) {
            if (cmd.missing_ok === true) {
              action.notices.push({ severity: 'NOTICE', code: '00000', message: `column "${cmd.name as string}" of relation "${table.name}" does not exist, skipping` });
              break;
            }
            column(cmd.name as string);
          }
          if (table.partitionKey?.includes(at)) throw new EngineError(SqlState.featureNotSupported, `cannot drop partition key column "${cmd.name as string}"`, { position });
          const dropped = `column ${cmd.name as string} of table ${table.name}`;
          table = this.dropDependentKeys(action, this.dependentsOf(table, (k) => k.refColumns.includes(at)), cmd.behavior === 'DROP_CASCADE', dropped, dropped, table) as TableObject;
          if (table.indexes.some((ix) => ix.columns.some((k) => k.column === at))) {
            if (cmd.behavior !== 'DROP_CASCADE' && table.indexes.some((ix) => ix.constraint !== null && ix.columns.some((k) => k.column === at) && ix.columns.length > 1)) {
              throw new EngineError(SqlState.dependentObjectsStillExist, `cannot drop column ${cmd.name as string} of table ${table.name} because other objects depend on it`, { hint: 'Use DROP ... CASCADE to drop the dependent objects too.' });
            }
          }
          const shift = (k: number): number => (k > at ? k - 1 : k);
          table = {
            ...table,
            columns: table.columns.filter((_, i) => i !== at),
            indexes: table.indexes.filter((ix) => !ix.columns.some((k) => k.column === at)).map((ix) => ({ ...ix, columns: ix.columns.map((k) => ({ ...k, column: shift(k.column) })) })),
            checks: table.checks.filter((ch) => !new RegExp(`\\b${cmd.name as string}\\b`).test(ch.expr)),
            // A foreign key over the column goes with it, as in PostgreSQL.
            foreignKeys: table.foreignKeys.filter((k) => !k.columns.includes(at)).map((k) => ({
              ...k,
              columns: k.columns.map(shift),
              refColumns: k.refTable === table.oid ? k.refColumns.map(shift) : k.refColumns,
              deleteSetColumns: k.deleteSetColumns?.map(shift) ?? null,
            })),
            partitionKey: table.partitionKey?.map(shift) ?? null,
          };
          for (const { child, key } of referencing(this.catalog, table.oid).filter((d) => d.child.oid !== table.oid)) {
            const latest = this.latest(action, child.oid);
            action.changes.push([child.oid, { ...latest, foreignKeys: latest.foreignKeys.map((k) => (k.oid === key.oid ? { ...k, refColumns: k.refColumns.map(shift) } : k)) }]);
          }
          rewrite = true;
          break;
        }
        case 'AT_ColumnDefault': {
          const at = column(cmd.name as string);
          const columns = [...table.columns];
          columns[at] = { ...columns[at], default: cmd.def === undefined ? null : deparse(cmd.def) };
          table = { ...table, columns };
          break;
        }
        case 'AT_SetNotNull':
        case 'AT_DropNotNull': {
          const at = column(cmd.name as string);
          const notNull = cmd.subtype === 'AT_SetNotNull';
          if (!notNull && table.indexes.some((ix) => ix.primary && ix.columns.some((k) => k.column === at))) {
            throw new EngineError(SqlState.invalidTableDefinition, `column "${cmd.name as string}" is in a primary key`, { position });
          }
          const columns = [...table.columns];
          if (columns[at].notNull !== notNull) rewrite = true;
          columns[at] = { ...columns[at], notNull };
          table = { ...table, columns };
          break;
        }
        case 'AT_DropConstraint': {
          const name = cmd.name as string;
          const index = table.indexes.find((ix) => ix.constraint === name);
          const check = table.checks.find((ch) => ch.name === name);
          const key = table.foreignKeys.find((k) => k.name === name);
          if (index === undefined && check === undefined && key === undefined) {
            if (cmd.missing_ok === true) {
              action.notices.push({ severity: 'NOTICE', code: '00000', message: `constraint "${name}" of relation "${table.name}" does not exist, skipping` });
              break;
            }
            throw new EngineError(SqlState.undefinedObject, `constraint "${name}" of relation "${table.name}" does not exist`);
          }
          if (index !== undefined) {
            const dependents = this.dependentsOf(table, (k) => k.refIndex === index.oid);
            table = this.dropDependentKeys(action, dependents, cmd.behavior === 'DROP_CASCADE', `constraint ${name} on table ${table.name}`, `index ${index.name}`, table) as TableObject;
          }
          if (index?.storageKey === true) throw unsupported('dropping a primary key (the table\'s rows are stored by it)', position);
          table = { ...table, indexes: table.indexes.filter((ix) => ix !== index), checks: table.checks.filter((ch) => ch !== check), foreignKeys: table.foreignKeys.filter((k) => k !== key) };
          if (index !== undefined && original.indexes.includes(index)) {
            action.physical.push({ everywhere: table.partitionKey !== null, rel: { rel: 'ddl', action: 'dropIndex', oid: table.oid, name: physicalIndexName(index) } });
          }
          break;
        }
        case 'AT_AlterColumnType':
          throw unsupported('ALTER COLUMN … TYPE', position);
        case 'AT_SetRelOptions':
        case 'AT_ResetRelOptions':
          break;
        default:
          throw unsupported(`ALTER TABLE ${String(cmd.subtype).replace('AT_', '')}`, position);
      }
    }
    action.changes.push([table.oid, table]);
    const everywhere = table.partitionKey !== null;
    if (rewrite) {
      action.physical.push({ everywhere, rel: this.rewrite(original, table) });
    } else {
      for (const index of newIndexes) {
        action.physical.push({ everywhere, rel: { rel: 'ddl', action: 'createIndex', oid: table.oid, index: physicalTable({ ...table, indexes: [{ ...index, storageKey: false }] }).indexes[0] } });
      }
    }
    // New foreign keys must hold for the rows already stored.
    for (const key of table.foreignKeys) {
      if (!original.foreignKeys.some((k) => k.oid === key.oid)) action.physical.push({ everywhere, rel: validation(this.foreignKeyContext, table, key) });
    }
    return action;
  }

  /** Rebuilds the stored table under its new definition: each new column's value is the old
   * column of the same name, or its default. */
  private rewrite(before: TableObject, after: TableObject): DdlRel {
    const oldRef = tableRef(before);
    const row: Expr[] = after.columns.map((c, at) => {
      const old = before.columns.findIndex((o) => o.name === c.name);
      if (old >= 0) return { op: 'column', type: oldRef.columns[old].type, index: old };
      // The sequence of a serial column added here exists only in this statement's changes.
      if (c.default !== null && /^nextval\(/.test(c.default)) throw unsupported('ADD COLUMN with a sequence default on a table with rows', undefined);
      return this.env.defaultValue(after, at);
    });
    if (tableRef(after).hiddenRowId) row.push({ op: 'column', type: { kind: 'int8' }, index: before.columns.length });
    return { rel: 'ddl', action: 'rewrite', table: oldRef, definition: physicalTable(after), row };
  }

  // ---- TRUNCATE, RENAME, COMMENT, SCHEMA, VIEW, SEQUENCE -------------------------------------

  truncate(stmt: Body): DdlAction {
    const action = this.action('TRUNCATE TABLE');
    const tables = list(stmt.relations).map((r) => {
      const rv = r.RangeVar as Body;
      return this.catalog.table(rv.schemaname as string | undefined, rv.relname as string, this.options.searchPath);
    });
    if (stmt.restart_seqs === true) throw unsupported('TRUNCATE … RESTART IDENTITY', this.position(stmt));
    // A referenced table is emptied only with the tables referencing it (CASCADE adds them).
    const truncating = new Set(tables.map((t) => t.oid));
    for (let i = 0; i < tables.length; i++) {
      for (const { child } of referencing(this.catalog, tables[i].oid)) {
        if (truncating.has(child.oid)) continue;
        if (stmt.behavior !== 'DROP_CASCADE') {
          throw new EngineError(SqlState.featureNotSupported, 'cannot truncate a table referenced in a foreign key constraint', {
            detail: `Table "${child.name}" references "${tables[i].name}".`,
            hint: `Truncate table "${child.name}" at the same time, or use TRUNCATE ... CASCADE.`,
          });
        }
        truncating.add(child.oid);
        tables.push(child);
        action.notices.push({ severity: 'NOTICE', code: '00000', message: `truncate cascades to table "${child.name}"` });
      }
    }
    for (const table of tables) action.physical.push({ everywhere: table.partitionKey !== null, rel: { rel: 'ddl', action: 'truncate', table: tableRef(table) } });
    return action;
  }

  rename(stmt: Body): DdlAction {
    const type = stmt.renameType as string;
    const relation = stmt.relation as Body | undefined;
    const newName = stmt.newname as string;
    if (relation === undefined) throw unsupported(`ALTER ${type.replace('OBJECT_', '')} … RENAME`, this.position(stmt));
    const schema = relation.schemaname as string | undefined;
    if (type === 'OBJECT_INDEX') {
      const ns = schema === undefined ? undefined : this.catalog.namespace(schema)?.oid;
      const found = this.catalog.findIndex(ns, relation.relname as string);
      if (found === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${relation.relname as string}" does not exist`);
      if (this.nameTaken(found.table.namespace, newName)) throw new EngineError(SqlState.duplicateTable, `relation "${newName}" already exists`);
      const indexes = found.table.indexes.map((ix) => (ix === found.index ? { ...ix, name: newName, constraint: ix.constraint === null ? null : newName } : ix));
      return { ...this.action('ALTER INDEX'), changes: [[found.table.oid, { ...found.table, indexes }]] };
    }
    const object = this.catalog.findRelation(schema, relation.relname as string, this.options.searchPath);
    if (object === undefined) throw new EngineError(SqlState.undefinedTable, `relation "${relation.relname as string}" does not exist`, { position: this.position(relation) });
    const tag = object.kind === 'view' ? 'ALTER VIEW' : object.kind === 'sequence' ? 'ALTER SEQUENCE' : 'ALTER TABLE';
    if (type === 'OBJECT_COLUMN') {
      if (object.kind !== 'table') throw unsupported(`renaming columns of a ${object.kind}`, this.position(relation));
      const at = object.columns.findIndex((c) => c.name === stmt.subname);
      if (at < 0) throw new EngineError(SqlState.undefinedColumn, `column "${stmt.subname as string}" does not exist`);
      if (object.columns.some((c) => c.name === newName)) throw new EngineError(SqlState.duplicateColumn, `column "${newName}" of relation "${object.name}" already exists`);
      const columns = object.columns.map((c, i) => (i === at ? { ...c, name: newName } : c));
      return { ...this.action(tag), changes: [[object.oid, { ...object, columns }]] };
    }
    if (type === 'OBJECT_TABLECONSTRAINT') throw unsupported('renaming constraints', this.position(stmt));
    if (this.nameTaken(object.namespace, newName)) throw new EngineError(SqlState.duplicateTable, `relation "${newName}" already exists`);
    return { ...this.action(tag), changes: [[object.oid, { ...object, name: newName }]] };
  }

  comment(stmt: Body): DdlAction {
    return { ...this.action('COMMENT'), changes: commentChanges(this.catalog, this.options.searchPath, stmt, this.position(stmt)) };
  }

  createSchema(stmt: Body): DdlAction {
    const action = this.action('CREATE SCHEMA');
    const name = (stmt.schemaname as string | undefined) ?? (stmt.authrole?.RoleSpec?.rolename as string | undefined);
    if (name === undefined) throw unsupported('CREATE SCHEMA without a name', this.position(stmt));
    if (list(stmt.schemaElts).length > 0) throw unsupported('CREATE SCHEMA with elements', this.position(stmt));
    if (this.catalog.namespace(name) !== undefined) {
      if (stmt.if_not_exists === true) {
        action.notices.push({ severity: 'NOTICE', code: SqlState.duplicateSchema, message: `schema "${name}" already exists, skipping` });
        return action;
      }
      throw new EngineError(SqlState.duplicateSchema, `schema "${name}" already exists`);
    }
    if (name.startsWith('pg_')) throw new EngineError(SqlState.reservedName, `unacceptable schema name "${name}"`, { detail: 'The prefix "pg_" is reserved for system schemas.' });
    const oid = this.env.allocateOid();
    action.changes.push([oid, { kind: 'namespace', oid, name, owner: this.owner() }]);
    return action;
  }

  createView(stmt: Body, query: { sql: string; columns: readonly { name: string; type: SqlType }[] }): DdlAction {
    const action = this.action('CREATE VIEW');
    const view = stmt.view as Body;
    const ns = this.catalog.creationNamespace(view.schemaname as string | undefined, this.options.searchPath);
    const name = view.relname as string;
    const existing = this.catalog.relationIn(ns.oid, name);
    const aliases = names(stmt.aliases);
    const columns = query.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: isColumnType(c.type) ? formatType(c.type) : c.type.kind }));
    if (existing !== undefined) {
      if (stmt.replace !== true || existing.kind !== 'view') throw new EngineError(SqlState.duplicateTable, `relation "${name}" already exists`, { position: this.position(view) });
      action.changes.push([existing.oid, { ...existing, query: query.sql, columns }]);
      return action;
    }
    const oid = this.env.allocateOid();
    action.changes.push([oid, { kind: 'view', oid, name, namespace: ns.oid, owner: this.owner(), query: query.sql, columns }]);
    return action;
  }

  createSequence(stmt: Body): DdlAction {
    const action = this.action('CREATE SEQUENCE');
    const rv = stmt.sequence as Body;
    const ns = this.catalog.creationNamespace(rv.schemaname as string | undefined, this.options.searchPath);
    const name = rv.relname as string;
    if (this.nameTaken(ns.oid, name)) {
      if (stmt.if_not_exists === true) {
        action.notices.push({ severity: 'NOTICE', code: SqlState.duplicateTable, message: `relation "${name}" already exists, skipping` });
        return action;
      }
      throw new EngineError(SqlState.duplicateTable, `relation "${name}" already exists`, { position: this.position(rv) });
    }
    const opts = new Map(list(stmt.options).map((o) => [o.DefElem.defname as string, o.DefElem.arg as Node | undefined]));
    const num = (key: string): string | undefined => {
      const arg = opts.get(key);
      if (arg === undefined) return undefined;
      const v = arg.Integer?.ival ?? arg.Float?.fval ?? arg.A_Const?.ival?.ival;
      return v === undefined ? undefined : String(v);
    };
    const typeNode = opts.get('as');
    const typeKind = typeNode === undefined ? 'int8' : (typeFromName(typeNode.TypeName, this.options.offset).kind as string);
    if (typeKind !== 'int2' && typeKind !== 'int4' && typeKind !== 'int8') throw new EngineError(SqlState.invalidParameterValue, 'sequence type must be smallint, integer, or bigint');
    const increment = num('increment') ?? '1';
    const descending = increment.startsWith('-');
    const max = num('maxvalue') ?? (descending ? '-1' : SEQUENCE_MAX[typeKind]);
    const min = num('minvalue') ?? (descending ? `-${SEQUENCE_MAX[typeKind]}` : '1');
    if (increment === '0') throw new EngineError(SqlState.invalidParameterValue, 'INCREMENT must not be zero');
    const start = num('start') ?? (descending ? max : min);
    if (BigInt(start) < BigInt(min)) throw new EngineError(SqlState.invalidParameterValue, `START value (${start}) cannot be less than MINVALUE (${min})`);
    if (BigInt(start) > BigInt(max)) throw new EngineError(SqlState.invalidParameterValue, `START value (${start}) cannot be greater than MAXVALUE (${max})`);
    const oid = this.env.allocateOid();
    action.changes.push([oid, {
      kind: 'sequence', oid, name, namespace: ns.oid, owner: this.owner(), type: typeKind, start, increment, min, max,
      cache: Number(num('cache') ?? '1'), cycle: opts.has('cycle') && opts.get('cycle')?.Boolean?.boolval !== false, ownedBy: null,
    }]);
    return action;
  }
}

function qualified(catalog: CatalogSnapshot, seq: SequenceObject): string {
  const ns = catalog.get(seq.namespace);
  return ns === undefined || ns.name === 'public' ? seq.name : `${quoteIdent(ns.name)}.${quoteIdent(seq.name)}`;
}

function physicalIndexName(index: IndexObject): string {
  return engineIndexName(index.oid);
}
