/**
 * Engine values for type I/O tests: a fast-check arbitrary per type (edges weighted in: infinities,
 * range limits, NaN, -0, characters array literals must quote; arrays of one to three dimensions
 * and lower bounds around 1) and a value equality that treats NaN as NaN and -0 as distinct from
 * 0, as PostgreSQL's formats do.
 */
import fc from 'fast-check';
import { makeArray, ShapedArray } from '../../../src/engine/array-value.ts';
import type { ColumnType, Interval, ScalarType, Value } from '../../../src/engine/types.ts';
import { parseJsonb } from '../../../src/sql/types/jsonb.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DATE_MIN = -2_451_545;
const DATE_MAX = 2_145_031_948;
const TIMESTAMP_MIN = -211_813_488_000_000_000n;
const TIMESTAMP_MAX = 9_223_371_331_199_999_999n;
const MICROS_PER_DAY = 86_400_000_000n;
/** 1900-01-01 and 2100-01-01 in microseconds since 2000: where real timestamps live. */
const MODERN = [-3_155_673_600_000_000n, 3_155_760_000_000_000n] as const;

const edges = <T>(values: readonly T[], arbitrary: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 1 }, { arbitrary, weight: 4 });

/** Text that exercises quoting: specials of array literals, whitespace, NULL look-alikes, any code point but NUL. */
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(' ', '"', '\\', '{', '}', ',', '\t', '\n', '\v', 'N', 'u', 'L', 'l', 'a', 'é', '😀'), maxLength: 8 }),
  fc.constantFrom('', 'NULL', 'null', ' NULL', 'NULLx', "'", '\u00a0', '\u2028'),
  fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !s.includes('\0')),
);

