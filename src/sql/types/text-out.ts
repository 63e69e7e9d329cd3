/**
 * Values as the text PostgreSQL 15 prints for them with default settings: DateStyle 'ISO, MDY',
 * IntervalStyle 'postgres', extra_float_digits 1, bytea_output 'hex', and the session TimeZone
 * (a setting string: 'UTC', 'Europe/Paris', '+05:30' POSIX-style, '5.5') for timestamptz.
 * Type modifiers play no part, as in PostgreSQL's output functions: char(n) prints as stored.
 */
import { mapArray, type ArrayValue } from '../../engine/array-value.ts';
import type { ColumnType, Interval, Value } from '../../engine/types.ts';
import { formatArray } from './array-text.ts';
import { formatDate, formatInterval, formatTime, formatTimestamp } from './datetime-out.ts';
import { formatFloat } from './float.ts';
import { formatNumeric } from './numeric.ts';

export type NonNullValue = Exclude<Value, null>;

export function textOut(type: ColumnType, value: NonNullValue, timeZone = 'UTC'): string {
  switch (type.kind) {
    case 'int2':
    case 'int4':
    case 'int8':
      return String(value);
    case 'float4':
    case 'float8':
      return formatFloat(type.kind, value as number);
    case 'numeric':
      return formatNumeric(value as string);
    case 'bool':
      return value ? 't' : 'f';
    case 'text':
    case 'varchar':
    case 'char':
    case 'jsonb':
      return value as string;
    case 'date':
      return formatDate(value as number);
    case 'time':
      return formatTime(value as bigint);
    case 'timestamp':
      return formatTimestamp(value as bigint);
    case 'timestamptz':
      return formatTimestamp(value as bigint, timeZone);
    case 'interval':
      return formatInterval(value as Interval);
    case 'uuid':
      return (value as string).toLowerCase();
    case 'bytea':
      return `\\x${Buffer.from((value as Uint8Array).buffer, (value as Uint8Array).byteOffset, (value as Uint8Array).byteLength).toString('hex')}`;
    case 'array':
      return formatArray(mapArray(value as ArrayValue, (element) => (element === null ? null : textOut(type.element, element, timeZone))));
  }
}
