/**
 * JSON documents as trees, for the jsonb functions and operators: parsed from text that
 * jsonb_in already validated, printed as jsonb_out prints them (`{"a": 1, "b": [1, 2]}`), and
 * ordered as jsonb's btree orders them.
 *
 * jsonb semantics: object keys are unique (the last duplicate wins) and kept in jsonb's storage
 * order, shorter keys first and then bytewise; numbers are numeric values, printed canonically
 * ('1.0e2' is 100, '1.50' stays 1.50).
 */
import { parseNumeric } from '../../types/numeric.ts';
import { compareNum, readNum } from '../numeric/decimal.ts';

export interface JsonNumber {
  /** numeric_out's text of the value. */
  readonly number: string;
}

export interface JsonObject {
  /** Unique keys in jsonb's storage order. */
  readonly entries: readonly (readonly [string, Json])[];
}

export type Json = null | boolean | string | JsonNumber | readonly Json[] | JsonObject;

export function isJsonNumber(json: Json): json is JsonNumber {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && 'number' in json;
}

export function isJsonObject(json: Json): json is JsonObject {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && 'entries' in json;
}

export function isJsonArray(json: Json): json is readonly Json[] {
  return Array.isArray(json);
}

/** jsonb's key order: shorter first, then bytewise (code point order is UTF-8 byte order). */
export function compareKeys(a: string, b: string): number {
  const lengthA = utf8Length(a);
  const lengthB = utf8Length(b);
  if (lengthA !== lengthB) return lengthA - lengthB;
  return compareCodePoints(a, b);
}

export function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) length += unit >= 0x800 && (unit < 0xd800 || unit > 0xdfff) ? 2 : 1;
  }
  return length;
}

/** Code point order of two strings (UTF-16 order differs for characters beyond U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** An object from pairs in any order: sorted into storage order, the last duplicate winning. */
export function makeObject(pairs: Iterable<readonly [string, Json]>): JsonObject {
  const unique = new Map<string, Json>();
  for (const [key, value] of pairs) {
    unique.delete(key);
    unique.set(key, value);
  }
  return { entries: [...unique].sort(([a], [b]) => compareKeys(a, b)) };
}

export function objectGet(object: JsonObject, key: string): Json | undefined {
  for (const [k, v] of object.entries) if (k === key) return v;
  return undefined;
}

// ---- parse -------------------------------------------------------------------------------------

/** Parses JSON text that jsonb_in (or json_in) accepted. */
export function parseJson(text: string): Json {
  return new Parser(text).value();
}

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  private space(): void {
    const { text } = this;
    for (;;) {
      const c = text.charCodeAt(this.at);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.at++;
      else return;
    }
  }

  value(): Json {
    this.space();
    const { text } = this;
    const c = text[this.at];
    if (c === '{') {
      this.at++;
      const pairs: [string, Json][] = [];
      this.space();
      if (text[this.at] === '}') {
        this.at++;
        return { entries: [] };
      }
      for (;;) {
        this.space();
        const key = this.string();
        this.space();
        this.at++; // ':'
        pairs.push([key, this.value()]);
        this.space();
        if (text[this.at++] === '}') return makeObject(pairs);
      }
    }
    if (c === '[') {
      this.at++;
      const items: Json[] = [];
      this.space();
      if (text[this.at] === ']') {
        this.at++;
        return items;
      }
      for (;;) {
        items.push(this.value());
        this.space();
        if (text[this.at++] === ']') return items;
      }
    }
    if (c === '"') return this.string();
    if (text.startsWith('true', this.at)) {
      this.at += 4;
      return true;
    }
    if (text.startsWith('false', this.at)) {
      this.at += 5;
      return false;
    }
    if (text.startsWith('null', this.at)) {
      this.at += 4;
      return null;
    }
    const match = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = this.at;
    const token = match.exec(text)![0];
    this.at += token.length;
    return { number: parseNumeric(token) };
  }

  private string(): string {
    const { text } = this;
    const start = this.at;
    let end = start + 1;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(end);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        end++;
      }
      end++;
    }
    this.at = end + 1;
    return escaped ? (JSON.parse(text.slice(start, end + 1)) as string) : text.slice(start + 1, end);
  }
}

// ---- print -------------------------------------------------------------------------------------

/** escape_json: quotes, with \" \\ \b \f \n \r \t and \u00xx for other control characters. */
export function quoteJson(text: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += text.slice(from, i);
    from = i + 1;
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x08: out += '\\b'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      default: out += `\\u${c.toString(16).padStart(4, '0')}`;
    }
  }
  return `${out}${text.slice(from)}"`;
}

/** jsonb_out's text. */
export function writeJsonb(json: Json): string {
  if (json === null) return 'null';
  if (json === true) return 'true';
  if (json === false) return 'false';
  if (typeof json === 'string') return quoteJson(json);
  if (isJsonNumber(json)) return json.number;
  if (isJsonArray(json)) return `[${json.map(writeJsonb).join(', ')}]`;
  return `{${json.entries.map(([key, value]) => `${quoteJson(key)}: ${writeJsonb(value)}`).join(', ')}}`;
}

/** jsonb_pretty: four-space indentation, one element or pair per line (empty containers too). */
export function writeJsonbPretty(json: Json, indent = ''): string {
  const inner = `${indent}    `;
  if (isJsonArray(json)) {
    if (json.length === 0) return `[\n${indent}]`;
    return `[\n${json.map((item) => inner + writeJsonbPretty(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (isJsonObject(json)) {
    if (json.entries.length === 0) return `{\n${indent}}`;
    return `{\n${json.entries.map(([key, value]) => `${inner}${quoteJson(key)}: ${writeJsonbPretty(value, inner)}`).join(',\n')}\n${indent}}`;
  }
  return writeJsonb(json);
}

// ---- order -------------------------------------------------------------------------------------

function rank(json: Json): number {
  if (json === null) return 0;
  if (typeof json === 'string') return 1;
  if (isJsonNumber(json)) return 2;
  if (typeof json === 'boolean') return 3;
  if (isJsonArray(json)) return 4;
  return 5;
}

/**
 * jsonb's btree order, as the key codec encodes it: null < string < number < boolean < array <
 * object; arrays and objects by size first, then element by element (an object's pairs in
 * storage order, key then value, keys compared as strings).
 */
export function compareJson(a: Json, b: Json): number {
  const rankA = rank(a);
  const rankB = rank(b);
  if (rankA !== rankB) return rankA - rankB;
  switch (rankA) {
    case 0:
      return 0;
    case 1:
      return compareCodePoints(a as string, b as string);
    case 2:
      return compareNum(readNum((a as JsonNumber).number), readNum((b as JsonNumber).number));
    case 3:
      return a === b ? 0 : a ? 1 : -1;
    case 4: {
      const x = a as readonly Json[];
      const y = b as readonly Json[];
      if (x.length !== y.length) return x.length - y.length;
      for (let i = 0; i < x.length; i++) {
        const order = compareJson(x[i], y[i]);
        if (order !== 0) return order;
      }
      return 0;
    }
    default: {
      const x = (a as JsonObject).entries;
      const y = (b as JsonObject).entries;
      if (x.length !== y.length) return x.length - y.length;
      for (let i = 0; i < x.length; i++) {
        const order = compareCodePoints(x[i][0], y[i][0]) || compareJson(x[i][1], y[i][1]);
        if (order !== 0) return order;
      }
      return 0;
    }
  }
}
