/**
 * Conversions between the numeric types with PostgreSQL 15's rounding and errors: integers
 * range-checked ('integer out of range'), floats to integers by rint (half to even), numeric to
 * integers half away from zero, floats to numeric through 15 (float8) or 6 (float4) significant
 * digits as float8_numeric prints them, numeric to floats through their input functions, and
 * numeric(p,s) type modifiers.
 */
import { roundHalfEven } from '../../types/datetime-tokens.ts';
import { parseFloat } from '../../types/float.ts';
import { EngineError, FnState, outOfRange } from '../errors.ts';
import { isSpecial, pow10, readNum, roundTo, writeNum, type Finite } from './decimal.ts';

export type IntKind = 'int2' | 'int4' | 'int8';

export const INT_NAMES: Record<IntKind, string> = { int2: 'smallint', int4: 'integer', int8: 'bigint' };
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

export function checkInt2(value: number): number {
  if (value < -32768 || value > 32767) throw outOfRange('smallint');
  return value;
}

export function checkInt8(value: bigint): bigint {
  if (value < INT8_MIN || value > INT8_MAX) throw outOfRange('bigint');
  return value;
}

export function bigintToInt(value: bigint, kind: IntKind): number | bigint {
  if (kind === 'int8') return checkInt8(value);
  const limit = kind === 'int2' ? 32768n : 2147483648n;
  if (value < -limit || value >= limit) throw outOfRange(INT_NAMES[kind]);
  return Number(value);
}

/** float4/float8 to an integer type: rint, then the range check (NaN is out of range). */
export function floatToInt(value: number, kind: IntKind): number | bigint {
  const rounded = roundHalfEven(value);
  if (kind === 'int8') {
    if (!(rounded >= -9223372036854775808 && rounded < 9223372036854775808)) throw outOfRange('bigint');
    return BigInt(rounded);
  }
  const limit = kind === 'int2' ? 32768 : 2147483648;
  if (!(rounded >= -limit && rounded < limit)) throw outOfRange(INT_NAMES[kind]);
  return rounded + 0;
}

/** numeric to an integer type, rounding half away from zero. */
export function numericToInt(text: string, kind: IntKind): number | bigint {
  const value = readNum(text);
  if (isSpecial(value)) {
    const what = value === 'NaN' ? 'NaN' : 'infinity';
    throw new EngineError(FnState.featureNotSupported, `cannot convert ${what} to ${INT_NAMES[kind]}`);
  }
  return bigintToInt(roundTo(value, 0).v, kind);
}

/** float8in / float4in of numeric_out's text. */
export function numericToFloat(text: string, kind: 'float4' | 'float8'): number {
  return parseFloat(kind, writeNum(readNum(text)));
}

/**
 * float8_numeric / float4_numeric: the value printed with %.15g (%.6g) and read back, so
 * 0.1::float8::numeric is 0.1. Ties in that rounding go to even, as printf's do.
 */
export function floatToNumeric(value: number, kind: 'float4' | 'float8'): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return '0';
  const digits = kind === 'float8' ? 15 : 6;
  const exact = exactDecimal(kind === 'float4' ? Math.fround(value) : value);
  const length = (exact.v < 0n ? -exact.v : exact.v).toString().length;
  // Keep `digits` significant digits: round at scale s - (length - digits).
  const scale = exact.s - (length - digits);
  const rounded = scale >= exact.s ? exact : roundHalfEvenTo(exact, scale);
  return writeNum(trimZeros(rounded));
}

/** The exact decimal value of a finite double. */
export function exactDecimal(value: number): Finite {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const signed = negative ? -mantissa : mantissa;
  if (exponent >= 0) return { v: signed << BigInt(exponent), s: 0 };
  // m / 2^k = m · 5^k / 10^k
  return { v: signed * 5n ** BigInt(-exponent), s: -exponent };
}

function roundHalfEvenTo(value: Finite, scale: number): Finite {
  const divisor = pow10(value.s - scale);
  const negative = value.v < 0n;
  const magnitude = negative ? -value.v : value.v;
  let q = magnitude / divisor;
  const twice = 2n * (magnitude - q * divisor);
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) q++;
  const signed = negative ? -q : q;
  return scale >= 0 ? { v: signed, s: scale } : { v: signed * pow10(-scale), s: 0 };
}

/** What %g prints has no trailing fraction zeros; numeric_in keeps the scale it reads. */
function trimZeros(value: Finite): Finite {
  let { v, s } = value;
  while (s > 0 && v % 10n === 0n) {
    v /= 10n;
    s--;
  }
  return { v, s };
}

/**
 * apply_typmod for numeric(precision, scale): round to the scale, then at most
 * precision - scale digits before the point (22003 'numeric field overflow' otherwise).
 */
export function applyNumericTypmod(text: string, precision: number, scale: number): string {
  const value = readNum(text);
  if (isSpecial(value)) {
    if (value === 'NaN') return value;
    throw new EngineError(FnState.numericValueOutOfRange, 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
    });
  }
  const rounded = roundTo(value, scale);
  const integerDigits = rounded.v === 0n ? 0 : (rounded.v < 0n ? -rounded.v : rounded.v).toString().length - rounded.s;
  const maxDigits = precision - scale;
  if (integerDigits > maxDigits) {
    throw new EngineError(FnState.numericValueOutOfRange, 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${maxDigits > 0 ? `10^${maxDigits}` : '1'}.`,
    });
  }
  return writeNum(rounded);
}
