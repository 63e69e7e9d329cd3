/**
 * Syntax errors against a real PostgreSQL 15 (skipped, saying why, when it is not installed):
 * SQLSTATE, message, hint and 1-based character position must be PostgreSQL's.
 *
 * Statements in ScratchBird's own syntax cannot be sent to PostgreSQL; for them the string
 * PostgreSQL gets is a twin in which our statement is replaced by a PostgreSQL statement of the
 * same length, so errors after it must be reported at the same place.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initParser, parseSql } from '../../../src/sql/parse/index.ts';
import { findPostgres, startPostgres, type PostgresServer } from '../../support/postgres.ts';

const found = findPostgres();
const missing = 'missing' in found ? found.missing : undefined;
if (missing !== undefined) console.warn(`Skipping the PostgreSQL differential parser tests: ${missing}.`);

interface Rejection {
  readonly code: string;
  readonly message: string;
  readonly position: number | undefined;
  readonly hint: string | undefined;
}

const rejectedByBoth = [
  'selec 1',
  'select fooo bar baz',
  'select * frm t',
  'select (1',
  'select * from t where a = 1 and',
  'insert into t values (1',
  'select 1; selec 2',
  "select 'é😀' foo bar",
  "select '😀😀😀' ; select  bad bad bad",
  'select a,\n  b\nfrom t\nwhere\n  c = = 1',
  "select 'abc",
  'select "abc',
  'select /* abc',
  'select $$abc',
  'select ""',
  'select 1a',
  'select 1 limit 1,2',
  'select sum(a) over (rows unbounded following) from t',
  'select sum(a) over (rows between current row and 1 preceding) from t',
  "select e'\\u12'",
  "select U&'\\12'",
  "select U&'\\D800'",
  'select (1,2) overlaps (1,2,3)',
  'select * from t natural join u using (a)',
  'create role public',
  'create role current_user',
  'alter table t add constraint u unique (a) not valid',
  'create assertion a check (true)',
  'select 1 fetch first null rows with ties',
];

/** [ScratchBird string, the PostgreSQL twin of the same length]. */
const twins: readonly (readonly [string, string])[] = [
  ['sweep x; select (1; select 2', 'table x; select (1; select 2'],
  ["select 'é'; sweep a b", "select 'é'; table a b"],
  ["sweep 😀x.y.z.w; select 1", "table 😀x.y.z.w; select 1"],
  ["create table t (a int) partition by (a); select 'é😀', (1; select 2", "create table t (a int) inherits (a)    ; select 'é😀', (1; select 2"],
  ['create table t (a int) partition by (a) wiht (fillfactor = 1)', 'create table t (a int) inherits (a)     wiht (fillfactor = 1)'],
  ['create table t (a int) partition by (a)) ', 'create table t (a int) inherits (a)    ) '],
];

function ourRejection(sql: string): Rejection | 'accepted' {
  try {
    parseSql(sql);
    return 'accepted';
  } catch (error) {
    const { code, message, position, hint } = error as { code: string; message: string; position?: number; hint?: string };
    return { code, message, position, hint };
  }
}

describe.skipIf(missing !== undefined)('syntax errors as PostgreSQL 15 reports them', () => {
  let server: PostgresServer | undefined;
  let client: pg.Client | undefined;

  beforeAll(async () => {
    await initParser();
    server = await startPostgres();
    client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  async function postgresRejection(sql: string): Promise<Rejection | 'accepted'> {
    try {
      await client!.query(sql);
      return 'accepted';
    } catch (error) {
      const { code, message, position, hint } = error as { code: string; message: string; position?: string; hint?: string };
      return { code, message, position: position === undefined ? undefined : Number(position), hint };
    }
  }

  it.each(rejectedByBoth)('%s', async (sql) => {
    const expected = await postgresRejection(sql);
    expect(expected).not.toBe('accepted');
    expect(ourRejection(sql)).toEqual(expected);
  });

  it.each(twins)('%s', async (sql, twin) => {
    expect(twin.length).toBe(sql.length);
    expect(ourRejection(sql)).toEqual(await postgresRejection(twin));
  });
});
