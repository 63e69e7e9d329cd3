/**
 * Set-returning functions, in FROM (a FUNCTION relation) and in a select list (PROJECT_SET):
 * generate_series (integers, numeric, timestamps with an interval step), generate_subscripts,
 * unnest (several arrays zip, the shorter padded with NULLs), the JSON element, member and key
 * expanders, regexp_matches, regexp_split_to_table and string_to_table. All are strict: a NULL
 * argument gives no rows. WITH ORDINALITY appends the row number as int8.
 */
import { arrayElements, arrayShape, type ArrayValue } from '../../engine/array-value.ts';
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Interval, Row, Value } from '../../engine/types.ts';
import { add as addNum } from '../../sql/functions/numeric/arithmetic.ts';
import { compareNum, readNum, writeNum, type Num } from '../../sql/functions/numeric/decimal.ts';
import { sameType, sqlTypeName, type EvalContext } from '../../sql/functions/index.ts';
import { compileRegex, parseFlags } from '../../sql/functions/strings/regex.ts';
import type { FunctionRel, ProjectSetRel } from '../../sql/plan/ir.ts';
import type { SqlType } from '../../sql/types/sql-type.ts';
import type { Compiler, Evaluator, Source } from '../compile/compiler.ts';
import { comparator, resolveBinary, resolveFunctionCall } from '../compile/functions.ts';
import { EMPTY_ROW, IteratorCursor, type Cursor } from './cursor.ts';
import type { Frame } from './execution.ts';
import { arrayElements as jsonArrayElements, jsonKind, objectMembers, scalarText } from './json-text.ts';

type SetFunction = (args: readonly Value[], ctx: EvalContext) => Iterator<Value[]>;

export function compileFunctionRel(rel: FunctionRel, c: Compiler): Source {
  const args = rel.args.map((a) => c.expr(a));
  const fn = setFunction(rel.name, rel.argTypes);
  const ordinality = rel.ordinality;
  return (frame) => {
    const rows = callOf(fn, args.map((a) => a(EMPTY_ROW, frame)), frame.exec.ctx.eval);
    return new IteratorCursor(ordinality ? numbered(rows) : rows, frame.exec);
  };
}

/** A call's rows: none for a NULL argument of a strict function. */
function callOf(fn: SetFunctionSignature, values: readonly Value[], ctx: EvalContext): Iterator<Value[]> {
  return fn.strict && values.includes(null) ? [][Symbol.iterator]() : fn.run(values, ctx);
}

interface CompiledCall {
  readonly args: readonly Evaluator[];
  readonly fn: SetFunctionSignature;
  readonly width: number;
}

export function compileProjectSet(rel: ProjectSetRel, c: Compiler): Source {
  const input = c.rel(rel.input);
  const calls: CompiledCall[] = rel.functions.map((call) => ({ args: call.args.map((a) => c.expr(a)), fn: setFunction(call.name, call.argTypes), width: call.returns.length }));
  return (frame) => new ProjectSetCursor(input(frame), calls, frame);
}

/** The rows of each input row's calls, stepped together (see ProjectSetRel). */
class ProjectSetCursor implements Cursor {
  private row: Row | undefined;
  /** Per call, its rows for the current input row; null once it has run out. */
  private running: (Iterator<Value[]> | null)[] = [];

  constructor(
    private readonly input: Cursor,
    private readonly calls: readonly CompiledCall[],
    private readonly frame: Frame,
  ) {}

  next(): Row | undefined {
    for (;;) {
      if (this.row !== undefined) {
        const out = this.step(this.row);
        if (out !== undefined) return out;
      }
      this.row = this.input.next();
      if (this.row === undefined) return undefined;
      this.start(this.row);
    }
  }

  private start(row: Row): void {
    const ctx = this.frame.exec.ctx.eval;
    this.running = this.calls.map((call) => callOf(call.fn, call.args.map((a) => a(row, this.frame)), ctx));
  }

  private step(row: Row): Row | undefined {
    const out: Value[] = row.slice();
    let produced = false;
    for (let i = 0; i < this.calls.length; i++) {
      const rows = this.running[i];
      const step = rows?.next();
      if (step === undefined || step.done === true) {
        this.running[i] = null;
        for (let j = 0; j < this.calls[i].width; j++) out.push(null);
        continue;
      }
      produced = true;
      out.push(...step.value);
    }
    if (!produced) {
      this.row = undefined;
      return undefined;
    }
    this.frame.exec.tick();
    return out;
  }

  close(): void {
    for (const rows of this.running) rows?.return?.();
    this.running = [];
    this.row = undefined;
    this.input.close();
  }
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
  /** Absent: strict, no rows for a NULL argument. */
  readonly strict?: boolean;
}

const TEXT: SqlType = { kind: 'text' };
const INT4: SqlType = { kind: 'int4' };
const TEXT_ARRAY: SqlType = { kind: 'array', element: { kind: 'text' } };

/** Set-returning functions defined outside this module (the system catalog's), by name. */
const DEFINED = new Map<string, (SetFunctionSignature & { readonly argTypes: readonly SqlType[] })[]>();

