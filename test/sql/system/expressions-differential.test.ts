/**
 * Stored expressions printed as PostgreSQL 15 prints its node trees (skipped when PostgreSQL
 * is not installed): a corpus of CHECK constraints, column defaults and view queries is created
 * in PostgreSQL and kept as SQL text in ScratchBird's catalog; pg_get_constraintdef,
 * pg_get_expr and pg_get_viewdef must print the same text, pretty and not.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogObject, TableObject, ViewObject } from '../../../src/sql/catalog/model.ts';
import { BOOTSTRAP_SUPERUSER, PUBLIC_NAMESPACE } from '../../../src/sql/catalog/model.ts';
import { CatalogSnapshot } from '../../../src/sql/catalog/snapshot.ts';
import { findPostgres, startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { catalogObjects, context } from './fixture.ts';
import { call, pgText, rowsOf } from './support.ts';

const found = findPostgres();
const missing = 'missing' in found ? found.missing : undefined;
if (missing !== undefined) console.warn(`Skipping the PostgreSQL differential expression tests: ${missing}.`);

const COLUMNS: [string, string, string][] = [
  ['i', 'int', 'int4'], ['b', 'bigint', 'int8'], ['s', 'smallint', 'int2'], ['n', 'numeric(10,2)', 'numeric(10,2)'], ['f', 'float8', 'float8'],
  ['r', 'real', 'float4'], ['t', 'text', 'text'], ['v', 'varchar(10)', 'varchar(10)'], ['c', 'char(3)', 'char(3)'], ['d', 'date', 'date'],
  ['ts', 'timestamp', 'timestamp'], ['tz', 'timestamptz', 'timestamptz'], ['bo', 'boolean', 'bool'], ['u', 'uuid', 'uuid'], ['j', 'jsonb', 'jsonb'],
  ['ar', 'int[]', 'int4[]'], ['ta', 'text[]', 'text[]'], ['iv', 'interval', 'interval'],
];

const CHECKS = [
  'i > 0', 'n > 0', 'n > 0.5', "v <> ''", "t <> ''", 'i between 1 and 10', "t in ('a','b')", 'i in (1,2,3)', 'b > 0', 'i > -1', 'f > 1.5',
  'length(t) < 5 and i is not null or bo', 'not bo', "c = 'abc'", "d > '2020-01-01'", 'i + b * 2 > s - 1', "t like 'a%'", 'lower(v) = v',
  'coalesce(i, 0) >= 0', 'case when i > 0 then true else false end', "t ~ '^x'", 'r > 0', 'ts < now()', 'i > 0 and i < 100 and b > 1',
  "i::text <> 'x'", '(i > 0) = true', 'i is null or i > 5', "t is distinct from 'z'", "v in ('a','b')", 'n >= 1e3', 'i % 2 = 0', '- i < 0',
  "t || 'x' <> v", 'i not in (1,2)', "t not like 'b%'", 'array_length(ar, 1) > 0', 'b > 3000000000', 'n > 99999999999999999999',
  "tz > '2020-01-01 00:00:00+00'", "u <> '00000000-0000-0000-0000-000000000000'", 'b in (1,2)', 'i is not distinct from 1', 's < i',
  's % i = 0', 'n > f', 'r > f', "coalesce(v, '') <> 'x'", 'd < ts', 'i::bigint > 1::bigint', 'now()::date > d', "j ? 'a'",
  "j->>'a' <> ''", 'upper(t) = t', "t = 'a' or t = 'b' and i > 0", "(t = 'a' or t = 'b') and i > 0", 'not (i > 0 and b > 0)', 'bo is true',
  'i * (b + 1) > 0', 'i - (b - 1) > 0', '(i - b) - 1 > 0', "ts > now() - interval '1 day'", 'case i when 1 then true when 2 then false end',
  'greatest(i, b) > 0', 'nullif(i, 0) > 0', "v like 'a%'", 'char_length(v) > 2', 'c <> t', '1.5 < n', 'i in (b, 2)', "t || i <> ''",
  '-n < 0', 'i > 0 is not false', 'ar[1] > 0', "t between 'a' and 'z'", 'i not between 1 and 2', "t ilike 'x' and t !~* 'y'",
  'd > current_date - 30', 'f > 1e10', "v = c", "c ~~ 'x'", 'abs(i) > round(1.5)', "c || v <> ''", 'i::numeric(5,2) > 1', "'1'::int > 0",
  'round(i) > 0', "iv > '1 hour'", "ta @> array['a']", "t = any (ta)", 'cardinality(ta) < 5', "date_trunc('day', tz) = tz", "j @> '{\"a\": 1}'",
  "substr(t, 1, 2) <> 'zz'", "replace(t, 'a', 'b') <> t", 'i between s and b', "coalesce(t, v, 'x') <> ''",
];

const DEFAULTS: [string, string][] = [
  ['numeric', '0'], ['numeric(10,2)', '1.5'], ['int', '1.5'], ['text', "'abc'"], ['timestamptz', 'current_timestamp'], ['date', 'current_date'],
  ['boolean', 'true'], ['int', 'null'], ['int[]', "'{}'"], ['uuid', 'gen_random_uuid()'], ['jsonb', "'{}'::jsonb"], ['bigint', '0'], ['int', '-1'],
  ['timestamp', 'now()'], ['timestamptz', "now() + '1 day'::interval"], ['varchar(10)', "'active'"], ['real', '1'], ['varchar(10)', "lower('X')"],
  ['text', "'it''s'"], ['float8', '2.5'], ['smallint', '3'], ['int', '2+3'], ['text[]', "array['a','b']"], ['char(2)', "'x'"],
  ['timestamp', 'localtimestamp'], ['interval', "'1 hour'"], ['bigint', '3000000000'], ['text', "'a' || 'b'"], ['numeric', '-2.5'],
  ['date', "'2020-01-01'"], ['jsonb', "'[1,2]'"], ['text', 'current_user::text'], ['bytea', "'\\x00'::bytea"], ['int', '(1)'], ['varchar', "'x'::text"],
  ['int', "length('abc')"], ['timestamptz', 'statement_timestamp()'], ['bigint', '1::bigint'], ['text', '1::text'], ['int', "'1'"],
  ['int', '(1+2)*3'], ['date', 'now()::date'], ['int', 'abs(-1)'], ['numeric', '1.50'], ['float8', "'1.50'"], ['bigint', '-5'],
  ['text', "current_setting('x')"], ['int', '-(-1)'], ['numeric', '1e3'], ['real', '1.5'], ['interval', "'1 day 2 hours'"],
  ['timestamptz', "'2020-01-01 10:00'"], ['time', "'10:00'"], ['bytea', "'ab'"], ['boolean', "'t'"], ['varchar(5)[]', "'{a}'"], ['numeric(5,2)', '12'],
  ['char', "'a'"], ['int', 'null::int'], ['text', "$$x$$ || 1"], ['timestamp', "'2021-03-04 05:06:07.5'"], ['uuid', "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'"],
];

const VIEWS = [
  'SELECT i, t FROM e WHERE i > 0',
  'SELECT * FROM e2',
  'SELECT e.i AS x, upper(v) FROM e JOIN e2 ON e2.k = e.i WHERE n > 10 ORDER BY 1 LIMIT 5',
  'SELECT t, count(*) FROM e GROUP BY t HAVING count(*) > 1',
  'SELECT DISTINCT c FROM e',
  'SELECT i FROM e ORDER BY i DESC NULLS LAST, t OFFSET 2',
  "SELECT e1.i, coalesce(e2.w, 'x') AS w FROM e e1 LEFT JOIN e2 ON e2.k = e1.i",
  'SELECT i + 1 AS j, b * 2 FROM e',
  'SELECT 1 AS one',
  'SELECT a.i FROM e a, e2 b WHERE a.i = b.k',
  'SELECT k, sum(i) AS total, avg(n), min(t), max(d) FROM e2 CROSS JOIN e GROUP BY k',
  'SELECT e.* , e2.w FROM e RIGHT JOIN e2 ON true',
  "SELECT i FROM e WHERE t IN ('a', 'b') AND v LIKE 'x%' OR bo",
  'SELECT count(DISTINCT t) AS n FROM e',
  'SELECT w FROM e2 ORDER BY w NULLS FIRST',
];

/** A table as ScratchBird's catalog keeps it, from the corpus' column list. */
function corpusTable(oid: number, name: string, columns: [string, string][], checks: string[]): TableObject {
  return {
    kind: 'table', oid, name, namespace: PUBLIC_NAMESPACE, owner: BOOTSTRAP_SUPERUSER, indexes: [], foreignKeys: [], partitionKey: null, replication: null, options: [],
    columns: columns.map(([column, type]) => ({ name: column, type, notNull: false, default: null, identity: null })),
    checks: checks.map((expr, i) => ({ oid: oid + 1 + i, name: `k${i + 1}`, expr })),
  };
}

