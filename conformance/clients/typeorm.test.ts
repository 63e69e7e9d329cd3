/**
 * TypeORM on ScratchBird: `synchronize` builds an entity schema with a one-to-many relation
 * (a FOREIGN KEY), introspecting the catalog afterwards finds nothing left to migrate, and
 * repository CRUD and the query builder work over the relation.
 */
import 'reflect-metadata';
import { DataSource, EntitySchema } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server/harness.ts';

interface Author { id?: number; name: string; books?: Book[] }
interface Book { id?: number; title: string; author?: Author }

// EntitySchema instead of decorators: no experimentalDecorators needed in the TS config.
const AuthorEntity = new EntitySchema<Author>({
  name: 'author',
  columns: { id: { type: Number, primary: true, generated: true }, name: { type: String, unique: true } },
  relations: { books: { type: 'one-to-many', target: 'book', inverseSide: 'author' } },
});
const BookEntity = new EntitySchema<Book>({
  name: 'book',
  columns: { id: { type: Number, primary: true, generated: true }, title: { type: String } },
  relations: { author: { type: 'many-to-one', target: 'author', inverseSide: 'books', nullable: false } },
});

let server: TestServer;
let dataSource: DataSource;

beforeAll(async () => {
  server = await startTestServer();
  dataSource = new DataSource({ type: 'postgres', host: '127.0.0.1', port: server.port, username: 'postgres', database: 'postgres', entities: [AuthorEntity, BookEntity], synchronize: true });
  await dataSource.initialize();
});

afterAll(async () => {
  await dataSource?.destroy();
  await server?.stop();
});

describe('TypeORM', () => {
  it('synchronize leaves no pending schema change and creates the foreign key', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    const client = await server.client();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM information_schema.table_constraints WHERE table_name = 'book' AND constraint_type = 'FOREIGN KEY'");
    expect(rows[0].n).toBe(1);
  });

  it('saves, finds with relations, updates and deletes through repositories and the query builder', async () => {
    const authors = dataSource.getRepository(AuthorEntity);
    const books = dataSource.getRepository(BookEntity);
    const ursula = await authors.save({ name: 'Ursula' });
    await books.save([{ title: 'The Dispossessed', author: ursula }, { title: 'Lathe of Heaven', author: ursula }]);
    const found = await authors.findOne({ where: { name: 'Ursula' }, relations: { books: true } });
    expect(found?.books?.map((book) => book.title).sort()).toEqual(['Lathe of Heaven', 'The Dispossessed']);
    const counted = await dataSource.createQueryBuilder().select('a.name', 'name').addSelect('COUNT(b.id)::int', 'books')
      .from('author', 'a').leftJoin('book', 'b', 'b."authorId" = a.id').groupBy('a.name').getRawMany();
    expect(counted).toEqual([{ name: 'Ursula', books: 2 }]);
    await books.update({ title: 'Lathe of Heaven' }, { title: 'The Lathe of Heaven' });
    await books.delete({ title: 'The Dispossessed' });
    expect((await books.find({ relations: { author: true } })).map((book) => [book.title, book.author?.name])).toEqual([['The Lathe of Heaven', 'Ursula']]);
  });
});
