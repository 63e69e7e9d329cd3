/**
 * Set-returning functions in FROM: generate_series (integers, numeric, timestamps with an
 * interval step), unnest (several arrays zip, the shorter padded with NULLs), the JSON
 * element and member expanders, regexp_split_to_table. All are strict: a NULL argument
 * gives no rows. WITH ORDINALITY appends the row number as int8.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Interval, Row, Value } from '../../engine/types.ts';
import { add as addNum } from '../../sql/functions/numeric/arithmetic.ts';
import { compareNum, readNum, writeNum, type Num } from '../../sql/functions/numeric/decimal.ts';
import { sqlTypeName, type EvalContext } from '../../sql/functions/index.ts';
import type { FunctionRel } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import type { Compiler, Source } from '../compile/compiler.ts';
import { comparator, resolveBinary, resolveFunctionCall } from '../compile/functions.ts';
import { EMPTY_ROW, IteratorCursor } from './cursor.ts';
import { arrayElements, jsonKind, objectMembers, scalarText } from './json-text.ts';

type SetFunction = (args: readonly Value[], ctx: EvalContext) => Iterator<Value[]>;

export function compileFunctionRel(rel: FunctionRel, c: Compiler): Source {
  const args = rel.args.map((a) => c.expr(a));
  const fn = setFunction(rel.name, rel.argTypes);
  const ordinality = rel.ordinality;
  return (frame) => {
    const values = args.map((a) => a(EMPTY_ROW, frame));
    const rows = values.includes(null) ? [][Symbol.iterator]() : fn(values, frame.exec.ctx.eval);
    return new IteratorCursor(ordinality ? numbered(rows) : rows, frame.exec);
  };
}

function* numbered(rows: Iterator<Value[]>): Generator<Row> {
  let n = 0n;
  for (let step = rows.next(); step.done !== true; step = rows.next()) {
    n++;
    step.value.push(n);
    yield step.value;
  }
}

interface SetFunctionSignature {
  /** Output column types (without an ORDINALITY column). */
  readonly columns: readonly SqlType[];
  readonly run: SetFunction;
}

const TEXT: SqlType = { kind: 'text' };

/**
 * The output columns of set-returning function `name` over `argTypes`, or undefined when
 * there is no such function (what the verifier's FunctionChecker.checkSetReturning needs).
 */
export function setReturningColumns(name: string, argTypes: readonly SqlType[]): readonly SqlType[] | undefined {
  return signature(name, argTypes)?.columns;
}

