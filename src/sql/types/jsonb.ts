/**
 * jsonb input: validates JSON text as PostgreSQL 15's parser (jsonapi.c) does for jsonb and
 * returns it unchanged (normalizing it is the SQL layer's job). Beyond RFC 8259 this rejects
 * what jsonb cannot store: \u0000 (22P05) and unpaired surrogate escapes, and numbers beyond
 * numeric's range (22003). Errors carry PostgreSQL's message and DETAIL; its CONTEXT line is left
 * out. Nesting depth is unlimited (PostgreSQL stops at its stack depth limit).
 */
import { EngineError, TypeState } from './errors.ts';
import { parseNumeric } from './numeric.ts';

class JsonError extends Error {
  constructor(readonly detail: string, readonly code: string = TypeState.invalidTextRepresentation) {
    super(detail);
  }
}

type Token = { readonly kind: 'punct' | 'string' | 'number' | 'word' | 'end'; readonly text: string };

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
/** JSON_ALPHANUMERIC_CHAR: what PostgreSQL takes as part of a bad token. */
const isWordChar = (char: string | undefined) => char !== undefined && /[A-Za-z0-9_\u0080-\uffff]/.test(char);

class Lexer {
  private at = 0;
  constructor(private readonly text: string) {}

  next(): Token {
    const { text } = this;
    while (WHITESPACE.has(text[this.at])) this.at++;
    const start = this.at;
    const char = text[start];
    if (char === undefined) return { kind: 'end', text: '' };
    if ('{}[],:'.includes(char)) {
      this.at++;
      return { kind: 'punct', text: char };
    }
    if (char === '"') return this.string();
    if (char === '-' || (char >= '0' && char <= '9')) return this.number();
    while (isWordChar(text[this.at])) this.at++;
    if (this.at === start) this.at += char.length;
    const word = text.slice(start, this.at);
    if (word !== 'true' && word !== 'false' && word !== 'null') throw new JsonError(`Token "${word}" is invalid.`);
    return { kind: 'word', text: word };
  }

  /** json_lex_number: the JSON grammar, and any letters or digits run on make the token invalid. */
  private number(): Token {
    const { text } = this;
    const start = this.at;
    const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9';
    const digits = () => {
      if (!isDigit(text[this.at])) return false;
      while (isDigit(text[this.at])) this.at++;
      return true;
    };
    if (text[this.at] === '-') this.at++;
    let valid = text[this.at] === '0' ? (this.at++, true) : digits();
    if (text[this.at] === '.') {
      this.at++;
      valid = digits() && valid;
    }
    if (text[this.at] === 'e' || text[this.at] === 'E') {
      this.at++;
      if (text[this.at] === '+' || text[this.at] === '-') this.at++;
      valid = digits() && valid;
    }
    while (isWordChar(text[this.at])) {
      valid = false;
      this.at++;
    }
    const token = text.slice(start, this.at);
    if (!valid) throw new JsonError(`Token "${token}" is invalid.`);
    // jsonb stores numbers as numeric, whose input function has the last word on range.
    if (/[eE]/.test(token) || token.length > 1000) {
      try {
        parseNumeric(token);
      } catch (error) {
        throw error instanceof EngineError ? new JsonError(error.message, error.code) : error;
      }
    }
    return { kind: 'number', text: token };
  }

