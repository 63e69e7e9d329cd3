/**
 * The lexer PostgreSQL runs before decoding any date, time, timestamp or interval (ParseDateTime
 * in datetime.c), and the small number readers its decoders share. Porting the lexer as it is
 * keeps the odd corners identical: punctuation other than the recognised separators delimits
 * fields, letters are lowercased, a word followed by a digit or '+' is a time zone name unless it
 * is a keyword ('utc+5' is one field, 't12' two).
 */
import { isCSpace } from './libc.ts';

export type FieldType = 'number' | 'date' | 'time' | 'tz' | 'string' | 'special';

export interface Field {
  readonly type: FieldType;
  readonly text: string;
}

/** A decoding failure; the caller turns it into PostgreSQL's message for its type (DateTimeParseError). */
export class DatetimeError extends Error {
  constructor(readonly kind: 'bad format' | 'field overflow' | 'month/day overflow' | 'zone displacement overflow') {
    super(kind);
  }
}

export const badFormat = (): DatetimeError => new DatetimeError('bad format');
export const fieldOverflow = (): DatetimeError => new DatetimeError('field overflow');

/** Keywords of PostgreSQL's datetktbl: a word that is one of these does not start a time zone name. */
export const DATE_KEYWORDS = new Map<string, readonly [string, number]>([
  ['-infinity', ['reserved', 0]], ['ad', ['adbc', 0]], ['allballs', ['reserved', 0]], ['am', ['ampm', 0]],
  ['apr', ['month', 4]], ['april', ['month', 4]], ['at', ['ignore', 0]], ['aug', ['month', 8]], ['august', ['month', 8]],
  ['bc', ['adbc', 1]], ['d', ['units', 0]], ['dec', ['month', 12]], ['december', ['month', 12]], ['dow', ['units', 0]],
  ['doy', ['units', 0]], ['dst', ['dtzmod', 0]], ['epoch', ['reserved', 0]], ['feb', ['month', 2]], ['february', ['month', 2]],
  ['fri', ['dow', 5]], ['friday', ['dow', 5]], ['h', ['units', 0]], ['infinity', ['reserved', 0]], ['isodow', ['units', 0]],
  ['isoyear', ['units', 0]], ['j', ['units', 0]], ['jan', ['month', 1]], ['january', ['month', 1]], ['jd', ['units', 0]],
  ['jul', ['month', 7]], ['julian', ['units', 0]], ['july', ['month', 7]], ['jun', ['month', 6]], ['june', ['month', 6]],
  ['m', ['units', 0]], ['mar', ['month', 3]], ['march', ['month', 3]], ['may', ['month', 5]], ['mm', ['units', 0]],
  ['mon', ['dow', 1]], ['monday', ['dow', 1]], ['nov', ['month', 11]], ['november', ['month', 11]], ['now', ['reserved', 0]],
  ['oct', ['month', 10]], ['october', ['month', 10]], ['on', ['ignore', 0]], ['pm', ['ampm', 1]], ['s', ['units', 0]],
  ['sat', ['dow', 6]], ['saturday', ['dow', 6]], ['sep', ['month', 9]], ['sept', ['month', 9]], ['september', ['month', 9]],
  ['sun', ['dow', 0]], ['sunday', ['dow', 0]], ['t', ['isotime', 0]], ['thu', ['dow', 4]], ['thur', ['dow', 4]],
  ['thurs', ['dow', 4]], ['thursday', ['dow', 4]], ['today', ['reserved', 0]], ['tomorrow', ['reserved', 0]],
  ['tue', ['dow', 2]], ['tues', ['dow', 2]], ['tuesday', ['dow', 2]], ['wed', ['dow', 3]], ['wednesday', ['dow', 3]],
  ['weds', ['dow', 3]], ['y', ['units', 0]], ['yesterday', ['reserved', 0]],
]);

/** PostgreSQL compares keywords on their first TOKMAXLEN (10) characters. */
export function keyword<T>(table: ReadonlyMap<string, T>, word: string): T | undefined {
  return table.get(word.slice(0, 10));
}

