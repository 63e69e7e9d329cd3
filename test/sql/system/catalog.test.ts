/**
 * What the system catalogs show of the session and the server, and the rules PostgreSQL
 * applies that depend on them: the database name, search path visibility, privileges of
 * ordinary roles, statistics, sizes, settings and sessions; plus invariants of every relation.
 */
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../src/engine/types.ts';
import type { CatalogObject, RoleObject, TableObject } from '../../../src/sql/catalog/model.ts';
import { BOOTSTRAP_SUPERUSER, PUBLIC_NAMESPACE } from '../../../src/sql/catalog/model.ts';
import { CatalogSnapshot } from '../../../src/sql/catalog/snapshot.ts';
import { catalogFunctions, catalogNames, regclassIn, regclassOut, systemRelations } from '../../../src/sql/system/index.ts';
import type { SqlType } from '../../../src/sql/types/sql-type.ts';
import { OID, SALES, catalogObjects, context } from './fixture.ts';
import { call, rowsOf } from './support.ts';

const APP_ROLE: RoleObject = {
  kind: 'role', oid: 16800, name: 'app', owner: BOOTSTRAP_SUPERUSER, superuser: false, login: true, createDb: false, createRole: false,
  inherit: true, replication: false, bypassRls: false, connectionLimit: -1, password: 'SCRAM-SHA-256$4096:c2FsdA==$a:b', validUntil: null,
  comment: 'the application',
};
const GROUP_ROLE: RoleObject = { ...APP_ROLE, oid: 16801, name: 'readers', login: false, password: null, comment: undefined };

function appTable(oid: number, name: string, namespace: number): TableObject {
  return {
    kind: 'table', oid, name, namespace, owner: APP_ROLE.oid, columns: [{ name: 'x', type: 'int4', notNull: false, default: 'NULL', identity: null }],
    indexes: [], checks: [], foreignKeys: [], partitionKey: null, replication: null, options: ['fillfactor=70'],
  };
}

function catalogWith(...extra: CatalogObject[]): CatalogSnapshot {
  return CatalogSnapshot.of([...catalogObjects(), ...extra], 1);
}

/** Whether a value is what the engine and wire layer expect for a column of this type. */
function fits(type: SqlType, value: Value): boolean {
  if (value === null) return true;
  switch (type.kind) {
    case 'oid': case 'regclass': case 'regtype': case 'regproc': case 'regnamespace': case 'regrole':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
    case 'int2': case 'int4':
      return typeof value === 'number' && Number.isInteger(value);
    case 'int8': case 'timestamptz':
      return typeof value === 'bigint';
    case 'float4':
      return typeof value === 'number';
    case 'bool':
      return typeof value === 'boolean';
    case 'name': case 'text': case 'varchar':
      return typeof value === 'string';
    case 'char1':
      return typeof value === 'string' && value.length <= 1;
    case 'int2vector': case 'oidvector':
      return Array.isArray(value) && value.every((v) => typeof v === 'number');
    case 'array':
      return Array.isArray(value) && value.every((v) => fits(type.element, v as Value));
    default:
      return false;
  }
}

