/**
 * float4 and float8 as text, as PostgreSQL 15 reads and prints them.
 *
 * Output (extra_float_digits = 1, the default since PostgreSQL 12) is the shortest decimal that
 * reads back to the same value, as PostgreSQL's Ryu prints it: fixed notation for decimal
 * exponents -4 up to 14 (float8) or 5 (float4), otherwise '1e+100' style with at least two
 * exponent digits. JavaScript's own shortest form gives float8's digits except when it lies
 * exactly on a rounding boundary, which PostgreSQL's Ryu never prints (56978248::float4 is
 * '5.6978248e+07', not '5.697825e+07'); those and all float4 digits are searched with an exact
 * check against the value's rounding interval.
 *
 * Input follows glibc's strtod/strtof (which PostgreSQL calls): optional sign, decimal or
 * hexadecimal ('0x1.8p3') mantissa, 'inf', 'infinity', 'nan', 'nan(chars)'. Values are rounded
 * exactly (round half to even) with bigint arithmetic: `Math.fround(Number(text))` would round
 * twice and can be off by one unit for float4. As in PostgreSQL, a nonzero value that rounds to
 * zero or infinity is out of range; subnormal results are accepted.
 */
import { EngineError, TypeState, invalidSyntax } from './errors.ts';
import { isCSpace } from './libc.ts';

export type FloatKind = 'float4' | 'float8';

interface Format {
  readonly typeName: string;
  /** Significand bits, the hidden bit included. */
  readonly bits: number;
  /** A finite value is q · 2^e with q < 2^bits and e in [minExponent, maxExponent]. */
  readonly minExponent: number;
  readonly maxExponent: number;
  /** Decimal exponents from -4 up to this one (exclusive) print in fixed notation. */
  readonly fixedBelow: number;
}

const FORMATS: Record<FloatKind, Format> = {
  float8: { typeName: 'double precision', bits: 53, minExponent: -1074, maxExponent: 971, fixedBelow: 15 },
  float4: { typeName: 'real', bits: 24, minExponent: -149, maxExponent: 104, fixedBelow: 6 },
};

// ---- output ------------------------------------------------------------------------------------

/** PostgreSQL's float4out/float8out. A float4 value is rounded to single precision first. */
export function formatFloat(kind: FloatKind, value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return `${sign}0`;
  const magnitude = Math.abs(kind === 'float4' ? Math.fround(value) : value);
  return sign + layOut(shortest(kind, magnitude), FORMATS[kind].fixedBelow);
}

/** Significant digits (no trailing zeros) and the decimal exponent of the first one. */
interface Decimal {
  readonly digits: string;
  readonly exponent: number;
}

/**
 * The shortest decimal strictly inside the value's rounding interval, the one nearest the value
 * if several: Ryu as PostgreSQL builds it (without STRICTLY_SHORTEST, so never a decimal on the
 * boundary, which would read back only by round-half-even).
 */
function shortest(kind: FloatKind, value: number): Decimal {
  const interval = new RoundingInterval(kind, value);
  if (kind === 'float4') return interval.search(value, 1);
  // JavaScript's shortest form is Ryu's but for boundaries, which it accepts.
  const [mantissa, exponent] = value.toExponential().split('e');
  const decimal = { digits: mantissa.replace('.', ''), exponent: Number(exponent) };
  return interval.onBoundary(decimal) ? interval.search(value, decimal.digits.length) : decimal;
}

/** The reals that round to a float (> 0): halfway to each neighbour, as bound · 2^scale. */
class RoundingInterval {
  /** The value itself, 4·significand, and its bounds, in units of 2^scale. */
  private readonly center: bigint;
  private readonly lower: bigint;
  private readonly upper: bigint;
  private readonly scale: number;
  /** The bounds as doubles, exact for float4 (they need at most 26 bits). */
  private readonly approximate: readonly [number, number] | undefined;