const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9';
const isAlpha = (char: string | undefined) => char !== undefined && /^[A-Za-z]$/.test(char);
const isAlnum = (char: string | undefined) => isDigit(char) || isAlpha(char);
/** C's ispunct() for ASCII. */
const isPunct = (char: string) => /^[!-/:-@[-`{-~]$/.test(char);

/** PostgreSQL's MAXDATEFIELDS. */
const MAX_FIELDS = 25;

/**
 * Splits datetime input into fields. `bufferSize` is the caller's work buffer in PostgreSQL
 * (153 bytes for datetimes, 256 for intervals): longer input is a syntax error there too.
 */
export function lexDatetime(input: string, bufferSize: number): Field[] {
  const fields: Field[] = [];
  let used = 0;
  let at = 0;
  let text = '';
  const append = (char: string) => {
    if (used + 1 >= bufferSize) throw badFormat();
    used++;
    text += char;
    at++;
  };
  const appendWhile = (test: (char: string | undefined) => boolean, lower = false) => {
    while (test(input[at])) append(lower ? input[at].toLowerCase() : input[at]);
  };
  while (at < input.length) {
    const char = input[at];
    if (isCSpace(char)) {
      at++;
      continue;
    }
    if (fields.length >= MAX_FIELDS) throw badFormat();
    text = '';
    let type: FieldType;
    if (isDigit(char)) {
      appendWhile(isDigit);
      if (input[at] === ':') {
        type = 'time';
        appendWhile((c) => isDigit(c) || c === ':' || c === '.');
      } else if (input[at] === '-' || input[at] === '/' || input[at] === '.') {
        const delimiter = input[at];
        append(delimiter);
        if (isDigit(input[at])) {
          type = delimiter === '.' ? 'number' : 'date';
          appendWhile(isDigit);
          if (input[at] === delimiter) {
            type = 'date';
            appendWhile((c) => isDigit(c) || c === delimiter);
          }
        } else {
          type = 'date';
          appendWhile((c) => isAlnum(c) || c === delimiter, true);
        }
      } else {
        type = 'number';
      }
    } else if (char === '.') {
      append(char);
      appendWhile(isDigit);
      type = 'number';
    } else if (isAlpha(char)) {
      type = 'string';
      appendWhile(isAlpha, true);
      const next = input[at];
      const startsName = next === '-' || next === '/' || next === '.' || ((next === '+' || isDigit(next)) && keyword(DATE_KEYWORDS, text) === undefined);
      if (startsName) {
        type = 'date';
        do append(input[at].toLowerCase());
        while (['+', '-', '/', '_', '.', ':'].includes(input[at]) || isAlnum(input[at]));
      }
    } else if (char === '+' || char === '-') {
      append(char);
      while (isCSpace(input[at])) at++;
      if (isDigit(input[at])) {
        type = 'tz';
        appendWhile((c) => isDigit(c) || c === ':' || c === '.' || c === '-');
      } else if (isAlpha(input[at])) {
        type = 'special';
        appendWhile(isAlpha, true);
      } else {
        throw badFormat();
      }
    } else if (isPunct(char)) {
      at++;
      continue;
    } else {
      throw badFormat();
    }
    used++;
    fields.push({ type, text });
  }
  return fields;
}

/**
 * C's strtol on a field: optional whitespace and sign, then digits. Like strtol, no digits reads
 * as 0 and consumes nothing; beyond the field's type (int, or int64 for strtoi64) is a field
 * overflow.
 */
function strtol(text: string, start: number, limit: bigint): { value: bigint; end: number } {
  const match = /^[ \t\n\r\v\f]*([+-]?\d+)/.exec(text.slice(start));
  if (match === null) return { value: 0n, end: start };
  const value = BigInt(match[1]);
  if (value >= limit || value < -limit) throw fieldOverflow();
  return { value, end: start + match[0].length };
}

export function readInt(text: string, start: number): { value: number; end: number } {
  const { value, end } = strtol(text, start, 2n ** 31n);
  return { value: Number(value), end };
}

export function readInt64(text: string, start: number): { value: bigint; end: number } {
  return strtol(text, start, 2n ** 63n);
}

/** C's rint(): round half to even. */
export function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value % 1) === 0.5 ? 2 * Math.round(value / 2) : rounded;
}

/** ParseFraction: a fraction written '.ddd' (digits only; '.' alone is 0). */
export function parseFraction(text: string): number {
  if (!/^\.\d*$/.test(text)) throw badFormat();
  return Number(`0${text}`);
}

/** ParseFractionalSecond: a fraction of a second in whole microseconds. */
export function fractionalMicros(text: string): number {
  return roundHalfEven(parseFraction(text) * 1_000_000);
}

export interface Clock {
  readonly hours: bigint;
  readonly minutes: number;
  readonly seconds: number;
  readonly micros: number;
}

const INT_MAX = 2n ** 31n - 1n;

/**
 * DecodeTimeCommon: 'hh:mm', 'hh:mm:ss[.f]', or 'mm:ss.f' when a fraction follows two fields,
 * with its range checks (minutes to 59, seconds to 60); callers bound the hours.
 */
export function readClock(text: string): Clock {
  const first = readInt64(text, 0);
  if (text[first.end] !== ':') throw badFormat();
  let hours = first.value;
  let { value: minutes, end } = readInt(text, first.end + 1);
  let seconds = 0;
  let micros = 0;
  if (text[end] === '.') {
    micros = fractionalMicros(text.slice(end));
    if (hours > INT_MAX || hours < -INT_MAX - 1n) throw fieldOverflow();
    [seconds, minutes, hours] = [minutes, Number(hours), 0n];
  } else if (text[end] === ':') {
    ({ value: seconds, end } = readInt(text, end + 1));
    if (text[end] === '.') micros = fractionalMicros(text.slice(end));
    else if (end !== text.length) throw badFormat();
  } else if (end !== text.length) {
    throw badFormat();
  }
  if (hours < 0n || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 60 || micros > 1_000_000) throw fieldOverflow();
  return { hours, minutes, seconds, micros };
}
