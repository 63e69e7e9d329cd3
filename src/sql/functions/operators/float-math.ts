/**
 * float4/float8 arithmetic with PostgreSQL's checks: a finite computation that gives an
 * infinity raises 'value out of range: overflow', one that gives zero from nonzero inputs
 * 'value out of range: underflow' (22003); division by zero raises 22012 unless the dividend
 * is NaN. float4 results are rounded to single precision first.
 */
import { EngineError, FnState, divisionByZero } from '../errors.ts';

function overflow(): EngineError {
  return new EngineError(FnState.numericValueOutOfRange, 'value out of range: overflow');
}

function underflow(): EngineError {
  return new EngineError(FnState.numericValueOutOfRange, 'value out of range: underflow');
}

/** check_float8_val for the result of a computation from `a` (and `b`). */
export function checkFloat8(result: number, a: number, b = 0): number {
  if (result === Infinity || result === -Infinity) {
    if (Number.isFinite(a) && Number.isFinite(b)) throw overflow();
  }
  return result;
}

/** The result of multiplying or dividing: also underflow when nonzero inputs give zero. */
function checkProduct(result: number, a: number, b: number, zeroIsValid: boolean): number {
  if (!Number.isFinite(result) && !Number.isNaN(result) && Number.isFinite(a) && Number.isFinite(b)) throw overflow();
  if (result === 0 && !zeroIsValid) throw underflow();
  return result;
}

/** float8_to_float4-style check: a float4 that overflowed or underflowed in the rounding. */
export function checkFloat4(result: number, source: number): number {
  if (!Number.isFinite(result) && !Number.isNaN(result) && Number.isFinite(source)) throw overflow();
  if (result === 0 && source !== 0) throw underflow();
  return result;
}

export function float8Add(a: number, b: number): number {
  return checkFloat8(a + b, a, b);
}

export function float8Sub(a: number, b: number): number {
  return checkFloat8(a - b, a, b);
}

export function float8Mul(a: number, b: number): number {
  return checkProduct(a * b, a, b, a === 0 || b === 0);
}

export function float8Div(a: number, b: number): number {
  if (b === 0 && !Number.isNaN(a)) throw divisionByZero();
  return checkProduct(a / b, a, b, a === 0 || !Number.isFinite(b));
}

export function float4Add(a: number, b: number): number {
  return checkFloat8(Math.fround(a + b), a, b);
}

export function float4Sub(a: number, b: number): number {
  return checkFloat8(Math.fround(a - b), a, b);
}

export function float4Mul(a: number, b: number): number {
  return checkProduct(Math.fround(a * b), a, b, a === 0 || b === 0);
}

export function float4Div(a: number, b: number): number {
  if (b === 0 && !Number.isNaN(a)) throw divisionByZero();
  return checkProduct(Math.fround(a / b), a, b, a === 0 || !Number.isFinite(b));
}

/** dpow: C's pow() with SQL's errors for zero to a negative power and complex results. */
export function floatPower(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) || y !== 0 ? NaN : 1;
  if (Number.isNaN(y)) return x === 1 ? 1 : NaN;
  if (x === 0 && y < 0) throw new EngineError(FnState.invalidArgumentForPowerFunction, 'zero raised to a negative power is undefined');
  if (x < 0 && Number.isFinite(y) && Math.floor(y) !== y) {
    throw new EngineError(FnState.invalidArgumentForPowerFunction, 'a negative number raised to a non-integer power yields a complex result');
  }
  // pow(±1, ±Inf) is 1 in C; JavaScript says NaN.
  if (!Number.isFinite(y) && Math.abs(x) === 1) return 1;
  const result = Math.pow(x, y);
  if (!Number.isFinite(result)) return checkFloat8(result, x, y);
  if (result === 0 && x !== 0 && Number.isFinite(x) && Number.isFinite(y)) {
    throw new EngineError(FnState.numericValueOutOfRange, 'value out of range: underflow');
  }
  return result;
}
