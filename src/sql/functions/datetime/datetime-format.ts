/**
 * to_char for dates, timestamps and intervals, and to_date / to_timestamp(text, format), with
 * PostgreSQL's template patterns: HH HH12 HH24 MI SS MS US FF1–FF6 SSSS(S) AM PM A.M. P.M.
 * Y,YYY YYYY YYY YY Y IYYY IYY IY I BC AD B.C. A.D. MONTH Month month MON Mon mon MM DAY Day
 * day DY Dy dy DDD IDDD DD D ID W WW IW CC J Q RM rm TZ tz TZH TZM OF; the modifiers FM (no
 * padding), TH/th (ordinal suffix), FX and TM (accepted, no effect); "quoted" literals and
 * backslash escapes. Names are English, as in the C locale.
 */
import type { Interval } from '../../../engine/types.ts';
import { MICROS_PER_DAY, civilFromDays, daysFromCivil, daysInMonth, isValidDate, isValidTimestamp, splitTimestamp } from '../../types/calendar.ts';
import type { TimeZone } from '../../types/time-zone.ts';
import { EngineError, FnState } from '../errors.ts';
import { ordinalSuffix } from '../strings/number-format.ts';
import { dayOfWeek, isoWeek, isoWeekStart } from './fields.ts';
import { offsetAt, toUtc } from './zone.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ROMAN_MONTHS = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

const KEYWORDS = [
  'A.D.', 'A.M.', 'AD', 'AM', 'B.C.', 'BC', 'CC', 'DAY', 'DDD', 'DD', 'DY', 'Day', 'Dy', 'D', 'FF1', 'FF2', 'FF3', 'FF4', 'FF5', 'FF6',
  'FX', 'HH24', 'HH12', 'HH', 'IDDD', 'ID', 'IW', 'IYYY', 'IYY', 'IY', 'I', 'J', 'MI', 'MM', 'MONTH', 'MON', 'MS', 'Month', 'Mon', 'OF',
  'P.M.', 'PM', 'Q', 'RM', 'SSSSS', 'SSSS', 'SS', 'TZH', 'TZM', 'TZ', 'US', 'WW', 'W', 'Y,YYY', 'YYYY', 'YYY', 'YY', 'Y',
  'a.d.', 'a.m.', 'ad', 'am', 'b.c.', 'bc', 'cc', 'day', 'ddd', 'dd', 'dy', 'd', 'ff1', 'ff2', 'ff3', 'ff4', 'ff5', 'ff6', 'fx',
  'hh24', 'hh12', 'hh', 'iddd', 'id', 'iw', 'iyyy', 'iyy', 'iy', 'i', 'j', 'mi', 'mm', 'month', 'mon', 'ms', 'of', 'p.m.', 'pm', 'q',
  'rm', 'sssss', 'ssss', 'ss', 'tzh', 'tzm', 'tz', 'us', 'ww', 'w', 'y,yyy', 'yyyy', 'yyy', 'yy', 'y',
].sort((a, b) => b.length - a.length);

type Node =
  | { readonly kind: 'field'; readonly key: string; readonly fm: boolean; readonly th: 'TH' | 'th' | undefined }
  | { readonly kind: 'text'; readonly text: string; readonly quoted: boolean };

const cache = new Map<string, Node[]>();

function parseFormat(format: string): Node[] {
  const cached = cache.get(format);
  if (cached !== undefined) return cached;
  const nodes: Node[] = [];
  for (let i = 0; i < format.length; ) {
    let fm = false;
    for (;;) {
      if (format.startsWith('FM', i) || format.startsWith('fm', i)) {
        fm = true;
        i += 2;
      } else if (format.startsWith('TM', i) || format.startsWith('tm', i)) {
        i += 2;
      } else break;
    }
    if (i >= format.length) break;
    const key = KEYWORDS.find((k) => format.startsWith(k, i));
    if (key !== undefined) {
      i += key.length;
      let th: 'TH' | 'th' | undefined;
      if (format.startsWith('TH', i) || format.startsWith('th', i)) {
        th = format.slice(i, i + 2) as 'TH';
        i += 2;
      } else if (format.startsWith('SP', i) || format.startsWith('sp', i)) {
        i += 2;
      }
      nodes.push({ kind: 'field', key, fm, th });
      continue;
    }
    if (format[i] === '"') {
      let text = '';
      i++;
      while (i < format.length && format[i] !== '"') {
        if (format[i] === '\\' && i + 1 < format.length) i++;
        text += format[i++];
      }
      i++;
      nodes.push({ kind: 'text', text, quoted: true });
      continue;
    }
    if (format[i] === '\\' && i + 1 < format.length) i++;
    nodes.push({ kind: 'text', text: format[i++], quoted: false });
  }
  if (cache.size > 256) cache.clear();
  cache.set(format, nodes);
  return nodes;
}

