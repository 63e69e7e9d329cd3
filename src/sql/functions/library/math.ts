/**
 * Mathematical functions over the integer, floating-point and numeric types: abs, ceil/floor,
 * round/trunc, sqrt/cbrt, power, exp/ln/log, mod/div, sign, gcd/lcm, width_bucket, factorial,
 * scale and trigonometry, with PostgreSQL's errors (2201E logarithm, 2201F power, 22003 range).
 */
import { EngineError, FnState, divisionByZero, outOfRange } from '../errors.ts';
import { abs, divideTruncated, gcdBig, modulo, multiply } from '../numeric/arithmetic.ts';
import { checkInt8 } from '../numeric/convert.ts';
import { ceilTo, compareFinite, floorTo, isSpecial, pow10, readNum, roundTo, truncTo, writeNum, type Finite, type Num } from '../numeric/decimal.ts';
import { exp, ln, log, power, sqrt } from '../numeric/transcendental.ts';
import { checkFloat8, floatPower } from '../operators/float-math.ts';
import { binary, fn, unary, type Impl } from '../registry.ts';
import { roundHalfEven } from '../../types/datetime-tokens.ts';

const numeric1 = (f: (a: Num) => Num): Impl => unary<string>((a) => writeNum(f(readNum(a))));
const numeric2 = (f: (a: Num, b: Num) => Num): Impl => binary<string, string>((a, b) => writeNum(f(readNum(a), readNum(b))));
const finite = (f: (a: Finite) => Num) => (a: Num): Num => (isSpecial(a) ? a : f(a));

// ---- abs, rounding -----------------------------------------------------------------------------

fn('abs', ['int2'], 'int2', unary<number>((a) => {
  if (a === -32768) throw outOfRange('smallint');
  return Math.abs(a);
}));
fn('abs', ['int4'], 'int4', unary<number>((a) => {
  if (a === -2147483648) throw outOfRange('integer');
  return Math.abs(a);
}));
fn('abs', ['int8'], 'int8', unary<bigint>((a) => checkInt8(a < 0n ? -a : a)));
fn('abs', ['float4'], 'float4', unary<number>(Math.abs));
fn('abs', ['float8'], 'float8', unary<number>(Math.abs));
fn('abs', ['numeric'], 'numeric', numeric1(abs));

for (const name of ['ceil', 'ceiling']) {
  fn(name, ['float8'], 'float8', unary<number>(Math.ceil));
  fn(name, ['numeric'], 'numeric', numeric1(finite((a) => ceilTo(a, 0))));
}
fn('floor', ['float8'], 'float8', unary<number>(Math.floor));
fn('floor', ['numeric'], 'numeric', numeric1(finite((a) => floorTo(a, 0))));
fn('round', ['float8'], 'float8', unary<number>(roundHalfEven));
fn('round', ['numeric'], 'numeric', numeric1(finite((a) => roundTo(a, 0))));
fn('round', ['numeric', 'int4'], 'numeric', binary<string, number>((a, s) => writeNum(finite((x) => roundTo(x, clampScale(s)))(readNum(a)))));
fn('trunc', ['float8'], 'float8', unary<number>(Math.trunc));
fn('trunc', ['numeric'], 'numeric', numeric1(finite((a) => truncTo(a, 0))));
fn('trunc', ['numeric', 'int4'], 'numeric', binary<string, number>((a, s) => writeNum(finite((x) => truncTo(x, clampScale(s)))(readNum(a)))));

/** round/trunc limit the requested scale to ±NUMERIC_MAX_RESULT_SCALE. */
function clampScale(scale: number): number {
  return Math.min(Math.max(scale, -2000), 2000);
}

// ---- roots, powers, logarithms -----------------------------------------------------------------

function negativeRoot(): EngineError {
  return new EngineError(FnState.invalidArgumentForPowerFunction, 'cannot take square root of a negative number');
}

function logArgument(a: number): void {
  if (a === 0) throw new EngineError(FnState.invalidArgumentForLogarithm, 'cannot take logarithm of zero');
  if (a < 0) throw new EngineError(FnState.invalidArgumentForLogarithm, 'cannot take logarithm of a negative number');
}

