/**
 * Properties of src/sql/types that need no PostgreSQL: every value of every type (and of its
 * arrays) survives text output then input, and binary send then receive; timestamptz under
 * several session time zones. Values whose text PostgreSQL itself cannot read back are left out:
 * an interval of exactly -2^63 µs prints as '-2562047788:00:54.775808', which overflows on input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatType, type ColumnType, type Interval, type ScalarType, type Value } from '../../../src/engine/types.ts';
import { binaryRecv, binarySend, textIn, textOut, type NonNullValue } from '../../../src/sql/types/index.ts';
import { SCALAR_KINDS, arbitraryValue, sameValue, show } from './values.ts';

const ZONES = ['UTC', 'America/New_York', 'Europe/Paris', 'Australia/Lord_Howe', 'Asia/Kathmandu', '+05:30', '-3'];
const TYPES: ColumnType[] = SCALAR_KINDS.flatMap((kind) => [{ kind } as ScalarType, { kind: 'array', element: { kind } as ScalarType }]);

function roundTrip(type: ColumnType, through: (value: NonNullValue) => Value): void {
  fc.assert(
    fc.property(arbitraryValue(type), (value) => {
      const back = through(value as NonNullValue);
      if (!sameValue(back, value)) throw new Error(`${show(value)} came back as ${show(back)}`);
    }),
    { numRuns: 300 },
  );
}

describe('text round trip: textIn(textOut(v)) = v', () => {
  for (const type of TYPES) {
    const zones = type.kind === 'timestamptz' || (type.kind === 'array' && type.element.kind === 'timestamptz') ? ZONES : ['UTC'];
    it(formatType(type), () => {
      for (const zone of zones) roundTrip(type, (value) => textIn(type, textOut(type, value, zone), zone));
    });
  }
});

describe('binary round trip: binaryRecv(binarySend(v)) = v', () => {
  for (const type of TYPES) {
    it(formatType(type), () => roundTrip(type, (value) => binaryRecv(type, binarySend(type, value))));
  }

  it('keeps intervals text cannot carry', () => {
    const type = { kind: 'interval' } as const;
    const extreme: Interval = { months: -(2 ** 31), days: -(2 ** 31), micros: -(2n ** 63n) };
    expect(binaryRecv(type, binarySend(type, extreme))).toEqual(extreme);
    expect(() => textIn(type, textOut(type, extreme))).toThrow(expect.objectContaining({ code: '22007' }));
  });
});
