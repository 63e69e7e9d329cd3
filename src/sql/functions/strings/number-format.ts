/**
 * to_char(number, format) and to_number(text, format) with PostgreSQL's number template
 * patterns: 9 and 0 (digit positions; leading 9s print blanks, positions from the first 0 on print
 * zeros), . and D (decimal point), , and G (group separator, blank among leading blanks),
 * S / SG / PL / MI / PR (signs), V (shift by powers of ten), EEEE (scientific), RN (Roman),
 * TH (ordinal suffix), FM (no padding, no trailing zeros), quoted literals and other characters
 * copied. Without an explicit sign the sign takes the position just before the first
 * significant character. A number too wide for its template prints '#' in every digit position.
 * C locale: the decimal point is '.', the group separator ','.
 */
import { EngineError, FnState } from '../errors.ts';
import { divide } from '../numeric/arithmetic.ts';
import { divRound, pow10, writeNum, type Finite } from '../numeric/decimal.ts';

type Token =
  | { readonly kind: 'digit'; readonly zero: boolean }
  | { readonly kind: 'point' }
  | { readonly kind: 'group' }
  | { readonly kind: 'sign'; readonly which: 'S' | 'SG' | 'PL' | 'MI' | 'PR' }
  | { readonly kind: 'literal'; readonly text: string };

interface Template {
  readonly tokens: readonly Token[];
  readonly fillMode: boolean;
  readonly ordinal: 'TH' | 'th' | undefined;
  readonly shift: number;
  readonly scientific: boolean;
  readonly roman: 'RN' | 'rn' | undefined;
  readonly pre: number;
  readonly post: number;
}

const KEYWORDS = ['EEEE', 'eeee', 'FM', 'fm', 'MI', 'mi', 'PL', 'pl', 'PR', 'pr', 'RN', 'rn', 'SG', 'sg', 'TH', 'th', 'S', 's', 'D', 'd', 'G', 'g', 'V', 'v', '9', '0', '.', ','];

const cache = new Map<string, Template>();

function parseTemplate(format: string): Template {
  const cached = cache.get(format);
  if (cached !== undefined) return cached;
  const tokens: Token[] = [];
  let fillMode = false;
  let ordinal: 'TH' | 'th' | undefined;
  let shift = 0;
  let scientific = false;
  let roman: 'RN' | 'rn' | undefined;
  let afterV = false;
  let pre = 0;
  let post = 0;
  let seenPoint = false;
  for (let i = 0; i < format.length; ) {
    if (format[i] === '"') {
      let end = i + 1;
      let text = '';
      while (end < format.length && format[end] !== '"') {
        if (format[end] === '\\' && end + 1 < format.length) end++;
        text += format[end++];
      }
      tokens.push({ kind: 'literal', text });
      i = end + 1;
      continue;
    }
    const keyword = KEYWORDS.find((k) => format.startsWith(k, i));
    if (keyword === undefined) {
      tokens.push({ kind: 'literal', text: format[i] === '\\' && i + 1 < format.length ? format[++i] : format[i] });
      i++;
      continue;
    }
    i += keyword.length;
    switch (keyword.toUpperCase()) {
      case '9':
      case '0':
        if (afterV) shift++;
        if (seenPoint && !afterV) post++;
        else pre++;
        tokens.push({ kind: 'digit', zero: keyword === '0' });
        break;
      case '.':
      case 'D':
        if (seenPoint) throw new EngineError(FnState.syntaxError, 'multiple decimal points');
        seenPoint = true;
        tokens.push({ kind: 'point' });
        break;
      case ',':
      case 'G':
        tokens.push({ kind: 'group' });
        break;
      case 'S':
      case 'SG':
      case 'PL':
      case 'MI':
      case 'PR':
        tokens.push({ kind: 'sign', which: keyword.toUpperCase() as 'S' });
        break;
      case 'FM':
        fillMode = true;
        break;
      case 'TH':
        ordinal = keyword as 'TH';
        break;
      case 'V':
        afterV = true;
        break;
      case 'EEEE':
        scientific = true;
        break;
      case 'RN':
        roman = keyword as 'RN';
        break;
    }
  }
  const template: Template = { tokens, fillMode, ordinal, shift, scientific, roman, pre, post };
  if (cache.size > 256) cache.clear();
  cache.set(format, template);
  return template;
}

/** A number to format: an exact decimal rounded to the template, or a special float. */
export type Formattable = { readonly kind: 'decimal'; readonly value: Finite; readonly halfEven: boolean } | { readonly kind: 'special'; readonly text: string };