/** The fields to_char prints; interval values have no calendar. */
export interface Parts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly micros: number;
  /** Days since 2000-01-01, for day-of-week and ISO fields (undefined for intervals). */
  readonly days: number | undefined;
  /** Seconds east of UTC, and the zone's abbreviation (timestamptz only). */
  readonly offset: number | undefined;
  readonly zoneName: string;
}

export function timestampParts(local: bigint, offset?: number, zoneName = ''): Parts {
  const { days, time } = splitTimestamp(local);
  const { year, month, day } = civilFromDays(days);
  const t = Number(time);
  return {
    year, month, day, days,
    hour: Math.floor(t / 3_600_000_000),
    minute: Math.floor(t / 60_000_000) % 60,
    second: Math.floor(t / 1_000_000) % 60,
    micros: t % 1_000_000,
    offset, zoneName,
  };
}

export function intervalParts(span: Interval): Parts {
  let time = span.micros;
  const hours = time / 3_600_000_000n;
  time -= hours * 3_600_000_000n;
  const minutes = time / 60_000_000n;
  time -= minutes * 60_000_000n;
  const seconds = time / 1_000_000n;
  return {
    year: Math.trunc(span.months / 12), month: span.months % 12, day: span.days,
    hour: Number(hours), minute: Number(minutes), second: Number(seconds), micros: Number(time - seconds * 1_000_000n),
    days: undefined, offset: undefined, zoneName: '',
  };
}

/** The abbreviation a zone uses at an instant, as near to tzdata's as Intl gets. */
export function zoneAbbreviation(zone: TimeZone, setting: string, utcMicros: bigint): string {
  const offset = offsetAt(zone, utcMicros);
  if (/^(utc|etc\/utc|gmt|zulu|uct|universal)$/i.test(setting)) return setting.toUpperCase() === 'ZULU' ? 'Zulu' : setting.toUpperCase();
  for (const locale of ['en-US', 'en-GB', 'en-IN', 'en-AU']) {
    try {
      const name = new Intl.DateTimeFormat(locale, { timeZone: setting, timeZoneName: 'short' })
        .formatToParts(new Date(Number(utcMicros / 1000n) + 946_684_800_000))
        .find((part) => part.type === 'timeZoneName')?.value;
      if (name !== undefined && !/^(GMT|UTC)[+-]/.test(name)) return name;
    } catch {
      break;
    }
  }
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hours = String(Math.floor(abs / 3600)).padStart(2, '0');
  const minutes = Math.floor(abs / 60) % 60;
  return `${sign}${hours}${minutes === 0 ? '' : String(minutes).padStart(2, '0')}`;
}

/** printf's %0*d: the width counts the sign; FM means no padding. */
function padded(value: number, width: number, fm: boolean): string {
  if (fm) return String(value);
  const negative = value < 0;
  const digits = String(Math.abs(value)).padStart(negative ? width - 1 : width, '0');
  return negative ? `-${digits}` : digits;
}

function casedName(name: string, key: string): string {
  if (key === key.toUpperCase() && key !== key.toLowerCase() && /^[A-Z]{2}/.test(key)) return name.toUpperCase();
  if (key === key.toLowerCase()) return name.toLowerCase();
  return name;
}

