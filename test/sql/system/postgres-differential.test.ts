/**
 * ScratchBird's system catalogs against a real PostgreSQL 15 (skipped, saying why, when it is
 * not installed): the same schema is created there with DDL and here as SQL catalog objects
 * (fixture.ts); then the rows of pg_class, pg_attribute, pg_index, pg_constraint, pg_attrdef,
 * pg_type, the information_schema views and the catalog functions' output must be what
 * PostgreSQL gives, OIDs aside (compared through the names they lead to).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Value } from '../../../src/engine/types.ts';
import { sqlTypeOid } from '../../../src/sql/functions/type-info.ts';
import { BUILTIN_TYPES } from '../../../src/sql/system/builtin-types.ts';
import {
  formatType,
  regclassIn,
  regclassOut,
  regnamespaceIn,
  regnamespaceOut,
  regprocIn,
  regprocOut,
  regroleIn,
  regroleOut,
  regtypeIn,
  regtypeOut,
  systemRelations,
} from '../../../src/sql/system/index.ts';
import { typeModifier } from '../../../src/sql/types/oids.ts';
import { isColumnType } from '../../../src/sql/types/sql-type.ts';
import { findPostgres, startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { DDL, SALES, context } from './fixture.ts';
import { call, outcome, pgText, rowsOf, sorted, type TextRow } from './support.ts';

const found = findPostgres();
const missing = 'missing' in found ? found.missing : undefined;
if (missing !== undefined) console.warn(`Skipping the PostgreSQL differential catalog tests: ${missing}.`);

const USER_SCHEMAS = "('public', 'sales')";
const ctx = context();
const userNamespaces = new Set<Value>([2200, SALES]);
const regclass = (oid: Value) => regclassOut(oid as number, ctx);
const notNullName = (name: string | null) => name?.replace(/^\d+_\d+_(\d+)_not_null$/, 'not_null_$1') ?? null;

/** PostgreSQL types our system columns show as another type (src/sql/system/columns.ts). */
const STAND_INS: Record<string, string> = {
  xid: 'oid', 'aclitem[]': 'text[]', pg_node_tree: 'text', inet: 'text', pg_lsn: 'text', anyarray: 'text',
  'information_schema.sql_identifier': 'name', 'information_schema.character_data': 'character varying',
  'information_schema.cardinal_number': 'integer', 'information_schema.yes_or_no': 'character varying(3)',
  'information_schema.time_stamp': 'timestamp with time zone',
};

