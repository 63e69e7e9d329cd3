/**
 * Catalog facts a PostgreSQL user checks, through the whole stack: relation and database sizes
 * measured from the shards' storage, PostgreSQL 15's predefined roles (the public schema owned
 * by pg_database_owner), COMMENT ON indexes, sequences, views, schemas, roles and constraints,
 * pg_cast and pg_operator as psql's \dC and \do print them, and EXPLAIN of a statement with
 * parameters over the extended protocol. Where PostgreSQL 15 is installed, the same statements
 * run against it and the outputs are compared.
 */
import pg from 'pg';
import postgresJs from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineTableName } from '../../src/sql/catalog/physical.ts';
import { findPostgres, startPostgres, type PostgresServer } from '../support/postgres.ts';
import { psql, psqlMissing } from '../support/psql.ts';
import { startTestServer, type TestServer } from './harness.ts';

const found = findPostgres();
const missing = 'missing' in found ? found.missing : psqlMissing();

const SCHEMA = `
  CREATE SCHEMA app;
  CREATE TABLE items (id int PRIMARY KEY, name text, qty int CONSTRAINT qty_positive CHECK (qty > 0), code varchar(8) UNIQUE);
  CREATE INDEX items_name_idx ON items (name);
  CREATE VIEW item_names AS SELECT id, name FROM items;
  CREATE SEQUENCE app.tickets;
  CREATE TABLE empty_one (a int);
`;

const COMMENTS = `
  COMMENT ON INDEX items_name_idx IS 'find items by name';
  COMMENT ON INDEX items_pkey IS 'the key index';
  COMMENT ON CONSTRAINT items_pkey ON items IS 'the key';
  COMMENT ON CONSTRAINT qty_positive ON items IS 'no empty lines';
  COMMENT ON SEQUENCE app.tickets IS 'ticket numbers';
  COMMENT ON VIEW item_names IS 'names only';
  COMMENT ON SCHEMA app IS 'the application';
  COMMENT ON ROLE postgres IS 'the administrator';
`;

/** Statements that fail, with PostgreSQL 15's SQLSTATE. */
const FAILING: readonly (readonly [string, string])[] = [
  ["COMMENT ON TABLE item_names IS 'x'", '42809'],
  ["COMMENT ON VIEW items IS 'x'", '42809'],
  ["COMMENT ON INDEX items IS 'x'", '42809'],
  ["COMMENT ON SEQUENCE items_name_idx IS 'x'", '42809'],
  ["COMMENT ON INDEX no_such_index IS 'x'", '42P01'],
  ["COMMENT ON CONSTRAINT no_such ON items IS 'x'", '42704'],
  ["COMMENT ON CONSTRAINT qty_positive ON no_such_table IS 'x'", '42P01'],
  ["COMMENT ON ROLE no_such_role IS 'x'", '42704'],
  ["COMMENT ON SCHEMA no_such_schema IS 'x'", '3F000'],
  ['CREATE ROLE pg_helper', '42939'],
  ['ALTER ROLE pg_monitor LOGIN', '42939'],
  ['DROP ROLE pg_database_owner', '2BP01'],
];


/** A psql table's data lines with the padding collapsed (widths follow the values listed). */
function dataLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('|') && !/^\s*Schema\s*\||Source type/.test(line))
    .map((line) => line.replace(/ {2,}/g, ' ').trim());
}

async function code(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

let server: TestServer;
let ours: pg.Client;
let postgres: PostgresServer | undefined;
let theirs: pg.Client | undefined;

beforeAll(async () => {
  server = await startTestServer();
  ours = await server.client();
  await ours.query(SCHEMA + COMMENTS);
  if (missing === undefined) {
    postgres = await startPostgres();
    theirs = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, database: postgres.database });
    await theirs.connect();
    await theirs.query(SCHEMA + COMMENTS);
  }
}, 60_000);

afterAll(async () => {
  await theirs?.end();
  await Promise.all([server?.stop(), postgres?.stop()]);
});

async function one(sql: string): Promise<Record<string, unknown>> {
  return (await ours.query(sql)).rows[0];
}

