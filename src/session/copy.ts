/**
 * COPY's text and CSV formats, as PostgreSQL reads and writes them: rows split from a byte
 * stream that arrives in arbitrary chunks, fields unescaped (text: backslash escapes and \N;
 * CSV: quotes, and unquoted empty = NULL), and rows printed back the same way.
 */
import { EngineError, SqlState } from '../engine/errors.ts';

export interface CopyFormat {
  readonly csv: boolean;
  readonly delimiter: string;
  readonly nullString: string;
  readonly header: boolean;
  readonly quote: string;
  readonly escape: string;
}

export function copyFormat(options: ReadonlyMap<string, string | true>): CopyFormat {
  const format = String(options.get('format') ?? 'text').toLowerCase();
  if (format === 'binary') throw new EngineError(SqlState.featureNotSupported, 'COPY BINARY is not supported');
  if (format !== 'text' && format !== 'csv') throw new EngineError(SqlState.invalidParameterValue, `COPY format "${format}" not recognized`);
  const csv = format === 'csv' || options.has('csv');
  const delimiter = String(options.get('delimiter') ?? (csv ? ',' : '\t'));
  if (delimiter.length !== 1) throw new EngineError(SqlState.featureNotSupported, 'COPY delimiter must be a single one-byte character');
  const header = options.has('header') && String(options.get('header')).toLowerCase() !== 'false' && options.get('header') !== '0';
  if (header && !csv) throw new EngineError(SqlState.featureNotSupported, 'COPY HEADER available only in CSV mode');
  const quote = String(options.get('quote') ?? '"');
  return { csv, delimiter, nullString: String(options.get('null') ?? (csv ? '' : '\\N')), header, quote, escape: String(options.get('escape') ?? quote) };
}

/** Splits incoming chunks into rows of fields (null = SQL NULL). */
export class CopyParser {
  private pending = '';
  private headerSkipped = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly format: CopyFormat) {}

  *push(chunk: Uint8Array): Generator<(string | null)[]> {
    try {
      this.pending += this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new EngineError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"');
    }
    yield* this.rows(false);
  }

  *finish(): Generator<(string | null)[]> {
    yield* this.rows(true);
  }

  private *rows(final: boolean): Generator<(string | null)[]> {
    for (;;) {
      const end = this.format.csv ? this.csvLineEnd() : this.pending.indexOf('\n');
      if (end < 0) {
        if (!final || this.pending === '' || this.pending === '\\.' ) {
          if (final) this.pending = '';
          return;
        }
        const line = this.pending;
        this.pending = '';
        yield* this.line(line);
        return;
      }
      const line = this.pending.slice(0, end).replace(/\r$/, '');
      this.pending = this.pending.slice(end + 1);
      if (line === '\\.') {
        this.pending = '';
        return;
      }
      yield* this.line(line);
    }
  }

  private *line(line: string): Generator<(string | null)[]> {
    if (this.format.header && !this.headerSkipped) {
      this.headerSkipped = true;
      return;
    }
    yield this.format.csv ? this.csvFields(line) : this.textFields(line);
  }

  /** The newline ending the next CSV record (newlines inside quotes belong to the field). */
  private csvLineEnd(): number {
    let quoted = false;
    for (let i = 0; i < this.pending.length; i++) {
      const ch = this.pending[i];
      if (ch === this.format.quote) quoted = !quoted;
      else if (ch === '\n' && !quoted) return i;
    }
    return -1;
  }

  private textFields(line: string): (string | null)[] {
    return line.split(this.format.delimiter).map((raw) => (raw === this.format.nullString ? null : unescapeText(raw)));
  }

  private csvFields(line: string): (string | null)[] {
    const { delimiter, quote, escape, nullString } = this.format;
    const fields: (string | null)[] = [];
    let i = 0;
    for (;;) {
      let value = '';
      let quoted = false;
      while (i < line.length && line[i] !== delimiter) {
        if (line[i] === quote) {
          quoted = true;
          i++;
          while (i < line.length) {
            if (line[i] === escape && line[i + 1] === quote) {
              value += quote;
              i += 2;
            } else if (line[i] === quote) {
              i++;
              break;
            } else {
              value += line[i++];
            }
          }
        } else {
          value += line[i++];
        }
      }
      fields.push(!quoted && value === nullString ? null : value);
      if (i >= line.length) return fields;
      i++;
    }
  }
}

function unescapeText(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_m, esc: string) => {
    switch (esc[0]) {
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'v': return '\v';
      case 'x': return String.fromCharCode(parseInt(esc.slice(1), 16));
      default:
        return /^[0-7]+$/.test(esc) ? String.fromCharCode(parseInt(esc, 8)) : esc;
    }
  });
}

/** One row as a COPY TO line (with its newline). `fields` are text values or null. */
export function formatCopyRow(fields: readonly (string | null)[], format: CopyFormat): string {
  const out = fields.map((f) => {
    if (f === null) return format.nullString;
    if (!format.csv) return f.replace(/[\\\n\r\t\b\f\v]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v' })[c] as string);
    const needsQuotes = f === '' || f.includes(format.delimiter) || f.includes(format.quote) || f.includes('\n') || f.includes('\r') || f === '\\.';
    return needsQuotes ? `${format.quote}${f.split(format.quote).join(format.escape + format.quote)}${format.quote}` : f;
  });
  return `${out.join(format.delimiter)}\n`;
}
