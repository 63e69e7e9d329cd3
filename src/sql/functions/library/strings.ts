/**
 * String functions: length and friends, case, substring/position/trim/pad/replace/split,
 * concat and format, quoting, regular expressions, string_to_array / array_to_string,
 * hashes (md5, sha*), encode/decode, to_hex, ascii/chr, translate, overlay.
 * Lengths and positions count characters; case and classes follow the C locale (chars.ts).
 */
import { createHash } from 'node:crypto';
import { arrayElements, type ArrayValue } from '../../../engine/array-value.ts';
import type { Value } from '../../../engine/types.ts';
import type { NonNullValue } from '../../types/text-out.ts';
import type { SqlType } from '../../types/sql-type.ts';
import { trimTrailingSpaces } from '../compare.ts';
import { EngineError, FnState } from '../errors.ts';
import { quoteIdentifier } from '../names.ts';
import { binary, fn, strictN, ternary, unary, type Impl } from '../registry.ts';
import { asciiLower, asciiUpper, charLength, charSlice, chars, hasSurrogates, initcap } from '../strings/chars.ts';
import { decodeText, encodeBytes } from '../strings/encoding.ts';
import { formatText, quoteLiteral } from '../strings/format.ts';
import { likeEscape, similarToEscape } from '../strings/like.ts';
import { compileRegex, NO_FLAGS, parseFlags, type RegexFlags } from '../strings/regex.ts';
import { sqlTextOut } from '../value-io.ts';

const stable = { volatility: 'stable' } as const;

// ---- lengths and case --------------------------------------------------------------------------

fn('length', ['text'], 'int4', unary<string>(charLength));
fn('length', ['char'], 'int4', unary<string>((s) => charLength(trimTrailingSpaces(s))));
fn('length', ['bytea'], 'int4', unary<Uint8Array>((b) => b.length));
for (const name of ['char_length', 'character_length']) {
  fn(name, ['text'], 'int4', unary<string>(charLength));
  fn(name, ['char'], 'int4', unary<string>((s) => charLength(trimTrailingSpaces(s))));
}
fn('octet_length', ['text'], 'int4', unary<string>((s) => Buffer.byteLength(s)));
fn('octet_length', ['char'], 'int4', unary<string>((s) => Buffer.byteLength(s)));
fn('octet_length', ['bytea'], 'int4', unary<Uint8Array>((b) => b.length));
fn('bit_length', ['text'], 'int4', unary<string>((s) => Buffer.byteLength(s) * 8));
fn('bit_length', ['bytea'], 'int4', unary<Uint8Array>((b) => b.length * 8));
fn('lower', ['text'], 'text', unary<string>(asciiLower));
fn('upper', ['text'], 'text', unary<string>(asciiUpper));
fn('initcap', ['text'], 'text', unary<string>(initcap));

// ---- substring, position, trim, pad ------------------------------------------------------------

function negativeLength(): EngineError {
  return new EngineError(FnState.substringError, 'negative substring length not allowed');
}

/** substr(s, start [, length]): 1-based, a start before 1 eats into the length. */
function substring(text: string, start: number, length?: number): string {
  if (length !== undefined && length < 0) throw negativeLength();
  const from = Math.max(start, 1) - 1;
  const end = length === undefined ? Infinity : start + length - 1;
  if (end <= from) return '';
  return charSlice(text, from, end);
}

for (const name of ['substr', 'substring']) {
  fn(name, ['text', 'int4'], 'text', binary<string, number>((s, start) => substring(s, start)));
  fn(name, ['text', 'int4', 'int4'], 'text', ternary<string, number, number>(substring));
  fn(name, ['bytea', 'int4'], 'bytea', binary<Uint8Array, number>((b, start) => b.slice(Math.max(start, 1) - 1)));
  fn(name, ['bytea', 'int4', 'int4'], 'bytea', ternary<Uint8Array, number, number>((b, start, length) => {
    if (length < 0) throw negativeLength();
    const end = start + length - 1;
    const from = Math.max(start, 1) - 1;
    return end <= from ? new Uint8Array(0) : b.slice(from, end);
  }));
}
fn('substring', ['text', 'text'], 'text', binary<string, string>((s, pattern) => {
  const match = compileRegex(pattern, NO_FLAGS).exec(s);
  if (match === null) return null;
  return match.length > 1 ? (match[1] ?? null) : match[0];
}));

