/**
 * format() as PostgreSQL's text_format implements it: %s, %I (quote_ident), %L (quote_literal),
 * %%, explicit argument positions (%2$s), widths (%10s, %-10s, %*s, %*2$s), and its errors.
 * Also quote_literal.
 */
import { EngineError, FnState } from '../errors.ts';
import { quoteIdentifier } from '../names.ts';
import { charLength } from './chars.ts';

/** quote_literal: single quotes doubled; with a backslash, the E'' form and backslashes doubled. */
export function quoteLiteral(text: string): string {
  const body = text.replace(/'/g, "''");
  return text.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

function formatError(message: string, hint?: string): EngineError {
  return new EngineError(FnState.invalidParameterValue, message, { hint });
}

const SINGLE_PERCENT_HINT = 'For a single "%" use "%%".';

/**
 * Formats `template` with `args` already converted to text (null for NULL); `argCount` is how
 * many arguments the call had.
 */
export function formatText(template: string, args: readonly (string | null)[]): string {
  let out = '';
  let nextArg = 0;
  let i = 0;
  const unterminated = () => formatError('unterminated format() type specifier', SINGLE_PERCENT_HINT);
  /** Reads digits at i; undefined if none. */
  const readNumber = (): number | undefined => {
    const match = /^\d+/.exec(template.slice(i));
    if (match === null) return undefined;
    i += match[0].length;
    const value = Number(match[0]);
    if (value > 2147483647) throw formatError('number is out of range');
    return value;
  };
  const argAt = (position: number): string | null => {
    if (position >= args.length) throw formatError('too few arguments for format()');
    return args[position];
  };
  while (i < template.length) {
    const c = template[i];
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    if (i >= template.length) throw unterminated();
    if (template[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    // [argpos$][flags][width]type
    let position: number | undefined;
    let leftAlign = false;
    let width: number | undefined;
    const start = i;
    const first = readNumber();
    if (first !== undefined && template[i] === '$') {
      if (first === 0) throw formatError('format specifies argument 0, but arguments are numbered from 1');
      position = first - 1;
      i++;
    } else if (first !== undefined) {
      width = first;
    } else {
      i = start;
    }
    if (width === undefined) {
      while (template[i] === '-') {
        leftAlign = true;
        i++;
      }
      if (i >= template.length) throw unterminated();
      if (template[i] === '*') {
        i++;
        let widthArg = nextArg;
        const explicit = readNumber();
        if (explicit !== undefined) {
          if (template[i] !== '$') throw unterminated();
          if (explicit === 0) throw formatError('format specifies argument 0, but arguments are numbered from 1');
          widthArg = explicit - 1;
          i++;
        }
        const value = argAt(widthArg);
        nextArg = widthArg + 1;
        const n = value === null ? 0 : Number(value);
        if (!Number.isInteger(n)) throw formatError('number is out of range');
        if (n < 0) {
          leftAlign = true;
          width = -n;
        } else {
          width = n;
        }
      } else {
        width = readNumber();
      }
    }
    if (i >= template.length) throw unterminated();
    const type = template[i++];
    if (type !== 's' && type !== 'I' && type !== 'L') {
      throw formatError(`unrecognized format() type specifier "${type}"`, SINGLE_PERCENT_HINT);
    }
    const argIndex = position ?? nextArg;
    const value = argAt(argIndex);
    nextArg = argIndex + 1;
    let text: string;
    if (type === 's') {
      text = value ?? '';
    } else if (type === 'I') {
      if (value === null) throw new EngineError(FnState.nullValueNotAllowed, 'null values cannot be formatted as an SQL identifier');
      text = quoteIdentifier(value);
    } else {
      text = value === null ? 'NULL' : quoteLiteral(value);
    }
    if (width !== undefined && charLength(text) < width) {
      const padding = ' '.repeat(width - charLength(text));
      text = leftAlign ? text + padding : padding + text;
    }
    out += text;
  }
  return out;
}
