/**
 * = <> < <= > >= for every type with a btree order, including PostgreSQL's cross-type families
 * (integers of any width, real with double precision, date with timestamp and timestamptz, text
 * with name). Orders are compare.ts's, so operators agree with ORDER BY and with indexes.
 */
import type { ArrayValue } from '../../../engine/array-value.ts';
import type { Value } from '../../../engine/types.ts';
import { MICROS_PER_DAY, DATE_NEG_INFINITY, DATE_POS_INFINITY, TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY } from '../../types/calendar.ts';
import { compareArrays, compareBigints, compareFloats, compareNumbers, compareValues } from '../compare.ts';
import type { EvalContext } from '../context.ts';
import { sessionZone, toUtc } from '../datetime/zone.ts';
import { compareCodePoints } from '../json/value.ts';
import { op, t, type Impl } from '../registry.ts';
import type { SqlType } from '../../types/sql-type.ts';

type Compare = (a: Value, b: Value, ctx: EvalContext) => number;

const TESTS: readonly (readonly [string, (order: number) => boolean])[] = [
  ['=', (order) => order === 0],
  ['<>', (order) => order !== 0],
  ['<', (order) => order < 0],
  ['<=', (order) => order <= 0],
  ['>', (order) => order > 0],
  ['>=', (order) => order >= 0],
];

function comparisons(left: string, right: string, compare: Compare, volatility: 'immutable' | 'stable' = 'immutable'): void {
  for (const [name, test] of TESTS) {
    const impl: Impl = (args, ctx) => {
      const a = args[0];
      const b = args[1];
      return a === null || b === null ? null : test(compare(a, b, ctx));
    };
    op(name, [left, right], 'bool', impl, { volatility });
  }
}

/** Operators whose order comes from compareValues of the (single) type. */
function sameTypeComparisons(spelling: string): void {
  const compare = compareValues(t(spelling) as SqlType);
  comparisons(spelling, spelling, (a, b) => compare(a, b));
}

for (const kind of ['bool', 'numeric', 'text', 'char', 'name', 'bytea', 'uuid', 'time', 'interval', 'jsonb', 'oid', 'oidvector', 'date', 'timestamp', 'timestamptz']) {
  sameTypeComparisons(kind);
}
sameTypeComparisons('"char"');
// int2vector has only equality (int2vectoreq).
{
  const compare = compareValues({ kind: 'int2vector' });
  op('=', ['int2vector', 'int2vector'], 'bool', (args) => (args[0] === null || args[1] === null ? null : compare(args[0], args[1]) === 0));
}

const asNumber = (value: Value) => (typeof value === 'bigint' ? value : BigInt(value as number));
for (const left of ['int2', 'int4', 'int8']) {
  for (const right of ['int2', 'int4', 'int8']) {
    if (left === 'int8' || right === 'int8') comparisons(left, right, (a, b) => compareBigints(asNumber(a), asNumber(b)));
    else comparisons(left, right, (a, b) => compareNumbers(a as number, b as number));
  }
}
for (const left of ['float4', 'float8']) {
  for (const right of ['float4', 'float8']) comparisons(left, right, (a, b) => compareFloats(a as number, b as number));
}

comparisons('text', 'name', (a, b) => compareCodePoints(a as string, b as string));
comparisons('name', 'text', (a, b) => compareCodePoints(a as string, b as string));

// ---- date with timestamps ----------------------------------------------------------------------

/** A date as the timestamp of its midnight (the infinities as timestamp infinities). */
function dateAsTimestamp(days: number): bigint {
  if (days === DATE_NEG_INFINITY) return TIMESTAMP_NEG_INFINITY;
  if (days === DATE_POS_INFINITY) return TIMESTAMP_POS_INFINITY;
  return BigInt(days) * MICROS_PER_DAY;
}

function dateAsTimestamptz(days: number, ctx: EvalContext): bigint {
  return toUtc(dateAsTimestamp(days), sessionZone(ctx.timeZone));
}

comparisons('date', 'timestamp', (a, b) => compareBigints(dateAsTimestamp(a as number), b as bigint));
comparisons('timestamp', 'date', (a, b) => compareBigints(a as bigint, dateAsTimestamp(b as number)));
comparisons('date', 'timestamptz', (a, b, ctx) => compareBigints(dateAsTimestamptz(a as number, ctx), b as bigint), 'stable');
comparisons('timestamptz', 'date', (a, b, ctx) => compareBigints(a as bigint, dateAsTimestamptz(b as number, ctx)), 'stable');
comparisons('timestamp', 'timestamptz', (a, b, ctx) => compareBigints(toUtc(a as bigint, sessionZone(ctx.timeZone)), b as bigint), 'stable');
comparisons('timestamptz', 'timestamp', (a, b, ctx) => compareBigints(a as bigint, toUtc(b as bigint, sessionZone(ctx.timeZone))), 'stable');

// ---- arrays ------------------------------------------------------------------------------------

for (const [name, test] of TESTS) {
  op(name, ['anyarray', 'anyarray'], 'bool', {
    build: (args) => {
      const element = compareValues((args[0] as Extract<SqlType, { kind: 'array' }>).element);
      return (values) => {
        const a = values[0];
        const b = values[1];
        return a === null || b === null ? null : test(compareArrays(a as ArrayValue, b as ArrayValue, element));
      };
    },
  });
}
