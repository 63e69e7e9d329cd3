/**
 * Worked examples of src/sql/types, checked without a server: the forms and errors the wire
 * protocol relies on, as PostgreSQL 15 produces them (the differential test checks the same
 * against a real PostgreSQL when one is installed).
 */
import { describe, expect, it } from 'vitest';
import { makeArray } from '../../../src/engine/array-value.ts';
import { parseType, type Value } from '../../../src/engine/types.ts';
import { binaryRecv, binarySend, textIn, textOut, typeFromOid, typeLength, typeModifier, typeOid, type NonNullValue } from '../../../src/sql/types/index.ts';

const type = (text: string) => parseType(text);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('catalog facts', () => {
  it.each([
    ['int4', 23, 4, -1],
    ['int8[]', 1016, -1, -1],
    ['varchar(20)', 1043, -1, 24],
    ['char', 1042, -1, 5],
    ['numeric(10,2)', 1700, -1, ((10 << 16) | 2) + 4],
    ['numeric(7,3)[]', 1231, -1, ((7 << 16) | 3) + 4],
    ['timestamptz', 1184, 8, -1],
    ['interval', 1186, 16, -1],
    ['uuid', 2950, 16, -1],
    ['jsonb', 3802, -1, -1],
  ])('%s: OID %i, typlen %i, atttypmod %i', (name, oid, length, modifier) => {
    expect([typeOid(type(name)), typeLength(type(name)), typeModifier(type(name))]).toEqual([oid, length, modifier]);
  });

  it('maps parameter OIDs back to types, without modifiers', () => {
    expect(typeFromOid(1043)).toEqual({ kind: 'varchar' });
    expect(typeFromOid(1185)).toEqual({ kind: 'array', element: { kind: 'timestamptz' } });
    expect(typeFromOid(0)).toBeUndefined();
    expect(typeFromOid(114)).toBeUndefined();
  });
});

