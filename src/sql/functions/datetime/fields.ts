/**
 * Fields of dates, times, timestamps and intervals: extract (numeric), date_part (double
 * precision, with PostgreSQL's own float formulas so results match to the last bit) and
 * date_trunc, with their unit spellings, errors ('unit "x" not recognized for type …' 22023,
 * '… not supported for type …' 0A000) and their treatment of infinities (NULL for oscillating
 * fields, ±Infinity for ever-growing ones).
 */
import type { Interval } from '../../../engine/types.ts';
import { MICROS_PER_DAY, UNIX_EPOCH_DAYS, civilFromDays, daysFromCivil, splitTimestamp, isValidTimestamp } from '../../types/calendar.ts';
import type { TimeZone } from '../../types/time-zone.ts';
import { EngineError, FnState } from '../errors.ts';
import { add, divide } from '../numeric/arithmetic.ts';
import type { Num } from '../numeric/decimal.ts';
import { datetimeError, isFiniteDate } from './arithmetic.ts';
import { isFiniteTimestamp, offsetAt, toLocal, toUtc } from './zone.ts';

export type Unit =
  | 'microseconds' | 'milliseconds' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter'
  | 'year' | 'decade' | 'century' | 'millennium' | 'epoch' | 'julian' | 'dow' | 'isodow' | 'doy' | 'isoyear'
  | 'timezone' | 'timezone_h' | 'timezone_m';

const UNITS = new Map<string, Unit>();
for (const [unit, spellings] of Object.entries({
  microseconds: 'microsecon us usec usecs useconds microsecond',
  milliseconds: 'millisecon ms msec msecs mseconds millisecond',
  second: 'second seconds s sec secs',
  minute: 'minute minutes m min mins',
  hour: 'hour hours h hr hrs',
  day: 'day days d',
  week: 'week weeks w',
  month: 'month months mon mons',
  quarter: 'quarter qtr',
  year: 'year years y yr yrs',
  decade: 'decade decades dec decs',
  century: 'century centuries c cent',
  millennium: 'millennium millennia mil mils',
  epoch: 'epoch',
  julian: 'julian j',
  dow: 'dow',
  isodow: 'isodow',
  doy: 'doy',
  isoyear: 'isoyear',
  timezone: 'timezone',
  timezone_h: 'timezone_h',
  timezone_m: 'timezone_m',
})) {
  for (const spelling of spellings.split(' ')) UNITS.set(spelling, unit as Unit);
}

const TYPE_NAMES = {
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  date: 'date',
  time: 'time without time zone',
  interval: 'interval',
} as const;
type FieldType = keyof typeof TYPE_NAMES;

/** Units found among PostgreSQL's reserved words rather than its units: date_trunc knows none of them. */
const SPECIAL_UNITS = new Set<Unit>(['epoch', 'julian', 'dow', 'isodow', 'doy', 'isoyear']);

function notRecognized(spelled: string, type: FieldType): EngineError {
  return new EngineError(FnState.invalidParameterValue, `unit "${spelled}" not recognized for type ${TYPE_NAMES[type]}`);
}

/** The unit a field name means (lower-cased, then read by its first 10 characters as DecodeUnits does). */
export function readUnit(text: string, type: FieldType): { unit: Unit; spelled: string } {
  const spelled = text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  const unit = UNITS.get(spelled.slice(0, 10));
  if (unit === undefined) throw notRecognized(spelled, type);
  return { unit, spelled };
}

function unsupported(spelled: string, type: FieldType, detail?: string): EngineError {
  return new EngineError(FnState.featureNotSupported, `unit "${spelled}" not supported for type ${TYPE_NAMES[type]}`, { detail });
}

// ---- broken-down time --------------------------------------------------------------------------

interface Broken {
  readonly days: number;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly micros: number;
}

