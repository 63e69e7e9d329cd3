/**
 * Arrays as text, as PostgreSQL 15's array_in and array_out read and write them with ',' as the
 * delimiter (every engine type's).
 *
 * Output nests braces per dimension, row-major ({{1,2},{3,4}}), and prefixes the dimensions
 * when a lower bound is not 1 ('[0:1][1:2]={{1,2},{3,4}}'). It quotes an element that is empty,
 * spells NULL in any case, or holds '"', '\', '{', '}', ',' or whitespace, escaping '"' and '\'
 * with a backslash: {1,NULL,"a b","\"q\""}.
 * Input validates with array_in's state machine first (so malformed literals fail with its
 * DETAIL, sub-arrays of differing lengths included), then reads elements: whitespace around
 * unquoted elements is dropped, backslash escapes any character, unquoted NULL (any case) is a
 * null element. Optional dimensions '[1:3]={…}' or '[3]={…}' give the bounds and must match
 * the braces.
 */
import { checkBounds, foldArray, isShaped, makeArray, MAX_DIMENSIONS, tooManyDimensions, type ArrayValue } from '../../engine/array-value.ts';
import type { Value } from '../../engine/types.ts';
import { EngineError, TypeState } from './errors.ts';
import { atoi, isCSpace } from './libc.ts';

/** array_out: the literal of an array whose elements are already text (null for NULL). */
export function formatArray(array: ArrayValue): string {
  const body = foldArray(array, formatElement, (parts) => `{${parts.join(',')}}`);
  if (!isShaped(array) || array.lowers.every((lower) => lower === 1)) return body;
  return `${array.lengths.map((length, i) => `[${array.lowers[i]}:${array.lowers[i] + length - 1}]`).join('')}=${body}`;
}

function formatElement(element: Value): string {
  return element === null ? 'NULL' : quote(element as string);
}

