/**
 * Partitioned tables through the whole stack on 16 shards: rows spread by the hash of their
 * key, statements pinned to a key run on one shard, cross-shard reads push aggregation, top-k,
 * DISTINCT and co-located joins down to the shards, and a transaction writes one shard.
 * Results are checked against the same data computed in JavaScript and read from an
 * unpartitioned copy of the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { explainLines } from '../../src/planner/explain.ts';
import { partitionBucket } from '../../src/planner/partitioning.ts';
import { formatShards } from '../../src/planner/placement.ts';
import { preparePlan } from '../../src/session/prepare.ts';
import { INT4, TEXT, type SqlType } from '../../src/sql/types/sql-type.ts';
import { startTestServer, type TestServer } from './harness.ts';

const SHARDS = 16;
const ROWS = 60;

interface Item {
  readonly id: number;
  readonly grp: string;
  readonly qty: number;
  readonly price: number;
}

const items: Item[] = Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, grp: `g${(i * 7) % 4}`, qty: ((i * 37) % 50) + 1, price: ((i * 53) % 1000) / 4 }));

let server: TestServer;
let db: pg.Client;

const shardOf = (id: number): number => partitionBucket([id], [INT4], SHARDS);

beforeAll(async () => {
  server = await startTestServer({ shards: SHARDS });
  db = await server.client();
  await db.query('CREATE TABLE items (id int PRIMARY KEY, grp text NOT NULL, qty int, price numeric(10,2)) PARTITION BY (id)');
  await db.query('CREATE TABLE items_home (id int PRIMARY KEY, grp text NOT NULL, qty int, price numeric(10,2))');
  await db.query('CREATE TABLE details (item int, n int, note text, PRIMARY KEY (item, n)) PARTITION BY HASH (item)');
  for (const item of items) {
    const values = [item.id, item.grp, item.qty, item.price.toFixed(2)];
    await db.query('INSERT INTO items VALUES ($1, $2, $3, $4)', values);
    await db.query('INSERT INTO items_home VALUES ($1, $2, $3, $4)', values);
    // One autocommit statement per shard's rows: a statement writes one shard.
    if (item.id % 3 === 0) await db.query(`INSERT INTO details VALUES (${item.id}, 1, 'first of ${item.id}'), (${item.id}, 2, 'second of ${item.id}')`);
  }
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

async function rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await db.query(sql, params)).rows;
}

async function plan(sql: string, params: unknown[] = []): Promise<string[]> {
  return (await rows(`EXPLAIN ${sql}`, params)).map((r) => r['QUERY PLAN'] as string);
}

/**
 * EXPLAIN of a statement with parameters, as the session plans it for the extended protocol
 * (pg's EXPLAIN cannot take parameters through the wire).
 */
function explainPrepared(sql: string, parameterTypes: SqlType[]): string[] {
  const session = [...server.db.activeSessions()][0];
  const prepared = preparePlan(server.db.parseOne(sql), session.bindOptions(null, parameterTypes), server.db.planEnvironment);
  return explainLines(prepared.plan, (oid) => server.db.catalog.committed().get(oid)?.name ?? String(oid));
}

async function error(sql: string, params: unknown[] = []): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await db.query(sql, params);
  } catch (e) {
    const err = e as { code: string; message: string; hint?: string };
    return { code: err.code, message: err.message, hint: err.hint };
  }
  throw new Error(`expected an error from: ${sql}`);
}

/** Rows of table `name` stored on each shard, read from the shards' engines directly. */
async function rowsPerShard(name: string): Promise<number[][]> {
  const table = server.db.catalog.committed().table(undefined, name, ['public']);
  return Promise.all(server.db.shards.map(async (shard) => {
    const tx = shard.begin();
    const name = `r${table.oid}`;
    const ids = tx.tableNames().includes(name) ? [...tx.scan(name)].map((row) => row[0] as number) : [];
    await tx.rollback();
    return ids;
  }));
}