  constructor(kind: FloatKind, value: number) {
    const view = new DataView(new ArrayBuffer(8));
    const fractionBits = kind === 'float4' ? 23 : 52;
    const bias = kind === 'float4' ? 127 : 1023;
    let bits: bigint;
    if (kind === 'float4') {
      view.setFloat32(0, value);
      bits = BigInt(view.getUint32(0));
    } else {
      view.setFloat64(0, value);
      bits = view.getBigUint64(0);
    }
    const biased = Number(bits >> BigInt(fractionBits));
    const fraction = bits & ((1n << BigInt(fractionBits)) - 1n);
    const significand = biased === 0 ? fraction : fraction | (1n << BigInt(fractionBits));
    const exponent = (biased === 0 ? 1 : biased) - bias - fractionBits;
    // In units of 2^(exponent - 2) the value is 4·significand; the neighbour below a power of
    // two is half as far as the one above.
    const lowerGap = fraction === 0n && biased > 1 ? 1n : 2n;
    this.center = 4n * significand;
    this.lower = this.center - lowerGap;
    this.upper = this.center + 2n;
    this.scale = exponent - 2;
    this.approximate = kind === 'float4' ? [Number(this.lower) * 2 ** this.scale, Number(this.upper) * 2 ** this.scale] : undefined;
  }

  /** Sign of digits · 10^power - bound · 2^scale, exactly. */
  private compare(digits: bigint, power: number, bound: bigint): number {
    let left = digits;
    let right = bound;
    if (power >= 0) left *= 10n ** BigInt(power);
    else right *= 10n ** BigInt(-power);
    if (this.scale >= 0) right <<= BigInt(this.scale);
    else left <<= BigInt(-this.scale);
    return left < right ? -1 : left > right ? 1 : 0;
  }

  private contains(digits: bigint, power: number): boolean {
    if (this.approximate !== undefined) {
      // Rounding to a double is monotonic, so only a tie with a bound needs the exact check.
      const candidate = Number(`${digits}e${power}`);
      const [low, high] = this.approximate;
      if (candidate > low && candidate < high) return true;
      if (candidate < low || candidate > high) return false;
    }
    return this.compare(digits, power, this.lower) > 0 && this.compare(digits, power, this.upper) < 0;
  }

  onBoundary({ digits, exponent }: Decimal): boolean {
    const power = exponent - (digits.length - 1);
    const value = BigInt(digits);
    // A bound is an odd number times a power of two: an integer only when scale >= -1, and a
    // fraction d·10^power only when 5^-power divides d.
    if (power >= 0 ? this.scale < -1 : -power > 30 || value % 5n ** BigInt(-power) !== 0n) return false;
    return this.compare(value, power, this.lower) === 0 || this.compare(value, power, this.upper) === 0;
  }

  search(value: number, fromPrecision: number): Decimal {
    for (let precision = fromPrecision; ; precision++) {
      const [mantissa, exponent] = value.toExponential(precision - 1).split('e');
      const nearest = BigInt(mantissa.replace('.', ''));
      const power = Number(exponent) - (precision - 1);
      // toExponential breaks a tie away from zero, Ryu to the even digit.
      const tie = nearest % 2n === 1n && this.compare(2n * nearest - 1n, power, 2n * this.center) === 0;
      const closest = tie ? [nearest - 1n, nearest] : [nearest, nearest - 1n];
      // The closest candidate misses where the interval is lopsided or it sits on a bound; a
      // neighbour may still be inside.
      const hit = [...closest, nearest + 1n].find((candidate) => this.contains(candidate, power));
      if (hit !== undefined) {
        const digits = hit.toString();
        return { digits: digits.replace(/0+$/, ''), exponent: power + digits.length - 1 };
      }
    }
  }
}