/** strpos: 1-based character position of the first occurrence, 0 if none. */
function position(text: string, search: string): number {
  const at = text.indexOf(search);
  if (at < 0) return 0;
  return hasSurrogates(text) ? charLength(text.slice(0, at)) + 1 : at + 1;
}
fn('position', ['text', 'text'], 'int4', binary<string, string>(position));
fn('strpos', ['text', 'text'], 'int4', binary<string, string>(position));
fn('position', ['bytea', 'bytea'], 'int4', binary<Uint8Array, Uint8Array>((b, search) => Buffer.from(b).indexOf(Buffer.from(search)) + 1));

function trimmer(left: boolean, right: boolean): (text: string, set: string) => string {
  return (text, set) => {
    const members = new Set(chars(set));
    const list = chars(text);
    let start = 0;
    let end = list.length;
    if (left) while (start < end && members.has(list[start])) start++;
    if (right) while (end > start && members.has(list[end - 1])) end--;
    return list.slice(start, end).join('');
  };
}
for (const [name, left, right] of [['btrim', true, true], ['ltrim', true, false], ['rtrim', false, true]] as const) {
  const trim = trimmer(left, right);
  fn(name, ['text'], 'text', unary<string>((s) => trim(s, ' ')));
  fn(name, ['text', 'text'], 'text', binary<string, string>(trim));
}
fn('btrim', ['bytea', 'bytea'], 'bytea', binary<Uint8Array, Uint8Array>((b, set) => {
  let start = 0;
  let end = b.length;
  while (start < end && set.includes(b[start])) start++;
  while (end > start && set.includes(b[end - 1])) end--;
  return b.slice(start, end);
}));

function pad(text: string, length: number, fill: string, left: boolean): string {
  if (length <= 0) return '';
  const list = chars(text);
  if (list.length >= length || fill === '') return list.slice(0, length).join('');
  const fillChars = chars(fill);
  let padding = '';
  for (let i = 0; i < length - list.length; i++) padding += fillChars[i % fillChars.length];
  return left ? padding + text : text + padding;
}
fn('lpad', ['text', 'int4'], 'text', binary<string, number>((s, n) => pad(s, n, ' ', true)));
fn('lpad', ['text', 'int4', 'text'], 'text', ternary<string, number, string>((s, n, f) => pad(s, n, f, true)));
fn('rpad', ['text', 'int4'], 'text', binary<string, number>((s, n) => pad(s, n, ' ', false)));
fn('rpad', ['text', 'int4', 'text'], 'text', ternary<string, number, string>((s, n, f) => pad(s, n, f, false)));

// ---- replace, split, pieces --------------------------------------------------------------------

fn('replace', ['text', 'text', 'text'], 'text', ternary<string, string, string>((s, from, to) => (from === '' ? s : s.split(from).join(to))));
fn('split_part', ['text', 'text', 'int4'], 'text', ternary<string, string, number>((s, delimiter, n) => {
  if (n === 0) throw new EngineError(FnState.invalidParameterValue, 'field position must not be zero');
  const parts = delimiter === '' ? (s === '' ? [] : [s]) : s.split(delimiter);
  const index = n > 0 ? n - 1 : parts.length + n;
  return parts[index] ?? '';
}));
fn('left', ['text', 'int4'], 'text', binary<string, number>((s, n) => {
  const list = chars(s);
  return (n >= 0 ? list.slice(0, n) : list.slice(0, Math.max(0, list.length + n))).join('');
}));
fn('right', ['text', 'int4'], 'text', binary<string, number>((s, n) => {
  const list = chars(s);
  return (n >= 0 ? list.slice(Math.max(0, list.length - n)) : list.slice(Math.min(list.length, -n))).join('');
}));
fn('repeat', ['text', 'int4'], 'text', binary<string, number>((s, n) => {
  if (n <= 0) return '';
  if (s.length * n > 1_073_741_823) throw new EngineError(FnState.programLimitExceeded, 'requested length too large');
  return s.repeat(n);
}));
fn('reverse', ['text'], 'text', unary<string>((s) => chars(s).reverse().join('')));
fn('starts_with', ['text', 'text'], 'bool', binary<string, string>((s, prefix) => s.startsWith(prefix)));
fn('translate', ['text', 'text', 'text'], 'text', ternary<string, string, string>((s, from, to) => {
  const source = chars(from);
  const target = chars(to);
  const mapping = new Map<string, string>();
  source.forEach((c, i) => {
    if (!mapping.has(c)) mapping.set(c, target[i] ?? '');
  });
  return chars(s).map((c) => mapping.get(c) ?? c).join('');
}));
fn('overlay', ['text', 'text', 'int4', 'int4'], 'text', (args) => (args.some((a) => a === null) ? null : overlay(...(args as [string, string, number, number]))));
fn('overlay', ['text', 'text', 'int4'], 'text', ternary<string, string, number>((s, r, from) => overlay(s, r, from, charLength(r))));

