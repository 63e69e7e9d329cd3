/**
 * psql's meta-commands print the same against ScratchBird as against PostgreSQL 15 (skipped
 * when PostgreSQL is not installed): the same schema is created on both, each command is run
 * with the real psql 15 against each server, and the outputs are compared. The SQL features
 * psql's describe queries lean on (column naming, subscripts, arrays of catalog types,
 * correlated FROM functions, catalog functions) are also compared result by result.
 *
 * Only what legitimately differs is normalized: relation and database sizes (ScratchBird's
 * storage is LMDB, not 8 kB heap pages) and PostgreSQL's template databases in \l (ScratchBird
 * has one database). Where a value is normalized the column widths change with it, so those
 * outputs are compared with runs of spaces and dashes collapsed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres, startPostgres, type PostgresServer } from '../support/postgres.ts';
import { psql, psqlMissing } from '../support/psql.ts';
import { startTestServer, type TestServer } from './harness.ts';

const found = findPostgres();
const missing = 'missing' in found ? found.missing : psqlMissing();
if (missing !== undefined) console.warn(`Skipping the psql meta-command test: ${missing}.`);

const SCHEMA = `
  CREATE SCHEMA app;
  COMMENT ON SCHEMA app IS 'application objects';
  CREATE TABLE t (
    id serial PRIMARY KEY,
    name text NOT NULL,
    code varchar(12) UNIQUE,
    price numeric(10,2) DEFAULT 0 CHECK (price >= 0),
    created timestamp DEFAULT now(),
    active bool NOT NULL DEFAULT true,
    qty int,
    note varchar(40) DEFAULT 'none',
    ratio numeric(5,3) DEFAULT 1.5,
    CONSTRAINT qty_range CHECK (qty > 0 AND qty < 1000),
    UNIQUE (name, code)
  );
  CREATE INDEX t_name_idx ON t (name);
  CREATE INDEX t_multi_idx ON t (active, created DESC);
  CREATE INDEX t_desc_idx ON t (qty DESC NULLS LAST, price);
  COMMENT ON TABLE t IS 'the main table';
  COMMENT ON COLUMN t.name IS 'what it is called';
  CREATE VIEW active_t AS SELECT id, name FROM t WHERE active;
  COMMENT ON VIEW active_t IS 'only the active ones';
  CREATE SEQUENCE counter;
  CREATE SEQUENCE app.ticket START 100 INCREMENT 5 MAXVALUE 10000 CACHE 1 CYCLE;
  CREATE TABLE app.items (sku text PRIMARY KEY, t_id int NOT NULL, amount numeric(12,3), big bigserial);
  CREATE INDEX items_amount_idx ON app.items (amount DESC);
  CREATE VIEW app.item_totals AS SELECT t_id, sum(amount) AS total FROM app.items GROUP BY t_id;
  CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE, a int, b int, UNIQUE (a, b));
  CREATE TABLE child (
    id int PRIMARY KEY,
    parent_id int REFERENCES parent ON DELETE CASCADE,
    code text REFERENCES parent (code) ON UPDATE CASCADE ON DELETE SET NULL,
    a int,
    b int,
    self_id int REFERENCES child,
    FOREIGN KEY (a, b) REFERENCES parent (a, b) MATCH FULL ON DELETE SET NULL (a)
  );
  CREATE TABLE app.orders (id int PRIMARY KEY, parent_id int NOT NULL, CONSTRAINT orders_parent FOREIGN KEY (parent_id) REFERENCES parent ON DELETE RESTRICT);
`;

/** Commands whose output must be identical, byte for byte. */
const EXACT = [
  '\\d', '\\dt', '\\di', '\\dv', '\\ds', '\\df', '\\df+', '\\du', '\\du+', '\\dv+',
  '\\d t', '\\d+ t', '\\d active_t', '\\d+ active_t', '\\d counter', '\\d+ counter', '\\d t_id_seq',
  '\\d t_pkey', '\\d t_multi_idx', '\\d t_desc_idx', '\\d t*',
  '\\dt app.*', '\\di app.*', '\\dv app.*', '\\ds app.*', '\\d app.items', '\\d+ app.items', '\\d app.ticket',
  '\\d app.item_totals', '\\d+ app.item_totals', '\\d app.items_big_seq', '\\dn app', '\\l postgres', '\\d no_such_table',
  '\\d parent', '\\d child', '\\d+ child', '\\d app.orders',
];

/** Commands that list sizes: compared with the sizes masked. */
const SIZED = ['\\d+', '\\dt+', '\\di+', '\\dt+ app.*'];


