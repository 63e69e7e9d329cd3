/**
 * Date, time, timestamp and interval arithmetic as PostgreSQL 15 does it: adding an interval
 * adds months in the calendar (the day clamped to the month's end), then days, then the time
 * part, in local time for timestamptz; subtracting timestamps gives hours folded into days
 * (interval_justify_hours); interval * and / a double cascade fractional months into days and
 * fractional days into time; infinities pass through where PostgreSQL lets them.
 */
import type { Interval } from '../../../engine/types.ts';
import {
  DATE_NEG_INFINITY,
  DATE_POS_INFINITY,
  MICROS_PER_DAY,
  TIMESTAMP_NEG_INFINITY,
  TIMESTAMP_POS_INFINITY,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  isValidDate,
  isValidTimestamp,
  splitTimestamp,
} from '../../types/calendar.ts';
import { roundHalfEven } from '../../types/datetime-tokens.ts';
import type { TimeZone } from '../../types/time-zone.ts';
import { EngineError, FnState, divisionByZero } from '../errors.ts';
import { isFiniteTimestamp, toLocal, toUtc } from './zone.ts';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function datetimeError(message: string): EngineError {
  return new EngineError(FnState.datetimeFieldOverflow, message);
}

export function intervalOutOfRange(): EngineError {
  return datetimeError('interval out of range');
}

function timestampOutOfRange(): EngineError {
  return datetimeError('timestamp out of range');
}

export function isFiniteDate(days: number): boolean {
  return days !== DATE_NEG_INFINITY && days !== DATE_POS_INFINITY;
}

function int32(value: number): number {
  if (!(value >= INT32_MIN && value <= INT32_MAX)) throw intervalOutOfRange();
  return value;
}

function int64(value: bigint): bigint {
  if (value < INT64_MIN || value > INT64_MAX) throw intervalOutOfRange();
  return value;
}

// ---- dates -------------------------------------------------------------------------------------

export function datePlusDays(date: number, days: number): number {
  if (!isFiniteDate(date)) return date;
  const result = date + days;
  if (!isValidDate(result)) throw datetimeError('date out of range');
  return result;
}

export function dateMinusDate(a: number, b: number): number {
  if (!isFiniteDate(a) || !isFiniteDate(b)) throw datetimeError('cannot subtract infinite dates');
  return a - b;
}

export function dateToTimestamp(days: number): bigint {
  if (days === DATE_NEG_INFINITY) return TIMESTAMP_NEG_INFINITY;
  if (days === DATE_POS_INFINITY) return TIMESTAMP_POS_INFINITY;
  const micros = BigInt(days) * MICROS_PER_DAY;
  if (!isValidTimestamp(micros)) throw datetimeError('date out of range for timestamp');
  return micros;
}

// ---- timestamps and intervals ------------------------------------------------------------------

/** timestamp + interval on a local (wall-clock) timestamp. */
function addToLocal(local: bigint, span: Interval): bigint {
  let result = local;
  if (span.months !== 0 || span.days !== 0) {
    const { days, time } = splitTimestamp(result);
    let { year, month, day } = civilFromDays(days);
    if (span.months !== 0) {
      const total = year * 12 + (month - 1) + span.months;
      year = Math.floor(total / 12);
      month = total - year * 12 + 1;
      day = Math.min(day, daysInMonth(year, month));
    }
    const resultDays = daysFromCivil(year, month, day) + span.days;
    result = BigInt(resultDays) * MICROS_PER_DAY + time;
    if (!isValidTimestamp(result)) throw timestampOutOfRange();
  }
  return result;
}

export function timestampPlusInterval(timestamp: bigint, span: Interval): bigint {
  if (!isFiniteTimestamp(timestamp)) return timestamp;
  const result = addToLocal(timestamp, span) + span.micros;
  if (!isValidTimestamp(result)) throw timestampOutOfRange();
  return result;
}

export function timestamptzPlusInterval(timestamp: bigint, span: Interval, zone: TimeZone): bigint {
  if (!isFiniteTimestamp(timestamp)) return timestamp;
  let result = timestamp;
  if (span.months !== 0 || span.days !== 0) result = toUtc(addToLocal(toLocal(timestamp, zone), span), zone);
  result += span.micros;
  if (!isValidTimestamp(result)) throw timestampOutOfRange();
  return result;
}

export function negateInterval(span: Interval): Interval {
  return { months: int32(-span.months), days: int32(-span.days), micros: int64(-span.micros) };
}

