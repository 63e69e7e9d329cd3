/**
 * Date/time operators and functions: date ± integer, date - date, ± interval on dates and
 * timestamps (timestamptz in the session's TimeZone), timestamp differences, interval
 * arithmetic, now() and its siblings, extract / date_part, date_trunc, age, make_*,
 * justify_*, timezone() (AT TIME ZONE), isfinite and to_timestamp(double).
 */
import type { Interval } from '../../../engine/types.ts';
import { MICROS_PER_DAY } from '../../types/calendar.ts';
import type { EvalContext } from '../context.ts';
import {
  addIntervals,
  dateMinusDate,
  datePlusDays,
  dateToTimestamp,
  divideInterval,
  isFiniteDate,
  justifyDays,
  justifyHours,
  justifyInterval,
  multiplyInterval,
  negateInterval,
  subtractIntervals,
  timeMinusInterval,
  timePlusInterval,
  timestampMinus,
  timestampPlusInterval,
  timestamptzPlusInterval,
} from '../datetime/arithmetic.ts';
import { age, makeDate, makeInterval, makeTime, makeTimestamp, makeTimestamptz, toTimestampFromEpoch } from '../datetime/construct.ts';
import { dateExtract, intervalField, timeField, timestampField, truncateInterval, truncateTimestamp, type FieldResult } from '../datetime/fields.ts';
import { intervalZone, isFiniteTimestamp, namedZone, sessionZone, toLocal, toUtc } from '../datetime/zone.ts';
import { writeNum, type Num } from '../numeric/decimal.ts';
import { binary, fn, op, ternary, unary, type Impl } from '../registry.ts';

const zoneOf = (ctx: EvalContext) => sessionZone(ctx.timeZone);
const stable = { volatility: 'stable' } as const;

// ---- operators ---------------------------------------------------------------------------------

op('+', ['date', 'int4'], 'date', binary<number, number>((d, n) => datePlusDays(d, n)));
op('+', ['int4', 'date'], 'date', binary<number, number>((n, d) => datePlusDays(d, n)));
op('-', ['date', 'int4'], 'date', binary<number, number>((d, n) => datePlusDays(d, -n)));
op('-', ['date', 'date'], 'int4', binary<number, number>(dateMinusDate));
op('+', ['date', 'interval'], 'timestamp', binary<number, Interval>((d, i) => timestampPlusInterval(dateToTimestamp(d), i)));
op('+', ['interval', 'date'], 'timestamp', binary<Interval, number>((i, d) => timestampPlusInterval(dateToTimestamp(d), i)));
op('-', ['date', 'interval'], 'timestamp', binary<number, Interval>((d, i) => timestampPlusInterval(dateToTimestamp(d), negateInterval(i))));
const datePlusTime = (d: number, t: bigint): bigint => (isFiniteDate(d) ? dateToTimestamp(d) + t : dateToTimestamp(d));
op('+', ['date', 'time'], 'timestamp', binary<number, bigint>(datePlusTime));
op('+', ['time', 'date'], 'timestamp', binary<bigint, number>((t, d) => datePlusTime(d, t)));

op('+', ['timestamp', 'interval'], 'timestamp', binary<bigint, Interval>(timestampPlusInterval));
op('+', ['interval', 'timestamp'], 'timestamp', binary<Interval, bigint>((i, t) => timestampPlusInterval(t, i)));
op('-', ['timestamp', 'interval'], 'timestamp', binary<bigint, Interval>((t, i) => timestampPlusInterval(t, negateInterval(i))));
op('-', ['timestamp', 'timestamp'], 'interval', binary<bigint, bigint>(timestampMinus));

op('+', ['timestamptz', 'interval'], 'timestamptz', binary<bigint, Interval>((t, i, ctx) => timestamptzPlusInterval(t, i, zoneOf(ctx))), stable);
op('+', ['interval', 'timestamptz'], 'timestamptz', binary<Interval, bigint>((i, t, ctx) => timestamptzPlusInterval(t, i, zoneOf(ctx))), stable);
op('-', ['timestamptz', 'interval'], 'timestamptz', binary<bigint, Interval>((t, i, ctx) => timestamptzPlusInterval(t, negateInterval(i), zoneOf(ctx))), stable);
op('-', ['timestamptz', 'timestamptz'], 'interval', binary<bigint, bigint>(timestampMinus));

