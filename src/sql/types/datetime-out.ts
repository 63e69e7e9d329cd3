/**
 * Text output of date, time, timestamp, timestamptz and interval as PostgreSQL 15 prints them
 * with DateStyle 'ISO, MDY' and IntervalStyle 'postgres' (EncodeDateOnly, EncodeTimeOnly,
 * EncodeDateTime, EncodeInterval in datetime.c): '2020-01-02', '0044-03-15 BC', '12:34:56.5',
 * '2020-01-02 12:34:56+05:30', '1 year 2 mons -3 days +04:05:06'.
 */
import type { Interval } from '../../engine/types.ts';
import {
  DATE_NEG_INFINITY,
  DATE_POS_INFINITY,
  MICROS_PER_SECOND,
  TIMESTAMP_NEG_INFINITY,
  TIMESTAMP_POS_INFINITY,
  UNIX_EPOCH_DAYS,
  SECONDS_PER_DAY,
  civilFromDays,
  splitTimestamp,
} from './calendar.ts';
import { sessionTimeZone } from './time-zone.ts';

const MICROS_PER_MINUTE = 60n * MICROS_PER_SECOND;
const MICROS_PER_HOUR = 60n * MICROS_PER_MINUTE;

const pad = (value: number | bigint, width = 2) => String(value).padStart(width, '0');

/** AppendSeconds: two-digit seconds, then the fraction without trailing zeros. */
function seconds(whole: number | bigint, micros: number | bigint): string {
  const abs = (n: number | bigint) => (n < 0 ? -n : n);
  const fraction = micros === 0 || micros === 0n ? '' : `.${pad(abs(micros), 6).replace(/0+$/, '')}`;
  return pad(abs(whole)) + fraction;
}

/** hh:mm:ss[.f] of microseconds into a day (24:00:00 included). */
function clock(micros: bigint): string {
  const hours = micros / MICROS_PER_HOUR;
  const minutes = (micros / MICROS_PER_MINUTE) % 60n;
  const whole = (micros / MICROS_PER_SECOND) % 60n;
  return `${pad(hours)}:${pad(minutes)}:${seconds(whole, micros % MICROS_PER_SECOND)}`;
}

/** The date part and the era suffix: years ≤ 0 print as 1 BC, 2 BC, … */
function calendarDate(days: number): { text: string; era: string } {
  const { year, month, day } = civilFromDays(days);
  const era = year <= 0 ? ' BC' : '';
  return { text: `${pad(year <= 0 ? 1 - year : year, 4)}-${pad(month)}-${pad(day)}`, era };
}

export function formatDate(days: number): string {
  if (days === DATE_NEG_INFINITY) return '-infinity';
  if (days === DATE_POS_INFINITY) return 'infinity';
  const { text, era } = calendarDate(days);
  return text + era;
}

export function formatTime(micros: bigint): string {
  return clock(micros);
}

/** timestamp, or timestamptz when a session TimeZone setting is given. */
export function formatTimestamp(micros: bigint, timeZone?: string): string {
  if (micros === TIMESTAMP_NEG_INFINITY) return '-infinity';
  if (micros === TIMESTAMP_POS_INFINITY) return 'infinity';
  let zone = '';
  let local = micros;
  if (timeZone !== undefined) {
    const utcSeconds = Number(splitSeconds(micros)) - UNIX_EPOCH_DAYS * SECONDS_PER_DAY;
    const offset = sessionTimeZone(timeZone).offsetAt(utcSeconds);
    local += BigInt(offset) * MICROS_PER_SECOND;
    zone = formatOffset(offset);
  }
  const { days, time } = splitTimestamp(local);
  const { text, era } = calendarDate(days);
  return `${text} ${clock(time)}${zone}${era}`;
}

/** Whole seconds since 2000-01-01, rounded down. */
function splitSeconds(micros: bigint): bigint {
  const whole = micros / MICROS_PER_SECOND;
  return micros < 0n && whole * MICROS_PER_SECOND !== micros ? whole - 1n : whole;
}

/** EncodeTimezone: '+00', '+05:30', '-03', '+00:09:21'. */
function formatOffset(east: number): string {
  const abs = Math.abs(east);
  const [hours, minutes, secs] = [Math.floor(abs / 3600), Math.floor(abs / 60) % 60, abs % 60];
  const tail = secs !== 0 ? `:${pad(minutes)}:${pad(secs)}` : minutes !== 0 ? `:${pad(minutes)}` : '';
  return `${east >= 0 ? '+' : '-'}${pad(hours)}${tail}`;
}

/** EncodeInterval in the 'postgres' style; a field after a negative one carries an explicit sign. */
export function formatInterval({ months, days, micros }: Interval): string {
  let text = '';
  let isZero = true;
  let isBefore = false;
  const part = (value: number, unit: string) => {
    if (value === 0) return;
    text += `${isZero ? '' : ' '}${isBefore && value > 0 ? '+' : ''}${value} ${unit}${value !== 1 ? 's' : ''}`;
    isBefore = value < 0;
    isZero = false;
  };
  part(Math.trunc(months / 12), 'year');
  part(months % 12, 'mon');
  part(days, 'day');
  const hours = micros / MICROS_PER_HOUR;
  const minutes = (micros / MICROS_PER_MINUTE) % 60n;
  const whole = (micros / MICROS_PER_SECOND) % 60n;
  const fraction = micros % MICROS_PER_SECOND;
  if (isZero || micros !== 0n) {
    const sign = micros < 0n ? '-' : isBefore ? '+' : '';
    const abs = (n: bigint) => (n < 0n ? -n : n);
    text += `${isZero ? '' : ' '}${sign}${pad(abs(hours))}:${pad(abs(minutes))}:${seconds(whole, fraction)}`;
  }
  return text;
}
