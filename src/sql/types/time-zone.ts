/**
 * Time zones as PostgreSQL resolves them, for the TimeZone setting and for zone names in
 * datetime input.
 *
 * - IANA names ('Europe/Paris', 'america/new_york', 'Japan', 'EST5EDT') in any case, computed
 *   with Intl (Node's ICU), DST and historical offsets (LMT) included. Names are limited to the
 *   directories and top-level names of a tzdata installation, because ICU also knows aliases
 *   PostgreSQL does not ('PST', 'IST').
 * - POSIX-style fixed offsets: 'UTC+3', 'XYZ-3:30', '<+05>-05', and '+05:30' (PostgreSQL allows
 *   an empty name). POSIX counts west as positive: 'UTC+3' is three hours *behind* UTC.
 * - For the TimeZone setting only, a plain number of hours ('5.5', '-3'), east positive.
 *
 * Left out: POSIX strings with daylight-saving rules ('EST5EDT4,M3.2.0,M11.1.0'), the
 * 'INTERVAL …' setting form, and the 'localtime', 'posixrules' and 'Factory' zones. ICU's tzdata
 * may differ from the operating system's one PostgreSQL reads; since tzdata 2024b, ICU treats
 * 'CET', 'EET', 'MET', 'WET', 'EST', 'MST', 'HST' and 'EST5EDT'-style zones as links to city
 * zones, whose offsets before the 1970s differ from the old rule-based zones.
 */
import { UNIX_EPOCH_DAYS, SECONDS_PER_DAY, daysFromCivil } from './calendar.ts';
import { EngineError, TypeState } from './errors.ts';
import { scanStrtod } from './float.ts';
import { isCSpace } from './libc.ts';

export interface TimeZone {
  /** Seconds east of UTC in effect at an instant (whole seconds since 1970-01-01 UTC). */
  offsetAt(utcSeconds: number): number;
  /** The offset of a zone that has only ever had one. */
  readonly fixedOffset: number | undefined;
}

const UTC: TimeZone = fixedZone(0);

function fixedZone(seconds: number): TimeZone {
  const offset = seconds + 0; // no -0 from negating a zero offset
  return { offsetAt: () => offset, fixedOffset: offset };
}

/** tzdata's top-level names and directories (posix/ and right/ excepted): what PostgreSQL can load. */
const TZDATA_NAMES = new Set(
  `CET CST6CDT Cuba EET EST EST5EDT Egypt Eire GB GB-Eire GMT GMT+0 GMT-0 GMT0 Greenwich HST Hongkong
  Iceland Iran Israel Jamaica Japan Kwajalein Libya MET MST MST7MDT NZ NZ-CHAT Navajo PRC PST8PDT Poland
  Portugal ROC ROK Singapore Turkey UCT UTC Universal W-SU WET Zulu`.toLowerCase().split(/\s+/),
);
const TZDATA_DIRECTORIES = new Set(
  'Africa America Antarctica Arctic Asia Atlantic Australia Brazil Canada Chile Etc Europe Indian Mexico Pacific US'.toLowerCase().split(' '),
);

/** A POSIX TZ string without daylight-saving part: name (possibly empty or <quoted>), offset. */
const POSIX_FIXED = /^(?:<[^>]*>|[^\d,+-]*)([+-]?)(\d+)(?::(\d+)(?::(\d+))?)?$/;

const found = new Map<string, TimeZone | null>();

/** A time zone by name, as PostgreSQL's pg_tzset finds it; undefined if there is none. */
export function findTimeZone(name: string): TimeZone | undefined {
  const key = name.toLowerCase();
  let zone = found.get(key);
  if (zone === undefined) {
    zone = posixZone(name) ?? tzdataZone(name) ?? null;
    found.set(key, zone);
  }
  return zone ?? undefined;
}

function posixZone(name: string): TimeZone | undefined {
  const match = POSIX_FIXED.exec(name);
  if (match === null) return undefined;
  const [hours, minutes, seconds] = [match[2], match[3] ?? '0', match[4] ?? '0'].map(Number);
  // tzcode's limits: hours below a week, minutes below 60, a leap second allowed.
  if (hours > 167 || minutes > 59 || seconds > 60) return undefined;
  const west = (hours * 60 + minutes) * 60 + seconds;
  return fixedZone(match[1] === '-' ? west : -west);
}

