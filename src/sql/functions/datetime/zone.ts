/**
 * Moving timestamps between UTC and local time in a time zone, as PostgreSQL's timestamp2tm and
 * tm2timestamp do with a zone: local = UTC + offset at that instant; UTC from a local time uses
 * the offset DetermineTimeZoneOffset chooses (gaps read with the offset before them, repeated
 * hours as the later instant). ±infinity stay as they are.
 */
import type { Interval } from '../../../engine/types.ts';
import { MICROS_PER_SECOND, TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY, UNIX_EPOCH_DAYS, SECONDS_PER_DAY } from '../../types/calendar.ts';
import { formatInterval } from '../../types/datetime-out.ts';
import { EngineError, FnState } from '../errors.ts';
import { findTimeZone, localOffset, sessionTimeZone, type TimeZone } from '../../types/time-zone.ts';
import { zoneAbbreviation } from '../../types/zone-abbreviations.ts';

export const EPOCH_SECONDS = -UNIX_EPOCH_DAYS * SECONDS_PER_DAY;

export function isFiniteTimestamp(micros: bigint): boolean {
  return micros !== TIMESTAMP_NEG_INFINITY && micros !== TIMESTAMP_POS_INFINITY;
}

/** Whole seconds since 1970, rounded down. */
function unixSeconds(micros: bigint): number {
  const seconds = micros / MICROS_PER_SECOND;
  const floored = micros < 0n && seconds * MICROS_PER_SECOND !== micros ? seconds - 1n : seconds;
  return Number(floored) + EPOCH_SECONDS;
}

/** Seconds east of UTC in effect at a UTC instant. */
export function offsetAt(zone: TimeZone, utcMicros: bigint): number {
  return zone.fixedOffset ?? zone.offsetAt(unixSeconds(utcMicros));
}

export function toLocal(utcMicros: bigint, zone: TimeZone): bigint {
  if (!isFiniteTimestamp(utcMicros)) return utcMicros;
  return utcMicros + BigInt(offsetAt(zone, utcMicros)) * MICROS_PER_SECOND;
}

export function toUtc(localMicros: bigint, zone: TimeZone): bigint {
  if (!isFiniteTimestamp(localMicros)) return localMicros;
  const offset = zone.fixedOffset ?? localOffset(zone, unixSeconds(localMicros));
  return localMicros - BigInt(offset) * MICROS_PER_SECOND;
}

export function sessionZone(setting: string): TimeZone {
  return sessionTimeZone(setting);
}

/**
 * A zone named in AT TIME ZONE / timezone(text, …), as timestamptz_zone looks it up: a
 * timezone abbreviation first ('EST' is always -05), then a zone name or POSIX offset.
 * Fixed offsets are TimeZones too. Throws 22023 `time zone "x" not recognized`.
 */
export function namedZone(name: string): TimeZone {
  const abbreviation = zoneAbbreviation(name.toLowerCase());
  if (typeof abbreviation === 'number') return fixedZone(abbreviation);
  const zone = findTimeZone(abbreviation ?? name);
  if (zone === undefined) throw new EngineError(FnState.invalidParameterValue, `time zone "${name}" not recognized`);
  return zone;
}

export function fixedZone(secondsEast: number): TimeZone {
  const offset = secondsEast + 0;
  return { offsetAt: () => offset, fixedOffset: offset };
}

/** timezone(interval, …): the interval must be a plain time offset. */
export function intervalZone(interval: Interval): TimeZone {
  if (interval.months !== 0 || interval.days !== 0) {
    throw new EngineError(FnState.invalidParameterValue, `interval time zone "${formatInterval(interval)}" must not include months or days`);
  }
  // The interval is the offset east, as in "+05:30".
  return fixedZone(Number(interval.micros / MICROS_PER_SECOND));
}