op('+', ['interval', 'interval'], 'interval', binary<Interval, Interval>(addIntervals));
op('-', ['interval', 'interval'], 'interval', binary<Interval, Interval>(subtractIntervals));
op('-', ['interval'], 'interval', unary<Interval>(negateInterval));
op('+', ['interval'], 'interval', unary<Interval>((i) => i));
op('*', ['interval', 'float8'], 'interval', binary<Interval, number>(multiplyInterval));
op('*', ['float8', 'interval'], 'interval', binary<number, Interval>((f, i) => multiplyInterval(i, f)));
op('/', ['interval', 'float8'], 'interval', binary<Interval, number>(divideInterval));

op('+', ['time', 'interval'], 'time', binary<bigint, Interval>(timePlusInterval));
op('+', ['interval', 'time'], 'time', binary<Interval, bigint>((i, t) => timePlusInterval(t, i)));
op('-', ['time', 'interval'], 'time', binary<bigint, Interval>(timeMinusInterval));
op('-', ['time', 'time'], 'interval', binary<bigint, bigint>((a, b): Interval => ({ months: 0, days: 0, micros: a - b })));

// ---- current time ------------------------------------------------------------------------------

const now: Impl = (_args, ctx) => ctx.transactionTimestamp;
fn('now', [], 'timestamptz', now, { ...stable, strict: false });
fn('transaction_timestamp', [], 'timestamptz', now, { ...stable, strict: false });
fn('statement_timestamp', [], 'timestamptz', (_args, ctx) => ctx.statementTimestamp, { ...stable, strict: false });
fn('clock_timestamp', [], 'timestamptz', (_args, ctx) => ctx.clockTimestamp(), { volatility: 'volatile', strict: false });

/** Midnight of the current date in the session's zone, as a local timestamp (current_date::timestamp). */
function todayLocal(ctx: EvalContext): bigint {
  const local = toLocal(ctx.transactionTimestamp, zoneOf(ctx));
  const days = local / MICROS_PER_DAY - (local < 0n && local % MICROS_PER_DAY !== 0n ? 1n : 0n);
  return days * MICROS_PER_DAY;
}

// ---- fields ------------------------------------------------------------------------------------

function numericResult(result: FieldResult): string | null {
  return result === null ? null : writeNum((result as { numeric: Num }).numeric);
}

function floatResult(result: FieldResult): number | null {
  if (result === null) return null;
  return 'float' in result ? result.float : Number(writeNum(result.numeric));
}

fn('extract', ['text', 'timestamp'], 'numeric', binary<string, bigint>((f, t) => numericResult(timestampField(f, t, undefined, true))));
fn('extract', ['text', 'timestamptz'], 'numeric', binary<string, bigint>((f, t, ctx) => numericResult(timestampField(f, t, zoneOf(ctx), true))), stable);
fn('extract', ['text', 'date'], 'numeric', binary<string, number>((f, d) => numericResult(dateExtract(f, d))));
fn('extract', ['text', 'time'], 'numeric', binary<string, bigint>((f, t) => numericResult(timeField(f, t, true))));
fn('extract', ['text', 'interval'], 'numeric', binary<string, Interval>((f, i) => numericResult(intervalField(f, i, true))));
fn('date_part', ['text', 'timestamp'], 'float8', binary<string, bigint>((f, t) => floatResult(timestampField(f, t, undefined, false))));
fn('date_part', ['text', 'timestamptz'], 'float8', binary<string, bigint>((f, t, ctx) => floatResult(timestampField(f, t, zoneOf(ctx), false))), stable);
fn('date_part', ['text', 'date'], 'float8', binary<string, number>((f, d) => floatResult(timestampField(f, dateToTimestamp(d), undefined, false))));
fn('date_part', ['text', 'time'], 'float8', binary<string, bigint>((f, t) => floatResult(timeField(f, t, false))));
fn('date_part', ['text', 'interval'], 'float8', binary<string, Interval>((f, i) => floatResult(intervalField(f, i, false))));