/** to_char for a date/time value broken into parts. */
export function formatDatetime(parts: Parts, format: string, interval: boolean): string {
  let out = '';
  const year = parts.year;
  const displayYear = year <= 0 && !interval ? 1 - year : year;
  for (const node of parseFormat(format)) {
    if (node.kind === 'text') {
      out += node.text;
      continue;
    }
    const { key, fm, th } = node;
    // Negative values (of intervals, BC centuries) get one more position, for the sign.
    const number = (value: number, width: number): string => {
      const text = padded(value, value < 0 && width > 0 ? width + 1 : width, fm);
      return th === undefined ? text : text + ordinalSuffix(BigInt(Math.abs(value)), th === 'TH');
    };
    const upper = key.toUpperCase();
    switch (upper) {
      case 'A.M.': case 'P.M.': {
        const text = parts.hour % 24 >= 12 ? 'P.M.' : 'A.M.';
        out += key === key.toLowerCase() ? text.toLowerCase() : text;
        break;
      }
      case 'AM': case 'PM': {
        const text = parts.hour % 24 >= 12 ? 'PM' : 'AM';
        out += key === key.toLowerCase() ? text.toLowerCase() : text;
        break;
      }
      case 'A.D.': case 'B.C.': {
        const text = year <= 0 ? 'B.C.' : 'A.D.';
        out += key === key.toLowerCase() ? text.toLowerCase() : text;
        break;
      }
      case 'AD': case 'BC': {
        const text = year <= 0 ? 'BC' : 'AD';
        out += key === key.toLowerCase() ? text.toLowerCase() : text;
        break;
      }
      case 'HH': case 'HH12': {
        const hour = parts.hour % 12 === 0 ? 12 : parts.hour % 12;
        out += number(hour, 2);
        break;
      }
      case 'HH24': out += number(parts.hour, 2); break;
      case 'MI': out += number(parts.minute, 2); break;
      case 'SS': out += number(parts.second, 2); break;
      case 'MS': out += number(Math.floor(parts.micros / 1000), 3); break;
      case 'US': out += number(parts.micros, 6); break;
      case 'FF1': case 'FF2': case 'FF3': case 'FF4': case 'FF5': case 'FF6': {
        const digits = Number(upper[2]);
        out += number(Math.floor(parts.micros / 10 ** (6 - digits)), digits);
        break;
      }
      case 'SSSS': case 'SSSSS': out += number(parts.hour * 3600 + parts.minute * 60 + parts.second, 0); break;
      case 'Y,YYY': {
        const thousands = Math.floor(displayYear / 1000);
        out += `${thousands},${String(displayYear - thousands * 1000).padStart(3, '0')}`;
        break;
      }
      case 'YYYY': out += number(displayYear, 4); break;
      case 'YYY': out += number(displayYear % 1000, 3); break;
      case 'YY': out += number(displayYear % 100, 2); break;
      case 'Y': out += number(displayYear % 10, 1); break;
      case 'IYYY': case 'IYY': case 'IY': case 'I': {
        const isoYear = parts.days === undefined ? year : isoWeek(parts.days).year;
        const shown = isoYear <= 0 ? 1 - isoYear : isoYear;
        const width = upper.length;
        out += number(width === 4 ? shown : shown % 10 ** width, width);
        break;
      }
      case 'MONTH': case 'MON': {
        if (parts.month === 0) break;
        const name = MONTHS[parts.month - 1];
        const text = casedName(upper === 'MON' ? name.slice(0, 3) : name, key);
        out += upper === 'MONTH' && !fm ? text.padEnd(9, ' ') : text;
        break;
      }
      case 'MM': out += number(parts.month, 2); break;
      case 'DAY': case 'DY': {
        if (parts.days === undefined) break;
        const name = DAYS[dayOfWeek(parts.days)];
        const text = casedName(upper === 'DY' ? name.slice(0, 3) : name, key);
        out += upper === 'DAY' && !fm ? text.padEnd(9, ' ') : text;
        break;
      }
      case 'DDD': {
        const doy = parts.days === undefined ? parts.day : parts.days - daysFromCivil(year, 1, 1) + 1;
        out += number(doy, 3);
        break;
      }
      case 'IDDD': {
        const doy = parts.days === undefined ? parts.day : parts.days - isoWeekStart(isoWeek(parts.days).year, 1) + 1;
        out += number(doy, 3);
        break;
      }
      case 'DD': out += number(parts.day, 2); break;
      case 'D': if (parts.days !== undefined) out += number(dayOfWeek(parts.days) + 1, 1); break;
      case 'ID': if (parts.days !== undefined) out += number(dayOfWeek(parts.days) || 7, 1); break;
      case 'W': out += number(Math.floor((parts.day - 1) / 7) + 1, 1); break;
      case 'WW': {
        const doy = parts.days === undefined ? parts.day : parts.days - daysFromCivil(year, 1, 1) + 1;
        out += number(Math.floor((doy - 1) / 7) + 1, 2);
        break;
      }
      case 'IW': if (parts.days !== undefined) out += number(isoWeek(parts.days).week, 2); break;
      case 'CC': {
        const century = year > 0 ? Math.trunc((year + 99) / 100) : -Math.trunc((99 - (year - 1)) / 100);
        out += number(century, 2);
        break;
      }
      case 'J': if (parts.days !== undefined) out += number(parts.days + 2_451_545, 0); break;
      case 'Q': if (parts.month !== 0) out += number(Math.floor((parts.month - 1) / 3) + 1, 1); break;
      case 'RM': {
        if (parts.month === 0) break;
        const text = ROMAN_MONTHS[parts.month - 1];
        const cased = key === 'rm' ? text.toLowerCase() : text;
        out += fm ? cased : cased.padEnd(4, ' ');
        break;
      }
      case 'TZ':
        if (parts.offset !== undefined) out += key === 'tz' ? parts.zoneName.toLowerCase() : parts.zoneName;
        break;
      case 'TZH': case 'TZM': case 'OF': {
        const offset = parts.offset ?? 0;
        const abs = Math.abs(offset);
        const hours = Math.floor(abs / 3600);
        const minutes = Math.floor(abs / 60) % 60;
        const sign = offset < 0 ? '-' : '+';
        if (upper === 'TZH') out += `${sign}${padded(hours, 2, fm)}`;
        else if (upper === 'TZM') out += padded(minutes, 2, fm);
        else out += `${sign}${padded(hours, 2, fm)}${minutes === 0 ? '' : `:${String(minutes).padStart(2, '0')}`}`;
        break;
      }
      case 'FX':
        break;
    }
  }
  return out;
}

