/**
 * Text input of interval: a port of PostgreSQL 15's DecodeInterval and DecodeISO8601Interval
 * (IntervalStyle 'postgres', no typmod), so accepted forms, rounding of fractions and overflow
 * errors match PostgreSQL's.
 *
 * Accepted: '1 year 2 mons 3 days 04:05:06.5', '-1 days +02:00:00', '1 day 02:00', '@ 1 hour ago',
 * unit spellings and abbreviations ('3 hrs', '5 mins', '2 weeks', '1 decade', '10 us'), fractional
 * units ('1.5 days' = 1 day 12:00:00, a fractional month is 30 days), SQL-standard year-month
 * '1-2' and day-time '3 04:05:06', bare numbers as seconds, ISO 8601 designators
 * ('P1Y2M3DT4H5M6.5S', 'P1W', 'PT-1.5H') and the ISO 8601 alternative format
 * ('P0001-02-03T04:05:06', 'P00010203T040506').
 *
 * Left out: the SQL-standard sign rule of IntervalStyle 'sql_standard' and typmod ranges
 * ('… DAY TO SECOND'), which the parser would apply; 'quarter' and 'timezone' units are errors,
 * as in PostgreSQL.
 */
import type { Interval } from '../../engine/types.ts';
import { DatetimeError, badFormat, fieldOverflow, keyword, lexDatetime, parseFraction, readClock, readInt, readInt64, roundHalfEven, type Field } from './datetime-tokens.ts';
import { EngineError, TypeState } from './errors.ts';
import { scanStrtod } from './float.ts';

type Unit = 'microsecond' | 'millisecond' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year' | 'decade' | 'century' | 'millennium';

/** PostgreSQL's deltatktbl; 'ago' and the units intervals cannot take (quarter, timezone) too. */
const UNITS = new Map<string, Unit | 'ago' | 'unsupported'>();
for (const [unit, spellings] of Object.entries({
  microsecond: 'microsecon us usec useconds usecs',
  millisecond: 'millisecon ms msec mseconds msecs',
  second: 's sec second seconds secs',
  minute: 'm min mins minute minutes',
  hour: 'h hour hours hr hrs',
  day: 'd day days',
  week: 'w week weeks',
  month: 'mon mons month months',
  year: 'y year years yr yrs',
  decade: 'dec decade decades decs',
  century: 'c cent centuries century',
  millennium: 'mil millennia millennium mils',
  ago: 'ago',
  unsupported: 'qtr quarter timezone timezone_h timezone_m',
})) {
  for (const spelling of spellings.split(' ')) UNITS.set(spelling, unit as Unit | 'ago' | 'unsupported');
}

const MICROS: Partial<Record<Unit, bigint>> = {
  microsecond: 1n,
  millisecond: 1000n,
  second: 1_000_000n,
  minute: 60_000_000n,
  hour: 3_600_000_000n,
};
const MICROS_PER_DAY = 86_400_000_000n;
const YEARS: Partial<Record<Unit, number>> = { year: 1, decade: 10, century: 100, millennium: 1000 };
const DAYS_PER_MONTH = 30;

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** pg_itm_in: the fields DecodeInterval accumulates, with its overflow-checked adjusters. */
class Accumulator {
  micros = 0n;
  days = 0;
  months = 0;
  years = 0;

  private int32(value: number): number {
    if (!Number.isInteger(value) || value < INT_MIN || value > INT_MAX) throw fieldOverflow();
    return value;
  }

  private addMicros(value: bigint): void {
    const sum = this.micros + value;
    if (sum < INT64_MIN || sum > INT64_MAX) throw fieldOverflow();
    this.micros = sum;
  }

  /** AdjustFractMicroseconds: a fraction times `scale`, rounded half away from zero. */
  fractMicros(fraction: number, scale: bigint): void {
    if (fraction === 0) return;
    const scaled = fraction * Number(scale);
    let whole = Math.trunc(scaled);
    const rest = scaled - whole;
    if (rest > 0.5) whole++;
    else if (rest < -0.5) whole--;
    this.addMicros(BigInt(whole));
  }

  /** AdjustFractDays: whole days, the rest as microseconds. */
  fractDays(fraction: number, scale: number): void {
    if (fraction === 0) return;
    const scaled = fraction * scale;
    const whole = Math.trunc(scaled);
    this.days = this.int32(this.days + whole);
    this.fractMicros(scaled - whole, MICROS_PER_DAY);
  }

  /** AdjustMicroseconds: value · scale, then the fraction. */
  addTime(value: bigint, fraction: number, scale: bigint): void {
    const product = value * scale;
    if (product < INT64_MIN || product > INT64_MAX) throw fieldOverflow();
    this.addMicros(product);
    this.fractMicros(fraction, scale);
  }

  addDays(value: bigint, scale: number): void {
    const days = this.int32(this.int32(Number(value)) * scale);
    this.days = this.int32(this.days + days);
  }