fn('date_trunc', ['text', 'timestamp'], 'timestamp', binary<string, bigint>((f, t) => truncateTimestamp(f, t, undefined)));
fn('date_trunc', ['text', 'timestamptz'], 'timestamptz', binary<string, bigint>((f, t, ctx) => truncateTimestamp(f, t, zoneOf(ctx))), stable);
fn('date_trunc', ['text', 'timestamptz', 'text'], 'timestamptz', ternary<string, bigint, string>((f, t, z) => truncateTimestamp(f, t, namedZone(z))));
fn('date_trunc', ['text', 'interval'], 'interval', binary<string, Interval>(truncateInterval));

// ---- age, make_*, justify_* --------------------------------------------------------------------

fn('age', ['timestamp', 'timestamp'], 'interval', binary<bigint, bigint>((a, b) => age(a, b)));
fn('age', ['timestamptz', 'timestamptz'], 'interval', binary<bigint, bigint>((a, b, ctx) => age(a, b, zoneOf(ctx))), stable);
fn('age', ['timestamp'], 'interval', unary<bigint>((t, ctx) => age(todayLocal(ctx), t)), stable);
fn('age', ['timestamptz'], 'interval', unary<bigint>((t, ctx) => age(toUtc(todayLocal(ctx), zoneOf(ctx)), t, zoneOf(ctx))), stable);

fn('make_date', ['int4', 'int4', 'int4'], 'date', ternary<number, number, number>(makeDate));
fn('make_time', ['int4', 'int4', 'float8'], 'time', ternary<number, number, number>(makeTime));
const sixParts = ['int4', 'int4', 'int4', 'int4', 'int4', 'float8'];
fn('make_timestamp', sixParts, 'timestamp', (args) => (args.some((a) => a === null) ? null : makeTimestamp(...(args as [number, number, number, number, number, number]))));
fn('make_timestamptz', sixParts, 'timestamptz', (args, ctx) => (args.some((a) => a === null) ? null : makeTimestamptz(args as number[], zoneOf(ctx))), stable);
fn('make_timestamptz', [...sixParts, 'text'], 'timestamptz', (args) => (args.some((a) => a === null) ? null : makeTimestamptz(args.slice(0, 6) as number[], namedZone(args[6] as string))));
fn('make_interval', ['int4', 'int4', 'int4', 'int4', 'int4', 'int4', 'float8'], 'interval', (args) =>
  args.some((a) => a === null) ? null : makeInterval(...(args as [number, number, number, number, number, number, number])),
{ defaults: [0, 0, 0, 0, 0, 0, 0] });

fn('justify_days', ['interval'], 'interval', unary<Interval>(justifyDays));
fn('justify_hours', ['interval'], 'interval', unary<Interval>(justifyHours));
fn('justify_interval', ['interval'], 'interval', unary<Interval>(justifyInterval));

// ---- time zones --------------------------------------------------------------------------------

/** timestamptz AT TIME ZONE zone: the local time there. */
const atZoneFromTz = (t: bigint, zone: ReturnType<typeof namedZone>) => toLocal(t, zone);
/** timestamp AT TIME ZONE zone: the instant when it is that local time there. */
const atZoneFromLocal = (t: bigint, zone: ReturnType<typeof namedZone>) => toUtc(t, zone);

fn('timezone', ['text', 'timestamptz'], 'timestamp', binary<string, bigint>((z, t) => atZoneFromTz(t, namedZone(z))));
fn('timezone', ['text', 'timestamp'], 'timestamptz', binary<string, bigint>((z, t) => atZoneFromLocal(t, namedZone(z))));
fn('timezone', ['interval', 'timestamptz'], 'timestamp', binary<Interval, bigint>((z, t) => atZoneFromTz(t, intervalZone(z))));
fn('timezone', ['interval', 'timestamp'], 'timestamptz', binary<Interval, bigint>((z, t) => atZoneFromLocal(t, intervalZone(z))));

fn('isfinite', ['date'], 'bool', unary<number>(isFiniteDate));
fn('isfinite', ['timestamp'], 'bool', unary<bigint>(isFiniteTimestamp));
fn('isfinite', ['timestamptz'], 'bool', unary<bigint>(isFiniteTimestamp));
fn('isfinite', ['interval'], 'bool', unary<Interval>(() => true));

fn('to_timestamp', ['float8'], 'timestamptz', unary<number>(toTimestampFromEpoch));
