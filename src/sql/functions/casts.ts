/**
 * Casts between SQL types as PostgreSQL 15 finds them (find_coercion_pathway): the same type
 * (only the type modifier to apply), a pg_cast entry allowed in the context, an element-wise
 * array cast, or conversion through text (to a string type in assignment context, from a string
 * type in explicit context); an unknown literal becomes any type through its input function.
 * Type modifiers are then applied as varchar(n), bpchar(n) and numeric(p,s) apply them: an
 * explicit cast truncates a string silently, an implicit or assignment cast raises 22001 unless
 * only spaces are cut; numeric rounds to its scale and raises 22003 when too large.
 */
import { mapArray, type ArrayValue } from '../../engine/array-value.ts';
import type { Interval, Value } from '../../engine/types.ts';
import {
  DATE_NEG_INFINITY,
  DATE_POS_INFINITY,
  MICROS_PER_DAY,
  TIMESTAMP_NEG_INFINITY,
  TIMESTAMP_POS_INFINITY,
  isValidTimestamp,
} from '../types/calendar.ts';
import type { NonNullValue } from '../types/text-out.ts';
import type { SqlType } from '../types/sql-type.ts';
import { trimTrailingSpaces } from './compare.ts';
import type { EvalContext } from './context.ts';
import { EngineError, FnState, outOfRange } from './errors.ts';
import { isJsonNumber, parseJson } from './json/value.ts';
import { applyNumericTypmod, bigintToInt, checkInt2, floatToInt, floatToNumeric, numericToFloat, numericToInt, type IntKind } from './numeric/convert.ts';
import { checkFloat4 } from './operators/float-math.ts';
import { sessionZone, toLocal, toUtc } from './datetime/zone.ts';
import { sameType, sqlTypeName, typeCategory } from './type-info.ts';
import { charIn, charOut, normalizeJsonb, sqlTextIn, sqlTextOut, truncateName } from './value-io.ts';

export type CastContext = 'implicit' | 'assignment' | 'explicit';

/** A cast of one value; NULL gives NULL. */
export type CastFn = (value: Value, ctx: EvalContext) => Value;

/** The cast that changes nothing; resolveCast returns exactly this function when no work is needed. */
export const identityCast: CastFn = (value) => value;

type Convert = (value: NonNullValue, ctx: EvalContext) => Value;

const LEVEL: Record<CastContext, number> = { implicit: 0, assignment: 1, explicit: 2 };

interface CastEntry {
  /** pg_cast.castcontext. */
  readonly context: CastContext;
  /** null: binary coercible (no conversion). */
  readonly convert: Convert | null;
}

const CASTS = new Map<string, CastEntry>();

function cast(from: string, to: string, context: CastContext, convert: Convert | null): void {
  CASTS.set(`${from}>${to}`, { context, convert });
}

// ---- the pg_cast entries -----------------------------------------------------------------------

const REG_KINDS = ['regclass', 'regtype', 'regproc', 'regnamespace', 'regrole'] as const;

cast('int2', 'int4', 'implicit', null);
cast('int2', 'int8', 'implicit', (v) => BigInt(v as number));
cast('int2', 'float4', 'implicit', null);
cast('int2', 'float8', 'implicit', null);
cast('int2', 'numeric', 'implicit', (v) => String(v));
cast('int2', 'oid', 'implicit', (v) => (v as number) >>> 0);
for (const reg of REG_KINDS) cast('int2', reg, 'implicit', (v) => (v as number) >>> 0);

cast('int4', 'int2', 'assignment', (v) => checkInt2(v as number));
cast('int4', 'int8', 'implicit', (v) => BigInt(v as number));
cast('int4', 'float4', 'implicit', (v) => Math.fround(v as number));
cast('int4', 'float8', 'implicit', null);
cast('int4', 'numeric', 'implicit', (v) => String(v));
cast('int4', 'bool', 'explicit', (v) => v !== 0);
cast('int4', 'char1', 'explicit', (v) => {
  const n = v as number;
  if (n < -128 || n > 127) throw outOfRange('"char"');
  return n === 0 ? '' : String.fromCharCode(n & 0xff);
});
cast('int4', 'oid', 'implicit', (v) => (v as number) >>> 0);
for (const reg of REG_KINDS) cast('int4', reg, 'implicit', (v) => (v as number) >>> 0);

