/**
 * numeric as text: PostgreSQL 15's numeric_in (whitespace, sign, exponent, 'NaN', 'Infinity',
 * 'inf') producing the engine's canonical decimal string, and numeric_out's canonical form
 * ('-0.50', never '+1.', '.5' or '-0'). The display scale survives both ways: '1.50e1' is '15.0'.
 */
import { NUMERIC_PATTERN } from '../../engine/types.ts';
import { EngineError, TypeState, invalidSyntax } from './errors.ts';
import { isCSpace } from './libc.ts';

/** PostgreSQL's NUMERIC_WEIGHT_MAX (in base-10000 digits) and NUMERIC_DSCALE_MAX. */
const NUMERIC_MAX_WEIGHT = 32_767;
export const NUMERIC_MAX_DSCALE = 16_383;
/** set_var_from_str refuses exponents at or beyond INT_MAX / 2. */
const EXPONENT_LIMIT = 1_073_741_823;

const SPECIALS: readonly (readonly [string, string])[] = [
  ['nan', 'NaN'],
  ['infinity', 'Infinity'],
  ['+infinity', 'Infinity'],
  ['-infinity', '-Infinity'],
  ['inf', 'Infinity'],
  ['+inf', 'Infinity'],
  ['-inf', '-Infinity'],
];

function overflow(): EngineError {
  return new EngineError(TypeState.numericValueOutOfRange, 'value overflows numeric format');
}

/** PostgreSQL's numeric_in (no typmod): the canonical decimal string. */
export function parseNumeric(text: string): string {
  let at = 0;
  while (isCSpace(text[at])) at++;
  let result: () => string;
  const head = text.slice(at, at + 9).toLowerCase();
  const special = SPECIALS.find(([spelling]) => head.startsWith(spelling));
  if (special !== undefined) {
    result = () => special[1];
    at += special[0].length;
  } else {
    const number = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))/.exec(text.slice(at));
    if (number === null) throw invalidSyntax('numeric', text);
    at += number[0].length;
    let exponent = 0;
    if (text[at] === 'e' || text[at] === 'E') {
      // strtol: whitespace and a sign may precede the digits.
      const written = /^[ \t\n\r\v\f]*([+-]?\d+)/.exec(text.slice(at + 1));
      if (written === null) throw invalidSyntax('numeric', text);
      exponent = Number(written[1]);
      if (Math.abs(exponent) >= EXPONENT_LIMIT) throw overflow();
      at += 1 + written[0].length;
    }
    // Built after the syntax check: trailing junk is reported before a value too big to store.
    result = () => scaleDecimal(number[1] === '-', number[2] ?? '', number[3] ?? number[4] ?? '', exponent);
  }
  while (isCSpace(text[at])) at++;
  if (at !== text.length) throw invalidSyntax('numeric', text);
  return result();
}

/** integer.fraction × 10^exponent, keeping the display scale fraction.length - exponent. */
function scaleDecimal(negative: boolean, integer: string, fraction: string, exponent: number): string {
  const digits = integer + fraction;
  const scale = Math.max(0, fraction.length - exponent);
  const firstNonZero = digits.search(/[1-9]/);
  if (scale > NUMERIC_MAX_DSCALE) throw overflow();
  if (firstNonZero < 0) return scale === 0 ? '0' : `0.${'0'.repeat(scale)}`;
  const point = integer.length + exponent;
  // Weight of the first nonzero digit, in base-10000 digits as PostgreSQL stores it.
  if (Math.floor((point - firstNonZero - 1) / 4) > NUMERIC_MAX_WEIGHT) throw overflow();
  const significant = digits.slice(firstNonZero);
  const at = point - firstNonZero;
  const whole = at <= 0 ? '0' : significant.slice(0, at).padEnd(at, '0');
  const decimals = (at < 0 ? '0'.repeat(-at) + significant : significant.slice(at)).padEnd(scale, '0').slice(0, scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${decimals}` : ''}`;
}

/**
 * The canonical text of a numeric value the engine holds, as numeric_out prints it. The engine
 * accepts '+1.', '.5' and '-0'; PostgreSQL would print those as '1', '0.5' and '0'.
 */
export function formatNumeric(value: string): string {
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return value;
  const match = NUMERIC_PATTERN.exec(value);
  if (match === null) throw invalidSyntax('numeric', value);
  const fraction = match[3] ?? match[4] ?? '';
  const whole = (match[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const nonZero = /[1-9]/.test(whole + fraction);
  return `${match[1] === '-' && nonZero ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}
