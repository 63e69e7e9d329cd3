/**
 * Text input of date, time, timestamp and timestamptz: a port of PostgreSQL 15's DecodeDateTime
 * and DecodeTimeOnly (datetime.c) with DateStyle 'ISO, MDY', so accepted forms, ranges and
 * errors match field for field.
 *
 * Accepted: ISO dates ('2020-01-02', '20200102', '2020-001', years beyond 9999, 'BC'/'AD'), the
 * MDY forms ('01/02/2020', '1-2-20'), month names ('Jan 2 2020', '2020-jan-02'), day names,
 * times ('12:34', '12:34:56.789', '1200', '120000', 'mm:ss.f', '24:00', leap second 60, AM/PM),
 * the 'T' separator, zones as 'Z', '+02', '+0530', '+05:30:15', abbreviations ('EST', 'UTC'),
 * IANA names ('Europe/Paris') and POSIX offsets ('UTC+3'), and 'infinity', '-infinity',
 * 'epoch', 'allballs'.
 *
 * Left out: 'now', 'today', 'tomorrow', 'yesterday' (they need the transaction's clock; raised
 * as 0A000, the SQL layer can bind them), Julian days ('J2451545'), ISO field labels
 * ('y2020m01d02'), the 'dst' modifier, and DateStyles other than 'ISO, MDY'. A time zone is a
 * session setting string as time-zone.ts resolves it.
 */
import {
  DATE_NEG_INFINITY,
  DATE_POS_INFINITY,
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
  SECONDS_PER_DAY,
  TIMESTAMP_NEG_INFINITY,
  TIMESTAMP_POS_INFINITY,
  UNIX_EPOCH_DAYS,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  isValidDate,
  isValidJulian,
  isValidTimestamp,
} from './calendar.ts';
import { DATE_KEYWORDS, DatetimeError, badFormat, fieldOverflow, fractionalMicros, keyword, lexDatetime, readClock, readInt, type Field } from './datetime-tokens.ts';
import { EngineError, TypeState } from './errors.ts';
import { atoi } from './libc.ts';
import { findTimeZone, localOffset, sessionTimeZone, type TimeZone } from './time-zone.ts';
import { zoneAbbreviation } from './zone-abbreviations.ts';

// Field masks, as DTK_M() builds them.
const YEAR = 1 << 0;
const MONTH = 1 << 1;
const DAY = 1 << 2;
const HOUR = 1 << 3;
const MINUTE = 1 << 4;
const SECOND = 1 << 5;
const MILLISECOND = 1 << 6;
const MICROSECOND = 1 << 7;
const TZ = 1 << 8;
const DOY = 1 << 9;
const KEYWORD_MASKS: Record<string, number> = { reserved: 1 << 10, month: MONTH, ampm: 1 << 11, adbc: 1 << 12, dow: 1 << 13, isotime: 0 };
const DATE_M = YEAR | MONTH | DAY;
const TIME_M = HOUR | MINUTE | SECOND | MILLISECOND | MICROSECOND;

/** PostgreSQL's MAXDATELEN + MAXDATEFIELDS work buffer for datetime input. */
const BUFFER_SIZE = 128 + 25;
const INT_MAX = 2 ** 31 - 1;

type Special = 'epoch' | 'infinity' | '-infinity';

interface Decoded {
  readonly fields: Fields;
  readonly special: Special | undefined;
  /** An explicit offset (seconds east), or the named zone to read the local time in. */
  readonly offset: number | TimeZone | undefined;
}

/** The tm/fsec fields DecodeDateTime fills in, with the helpers that fill them. */
class Fields {
  year = 0;
  month = 0;
  day = 0;
  hour = 0;
  minute = 0;
  second = 0;
  micros = 0;
  dayOfYear = 0;
  is2digits = false;
  haveTextMonth = false;

