/**
 * Which shard a partitioned table's row lives on: xxhash64 (seed 0) of the canonical bytes of
 * its partition-key values, modulo the shard count. The planner uses it to route statements
 * whose partition-key values are constants, the executor for everything decided at run time
 * (parameters, inserted rows), so the two always agree.
 *
 * The canonical bytes are the engine's order-preserving key encoding (src/engine/key-codec.ts),
 * which already encodes SQL-equal values equally within a type ('1.5' = '1.50', '1 mon' =
 * '30 days', -0 = 0, char(n) without its trailing spaces). Before encoding, each value is put
 * in its type's *hash family*, so values of different types that compare equal hash equally:
 *
 * | family  | types                    | canonical form                               |
 * |---------|--------------------------|----------------------------------------------|
 * | int8    | int2, int4, int8         | the value as int8                            |
 * | float8  | float4, float8           | the value as a double (float4 is one already) |
 * | text    | text, varchar, char      | the text (char without trailing spaces)      |
 * | numeric | numeric(p, s)            | the decimal, whatever its scale              |
 * | T[]     | arrays                   | elements in T's family                       |
 * | itself  | every other column type  | the value                                    |
 *
 * So tables whose partition keys are of one family are co-located: equal key values, of
 * whichever of the family's types, are on the same shard. Types outside every family (oid,
 * name, json, …) cannot be hashed; they never reach here, as a partition key is a stored column.
 *
 * xxhash-wasm compiles its WebAssembly asynchronously, once, when this module is first loaded
 * (top-level await); every importer can then hash synchronously.
 */
import xxhash from 'xxhash-wasm';
import { mapArray, type ArrayValue } from '../engine/array-value.ts';
import { EngineError, SqlState } from '../engine/errors.ts';
import { encodeKey, type KeyPart } from '../engine/key-codec.ts';
import { formatType, type ColumnType, type ScalarType, type Value } from '../engine/types.ts';
import { isColumnType, type SqlType } from '../sql/types/sql-type.ts';

const { h64Raw } = await xxhash();

const SEED = 0n;
const INT8: ScalarType = { kind: 'int8' };
const FLOAT8: ScalarType = { kind: 'float8' };
const TEXT: ScalarType = { kind: 'text' };
const NUMERIC: ScalarType = { kind: 'numeric' };

/** A type's hash family, as the type it is encoded as; undefined for types that cannot be hashed. */
function familyType(type: SqlType): ColumnType | undefined {
  if (!isColumnType(type)) return undefined;
  switch (type.kind) {
    case 'int2': case 'int4': case 'int8': return INT8;
    case 'float4': case 'float8': return FLOAT8;
    case 'text': case 'varchar': case 'char': return TEXT;
    case 'numeric': return NUMERIC;
    case 'array': return { kind: 'array', element: familyType(type.element) as ScalarType };
    default: return type;
  }
}

/** The name of a type's hash family ('int8', 'text', 'int8[]', …), or undefined when values of
 * the type cannot be hashed. Types of one family co-locate. */
export function hashFamily(type: SqlType): string | undefined {
  const family = familyType(type);
  return family === undefined ? undefined : formatType(family);
}

/** A value of `type` in its family's form (see the table above). */
function canonicalizer(type: SqlType): (value: Value) => Value {
  switch (type.kind) {
    case 'int2': case 'int4': return (value) => (value === null ? null : BigInt(value as number));
    case 'char': return (value) => (value === null ? null : (value as string).replace(/ +$/, ''));
    case 'array': {
      const element = canonicalizer(type.element as SqlType);
      return (value) => (value === null ? null : mapArray(value as ArrayValue, element));
    }
    default: return (value) => value;
  }
}

/**
 * The bucket function of a partition key whose values have `types`: the bucket (0 ≤ b <
 * `buckets`) of one tuple of values, NULLs included (a row whose key is NULL lives somewhere
 * too). Throws when a type cannot be hashed.
 */
export function partitionBucketer(types: readonly SqlType[], buckets: number): (values: readonly Value[]) => number {
  const parts: KeyPart[] = types.map((type) => {
    const family = familyType(type);
    if (family === undefined) throw new EngineError(SqlState.internalError, `values of type ${type.kind} cannot be partition-key values`);
    return { type: family };
  });
  const canonical = types.map(canonicalizer);
  const values = new Array<Value>(types.length).fill(null);
  const count = BigInt(buckets);
  return (tuple) => {
    for (let i = 0; i < canonical.length; i++) values[i] = canonical[i](tuple[i]);
    return Number(h64Raw(encodeKey(parts, values), SEED) % count);
  };
}

/** The bucket of one tuple of partition-key values (see `partitionBucketer`). */
export function partitionBucket(values: readonly Value[], types: readonly SqlType[], buckets: number): number {
  return partitionBucketer(types, buckets)(values);
}
