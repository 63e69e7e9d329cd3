/**
 * The SQL types the engine stores, and the JavaScript value of each.
 *
 * | type                         | value                                                           |
 * |------------------------------|-----------------------------------------------------------------|
 * | int2, int4                   | number (integer in range)                                       |
 * | int8                         | bigint                                                          |
 * | numeric[(p[,s])]             | string: exact decimal ('-12.50'), or 'NaN', 'Infinity', '-Infinity' |
 * | float4, float8               | number (float4 is rounded to single precision when stored)      |
 * | text, varchar[(n)], char(n)  | string (no NUL, valid UTF-16); length counted in characters      |
 * | bool                         | boolean                                                         |
 * | date                         | number: days since 2000-01-01 (PostgreSQL's epoch)              |
 * | time                         | bigint: microseconds since midnight                             |
 * | timestamp, timestamptz       | bigint: microseconds since 2000-01-01 00:00 (UTC for timestamptz) |
 * | interval                     | { months, days, micros: bigint }                                |
 * | uuid                         | string, 8-4-4-4-12 hex digits (read back in lower case)         |
 * | bytea                        | Uint8Array (read back as a Buffer)                              |
 * | jsonb                        | string: JSON text (the SQL layer normalizes it)                 |
 * | T[]                          | one dimension indexed from 1: a JS array of T values or null;   |
 * |                              | any other shape: a ShapedArray (src/engine/array-value.ts)      |
 *
 * These follow PostgreSQL's binary formats, so the wire layer converts without loss; as there,
 * ±infinity of date and timestamps are the extreme values of their integer range.
 * NULL is `null` for every type. The engine verifies values; casting and typmod coercion
 * (rounding a numeric to its scale, padding char(n)) are the SQL layer's job, as in PostgreSQL.
 */
import { ShapedArray, shapeProblem } from './array-value.ts';
import { EngineError, SqlState } from './errors.ts';

export interface Interval {
  readonly months: number;
  readonly days: number;
  readonly micros: bigint;
}

export type Value = null | boolean | number | bigint | string | Uint8Array | Interval | readonly Value[] | ShapedArray;
export type Row = readonly Value[];

export type ScalarKind =
  | 'int2' | 'int4' | 'int8' | 'float4' | 'float8' | 'numeric' | 'bool'
  | 'text' | 'varchar' | 'char' | 'date' | 'time' | 'timestamp' | 'timestamptz'
  | 'interval' | 'uuid' | 'bytea' | 'jsonb';

export type ColumnType =
  | { readonly kind: Exclude<ScalarKind, 'numeric' | 'varchar' | 'char'> }
  | { readonly kind: 'numeric'; readonly precision?: number; readonly scale?: number }
  | { readonly kind: 'varchar' | 'char'; readonly length?: number }
  | { readonly kind: 'array'; readonly element: ScalarType };

export type ScalarType = Exclude<ColumnType, { kind: 'array' }>;

/** Type names as users spell them, mapped to the engine's kinds. */
const ALIASES: Record<string, ScalarKind> = {
  int2: 'int2', smallint: 'int2',
  int4: 'int4', int: 'int4', integer: 'int4',
  int8: 'int8', bigint: 'int8',
  float4: 'float4', real: 'float4',
  float8: 'float8', 'double precision': 'float8', float: 'float8',
  numeric: 'numeric', decimal: 'numeric',
  bool: 'bool', boolean: 'bool',
  text: 'text',
  varchar: 'varchar', 'character varying': 'varchar',
  char: 'char', character: 'char', bpchar: 'char',
  date: 'date',
  time: 'time', 'time without time zone': 'time',
  timestamp: 'timestamp', 'timestamp without time zone': 'timestamp',
  timestamptz: 'timestamptz', 'timestamp with time zone': 'timestamptz',
  interval: 'interval',
  uuid: 'uuid',
  bytea: 'bytea',
  jsonb: 'jsonb',
};

/** PostgreSQL's limit on numeric precision in a type modifier. */
const NUMERIC_MAX_PRECISION = 1000;
/** PostgreSQL's limit on varchar(n) / char(n). */
const MAX_CHAR_LENGTH = 10_485_760;

function undefinedType(text: string): EngineError {
  return new EngineError(SqlState.undefinedObject, `type "${text}" does not exist`);
}

function invalidModifier(message: string): EngineError {
  return new EngineError(SqlState.invalidParameterValue, message);
}

/** Reads a type as written in a column definition: 'int4', 'varchar(20)', 'numeric(10,2)',
 * 'text[]' ('text[][]' is text[] too: as in PostgreSQL, an array type has no fixed dimensions). */