function overlay(text: string, replacement: string, from: number, count: number): string {
  if (from <= 0 || count < 0) throw negativeLength();
  return substring(text, 1, from - 1) + replacement + substring(text, from + count);
}

fn('ascii', ['text'], 'int4', unary<string>((s) => s.codePointAt(0) ?? 0));
fn('chr', ['int4'], 'text', unary<number>((n) => {
  if (n === 0) throw new EngineError(FnState.programLimitExceeded, 'null character not permitted');
  if (n < 0) throw new EngineError(FnState.invalidParameterValue, 'character number must be positive');
  if (n > 0x10ffff) throw new EngineError(FnState.programLimitExceeded, `requested character too large for encoding: ${n}`);
  if (n >= 0xd800 && n <= 0xdfff) throw new EngineError(FnState.programLimitExceeded, `requested character not valid for encoding: ${n}`);
  return String.fromCodePoint(n);
}));
fn('to_hex', ['int4'], 'text', unary<number>((n) => (n >>> 0).toString(16)));
fn('to_hex', ['int8'], 'text', unary<bigint>((n) => BigInt.asUintN(64, n).toString(16)));

// ---- concat, format, quoting -------------------------------------------------------------------

/** Output text of each "any" argument, NULL kept as null. */
function texts(types: readonly SqlType[]): (args: readonly Value[], ctx: Parameters<Impl>[1], from: number) => (string | null)[] {
  return (args, ctx, from) => {
    const out: (string | null)[] = [];
    for (let i = from; i < args.length; i++) {
      const value = args[i];
      out.push(value === null ? null : sqlTextOut(types[i], value as NonNullValue, ctx));
    }
    return out;
  };
}

fn('concat', [], 'text', {
  build: (types) => {
    const read = texts(types);
    return (args, ctx) => read(args, ctx, 0).filter((s) => s !== null).join('');
  },
}, { variadic: 'any', strict: false, ...stable });
fn('concat_ws', ['text'], 'text', {
  build: (types) => {
    const read = texts(types);
    return (args, ctx) => (args[0] === null ? null : read(args, ctx, 1).filter((s) => s !== null).join(args[0] as string));
  },
}, { variadic: 'any', strict: false, ...stable });
fn('format', ['text'], 'text', (args) => (args[0] === null ? null : formatText(args[0] as string, [])), { strict: false, ...stable });
fn('format', ['text'], 'text', {
  build: (types) => {
    const read = texts(types);
    return (args, ctx) => (args[0] === null ? null : formatText(args[0] as string, read(args, ctx, 1)));
  },
}, { variadic: 'any', strict: false, ...stable });
fn('num_nulls', [], 'int4', (args) => args.filter((a) => a === null).length, { variadic: 'any', strict: false });
fn('num_nonnulls', [], 'int4', (args) => args.filter((a) => a !== null).length, { variadic: 'any', strict: false });

fn('quote_ident', ['text'], 'text', unary<string>(quoteIdentifier));
fn('quote_literal', ['text'], 'text', unary<string>(quoteLiteral));
fn('quote_literal', ['anyelement'], 'text', {
  build: (types) => unary<NonNullValue>((value, ctx) => quoteLiteral(sqlTextOut(types[0], value, ctx))),
}, stable);
fn('quote_nullable', ['text'], 'text', (args) => (args[0] === null ? 'NULL' : quoteLiteral(args[0] as string)), { strict: false });
fn('quote_nullable', ['anyelement'], 'text', {
  build: (types) => (args, ctx) => (args[0] === null ? 'NULL' : quoteLiteral(sqlTextOut(types[0], args[0] as NonNullValue, ctx))),
}, { strict: false, ...stable });