// ---- to_date / to_timestamp --------------------------------------------------------------------

interface Parsed {
  year?: number;
  bc?: boolean;
  month?: number;
  day?: number;
  dayOfYear?: number;
  julian?: number;
  hour?: number;
  pm?: boolean;
  twelveHour?: boolean;
  minute?: number;
  second?: number;
  micros?: number;
  offsetHours?: number;
  offsetMinutes?: number;
  century?: number;
}

function invalidValue(text: string, key: string, detail: string): EngineError {
  return new EngineError(FnState.invalidDatetimeFormat, `invalid value "${text}" for "${key}"`, { detail });
}

const DIGIT_WIDTH: Record<string, number> = {
  YYYY: 4, YYY: 3, YY: 2, Y: 1, IYYY: 4, IYY: 3, IY: 2, I: 1, MM: 2, DD: 2, DDD: 3, IDDD: 3, HH: 2, HH12: 2, HH24: 2, MI: 2,
  SS: 2, MS: 3, US: 6, FF1: 1, FF2: 2, FF3: 3, FF4: 4, FF5: 5, FF6: 6, D: 1, ID: 1, W: 1, WW: 2, IW: 2, CC: 2, Q: 1, J: 0, SSSS: 0, SSSSS: 0,
  TZH: 2, TZM: 2,
};

