/**
 * Function, operator and common-type resolution (PostgreSQL's Type Conversion chapter), without
 * a server: the types the binder gets back, the casts it must insert, and the errors it reports.
 */
import { describe, expect, it } from 'vitest';
import {
  formatSqlType,
  identityCast,
  resolveCast,
  resolveFunction,
  resolveOperator,
  selectCommonType,
  unnestElementType,
  type EvalContext,
} from '../../../src/sql/functions/index.ts';
import type { SqlType } from '../../../src/sql/types/sql-type.ts';

const type = (kind: string, extra: object = {}): SqlType => ({ kind, ...extra }) as SqlType;
const [INT2, INT4, INT8, NUMERIC, FLOAT8, TEXT, UNKNOWN, BOOL, DATE, TIMESTAMPTZ, INTERVAL] = ['int2', 'int4', 'int8', 'numeric', 'float8', 'text', 'unknown', 'bool', 'date', 'timestamptz', 'interval'].map((kind) => type(kind));
const names = (types: readonly SqlType[]) => types.map(formatSqlType);

const ctx: EvalContext = {
  timeZone: 'UTC',
  transactionTimestamp: 0n,
  statementTimestamp: 0n,
  clockTimestamp: () => 0n,
  currentUser: 'alice',
  sessionUser: 'alice',
  currentDatabase: 'db',
  searchPath: ['public'],
  catalog: {
    relationOid: () => undefined,
    relationName: () => undefined,
    typeOid: () => undefined,
    typeName: () => undefined,
    functionOid: () => undefined,
    functionName: () => undefined,
    namespaceOid: () => undefined,
    namespaceName: () => undefined,
    roleOid: () => undefined,
    roleName: () => undefined,
  },
  setting: (name) => (name === 'work_mem' ? '4MB' : undefined),
  random: () => 0.5,
};

describe('operator resolution', () => {
  it('promotes integer + numeric literal to numeric', () => {
    const r = resolveOperator('+', INT4, NUMERIC);
    expect(formatSqlType(r.returnType)).toBe('numeric');
    expect(names(r.argTypes)).toEqual(['numeric', 'numeric']);
    expect(r.impl([resolveCast(INT4, NUMERIC, 'implicit')!(1, ctx), '1.5'], ctx)).toBe('2.5');
  });

  it("reads an unknown literal as the other operand's type", () => {
    const r = resolveOperator('+', UNKNOWN, INT4);
    expect(formatSqlType(r.returnType)).toBe('integer');
    expect(names(r.argTypes)).toEqual(['integer', 'integer']);
  });

  it('uses the cross-width integer operators', () => {
    const r = resolveOperator('+', INT2, INT4);
    expect(formatSqlType(r.returnType)).toBe('integer');
    expect(names(r.argTypes)).toEqual(['smallint', 'integer']);
    expect(formatSqlType(resolveOperator('*', INT4, INT8).returnType)).toBe('bigint');
  });

  it('subtracts an interval from timestamptz', () => {
    const now = resolveFunction('now', []);
    const r = resolveOperator('-', now.returnType, INTERVAL);
    expect(formatSqlType(r.returnType)).toBe('timestamp with time zone');
    expect(now.volatility).toBe('stable');
    expect(r.impl([86_400_000_000n, { months: 0, days: 1, micros: 0n }], ctx)).toBe(0n);
  });

  it("concatenates text with a non-text value ('a' || 1)", () => {
    const r = resolveOperator('||', UNKNOWN, INT4);
    expect(formatSqlType(r.returnType)).toBe('text');
    expect(r.impl(['a', 1], ctx)).toBe('a1');
  });

  it("treats != as <> and reports PostgreSQL's errors", () => {
    expect(formatSqlType(resolveOperator('!=', INT4, INT4).returnType)).toBe('boolean');
    expect(() => resolveOperator('+', INT4, BOOL)).toThrow(expect.objectContaining({ code: '42883', message: 'operator does not exist: integer + boolean' }));
    expect(() => resolveOperator('-', null, BOOL)).toThrow(expect.objectContaining({ code: '42883', message: 'operator does not exist: - boolean' }));
    expect(() => resolveOperator('+', UNKNOWN, UNKNOWN)).toThrow(expect.objectContaining({ code: '42725', message: 'operator is not unique: unknown + unknown' }));
  });

  it('resolves prefix operators', () => {
    const r = resolveOperator('-', null, INTERVAL);
    expect(formatSqlType(r.returnType)).toBe('interval');
  });
});

