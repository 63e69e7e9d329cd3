/**
 * The errors functions, operators and casts raise, with PostgreSQL 15's SQLSTATEs and messages.
 * Codes the value I/O layer lacks are added here rather than in src/engine, which has no use
 * for them.
 */
import { EngineError } from '../../engine/errors.ts';
import { TypeState } from '../types/errors.ts';

export { EngineError };

export const FnState = {
  ...TypeState,
  divisionByZero: '22012',
  invalidArgumentForLogarithm: '2201E',
  invalidArgumentForPowerFunction: '2201F',
  invalidArgumentForWidthBucket: '2201G',
  substringError: '22011',
  invalidRegularExpression: '2201B',
  invalidEscapeSequence: '22025',
  dataException: '22000',
  nullValueNotAllowed: '22004',
  arraySubscriptError: '2202E',
  invalidPrecedingOrFollowingSize: '22013',
  undefinedFunction: '42883',
  ambiguousFunction: '42725',
  cannotCoerce: '42846',
  indeterminateDatatype: '42P18',
  syntaxError: '42601',
  insufficientPrivilege: '42501',
} as const;

export function divisionByZero(): EngineError {
  return new EngineError(FnState.divisionByZero, 'division by zero');
}

/** 'integer out of range', 'smallint out of range', 'bigint out of range', 'OID out of range'. */
export function outOfRange(what: string): EngineError {
  return new EngineError(FnState.numericValueOutOfRange, `${what} out of range`);
}
