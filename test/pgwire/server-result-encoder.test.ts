/**
 * The server's one place that maps SQL types to the wire: OIDs, sizes and modifiers for
 * RowDescription and ParameterDescription, and per-column encoders in text or binary.
 */
import { describe, expect, it } from 'vitest';
import type { OutputContext } from '../../src/session/contract.ts';
import type { SqlOnlyKind, SqlType } from '../../src/sql/types/sql-type.ts';
import { columnEncoders, fieldDescriptions, sqlTypeLength, sqlTypeModifier, sqlTypeOid } from '../../src/pgwire/result-encoder.ts';

const context = (timeZone = 'UTC'): OutputContext => ({ timeZone, catalogText: (type, value) => `${type.kind}:${String(value)}` });

describe('type facts', () => {
  it("gives the SQL-only kinds PostgreSQL's OIDs and sizes", () => {
    const expected: Record<SqlOnlyKind, [number, number]> = {
      unknown: [705, -2], oid: [26, 4], regclass: [2205, 4], regtype: [2206, 4], regproc: [24, 4], regnamespace: [4089, 4],
      regrole: [4096, 4], name: [19, 64], char1: [18, 1], json: [114, -1], int2vector: [22, -1], oidvector: [30, -1],
      record: [2249, -1], void: [2278, 4],
    };
    for (const [kind, [oid, length]] of Object.entries(expected)) {
      const type = { kind } as SqlType;
      expect([sqlTypeOid(type), sqlTypeLength(type), sqlTypeModifier(type)], kind).toEqual([oid, length, -1]);
    }
  });

  it('takes the engine types from src/sql/types', () => {
    expect(sqlTypeOid({ kind: 'int4' })).toBe(23);
    expect(sqlTypeOid({ kind: 'array', element: { kind: 'text' } })).toBe(1009);
    expect(sqlTypeModifier({ kind: 'numeric', precision: 10, scale: 2 })).toBe((10 << 16) + 2 + 4);
    expect(sqlTypeLength({ kind: 'int8' })).toBe(8);
  });

  it('describes columns with the result formats as Bind gives them: none, one for all, one each', () => {
    const columns = [{ name: 'a', type: { kind: 'int4' } as SqlType, tableOid: 16384, columnAttr: 1 }, { name: 'b', type: { kind: 'text' } as SqlType }];
    expect(fieldDescriptions(columns, []).map((f) => f.format)).toEqual([0, 0]);
    expect(fieldDescriptions(columns, [1]).map((f) => f.format)).toEqual([1, 1]);
    expect(fieldDescriptions(columns, [0, 1])).toEqual([
      { name: 'a', tableOid: 16384, columnAttr: 1, typeOid: 23, typeSize: 4, typeModifier: -1, format: 0 },
      { name: 'b', tableOid: undefined, columnAttr: undefined, typeOid: 25, typeSize: -1, typeModifier: -1, format: 1 },
    ]);
  });
});

describe('column encoders', () => {
  it('print engine types as PostgreSQL does, timestamptz in the session time zone', () => {
    const [int8, stamp, regclass] = columnEncoders(
      [{ name: 'a', type: { kind: 'int8' } }, { name: 'b', type: { kind: 'timestamptz' } }, { name: 'c', type: { kind: 'regclass' } }],
      [],
      context('Europe/Paris'),
    );
    expect(int8(9007199254740993n)).toBe('9007199254740993');
    expect(stamp(0n)).toBe('2000-01-01 01:00:00+01');
    expect(regclass(1259)).toBe('regclass:1259');
  });

  it('send binary for engine types and refuse it for SQL-only kinds with 0A000', () => {
    const [int4] = columnEncoders([{ name: 'a', type: { kind: 'int4' } }], [1], context());
    expect(Buffer.from(int4(258) as Uint8Array)).toEqual(Buffer.from([0, 0, 1, 2]));
    expect(() => columnEncoders([{ name: 'n', type: { kind: 'name' } }], [1], context())).toThrow(
      expect.objectContaining({ code: '0A000', message: 'binary output format is not supported for type name' }),
    );
  });
});
