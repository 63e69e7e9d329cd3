/**
 * Property tests for the row and key codecs: rows round-trip exactly, keys round-trip up to
 * SQL equality, and the byte order of keys is the SQL order, checked against a reference
 * comparator written from PostgreSQL's documented semantics (not from the encoding).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeArray } from '../../src/engine/array-value.ts';
import { decodeKey, encodeKey, type KeyPart } from '../../src/engine/key-codec.ts';
import { decodeRow, encodeRow } from '../../src/engine/row-codec.ts';
import { parseType, type ColumnType, type Interval, type Value } from '../../src/engine/types.ts';
import { EngineError } from '../../src/engine/errors.ts';

const RUNS = { numRuns: 300 };

// ---- arbitraries: one per type, values as src/engine/types.ts documents them ---------------------

const text = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !s.includes('\0'));
const decimal = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.nat(8)).map(([u, s]) => formatScaled(u, s)) },
  { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity', '0', '-0.00', '0.000', '1.5', '1.50', '-1.5', '10', '100.0') },
);
const interval = fc.record({
  months: fc.integer({ min: -1000, max: 1000 }),
  days: fc.integer({ min: -40000, max: 40000 }),
  micros: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
});
const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v));
const bytes = fc.oneof(fc.uint8Array({ maxLength: 10 }), fc.array(fc.constantFrom(0, 1, 254, 255), { maxLength: 6 }).map((a) => Uint8Array.from(a)));

const scalars: Record<string, fc.Arbitrary<Value>> = {
  int2: fc.integer({ min: -32768, max: 32767 }),
  int4: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  int8: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  float4: fc.float(),
  float8: fc.double(),
  'numeric': decimal,
  bool: fc.boolean(),
  text,
  'varchar(8)': fc.string({ unit: 'binary', maxLength: 8 }).filter((s) => !s.includes('\0')),
  'char(6)': fc.tuple(fc.string({ unit: 'binary-ascii', maxLength: 4 }).filter((s) => !s.includes('\0')), fc.nat(2)).map(([s, pad]) => s + ' '.repeat(pad)),
  date: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  time: fc.bigInt({ min: 0n, max: 86_400_000_000n }),
  timestamp: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  timestamptz: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
  interval,
  uuid: fc.uuid(),
  bytea: bytes,
  jsonb: json,
};
const arrays: Record<string, fc.Arbitrary<Value>> = {
  'int4[]': fc.array(fc.option(scalars.int4, { nil: null }), { maxLength: 5 }),
  'text[]': fc.array(fc.option(text, { nil: null }), { maxLength: 4 }),
  'numeric[]': fc.array(fc.option(decimal, { nil: null }), { maxLength: 3 }),
};
const allTypes = { ...scalars, ...arrays };

function formatScaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

// ---- the reference: PostgreSQL's comparison semantics ----------------------------------------

const sign = (n: number | bigint): number => (n > 0 ? 1 : n < 0 ? -1 : 0);
const utf8Compare = (a: string, b: string): number => sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

function decimalCompare(a: string, b: string): number {
  const rank = (v: string): number => (v === '-Infinity' ? 0 : v === 'Infinity' ? 2 : v === 'NaN' ? 3 : 1);
  if (rank(a) !== rank(b) || rank(a) !== 1) return sign(rank(a) - rank(b));
  const scaled = (v: string): [bigint, number] => {
    const [int, frac = ''] = v.replace(/^-/, '').split('.');
    return [BigInt(int + frac) * (v.startsWith('-') ? -1n : 1n), frac.length];
  };
  const [ua, sa] = scaled(a);
  const [ub, sb] = scaled(b);
  return sign(ua * 10n ** BigInt(sb) - ub * 10n ** BigInt(sa));
}

function floatCompare(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) === Number.isNaN(b) ? 0 : Number.isNaN(a) ? 1 : -1;
  return sign(a - b || 0);
}

const span = (i: Interval): bigint => (BigInt(i.months) * 30n + BigInt(i.days)) * 86_400_000_000n + i.micros;

/** jsonb order: null < string < number < boolean < array < object; containers by size first. */
function jsonCompare(a: unknown, b: unknown): number {
  const rank = (v: unknown): number => (v === null ? 0 : typeof v === 'string' ? 1 : typeof v === 'number' ? 2 : typeof v === 'boolean' ? 3 : Array.isArray(v) ? 4 : 5);
  if (rank(a) !== rank(b)) return sign(rank(a) - rank(b));
  if (typeof a === 'string') return utf8Compare(a, b as string);
  if (typeof a === 'number') return sign(a - (b as number));
  if (typeof a === 'boolean') return sign(Number(a) - Number(b));
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return sign(a.length - bb.length);
    for (let i = 0; i < a.length; i++) {
      const c = jsonCompare(a[i], bb[i]);
      if (c !== 0) return c;
    }
    return 0;
  }
  if (a === null) return 0;
  const keyOrder = (x: string, y: string): number => Buffer.byteLength(x) - Buffer.byteLength(y) || utf8Compare(x, y);
  const ea = Object.entries(a as object).sort(([x], [y]) => keyOrder(x, y));
  const eb = Object.entries(b as object).sort(([x], [y]) => keyOrder(x, y));
  if (ea.length !== eb.length) return sign(ea.length - eb.length);
  for (let i = 0; i < ea.length; i++) {
    const c = utf8Compare(ea[i][0], eb[i][0]) || jsonCompare(ea[i][1], eb[i][1]);
    if (c !== 0) return c;
  }
  return 0;
}

