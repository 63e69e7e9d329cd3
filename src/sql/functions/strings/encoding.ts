/**
 * encode() and decode() between bytea and text in PostgreSQL's formats: hex, base64 (lines of
 * 76 characters) and escape (octal for zero and high-bit bytes, doubled backslashes).
 */
import { EngineError, FnState } from '../errors.ts';

function unrecognized(format: string): EngineError {
  return new EngineError(FnState.invalidParameterValue, `unrecognized encoding: "${format}"`);
}

export function encodeBytes(bytes: Uint8Array, format: string): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (format.toLowerCase()) {
    case 'hex':
      return buffer.toString('hex');
    case 'base64':
      return (buffer.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
    case 'escape': {
      let out = '';
      for (const byte of bytes) {
        if (byte === 0x5c) out += '\\\\';
        else if (byte === 0 || byte >= 0x80) out += `\\${byte.toString(8).padStart(3, '0')}`;
        else out += String.fromCharCode(byte);
      }
      return out;
    }
    default:
      throw unrecognized(format);
  }
}

export function decodeText(text: string, format: string): Uint8Array {
  switch (format.toLowerCase()) {
    case 'hex':
      return decodeHex(text);
    case 'base64':
      return decodeBase64(text);
    case 'escape':
      return decodeEscape(text);
    default:
      throw unrecognized(format);
  }
}

function decodeHex(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const high = parseInt(c, 16);
    if (Number.isNaN(high)) throw new EngineError(FnState.invalidParameterValue, `invalid hexadecimal digit: "${String.fromCodePoint(text.codePointAt(i)!)}"`);
    const next = text[i + 1];
    if (next === undefined) throw new EngineError(FnState.invalidParameterValue, 'invalid hexadecimal data: odd number of digits');
    const low = parseInt(next, 16);
    if (Number.isNaN(low)) throw new EngineError(FnState.invalidParameterValue, `invalid hexadecimal digit: "${String.fromCodePoint(text.codePointAt(i + 1)!)}"`);
    bytes.push(high * 16 + low);
    i += 2;
  }
  return Uint8Array.from(bytes);
}

function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/[ \t\n\r]/g, '');
  const bad = /[^A-Za-z0-9+/=]/.exec(clean);
  if (bad !== null) throw new EngineError(FnState.invalidParameterValue, `invalid symbol "${bad[0]}" found while decoding base64 sequence`);
  const padding = /=+$/.exec(clean)?.[0].length ?? 0;
  if (clean.slice(0, clean.length - padding).includes('=')) throw new EngineError(FnState.invalidParameterValue, 'unexpected "=" while decoding base64 sequence');
  if ((clean.length % 4 !== 0 && padding > 0) || clean.length % 4 === 1) {
    throw new EngineError(FnState.invalidParameterValue, 'invalid base64 end sequence', { hint: 'Input data is missing padding, is truncated, or is otherwise corrupted.' });
  }
  return Uint8Array.from(Buffer.from(clean, 'base64'));
}

function decodeEscape(text: string): Uint8Array {
  const bytes: number[] = [];
  const utf8 = Buffer.from(text, 'utf8');
  for (let i = 0; i < utf8.length; ) {
    if (utf8[i] !== 0x5c) {
      bytes.push(utf8[i++]);
      continue;
    }
    if (utf8[i + 1] === 0x5c) {
      bytes.push(0x5c);
      i += 2;
      continue;
    }
    const octal = utf8.subarray(i + 1, i + 4).toString('latin1');
    if (!/^[0-3][0-7][0-7]$/.test(octal)) throw new EngineError(FnState.invalidTextRepresentation, 'invalid input syntax for type bytea');
    bytes.push(parseInt(octal, 8));
    i += 4;
  }
  return Uint8Array.from(bytes);
}