describe('system relations', () => {
  it('give every value the type of its column', () => {
    const ctx = context({
      catalog: catalogWith(APP_ROLE, appTable(16900, 'mine', PUBLIC_NAMESPACE)),
      sessions: () => [{ pid: 7, user: 'app', application: 'psql', clientAddr: '10.0.0.1', clientPort: 4000, backendStart: 1n, xactStart: 2n, queryStart: 3n, state: 'active', query: 'SELECT 1' }],
      tableStats: () => ({ liveRows: 3, lastSweep: 5n }),
      sequenceLastValue: () => 9n,
    });
    for (const { schema, name, relation } of systemRelations()) {
      for (const row of relation.rows(ctx)) {
        relation.columns.forEach((column, i) => expect(fits(column.type, row[i]), `${schema}.${name}.${column.name} = ${String(row[i])}`).toBe(true));
      }
    }
  });

  it('name the one database as the session does', () => {
    const ctx = context({ database: 'shop' });
    expect(rowsOf(ctx, 'pg_catalog', 'pg_database').map((d) => [d.oid, d.datname])).toEqual([[5, 'shop']]);
    expect(call(ctx, 'current_database')).toBe('shop');
    expect(call(ctx, 'pg_database_size', 'shop')).toBe(0n);
    expect(() => call(ctx, 'pg_database_size', 'postgres')).toThrow(expect.objectContaining({ code: '3D000', message: 'database "postgres" does not exist' }));
    expect(rowsOf(ctx, 'information_schema', 'tables').every((t) => t.table_catalog === 'shop')).toBe(true);
  });

  it('qualify names the search path does not reach, and resolve $user', () => {
    const shadow = appTable(16901, 'customers', SALES);
    const ctx = context({ catalog: catalogWith(APP_ROLE, shadow) });
    expect(regclassOut(shadow.oid, ctx)).toBe('sales.customers');
    expect(regclassOut(OID.customers, ctx)).toBe('customers');
    expect(call(ctx, 'pg_table_is_visible', shadow.oid)).toBe(false);
    const salesFirst = context({ catalog: ctx.catalog, searchPath: ['sales', 'public'] });
    expect(regclassIn('customers', salesFirst)).toBe(shadow.oid);
    expect(regclassOut(OID.customers, salesFirst)).toBe('public.customers');
    expect(call(salesFirst, 'pg_table_is_visible', OID.customers)).toBe(false);
    const userSchema = context({ catalog: catalogWith({ kind: 'namespace', oid: 16950, name: 'postgres', owner: BOOTSTRAP_SUPERUSER }), searchPath: ['$user', 'public'] });
    expect(call(userSchema, 'current_schema')).toBe('postgres');
    expect(call(userSchema, 'current_schemas', false)).toEqual(['postgres', 'public']);
    const nowhere = context({ searchPath: ['nosuch'] });
    expect(call(nowhere, 'current_schema')).toBeNull();
    expect(call(nowhere, 'current_schemas', true)).toEqual(['pg_catalog']);
    expect(call(context({ searchPath: ['public', 'pg_catalog'] }), 'current_schemas', false)).toEqual(['public', 'pg_catalog']);
    expect(regclassIn('pg_class', context({ searchPath: [] }))).toBe(1259);
  });

  it('show an ordinary role its own objects and the system catalogs only', () => {
    const ctx = context({ catalog: catalogWith(APP_ROLE, appTable(16902, 'mine', PUBLIC_NAMESPACE)), currentUser: 'app' });
    const tables = rowsOf(ctx, 'information_schema', 'tables').filter((t) => t.table_schema === 'public' || t.table_schema === 'sales');
    expect(tables.map((t) => t.table_name)).toEqual(['mine']);
    expect(rowsOf(ctx, 'information_schema', 'tables').some((t) => t.table_name === 'pg_class')).toBe(true);
    expect(rowsOf(ctx, 'information_schema', 'table_constraints')).toEqual([]);
    expect(call(ctx, 'has_table_privilege', 'mine', 'insert, delete')).toBe(true);
    expect(call(ctx, 'has_table_privilege', 'customers', 'select')).toBe(false);
    expect(call(ctx, 'has_table_privilege', 'pg_class', 'select')).toBe(true);
    expect(call(ctx, 'has_table_privilege', 'pg_class', 'update')).toBe(false);
    expect(call(ctx, 'has_schema_privilege', 'public', 'usage')).toBe(true);
    expect(call(ctx, 'has_schema_privilege', 'public', 'create')).toBe(false);
    expect(call(ctx, 'has_schema_privilege', 'sales', 'usage')).toBe(false);
    expect(call(ctx, 'has_database_privilege', 'postgres', 'connect, temporary')).toBe(true);
    expect(call(ctx, 'has_database_privilege', 'postgres', 'create')).toBe(false);
    expect(call(ctx, 'has_table_privilege', 'postgres', 'customers', 'truncate')).toBe(true);
    expect(call(ctx, 'has_table_privilege', 99999, 'customers', 'select')).toBeNull();
  });

  it('show roles with masked passwords, and login roles as users', () => {
    const ctx = context({ catalog: catalogWith(APP_ROLE, GROUP_ROLE) });
    expect(rowsOf(ctx, 'pg_catalog', 'pg_roles').map((r) => [r.rolname, r.rolpassword, r.rolcanlogin])).toEqual([['postgres', null, true], ['app', '********', true], ['readers', null, false]]);
    expect(rowsOf(ctx, 'pg_catalog', 'pg_user').map((u) => u.usename)).toEqual(['postgres', 'app']);
    expect(rowsOf(ctx, 'pg_catalog', 'pg_authid').find((r) => r.rolname === 'app')?.rolpassword).toBe(APP_ROLE.password);
    expect(call(ctx, 'shobj_description', APP_ROLE.oid, 'pg_authid')).toBe('the application');
    expect(call(ctx, 'pg_get_userbyid', APP_ROLE.oid)).toBe('app');
  });

  it('report the statistics and sizes the server gives', () => {
    const sizes = new Map([[OID.customers, 81920], [16402, 16384], [16404, 8192], [16406, 8192]]);
    const ctx = context({
      tableStats: (oid) => (oid === OID.customers ? { liveRows: 42, deadRows: 3, inserted: 50, updated: 7, deleted: 8, seqScans: 2, indexScans: 5, lastSweep: 1000n, sweeps: 1 } : undefined),
      relationSize: (oid) => sizes.get(oid) ?? 0,
      databaseSize: () => 7_340_032,
    });
    const stats = rowsOf(ctx, 'pg_catalog', 'pg_stat_user_tables').find((s) => s.relname === 'customers')!;
    expect([stats.n_live_tup, stats.n_dead_tup, stats.n_tup_ins, stats.n_tup_upd, stats.n_tup_del, stats.seq_scan, stats.idx_scan, stats.last_vacuum, stats.vacuum_count]).toEqual([42n, 3n, 50n, 7n, 8n, 2n, 5n, 1000n, 1n]);
    expect(rowsOf(ctx, 'pg_catalog', 'pg_stat_user_tables').find((s) => s.relname === 'items')?.idx_scan).toBeNull();
    const pgClass = rowsOf(ctx, 'pg_catalog', 'pg_class').find((c) => c.oid === OID.customers)!;
    // relpages is VACUUM's statistic, not measured on each read.
    expect([pgClass.reltuples, pgClass.relpages]).toEqual([42, 0]);
    expect(rowsOf(ctx, 'pg_catalog', 'pg_class').find((c) => c.oid === OID.orders)?.reltuples).toBe(-1);
    expect(call(ctx, 'pg_relation_size', OID.customers)).toBe(81920n);
    expect(call(ctx, 'pg_relation_size', OID.customers, 'fsm')).toBe(0n);
    expect(() => call(ctx, 'pg_relation_size', OID.customers, 'nope')).toThrow(expect.objectContaining({ code: '22023', message: 'invalid fork name' }));
    expect(call(ctx, 'pg_indexes_size', OID.customers)).toBe(32768n);
    expect(call(ctx, 'pg_total_relation_size', OID.customers)).toBe(114688n);
    expect(call(ctx, 'pg_table_size', OID.customers)).toBe(81920n);
    expect(call(ctx, 'pg_relation_size', OID.counter)).toBe(8192n);
    expect(call(ctx, 'pg_relation_size', 99999)).toBeNull();
    expect(call(ctx, 'pg_database_size', 5)).toBe(7_340_032n);
    expect(call(ctx, 'pg_size_pretty', 114688n)).toBe('112 kB');
  });

  it('show sessions, settings and sequence values', () => {
    const changes: unknown[] = [];
    const ctx = context({
      catalog: catalogWith(APP_ROLE),
      sessions: () => [
        { pid: 7, user: 'app', application: 'psql', clientAddr: '10.0.0.1', clientPort: 4000, backendStart: 1n, xactStart: 2n, queryStart: 3n, state: 'active', query: 'SELECT 1' },
        { pid: 8, user: 'postgres', application: '', clientAddr: null, backendStart: 1n, xactStart: null, queryStart: null, state: 'idle', query: '' },
      ],
      sequenceLastValue: (oid) => (oid === OID.counter ? 11n : null),
      setConfig: (name, value, isLocal) => {
        changes.push([name, value, isLocal]);
        return value ?? 'default';
      },
    });
    const activity = rowsOf(ctx, 'pg_catalog', 'pg_stat_activity');
    expect(activity.map((a) => [a.pid, a.usename, a.usesysid, a.datname, a.client_addr, a.client_port, a.state, a.backend_type])).toEqual([
      [7, 'app', APP_ROLE.oid, 'postgres', '10.0.0.1', 4000, 'active', 'client backend'],
      [8, 'postgres', 10, 'postgres', null, -1, 'idle', 'client backend'],
    ]);
    expect(rowsOf(ctx, 'pg_catalog', 'pg_settings').map((s) => [s.name, s.setting, s.unit, s.min_val])).toEqual([['TimeZone', 'UTC', null, null], ['work_mem', '4096', 'kB', '64']]);
    expect(call(ctx, 'current_setting', 'WORK_MEM')).toBe('4MB');
    expect(call(ctx, 'set_config', 'work_mem', '8MB', false)).toBe('8MB');
    expect(call(ctx, 'set_config', 'work_mem', null, null)).toBe('default');
    expect(changes).toEqual([['work_mem', '8MB', false], ['work_mem', null, false]]);
    expect(() => call(ctx, 'set_config', null, 'x', false)).toThrow(expect.objectContaining({ code: '22004' }));
    expect(rowsOf(ctx, 'pg_catalog', 'pg_sequences').map((s) => [s.sequencename, s.last_value])).toEqual([['customers_id_seq', null], ['orders_id_seq', null], ['counter', 11n]]);
    expect(call(ctx, 'version')).toMatch(/^PostgreSQL 15\.0 \(ScratchBird\) on .*, 64-bit$/);
    expect([call(ctx, 'pg_backend_pid'), call(ctx, 'inet_server_port'), call(ctx, 'txid_current'), call(ctx, 'pg_is_in_recovery')]).toEqual([4242, 5432, 1n, false]);
  });

  it('keep no default for DEFAULT NULL and print what they cannot analyze as written', () => {
    const table = appTable(16903, 'odd', PUBLIC_NAMESPACE);
    const odd: TableObject = {
      ...table,
      columns: [...table.columns, { name: 'y', type: 'int4', notNull: false, default: 'my_function(x) + 1', identity: null }],
      checks: [{ oid: 16904, name: 'odd_check', expr: 'x > (SELECT 1)' }],
    };
    const ctx = context({ catalog: catalogWith(APP_ROLE, odd) });
    expect(rowsOf(ctx, 'pg_catalog', 'pg_attribute').filter((a) => a.attrelid === odd.oid).map((a) => [a.attname, a.atthasdef])).toEqual([['x', false], ['y', true]]);
    const [attrdef] = rowsOf(ctx, 'pg_catalog', 'pg_attrdef').filter((d) => d.adrelid === odd.oid);
    expect(call(ctx, 'pg_get_expr', attrdef.adbin, odd.oid)).toBe('my_function(x) + 1');
    expect(call(ctx, 'pg_get_constraintdef', 16904)).toBe('CHECK (x > (SELECT 1))');
    expect(rowsOf(ctx, 'pg_catalog', 'pg_class').find((c) => c.oid === odd.oid)?.reloptions).toEqual(['fillfactor=70']);
  });

  it('record which sequences belong to serial and identity columns', () => {
    const ctx = context();
    const depend = rowsOf(ctx, 'pg_catalog', 'pg_depend').filter((d) => d.refobjsubid !== 0);
    expect(depend.map((d) => [regclassOut(d.objid as number, ctx), regclassOut(d.refobjid as number, ctx), d.refobjsubid, d.deptype])).toEqual([
      ['customers_id_seq', 'customers', 1, 'a'],
      ['orders_id_seq', 'orders', 1, 'i'],
    ]);
  });
});

