/**
 * FOREIGN KEY constraints through the whole stack, with node-postgres: the DDL (as PostgreSQL
 * 15 words its errors, notices and defaults), every referential action, violations with their
 * SQLSTATE, message and detail, self-references and cycles, the distribution rule (co-located
 * partitioned tables work, anything needing a cross-shard check is refused), two sessions
 * racing on a referenced row, and statements that fail changing nothing.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
let db: pg.Client;

beforeAll(async () => {
  server = await startTestServer({ shards: 4 });
  db = await server.client();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

async function rows(sql: string, params: unknown[] = []): Promise<unknown[][]> {
  return (await db.query({ text: sql, values: params, rowMode: 'array' })).rows as unknown[][];
}

interface Failure {
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly table?: string;
  readonly constraint?: string;
}

async function failure(sql: string, client: pg.Client = db): Promise<Failure> {
  try {
    await client.query(sql);
  } catch (e) {
    const { code, message, detail, hint, table, constraint } = e as Failure;
    return { code, message, detail, hint, table, constraint };
  }
  throw new Error(`expected an error from: ${sql}`);
}

/** The notices a statement sends, as [message, detail]. */
async function notices(sql: string): Promise<[string, string | undefined][]> {
  const seen: [string, string | undefined][] = [];
  const listener = (n: { message?: string; detail?: string }): void => {
    seen.push([n.message ?? '', n.detail]);
  };
  db.on('notice', listener);
  try {
    await db.query(sql);
  } finally {
    db.off('notice', listener);
  }
  return seen;
}

