/**
 * The running state of one aggregate over one group, with PostgreSQL's result rules: sum of
 * integers is exact (int2/int4 → int8 with 22003 on overflow, int8 → numeric), avg of
 * integers and numeric is a numeric division at PostgreSQL's scale, float sums overflow
 * with 22003, aggregates over no (non-NULL) input are NULL except count.
 *
 * An accumulator takes input values (`add`), or the partial states of other accumulators
 * (`merge`, the final phase of an aggregate split across shards); it reports a result or its
 * own partial state (see src/sql/functions/aggregates.ts for the state columns). `result()`
 * does not disturb the state, so a window can read a running aggregate row after row.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import { arrayDimensions, type ArrayValue } from '../../engine/array-value.ts';
import type { Interval, Value } from '../../engine/types.ts';
import { ArrayAccumulation } from '../../sql/functions/arrays/stack.ts';
import type { EvalContext } from '../../sql/functions/index.ts';
import { compareKeys, quoteJson } from '../../sql/functions/json/value.ts';
import { add as addNum, divide as divideNum, divideAt, divisionScale, multiply as multiplyNum, subtract as subtractNum } from '../../sql/functions/numeric/arithmetic.ts';
import { isSpecial, readNum, writeNum, ZERO, type Finite, type Num } from '../../sql/functions/numeric/decimal.ts';
import { sqrtAt } from '../../sql/functions/numeric/transcendental.ts';
import type { AggregateName } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import { castFunction, comparator, resolveBinary, resolveFunctionCall, type Compare } from '../compile/functions.ts';
import { badPlan } from '../compile/expr.ts';
import { objectMembers } from './json-text.ts';

export interface Accumulator {
  add(args: readonly Value[], ctx: EvalContext): void;
  merge(states: readonly Value[], ctx: EvalContext): void;
  result(ctx: EvalContext): Value;
  states(ctx: EvalContext): Value[];
}

export type AccumulatorFactory = () => Accumulator;

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
/** Below this a running integer sum in a double stays exact after adding any int4. */
const EXACT_LIMIT = 2 ** 52;

function bigintOutOfRange(): EngineError {
  return new EngineError(SqlState.numericValueOutOfRange, 'bigint out of range');
}

function toInt8(total: number | bigint): bigint {
  const value = typeof total === 'bigint' ? total : BigInt(total);
  if (value < INT8_MIN || value > INT8_MAX) throw bigintOutOfRange();
  return value;
}

function floatOverflow(): EngineError {
  return new EngineError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
}

/** float8pl / float4pl: an infinite sum of finite inputs is an overflow. */
function addFloat(total: number, value: number, single: boolean): number {
  const sum = single ? Math.fround(total + value) : total + value;
  if (!Number.isFinite(sum) && Number.isFinite(total) && Number.isFinite(value) && !Number.isNaN(sum)) throw floatOverflow();
  return sum;
}

// ---- sums ----------------------------------------------------------------------------------

/** How one kind of sum runs: its total's representation and what sum/avg make of it. */
interface SumDomain<T> {
  zero(): T;
  /** Adds an input value (full and partial phases). */
  add(total: T, value: Value): T;
  /** Adds another accumulator's partial sum (final phase). */
  merge(total: T, state: Value): T;
  state(total: T): Value;
  sum(total: T): Value;
  average(total: T, count: number, ctx: EvalContext): Value;
}

const numericCount = (count: number): Num => ({ v: BigInt(count), s: 0 });

/** int2/int4 inputs: a double while exact, then a bigint; the result is int8. */
const INT_SUM: SumDomain<number | bigint> = {
  zero: () => 0,
  add(total, value) {
    if (typeof total === 'bigint') return total + BigInt(value as number);
    const sum = total + (value as number);
    return sum > EXACT_LIMIT || sum < -EXACT_LIMIT ? BigInt(sum) : sum;
  },
  merge: (total, state) => BigInt(total) + (state as bigint),
  state: toInt8,
  sum: toInt8,
  average: (total, count) => writeNum(divideNum(readNum(String(total)), numericCount(count))),
};