/** Column widths follow the values: once a value is masked, compare without the padding. */
function withoutLayout(output: string): string {
  return output
    .split('\n')
    .map((line) => line.replace(/-{2,}/g, '-').replace(/ {2,}/g, ' ').trim())
    .join('\n');
}

function maskSizes(output: string): string {
  return withoutLayout(output.replace(/\b\d+ (bytes|kB|MB|GB)\b/g, '<size>'));
}

/** \l without the rows of template0 and template1 (a row's continuation lines have an empty
 * first column), the row count adjusted to match. */
function withoutTemplateDatabases(output: string): string {
  const kept: string[] = [];
  let dropping = false;
  let dropped = 0;
  for (const line of output.split('\n')) {
    if (/^ template[01] /.test(line)) {
      dropping = true;
      dropped++;
      continue;
    }
    if (dropping && /^ +\|/.test(line)) continue;
    dropping = false;
    kept.push(line);
  }
  const text = kept.join('\n').replace(/^\((\d+) rows?\)$/m, (_all, count: string) => {
    const rows = Number(count) - dropped;
    return `(${rows} ${rows === 1 ? 'row' : 'rows'})`;
  });
  return withoutLayout(text);
}

/** The SQL underneath psql's queries, checked value by value: result column names and types
 * and rows must be PostgreSQL's. */
const QUERIES = [
  // A CASE column is named after its ELSE branch when that has a name; TRIM after its function.
  "SELECT CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END FROM pg_catalog.pg_class c WHERE c.relname = 't'",
  "SELECT CASE WHEN true THEN 1 END, CASE WHEN false THEN 'x' ELSE 'y' END",
  "SELECT trim(trailing ';' from 'a;'), trim(leading 'x' from 'xa'), trim('  b '), NULLIF(1, 2), (SELECT 1 AS one)",
  // Subscripts: arrays from 1, the catalogs' int2vector from 0.
  "SELECT (ARRAY[10, 20, 30])[2], (ARRAY['a', 'b'])[3], ('{1,2}'::int[])[0]",
  "SELECT i.indkey[0], i.indkey[1], i.indkey::pg_catalog.int2[] FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE c.relname = 't_multi_idx'",
  // Arrays of the catalog types.
  "SELECT ARRAY(SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname IN ('public', 'app') ORDER BY 1)",
  "SELECT 'r' = ANY (ARRAY(SELECT relkind FROM pg_catalog.pg_class WHERE relname = 't')), c.oid = ANY (ARRAY[c.oid, 0::oid]) FROM pg_catalog.pg_class c WHERE c.relname = 't'",
  "SELECT '{1,2}'::pg_catalog.oid[], '{a,b}'::pg_catalog.\"char\"[], '{x}'::pg_catalog.name[]",
  // A function in the FROM clause of a correlated subquery reads the outer row.
  "SELECT c.relname, (SELECT count(*) FROM pg_catalog.unnest(c.reloptions) x), (SELECT sum(s) FROM pg_catalog.generate_series(1, c.relnatts::int) s) FROM pg_catalog.pg_class c WHERE c.relname = 't'",
  "SELECT c.relname, x FROM pg_catalog.pg_class c, LATERAL pg_catalog.unnest(ARRAY[c.relname, 'z']) x WHERE c.relname = 't' ORDER BY 2",
  "SELECT (SELECT string_agg(x, ',') FROM LATERAL pg_catalog.unnest(ARRAY[c.relname::text, 'z']) x) FROM pg_catalog.pg_class c WHERE c.relname = 't'",
  // pretty pg_get_indexdef names a visible table unqualified.
  "SELECT pg_catalog.pg_get_indexdef('t_multi_idx'::pg_catalog.regclass, 0, true), pg_catalog.pg_get_indexdef('t_multi_idx'::pg_catalog.regclass), pg_catalog.pg_get_indexdef('app.items_amount_idx'::pg_catalog.regclass, 0, true)",
  "SELECT pg_catalog.pg_get_serial_sequence('t', 'id'), pg_catalog.pg_get_serial_sequence('app.items', 'big')",
  // Foreign keys as the catalogs show them.
  `SELECT conname, conrelid::pg_catalog.regclass, confrelid::pg_catalog.regclass, confupdtype, confdeltype, confmatchtype, conkey, confkey,
     conindid::pg_catalog.regclass, confdelsetcols, pg_catalog.pg_get_constraintdef(oid), pg_catalog.pg_get_constraintdef(oid, true)
   FROM pg_catalog.pg_constraint WHERE contype = 'f' ORDER BY conname`,
  "SELECT * FROM information_schema.referential_constraints WHERE constraint_schema IN ('public', 'app') ORDER BY constraint_name",
  "SELECT * FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY' ORDER BY constraint_name",
  "SELECT * FROM information_schema.key_column_usage WHERE table_name IN ('child', 'orders') ORDER BY constraint_name, ordinal_position",
  "SELECT * FROM information_schema.constraint_column_usage WHERE table_name = 'parent' ORDER BY constraint_name, column_name",
  "SELECT relname, relhastriggers FROM pg_catalog.pg_class WHERE relname IN ('parent', 'child', 'orders', 't') ORDER BY 1",
  // Catalog functions over a user table's rows.
  "SELECT name, pg_catalog.pg_get_userbyid(10), pg_catalog.format_type(1043, 44), pg_catalog.pg_table_is_visible('t'::pg_catalog.regclass) FROM t ORDER BY name",
];