describe('rows spread over the shards', () => {
  it('stores each row on the shard its key hashes to', async () => {
    const perShard = await rowsPerShard('items');
    expect(perShard.flat().sort((a, b) => a - b)).toEqual(items.map((i) => i.id));
    perShard.forEach((ids, shard) => {
      for (const id of ids) expect(shardOf(id)).toBe(shard);
    });
    expect(perShard.filter((ids) => ids.length > 0).length).toBeGreaterThanOrEqual(12);
    // The unpartitioned copy lives whole on the home shard.
    expect((await rowsPerShard('items_home')).map((ids) => ids.length)).toEqual([ROWS, ...Array.from({ length: SHARDS - 1 }, () => 0)]);
  });

  it('routes keys drawn from a sequence as they are stored', async () => {
    await db.query('CREATE TABLE events (id bigserial PRIMARY KEY, what text) PARTITION BY (id)');
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await rows('INSERT INTO events (what) VALUES ($1) RETURNING id', [`e${i}`]))[0].id as string);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    expect(await rows('SELECT what FROM events WHERE id = $1', [13])).toEqual([{ what: 'e12' }]);
    const perShard = await rowsPerShard('events');
    expect(perShard.filter((r) => r.length > 0).length).toBeGreaterThan(5);
  });
});

describe('statements pinned to a partition key', () => {
  it('run on the one shard of the key (constants: chosen while planning)', async () => {
    expect((await plan('SELECT * FROM items WHERE id = 7'))[0]).toBe(`Shard ${shardOf(7)} (runs the whole subplan)`);
    expect((await plan('UPDATE items SET qty = qty + 1 WHERE id = 7'))[0]).toBe(`Shard ${shardOf(7)} (runs the whole subplan)`);
    expect((await plan('DELETE FROM items WHERE id = 7'))[0]).toBe(`Shard ${shardOf(7)} (runs the whole subplan)`);
    expect((await plan('SELECT count(*) FROM items WHERE id = 7 AND qty > 0'))[0]).toBe(`Shard ${shardOf(7)} (runs the whole subplan)`);
    expect((await plan('SELECT * FROM items WHERE id IN (3, 4, 5)'))[0]).toBe(`Gather from shards ${formatShards([3, 4, 5].map(shardOf))}`);
  });

  it('run on the shard of a parameter, chosen as they run', async () => {
    expect(explainPrepared('SELECT * FROM items WHERE id = $1', [INT4])).toEqual([
      'Shard of partition key ($1) among shards 0-15 (runs the whole subplan)',
      '->  Primary Key Scan on items (1 lookup)',
    ]);
    expect(explainPrepared('SELECT * FROM items WHERE id IN ($1, $2)', [INT4, INT4])[0]).toBe('Gather from the shards of partition keys ($1), ($2) among shards 0-15 (each shard: filter)');
    expect(explainPrepared('DELETE FROM items WHERE id = $1', [INT4])[0]).toBe('Shard of partition key ($1) among shards 0-15 (runs the whole subplan)');
    expect(await rows('SELECT id, grp FROM items WHERE id = $1', [7])).toEqual([{ id: 7, grp: items[6].grp }]);
    expect(await rows('SELECT id FROM items WHERE id IN ($1, $2, $3) ORDER BY id', [9, 40, 41])).toEqual([{ id: 9 }, { id: 40 }, { id: 41 }]);
    expect(await rows('SELECT count(*)::int AS n FROM items WHERE id = $1', [null])).toEqual([{ n: 0 }]);
  });

  it('pin a composite key only with every key column', async () => {
    await db.query('CREATE TABLE pairs (a int, b text, v int, PRIMARY KEY (a, b)) PARTITION BY (a, b)');
    for (const [a, b] of [[1, 'x'], [1, 'y'], [2, 'x']] as const) await db.query('INSERT INTO pairs VALUES ($1, $2, $3)', [a, b, a * 10]);
    const shard = partitionBucket([1, 'y'], [INT4, TEXT], SHARDS);
    expect((await plan("SELECT v FROM pairs WHERE a = 1 AND b = 'y'"))[0]).toBe(`Shard ${shard} (runs the whole subplan)`);
    expect((await plan('SELECT v FROM pairs WHERE a = 1'))[0]).toBe('Gather from shards 0-15 (each shard: projection)');
    expect(await rows('SELECT b FROM pairs WHERE a = $1 ORDER BY b', [1])).toEqual([{ b: 'x' }, { b: 'y' }]);
    expect(await rows('SELECT v FROM pairs WHERE a = $1 AND b = $2', [2, 'x'])).toEqual([{ v: 20 }]);
  });

  it('update and delete the pinned rows only', async () => {
    await db.query('CREATE TABLE notes (id int PRIMARY KEY, body text) PARTITION BY (id)');
    for (let id = 1; id <= 10; id++) await db.query('INSERT INTO notes VALUES ($1, $2)', [id, `n${id}`]);
    expect(await rows('UPDATE notes SET body = body || $2 WHERE id = $1 RETURNING id, body', [4, '!'])).toEqual([{ id: 4, body: 'n4!' }]);
    expect((await db.query('DELETE FROM notes WHERE id = 5')).rowCount).toBe(1);
    expect((await db.query('DELETE FROM notes WHERE id = $1', [99])).rowCount).toBe(0);
    // Not pinned, but only one shard has rows to change: allowed.
    expect((await db.query("UPDATE notes SET body = 'x' WHERE body = 'n8'")).rowCount).toBe(1);
    expect(await rows('SELECT id, body FROM notes WHERE id IN (4, 5, 8) ORDER BY id')).toEqual([{ id: 4, body: 'n4!' }, { id: 8, body: 'x' }]);
  });
});