// ---- regular expressions -----------------------------------------------------------------------

/** regexp_replace's replacement: \1–\9 and \& for the match, \\ for a backslash. */
function expandReplacement(replacement: string, match: RegExpExecArray): string {
  if (!replacement.includes('\\')) return replacement;
  return replacement.replace(/\\([1-9&\\])?/g, (_whole, which: string | undefined) => {
    if (which === undefined) return '\\';
    if (which === '\\') return '\\';
    if (which === '&') return match[0];
    return match[Number(which)] ?? '';
  });
}

/** Replaces the n-th match from character `start` (0 = all of them when global). */
function regexReplace(text: string, pattern: string, replacement: string, flags: RegexFlags, start: number, nth: number): string {
  const regex = compileRegex(pattern, flags, true);
  const startIndex = charSlice(text, 0, start - 1).length;
  regex.lastIndex = startIndex;
  let out = text.slice(0, startIndex);
  let last = startIndex;
  let count = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    count++;
    if (nth === 0 || count === nth) {
      out += text.slice(last, match.index) + expandReplacement(replacement, match);
      last = match.index + match[0].length;
      if (nth !== 0) break;
    }
    if (match[0] === '') regex.lastIndex += text.codePointAt(regex.lastIndex)! > 0xffff ? 2 : 1;
    if (regex.lastIndex > text.length) break;
  }
  return out + text.slice(last);
}

function positiveArgument(name: string, value: number): number {
  if (value <= 0) throw new EngineError(FnState.invalidParameterValue, `invalid value for parameter "${name}": ${value}`);
  return value;
}

fn('regexp_replace', ['text', 'text', 'text'], 'text', ternary<string, string, string>((s, p, r) => regexReplace(s, p, r, NO_FLAGS, 1, 1)));
fn('regexp_replace', ['text', 'text', 'text', 'text'], 'text', strictN((args) => {
  const flags = parseFlags(args[3] as string, 'regexp_replace');
  return regexReplace(args[0] as string, args[1] as string, args[2] as string, flags, 1, flags.global ? 0 : 1);
}));
/** regexp_replace(source, pattern, replacement, start [, N [, flags]]): N 0 replaces every match. */
const replaceFrom = strictN((args) => {
  const flags = parseFlags((args[5] as string | undefined) ?? '', 'regexp_replace');
  const nth = (args[4] as number | undefined) ?? (flags.global ? 0 : 1);
  if (nth < 0) throw new EngineError(FnState.invalidParameterValue, `invalid value for parameter "n": ${nth}`);
  return regexReplace(args[0] as string, args[1] as string, args[2] as string, flags, positiveArgument('start', args[3] as number), nth);
});
fn('regexp_replace', ['text', 'text', 'text', 'int4'], 'text', replaceFrom);
fn('regexp_replace', ['text', 'text', 'text', 'int4', 'int4'], 'text', replaceFrom);
fn('regexp_replace', ['text', 'text', 'text', 'int4', 'int4', 'text'], 'text', replaceFrom);