export function parseType(text: string): ColumnType {
  const spelled = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (spelled.endsWith('[]')) {
    const element = parseType(spelled.slice(0, -2));
    return element.kind === 'array' ? element : { kind: 'array', element };
  }
  const match = /^([a-z][a-z0-9 ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\))?$/.exec(spelled);
  const kind = match === null ? undefined : ALIASES[match[1]];
  if (match === null || kind === undefined) throw undefinedType(text);
  const [, , first, second] = match;
  if (kind === 'numeric') {
    if (first === undefined) return { kind };
    const precision = Number(first);
    const scale = second === undefined ? 0 : Number(second);
    if (precision < 1 || precision > NUMERIC_MAX_PRECISION) throw invalidModifier(`NUMERIC precision ${precision} must be between 1 and ${NUMERIC_MAX_PRECISION}`);
    if (scale < 0 || scale > precision) throw invalidModifier(`NUMERIC scale ${scale} must be between 0 and precision ${precision}`);
    return { kind, precision, scale };
  }
  if (kind === 'varchar' || kind === 'char') {
    if (second !== undefined) throw undefinedType(text);
    if (first === undefined) return kind === 'char' ? { kind, length: 1 } : { kind };
    const length = Number(first);
    if (length < 1 || length > MAX_CHAR_LENGTH) throw invalidModifier(`length for type ${kind} must be between 1 and ${MAX_CHAR_LENGTH}`);
    return { kind, length };
  }
  if (first !== undefined) throw undefinedType(text);
  return { kind };
}

/** The canonical spelling of a type, as catalogs store and print it. */
export function formatType(type: ColumnType): string {
  switch (type.kind) {
    case 'array':
      return `${formatType(type.element)}[]`;
    case 'numeric':
      return type.precision === undefined ? 'numeric' : `numeric(${type.precision},${type.scale ?? 0})`;
    case 'varchar':
    case 'char':
      return type.length === undefined ? type.kind : `${type.kind}(${type.length})`;
    default:
      return type.kind;
  }
}

// ---- value checks ------------------------------------------------------------------------------

const INT_RANGE = {
  int2: [-32768, 32767],
  int4: [-2147483648, 2147483647],
} as const;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
const FLOAT4_MAX = 3.4028234663852886e38;
const MICROS_PER_DAY = 86_400_000_000n;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A NUL or a UTF-16 surrogate without its partner: neither survives UTF-8 storage. */
const UNSTORABLE_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** PostgreSQL's limit on digits after the point of any numeric (NUMERIC_DSCALE_MAX). */
export const NUMERIC_MAX_SCALE = 16383;
export const NUMERIC_PATTERN = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))$/;

function mismatch(type: ColumnType, value: unknown, column: string): EngineError {
  const shown = typeof value === 'bigint' ? `${value}n` : typeof value === 'string' ? `'${value.slice(0, 40)}'` : value instanceof Uint8Array ? 'bytes' : Array.isArray(value) || value instanceof ShapedArray ? 'an array' : typeof value === 'object' ? 'an object' : String(value);
  return new EngineError(SqlState.datatypeMismatch, `column "${column}" is of type ${formatType(type)} but the value ${shown} is not`, {
    hint: 'Values are typed as src/engine/types.ts documents (int8 as bigint, numeric as a decimal string, …).',
  });
}

function outOfRange(type: ColumnType, column: string): EngineError {
  return new EngineError(SqlState.numericValueOutOfRange, `value out of range for type ${formatType(type)} in column "${column}"`);
}

/** Counts characters (code points), as PostgreSQL counts varchar lengths. */
function characterCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) count--;
  }
  return count;
}

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
}

function checkNumeric(type: Extract<ColumnType, { kind: 'numeric' }>, value: string, column: string): void {
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') {
    if (type.precision !== undefined && value !== 'NaN') throw new EngineError(SqlState.numericValueOutOfRange, `numeric field overflow in column "${column}"`, { detail: `A field with precision ${type.precision} cannot hold an infinite value.` });
    return;
  }
  const match = NUMERIC_PATTERN.exec(value);
  if (match === null) throw new EngineError(SqlState.invalidTextRepresentation, `invalid input syntax for type numeric: "${value.slice(0, 60)}"`);
  if ((match[3] ?? match[4] ?? '').length > NUMERIC_MAX_SCALE) throw new EngineError(SqlState.numericValueOutOfRange, 'value overflows numeric format');
  if (type.precision === undefined) return;
  const scale = type.scale ?? 0;
  const fraction = match[3] ?? match[4] ?? '';
  if (fraction.length > scale) {
    throw new EngineError(SqlState.numericValueOutOfRange, `numeric value ${value} has more than ${scale} digits after the point for column "${column}" of type ${formatType(type)}`, {
      hint: 'Round the value to the column\'s scale before storing it.',
    });
  }
  const integerDigits = (match[2] ?? '').replace(/^0+/, '').length;
  if (integerDigits > type.precision - scale) {
    throw new EngineError(SqlState.numericValueOutOfRange, `numeric field overflow in column "${column}"`, {
      detail: `A field with precision ${type.precision}, scale ${scale} must round to an absolute value less than 10^${type.precision - scale}.`,
    });
  }
}