describe('function resolution', () => {
  it('chooses preferred types for unknown literals', () => {
    expect(names(resolveFunction('abs', [UNKNOWN]).argTypes)).toEqual(['double precision']);
    expect(formatSqlType(resolveFunction('round', [INT4]).returnType)).toBe('double precision');
    expect(formatSqlType(resolveFunction('length', [UNKNOWN]).returnType)).toBe('integer');
  });

  it('resolves polymorphic functions', () => {
    const r = resolveFunction('array_append', [type('array', { element: INT4 }), NUMERIC]);
    expect(formatSqlType(r.returnType)).toBe('numeric[]');
    expect(names(r.argTypes)).toEqual(['numeric[]', 'numeric']);
    expect(formatSqlType(resolveFunction('array_append', [UNKNOWN, UNKNOWN]).returnType)).toBe('text[]');
    expect(() => resolveFunction('array_length', [UNKNOWN, INT4])).toThrow(expect.objectContaining({ code: '42804' }));
  });

  it('passes "any" arguments through with their own types', () => {
    const r = resolveFunction('concat', [UNKNOWN, INT4, BOOL]);
    expect(names(r.argTypes)).toEqual(['unknown', 'integer', 'boolean']);
    expect(r.impl(['a', 1, true], ctx)).toBe('a1t');
    expect(r.strict).toBe(false);
  });

  it('fills in default arguments', () => {
    const r = resolveFunction('make_interval', []);
    expect(r.impl([], ctx)).toEqual({ months: 0, days: 0, micros: 0n });
    const days = resolveFunction('make_interval', [INT4, INT4, INT4, INT4]);
    expect(days.impl([0, 0, 1, 2], ctx)).toEqual({ months: 0, days: 9, micros: 0n });
  });

  it('treats typename(x) as a cast when no function matches', () => {
    const r = resolveFunction('text', [INT4]);
    expect(formatSqlType(r.returnType)).toBe('text');
    expect(r.impl([42], ctx)).toBe('42');
    expect(resolveFunction('int4', [UNKNOWN]).impl(['12'], ctx)).toBe(12);
  });

  it('makes strict implementations return NULL for NULL input', () => {
    const r = resolveFunction('upper', [TEXT]);
    expect(r.strict).toBe(true);
    expect(r.impl([null], ctx)).toBe(null);
    expect(r.impl(['abc'], ctx)).toBe('ABC');
  });

  it('reads session state through the context', () => {
    expect(resolveFunction('current_setting', [TEXT]).impl(['work_mem'], ctx)).toBe('4MB');
    expect(() => resolveFunction('current_setting', [TEXT]).impl(['nope'], ctx)).toThrow(expect.objectContaining({ code: '42704' }));
    expect(resolveFunction('current_user', []).impl([], ctx)).toBe('alice');
    expect(resolveFunction('random', []).volatility).toBe('volatile');
  });

  it("reports unknown functions as PostgreSQL does", () => {
    expect(() => resolveFunction('foo', [INT4])).toThrow(
      expect.objectContaining({
        code: '42883',
        message: 'function foo(integer) does not exist',
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      }),
    );
    expect(() => resolveFunction('length', [INT4])).toThrow(expect.objectContaining({ code: '42883', message: 'function length(integer) does not exist' }));
  });
});