/** int8 inputs: exact; sum is numeric. */
const BIGINT_SUM: SumDomain<bigint> = {
  zero: () => 0n,
  add: (total, value) => total + (value as bigint),
  merge: (total, state) => total + BigInt(state as string),
  state: String,
  sum: String,
  average: (total, count) => writeNum(divideNum({ v: total, s: 0 }, numericCount(count))),
};

const NUMERIC_SUM: SumDomain<Num> = {
  zero: () => ZERO,
  add: (total, value) => addNum(total, readNum(value as string)),
  merge: (total, state) => addNum(total, readNum(state as string)),
  state: writeNum,
  sum: writeNum,
  average: (total, count) => writeNum(divideNum(total, numericCount(count))),
};

function floatSum(single: boolean): SumDomain<number> {
  return {
    zero: () => 0,
    add: (total, value) => addFloat(total, value as number, single),
    merge: (total, state) => addFloat(total, state as number, single),
    state: (total) => total,
    sum: (total) => total,
    average: (total, count) => total / count,
  };
}

function intervalOutOfRange(): EngineError {
  return new EngineError(SqlState.datetimeFieldOverflow, 'interval out of range');
}

function addIntervals(a: Interval, b: Interval): Interval {
  const months = a.months + b.months;
  const days = a.days + b.days;
  const micros = a.micros + b.micros;
  if (months > 2147483647 || months < -2147483648 || days > 2147483647 || days < -2147483648 || micros > INT8_MAX || micros < INT8_MIN) {
    throw intervalOutOfRange();
  }
  return { months, days, micros };
}

function intervalSum(): SumDomain<Interval> {
  let divide: ((args: Value[], ctx: EvalContext) => Value) | undefined;
  return {
    zero: () => ({ months: 0, days: 0, micros: 0n }),
    add: (total, value) => addIntervals(total, value as Interval),
    merge: (total, state) => addIntervals(total, state as Interval),
    state: (total) => total,
    sum: (total) => total,
    average: (total, count, ctx) => {
      divide ??= resolveBinary('/', { kind: 'interval' }, { kind: 'float8' }).impl;
      return divide([total, count], ctx);
    },
  };
}

function sumDomain(type: SqlType): SumDomain<unknown> {
  switch (type.kind) {
    case 'int2': case 'int4': return INT_SUM as SumDomain<unknown>;
    case 'int8': return BIGINT_SUM as SumDomain<unknown>;
    case 'numeric': return NUMERIC_SUM as SumDomain<unknown>;
    case 'float4': return floatSum(true) as SumDomain<unknown>;
    case 'float8': return floatSum(false) as SumDomain<unknown>;
    case 'interval': return intervalSum() as SumDomain<unknown>;
    default: throw badPlan(`sum or avg over ${type.kind}`);
  }
}

/** The domain a final phase merges in, from the partial state's type: int8 states are
 * sums of int2/int4 (int8 inputs have numeric states). */
function mergeDomain(stateType: SqlType): SumDomain<unknown> {
  return stateType.kind === 'int8' ? (INT_SUM as SumDomain<unknown>) : sumDomain(stateType);
}

class SumAccumulator implements Accumulator {
  private total: unknown;
  private seen = false;
  constructor(private readonly domain: SumDomain<unknown>) {
    this.total = domain.zero();
  }
  add(args: readonly Value[]): void {
    const value = args[0];
    if (value === null) return;
    this.total = this.domain.add(this.total, value);
    this.seen = true;
  }
  merge(states: readonly Value[]): void {
    const state = states[0];
    if (state === null) return;
    this.total = this.domain.merge(this.total, state);
    this.seen = true;
  }
  result(): Value {
    return this.seen ? this.domain.sum(this.total) : null;
  }
  states(): Value[] {
    return [this.seen ? this.domain.state(this.total) : null];
  }
}

