/**
 * Building dates, times, timestamps and intervals from parts (make_date, make_time,
 * make_timestamp[tz], make_interval, to_timestamp(double)) and age(), with PostgreSQL 15's
 * validation and messages ('date field value out of range: 2020-02-30', 22008).
 */
import type { Interval } from '../../../engine/types.ts';
import { MICROS_PER_DAY, UNIX_EPOCH_DAYS, civilFromDays, daysFromCivil, daysInMonth, isValidDate, isValidJulian, isValidTimestamp, splitTimestamp } from '../../types/calendar.ts';
import { roundHalfEven } from '../../types/datetime-tokens.ts';
import type { TimeZone } from '../../types/time-zone.ts';
import { datetimeError, intervalOutOfRange } from './arithmetic.ts';
import { isFiniteTimestamp, toLocal, toUtc } from './zone.ts';

/** C's %g: six significant digits, exponent form below 1e-4 and from 1e6. */
export function formatG(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return value === 0 ? '0' : String(value).replace('Infinity', 'inf');
  const [mantissa, exponentText] = value.toExponential(5).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    return `${mantissa.replace(/\.?0+$/, '')}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = value.toFixed(Math.max(0, 5 - exponent));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** make_date: negative years are BC (no year 0). */
export function makeDate(year: number, month: number, day: number): number {
  const bad = () => datetimeError(`date field value out of range: ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  if (year === 0) throw bad();
  const astronomical = year < 0 ? year + 1 : year;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(astronomical, month)) throw bad();
  if (!isValidJulian(astronomical, month)) throw datetimeError(`date out of range: ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  const days = daysFromCivil(astronomical, month, day);
  if (!isValidDate(days)) throw datetimeError(`date out of range: ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  return days;
}

/** make_time: hour 0–24, minute 0–59, second 0–60, at most 24:00:00. */
export function makeTime(hour: number, minute: number, second: number): bigint {
  const bad = () => datetimeError(`time field value out of range: ${hour}:${String(minute).padStart(2, '0')}:${formatG(second).padStart(2, '0')}`);
  if (hour < 0 || hour > 24 || minute < 0 || minute > 59 || !(second >= 0 && second <= 60)) throw bad();
  const micros = BigInt((hour * 60 + minute) * 60) * 1_000_000n + BigInt(roundHalfEven(second * 1_000_000));
  if (micros > MICROS_PER_DAY) throw bad();
  return micros;
}

/** make_timestamp: a local date and time. */
export function makeTimestamp(year: number, month: number, day: number, hour: number, minute: number, second: number): bigint {
  const days = makeDate(year, month, day);
  const time = makeTime(hour, minute, second);
  const micros = BigInt(days) * MICROS_PER_DAY + time;
  if (!isValidTimestamp(micros)) {
    throw datetimeError(`timestamp out of range: ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} ${hour}:${String(minute).padStart(2, '0')}:${formatG(second).padStart(2, '0')}`);
  }
  return micros;
}

export function makeTimestamptz(parts: readonly number[], zone: TimeZone): bigint {
  const [year, month, day, hour, minute, second] = parts;
  return toUtc(makeTimestamp(year, month, day, hour, minute, second), zone);
}

export function makeInterval(years: number, months: number, weeks: number, days: number, hours: number, minutes: number, seconds: number): Interval {
  if (!Number.isFinite(seconds)) throw intervalOutOfRange();
  const totalMonths = years * 12 + months;
  const totalDays = weeks * 7 + days;
  if (totalMonths > 2147483647 || totalMonths < -2147483648 || totalDays > 2147483647 || totalDays < -2147483648) throw intervalOutOfRange();
  const micros = (BigInt(hours) * 3600n + BigInt(minutes) * 60n) * 1_000_000n + BigInt(roundHalfEven(seconds * 1_000_000));
  return { months: totalMonths, days: totalDays, micros };
}

/** to_timestamp(double): seconds since 1970 as timestamptz, rounded to microseconds. */
export function toTimestampFromEpoch(seconds: number): bigint {
  if (Number.isNaN(seconds)) throw datetimeError('timestamp cannot be NaN');
  if (seconds === Infinity) return 2n ** 63n - 1n;
  if (seconds === -Infinity) return -(2n ** 63n);
  // Julian day 0 up to 294277-01-01, in seconds since 1970.
  if (seconds < -210_866_803_200 || seconds >= 9_224_318_016_000) throw datetimeError(`timestamp out of range: "${formatG(seconds)}"`);
  const micros = BigInt(roundHalfEven((seconds + UNIX_EPOCH_DAYS * 86_400) * 1_000_000));
  if (!isValidTimestamp(micros)) throw datetimeError(`timestamp out of range: "${formatG(seconds)}"`);
  return micros;
}

interface Tm {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
}

function tm(local: bigint): Tm {
  const { days, time } = splitTimestamp(local);
  const { year, month, day } = civilFromDays(days);
  const t = Number(time);
  return { year, month, day, hour: Math.floor(t / 3_600_000_000), minute: Math.floor(t / 60_000_000) % 60, second: Math.floor(t / 1_000_000) % 60, micros: t % 1_000_000 };
}

/**
 * age(a, b): the symbolic difference, field by field, borrowing as PostgreSQL does (a month
 * borrowed is the length of the month of the later/earlier argument). `zone` reads
 * timestamptz values in local time.
 */
export function age(a: bigint, b: bigint, zone?: TimeZone): Interval {
  if (!isFiniteTimestamp(a) || !isFiniteTimestamp(b)) throw datetimeError('timestamp out of range');
  const t1 = tm(zone === undefined ? a : toLocal(a, zone));
  const t2 = tm(zone === undefined ? b : toLocal(b, zone));
  const flip = a < b;
  const sign = flip ? -1 : 1;
  let micros = sign * (t1.micros - t2.micros);
  let second = sign * (t1.second - t2.second);
  let minute = sign * (t1.minute - t2.minute);
  let hour = sign * (t1.hour - t2.hour);
  let day = sign * (t1.day - t2.day);
  let month = sign * (t1.month - t2.month);
  let year = sign * (t1.year - t2.year);
  while (micros < 0) {
    micros += 1_000_000;
    second--;
  }
  while (second < 0) {
    second += 60;
    minute--;
  }
  while (minute < 0) {
    minute += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    day--;
  }
  const borrowFrom = flip ? t1 : t2;
  while (day < 0) {
    day += daysInMonth(borrowFrom.year, borrowFrom.month);
    month--;
  }
  while (month < 0) {
    month += 12;
    year--;
  }
  const time = ((BigInt(hour) * 60n + BigInt(minute)) * 60n + BigInt(second)) * 1_000_000n + BigInt(micros);
  return { months: sign * (year * 12 + month) + 0, days: sign * day + 0, micros: flip ? -time : time };
}