function sqlCompare(type: ColumnType, a: Value, b: Value): number {
  switch (type.kind) {
    case 'int2': case 'int4': case 'date': return sign((a as number) - (b as number));
    case 'int8': case 'time': case 'timestamp': case 'timestamptz': return sign((a as bigint) - (b as bigint));
    case 'float4': return floatCompare(Math.fround(a as number), Math.fround(b as number));
    case 'float8': return floatCompare(a as number, b as number);
    case 'numeric': return decimalCompare(a as string, b as string);
    case 'bool': return sign(Number(a) - Number(b));
    case 'text': case 'varchar': return utf8Compare(a as string, b as string);
    case 'char': return utf8Compare((a as string).replace(/ +$/, ''), (b as string).replace(/ +$/, ''));
    case 'uuid': return utf8Compare((a as string).toLowerCase(), (b as string).toLowerCase());
    case 'bytea': return sign(Buffer.compare(a as Uint8Array, b as Uint8Array));
    case 'interval': return sign(span(a as Interval) - span(b as Interval));
    case 'jsonb': return jsonCompare(JSON.parse(a as string), JSON.parse(b as string));
    case 'array': {
      const x = a as readonly Value[];
      const y = b as readonly Value[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        if (x[i] === null || y[i] === null) {
          if (x[i] !== y[i]) return x[i] === null ? 1 : -1; // NULL elements sort last
          continue;
        }
        const c = sqlCompare(type.element, x[i], y[i]);
        if (c !== 0) return c;
      }
      return sign(x.length - y.length);
    }
  }
}

/** Key order for one part: NULLs where the part puts them, DESC reversing values. */
function partCompare(part: KeyPart, a: Value, b: Value): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === (part.nullsFirst === true) ? -1 : 1;
  }
  const c = sqlCompare(part.type, a, b);
  return part.desc === true ? 0 - c : c;
}

const byteOrder = (a: Buffer, b: Buffer): number => sign(Buffer.compare(a, b));

// ---- properties ------------------------------------------------------------------------------

