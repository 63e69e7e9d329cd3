/**
 * The errors value I/O raises, with PostgreSQL's SQLSTATEs and message shapes, so that a client
 * sees the same code and text from ScratchBird as from PostgreSQL 15 for the same bad input.
 *
 * The engine's `SqlState` lacks the datetime and wire-format codes; they live here rather than in
 * src/engine, which has no use for them.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';

export { EngineError };

export const TypeState = {
  ...SqlState,
  invalidBinaryRepresentation: '22P03',
  invalidDatetimeFormat: '22007',
  /** Also PostgreSQL's datetime_value_out_of_range: one code, two names. */
  datetimeFieldOverflow: '22008',
  invalidTimeZoneDisplacementValue: '22009',
  intervalFieldOverflow: '22015',
  untranslatableCharacter: '22P05',
} as const;

/** `invalid input syntax for type integer: "abc"` (22P02), PostgreSQL's most common input error. */
export function invalidSyntax(typeName: string, text: string, detail?: string): EngineError {
  return new EngineError(TypeState.invalidTextRepresentation, `invalid input syntax for type ${typeName}: "${text}"`, { detail });
}

/** A wire message shorter than its format needs: PostgreSQL's pq_getmsg* error. */
export function insufficientData(): EngineError {
  return new EngineError(TypeState.protocolViolation, 'insufficient data left in message');
}

export function invalidBinary(message: string): EngineError {
  return new EngineError(TypeState.invalidBinaryRepresentation, message);
}
