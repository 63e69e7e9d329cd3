/**
 * SQL through the whole stack (pg wire → session → binder → planner → SBLR → shards), driven by
 * node-postgres as an application would: DDL, DML, queries, transactions and errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { makeArray } from '../../src/engine/array-value.ts';
import { parseType } from '../../src/engine/types.ts';
import { binaryRecv, binarySend } from '../../src/sql/types/index.ts';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let db: pg.Client;

beforeAll(async () => {
  server = await startTestServer();
  db = await server.client();
  await db.query(`
    CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) DEFAULT 0, opened date);
    CREATE INDEX accounts_owner ON accounts (owner);
    INSERT INTO accounts VALUES (1, 'ann', 100.50, '2024-01-02'), (2, 'bob', 20, '2024-02-03'), (3, 'cy', 0, NULL), (4, 'ann', 7.25, '2023-12-31');
  `);
});

afterAll(async () => {
  await server?.stop();
});

async function rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await db.query(sql, params)).rows;
}

async function error(sql: string, params: unknown[] = []): Promise<{ code: string; message: string; detail?: string; hint?: string; position?: string }> {
  try {
    await db.query(sql, params);
  } catch (e) {
    const err = e as { code: string; message: string; detail?: string; hint?: string; position?: string };
    return { code: err.code, message: err.message, detail: err.detail, hint: err.hint, position: err.position };
  }
  throw new Error(`expected an error from: ${sql}`);
}

describe('queries', () => {
  it('filters, orders and limits', async () => {
    expect(await rows('SELECT id, owner FROM accounts WHERE balance > 5 ORDER BY balance DESC LIMIT 2')).toEqual([
      { id: 1, owner: 'ann' },
      { id: 2, owner: 'bob' },
    ]);
  });

  it('uses parameters of inferred types', async () => {
    expect(await rows('SELECT owner FROM accounts WHERE id = $1', [3])).toEqual([{ owner: 'cy' }]);
    expect(await rows('SELECT id FROM accounts WHERE owner = $1 ORDER BY id', ['ann'])).toEqual([{ id: 1 }, { id: 4 }]);
  });

  it('aggregates with GROUP BY and HAVING', async () => {
    expect(await rows('SELECT owner, count(*) AS n, sum(balance) AS total FROM accounts GROUP BY owner HAVING count(*) > 1')).toEqual([
      { owner: 'ann', n: '2', total: '107.75' },
    ]);
    expect(await rows('SELECT avg(balance)::numeric(10,2) AS a, min(opened) IS NOT NULL AS m FROM accounts')).toEqual([{ a: '31.94', m: true }]);
  });

  it('GROUP BY with ROLLUP keeps the plain keys in every grouping set, and ungrouped columns are refused', async () => {
    expect(await rows("SELECT owner, opened IS NULL AS undated, count(*)::int AS n FROM accounts GROUP BY owner, ROLLUP(opened IS NULL) ORDER BY 1, 2 NULLS LAST")).toEqual([
      { owner: 'ann', undated: false, n: 2 },
      { owner: 'ann', undated: null, n: 2 },
      { owner: 'bob', undated: false, n: 1 },
      { owner: 'bob', undated: null, n: 1 },
      { owner: 'cy', undated: true, n: 1 },
      { owner: 'cy', undated: null, n: 1 },
    ]);
    expect(await error('SELECT owner, balance FROM accounts GROUP BY owner')).toMatchObject({
      code: '42803',
      message: 'column "accounts.balance" must appear in the GROUP BY clause or be used in an aggregate function',
    });
  });

  it('joins, subqueries and CTEs', async () => {
    await db.query('CREATE TABLE owners (name text PRIMARY KEY, city text)');
    await db.query("INSERT INTO owners VALUES ('ann', 'Oslo'), ('bob', 'Lima')");
    expect(await rows('SELECT a.id, o.city FROM accounts a JOIN owners o ON o.name = a.owner ORDER BY a.id')).toEqual([
      { id: 1, city: 'Oslo' },
      { id: 2, city: 'Lima' },
      { id: 4, city: 'Oslo' },
    ]);
    expect(await rows('SELECT a.id, o.city FROM accounts a LEFT JOIN owners o ON o.name = a.owner WHERE a.id = 3')).toEqual([{ id: 3, city: null }]);
    expect(await rows('SELECT id FROM accounts a WHERE EXISTS (SELECT 1 FROM owners o WHERE o.name = a.owner AND o.city = $1) ORDER BY id', ['Oslo'])).toEqual([{ id: 1 }, { id: 4 }]);
    expect(await rows('SELECT id FROM accounts WHERE owner IN (SELECT name FROM owners) ORDER BY 1')).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
    expect(await rows('SELECT (SELECT max(id) FROM accounts) AS top')).toEqual([{ top: 4 }]);
    expect(await rows('WITH rich AS (SELECT * FROM accounts WHERE balance >= 20) SELECT count(*)::int AS n FROM rich')).toEqual([{ n: 2 }]);
    expect(await rows('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT sum(i)::int AS s FROM n')).toEqual([{ s: 15 }]);
  });

  it('window functions, set operations, DISTINCT and generate_series', async () => {
    expect(await rows('SELECT id, row_number() OVER (PARTITION BY owner ORDER BY id) AS rn FROM accounts ORDER BY id')).toEqual([
      { id: 1, rn: '1' },
      { id: 2, rn: '1' },
      { id: 3, rn: '1' },
      { id: 4, rn: '2' },
    ]);
    expect(await rows('SELECT id, row_number() OVER (ORDER BY id DESC) AS rn, sum(id) OVER (ORDER BY id) AS s FROM accounts ORDER BY id')).toEqual([
      { id: 1, rn: '4', s: '1' },
      { id: 2, rn: '3', s: '3' },
      { id: 3, rn: '2', s: '6' },
      { id: 4, rn: '1', s: '10' },
    ]);
    expect(await rows('SELECT owner FROM accounts UNION SELECT name FROM owners ORDER BY 1')).toEqual([{ owner: 'ann' }, { owner: 'bob' }, { owner: 'cy' }]);
    expect(await rows('SELECT DISTINCT owner FROM accounts ORDER BY owner')).toHaveLength(3);
    expect(await rows('SELECT g FROM generate_series(1, 3) AS g')).toEqual([{ g: 1 }, { g: 2 }, { g: 3 }]);
  });

  it('returns rows in binary format with their types', async () => {
    const result = await db.query({ text: 'SELECT id, balance, opened FROM accounts WHERE id = 1', binary: true } as pg.QueryConfig);
    expect(result.rows).toHaveLength(1);
    expect(result.fields.map((f) => f.dataTypeID)).toEqual([23, 1700, 1082]);
  });
});

describe('arrays of several dimensions and other lower bounds', () => {
  const INT4_ARRAY = parseType('int4[]');
  const raw = { getTypeParser: () => (value: string | Buffer) => value };

  it('store int[][] and text[][] columns (typed int[] and text[], as in PostgreSQL) and read them back', async () => {
    await db.query(`
      CREATE TABLE grids (id int PRIMARY KEY, g int[][], t text[][], b int[]);
      CREATE INDEX grids_g ON grids (g, id);
      INSERT INTO grids VALUES
        (1, ARRAY[[1, 2], [3, 4]], '{{a,"b c"},{NULL,d}}', '[5:7]={1,2,3}'),
        (2, '{1,2,3,4}', ARRAY[['x']], ARRAY[1, 2]),
        (3, '[0:1][1:2]={{1,2},{3,4}}', '{}', NULL);
    `);
    expect(await rows("SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'grids'::regclass AND attname IN ('g', 't') ORDER BY attnum")).toEqual([
      { t: 'integer[]' }, { t: 'text[]' },
    ]);
    const text = await db.query({ text: 'SELECT id, g, t, b FROM grids ORDER BY id', types: raw } as pg.QueryConfig);
    expect(text.rows).toEqual([
      { id: '1', g: '{{1,2},{3,4}}', t: '{{a,"b c"},{NULL,d}}', b: '[5:7]={1,2,3}' },
      { id: '2', g: '{1,2,3,4}', t: '{{x}}', b: '{1,2}' },
      { id: '3', g: '[0:1][1:2]={{1,2},{3,4}}', t: '{}', b: null },
    ]);
    // node-postgres reads the text form as nested arrays (dimension decorations skipped).
    expect((await rows('SELECT g, t FROM grids WHERE id = 1'))[0]).toEqual({ g: [[1, 2], [3, 4]], t: [['a', 'b c'], [null, 'd']] });
    // The index lookup finds the one array equal to the value: equal elements in another shape are another value.
    expect(await rows('SELECT id FROM grids WHERE g = ARRAY[[1, 2], [3, 4]]')).toEqual([{ id: 1 }]);
    expect(await rows("SELECT id FROM grids WHERE g = '[0:1][1:2]={{1,2},{3,4}}' ORDER BY id")).toEqual([{ id: 3 }]);
    expect(await rows('SELECT g[2][1] AS e, g[1:2][2:2] AS s, g[2] AS one, array_dims(g) AS d FROM grids ORDER BY id')).toEqual([
      { e: 3, s: [[2], [4]], one: null, d: '[1:2][1:2]' },
      { e: null, s: [], one: 2, d: '[1:4]' },
      { e: null, s: [[4]], one: null, d: '[0:1][1:2]' },
    ]);
    await db.query('DROP TABLE grids');
  });

  it('round-trip through the text and binary wire formats, parameters included', async () => {
    // Text parameter in, binary result out. (node-postgres hands binary results over as UTF-8
    // text, so only bytes below 0x80 survive it: no NULL elements or negative numbers here.)
    const value = makeArray([1, 2, 3, 4], [2, 2], [0, 1]);
    const binary = await db.query({ text: 'SELECT $1::int[] AS v', values: ['[0:1][1:2]={{1,2},{3,4}}'], binary: true, types: raw } as pg.QueryConfig);
    expect(binaryRecv(INT4_ARRAY, binary.rows[0].v as Buffer)).toEqual(value);
    // Binary parameter in (node-postgres sends a Buffer as binary), text result out.
    const withNull = makeArray([1, null, -3, 4], [2, 2], [-1, 1]);
    const echoed = await db.query({ text: 'SELECT $1::int[] AS v, array_dims($1::int[]) AS d', values: [Buffer.from(binarySend(INT4_ARRAY, withNull))], types: raw } as pg.QueryConfig);
    expect(echoed.rows[0]).toEqual({ v: '[-1:0][1:2]={{1,NULL},{-3,4}}', d: '[-1:0][1:2]' });
  });

  it('builds, aggregates and unnests them as PostgreSQL does', async () => {
    expect(await rows('SELECT array_agg(a) AS a FROM (VALUES (ARRAY[1, 2]), (ARRAY[3, 4])) v(a)')).toEqual([{ a: [[1, 2], [3, 4]] }]);
    expect(await rows('SELECT ARRAY(SELECT ARRAY[g, g * 10] FROM generate_series(1, 2) g) AS a')).toEqual([{ a: [[1, 10], [2, 20]] }]);
    expect(await rows('SELECT unnest(ARRAY[[1, 2], [3, 4]]) AS u')).toEqual([{ u: 1 }, { u: 2 }, { u: 3 }, { u: 4 }]);
    expect(await error('SELECT ARRAY[[1, 2], [3]]')).toMatchObject({ code: '2202E', message: 'multidimensional arrays must have array expressions with matching dimensions' });
    expect(await error('SELECT ARRAY[]')).toMatchObject({ code: '42P18', message: 'cannot determine type of empty array' });
    expect(await rows('SELECT ARRAY[]::int[] AS a, ARRAY[[1.5]]::int[] AS b')).toEqual([{ a: [], b: [[2]] }]);
  });
});

describe('query forms resolved as PostgreSQL resolves them', () => {
  it('FULL / RIGHT JOIN USING and NATURAL FULL JOIN merge the key as COALESCE of both sides, in their common type', async () => {
    await db.query('CREATE TABLE ua (k int, v text); CREATE TABLE ub (k bigint, w text)');
    await db.query("INSERT INTO ua VALUES (1, 'a1'), (2, 'a2'); INSERT INTO ub VALUES (2, 'b2'), (3, 'b3')");
    expect(await rows('SELECT * FROM ua FULL JOIN ub USING (k) ORDER BY k')).toEqual([
      { k: '1', v: 'a1', w: null }, { k: '2', v: 'a2', w: 'b2' }, { k: '3', v: null, w: 'b3' },
    ]);
    expect(await rows('SELECT k, ua.k AS l, ub.k AS r FROM ua NATURAL FULL JOIN ub ORDER BY 1')).toEqual([
      { k: '1', l: 1, r: null }, { k: '2', l: 2, r: '2' }, { k: '3', l: null, r: '3' },
    ]);
    expect(await rows('SELECT k, v FROM ua RIGHT JOIN ub USING (k) ORDER BY k')).toEqual([{ k: '2', v: 'a2' }, { k: '3', v: null }]);
    expect(await rows('SELECT pg_typeof(k)::text AS t FROM ua JOIN ub USING (k)')).toEqual([{ t: 'bigint' }]);
    // Nested: the outer USING reads the inner join's merged column; another item's k stays ambiguous.
    expect(await rows('SELECT k FROM ua FULL JOIN ub USING (k) FULL JOIN ua x USING (k) ORDER BY 1')).toEqual([{ k: '1' }, { k: '2' }, { k: '3' }]);
    expect(await error('SELECT k FROM ua x, ua JOIN ub USING (k)')).toMatchObject({ code: '42702', message: 'column reference "k" is ambiguous' });
  });

  it('set operations give unknown-typed literals the other side\'s type; all-unknown columns are text', async () => {
    expect(await rows("SELECT 1 AS x UNION SELECT '2' ORDER BY 1")).toEqual([{ x: 1 }, { x: 2 }]);
    expect(await rows('SELECT NULL AS x UNION SELECT 1 ORDER BY 1')).toEqual([{ x: 1 }, { x: null }]);
    expect(await rows("SELECT 1 AS x, 'a' AS y INTERSECT SELECT NULL, NULL")).toEqual([]);
    expect(await rows('SELECT 2 AS x EXCEPT SELECT NULL')).toEqual([{ x: 2 }]);
    expect(await rows('SELECT pg_typeof(x)::text AS t FROM (SELECT NULL UNION SELECT NULL) s(x)')).toEqual([{ t: 'text' }]);
    expect(await error("SELECT 1 UNION SELECT 'x' WHERE false")).toMatchObject({ code: '22P02', message: 'invalid input syntax for type integer: "x"' });
    // Nested set operations and DISTINCT resolve their own unknowns as text first.
    expect(await error('SELECT NULL UNION SELECT NULL UNION SELECT 1')).toMatchObject({ code: '42804', message: 'UNION types text and integer cannot be matched' });
    expect(await error('SELECT DISTINCT NULL UNION SELECT 1')).toMatchObject({ code: '42804' });
  });

  it('row constructors compare with subqueries: IN, NOT IN, = and ordering', async () => {
    const pairs = '(SELECT g, g + 1 FROM generate_series(1, 3) g)';
    expect(await rows(`SELECT (1, 2) IN ${pairs} AS a, (2, 2) IN ${pairs} AS b, (2, 2) NOT IN ${pairs} AS c, (2, NULL) NOT IN ${pairs} AS d`)).toEqual([
      { a: true, b: false, c: true, d: null },
    ]);
    expect(await rows('SELECT id FROM accounts a WHERE (owner, id) IN (SELECT owner, max(id) FROM accounts GROUP BY owner) ORDER BY id')).toEqual([{ id: 2 }, { id: 3 }, { id: 4 }]);
    expect(await rows('SELECT (1, 2) = (SELECT 1, 2) AS a, (1, 2) = (SELECT 1, 2 WHERE false) AS b, (1, 2) < (SELECT 1, 3) AS c, (1, NULL) < (2, 0) AS d')).toEqual([
      { a: true, b: null, c: true, d: true },
    ]);
    expect(await error('SELECT (1, 2) IN (SELECT 1)')).toMatchObject({ code: '42601', message: 'subquery has too few columns' });
    expect(await error('SELECT (1, 2) = (SELECT 1, 2, 3)')).toMatchObject({ code: '42601', message: 'subquery has too many columns' });
    expect(await error('SELECT (1, 2) = (SELECT 1, 2 FROM generate_series(1, 2))')).toMatchObject({ code: '21000' });
  });

  it('refuses a self-reference in a recursive query\'s first term and a FROM subquery without an alias (PostgreSQL 15)', async () => {
    expect(await error('WITH RECURSIVE t(n) AS (SELECT n FROM t UNION ALL SELECT 1) SELECT * FROM t')).toMatchObject({
      code: '42P19', message: 'recursive reference to query "t" must not appear within its non-recursive term', position: '39',
    });
    expect(await error('WITH RECURSIVE t(n) AS (SELECT n FROM t) SELECT * FROM t')).toMatchObject({
      code: '42P19', message: 'recursive query "t" does not have the form non-recursive-term UNION [ALL] recursive-term',
    });
    expect(await error('SELECT * FROM (SELECT 1)')).toMatchObject({ code: '42601', message: 'subquery in FROM must have an alias' });
    expect(await error('SELECT * FROM (VALUES (1))')).toMatchObject({ code: '42601', message: 'VALUES in FROM must have an alias' });
  });

  it('named windows, refined by OVER (w …), and frame exclusion', async () => {
    expect(await rows(`SELECT x, sum(x) OVER w AS s, sum(x) OVER (w ROWS 1 PRECEDING) AS r, rank() OVER w2 AS k,
        sum(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) AS e
      FROM generate_series(1, 4) x WINDOW w AS (PARTITION BY x % 2 ORDER BY x), w2 AS (w) ORDER BY x`)).toEqual([
      { x: 1, s: '1', r: '1', k: '1', e: null },
      { x: 2, s: '2', r: '2', k: '1', e: '1' },
      { x: 3, s: '4', r: '4', k: '2', e: '3' },
      { x: 4, s: '6', r: '6', k: '2', e: '6' },
    ]);
    expect(await error('SELECT sum(x) OVER nowhere FROM generate_series(1, 3) x')).toMatchObject({ code: '42704', message: 'window "nowhere" does not exist' });
    expect(await error('SELECT sum(x) OVER (w ORDER BY x) FROM generate_series(1, 3) x WINDOW w AS (ORDER BY x)')).toMatchObject({ code: '42P20', message: 'cannot override ORDER BY clause of window "w"' });
    expect(await error('SELECT sum(x) OVER (w) FROM generate_series(1, 3) x WINDOW w AS (ORDER BY x ROWS 1 PRECEDING)')).toMatchObject({
      code: '42P20', message: 'cannot copy window "w" because it has a frame clause', hint: 'Omit the parentheses in this OVER clause.',
    });
    expect(await error('SELECT sum(row_number() OVER ()) FROM accounts')).toMatchObject({ code: '42803', message: 'aggregate function calls cannot contain window function calls' });
  });

  it('variance, standard deviation and GROUPING()', async () => {
    expect(await rows('SELECT var_samp(x) AS vs, var_pop(x) AS vp, stddev(x) AS sd, stddev_pop(x::float8) AS sp FROM (VALUES (1), (2), (4)) v(x)')).toEqual([
      { vs: '2.3333333333333333', vp: '1.5555555555555556', sd: '1.5275252316519467', sp: 1.247219128924647 },
    ]);
    expect(await rows('SELECT owner, grouping(owner) AS g, count(*)::int AS n FROM accounts GROUP BY ROLLUP (owner) ORDER BY 2, 1')).toEqual([
      { owner: 'ann', g: 0, n: 2 }, { owner: 'bob', g: 0, n: 1 }, { owner: 'cy', g: 0, n: 1 }, { owner: null, g: 1, n: 4 },
    ]);
    expect(await error('SELECT grouping(owner) FROM accounts')).toMatchObject({ code: '42803', message: 'arguments to GROUPING must be grouping expressions of the associated query level' });
    expect(await error('SELECT 1 FROM accounts WHERE grouping(owner) = 0 GROUP BY owner')).toMatchObject({ code: '42803', message: 'grouping operations are not allowed in WHERE' });
  });
});

describe('writes', () => {
  it('inserts with defaults, RETURNING and ON CONFLICT', async () => {
    expect(await rows("INSERT INTO accounts (id, owner) VALUES (10, 'dee') RETURNING id, balance")).toEqual([{ id: 10, balance: '0.00' }]);
    expect(await rows("INSERT INTO accounts (id, owner) VALUES (10, 'eve') ON CONFLICT (id) DO NOTHING RETURNING id")).toEqual([]);
    expect(await rows("INSERT INTO accounts (id, owner) VALUES (10, 'eve') ON CONFLICT (id) DO UPDATE SET owner = excluded.owner RETURNING owner")).toEqual([{ owner: 'eve' }]);
  });

  it('updates and deletes report their row counts', async () => {
    const updated = await db.query('UPDATE accounts SET balance = balance + 1 WHERE owner = $1', ['ann']);
    expect(updated.command).toBe('UPDATE');
    expect(updated.rowCount).toBe(2);
    const deleted = await db.query('DELETE FROM accounts WHERE id = 10');
    expect(deleted.rowCount).toBe(1);
  });

  it('serial columns, tables without a primary key, TRUNCATE', async () => {
    await db.query('CREATE TABLE events (id serial, note text)');
    await db.query("INSERT INTO events (note) VALUES ('a'), ('b')");
    expect(await rows('SELECT id, note FROM events ORDER BY id')).toEqual([
      { id: 1, note: 'a' },
      { id: 2, note: 'b' },
    ]);
    await db.query('TRUNCATE events');
    expect(await rows('SELECT count(*)::int AS n FROM events')).toEqual([{ n: 0 }]);
  });

  it('ALTER TABLE ADD PRIMARY KEY makes the key the storage key: lookups are one read', async () => {
    await db.query('CREATE TABLE late (k int NOT NULL, v text)');
    await db.query("INSERT INTO late SELECT g, 'v' || g FROM generate_series(1, 50) AS g");
    await db.query('CREATE INDEX late_v ON late (v)');
    await db.query('ALTER TABLE late ADD PRIMARY KEY (k)');
    expect(await rows('SELECT v FROM late WHERE k = 42')).toEqual([{ v: 'v42' }]);
    expect(await rows("SELECT k FROM late WHERE v = 'v7'")).toEqual([{ k: 7 }]);
    const plan = (await rows('EXPLAIN SELECT v FROM late WHERE k = 42')).map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Primary Key Scan on late/);
    expect(await error('INSERT INTO late VALUES (42, $1)', ['dup'])).toMatchObject({ code: '23505', message: 'duplicate key value violates unique constraint "late_pkey"' });
    expect(await rows("SELECT conname, contype FROM pg_constraint WHERE conrelid = 'late'::regclass")).toEqual([{ conname: 'late_pkey', contype: 'p' }]);
  });

  it('INSERT without a column list fills the leading columns and defaults the rest, as PostgreSQL does', async () => {
    await db.query("CREATE TABLE partial (a int, b text DEFAULT 'x', c int)");
    await db.query('INSERT INTO partial VALUES (1)');
    await db.query("INSERT INTO partial VALUES (2, 'y'), (3, 'z')");
    await db.query('INSERT INTO partial SELECT 4');
    expect(await rows('SELECT a, b, c FROM partial ORDER BY a')).toEqual([
      { a: 1, b: 'x', c: null }, { a: 2, b: 'y', c: null }, { a: 3, b: 'z', c: null }, { a: 4, b: 'x', c: null },
    ]);
    expect(await error("INSERT INTO partial VALUES (5), (6, 'w')")).toMatchObject({ code: '42601', message: 'VALUES lists must all be the same length' });
    expect(await error('INSERT INTO partial (a, b) VALUES (7)')).toMatchObject({ code: '42601', message: 'INSERT has more target columns than expressions' });
    expect(await error('INSERT INTO partial VALUES (1, 2, 3, 4)')).toMatchObject({ code: '42601', message: 'INSERT has more expressions than target columns' });
  });

  it('ALTER TABLE ADD COLUMN with a default fills the rows already there', async () => {
    await db.query('CREATE TABLE filled (a int)');
    await db.query('INSERT INTO filled VALUES (1), (2)');
    await db.query('ALTER TABLE filled ADD COLUMN n int DEFAULT 5');
    await db.query("ALTER TABLE filled ADD COLUMN t text DEFAULT 'x' || 'y'");
    await db.query('ALTER TABLE filled ADD COLUMN d numeric(5,2) DEFAULT 1.5');
    expect(await rows('SELECT a, n, t, d FROM filled ORDER BY a')).toEqual([
      { a: 1, n: 5, t: 'xy', d: '1.50' },
      { a: 2, n: 5, t: 'xy', d: '1.50' },
    ]);
  });

  it('ALTER TABLE ADD PRIMARY KEY over duplicate keys fails as PostgreSQL does and changes nothing', async () => {
    await db.query('CREATE TABLE twice (k int, v text)');
    await db.query("INSERT INTO twice VALUES (1, 'a'), (1, 'b'), (2, 'c')");
    expect(await error('ALTER TABLE twice ADD PRIMARY KEY (k)')).toMatchObject({
      code: '23505', message: 'could not create unique index "twice_pkey"', detail: 'Key (k)=(1) is duplicated.',
    });
    expect(await rows('SELECT k, v FROM twice ORDER BY v')).toEqual([{ k: 1, v: 'a' }, { k: 1, v: 'b' }, { k: 2, v: 'c' }]);
    expect(await rows("SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'twice'::regclass")).toEqual([{ n: 0 }]);
  });
});

describe('transactions', () => {
  it('commits, rolls back and honours savepoints', async () => {
    await db.query('BEGIN');
    await db.query("INSERT INTO accounts (id, owner) VALUES (20, 'tx')");
    await db.query('SAVEPOINT s');
    await db.query("INSERT INTO accounts (id, owner) VALUES (21, 'tx')");
    await db.query('ROLLBACK TO SAVEPOINT s');
    await db.query('COMMIT');
    expect(await rows("SELECT id FROM accounts WHERE owner = 'tx'")).toEqual([{ id: 20 }]);
    await db.query('BEGIN');
    await db.query("DELETE FROM accounts WHERE owner = 'tx'");
    await db.query('ROLLBACK');
    expect(await rows("SELECT id FROM accounts WHERE owner = 'tx'")).toEqual([{ id: 20 }]);
  });

  it('an error aborts the transaction until ROLLBACK (25P02)', async () => {
    await db.query('BEGIN');
    expect((await error('SELECT 1/0')).code).toBe('22012');
    expect((await error('SELECT 1')).code).toBe('25P02');
    await db.query('ROLLBACK');
    expect(await rows('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('DDL is transactional', async () => {
    await db.query('BEGIN');
    await db.query('CREATE TABLE temp_ddl (a int)');
    await db.query('INSERT INTO temp_ddl VALUES (1)');
    await db.query('ROLLBACK');
    expect((await error('SELECT * FROM temp_ddl')).code).toBe('42P01');
  });

  it('statement_timeout cancels a long statement (57014) and lock_timeout ends a lock wait (55P03)', async () => {
    await db.query("SET statement_timeout = '200ms'");
    expect(await error('SELECT count(*) FROM generate_series(1, 200000000)')).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    await db.query('RESET statement_timeout');
    const other = await server.client();
    await other.query('BEGIN');
    await other.query('UPDATE accounts SET balance = balance WHERE id = 1');
    await db.query("SET lock_timeout = '100ms'");
    expect((await error('UPDATE accounts SET balance = 0 WHERE id = 1')).code).toBe('55P03');
    await db.query('RESET lock_timeout');
    await other.query('ROLLBACK');
  });

  it('a second client sees only committed rows', async () => {
    const other = await server.client();
    await db.query('BEGIN');
    await db.query("INSERT INTO accounts (id, owner) VALUES (30, 'hidden')");
    expect((await other.query('SELECT count(*)::int AS n FROM accounts WHERE id = 30')).rows).toEqual([{ n: 0 }]);
    await db.query('COMMIT');
    expect((await other.query('SELECT count(*)::int AS n FROM accounts WHERE id = 30')).rows).toEqual([{ n: 1 }]);
  });
});

describe('errors as PostgreSQL reports them', () => {
  it('syntax errors with positions, unknown objects, type errors, constraint violations', async () => {
    const syntax = await error('SELEC 1');
    expect(syntax.code).toBe('42601');
    expect(syntax.position).toBe('1');
    expect(await error('SELECT * FROM nope')).toMatchObject({ code: '42P01', message: 'relation "nope" does not exist', position: '15' });
    expect(await error('SELECT nope FROM accounts')).toMatchObject({ code: '42703', message: 'column "nope" does not exist' });
    expect((await error("SELECT 1 + 'x'")).code).toBe('22P02');
    expect(await error("INSERT INTO accounts (id, owner) VALUES (1, 'again')")).toMatchObject({
      code: '23505',
      message: 'duplicate key value violates unique constraint "accounts_pkey"',
    });
    expect(await error('INSERT INTO accounts (id) VALUES (99)')).toMatchObject({ code: '23502', message: 'null value in column "owner" of relation "accounts" violates not-null constraint' });
    expect((await error('SELECT 2147483647::int4 + 1')).code).toBe('22003');
  });

  it('partitioned tables: partition key updates and cross-shard constraints are refused', async () => {
    await db.query('CREATE TABLE metrics (device int, at int, value float8, PRIMARY KEY (device, at)) PARTITION BY (device)');
    expect((await error('UPDATE metrics SET device = 2 WHERE device = 1')).code).toBe('0A000');
    expect((await error('CREATE TABLE bad (a int PRIMARY KEY, b int) PARTITION BY (b)')).code).toBe('0A000');
  });
});
