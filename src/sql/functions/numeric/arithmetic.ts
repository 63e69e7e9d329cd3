/**
 * numeric + - * / % and their relatives with PostgreSQL 15's result scales (add and subtract:
 * the larger input scale; multiply: the sum; divide: select_div_scale) and its rules for NaN and
 * the infinities.
 */
import { divisionByZero } from '../errors.ts';
import { MAX_DISPLAY_SCALE, MIN_SIG_DIGITS, ZERO, checked, divRound, isSpecial, nbaseHead, pow10, sign, truncTo, type Finite, type Num } from './decimal.ts';

function align(a: Finite, b: Finite): [bigint, bigint, number] {
  if (a.s === b.s) return [a.v, b.v, a.s];
  return a.s < b.s ? [a.v * pow10(b.s - a.s), b.v, b.s] : [a.v, b.v * pow10(a.s - b.s), a.s];
}

export function add(a: Num, b: Num): Num {
  if (isSpecial(a) || isSpecial(b)) {
    if (a === 'NaN' || b === 'NaN') return 'NaN';
    if (isSpecial(a) && isSpecial(b)) return a === b ? a : 'NaN';
    return isSpecial(a) ? a : (b as Num);
  }
  const [x, y, s] = align(a, b);
  return checked({ v: x + y, s });
}

export function negate(a: Num): Num {
  if (a === 'NaN') return a;
  if (a === 'Infinity') return '-Infinity';
  if (a === '-Infinity') return 'Infinity';
  return { v: -a.v, s: a.s };
}

export function subtract(a: Num, b: Num): Num {
  return add(a, negate(b));
}

export function abs(a: Num): Num {
  if (a === '-Infinity') return 'Infinity';
  if (isSpecial(a)) return a;
  return a.v < 0n ? { v: -a.v, s: a.s } : a;
}

function infinityWithSign(positive: boolean): Num {
  return positive ? 'Infinity' : '-Infinity';
}

export function multiply(a: Num, b: Num): Num {
  if (isSpecial(a) || isSpecial(b)) {
    if (a === 'NaN' || b === 'NaN') return 'NaN';
    const product = sign(a) * sign(b);
    return product === 0 ? 'NaN' : infinityWithSign(product > 0);
  }
  return checked({ v: a.v * b.v, s: a.s + b.s });
}

/** select_div_scale: at least 16 significant digits, and no less than either input's scale. */
export function divisionScale(a: Finite, b: Finite): number {
  const x = nbaseHead(a);
  const y = nbaseHead(b);
  let weight = x.weight - y.weight;
  if (x.first <= y.first) weight--;
  const scale = Math.max(MIN_SIG_DIGITS - weight * 4, a.s, b.s, 0);
  return Math.min(scale, MAX_DISPLAY_SCALE);
}

/** a / b rounded half away from zero at `scale` digits. */
export function divideAt(a: Finite, b: Finite, scale: number): Finite {
  const shift = scale + b.s - a.s;
  const numerator = shift >= 0 ? a.v * pow10(shift) : a.v;
  const denominator = shift >= 0 ? b.v : b.v * pow10(-shift);
  return checked({ v: divRound(numerator, denominator), s: scale });
}

/** Special cases of division, shared by / and div(): undefined when both inputs are finite. */
function divideSpecial(a: Num, b: Num): Num | undefined {
  if (!isSpecial(a) && !isSpecial(b)) return undefined;
  if (a === 'NaN' || b === 'NaN') return 'NaN';
  if (isSpecial(a)) {
    if (isSpecial(b)) return 'NaN';
    const divisor = sign(b);
    if (divisor === 0) throw divisionByZero();
    return infinityWithSign(sign(a) === divisor);
  }
  return ZERO;
}

export function divide(a: Num, b: Num): Num {
  const special = divideSpecial(a, b);
  if (special !== undefined) return special;
  const [x, y] = [a as Finite, b as Finite];
  if (y.v === 0n) throw divisionByZero();
  return divideAt(x, y, divisionScale(x, y));
}

/** div(a, b): the quotient truncated toward zero, scale 0. */
export function divideTruncated(a: Num, b: Num): Num {
  const special = divideSpecial(a, b);
  if (special !== undefined) return special;
  const [x, y] = [a as Finite, b as Finite];
  if (y.v === 0n) throw divisionByZero();
  const [n, d] = align(x, y);
  return { v: n / d, s: 0 };
}

/** a % b = a - trunc(a / b) * b, with the larger input scale; the sign follows a. */
export function modulo(a: Num, b: Num): Num {
  if (isSpecial(a) || isSpecial(b)) {
    if (a === 'NaN' || b === 'NaN') return 'NaN';
    if (isSpecial(a)) {
      if (sign(b) === 0) throw divisionByZero();
      return 'NaN';
    }
    return a;
  }
  if (b.v === 0n) throw divisionByZero();
  const [n, d, s] = align(a, b);
  return { v: n % d, s };
}

/** numeric_trunc etc. keep specials unchanged; this applies an operation to finite values only. */
export function finiteOnly(a: Num, operation: (value: Finite) => Finite): Num {
  return isSpecial(a) ? a : operation(a);
}

export function truncate(a: Num, scale: number): Num {
  return finiteOnly(a, (value) => truncTo(value, scale));
}

export function gcdBig(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}