describe('key encoding', () => {
  for (const [name, arbitrary] of Object.entries(allTypes)) {
    const type = parseType(name);
    it(`orders ${name} keys as SQL does, with NULLS FIRST/LAST and DESC`, () => {
      const value = fc.option(arbitrary, { nil: null, freq: 8 });
      fc.assert(
        fc.property(value, value, fc.boolean(), fc.boolean(), (a, b, desc, nullsFirst) => {
          const part: KeyPart = { type, desc, nullsFirst };
          expect(byteOrder(encodeKey([part], [a]), encodeKey([part], [b]))).toBe(partCompare(part, a, b));
        }),
        RUNS,
      );
    });

    it(`round-trips ${name} keys up to SQL equality`, () => {
      fc.assert(
        fc.property(arbitrary, fc.boolean(), (v, desc) => {
          const parts: KeyPart[] = [{ type, desc }];
          const [back] = decodeKey(parts, encodeKey(parts, [v]));
          expect(sqlCompare(type, back, v)).toBe(0);
        }),
        RUNS,
      );
    });
  }

  it('orders composite keys column by column, and a prefix bounds its extensions', () => {
    const parts: KeyPart[] = [{ type: parseType('text') }, { type: parseType('int8'), desc: true }, { type: parseType('numeric'), nullsFirst: true }];
    const key = fc.tuple(fc.option(text, { nil: null }), fc.option(scalars.int8, { nil: null }), fc.option(decimal, { nil: null }));
    fc.assert(
      fc.property(key, key, (a, b) => {
        let expected = 0;
        for (let i = 0; i < parts.length && expected === 0; i++) expected = partCompare(parts[i], a[i], b[i]);
        expect(byteOrder(encodeKey(parts, a), encodeKey(parts, b))).toBe(expected);
        const prefix = encodeKey(parts, a.slice(0, 1));
        expect(encodeKey(parts, a).subarray(0, prefix.length).equals(prefix)).toBe(true);
      }),
      RUNS,
    );
  });

  it('agrees with PostgreSQL on the classic cases', () => {
    const k = (type: string, v: Value, part: Partial<KeyPart> = {}): Buffer => encodeKey([{ type: parseType(type), ...part }], [v]);
    expect(byteOrder(k('int4', -1), k('int4', 0))).toBe(-1);
    expect(byteOrder(k('int8', -(2n ** 63n)), k('int8', -1n))).toBe(-1);
    expect(byteOrder(k('text', 'B'), k('text', 'a'))).toBe(-1); // "C" collation
    expect(byteOrder(k('text', 'z'), k('text', 'é'))).toBe(-1);
    expect(byteOrder(k('text', 'ab'), k('text', 'ab\u0001'))).toBe(-1);
    expect(k('numeric', '1.5').equals(k('numeric', '1.50'))).toBe(true);
    expect(byteOrder(k('numeric', '-100'), k('numeric', '-99.5'))).toBe(-1);
    expect(byteOrder(k('numeric', 'Infinity'), k('numeric', 'NaN'))).toBe(-1);
    expect(byteOrder(k('float8', Infinity), k('float8', NaN))).toBe(-1);
    expect(k('float8', -0).equals(k('float8', 0))).toBe(true);
    expect(k('interval', { months: 1, days: 0, micros: 0n }).equals(k('interval', { months: 0, days: 30, micros: 0n }))).toBe(true);
    expect(k('char(5)', 'ab').equals(k('char(5)', 'ab   '))).toBe(true);
    expect(k('jsonb', '{"b": 1, "a": 2}').equals(k('jsonb', '{"a":2,"b":1}'))).toBe(true);
    expect(byteOrder(k('jsonb', '"zzz"'), k('jsonb', '1'))).toBe(-1); // strings sort below numbers
    expect(byteOrder(k('int4', null), k('int4', -5))).toBe(1); // NULLS LAST by default
    expect(byteOrder(k('int4', null, { nullsFirst: true }), k('int4', -5))).toBe(-1);
    expect(byteOrder(k('int4[]', [1, null]), k('int4[]', [1, 2]))).toBe(1);
  });

  it('rejects values of the wrong type with 42804 before writing anything', () => {
    expect(() => encodeKey([{ type: parseType('int8') }], [1])).toThrowError(expect.objectContaining({ code: '42804' }));
    expect(() => encodeKey([{ type: parseType('jsonb') }], ['{"a":'])).toThrowError(expect.objectContaining({ code: '22P02' }));
  });
});