function breakDown(local: bigint): Broken {
  const { days, time } = splitTimestamp(local);
  const { year, month, day } = civilFromDays(days);
  const t = Number(time);
  return {
    days,
    year,
    month,
    day,
    hour: Math.floor(t / 3_600_000_000),
    minute: Math.floor(t / 60_000_000) % 60,
    second: Math.floor(t / 1_000_000) % 60,
    micros: t % 1_000_000,
  };
}

/** Julian day number of a date given as days since 2000-01-01. */
const JULIAN_2000 = 2_451_545;

export function dayOfWeek(days: number): number {
  return (((days + 6) % 7) + 7) % 7;
}

/** ISO 8601 year and week of a date: the week's Thursday decides the year. */
export function isoWeek(days: number): { year: number; week: number } {
  const isoDow = dayOfWeek(days) || 7;
  const thursday = days + (4 - isoDow);
  const year = civilFromDays(thursday).year;
  return { year, week: Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1 };
}

/** The Monday starting ISO week `week` of ISO year `year`. */
export function isoWeekStart(year: number, week: number): number {
  const jan4 = daysFromCivil(year, 1, 4);
  return jan4 - ((dayOfWeek(jan4) || 7) - 1) + (week - 1) * 7;
}

function yearField(year: number): number {
  return year > 0 ? year : year - 1;
}

const cDiv = (a: number, b: number) => Math.trunc(a / b);

/** Date fields common to timestamps and dates, as integers; undefined when not a date field. */
function dateField(unit: Unit, t: Broken): number | undefined {
  switch (unit) {
    case 'day': return t.day;
    case 'month': return t.month;
    case 'quarter': return cDiv(t.month - 1, 3) + 1;
    case 'week': return isoWeek(t.days).week;
    case 'year': return yearField(t.year);
    case 'decade': return t.year >= 0 ? cDiv(t.year, 10) : -cDiv(8 - (t.year - 1), 10);
    case 'century': return t.year > 0 ? cDiv(t.year + 99, 100) : -cDiv(99 - (t.year - 1), 100);
    case 'millennium': return t.year > 0 ? cDiv(t.year + 999, 1000) : -cDiv(999 - (t.year - 1), 1000);
    case 'isoyear': {
      const year = isoWeek(t.days).year;
      return year <= 0 ? year - 1 : year;
    }
    case 'dow': return dayOfWeek(t.days);
    case 'isodow': return dayOfWeek(t.days) || 7;
    case 'doy': return t.days - daysFromCivil(t.year, 1, 1) + 1;
    default: return undefined;
  }
}

/** int64_div_fast_to_numeric: value / 10^scale with that display scale. */
function scaled(value: bigint | number, scale: number): Num {
  return { v: BigInt(value), s: scale };
}

const EPOCH_MICROS = BigInt(UNIX_EPOCH_DAYS) * MICROS_PER_DAY;

/** What a field of an infinite value is: NULL for oscillating fields, ±Infinity for growing ones. */
function infiniteField(unit: Unit, spelled: string, type: FieldType): 'null' | 'infinity' {
  switch (unit) {
    case 'year': case 'decade': case 'century': case 'millennium': case 'julian': case 'isoyear': case 'epoch':
      return 'infinity';
    case 'timezone': case 'timezone_h': case 'timezone_m':
      if (type !== 'timestamptz') throw unsupported(spelled, type);
      return 'null';
    default:
      if (type === 'date' && ['microseconds', 'milliseconds', 'second', 'minute', 'hour'].includes(unit)) throw unsupported(spelled, type);
      return 'null';
  }
}

export type FieldResult = { readonly numeric: Num } | { readonly float: number } | null;

/**
 * A field of a timestamp (`zone` given: a timestamptz, fields in that zone), for extract
 * (`numeric`) or date_part (float).
 */