fn('sqrt', ['float8'], 'float8', unary<number>((a) => {
  if (a < 0) throw negativeRoot();
  return Math.sqrt(a);
}));
fn('sqrt', ['numeric'], 'numeric', numeric1(sqrt));
fn('cbrt', ['float8'], 'float8', unary<number>(Math.cbrt));
for (const name of ['power', 'pow']) {
  fn(name, ['float8', 'float8'], 'float8', binary<number, number>(floatPower));
  fn(name, ['numeric', 'numeric'], 'numeric', numeric2(power));
}
fn('exp', ['float8'], 'float8', unary<number>((a) => {
  const result = Math.exp(a);
  if (result === Infinity && Number.isFinite(a)) return checkFloat8(result, a);
  if (result === 0 && Number.isFinite(a)) throw new EngineError(FnState.numericValueOutOfRange, 'value out of range: underflow');
  return result;
}));
fn('exp', ['numeric'], 'numeric', numeric1(exp));
fn('ln', ['float8'], 'float8', unary<number>((a) => {
  logArgument(a);
  return Math.log(a);
}));
fn('ln', ['numeric'], 'numeric', numeric1(ln));
for (const name of ['log', 'log10']) {
  fn(name, ['float8'], 'float8', unary<number>((a) => {
    logArgument(a);
    return Math.log10(a);
  }));
  fn(name, ['numeric'], 'numeric', numeric1((a) => log({ v: 10n, s: 0 }, a)));
}
fn('log', ['numeric', 'numeric'], 'numeric', numeric2(log));

// ---- mod, div, sign, gcd, lcm ------------------------------------------------------------------

fn('mod', ['int2', 'int2'], 'int2', binary<number, number>(intMod));
fn('mod', ['int4', 'int4'], 'int4', binary<number, number>(intMod));
fn('mod', ['int8', 'int8'], 'int8', binary<bigint, bigint>((a, b) => {
  if (b === 0n) throw divisionByZero();
  return a % b;
}));
fn('mod', ['numeric', 'numeric'], 'numeric', numeric2(modulo));
fn('div', ['numeric', 'numeric'], 'numeric', numeric2(divideTruncated));

function intMod(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return b === -1 ? 0 : (a % b) + 0;
}

fn('sign', ['float8'], 'float8', unary<number>((a) => (a > 0 ? 1 : a < 0 ? -1 : 0)));
fn('sign', ['numeric'], 'numeric', numeric1((a) => {
  if (a === 'NaN') return a;
  if (isSpecial(a)) return { v: a === 'Infinity' ? 1n : -1n, s: 0 };
  return { v: a.v > 0n ? 1n : a.v < 0n ? -1n : 0n, s: 0 };
}));

function intGcd(a: bigint, b: bigint, limit: bigint, name: string): bigint {
  const result = gcdBig(a, b);
  if (result > limit) throw outOfRange(name);
  return result;
}
fn('gcd', ['int4', 'int4'], 'int4', binary<number, number>((a, b) => Number(intGcd(BigInt(a), BigInt(b), 2147483647n, 'integer'))));
fn('gcd', ['int8', 'int8'], 'int8', binary<bigint, bigint>((a, b) => intGcd(a, b, 2n ** 63n - 1n, 'bigint')));
fn('lcm', ['int4', 'int4'], 'int4', binary<number, number>((a, b) => Number(intLcm(BigInt(a), BigInt(b), 2147483647n, 'integer'))));
fn('lcm', ['int8', 'int8'], 'int8', binary<bigint, bigint>((a, b) => intLcm(a, b, 2n ** 63n - 1n, 'bigint')));

function intLcm(a: bigint, b: bigint, limit: bigint, name: string): bigint {
  if (a === 0n || b === 0n) return 0n;
  const gcd = intGcd(a, b, limit, name);
  const product = (a / gcd) * b;
  const result = product < 0n ? -product : product;
  if (result > limit || a / gcd * b < -limit - 1n) throw outOfRange(name);
  return result;
}

function numericGcd(a: Num, b: Num, lcm: boolean): Num {
  if (isSpecial(a) || isSpecial(b)) return 'NaN';
  const scale = Math.max(a.s, b.s);
  const x = a.v * pow10(scale - a.s);
  const y = b.v * pow10(scale - b.s);
  const gcd = gcdBig(x, y);
  if (!lcm) return { v: gcd, s: scale };
  if (x === 0n || y === 0n) return { v: 0n, s: scale };
  const product = (x / gcd) * y;
  return { v: product < 0n ? -product : product, s: scale };
}
fn('gcd', ['numeric', 'numeric'], 'numeric', numeric2((a, b) => numericGcd(a, b, false)));
fn('lcm', ['numeric', 'numeric'], 'numeric', numeric2((a, b) => numericGcd(a, b, true)));

// ---- width_bucket, factorial, scale ------------------------------------------------------------

function bucketError(message: string): EngineError {
  return new EngineError(FnState.invalidArgumentForWidthBucket, message);
}

