/**
 * The verifier refuses every kind of bad program with the documented SQLSTATE and a message
 * that says what is wrong: broken containers, malformed bytes, unbalanced stacks, type errors,
 * nodes at the wrong site, stale or unknown tables, and programs past the resource limits.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors.ts';
import type { Expr, Rel, TableRef } from '../../src/sql/plan/ir.ts';
import { BOOL, INT4, INT8, TEXT, type SqlType } from '../../src/sql/types/sql-type.ts';
import { encodeProgram } from '../../src/sblr/encode.ts';
import { isSchemaChanged } from '../../src/sblr/errors.ts';
import { verifyProgram, type FunctionChecker, type VerifierCatalog } from '../../src/sblr/verify.ts';
import { FORMAT_VERSION, MAX_PROGRAM_BYTES } from '../../sblr/format.ts';
import { Asm, assemble, rehash } from './assembler.ts';
import { TestCatalog, everyFunction } from './support.ts';

const T: TableRef = { oid: 100, version: 2, columns: [{ name: 'id', type: INT4 }, { name: 'name', type: TEXT }], hiddenRowId: false };
const catalog = new TestCatalog().add(T, ['t_name']);
const scanT: Rel = { rel: 'scan', table: T };
const int4 = (value: number): Expr => ({ op: 'const', type: INT4, value });
const bool = (value: boolean): Expr => ({ op: 'const', type: BOOL, value });
const column = (index: number, type: SqlType): Expr => ({ op: 'column', type, index });
const equals = (left: Expr, right: Expr): Expr => ({ op: 'call', type: BOOL, kind: 'operator', name: '=', argTypes: [INT4, INT4], args: [left, right] });
const filterT = (predicate: Expr): Rel => ({ rel: 'filter', input: scanT, predicate });

/** Accepts `=`(int4, int4) → bool and explicit int4 → text casts only. */
const strictFunctions: FunctionChecker = {
  ...everyFunction,
  checkCall: (kind, name, argTypes, returnType) =>
    kind === 'operator' && name === '=' && argTypes.length === 2 && argTypes.every((type) => type.kind === 'int4') && returnType.kind === 'bool',
  checkCast: (from, to, context) => from.kind === 'int4' && to.kind === 'text' && context === 'explicit',
};

interface Where {
  readonly site?: 'shard' | 'coordinator';
  readonly catalog?: VerifierCatalog;
  readonly functions?: FunctionChecker;
}