describe.skipIf(missing !== undefined)('system catalogs match PostgreSQL 15', () => {
  let server: PostgresServer;
  let client: pg.Client;

  beforeAll(async () => {
    server = await startPostgres();
    client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database, types: { getTypeParser: () => (text: string) => text } });
    await client.connect();
    await client.query(DDL);
  });

  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  async function query(sql: string, values: unknown[] = []): Promise<TextRow[]> {
    return (await client.query(sql, values)).rows as TextRow[];
  }

  async function postgresOutcome(sql: string, values: unknown[]): Promise<{ value: string | null } | { error: string }> {
    try {
      const { rows } = await client.query(sql, values);
      return { value: rows[0].v as string | null };
    } catch (error) {
      const { code, message } = error as { code: string; message: string };
      return { error: `${code}: ${message}` };
    }
  }

  const text = (row: Record<string, Value>): TextRow => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, pgText(v)]));
  const relname = (oid: Value) => rowsOf(ctx, 'pg_catalog', 'pg_class').find((c) => c.oid === oid)?.relname as string;

  it('has pg_class rows for every table, index, sequence and view', async () => {
    const theirs = await query(`
      SELECT c.relname, n.nspname, c.relkind, c.relnatts, c.relchecks, c.relhasindex, c.relhasrules, c.relhastriggers,
             c.relpersistence, c.relreplident, coalesce(am.amname, '') AS amname, c.relisshared, c.relispartition, c.relpages, c.reltuples, c.relispopulated
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_am am ON am.oid = c.relam
      WHERE n.nspname IN ${USER_SCHEMAS} ORDER BY c.relname`);
    const namespaces = new Map(rowsOf(ctx, 'pg_catalog', 'pg_namespace').map((n) => [n.oid, n.nspname]));
    const methods = new Map(rowsOf(ctx, 'pg_catalog', 'pg_am').map((a) => [a.oid, a.amname]));
    const ours = rowsOf(ctx, 'pg_catalog', 'pg_class')
      .filter((c) => userNamespaces.has(c.relnamespace))
      .map((c) => text({
        relname: c.relname, nspname: namespaces.get(c.relnamespace) ?? null, relkind: c.relkind, relnatts: c.relnatts, relchecks: c.relchecks,
        relhasindex: c.relhasindex, relhasrules: c.relhasrules, relhastriggers: c.relhastriggers, relpersistence: c.relpersistence,
        relreplident: c.relreplident, amname: methods.get(c.relam) ?? '', relisshared: c.relisshared, relispartition: c.relispartition,
        relpages: c.relpages, reltuples: c.reltuples, relispopulated: c.relispopulated,
      }))
      .sort((a, b) => (a.relname! < b.relname! ? -1 : 1));
    // PostgreSQL's empty indexes have a metapage; ScratchBird reports what the engine stores.
    const withoutIndexPages = (rows: TextRow[]) => rows.map((r) => (r.relkind === 'i' ? { ...r, relpages: null } : r));
    expect(withoutIndexPages(ours)).toEqual(withoutIndexPages(theirs));
  });

  it('has pg_class rows for the system relations with PostgreSQL\'s OIDs and columns', async () => {
    for (const { schema, name, oid, relation } of systemRelations()) {
      const theirs = await query(`SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 ORDER BY a.attnum`, [`${schema}.${name}`]);
      const ours = relation.columns.map((c) => ({ attname: c.name, type: formatType(sqlTypeOid(c.type), isColumnType(c.type) ? typeModifier(c.type) : -1) }));
      expect(ours.map((c) => c.attname), `${schema}.${name} columns`).toEqual(theirs.map((c) => c.attname));
      expect(ours.map((c) => c.type), `${schema}.${name} types`).toEqual(theirs.map((c) => STAND_INS[c.type!] ?? c.type));
      if (schema === 'pg_catalog') {
        const [{ oid: theirOid }] = await query(`SELECT $1::regclass::oid AS oid`, [`${schema}.${name}`]);
        expect(oid, name).toBe(Number(theirOid));
      }
    }
  });

  it('has the pg_attribute rows of every relation', async () => {
    const theirs = await query(`
      SELECT c.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, a.atthasdef, a.attidentity,
             a.attgenerated, a.attlen, a.attbyval, a.attalign, a.attstorage, a.attndims, a.attcollation, a.attisdropped, a.attislocal, a.attstattarget
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ${USER_SCHEMAS} AND a.attnum > 0 ORDER BY 1, 3`);
    const ours = rowsOf(ctx, 'pg_catalog', 'pg_attribute')
      .filter((a) => userNamespaces.has(rowsOf(ctx, 'pg_catalog', 'pg_class').find((c) => c.oid === a.attrelid)?.relnamespace ?? null))
      .map((a) => text({
        relname: relname(a.attrelid), attname: a.attname, attnum: a.attnum, type: call(ctx, 'format_type', a.atttypid, a.atttypmod),
        attnotnull: a.attnotnull, atthasdef: a.atthasdef, attidentity: a.attidentity, attgenerated: a.attgenerated, attlen: a.attlen,
        attbyval: a.attbyval, attalign: a.attalign, attstorage: a.attstorage, attndims: a.attndims, attcollation: a.attcollation,
        attisdropped: a.attisdropped, attislocal: a.attislocal, attstattarget: a.attstattarget,
      }));
    expect(sorted(ours)).toEqual(sorted(theirs));
  });

  it('has pg_index rows and pg_get_indexdef as PostgreSQL prints them', async () => {
    const theirs = await query(`
      SELECT i.indexrelid::regclass::text AS index, i.indrelid::regclass::text AS table, i.indnatts, i.indnkeyatts, i.indisunique, i.indisprimary,
             i.indisexclusion, i.indimmediate, i.indisclustered, i.indisvalid, i.indisready, i.indislive, i.indkey::text, i.indoption::text,
             i.indclass::text, i.indcollation::text, pg_get_indexdef(i.indexrelid) AS def, pg_get_indexdef(i.indexrelid, 1, true) AS col1,
             pg_get_indexdef(i.indexrelid, 2, false) AS col2
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ${USER_SCHEMAS}`);
    const ours = rowsOf(ctx, 'pg_catalog', 'pg_index').map((i) => text({
      index: regclass(i.indexrelid), table: regclass(i.indrelid), indnatts: i.indnatts, indnkeyatts: i.indnkeyatts, indisunique: i.indisunique,
      indisprimary: i.indisprimary, indisexclusion: i.indisexclusion, indimmediate: i.indimmediate, indisclustered: i.indisclustered,
      indisvalid: i.indisvalid, indisready: i.indisready, indislive: i.indislive, indkey: (i.indkey as number[]).join(' '),
      indoption: (i.indoption as number[]).join(' '), indclass: (i.indclass as number[]).join(' '), indcollation: (i.indcollation as number[]).join(' '),
      def: call(ctx, 'pg_get_indexdef', i.indexrelid), col1: call(ctx, 'pg_get_indexdef', i.indexrelid, 1, true), col2: call(ctx, 'pg_get_indexdef', i.indexrelid, 2, false),
    }));
    expect(sorted(ours)).toEqual(sorted(theirs));
  });

  it('has pg_constraint rows, and pg_get_constraintdef and pg_get_expr print them as PostgreSQL does', async () => {
    const theirs = await query(`
      SELECT conname, contype, conrelid::regclass::text AS rel, confrelid::regclass::text AS frel, conindid::regclass::text AS ind,
             conkey::text, confkey::text, confupdtype, confdeltype, confmatchtype, condeferrable, condeferred, convalidated, conislocal,
             coninhcount, connoinherit, conpfeqop::text, conppeqop::text, conffeqop::text, pg_get_constraintdef(oid) AS def,
             pg_get_constraintdef(oid, true) AS pretty, pg_get_expr(conbin, conrelid) AS expr, pg_get_expr(conbin, conrelid, true) AS pretty_expr
      FROM pg_constraint WHERE connamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ${USER_SCHEMAS})`);
    const ours = rowsOf(ctx, 'pg_catalog', 'pg_constraint').map((c) => text({
      conname: c.conname, contype: c.contype, rel: regclass(c.conrelid), frel: regclass(c.confrelid), ind: regclass(c.conindid),
      conkey: c.conkey, confkey: c.confkey, confupdtype: c.confupdtype, confdeltype: c.confdeltype, confmatchtype: c.confmatchtype,
      condeferrable: c.condeferrable, condeferred: c.condeferred, convalidated: c.convalidated, conislocal: c.conislocal,
      coninhcount: c.coninhcount, connoinherit: c.connoinherit, conpfeqop: c.conpfeqop, conppeqop: c.conppeqop, conffeqop: c.conffeqop,
      def: call(ctx, 'pg_get_constraintdef', c.oid), pretty: call(ctx, 'pg_get_constraintdef', c.oid, true),
      expr: c.conbin === null ? null : call(ctx, 'pg_get_expr', c.conbin, c.conrelid),
      pretty_expr: c.conbin === null ? null : call(ctx, 'pg_get_expr', c.conbin, c.conrelid, true),
    }));
    expect(sorted(ours)).toEqual(sorted(theirs));
  });

  it('prints column defaults as pg_get_expr does', async () => {
    const theirs = await query(`
      SELECT c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid) AS expr, pg_get_expr(d.adbin, d.adrelid, true) AS pretty
      FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ${USER_SCHEMAS}`);
    const attributes = rowsOf(ctx, 'pg_catalog', 'pg_attribute');
    const ours = rowsOf(ctx, 'pg_catalog', 'pg_attrdef').map((d) => text({
      relname: relname(d.adrelid), attname: attributes.find((a) => a.attrelid === d.adrelid && a.attnum === d.adnum)?.attname ?? null,
      expr: call(ctx, 'pg_get_expr', d.adbin, d.adrelid), pretty: call(ctx, 'pg_get_expr', d.adbin, d.adrelid, true),
    }));
    expect(sorted(ours)).toEqual(sorted(theirs));
  });

  it('prints views as pg_get_viewdef and pg_get_ruledef do', async () => {
    const theirs = await query(`
      SELECT c.relname, pg_get_viewdef(c.oid) AS def, pg_get_viewdef(c.oid, true) AS pretty, pg_get_viewdef(c.relname) AS by_name,
             (SELECT pg_get_ruledef(r.oid) FROM pg_rewrite r WHERE r.ev_class = c.oid) AS rule, v.definition
      FROM pg_class c JOIN pg_views v ON v.viewname = c.relname WHERE c.relkind = 'v' AND v.schemaname = 'public'`);
    const rules = rowsOf(ctx, 'pg_catalog', 'pg_rewrite');
    const definitions = rowsOf(ctx, 'pg_catalog', 'pg_views');
    const ours = rowsOf(ctx, 'pg_catalog', 'pg_class').filter((c) => c.relkind === 'v' && c.relnamespace === 2200).map((c) => text({
      relname: c.relname, def: call(ctx, 'pg_get_viewdef', c.oid), pretty: call(ctx, 'pg_get_viewdef', c.oid, true),
      by_name: call(ctx, 'pg_get_viewdef', c.relname), rule: call(ctx, 'pg_get_ruledef', rules.find((r) => r.ev_class === c.oid)?.oid ?? null),
      definition: definitions.find((v) => v.viewname === c.relname)?.definition ?? null,
    }));
    expect(sorted(ours)).toEqual(sorted(theirs));
  });

  it('has pg_sequence and pg_sequences rows', async () => {
    const theirs = await query(`SELECT s.seqrelid::regclass::text AS seq, s.seqtypid::regtype::text AS type, s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle FROM pg_sequence s`);
    const ours = rowsOf(ctx, 'pg_catalog', 'pg_sequence').map((s) => text({
      seq: regclass(s.seqrelid), type: regtypeOut(s.seqtypid as number), seqstart: s.seqstart, seqincrement: s.seqincrement,
      seqmax: s.seqmax, seqmin: s.seqmin, seqcache: s.seqcache, seqcycle: s.seqcycle,
    }));
    expect(sorted(ours)).toEqual(sorted(theirs));
    const theirViews = await query(`SELECT schemaname, sequencename, sequenceowner, data_type::text, start_value, min_value, max_value, increment_by, cycle, cache_size, last_value FROM pg_sequences`);
    const ourViews = rowsOf(ctx, 'pg_catalog', 'pg_sequences').map((s) => text({ ...s, data_type: regtypeOut(s.data_type as number) }));
    expect(sorted(ourViews)).toEqual(sorted(theirViews));
  });

  it('has pg_type rows for every built-in type', async () => {
    const oids = BUILTIN_TYPES.map((t) => t.oid);
    const columns = `oid, typname, typnamespace, typowner, typlen, typbyval, typtype, typcategory, typispreferred, typisdefined, typdelim, typrelid,
      typsubscript::text, typelem, typarray, typinput::text, typoutput::text, typreceive::text, typsend::text, typmodin::text, typmodout::text,
      typanalyze::text, typalign, typstorage, typnotnull, typbasetype, typtypmod, typndims, typcollation, typdefault`;
    const theirs = await query(`SELECT ${columns} FROM pg_type WHERE oid = ANY($1::oid[]) ORDER BY oid`, [oids]);
    const regprocColumns = ['typsubscript', 'typinput', 'typoutput', 'typreceive', 'typsend', 'typmodin', 'typmodout', 'typanalyze'];
    const names = columns.split(',').map((c) => c.trim().replace('::text', ''));
    const ours = rowsOf(ctx, 'pg_catalog', 'pg_type').map((t) => Object.fromEntries(names.map((n) => [n, regprocColumns.includes(n) ? regprocOut(t[n] as number) : pgText(t[n])])));
    expect(ours).toEqual(theirs);
  });

  it('has the information_schema rows of tables, columns, views and sequences', async () => {
    for (const view of ['tables', 'columns', 'views', 'sequences']) {
      const schemaColumn = view === 'sequences' ? 'sequence_schema' : 'table_schema';
      const theirs = await query(`SELECT * FROM information_schema.${view} WHERE ${schemaColumn} IN ${USER_SCHEMAS}`);
      const ours = rowsOf(ctx, 'information_schema', view).filter((r) => r[schemaColumn] === 'public' || r[schemaColumn] === 'sales').map(text);
      expect(sorted(ours), view).toEqual(sorted(theirs));
    }
  });

  it('has the information_schema rows of constraints', async () => {
    const views: [string, string][] = [
      ['table_constraints', 'constraint_schema'], ['check_constraints', 'constraint_schema'], ['key_column_usage', 'constraint_schema'],
      ['referential_constraints', 'constraint_schema'], ['constraint_column_usage', 'constraint_schema'],
    ];
    for (const [view, schemaColumn] of views) {
      const normalize = (row: TextRow) => ({ ...row, constraint_name: notNullName(row.constraint_name) });
      const theirs = (await query(`SELECT * FROM information_schema.${view} WHERE ${schemaColumn} IN ${USER_SCHEMAS}`)).map(normalize);
      const ours = rowsOf(ctx, 'information_schema', view).filter((r) => r[schemaColumn] === 'public' || r[schemaColumn] === 'sales').map((r) => normalize(text(r)));
      expect(sorted(ours), view).toEqual(sorted(theirs));
    }
  });

  it('has the information_schema rows of schemata and character sets', async () => {
    const theirs = await query(`SELECT * FROM information_schema.schemata WHERE schema_name <> 'pg_toast'`);
    // PostgreSQL 15's public schema belongs to pg_database_owner, a role ScratchBird does not have.
    const ownerless = (rows: TextRow[]) => rows.map((r) => (r.schema_name === 'public' ? { ...r, schema_owner: null } : r));
    expect(sorted(ownerless(rowsOf(ctx, 'information_schema', 'schemata').map(text)))).toEqual(sorted(ownerless(theirs)));
    expect(rowsOf(ctx, 'information_schema', 'character_sets').map(text)).toEqual(await query('SELECT * FROM information_schema.character_sets'));
  });

  it('formats every type with every kind of modifier as format_type does', async () => {
    const typmods = [null, -1, 0, 4, 5, 9, 14, 3, 6, 655366, 327686, 65536 * 1000 + 4 + 1000, ((1 << 2) << 16) | 0xffff, ((1 << 1) << 16) | 3, (0x7fff << 16) | 2, (((1 << 3) | (1 << 10) | (1 << 11) | (1 << 12)) << 16) | 0xffff];
    const intervalTypmods = [null, -1, ((1 << 2) << 16) | 0xffff, ((1 << 1) << 16) | 3, (0x7fff << 16) | 2, (((1 << 3) | (1 << 10) | (1 << 11) | (1 << 12)) << 16) | 0xffff];
    const intervals = [1186, 1187];
    const oids = [...BUILTIN_TYPES.map((t) => t.oid).filter((oid) => !intervals.includes(oid)), 99999];
    // PostgreSQL refuses interval modifiers that name no fields, so intervals get valid ones only.
    const theirs = [
      ...(await query(`SELECT o::oid AS oid, m AS typmod, format_type(o::oid, m) AS formatted FROM unnest($1::int8[]) o, unnest($2::int4[]) m`, [oids, typmods])),
      ...(await query(`SELECT o::oid AS oid, m AS typmod, format_type(o::oid, m) AS formatted FROM unnest($1::int8[]) o, unnest($2::int4[]) m`, [intervals, intervalTypmods])),
    ];
    const ours = theirs.map((r) => ({ oid: r.oid, typmod: r.typmod, formatted: pgText(call(ctx, 'format_type', Number(r.oid), r.typmod === null ? null : Number(r.typmod))) }));
    expect(ours).toEqual(theirs);
  });

  it('reads and prints reg* values as PostgreSQL does', async () => {
    const readers: Record<string, (text: string) => number> = {
      regclass: (text) => regclassIn(text, ctx), regtype: (text) => regtypeIn(text, ctx), regproc: (text) => regprocIn(text),
      regnamespace: (text) => regnamespaceIn(text, ctx), regrole: (text) => regroleIn(text, ctx),
    };
    const printers: Record<string, (oid: number) => string> = {
      regclass: (oid) => regclassOut(oid, ctx), regtype: (oid) => regtypeOut(oid), regproc: (oid) => regprocOut(oid),
      regnamespace: (oid) => regnamespaceOut(oid, ctx), regrole: (oid) => regroleOut(oid, ctx),
    };
    const inputs: Record<string, string[]> = {
      regclass: ['customers', 'public.customers', 'CUSTOMERS', '"customers"', ' customers ', 'sales.items', 'SALES."Region"', 'sales.region', '"Region"', 'pg_class',
        'pg_catalog.pg_class', 'information_schema.tables', 'customers_pkey', 'sales."Region_pkey"', 'nosuch', 'nosuch.t', 'a.b.c.d', 'x.public.customers',
        'postgres.public.customers', '', '"abc', 'a..b', '1259', '-', 'counter'],
      regtype: ['integer', 'int4', 'int', 'varchar(10)', 'character varying', 'text[]', '_int4', 'pg_catalog.int8', '"char"', 'char', 'character(3)', 'double precision',
        'timestamp(3) with time zone', 'timestamptz', 'bool', 'boolean', 'nosuch', 'public.int4', 'numeric(10,2)', 'name', 'regclass', 'json', 'jsonb[]', 'uuid',
        'interval', 'time', 'bytea', 'oidvector', 'int2vector', 'bpchar', 'decimal', 'float', 'real', '25', '-'],
      regproc: ['format_type', 'pg_catalog.format_type', 'has_table_privilege', 'nope', 'int4in', 'array_in', '-', '1081'],
      regnamespace: ['public', 'sales', 'PUBLIC', 'nope', 'a.b', '11'],
      regrole: ['postgres', 'nope', 'x.y'],
    };
    for (const [type, texts] of Object.entries(inputs)) {
      for (const input of texts) {
        const theirs = await postgresOutcome(`SELECT $1::${type}::text AS v`, [input]);
        expect(outcome(() => printers[type](readers[type](input))), `'${input}'::${type}`).toEqual(theirs);
      }
      const [printed] = await query(`SELECT 0::oid::${type}::text AS zero, 999999::oid::${type}::text AS unknown`);
      expect({ zero: printers[type](0), unknown: printers[type](999999) }, type).toEqual(printed);
    }
  });

  it('answers the catalog functions tools call as PostgreSQL does', async () => {
    const customers = regclassIn('customers', ctx);
    const probes: [string, unknown[], () => Value][] = [
      ['SELECT pg_get_userbyid(10)::text AS v', [], () => call(ctx, 'pg_get_userbyid', 10)],
      ['SELECT pg_get_userbyid(12345)::text AS v', [], () => call(ctx, 'pg_get_userbyid', 12345)],
      ['SELECT pg_encoding_to_char(6)::text AS v', [], () => call(ctx, 'pg_encoding_to_char', 6)],
      ['SELECT pg_encoding_to_char(99)::text AS v', [], () => call(ctx, 'pg_encoding_to_char', 99)],
      ["SELECT pg_char_to_encoding('utf8')::text AS v", [], () => call(ctx, 'pg_char_to_encoding', 'utf8')],
      ["SELECT pg_get_serial_sequence('customers', 'id') AS v", [], () => call(ctx, 'pg_get_serial_sequence', 'customers', 'id')],
      ["SELECT pg_get_serial_sequence('public.orders', 'id') AS v", [], () => call(ctx, 'pg_get_serial_sequence', 'public.orders', 'id')],
      ["SELECT pg_get_serial_sequence('customers', 'name') AS v", [], () => call(ctx, 'pg_get_serial_sequence', 'customers', 'name')],
      ["SELECT pg_get_serial_sequence('customers', 'nope') AS v", [], () => call(ctx, 'pg_get_serial_sequence', 'customers', 'nope')],
      ["SELECT pg_get_serial_sequence('nosuch', 'id') AS v", [], () => call(ctx, 'pg_get_serial_sequence', 'nosuch', 'id')],
      ["SELECT obj_description('customers'::regclass, 'pg_class') AS v", [], () => call(ctx, 'obj_description', customers, 'pg_class')],
      ["SELECT obj_description('customers'::regclass) AS v", [], () => call(ctx, 'obj_description', customers)],
      ["SELECT col_description('customers'::regclass, 3) AS v", [], () => call(ctx, 'col_description', customers, 3)],
      ["SELECT col_description('customers'::regclass, 2) AS v", [], () => call(ctx, 'col_description', customers, 2)],
      ["SELECT obj_description('public'::regnamespace, 'pg_namespace') AS v", [], () => call(ctx, 'obj_description', 2200, 'pg_namespace')],
      ["SELECT shobj_description(5, 'pg_database') AS v", [], () => call(ctx, 'shobj_description', 5, 'pg_database')],
      ["SELECT has_table_privilege('customers', 'select, INSERT WITH GRANT OPTION') AS v", [], () => call(ctx, 'has_table_privilege', 'customers', 'select, INSERT WITH GRANT OPTION')],
      ["SELECT has_table_privilege('postgres', 'customers', 'delete') AS v", [], () => call(ctx, 'has_table_privilege', 'postgres', 'customers', 'delete')],
      ["SELECT has_table_privilege('customers', 'selec') AS v", [], () => call(ctx, 'has_table_privilege', 'customers', 'selec')],
      ["SELECT has_table_privilege('nobody', 'customers', 'select') AS v", [], () => call(ctx, 'has_table_privilege', 'nobody', 'customers', 'select')],
      ["SELECT has_table_privilege('nosuch', 'select') AS v", [], () => call(ctx, 'has_table_privilege', 'nosuch', 'select')],
      ["SELECT has_table_privilege(999999::oid, 'select') AS v", [], () => call(ctx, 'has_table_privilege', 999999, 'select')],
      ["SELECT has_schema_privilege('public', 'usage, create') AS v", [], () => call(ctx, 'has_schema_privilege', 'public', 'usage, create')],
      ["SELECT has_schema_privilege('nope', 'usage') AS v", [], () => call(ctx, 'has_schema_privilege', 'nope', 'usage')],
      ["SELECT has_database_privilege('postgres', 'connect, temp') AS v", [], () => call(ctx, 'has_database_privilege', 'postgres', 'connect, temp')],
      ["SELECT has_sequence_privilege('counter', 'usage') AS v", [], () => call(ctx, 'has_sequence_privilege', 'counter', 'usage')],
      ["SELECT has_sequence_privilege('customers', 'usage') AS v", [], () => call(ctx, 'has_sequence_privilege', 'customers', 'usage')],
      ["SELECT pg_table_is_visible('customers'::regclass) AS v", [], () => call(ctx, 'pg_table_is_visible', customers)],
      ["SELECT pg_table_is_visible('sales.items'::regclass) AS v", [], () => call(ctx, 'pg_table_is_visible', regclassIn('sales.items', ctx))],
      ["SELECT pg_table_is_visible('pg_class'::regclass) AS v", [], () => call(ctx, 'pg_table_is_visible', 1259)],
      ['SELECT pg_table_is_visible(999999) AS v', [], () => call(ctx, 'pg_table_is_visible', 999999)],
      ['SELECT pg_type_is_visible(23) AS v', [], () => call(ctx, 'pg_type_is_visible', 23)],
      ['SELECT pg_function_is_visible(1081) AS v', [], () => call(ctx, 'pg_function_is_visible', 1081)],
      ['SELECT current_schemas(false)::text AS v', [], () => call(ctx, 'current_schemas', false)],
      ['SELECT current_schemas(true)::text AS v', [], () => call(ctx, 'current_schemas', true)],
      ['SELECT current_schema()::text AS v', [], () => call(ctx, 'current_schema')],
      ['SELECT current_database()::text AS v', [], () => call(ctx, 'current_database')],
      ["SELECT current_setting('work_mem') AS v", [], () => call(ctx, 'current_setting', 'work_mem')],
      ["SELECT current_setting('nope.nope', true) AS v", [], () => call(ctx, 'current_setting', 'nope.nope', true)],
      ["SELECT current_setting('nope') AS v", [], () => call(ctx, 'current_setting', 'nope')],
      ["SELECT to_regclass('nosuch')::text AS v", [], () => call(ctx, 'to_regclass', 'nosuch')],
      ["SELECT to_regclass('customers')::text AS v", [], () => regclassOut(call(ctx, 'to_regclass', 'customers') as number, ctx)],
      ["SELECT to_regtype('nosuch')::text AS v", [], () => call(ctx, 'to_regtype', 'nosuch')],
      ["SELECT to_regproc('nosuch')::text AS v", [], () => call(ctx, 'to_regproc', 'nosuch')],
      ["SELECT pg_get_function_arguments('format_type'::regproc) AS v", [], () => call(ctx, 'pg_get_function_arguments', 1081)],
      ["SELECT pg_get_function_result('format_type'::regproc) AS v", [], () => call(ctx, 'pg_get_function_result', 1081)],
      ['SELECT pg_get_expr(adbin, 999999) AS v FROM pg_attrdef LIMIT 1', [], () => call(ctx, 'pg_get_expr', rowsOf(ctx, 'pg_catalog', 'pg_attrdef')[0].adbin, 999999)],
      ["SELECT pg_get_expr(adbin, 0) AS v FROM pg_attrdef WHERE adrelid = 'customers'::regclass AND adnum = 1", [], () => call(ctx, 'pg_get_expr', rowsOf(ctx, 'pg_catalog', 'pg_attrdef')[0].adbin, 0)],
      ["SELECT count(*)::text AS v FROM pg_partition_ancestors('customers')", [], () => String((call(ctx, 'pg_partition_ancestors', customers) as Value[]).length)],
      ["SELECT pg_relation_is_publishable('customers') AS v", [], () => call(ctx, 'pg_relation_is_publishable', customers)],
      ['SELECT pg_tablespace_location(1663) AS v', [], () => call(ctx, 'pg_tablespace_location', 1663)],
      ["SELECT pg_database_size('nope')::text AS v", [], () => call(ctx, 'pg_database_size', 'nope')],
    ];
    for (const [sql, values, ours] of probes) {
      expect(outcome(ours), sql).toEqual(await postgresOutcome(sql, values));
    }
  });

  it('prints sizes as pg_size_pretty does', async () => {
    const sizes = [0n, 1n, 10239n, 10240n, 10752n, 20971519n, 20971520n, 1n << 40n, 1n << 50n, 9223372036854775807n, -10239n, -10240n, -10752n, -20971521n, -9223372036854775807n];
    for (const size of sizes) {
      const [theirs] = await query('SELECT pg_size_pretty($1::int8) AS v', [size.toString()]);
      expect(pgText(call(ctx, 'pg_size_pretty', size)), String(size)).toBe(theirs.v);
    }
    for (const size of ['1234.5', '-5.25', '0', '10240.9', '123456789012345678901234', '-123456789012345678901234.5']) {
      const [theirs] = await query('SELECT pg_size_pretty($1::numeric) AS v', [size]);
      expect(pgText(call(ctx, 'pg_size_pretty', size)), size).toBe(theirs.v);
    }
  });
});
