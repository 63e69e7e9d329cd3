/**
 * The write-after log: each commit appends its logical changes under increasing LSNs in the
 * shard's `log` sub-database, in the same LMDB transaction as the commit itself, so the log
 * and the data can never disagree. Replication and point-in-time recovery stream it; crash
 * recovery never reads it (MGA needs no replay).
 *
 * A commit with many changes is split over consecutive LSNs of at most CHANGES_PER_ENTRY
 * changes; the last entry of a commit has `final` set. Entries older than the retention
 * setting are trimmed a few at a time by later commits.
 *
 *   entry  := txn:u64 commitTimeMs:f64 final:u8 count:u32 change*
 *   change := tableId:u32 keyLength:u32 key beforeLength:u32 before afterLength:u32 after
 *   (a length of 0xFFFFFFFF means "absent": no before image for an insert, no after image
 *   for a delete). Keys are primary-key encodings; images are binary rows, or the catalog's
 *   JSON definitions for the system relation (table id 0).
 */
import { EngineError, SqlState } from './errors.ts';

export const CHANGES_PER_ENTRY = 1024;
const ABSENT = 0xffffffff;

export interface LogChange {
  readonly tableId: number;
  readonly key: Uint8Array;
  readonly before: Uint8Array | null;
  readonly after: Uint8Array | null;
}

export interface LogEntry {
  readonly lsn: number;
  readonly txn: number;
  readonly commitTime: number;
  /** Set on the last entry of a commit. */
  readonly final: boolean;
  readonly changes: readonly LogChange[];
}

export function lsnKey(lsn: number): Buffer {
  const key = Buffer.allocUnsafe(8);
  key.writeUInt32BE(Math.floor(lsn / 2 ** 32), 0);
  key.writeUInt32BE(lsn >>> 0, 4);
  return key;
}

export function lsnOfKey(key: Uint8Array): number {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return view.getUint32(0) * 2 ** 32 + view.getUint32(4);
}

export function encodeLogEntry(txn: number, commitTime: number, final: boolean, changes: readonly LogChange[]): Buffer {
  let size = 8 + 8 + 1 + 4;
  for (const c of changes) size += 4 + 4 + c.key.length + 4 + (c.before?.length ?? 0) + 4 + (c.after?.length ?? 0);
  const out = Buffer.allocUnsafe(size);
  let at = out.writeBigUInt64BE(BigInt(txn), 0);
  at = out.writeDoubleBE(commitTime, at);
  at = out.writeUInt8(final ? 1 : 0, at);
  at = out.writeUInt32BE(changes.length, at);
  const writeBytes = (bytes: Uint8Array | null): void => {
    at = out.writeUInt32BE(bytes === null ? ABSENT : bytes.length, at);
    if (bytes !== null) {
      out.set(bytes, at);
      at += bytes.length;
    }
  };
  for (const c of changes) {
    at = out.writeUInt32BE(c.tableId, at);
    writeBytes(c.key);
    writeBytes(c.before);
    writeBytes(c.after);
  }
  return out;
}

export function decodeLogEntry(lsn: number, raw: Uint8Array): LogEntry {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const fail = (why: string): never => {
    throw new EngineError(SqlState.dataCorrupted, `corrupt write-after log entry at LSN ${lsn}: ${why}`);
  };
  if (buf.length < 21) fail('truncated header');
  const txn = Number(buf.readBigUInt64BE(0));
  const commitTime = buf.readDoubleBE(8);
  const final = buf[16] === 1;
  const count = buf.readUInt32BE(17);
  let at = 21;
  const readBytes = (optional: boolean): Uint8Array | null => {
    if (at + 4 > buf.length) fail('truncated change');
    const length = buf.readUInt32BE(at);
    at += 4;
    if (length === ABSENT) return optional ? null : fail('missing key');
    if (at + length > buf.length) fail('change runs past the end');
    const bytes = Buffer.from(buf.subarray(at, at + length));
    at += length;
    return bytes;
  };
  const changes: LogChange[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 4 > buf.length) fail('truncated change');
    const tableId = buf.readUInt32BE(at);
    at += 4;
    const key = readBytes(false) as Uint8Array;
    changes.push({ tableId, key, before: readBytes(true), after: readBytes(true) });
  }
  if (at !== buf.length) fail('trailing bytes');
  return { lsn, txn, commitTime, final, changes };
}
