/**
 * SQL values as JSON (to_json, to_jsonb, json[b]_build_*): booleans and numbers as themselves
 * (NaN and the infinities as strings), dates and timestamps in ISO 8601 with a 'T' and, for
 * timestamptz, an offset with minutes ("2020-01-01T10:00:00+00:00"), json and jsonb embedded,
 * arrays as arrays (nested, one level per dimension), everything else as the string of its output.
 */
import { foldArray, type ArrayValue } from '../../../engine/array-value.ts';
import type { Value } from '../../../engine/types.ts';
import { DATE_NEG_INFINITY, DATE_POS_INFINITY, TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY } from '../../types/calendar.ts';
import { formatDate, formatTimestamp } from '../../types/datetime-out.ts';
import type { NonNullValue } from '../../types/text-out.ts';
import type { SqlType } from '../../types/sql-type.ts';
import type { EvalContext } from '../context.ts';
import { EngineError, FnState } from '../errors.ts';
import { sqlTextOut } from '../value-io.ts';
import { parseJson, quoteJson, type Json } from './value.ts';

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** JsonEncodeDateTime: ISO 8601 with 'T', the offset always with minutes. */
function encodeDateTime(type: 'date' | 'timestamp' | 'timestamptz', value: number | bigint, timeZone: string): string {
  if (type === 'date') {
    const days = value as number;
    if (days === DATE_POS_INFINITY) return 'infinity';
    if (days === DATE_NEG_INFINITY) return '-infinity';
    return formatDate(days);
  }
  const micros = value as bigint;
  if (micros === TIMESTAMP_POS_INFINITY) return 'infinity';
  if (micros === TIMESTAMP_NEG_INFINITY) return '-infinity';
  const text = type === 'timestamp' ? formatTimestamp(micros) : formatTimestamp(micros, timeZone);
  // 'YYYY-MM-DD hh:mm:ss[.f][+hh[:mm[:ss]]][ BC]' → 'T' separator, offset minutes always.
  return text.replace(' ', 'T').replace(/([+-]\d\d)(?=$| BC)/, '$1:00');
}

type Kind = 'null' | 'bool' | 'number' | 'datetime' | 'json' | 'jsonb' | 'array' | 'string';

function kindOf(type: SqlType): Kind {
  switch (type.kind) {
    case 'bool': return 'bool';
    case 'int2': case 'int4': case 'int8': case 'float4': case 'float8': case 'numeric': return 'number';
    case 'date': case 'timestamp': case 'timestamptz': return 'datetime';
    case 'json': return 'json';
    case 'jsonb': return 'jsonb';
    case 'array': case 'int2vector': case 'oidvector': return 'array';
    default: return 'string';
  }
}

function elementType(type: SqlType): SqlType {
  if (type.kind === 'array') return type.element;
  return type.kind === 'int2vector' ? { kind: 'int2' } : { kind: 'oid' };
}

/** to_jsonb's document for a value. */
export function toJsonb(type: SqlType, value: Value, ctx: EvalContext): Json {
  if (value === null) return null;
  switch (kindOf(type)) {
    case 'bool':
      return value as boolean;
    case 'number': {
      const text = sqlTextOut(type, value as NonNullValue, ctx);
      return JSON_NUMBER.test(text) ? parseJson(text) : text;
    }
    case 'datetime':
      return encodeDateTime(type.kind as 'date', value as number, ctx.timeZone);
    case 'json':
    case 'jsonb':
      return parseJson(value as string);
    case 'array': {
      const element = elementType(type);
      return foldArray<Json>(value as ArrayValue, (item) => toJsonb(element, item, ctx), (parts) => parts);
    }
    default:
      return sqlTextOut(type, value as NonNullValue, ctx);
  }
}

/** to_json's text for a value (arrays without spaces, as array_to_json prints them). */
export function toJsonText(type: SqlType, value: Value, ctx: EvalContext): string {
  if (value === null) return 'null';
  switch (kindOf(type)) {
    case 'bool':
      return value ? 'true' : 'false';
    case 'number': {
      const text = sqlTextOut(type, value as NonNullValue, ctx);
      return JSON_NUMBER.test(text) ? text : quoteJson(text);
    }
    case 'datetime':
      return quoteJson(encodeDateTime(type.kind as 'date', value as number, ctx.timeZone));
    case 'json':
    case 'jsonb':
      return value as string;
    case 'array': {
      const element = elementType(type);
      return foldArray(value as ArrayValue, (item) => toJsonText(element, item, ctx), (parts) => `[${parts.join(',')}]`);
    }
    default:
      return quoteJson(sqlTextOut(type, value as NonNullValue, ctx));
  }
}

/** An object key from a build_object argument: a scalar's text. */
export function jsonKey(type: SqlType, value: Value, position: number, ctx: EvalContext, binary: boolean): string {
  if (value === null) {
    if (binary) throw new EngineError(FnState.invalidParameterValue, `argument ${position}: key must not be null`);
    throw new EngineError(FnState.invalidParameterValue, `argument ${position} cannot be null`, { hint: 'Object keys should be text.' });
  }
  const kind = kindOf(type);
  if (kind === 'array' || kind === 'json' || kind === 'jsonb' || type.kind === 'record') {
    throw new EngineError(FnState.invalidParameterValue, 'key value must be scalar, not array, composite, or json');
  }
  if (kind === 'bool') return value ? 'true' : 'false';
  if (kind === 'datetime') return encodeDateTime(type.kind as 'date', value as number, ctx.timeZone);
  return sqlTextOut(type, value as NonNullValue, ctx);
}