class AvgAccumulator implements Accumulator {
  private total: unknown;
  private count = 0;
  constructor(private readonly domain: SumDomain<unknown>) {
    this.total = domain.zero();
  }
  add(args: readonly Value[]): void {
    const value = args[0];
    if (value === null) return;
    this.total = this.domain.add(this.total, value);
    this.count++;
  }
  merge(states: readonly Value[]): void {
    const [sum, count] = states;
    if (sum === null || count === null) return;
    this.total = this.domain.merge(this.total, sum);
    this.count += Number(count);
  }
  result(ctx: EvalContext): Value {
    return this.count === 0 ? null : this.domain.average(this.total, this.count, ctx);
  }
  states(): Value[] {
    return this.count === 0 ? [null, 0n] : [this.domain.state(this.total), BigInt(this.count)];
  }
}

// ---- variance and standard deviation -------------------------------------------------------

/** Which of the six: population or sample, and whether the square root is taken. */
interface Dispersion {
  readonly sample: boolean;
  readonly root: boolean;
}

function dispersionOf(name: AggregateName): Dispersion {
  return {
    sample: name !== 'var_pop' && name !== 'stddev_pop',
    root: name === 'stddev' || name === 'stddev_samp' || name === 'stddev_pop',
  };
}

function inputNum(value: Value): Num {
  return typeof value === 'string' ? readNum(value) : { v: BigInt(value as number | bigint), s: 0 };
}

/**
 * Integer and numeric inputs: exact count, sum and sum of squares, finished as PostgreSQL's
 * numeric_stddev_internal (N·Σx² − (Σx)² over N(N − 1) or N², at select_div_scale, the root
 * at the same scale; a non-positive numerator is 0; NaN or an infinity among the inputs, NaN).
 */
class NumericDispersionAccumulator implements Accumulator {
  private count = 0n;
  private sum: Num = ZERO;
  private squares: Num = ZERO;
  constructor(private readonly kind: Dispersion) {}
  add(args: readonly Value[]): void {
    if (args[0] === null) return;
    const x = inputNum(args[0]);
    this.count++;
    this.sum = addNum(this.sum, x);
    this.squares = addNum(this.squares, multiplyNum(x, x));
  }
  merge(states: readonly Value[]): void {
    const [count, sum, squares] = states;
    if (count === null || BigInt(count as bigint) === 0n) return;
    this.count += BigInt(count as bigint);
    this.sum = addNum(this.sum, readNum(sum as string));
    this.squares = addNum(this.squares, readNum(squares as string));
  }
  result(): Value {
    const n = this.count;
    if (n === 0n || (this.kind.sample && n === 1n)) return null;
    if (isSpecial(this.sum) || isSpecial(this.squares)) return 'NaN';
    const scale = this.sum.s * 2;
    const count: Finite = { v: n, s: 0 };
    const numerator = rescale(subtractNum(multiplyNum(count, this.squares), multiplyNum(this.sum, this.sum)) as Finite, scale);
    if (numerator.v <= 0n) return '0';
    const denominator: Finite = { v: this.kind.sample ? n * (n - 1n) : n * n, s: 0 };
    const divScale = divisionScale(numerator, denominator);
    const variance = divideAt(numerator, denominator, divScale);
    return writeNum(this.kind.root ? sqrtAt(variance, divScale) : variance);
  }
  states(): Value[] {
    return [this.count, writeNum(this.sum), writeNum(this.squares)];
  }
}

/** A finite value at a scale at least its own (mul_var's rscale for an exact product). */
function rescale(n: Finite, scale: number): Finite {
  return n.s >= scale ? n : { v: n.v * 10n ** BigInt(scale - n.s), s: scale };
}

function isInfinite(x: number): boolean {
  return x === Infinity || x === -Infinity;
}

/**
 * float4 and float8 inputs: PostgreSQL's float8_accum and float8_combine (Youngs-Cramer: count,
 * sum, and the sum of squared deviations), so results match its bit for bit on one shard.
 */