cast('int8', 'int2', 'assignment', (v) => bigintToInt(v as bigint, 'int2'));
cast('int8', 'int4', 'assignment', (v) => bigintToInt(v as bigint, 'int4'));
cast('int8', 'float4', 'implicit', (v) => Math.fround(Number(v)));
cast('int8', 'float8', 'implicit', (v) => Number(v));
cast('int8', 'numeric', 'implicit', (v) => String(v));
const int8ToOid: Convert = (v) => {
  const n = v as bigint;
  if (n < 0n || n > 4294967295n) throw outOfRange('OID');
  return Number(n);
};
cast('int8', 'oid', 'implicit', int8ToOid);
for (const reg of REG_KINDS) cast('int8', reg, 'implicit', int8ToOid);

for (const kind of ['float4', 'float8'] as const) {
  for (const target of ['int2', 'int4', 'int8'] as const) cast(kind, target, 'assignment', (v) => floatToInt(v as number, target));
  cast(kind, 'numeric', 'assignment', (v) => floatToNumeric(v as number, kind));
}
cast('float4', 'float8', 'implicit', null);
cast('float8', 'float4', 'assignment', (v) => checkFloat4(Math.fround(v as number), v as number));

for (const target of ['int2', 'int4', 'int8'] as const) cast('numeric', target, 'assignment', (v) => numericToInt(v as string, target));
cast('numeric', 'float4', 'implicit', (v) => numericToFloat(v as string, 'float4'));
cast('numeric', 'float8', 'implicit', (v) => numericToFloat(v as string, 'float8'));

cast('bool', 'int4', 'explicit', (v) => (v ? 1 : 0));
const boolText: Convert = (v) => (v ? 'true' : 'false');
cast('bool', 'text', 'assignment', boolText);
cast('bool', 'varchar', 'assignment', boolText);
cast('bool', 'char', 'assignment', boolText);

const charToText: Convert = (v) => charOut(v as string);
cast('char1', 'text', 'implicit', charToText);
cast('char1', 'varchar', 'assignment', charToText);
cast('char1', 'char', 'assignment', charToText);
cast('char1', 'int4', 'explicit', (v) => {
  const code = (v as string).charCodeAt(0) || 0;
  return code >= 128 ? code - 256 : code;
});
for (const source of ['text', 'varchar', 'char'] as const) cast(source, 'char1', 'assignment', (v) => charIn(v as string));

const stripBlanks: Convert = (v) => trimTrailingSpaces(v as string);
cast('text', 'char', 'implicit', null);
cast('text', 'varchar', 'implicit', null);
cast('text', 'name', 'implicit', (v) => truncateName(v as string));
cast('varchar', 'text', 'implicit', null);
cast('varchar', 'char', 'implicit', null);
cast('varchar', 'name', 'implicit', (v) => truncateName(v as string));
cast('char', 'text', 'implicit', stripBlanks);
cast('char', 'varchar', 'implicit', stripBlanks);
cast('char', 'name', 'implicit', (v) => truncateName(trimTrailingSpaces(v as string)));
cast('name', 'text', 'implicit', null);
cast('name', 'char', 'assignment', null);
cast('name', 'varchar', 'assignment', null);
for (const source of ['text', 'varchar'] as const) cast(source, 'regclass', 'implicit', (v, ctx) => sqlTextIn({ kind: 'regclass' }, v as string, ctx));

cast('oid', 'int4', 'assignment', (v) => (v as number) | 0);
cast('oid', 'int8', 'assignment', (v) => BigInt(v as number));
for (const reg of REG_KINDS) {
  cast('oid', reg, 'implicit', null);
  cast(reg, 'oid', 'implicit', null);
  cast(reg, 'int4', 'assignment', (v) => (v as number) | 0);
  cast(reg, 'int8', 'assignment', (v) => BigInt(v as number));
}

// The vectors of the catalogs (pg_index.indkey, indclass) are their arrays' values already.
cast('int2vector', 'int2[]', 'implicit', null);
cast('oidvector', 'oid[]', 'implicit', null);