/**
 * Adds a set-returning function of one column with these (exact) argument types; strict: a
 * NULL argument gives no rows.
 */
export function defineSetReturningFunction(name: string, argTypes: readonly SqlType[], returns: SqlType, rows: (args: readonly Value[], ctx: EvalContext) => Iterable<Value>): void {
  const list = DEFINED.get(name) ?? [];
  list.push({ argTypes, columns: [returns], run: (args, ctx) => singleColumn(rows(args, ctx)) });
  DEFINED.set(name, list);
}

/** The signatures of the set-returning functions defined as `name` (none for the built-in ones). */
export function definedSetReturningSignatures(name: string): readonly { readonly argTypes: readonly SqlType[]; readonly columns: readonly SqlType[] }[] {
  return DEFINED.get(name) ?? [];
}

function* singleColumn(values: Iterable<Value>): Generator<Value[]> {
  for (const value of values) yield [value];
}

/**
 * The output columns of set-returning function `name` over `argTypes`, or undefined when
 * there is no such function (what the verifier's FunctionChecker.checkSetReturning needs).
 */
export function setReturningColumns(name: string, argTypes: readonly SqlType[]): readonly SqlType[] | undefined {
  return signature(name, argTypes)?.columns;
}

function setFunction(name: string, argTypes: readonly SqlType[]): SetFunctionSignature {
  const found = signature(name, argTypes);
  if (found !== undefined) return { ...found, strict: found.strict ?? true };
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
      return { columns: argTypes.map((t) => (t as { element: SqlType }).element), run: (args) => unnest((args as readonly ArrayValue[]).map(arrayElements)) };
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
    case 'jsonb_object_keys': case 'json_object_keys':
      if (kinds !== name.slice(0, name.indexOf('_'))) return undefined;
      return { columns: [TEXT], run: (args) => jsonKeys(name, args[0] as string) };
    case 'generate_subscripts':
      if (kinds !== 'array,int4' && kinds !== 'array,int4,bool') return undefined;
      return { columns: [INT4], run: (args) => subscripts(args[0] as ArrayValue, args[1] as number, args[2] === true) };
    case 'regexp_matches':
      if (kinds !== 'text,text' && kinds !== 'text,text,text') return undefined;
      return { columns: [TEXT_ARRAY], run: (args) => regexMatches(args[0] as string, args[1] as string, (args[2] as string | undefined) ?? '') };
    case 'string_to_table': {
      if (kinds !== 'text,text' && kinds !== 'text,text,text') return undefined;
      const { impl } = resolveFunctionCall('string_to_array', argTypes);
      return { columns: [TEXT], strict: false, run: (args, ctx) => unnest([(impl(args.slice(), ctx) as readonly Value[] | null) ?? []]) };
    }
    case 'regexp_split_to_table': {
      if (kinds !== 'text,text' && kinds !== 'text,text,text') return undefined;
      const { impl } = resolveFunctionCall('regexp_split_to_array', argTypes);
      return { columns: [TEXT], run: (args, ctx) => unnest([impl(args.slice(), ctx) as readonly Value[]]) };
    }
    default:
      return DEFINED.get(name)?.find((defined) => defined.argTypes.length === argTypes.length && defined.argTypes.every((t, i) => sameType(t, argTypes[i])));
  }
}

function* jsonKeys(name: string, text: string): Generator<Value[]> {
  const kind = jsonKind(text);
  if (kind !== 'object') throw new EngineError(SqlState.invalidParameterValue, `cannot call ${name} on ${kind === 'array' ? 'an array' : 'a scalar'}`);
  for (const [key] of objectMembers(text)) yield [key];
}

/** generate_subscripts: the subscripts of one dimension (from 1), none when there is no such dimension. */
function* subscripts(array: ArrayValue, dimension: number, reverse: boolean): Generator<Value[]> {
  const { lengths, lowers } = arrayShape(array);
  if (dimension < 1 || dimension > lengths.length) return;
  const lower = lowers[dimension - 1];
  const length = lengths[dimension - 1];
  for (let i = 0; i < length; i++) yield [reverse ? lower + length - 1 - i : lower + i];
}

/** Each match's captured groups (the whole match when the pattern has none); with 'g' every
 * match, else the first. */
function* regexMatches(text: string, pattern: string, flagText: string): Generator<Value[]> {
  const flags = parseFlags(flagText, 'regexp_matches');
  const regex = compileRegex(pattern, flags, true);
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    yield [match.length > 1 ? match.slice(1).map((group) => group ?? null) : [match[0]]];
    if (!flags.global) return;
    if (match[0] === '') regex.lastIndex = match.index + (text.codePointAt(match.index)! > 0xffff ? 2 : 1);
    if (regex.lastIndex > text.length) return;
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
  for (const element of jsonArrayElements(text)) yield [asText ? scalarText(element) : element];
}

function* jsonMembers(name: string, text: string, asText: boolean): Generator<Value[]> {
  if (jsonKind(text) !== 'object') throw new EngineError(SqlState.invalidParameterValue, `cannot call ${name} on a non-object`);
  for (const [key, value] of objectMembers(text)) yield [key, asText ? scalarText(value) : value];
}
