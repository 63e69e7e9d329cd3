/**
 * LIKE and ILIKE as PostgreSQL matches them: '%' any run of characters, '_' one character,
 * backslash escapes the next character (a pattern may not end with it: 22025); ILIKE folds ASCII
 * letters only, as the C locale does. like_escape rewrites a pattern written with another escape
 * character (LIKE … ESCAPE) into this form; similar_to_escape turns a SIMILAR TO pattern into
 * the POSIX regular expression PostgreSQL matches it with.
 */
import { EngineError, FnState } from '../errors.ts';
import { asciiLower } from './chars.ts';

function endsWithEscape(): EngineError {
  return new EngineError(FnState.invalidEscapeSequence, 'LIKE pattern must not end with escape character');
}

function patternSource(pattern: string): string {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) throw endsWithEscape();
      const next = pattern.codePointAt(++i)!;
      const char = String.fromCodePoint(next);
      if (next > 0xffff) i++;
      source += char.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    } else if (c === '%') {
      source += '[\\s\\S]*';
    } else if (c === '_') {
      source += '[\\s\\S]';
    } else {
      source += c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    }
  }
  return `${source}$`;
}

/** A matcher for a text pattern; remembers the last pattern so constant patterns compile once. */
export function likeMatcher(caseInsensitive: boolean): (text: string, pattern: string) => boolean {
  let lastPattern: string | undefined;
  let regex: RegExp | undefined;
  return (text, pattern) => {
    if (pattern !== lastPattern || regex === undefined) {
      regex = new RegExp(patternSource(caseInsensitive ? asciiLower(pattern) : pattern), 'su');
      lastPattern = pattern;
    }
    return regex.test(caseInsensitive ? asciiLower(text) : text);
  };
}

/** LIKE on bytea: the same rules over bytes. */
export function byteaLikeMatcher(): (text: Uint8Array, pattern: Uint8Array) => boolean {
  let lastPattern: string | undefined;
  let regex: RegExp | undefined;
  return (text, pattern) => {
    const patternText = Buffer.from(pattern).toString('latin1');
    if (patternText !== lastPattern || regex === undefined) {
      regex = new RegExp(patternSource(patternText), 's');
      lastPattern = patternText;
    }
    return regex.test(Buffer.from(text).toString('latin1'));
  };
}

/** like_escape(pattern, escape): the pattern rewritten to use backslash as its escape. */
export function likeEscape(pattern: string, escape: string): string {
  if (escape === '') return pattern.replace(/\\/g, '\\\\');
  if ([...escape].length !== 1) {
    throw new EngineError(FnState.invalidEscapeSequence, 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  }
  // The escape character becomes a backslash; other backslashes are doubled unless escaped.
  let out = '';
  let afterEscape = false;
  for (const c of pattern) {
    if (c === escape && !afterEscape) {
      out += '\\';
      afterEscape = true;
    } else if (c === '\\') {
      out += afterEscape ? '\\' : '\\\\';
      afterEscape = false;
    } else {
      out += c;
      afterEscape = false;
    }
  }
  return out;
}

function invalidEscapeString(): EngineError {
  return new EngineError(FnState.invalidEscapeSequence, 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
}

/**
 * similar_to_escape(pattern [, escape]): '%' becomes '.*', '_' '.', groups are non-capturing,
 * characters special to POSIX but not to SQL are escaped, bracket expressions are copied, and
 * the whole is anchored; escape-double-quote marks the substring() part (at most two).
 */
export function similarToEscape(pattern: string, escape: string | null = '\\'): string {
  if (escape !== null && [...escape].length > 1) throw invalidEscapeString();
  const escapeChar = escape === null || escape === '' ? undefined : escape;
  let out = '^(?:';
  let afterEscape = false;
  let inBracket = false;
  let quotes = 0;
  for (const c of pattern) {
    if (afterEscape) {
      if (c === '"' && !inBracket) {
        quotes++;
        if (quotes > 2) throw new EngineError(FnState.invalidRegularExpression, 'SQL regular expression may not contain more than two escape-double-quote separators');
        out += quotes === 1 ? '){1,1}?(' : '){1,1}(?:';
      } else {
        out += `\\${c}`;
      }
      afterEscape = false;
    } else if (c === escapeChar) {
      afterEscape = true;
    } else if (inBracket) {
      if (c === '\\') out += '\\';
      out += c;
      if (c === ']') inBracket = false;
    } else if (c === '[') {
      inBracket = true;
      out += c;
    } else if (c === '%') {
      out += '.*';
    } else if (c === '_') {
      out += '.';
    } else if (c === '(') {
      out += '(?:';
    } else if (c === '\\' || c === '.' || c === '^' || c === '$') {
      out += `\\${c}`;
    } else {
      out += c;
    }
  }
  return `${out})$`;
}