/** Reads the fields a template describes from text (PostgreSQL's lenient, non-FX rules). */
export function parseDatetime(text: string, format: string): Parsed {
  const nodes = parseFormat(format);
  const parsed: Parsed = {};
  let at = 0;
  const skipSpaces = () => {
    while (text[at] === ' ') at++;
  };
  nodes.forEach((node, index) => {
    if (node.kind === 'text') {
      // Quoted text skips as many characters; a separator skips one non-alphanumeric character.
      if (node.quoted) at += [...node.text].length;
      else if (node.text === ' ') skipSpaces();
      else if (at < text.length && !/[A-Za-z0-9]/.test(text[at])) at++;
      return;
    }
    const upper = node.key.toUpperCase();
    if (upper === 'FX') return;
    skipSpaces();
    if (upper in DIGIT_WIDTH) {
      const next = nodes[index + 1];
      const nextIsDigitField = next !== undefined && next.kind === 'field' && next.key.toUpperCase() in DIGIT_WIDTH;
      const width = DIGIT_WIDTH[upper];
      const signed = upper === 'TZH' || upper === 'J' || upper === 'YYYY';
      // Greedy unless another digit field follows directly, as PostgreSQL's is_next_separator decides.
      const pattern = new RegExp(`^${signed ? '[+-]?' : ''}\\d${width > 0 && nextIsDigitField ? `{1,${width}}` : '+'}`);
      const match = pattern.exec(text.slice(at));
      if (match === null) {
        const shown = text.slice(at, at + Math.max(width, 1));
        throw invalidValue(shown === '' ? '' : shown, node.key, 'Value must be an integer.');
      }
      at += match[0].length;
      assignNumber(parsed, upper, Number(match[0]), match[0]);
      return;
    }
    switch (upper) {
      case 'MONTH': case 'MON': {
        const index = MONTHS.findIndex((name) => text.slice(at).toLowerCase().startsWith((upper === 'MON' ? name.slice(0, 3) : name).toLowerCase()));
        if (index < 0) throw invalidValue(text.slice(at, at + (upper === 'MON' ? 3 : 9)).trim(), node.key, `The given value did not match any of the allowed values for this field.`);
        at += upper === 'MON' ? 3 : MONTHS[index].length;
        parsed.month = index + 1;
        break;
      }
      case 'DAY': case 'DY': {
        const index = DAYS.findIndex((name) => text.slice(at).toLowerCase().startsWith((upper === 'DY' ? name.slice(0, 3) : name).toLowerCase()));
        if (index < 0) throw invalidValue(text.slice(at, at + 3), node.key, 'The given value did not match any of the allowed values for this field.');
        at += upper === 'DY' ? 3 : DAYS[index].length;
        break;
      }
      case 'AM': case 'PM': case 'A.M.': case 'P.M.': {
        const word = /^(a\.?m\.?|p\.?m\.?)/i.exec(text.slice(at));
        if (word === null) throw invalidValue(text.slice(at, at + upper.length), node.key, 'The given value did not match any of the allowed values for this field.');
        at += word[0].length;
        parsed.pm = word[0].toLowerCase().startsWith('p');
        parsed.twelveHour = true;
        break;
      }
      case 'AD': case 'BC': case 'A.D.': case 'B.C.': {
        const word = /^(a\.?d\.?|b\.?c\.?)/i.exec(text.slice(at));
        if (word === null) throw invalidValue(text.slice(at, at + upper.length), node.key, 'The given value did not match any of the allowed values for this field.');
        at += word[0].length;
        parsed.bc = word[0].toLowerCase().startsWith('b');
        break;
      }
      case 'RM': {
        const word = /^(XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)/i.exec(text.slice(at));
        if (word === null) throw invalidValue(text.slice(at, at + 4), node.key, 'The given value did not match any of the allowed values for this field.');
        at += word[0].length;
        parsed.month = ROMAN_MONTHS.indexOf(word[0].toUpperCase()) + 1;
        break;
      }
      case 'TZ': case 'OF': {
        const word = /^([+-]\d{1,2})(?::?(\d{2}))?|^[A-Za-z]+/.exec(text.slice(at));
        if (word !== null) {
          at += word[0].length;
          if (word[1] !== undefined) {
            parsed.offsetHours = Number(word[1]);
            parsed.offsetMinutes = Number(word[2] ?? 0) * Math.sign(parsed.offsetHours || 1);
          }
        }
        break;
      }
    }
  });
  return parsed;
}

