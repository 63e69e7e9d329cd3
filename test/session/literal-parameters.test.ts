/**
 * Literal parameterization of simple-protocol statements: which literals become parameters,
 * that every statement answers exactly as when planned as written, and that statements which
 * differ only in their numbers share one cached plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { parseSql, type ParsedStatement } from '../../src/sql/parse/index.ts';
import { parameterizeLiterals, QueryShapes } from '../../src/session/literal-parameters.ts';
import type { SqlSession } from '../../src/session/session.ts';
import type { ResultSink } from '../../src/session/contract.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';

let server: TestServer;
let client: pg.Client;
let session: SqlSession;

beforeAll(async () => {
  server = await startTestServer({ shards: 2 });
  client = await server.client();
  session = server.db.openSession({ user: 'postgres', database: 'postgres', applicationName: '', parameters: new Map(), remoteAddress: '127.0.0.1', loopback: true, tls: false }) as SqlSession;
  await client.query(`
    CREATE TABLE nums (id int PRIMARY KEY, small smallint, big bigint, amount numeric(10,2), flag boolean, note text);
    INSERT INTO nums VALUES (1, 10, 100, 1.50, true, 'one'), (2, 20, 3000000000, 2.25, false, 'two'), (3, 30, -5, 0, true, NULL), (4, 40, 7, 10.10, NULL, 'four');
    CREATE TABLE accounts (aid int NOT NULL, bid int, abalance int, filler char(84));
    INSERT INTO accounts (aid, bid, abalance) VALUES (1, 1, 0), (2, 1, 0), (3, 1, 0);
    ALTER TABLE accounts ADD PRIMARY KEY (aid);
  `);
});

afterAll(async () => {
  await session?.close();
  await server?.stop();
});

function parsed(sql: string): ParsedStatement {
  const [statement] = parseSql(sql);
  return statement;
}

/** The statement's answer through the simple protocol: rows, column types or the error (its
 * position aside: `asWritten` moves the statement in the string). */
async function answer(sql: string): Promise<unknown> {
  try {
    const result = await client.query(sql);
    return { rows: result.rows, types: result.fields.map((f) => [f.name, f.dataTypeID]), count: result.rowCount };
  } catch (e) {
    const err = e as { code: string; message: string; detail?: string };
    return { code: err.code, message: err.message, detail: err.detail };
  }
}

/** A `$` in a comment keeps a statement from being parameterized: it is planned as written. */
function asWritten(sql: string): string {
  return `/* $ */ ${sql}`;
}

describe('which literals become parameters', () => {
  it('numbers and booleans, in text order, with the types the binder gives the constants', () => {
    const p = parameterizeLiterals(parsed('SELECT 1, -2, 3000000000, 1.5, true, false FROM nums LIMIT 5 OFFSET 2'), session.functions);
    expect(p?.key).toBe('SELECT $1, $2, $3, $4, $5, $6 FROM nums LIMIT $7 OFFSET $8');
    expect(p?.types.map((t) => t.kind)).toEqual(['int4', 'int4', 'int8', 'numeric', 'bool', 'bool', 'int4', 'int4']);
    expect(p?.values.slice(0, 3)).toEqual([1, -2, 3000000000n]);
    expect(p?.values.slice(4)).toEqual([true, false, 5, 2]);
  });

  it('pgbench statements', () => {
    const update = parameterizeLiterals(parsed('UPDATE pgbench_accounts SET abalance = abalance + -4321 WHERE aid = 77;'), session.functions);
    expect(update?.key).toBe('UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2');
    expect(update?.values).toEqual([-4321, 77]);
    const insert = parameterizeLiterals(parsed('INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (3, 1, 12345, -77, CURRENT_TIMESTAMP);'), session.functions);
    expect(insert?.key).toBe('INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)');
    expect(insert?.values).toEqual([3, 1, 12345, -77]);
  });

  it('keeps positions, cast operands and NULL as written', () => {
    const p = parameterizeLiterals(parsed('SELECT DISTINCT ON (1) id, 5::int8, NULL, id + 7 FROM nums GROUP BY 1, 2 ORDER BY 1, 2 DESC'), session.functions);
    expect(p?.key).toBe('SELECT DISTINCT ON (1) id, 5::int8, NULL, id + $1 FROM nums GROUP BY 1, 2 ORDER BY 1, 2 DESC');
    expect(p?.values).toEqual([7]);
  });

  it('leaves alone statements with strings, with parameters already, without literals, or not in ASCII', () => {
    expect(parameterizeLiterals(parsed("SELECT id FROM nums WHERE note = 'one' AND id = 1"), session.functions)).toBeNull();
    expect(parameterizeLiterals(parsed('SELECT id FROM nums WHERE id = $1 AND small = 10'), session.functions)).toBeNull();
    expect(parameterizeLiterals(parsed('SELECT id FROM nums'), session.functions)).toBeNull();
    expect(parameterizeLiterals(parsed('SELECT id AS "näme" FROM nums WHERE id = 1'), session.functions)).toBeNull();
  });

  it('builds the tree with the parameters in place of the literals', () => {
    const p = parameterizeLiterals(parsed('SELECT id FROM nums WHERE id = 3 AND flag = true'), session.functions);
    expect(JSON.stringify(p?.tree())).toContain('"ParamRef":{"number":2');
    expect(JSON.stringify(p?.tree())).not.toContain('A_Const');
  });
});