function tzdataZone(name: string): TimeZone | undefined {
  const lower = name.toLowerCase();
  const slash = lower.indexOf('/');
  if (slash < 0 ? !TZDATA_NAMES.has(lower) : !TZDATA_DIRECTORIES.has(lower.slice(0, slash))) return undefined;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const canonical = format.resolvedOptions().timeZone;
  if (canonical === 'UTC' || canonical === 'Etc/UTC') return UTC;
  const fixed = /^Etc\/GMT([+-]\d+)$/.exec(canonical);
  if (fixed !== null) return fixedZone(-Number(fixed[1]) * 3600);
  return { offsetAt: (utcSeconds) => intlOffset(format, utcSeconds), fixedOffset: undefined };
}

/** JavaScript dates end at ±8.64e12 s; PostgreSQL's timestamps reach year 294276. */
const DATE_LIMIT_SECONDS = 8e12;
/** 400 Gregorian years, after which the calendar (weekdays included) repeats exactly. */
const CYCLE_SECONDS = 146_097 * SECONDS_PER_DAY;

function intlOffset(format: Intl.DateTimeFormat, utcSeconds: number): number {
  const excess = Math.abs(utcSeconds) - DATE_LIMIT_SECONDS;
  // Far beyond the tz database's last transition only the final rules apply, and they repeat
  // with the calendar, so moving the instant by whole cycles keeps its offset.
  const shifted = excess > 0 ? utcSeconds - Math.sign(utcSeconds) * Math.ceil(excess / CYCLE_SECONDS) * CYCLE_SECONDS : utcSeconds;
  const fields: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(shifted * 1000))) fields[part.type] = part.value;
  const year = fields.era === 'BC' ? 1 - Number(fields.year) : Number(fields.year);
  const days = daysFromCivil(year, Number(fields.month), Number(fields.day)) - UNIX_EPOCH_DAYS;
  const local = days * SECONDS_PER_DAY + Number(fields.hour) * 3600 + Number(fields.minute) * 60 + Number(fields.second);
  return local - shifted;
}

/**
 * The zone of a TimeZone setting, as PostgreSQL's check_timezone reads it: a number of hours
 * (east positive), else a zone name. Throws 22023 for a value PostgreSQL would refuse.
 */
export function sessionTimeZone(setting: string): TimeZone {
  let zone = sessionZones.get(setting);
  if (zone === undefined) {
    zone = readSetting(setting);
    sessionZones.set(setting, zone);
  }
  return zone;
}

const sessionZones = new Map<string, TimeZone>();

function readSetting(setting: string): TimeZone {
  const invalid = (detail?: string) => new EngineError(TypeState.invalidParameterValue, `invalid value for parameter "TimeZone": "${setting}"`, { detail });
  let start = 0;
  while (isCSpace(setting[start])) start++;
  const number = scanStrtod(setting, start);
  let zone: TimeZone | undefined;
  if (number !== undefined && number.end === setting.length && start < setting.length) {
    const hours = number.round() ?? NaN;
    if (!Number.isFinite(hours) || Math.abs(hours) >= 168) throw invalid('UTC timezone offset is out of range.');
    zone = fixedZone(Math.trunc(hours * 3600));
  } else {
    zone = findTimeZone(setting);
  }
  if (zone === undefined) throw invalid();
  if (zone.fixedOffset !== undefined && zone.fixedOffset % 60 !== 0) {
    throw new EngineError(TypeState.invalidParameterValue, `time zone "${setting}" appears to use leap seconds`, { detail: 'PostgreSQL does not support leap seconds.' });
  }
  return zone;
}

/**
 * The offset (seconds east) that applies to a local time in `zone`, as PostgreSQL's
 * DetermineTimeZoneOffset chooses it: a time skipped by a spring-forward transition is read with
 * the offset before it, a time repeated by a fall-back transition as the later instant.
 */
export function localOffset(zone: TimeZone, localSeconds: number): number {
  if (zone.fixedOffset !== undefined) return zone.fixedOffset;
  // PostgreSQL assumes offsets below a day and transitions at least two days apart.
  let low = localSeconds - SECONDS_PER_DAY;
  const before = zone.offsetAt(low);
  let high = localSeconds + SECONDS_PER_DAY;
  if (zone.offsetAt(high) === before) return before;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (zone.offsetAt(middle) === before) low = middle;
    else high = middle;
  }
  const boundary = high;
  const after = zone.offsetAt(boundary);
  const beforeTime = localSeconds - before;
  const afterTime = localSeconds - after;
  if (beforeTime < boundary && afterTime < boundary) return before;
  if (beforeTime > boundary && afterTime >= boundary) return after;
  return beforeTime > afterTime ? before : after;
}
