/**
 * Arithmetic, bitwise and sign operators over smallint, integer, bigint, real, double precision
 * and numeric, with PostgreSQL's result types for mixed integer widths (int2 + int4 is int4,
 * anything with int8 is int8), overflow (22003 'integer out of range') and division by zero
 * (22012).
 */
import { EngineError, FnState, divisionByZero, outOfRange } from '../errors.ts';
import { abs, add, divide, modulo, multiply, negate, subtract } from '../numeric/arithmetic.ts';
import { checkInt8, INT_NAMES } from '../numeric/convert.ts';
import { readNum, writeNum, type Num } from '../numeric/decimal.ts';
import { power } from '../numeric/transcendental.ts';
import { binary, op, unary } from '../registry.ts';
import { float4Add, float4Div, float4Mul, float4Sub, float8Add, float8Div, float8Mul, float8Sub, floatPower } from './float-math.ts';

type SmallInt = 'int2' | 'int4';

const LIMITS: Record<SmallInt, readonly [number, number]> = { int2: [-32768, 32767], int4: [-2147483648, 2147483647] };

function inRange(kind: SmallInt, value: number): number {
  const [min, max] = LIMITS[kind];
  if (value < min || value > max) throw outOfRange(INT_NAMES[kind]);
  return value;
}

// ---- integers ----------------------------------------------------------------------------------

/** Operators whose operands are int2 or int4 and whose result is `result` (the wider of them). */
function smallIntOps(left: SmallInt, right: SmallInt, result: SmallInt): void {
  const params = [left, right];
  op('+', params, result, binary<number, number>((a, b) => inRange(result, a + b)));
  op('-', params, result, binary<number, number>((a, b) => inRange(result, a - b)));
  op('*', params, result, binary<number, number>((a, b) => inRange(result, a * b)));
  op('/', params, result, binary<number, number>((a, b) => {
    if (b === 0) throw divisionByZero();
    return inRange(result, Math.trunc(a / b)) + 0;
  }));
  if (left === right) {
    op('%', params, result, binary<number, number>((a, b) => {
      if (b === 0) throw divisionByZero();
      return b === -1 ? 0 : (a % b) + 0;
    }));
  }
}

smallIntOps('int2', 'int2', 'int2');
smallIntOps('int4', 'int4', 'int4');
smallIntOps('int2', 'int4', 'int4');
smallIntOps('int4', 'int2', 'int4');

const big = (value: number | bigint) => (typeof value === 'bigint' ? value : BigInt(value));

/** Operators with a bigint operand: computed in bigint, result bigint. */
function bigIntOps(left: string, right: string): void {
  const params = [left, right];
  op('+', params, 'int8', binary<number | bigint, number | bigint>((a, b) => checkInt8(big(a) + big(b))));
  op('-', params, 'int8', binary<number | bigint, number | bigint>((a, b) => checkInt8(big(a) - big(b))));
  op('*', params, 'int8', binary<number | bigint, number | bigint>((a, b) => checkInt8(big(a) * big(b))));
  op('/', params, 'int8', binary<number | bigint, number | bigint>((a, b) => {
    const divisor = big(b);
    if (divisor === 0n) throw divisionByZero();
    return checkInt8(big(a) / divisor);
  }));
  if (left === 'int8' && right === 'int8') {
    op('%', params, 'int8', binary<bigint, bigint>((a, b) => {
      if (b === 0n) throw divisionByZero();
      return a % b;
    }));
  }
}

bigIntOps('int8', 'int8');
bigIntOps('int8', 'int4');
bigIntOps('int4', 'int8');
bigIntOps('int8', 'int2');
bigIntOps('int2', 'int8');