describe('relation sizes come from the storage', () => {
  it('an empty table takes nothing; rows and index entries take pages', async () => {
    expect(await one("SELECT pg_relation_size('empty_one') AS size, pg_total_relation_size('empty_one') AS total")).toEqual({ size: '0', total: '0' });
    const before = await one("SELECT pg_relation_size('items') AS size");
    await ours.query("INSERT INTO items SELECT g, 'item ' || g, g, 'c' || g FROM generate_series(1, 3000) g");
    const sizes = await one(`SELECT pg_relation_size('items') AS heap, pg_relation_size('items_pkey') AS pkey, pg_relation_size('items_name_idx') AS by_name,
      pg_relation_size('items_code_key') AS by_code, pg_indexes_size('items') AS indexes, pg_table_size('items') AS table_size,
      pg_total_relation_size('items') AS total, pg_relation_size('items', 'fsm') AS fsm`);
    const [heap, pkey, byName, byCode, indexes, tableSize, total] = [sizes.heap, sizes.pkey, sizes.by_name, sizes.by_code, sizes.indexes, sizes.table_size, sizes.total].map(Number);
    expect(before.size).toBe('0');
    // 3,000 rows of a dozen bytes and more: tens of kilobytes, in whole 4 kB pages.
    expect(heap).toBeGreaterThan(40_000);
    expect(heap % 4096).toBe(0);
    for (const index of [pkey, byName, byCode]) expect(index).toBeGreaterThan(0);
    expect(indexes).toBe(pkey + byName + byCode);
    expect(tableSize).toBe(heap);
    expect(total).toBe(heap + indexes);
    expect(sizes.fsm).toBe('0');
    await ours.query("INSERT INTO items SELECT g, repeat('x', 200), g, NULL FROM generate_series(3001, 6000) g");
    expect(Number((await one("SELECT pg_relation_size('items') AS size")).size)).toBeGreaterThan(heap + 3000 * 200);
  });

  it('a partitioned table sums its shards', async () => {
    await ours.query('CREATE TABLE spread (id int PRIMARY KEY, note text) PARTITION BY (id)');
    for (let id = 1; id <= 40; id++) await ours.query('INSERT INTO spread VALUES ($1, $2)', [id, `note ${id}`]);
    const total = Number((await one("SELECT pg_relation_size('spread') AS size")).size);
    const oid = Number((await one("SELECT 'spread'::regclass::oid AS oid")).oid);
    const perShard = server.db.shards.map((shard) => shard.tableSize(engineTableName(oid))?.rows ?? 0);
    expect(perShard.filter((bytes) => bytes > 0).length).toBeGreaterThan(1);
    expect(total).toBe(perShard.reduce((a, b) => a + b, 0));
  });

  it('pg_database_size is what the shards store, and psql lists the sizes', async () => {
    const database = Number((await one('SELECT pg_database_size(current_database()) AS size')).size);
    expect(database).toBeGreaterThan(Number((await one("SELECT pg_total_relation_size('items') AS size")).size));
    expect(database % 4096).toBe(0);
    if (missing !== undefined) return;
    const pretty = (await one("SELECT pg_size_pretty(pg_table_size('items')) AS size")).size as string;
    expect(await psql(server.port, '\\dt+ items')).toContain(`| ${pretty} |`);
  });
});

describe("PostgreSQL 15's predefined roles", () => {
  it('pg_database_owner owns public; the pg_ roles are in pg_roles but not in \\du', async () => {
    expect(await one("SELECT nspowner, nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = 'public'")).toEqual({ nspowner: 6171, owner: 'pg_database_owner' });
    const roles = (await ours.query("SELECT rolname, oid, rolcanlogin FROM pg_roles WHERE rolname LIKE 'pg\\_%' ORDER BY oid")).rows;
    expect(roles.map((r) => r.rolname)).toContain('pg_monitor');
    expect(roles.every((r) => r.rolcanlogin === false)).toBe(true);
    if (theirs === undefined) return;
    const sql = "SELECT rolname, oid, rolsuper, rolinherit, rolcanlogin FROM pg_roles WHERE rolname LIKE 'pg\\_%' ORDER BY oid";
    expect((await ours.query(sql)).rows).toEqual((await theirs.query(sql)).rows);
    const members = 'SELECT roleid, member, admin_option FROM pg_auth_members ORDER BY 1, 2';
    expect((await ours.query(members)).rows).toEqual((await theirs.query(members)).rows);
    for (const command of ['\\du', '\\dn', '\\dn+']) expect(await psql(server.port, command)).toBe(await psql((postgres as PostgresServer).port, command));
  });
});