class FloatDispersionAccumulator implements Accumulator {
  private n = 0;
  private sx = 0;
  private sxx = 0;
  constructor(private readonly kind: Dispersion) {}
  add(args: readonly Value[]): void {
    const value = args[0];
    if (value === null) return;
    const x = value as number;
    const previous = this.n;
    const previousSum = this.sx;
    this.n += 1;
    this.sx += x;
    if (previous > 0) {
      const deviation = x * this.n - this.sx;
      this.sxx += (deviation * deviation) / (this.n * previous);
      // An infinite input makes Sxx NaN; only finite inputs overflowing are an error.
      if (isInfinite(this.sx) || isInfinite(this.sxx)) {
        if (!isInfinite(previousSum) && !isInfinite(x)) throw floatOverflow();
        this.sxx = NaN;
      }
    } else if (!Number.isFinite(x)) {
      this.sxx = NaN;
    }
  }
  merge(states: readonly Value[]): void {
    const [n2, sx2, sxx2] = states as number[];
    if (n2 === 0) return;
    if (this.n === 0) {
      [this.n, this.sx, this.sxx] = [n2, sx2, sxx2];
      return;
    }
    const n1 = this.n;
    const sx1 = this.sx;
    const sxx1 = this.sxx;
    this.n = n1 + n2;
    this.sx = addFloat(sx1, sx2, false);
    const difference = sx1 / n1 - sx2 / n2;
    this.sxx = sxx1 + sxx2 + (n1 * n2 * difference * difference) / this.n;
    if (isInfinite(this.sxx) && !isInfinite(sxx1) && !isInfinite(sxx2)) throw floatOverflow();
  }
  result(): Value {
    const { n, sxx } = this;
    if (n === 0 || (this.kind.sample && n <= 1)) return null;
    const variance = sxx / (this.kind.sample ? n - 1 : n);
    return this.kind.root ? Math.sqrt(variance) : variance;
  }
  states(): Value[] {
    return [this.n, this.sx, this.sxx];
  }
}

// ---- the others ----------------------------------------------------------------------------

class CountAccumulator implements Accumulator {
  private count = 0;
  constructor(private readonly star: boolean) {}
  add(args: readonly Value[]): void {
    if (this.star || args[0] !== null) this.count++;
  }
  merge(states: readonly Value[]): void {
    this.count += Number(states[0]);
  }
  result(): Value {
    return BigInt(this.count);
  }
  states(): Value[] {
    return [BigInt(this.count)];
  }
}

class MinMaxAccumulator implements Accumulator {
  private best: Value = null;
  constructor(private readonly compare: Compare, private readonly sign: number) {}
  add(args: readonly Value[]): void {
    const value = args[0];
    if (value !== null && (this.best === null || this.sign * this.compare(value, this.best) > 0)) this.best = value;
  }
  merge(states: readonly Value[]): void {
    this.add(states);
  }
  result(): Value {
    return this.best;
  }
  states(): Value[] {
    return [this.best];
  }
}

class BoolAccumulator implements Accumulator {
  private value: boolean | null = null;
  constructor(private readonly and: boolean) {}
  add(args: readonly Value[]): void {
    const value = args[0];
    if (value === null) return;
    this.value = this.value === null ? (value as boolean) : this.and ? this.value && (value as boolean) : this.value || (value as boolean);
  }
  merge(states: readonly Value[]): void {
    this.add(states);
  }
  result(): Value {
    return this.value;
  }
  states(): Value[] {
    return [this.value];
  }
}

/** string_agg(text, delimiter): the delimiter goes before every value but the first. */
class StringAggAccumulator implements Accumulator {
  private text: string | null = null;
  private firstDelimiter: string | null = null;
  add(args: readonly Value[]): void {
    const [value, delimiter] = args;
    if (value === null) return;
    if (this.text === null) {
      this.text = value as string;
      this.firstDelimiter = delimiter as string | null;
    } else {
      this.text += (delimiter ?? '') + (value as string);
    }
  }
  merge(states: readonly Value[]): void {
    this.add(states);
  }
  result(): Value {
    return this.text;
  }
  states(): Value[] {
    return [this.text, this.firstDelimiter];
  }
}