describe('reads across shards', () => {
  it('aggregate partially on each shard and finish on the coordinator', async () => {
    const qty = items.map((i) => i.qty);
    const sum = qty.reduce((a, b) => a + b, 0);
    const [all] = await rows('SELECT count(*)::int AS n, sum(qty)::int AS s, min(price) AS lo, max(price) AS hi, avg(qty) AS a FROM items');
    expect(all).toEqual({
      n: ROWS, s: sum,
      lo: Math.min(...items.map((i) => i.price)).toFixed(2), hi: Math.max(...items.map((i) => i.price)).toFixed(2),
      a: (await rows('SELECT avg(qty) AS a FROM items_home'))[0].a,
    });
    expect(Number(all.a)).toBeCloseTo(sum / ROWS, 10);
    const grouped = await rows('SELECT grp, count(*)::int AS n, sum(qty)::int AS s, avg(price) AS a, max(id) AS top FROM items GROUP BY grp ORDER BY grp');
    const groups = [...new Set(items.map((i) => i.grp))].sort();
    expect(grouped.map(({ grp, n, s, top }) => ({ grp, n, s, top }))).toEqual(groups.map((grp) => {
      const members = items.filter((i) => i.grp === grp);
      return { grp, n: members.length, s: members.reduce((a, i) => a + i.qty, 0), top: Math.max(...members.map((i) => i.id)) };
    }));
    expect(grouped).toEqual(await rows('SELECT grp, count(*)::int AS n, sum(qty)::int AS s, avg(price) AS a, max(id) AS top FROM items_home GROUP BY grp ORDER BY grp'));
    expect(await rows('SELECT grp FROM items GROUP BY grp HAVING sum(qty) > 0 ORDER BY 1')).toEqual(groups.map((grp) => ({ grp })));
    // Not split: DISTINCT inside an aggregate needs every row in one place.
    expect(await rows('SELECT count(DISTINCT grp)::int AS n FROM items')).toEqual([{ n: groups.length }]);
    expect(await plan('SELECT grp, avg(qty) FROM items GROUP BY grp')).toEqual([
      'Finalize Aggregate (1 group key): avg',
      '->  Gather from shards 0-15 (each shard: partial aggregate)',
      '  ->  Partial Aggregate (1 group key): avg',
      '    ->  Seq Scan on items',
    ]);
  });

  it('variance and standard deviation combine across shards: numeric exactly, float8 closely', async () => {
    const numeric = 'var_samp(qty) AS vs, var_pop(qty) AS vp, stddev(price) AS sd, stddev_pop(price) AS sp, variance(price) AS v';
    expect(await rows(`SELECT grp, ${numeric} FROM items GROUP BY grp ORDER BY grp`)).toEqual(await rows(`SELECT grp, ${numeric} FROM items_home GROUP BY grp ORDER BY grp`));
    expect(await rows(`SELECT ${numeric} FROM items`)).toEqual(await rows(`SELECT ${numeric} FROM items_home`));
    // Shards combine float8 states in another order than one pass over the rows: equal to the last bits.
    const floats = 'stddev_samp(price::float8) AS s, var_pop(qty::float4) AS v';
    const [spread] = await rows(`SELECT ${floats} FROM items`);
    const [home] = await rows(`SELECT ${floats} FROM items_home`);
    expect(spread.s).toBeCloseTo(home.s as number, 9);
    expect(spread.v).toBeCloseTo(home.v as number, 9);
    const mean = items.reduce((a, i) => a + i.qty, 0) / ROWS;
    expect(home.v).toBeCloseTo(items.reduce((a, i) => a + (i.qty - mean) ** 2, 0) / ROWS, 9);
    expect(await plan('SELECT grp, stddev(qty) FROM items GROUP BY grp')).toEqual([
      'Finalize Aggregate (1 group key): stddev',
      '->  Gather from shards 0-15 (each shard: partial aggregate)',
      '  ->  Partial Aggregate (1 group key): stddev',
      '    ->  Seq Scan on items',
    ]);
  });

  it('grouping sets gather the rows, GROUPING() telling the sets apart', async () => {
    const sql = (table: string) => `SELECT grp, grouping(grp) AS g, count(*)::int AS n, var_pop(qty) AS v FROM ${table} GROUP BY ROLLUP (grp) ORDER BY 2, 1`;
    const rolled = await rows(sql('items'));
    expect(rolled).toEqual(await rows(sql('items_home')));
    expect(rolled.at(-1)).toMatchObject({ grp: null, g: 1, n: ROWS });
  });

  it('ORDER BY … LIMIT keeps the top rows per shard and merges them', async () => {
    const expected = [...items].sort((a, b) => b.qty - a.qty || a.id - b.id).slice(3, 8).map((i) => ({ id: i.id, qty: i.qty }));
    expect(await rows('SELECT id, qty FROM items ORDER BY qty DESC, id LIMIT 5 OFFSET 3')).toEqual(expected);
    expect(await rows('SELECT id, qty FROM items ORDER BY qty DESC, id LIMIT $1 OFFSET $2', [5, 3])).toEqual(expected);
    expect(await rows('SELECT id FROM items ORDER BY id')).toEqual(items.map((i) => ({ id: i.id })));
    const lines = await plan('SELECT id, qty FROM items ORDER BY qty DESC, id LIMIT 5 OFFSET 3');
    expect(lines[0]).toBe('Limit');
    expect(lines[1]).toBe('->  Gather from shards 0-15 (each shard: top-k, projection; merge sorted)');
  });

  it('DISTINCT per shard, then once more', async () => {
    expect(await rows('SELECT DISTINCT grp FROM items ORDER BY grp')).toEqual([...new Set(items.map((i) => i.grp))].sort().map((grp) => ({ grp })));
    expect((await plan('SELECT DISTINCT grp FROM items'))[1]).toBe('->  Gather from shards 0-15 (each shard: distinct, projection)');
  });

  it('materializes CTEs over partitioned tables on the coordinator', async () => {
    const big = items.filter((i) => i.qty > 40);
    expect(await rows('WITH big AS (SELECT id, grp FROM items WHERE qty > 40) SELECT (SELECT count(*)::int FROM big) AS n, h.id FROM items_home h JOIN big ON big.id = h.id ORDER BY h.id')).toEqual(
      big.map((i) => ({ n: big.length, id: i.id })),
    );
  });

  it('feeds INSERT … SELECT into a home-shard table', async () => {
    await db.query('CREATE TABLE totals (grp text PRIMARY KEY, n int)');
    expect((await db.query('INSERT INTO totals SELECT grp, count(*) FROM items GROUP BY grp')).rowCount).toBe(4);
    expect(await rows('SELECT grp, n FROM totals ORDER BY grp')).toEqual(await rows('SELECT grp, count(*)::int AS n FROM items_home GROUP BY grp ORDER BY grp'));
    expect((await plan('INSERT INTO totals SELECT grp, count(*) FROM items GROUP BY grp'))[0]).toBe('Insert on totals on shard 0 (rows computed on the coordinator)');
  });

  it('runs correlated subqueries across shards, sending the enclosing row along', async () => {
    const withDetails = items.filter((i) => i.id % 3 === 0).map((i) => i.id);
    expect(await rows('SELECT id, (SELECT count(*)::int FROM details d WHERE d.item = i.id) AS n FROM items i WHERE id <= 6 ORDER BY id')).toEqual(
      [1, 2, 3, 4, 5, 6].map((id) => ({ id, n: id % 3 === 0 ? 2 : 0 })),
    );
    expect(await rows('SELECT id FROM items i WHERE EXISTS (SELECT 1 FROM details d WHERE d.item = i.id AND d.n = 2) ORDER BY id')).toEqual(withDetails.map((id) => ({ id })));
    expect(await rows('SELECT h.id, (SELECT i.qty FROM items i WHERE i.id = h.id) AS qty FROM items_home h WHERE h.id < 4 ORDER BY h.id')).toEqual(
      items.slice(0, 3).map((i) => ({ id: i.id, qty: i.qty })),
    );
    expect(await rows('SELECT id FROM items i WHERE qty > (SELECT max(qty) - 3 FROM items_home h WHERE h.grp = i.grp) ORDER BY id')).toEqual(
      items.filter((i) => i.qty > Math.max(...items.filter((o) => o.grp === i.grp).map((o) => o.qty)) - 3).map((i) => ({ id: i.id })),
    );
  });

  it('joins co-located tables on each shard', async () => {
    const expected = items.filter((i) => i.id % 3 === 0).flatMap((i) => [1, 2].map((n) => ({ id: i.id, n, grp: i.grp })));
    expect(await rows('SELECT i.id, d.n, i.grp FROM items i JOIN details d ON d.item = i.id ORDER BY i.id, d.n')).toEqual(expected);
    expect((await plan('SELECT i.id, d.note FROM items i JOIN details d ON d.item = i.id'))[0]).toBe('Gather from shards 0-15 (each shard: projection, co-located join)');
    expect((await plan('SELECT i.id, d.note FROM items i JOIN details d ON d.item = i.id WHERE i.id = 6'))[0]).toBe(`Shard ${shardOf(6)} (runs the whole subplan)`);
    expect(await rows('SELECT d.note FROM items i JOIN details d ON d.item = i.id WHERE i.id = $1 ORDER BY d.n', [6])).toEqual([{ note: 'first of 6' }, { note: 'second of 6' }]);
    // Integer keys of different widths hash alike: still co-located.
    await db.query('CREATE TABLE wide (k bigint PRIMARY KEY, label text) PARTITION BY (k)');
    await db.query("INSERT INTO wide VALUES (6, 'six')");
    await db.query("INSERT INTO wide VALUES (7, 'seven')");
    expect((await plan('SELECT i.grp, w.label FROM items i JOIN wide w ON w.k = i.id'))[0]).toBe('Gather from shards 0-15 (each shard: projection, co-located join)');
    expect(await rows('SELECT i.id, w.label FROM items i JOIN wide w ON w.k = i.id ORDER BY i.id')).toEqual([{ id: 6, label: 'six' }, { id: 7, label: 'seven' }]);
    // Not on the partition key: both sides are gathered and joined on the coordinator.
    expect(await plan('SELECT i.id FROM items i JOIN details d ON d.n = i.id')).toEqual([
      'Project: id',
      '->  Hash Join',
      '  ->  Gather from shards 0-15',
      '    ->  Seq Scan on items',
      '  ->  Gather from shards 0-15',
      '    ->  Seq Scan on details',
    ]);
  });
});

