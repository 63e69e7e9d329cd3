/**
 * PostgreSQL's regular expressions (AREs, as ~, regexp_replace and friends read them) run on
 * JavaScript's engine: the pattern is translated, not reimplemented.
 *
 * Translated: PostgreSQL's defaults ('.' and '[^…]' match a newline, '^'/'$' only at the ends),
 * the flags i, c, n/m (newline-sensitive), s, x (expanded: whitespace and # comments dropped),
 * q (literal), g (for the callers), embedded options '(?i)' and the '***=' / '***:' directors,
 * bracket classes ([[:alpha:]], …), the escapes \m \M \y \Y \A \Z, \b (backspace), \e, \x…,
 * octal escapes, and case-insensitivity as the C locale has it (ASCII letters only). Character
 * classes follow the C locale too: \w is [A-Za-z0-9_].
 *
 * Left out: leftmost-longest matching (JavaScript prefers alternatives left to right, so 'a|ab'
 * matches 'a' of 'ab' where PostgreSQL matches 'ab'), collating elements [.x.] and equivalence
 * classes [=x=]. Error messages are JavaScript's, under PostgreSQL's SQLSTATE 2201B.
 */
import { EngineError, FnState } from '../errors.ts';

export interface RegexFlags {
  readonly global: boolean;
  readonly caseInsensitive: boolean;
  readonly newlineSensitive: boolean;
  readonly expanded: boolean;
  readonly literal: boolean;
}

function invalidRegex(detail: string): EngineError {
  return new EngineError(FnState.invalidRegularExpression, `invalid regular expression: ${detail}`);
}

/** Reads a flags argument ('gi', 'n', …); `allowGlobal` false rejects 'g' as regexp_match does. */
export function parseFlags(text: string, functionName: string, allowGlobal = true): RegexFlags {
  let global = false;
  let caseInsensitive = false;
  let newlineSensitive = false;
  let expanded = false;
  let literal = false;
  for (const flag of text) {
    switch (flag) {
      case 'g':
        if (!allowGlobal) {
          throw new EngineError(FnState.invalidParameterValue, `${functionName}() does not support the "global" option`, {
            hint: functionName === 'regexp_match' ? 'Use the regexp_matches function instead.' : undefined,
          });
        }
        global = true;
        break;
      case 'i':
        caseInsensitive = true;
        break;
      case 'c':
        caseInsensitive = false;
        break;
      case 'n':
      case 'm':
        newlineSensitive = true;
        break;
      case 's':
        newlineSensitive = false;
        break;
      case 'x':
        expanded = true;
        break;
      case 'q':
        literal = true;
        break;
      case 'p':
      case 'w':
      case 't':
      case 'e':
        break;
      default:
        throw new EngineError(FnState.invalidParameterValue, `invalid regular expression option: "${flag}"`);
    }
  }
  return { global, caseInsensitive, newlineSensitive, expanded, literal };
}

export const NO_FLAGS: RegexFlags = { global: false, caseInsensitive: false, newlineSensitive: false, expanded: false, literal: false };

