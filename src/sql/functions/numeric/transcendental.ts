/**
 * numeric sqrt, exp, ln, log and power with PostgreSQL 15's choice of result scale
 * (numeric_sqrt, numeric_exp, numeric_ln, numeric_log, numeric_power), its errors, and its rules
 * for NaN and the infinities. Results are computed with guard digits on scaled bigints and
 * rounded half away from zero at that scale, as PostgreSQL's round_var does.
 */
import { EngineError, FnState, divisionByZero } from '../errors.ts';
import { numericToWire } from '../../types/numeric-wire.ts';
import { divideAt } from './arithmetic.ts';
import {
  MAX_DISPLAY_SCALE,
  MAX_RESULT_SCALE,
  MIN_SIG_DIGITS,
  ONE,
  ZERO,
  checked,
  compareFinite,
  digitCount,
  divRound,
  integerPart,
  isIntegral,
  isSpecial,
  nbaseHead,
  overflow,
  pow10,
  roundTo,
  sign,
  toDouble,
  type Finite,
  writeNum,
  type Num,
} from './decimal.ts';

const GUARD = 12;
/** Digits a numeric may have before the point (NUMERIC_WEIGHT_MAX base-10000 digits). */
const MAX_INTEGER_DIGITS = (32_767 + 1) * 4;

function clampScale(scale: number): number {
  return Math.min(Math.max(scale, 0), MAX_DISPLAY_SCALE);
}