  /** DecodeNumberField: '20200102', '120000', '1200', '1200.5'. Returns the fields it set. */
  numberField(text: string, fmask: number): number {
    let digits = text;
    const point = text.indexOf('.');
    if (point >= 0) {
      this.micros = fractionalMicros(text.slice(point));
      digits = text.slice(0, point);
    } else if ((fmask & DATE_M) !== DATE_M && digits.length >= 6) {
      this.day = Number(digits.slice(-2));
      this.month = Number(digits.slice(-4, -2));
      this.year = atoi(digits.slice(0, -4));
      this.is2digits = digits.length === 6;
      return DATE_M;
    }
    if ((fmask & TIME_M) !== TIME_M && (digits.length === 6 || digits.length === 4)) {
      this.hour = Number(digits.slice(0, 2));
      this.minute = Number(digits.slice(2, 4));
      this.second = digits.length === 6 ? Number(digits.slice(4)) : 0;
      return TIME_M;
    }
    throw badFormat();
  }

  /** DecodeNumber: one numeric field, placed by what is known so far (MDY order). */
  number(text: string, fmask: number): number {
    const { value, end } = readInt(text, 0);
    if (end === 0) throw badFormat();
    if (text[end] === '.') {
      if (end > 2) return this.numberField(text, fmask | DATE_M);
      this.micros = fractionalMicros(text.slice(end));
    } else if (end !== text.length) {
      throw badFormat();
    }
    const length = text.length;
    if (length === 3 && (fmask & DATE_M) === YEAR && value >= 1 && value <= 366) {
      this.dayOfYear = value;
      return DOY | MONTH | DAY;
    }
    let tmask: number;
    switch (fmask & DATE_M) {
      case 0:
        tmask = length >= 3 ? YEAR : MONTH;
        break;
      case YEAR:
        tmask = MONTH;
        break;
      case MONTH:
        tmask = this.haveTextMonth && length >= 3 ? YEAR : DAY;
        break;
      case YEAR | MONTH:
        if (this.haveTextMonth && length >= 3 && this.is2digits) {
          // DD-MON-YYYY: the two-digit "year" read first was the day.
          this.day = this.year;
          this.year = value;
          this.is2digits = false;
          return DAY;
        }
        tmask = DAY;
        break;
      case DAY:
        tmask = MONTH;
        break;
      case MONTH | DAY:
        tmask = YEAR;
        break;
      case DATE_M:
        return this.numberField(text, fmask);
      default:
        throw badFormat();
    }
    if (tmask === YEAR) {
      this.year = value;
      this.is2digits = length <= 2;
    } else if (tmask === MONTH) {
      this.month = value;
    } else {
      this.day = value;
    }
    return tmask;
  }

  /** DecodeDate: a field like '2020-01-02', '01/02/2020' or '2020-jan-02'. */
  date(text: string, fmask: number): number {
    const parts: string[] = [];
    let at = 0;
    while (at < text.length && parts.length < 25) {
      while (at < text.length && !/[a-z0-9]/i.test(text[at])) at++;
      if (at >= text.length) throw badFormat();
      const run = /^(?:\d+|[a-z]+)/i.exec(text.slice(at))?.[0] ?? '';
      parts.push(run);
      at += run.length + 1;
    }
    let tmask = 0;
    const add = (dmask: number) => {
      if (fmask & dmask) throw badFormat();
      fmask |= dmask;
      tmask |= dmask;
    };
    for (const part of parts.filter((p) => /^[a-z]/i.test(p))) {
      const entry = keyword(DATE_KEYWORDS, part);
      if (entry?.[0] === 'ignore') continue;
      if (entry?.[0] !== 'month') throw badFormat();
      this.month = entry[1];
      this.haveTextMonth = true;
      add(MONTH);
    }
    for (const part of parts.filter((p) => /^\d/.test(p))) add(this.number(part, fmask));
    if ((fmask & ~(DOY | TZ)) !== DATE_M) throw badFormat();
    return tmask;
  }

  /** DecodeTime: a clock field, hours within int range. */
  time(text: string): number {
    const { hours, minutes, seconds, micros } = readClock(text);
    if (hours > BigInt(INT_MAX)) throw fieldOverflow();
    [this.hour, this.minute, this.second, this.micros] = [Number(hours), minutes, seconds, micros];
    return TIME_M;
  }

  /** time_overflows(): each field in range and the whole at most 24:00:00. */
  timeOverflows(): boolean {
    if (this.hour < 0 || this.hour > 24 || this.minute < 0 || this.minute > 59 || this.second < 0 || this.second > 60 || this.micros < 0 || this.micros > 1_000_000) return true;
    return this.timeOfDay() > MICROS_PER_DAY;
  }

