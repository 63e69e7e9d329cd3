/**
 * The json type keeps its text as written, so its operators return pieces of that text: a
 * parse that records where each value starts and ends (the last of duplicate keys wins, as in
 * PostgreSQL), and the compact rewriting json_strip_nulls produces.
 */
import { quoteJson } from './value.ts';

export interface JsonNode {
  readonly kind: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
  readonly start: number;
  readonly end: number;
  readonly entries?: readonly (readonly [string, JsonNode])[];
  readonly items?: readonly JsonNode[];
}

/** Parses json text that json_in accepted. */
export function parseJsonText(text: string): JsonNode {
  let at = 0;
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const string = (): string => {
    const start = at;
    at++;
    while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const value = (): JsonNode => {
    space();
    const start = at;
    const c = text[at];
    if (c === '{') {
      at++;
      const entries: [string, JsonNode][] = [];
      space();
      if (text[at] === '}') at++;
      else {
        for (;;) {
          space();
          const key = string();
          space();
          at++;
          entries.push([key, value()]);
          space();
          if (text[at++] === '}') break;
        }
      }
      return { kind: 'object', start, end: at, entries };
    }
    if (c === '[') {
      at++;
      const items: JsonNode[] = [];
      space();
      if (text[at] === ']') at++;
      else {
        for (;;) {
          items.push(value());
          space();
          if (text[at++] === ']') break;
        }
      }
      return { kind: 'array', start, end: at, items };
    }
    if (c === '"') {
      string();
      return { kind: 'string', start, end: at };
    }
    const word = /true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    word.lastIndex = at;
    const token = word.exec(text)![0];
    at += token.length;
    return { kind: token === 'null' ? 'null' : token === 'true' || token === 'false' ? 'boolean' : 'number', start, end: at };
  };
  return value();
}

export function nodeText(text: string, node: JsonNode): string {
  return text.slice(node.start, node.end);
}

/** The value of the last pair with this key. */
export function nodeField(node: JsonNode, key: string): JsonNode | undefined {
  if (node.kind !== 'object') return undefined;
  let found: JsonNode | undefined;
  for (const [k, v] of node.entries!) if (k === key) found = v;
  return found;
}

export function nodeElement(node: JsonNode, index: number): JsonNode | undefined {
  if (node.kind !== 'array') return undefined;
  const items = node.items!;
  const at = index < 0 ? items.length + index : index;
  return items[at];
}

export function nodeAtPath(node: JsonNode, path: readonly (string | null)[]): JsonNode | undefined {
  let current: JsonNode | undefined = node;
  for (const step of path) {
    if (current === undefined || step === null) return undefined;
    if (current.kind === 'object') current = nodeField(current, step);
    else if (current.kind === 'array') current = /^\s*[+-]?\d+\s*$/.test(step) ? nodeElement(current, Number(step)) : undefined;
    else return undefined;
  }
  return current;
}

/** ->> on json: a string unescaped, null as NULL, anything else as written. */
export function nodeValueText(text: string, node: JsonNode | undefined): string | null {
  if (node === undefined || node.kind === 'null') return null;
  const raw = nodeText(text, node);
  return node.kind === 'string' ? (JSON.parse(raw) as string) : raw;
}

/** json_strip_nulls: object fields whose value is null dropped, the rest re-emitted compactly. */
export function stripNullsText(text: string, node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return `{${node.entries!.filter(([, v]) => v.kind !== 'null').map(([k, v]) => `${quoteJson(k)}:${stripNullsText(text, v)}`).join(',')}}`;
    case 'array':
      return `[${node.items!.map((item) => stripNullsText(text, item)).join(',')}]`;
    case 'string':
      return quoteJson(JSON.parse(nodeText(text, node)) as string);
    default:
      return nodeText(text, node);
  }
}