describe('text output', () => {
  const micros = (iso: string) => BigInt(Date.parse(`${iso}Z`) - Date.UTC(2000, 0, 1)) * 1000n;
  it.each<[string, Value, string, string?]>([
    ['float8', 1e100, '1e+100'],
    ['float8', 1.5e-7, '1.5e-07'],
    ['float8', 123456789012345, '123456789012345'],
    ['float8', 1e15, '1e+15'],
    ['float8', -Infinity, '-Infinity'],
    ['float4', Math.fround(0.1), '0.1'],
    ['float4', 1e6, '1e+06'],
    ['numeric', '+001.50', '1.50'],
    ['bool', true, 't'],
    ['date', -730_119, '0001-01-01'],
    ['date', -730_120, '0001-12-31 BC'],
    ['date', 2_147_483_647, 'infinity'],
    ['time', 45_296_500_000n, '12:34:56.5'],
    ['timestamp', micros('2020-01-02T03:04:05.678'), '2020-01-02 03:04:05.678'],
    ['timestamptz', micros('2020-07-01T12:00:00'), '2020-07-01 12:00:00+00'],
    ['timestamptz', micros('2020-07-01T12:00:00'), '2020-07-01 17:30:00+05:30', 'Asia/Kolkata'],
    ['timestamptz', micros('2020-07-01T12:00:00'), '2020-07-01 09:00:00-03', 'America/Sao_Paulo'],
    ['timestamptz', micros('2020-07-01T12:00:00'), '2020-07-01 06:30:00-05:30', '+05:30'],
    ['interval', { months: 14, days: 3, micros: 14_706_500_000n }, '1 year 2 mons 3 days 04:05:06.5'],
    ['interval', { months: 0, days: -1, micros: 7_200_000_000n }, '-1 days +02:00:00'],
    ['interval', { months: 0, days: 0, micros: 0n }, '00:00:00'],
    ['uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['bytea', Uint8Array.of(10, 11), '\\x0a0b'],
    ['int4[]', [1, 2, null], '{1,2,NULL}'],
    ['text[]', ['a b', '', null, 'NULL', '"q"', 'x\\y', '{}'], '{"a b","",NULL,"NULL","\\"q\\"","x\\\\y","{}"}'],
    ['int4[]', makeArray([1, 2, 3, 4], [2, 2], [1, 1]), '{{1,2},{3,4}}'],
    ['int4[]', makeArray([1, null, 3], [3], [5]), '[5:7]={1,NULL,3}'],
    ['text[]', makeArray(['a', 'b c'], [1, 1, 2], [1, -1, 1]), '[1:1][-1:-1][1:2]={{{a,"b c"}}}'],
  ])('%s %o prints %s', (name, value, text, zone) => {
    expect(textOut(type(name), value as NonNullValue, zone)).toBe(text);
  });
});

describe('text input', () => {
  it.each<[string, string, Value]>([
    ['int4', ' -12 ', -12],
    ['numeric', '1e3', '1000'],
    ['numeric', ' -1.50E1 ', '-15.0'],
    ['float8', '-Infinity', -Infinity],
    ['bool', 'YE', true],
    ['date', '2000-01-02T23:00:00Z', 1],
    ['timestamptz', '2000-01-01 05:30+05:30', 0n],
    ['interval', '@ 1 hour ago', { months: 0, days: 0, micros: -3_600_000_000n }],
    ['interval', 'P1Y2M3DT4H5M6S', { months: 14, days: 3, micros: 14_706_000_000n }],
    ['uuid', '{A0EEBC999C0B4EF8BB6D6BB9BD380A11}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['bytea', '\\x0A 0b', Uint8Array.of(10, 11)],
    ['bytea', 'a\\\\\\001', Uint8Array.of(97, 92, 1)],
    ['text[]', ' { "a b" , c d ,NULL, "NULL" } ', ['a b', 'c d', null, 'NULL']],
    ['int4[]', '{{1},{2}}', makeArray([1, 2], [2, 1], [1, 1])],
    ['int4[]', ' { { 1 , 2 } , {3,NULL} } ', makeArray([1, 2, 3, null], [2, 2], [1, 1])],
    ['int4[]', '[5:7]={1,2,3}', makeArray([1, 2, 3], [3], [5])],
    ['int4[]', '[0:0][2]={{1,2}}', makeArray([1, 2], [1, 2], [0, 1])],
    ['int4[]', '[1:2]={1,2}', [1, 2]],
    // PostgreSQL 15's ArrayCount counts a length of 0 here, so array_in returns an empty array.
    ['int4[]', '{{{1}},{2}}', []],
  ])('%s %j reads as %o', (name, text, value) => {
    expect(textIn(type(name), text)).toEqual(value);
  });

  it.each([
    ['int4', 'abc', '22P02', 'invalid input syntax for type integer: "abc"'],
    ['int4', '99999999999', '22003', 'value "99999999999" is out of range for type integer'],
    ['float8', '1e400', '22003', '"1e400" is out of range for type double precision'],
    ['date', '2020-02-30', '22008', 'date/time field value out of range: "2020-02-30"'],
    ['timestamp', 'yesterday-ish', '22007', 'invalid input syntax for type timestamp: "yesterday-ish"'],
    ['timestamptz', '2020-01-01 12:00+16', '22009', 'time zone displacement out of range: "2020-01-01 12:00+16"'],
    ['timestamptz', '2020-01-01 Mars/Olympus', '22023', 'time zone "mars/olympus" not recognized'],
    ['interval', '2147483648 days', '22015', 'interval field value out of range: "2147483648 days"'],
    ['jsonb', '{"a" 1}', '22P02', 'invalid input syntax for type json'],
    ['int4[]', '{1,,2}', '22P02', 'malformed array literal: "{1,,2}"'],
    ['int4[]', '{{1},{2,3}}', '22P02', 'malformed array literal: "{{1},{2,3}}"'],
    ['int4[]', '[1:2]={{1},{2}}', '22P02', 'malformed array literal: "[1:2]={{1},{2}}"'],
    ['int4[]', '{{{{{{{1}}}}}}}', '54000', 'number of array dimensions (7) exceeds the maximum allowed (6)'],
    ['date', 'today', '0A000', 'date/time value "today" is not supported by ScratchBird\'s input functions'],
  ])('%s %j fails with %s', (name, text, code, message) => {
    expect(() => textIn(type(name), text)).toThrow(expect.objectContaining({ code, message }));
  });
});

describe('binary format', () => {
  it.each<[string, Value, string]>([
    ['int8', -2n, 'fffffffffffffffe'],
    ['numeric', '-12.50', '0002' + '0000' + '4000' + '0002' + '000c' + '1388'],
    ['numeric', '0.00', '0000' + '0000' + '0000' + '0002'],
    ['numeric', 'NaN', '0000' + '0000' + 'c000' + '0000'],
    ['date', -1, 'ffffffff'],
    ['interval', { months: 1, days: 2, micros: 3n }, '0000000000000003' + '00000002' + '00000001'],
    ['jsonb', '{}', '017b7d'],
    ['int4[]', [7, null], '00000001' + '00000001' + '00000017' + '00000002' + '00000001' + '00000004' + '00000007' + 'ffffffff'],
    ['text[]', [], '00000000' + '00000000' + '00000019'],
    ['int4[]', makeArray([1, 2, 3, 4], [2, 2], [0, 1]), '00000002' + '00000000' + '00000017' + '00000002' + '00000000' + '00000002' + '00000001' + ['00000001', '00000002', '00000003', '00000004'].map((v) => `00000004${v}`).join('')],
  ])('%s %o is %s', (name, value, bytes) => {
    expect(hex(binarySend(type(name), value as NonNullValue))).toBe(bytes);
    expect(binaryRecv(type(name), Buffer.from(bytes, 'hex'))).toEqual(value);
  });

  it.each([
    ['int4', '000001', '08P01', 'insufficient data left in message'],
    ['int4', '0000000102', '22P03', 'incorrect binary data format in bind parameter 3'],
    ['numeric', '000000001234', '22P03', 'invalid sign in external "numeric" value'],
    ['text', 'c328', '22021', 'invalid byte sequence for encoding "UTF8": 0xc3 0x28'],
    ['time', 'ffffffffffffffff', '22008', 'time out of range'],
    ['int4[]', '000000010000000000000019', '42804', 'binary data has array element type 25 (text) instead of expected 23 (integer)'],
    ['int4[]', '00000001000000000000001700000001000000010000000500000007', '22P03', 'insufficient data left in message'],
  ])('%s %s fails with %s', (name, bytes, code, message) => {
    expect(() => binaryRecv(type(name), Buffer.from(bytes, 'hex'), 3)).toThrow(expect.objectContaining({ code, message }));
  });
});