  timeOfDay(): bigint {
    return BigInt((this.hour * 60 + this.minute) * 60 + this.second) * MICROS_PER_SECOND + BigInt(this.micros);
  }

  /** ValidateDate: BC and two-digit years, day of year, month and day ranges. */
  validate(fmask: number, bc: boolean): void {
    if (fmask & YEAR) {
      if (bc) {
        if (this.year <= 0) throw fieldOverflow();
        this.year = 1 - this.year;
      } else if (this.is2digits) {
        if (this.year < 70) this.year += 2000;
        else if (this.year < 100) this.year += 1900;
      } else if (this.year <= 0) {
        throw fieldOverflow();
      }
    }
    if (fmask & DOY) ({ year: this.year, month: this.month, day: this.day } = civilFromDays(daysFromCivil(this.year, 1, 1) + this.dayOfYear - 1));
    if (fmask & MONTH && (this.month < 1 || this.month > 12)) throw new DatetimeError('month/day overflow');
    if (fmask & DAY && (this.day < 1 || this.day > 31)) throw new DatetimeError('month/day overflow');
    if ((fmask & DATE_M) === DATE_M && this.day > daysInMonth(this.year, this.month)) throw fieldOverflow();
  }
}

/** DecodeTimezone: '+05', '+0530', '+05:30', '+05:30:15' as seconds east. */
function numericZone(text: string): number {
  const displacement = () => new DatetimeError('zone displacement overflow');
  const read = (start: number) => {
    try {
      return readInt(text, start);
    } catch {
      throw displacement();
    }
  };
  let { value: hour, end } = read(1);
  let minute = 0;
  let second = 0;
  if (text[end] === ':') {
    ({ value: minute, end } = read(end + 1));
    if (text[end] === ':') ({ value: second, end } = read(end + 1));
  } else if (end === text.length && text.length > 3) {
    [hour, minute] = [Math.trunc(hour / 100), hour % 100];
  }
  if (hour < 0 || hour > 15 || minute < 0 || minute > 59 || second < 0 || second > 59) throw displacement();
  if (end !== text.length) throw badFormat();
  const east = (hour * 60 + minute) * 60 + second;
  return text[0] === '-' ? -east : east;
}

function namedZone(name: string): TimeZone {
  const zone = findTimeZone(name);
  if (zone === undefined) throw new EngineError(TypeState.invalidParameterValue, `time zone "${name}" not recognized`);
  return zone;
}

function notSupported(word: string): EngineError {
  return new EngineError(TypeState.featureNotSupported, `date/time value "${word}" is not supported by ScratchBird's input functions`, {
    hint: 'Use now(), current_date or current_timestamp instead.',
  });
}