describe('common types and casts', () => {
  it('selects the common type of CASE branches', () => {
    expect(formatSqlType(selectCommonType([INT4, NUMERIC])!)).toBe('numeric');
    expect(formatSqlType(selectCommonType([INT8, INT4, INT2])!)).toBe('bigint');
    expect(formatSqlType(selectCommonType([UNKNOWN, UNKNOWN])!)).toBe('text');
    expect(formatSqlType(selectCommonType([DATE, TIMESTAMPTZ])!)).toBe('timestamp with time zone');
    expect(formatSqlType(selectCommonType([type('varchar', { length: 5 }), type('varchar', { length: 5 })])!)).toBe('character varying(5)');
    expect(formatSqlType(selectCommonType([type('varchar', { length: 5 }), type('varchar', { length: 9 })])!)).toBe('character varying');
    expect(selectCommonType([INT4, TEXT])).toBeUndefined();
    expect(() => selectCommonType([INT4, TEXT], 'CASE')).toThrow(expect.objectContaining({ code: '42804', message: 'CASE types integer and text cannot be matched' }));
    expect(formatSqlType(selectCommonType([FLOAT8, NUMERIC])!)).toBe('double precision');
  });

  it('applies typmods with assignment and explicit semantics', () => {
    const varchar3 = type('varchar', { length: 3 });
    expect(resolveCast(TEXT, varchar3, 'explicit')!('abcdef', ctx)).toBe('abc');
    expect(resolveCast(TEXT, varchar3, 'assignment')!('abc  ', ctx)).toBe('abc');
    expect(() => resolveCast(TEXT, varchar3, 'assignment')!('abcd', ctx)).toThrow(expect.objectContaining({ code: '22001', message: 'value too long for type character varying(3)' }));
    expect(resolveCast(TEXT, type('char', { length: 4 }), 'assignment')!('ab', ctx)).toBe('ab  ');
    expect(resolveCast(NUMERIC, type('numeric', { precision: 5, scale: 2 }), 'assignment')!('1.005', ctx)).toBe('1.01');
    expect(() => resolveCast(NUMERIC, type('numeric', { precision: 3, scale: 2 }), 'assignment')!('10', ctx)).toThrow(expect.objectContaining({ code: '22003' }));
  });

  it('has casts only in their contexts', () => {
    expect(resolveCast(INT4, INT8, 'implicit')).toBeDefined();
    expect(resolveCast(INT8, INT4, 'implicit')).toBeUndefined();
    expect(() => resolveCast(INT8, INT4, 'assignment')!(2n ** 40n, ctx)).toThrow(expect.objectContaining({ code: '22003', message: 'integer out of range' }));
    expect(resolveCast(TEXT, INT4, 'assignment')).toBeUndefined();
    expect(resolveCast(TEXT, INT4, 'explicit')!(' 42 ', ctx)).toBe(42);
    expect(resolveCast(INT4, TEXT, 'assignment')!(42, ctx)).toBe('42');
    expect(resolveCast(BOOL, INT4, 'implicit')).toBeUndefined();
    expect(resolveCast(type('varchar', { length: 10 }), TEXT, 'implicit')).toBe(identityCast);
    expect(resolveCast(UNKNOWN, type('jsonb'), 'implicit')!('{"b":1, "a":[1,2]}', ctx)).toBe('{"a": [1, 2], "b": 1}');
  });

  it('looks reg* names up through the catalog', () => {
    const regclass = type('regclass');
    const withTables: EvalContext = {
      ...ctx,
      catalog: { ...ctx.catalog, relationOid: (name) => (name.join('.') === 'public.My T' ? 16_384 : undefined), relationName: (oid) => (oid === 16_384 ? '"My T"' : undefined) },
    };
    expect(resolveCast(TEXT, regclass, 'implicit')!('public."My T"', withTables)).toBe(16_384);
    expect(resolveCast(regclass, TEXT, 'assignment')!(16_384, withTables)).toBe('"My T"');
    expect(resolveCast(regclass, TEXT, 'assignment')!(99, withTables)).toBe('99');
    expect(() => resolveCast(TEXT, regclass, 'implicit')!('nope', withTables)).toThrow(expect.objectContaining({ code: '42P01', message: 'relation "nope" does not exist' }));
    expect(resolveCast(INT4, regclass, 'implicit')!(16_384, withTables)).toBe(16_384);
  });

  it("gives unnest the array's element type", () => {
    expect(formatSqlType(unnestElementType(type('array', { element: TEXT })))).toBe('text');
    expect(() => unnestElementType(INT4)).toThrow(expect.objectContaining({ code: '42883' }));
  });
});
