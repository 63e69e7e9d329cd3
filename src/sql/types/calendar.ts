/**
 * PostgreSQL's calendar: the proleptic Gregorian calendar with astronomical year numbers (year 0
 * is 1 BC), dates as days and timestamps as microseconds since 2000-01-01, the ranges PostgreSQL
 * accepts, and ±infinity as the extremes of the integer types (as in its binary format).
 */

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_DAY = 86_400_000_000n;
export const SECONDS_PER_DAY = 86_400;

/** 1970-01-01 (the Unix epoch) in days since 2000-01-01 (PostgreSQL's epoch). */
export const UNIX_EPOCH_DAYS = -10_957;

/** A JavaScript time (ms since 1970) as a timestamp value (µs since 2000-01-01 UTC). */
export function timestampOfMillis(ms: number): bigint {
  return BigInt(ms + UNIX_EPOCH_DAYS * SECONDS_PER_DAY * 1000) * 1000n;
}
/** Julian day number of 2000-01-01. */
const EPOCH_JULIAN_DAY = 2_451_545;

export const DATE_NEG_INFINITY = -2_147_483_648;
export const DATE_POS_INFINITY = 2_147_483_647;
export const TIMESTAMP_NEG_INFINITY = -(2n ** 63n);
export const TIMESTAMP_POS_INFINITY = 2n ** 63n - 1n;

/** Julian day 0 (4714-11-24 BC) up to 5874898-01-01 (exclusive): date_in's range. */
const DATE_MIN = -EPOCH_JULIAN_DAY;
const DATE_END = 2_147_483_494 - EPOCH_JULIAN_DAY;
/** 4714-11-24 BC 00:00 up to 294277-01-01 00:00 (exclusive): timestamp_in's range. */
const TIMESTAMP_MIN = BigInt(DATE_MIN) * MICROS_PER_DAY;
const TIMESTAMP_END = 9_223_371_331_200_000_000n;

export interface CivilDate {
  /** Astronomical: 0 is 1 BC, -1 is 2 BC. */
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Days since 2000-01-01 of a calendar date (any year; the algorithm works on whole 400-year eras). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468 + UNIX_EPOCH_DAYS;
}

export function civilFromDays(days: number): CivilDate {
  const z = days - UNIX_EPOCH_DAYS + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** PostgreSQL's IS_VALID_JULIAN: a cheap guard on year and month before any day arithmetic. */
export function isValidJulian(year: number, month: number): boolean {
  return (year > -4713 || (year === -4713 && month >= 11)) && (year < 5_874_898 || (year === 5_874_898 && month < 6));
}

export function isValidDate(days: number): boolean {
  return days >= DATE_MIN && days < DATE_END;
}

export function isValidTimestamp(micros: bigint): boolean {
  return micros >= TIMESTAMP_MIN && micros < TIMESTAMP_END;
}

/** A timestamp split into its day and the microseconds into that day (always 0 ≤ time < a day). */
export function splitTimestamp(micros: bigint): { days: number; time: bigint } {
  let days = micros / MICROS_PER_DAY;
  let time = micros - days * MICROS_PER_DAY;
  if (time < 0n) {
    time += MICROS_PER_DAY;
    days -= 1n;
  }
  return { days: Number(days), time };
}