/** A value held as n / 10^precision. */
function fixed(value: Finite, precision: number): bigint {
  return precision >= value.s ? value.v * pow10(precision - value.s) : value.v / pow10(value.s - precision);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton's iteration from a power of two above the root decreases to the floor of the root.
  let x = 1n << BigInt(Math.ceil((n.toString(16).length * 4) / 2));
  for (;;) {
    const next = (x + n / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

// ---- sqrt --------------------------------------------------------------------------------------

export function sqrt(a: Num): Num {
  if (a === 'NaN' || a === 'Infinity') return a;
  if (a === '-Infinity' || (a as Finite).v < 0n) {
    throw new EngineError(FnState.invalidArgumentForPowerFunction, 'cannot take square root of a negative number');
  }
  const value = a as Finite;
  const { weight } = nbaseHead(value);
  // PostgreSQL divides in C: truncation toward zero.
  const resultWeight = Math.trunc(((weight + 1) * 4) / 2) - 1;
  const scale = clampScale(Math.max(MIN_SIG_DIGITS - resultWeight, value.s));
  return sqrtAt(value, scale);
}

/** The square root of a non-negative value rounded at `scale` digits (PostgreSQL's sqrt_var). */
export function sqrtAt(value: Finite, scale: number): Finite {
  // One extra digit, then round it off: the floor of the root decides the rounding exactly.
  const digits = scale + 1;
  const shift = 2 * digits - value.s;
  const radicand = shift >= 0 ? value.v * pow10(shift) : value.v / pow10(-shift);
  const root = isqrt(radicand);
  return { v: divRound(root, 10n), s: scale };
}

// ---- constants and series ------------------------------------------------------------------

/** atanh(1/n) · 10^precision, by its series. */
function atanhInverse(n: bigint, precision: number): bigint {
  const one = pow10(precision);
  const square = n * n;
  let power = one / n;
  let sum = power;
  for (let k = 3n; power !== 0n; k += 2n) {
    power /= square;
    sum += power / k;
  }
  return sum;
}

const ln10Cache = new Map<number, bigint>();

/** ln 10 · 10^precision: 3·ln 2 + ln 1.25 with ln 2 = 2·atanh(1/3), ln 1.25 = 2·atanh(1/9). */
function ln10(precision: number): bigint {
  let cached = ln10Cache.get(precision);
  if (cached === undefined) {
    const p = precision + 5;
    cached = (6n * atanhInverse(3n, p) + 2n * atanhInverse(9n, p)) / pow10(5);
    ln10Cache.set(precision, cached);
  }
  return cached;
}

/** ln(x) · 10^precision for x = value (> 0). */
function lnFixed(value: Finite, precision: number): bigint {
  // value = m · 10^k with 1 <= m < 10.
  const k = digitCount(value.v) - 1 - value.s;
  const work = precision + GUARD;
  const one = pow10(work);
  let m = k >= 0 ? fixed(value, work) / pow10(k) : fixed(value, work) * pow10(-k);
  // Square roots bring m near 1, where the atanh series converges fast; each doubles the error.
  let halvings = 0;
  const near = one / 100n;
  while (m - one > near || one - m > near) {
    m = isqrt(m * one);
    halvings++;
  }
  // ln m = 2·atanh((m - 1) / (m + 1)).
  const t = ((m - one) * one) / (m + one);
  const t2 = (t * t) / one;
  let term = t;
  let sum = t;
  for (let i = 3n; term !== 0n; i += 2n) {
    term = (term * t2) / one;
    sum += term / i;
  }
  const lnM = 2n * sum * (1n << BigInt(halvings));
  return (lnM + BigInt(k) * ln10(work)) / pow10(GUARD);
}

/** A scaled bigint as a double, without overflowing Number() on long digit strings. */
function scaledToDouble(n: bigint, precision: number): number {
  const digits = (n < 0n ? -n : n).toString();
  const head = Number(`${digits.slice(0, 17)}e${digits.length - Math.min(17, digits.length) - precision}`);
  return n < 0n ? -head : head;
}

function rescale(n: bigint, from: number, to: number): bigint {
  return to >= from ? n * pow10(to - from) : n / pow10(from - to);
}

/** e^x for x = n / 10^precision, rounded at `scale` digits after the point. */
function expValue(x: bigint, precision: number, scale: number): Finite {
  // e^x = e^r · 10^q with 0 <= r < ln 10; the digits wanted fix how precise e^r must be.
  const q = Math.floor(scaledToDouble(x, precision) / Math.LN10);
  const work = Math.max(scale + q + 1, 0) + GUARD;
  const p = work + String(Math.abs(q)).length + 2;
  const lnTen = ln10(p);
  let r = rescale(x, precision, p) - BigInt(q) * lnTen;
  let exponent = q;
  while (r < 0n) {
    r += lnTen;
    exponent--;
  }
  while (r >= lnTen) {
    r -= lnTen;
    exponent++;
  }
  // Halve r until small, sum the Taylor series, then square back.
  const unit = pow10(p);
  const small = unit / 1000n;
  let halvings = 0;
  while (r > small) {
    r /= 2n;
    halvings++;
  }
  let term = unit;
  let sum = unit;
  for (let i = 1n; term !== 0n; i++) {
    term = (term * r) / (unit * i);
    sum += term;
  }
  for (let i = 0; i < halvings; i++) sum = (sum * sum) / unit;
  const shift = exponent + scale - p;
  return { v: shift >= 0 ? sum * pow10(shift) : divRound(sum, pow10(-shift)), s: scale };
}

// ---- exp and ln --------------------------------------------------------------------------------

export function exp(a: Num): Num {
  if (a === 'NaN' || a === 'Infinity') return a;
  if (a === '-Infinity') return ZERO;
  const value = a as Finite;
  const approximate = toDouble(value);
  // exp_var's limit: results beyond 10^(3·NUMERIC_MAX_RESULT_SCALE·log10(e)) overflow.
  if (Math.abs(approximate) >= MAX_RESULT_SCALE * 3) throw overflow();
  let weight = approximate * 0.434294481903252;
  weight = Math.min(Math.max(weight, -MAX_RESULT_SCALE), MAX_RESULT_SCALE);
  const scale = clampScale(Math.max(MIN_SIG_DIGITS - Math.trunc(weight), value.s));
  return checked(expValue(value.v, value.s, scale));
}

/** estimate_ln_dweight: the decimal weight of ln(value), estimated as PostgreSQL does. */
function lnWeight(value: Finite): number {
  if (value.v <= 0n) return 0;
  if (compareFinite(value, { v: 9n, s: 1 }) >= 0 && compareFinite(value, { v: 11n, s: 1 }) <= 0) {
    const x = { v: value.v - pow10(value.s), s: value.s };
    if (x.v === 0n) return 0;
    const { weight, first } = nbaseHead(x);
    return weight * 4 + Math.trunc(Math.log10(first));
  }
  // ln(value) from its first two base-10000 digits.
  const { weight, digits } = numericToWire(writeNum(value));
  let leading = digits[0];
  let dweight = weight * 4;
  if (digits.length > 1) {
    leading = leading * 10_000 + digits[1];
    dweight -= 4;
  }
  return Math.trunc(Math.log10(Math.abs(Math.log(leading) + dweight * 2.302585092994046)));
}

function checkLogArgument(value: Num): void {
  if (value === '-Infinity' || (!isSpecial(value) && value.v < 0n)) {
    throw new EngineError(FnState.invalidArgumentForLogarithm, 'cannot take logarithm of a negative number');
  }
  if (!isSpecial(value) && value.v === 0n) throw new EngineError(FnState.invalidArgumentForLogarithm, 'cannot take logarithm of zero');
}

export function ln(a: Num): Num {
  if (a === 'NaN' || a === 'Infinity') return a;
  checkLogArgument(a);
  a = a as Finite;
  const scale = clampScale(Math.max(MIN_SIG_DIGITS - lnWeight(a), a.s));
  return { v: divRound(lnFixed(a, scale + 2), 100n), s: scale };
}

/** log(base, value) */
export function log(base: Num, value: Num): Num {
  if (base === 'NaN' || value === 'NaN') return 'NaN';
  checkLogArgument(base);
  checkLogArgument(value);
  if (base === 'Infinity' || value === 'Infinity') {
    if (base === 'Infinity' && value === 'Infinity') return 'NaN';
    if (value === 'Infinity') return 'Infinity';
    return ZERO;
  }
  base = base as Finite;
  value = value as Finite;
  if (compareFinite(base, ONE) === 0) throw divisionByZero();
  const scale = clampScale(Math.max(MIN_SIG_DIGITS - (lnWeight(value) - lnWeight(base)), base.s, value.s));
  // Enough digits that the quotient is right to `scale` whatever the size of ln(base).
  const precision = scale + GUARD + Math.max(0, -lnWeight(base)) + Math.max(0, lnWeight(value));
  const lnValue = { v: lnFixed(value, precision), s: precision };
  const lnBase = { v: lnFixed(base, precision), s: precision };
  return divideAt(lnValue, lnBase, scale);
}

// ---- power -------------------------------------------------------------------------------------

/** Beyond this many digits an exact integer power is not worth computing. */
const EXACT_DIGIT_LIMIT = 20_000;

export function power(base: Num, exponent: Num): Num {
  if (isSpecial(base) || isSpecial(exponent)) return specialPower(base, exponent);
  const baseSign = sign(base);
  if (baseSign === 0 && exponent.v < 0n) {
    throw new EngineError(FnState.invalidArgumentForPowerFunction, 'zero raised to a negative power is undefined');
  }
  if (baseSign < 0 && !isIntegral(exponent)) {
    throw new EngineError(FnState.invalidArgumentForPowerFunction, 'a negative number raised to a non-integer power yields a complex result');
  }
  if (isIntegral(exponent)) {
    const n = integerPart(exponent);
    if (n >= -(2n ** 31n) && n < 2n ** 31n) return integerPower(base, Number(n));
  }
  return generalPower(base, exponent);
}

function integerPower(base: Finite, n: number): Finite {
  const scale = clampScale(Math.max(MIN_SIG_DIGITS, base.s));
  if (n === 0) return { v: pow10(scale), s: scale };
  if (base.v === 0n) return { v: 0n, s: scale };
  const estimate = n * Math.log10(Math.abs(toDouble(base)));
  if (estimate > MAX_INTEGER_DIGITS + 1) throw overflow();
  if (estimate + 1 < -scale) return { v: 0n, s: scale };
  const magnitude = Math.abs(n);
  if (digitCount(base.v) * magnitude > EXACT_DIGIT_LIMIT) return viaLogarithm(base, { v: BigInt(n), s: 0 }, scale, estimate);
  const exact: Finite = { v: base.v ** BigInt(magnitude), s: base.s * magnitude };
  if (n > 0) return checked(roundTo(exact, scale));
  return checked(divideAt(ONE, exact, scale));
}

function generalPower(base: Finite, exponent: Finite): Num {
  if (base.v === 0n) return { v: 0n, s: MIN_SIG_DIGITS };
  const lnBase = Math.log(Math.abs(toDouble(base)));
  const product = lnBase * toDouble(exponent);
  if (Math.abs(product) > MAX_RESULT_SCALE * 3.01) throw overflow();
  const weight = product * 0.434294481903252;
  const scale = clampScale(Math.max(MIN_SIG_DIGITS - Math.trunc(weight), base.s, exponent.s));
  return viaLogarithm(base, exponent, scale, weight);
}

/** e^(exponent · ln |base|), negated for a negative base raised to an odd integer. */
function viaLogarithm(base: Finite, exponent: Finite, scale: number, weight: number): Finite {
  const magnitude = base.v < 0n ? { v: -base.v, s: base.s } : base;
  const precision = scale + Math.max(0, Math.ceil(weight)) + digitCount(integerPart(exponent)) + GUARD;
  const lnBase = lnFixed(magnitude, precision);
  const x = (lnBase * exponent.v) / pow10(exponent.s);
  const result = checked(expValue(x, precision, scale));
  const odd = base.v < 0n && isIntegral(exponent) && integerPart(exponent) % 2n !== 0n;
  return odd ? { v: -result.v, s: result.s } : result;
}

/** numeric_power's rules for NaN and infinite inputs (POSIX pow()'s, with SQL's errors). */
function specialPower(base: Num, exponent: Num): Num {
  if (base === 'NaN') return !isSpecial(exponent) && exponent.v === 0n ? ONE : 'NaN';
  if (exponent === 'NaN') return !isSpecial(base) && compareFinite(base, ONE) === 0 ? ONE : 'NaN';
  const baseSign = sign(base);
  const exponentSign = sign(exponent);
  if (baseSign === 0 && exponentSign < 0) {
    throw new EngineError(FnState.invalidArgumentForPowerFunction, 'zero raised to a negative power is undefined');
  }
  if (baseSign < 0 && !isSpecial(exponent) && !isIntegral(exponent)) {
    throw new EngineError(FnState.invalidArgumentForPowerFunction, 'a negative number raised to a non-integer power yields a complex result');
  }
  if (isSpecial(exponent)) {
    let magnitudeAboveOne = true;
    if (!isSpecial(base)) {
      if (compareFinite(base, { v: -1n, s: 0 }) === 0) return ONE;
      magnitudeAboveOne = compareFinite({ v: base.v < 0n ? -base.v : base.v, s: base.s }, ONE) > 0;
    }
    return magnitudeAboveOne === exponentSign > 0 ? 'Infinity' : ZERO;
  }
  if (exponentSign === 0) return ONE;
  if (exponentSign < 0) return ZERO;
  if (base === 'Infinity') return 'Infinity';
  const odd = isIntegral(exponent) && integerPart(exponent) % 2n !== 0n;
  return odd ? '-Infinity' : 'Infinity';
}