describe('query shapes', () => {
  it('a string of a learned shape is parameterized from its text', () => {
    const shapes = new QueryShapes(16);
    const first = 'UPDATE accounts SET abalance = abalance + -12 WHERE aid = 3000000000;';
    const learned = shapes.match(first, session.functions);
    expect('normalized' in learned && learned.normalized).toBe('UPDATE accounts SET abalance = abalance + $1 WHERE aid = $2;');
    const p = parameterizeLiterals(parsed(first), session.functions, { sql: first });
    if (p === null || !('normalized' in learned) || learned.normalized === undefined) throw new Error('not parameterized');
    shapes.learn(learned.normalized, p);
    const next = shapes.match('UPDATE accounts SET abalance = abalance + 7 WHERE aid = 1.5;', session.functions);
    if (!('statement' in next)) throw new Error('shape not matched');
    expect(next.parameterized.key).toBe('UPDATE accounts SET abalance = abalance + $1 WHERE aid = $2;');
    expect(next.parameterized.types.map((t) => t.kind)).toEqual(['int4', 'numeric']);
    expect(next.parameterized.values).toEqual([7, '1.5']);
    expect(next.statement.text).toBe('UPDATE accounts SET abalance = abalance + 7 WHERE aid = 1.5');
    expect(shapes.match('UPDATE accounts SET abalance = abalance + 0x1F WHERE aid = 1;', session.functions)).not.toHaveProperty('statement');
  });

  it('values from the text are the values the parser gives', () => {
    const shapes = new QueryShapes(16);
    const learn = (sql: string) => {
      const m = shapes.match(sql, session.functions);
      const p = parameterizeLiterals(parsed(sql), session.functions, { sql });
      if (p !== null && 'normalized' in m && m.normalized !== undefined) shapes.learn(m.normalized, p);
    };
    learn('SELECT 1, 2, 3, 4');
    for (const literals of ['2147483647, -2147483648, 2147483648, -9223372036854775808', '007, - 5, 1e3, .5', '99999999999999999999, -0.0, 12.50, 0']) {
      const sql = `SELECT ${literals}`;
      const m = shapes.match(sql, session.functions);
      const p = parameterizeLiterals(parsed(sql), session.functions, { sql });
      if (!('statement' in m) || p === null) throw new Error(`not parameterized: ${sql}`);
      expect(m.parameterized.types).toEqual(p.types);
      expect(m.parameterized.values).toEqual(p.values);
    }
  });
});

