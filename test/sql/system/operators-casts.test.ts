/**
 * pg_operator and pg_cast list only what is true of the function library: each operator
 * resolves with the listed argument and result types and its function computes it, each cast
 * exists in exactly the listed context; and the rows are PostgreSQL 15's (compared with a live
 * PostgreSQL 15 where installed).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Value } from '../../../src/engine/types.ts';
import type { SqlType } from '../../../src/sql/types/sql-type.ts';
import '../../../src/coordinator/functions.ts';
import { canCast, operatorSignature, paramTypeFromOid, resolveFunction, resolveOperator, sqlTypeFromOid, sqlTypeOid } from '../../../src/sql/functions/index.ts';
import { BUILTIN_CASTS } from '../../../src/sql/system/builtin-casts.ts';
import { BUILTIN_OPERATORS } from '../../../src/sql/system/builtin-operators.ts';
import { findPostgres, startPostgres, type PostgresServer } from '../../support/postgres.ts';
import { context } from './fixture.ts';
import { rowsOf } from './support.ts';
import { evalContext } from '../../sblr/plans.ts';

const found = findPostgres();
const missing = 'missing' in found ? found.missing : undefined;

const CONTEXTS = { i: 'implicit', a: 'assignment', e: 'explicit' } as const;
const LOWER = { i: null, a: 'implicit', e: 'assignment' } as const;

const concrete = (oid: number) => {
  const type = sqlTypeFromOid(oid);
  if (type === undefined) throw new Error(`no type ${oid}`);
  return type;
};

/** A function's result type, called as PostgreSQL calls it: a VARIADIC function (whose last
 * parameter pg_proc lists as an array) with one element for that array. */
function functionResult(name: string, argTypes: readonly SqlType[]): SqlType {
  try {
    return resolveFunction(name, argTypes).returnType;
  } catch (error) {
    const last = argTypes[argTypes.length - 1];
    if (last.kind !== 'array') throw error;
    return resolveFunction(name, [...argTypes.slice(0, -1), last.element]).returnType;
  }
}

describe('pg_operator', () => {
  it.each(BUILTIN_OPERATORS.map((row) => [`${row[1]} (${row[2]}, ${row[3]}) → ${row[4]}`, row] as const))('%s is an operator of the library', (_name, row) => {
    const [, name, left, right, result, , , , code] = row;
    const argOids = left === 0 ? [right] : [left, right];
    expect(operatorSignature(name, argOids.map((oid) => paramTypeFromOid(oid) ?? concrete(oid)))).toBeDefined();
    // Over concrete types, the operator and its function resolve to the listed result type.
    if (argOids.some((oid) => sqlTypeFromOid(oid) === undefined)) return;
    const argTypes = argOids.map(concrete);
    expect(sqlTypeOid(resolveOperator(name, left === 0 ? null : argTypes[0], argTypes[argTypes.length - 1]).returnType)).toBe(result);
    expect(sqlTypeOid(functionResult(code, argTypes))).toBe(result);
  });

  it('an operator function computes what its operator does', () => {
    const ctx = evalContext();
    const int4 = concrete(23);
    const call = (name: string, args: Value[]) => resolveFunction(name, [int4, int4]).impl(args, ctx);
    expect(call('int4pl', [2, 3])).toBe(resolveOperator('+', int4, int4).impl([2, 3], ctx));
    expect(call('int4mul', [6, 7])).toBe(42);
  });

  it('pg_operator_is_visible and the descriptions follow the list', () => {
    const ctx = context();
    const rows = rowsOf(ctx, 'pg_catalog', 'pg_operator');
    expect(rows.length).toBe(BUILTIN_OPERATORS.length);
    const descriptions = rowsOf(ctx, 'pg_catalog', 'pg_description').filter((d) => d.classoid === 2617);
    expect(descriptions.length).toBe(BUILTIN_OPERATORS.length);
  });
});

describe('pg_cast', () => {
  it.each(BUILTIN_CASTS.map((row) => [`${row[1]} → ${row[2]} (${row[4]})`, row] as const))('%s is a cast of the library in exactly that context', (_name, row) => {
    const [, source, target, , context] = row;
    const from = concrete(source);
    const to = concrete(target);
    expect(canCast(from, to, CONTEXTS[context])).toBe(true);
    const lower = LOWER[context];
    if (lower !== null) expect(canCast(from, to, lower)).toBe(false);
  });
});

describe.skipIf(missing !== undefined)('pg_operator and pg_cast rows are PostgreSQL 15\'s', () => {
  let server: PostgresServer;
  let client: pg.Client;

  beforeAll(async () => {
    server = await startPostgres();
    client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  it('operators: every column and the description', async () => {
    const oids = BUILTIN_OPERATORS.map((row) => row[0]);
    const theirs = (await client.query(`
      SELECT o.oid, oprname, oprkind, oprcanmerge, oprcanhash, oprleft, oprright, oprresult, oprcom, oprnegate, oprcode::oid AS oprcode,
        obj_description(o.oid, 'pg_operator') AS description
      FROM pg_operator o WHERE o.oid = ANY ($1) ORDER BY o.oid`, [oids])).rows;
    const kept = new Set(oids);
    const ours = BUILTIN_OPERATORS.map(([oid, oprname, oprleft, oprright, oprresult, oprcom, oprnegate, oprcode, , oprcanmerge, oprcanhash, description]) => ({
      oid, oprname, oprkind: oprleft === 0 ? 'l' : 'b', oprcanmerge, oprcanhash, oprleft, oprright, oprresult, oprcom, oprnegate, oprcode, description,
    })).sort((a, b) => a.oid - b.oid);
    // A commutator or negator the list leaves out is 0 here.
    expect(ours).toEqual(theirs.map((r) => ({ ...r, oprcom: kept.has(r.oprcom) ? r.oprcom : 0, oprnegate: kept.has(r.oprnegate) ? r.oprnegate : 0 })));
  });

  it('casts: every column', async () => {
    const theirs = (await client.query('SELECT oid, castsource, casttarget, castfunc, castcontext, castmethod FROM pg_cast WHERE oid = ANY ($1) ORDER BY oid', [BUILTIN_CASTS.map((row) => row[0])])).rows;
    const ours = rowsOf(context(), 'pg_catalog', 'pg_cast').sort((a, b) => (a.oid as number) - (b.oid as number));
    expect(ours).toEqual(theirs);
  });
});
