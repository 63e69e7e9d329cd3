/**
 * Exact decimals (the numeric type) as an unscaled bigint and a scale: '-12.50' is
 * { negative: true, unscaled: 1250n, scale: 2 }. The scale is kept, so '1.50' reads back as
 * '1.50' (PostgreSQL keeps a numeric's display scale too).
 */
import { NUMERIC_PATTERN } from './types.ts';

export type Decimal =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly unscaled: bigint; readonly scale: number }
  | { readonly kind: 'NaN' | 'Infinity' | '-Infinity' };

/** Parses a numeric value that `checkValue` accepted. */
export function parseDecimal(text: string): Decimal {
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return { kind: text };
  const match = NUMERIC_PATTERN.exec(text) as RegExpExecArray;
  const integer = match[2] ?? '';
  const fraction = match[3] ?? match[4] ?? '';
  const unscaled = BigInt(integer + fraction || '0');
  return { kind: 'finite', negative: match[1] === '-' && unscaled !== 0n, unscaled, scale: fraction.length };
}

export function formatDecimal(negative: boolean, unscaled: bigint, scale: number): string {
  const digits = unscaled.toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const text = scale === 0 ? integer : `${integer}.${digits.slice(digits.length - scale)}`;
  return negative && unscaled !== 0n ? `-${text}` : text;
}