describe.skipIf(missing !== undefined)('stored expressions print as PostgreSQL 15 prints them', () => {
  let server: PostgresServer;
  let client: pg.Client;

  beforeAll(async () => {
    server = await startPostgres();
    client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database, types: { getTypeParser: () => (text: string) => text } });
    await client.connect();
    await client.query(`SET TimeZone = 'UTC'`);
  });

  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  it('prints CHECK constraints as pg_get_constraintdef and pg_get_expr do', async () => {
    await client.query(`CREATE TABLE e (${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`);
    for (const [i, check] of CHECKS.entries()) await client.query(`ALTER TABLE e ADD CONSTRAINT k${i + 1} CHECK (${check})`);
    const { rows } = await client.query(`SELECT conname, pg_get_constraintdef(oid) AS plain, pg_get_constraintdef(oid, true) AS pretty, pg_get_expr(conbin, conrelid) AS expr
      FROM pg_constraint WHERE conrelid = 'e'::regclass ORDER BY substr(conname, 2)::int`);
    const table = corpusTable(20000, 'e', COLUMNS.map(([name, , ours]) => [name, ours]), CHECKS);
    const ctx = context({ catalog: CatalogSnapshot.of([...catalogObjects(), table], 1) });
    for (const [i, check] of table.checks.entries()) {
      const ours = { conname: check.name, plain: call(ctx, 'pg_get_constraintdef', check.oid), pretty: call(ctx, 'pg_get_constraintdef', check.oid, true), expr: call(ctx, 'pg_get_expr', `{CHECK :conoid ${check.oid}}`, table.oid) };
      expect(ours, CHECKS[i]).toEqual(rows[i]);
    }
  });

  it('prints column defaults as pg_get_expr does, and stores none for DEFAULT NULL', async () => {
    await client.query(`CREATE TABLE dd (${DEFAULTS.map(([type, expr], i) => `c${i} ${type} DEFAULT ${expr}`).join(', ')})`);
    const { rows } = await client.query(`SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) AS plain, pg_get_expr(d.adbin, d.adrelid, true) AS pretty
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = 'dd'::regclass AND a.attnum > 0 ORDER BY a.attnum`);
    const { rows: types } = await client.query(`SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'dd'::regclass AND attnum > 0 ORDER BY attnum`);
    const table: TableObject = {
      ...corpusTable(21000, 'dd', DEFAULTS.map((_, i) => [`c${i}`, types[i].type as string]), []),
      columns: DEFAULTS.map(([, expr], i) => ({ name: `c${i}`, type: types[i].type as string, notNull: false, default: expr, identity: null })),
    };
    const ctx = context({ catalog: CatalogSnapshot.of([...catalogObjects(), table], 1) });
    const stored = new Map(rowsOf(ctx, 'pg_catalog', 'pg_attrdef').filter((d) => d.adrelid === table.oid).map((d) => [d.adnum, d.adbin]));
    for (const [i, [type, expr]] of DEFAULTS.entries()) {
      const adbin = stored.get(i + 1);
      const ours = {
        attname: `c${i}`,
        plain: adbin === undefined ? null : pgText(call(ctx, 'pg_get_expr', adbin, table.oid)),
        pretty: adbin === undefined ? null : pgText(call(ctx, 'pg_get_expr', adbin, table.oid, true)),
      };
      expect(ours, `${type} DEFAULT ${expr}`).toEqual(rows[i]);
    }
  });

  it('prints views as pg_get_viewdef does', async () => {
    await client.query(`CREATE TABLE IF NOT EXISTS e (${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`);
    await client.query('CREATE TABLE e2 (k int, w text)');
    const objects: CatalogObject[] = [
      ...catalogObjects(),
      corpusTable(22000, 'e', COLUMNS.map(([name, , ours]) => [name, ours]), []),
      corpusTable(22100, 'e2', [['k', 'int4'], ['w', 'text']], []),
    ];
    for (const [i, query] of VIEWS.entries()) {
      await client.query(`CREATE VIEW v${i} AS ${query}`);
      const { rows: columns } = await client.query(`SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'v${i}'::regclass AND attnum > 0 ORDER BY attnum`);
      const view: ViewObject = {
        kind: 'view', oid: 23000 + i, name: `v${i}`, namespace: PUBLIC_NAMESPACE, owner: BOOTSTRAP_SUPERUSER, query,
        columns: columns.map((c) => ({ name: c.attname as string, type: c.type as string })),
      };
      objects.push(view);
    }
    const ctx = context({ catalog: CatalogSnapshot.of(objects, 1) });
    for (const [i, query] of VIEWS.entries()) {
      const { rows } = await client.query(`SELECT pg_get_viewdef('v${i}'::regclass) AS plain, pg_get_viewdef('v${i}'::regclass, true) AS pretty`);
      expect({ plain: call(ctx, 'pg_get_viewdef', 23000 + i), pretty: call(ctx, 'pg_get_viewdef', 23000 + i, true) }, query).toEqual(rows[0]);
    }
  });
});