class ByteaAggAccumulator implements Accumulator {
  private chunks: Uint8Array[] | null = null;
  private firstDelimiter: Uint8Array | null = null;
  add(args: readonly Value[]): void {
    const [value, delimiter] = args;
    if (value === null) return;
    if (this.chunks === null) {
      this.chunks = [value as Uint8Array];
      this.firstDelimiter = delimiter as Uint8Array | null;
      return;
    }
    if (delimiter !== null) this.chunks.push(delimiter as Uint8Array);
    this.chunks.push(value as Uint8Array);
  }
  merge(states: readonly Value[]): void {
    this.add(states);
  }
  result(): Value {
    return this.chunks === null ? null : Buffer.concat(this.chunks);
  }
  states(): Value[] {
    return [this.result(), this.firstDelimiter];
  }
}

class ArrayAggAccumulator implements Accumulator {
  private values: Value[] | null = null;
  add(args: readonly Value[]): void {
    (this.values ??= []).push(args[0]);
  }
  merge(states: readonly Value[]): void {
    const state = states[0] as readonly Value[] | null;
    if (state === null) return;
    const values = (this.values ??= []);
    for (const value of state) values.push(value);
  }
  result(): Value {
    return this.values === null ? null : this.values.slice();
  }
  states(): Value[] {
    return [this.result()];
  }
}

/** array_agg over arrays: stacked into one more dimension (its partial state is that stack). */
class ArrayStackAggAccumulator implements Accumulator {
  private stack: ArrayAccumulation | null = null;
  add(args: readonly Value[]): void {
    (this.stack ??= new ArrayAccumulation()).add(args[0]);
  }
  merge(states: readonly Value[]): void {
    const state = states[0] as ArrayValue | null;
    if (state !== null) (this.stack ??= new ArrayAccumulation()).addStacked(state);
  }
  result(): Value {
    return this.stack === null ? null : this.stack.result();
  }
  states(): Value[] {
    return [this.result()];
  }
}

/**
 * array_agg's final phase, whose partial states are arrays whether it aggregates values or
 * arrays: a stack of arrays has several dimensions, an array of values one, so the first state
 * says which accumulator merges them.
 */
class ArrayAggMergeAccumulator implements Accumulator {
  private inner: Accumulator | null = null;
  add(): void {
    throw badPlan('array_agg\'s final phase takes partial states');
  }
  merge(states: readonly Value[], ctx: EvalContext): void {
    const state = states[0] as ArrayValue | null;
    if (state === null) return;
    this.inner ??= arrayDimensions(state) > 1 ? new ArrayStackAggAccumulator() : new ArrayAggAccumulator();
    this.inner.merge(states, ctx);
  }
  result(ctx: EvalContext): Value {
    return this.inner === null ? null : this.inner.result(ctx);
  }
  states(ctx: EvalContext): Value[] {
    return [this.result(ctx)];
  }
}

/** json_agg / jsonb_agg: each value as JSON (NULL as null), in an array. */
class JsonAggAccumulator implements Accumulator {
  private elements: string[] | null = null;
  constructor(private readonly toJson: (value: Value, ctx: EvalContext) => string) {}
  add(args: readonly Value[], ctx: EvalContext): void {
    (this.elements ??= []).push(args[0] === null ? 'null' : this.toJson(args[0], ctx));
  }
  merge(states: readonly Value[]): void {
    const state = states[0] as string | null;
    if (state === null) return;
    const inner = state.trim().slice(1, -1).trim();
    if (inner !== '') (this.elements ??= []).push(inner);
  }
  result(): Value {
    return this.elements === null ? null : `[${this.elements.join(', ')}]`;
  }
  states(): Value[] {
    return [this.result()];
  }
}