describe('a transaction writes one shard', () => {
  const apart = (): [number, number] => {
    const first = 1000;
    let second = first + 1;
    while (shardOf(second) === shardOf(first)) second++;
    return [first, second];
  };

  it('refuses a statement whose rows land on two shards, naming them', async () => {
    const [a, b] = apart();
    const shards = [shardOf(a), shardOf(b)].sort((x, y) => x - y);
    const refused = await error(`INSERT INTO items VALUES (${a}, 'x', 1, 1), (${b}, 'x', 1, 1)`);
    expect(refused.code).toBe('0A000');
    expect(refused.message).toBe(`this INSERT would put rows of relation "items" on shards ${shards[0]} and ${shards[1]}; a statement writes one shard`);
    expect(refused.hint).toMatch(/co-locate/);
    expect(await rows('SELECT id FROM items WHERE id IN ($1, $2)', [a, b])).toEqual([]);
    const update = await error('UPDATE items SET qty = qty + 1 WHERE qty > 0');
    expect(update.code).toBe('0A000');
    expect(update.message).toMatch(/^this UPDATE would change rows of relation "items" on shards \d+(, \d+)* and \d+; a statement writes one shard$/);
  });

  it('refuses a second shard in one transaction, naming both', async () => {
    const [a, b] = apart();
    await db.query('BEGIN');
    await db.query('INSERT INTO items VALUES ($1, $2, 1, 1)', [a, 'x']);
    const refused = await error('INSERT INTO items VALUES ($1, $2, 1, 1)', [b, 'x']);
    await db.query('ROLLBACK');
    expect(refused.code).toBe('0A000');
    expect(refused.message).toBe(`this transaction already wrote to shard ${shardOf(a)} and cannot also write to shard ${shardOf(b)}`);
    expect(refused.hint).toMatch(/co-locate/);
    // Rows of one shard, in one transaction, are fine; a parameter picks its shard as the
    // statement runs, and only that shard is written.
    const elsewhere = items.find((i) => shardOf(i.id) !== shardOf(a)) as Item;
    await db.query('BEGIN');
    await db.query('INSERT INTO items VALUES ($1, $2, 1, 1)', [a, 'x']);
    await db.query('UPDATE items SET qty = 2 WHERE id = $1', [a]);
    expect((await error('UPDATE items SET qty = 2 WHERE id = $1', [elsewhere.id])).message).toBe(`this transaction already wrote to shard ${shardOf(a)} and cannot also write to shard ${shardOf(elsewhere.id)}`);
    await db.query('ROLLBACK');
    await db.query('BEGIN');
    await db.query('INSERT INTO items VALUES ($1, $2, 1, 1)', [a, 'x']);
    await db.query('UPDATE items SET qty = 2 WHERE id = $1', [a]);
    await db.query('COMMIT');
    expect(await rows('SELECT qty FROM items WHERE id = $1', [a])).toEqual([{ qty: 2 }]);
    await db.query('DELETE FROM items WHERE id = $1', [a]);
  });

  it('refuses updating the partition key', async () => {
    expect(await error('UPDATE items SET id = 2 WHERE id = 1')).toMatchObject({ code: '0A000', message: 'cannot update partition key column "id" of table "items"' });
  });
});

describe('constraints on partitioned tables', () => {
  it('keys must include the partition key; a foreign key must join partition keys', async () => {
    expect((await error('CREATE TABLE bad1 (a int PRIMARY KEY, b int) PARTITION BY (b)')).code).toBe('0A000');
    expect((await error('CREATE UNIQUE INDEX items_grp ON items (grp)')).code).toBe('0A000');
    expect(await error('ALTER TABLE items ADD CONSTRAINT items_qty UNIQUE (qty)')).toMatchObject({
      code: '0A000', message: 'UNIQUE constraint "items_qty" on partitioned table "items" must include all partition key columns',
    });
    await db.query('ALTER TABLE items ADD CONSTRAINT items_id_grp UNIQUE (id, grp)');
    expect((await error('CREATE TABLE bad2 (a int PRIMARY KEY, b int REFERENCES items (id)) PARTITION BY (a)')).code).toBe('0A000');
  });
});