async function reset(...tables: string[]): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS ${tables.join(', ')} CASCADE`);
}

function notPresent(table: string, constraint: string, key: string, parent: string): Partial<Failure> {
  return { code: '23503', message: `insert or update on table "${table}" violates foreign key constraint "${constraint}"`, detail: `Key ${key} is not present in table "${parent}".`, table, constraint };
}

function stillReferenced(parent: string, constraint: string, child: string, key: string): Partial<Failure> {
  return { code: '23503', message: `update or delete on table "${parent}" violates foreign key constraint "${constraint}" on table "${child}"`, detail: `Key ${key} is still referenced from table "${child}".`, table: child, constraint };
}

describe('FOREIGN KEY DDL', () => {
  it('accepts the column and table forms, names keys as PostgreSQL does and shows them in pg_constraint', async () => {
    await reset('p', 'c');
    await db.query('CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE, a int, b int, UNIQUE (a, b))');
    await db.query(`CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p, code text REFERENCES p (code) ON DELETE SET NULL ON UPDATE CASCADE,
      a int, b int, FOREIGN KEY (a, b) REFERENCES p (a, b) MATCH FULL ON DELETE RESTRICT NOT DEFERRABLE)`);
    await db.query('ALTER TABLE c ADD FOREIGN KEY (p) REFERENCES p');
    await db.query('ALTER TABLE c ADD CONSTRAINT c_named FOREIGN KEY (b, a) REFERENCES p (b, a) ON DELETE SET NULL (a)');
    expect(await rows(`SELECT conname, confrelid::regclass::text, conkey, confkey, confupdtype, confdeltype, confmatchtype, conindid::regclass::text, confdelsetcols,
        pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'c'::regclass AND contype = 'f' ORDER BY conname`)).toEqual([
      ['c_a_b_fkey', 'p', [4, 5], [3, 4], 'a', 'r', 'f', 'p_a_b_key', null, 'FOREIGN KEY (a, b) REFERENCES p(a, b) MATCH FULL ON DELETE RESTRICT'],
      ['c_code_fkey', 'p', [3], [2], 'c', 'n', 's', 'p_code_key', null, 'FOREIGN KEY (code) REFERENCES p(code) ON UPDATE CASCADE ON DELETE SET NULL'],
      ['c_named', 'p', [5, 4], [4, 3], 'a', 'n', 's', 'p_a_b_key', [4], 'FOREIGN KEY (b, a) REFERENCES p(b, a) ON DELETE SET NULL (a)'],
      ['c_p_fkey', 'p', [2], [1], 'a', 'a', 's', 'p_pkey', null, 'FOREIGN KEY (p) REFERENCES p(id)'],
      ['c_p_fkey1', 'p', [2], [1], 'a', 'a', 's', 'p_pkey', null, 'FOREIGN KEY (p) REFERENCES p(id)'],
    ]);
    expect(await rows(`SELECT constraint_name, unique_constraint_name, match_option, update_rule, delete_rule FROM information_schema.referential_constraints
        WHERE constraint_name LIKE 'c\\_%' ORDER BY 1`)).toEqual([
      ['c_a_b_fkey', 'p_a_b_key', 'FULL', 'NO ACTION', 'RESTRICT'],
      ['c_code_fkey', 'p_code_key', 'NONE', 'CASCADE', 'SET NULL'],
      ['c_named', 'p_a_b_key', 'NONE', 'NO ACTION', 'SET NULL'],
      ['c_p_fkey', 'p_pkey', 'NONE', 'NO ACTION', 'NO ACTION'],
      ['c_p_fkey1', 'p_pkey', 'NONE', 'NO ACTION', 'NO ACTION'],
    ]);
    expect(await rows(`SELECT constraint_name, table_name, column_name FROM information_schema.constraint_column_usage WHERE constraint_name = 'c_a_b_fkey' ORDER BY 3`))
      .toEqual([['c_a_b_fkey', 'p', 'a'], ['c_a_b_fkey', 'p', 'b']]);
    expect(await rows(`SELECT column_name, ordinal_position, position_in_unique_constraint FROM information_schema.key_column_usage WHERE constraint_name = 'c_named' ORDER BY 2`))
      .toEqual([['b', 1, 2], ['a', 2, 1]]);
    expect(await rows(`SELECT constraint_type FROM information_schema.table_constraints WHERE constraint_name = 'c_p_fkey'`)).toEqual([['FOREIGN KEY']]);
  });

  it('refuses what PostgreSQL refuses, with its SQLSTATEs and messages', async () => {
    await reset('p', 'c', 'np', 'v');
    await db.query('CREATE TABLE p (id int PRIMARY KEY, n int)');
    await db.query('CREATE TABLE np (a int)');
    await db.query('CREATE VIEW v AS SELECT * FROM p');
    expect(await failure('CREATE TABLE c (x int REFERENCES p (n))')).toMatchObject({ code: '42830', message: 'there is no unique constraint matching given keys for referenced table "p"' });
    expect(await failure('CREATE TABLE c (x int REFERENCES np)')).toMatchObject({ code: '42830', message: 'there is no primary key for referenced table "np"' });
    expect(await failure('CREATE TABLE c (x int, y int, FOREIGN KEY (x, y) REFERENCES p (id))')).toMatchObject({ code: '42830', message: 'number of referencing and referenced columns for foreign key disagree' });
    expect(await failure('CREATE TABLE c (x text REFERENCES p)')).toMatchObject({
      code: '42804', message: 'foreign key constraint "c_x_fkey" cannot be implemented', detail: 'Key columns "x" and "id" are of incompatible types: text and integer.',
    });
    expect(await failure('CREATE TABLE c (x numeric REFERENCES p)')).toMatchObject({ code: '42804', detail: 'Key columns "x" and "id" are of incompatible types: numeric and integer.' });
    expect(await failure('CREATE TABLE c (x int REFERENCES p (zz))')).toMatchObject({ code: '42703', message: 'column "zz" referenced in foreign key constraint does not exist' });
    expect(await failure('CREATE TABLE c (x int REFERENCES nope)')).toMatchObject({ code: '42P01', message: 'relation "nope" does not exist' });
    expect(await failure('CREATE TABLE c (x int REFERENCES v)')).toMatchObject({ code: '42809', message: 'referenced relation "v" is not a table' });
    expect(await failure('CREATE TABLE c (x int REFERENCES p MATCH PARTIAL)')).toMatchObject({ code: '0A000', message: 'MATCH PARTIAL not yet implemented' });
    expect(await failure('CREATE TABLE c (x int REFERENCES p ON UPDATE SET NULL (x))')).toMatchObject({ code: '0A000', message: 'a column list with SET NULL is only supported for ON DELETE actions' });
    expect(await failure('CREATE TABLE c (x int REFERENCES p DEFERRABLE)')).toMatchObject({ code: '0A000', message: 'DEFERRABLE constraints are not supported' });
    expect(await failure('CREATE TABLE c (x int, FOREIGN KEY (x) REFERENCES p INITIALLY DEFERRED)')).toMatchObject({ code: '0A000', message: 'DEFERRABLE constraints are not supported' });
    await db.query('CREATE TABLE c (x int REFERENCES p NOT DEFERRABLE INITIALLY IMMEDIATE)');
    await reset('c');
    expect(await failure('CREATE TABLE c (x int, y int, FOREIGN KEY (x) REFERENCES p ON DELETE SET NULL (y))')).toMatchObject({
      code: '42P10', message: 'column "y" referenced in ON DELETE SET action must be part of foreign key',
    });
    // bigint referencing int compares across the integer family; int referencing numeric converts implicitly.
    await db.query('CREATE TABLE c (x bigint REFERENCES p, y int2 REFERENCES p)');
    await db.query('CREATE TABLE c2 (id numeric PRIMARY KEY, x int REFERENCES c2)');
    await reset('c2');
  });

  it('ALTER TABLE … ADD FOREIGN KEY checks the rows already there, and DROP CONSTRAINT removes it', async () => {
    await reset('p', 'c');
    await db.query('CREATE TABLE p (id int PRIMARY KEY)');
    await db.query('CREATE TABLE c (id int PRIMARY KEY, p int)');
    await db.query('INSERT INTO p VALUES (1)');
    await db.query('INSERT INTO c VALUES (1, 1), (2, NULL), (3, 5)');
    expect(await failure('ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p')).toMatchObject(notPresent('c', 'c_p', '(p)=(5)', 'p'));
    expect(await rows(`SELECT count(*)::int FROM pg_constraint WHERE contype = 'f'`)).toEqual([[0]]);
    await db.query('DELETE FROM c WHERE id = 3');
    await db.query('ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p');
    expect(await failure('ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p')).toMatchObject({ code: '42710', message: 'constraint "c_p" for relation "c" already exists' });
    expect(await failure('INSERT INTO c VALUES (4, 7)')).toMatchObject(notPresent('c', 'c_p', '(p)=(7)', 'p'));
    await db.query('ALTER TABLE c DROP CONSTRAINT c_p');
    await db.query('INSERT INTO c VALUES (4, 7)');
    expect(await failure('ALTER TABLE c DROP CONSTRAINT c_p')).toMatchObject({ code: '42704', message: 'constraint "c_p" of relation "c" does not exist' });
    // A new column with a foreign key: checked too (its default references nothing here).
    await db.query('ALTER TABLE c ADD COLUMN q int REFERENCES p');
    expect(await failure('UPDATE c SET q = 9 WHERE id = 1')).toMatchObject(notPresent('c', 'c_q_fkey', '(q)=(9)', 'p'));
  });

  it('DROP TABLE of a referenced table needs CASCADE, which drops the constraints with PostgreSQL\'s notice', async () => {
    await reset('p', 'c', 'd');
    await db.query('CREATE TABLE p (id int PRIMARY KEY)');
    await db.query('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p)');
    await db.query('CREATE TABLE d (id int PRIMARY KEY, p int REFERENCES p)');
    expect(await failure('DROP TABLE p')).toEqual({
      code: '2BP01', message: 'cannot drop table p because other objects depend on it',
      detail: 'constraint c_p_fkey on table c depends on table p\nconstraint d_p_fkey on table d depends on table p',
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.', table: undefined, constraint: undefined,
    });
    // Dropped together, nothing is left depending on them.
    await db.query('DROP TABLE d, p, c');
    await db.query('CREATE TABLE p (id int PRIMARY KEY)');
    await db.query('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p)');
    expect(await notices('DROP TABLE p CASCADE')).toEqual([['drop cascades to constraint c_p_fkey on table c', undefined]]);
    await db.query('INSERT INTO c VALUES (1, 42)');
    expect(await rows(`SELECT count(*)::int FROM pg_constraint WHERE contype = 'f'`)).toEqual([[0]]);
  });

  it('TRUNCATE of a referenced table needs its referencing tables in the same statement, or CASCADE', async () => {
    await reset('p', 'c', 'g');
    await db.query('CREATE TABLE p (id int PRIMARY KEY)');
    await db.query('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p)');
    await db.query('CREATE TABLE g (id int PRIMARY KEY, c int REFERENCES c)');
    await db.query('INSERT INTO p VALUES (1)');
    await db.query('INSERT INTO c VALUES (1, 1)');
    await db.query('INSERT INTO g VALUES (1, 1)');
    expect(await failure('TRUNCATE p')).toMatchObject({
      code: '0A000', message: 'cannot truncate a table referenced in a foreign key constraint',
      detail: 'Table "c" references "p".', hint: 'Truncate table "c" at the same time, or use TRUNCATE ... CASCADE.',
    });
    expect(await failure('TRUNCATE p, c')).toMatchObject({ code: '0A000', detail: 'Table "g" references "c".' });
    await db.query('TRUNCATE g, c');
    await db.query('INSERT INTO c VALUES (1, 1)');
    expect(await notices('TRUNCATE p CASCADE')).toEqual([['truncate cascades to table "c"', undefined], ['truncate cascades to table "g"', undefined]]);
    expect(await rows('SELECT (SELECT count(*) FROM p)::int, (SELECT count(*) FROM c)::int')).toEqual([[0, 0]]);
  });

  it('refuses dropping a referenced key, index or column (2BP01) unless CASCADE; a referencing column takes its key along', async () => {
    await reset('p', 'c', 'd');
    await db.query('CREATE TABLE p (id int PRIMARY KEY, n int CONSTRAINT p_n UNIQUE, m int)');
    await db.query('CREATE UNIQUE INDEX p_m ON p (m)');
    await db.query('CREATE TABLE c (id int PRIMARY KEY, n int REFERENCES p (n), m int REFERENCES p (m), i int REFERENCES p)');
    expect(await failure('ALTER TABLE p DROP CONSTRAINT p_pkey')).toMatchObject({
      code: '2BP01', message: 'cannot drop constraint p_pkey on table p because other objects depend on it',
      detail: 'constraint c_i_fkey on table c depends on index p_pkey', hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
    expect(await failure('DROP INDEX p_m')).toMatchObject({
      code: '2BP01', message: 'cannot drop index p_m because other objects depend on it', detail: 'constraint c_m_fkey on table c depends on index p_m',
    });
    expect(await failure('ALTER TABLE p DROP COLUMN n')).toMatchObject({
      code: '2BP01', message: 'cannot drop column n of table p because other objects depend on it', detail: 'constraint c_n_fkey on table c depends on column n of table p',
    });
    expect(await notices('ALTER TABLE p DROP CONSTRAINT p_n CASCADE')).toEqual([['drop cascades to constraint c_n_fkey on table c', undefined]]);
    expect(await notices('DROP INDEX p_m CASCADE')).toEqual([['drop cascades to constraint c_m_fkey on table c', undefined]]);
    // Dropping a referencing column drops its foreign key; the remaining key follows the column shift.
    await db.query('ALTER TABLE c DROP COLUMN n');
    await db.query('ALTER TABLE p DROP COLUMN n');
    expect(await rows(`SELECT conname, conkey, confkey, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'`)).toEqual([['c_i_fkey', [3], [1], 'FOREIGN KEY (i) REFERENCES p(id)']]);
    await db.query('INSERT INTO p VALUES (1, 1)');
    await db.query('INSERT INTO c VALUES (1, NULL, 1)');
    expect(await failure('DELETE FROM p')).toMatchObject(stillReferenced('p', 'c_i_fkey', 'c', '(id)=(1)'));
  });
});

