/**
 * Text to values, as PostgreSQL 15's input functions read it (no type modifier applied: rounding
 * to a numeric's scale or padding char(n) are casts, done by the SQL layer), with PostgreSQL's
 * SQLSTATEs and messages for bad input. The datetime, interval, numeric, float, jsonb and array
 * modules document their accepted forms and what they leave out.
 */
import { mapArray } from '../../engine/array-value.ts';
import type { ColumnType } from '../../engine/types.ts';
import { parseArray } from './array-text.ts';
import { parseDate, parseTime, parseTimestamp } from './datetime-in.ts';
import { EngineError, TypeState, invalidSyntax } from './errors.ts';
import { parseFloat } from './float.ts';
import { isCSpace } from './libc.ts';
import { parseInterval } from './interval-in.ts';
import { parseJsonb } from './jsonb.ts';
import { parseNumeric } from './numeric.ts';
import type { NonNullValue } from './text-out.ts';
import { encodeUtf8, nulInText } from './utf8.ts';

export function textIn(type: ColumnType, text: string, timeZone = 'UTC'): NonNullValue {
  // PostgreSQL refuses NUL in any text on the wire before an input function sees it.
  if (text.includes('\0')) throw nulInText();
  switch (type.kind) {
    case 'int2':
      return Number(parseInteger(text, 'smallint', 16));
    case 'int4':
      return Number(parseInteger(text, 'integer', 32));
    case 'int8':
      return parseInteger(text, 'bigint', 64);
    case 'float4':
    case 'float8':
      return parseFloat(type.kind, text);
    case 'numeric':
      return parseNumeric(text);
    case 'bool':
      return parseBool(text);
    case 'text':
    case 'varchar':
    case 'char':
      return text;
    case 'date':
      return parseDate(text);
    case 'time':
      return parseTime(text);
    case 'timestamp':
    case 'timestamptz':
      return parseTimestamp(type.kind, text, timeZone);
    case 'interval':
      return parseInterval(text);
    case 'uuid':
      return parseUuid(text);
    case 'bytea':
      return parseBytea(text);
    case 'jsonb':
      return parseJsonb(text);
    case 'array':
      return mapArray(parseArray(text), (element) => (element === null ? null : textIn(type.element, element as string, timeZone)));
  }
}

/**
 * pg_strtoint16/32/64: whitespace, sign, digits, whitespace. A magnitude too big for their
 * unsigned accumulator is out of range before the trailing characters are looked at; one that
 * fits is checked against the type's range after them.
 */
function parseInteger(text: string, typeName: string, bits: number): bigint {
  const match = /^[ \t\n\r\v\f]*([+-]?)(\d+)/.exec(text);
  if (match === null) throw invalidSyntax(typeName, text);
  const outOfRange = () => new EngineError(TypeState.numericValueOutOfRange, `value "${text}" is out of range for type ${typeName}`);
  const limit = 1n << BigInt(bits - 1);
  const digits = match[2].replace(/^0+(?=\d)/, '');
  // The accumulator overflows when a digit follows a prefix above limit / 10.
  if (digits.length > 1 && BigInt(digits.slice(0, -1)) > limit / 10n) throw outOfRange();
  let end = match[0].length;
  while (isCSpace(text[end])) end++;
  if (end !== text.length) throw invalidSyntax(typeName, text);
  const magnitude = BigInt(digits);
  const negative = match[1] === '-';
  if (negative ? magnitude > limit : magnitude >= limit) throw outOfRange();
  return negative ? -magnitude : magnitude;
}

const BOOL_WORDS: readonly (readonly [string, boolean, number])[] = [
  // word, value, shortest accepted prefix
  ['true', true, 1],
  ['false', false, 1],
  ['yes', true, 1],
  ['no', false, 1],
  ['on', true, 2],
  ['off', false, 2],
];

/** boolin: a prefix of true/false/yes/no (on/off from two letters), 1 or 0, any case, trimmed. */
function parseBool(text: string): boolean {
  let start = 0;
  let end = text.length;
  while (isCSpace(text[start])) start++;
  while (end > start && isCSpace(text[end - 1])) end--;
  const word = text.slice(start, end).toLowerCase();
  if (word === '1' || word === '0') return word === '1';
  const hit = BOOL_WORDS.find(([spelling, , shortest]) => word.length >= shortest && spelling.startsWith(word));
  if (hit === undefined) throw invalidSyntax('boolean', text);
  return hit[1];
}

/** string_to_uuid: 32 hex digits, a hyphen allowed after any group of four, optionally in braces. */
function parseUuid(text: string): string {
  const match = /^(\{?)((?:[0-9a-f]{4}-?){7}[0-9a-f]{4})(\}?)$/i.exec(text);
  if (match === null || match[1].length !== match[3].length) throw invalidSyntax('uuid', text);
  const hex = match[2].replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** byteain: '\x' and hex digit pairs (whitespace between pairs), else the escape format. */
function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) {
    const bytes: number[] = [];
    const hexDigit = (at: number) => {
      const char = String.fromCodePoint(text.codePointAt(at)!);
      if (!/^[0-9a-fA-F]$/.test(char)) throw new EngineError(TypeState.invalidParameterValue, `invalid hexadecimal digit: "${char}"`);
      return parseInt(char, 16);
    };
    for (let at = 2; at < text.length; ) {
      if (' \n\t\r'.includes(text[at])) {
        at++;
        continue;
      }
      const high = hexDigit(at);
      if (at + 1 >= text.length) throw new EngineError(TypeState.invalidParameterValue, 'invalid hexadecimal data: odd number of digits');
      bytes.push((high << 4) | hexDigit(at + 1));
      at += 2;
    }
    return Uint8Array.from(bytes);
  }
  const parts: Uint8Array[] = [];
  let literal = '';
  for (let at = 0; at < text.length; ) {
    if (text[at] !== '\\') {
      literal += text[at++];
      continue;
    }
    const octal = /^\\([0-3][0-7][0-7])/.exec(text.slice(at, at + 4));
    if (octal === null && text[at + 1] !== '\\') throw new EngineError(TypeState.invalidTextRepresentation, 'invalid input syntax for type bytea');
    parts.push(encodeUtf8(literal), Uint8Array.of(octal === null ? 0x5c : parseInt(octal[1], 8)));
    literal = '';
    at += octal === null ? 2 : 4;
  }
  parts.push(encodeUtf8(literal));
  return Uint8Array.from(Buffer.concat(parts));
}
