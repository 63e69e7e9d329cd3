/**
 * Sizes: pg_relation_size and its kin over what the storage reports for each table and index
 * (`SystemContext.relationSize`: summed over shards), pg_database_size over the storage files,
 * and pg_size_pretty's rounding to bytes, kB, MB, GB, TB and PB.
 */
import { EngineError, SqlState } from '../../../engine/errors.ts';
import type { Value } from '../../../engine/types.ts';
import { DATABASE_OID } from '../../catalog/model.ts';
import type { CatalogFunctionContext } from '../context.ts';
import { relationByOid, type RelationRef } from '../lookup.ts';
import { INT8, NAME, NUMERIC, OID, REGCLASS, TEXT, scalar, type CatalogFunction } from './define.ts';

/** A sequence takes one page in PostgreSQL. */
const SEQUENCE_SIZE = 8192;
const FORKS = new Set(['main', 'fsm', 'vm', 'init']);

function mainFork(ctx: CatalogFunctionContext, relation: RelationRef): number {
  switch (relation.kind) {
    case 'table':
    case 'index':
      return ctx.relationSize(relation.oid);
    case 'sequence':
      return SEQUENCE_SIZE;
    default:
      return 0;
  }
}

function indexesSize(ctx: CatalogFunctionContext, relation: RelationRef): number {
  return relation.kind === 'table' ? relation.table.indexes.reduce((sum, ix) => sum + ctx.relationSize(ix.oid), 0) : 0;
}

/** A size function over a regclass argument: NULL for an OID that names no relation. */
function sized(measure: (ctx: CatalogFunctionContext, relation: RelationRef, args: readonly Value[]) => number) {
  return (args: readonly Value[], ctx: CatalogFunctionContext): Value => {
    const relation = relationByOid(ctx.catalog, args[0] as number);
    return relation === undefined ? null : BigInt(measure(ctx, relation, args));
  };
}

function relationSize(ctx: CatalogFunctionContext, relation: RelationRef, args: readonly Value[]): number {
  const fork = (args[1] as string | undefined) ?? 'main';
  if (!FORKS.has(fork)) throw new EngineError(SqlState.invalidParameterValue, 'invalid fork name', { hint: 'Valid fork names are "main", "fsm", "vm", and "init".' });
  return fork === 'main' ? mainFork(ctx, relation) : 0;
}

function databaseSize(ctx: CatalogFunctionContext): bigint {
  return BigInt(ctx.databaseSize());
}

interface Unit {
  readonly name: string;
  readonly limit: bigint;
  readonly round: boolean;
  readonly bits: number;
}

/** PostgreSQL 15's size_pretty_units. */
const UNITS: readonly Unit[] = [
  { name: 'bytes', limit: 10n * 1024n, round: false, bits: 0 },
  { name: 'kB', limit: 20n * 1024n - 1n, round: true, bits: 10 },
  { name: 'MB', limit: 20n * 1024n - 1n, round: true, bits: 20 },
  { name: 'GB', limit: 20n * 1024n - 1n, round: true, bits: 30 },
  { name: 'TB', limit: 20n * 1024n - 1n, round: true, bits: 40 },
  { name: 'PB', limit: 20n * 1024n - 1n, round: true, bits: 50 },
];

const abs = (n: bigint) => (n < 0n ? -n : n);
/** Halves, rounding half away from zero. */
const halfRounded = (n: bigint) => (n + (n < 0n ? -1n : 1n)) / 2n;

/** pg_size_pretty on a whole number of bytes (BigInt division truncates toward zero, as C's does). */
export function sizePretty(bytes: bigint): string {
  let size = bytes;
  for (let i = 0; i < UNITS.length; i++) {
    const unit = UNITS[i];
    const next = UNITS[i + 1];
    if (next === undefined || abs(size) < unit.limit) return `${unit.round ? halfRounded(size) : size} ${unit.name}`;
    const bits = next.bits - unit.bits - (next.round ? 1 : 0) + (unit.round ? 1 : 0);
    size /= 1n << BigInt(bits);
  }
  throw new Error('unreachable: the last unit always matches');
}

/** pg_size_pretty(numeric): a fractional byte count below 10 kB prints as given; beyond, the
 * first division drops the fraction, as for a whole number. */
function sizePrettyNumeric(text: string): string {
  if (/^[+-]?(NaN|Infinity)$/i.test(text)) return `${text} bytes`;
  const [whole] = text.split('.');
  const bytes = BigInt(whole === '' || whole === '-' || whole === '+' ? '0' : whole);
  return abs(bytes) < UNITS[0].limit ? `${text.replace(/^\+/, '')} bytes` : sizePretty(bytes);
}

export const SIZE_FUNCTIONS: readonly CatalogFunction[] = [
  scalar({ oid: 2288, name: 'pg_size_pretty', args: [INT8], returns: TEXT, volatility: 'immutable' }, (args) => sizePretty(args[0] as bigint)),
  scalar({ oid: 3166, name: 'pg_size_pretty', args: [NUMERIC], returns: TEXT, volatility: 'immutable' }, (args) => sizePrettyNumeric(args[0] as string)),
  scalar({ oid: 2325, name: 'pg_relation_size', args: [REGCLASS], returns: INT8, volatility: 'volatile' }, sized(relationSize)),
  scalar({ oid: 2332, name: 'pg_relation_size', args: [REGCLASS, TEXT], returns: INT8, volatility: 'volatile' }, sized(relationSize)),
  scalar({ oid: 2997, name: 'pg_table_size', args: [REGCLASS], returns: INT8, volatility: 'volatile' }, sized(mainFork)),
  scalar({ oid: 2998, name: 'pg_indexes_size', args: [REGCLASS], returns: INT8, volatility: 'volatile' }, sized(indexesSize)),
  scalar({ oid: 2286, name: 'pg_total_relation_size', args: [REGCLASS], returns: INT8, volatility: 'volatile' }, sized((ctx, r) => mainFork(ctx, r) + indexesSize(ctx, r))),
  scalar({ oid: 2168, name: 'pg_database_size', args: [NAME], returns: INT8, volatility: 'volatile' }, (args, ctx) => {
    if (args[0] !== ctx.database) throw new EngineError(SqlState.invalidCatalogName, `database "${args[0] as string}" does not exist`);
    return databaseSize(ctx);
  }),
  scalar({ oid: 2324, name: 'pg_database_size', args: [OID], returns: INT8, volatility: 'volatile' }, (args, ctx) => (args[0] === DATABASE_OID ? databaseSize(ctx) : null)),
];
