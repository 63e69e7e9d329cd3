/**
 * Value I/O for the PostgreSQL wire protocol: type OIDs and modifiers, text output and input,
 * binary send and receive, each exactly as PostgreSQL 15 does it with default settings.
 */
export { binaryRecv, binarySend } from './binary.ts';
export { typeFromOid, typeLength, typeModifier, typeNameOfOid, typeOid } from './oids.ts';
export { textIn } from './text-in.ts';
export { textOut, type NonNullValue } from './text-out.ts';
export { sessionTimeZone, type TimeZone } from './time-zone.ts';