/** DecodeDateTime (mode 'datetime') and DecodeTimeOnly (mode 'time') over lexed fields. */
function decode(fields: readonly Field[], mode: 'datetime' | 'time'): Decoded {
  const tm = new Fields();
  let fmask = 0;
  let afterT = false;
  let bc = false;
  let meridiem: number | undefined;
  let offset: number | TimeZone | undefined;
  let special: Special | undefined;
  const count = fields.length;
  for (let i = 0; i < count; i++) {
    const { type, text } = fields[i];
    let tmask = 0;
    switch (type) {
      case 'date': {
        const isZone =
          mode === 'time'
            ? !(i === 0 && count >= 2 && (fields[count - 1].type === 'date' || fields[1].type === 'time'))
            : afterT || (fmask & (MONTH | DAY)) === (MONTH | DAY);
        if (!isZone) {
          tmask = tm.date(text, fmask);
        } else if (/^\d/.test(text) || (mode === 'datetime' && afterT)) {
          // hhmmss-zz: a run-together time with a numeric offset.
          afterT = false;
          if ((fmask & TIME_M) === TIME_M) throw badFormat();
          const dash = text.indexOf('-');
          if (dash < 0) throw badFormat();
          offset = numericZone(text.slice(dash));
          tmask = tm.numberField(text.slice(0, dash), mode === 'time' ? fmask | DATE_M : fmask) | TZ;
        } else {
          offset = namedZone(text);
          tmask = TZ;
        }
        break;
      }
      case 'time':
        if (mode === 'datetime') afterT = false;
        tmask = tm.time(text);
        if (mode === 'datetime' && tm.timeOverflows()) throw fieldOverflow();
        break;
      case 'tz':
        offset = numericZone(text);
        tmask = TZ;
        break;
      case 'number':
        tmask = decodeNumber(tm, fields, i, fmask, mode, afterT);
        afterT = false;
        break;
      case 'string':
      case 'special': {
        const abbreviation = zoneAbbreviation(text);
        if (abbreviation !== undefined) {
          offset = typeof abbreviation === 'number' ? abbreviation : namedZone(abbreviation);
          tmask = TZ;
          break;
        }
        const entry = keyword(DATE_KEYWORDS, text);
        if (entry === undefined) {
          // The last resort: an all-alphabetic zone name such as 'Japan'.
          offset = findTimeZone(text);
          if (offset === undefined) throw badFormat();
          tmask = TZ;
          break;
        }
        const [kind, value] = entry;
        if (kind === 'ignore') continue;
        tmask = KEYWORD_MASKS[kind] ?? 0;
        if (kind === 'reserved') {
          if (text === 'allballs') {
            [tm.hour, tm.minute, tm.second, offset] = [0, 0, 0, 0];
            tmask = TIME_M | TZ;
          } else if (text !== 'epoch' && text !== 'infinity' && text !== '-infinity') {
            throw notSupported(text);
          } else if (mode === 'time') {
            throw badFormat();
          } else {
            special = text;
          }
        } else if (kind === 'month' && mode === 'datetime') {
          // A numeric month read before a month name was the day ('2 January 2020'... in MDY order '1 Jan').
          if (fmask & MONTH && !tm.haveTextMonth && !(fmask & DAY) && tm.month >= 1 && tm.month <= 31) {
            tm.day = tm.month;
            tmask = DAY;
          }
          tm.haveTextMonth = true;
          tm.month = value;
        } else if (kind === 'ampm') {
          meridiem = value;
        } else if (kind === 'adbc') {
          bc = value === 1;
        } else if (kind === 'isotime') {
          const next = fields[i + 1]?.type;
          if (mode === 'datetime' && (fmask & DATE_M) !== DATE_M) throw badFormat();
          if (next !== 'number' && next !== 'time' && next !== 'date') throw badFormat();
          afterT = true;
        } else if (!(kind === 'dow' && mode === 'datetime')) {
          throw badFormat();
        }
        break;
      }
    }
    if (tmask & fmask) throw badFormat();
    fmask |= tmask;
  }

  tm.validate(fmask, bc);
  if (meridiem !== undefined) {
    if (tm.hour > 12) throw fieldOverflow();
    if (tm.hour === 12) tm.hour = 0;
    if (meridiem === 1) tm.hour += 12;
  }
  if (mode === 'time') {
    if (tm.timeOverflows()) throw fieldOverflow();
    if ((fmask & TIME_M) !== TIME_M) throw badFormat();
    // Resolving a named zone with daylight saving needs the date; the session's zone needs a
    // whole date or none (then today's).
    const datePart = fmask & DATE_M;
    if (typeof offset === 'object' && offset.fixedOffset === undefined) {
      if (datePart !== DATE_M) throw badFormat();
    } else if (offset === undefined && datePart !== 0 && datePart !== DATE_M) {
      throw badFormat();
    }
  } else if (special === undefined && (fmask & DATE_M) !== DATE_M) {
    throw badFormat();
  }
  return { fields: tm, special, offset };
}

