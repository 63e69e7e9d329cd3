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
import { ByteWriter, copyOf } from './bytes.ts';
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

/**
 * Builds the entries of one commit: changes are appended straight into the entry being
 * written, a new entry starts every CHANGES_PER_ENTRY changes, and the last one is `final`.
 * A commit without changes still gets one (empty, final) entry.
 */
export class CommitLogWriter {
  private readonly w = new ByteWriter();
  private readonly entries: Buffer[] = [];
  private count = 0;

  constructor(private readonly txn: number, private readonly commitTime: number) {
    this.startEntry();
  }

  /** A change to the record whose primary-key bytes are `key[keyStart…]`. */
  add(tableId: number, key: Buffer, keyStart: number, before: Uint8Array | null, after: Uint8Array | null): void {
    if (this.count === CHANGES_PER_ENTRY) {
      this.entries.push(this.w.take());
      this.startEntry();
    }
    const w = this.w;
    w.u32(tableId);
    w.u32(key.length - keyStart);
    w.bytesOf(key, keyStart);
    this.image(before);
    this.image(after);
    this.count++;
    w.patchU32(17, this.count);
  }

  /** The commit's entries, oldest first. */
  finish(): Buffer[] {
    this.w.orByte(16, 1);
    this.entries.push(this.w.take());
    return this.entries;
  }

  private image(bytes: Uint8Array | null): void {
    if (bytes === null) this.w.u32(ABSENT);
    else {
      this.w.u32(bytes.length);
      this.w.bytes(bytes);
    }
  }

  private startEntry(): void {
    this.count = 0;
    this.w.reset();
    this.w.u64(BigInt(this.txn));
    this.w.f64(this.commitTime);
    this.w.u8(0); // final: set by finish()
    this.w.u32(0); // change count: kept current by add()
  }
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
    const bytes = copyOf(buf.subarray(at, at + length));
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