describe('row encoding', () => {
  const names = Object.keys(allTypes);
  const types = names.map(parseType);
  const row = fc.tuple(...names.map((n) => fc.option(allTypes[n], { nil: null, freq: 5 })));
  /** What a value reads back as: float4 at single precision, uuid in lower case, bytes as a Buffer, -0 numerics as 0 (as PostgreSQL). */
  const stored = (type: ColumnType, v: Value): Value => {
    if (v === null) return null;
    switch (type.kind) {
      case 'float4': return Math.fround(v as number);
      case 'uuid': return (v as string).toLowerCase();
      case 'bytea': return Buffer.from(v as Uint8Array);
      case 'numeric': return (v as string).replace(/^-(?=0(\.0*)?$)/, '');
      case 'array': return (v as readonly Value[]).map((e) => stored(type.element, e));
      default: return v;
    }
  };

  it('round-trips rows of every type exactly', () => {
    fc.assert(
      fc.property(row, (values) => {
        const encoded = encodeRow(types, names, values);
        expect(decodeRow(types, encoded)).toEqual(values.map((v, i) => stored(types[i], v)));
      }),
      RUNS,
    );
  });

  it('reads columns a table gained after the row was written as NULL', () => {
    const before = [parseType('int4'), parseType('text')];
    const encoded = encodeRow(before, ['a', 'b'], [1, 'x']);
    expect(decodeRow([...before, parseType('int8')], encoded)).toEqual([1, 'x', null]);
  });

  it('keeps a numeric\'s scale and is compact', () => {
    const t = [parseType('numeric(12,2)'), parseType('int4'), parseType('text')];
    const encoded = encodeRow(t, ['n', 'i', 's'], ['1.50', 7, 'hello']);
    expect(decodeRow(t, encoded)).toEqual(['1.50', 7, 'hello']);
    expect(encoded.length).toBeLessThanOrEqual(16);
  });

  it('reports truncated or damaged rows as XX001 and never throws anything else', () => {
    fc.assert(
      fc.property(row, fc.nat(), fc.nat(255), (values, at, byte) => {
        const encoded = encodeRow(types, names, values);
        const truncated = encoded.subarray(0, at % encoded.length);
        expect(() => decodeRow(types, truncated)).toThrowError(expect.objectContaining({ code: 'XX001' }));
        const damaged = Buffer.from(encoded);
        damaged[at % damaged.length] = byte;
        try {
          decodeRow(types, damaged);
        } catch (error) {
          expect(error).toBeInstanceOf(EngineError);
          expect((error as EngineError).code).toBe('XX001');
        }
      }),
      RUNS,
    );
  });

  it('checks types, ranges, lengths and typmods before encoding', () => {
    const check = (type: string, v: Value, code: string): void =>
      expect(() => encodeRow([parseType(type)], ['c'], [v])).toThrowError(expect.objectContaining({ code }));
    check('int2', 40000, '22003');
    check('int4', 1.5, '42804');
    check('int8', 1, '42804');
    check('varchar(3)', 'abcd', '22001');
    check('numeric(4,2)', '123.4', '22003');
    check('numeric(4,2)', '1.234', '22003');
    check('numeric', '1e5', '22P02');
    check('uuid', 'not-a-uuid', '22P02');
    check('text', 'a\0b', '22021');
    check('text', '\uD800', '22021');
    // Arrays of several dimensions are ShapedArrays, never nested JavaScript arrays.
    check('int4[]', [[1]], '42804');
    check('bool', 'true', '42804');
  });
});

describe('arrays of several dimensions or another lower bound', () => {
  const type = parseType('int4[]');
  const shaped = fc
    .array(fc.record({ length: fc.integer({ min: 1, max: 3 }), lower: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 4 }) }), { minLength: 1, maxLength: 6 })
    .chain((dims) => {
      const count = dims.reduce((product, d) => product * d.length, 1);
      return fc.array(fc.option(scalars.int4, { nil: null }), { minLength: count, maxLength: count }).map((elements) => makeArray(elements, dims.map((d) => d.length), dims.map((d) => d.lower)));
    });

  it('round-trip through rows and keys exactly, and keys stay prefix-free', () => {
    fc.assert(
      fc.property(shaped, fc.boolean(), fc.option(scalars.int4, { nil: null }), (value, desc, next) => {
        expect(decodeRow([type], encodeRow([type], ['a'], [value]))).toEqual([value]);
        const parts: KeyPart[] = [{ type, desc }, { type: parseType('int4') }];
        expect(decodeKey(parts, encodeKey(parts, [value, next]))).toEqual([value, next]);
        const alone = encodeKey(parts, [value]);
        expect(encodeKey(parts, [value, next]).subarray(0, alone.length).equals(alone)).toBe(true);
      }),
      RUNS,
    );
  });

  it('leave the bytes of one-dimensional arrays from 1 as they were, so stored ones still read', () => {
    // Written before arrays had shapes: a row of one int4[] column {1,NULL}, and its key.
    const row = Buffer.from('010006020200000001', 'hex');
    expect(encodeRow([type], ['a'], [[1, null]]).equals(row)).toBe(true);
    expect(decodeRow([type], row)).toEqual([[1, null]]);
    const key = Buffer.from('0101800000010200', 'hex');
    expect(encodeKey([{ type }], [[1, null]]).equals(key)).toBe(true);
    expect(decodeKey([{ type }], key)).toEqual([[1, null]]);
  });

  it('never give one array two keys or two encodings', () => {
    const same = makeArray([1, 2], [2], [1]);
    expect(same).toEqual([1, 2]);
    const other = makeArray([1, 2], [1, 2], [1, 1]);
    expect(encodeKey([{ type }], [same]).equals(encodeKey([{ type }], [other]))).toBe(false);
    expect(encodeRow([type], ['a'], [same]).equals(encodeRow([type], ['a'], [other]))).toBe(false);
  });
});
