/**
 * src/sql/functions against a real PostgreSQL 15 (skipped, saying why, when it is not
 * installed): every expression of cases.ts is run by PostgreSQL (SELECT expr, pg_typeof(expr),
 * text results) and by ScratchBird (resolution, implicit casts and implementations through
 * expression.ts), comparing the text output, the result type, and for errors the SQLSTATE and
 * message. Also: the cast contexts of pg_cast between the supported types, and pg_type facts
 * (OIDs, format_type, category, preferred) of every type.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canCast,
  formatSqlType,
  isPreferredType,
  sqlTypeFromOid,
  sqlTypeName,
  sqlBinaryRecv,
  sqlBinarySend,
  sqlTextIn,
  sqlTextOut,
  sqlTypeOid,
  typeCategory,
  type CatalogNames,
  type EvalContext,
} from '../../../src/sql/functions/index.ts';
import type { SqlType } from '../../../src/sql/types/sql-type.ts';
import { findPostgres, startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { CASES, type Case } from './cases.ts';
import { evaluateExpression, type Outcome } from './expression.ts';

const found = findPostgres();
const missing = 'missing' in found ? found.missing : undefined;
if (missing !== undefined) console.warn(`Skipping the PostgreSQL differential function tests: ${missing}.`);

const BUILTIN_TYPE_NAMES: Record<number, string> = { 23: 'integer', 25: 'text', 1043: 'character varying', 1700: 'numeric' };

const catalog: CatalogNames = {
  relationOid: () => undefined,
  relationName: () => undefined,
  typeOid: () => undefined,
  typeName: (oid) => BUILTIN_TYPE_NAMES[oid],
  functionOid: () => undefined,
  functionName: () => undefined,
  namespaceOid: () => undefined,
  namespaceName: () => undefined,
  roleOid: () => undefined,
  roleName: () => undefined,
};

function context(timeZone: string): EvalContext {
  return {
    timeZone,
    transactionTimestamp: 0n,
    statementTimestamp: 0n,
    clockTimestamp: () => 0n,
    currentUser: 'postgres',
    sessionUser: 'postgres',
    currentDatabase: 'postgres',
    searchPath: ['public'],
    catalog,
    setting: () => undefined,
    random: Math.random,
  };
}

function normalize(testCase: Case): { sql: string; timeZone: string; typeOnly: boolean; codeOnly: boolean } {
  return typeof testCase === 'string'
    ? { sql: testCase, timeZone: 'UTC', typeOnly: false, codeOnly: false }
    : { sql: testCase.sql, timeZone: testCase.timeZone ?? 'UTC', typeOnly: testCase.typeOnly ?? false, codeOnly: testCase.codeOnly ?? false };
}

/** What a test compares: the type only, the code only, or everything. */
function comparable(outcome: Outcome, typeOnly: boolean, codeOnly: boolean): unknown {
  if ('code' in outcome) return codeOnly ? { code: outcome.code } : outcome;
  return typeOnly ? { type: outcome.type } : outcome;
}

