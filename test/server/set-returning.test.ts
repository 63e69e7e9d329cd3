/**
 * Set-returning functions in FROM and in the select list, through node-postgres: the results
 * PostgreSQL 15 gives (stated here, and compared with a live PostgreSQL 15 where one is
 * installed), and PostgreSQL's errors where a set-returning function may not stand.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres, startPostgres, type PostgresServer } from '../support/postgres.ts';
import { startTestServer, type TestServer } from './harness.ts';

const found = findPostgres();
const missing = 'missing' in found ? found.missing : undefined;

const SCHEMA = `
  CREATE TABLE docs (id int PRIMARY KEY, body jsonb, tags text[], line varchar(40));
  INSERT INTO docs VALUES
    (1, '{"b": [1, 2], "a": "x"}', '{red,green}', 'one two  three'),
    (2, '{"c": null}', '{}', ''),
    (3, NULL, NULL, NULL);
`;

/** Query → the rows PostgreSQL 15 returns (as node-postgres reads them). */
const EXPECTED: readonly (readonly [string, readonly unknown[]])[] = [
  ['SELECT generate_series(1, 3) AS n', [{ n: 1 }, { n: 2 }, { n: 3 }]],
  ['SELECT jsonb_object_keys(body) AS k FROM docs ORDER BY id, k', [{ k: 'a' }, { k: 'b' }, { k: 'c' }]],
  ["SELECT * FROM json_object_keys('{\"a\": 1, \"a\": 2, \"b\": 3}')", [{ json_object_keys: 'a' }, { json_object_keys: 'a' }, { json_object_keys: 'b' }]],
  ['SELECT id, jsonb_each(body) AS e FROM docs ORDER BY id', [{ id: 1, e: '(a,"""x""")' }, { id: 1, e: '(b,"[1, 2]")' }, { id: 2, e: '(c,null)' }]],
  ["SELECT key, value FROM jsonb_each_text('{\"a\": 1, \"b\": \"two\", \"c\": null}')", [{ key: 'a', value: '1' }, { key: 'b', value: 'two' }, { key: 'c', value: null }]],
  ["SELECT json_each_text('{\"a\": null, \"b c\": \"x,y\"}') AS pair", [{ pair: '(a,)' }, { pair: '("b c","x,y")' }]],
  ["SELECT jsonb_array_elements('[1, \"a\", null]') AS e", [{ e: 1 }, { e: 'a' }, { e: null }]],
  ["SELECT * FROM jsonb_array_elements_text('[1, \"a\", null]') AS e", [{ value: '1' }, { value: 'a' }, { value: null }]],
  ['SELECT g FROM generate_series(1, 2) AS g', [{ g: 1 }, { g: 2 }]],
  ["SELECT regexp_matches('foobarbequebaz', '(bar)(beque)') AS m", [{ m: ['bar', 'beque'] }]],
  ["SELECT regexp_matches('abcabc', '(b)(x)?', 'g') AS m", [{ m: ['b', null] }, { m: ['b', null] }]],
  ["SELECT regexp_matches('abc', 'z') AS m", []],
  ['SELECT id, regexp_split_to_table(line, E\'\\\\s+\') AS w FROM docs WHERE id = 1', [{ id: 1, w: 'one' }, { id: 1, w: 'two' }, { id: 1, w: 'three' }]],
  ["SELECT * FROM string_to_table('a,b,,c', ',', '') AS s", [{ s: 'a' }, { s: 'b' }, { s: null }, { s: 'c' }]],
  ["SELECT string_to_table('abc', NULL) AS c", [{ c: 'a' }, { c: 'b' }, { c: 'c' }]],
  ['SELECT id, unnest(tags) AS tag FROM docs ORDER BY id, tag', [{ id: 1, tag: 'green' }, { id: 1, tag: 'red' }]],
  ['SELECT * FROM unnest(ARRAY[1, 2], ARRAY[\'x\']) WITH ORDINALITY AS u(n, s, i)', [{ n: 1, s: 'x', i: '1' }, { n: 2, s: null, i: '2' }]],
  ['SELECT generate_subscripts(ARRAY[5, 6, 7], 1) AS s, generate_subscripts(ARRAY[5, 6, 7], 1, true) AS r',
    [{ s: 1, r: 3 }, { s: 2, r: 2 }, { s: 3, r: 1 }]],
  ['SELECT * FROM generate_subscripts(ARRAY[5, 6], 2)', []],
  // Several calls run in lockstep; the shorter gives NULLs.
  ['SELECT generate_series(1, 2) AS a, generate_series(1, 3) AS b', [{ a: 1, b: 1 }, { a: 2, b: 2 }, { a: null, b: 3 }]],
  // A call inside another runs first; an expression over a call is computed per row.
  ['SELECT generate_series(1, generate_series(1, 3)) AS n', [1, 1, 2, 1, 2, 3].map((n) => ({ n }))],
  ['SELECT generate_series(1, 3) * 10 AS n', [{ n: 10 }, { n: 20 }, { n: 30 }]],
  // Per input row; a row whose calls yield nothing gives no row.
  ['SELECT x, generate_series(1, x) AS n FROM (VALUES (0), (2)) v(x)', [{ x: 2, n: 1 }, { x: 2, n: 2 }]],
  // After aggregation, before ORDER BY, DISTINCT and LIMIT.
  ['SELECT count(*) AS c, generate_series(1, 2) AS n FROM docs', [{ c: '3', n: 1 }, { c: '3', n: 2 }]],
  ['SELECT DISTINCT unnest(ARRAY[2, 1, 2]) AS n ORDER BY n DESC', [{ n: 2 }, { n: 1 }]],
  ['SELECT generate_series(1, 5) AS n LIMIT 2', [{ n: 1 }, { n: 2 }]],
  ['SELECT (SELECT count(*) FROM jsonb_object_keys(d.body)) AS keys FROM docs d ORDER BY id', [{ keys: '2' }, { keys: '1' }, { keys: '0' }]],
];