  addMonths(value: bigint): void {
    this.months = this.int32(this.months + this.int32(Number(value)));
  }

  addYears(value: bigint, scale: number, fraction: number): void {
    const years = this.int32(this.int32(Number(value)) * scale);
    this.years = this.int32(this.years + years);
    this.months = this.int32(this.months + Math.trunc(roundHalfEven(fraction * scale * 12)));
  }

  /** Applies `value` (and its fraction) in `unit`; returns the field mask it sets. */
  add(unit: Unit, value: bigint, fraction: number): number {
    const scale = MICROS[unit];
    if (scale !== undefined) {
      this.addTime(value, fraction, scale);
      return unit === 'second' && fraction !== 0 ? ALL_SECONDS : MASKS[unit];
    }
    const years = YEARS[unit];
    if (years !== undefined) this.addYears(value, years, fraction);
    else if (unit === 'day') {
      this.addDays(value, 1);
      this.fractMicros(fraction, MICROS_PER_DAY);
    } else if (unit === 'week') {
      this.addDays(value, 7);
      this.fractDays(fraction, 7);
    } else {
      this.addMonths(value);
      this.fractDays(fraction, DAYS_PER_MONTH);
    }
    return MASKS[unit];
  }

  /** itmin2interval. */
  interval(): Interval {
    const months = this.years * 12 + this.months;
    if (months < INT_MIN || months > INT_MAX) throw new EngineError(TypeState.datetimeFieldOverflow, 'interval out of range');
    return { months, days: this.days, micros: this.micros };
  }
}