describe('a parameterized statement answers as the statement as written', () => {
  const reads = [
    'SELECT 1 + 2, 3000000000 * 2, 1.5 + 1, -4 * 2, true AND false, 10 / 3, 10.0 / 3',
    'SELECT id, small FROM nums WHERE id = 2',
    'SELECT id FROM nums WHERE big = 3000000000',
    'SELECT id FROM nums WHERE amount > 1.6 ORDER BY id',
    'SELECT id FROM nums WHERE flag = true ORDER BY id',
    'SELECT id FROM nums ORDER BY id LIMIT 2 OFFSET 1',
    'SELECT id, small FROM nums ORDER BY 2 DESC, 1 LIMIT 3',
    'SELECT id % 2, count(*) FROM nums GROUP BY 1 ORDER BY 1',
    'SELECT id % 2 AS parity, count(*) FROM nums GROUP BY id % 2 ORDER BY 1',
    'SELECT DISTINCT ON (1) small > 15, id FROM nums ORDER BY 1, 2',
    'SELECT id FROM nums WHERE id IN (1, 3, 5) ORDER BY id',
    'SELECT id FROM nums WHERE small BETWEEN 15 AND 35 ORDER BY id',
    'SELECT id, CASE WHEN small > 20 THEN 10 ELSE 20 END FROM nums ORDER BY id',
    'SELECT 5::text, 1.5::int, 7::int8 + 1',
    "SELECT note, id FROM nums WHERE note = 'two' OR id = 3 ORDER BY id",
    'SELECT NULL, 1, id FROM nums WHERE id = 1',
    'SELECT 2147483647 + 1',
    'SELECT 1 / 0',
    'SELECT small * 100000 FROM nums WHERE id = 1',
    'SELECT id FROM nums WHERE small = 100000',
    'SELECT 1 UNION ALL SELECT 2.5 ORDER BY 1',
    'SELECT * FROM generate_series(1, 4) AS g ORDER BY 1 DESC LIMIT 2',
    'SELECT id FROM nums WHERE id = ANY (ARRAY[2, 4]) ORDER BY id',
    'SELECT (SELECT max(id) FROM nums WHERE id < 3) + 1',
  ];
  for (const sql of reads) {
    it(sql, async () => {
      const written = await answer(asWritten(sql));
      // The first run plans (and learns the string's shape), the second reuses the plan; the
      // same numbers spelled with a leading zero make another string of the same shape.
      expect(await answer(sql)).toEqual(written);
      expect(await answer(sql)).toEqual(written);
      const respelled = sql.replace(/(?<![\d.])\d+(?![\d.])/g, (digits) => `0${digits}`);
      expect(await answer(respelled)).toEqual(await answer(asWritten(respelled)));
    });
  }

  it('strings of one shape with other values, each from the shape', async () => {
    for (const [id, small] of [[1, 15], [2, 5], [4, 100], [3, 25]]) {
      const sql = `SELECT id, small * ${small}, ${id} > 2 FROM nums WHERE id = ${id} OR small > ${small};`;
      expect(await answer(sql)).toEqual(await answer(asWritten(sql)));
    }
  });

  const writes = [
    'INSERT INTO %t VALUES (10, 1, 2, 3.5, false, NULL), (11, 2, 3000000000, 0.25, true, NULL)',
    'INSERT INTO %t (id, small) VALUES (12, 100000)',
    'INSERT INTO %t (id, amount) VALUES (13, 123456789.5)',
    'UPDATE %t SET big = big + 5, amount = amount * 2 WHERE id = 2',
    'UPDATE %t SET small = small + 1 WHERE id IN (1, 3)',
    'UPDATE %t SET small = 100000 WHERE id = -1',
    'DELETE FROM %t WHERE id = 4',
    'INSERT INTO %t (id, small) VALUES (1, 5) ON CONFLICT (id) DO UPDATE SET small = excluded.small + 1',
  ];
  it('writes leave the same rows and report the same outcome', async () => {
    for (const table of ['left_nums', 'right_nums']) {
      await client.query(`CREATE TABLE ${table} (id int PRIMARY KEY, small smallint, big bigint, amount numeric(10,2), flag boolean, note text)`);
      await client.query(`INSERT INTO ${table} SELECT * FROM nums`);
    }
    for (const sql of writes) {
      const parameterized = await answer(sql.replace('%t', 'left_nums'));
      const written = await answer(asWritten(sql.replace('%t', 'right_nums')));
      expect({ sql, outcome: parameterized }).toEqual({ sql, outcome: written });
    }
    const contents = async (table: string) => (await client.query(`SELECT * FROM ${table} ORDER BY id`)).rows;
    expect(await contents('left_nums')).toEqual(await contents('right_nums'));
  });
});

describe('statements that differ only in their numbers share a plan', () => {
  const sink = { rowDescription() {}, row() {}, commandComplete() {}, emptyQuery() {}, notice() {}, parameterStatus() {}, copyOut() {}, copyData() {}, copyDone() {} } as unknown as ResultSink;

  function cached(sql: string): boolean {
    const p = parameterizeLiterals(parsed(sql), session.functions, { sql });
    if (p === null) return false;
    try {
      server.db.plans.get(p.key, p.types, session.catalogView(), session.searchPath(), session.setting('TimeZone'), () => {
        throw new Error('not cached');
      });
      return true;
    } catch {
      return false;
    }
  }

  it('pgbench select-only and TPC-B statements are planned once', async () => {
    const statements = (aid: number, delta: number) => [
      `UPDATE accounts SET abalance = abalance + ${delta} WHERE aid = ${aid};`,
      `SELECT abalance FROM accounts WHERE aid = ${aid};`,
    ];
    for (const sql of statements(1, 5)) await session.simpleQuery(sql, sink);
    for (const sql of statements(3, -42)) expect(cached(sql)).toBe(true);
    for (const sql of statements(2, 7)) await session.simpleQuery(sql, sink);
    expect((await client.query('SELECT aid, abalance FROM accounts ORDER BY aid')).rows).toEqual([
      { aid: 1, abalance: 5 },
      { aid: 2, abalance: 7 },
      { aid: 3, abalance: 0 },
    ]);
  });

  it('statements on partitioned tables are planned as written', async () => {
    await client.query('CREATE TABLE spread (k int, v int) PARTITION BY (k)');
    await client.query('INSERT INTO spread VALUES (1, 10), (2, 20)');
    await session.simpleQuery('SELECT v FROM spread WHERE k = 1', sink);
    expect(cached('SELECT v FROM spread WHERE k = 2')).toBe(false);
    expect(await answer('SELECT v FROM spread WHERE k = 2')).toEqual(await answer(asWritten('SELECT v FROM spread WHERE k = 2')));
  });

  it('a literal of another type is another plan', async () => {
    await session.simpleQuery('SELECT id FROM nums WHERE id = 1', sink);
    expect(cached('SELECT id FROM nums WHERE id = 2')).toBe(true);
    expect(cached('SELECT id FROM nums WHERE id = 2.5')).toBe(false);
  });
});