describe('FOREIGN KEY enforcement', () => {
  beforeAll(async () => {
    await reset('p', 'c', 'd', 'g');
  });

  it('a new or changed referencing row must find its key; NULL keys are not checked (MATCH SIMPLE)', async () => {
    await reset('p', 'c');
    await db.query('CREATE TABLE p (id int PRIMARY KEY, code varchar(8) UNIQUE)');
    await db.query('CREATE TABLE c (id int PRIMARY KEY, p bigint REFERENCES p, code text REFERENCES p (code))');
    await db.query("INSERT INTO p VALUES (1, 'one'), (2, 'two')");
    await db.query("INSERT INTO c VALUES (1, 1, 'two'), (2, NULL, NULL)");
    expect(await failure('INSERT INTO c VALUES (3, 5, NULL)')).toMatchObject(notPresent('c', 'c_p_fkey', '(p)=(5)', 'p'));
    expect(await failure("INSERT INTO c VALUES (3, 1, 'six')")).toMatchObject(notPresent('c', 'c_code_fkey', '(code)=(six)', 'p'));
    expect(await failure('UPDATE c SET p = 3 WHERE id = 1')).toMatchObject(notPresent('c', 'c_p_fkey', '(p)=(3)', 'p'));
    expect(await failure('INSERT INTO c SELECT 10 + id, id * 2, NULL FROM p')).toMatchObject(notPresent('c', 'c_p_fkey', '(p)=(4)', 'p'));
    await db.query('INSERT INTO c VALUES (5, 2, NULL) ON CONFLICT (id) DO UPDATE SET p = excluded.p');
    expect(await failure('INSERT INTO c VALUES (5, 9, NULL) ON CONFLICT (id) DO UPDATE SET p = excluded.p')).toMatchObject(notPresent('c', 'c_p_fkey', '(p)=(9)', 'p'));
    expect(await rows('SELECT id, p, code FROM c ORDER BY id')).toEqual([[1, '1', 'two'], [2, null, null], [5, '2', null]]);
  });

  it('MATCH FULL refuses keys mixing NULL and non-NULL columns', async () => {
    await reset('p', 'c');
    await db.query('CREATE TABLE p (a int, b int, PRIMARY KEY (a, b))');
    await db.query('CREATE TABLE c (a int, b int, FOREIGN KEY (a, b) REFERENCES p MATCH FULL)');
    await db.query('INSERT INTO p VALUES (1, 1)');
    await db.query('INSERT INTO c VALUES (1, 1), (NULL, NULL)');
    expect(await failure('INSERT INTO c VALUES (1, NULL)')).toMatchObject({
      code: '23503', message: 'insert or update on table "c" violates foreign key constraint "c_a_b_fkey"', detail: 'MATCH FULL does not allow mixing of null and nonnull key values.',
    });
    expect(await failure('INSERT INTO c VALUES (2, 1)')).toMatchObject(notPresent('c', 'c_a_b_fkey', '(a, b)=(2, 1)', 'p'));
  });

  it('NO ACTION and RESTRICT refuse deleting or re-keying a referenced row; NO ACTION accepts a key that is back by the end of the statement', async () => {
    await reset('p', 'c', 'r');
    await db.query('CREATE TABLE p (id int PRIMARY KEY, note text)');
    await db.query('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p)');
    await db.query('CREATE TABLE r (id int PRIMARY KEY, p int REFERENCES p ON DELETE RESTRICT ON UPDATE RESTRICT)');
    await db.query('INSERT INTO p VALUES (1, NULL), (2, NULL), (3, NULL)');
    await db.query('INSERT INTO c VALUES (1, 1)');
    await db.query('INSERT INTO r VALUES (1, 3)');
    expect(await failure('DELETE FROM p WHERE id = 1')).toMatchObject(stillReferenced('p', 'c_p_fkey', 'c', '(id)=(1)'));
    expect(await failure('UPDATE p SET id = 10 WHERE id = 1')).toMatchObject(stillReferenced('p', 'c_p_fkey', 'c', '(id)=(1)'));
    expect(await failure('DELETE FROM p WHERE id = 3')).toMatchObject(stillReferenced('p', 'r_p_fkey', 'r', '(id)=(3)'));
    await db.query("UPDATE p SET note = 'x'");
    // Keys 1 and 2 become 0 and 1: key 1 still exists at the end, which NO ACTION accepts.
    await db.query('UPDATE p SET id = id - 1 WHERE id < 3');
    expect(await rows('SELECT id FROM p ORDER BY id')).toEqual([[0], [1], [3]]);
    // RESTRICT does not look for a replacement: 3 → 4 and 4 → 3 in one statement is still refused.
    await db.query('INSERT INTO p VALUES (4, NULL)');
    expect(await failure('UPDATE p SET id = 7 - id WHERE id IN (3, 4)')).toMatchObject({ code: '23505' });
    await db.query('DELETE FROM r');
    await db.query('DELETE FROM p WHERE id = 3');
    expect(await rows('SELECT id FROM p ORDER BY id')).toEqual([[0], [1], [4]]);
  });

  it('CASCADE deletes and re-keys the referencing rows; RETURNING and the row count are the statement\'s own table\'s', async () => {
    await reset('p', 'c', 'g');
    await db.query('CREATE TABLE p (id int PRIMARY KEY)');
    await db.query('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p ON DELETE CASCADE ON UPDATE CASCADE)');
    await db.query('CREATE TABLE g (id int PRIMARY KEY, c int REFERENCES c ON DELETE CASCADE)');
    await db.query('INSERT INTO p VALUES (1), (2)');
    await db.query('INSERT INTO c VALUES (10, 1), (11, 1), (20, 2)');
    await db.query('INSERT INTO g VALUES (100, 10), (110, 11), (200, 20)');
    const deleted = await db.query('DELETE FROM p WHERE id = 1 RETURNING id');
    expect(deleted.rowCount).toBe(1);
    expect(deleted.rows).toEqual([{ id: 1 }]);
    expect(await rows('SELECT id FROM c ORDER BY id')).toEqual([[20]]);
    expect(await rows('SELECT id FROM g ORDER BY id')).toEqual([[200]]);
    const updated = await db.query('UPDATE p SET id = 5 WHERE id = 2');
    expect(updated.rowCount).toBe(1);
    expect(await rows('SELECT id, p FROM c ORDER BY id')).toEqual([[20, 5]]);
  });

  it('SET NULL and SET DEFAULT update the referencing rows, whose new values are checked in turn', async () => {
    await reset('p', 'n', 'd', 'k');
    await db.query('CREATE TABLE p (id int PRIMARY KEY, x int, y int, UNIQUE (x, y))');
    await db.query('CREATE TABLE n (id int PRIMARY KEY, p int REFERENCES p ON DELETE SET NULL ON UPDATE SET NULL)');
    await db.query('CREATE TABLE d (id int PRIMARY KEY, p int DEFAULT 0 REFERENCES p ON DELETE SET DEFAULT ON UPDATE CASCADE)');
    await db.query('CREATE TABLE k (id int PRIMARY KEY, x int, y int, FOREIGN KEY (x, y) REFERENCES p (x, y) ON DELETE SET NULL (x))');
    await db.query('INSERT INTO p VALUES (0, 0, 0), (1, 1, 1), (2, 2, 2), (3, 3, 3)');
    await db.query('INSERT INTO n VALUES (1, 1), (2, 2)');
    await db.query('INSERT INTO d VALUES (1, 1), (2, 2)');
    await db.query('INSERT INTO k VALUES (1, 3, 3)');
    await db.query('DELETE FROM p WHERE id = 1');
    expect(await rows('SELECT id, p FROM n ORDER BY id')).toEqual([[1, null], [2, 2]]);
    expect(await rows('SELECT id, p FROM d ORDER BY id')).toEqual([[1, 0], [2, 2]]);
    await db.query('UPDATE p SET id = 20 WHERE id = 2');
    expect(await rows('SELECT id, p FROM n ORDER BY id')).toEqual([[1, null], [2, null]]);
    expect(await rows('SELECT id, p FROM d ORDER BY id')).toEqual([[1, 0], [2, 20]]);
    await db.query('DELETE FROM p WHERE id = 3');
    expect(await rows('SELECT id, x, y FROM k')).toEqual([[1, null, 3]]);
    // A default that is the deleted key leaves the row referencing it: NO ACTION then refuses.
    expect(await failure('DELETE FROM p WHERE id = 0')).toMatchObject(stillReferenced('p', 'd_p_fkey', 'd', '(id)=(0)'));
    await db.query('UPDATE d SET p = 20');
    await db.query('ALTER TABLE d ALTER COLUMN p SET DEFAULT 5');
    expect(await failure('DELETE FROM p WHERE id = 20')).toMatchObject(notPresent('d', 'd_p_fkey', '(p)=(5)', 'p'));
    await db.query('UPDATE d SET p = 0 WHERE id = 1');
    await db.query('ALTER TABLE d ALTER COLUMN p DROP DEFAULT');
    await db.query('DELETE FROM p WHERE id = 0');
    expect(await rows('SELECT id, p FROM d ORDER BY id')).toEqual([[1, null], [2, 20]]);
  });

  it('self-references: rows of one statement in any order, and ON DELETE CASCADE removes a whole subtree', async () => {
    await reset('t');
    await db.query('CREATE TABLE t (id int PRIMARY KEY, parent int REFERENCES t ON DELETE CASCADE)');
    await db.query('INSERT INTO t VALUES (4, 2), (2, 1), (1, NULL), (3, 1), (5, 4), (6, NULL), (7, 7)');
    expect(await failure('INSERT INTO t VALUES (8, 9)')).toMatchObject(notPresent('t', 't_parent_fkey', '(parent)=(9)', 't'));
    const deleted = await db.query('DELETE FROM t WHERE id = 1');
    expect(deleted.rowCount).toBe(1);
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([[6], [7]]);
    await db.query('DELETE FROM t WHERE id = 7');
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([[6]]);
  });

  it('a self-referencing SET NULL checks the CHECK constraints of the rows it updates', async () => {
    await reset('tree');
    await db.query('CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree ON DELETE SET NULL, root bool NOT NULL DEFAULT false, CHECK (parent IS NOT NULL OR root))');
    await db.query('INSERT INTO tree VALUES (1, NULL, true), (2, 1, false)');
    expect(await failure('DELETE FROM tree WHERE id = 1')).toMatchObject({ code: '23514', message: 'new row for relation "tree" violates check constraint "tree_check"' });
    expect(await rows('SELECT id, parent FROM tree ORDER BY id')).toEqual([[1, null], [2, 1]]);
  });

  it('cycles between tables end: each row is deleted once', async () => {
    await reset('a', 'b');
    await db.query('CREATE TABLE a (id int PRIMARY KEY, b int)');
    await db.query('CREATE TABLE b (id int PRIMARY KEY, a int REFERENCES a ON DELETE CASCADE)');
    await db.query('ALTER TABLE a ADD FOREIGN KEY (b) REFERENCES b ON DELETE CASCADE');
    await db.query('INSERT INTO a VALUES (1, NULL), (2, NULL)');
    await db.query('INSERT INTO b VALUES (1, 1), (2, 2)');
    await db.query('UPDATE a SET b = id');
    await db.query('DELETE FROM a WHERE id = 1');
    expect(await rows('SELECT (SELECT array_agg(id ORDER BY id) FROM a), (SELECT array_agg(id ORDER BY id) FROM b)')).toEqual([[[2], [2]]]);
    await reset('a', 'b');
  });

  it('a statement that fails changes nothing, cascades included', async () => {
    await reset('p', 'c', 'r', 't');
    await db.query('CREATE TABLE p (id int PRIMARY KEY)');
    await db.query('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p ON DELETE CASCADE)');
    await db.query('CREATE TABLE r (id int PRIMARY KEY, c int REFERENCES c ON DELETE RESTRICT)');
    await db.query('INSERT INTO p VALUES (1), (2)');
    await db.query('INSERT INTO c VALUES (1, 1), (2, 2)');
    await db.query('INSERT INTO r VALUES (1, 2)');
    // The cascade reaches a RESTRICTed row: the whole DELETE is undone.
    expect(await failure('DELETE FROM p')).toMatchObject(stillReferenced('c', 'r_c_fkey', 'r', '(id)=(2)'));
    expect(await rows('SELECT (SELECT count(*) FROM p)::int, (SELECT count(*) FROM c)::int')).toEqual([[2, 2]]);
    expect(await failure('INSERT INTO c VALUES (3, 1), (4, 2), (5, 3)')).toMatchObject(notPresent('c', 'c_p_fkey', '(p)=(3)', 'p'));
    expect(await rows('SELECT count(*)::int FROM c')).toEqual([[2]]);
    // Inside a transaction block the failure aborts the transaction, as in PostgreSQL.
    await db.query('BEGIN');
    await db.query('INSERT INTO p VALUES (3)');
    expect((await failure('INSERT INTO c VALUES (9, 9)')).code).toBe('23503');
    expect((await failure('SELECT 1')).code).toBe('25P02');
    await db.query('ROLLBACK');
    expect(await rows('SELECT count(*)::int FROM p')).toEqual([[2]]);
  });
});