export function timestampField(text: string, micros: bigint, zone: TimeZone | undefined, numeric: boolean): FieldResult {
  const type: FieldType = zone === undefined ? 'timestamp' : 'timestamptz';
  const { unit, spelled } = readUnit(text, type);
  if (!isFiniteTimestamp(micros)) {
    if (infiniteField(unit, spelled, type) === 'null') return null;
    return numeric ? { numeric: micros < 0n ? '-Infinity' : 'Infinity' } : { float: micros < 0n ? -Infinity : Infinity };
  }
  const local = zone === undefined ? micros : toLocal(micros, zone);
  const t = breakDown(local);
  const secondMicros = t.second * 1_000_000 + t.micros;
  const integer = (value: number): FieldResult => (numeric ? { numeric: scaled(value, 0) } : { float: value });
  switch (unit) {
    case 'microseconds':
      return integer(secondMicros);
    case 'milliseconds':
      return numeric ? { numeric: scaled(secondMicros, 3) } : { float: t.second * 1000 + t.micros / 1000 };
    case 'second':
      return numeric ? { numeric: scaled(secondMicros, 6) } : { float: t.second + t.micros / 1_000_000 };
    case 'minute':
      return integer(t.minute);
    case 'hour':
      return integer(t.hour);
    case 'epoch':
      return numeric ? { numeric: scaled(micros - EPOCH_MICROS, 6) } : { float: Number(micros - EPOCH_MICROS) / 1_000_000 };
    case 'julian': {
      const dayMicros = ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.micros;
      if (numeric) return { numeric: add(scaled(t.days + JULIAN_2000, 0), divide(scaled(dayMicros, 0), scaled(86_400_000_000, 0))) };
      return { float: t.days + JULIAN_2000 + ((t.hour * 60 + t.minute) * 60 + t.second + t.micros / 1_000_000) / 86_400 };
    }
    case 'timezone':
    case 'timezone_h':
    case 'timezone_m': {
      if (zone === undefined) throw unsupported(spelled, type);
      const east = offsetAt(zone, micros);
      return integer(unit === 'timezone' ? east : unit === 'timezone_h' ? cDiv(east, 3600) : cDiv(east, 60) % 60);
    }
    default:
      return integer(dateField(unit, t)!);
  }
}

/** extract(field from date). */
export function dateExtract(text: string, days: number): FieldResult {
  const { unit, spelled } = readUnit(text, 'date');
  if (!isFiniteDate(days)) {
    if (infiniteField(unit, spelled, 'date') === 'null') return null;
    return { numeric: days < 0 ? '-Infinity' : 'Infinity' };
  }
  switch (unit) {
    case 'epoch':
      return { numeric: scaled(BigInt(days - UNIX_EPOCH_DAYS) * 86_400n, 0) };
    case 'julian':
      return { numeric: scaled(days + JULIAN_2000, 0) };
    case 'microseconds': case 'milliseconds': case 'second': case 'minute': case 'hour':
    case 'timezone': case 'timezone_h': case 'timezone_m':
      throw unsupported(spelled, 'date');
    default: {
      const { year, month, day } = civilFromDays(days);
      return { numeric: scaled(dateField(unit, { days, year, month, day, hour: 0, minute: 0, second: 0, micros: 0 })!, 0) };
    }
  }
}

/** extract / date_part of a time of day. */
export function timeField(text: string, micros: bigint, numeric: boolean): FieldResult {
  const { unit, spelled } = readUnit(text, 'time');
  const t = Number(micros);
  const second = Math.floor(t / 1_000_000) % 60;
  const fraction = t % 1_000_000;
  const integer = (value: number): FieldResult => (numeric ? { numeric: scaled(value, 0) } : { float: value });
  switch (unit) {
    case 'microseconds': return integer(second * 1_000_000 + fraction);
    case 'milliseconds': return numeric ? { numeric: scaled(second * 1_000_000 + fraction, 3) } : { float: second * 1000 + fraction / 1000 };
    case 'second': return numeric ? { numeric: scaled(second * 1_000_000 + fraction, 6) } : { float: second + fraction / 1_000_000 };
    case 'minute': return integer(Math.floor(t / 60_000_000) % 60);
    case 'hour': return integer(Math.floor(t / 3_600_000_000));
    case 'epoch': return numeric ? { numeric: scaled(micros, 6) } : { float: t / 1_000_000 };
    default: throw unsupported(spelled, 'time');
  }
}

