/**
 * Splitting JSON text into its top-level parts without re-serializing them, so the parts of
 * a normalized jsonb value are themselves normalized jsonb text (numbers keep their digits).
 * The input is valid JSON: the engine and the SQL layer have checked it.
 */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export function jsonKind(text: string): JsonKind {
  const at = skipSpace(text, 0);
  switch (text[at]) {
    case '{': return 'object';
    case '[': return 'array';
    case '"': return 'string';
    case 't': case 'f': return 'boolean';
    case 'n': return 'null';
    default: return 'number';
  }
}

/** The elements of a JSON array, each as its text. */
export function arrayElements(text: string): string[] {
  const elements: string[] = [];
  let at = skipSpace(text, text.indexOf('[') + 1);
  if (text[at] === ']') return elements;
  for (;;) {
    const end = valueEnd(text, at);
    elements.push(text.slice(at, end).trim());
    at = skipSpace(text, end);
    if (text[at] !== ',') return elements;
    at = skipSpace(text, at + 1);
  }
}

/** The members of a JSON object: each key decoded, each value as its text. */
export function objectMembers(text: string): [string, string][] {
  const members: [string, string][] = [];
  let at = skipSpace(text, text.indexOf('{') + 1);
  while (text[at] === '"') {
    const keyEnd = stringEnd(text, at);
    const key = JSON.parse(text.slice(at, keyEnd)) as string;
    at = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const end = valueEnd(text, at);
    members.push([key, text.slice(at, end).trim()]);
    at = skipSpace(text, end);
    if (text[at] !== ',') break;
    at = skipSpace(text, at + 1);
  }
  return members;
}

/** A JSON value as ->> gives it: a string unquoted, null as SQL NULL, others as written. */
export function scalarText(text: string): string | null {
  switch (jsonKind(text)) {
    case 'string': return JSON.parse(text) as string;
    case 'null': return null;
    default: return text;
  }
}

function skipSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  return at;
}

function stringEnd(text: string, from: number): number {
  let at = from + 1;
  while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
  return at + 1;
}

/** The end (exclusive) of the value starting at `from`. */
function valueEnd(text: string, from: number): number {
  let at = from;
  let depth = 0;
  while (at < text.length) {
    const char = text[at];
    if (char === '"') {
      at = stringEnd(text, at);
      if (depth === 0) return at;
      continue;
    }
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      if (depth === 0) return at;
      depth--;
      if (depth === 0) return at + 1;
    } else if (char === ',' && depth === 0) return at;
    at++;
  }
  return at;
}