fn('width_bucket', ['float8', 'float8', 'float8', 'int4'], 'int4', (args) => {
  if (args.some((a) => a === null)) return null;
  const [operand, low, high, count] = args as number[];
  if (count <= 0) throw bucketError('count must be greater than zero');
  if (Number.isNaN(operand) || Number.isNaN(low) || Number.isNaN(high)) throw bucketError('operand, lower bound, and upper bound cannot be NaN');
  if (!Number.isFinite(low) || !Number.isFinite(high)) throw bucketError('lower and upper bounds must be finite');
  if (low === high) throw bucketError('lower bound cannot equal upper bound');
  if (low < high) {
    if (operand < low) return 0;
    if (operand >= high) return bucketOverflow(count);
    return Math.trunc((count * (operand - low)) / (high - low)) + 1;
  }
  if (operand > low) return 0;
  if (operand <= high) return bucketOverflow(count);
  return Math.trunc((count * (low - operand)) / (low - high)) + 1;
});

function bucketOverflow(count: number): number {
  if (count === 2147483647) throw outOfRange('integer');
  return count + 1;
}

fn('width_bucket', ['numeric', 'numeric', 'numeric', 'int4'], 'int4', (args) => {
  if (args.some((a) => a === null)) return null;
  const [operand, low, high] = (args.slice(0, 3) as string[]).map(readNum);
  const count = args[3] as number;
  if (count <= 0) throw bucketError('count must be greater than zero');
  if (operand === 'NaN' || low === 'NaN' || high === 'NaN') throw bucketError('operand, lower bound, and upper bound cannot be NaN');
  if (isSpecial(low) || isSpecial(high)) throw bucketError('lower and upper bounds must be finite');
  const order = compareFinite(low, high);
  if (order === 0) throw bucketError('lower bound cannot equal upper bound');
  const x = operand;
  const below = (a: Num, b: Finite) => (isSpecial(a) ? a === '-Infinity' : compareFinite(a, b) < 0);
  const above = (a: Num, b: Finite) => (isSpecial(a) ? a === 'Infinity' : compareFinite(a, b) > 0);
  if (order < 0) {
    if (below(x, low)) return 0;
    if (!below(x, high)) return bucketOverflow(count);
  } else {
    if (above(x, low)) return 0;
    if (!above(x, high)) return bucketOverflow(count);
  }
  const v = x as Finite;
  const scale = Math.max(v.s, low.s, high.s);
  const at = (n: Finite) => n.v * pow10(scale - n.s);
  const numerator = BigInt(count) * (order < 0 ? at(v) - at(low) : at(low) - at(v));
  const denominator = order < 0 ? at(high) - at(low) : at(low) - at(high);
  return Number(numerator / denominator) + 1;
});

fn('factorial', ['int8'], 'numeric', unary<bigint>((n) => {
  if (n < 0n) throw new EngineError(FnState.numericValueOutOfRange, 'factorial of a negative number is undefined');
  if (n > 32177n) throw new EngineError(FnState.numericValueOutOfRange, 'value overflows numeric format');
  let result: Num = { v: 1n, s: 0 };
  for (let i = 2n; i <= n; i++) result = multiply(result, { v: i, s: 0 });
  return writeNum(result);
}));
fn('scale', ['numeric'], 'int4', unary<string>((a) => {
  const n = readNum(a);
  return isSpecial(n) ? null : n.s;
}));
fn('min_scale', ['numeric'], 'int4', unary<string>((a) => {
  const n = readNum(a);
  return isSpecial(n) ? null : trimmed(n).s;
}));
fn('trim_scale', ['numeric'], 'numeric', numeric1(finite(trimmed)));

function trimmed(n: Finite): Finite {
  let { v, s } = n;
  while (s > 0 && v % 10n === 0n) {
    v /= 10n;
    s--;
  }
  return { v, s };
}

// ---- constants, random, trigonometry -----------------------------------------------------------

fn('pi', [], 'float8', () => Math.PI, { strict: false });
fn('random', [], 'float8', (_args, ctx) => ctx.random(), { strict: false, volatility: 'volatile' });
fn('degrees', ['float8'], 'float8', unary<number>((a) => checkFloat8(a * (180 / Math.PI), a)));
fn('radians', ['float8'], 'float8', unary<number>((a) => checkFloat8(a * (Math.PI / 180), a)));

function inputRange(): EngineError {
  return new EngineError(FnState.numericValueOutOfRange, 'input is out of range');
}
for (const [name, f] of [['sin', Math.sin], ['cos', Math.cos], ['tan', Math.tan]] as const) {
  fn(name, ['float8'], 'float8', unary<number>((a) => {
    if (a === Infinity || a === -Infinity) throw inputRange();
    return f(a);
  }));
}
for (const [name, f] of [['asin', Math.asin], ['acos', Math.acos]] as const) {
  fn(name, ['float8'], 'float8', unary<number>((a) => {
    if (a < -1 || a > 1) throw inputRange();
    return f(a);
  }));
}
fn('atan', ['float8'], 'float8', unary<number>(Math.atan));
fn('atan2', ['float8', 'float8'], 'float8', binary<number, number>(Math.atan2));