/** Query → PostgreSQL 15's SQLSTATE and message. */
const ERRORS: readonly (readonly [string, string, string])[] = [
  ['SELECT 1 WHERE generate_series(1, 2) > 1', '0A000', 'set-returning functions are not allowed in WHERE'],
  ['SELECT sum(generate_series(1, 3))', '0A000', 'aggregate function calls cannot contain set-returning function calls'],
  ['SELECT CASE WHEN true THEN generate_series(1, 2) END', '0A000', 'set-returning functions are not allowed in CASE'],
  ['SELECT coalesce(generate_series(1, 2), 0)', '0A000', 'set-returning functions are not allowed in COALESCE'],
  ['SELECT * FROM (VALUES (generate_series(1, 2))) v', '0A000', 'set-returning functions are not allowed in VALUES'],
  ['SELECT count(*) FROM docs HAVING generate_series(1, 2) > 0', '0A000', 'set-returning functions are not allowed in HAVING'],
  ["SELECT jsonb_object_keys('[1]')", '22023', 'cannot call jsonb_object_keys on an array'],
  ["SELECT * FROM json_object_keys('1')", '22023', 'cannot call json_object_keys on a scalar'],
  ["SELECT regexp_matches('a', 'a', 'z')", '22023', 'invalid regular expression option: "z"'],
];

let server: TestServer;
let ours: pg.Client;
let postgres: PostgresServer | undefined;
let theirs: pg.Client | undefined;

beforeAll(async () => {
  server = await startTestServer();
  ours = await server.client();
  await ours.query(SCHEMA);
  if (missing === undefined) {
    postgres = await startPostgres();
    theirs = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, database: postgres.database });
    await theirs.connect();
    await theirs.query(SCHEMA);
  }
}, 60_000);

afterAll(async () => {
  await theirs?.end();
  await Promise.all([server?.stop(), postgres?.stop()]);
});

async function failure(client: pg.Client, sql: string): Promise<{ code: string; message: string }> {
  try {
    await client.query(sql);
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error(`no error from ${sql}`);
}

describe('set-returning functions', () => {
  it.each(EXPECTED)('%s', async (sql, rows) => {
    expect((await ours.query(sql)).rows).toEqual(rows);
  });

  it.each(ERRORS)('%s fails', async (sql, code, message) => {
    expect(await failure(ours, sql)).toEqual({ code, message });
  });

  it.skipIf(missing !== undefined).each(EXPECTED)('%s: as PostgreSQL 15', async (sql) => {
    const [a, b] = await Promise.all([ours.query(sql), (theirs as pg.Client).query(sql)]);
    expect({ fields: a.fields.map((f) => [f.name, f.dataTypeID]), rows: a.rows }).toEqual({ fields: b.fields.map((f) => [f.name, f.dataTypeID]), rows: b.rows });
  });

  it.skipIf(missing !== undefined).each(ERRORS)('%s: fails as in PostgreSQL 15', async (sql) => {
    expect(await failure(ours, sql)).toEqual(await failure(theirs as pg.Client, sql));
  });
});