describe('FOREIGN KEYs and distribution', () => {
  it('co-located partitioned tables: the key joins the partition keys, and every check runs on the rows\' shard', async () => {
    await reset('orders', 'lines', 'tree');
    await db.query('CREATE TABLE orders (id bigint PRIMARY KEY, customer int) PARTITION BY (id)');
    await db.query('CREATE TABLE lines (order_id int REFERENCES orders ON DELETE CASCADE, n int, PRIMARY KEY (order_id, n)) PARTITION BY (order_id)');
    for (const id of [1, 2, 3, 4, 5, 6]) {
      await db.query('INSERT INTO orders VALUES ($1, 7)', [id]);
      await db.query('INSERT INTO lines VALUES ($1, 1), ($1, 2)', [id]);
    }
    expect(await failure('INSERT INTO lines VALUES (9, 1)')).toMatchObject(notPresent('lines', 'lines_order_id_fkey', '(order_id)=(9)', 'orders'));
    await db.query('DELETE FROM orders WHERE id = 4');
    expect(await rows('SELECT order_id, count(*)::int FROM lines GROUP BY order_id ORDER BY 1')).toEqual([[1, 2], [2, 2], [3, 2], [5, 2], [6, 2]]);
    // A self-reference within a partition: the partition key is part of both keys.
    await db.query('CREATE TABLE tree (tenant int, id int, parent int, PRIMARY KEY (tenant, id), FOREIGN KEY (tenant, parent) REFERENCES tree ON DELETE CASCADE) PARTITION BY (tenant)');
    await db.query('INSERT INTO tree VALUES (1, 3, 2), (1, 2, 1), (1, 1, NULL)');
    await db.query('DELETE FROM tree WHERE tenant = 1 AND id = 2');
    expect(await rows('SELECT id FROM tree ORDER BY id')).toEqual([[1]]);
  });

  it('refuses a foreign key that would need a cross-shard check, saying how to distribute the tables instead', async () => {
    await reset('home', 'spread', 'x');
    await db.query('CREATE TABLE home (id int PRIMARY KEY)');
    await db.query('CREATE TABLE spread (id int PRIMARY KEY, v int) PARTITION BY (id)');
    expect(await failure('CREATE TABLE x (id int PRIMARY KEY, h int REFERENCES home) PARTITION BY (id)')).toMatchObject({
      code: '0A000', message: 'foreign key constraint "x_h_fkey" would need checks across shards: table "x" is partitioned and table "home" is not',
      hint: 'Partition both tables by the key the foreign key joins them on, or create both tables without PARTITION BY (both then live on the home shard).',
    });
    expect(await failure('CREATE TABLE x (id int PRIMARY KEY, s int REFERENCES spread)')).toMatchObject({
      code: '0A000', message: 'foreign key constraint "x_s_fkey" would need checks across shards: table "spread" is partitioned and table "x" is not',
      hint: 'Partition "x" by (s) as well, or create both tables without PARTITION BY (both then live on the home shard).',
    });
    expect(await failure('CREATE TABLE x (id int PRIMARY KEY, s int REFERENCES spread) PARTITION BY (id)')).toMatchObject({
      code: '0A000', message: 'foreign key constraint "x_s_fkey" would need checks across shards: it does not join the partition key of "spread" (id) to the partition key of "x" (id)',
      hint: 'Partition "x" by (s), the columns referencing "spread"\'s partition key, or create both tables without PARTITION BY (both then live on the home shard).',
    });
    await db.query('CREATE TABLE x (id int, s int, PRIMARY KEY (id, s)) PARTITION BY (id)');
    expect((await failure('ALTER TABLE x ADD FOREIGN KEY (s) REFERENCES spread')).code).toBe('0A000');
    await reset('x');
  });
});