function setFunction(name: string, argTypes: readonly SqlType[]): SetFunction {
  const found = signature(name, argTypes);
  if (found !== undefined) return found.run;
  throw new EngineError(SqlState.undefinedFunction, `function ${name}(${argTypes.map(sqlTypeName).join(', ')}) does not exist`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

function signature(name: string, argTypes: readonly SqlType[]): SetFunctionSignature | undefined {
  const kinds = argTypes.map((t) => t.kind).join(',');
  switch (name) {
    case 'generate_series':
      switch (kinds) {
        case 'int4,int4': case 'int4,int4,int4':
          return { columns: [argTypes[0]], run: (args) => integerSeries(args[0] as number, args[1] as number, args.length > 2 ? (args[2] as number) : 1) };
        case 'int8,int8': case 'int8,int8,int8':
          return { columns: [argTypes[0]], run: (args) => bigintSeries(args[0] as bigint, args[1] as bigint, args.length > 2 ? (args[2] as bigint) : 1n) };
        case 'numeric,numeric': case 'numeric,numeric,numeric':
          return { columns: [{ kind: 'numeric' }], run: (args) => numericSeries(args[0] as string, args[1] as string, args.length > 2 ? (args[2] as string) : '1') };
        case 'timestamp,timestamp,interval': case 'timestamptz,timestamptz,interval':
          return { columns: [argTypes[0]], run: timeSeries(argTypes[0]) };
        default:
          return undefined;
      }
    case 'unnest':
      if (argTypes.length === 0 || !argTypes.every((t) => t.kind === 'array')) return undefined;
      return { columns: argTypes.map((t) => (t as { element: SqlType }).element), run: (args) => unnest(args as readonly (readonly Value[])[]) };
    case 'jsonb_array_elements': case 'json_array_elements': case 'jsonb_array_elements_text': case 'json_array_elements_text': {
      const json = name.startsWith('jsonb') ? 'jsonb' : 'json';
      if (kinds !== json) return undefined;
      const text = name.endsWith('_text');
      return { columns: [text ? TEXT : argTypes[0]], run: (args) => jsonElements(args[0] as string, text) };
    }
    case 'jsonb_each': case 'json_each': case 'jsonb_each_text': case 'json_each_text': {
      const json = name.startsWith('jsonb') ? 'jsonb' : 'json';
      if (kinds !== json) return undefined;
      const text = name.endsWith('_text');
      return { columns: [TEXT, text ? TEXT : argTypes[0]], run: (args) => jsonMembers(name, args[0] as string, text) };
    }
    case 'regexp_split_to_table': {
      if (kinds !== 'text,text' && kinds !== 'text,text,text') return undefined;
      const { impl } = resolveFunctionCall('regexp_split_to_array', argTypes);
      return { columns: [TEXT], run: (args, ctx) => unnest([impl(args.slice(), ctx) as readonly Value[]]) };
    }
    default:
      return undefined;
  }
}

function zeroStep(): EngineError {
  return new EngineError(SqlState.invalidParameterValue, 'step size cannot equal zero');
}

function* integerSeries(start: number, stop: number, step: number): Generator<Value[]> {
  if (step === 0) throw zeroStep();
  for (let value = start; step > 0 ? value <= stop : value >= stop; value += step) yield [value];
}

function* bigintSeries(start: bigint, stop: bigint, step: bigint): Generator<Value[]> {
  if (step === 0n) throw zeroStep();
  for (let value = start; step > 0n ? value <= stop : value >= stop; value += step) yield [value];
}

function* numericSeries(startText: string, stopText: string, stepText: string): Generator<Value[]> {
  const check = (text: string, what: string): Num => {
    const value = readNum(text);
    if (value === 'NaN') throw new EngineError(SqlState.invalidParameterValue, `${what} cannot be NaN`);
    if (value === 'Infinity' || value === '-Infinity') throw new EngineError(SqlState.invalidParameterValue, `${what} cannot be infinity`);
    return value;
  };
  const start = check(startText, 'start value');
  const stop = check(stopText, 'stop value');
  const step = check(stepText, 'step size');
  const direction = compareNum(step, { v: 0n, s: 0 });
  if (direction === 0) throw zeroStep();
  for (let value = start; compareNum(value, stop) * direction <= 0; value = addNum(value, step)) yield [writeNum(value)];
}

function timeSeries(type: SqlType): SetFunction {
  const plus = resolveBinary('+', type, { kind: 'interval' });
  const compareInterval = comparator({ kind: 'interval' });
  const zero: Interval = { months: 0, days: 0, micros: 0n };
  return function* (args, ctx) {
    const [start, stop, step] = args as [bigint, bigint, Interval];
    const direction = compareInterval(step, zero);
    if (direction === 0) throw zeroStep();
    const pair: Value[] = [null, step];
    for (let value = start; direction > 0 ? value <= stop : value >= stop; ) {
      yield [value];
      pair[0] = value;
      value = plus.impl(pair, ctx) as bigint;
    }
  };
}

function* unnest(arrays: readonly (readonly Value[])[]): Generator<Value[]> {
  const length = Math.max(...arrays.map((a) => a.length));
  for (let i = 0; i < length; i++) yield arrays.map((a) => (i < a.length ? a[i] : null));
}

function* jsonElements(text: string, asText: boolean): Generator<Value[]> {
  const kind = jsonKind(text);
  if (kind !== 'array') {
    throw new EngineError(SqlState.invalidParameterValue, `cannot extract elements from ${kind === 'object' ? 'an object' : 'a scalar'}`);
  }
  for (const element of arrayElements(text)) yield [asText ? scalarText(element) : element];
}

function* jsonMembers(name: string, text: string, asText: boolean): Generator<Value[]> {
  if (jsonKind(text) !== 'object') throw new EngineError(SqlState.invalidParameterValue, `cannot call ${name} on a non-object`);
  for (const [key, value] of objectMembers(text)) yield [key, asText ? scalarText(value) : value];
}
