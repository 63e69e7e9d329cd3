/**
 * node-postgres (`pg`) against ScratchBird as an application uses it: simple and extended
 * queries, results in binary format, each supported type written and read back, a Pool under
 * concurrency, transactions, a CancelRequest, and COPY through pg-copy-streams.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server/harness.ts';

let server: TestServer;
let client: pg.Client;

beforeAll(async () => {
  server = await startTestServer();
  client = await server.client();
});

afterAll(async () => {
  await server?.stop();
});

function connectionConfig(): pg.ClientConfig {
  return { host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' };
}

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected the query to fail');
}

describe('queries', () => {
  it('runs simple-protocol statements, several in one string', async () => {
    const results = await client.query('CREATE TABLE simple_q (id int PRIMARY KEY, name text); INSERT INTO simple_q VALUES (1, \'one\'), (2, \'two\'); SELECT name FROM simple_q ORDER BY id') as unknown as pg.QueryResult[];
    expect(results.map((r) => r.command)).toEqual(['CREATE', 'INSERT', 'SELECT']);
    expect(results[1].rowCount).toBe(2);
    expect(results[2].rows).toEqual([{ name: 'one' }, { name: 'two' }]);
  });

  it('runs named prepared statements again and again with different parameters', async () => {
    await client.query('CREATE TABLE prepared_q (id int PRIMARY KEY, score float8)');
    for (let i = 0; i < 20; i++) await client.query({ name: 'insert-score', text: 'INSERT INTO prepared_q VALUES ($1, $2)', values: [i, i / 4] });
    const picked = [];
    for (const id of [3, 8, 19]) picked.push((await client.query({ name: 'score-of', text: 'SELECT score FROM prepared_q WHERE id = $1', values: [id] })).rows[0].score);
    expect(picked).toEqual([0.75, 2, 4.75]);
    const { rows } = await client.query('SELECT count(*)::int AS n, sum(score) AS total FROM prepared_q WHERE id >= $1', [10]);
    expect(rows).toEqual([{ n: 10, total: 36.25 }]);
  });

  it('reports errors with their SQLSTATE and keeps the connection usable', async () => {
    expect((await failure(client.query('SELECT * FROM no_such_table'))).code).toBe('42P01');
    expect((await failure(client.query('SELECT $1::int', ['not a number']))).code).toBe('22P02');
    expect((await client.query('SELECT 1 AS still_here')).rows).toEqual([{ still_here: 1 }]);
  });

  it('decodes results the server sends in binary format', async () => {
    // pg 8 turns each binary value into a UTF-8 string before its binary parser sees it, so bytes
    // of 0x80 and up arrive mangled whatever the server sent (PostgreSQL 15 gives the same
    // numbers): the values here are chosen so that every byte of their binary form is ASCII.
    // `binary` is a pg QueryConfig option its type definitions leave out.
    const binaryQuery: pg.QueryConfig<number[]> & { binary: boolean } = {
      // pg sends Bind (where result formats go) only for queries with parameters.
      text: `SELECT $1::int2 AS i2, 70000::int4 AS i4, 9007199254740993::int8 AS i8, 0.5::float4 AS f4, 2::float8 AS f8,
                    true AS yes, 'hello'::text AS t, 12345.678::numeric AS num, ARRAY[1, 2, 3]::int4[] AS ints, ARRAY['x', 'y']::text[] AS texts`,
      values: [7],
      binary: true,
    };
    const result = await client.query(binaryQuery);
    expect(new Set(result.fields.map((field) => field.format))).toEqual(new Set(['binary']));
    expect(result.rows).toEqual([{ i2: 7, i4: 70000, i8: '9007199254740993', f4: 0.5, f8: 2, yes: true, t: 'hello', num: 12345.678, ints: [1, 2, 3], texts: ['x', 'y'] }]);
  });
});

describe('types', () => {
  const columns = `i2 int2, i4 int4, i8 int8, num numeric(20, 6), f4 float4, f8 float8, t text, vc varchar(20), b bool,
    d date, tm time, ts timestamp, tstz timestamptz, iv interval, id uuid, raw bytea, jb jsonb, ints int4[], texts text[]`;
  const values = {
    i2: -32768, i4: 2147483647, i8: '-9223372036854775808', num: '123456789.123456', f4: 0.5, f8: 1e300, t: 'tab\there, quote \' and ünïcode', vc: 'short',
    b: false, d: '1999-12-31', tm: '23:59:59.999999', ts: new Date(2000, 0, 1, 0, 0, 0, 123), tstz: new Date('2030-06-15T08:30:00.250Z'),
    iv: '1 year 2 mons 3 days 04:05:06', id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', raw: Buffer.from([0, 1, 2, 253, 254, 255]),
    jb: { b: 2, a: [true] }, ints: [3, null, -1], texts: ['a,b', '"q"', 'NULL', null],
  };

  it('writes every type as a parameter and reads the same value back', async () => {
    await client.query(`CREATE TABLE all_types (k int PRIMARY KEY, ${columns})`);
    const names = Object.keys(values);
    const params = names.map((name) => {
      const value = values[name as keyof typeof values];
      // pg sends a JS object as JSON text, but arrays as PostgreSQL arrays: make jsonb explicit.
      return name === 'jb' ? JSON.stringify(value) : value;
    });
    await client.query(`INSERT INTO all_types (k, ${names.join(', ')}) VALUES (1, ${names.map((_, i) => `$${i + 1}`).join(', ')})`, params);
    await client.query('INSERT INTO all_types (k) VALUES (2)');
    const { rows } = await client.query('SELECT * FROM all_types ORDER BY k');
    const back = rows[0];
    expect(back).toMatchObject({ i2: -32768, i4: 2147483647, i8: '-9223372036854775808', num: '123456789.123456', f4: 0.5, f8: 1e300, t: values.t, vc: 'short', b: false,
      tm: '23:59:59.999999', id: values.id, jb: values.jb, ints: [3, null, -1], texts: values.texts });
    expect(back.d).toEqual(new Date(1999, 11, 31));
    expect(back.ts).toEqual(values.ts);
    expect(back.tstz).toEqual(values.tstz);
    expect(back.iv).toMatchObject({ years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6 });
    expect(back.raw).toEqual(values.raw);
    expect(Object.entries(rows[1]).filter(([name, value]) => name !== 'k' && value !== null)).toEqual([]);
  });

  it('reports the type OIDs a driver dispatches on', async () => {
    const { fields } = await client.query('SELECT * FROM all_types LIMIT 0');
    const oid = Object.fromEntries(fields.map((field) => [field.name, field.dataTypeID]));
    expect(oid).toEqual({ k: 23, i2: 21, i4: 23, i8: 20, num: 1700, f4: 700, f8: 701, t: 25, vc: 1043, b: 16, d: 1082, tm: 1083, ts: 1114, tstz: 1184,
      iv: 1186, id: 2950, raw: 17, jb: 3802, ints: 1007, texts: 1009 });
  });

  it('round-trips json through a parameter, keeping its text as written', async () => {
    // ScratchBird has no json table columns yet (jsonb is the stored form), so json goes through a cast.
    const text = '{"b": 1, "a": [1, "two", null], "b": 2}';
    const { rows, fields } = await client.query('SELECT $1::json AS j, $1::json::text AS kept, $1::jsonb::text AS normalized', [text]);
    expect(fields[0].dataTypeID).toBe(114);
    expect(rows[0]).toEqual({ j: { a: [1, 'two', null], b: 2 }, kept: text, normalized: '{"a": [1, "two", null], "b": 2}' });
  });

  it('compares and filters typed parameters on the server side', async () => {
    const { rows } = await client.query('SELECT k FROM all_types WHERE id = $1 AND tstz > $2 AND jb @> $3 AND $4 = ANY(ints)', [values.id, new Date('2030-01-01Z'), '{"b":2}', -1]);
    expect(rows).toEqual([{ k: 1 }]);
  });
});

describe('Pool', () => {
  it('serves 20 concurrent clients running 50 queries each', async () => {
    const pool = new pg.Pool({ ...connectionConfig(), max: 20 });
    try {
      await pool.query('CREATE TABLE pool_hits (worker int, n int, PRIMARY KEY (worker, n))');
      await Promise.all(Array.from({ length: 20 }, async (_, worker) => {
        const c = await pool.connect();
        try {
          for (let n = 0; n < 50; n++) {
            if (n % 2 === 0) await c.query('INSERT INTO pool_hits VALUES ($1, $2)', [worker, n]);
            else expect((await c.query('SELECT count(*)::int AS n FROM pool_hits WHERE worker = $1', [worker])).rows[0].n).toBe((n + 1) / 2);
          }
        } finally {
          c.release();
        }
      }));
      expect(pool.totalCount).toBe(20);
      const { rows } = await pool.query('SELECT count(*)::int AS rows, count(DISTINCT worker)::int AS workers FROM pool_hits');
      expect(rows).toEqual([{ rows: 500, workers: 20 }]);
    } finally {
      await pool.end();
    }
  });
});

describe('transactions', () => {
  it('commits, rolls back, and rolls back to a savepoint', async () => {
    await client.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)');
    await client.query('INSERT INTO accounts VALUES (1, 100), (2, 0)');
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance - 30 WHERE id = 1');
    await client.query('UPDATE accounts SET balance = balance + 30 WHERE id = 2');
    await client.query('COMMIT');
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = 0');
    await client.query('ROLLBACK');
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance + 1 WHERE id = 1');
    await client.query('SAVEPOINT before_mistake');
    await client.query('DELETE FROM accounts');
    await client.query('ROLLBACK TO SAVEPOINT before_mistake');
    await client.query('COMMIT');
    expect((await client.query('SELECT id, balance FROM accounts ORDER BY id')).rows).toEqual([{ id: 1, balance: 71 }, { id: 2, balance: 30 }]);
  });

  it('aborts a failed transaction until ROLLBACK (25P02) and hides uncommitted rows from others', async () => {
    const other = await server.client();
    await client.query('BEGIN');
    await client.query('INSERT INTO accounts VALUES (3, 5)');
    expect((await other.query('SELECT count(*)::int AS n FROM accounts WHERE id = 3')).rows[0].n).toBe(0);
    expect((await failure(client.query('INSERT INTO accounts VALUES (1, 0)'))).code).toBe('23505');
    expect((await failure(client.query('SELECT 1'))).code).toBe('25P02');
    await client.query('ROLLBACK');
    expect((await client.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n).toBe(2);
  });
});

describe('cancel', () => {
  it('a CancelRequest from pg ends a waiting statement with 57014 and the session goes on', async () => {
    const holder = await server.client();
    const waiter = await server.client();
    await holder.query('SELECT pg_advisory_lock(4242)');
    const waiting = waiter.query('SELECT pg_advisory_lock(4242)');
    const outcome = failure(waiting);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // pg's own cancel path (what Pool users reach through query timeouts): a fresh Client sends
    // CancelRequest with the target's BackendKeyData. It is not part of pg's typed API.
    const canceller = new pg.Client(connectionConfig()) as pg.Client & { cancel(target: pg.Client, query: unknown): void };
    const activeQuery = (waiter as unknown as { activeQuery: unknown }).activeQuery;
    expect(activeQuery).toBeDefined();
    canceller.cancel(waiter, activeQuery);
    expect(await outcome).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    expect((await waiter.query('SELECT 2 AS after')).rows).toEqual([{ after: 2 }]);
    await holder.query('SELECT pg_advisory_unlock(4242)');
  });
});

describe('COPY with pg-copy-streams', () => {
  it('loads rows with COPY FROM STDIN and reads them back with COPY TO STDOUT', async () => {
    await client.query('CREATE TABLE copied (id int PRIMARY KEY, name text, note text)');
    const lines = Array.from({ length: 1000 }, (_, i) => `${i}\tname ${i}\t${i % 10 === 0 ? '\\N' : `note\\twith tab ${i}`}\n`);
    await pipeline(Readable.from(lines), client.query(copyFrom('COPY copied (id, name, note) FROM STDIN')));
    const { rows } = await client.query('SELECT count(*)::int AS n, count(note)::int AS notes, max(name) AS last FROM copied');
    expect(rows).toEqual([{ n: 1000, notes: 900, last: 'name 999' }]);
    expect((await client.query('SELECT note FROM copied WHERE id = 7')).rows[0].note).toBe('note\twith tab 7');

    const chunks: Buffer[] = [];
    await pipeline(client.query(copyTo('COPY (SELECT id, name, note FROM copied WHERE id < 3 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)')), new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }));
    expect(Buffer.concat(chunks).toString()).toBe('id,name,note\n0,name 0,\n1,name 1,note\twith tab 1\n2,name 2,note\twith tab 2\n');
  });

  it('rejects a malformed COPY line with 22P02 and loads nothing', async () => {
    await client.query('CREATE TABLE copy_bad (id int)');
    const error = await failure(pipeline(Readable.from(['1\n', 'two\n']), client.query(copyFrom('COPY copy_bad FROM STDIN'))));
    expect(error.code).toBe('22P02');
    expect((await client.query('SELECT count(*)::int AS n FROM copy_bad')).rows[0].n).toBe(0);
  });
});