describe.skipIf(missing !== undefined)('psql against ScratchBird and PostgreSQL 15', () => {
  let postgres: PostgresServer;
  let scratchbird: TestServer;
  let theirClient: pg.Client;
  let ourClient: pg.Client;

  beforeAll(async () => {
    [postgres, scratchbird] = await Promise.all([startPostgres(), startTestServer()]);
    theirClient = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, database: postgres.database });
    await theirClient.connect();
    ourClient = await scratchbird.client();
    const rows = "INSERT INTO t (name, code, qty) VALUES ('b', 'B1', 5), ('a', 'A1', 7)";
    await Promise.all([theirClient.query(SCHEMA + rows), ourClient.query(SCHEMA + rows)]);
  }, 120_000);

  afterAll(async () => {
    await theirClient?.end();
    await Promise.all([postgres?.stop(), scratchbird?.stop()]);
  });

  describe("the SQL of psql's describe queries", () => {
    it.each(QUERIES)('%s', async (sql) => {
      const [theirs, ours] = await Promise.all([theirClient.query(sql), ourClient.query(sql)]);
      const shape = (r: pg.QueryResult) => ({ columns: r.fields.map((f) => [f.name, f.dataTypeID]), rows: r.rows });
      expect(shape(ours)).toEqual(shape(theirs));
    });
  });

  describe('psql meta-commands print what PostgreSQL 15 prints', () => {
    /** The command's output on both servers, after `normalize`; PostgreSQL's must be no error. */
    async function outputs(command: string, normalize: (output: string) => string = (o) => o): Promise<{ postgres: string; scratchbird: string }> {
      const [theirs, ours] = await Promise.all([psql(postgres.port, command), psql(scratchbird.port, command)]);
      if (/^ERROR:/m.test(theirs)) throw new Error(`PostgreSQL cannot run ${command}: ${theirs}`);
      return { postgres: normalize(theirs), scratchbird: normalize(ours) };
    }

    // Each command is a few psql runs of its own: they run side by side.
    it.concurrent.for(EXACT)('%s', async (command, { expect }) => {
      const { postgres: theirs, scratchbird: ours } = await outputs(command);
      expect(ours).toBe(theirs);
    });

    it.concurrent.for(SIZED)('%s (sizes masked)', async (command, { expect }) => {
      const { postgres: theirs, scratchbird: ours } = await outputs(command, maskSizes);
      expect(ours).toBe(theirs);
    });

    it('\\d t describes every column, index and constraint', async () => {
      const { scratchbird: ours } = await outputs('\\d t');
      expect(ours).toContain('Table "public.t"');
      expect(ours).toContain("nextval('t_id_seq'::regclass)");
      expect(ours).toContain('"t_multi_idx" btree (active, created DESC)');
      expect(ours).toContain('"qty_range" CHECK (qty > 0 AND qty < 1000)');
    });

    it('\\dn (the public schema owned by pg_database_owner)', async () => {
      const { postgres: theirs, scratchbird: ours } = await outputs('\\dn');
      expect(ours).toBe(theirs);
    });

    it('\\l (without PostgreSQL\'s template databases)', async () => {
      const { postgres: theirs, scratchbird: ours } = await outputs('\\l', withoutTemplateDatabases);
      expect(ours).toBe(theirs);
    });

    it('\\l+ (without template databases, sizes masked)', async () => {
      const { postgres: theirs, scratchbird: ours } = await outputs('\\l+', (o) => maskSizes(withoutTemplateDatabases(o)));
      expect(ours).toBe(theirs);
    });
  });
});