function rejection(bytes: Uint8Array, where: Where = {}): EngineError {
  try {
    verifyProgram(bytes, where.site ?? 'shard', where.catalog ?? catalog, where.functions ?? everyFunction);
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('the program was accepted');
}

function expectInvalid(bytes: Uint8Array, message: string | RegExp, where?: Where): void {
  const error = rejection(bytes, where);
  expect(error.code).toBe('42000');
  expect(error.message).toMatch(/^invalid SBLR program: /);
  expect(error.message).toMatch(message);
}

function plan(root: Rel, parameterTypes: readonly SqlType[] = []): Uint8Array {
  return encodeProgram(root, { parameterTypes });
}

/** A scan of T: the smallest valid program body. */
const scan = () => new Asm().op('SCAN').uint(T.oid);
const withT = { tables: [T] };

describe('a valid program', () => {
  it('verifies to its plan, with its hash and tables', () => {
    const root = filterT(equals(column(0, INT4), { op: 'param', type: INT4, index: 0 }));
    const bytes = plan(root, [INT4]);
    const verified = verifyProgram(bytes, 'shard', catalog, strictFunctions);
    expect(verified.root).toEqual(root);
    expect(verified.parameterTypes).toEqual([INT4]);
    expect(verified.tables).toEqual([T]);
    expect(verified.hash).toMatch(/^[0-9a-f]{32}$/);
    expect(verifyProgram(assemble(scan(), withT), 'shard', catalog, everyFunction).root).toEqual(scanT);
  });
});

describe('the container', () => {
  it('needs the magic, a supported version and a matching hash', () => {
    const good = assemble(scan(), withT);
    expectInvalid(good.subarray(0, 10), 'shorter than the 21-byte header');
    const notSblr = Buffer.from(good);
    notSblr[0] = 0x58;
    expectInvalid(notSblr, 'do not start with "SBLR"');
    expectInvalid(assemble(scan(), { ...withT, version: FORMAT_VERSION + 1 }), `format version ${FORMAT_VERSION + 1} is not supported; this node reads version ${FORMAT_VERSION}`);
    const tampered = Buffer.from(good);
    tampered[tampered.length - 1] ^= 1;
    expectInvalid(tampered, 'the content hash does not match');
  });

  it('refuses programs over 16 MiB before reading them (54000)', () => {
    const huge = Buffer.alloc(MAX_PROGRAM_BYTES + 1);
    assemble(scan(), withT).copy(huge);
    const error = rejection(huge);
    expect(error.code).toBe('54000');
    expect(error.message).toMatch('SBLR program too large');
  });
});

describe('well-formed bytes', () => {
  it('refuses truncated programs and bytes after the root', () => {
    const good = assemble(scan(), withT);
    expectInvalid(rehash(good.subarray(0, good.length - 1)), 'truncated');
    expectInvalid(assemble(scan().constant(INT4, 1), withT), 'leaves relation, value where one relation is expected');
  });

  it('refuses unknown opcodes and operands out of range', () => {
    expectInvalid(assemble(new Asm().u8(0x00), withT), 'unknown opcode 0x00');
    expectInvalid(assemble(new Asm().u8(0xee), withT), 'unknown opcode 0xee');
    const coordinator = { site: 'coordinator' } as const;
    expectInvalid(assemble(new Asm().op('CATALOG').str('x').uint(1).str('c').u8(0x7f)), 'unknown type code 127', coordinator);
    expectInvalid(assemble(new Asm().op('INDEX_SCAN').uint(T.oid).u8(2), withT), 'boolean byte 2');
    const badContext = scan().op('PROJECT').columns({ name: 'c', type: TEXT }).block((a) => a.constant(INT4, 1).op('CAST').type(TEXT).u8(3));
    expectInvalid(assemble(badContext, withT), 'operand context value 3 out of range');
    expectInvalid(assemble(new Asm().op('CATALOG').str('x').uint(1).str('c').u8(0x07, 0x04)), 'type modifier flags 4', coordinator);
    // row_number() over a ROWS frame of the whole partition, with exclusion byte 4 (there are 4 exclusions).
    const call = (exclude: number) => (a: Asm) => a.op('WINDOW_CALL').u8(0).type(INT8).types().bool(false).u8(0, 0, 4, exclude).block(() => {});
    const window = (exclude: number) => scan().op('WINDOW').columns(...T.columns, { name: 'n', type: INT8 }).uint(0).uint(0).uint(1).block(call(exclude));
    expect(() => verifyProgram(assemble(window(3), withT), 'shard', catalog, everyFunction)).not.toThrow();
    expectInvalid(assemble(window(4), withT), 'operand exclude value 4 out of range');
  });

  it('accepts only canonical encodings', () => {
    expectInvalid(assemble(new Asm().op('SCAN').u8(0xe4, 0x80, 0x00), withT), 'overlong varint');
    expectInvalid(assemble(new Asm().op('SCAN').u8(0xff, 0xff, 0xff, 0xff, 0x7f), withT), 'varint beyond 32 bits');
    const nan = new Asm().op('VALUES').columns({ name: 'f', type: { kind: 'float8' } }).uint(1)
      .block((a) => a.op('CONST').type({ kind: 'float8' }).u8(1, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1));
    expectInvalid(assemble(nan), 'non-canonical NaN');
    const numeric = new Asm().op('VALUES').columns({ name: 'n', type: { kind: 'numeric' } }).uint(1)
      .block((a) => a.op('CONST').type({ kind: 'numeric' }).u8(1, 0, 0, 2, 0, 5));
    expectInvalid(assemble(numeric), 'numeric magnitude with a leading zero byte');
    const utf8 = new Asm().op('CATALOG').str('x').uint(1).u8(2, 0xc3, 0x28).type(INT4);
    expectInvalid(assemble(utf8), 'string is not valid UTF-8', { site: 'coordinator' });
  });

  it('keeps every block inside its parent and every instruction inside its block', () => {
    expectInvalid(assemble(scan().op('FILTER').block((a) => a.constant(BOOL, true), 200), withT), 'block of 200 bytes runs past the end');
    // The block ends in the middle of the constant: the constant may not read past it.
    expectInvalid(assemble(scan().op('FILTER').block((a) => a.constant(BOOL, true), 3).u8(0x01), withT), 'truncated');
  });

  it('checks constants against their types', () => {
    const values = (type: SqlType, value: unknown) => assemble(new Asm().op('VALUES').columns({ name: 'v', type }).uint(1).block((a) => {
      a.op('CONST').type(type).u8(1);
      if (typeof value === 'string') a.str(value);
      else a.w.i64(value as bigint);
    }));
    expectInvalid(values({ kind: 'varchar', length: 2 }, 'abcd'), 'value too long for type character varying(2)');
    expectInvalid(values({ kind: 'time' }, -1n), 'value out of range for type time');
    expectInvalid(values({ kind: 'jsonb' }, '{'), 'invalid input syntax for type json');
  });

  it('keeps the table list sorted, declared and used', () => {
    const U: TableRef = { ...T, oid: 50 };
    const both = new TestCatalog().add(T).add(U);
    expectInvalid(assemble(scan(), { tables: [T, U] }), 'table 50 is out of order', { catalog: both });
    expectInvalid(assemble(scan(), { tables: [U, T] }), 'table 50 is declared but never used', { catalog: both });
    expectInvalid(assemble(scan()), 'table 100 is not in the program\'s table list');
  });
});

describe('stack balance', () => {
  it('refuses instructions that pop more than the stack holds', () => {
    expectInvalid(assemble(new Asm().op('FILTER').block((a) => a.constant(BOOL, true))), 'FILTER pops 1 entries from a stack of 0');
    const and = scan().op('FILTER').block((a) => a.constant(BOOL, true).constant(BOOL, false).op('AND').type(BOOL).uint(3));
    expectInvalid(assemble(and, withT), 'AND pops 3 entries from a stack of 2');
  });

  it('refuses entries of the wrong kind and leftovers', () => {
    expectInvalid(assemble(new Asm().constant(BOOL, true).op('FILTER').block((a) => a.constant(BOOL, true))), 'FILTER expects a relation where the stack holds a value');
    expectInvalid(assemble(scan().op('SCAN').uint(T.oid), withT), 'leaves relation, relation where one relation is expected');
    const project = scan().op('PROJECT').columns({ name: 'x', type: INT4 }).block((a) => a.constant(INT4, 1).constant(INT4, 2));
    expectInvalid(assemble(project, withT), 'PROJECT: the projection leaves 2 stack entries where 1 are expected');
    expectInvalid(assemble(scan().op('FILTER').block(() => undefined), withT), 'FILTER: the predicate leaves 0 stack entries where 1 are expected');
  });
});

describe('types', () => {
  it('checks column references against the current row', () => {
    expectInvalid(plan(filterT(equals(column(2, INT4), int4(1)))), 'COLUMN: column 2 is past the end of a 2-column row');
    expectInvalid(plan(filterT(equals(column(1, INT4), int4(1)))), 'COLUMN: column 1 is text, not int4');
    const outer: Rel = filterT({ op: 'outer', type: INT4, depth: 1, index: 0 });
    expectInvalid(plan(outer), 'OUTER: outer depth 1 where 0 enclosing rows are in scope');
  });

  it('needs bool predicates and bool AND / OR arguments', () => {
    expectInvalid(plan(filterT(int4(1))), 'FILTER: the predicate is int4, not bool');
    expectInvalid(plan(filterT({ op: 'and', type: BOOL, args: [bool(true), int4(1)] })), 'AND: argument 2 is int4, not bool');
    expectInvalid(plan(filterT({ op: 'or', type: BOOL, args: [bool(true)] })), 'OR: 1 arguments where at least 2 are needed');
  });

  it('accepts only the calls and casts the resolver offers', () => {
    const where = { functions: strictFunctions };
    const plus: Expr = { op: 'call', type: INT4, kind: 'operator', name: '+', argTypes: [INT4, INT4], args: [int4(1), int4(2)] };
    expectInvalid(plan(filterT(equals(plus, int4(3)))), 'no operator +(int4, int4) returning int4', where);
    const mistyped: Expr = { op: 'call', type: BOOL, kind: 'operator', name: '=', argTypes: [INT4, INT4], args: [column(1, TEXT), int4(1)] };
    expectInvalid(plan(filterT(mistyped)), 'CALL: argument of = 1 is text where int4 is expected', where);
    const cast: Expr = { op: 'cast', type: BOOL, context: 'implicit', arg: int4(1) };
    expectInvalid(plan(filterT(cast)), 'CAST: no implicit cast from int4 to bool', where);
  });

  it('checks parameters against the header', () => {
    expectInvalid(plan(filterT(equals(column(0, INT4), { op: 'param', type: INT4, index: 1 })), [INT4]), 'PARAM: parameter $2 is not among the program\'s 1 parameters');
    expectInvalid(plan(filterT(equals(column(0, INT4), { op: 'param', type: INT4, index: 0 })), [INT8]), 'PARAM: parameter $1 is int8, not int4');
  });

  it('keeps uncorrelated subqueries away from enclosing rows', () => {
    const inner: Rel = { rel: 'values', columns: [{ name: 'x', type: INT4 }], rows: [[{ op: 'outer', type: INT4, depth: 1, index: 0 }]] };
    const subquery = (uncorrelated: boolean): Rel => filterT({ op: 'subquery', type: BOOL, kind: 'exists', plan: inner, uncorrelated });
    expect(verifyProgram(plan(subquery(false)), 'shard', catalog, everyFunction).root).toEqual(subquery(false));
    expectInvalid(plan(subquery(true)), 'OUTER: outer depth 1 where 0 enclosing rows are in scope');
  });

  it('compares a subquery of several columns only with a ROW of as many fields', () => {
    const pairs: Rel = { rel: 'values', columns: [{ name: 'x', type: INT4 }, { name: 'y', type: INT4 }], rows: [[int4(1), int4(2)]] };
    const test: Expr = { op: 'and', type: BOOL, args: [equals(column(0, INT4), column(2, INT4)), equals(column(1, INT4), column(3, INT4))] };
    const compare = (left: Expr): Rel => filterT({ op: 'subquery', type: BOOL, kind: 'any', plan: pairs, left, test, uncorrelated: true });
    const row = (...fields: Expr[]): Expr => ({ op: 'row', type: { kind: 'record' }, fields });
    expect(verifyProgram(plan(compare(row(column(0, INT4), int4(2)))), 'shard', catalog, everyFunction).root).toEqual(compare(row(column(0, INT4), int4(2))));
    expectInvalid(plan(compare(column(0, INT4))), 'SUBQUERY_COMPARE: the left value is not a ROW(…) of 2 fields');
    expectInvalid(plan(compare(row(int4(1), int4(2), int4(3)))), 'SUBQUERY_COMPARE: the left value is not a ROW(…) of 2 fields');
    // The test reads [left fields…, subquery columns…]: column 4 is past its end.
    const pastEnd: Rel = filterT({ op: 'subquery', type: BOOL, kind: 'rowCompare', plan: pairs, left: row(int4(1), int4(2)), test: equals(column(0, INT4), column(4, INT4)), uncorrelated: true });
    expectInvalid(plan(pastEnd), 'COLUMN: column 4 is past the end of a 4-column row');
  });

  it('resolves CTE and work table references lexically', () => {
    const columns = [{ name: 'x', type: INT4 }];
    expectInvalid(plan({ rel: 'cteRef', id: 7, columns }), 'CTE_REF: CTE 7 is not defined by an enclosing RESULT');
    expectInvalid(plan({ rel: 'workTable', id: 7, columns }), 'WORK_TABLE: work table 7 is not defined by an enclosing RECURSIVE step');
    const values: Rel = { rel: 'values', columns, rows: [[int4(1)]] };
    const ok: Rel = { rel: 'result', ctes: [{ id: 7, plan: values }], input: { rel: 'cteRef', id: 7, columns } };
    expect(verifyProgram(plan(ok), 'shard', catalog, everyFunction).root).toEqual(ok);
    const wrongType: Rel = { rel: 'result', ctes: [{ id: 7, plan: values }], input: { rel: 'cteRef', id: 7, columns: [{ name: 'x', type: TEXT }] } };
    expectInvalid(plan(wrongType), 'CTE_REF: CTE 7 column 1 is text where int4 is expected');
  });

  it('checks declared output columns and LIMIT types', () => {
    const project: Rel = { rel: 'project', input: scanT, columns: [{ name: 'x', type: TEXT }], exprs: [int4(1)] };
    expectInvalid(plan(project), 'PROJECT: output column 1 is int4 where text is expected');
    expectInvalid(plan({ rel: 'limit', input: scanT, limit: int4(1), offset: null }), 'LIMIT: LIMIT is int4 where int8 is expected');
  });
});

describe('sites', () => {
  const subplan: Rel = scanT;
  const gather: Rel = { rel: 'gather', shards: [0, 1], subplan, columns: T.columns, mergeKeys: null };

  it('keeps coordinator-only nodes off shards', () => {
    expectInvalid(plan(gather), 'GATHER runs only on the coordinator, not on a shard');
    expectInvalid(plan({ rel: 'catalog', name: 'pg_class', columns: [{ name: 'oid', type: { kind: 'oid' } }] }), 'CATALOG runs only on the coordinator');
  });

  it('runs shard nodes on the coordinator only inside a gather\'s subplan', () => {
    expect(verifyProgram(plan(gather), 'coordinator', catalog, everyFunction).root).toEqual(gather);
    expectInvalid(plan(scanT), 'SCAN runs only on the shard, not on a coordinator', { site: 'coordinator' });
    const nested: Rel = { ...gather, subplan: gather };
    expectInvalid(plan(nested), 'GATHER runs only on the coordinator, not on a shard', { site: 'coordinator' });
  });

  it('checks routes and routed inserts', () => {
    const coordinator = { site: 'coordinator' } as const;
    const routed: Rel = { ...gather, route: { keys: [[int4(1)], [int4(2)]] } } as Rel;
    expect(verifyProgram(plan(routed), 'coordinator', catalog, everyFunction).root).toEqual(routed);
    expectInvalid(plan({ ...gather, shards: [1, 1] } as Rel), 'GATHER: a shard listed twice', coordinator);
    expectInvalid(plan({ ...gather, route: { keys: [[{ op: 'const', type: { kind: 'oid' }, value: 1 }]] } } as Rel), 'GATHER: a route value of type oid, which no column stores', coordinator);
    const rows: Rel = { rel: 'values', columns: T.columns, rows: [[int4(1), { op: 'const', type: TEXT, value: 'x' }]] };
    const insert: Rel = { rel: 'insert', table: T, input: { rel: 'values', columns: T.columns, rows: [] }, onConflict: null, returning: null, columns: [], checks: [], foreignKeys: [] };
    const routedInsert: Rel = { rel: 'routedInsert', shards: [0, 1], key: [0], input: rows, insert: insert as Extract<Rel, { rel: 'insert' }>, columns: [] };
    expect(verifyProgram(plan(routedInsert), 'coordinator', catalog, everyFunction).root).toEqual(routedInsert);
    expectInvalid(plan(routedInsert), 'ROUTED_INSERT runs only on the coordinator, not on a shard');
    expectInvalid(plan({ ...routedInsert, key: [2] } as Rel), 'ROUTED_INSERT: partition-key column 2 of rows with 2 columns', coordinator);
    expectInvalid(plan({ ...routedInsert, insert: { ...insert, input: rows } } as Rel), 'ROUTED_INSERT: the shard part must be an INSERT whose input is a VALUES of no rows', coordinator);
  });
});

describe('the shard\'s catalog', () => {
  it('reports a missing table or another schema version as a schema change (0A000)', () => {
    const missing = rejection(plan(scanT), { catalog: new TestCatalog() });
    expect(missing.code).toBe('0A000');
    expect(missing.message).toBe('schema changed: table 100 does not exist');
    expect(isSchemaChanged(missing)).toBe(true);
    const newer = rejection(plan(scanT), { catalog: new TestCatalog().add({ ...T, version: 3 }) });
    expect(newer.message).toBe('schema changed: table 100 is at schema version 3, the program was planned against version 2');
    expect(isSchemaChanged(newer)).toBe(true);
    const index = rejection(plan({ rel: 'indexScan', table: T, index: 't_gone', reverse: false }));
    expect(isSchemaChanged(index)).toBe(true);
    expect(isSchemaChanged(rejection(plan({ rel: 'ddl', action: 'dropTable', oid: 999 })))).toBe(true);
  });

  it('refuses a program that misstates a table at the same version', () => {
    const lying: TableRef = { ...T, columns: [{ name: 'id', type: INT8 }, T.columns[1]] };
    const error = rejection(plan({ rel: 'scan', table: lying }));
    expectInvalid(plan({ rel: 'scan', table: lying }), 'table 100 at schema version 2 does not have the columns the program declares');
    expect(isSchemaChanged(error)).toBe(false);
  });
});

describe('resource limits', () => {
  it('refuses expressions nested deeper than 256 (54001)', () => {
    const chain = (depth: number) => scan().op('FILTER').block((a) => {
      a.constant(BOOL, true);
      for (let i = 0; i < depth; i++) a.op('NOT').type(BOOL);
    });
    expect(verifyProgram(assemble(chain(250), withT), 'shard', catalog, everyFunction).root.rel).toBe('filter');
    const error = rejection(assemble(chain(300), withT));
    expect(error.code).toBe('54001');
    expect(error.message).toBe('SBLR program too complex: plan nested deeper than 256 levels');
  });

  it('refuses blocks nested deeper than 256 without recursing further (54001)', () => {
    const nested = (a: Asm, levels: number): void => {
      a.op('VALUES').columns({ name: 'b', type: BOOL }).uint(1).block((body) => {
        if (levels === 0) body.constant(BOOL, true);
        else body.op('SUBQUERY').type(BOOL).u8(0).bool(true).block((inner) => nested(inner, levels - 1));
      });
    };
    const program = new Asm();
    nested(program, 300);
    const error = rejection(assemble(program));
    expect(error.code).toBe('54001');
    expect(error.message).toBe('SBLR program too complex: blocks nested deeper than 256 levels');
  });

  it('refuses programs that decode to more than 1,000,000 elements (54000)', () => {
    const type: SqlType = { kind: 'array', element: { kind: 'int2' } };
    const program = new Asm().op('VALUES').columns({ name: 'a', type }).uint(1).block((a) => {
      // One dimension of 1,100,000 elements from 1.
      a.op('CONST').type(type).u8(1).uint(1).uint(1_100_000).u8(0, 0, 0, 1);
      for (let i = 0; i < 1_100_000; i++) a.u8(1, 0, 7);
    });
    const error = rejection(assemble(program));
    expect(error.code).toBe('54000');
    expect(error.message).toBe('SBLR program too large: more than 1000000 elements');
  });

  it('the encoder refuses plans nested past the limit with the same error', () => {
    let predicate: Expr = bool(true);
    for (let i = 0; i < 1000; i++) predicate = { op: 'not', type: BOOL, arg: predicate };
    expect(() => plan(filterT(predicate))).toThrow('SBLR program too complex: plan nested deeper than 256 levels');
  });
});