describe('FOREIGN KEYs and concurrent transactions', () => {
  it('a referenced row cannot be deleted by a transaction that commits while a referencing row is being added', async () => {
    await reset('p', 'c');
    await db.query('CREATE TABLE p (id int PRIMARY KEY, note text)');
    await db.query('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p)');
    await db.query('INSERT INTO p VALUES (1, NULL), (2, NULL)');
    const other = await server.client();
    // The inserter locks the referenced row; the deleter waits, then sees the new reference.
    await db.query('BEGIN');
    await db.query('INSERT INTO c VALUES (1, 1)');
    const deleting = failure('DELETE FROM p WHERE id = 1', other);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await db.query('COMMIT');
    expect(await deleting).toMatchObject(stillReferenced('p', 'c_p_fkey', 'c', '(id)=(1)'));
    // The other way round: the deleter goes first; the inserter waits and finds the row gone.
    await other.query('BEGIN');
    await other.query('DELETE FROM p WHERE id = 2');
    const inserting = failure('INSERT INTO c VALUES (2, 2)');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await other.query('COMMIT');
    expect(await inserting).toMatchObject(notPresent('c', 'c_p_fkey', '(p)=(2)', 'p'));
    // A deleter that rolls back lets the waiting insert through.
    await db.query('INSERT INTO p VALUES (3, NULL)');
    await other.query('BEGIN');
    await other.query('DELETE FROM p WHERE id = 3');
    const waiting = db.query('INSERT INTO c VALUES (3, 3)');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await other.query('ROLLBACK');
    await waiting;
    expect(await rows('SELECT id, p FROM c ORDER BY id')).toEqual([[1, 1], [3, 3]]);
    await other.end();
  });
});