interface IntervalParts {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly hours: bigint;
  readonly minutes: number;
  readonly seconds: number;
  readonly micros: number;
}

/** interval2tm: C's truncating division into years/months and hours/minutes/seconds. */
function intervalParts(span: Interval): IntervalParts {
  let time = span.micros;
  const hours = time / 3_600_000_000n;
  time -= hours * 3_600_000_000n;
  const minutes = time / 60_000_000n;
  time -= minutes * 60_000_000n;
  const seconds = time / 1_000_000n;
  return { years: cDiv(span.months, 12), months: span.months % 12, days: span.days, hours, minutes: Number(minutes), seconds: Number(seconds), micros: Number(time - seconds * 1_000_000n) };
}

export function intervalField(text: string, span: Interval, numeric: boolean): FieldResult {
  const { unit, spelled } = readUnit(text, 'interval');
  const p = intervalParts(span);
  const secondMicros = p.seconds * 1_000_000 + p.micros;
  const integer = (value: number | bigint): FieldResult => (numeric ? { numeric: scaled(value, 0) } : { float: Number(value) });
  switch (unit) {
    case 'microseconds': return integer(secondMicros);
    case 'milliseconds': return numeric ? { numeric: scaled(secondMicros, 3) } : { float: p.seconds * 1000 + p.micros / 1000 };
    case 'second': return numeric ? { numeric: scaled(secondMicros, 6) } : { float: p.seconds + p.micros / 1_000_000 };
    case 'minute': return integer(p.minutes);
    case 'hour': return integer(p.hours);
    case 'day': return integer(p.days);
    case 'month': return integer(p.months);
    case 'quarter': return integer(cDiv(p.months, 3) + 1);
    case 'year': return integer(p.years);
    case 'decade': return integer(cDiv(p.years, 10));
    case 'century': return integer(cDiv(p.years, 100));
    case 'millennium': return integer(cDiv(p.years, 1000));
    case 'epoch': {
      const yearSeconds = BigInt(cDiv(span.months, 12)) * 31_557_600n;
      const monthSeconds = BigInt(span.months % 12) * 2_592_000n;
      const daySeconds = BigInt(span.days) * 86_400n;
      if (numeric) return { numeric: add(scaled(span.micros, 6), scaled(yearSeconds + monthSeconds + daySeconds, 0)) };
      return { float: Number(span.micros) / 1_000_000 + 31_557_600 * cDiv(span.months, 12) + 2_592_000 * (span.months % 12) + 86_400 * span.days };
    }
    default: throw unsupported(spelled, 'interval');
  }
}

// ---- date_trunc --------------------------------------------------------------------------------

function truncatedYear(unit: Unit, year: number): number {
  switch (unit) {
    case 'millennium': return year > 0 ? cDiv(year + 999, 1000) * 1000 - 999 : -cDiv(999 - (year - 1), 1000) * 1000 + 1;
    case 'century': return year > 0 ? cDiv(year + 99, 100) * 100 - 99 : -cDiv(99 - (year - 1), 100) * 100 + 1;
    case 'decade': return year > 0 ? cDiv(year, 10) * 10 : -cDiv(8 - (year - 1), 10) * 10;
    default: return year;
  }
}

const TRUNC_UNITS = new Set<Unit>(['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century', 'millennium']);