/** The DTK_NUMBER cases of DecodeDateTime and DecodeTimeOnly. */
function decodeNumber(tm: Fields, fields: readonly Field[], i: number, fmask: number, mode: 'datetime' | 'time', afterT: boolean): number {
  const { text } = fields[i];
  const point = text.indexOf('.');
  if (afterT) {
    const { end } = readInt(text, 0);
    if (end !== text.length && text[end] !== '.') throw badFormat();
    const tmask = tm.numberField(text, fmask | DATE_M);
    if (tmask !== TIME_M) throw badFormat();
    return tmask;
  }
  if (mode === 'datetime') {
    if (point >= 0 && !(fmask & DATE_M)) return tm.date(text, fmask);
    if (point > 2) return tm.numberField(text, fmask);
    if (text.length >= 6 && (!(fmask & DATE_M) || !(fmask & TIME_M))) return tm.numberField(text, fmask);
    return tm.number(text, fmask);
  }
  if (point >= 0) {
    if (i === 0 && fields.length >= 2 && fields[fields.length - 1].type === 'date') return tm.date(text, fmask);
    if (point > 2) return tm.numberField(text, fmask | DATE_M);
    throw badFormat();
  }
  if (text.length > 4) return tm.numberField(text, fmask | DATE_M);
  return tm.number(text, fmask | DATE_M);
}

type DatetimeKind = 'date' | 'time' | 'timestamp' | 'timestamptz';

const TYPE_NAMES: Record<DatetimeKind, string> = {
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamp with time zone',
};

function decodeText(kind: DatetimeKind, text: string): Decoded {
  try {
    return decode(lexDatetime(text, BUFFER_SIZE), kind === 'time' ? 'time' : 'datetime');
  } catch (error) {
    if (!(error instanceof DatetimeError)) throw error;
    switch (error.kind) {
      case 'field overflow':
        throw new EngineError(TypeState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
      case 'month/day overflow':
        throw new EngineError(TypeState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`, { hint: 'Perhaps you need a different "datestyle" setting.' });
      case 'zone displacement overflow':
        throw new EngineError(TypeState.invalidTimeZoneDisplacementValue, `time zone displacement out of range: "${text}"`);
      default:
        throw new EngineError(TypeState.invalidDatetimeFormat, `invalid input syntax for type ${TYPE_NAMES[kind]}: "${text}"`);
    }
  }
}

const EPOCH_MICROS = BigInt(UNIX_EPOCH_DAYS) * MICROS_PER_DAY;

/** PostgreSQL's date_in: days since 2000-01-01. */
export function parseDate(text: string): number {
  const { fields: tm, special } = decodeText('date', text);
  if (special !== undefined) return special === 'epoch' ? UNIX_EPOCH_DAYS : special === 'infinity' ? DATE_POS_INFINITY : DATE_NEG_INFINITY;
  const days = isValidJulian(tm.year, tm.month) ? daysFromCivil(tm.year, tm.month, tm.day) : NaN;
  if (!isValidDate(days)) throw new EngineError(TypeState.datetimeFieldOverflow, `date out of range: "${text}"`);
  return days;
}

/** PostgreSQL's time_in: microseconds since midnight (24:00:00 included). */
export function parseTime(text: string): bigint {
  return decodeText('time', text).fields.timeOfDay();
}

/**
 * PostgreSQL's timestamp_in (a zone in the text is read and ignored) and timestamptz_in (the
 * text's zone, else the session's, gives the offset): microseconds since 2000-01-01.
 */
export function parseTimestamp(kind: 'timestamp' | 'timestamptz', text: string, timeZone = 'UTC'): bigint {
  const { fields: tm, special, offset } = decodeText(kind, text);
  if (special !== undefined) return special === 'epoch' ? EPOCH_MICROS : special === 'infinity' ? TIMESTAMP_POS_INFINITY : TIMESTAMP_NEG_INFINITY;
  const outOfRange = () => new EngineError(TypeState.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
  if (!isValidJulian(tm.year, tm.month)) throw outOfRange();
  const days = daysFromCivil(tm.year, tm.month, tm.day);
  let micros = BigInt(days) * MICROS_PER_DAY + tm.timeOfDay();
  if (kind === 'timestamptz') {
    const zone = offset ?? sessionTimeZone(timeZone);
    const localSeconds = (days - UNIX_EPOCH_DAYS) * SECONDS_PER_DAY + (tm.hour * 60 + tm.minute) * 60 + tm.second;
    const east = typeof zone === 'number' ? zone : localOffset(zone, localSeconds);
    micros -= BigInt(east) * MICROS_PER_SECOND;
  }
  if (!isValidTimestamp(micros)) throw outOfRange();
  return micros;
}