function quote(element: string): string {
  const needsQuotes = element === '' || /^null$/i.test(element) || /["\\{},\t\n\v\f\r ]/.test(element);
  return needsQuotes ? `"${element.replace(/["\\]/g, '\\$&')}"` : element;
}

function malformed(text: string, detail: string): EngineError {
  return new EngineError(TypeState.invalidTextRepresentation, `malformed array literal: "${text}"`, { detail });
}

/** array_in: the array of element texts (null for NULL). */
export function parseArray(text: string): ArrayValue {
  let at = 0;
  while (isCSpace(text[at])) at++;
  let lowers: readonly number[] | undefined;
  if (text[at] === '[') ({ at, lowers } = readDimensions(text, at));
  else if (text[at] !== '{') throw malformed(text, 'Array value must start with "{" or dimension information.');
  const lengths = countDimensions(text, at);
  // ArrayCount's quirks can count a length of 0: array_in then returns an empty array.
  if (lengths.length === 0 || lengths.includes(0)) return [];
  if (lowers !== undefined) checkBounds(lengths, lowers);
  return makeArray(readElements(text, at, lengths), lengths, lowers ?? lengths.map(() => 1));
}

/** '[1:3]=' or '[3]=' (one per dimension): checks the declared bounds against the braces;
 * returns the lower bounds and where the braces start. */
function readDimensions(text: string, start: number): { at: number; lowers: number[] } {
  const bounds: { lower: number; length: number }[] = [];
  let at = start;
  for (;;) {
    while (isCSpace(text[at])) at++;
    if (text[at] !== '[') break;
    const item = /^\[([-+\d]*)(?::([-+\d]*))?(\]?)/.exec(text.slice(at))!;
    if (item[1] === '') throw malformed(text, '"[" must introduce explicitly-specified array dimensions.');
    if (item[2] === '') throw malformed(text, 'Missing array dimension value.');
    if (item[3] !== ']') throw malformed(text, 'Missing "]" after array dimensions.');
    const lower = item[2] === undefined ? 1 : atoi(item[1]);
    const upper = atoi(item[2] ?? item[1]);
    if (upper < lower) throw new EngineError('2202E', 'upper bound cannot be less than lower bound');
    bounds.push({ lower, length: upper - lower + 1 });
    at += item[0].length;
  }
  if (text[at] !== '=') throw malformed(text, 'Missing "=" after array dimensions.');
  at++;
  while (isCSpace(text[at])) at++;
  if (text[at] !== '{') throw malformed(text, 'Array contents must start with "{".');
  const lengths = countDimensions(text, at);
  if (lengths.length !== bounds.length || lengths.some((length, i) => length !== bounds[i].length)) throw malformed(text, 'Specified array dimensions do not match array contents.');
  return { at, lowers: bounds.map((bound) => bound.lower) };
}

type State = 'none' | 'level started' | 'element started' | 'quoted started' | 'quoted completed' | 'element delimited' | 'level completed' | 'level delimited';

/** ArrayCount: validates the brace structure; returns each dimension's length (none for '{}'),
 * counted as PostgreSQL 15 counts them, quirks included. */
function countDimensions(text: string, start: number): number[] {
  // ArrayCount quotes the literal from its first brace.
  const literal = text.slice(start);
  const unexpected = (char: string) => malformed(literal, `Unexpected "${char}" character.`);
  const allowed = (state: State, ...states: State[]) => states.includes(state);
  let state: State = 'none';
  let depth = 0;
  let dimensions = 1;
  let inQuotes = false;
  let empty = true;
  // Elements per level, and per level in the previous sub-array: they must match.
  const counts = [1, 1, 1, 1, 1, 1];
  const previous = [0, 0, 0, 0, 0, 0];
  // ArrayCount's `temp`: what it reports as the dimensions' lengths.
  const lengths = [0, 0, 0, 0, 0, 0];
  let at = start;
  for (;;) {
    if (state === 'element started' || state === 'quoted started') empty = false;
    const char = text[at];
    if (char === undefined) throw malformed(literal, 'Unexpected end of input.');
    if (char === '\\') {
      if (!allowed(state, 'level started', 'element started', 'quoted started', 'element delimited')) throw unexpected('\\');
      if (state !== 'quoted started') state = 'element started';
      if (text[at + 1] === undefined) throw malformed(literal, 'Unexpected end of input.');
      at++;
    } else if (char === '"') {
      if (!allowed(state, 'level started', 'quoted started', 'element delimited')) throw malformed(literal, 'Unexpected array element.');
      inQuotes = !inQuotes;
      state = inQuotes ? 'quoted started' : 'quoted completed';
    } else if (inQuotes) {
      // Anything else inside quotes is element text.
    } else if (char === '{') {
      if (!allowed(state, 'none', 'level started', 'level delimited')) throw unexpected('{');
      state = 'level started';
      if (depth >= MAX_DIMENSIONS) throw tooManyDimensions(depth + 1);
      lengths[depth] = 0;
      depth++;
      dimensions = Math.max(dimensions, depth);
    } else if (char === '}') {
      if (!allowed(state, 'element started', 'quoted completed', 'level completed') && !(depth === 1 && state === 'level started')) throw unexpected('}');
      state = 'level completed';
      depth--;
      if (previous[depth] !== 0 && counts[depth] !== previous[depth]) throw malformed(literal, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
      previous[depth] = counts[depth];
      counts[depth] = 1;
      if (depth === 0) {
        lengths[dimensions - 1]++;
        break;
      }
      lengths[depth - 1]++;
    } else if (char === ',') {
      if (!allowed(state, 'element started', 'quoted completed', 'level completed')) throw unexpected(',');
      state = state === 'level completed' ? 'level delimited' : 'element delimited';
      counts[depth - 1]++;
      lengths[dimensions - 1]++;
    } else if (!isCSpace(char)) {
      if (!allowed(state, 'level started', 'element started', 'element delimited')) throw malformed(literal, 'Unexpected array element.');
      state = 'element started';
    }
    at++;
  }
  for (at++; at < text.length; at++) if (!isCSpace(text[at])) throw malformed(literal, 'Junk after closing right brace.');
  return empty ? [] : lengths.slice(0, dimensions);
}

/**
 * ReadArrayStr, on a literal countDimensions accepted: each element's text (null for NULL) at
 * the row-major position its braces and commas give it. As in PostgreSQL, a position no element
 * fills is NULL, and one outside the counted dimensions makes the literal malformed.
 */
function readElements(text: string, start: number, lengths: readonly number[]): (string | null)[] {
  const count = lengths.reduce((product, length) => product * length, 1);
  const elements = new Array<string | null>(count).fill(null);
  const last = lengths.length - 1;
  // Row-major strides, and the subscripts (from 0) of the element being read.
  const strides = lengths.map((_, i) => lengths.slice(i + 1).reduce((product, length) => product * length, 1));
  const index = lengths.map(() => 0);
  const offset = () => index.reduce((sum, subscript, i) => sum + subscript * strides[i], 0);
  const malformedLiteral = () => new EngineError(TypeState.invalidTextRepresentation, `malformed array literal: "${text}"`);
  let at = start;
  let depth = 0;
  let inQuotes = false;
  let done = false;
  while (!done) {
    let item = '';
    let kept = 0;
    let leadingSpace = true;
    let quoted = false;
    let position = -1;
    let itemDone = false;
    while (!itemDone) {
      const char = text[at];
      if (char === undefined) throw malformedLiteral();
      if (char === '\\') {
        if (text[at + 1] === undefined) throw malformedLiteral();
        item += text[at + 1];
        at += 2;
        kept = item.length;
        leadingSpace = false;
        quoted = true;
      } else if (char === '"') {
        inQuotes = !inQuotes;
        if (inQuotes) leadingSpace = false;
        else kept = item.length;
        quoted = true;
        at++;
      } else if (inQuotes) {
        item += char;
        at++;
      } else if (char === '{') {
        if (depth > last) throw malformedLiteral();
        index[depth++] = 0;
        at++;
      } else if (char === '}') {
        if (depth === 0) throw malformedLiteral();
        if (position === -1) position = offset();
        index[--depth] = 0;
        if (depth === 0) done = itemDone = true;
        else index[depth - 1]++;
        at++;
      } else if (char === ',') {
        if (position === -1) position = offset();
        itemDone = true;
        index[last]++;
        at++;
      } else if (isCSpace(char)) {
        if (!leadingSpace) item += char;
        at++;
      } else {
        item += char;
        leadingSpace = false;
        kept = item.length;
        at++;
      }
    }
    if (position < 0 || position >= count) throw malformedLiteral();
    const element = item.slice(0, kept);
    elements[position] = !quoted && element.toUpperCase() === 'NULL' ? null : element;
  }
  return elements;
}
