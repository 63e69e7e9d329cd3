/**
 * numeric in PostgreSQL's binary format (numeric_send / numeric_recv): int16 digit count, int16
 * weight, uint16 sign, uint16 display scale, then base-10000 digits, most significant first,
 * without leading or trailing zero digits. The value is Σ digit[i] · 10000^(weight - i).
 */
import { invalidBinary } from './errors.ts';
import { NUMERIC_MAX_DSCALE, formatNumeric } from './numeric.ts';

export interface WireNumeric {
  readonly weight: number;
  readonly sign: number;
  readonly dscale: number;
  readonly digits: readonly number[];
}

const POSITIVE = 0x0000;
const NEGATIVE = 0x4000;
/**
 * Special values' signs, and the display scale numeric_send gives them: it reads it from the bits
 * of their short header, which makes 0 for NaN and 32 for ±Infinity.
 */
const SPECIALS = new Map([
  ['NaN', { sign: 0xc000, dscale: 0 }],
  ['Infinity', { sign: 0xd000, dscale: 32 }],
  ['-Infinity', { sign: 0xf000, dscale: 32 }],
]);
const SPECIAL_VALUES = new Map([...SPECIALS].map(([value, { sign }]) => [sign, value]));

/** numeric_send's fields for a numeric value. */
export function numericToWire(value: string): WireNumeric {
  const special = SPECIALS.get(value);
  if (special !== undefined) return { weight: 0, ...special, digits: [] };
  const text = formatNumeric(value);
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const integerGroups = Math.ceil(whole.length / 4);
  const padded = whole.padStart(integerGroups * 4, '0') + fraction.padEnd(Math.ceil(fraction.length / 4) * 4, '0');
  const groups: number[] = [];
  for (let i = 0; i < padded.length; i += 4) groups.push(Number(padded.slice(i, i + 4)));
  let weight = integerGroups - 1;
  let first = 0;
  while (first < groups.length && groups[first] === 0) first++;
  let last = groups.length;
  while (last > first && groups[last - 1] === 0) last--;
  if (first === last) return { weight: 0, sign: POSITIVE, dscale: fraction.length, digits: [] };
  weight -= first;
  return { weight, sign: negative ? NEGATIVE : POSITIVE, dscale: fraction.length, digits: groups.slice(first, last) };
}

/** numeric_recv's check of the sign, made as soon as it is read: 22P03 if not a valid one. */
export function checkedSign(sign: number): number {
  if (!SPECIAL_VALUES.has(sign) && sign !== POSITIVE && sign !== NEGATIVE) throw invalidBinary('invalid sign in external "numeric" value');
  return sign;
}

/** numeric_recv's check of the display scale, made as soon as it is read. */
export function checkedScale(dscale: number): number {
  if (dscale > NUMERIC_MAX_DSCALE) throw invalidBinary('invalid scale in external "numeric" value');
  return dscale;
}

/**
 * numeric_recv's value for a checked header: digits are checked (22P03)
 * and those beyond the display scale truncated, as PostgreSQL's trunc_var does.
 */
export function numericFromWire({ weight, sign, dscale, digits }: WireNumeric): string {
  if (digits.some((digit) => digit < 0 || digit > 9999)) throw invalidBinary('invalid digit in external "numeric" value');
  const special = SPECIAL_VALUES.get(sign);
  if (special !== undefined) return special;
  const group = (index: number) => String(digits[index] ?? 0).padStart(4, '0');
  let whole = '';
  for (let i = 0; i <= weight; i++) whole += group(i);
  let fraction = '';
  for (let place = 1; fraction.length < dscale; place++) fraction += group(weight + place);
  return formatNumeric(`${sign === NEGATIVE ? '-' : ''}${whole || '0'}${dscale > 0 ? `.${fraction.slice(0, dscale)}` : ''}`);
}
