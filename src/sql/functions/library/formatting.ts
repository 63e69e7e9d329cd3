/**
 * to_char, to_number, to_date and to_timestamp(text, text): template formatting of numbers,
 * dates, timestamps (timestamptz in the session's TimeZone) and intervals.
 */
import type { Interval } from '../../../engine/types.ts';
import { TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY } from '../../types/calendar.ts';
import { formatDatetime, intervalParts, timestampParts, toDate, toTimestamp, zoneAbbreviation } from '../datetime/datetime-format.ts';
import { offsetAt, sessionZone, toLocal } from '../datetime/zone.ts';
import { exactDecimal } from '../numeric/convert.ts';
import { isSpecial, readNum } from '../numeric/decimal.ts';
import { binary, fn } from '../registry.ts';
import { formatNumber, parseNumber, type Formattable } from '../strings/number-format.ts';

const stable = { volatility: 'stable' } as const;

const infinite = (micros: bigint) => micros === TIMESTAMP_NEG_INFINITY || micros === TIMESTAMP_POS_INFINITY;

fn('to_char', ['timestamp', 'text'], 'text', binary<bigint, string>((t, format) => (infinite(t) ? null : formatDatetime(timestampParts(t, 0), format, false))), stable);
fn('to_char', ['timestamptz', 'text'], 'text', binary<bigint, string>((t, format, ctx) => {
  if (infinite(t)) return null;
  const zone = sessionZone(ctx.timeZone);
  return formatDatetime(timestampParts(toLocal(t, zone), offsetAt(zone, t), zoneAbbreviation(zone, ctx.timeZone, t)), format, false);
}), stable);
fn('to_char', ['interval', 'text'], 'text', binary<Interval, string>((i, format) => formatDatetime(intervalParts(i), format, true)), stable);

const fromInteger = (value: number | bigint): Formattable => ({ kind: 'decimal', value: { v: BigInt(value), s: 0 }, halfEven: false });
const fromFloat = (value: number): Formattable =>
  Number.isFinite(value) ? { kind: 'decimal', value: exactDecimal(value), halfEven: true } : { kind: 'special', text: String(value) };
const fromNumeric = (text: string): Formattable => {
  const value = readNum(text);
  return isSpecial(value) ? { kind: 'special', text: value } : { kind: 'decimal', value, halfEven: false };
};

for (const kind of ['int4', 'int8']) fn('to_char', [kind, 'text'], 'text', binary<number | bigint, string>((n, format) => formatNumber(fromInteger(n), format)), stable);
fn('to_char', ['float4', 'text'], 'text', binary<number, string>((n, format) => formatNumber(fromFloat(Math.fround(n)), format)), stable);
fn('to_char', ['float8', 'text'], 'text', binary<number, string>((n, format) => formatNumber(fromFloat(n), format)), stable);
fn('to_char', ['numeric', 'text'], 'text', binary<string, string>((n, format) => formatNumber(fromNumeric(n), format)), stable);

fn('to_number', ['text', 'text'], 'numeric', binary<string, string>(parseNumber), stable);
fn('to_date', ['text', 'text'], 'date', binary<string, string>(toDate), stable);
fn('to_timestamp', ['text', 'text'], 'timestamptz', binary<string, string>((text, format, ctx) => toTimestamp(text, format, sessionZone(ctx.timeZone))), stable);