function layOut({ digits, exponent }: Decimal, fixedBelow: number): string {
  if (exponent >= -4 && exponent < fixedBelow) {
    if (exponent < 0) return `0.${'0'.repeat(-exponent - 1)}${digits}`;
    if (digits.length <= exponent + 1) return digits + '0'.repeat(exponent + 1 - digits.length);
    return `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  const power = String(Math.abs(exponent)).padStart(2, '0');
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${power}`;
}

// ---- input -------------------------------------------------------------------------------------

/** PostgreSQL's float4in/float8in. */
export function parseFloat(kind: FloatKind, text: string): number {
  const format = FORMATS[kind];
  let start = 0;
  while (isCSpace(text[start])) start++;
  const scanned = start < text.length ? scanStrtod(text, start) : undefined;
  if (scanned === undefined) throw invalidSyntax(format.typeName, text);
  const value = scanned.round(kind);
  if (value === undefined) {
    // float8in quotes just the number, float4in the whole input.
    const shown = kind === 'float8' ? text.slice(start, scanned.end) : text;
    throw new EngineError(TypeState.numericValueOutOfRange, `"${shown}" is out of range for type ${format.typeName}`);
  }
  let end = scanned.end;
  while (isCSpace(text[end])) end++;
  if (end !== text.length) throw invalidSyntax(format.typeName, text);
  return value;
}

/** strtod keeps the sign of '-nan', and binary output shows it. */
const NEGATIVE_NAN = new DataView(Uint8Array.of(0xff, 0xf8, 0, 0, 0, 0, 0, 0).buffer).getFloat64(0);

/** What strtod read: where it stopped, and the value rounded to a format (undefined if out of range). */
export interface Scanned {
  readonly end: number;
  round(kind?: FloatKind): number | undefined;
}

/**
 * Reads the longest prefix of `text` at `start` that glibc's strtod accepts, or undefined when
 * it converts nothing. Other parsers (interval's ISO 8601 numbers) use it to emulate strtod too.
 */
export function scanStrtod(text: string, start: number): Scanned | undefined {
  let at = start;
  const negative = text[at] === '-';
  if (text[at] === '-' || text[at] === '+') at++;
  const word = /^(?:(infinity|inf)|(nan)(?:\([A-Za-z0-9_]*\))?)/i.exec(text.slice(at, at + 64));
  if (word !== null) {
    const value = word[1] === undefined ? (negative ? NEGATIVE_NAN : NaN) : negative ? -Infinity : Infinity;
    return { end: at + word[0].length, round: () => value };
  }
  const hex = /^0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?/.exec(text.slice(at));
  if (hex !== null) {
    const fraction = hex[2] ?? hex[3] ?? '';
    const mantissa = BigInt(`0x${hex[1] ?? ''}${fraction}`);
    return finite(at + hex[0].length, negative, mantissa, 2, exponentValue(hex[4]) - 4 * fraction.length);
  }
  const decimal = /^(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?/.exec(text.slice(at));
  if (decimal === null) return undefined;
  const fraction = decimal[2] ?? decimal[3] ?? '';
  const digits = (decimal[1] ?? '') + fraction;
  return finite(at + decimal[0].length, negative, BigInt(digits), 10, exponentValue(decimal[4]) - fraction.length, digits.replace(/^0+/, '').length);
}

/** An exponent as written, clamped far beyond any float's range so it stays a safe integer. */
function exponentValue(text: string | undefined): number {
  if (text === undefined) return 0;
  return Math.max(-1e9, Math.min(1e9, Number(text)));
}

function finite(end: number, negative: boolean, mantissa: bigint, base: 2 | 10, exponent: number, significantDigits = 0): Scanned {
  return {
    end,
    round(kind = 'float8') {
      if (mantissa === 0n) return negative ? -0 : 0;
      // JavaScript reads decimals to a double correctly rounded, ties to even, as strtod does.
      const value = base === 10 && kind === 'float8' ? Number(`${mantissa}e${exponent}`) : roundExactly(mantissa, base, exponent, significantDigits, FORMATS[kind]);
      if (value === undefined || value === 0 || value === Infinity) return undefined;
      return negative ? -value : value;
    },
  };
}

/** mantissa · base^exponent (> 0) rounded to the format; undefined if far beyond its range. */
function roundExactly(mantissa: bigint, base: 2 | 10, exponent: number, significantDigits: number, format: Format): number | undefined {
  // Far outside every format: decide without building enormous bigints.
  const magnitude = base === 10 ? (significantDigits + exponent) * Math.log2(10) : mantissa.toString(2).length + exponent;
  if (magnitude > format.maxExponent + format.bits + 8 || magnitude < format.minExponent - 8) return undefined;
  const power = BigInt(base) ** BigInt(Math.abs(exponent));
  return exponent >= 0 ? roundRational(mantissa * power, 1n, format) : roundRational(mantissa, power, format);
}

/** num/den (> 0) rounded half-to-even to the format; undefined on overflow. */
function roundRational(num: bigint, den: bigint, format: Format): number | undefined {
  const bitLength = (n: bigint) => n.toString(2).length;
  let exponent = Math.max(format.minExponent, bitLength(num) - bitLength(den) - format.bits);
  const limit = 1n << BigInt(format.bits);
  const divide = (e: number) => {
    const [n, d] = e >= 0 ? [num, den << BigInt(e)] : [num << BigInt(-e), den];
    return { quotient: n / d, twiceRemainder: 2n * (n % d), divisor: d };
  };
  let { quotient, twiceRemainder, divisor } = divide(exponent);
  if (quotient >= limit) ({ quotient, twiceRemainder, divisor } = divide(++exponent));
  if (twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n)) quotient++;
  if (quotient === limit) {
    quotient >>= 1n;
    exponent++;
  }
  if (exponent > format.maxExponent) return undefined;
  return Number(quotient) * 2 ** exponent;
}