/** date_trunc on a local (wall-clock) timestamp. */
function truncateLocal(unit: Unit, local: bigint): bigint {
  const t = breakDown(local);
  const dayStart = BigInt(t.days) * MICROS_PER_DAY;
  const time = local - dayStart;
  switch (unit) {
    case 'microseconds': return local;
    case 'milliseconds': return local - BigInt(t.micros % 1000);
    case 'second': return local - BigInt(t.micros);
    case 'minute': return dayStart + (time / 60_000_000n) * 60_000_000n;
    case 'hour': return dayStart + (time / 3_600_000_000n) * 3_600_000_000n;
    case 'day': return dayStart;
    case 'week': return BigInt(isoWeekStart(isoWeek(t.days).year, isoWeek(t.days).week)) * MICROS_PER_DAY;
    case 'month': return BigInt(daysFromCivil(t.year, t.month, 1)) * MICROS_PER_DAY;
    case 'quarter': return BigInt(daysFromCivil(t.year, 3 * cDiv(t.month - 1, 3) + 1, 1)) * MICROS_PER_DAY;
    default: return BigInt(daysFromCivil(truncatedYear(unit, t.year), 1, 1)) * MICROS_PER_DAY;
  }
}

function checkedTimestamp(micros: bigint): bigint {
  if (!isValidTimestamp(micros)) throw datetimeError('timestamp out of range');
  return micros;
}

export function truncateTimestamp(text: string, micros: bigint, zone: TimeZone | undefined): bigint {
  const type: FieldType = zone === undefined ? 'timestamp' : 'timestamptz';
  const { unit, spelled } = readUnit(text, type);
  if (SPECIAL_UNITS.has(unit)) throw notRecognized(spelled, type);
  if (!TRUNC_UNITS.has(unit)) throw unsupported(spelled, type);
  if (!isFiniteTimestamp(micros)) return micros;
  if (zone === undefined) return checkedTimestamp(truncateLocal(unit, micros));
  const local = toLocal(micros, zone);
  const truncated = truncateLocal(unit, local);
  // Units of a day or more find the offset anew; shorter ones keep the original instant's.
  const dayOrMore = !['microseconds', 'milliseconds', 'second', 'minute', 'hour'].includes(unit);
  return checkedTimestamp(dayOrMore ? toUtc(truncated, zone) : truncated - (local - micros));
}

export function truncateInterval(text: string, span: Interval): Interval {
  const { unit, spelled } = readUnit(text, 'interval');
  if (SPECIAL_UNITS.has(unit)) throw notRecognized(spelled, 'interval');
  if (unit === 'week') throw unsupported(spelled, 'interval', 'Months usually have fractional weeks.');
  if (!TRUNC_UNITS.has(unit)) throw unsupported(spelled, 'interval');
  const p = intervalParts(span);
  let { years, months, days } = p;
  let hours = p.hours;
  let minutes = p.minutes;
  let seconds = p.seconds;
  let micros = p.micros;
  switch (unit) {
    case 'millennium': years = cDiv(years, 1000) * 1000; months = 0; days = 0; hours = 0n; minutes = 0; seconds = 0; micros = 0; break;
    case 'century': years = cDiv(years, 100) * 100; months = 0; days = 0; hours = 0n; minutes = 0; seconds = 0; micros = 0; break;
    case 'decade': years = cDiv(years, 10) * 10; months = 0; days = 0; hours = 0n; minutes = 0; seconds = 0; micros = 0; break;
    case 'year': months = 0; days = 0; hours = 0n; minutes = 0; seconds = 0; micros = 0; break;
    case 'quarter': months = 3 * cDiv(months, 3); days = 0; hours = 0n; minutes = 0; seconds = 0; micros = 0; break;
    case 'month': days = 0; hours = 0n; minutes = 0; seconds = 0; micros = 0; break;
    case 'day': hours = 0n; minutes = 0; seconds = 0; micros = 0; break;
    case 'hour': minutes = 0; seconds = 0; micros = 0; break;
    case 'minute': seconds = 0; micros = 0; break;
    case 'second': micros = 0; break;
    case 'milliseconds': micros = cDiv(micros, 1000) * 1000; break;
    default: break;
  }
  const time = ((hours * 60n + BigInt(minutes)) * 60n + BigInt(seconds)) * 1_000_000n + BigInt(micros);
  return { months: years * 12 + months, days, micros: time };
}