// ---- date and time -----------------------------------------------------------------------------

function dateToTimestamp(days: number): bigint {
  if (days === DATE_NEG_INFINITY) return TIMESTAMP_NEG_INFINITY;
  if (days === DATE_POS_INFINITY) return TIMESTAMP_POS_INFINITY;
  const micros = BigInt(days) * MICROS_PER_DAY;
  if (!isValidTimestamp(micros)) throw new EngineError(FnState.datetimeFieldOverflow, 'date out of range for timestamp');
  return micros;
}

function timestampToDate(micros: bigint): number {
  if (micros === TIMESTAMP_NEG_INFINITY) return DATE_NEG_INFINITY;
  if (micros === TIMESTAMP_POS_INFINITY) return DATE_POS_INFINITY;
  const days = micros / MICROS_PER_DAY;
  const floored = micros < 0n && days * MICROS_PER_DAY !== micros ? days - 1n : days;
  return Number(floored);
}

function timeOfDay(micros: bigint): bigint {
  const time = micros % MICROS_PER_DAY;
  return time < 0n ? time + MICROS_PER_DAY : time;
}

function checkedTimestamp(micros: bigint): bigint {
  if (micros !== TIMESTAMP_NEG_INFINITY && micros !== TIMESTAMP_POS_INFINITY && !isValidTimestamp(micros)) {
    throw new EngineError(FnState.datetimeFieldOverflow, 'timestamp out of range');
  }
  return micros;
}

export const dateToTimestamptz = (days: number, ctx: EvalContext): bigint => {
  const local = dateToTimestamp(days);
  return checkedTimestamp(toUtc(local, sessionZone(ctx.timeZone)));
};

cast('date', 'timestamp', 'implicit', (v) => dateToTimestamp(v as number));
cast('date', 'timestamptz', 'implicit', (v, ctx) => dateToTimestamptz(v as number, ctx));
cast('timestamp', 'date', 'assignment', (v) => timestampToDate(v as bigint));
cast('timestamp', 'time', 'assignment', (v) => {
  const micros = v as bigint;
  if (micros === TIMESTAMP_NEG_INFINITY || micros === TIMESTAMP_POS_INFINITY) throw new EngineError(FnState.datetimeFieldOverflow, 'timestamp out of range');
  return timeOfDay(micros);
});
cast('timestamp', 'timestamptz', 'implicit', (v, ctx) => checkedTimestamp(toUtc(v as bigint, sessionZone(ctx.timeZone))));
cast('timestamptz', 'date', 'assignment', (v, ctx) => timestampToDate(toLocal(v as bigint, sessionZone(ctx.timeZone))));
cast('timestamptz', 'time', 'assignment', (v, ctx) => {
  const micros = v as bigint;
  if (micros === TIMESTAMP_NEG_INFINITY || micros === TIMESTAMP_POS_INFINITY) throw new EngineError(FnState.datetimeFieldOverflow, 'timestamp out of range');
  return timeOfDay(toLocal(micros, sessionZone(ctx.timeZone)));
});
cast('timestamptz', 'timestamp', 'assignment', (v, ctx) => checkedTimestamp(toLocal(v as bigint, sessionZone(ctx.timeZone))));
cast('time', 'interval', 'implicit', (v): Interval => ({ months: 0, days: 0, micros: v as bigint }));
cast('interval', 'time', 'assignment', (v) => timeOfDay((v as Interval).micros));

// ---- json --------------------------------------------------------------------------------------

cast('json', 'jsonb', 'assignment', (v) => normalizeJsonb(v as string));
cast('jsonb', 'json', 'assignment', null);

function jsonbKind(json: ReturnType<typeof parseJson>): string {
  if (json === null) return 'null';
  if (typeof json === 'string') return 'string';
  if (typeof json === 'boolean') return 'boolean';
  if (isJsonNumber(json)) return 'numeric';
  return Array.isArray(json) ? 'array' : 'object';
}

function jsonbScalar(text: string, target: SqlType, expect: 'numeric' | 'boolean'): ReturnType<typeof parseJson> {
  const json = parseJson(text);
  const kind = jsonbKind(json);
  if (kind !== expect) throw new EngineError(FnState.invalidParameterValue, `cannot cast jsonb ${kind} to type ${sqlTypeName(target)}`);
  return json;
}

