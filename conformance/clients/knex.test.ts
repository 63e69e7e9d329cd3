/**
 * knex with its pg dialect: migrations up and down (knex takes its lock row in
 * knex_migrations_lock and releases it), query-builder CRUD with RETURNING, and transactions.
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server/harness.ts';

let server: TestServer;
let knex: Knex;

/** Migrations kept in code, as knex's migrationSource interface allows, instead of files. */
const migrations: Record<string, Knex.Migration> = {
  '001_authors': {
    up: (db) => db.schema.createTable('authors', (table) => {
      table.increments('id');
      table.string('name', 100).notNullable().unique();
      table.timestamps(true, true);
    }),
    down: (db) => db.schema.dropTable('authors'),
  },
  '002_books': {
    up: (db) => db.schema.createTable('books', (table) => {
      table.increments('id');
      table.integer('author_id').notNullable().references('id').inTable('authors');
      table.string('title').notNullable();
      table.decimal('price', 8, 2);
    }),
    down: (db) => db.schema.dropTable('books'),
  },
};

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};

beforeAll(async () => {
  server = await startTestServer();
  knex = knexFactory({ client: 'pg', connection: { host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' }, pool: { min: 0, max: 4 } });
});

afterAll(async () => {
  await knex?.destroy();
  await server?.stop();
});

async function tableNames(): Promise<string[]> {
  const rows: { table_name: string }[] = await knex('information_schema.tables').select('table_name').where('table_schema', 'public').orderBy('table_name');
  return rows.map((row) => row.table_name);
}

describe('knex migrations', () => {
  it('migrates up, records each migration, and leaves the lock released', async () => {
    const [batch, applied] = await knex.migrate.latest({ migrationSource });
    expect(batch).toBe(1);
    expect(applied).toEqual(['001_authors', '002_books']);
    expect(await tableNames()).toEqual(['authors', 'books', 'knex_migrations', 'knex_migrations_lock']);
    expect(await knex('knex_migrations').select('name', 'batch').orderBy('id')).toEqual([{ name: '001_authors', batch: 1 }, { name: '002_books', batch: 1 }]);
    expect(await knex('knex_migrations_lock').select('is_locked')).toEqual([{ is_locked: 0 }]);
    expect(await knex.migrate.currentVersion({ migrationSource })).toBe('002');
  });

  it('refuses to migrate while another process holds the lock', async () => {
    await knex('knex_migrations_lock').update({ is_locked: 1 });
    await expect(knex.migrate.latest({ migrationSource })).rejects.toThrow(/Migration table is already locked/);
    await knex.migrate.forceFreeMigrationsLock({ migrationSource });
    expect(await knex('knex_migrations_lock').select('is_locked')).toEqual([{ is_locked: 0 }]);
  });

  it('rolls back all the way and migrates up again', async () => {
    const [, rolledBack] = await knex.migrate.rollback({ migrationSource }, true);
    expect(rolledBack).toEqual(['002_books', '001_authors']);
    expect(await tableNames()).toEqual(['knex_migrations', 'knex_migrations_lock']);
    const [batch] = await knex.migrate.latest({ migrationSource });
    expect(batch).toBe(1);
    expect(await tableNames()).toEqual(['authors', 'books', 'knex_migrations', 'knex_migrations_lock']);
  });
});

describe('knex query builder', () => {
  it('inserts with RETURNING, selects with joins, updates and deletes', async () => {
    const [ursula] = await knex('authors').insert({ name: 'Ursula' }).returning(['id', 'name']);
    expect(ursula).toMatchObject({ name: 'Ursula' });
    const [terry] = await knex('authors').insert({ name: 'Terry' }).returning('id');
    await knex('books').insert([
      { author_id: ursula.id, title: 'The Dispossessed', price: '9.99' },
      { author_id: ursula.id, title: 'A Wizard of Earthsea', price: '7.50' },
      { author_id: terry.id, title: 'Mort', price: null },
    ]);
    const perAuthor = await knex('authors').join('books', 'books.author_id', 'authors.id')
      .select('authors.name').count({ books: 'books.id' }).sum({ total: 'books.price' })
      .groupBy('authors.name').orderBy('authors.name');
    expect(perAuthor).toEqual([{ name: 'Terry', books: '1', total: null }, { name: 'Ursula', books: '2', total: '17.49' }]);
    expect(await knex('books').where('price', '>', 8).update({ price: '8.99' })).toBe(1);
    expect(await knex('books').whereNull('price').del()).toBe(1);
    expect(await knex('books').select('title', 'price').orderBy('title')).toEqual([
      { title: 'A Wizard of Earthsea', price: '7.50' }, { title: 'The Dispossessed', price: '8.99' },
    ]);
    await expect(knex('authors').insert({ name: 'Ursula' })).rejects.toMatchObject({ code: '23505' });
    await expect(knex('books').insert({ author_id: 999, title: 'orphan' })).rejects.toMatchObject({ code: '23503' });
  });
});

describe('knex transactions', () => {
  it('commits a transaction callback and rolls back one that throws', async () => {
    await knex.transaction(async (trx) => {
      const [{ id }] = await trx('authors').insert({ name: 'Iain' }).returning('id');
      await trx('books').insert({ author_id: id, title: 'Excession' });
    });
    await expect(knex.transaction(async (trx) => {
      await trx('authors').insert({ name: 'Nobody' });
      throw new Error('abandon');
    })).rejects.toThrow('abandon');
    expect(await knex('authors').pluck('name').orderBy('name')).toEqual(['Iain', 'Terry', 'Ursula']);
    expect(await knex('books').where('title', 'Excession').count({ n: '*' })).toEqual([{ n: '1' }]);
  });
});
