/**
 * Record version chains (Firebird MGA): the value stored under a record key is the list of
 * that record's versions, newest first. Each version is stamped with the id of the
 * transaction that wrote it; a delete is a version with the `deleted` flag and no payload.
 *
 *   chain   := version+
 *   version := flags:u8  txn:u48 (big-endian)  length:u32 (big-endian)  payload[length]
 *
 * A transaction keeps at most one version per record: writing a record again replaces its own
 * version (the previous image goes to its undo log for savepoints). Back versions are removed
 * by garbage collection once no snapshot can see them.
 */
import { EngineError, SqlState } from './errors.ts';

export const FLAG_DELETED = 0x01;
export const HEADER_BYTES = 11;

export interface Version {
  readonly txn: number;
  readonly deleted: boolean;
  /** Byte offsets of the payload inside the chain buffer. */
  readonly start: number;
  readonly end: number;
}

function corrupt(reason: string): EngineError {
  return new EngineError(SqlState.dataCorrupted, `corrupt record version chain: ${reason}`);
}

/** Parses the chain's version headers (payloads are not copied). Throws XX001 if malformed. */
export function parseChain(chain: Buffer): Version[] {
  const versions: Version[] = [];
  let at = 0;
  while (at < chain.length) {
    if (at + HEADER_BYTES > chain.length) throw corrupt('truncated version header');
    const flags = chain[at];
    if ((flags & ~FLAG_DELETED) !== 0) throw corrupt(`unknown flags 0x${flags.toString(16)}`);
    const txn = chain.readUInt16BE(at + 1) * 2 ** 32 + chain.readUInt32BE(at + 3);
    const length = chain.readUInt32BE(at + 7);
    const start = at + HEADER_BYTES;
    const end = start + length;
    if (end > chain.length) throw corrupt('payload runs past the end of the record');
    if ((flags & FLAG_DELETED) !== 0 && length !== 0) throw corrupt('delete stub with a payload');
    versions.push({ txn, deleted: (flags & FLAG_DELETED) !== 0, start, end });
    at = end;
  }
  if (versions.length === 0) throw corrupt('empty chain');
  return versions;
}

/**
 * A new chain: this transaction's version (payload null = delete) on top of the kept versions
 * of `chain`, built with one allocation (every write makes one).
 */
export function chainWithTop(txn: number, payload: Uint8Array | null, chain: Uint8Array | undefined, kept: readonly Version[]): Buffer {
  const length = payload === null ? 0 : payload.length;
  let size = HEADER_BYTES + length;
  for (const v of kept) size += v.end - v.start + HEADER_BYTES;
  const out = Buffer.allocUnsafe(size);
  writeHeader(out, 0, txn, payload === null, length);
  if (payload !== null) out.set(payload, HEADER_BYTES);
  let at = HEADER_BYTES + length;
  for (const v of kept) {
    out.set((chain as Uint8Array).subarray(v.start - HEADER_BYTES, v.end), at);
    at += v.end - v.start + HEADER_BYTES;
  }
  return out;
}

function writeHeader(out: Buffer, at: number, txn: number, deleted: boolean, length: number): void {
  out[at] = deleted ? FLAG_DELETED : 0;
  out.writeUInt16BE(Math.floor(txn / 2 ** 32), at + 1);
  out.writeUInt32BE(txn >>> 0, at + 3);
  out.writeUInt32BE(length, at + 7);
}

/**
 * The writer of a chain's only version when that version is a row (the steady state once
 * garbage is collected), else -1: lets point reads skip parsing the chain.
 */
export function soleRowWriter(chain: Buffer): number {
  if (chain.length < HEADER_BYTES || chain[0] !== 0 || HEADER_BYTES + chain.readUInt32BE(7) !== chain.length) return -1;
  return chain.readUInt16BE(1) * 2 ** 32 + chain.readUInt32BE(3);
}

/** A version's bytes inside its chain, header included. */
export function rawVersion(chain: Uint8Array, v: Version): Uint8Array {
  return chain.subarray(v.start - HEADER_BYTES, v.end);
}

/** Re-assembles a chain from kept versions of `chain`, with an optional new version on top. */
export function assembleChain(chain: Uint8Array, kept: readonly Version[], top?: Buffer): Buffer | null {
  const parts: Uint8Array[] = top ? [top] : [];
  for (const v of kept) parts.push(rawVersion(chain, v));
  return parts.length === 0 ? null : Buffer.concat(parts);
}

export function payloadOf(chain: Uint8Array, v: Version): Uint8Array {
  return chain.subarray(v.start, v.end);
}
