/**
 * numeric values for arithmetic: a finite value is an unscaled bigint and its display scale
 * (v / 10^s, the scale kept as PostgreSQL keeps dscale), or one of the three special values.
 * Reading and writing the engine's decimal strings, comparison, rounding, and the checks that
 * make_result applies to every result.
 */
import { EngineError, FnState } from '../errors.ts';

export interface Finite {
  readonly v: bigint;
  readonly s: number;
}

export type Special = 'NaN' | 'Infinity' | '-Infinity';
export type Num = Finite | Special;

/** PostgreSQL's NUMERIC_MAX_DISPLAY_SCALE, NUMERIC_MIN_SIG_DIGITS, NUMERIC_MAX_RESULT_SCALE. */
export const MAX_DISPLAY_SCALE = 1000;
export const MIN_SIG_DIGITS = 16;
export const MAX_RESULT_SCALE = 2000;
/** NUMERIC_DSCALE_MAX, and NUMERIC_WEIGHT_MAX in decimal digits before the point. */
const DSCALE_MAX = 16_383;
const MAX_INTEGER_DIGITS = (32_767 + 1) * 4;

export const ZERO: Finite = { v: 0n, s: 0 };
export const ONE: Finite = { v: 1n, s: 0 };

const POWERS: bigint[] = [1n];
export function pow10(n: number): bigint {
  if (n < 64) {
    while (POWERS.length <= n) POWERS.push(POWERS[POWERS.length - 1] * 10n);
    return POWERS[n];
  }
  return 10n ** BigInt(n);
}

export function isSpecial(n: Num): n is Special {
  return typeof n === 'string';
}

/** Reads an engine numeric value ('-12.50', '.5', '+1.', 'NaN', 'Infinity'). */
export function readNum(text: string): Num {
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return text;
  const point = text.indexOf('.');
  if (point < 0) return { v: BigInt(text), s: 0 };
  const fraction = text.slice(point + 1);
  const whole = text.slice(0, point);
  const negative = whole.startsWith('-');
  const digits = (negative || whole.startsWith('+') ? whole.slice(1) : whole) + fraction;
  const v = BigInt(digits === '' ? '0' : digits);
  return { v: negative ? -v : v, s: fraction.length };
}

/** numeric_out's text of a value. */
export function writeNum(n: Num): string {
  if (isSpecial(n)) return n;
  const negative = n.v < 0n;
  const digits = (negative ? -n.v : n.v).toString();
  if (n.s === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(n.s + 1, '0');
  const text = `${padded.slice(0, padded.length - n.s)}.${padded.slice(padded.length - n.s)}`;
  return negative ? `-${text}` : text;
}

export function overflow(): EngineError {
  return new EngineError(FnState.numericValueOutOfRange, 'value overflows numeric format');
}

/** make_result's limits: at most 131072 digits before the point and a display scale of 16383. */
export function checked(n: Finite): Finite {
  if (n.s > DSCALE_MAX) throw overflow();
  const magnitude = n.v < 0n ? -n.v : n.v;
  if (magnitude !== 0n && magnitude.toString().length - n.s > MAX_INTEGER_DIGITS) throw overflow();
  return n;
}

export function sign(n: Num): number {
  if (n === 'NaN') return NaN;
  if (n === 'Infinity') return 1;
  if (n === '-Infinity') return -1;
  return n.v > 0n ? 1 : n.v < 0n ? -1 : 0;
}

/** Sign of a - b for finite values. */
export function compareFinite(a: Finite, b: Finite): number {
  let left = a.v;
  let right = b.v;
  if (a.s < b.s) left *= pow10(b.s - a.s);
  else if (a.s > b.s) right *= pow10(a.s - b.s);
  return left < right ? -1 : left > right ? 1 : 0;
}

const SPECIAL_RANK: Record<Special, number> = { '-Infinity': -1, Infinity: 1, NaN: 2 };

/** numeric's btree order: -Infinity < finite < Infinity < NaN, NaN equal to itself. */
export function compareNum(a: Num, b: Num): number {
  const rankA = isSpecial(a) ? SPECIAL_RANK[a] : 0;
  const rankB = isSpecial(b) ? SPECIAL_RANK[b] : 0;
  if (rankA !== 0 || rankB !== 0) return Math.sign(rankA - rankB);
  return compareFinite(a as Finite, b as Finite);
}

/** Integer division rounding half away from zero. */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  if (2n * (n - q * d) >= d) q++;
  return negative ? -q : q;
}

/** round_var: to `scale` digits after the point (negative: before it), half away from zero; the display scale becomes max(scale, 0). */
export function roundTo(n: Finite, scale: number): Finite {
  if (scale >= n.s) return { v: n.v * pow10(scale - n.s), s: scale < 0 ? 0 : scale };
  const rounded = divRound(n.v, pow10(n.s - scale));
  return scale >= 0 ? { v: rounded, s: scale } : { v: rounded * pow10(-scale), s: 0 };
}

/** trunc_var: toward zero. */
export function truncTo(n: Finite, scale: number): Finite {
  if (scale >= n.s) return { v: n.v * pow10(scale - n.s), s: scale < 0 ? 0 : scale };
  const truncated = n.v / pow10(n.s - scale);
  return scale >= 0 ? { v: truncated, s: scale } : { v: truncated * pow10(-scale), s: 0 };
}

/** Toward negative infinity at `scale` digits. */
export function floorTo(n: Finite, scale: number): Finite {
  const truncated = truncTo(n, scale);
  return n.v < 0n && compareFinite(truncated, n) !== 0 ? { v: truncated.v - pow10(Math.max(0, -scale)), s: truncated.s } : truncated;
}

export function ceilTo(n: Finite, scale: number): Finite {
  const truncated = truncTo(n, scale);
  return n.v > 0n && compareFinite(truncated, n) !== 0 ? { v: truncated.v + pow10(Math.max(0, -scale)), s: truncated.s } : truncated;
}

/** Decimal digits of |v| (1 for zero). */
export function digitCount(v: bigint): number {
  return (v < 0n ? -v : v).toString().length;
}

/**
 * The base-10000 weight and first digit of a value as PostgreSQL stores it (weight 0, digit 0
 * for zero): the inputs of select_div_scale and sqrt's scale choice.
 */
export function nbaseHead(n: Finite): { weight: number; first: number } {
  if (n.v === 0n) return { weight: 0, first: 0 };
  const digits = (n.v < 0n ? -n.v : n.v).toString();
  // Power of ten of the most significant digit, and the base-10000 group holding it.
  const top = digits.length - 1 - n.s;
  const weight = Math.floor(top / 4);
  const inGroup = top - 4 * weight + 1;
  return { weight, first: Number(digits.slice(0, inGroup).padEnd(inGroup, '0')) };
}

/** The value as a double (for the estimates PostgreSQL makes with doubles). */
export function toDouble(n: Num): number {
  if (n === 'NaN') return NaN;
  if (n === 'Infinity') return Infinity;
  if (n === '-Infinity') return -Infinity;
  return Number(writeNum(n));
}

/** Whether a value has no fractional part (NaN and infinities are not integers). */
export function isIntegral(n: Num): n is Finite {
  return !isSpecial(n) && (n.s === 0 || n.v % pow10(n.s) === 0n);
}

export function integerPart(n: Finite): bigint {
  return n.v / pow10(n.s);
}