cast('jsonb', 'bool', 'explicit', (v) => jsonbScalar(v as string, { kind: 'bool' }, 'boolean') as boolean);
cast('jsonb', 'numeric', 'explicit', (v) => (jsonbScalar(v as string, { kind: 'numeric' }, 'numeric') as { number: string }).number);
for (const target of ['int2', 'int4', 'int8'] as const) {
  cast('jsonb', target, 'explicit', (v) => numericToInt((jsonbScalar(v as string, { kind: target }, 'numeric') as { number: string }).number, target as IntKind));
}
for (const target of ['float4', 'float8'] as const) {
  cast('jsonb', target, 'explicit', (v) => numericToFloat((jsonbScalar(v as string, { kind: target }, 'numeric') as { number: string }).number, target));
}

// ---- pathways ----------------------------------------------------------------------------------

type Pathway =
  | { readonly kind: 'none' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'function'; readonly convert: Convert }
  | { readonly kind: 'array'; readonly element: CastFn }
  | { readonly kind: 'io' };

function entryKey(type: SqlType): string {
  return type.kind === 'array' ? `${type.element.kind}[]` : type.kind;
}

/** find_coercion_pathway for types that are not unknown, ignoring type modifiers. */
function pathway(from: SqlType, to: SqlType, context: CastContext): Pathway {
  if (sameType(from, to)) return { kind: 'binary' };
  const entry = CASTS.get(`${entryKey(from)}>${entryKey(to)}`);
  if (entry !== undefined) {
    if (LEVEL[entry.context] > LEVEL[context]) return { kind: 'none' };
    return entry.convert === null ? { kind: 'binary' } : { kind: 'function', convert: entry.convert };
  }
  if (from.kind === 'array' && to.kind === 'array') {
    const element = resolveCast(from.element, to.element, context);
    if (element !== undefined) return { kind: 'array', element };
  }
  if (LEVEL[context] >= LEVEL.assignment && typeCategory(to) === 'S') return { kind: 'io' };
  if (context === 'explicit' && typeCategory(from) === 'S') return { kind: 'io' };
  return { kind: 'none' };
}

/** Whether a value of `from` can become `to` in `context` (can_coerce_type for one argument). */
export function canCast(from: SqlType, to: SqlType, context: CastContext): boolean {
  if (from.kind === 'unknown') return to.kind !== 'void' && to.kind !== 'record';
  return pathway(from, to, context).kind !== 'none';
}

/**
 * The cast of `from` to `to` in `context`, type modifier of `to` included; undefined when
 * PostgreSQL has none in that context (the caller reports 42846 `cannot cast type x to y`, or
 * for implicit/assignment contexts 42804 as it sees fit). Returns `identityCast` when no work
 * is needed.
 */
export function resolveCast(from: SqlType, to: SqlType, context: CastContext): CastFn | undefined {
  const modifier = typmodCoercion(to, context === 'explicit');
  let convert: CastFn;
  if (from.kind === 'unknown') {
    if (to.kind === 'unknown') return identityCast;
    if (to.kind === 'void' || to.kind === 'record') return undefined;
    convert = (value, ctx) => (value === null ? null : sqlTextIn(to, value as string, ctx));
  } else {
    const path = pathway(from, to, context);
    switch (path.kind) {
      case 'none':
        return undefined;
      case 'binary':
        if (modifier === undefined || (sameType(from, to) && !modifierChanges(from, to))) return identityCast;
        return modifier;
      case 'function': {
        const f = path.convert;
        convert = (value, ctx) => (value === null ? null : f(value, ctx));
        break;
      }
      case 'array': {
        const element = path.element;
        if (element === identityCast) return modifier ?? identityCast;
        convert = (value, ctx) => (value === null ? null : mapArray(value as ArrayValue, (item) => (item === null ? null : element(item, ctx))));
        break;
      }
      case 'io':
        convert = (value, ctx) => (value === null ? null : sqlTextIn(to, sqlTextOut(from, value, ctx), ctx));
        break;
    }
  }
  if (modifier === undefined) return convert;
  const apply = modifier;
  return (value, ctx) => apply(convert(value, ctx), ctx);
}