describe('COMMENT ON', () => {
  it('indexes, constraints, sequences, views, schemas and roles keep their comments', async () => {
    const sql = `SELECT obj_description('items_name_idx'::regclass, 'pg_class') AS idx,
      obj_description((SELECT oid FROM pg_constraint WHERE conname = 'qty_positive'), 'pg_constraint') AS con,
      obj_description('app.tickets'::regclass, 'pg_class') AS seq, obj_description('item_names'::regclass) AS view,
      obj_description('app'::regnamespace, 'pg_namespace') AS schema, shobj_description('postgres'::regrole, 'pg_authid') AS role`;
    expect(await one(sql)).toEqual({ idx: 'find items by name', con: 'no empty lines', seq: 'ticket numbers', view: 'names only', schema: 'the application', role: 'the administrator' });
    if (theirs !== undefined) expect(await one(sql)).toEqual((await theirs.query(sql)).rows[0]);
  });

  it('an empty comment or NULL removes it', async () => {
    await ours.query("COMMENT ON INDEX items_name_idx IS ''; COMMENT ON CONSTRAINT items_pkey ON items IS NULL");
    expect(await one("SELECT obj_description('items_name_idx'::regclass, 'pg_class') AS idx, obj_description((SELECT oid FROM pg_constraint WHERE conname = 'items_pkey'), 'pg_constraint') AS con")).toEqual({ idx: null, con: null });
    await ours.query("COMMENT ON INDEX items_name_idx IS 'find items by name'; COMMENT ON CONSTRAINT items_pkey ON items IS 'the key'");
  });

  it.each(FAILING)('%s fails with %s', async (sql, expected) => {
    expect(await code(ours, sql)).toBe(expected);
    if (theirs !== undefined) expect(await code(theirs, sql)).toBe(expected);
  });

  it.skipIf(missing !== undefined).each(['\\di+ items_name_idx', '\\di+ items_pkey', '\\ds+ app.*', '\\dv+', '\\d+ item_names', '\\du+'])('psql %s prints what PostgreSQL 15 prints', async (command) => {
    const withoutSizes = (output: string) => output.replace(/\d+ (bytes|kB)/g, '<size>').replace(/-{2,}/g, '-').replace(/ {2,}/g, ' ');
    expect(withoutSizes(await psql(server.port, command))).toBe(withoutSizes(await psql((postgres as PostgresServer).port, command)));
  });
});

describe('pg_cast and pg_operator', () => {
  it('list true facts: an operator function computes the operator, a cast converts', async () => {
    expect(await one("SELECT int4pl(2, 3) AS sum, textcat('a', 'b') AS cat, int48lt(1, 2::int8) AS lt")).toEqual({ sum: 5, cat: 'ab', lt: true });
    const plus = await one("SELECT o.oprcode::text AS code, o.oprresult::regtype::text AS result, obj_description(o.oid, 'pg_operator') AS about FROM pg_operator o WHERE oprname = '+' AND oprleft = 'int4'::regtype AND oprright = 'int4'::regtype");
    expect(plus).toEqual({ code: 'int4pl', result: 'integer', about: 'add' });
    const cast = await one("SELECT castcontext, castmethod, castfunc::regproc::text AS func FROM pg_cast WHERE castsource = 'numeric'::regtype AND casttarget = 'int4'::regtype");
    // int4 is overloaded, so regproc qualifies it, as in PostgreSQL.
    expect(cast).toEqual({ castcontext: 'a', castmethod: 'f', func: 'pg_catalog.int4' });
  });

  it.skipIf(missing !== undefined).each(['\\dC integer', '\\dC text', '\\do+ +', '\\do ||', '\\do+ =', '\\doS ~~'])('psql %s lists a part of what PostgreSQL 15 lists', async (command) => {
    const [oursOut, theirsOut] = await Promise.all([psql(server.port, command), psql((postgres as PostgresServer).port, command)]);
    const listed = dataLines(oursOut);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.filter((line) => !dataLines(theirsOut).includes(line))).toEqual([]);
  });
});

describe('EXPLAIN with parameters over the extended protocol', () => {
  it('node-postgres explains a query with $1, prepared and unnamed', async () => {
    const unnamed = await ours.query('EXPLAIN SELECT * FROM items WHERE id = $1', [7]);
    expect(unnamed.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('Primary Key Scan on items');
    const named = { name: 'explain-items', text: 'EXPLAIN ANALYZE SELECT name FROM items WHERE id = $1 AND qty > $2' };
    for (let i = 0; i < 2; i++) expect((await ours.query({ ...named, values: [7, 1] })).rows.map((r) => r['QUERY PLAN'])).toContain('Rows: 1');
    if (theirs !== undefined) expect((await theirs.query('EXPLAIN SELECT * FROM items WHERE id = $1', [7])).rows.length).toBeGreaterThan(0);
  });

  it('Describe reports the parameter types the query gives them', async () => {
    const sql = postgresJs({ host: '127.0.0.1', port: server.port, username: 'postgres', database: 'postgres', max: 1 });
    try {
      const described = await sql.unsafe('EXPLAIN SELECT * FROM items WHERE id = $1 AND name = $2').describe();
      expect(described.types).toEqual([23, 25]);
    } finally {
      await sql.end();
    }
  });
});