const numeric = fc.oneof(
  { arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity', '0', '0.000', '-1', '9999', '10000', '0.0001', `1${'0'.repeat(1000)}`, `0.${'0'.repeat(999)}1`), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9]\d{0,39})$/), fc.stringMatching(/^\d{0,24}$/))
      .map(([negative, whole, fraction]) => {
        const zero = /^0*$/.test(whole + fraction);
        return `${negative && !zero ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
      }),
    weight: 6,
  },
);

const micros = (min: bigint, max: bigint) => fc.bigInt({ min, max });
const timestamp = edges([INT64_MIN, INT64_MAX, TIMESTAMP_MIN, TIMESTAMP_MAX, 0n], fc.oneof(micros(...MODERN), micros(TIMESTAMP_MIN, TIMESTAMP_MAX)));

const interval: fc.Arbitrary<Interval> = fc.record({
  months: edges([0, -(2 ** 31), 2 ** 31 - 1, 12, -1], fc.integer()),
  days: edges([0, -(2 ** 31), 2 ** 31 - 1, 1, -1], fc.integer()),
  micros: edges([0n, INT64_MAX, INT64_MIN + 1n, -1n, 1n, 500_000n], fc.oneof(micros(-MICROS_PER_DAY * 400n, MICROS_PER_DAY * 400n), micros(INT64_MIN + 1n, INT64_MAX))),
});

const jsonb = fc
  .oneof(fc.json({ maxDepth: 3 }), fc.constantFrom('{}', '[]', '""', '"\\ud83d\\ude00"', ' [1, 2.50, -0.0, 1e400] ', '{"a": {"b": [true, false, null]}}'))
  .filter((json) => {
    try {
      parseJsonb(json);
      return true;
    } catch {
      return false;
    }
  });

const SCALARS: Record<ScalarType['kind'], fc.Arbitrary<Value>> = {
  int2: edges([-32768, 32767, 0], fc.integer({ min: -32768, max: 32767 })),
  int4: edges([-(2 ** 31), 2 ** 31 - 1, 0], fc.integer()),
  int8: edges([INT64_MIN, INT64_MAX, 0n], fc.bigInt({ min: INT64_MIN, max: INT64_MAX })),
  float4: edges([NaN, Infinity, -Infinity, -0, 1e-45, 3.4028234663852886e38, 16777217, 0.1, 1e6, 123456, 1e-5].map(Math.fround), fc.float()),
  float8: edges([NaN, Infinity, -Infinity, -0, 5e-324, 1.7976931348623157e308, 1e15, 123456789012345, 1e-4, 1e-5, 0.1], fc.double()),
  numeric,
  bool: fc.boolean(),
  text,
  varchar: text,
  char: text,
  date: edges([DATE_MIN, DATE_MAX, -(2 ** 31), 2 ** 31 - 1, 0, -730_120, -730_119], fc.integer({ min: DATE_MIN, max: DATE_MAX })),
  time: edges([0n, MICROS_PER_DAY, MICROS_PER_DAY - 1n], micros(0n, MICROS_PER_DAY)),
  timestamp,
  timestamptz: timestamp,
  interval,
  uuid: fc.uuid(),
  bytea: fc.uint8Array({ maxLength: 24 }),
  jsonb,
};

export const SCALAR_KINDS = Object.keys(SCALARS) as ScalarType['kind'][];

export function arbitraryValue(type: ColumnType): fc.Arbitrary<Value> {
  if (type.kind !== 'array') return SCALARS[type.kind];
  return fc.oneof({ arbitrary: plainArray(type.element), weight: 3 }, { arbitrary: shapedArray(type.element), weight: 1 });
}

/** One-dimensional arrays indexed from 1: plain JavaScript arrays. */
export function plainArray(element: ScalarType): fc.Arbitrary<Value> {
  return fc.array(fc.option(SCALARS[element.kind], { nil: null, freq: 6 }), { maxLength: 6 });
}

/** Arrays of one to three dimensions (lengths 1 to 3), lower bounds from -2 to 3. */
export function shapedArray(element: ScalarType): fc.Arbitrary<Value> {
  const dimension = fc.record({ length: fc.integer({ min: 1, max: 3 }), lower: fc.integer({ min: -2, max: 3 }) });
  return fc.array(dimension, { minLength: 1, maxLength: 3 }).chain((dimensions) => {
    const count = dimensions.reduce((product, d) => product * d.length, 1);
    const elements = fc.array(fc.option(SCALARS[element.kind], { nil: null, freq: 6 }), { minLength: count, maxLength: count });
    return elements.map((items) => makeArray(items, dimensions.map((d) => d.length), dimensions.map((d) => d.lower)));
  });
}

/** Deterministic samples (FC_SEED overrides the seed to explore). */
export function sampleValues(type: ColumnType, count: number, salt = 0): Value[] {
  const seed = Number(process.env.FC_SEED ?? 20_241_123) + salt;
  return fc.sample(arbitraryValue(type), { numRuns: count, seed });
}

export function sameValue(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (a instanceof ShapedArray || b instanceof ShapedArray) {
    if (!(a instanceof ShapedArray && b instanceof ShapedArray)) return false;
    return show(a.lengths) === show(b.lengths) && show(a.lowers) === show(b.lowers) && sameValue(a.elements, b.elements);
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && 'micros' in a && 'micros' in b) {
    const [x, y] = [a as Interval, b as Interval];
    return x.months === y.months && x.days === y.days && x.micros === y.micros;
  }
  return a === b;
}

/** A value for failure messages (bigints and bytes included). */
export function show(value: unknown): string {
  // `this[key]` is the value before toJSON, which turns a Buffer into an object.
  return JSON.stringify(value, function (this: Record<string, unknown>, key, item) {
    const original = this[key];
    if (original instanceof Uint8Array) return `bytes:${Buffer.from(original).toString('hex')}`;
    return typeof item === 'bigint' ? `${item}n` : Object.is(item, -0) ? '-0' : Number.isNaN(item) ? 'NaN' : item;
  });
}