function regexMatch(text: string, pattern: string, flags: RegexFlags): (string | null)[] | null {
  const match = compileRegex(pattern, flags).exec(text);
  if (match === null) return null;
  return match.length > 1 ? match.slice(1).map((group) => group ?? null) : [match[0]];
}
fn('regexp_match', ['text', 'text'], 'text[]', binary<string, string>((s, p) => regexMatch(s, p, NO_FLAGS)));
fn('regexp_match', ['text', 'text', 'text'], 'text[]', ternary<string, string, string>((s, p, f) => regexMatch(s, p, parseFlags(f, 'regexp_match', false))));
fn('regexp_like', ['text', 'text'], 'bool', binary<string, string>((s, p) => compileRegex(p, NO_FLAGS).test(s)));
fn('regexp_like', ['text', 'text', 'text'], 'bool', ternary<string, string, string>((s, p, f) => compileRegex(p, parseFlags(f, 'regexp_like', false)).test(s)));
fn('regexp_count', ['text', 'text', 'int4', 'text'], 'int4', strictN((args) => {
  const text = args[0] as string;
  const regex = compileRegex(args[1] as string, parseFlags(args[3] as string, 'regexp_count', false), true);
  regex.lastIndex = charSlice(text, 0, positiveArgument('start', args[2] as number) - 1).length;
  let count = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    count++;
    if (match[0] === '') regex.lastIndex++;
    if (regex.lastIndex > text.length) break;
  }
  return count;
}), { defaults: [1, ''] });
fn('regexp_split_to_array', ['text', 'text', 'text'], 'text[]', strictN((args) => {
  const text = args[0] as string;
  const regex = compileRegex(args[1] as string, parseFlags(args[2] as string, 'regexp_split_to_array', false), true);
  const parts: string[] = [];
  let previousEnd = 0;
  for (let match = regex.exec(text); match !== null && match.index <= text.length; match = regex.exec(text)) {
    const end = match.index + match[0].length;
    // Empty matches at either end or right after the previous match split nothing.
    const degenerate = match[0] === '' && (match.index === 0 || match.index === text.length || match.index === previousEnd);
    if (!degenerate) {
      parts.push(text.slice(previousEnd, match.index));
      previousEnd = end;
    }
    if (match[0] === '') regex.lastIndex = match.index + (text.codePointAt(match.index)! > 0xffff ? 2 : 1);
    if (regex.lastIndex > text.length) break;
  }
  parts.push(text.slice(previousEnd));
  return parts;
}), { defaults: [''] });

// ---- arrays of text ----------------------------------------------------------------------------

fn('string_to_array', ['text', 'text', 'text'], 'text[]', (args) => {
  const [text, delimiter, nullString] = args as (string | null)[];
  if (text === null) return null;
  if (text === '') return [];
  const parts = delimiter === null ? chars(text) : delimiter === '' ? [text] : text.split(delimiter);
  return nullString === null ? parts : parts.map((part) => (part === nullString ? null : part));
}, { strict: false, defaults: [null] });
fn('array_to_string', ['anyarray', 'text', 'text'], 'text', {
  build: (types) => {
    const element = (types[0] as Extract<SqlType, { kind: 'array' }>).element;
    return (args, ctx) => {
      const [array, delimiter, nullString] = args;
      if (array === null || delimiter === null) return null;
      const parts: string[] = [];
      for (const item of arrayElements(array as ArrayValue)) {
        if (item !== null) parts.push(sqlTextOut(element, item as NonNullValue, ctx));
        else if (nullString !== null) parts.push(nullString as string);
      }
      return parts.join(delimiter as string);
    };
  },
}, { strict: false, defaults: [null], ...stable });

// ---- hashes and encodings ----------------------------------------------------------------------

const hex = (algorithm: string, data: string | Uint8Array) => createHash(algorithm).update(data).digest('hex');
const digest = (algorithm: string, data: Uint8Array) => Uint8Array.from(createHash(algorithm).update(data).digest());
fn('md5', ['text'], 'text', unary<string>((s) => hex('md5', s)));
fn('md5', ['bytea'], 'text', unary<Uint8Array>((b) => hex('md5', b)));
for (const bits of ['224', '256', '384', '512']) fn(`sha${bits}`, ['bytea'], 'bytea', unary<Uint8Array>((b) => digest(`sha${bits}`, b)));
fn('encode', ['bytea', 'text'], 'text', binary<Uint8Array, string>(encodeBytes));
fn('decode', ['text', 'text'], 'bytea', binary<string, string>(decodeText));
fn('convert_to', ['text', 'name'], 'bytea', binary<string, string>((s) => Uint8Array.from(Buffer.from(s, 'utf8'))), stable);
fn('convert_from', ['bytea', 'name'], 'text', binary<Uint8Array, string>((b) => Buffer.from(b).toString('utf8')), stable);
fn('like_escape', ['text', 'text'], 'text', binary<string, string>(likeEscape));
fn('similar_to_escape', ['text'], 'text', unary<string>((pattern) => similarToEscape(pattern)));
fn('similar_to_escape', ['text', 'text'], 'text', binary<string, string>(similarToEscape));