function roundAt(value: Finite, scale: number, halfEven: boolean): Finite {
  if (scale >= value.s) return { v: value.v * pow10(scale - value.s), s: scale };
  const divisor = pow10(value.s - scale);
  if (!halfEven) return { v: divRound(value.v, divisor), s: scale };
  const negative = value.v < 0n;
  const magnitude = negative ? -value.v : value.v;
  let q = magnitude / divisor;
  const twice = 2n * (magnitude - q * divisor);
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) q++;
  return { v: negative ? -q : q, s: scale };
}

const ROMAN: readonly [number, string][] = [
  [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
];

function romanNumeral(n: number): string {
  let out = '';
  for (const [value, letters] of ROMAN) {
    while (n >= value) {
      out += letters;
      n -= value;
    }
  }
  return out;
}

export function ordinalSuffix(n: bigint, upper: boolean): string {
  const last = n % 10n;
  const lastTwo = n % 100n;
  const suffix = lastTwo >= 11n && lastTwo <= 13n ? 'th' : last === 1n ? 'st' : last === 2n ? 'nd' : last === 3n ? 'rd' : 'th';
  return upper ? suffix.toUpperCase() : suffix;
}

export function formatNumber(number: Formattable, format: string): string {
  const template = parseTemplate(format);
  if (template.roman !== undefined) return formatRoman(number, template);
  if (template.scientific) return formatScientific(number, template);
  if (number.kind === 'special') {
    // numeric_out's 'NaN' / 'Infinity' take the digit positions, or '#' in all of them when too long.
    const word = number.text.replace('-', '');
    return render(template, word, '', number.text.startsWith('-'), word.length > template.pre);
  }
  const shifted: Finite = { v: number.value.v * pow10(template.shift), s: number.value.s };
  const rounded = roundAt(shifted, template.post, number.halfEven);
  const negative = rounded.v < 0n;
  const digits = (negative ? -rounded.v : rounded.v).toString().padStart(template.post + 1, '0');
  let integer = digits.slice(0, digits.length - template.post).replace(/^0+/, '');
  const fraction = digits.slice(digits.length - template.post);
  const zero = rounded.v === 0n;
  if (integer === '' && (template.post === 0 || (zero && template.fillMode))) integer = '0';
  const overflow = integer.length > template.pre;
  let text = render(template, integer, fraction, negative, overflow);
  if (template.ordinal !== undefined && !overflow && template.post === 0) text += ordinalSuffix(negative ? -rounded.v : rounded.v, template.ordinal === 'TH');
  return text;
}

/** Lays the digits into the template. */
function render(template: Template, integer: string, fraction: string, negative: boolean, overflow: boolean): string {
  const { tokens, fillMode, pre } = template;
  const explicitSign = tokens.some((t) => t.kind === 'sign' && t.which !== 'PL');
  const pr = tokens.some((t) => t.kind === 'sign' && t.which === 'PR');
  const leadingSign = tokens.findIndex((t) => t.kind === 'sign' && t.which === 'S');
  const firstDigit = tokens.findIndex((t) => t.kind === 'digit' || t.kind === 'point');
  const signBeforeNumber = leadingSign >= 0 && leadingSign < firstDigit;
  // The sign that goes just before the first significant character, if any.
  let pending: string | undefined;
  if (!explicitSign) pending = negative ? '-' : fillMode ? '' : ' ';
  else if (signBeforeNumber) pending = negative ? '-' : '+';
  else if (pr) pending = negative ? '<' : fillMode ? '' : ' ';
  let out = '';
  let intPosition = 0;
  let started = false;
  const firstZero = tokens.findIndex((t) => t.kind === 'digit' && t.zero);
  let fractionPosition = 0;
  let seenPoint = false;
  const start = () => {
    if (!started) {
      started = true;
      if (pending !== undefined) out += pending;
    }
  };
  tokens.forEach((token, index) => {
    switch (token.kind) {
      case 'digit': {
        if (seenPoint) {
          start();
          const digit = overflow ? '#' : fraction[fractionPosition] ?? '0';
          fractionPosition++;
          out += digit;
          break;
        }
        const position = intPosition++;
        const significantFrom = pre - integer.length;
        if (overflow) {
          start();
          out += '#';
        } else if (position >= significantFrom) {
          start();
          out += integer[position - significantFrom];
        } else if (firstZero >= 0 && index >= firstZero) {
          start();
          out += '0';
        } else if (!fillMode) {
          out += ' ';
        }
        break;
      }
      case 'point':
        start();
        seenPoint = true;
        out += '.';
        break;
      case 'group':
        if (started) out += ',';
        else if (!fillMode) out += ' ';
        break;
      case 'sign':
        if (token.which === 'S' && index < firstDigit) break;
        if (token.which === 'S') out += negative ? '-' : '+';
        else if (token.which === 'SG') out += negative ? '-' : '+';
        else if (token.which === 'PL') out += negative ? (fillMode ? '' : ' ') : '+';
        else if (token.which === 'MI') out += negative ? '-' : fillMode ? '' : ' ';
        else out += negative ? '>' : fillMode ? '' : ' ';
        break;
      case 'literal':
        out += token.text;
        break;
    }
  });
  if (!started && pending !== undefined) out += pending;
  if (fillMode && seenPoint) {
    // FM drops trailing zeros that came from 9 positions.
    const lastZeroDigit = lastZeroPositionAfterPoint(tokens);
    out = trimFraction(out, lastZeroDigit);
  }
  return out;
}

/** Fraction digits guaranteed by '0' positions after the point. */
function lastZeroPositionAfterPoint(tokens: readonly Token[]): number {
  let seen = false;
  let count = 0;
  let keep = 0;
  for (const token of tokens) {
    if (token.kind === 'point') seen = true;
    else if (seen && token.kind === 'digit') {
      count++;
      if (token.zero) keep = count;
    }
  }
  return keep;
}

function trimFraction(text: string, keep: number): string {
  const point = text.indexOf('.');
  if (point < 0) return text;
  const match = /^(\d*)(.*)$/s.exec(text.slice(point + 1))!;
  let digits = match[1];
  while (digits.length > keep && digits.endsWith('0')) digits = digits.slice(0, -1);
  return text.slice(0, point + 1) + digits + match[2];
}

function formatScientific(number: Formattable, template: Template): string {
  const digitsAfter = template.post;
  if (number.kind === 'special') return ` ${'#'.repeat(template.pre)}.${'#'.repeat(digitsAfter + 4)}`;
  const { v, s } = number.value;
  const negative = v < 0n;
  const magnitude = negative ? -v : v;
  let exponent = magnitude === 0n ? 0 : magnitude.toString().length - 1 - s;
  // mantissa = value / 10^exponent rounded to digitsAfter decimals
  let mantissa = roundAt({ v: magnitude, s: s + exponent }, digitsAfter, number.halfEven);
  if (mantissa.v >= pow10(digitsAfter + 1)) {
    exponent++;
    mantissa = roundAt({ v: magnitude, s: s + exponent }, digitsAfter, number.halfEven);
  }
  const text = mantissa.v.toString().padStart(digitsAfter + 1, '0');
  const body = digitsAfter > 0 ? `${text.slice(0, 1)}.${text.slice(1)}` : text;
  const sign = negative ? '-' : template.fillMode ? '' : ' ';
  return `${sign}${body}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

function formatRoman(number: Formattable, template: Template): string {
  const lower = template.roman === 'rn';
  if (number.kind === 'special') return '#'.repeat(15);
  const value = Number(roundAt(number.value, 0, number.halfEven).v);
  if (value < 1 || value > 3999) return '#'.repeat(15);
  const text = romanNumeral(value);
  const cased = lower ? text.toLowerCase() : text;
  return template.fillMode ? cased : cased.padStart(15, ' ');
}

/**
 * to_number(text, format): the template is walked along the text, each position taking one
 * character: digits where it has digit positions (other characters there are skipped, leading
 * blanks and a sign before the first digit are read), '.' at its decimal point, ',' at a group
 * separator if present, a sign at sign positions and '<…>' for PR. V divides by its power of ten.
 */
export function parseNumber(text: string, format: string): string {
  const template = parseTemplate(format);
  let at = 0;
  let whole = '';
  let fraction = '';
  let afterPoint = false;
  let negative = false;
  const readSign = () => {
    const c = text[at];
    if (c === '-' || c === '<') negative = true;
    if (c === '-' || c === '+' || c === '<' || c === '>') {
      at++;
      return true;
    }
    return false;
  };
  for (const token of template.tokens) {
    if (at >= text.length) break;
    switch (token.kind) {
      case 'digit': {
        if (whole === '' && !afterPoint) {
          for (;;) {
            if (text[at] === ' ') at++;
            else if (!readSign()) break;
          }
        }
        const c = text[at];
        if (c === undefined) break;
        at++;
        if (c >= '0' && c <= '9') {
          if (afterPoint) fraction += c;
          else whole += c;
        }
        break;
      }
      case 'point':
        if (text[at] === '.') {
          afterPoint = true;
          at++;
        }
        break;
      case 'group':
        if (text[at] === ',') at++;
        break;
      case 'sign':
        readSign();
        break;
      case 'literal':
        at++;
        break;
    }
  }
  if (text.slice(at).includes('-') || text.slice(at).includes('>')) negative = true;
  if (whole === '' && fraction === '') throw new EngineError(FnState.invalidTextRepresentation, 'invalid input syntax for type numeric: " "');
  const digits = BigInt(whole + fraction);
  const value: Finite = { v: negative ? -digits : digits, s: fraction.length };
  if (template.shift === 0) return writeNum(value);
  return writeNum(divide(value, { v: pow10(template.shift), s: 0 }));
}