describe.skipIf(missing !== undefined)('functions, operators and casts match PostgreSQL 15', () => {
  let server: PostgresServer;
  let client: pg.Client;

  beforeAll(async () => {
    server = await startPostgres();
    client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database, types: { getTypeParser: () => (text: string) => text } });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  async function postgres(sql: string): Promise<Outcome> {
    try {
      const result = await client.query(`SELECT ${sql} AS v, pg_typeof(${sql})::text AS t`);
      const { v, t } = result.rows[0] as { v: string | null; t: string };
      return { value: v, type: t === 'unknown' ? 'text' : t };
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      return { code: code ?? 'no code', message };
    }
  }

  it(`gives PostgreSQL's results for ${CASES.length} expressions`, async () => {
    const mismatches: { sql: string; postgres: unknown; ours: unknown }[] = [];
    let zone = '';
    for (const testCase of CASES) {
      const { sql, timeZone, typeOnly, codeOnly } = normalize(testCase);
      if (timeZone !== zone) {
        await client.query(`SET TimeZone = '${timeZone}'`);
        zone = timeZone;
      }
      const theirs = comparable(await postgres(sql), typeOnly, codeOnly);
      const ours = comparable(evaluateExpression(sql, context(timeZone)), typeOnly, codeOnly);
      if (JSON.stringify(theirs) !== JSON.stringify(ours)) mismatches.push({ sql, postgres: theirs, ours });
    }
    expect(mismatches).toEqual([]);
  });

  it("has pg_type's OID, name, category and preferred flag for every type and its array", async () => {
    const types: SqlType[] = [
      ...['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'bool', 'text', 'varchar', 'char', 'date', 'time', 'timestamp', 'timestamptz', 'interval', 'uuid', 'bytea', 'jsonb'].map((kind) => ({ kind }) as SqlType),
      ...['oid', 'regclass', 'regtype', 'regproc', 'regnamespace', 'regrole', 'name', 'char1', 'json', 'int2vector', 'oidvector', 'record', 'void', 'unknown'].map((kind) => ({ kind }) as SqlType),
    ];
    const withArrays = types.flatMap((type) => (type.kind === 'unknown' || type.kind === 'void' ? [type] : [type, { kind: 'array', element: type } as SqlType]));
    const ours = withArrays.map((type) => ({
      oid: sqlTypeOid(type),
      name: sqlTypeName(type),
      category: typeCategory(type),
      preferred: isPreferredType(type),
      back: formatSqlType(sqlTypeFromOid(sqlTypeOid(type))!),
    }));
    const theirs: unknown[] = [];
    for (const type of withArrays) {
      const { rows } = await client.query('SELECT oid::int4 AS oid, format_type(oid, NULL) AS name, typcategory AS category, typispreferred AS preferred, format_type(oid, -1) AS back FROM pg_type WHERE oid = $1', [sqlTypeOid(type)]);
      const row = rows[0] as { oid: string; name: string; category: string; preferred: string; back: string };
      theirs.push({ oid: Number(row.oid), name: row.name, category: row.category, preferred: row.preferred === 't', back: row.back });
    }
    expect(ours).toEqual(theirs);
  });

  it("reads, prints, sends and receives the SQL-only types as PostgreSQL's I/O functions do", async () => {
    const inputs: readonly [string, SqlType, string, readonly string[]][] = [
      ['oid', { kind: 'oid' }, 'oidsend', ['0', '12', ' 42 ', '+7', '-1', '4294967295', '4294967296', '-2147483648', '-2147483649', 'abc', '12abc', '']],
      ['name', { kind: 'name' }, 'namesend', ['abc', 'x'.repeat(70), 'é'.repeat(40), '', 'Mixed Case']],
      ['"char"', { kind: 'char1' }, 'charsend', ['a', 'ab', '', 'é', '\\101', '\\377', '\\000']],
      ['json', { kind: 'json' }, 'json_send', ['{"a" : 1,  "a": 2}', '[1,2', ' 1 ', '"\\u00e9"']],
      ['int2vector', { kind: 'int2vector' }, 'int2vectorsend', ['1 2 3', '', '  4  5 ', '1 x', '40000', '-3']],
      ['oidvector', { kind: 'oidvector' }, 'oidvectorsend', ['1 2', '4294967295', '', 'x']],
      ['name[]', { kind: 'array', element: { kind: 'name' } }, 'array_send', ['{a,b}', '{"x y",NULL}', '{}']],
      ['oid[]', { kind: 'array', element: { kind: 'oid' } }, 'array_send', ['{1,2}', '{-1}', '{x}']],
      ['regtype', { kind: 'regtype' }, 'regtypesend', ['integer', 'int4', 'character varying', '23', 'text[]', '"char"', '-', 'nosuchtype']],
      ['jsonb', { kind: 'jsonb' }, 'jsonb_send', ['{"b": 1, "a": [1.50, 1e2, -0]}', '"\\u00e9"']],
    ];
    const ctx = context('UTC');
    const mismatches: unknown[] = [];
    for (const [sqlType, type, send, texts] of inputs) {
      for (const text of texts) {
        let theirs: unknown;
        try {
          const { rows } = await client.query(`SELECT ($1::text)::${sqlType}::text AS out, ${send}(($1::text)::${sqlType}) AS bytes`, [text]);
          const row = rows[0] as { out: string; bytes: string };
          theirs = { out: row.out, bytes: row.bytes.slice(2) };
        } catch (error) {
          const { code, message } = error as { code: string; message: string };
          theirs = { code, message };
        }
        let ours: unknown;
        try {
          const value = sqlTextIn(type, text, ctx)!;
          const bytes = sqlBinarySend(type, value);
          const back = sqlBinaryRecv(type, bytes)!;
          ours = { out: sqlTextOut(type, value, ctx), bytes: Buffer.from(bytes).toString('hex') };
          if (sqlTextOut(type, back, ctx) !== sqlTextOut(type, value, ctx)) ours = { roundTrip: sqlTextOut(type, back, ctx) };
        } catch (error) {
          const { code, message } = error as { code: string; message: string };
          ours = { code, message };
        }
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push({ sqlType, text, postgres: theirs, ours });
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("casts in exactly pg_cast's contexts (plus conversion through text)", async () => {
    const kinds = ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'bool', 'text', 'varchar', 'bpchar', 'date', 'time', 'timestamp', 'timestamptz', 'interval', 'uuid', 'bytea', 'jsonb', 'json', 'oid', 'regclass', 'regtype', 'name', 'char'];
    const typeOf = (name: string): SqlType => (name === 'bpchar' ? { kind: 'char' } : name === 'char' ? { kind: 'char1' } : ({ kind: name } as SqlType));
    const { rows } = await client.query(`
      SELECT s.typname AS source, t.typname AS target, c.castcontext AS context
      FROM pg_cast c JOIN pg_type s ON s.oid = c.castsource JOIN pg_type t ON t.oid = c.casttarget
      WHERE s.typname = ANY($1) AND t.typname = ANY($1) AND s.oid <> t.oid`, [kinds]);
    const contexts = new Map((rows as { source: string; target: string; context: string }[]).map((row) => [`${row.source}>${row.target}`, row.context]));
    const mismatches: string[] = [];
    for (const source of kinds) {
      for (const target of kinds) {
        if (source === target) continue;
        const fromType = typeOf(source);
        const toType = typeOf(target);
        // Without a pg_cast entry, PostgreSQL converts through text to string types (assignment) and from them (explicit).
        const entry = contexts.get(`${source}>${target}`);
        const string = (type: SqlType) => typeCategory(type) === 'S';
        const expected = entry ?? (string(toType) ? 'a' : string(fromType) ? 'e' : undefined);
        const ours = canCast(fromType, toType, 'implicit') ? 'i' : canCast(fromType, toType, 'assignment') ? 'a' : canCast(fromType, toType, 'explicit') ? 'e' : undefined;
        if (ours !== expected) mismatches.push(`${source} -> ${target}: PostgreSQL ${expected ?? 'none'}, ours ${ours ?? 'none'}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