function checkText(type: ColumnType, value: string, column: string): void {
  if (UNSTORABLE_TEXT.test(value)) {
    throw new EngineError(SqlState.characterNotInRepertoire, `invalid byte sequence for encoding "UTF8" in column "${column}"`, { detail: 'Text may hold neither NUL characters nor unpaired UTF-16 surrogates.' });
  }
  if ((type.kind === 'varchar' || type.kind === 'char') && type.length !== undefined && characterCount(value) > type.length) {
    const name = type.kind === 'varchar' ? 'character varying' : 'character';
    throw new EngineError(SqlState.stringDataRightTruncation, `value too long for type ${name}(${type.length})`);
  }
  if (type.kind === 'jsonb') {
    try {
      JSON.parse(value);
    } catch {
      throw new EngineError(SqlState.invalidTextRepresentation, `invalid input syntax for type json`, { detail: `Column "${column}": ${value.slice(0, 60)}` });
    }
  }
}

/** Verifies that `value` is a valid value of `type` (NULL included); throws 22xxx / 42804. */
export function checkValue(type: ColumnType, value: Value, column: string): void {
  if (value === null) return;
  switch (type.kind) {
    case 'int2':
    case 'int4':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(type, value, column);
      if (value < INT_RANGE[type.kind][0] || value > INT_RANGE[type.kind][1]) throw outOfRange(type, column);
      return;
    case 'int8':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      if (typeof value !== 'bigint') throw mismatch(type, value, column);
      if (value < INT8_MIN || value > INT8_MAX) throw outOfRange(type, column);
      if (type.kind === 'time' && (value < 0n || value > MICROS_PER_DAY)) throw outOfRange(type, column);
      return;
    case 'float4':
    case 'float8':
      if (typeof value !== 'number') throw mismatch(type, value, column);
      if (type.kind === 'float4' && Number.isFinite(value) && Math.abs(value) > FLOAT4_MAX) throw outOfRange(type, column);
      return;
    case 'numeric':
      if (typeof value !== 'string') throw mismatch(type, value, column);
      checkNumeric(type, value, column);
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw mismatch(type, value, column);
      return;
    case 'text':
    case 'varchar':
    case 'char':
    case 'jsonb':
      if (typeof value !== 'string') throw mismatch(type, value, column);
      checkText(type, value, column);
      return;
    case 'date':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(type, value, column);
      if (!isInt32(value)) throw outOfRange(type, column);
      return;
    case 'interval': {
      if (typeof value !== 'object' || value instanceof Uint8Array || Array.isArray(value) || value instanceof ShapedArray) throw mismatch(type, value, column);
      const { months, days, micros } = value as Interval;
      if (typeof micros !== 'bigint' || typeof months !== 'number' || typeof days !== 'number' || !Number.isInteger(months) || !Number.isInteger(days)) throw mismatch(type, value, column);
      if (!isInt32(months) || !isInt32(days) || micros < INT8_MIN || micros > INT8_MAX) throw outOfRange(type, column);
      return;
    }
    case 'uuid':
      if (typeof value !== 'string') throw mismatch(type, value, column);
      if (!UUID_PATTERN.test(value)) throw new EngineError(SqlState.invalidTextRepresentation, `invalid input syntax for type uuid: "${value.slice(0, 60)}"`);
      return;
    case 'bytea':
      if (!(value instanceof Uint8Array)) throw mismatch(type, value, column);
      return;
    case 'array': {
      let elements: readonly Value[];
      if (value instanceof ShapedArray) {
        elements = value.elements;
        const problem = shapeProblem(value.lengths, value.lowers, elements.length);
        // A ShapedArray of one dimension from 1 has a second form, which equality would miss.
        const plain = value.lengths.length === 1 && value.lowers[0] === 1;
        if (problem !== undefined || plain) throw new EngineError(SqlState.datatypeMismatch, `column "${column}": invalid array shape (${problem ?? 'one dimension from 1 must be a plain array'})`);
      } else if (Array.isArray(value)) elements = value as readonly Value[];
      else throw mismatch(type, value, column);
      for (const element of elements) checkValue(type.element, element, column);
      return;
    }
  }
}
