/**
 * Text bytes from the wire, checked as PostgreSQL's pg_verify_mbstr checks them for a UTF8
 * database: well-formed UTF-8 without NUL bytes, else 22021 naming the offending bytes
 * ('invalid byte sequence for encoding "UTF8": 0xc3 0x28').
 */
import { EngineError, TypeState } from './errors.ts';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function decodeUtf8(bytes: Uint8Array): string {
  let text: string | undefined;
  try {
    text = decoder.decode(bytes);
  } catch {
    // Fall through to find the offending bytes.
  }
  if (text !== undefined && !text.includes('\0')) return text;
  throw invalidByteSequence(bytes, firstInvalid(bytes));
}

/** The error PostgreSQL reports for text holding NUL, which UTF-8 allows but text values cannot. */
export function nulInText(): EngineError {
  return invalidByteSequence(new Uint8Array(1), 0);
}

/** pg_utf_mblen: the length a lead byte announces (1 for bytes that cannot lead). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 1;
}

function firstInvalid(bytes: Uint8Array): number {
  for (let at = 0; at < bytes.length; ) {
    const length = sequenceLength(bytes[at]);
    if (bytes[at] === 0 || !isLegal(bytes.subarray(at, at + length), length)) return at;
    at += length;
  }
  return bytes.length;
}

/** pg_utf8_islegal: no overlong forms, surrogates or code points above U+10FFFF. */
function isLegal(sequence: Uint8Array, length: number): boolean {
  if (sequence.length < length) return false;
  const [lead, second] = sequence;
  if (length === 1) return lead < 0x80;
  for (let i = 1; i < length; i++) if ((sequence[i] & 0xc0) !== 0x80) return false;
  if (length === 2) return lead >= 0xc2;
  if (length === 3) return !(lead === 0xe0 && second < 0xa0) && !(lead === 0xed && second > 0x9f);
  return lead <= 0xf4 && !(lead === 0xf0 && second < 0x90) && !(lead === 0xf4 && second > 0x8f);
}

function invalidByteSequence(bytes: Uint8Array, at: number): EngineError {
  const shown = bytes.subarray(at, at + Math.min(sequenceLength(bytes[at] ?? 0), 8));
  const hex = Array.from(shown, (byte) => `0x${byte.toString(16).padStart(2, '0')}`).join(' ');
  return new EngineError(TypeState.characterNotInRepertoire, `invalid byte sequence for encoding "UTF8": ${hex}`);
}