/** Whether casting between two variants of one type can change a value (a narrower modifier). */
function modifierChanges(from: SqlType, to: SqlType): boolean {
  if (from.kind === 'array' && to.kind === 'array') return modifierChanges(from.element, to.element);
  if ((to.kind === 'varchar' || to.kind === 'char') && from.kind === to.kind) {
    return to.length !== undefined && (from.length === undefined || from.length > to.length || to.kind === 'char');
  }
  if (to.kind === 'numeric' && from.kind === 'numeric') {
    return to.precision !== undefined && (from.precision !== to.precision || from.scale !== to.scale);
  }
  return false;
}

/** The length or precision coercion a target type's modifier asks for, if any. */
function typmodCoercion(to: SqlType, explicit: boolean): CastFn | undefined {
  if (to.kind === 'array') {
    const element = typmodCoercion(to.element, explicit);
    if (element === undefined) return undefined;
    return (value, ctx) => (value === null ? null : mapArray(value as ArrayValue, (item) => element(item, ctx)));
  }
  switch (to.kind) {
    case 'varchar':
    case 'char': {
      const length = to.length;
      if (length === undefined) return undefined;
      const pad = to.kind === 'char';
      const name = pad ? 'character' : 'character varying';
      return (value) => (value === null ? null : fitLength(value as string, length, pad, explicit, name));
    }
    case 'numeric': {
      const { precision } = to;
      if (precision === undefined) return undefined;
      const scale = to.scale ?? 0;
      return (value) => (value === null ? null : applyNumericTypmod(value as string, precision, scale));
    }
    default:
      return undefined;
  }
}

/** varchar(n) / bpchar(n): cut to n characters (only spaces, unless explicit), pad bpchar. */
export function fitLength(text: string, length: number, pad: boolean, explicit: boolean, typeName: string): string {
  let count = 0;
  let cut = -1;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) continue;
    if (count === length) {
      cut = i;
      break;
    }
    count++;
  }
  if (cut >= 0) {
    if (!explicit) {
      for (let i = cut; i < text.length; i++) {
        if (text.charCodeAt(i) !== 0x20) throw new EngineError(FnState.stringDataRightTruncation, `value too long for type ${typeName}(${length})`);
      }
    }
    return text.slice(0, cut);
  }
  return pad && count < length ? text + ' '.repeat(length - count) : text;
}

/** The 42846 error for a cast PostgreSQL does not have. */
export function cannotCast(from: SqlType, to: SqlType): EngineError {
  return new EngineError(FnState.cannotCoerce, `cannot cast type ${sqlTypeName(from)} to ${sqlTypeName(to)}`);
}

/** How find_coercion_pathway would convert: 'binary' (relabel), 'function', 'array', 'io' or 'none'. */
export function castPathKind(from: SqlType, to: SqlType, context: CastContext): Pathway['kind'] {
  return pathway(from, to, context).kind;
}

const SESSION_DEPENDENT = new Set(['timestamptz', 'regclass', 'regtype', 'regproc', 'regnamespace', 'regrole']);

/** Whether a cast's result depends on session state (TimeZone, the catalog): 'stable', else 'immutable'. */
export function castVolatility(from: SqlType, to: SqlType): 'immutable' | 'stable' {
  const kind = (type: SqlType) => (type.kind === 'array' ? type.element.kind : type.kind);
  if (from.kind === 'unknown') return SESSION_DEPENDENT.has(kind(to)) ? 'stable' : 'immutable';
  if (sameType(from, to)) return 'immutable';
  return SESSION_DEPENDENT.has(kind(from)) || SESSION_DEPENDENT.has(kind(to)) ? 'stable' : 'immutable';
}

/** The pg_cast entries that convert by a function, for declaring those functions by name (int4(numeric), …). */
export function functionCasts(): { from: string; to: string; convert: (value: NonNullValue, ctx: EvalContext) => Value }[] {
  const result: { from: string; to: string; convert: Convert }[] = [];
  for (const [key, entry] of CASTS) {
    if (entry.convert === null) continue;
    const [from, to] = key.split('>');
    result.push({ from, to, convert: entry.convert });
  }
  return result;
}