const MASKS = Object.fromEntries(
  ['microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'year', 'decade', 'century', 'millennium'].map((unit, bit) => [unit, 1 << bit]),
) as Record<Unit, number>;
const ALL_SECONDS = MASKS.second | MASKS.millisecond | MASKS.microsecond;
const TIME_MASK = MASKS.hour | MASKS.minute | ALL_SECONDS;

/** PostgreSQL's work buffer for interval input. */
const BUFFER_SIZE = 256;

/** PostgreSQL's interval_in. */
export function parseInterval(text: string): Interval {
  try {
    try {
      return decodeInterval(lexDatetime(text, BUFFER_SIZE));
    } catch (error) {
      // What the postgres-style decoder cannot read at all is tried as ISO 8601, as in PostgreSQL.
      if (!(error instanceof DatetimeError) || error.kind !== 'bad format') throw error;
      return decodeIso8601(text);
    }
  } catch (error) {
    if (!(error instanceof DatetimeError)) throw error;
    if (error.kind === 'field overflow') throw new EngineError(TypeState.intervalFieldOverflow, `interval field value out of range: "${text}"`);
    throw new EngineError(TypeState.invalidDatetimeFormat, `invalid input syntax for type interval: "${text}"`);
  }
}

/** DecodeTimeForInterval: a clock field as microseconds (replacing any so far, as PostgreSQL does). */
function timeMicros(text: string): bigint {
  const { hours, minutes, seconds, micros } = readClock(text);
  const total = BigInt(micros) + hours * MICROS.hour! + BigInt(minutes) * MICROS.minute! + BigInt(seconds) * MICROS.second!;
  if (total > INT64_MAX) throw fieldOverflow();
  return total;
}

/** DecodeInterval, reading the fields right to left so a unit precedes its number. */
function decodeInterval(fields: readonly Field[]): Interval {
  const sum = new Accumulator();
  let fmask = 0;
  let unit: Unit | 'none' | undefined;
  let ago = false;
  for (let i = fields.length - 1; i >= 0; i--) {
    const { type, text } = fields[i];
    let tmask = 0;
    if (type === 'time' || (type === 'tz' && text.includes(':', 1) && tryTime(text, sum))) {
      if (type === 'time') sum.micros = timeMicros(text);
      tmask = TIME_MASK;
      unit = 'day';
    } else if (type === 'date' || type === 'number' || type === 'tz') {
      const { value, end } = readInt64(text, 0);
      let number = value;
      let fraction = 0;
      let fieldUnit = unit ?? 'second';
      if (text[end] === '-') {
        // SQL-standard years-months.
        const months = readInt(text, end + 1);
        if (months.value < 0 || months.value >= 12) throw fieldOverflow();
        if (months.end !== text.length) throw badFormat();
        number = value * 12n + BigInt(text[0] === '-' ? -months.value : months.value);
        if (number < INT64_MIN || number > INT64_MAX) throw fieldOverflow();
        fieldUnit = 'month';
      } else if (text[end] === '.') {
        fraction = parseFraction(text.slice(end));
        if (text[0] === '-') fraction = -fraction;
      } else if (end !== text.length) {
        throw badFormat();
      }
      if (fieldUnit === 'none') throw badFormat();
      tmask = sum.add(fieldUnit, number, fraction);
      if (fieldUnit === 'hour') unit = 'day';
    } else {
      const word = keyword(UNITS, text);
      if (word === undefined || word === 'unsupported') throw badFormat();
      if (word === 'ago') {
        ago = true;
        unit = 'none';
      } else {
        unit = word;
      }
    }
    if (tmask & fmask) throw badFormat();
    fmask |= tmask;
  }
  if (fmask === 0) throw badFormat();
  if (ago) {
    if (sum.micros === INT64_MIN || sum.days === INT_MIN || sum.months === INT_MIN || sum.years === INT_MIN) throw fieldOverflow();
    [sum.micros, sum.days, sum.months, sum.years] = [-sum.micros, -sum.days || 0, -sum.months || 0, -sum.years || 0];
  }
  return sum.interval();
}

/** A signed 'hh:mm[:ss]' field ('+02:00:00'); false (nothing changed) if it does not read as one. */
function tryTime(text: string, sum: Accumulator): boolean {
  let micros: bigint;
  try {
    micros = timeMicros(text.slice(1));
  } catch (error) {
    if (error instanceof DatetimeError) return false;
    throw error;
  }
  sum.micros = text[0] === '-' ? -micros : micros;
  return true;
}

/** DecodeISO8601Interval: 'P1Y2M3DT4H5M6S', 'P1W', 'P0001-02-03T04:05:06', 'P00010203T040506'. */
function decodeIso8601(text: string): Interval {
  const sum = new Accumulator();
  if (text.length < 2 || text[0] !== 'P') throw badFormat();
  let at = 1;
  let datePart = true;
  let haveField = false;
  /** ParseISO8601Number: strtod, split into an integer and a fraction of the same sign. */
  const number = () => {
    const char = text[at];
    if (!(/\d/.test(char ?? '') || char === '-' || char === '.')) throw badFormat();
    const scanned = scanStrtod(text, at);
    const value = scanned?.round();
    if (scanned === undefined || value === undefined) throw badFormat();
    if (Number.isNaN(value) || value < -1e15 || value > 1e15) throw fieldOverflow();
    at = scanned.end;
    const whole = Math.trunc(value);
    return { whole: BigInt(whole), fraction: value - whole };
  };
  const integerWidth = (start: number) => /^-?(\d*)/.exec(text.slice(start))![1].length;
  const startTime = () => {
    datePart = false;
    haveField = false;
  };
  while (at < text.length) {
    if (text[at] === 'T') {
      startTime();
      at++;
      continue;
    }
    const fieldStart = at;
    const { whole, fraction } = number();
    const unit = text[at++] ?? '';
    if (datePart) {
      if (unit === 'Y') sum.add('year', whole, fraction);
      else if (unit === 'M') sum.add('month', whole, fraction);
      else if (unit === 'W') sum.add('week', whole, fraction);
      else if (unit === 'D') sum.add('day', whole, fraction);
      else if ((unit === 'T' || unit === '') && integerWidth(fieldStart) === 8 && !haveField) {
        sum.add('year', whole / 10000n, 0);
        sum.add('month', (whole / 100n) % 100n, 0);
        sum.add('day', whole % 100n, fraction);
        if (unit === '') break;
        startTime();
        continue;
      } else if (unit === 'T' || unit === '' || unit === '-') {
        // Alternative format, extended: year[-month[-day]].
        if (haveField) throw badFormat();
        sum.add('year', whole, fraction);
        if (unit === '') break;
        if (unit === 'T') {
          startTime();
          continue;
        }
        const month = number();
        sum.add('month', month.whole, month.fraction);
        if (at >= text.length) break;
        if (text[at] === 'T') {
          startTime();
          continue;
        }
        if (text[at] !== '-') throw badFormat();
        at++;
        const day = number();
        sum.add('day', day.whole, day.fraction);
        if (at >= text.length) break;
        if (text[at] !== 'T') throw badFormat();
        startTime();
        continue;
      } else {
        throw badFormat();
      }
    } else if (unit === 'H') sum.add('hour', whole, fraction);
    else if (unit === 'M') sum.add('minute', whole, fraction);
    else if (unit === 'S') sum.add('second', whole, fraction);
    else if (unit === '' && integerWidth(fieldStart) === 6 && !haveField) {
      sum.add('hour', whole / 10000n, 0);
      sum.add('minute', (whole / 100n) % 100n, 0);
      sum.add('second', whole % 100n, 0);
      sum.fractMicros(fraction, 1n);
      break;
    } else if (unit === '' || unit === ':') {
      // Alternative format, extended: hours[:minutes[:seconds]].
      if (haveField) throw badFormat();
      sum.add('hour', whole, fraction);
      if (unit === '') break;
      const minute = number();
      sum.add('minute', minute.whole, minute.fraction);
      if (at >= text.length) break;
      if (text[at] !== ':') throw badFormat();
      at++;
      const second = number();
      sum.add('second', second.whole, second.fraction);
      if (at < text.length) throw badFormat();
      break;
    } else {
      throw badFormat();
    }
    haveField = true;
  }
  return sum.interval();
}
