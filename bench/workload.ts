/**
 * The engine benchmark's table and rows, defined once so that ScratchBird and PostgreSQL hold
 * the same data: bench(id int8 primary key, name text not null, amount int8), with an index on
 * name. Names come from a multiplicative hash of the id, so secondary-index inserts and index
 * scans are not in primary-key order.
 */
import type { Row, TableDefinition } from '../src/engine/index.ts';

export const TABLE = 'bench';
export const NAME_INDEX = 'bench_name';

export const tableDefinition: TableDefinition = {
  name: TABLE,
  columns: [
    { name: 'id', type: 'int8' },
    { name: 'name', type: 'text', notNull: true },
    { name: 'amount', type: 'int8' },
  ],
  primaryKey: ['id'],
  indexes: [{ name: NAME_INDEX, columns: ['name'] }],
};

/** Knuth's multiplicative hash constant (2^32 / φ). */
const SCRAMBLE = 2654435761;

/** `(id * SCRAMBLE) mod 2^32`, exact for ids below 2^32 (plain multiplication is not past 2^53). */
function scramble(id: number): number {
  return Math.imul(id, SCRAMBLE) >>> 0;
}

export function rowOf(id: number): Row {
  const h = scramble(id);
  return [BigInt(id), `user-${h.toString(16).padStart(8, '0')}`, BigInt(h % 100_000)];
}

/** The select list that produces `rowOf(id)` in PostgreSQL, for an int8 expression `id`. */
export function sqlRowOf(id: string): string {
  const h = `((${id}) * ${SCRAMBLE} % 4294967296)`;
  return `${id}, 'user-' || lpad(to_hex(${h}), 8, '0'), ${h} % 100000`;
}

/** What the benchmark measures, for either system. */
export interface Figures {
  /** Random primary-key point reads per second. */
  readonly pointReads: number;
  /** Rows per second of a full primary-key scan. */
  readonly fullScan: number;
  /** Rows per second of a full scan through the name index. */
  readonly indexScan: number;
  /** Rows per second inserted in one transaction, commit included. */
  readonly bulkInsert: number;
  /** Durable single-row insert commits per second, one writer. */
  readonly commits1: number;
  /** The same with 16 concurrent writers. */
  readonly commits16: number;
  /** Bytes on disk per 1M rows right after the bulk load. */
  readonly bytesLoaded: number;
  /** The same after garbage collection (ScratchBird sweep, PostgreSQL VACUUM). */
  readonly bytesSwept: number;
}

export type Metric = keyof Figures;

/** How long the timed loops run, in whole seconds (pgbench's -T takes whole seconds). */
export const READ_SECONDS = 2;
export const COMMIT_SECONDS = 3;
export const CONCURRENT_WRITERS = 16;

export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
