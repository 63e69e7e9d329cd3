/**
 * One-dimensional arrays as text, as PostgreSQL 15's array_in and array_out read and write them
 * with ',' as the delimiter (every engine type's).
 *
 * Output quotes an element that is empty, spells NULL in any case, or holds '"', '\', '{', '}',
 * ',' or whitespace, escaping '"' and '\' with a backslash: {1,NULL,"a b","\"q\""}.
 * Input validates with array_in's state machine first (so malformed literals fail with its
 * DETAIL), then reads elements: whitespace around unquoted elements is dropped, backslash
 * escapes any character, unquoted NULL (any case) is a null element. Optional dimensions
 * '[1:3]={…}' must start at 1. Well-formed literals the engine cannot hold, nested
 * ('{{1,2},{3,4}}') or with another lower bound, raise 0A000.
 */
import { EngineError, TypeState } from './errors.ts';
import { atoi, isCSpace } from './libc.ts';


/** array_out: the literal for elements already converted to text (null for NULL). */
export function formatArray(elements: readonly (string | null)[]): string {
  return `{${elements.map((element) => (element === null ? 'NULL' : quote(element))).join(',')}}`;
}

function quote(element: string): string {
  const needsQuotes = element === '' || /^null$/i.test(element) || /["\\{},\t\n\v\f\r ]/.test(element);
  return needsQuotes ? `"${element.replace(/["\\]/g, '\\$&')}"` : element;
}

function malformed(text: string, detail: string): EngineError {
  return new EngineError(TypeState.invalidTextRepresentation, `malformed array literal: "${text}"`, { detail });
}

function notSupported(what: string): EngineError {
  return new EngineError(TypeState.featureNotSupported, `${what} are not supported`, { detail: 'ScratchBird arrays have one dimension, indexed from 1.' });
}

/** array_in for a one-dimensional array: element texts (null for NULL) in order. */
export function parseArray(text: string): (string | null)[] {
  let at = 0;
  while (isCSpace(text[at])) at++;
  if (text[at] === '[') at = readDimensions(text, at);
  else if (text[at] !== '{') throw malformed(text, 'Array value must start with "{" or dimension information.');
  const dimensions = countDimensions(text, at);
  if (dimensions > 1) throw notSupported('multidimensional arrays');
  return dimensions === 0 ? [] : readElements(text, at);
}

/** '[1:3]=' or '[3]=': checks the declared bounds; returns where the braces start. */
function readDimensions(text: string, start: number): number {
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
  const braces = countDimensions(text, at);
  const elements = braces === 1 ? readElements(text, at).length : 0;
  if (braces !== bounds.length || (braces === 1 && elements !== bounds[0].length)) throw malformed(text, 'Specified array dimensions do not match array contents.');
  if (bounds.length > 1) throw notSupported('multidimensional arrays');
  if (bounds[0].lower !== 1) throw notSupported('array lower bounds other than 1');
  return at;
}

type State = 'none' | 'level started' | 'element started' | 'quoted started' | 'quoted completed' | 'element delimited' | 'level completed' | 'level delimited';

/** ArrayCount: validates the brace structure; returns the number of dimensions (0 for '{}'). */
function countDimensions(text: string, start: number): number {
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
      depth++;
      dimensions = Math.max(dimensions, depth);
      if (depth > 6) throw new EngineError(TypeState.programLimitExceeded, `number of array dimensions (${depth}) exceeds the maximum allowed (6)`);
    } else if (char === '}') {
      if (!allowed(state, 'element started', 'quoted completed', 'level completed') && !(depth === 1 && state === 'level started')) throw unexpected('}');
      state = 'level completed';
      depth--;
      if (previous[depth] !== 0 && counts[depth] !== previous[depth]) throw malformed(literal, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
      previous[depth] = counts[depth];
      counts[depth] = 1;
      if (depth === 0) break;
    } else if (char === ',') {
      if (!allowed(state, 'element started', 'quoted completed', 'level completed')) throw unexpected(',');
      state = state === 'level completed' ? 'level delimited' : 'element delimited';
      counts[depth - 1]++;
    } else if (!isCSpace(char)) {
      if (!allowed(state, 'level started', 'element started', 'element delimited')) throw malformed(literal, 'Unexpected array element.');
      state = 'element started';
    }
    at++;
  }
  for (at++; at < text.length; at++) if (!isCSpace(text[at])) throw malformed(literal, 'Junk after closing right brace.');
  return empty ? 0 : dimensions;
}

/** ReadArrayStr for one dimension, on a literal countDimensions accepted. */
function readElements(text: string, start: number): (string | null)[] {
  const elements: (string | null)[] = [];
  let at = start + 1;
  let done = false;
  while (!done) {
    let item = '';
    let kept = 0;
    let leadingSpace = true;
    let quoted = false;
    let inQuotes = false;
    for (;;) {
      const char = text[at++];
      if (char === '\\') {
        item += text[at++];
        kept = item.length;
        leadingSpace = false;
        quoted = true;
      } else if (char === '"') {
        inQuotes = !inQuotes;
        if (inQuotes) leadingSpace = false;
        else kept = item.length;
        quoted = true;
      } else if (inQuotes) {
        item += char;
      } else if (char === ',' || char === '}') {
        done = char === '}';
        break;
      } else if (isCSpace(char)) {
        if (!leadingSpace) item += char;
      } else {
        item += char;
        leadingSpace = false;
        kept = item.length;
      }
    }
    const element = item.slice(0, kept);
    elements.push(!quoted && element.toUpperCase() === 'NULL' ? null : element);
  }
  return elements;
}