/** jsonb_object_agg: keys unique (the last value wins), in jsonb's key order (shorter first). */
class JsonbObjectAggAccumulator implements Accumulator {
  private members: Map<string, string> | null = null;
  constructor(
    private readonly keyText: (value: Value, ctx: EvalContext) => string,
    private readonly toJson: (value: Value, ctx: EvalContext) => string,
  ) {}
  add(args: readonly Value[], ctx: EvalContext): void {
    const [key, value] = args;
    if (key === null) throw new EngineError(SqlState.invalidParameterValue, 'field name must not be null');
    (this.members ??= new Map()).set(this.keyText(key, ctx), value === null ? 'null' : this.toJson(value, ctx));
  }
  merge(states: readonly Value[]): void {
    const state = states[0] as string | null;
    if (state === null) return;
    const members = (this.members ??= new Map());
    for (const [key, value] of objectMembers(state)) members.set(key, value);
  }
  result(): Value {
    if (this.members === null) return null;
    const members = this.members;
    const keys = [...members.keys()].sort(compareKeys);
    return `{${keys.map((k) => `${quoteJson(k)}: ${members.get(k)}`).join(', ')}}`;
  }
  states(): Value[] {
    return [this.result()];
  }
}

/** The accumulator factory for an aggregate. `argTypes` are the argument types (final
 * phase: the partial state types). */
export function accumulatorFactory(name: AggregateName, argTypes: readonly SqlType[], final: boolean): AccumulatorFactory {
  switch (name) {
    case 'count':
    case 'count_star': {
      const star = name === 'count_star';
      return () => new CountAccumulator(star);
    }
    case 'sum': {
      const domain = final ? mergeDomain(argTypes[0]) : sumDomain(argTypes[0]);
      return () => new SumAccumulator(domain);
    }
    case 'avg': {
      const input = argTypes[0];
      const domain = final ? mergeDomain(input) : sumDomain(input.kind === 'float4' ? { kind: 'float8' } : input);
      return () => new AvgAccumulator(domain);
    }
    case 'min':
    case 'max': {
      const compare = comparator(argTypes[0]);
      const sign = name === 'max' ? 1 : -1;
      return () => new MinMaxAccumulator(compare, sign);
    }
    case 'bool_and':
    case 'every':
      return () => new BoolAccumulator(true);
    case 'bool_or':
      return () => new BoolAccumulator(false);
    case 'string_agg':
      return argTypes[0].kind === 'bytea' ? () => new ByteaAggAccumulator() : () => new StringAggAccumulator();
    case 'array_agg':
      if (final) return () => new ArrayAggMergeAccumulator();
      return argTypes[0].kind === 'array' ? () => new ArrayStackAggAccumulator() : () => new ArrayAggAccumulator();
    case 'json_agg':
    case 'jsonb_agg': {
      const toJson = final ? unused : jsonConverter(name === 'json_agg' ? 'to_json' : 'to_jsonb', argTypes[0]);
      return () => new JsonAggAccumulator(toJson);
    }
    case 'stddev':
    case 'stddev_samp':
    case 'stddev_pop':
    case 'variance':
    case 'var_samp':
    case 'var_pop': {
      const kind = dispersionOf(name);
      // Inputs (or the final phase's count state) say which domain: float8 counts are floats.
      const float = argTypes[0].kind === 'float4' || argTypes[0].kind === 'float8';
      return float ? () => new FloatDispersionAccumulator(kind) : () => new NumericDispersionAccumulator(kind);
    }
    case 'jsonb_object_agg': {
      const keyText = final ? unused : textConverter(argTypes[0]);
      const toJson = final ? unused : jsonConverter('to_jsonb', argTypes[1]);
      return () => new JsonbObjectAggAccumulator(keyText, toJson);
    }
  }
}

/** The final phase merges JSON text and never converts values. */
function unused(): string {
  throw badPlan('a final aggregate was given input values');
}

function jsonConverter(fn: 'to_json' | 'to_jsonb', type: SqlType): (value: Value, ctx: EvalContext) => string {
  const { impl } = resolveFunctionCall(fn, [type]);
  const args: Value[] = [null];
  return (value, ctx) => {
    args[0] = value;
    return impl(args, ctx) as string;
  };
}

/** A key's text, as its type's output function spells it (the cast to text). */
function textConverter(type: SqlType): (value: Value, ctx: EvalContext) => string {
  if (type.kind === 'text' || type.kind === 'varchar' || type.kind === 'name' || type.kind === 'unknown') return (value) => value as string;
  const cast = castFunction(type, { kind: 'text' }, 'explicit');
  return (value, ctx) => cast(value, ctx) as string;
}
