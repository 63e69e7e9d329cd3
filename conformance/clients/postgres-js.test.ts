/**
 * postgres.js as applications write it: tagged templates with typed parameters, pipelined
 * queries on one connection, `sql.begin` transactions with savepoints, and dynamic column lists.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server/harness.ts';

let server: TestServer;
let sql: postgres.Sql;

beforeAll(async () => {
  server = await startTestServer();
  sql = postgres({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres', max: 1, onnotice: () => undefined });
  await sql`CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, age int, joined date)`;
});

afterAll(async () => {
  await sql?.end();
  await server?.stop();
});

describe('postgres.js', () => {
  it('binds tagged-template values as parameters, never as SQL text', async () => {
    const hostile = "x'); DROP TABLE people; --";
    await sql`INSERT INTO people (id, name, age) VALUES (${1}, ${hostile}, ${null})`;
    const [row] = await sql`SELECT name, age FROM people WHERE id = ${1}`;
    expect(row).toEqual({ name: hostile, age: null });
    const [{ n }] = await sql`SELECT count(*)::int AS n FROM people WHERE name = ${hostile}`;
    expect(n).toBe(1);
  });

  it('pipelines many queries on a single connection and answers each in order', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => sql`SELECT ${i}::int AS i, ${`v${i}`}::text AS v`));
    expect(results.map(([row]) => row)).toEqual(Array.from({ length: 200 }, (_, i) => ({ i, v: `v${i}` })));
  });

  it('inserts and selects with dynamic column lists', async () => {
    const users = [
      { id: 2, name: 'ada', age: 36, joined: new Date('2020-01-02T00:00:00Z') },
      { id: 3, name: 'bob', age: 41, joined: new Date('2021-05-06T00:00:00Z') },
    ];
    await sql`INSERT INTO people ${sql(users, 'id', 'name', 'age')}`;
    const columns = ['id', 'name'];
    expect(await sql`SELECT ${sql(columns)} FROM people WHERE id IN ${sql([2, 3])} ORDER BY id`).toEqual([{ id: 2, name: 'ada' }, { id: 3, name: 'bob' }]);
    await sql`UPDATE people SET ${sql({ age: 37, name: 'ada l.' }, 'age', 'name')} WHERE id = ${2}`;
    expect(await sql`SELECT name, age, joined FROM people WHERE id = 2`).toEqual([{ name: 'ada l.', age: 37, joined: null }]);
  });

  it('commits sql.begin, rolls it back on a throw, and keeps work before a failed savepoint', async () => {
    const inserted = await sql.begin(async (tx) => {
      await tx`INSERT INTO people (id, name) VALUES (10, 'committed')`;
      return tx`SELECT count(*)::int AS n FROM people WHERE id = 10`;
    });
    expect(inserted[0].n).toBe(1);
    await expect(sql.begin(async (tx) => {
      await tx`INSERT INTO people (id, name) VALUES (11, 'lost')`;
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    await sql.begin(async (tx) => {
      await tx`INSERT INTO people (id, name) VALUES (12, 'kept')`;
      await expect(tx.savepoint((sp) => sp`INSERT INTO people (id, name) VALUES (12, 'duplicate')`)).rejects.toMatchObject({ code: '23505' });
      await tx`INSERT INTO people (id, name) VALUES (13, 'after savepoint')`;
    });
    expect(await sql`SELECT id, name FROM people WHERE id >= 10 ORDER BY id`).toEqual([
      { id: 10, name: 'committed' }, { id: 12, name: 'kept' }, { id: 13, name: 'after savepoint' },
    ]);
  });

  it('reports server errors with their SQLSTATE', async () => {
    await expect(sql`SELECT * FROM people WHERE nope = 1`).rejects.toMatchObject({ code: '42703', severity: 'ERROR' });
    await expect(sql`INSERT INTO people (id) VALUES (${99})`).rejects.toMatchObject({ code: '23502', message: expect.stringContaining('null value in column "name"') });
  });
});
