/**
 * Text as PostgreSQL counts it: in characters (code points, not UTF-16 units), with the C
 * locale's character classes and case mapping (ScratchBird databases use the "C" collation and
 * ctype, as its key codec orders text): only ASCII letters have case, only ASCII characters are
 * letters, digits or spaces.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

export function hasSurrogates(text: string): boolean {
  return SURROGATE.test(text);
}

/** Length in characters. */
export function charLength(text: string): number {
  if (!hasSurrogates(text)) return text.length;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) count++;
  }
  return count;
}

/** The characters from index `start` (0-based) up to `end` (exclusive), counted in characters. */
export function charSlice(text: string, start: number, end = Infinity): string {
  if (!hasSurrogates(text)) return text.slice(Math.max(0, start), end === Infinity ? undefined : Math.max(0, end));
  const chars = Array.from(text);
  return chars.slice(Math.max(0, start), end === Infinity ? undefined : Math.max(0, end)).join('');
}

export function chars(text: string): string[] {
  return hasSurrogates(text) ? Array.from(text) : text.split('');
}

export function asciiLower(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (run) => run.toLowerCase()) : text;
}

export function asciiUpper(text: string): string {
  return /[a-z]/.test(text) ? text.replace(/[a-z]+/g, (run) => run.toUpperCase()) : text;
}

export function isAsciiAlnum(char: string): boolean {
  const c = char.charCodeAt(0);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** initcap: upper case after a non-alphanumeric character, lower case elsewhere. */
export function initcap(text: string): string {
  let out = '';
  let wordStart = true;
  for (const char of text) {
    const alnum = isAsciiAlnum(char);
    out += alnum ? (wordStart ? char.toUpperCase() : char.toLowerCase()) : char;
    wordStart = !alnum;
  }
  return out;
}