for (const kind of ['int2', 'int4'] as const) {
  op('-', [kind], kind, unary<number>((a) => inRange(kind, -a) + 0));
  op('+', [kind], kind, unary<number>((a) => a));
  op('@', [kind], kind, unary<number>((a) => inRange(kind, Math.abs(a))));
  op('&', [kind, kind], kind, binary<number, number>((a, b) => a & b));
  op('|', [kind, kind], kind, binary<number, number>((a, b) => a | b));
  op('#', [kind, kind], kind, binary<number, number>((a, b) => a ^ b));
  op('~', [kind], kind, unary<number>((a) => ~a));
}
op('<<', ['int2', 'int4'], 'int2', binary<number, number>((a, b) => ((a << b) << 16) >> 16));
op('>>', ['int2', 'int4'], 'int2', binary<number, number>((a, b) => a >> b));
op('<<', ['int4', 'int4'], 'int4', binary<number, number>((a, b) => a << b));
op('>>', ['int4', 'int4'], 'int4', binary<number, number>((a, b) => a >> b));

op('-', ['int8'], 'int8', unary<bigint>((a) => checkInt8(-a)));
op('+', ['int8'], 'int8', unary<bigint>((a) => a));
op('@', ['int8'], 'int8', unary<bigint>((a) => checkInt8(a < 0n ? -a : a)));
op('&', ['int8', 'int8'], 'int8', binary<bigint, bigint>((a, b) => a & b));
op('|', ['int8', 'int8'], 'int8', binary<bigint, bigint>((a, b) => a | b));
op('#', ['int8', 'int8'], 'int8', binary<bigint, bigint>((a, b) => a ^ b));
op('~', ['int8'], 'int8', unary<bigint>((a) => ~a));
op('<<', ['int8', 'int4'], 'int8', binary<bigint, number>((a, b) => BigInt.asIntN(64, a << BigInt(b & 63))));
op('>>', ['int8', 'int4'], 'int8', binary<bigint, number>((a, b) => a >> BigInt(b & 63)));

// ---- floats ------------------------------------------------------------------------------------

op('+', ['float4', 'float4'], 'float4', binary<number, number>(float4Add));
op('-', ['float4', 'float4'], 'float4', binary<number, number>(float4Sub));
op('*', ['float4', 'float4'], 'float4', binary<number, number>(float4Mul));
op('/', ['float4', 'float4'], 'float4', binary<number, number>(float4Div));
for (const params of [['float8', 'float8'], ['float4', 'float8'], ['float8', 'float4']]) {
  op('+', params, 'float8', binary<number, number>(float8Add));
  op('-', params, 'float8', binary<number, number>(float8Sub));
  op('*', params, 'float8', binary<number, number>(float8Mul));
  op('/', params, 'float8', binary<number, number>(float8Div));
}
for (const kind of ['float4', 'float8'] as const) {
  op('-', [kind], kind, unary<number>((a) => -a));
  op('+', [kind], kind, unary<number>((a) => a));
  op('@', [kind], kind, unary<number>((a) => Math.abs(a)));
}

op('^', ['float8', 'float8'], 'float8', binary<number, number>(floatPower));
op('|/', ['float8'], 'float8', unary<number>((a) => {
  if (a < 0) throw new EngineError(FnState.invalidArgumentForPowerFunction, 'cannot take square root of a negative number');
  return Math.sqrt(a);
}));
op('||/', ['float8'], 'float8', unary<number>((a) => Math.cbrt(a)));

// ---- numeric -----------------------------------------------------------------------------------

function numericOp(name: string, f: (a: Num, b: Num) => Num): void {
  op(name, ['numeric', 'numeric'], 'numeric', binary<string, string>((a, b) => writeNum(f(readNum(a), readNum(b)))));
}

numericOp('+', add);
numericOp('-', subtract);
numericOp('*', multiply);
numericOp('/', divide);
numericOp('%', modulo);
numericOp('^', power);
op('-', ['numeric'], 'numeric', unary<string>((a) => writeNum(negate(readNum(a)))));
op('+', ['numeric'], 'numeric', unary<string>((a) => a));
op('@', ['numeric'], 'numeric', unary<string>((a) => writeNum(abs(readNum(a)))));