const WORD = 'A-Za-z0-9_';
const CLASS_NAMES: Record<string, string> = {
  alpha: 'A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  word: WORD,
  xdigit: '0-9A-Fa-f',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

const ESCAPE_CLASSES: Record<string, string> = {
  d: '[0-9]',
  D: '[^0-9]',
  w: `[${WORD}]`,
  W: `[^${WORD}]`,
  s: '[ \\t\\n\\r\\f\\v]',
  S: '[^ \\t\\n\\r\\f\\v]',
};
const ESCAPE_IN_CLASS: Record<string, string> = { d: '0-9', w: WORD, s: ' \\t\\n\\r\\f\\v' };
const CHARACTER_ESCAPES: Record<string, string> = { a: '\\x07', b: '\\x08', B: '\\\\', e: '\\x1b', f: '\\f', n: '\\n', r: '\\r', t: '\\t', v: '\\v' };
const WORD_CHAR = `[${WORD}]`;

/** A literal character as JavaScript's 'u' mode needs it outside a class. */
function literalChar(char: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}

function caseless(char: string, insensitive: boolean): string {
  if (!insensitive || !/[A-Za-z]/.test(char)) return literalChar(char);
  return `[${char.toLowerCase()}${char.toUpperCase()}]`;
}

/** Translates an ARE to a JavaScript pattern (for the 'u' flag, plus 's' unless newline-sensitive). */
export function translateRegex(pattern: string, flags: RegexFlags): { source: string; flags: RegexFlags } {
  let text = pattern;
  let options = flags;
  if (text.startsWith('***=')) return { source: [...text.slice(4)].map((c) => caseless(c, options.caseInsensitive)).join(''), flags: options };
  if (text.startsWith('***:')) text = text.slice(4);
  if (options.literal) return { source: [...text].map((c) => caseless(c, options.caseInsensitive)).join(''), flags: options };
  const embedded = /^\(\?([bceimnpqstwx]+)\)/.exec(text);
  if (embedded !== null) {
    options = { ...parseFlags(embedded[1], 'regex'), global: options.global };
    text = text.slice(embedded[0].length);
  }
  const insensitive = options.caseInsensitive;
  let out = '';
  let i = 0;
  const chars = [...text];
  while (i < chars.length) {
    const c = chars[i];
    if (options.expanded && /\s/.test(c)) {
      i++;
      continue;
    }
    if (options.expanded && c === '#') {
      while (i < chars.length && chars[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      const [piece, used] = translateEscape(chars, i + 1, insensitive);
      out += piece;
      i = i + 1 + used;
      continue;
    }
    if (c === '[') {
      const [piece, next] = translateClass(chars, i, options);
      out += piece;
      i = next;
      continue;
    }
    if (c === '{') {
      const quantifier = /^\{\d+(,\d*)?\}/.exec(chars.slice(i, i + 24).join(''));
      if (quantifier !== null) {
        out += quantifier[0];
        i += quantifier[0].length;
      } else {
        out += '\\{';
        i++;
      }
      continue;
    }
    if (c === '}' || c === ']' || c === '/') {
      out += `\\${c}`;
      i++;
      continue;
    }
    if (c === '.' && options.newlineSensitive) {
      out += '[^\\n]';
      i++;
      continue;
    }
    if ('^$*+?()|.'.includes(c)) {
      out += c;
      i++;
      continue;
    }
    out += caseless(c, insensitive);
    i++;
  }
  return { source: out, flags: options };
}

function translateEscape(chars: readonly string[], at: number, insensitive: boolean): [string, number] {
  const c = chars[at];
  if (c === undefined) throw invalidRegex('invalid escape \\ sequence');
  if (ESCAPE_CLASSES[c] !== undefined) return [ESCAPE_CLASSES[c], 1];
  if (CHARACTER_ESCAPES[c] !== undefined) return [CHARACTER_ESCAPES[c], 1];
  switch (c) {
    case 'm':
      return [`(?<!${WORD_CHAR})(?=${WORD_CHAR})`, 1];
    case 'M':
      return [`(?<=${WORD_CHAR})(?!${WORD_CHAR})`, 1];
    case 'y':
      return [`(?:(?<!${WORD_CHAR})(?=${WORD_CHAR})|(?<=${WORD_CHAR})(?!${WORD_CHAR}))`, 1];
    case 'Y':
      return [`(?:(?<=${WORD_CHAR})(?=${WORD_CHAR})|(?<!${WORD_CHAR})(?!${WORD_CHAR}))`, 1];
    case 'A':
      return ['(?<![\\s\\S])', 1];
    case 'Z':
      return ['(?![\\s\\S])', 1];
    case 'x':
    case 'u':
    case 'U': {
      const limit = c === 'u' ? 4 : c === 'U' ? 8 : 8;
      let digits = '';
      while (digits.length < limit && /[0-9a-fA-F]/.test(chars[at + 1 + digits.length] ?? '')) digits += chars[at + 1 + digits.length];
      if (digits === '') throw invalidRegex('invalid escape \\ sequence');
      return [`\\u{${digits}}`, 1 + digits.length];
    }
    case '0':
      return ['\\x00', 1];
    default:
      break;
  }
  if (/[1-9]/.test(c)) {
    let digits = c;
    while (/[0-9]/.test(chars[at + digits.length] ?? '') && digits.length < 2) digits += chars[at + digits.length];
    return [`\\${digits}`, digits.length];
  }
  if (/[A-Za-z0-9]/.test(c)) throw invalidRegex('invalid escape \\ sequence');
  return [caseless(c, insensitive), 1];
}

/** A bracket expression from chars[at] = '['; returns the JavaScript class and where it ends. */
function translateClass(chars: readonly string[], at: number, options: RegexFlags): [string, number] {
  let i = at + 1;
  let negated = false;
  if (chars[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  let first = true;
  for (;;) {
    const c = chars[i];
    if (c === undefined) throw invalidRegex('brackets [] not balanced');
    if (c === ']' && !first) {
      i++;
      break;
    }
    first = false;
    if (c === '[' && chars[i + 1] === ':') {
      const end = chars.indexOf(':', i + 2);
      const name = chars.slice(i + 2, end).join('');
      const range = CLASS_NAMES[name];
      if (end < 0 || chars[end + 1] !== ']' || range === undefined) throw invalidRegex('invalid character class');
      body += range;
      i = end + 2;
      continue;
    }
    if (c === '\\') {
      const next = chars[i + 1];
      if (next !== undefined && ESCAPE_IN_CLASS[next] !== undefined) {
        body += ESCAPE_IN_CLASS[next];
        i += 2;
        continue;
      }
      if (next !== undefined && CHARACTER_ESCAPES[next] !== undefined) {
        body += CHARACTER_ESCAPES[next];
        i += 2;
        continue;
      }
      body += `\\${next ?? '\\'}`;
      i += 2;
      continue;
    }
    if (c === '-' && chars[i + 1] !== ']' && body !== '') {
      body += '-';
      i++;
      continue;
    }
    body += /[\]\\^[-]/.test(c) ? `\\${c}` : c;
    i++;
  }
  if (options.caseInsensitive) body += swapCaseRanges(body);
  if (negated && options.newlineSensitive) body += '\\n';
  return [`[${negated ? '^' : ''}${body}]`, i];
}

/** The other case of every ASCII letter and letter range in a class body ('a-f' adds 'A-F'). */
function swapCaseRanges(body: string): string {
  let extra = '';
  const pattern = /(\\?.)(?:-(\\?.))?/gsu;
  for (const match of body.matchAll(pattern)) {
    const [, from, to] = match;
    const low = from.length === 1 ? from : '';
    const high = to === undefined ? low : to.length === 1 ? to : '';
    if (low === '' || high === '') continue;
    const swap = (ch: string) => (/[a-z]/.test(ch) ? ch.toUpperCase() : /[A-Z]/.test(ch) ? ch.toLowerCase() : '');
    const a = swap(low);
    const b = swap(high);
    if (a !== '' && b !== '' && /[a-z]/.test(low) === /[a-z]/.test(high)) extra += to === undefined ? a : `${a}-${b}`;
  }
  return extra;
}

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 256;

/** A compiled regular expression for a pattern and flags; `sticky`/global for the callers' loops. */
export function compileRegex(pattern: string, flags: RegexFlags, global = false): RegExp {
  const key = `${global ? 'g' : ''}${flags.caseInsensitive ? 'i' : ''}${flags.newlineSensitive ? 'n' : ''}${flags.expanded ? 'x' : ''}${flags.literal ? 'q' : ''}\0${pattern}`;
  let regex = cache.get(key);
  if (regex === undefined) {
    const translated = translateRegex(pattern, flags);
    const jsFlags = `u${translated.flags.newlineSensitive ? 'm' : 's'}${global ? 'g' : ''}`;
    try {
      regex = new RegExp(translated.source, jsFlags);
    } catch (error) {
      throw invalidRegex((error as Error).message.replace(/^Invalid regular expression: /, ''));
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, regex);
  }
  regex.lastIndex = 0;
  return regex;
}