export function addIntervals(a: Interval, b: Interval): Interval {
  return { months: int32(a.months + b.months), days: int32(a.days + b.days), micros: int64(a.micros + b.micros) };
}

export function subtractIntervals(a: Interval, b: Interval): Interval {
  return { months: int32(a.months - b.months), days: int32(a.days - b.days), micros: int64(a.micros - b.micros) };
}

/** interval_justify_hours: whole days out of the time part, the signs made to agree. */
export function justifyHours(span: Interval): Interval {
  let days = span.days + Number(span.micros / MICROS_PER_DAY);
  let micros = span.micros % MICROS_PER_DAY;
  if (days > 0 && micros < 0n) {
    micros += MICROS_PER_DAY;
    days--;
  } else if (days < 0 && micros > 0n) {
    micros -= MICROS_PER_DAY;
    days++;
  }
  return { months: span.months, days: int32(days), micros };
}

export function justifyDays(span: Interval): Interval {
  const wholeMonths = Math.trunc(span.days / 30);
  let days = span.days - wholeMonths * 30;
  let months = span.months + wholeMonths;
  if (months > 0 && days < 0) {
    days += 30;
    months--;
  } else if (months < 0 && days > 0) {
    days -= 30;
    months++;
  }
  return { months: int32(months), days, micros: span.micros };
}

export function justifyInterval(span: Interval): Interval {
  let micros = span.micros % MICROS_PER_DAY;
  let days = span.days + Number(span.micros / MICROS_PER_DAY);
  const wholeMonths = Math.trunc(days / 30);
  days -= wholeMonths * 30;
  let months = span.months + wholeMonths;
  if (months > 0 && (days < 0 || (days === 0 && micros < 0n))) {
    days += 30;
    months--;
  } else if (months < 0 && (days > 0 || (days === 0 && micros > 0n))) {
    days -= 30;
    months++;
  }
  if (days > 0 && micros < 0n) {
    micros += MICROS_PER_DAY;
    days--;
  } else if (days < 0 && micros > 0n) {
    micros -= MICROS_PER_DAY;
    days++;
  }
  return { months: int32(months), days: int32(days), micros };
}

export function timestampMinus(a: bigint, b: bigint): Interval {
  if (!isFiniteTimestamp(a) || !isFiniteTimestamp(b)) throw datetimeError('cannot subtract infinite timestamps');
  return justifyHours({ months: 0, days: 0, micros: int64(a - b) });
}

/** TSROUND: to the nearest microsecond-of-a-unit, against float noise. */
function tsRound(value: number): number {
  return roundHalfEven(value * 1_000_000) / 1_000_000;
}

/** interval_mul. */
export function multiplyInterval(span: Interval, factor: number): Interval {
  return scaleInterval(span, (n) => n * factor);
}

export function divideInterval(span: Interval, factor: number): Interval {
  if (factor === 0) throw divisionByZero();
  return scaleInterval(span, (n) => n / factor);
}

function scaleInterval(span: Interval, scale: (n: number) => number): Interval {
  const monthsExact = scale(span.months);
  if (Number.isNaN(monthsExact) || monthsExact > INT32_MAX || monthsExact < INT32_MIN) throw intervalOutOfRange();
  const months = Math.trunc(monthsExact);
  const daysExact = scale(span.days);
  if (Number.isNaN(daysExact) || daysExact > INT32_MAX || daysExact < INT32_MIN) throw intervalOutOfRange();
  let days = Math.trunc(daysExact);
  const monthRemainderDays = tsRound((monthsExact - months) * 30);
  let secondRemainder = tsRound((daysExact - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86_400);
  if (Math.abs(secondRemainder) >= 86_400) {
    const whole = Math.trunc(secondRemainder / 86_400);
    days += whole;
    secondRemainder -= whole * 86_400;
  }
  days += Math.trunc(monthRemainderDays);
  const time = roundHalfEven(scale(Number(span.micros)) + secondRemainder * 1_000_000);
  if (Number.isNaN(time) || !(time >= -9223372036854775808 && time < 9223372036854775808)) throw intervalOutOfRange();
  return { months, days: int32(days), micros: BigInt(time) };
}

// ---- time of day -------------------------------------------------------------------------------

export function timePlusInterval(time: bigint, span: Interval): bigint {
  let result = (time + span.micros) % MICROS_PER_DAY;
  if (result < 0n) result += MICROS_PER_DAY;
  return result;
}

export function timeMinusInterval(time: bigint, span: Interval): bigint {
  let result = (time - span.micros) % MICROS_PER_DAY;
  if (result < 0n) result += MICROS_PER_DAY;
  return result;
}