describe('catalog functions', () => {
  it('each have a unique pg_proc row, so regproc and pg_proc agree', () => {
    const ctx = context();
    const procs = rowsOf(ctx, 'pg_catalog', 'pg_proc');
    const oids = procs.map((p) => p.oid);
    expect(new Set(oids).size).toBe(oids.length);
    for (const fn of catalogFunctions()) {
      const row = procs.find((p) => p.oid === fn.oid);
      expect([row?.proname, row?.pronargs, row?.proretset, row?.proisstrict], fn.name).toEqual([fn.name, fn.argTypes.length, fn.returnsSet, fn.strict]);
    }
  });

  it('return NULL for NULL arguments when strict', () => {
    const ctx = context();
    for (const fn of catalogFunctions()) {
      if (!fn.strict || fn.argTypes.length === 0) continue;
      const result = fn.impl(fn.argTypes.map(() => null), ctx);
      expect(fn.returnsSet ? [...(result as Iterable<Value>)] : result, fn.name).toEqual(fn.returnsSet ? [] : null);
    }
    expect(call(ctx, 'format_type', 23, null)).toBe('integer');
    expect(call(ctx, 'format_type', null, 4)).toBeNull();
  });

  it('give the function library the names reg* casts print and read', () => {
    const ctx = context();
    const names = catalogNames(ctx);
    expect(names.relationOid(['sales', 'items'])).toBe(OID.items);
    expect(names.relationOid(['nosuch', 'items'])).toBeUndefined();
    expect(names.relationName(OID.region)).toBe('sales."Region"');
    expect(names.typeOid(['pg_catalog', 'int4'])).toBe(23);
    expect(names.typeName(1043)).toBe('character varying');
    expect(names.functionOid(['format_type'])).toBe(1081);
    expect(names.functionOid(['nosuch'])).toBeUndefined();
    expect(() => names.functionOid(['has_table_privilege'])).toThrow(expect.objectContaining({ code: '42725' }));
    expect(names.functionName(1081)).toBe('format_type');
    expect([names.namespaceOid('sales'), names.namespaceName(SALES), names.roleOid('postgres'), names.roleName(10)]).toEqual([SALES, 'sales', 10, 'postgres']);
  });
});