  private string(): Token {
    const { text } = this;
    const start = this.at++;
    let highSurrogate = false;
    for (;;) {
      const char = text[this.at];
      if (char === undefined) throw new JsonError(`Token "${text.slice(start)}" is invalid.`);
      if (char === '"') break;
      if (char === '\\') {
        const escape = text[++this.at];
        if (escape === undefined) throw new JsonError(`Token "${text.slice(start)}" is invalid.`);
        if (escape === 'u') {
          const hex = text.slice(this.at + 1, this.at + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonError('"\\u" must be followed by four hexadecimal digits.');
          const unit = parseInt(hex, 16);
          this.at += 4;
          if (unit >= 0xd800 && unit <= 0xdbff) {
            if (highSurrogate) throw new JsonError('Unicode high surrogate must not follow a high surrogate.');
            highSurrogate = true;
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            if (!highSurrogate) throw lowSurrogateMissing();
            highSurrogate = false;
          } else {
            if (highSurrogate) throw lowSurrogateMissing();
            if (unit === 0) throw new JsonError('\\u0000 cannot be converted to text.', TypeState.untranslatableCharacter);
          }
        } else {
          if (highSurrogate) throw lowSurrogateMissing();
          if (!'"\\/bfnrt'.includes(escape)) throw new JsonError(`Escape sequence "\\${escape}" is invalid.`);
        }
      } else {
        if (highSurrogate) throw lowSurrogateMissing();
        if (char < ' ') throw new JsonError(`Character with value 0x${char.charCodeAt(0).toString(16).padStart(2, '0')} must be escaped.`);
      }
      this.at++;
    }
    if (highSurrogate) throw lowSurrogateMissing();
    this.at++;
    return { kind: 'string', text: text.slice(start, this.at) };
  }
}

function lowSurrogateMissing(): JsonError {
  return new JsonError('Unicode low surrogate must follow a high surrogate.');
}

/** What the parser waits for, named after PostgreSQL's JsonParseErrorType. */
type Expecting = 'value' | 'end' | 'array first' | 'array next' | 'object first' | 'object next' | 'colon' | 'key';

function unexpected(expecting: Expecting, token: Token): JsonError {
  if (token.kind === 'end') return new JsonError('The input string ended unexpectedly.');
  const found = token.text;
  const details: Record<Expecting, string> = {
    value: `Expected JSON value, but found "${found}".`,
    end: `Expected end of input, but found "${found}".`,
    'array first': `Expected array element or "]", but found "${found}".`,
    'array next': `Expected "," or "]", but found "${found}".`,
    'object first': `Expected string or "}", but found "${found}".`,
    'object next': `Expected "," or "}", but found "${found}".`,
    colon: `Expected ":", but found "${found}".`,
    key: `Expected string, but found "${found}".`,
  };
  return new JsonError(details[expecting]);
}

/** jsonb_in: the text itself when it is valid JSON that jsonb can store. */
export function parseJsonb(text: string): string {
  try {
    validate(new Lexer(text));
  } catch (error) {
    if (!(error instanceof JsonError)) throw error;
    const message = error.code === TypeState.untranslatableCharacter ? 'unsupported Unicode escape sequence' : error.code === TypeState.numericValueOutOfRange ? error.message : 'invalid input syntax for type json';
    throw new EngineError(error.code, message, error.code === TypeState.numericValueOutOfRange ? {} : { detail: error.detail });
  }
  return text;
}

/** A table-driven pushdown parser, so deep nesting cannot exhaust the JavaScript stack. */
function validate(lexer: Lexer): void {
  const open: ('array' | 'object')[] = [];
  let expecting: Expecting = 'value';
  for (;;) {
    const token = lexer.next();
    const value = token.kind === 'string' || token.kind === 'number' || token.kind === 'word';
    switch (expecting) {
      case 'value':
      case 'array first':
        if (expecting === 'array first' && token.text === ']' && token.kind === 'punct') {
          open.pop();
          expecting = afterValue(open);
        } else if (value) {
          expecting = afterValue(open);
        } else if (token.kind === 'punct' && (token.text === '[' || token.text === '{')) {
          open.push(token.text === '[' ? 'array' : 'object');
          expecting = token.text === '[' ? 'array first' : 'object first';
        } else {
          throw unexpected(expecting, token);
        }
        break;
      case 'object first':
      case 'key':
        if (token.kind === 'string') expecting = 'colon';
        else if (expecting === 'object first' && token.kind === 'punct' && token.text === '}') {
          open.pop();
          expecting = afterValue(open);
        } else throw unexpected(expecting, token);
        break;
      case 'colon':
        if (token.kind !== 'punct' || token.text !== ':') throw unexpected(expecting, token);
        expecting = 'value';
        break;
      case 'array next':
      case 'object next': {
        const close = expecting === 'array next' ? ']' : '}';
        if (token.kind === 'punct' && token.text === ',') expecting = expecting === 'array next' ? 'value' : 'key';
        else if (token.kind === 'punct' && token.text === close) {
          open.pop();
          expecting = afterValue(open);
        } else throw unexpected(expecting, token);
        break;
      }
      case 'end':
        if (token.kind !== 'end') throw unexpected(expecting, token);
        return;
    }
  }
}

function afterValue(open: readonly ('array' | 'object')[]): Expecting {
  const innermost = open[open.length - 1];
  return innermost === undefined ? 'end' : innermost === 'array' ? 'array next' : 'object next';
}
