/**
 * The C library behaviour PostgreSQL's parsers inherit and ours reproduce: isspace() and atoi()
 * in the C locale.
 */

/** isspace(): space, tab, newline, vertical tab, form feed, carriage return. */
export function isCSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\v' || char === '\f';
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/**
 * atoi(): (int) strtol(text, NULL, 10). strtol reads optional whitespace, sign and digits and
 * saturates at the long range; the cast to int keeps the low 32 bits.
 */
export function atoi(text: string): number {
  const match = /^[ \t\n\r\v\f]*([+-]?\d+)/.exec(text);
  if (match === null) return 0;
  const long = BigInt(match[1]);
  const saturated = long > LONG_MAX ? LONG_MAX : long < LONG_MIN ? LONG_MIN : long;
  return Number(BigInt.asIntN(32, saturated));
}