function assignNumber(parsed: Parsed, key: string, value: number, text: string): void {
  switch (key) {
    case 'YYYY': case 'IYYY': parsed.year = value; break;
    case 'YYY': case 'IYY': parsed.year = value < 100 ? value + 2000 : value + 1000; break;
    case 'YY': case 'IY': parsed.year = text.length > 2 ? value : value < 70 ? value + 2000 : value + 1900; break;
    case 'Y': case 'I': parsed.year = value + 2000; break;
    case 'MM': parsed.month = value; break;
    case 'DD': parsed.day = value; break;
    case 'DDD': case 'IDDD': parsed.dayOfYear = value; break;
    case 'HH': case 'HH12': parsed.hour = value; parsed.twelveHour = true; break;
    case 'HH24': parsed.hour = value; break;
    case 'MI': parsed.minute = value; break;
    case 'SS': parsed.second = value; break;
    // '5' is 0.5 s, '05' 0.05 s: fractions are scaled by how many digits were written.
    case 'MS': parsed.micros = value * 10 ** Math.max(0, 3 - text.length) * 1000; break;
    case 'US': parsed.micros = value * 10 ** (6 - text.length); break;
    case 'FF1': case 'FF2': case 'FF3': case 'FF4': case 'FF5': case 'FF6': parsed.micros = value * 10 ** (6 - text.length); break;
    case 'J': parsed.julian = value; break;
    case 'SSSS': case 'SSSSS':
      parsed.hour = Math.floor(value / 3600);
      parsed.minute = Math.floor(value / 60) % 60;
      parsed.second = value % 60;
      break;
    case 'CC': parsed.century = value; break;
    case 'TZH': parsed.offsetHours = value; if (text.startsWith('-')) parsed.offsetMinutes = -(parsed.offsetMinutes ?? 0); break;
    case 'TZM': parsed.offsetMinutes = (parsed.offsetHours !== undefined && parsed.offsetHours < 0) ? -value : value; break;
    default: break;
  }
}

function fieldOverflow(text: string): EngineError {
  return new EngineError(FnState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
}

/** The local date (days since 2000) and time of parsed fields; missing ones default as PostgreSQL's do. */
function assemble(parsed: Parsed, text: string): { days: number; time: bigint } {
  // Without a year field the year is 0, 1 BC, as in PostgreSQL.
  let year = parsed.year ?? (parsed.century !== undefined ? (parsed.century - 1) * 100 + 1 : 0);
  if (parsed.bc) year = 1 - year;
  let days: number;
  if (parsed.julian !== undefined) days = parsed.julian - 2_451_545;
  else if (parsed.dayOfYear !== undefined && parsed.month === undefined) days = daysFromCivil(year, 1, 1) + parsed.dayOfYear - 1;
  else {
    const month = parsed.month ?? 1;
    const day = parsed.day ?? 1;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw fieldOverflow(text);
    days = daysFromCivil(year, month, day);
  }
  let hour = parsed.hour ?? 0;
  if (parsed.twelveHour) {
    if (hour < 1 || hour > 12) {
      throw new EngineError(FnState.invalidDatetimeFormat, `hour "${hour}" is invalid for the 12-hour clock`, { hint: 'Use the 24-hour clock, or give an hour between 1 and 12.' });
    }
    if (parsed.pm && hour < 12) hour += 12;
    else if (!parsed.pm && hour === 12) hour = 0;
  }
  const minute = parsed.minute ?? 0;
  const second = parsed.second ?? 0;
  if (hour > 24 || minute > 59 || second > 60) throw fieldOverflow(text);
  const time = BigInt((hour * 60 + minute) * 60 + second) * 1_000_000n + BigInt(parsed.micros ?? 0);
  return { days, time };
}

export function toDate(text: string, format: string): number {
  const { days } = assemble(parseDatetime(text, format), text);
  if (!isValidDate(days)) throw new EngineError(FnState.datetimeFieldOverflow, `date out of range: "${text}"`);
  return days;
}

export function toTimestamp(text: string, format: string, zone: TimeZone): bigint {
  const parsed = parseDatetime(text, format);
  const { days, time } = assemble(parsed, text);
  const local = BigInt(days) * MICROS_PER_DAY + time;
  let utc: bigint;
  if (parsed.offsetHours !== undefined) {
    const east = parsed.offsetHours * 3600 + (parsed.offsetMinutes ?? 0) * 60;
    utc = local - BigInt(east) * 1_000_000n;
  } else {
    utc = toUtc(local, zone);
  }
  if (!isValidTimestamp(utc)) throw new EngineError(FnState.datetimeFieldOverflow, 'timestamp out of range');
  return utc;
}
