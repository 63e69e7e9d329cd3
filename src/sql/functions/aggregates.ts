/**
 * The signatures of aggregate and window functions, as PostgreSQL 15 resolves them: the
 * binder types calls with these, and the executor's partial/final split of an aggregate
 * across shards follows `partialStateTypes`.
 *
 * A partial aggregate outputs its running state as ordinary columns; a final aggregate reads
 * those columns back as its arguments (in this order) and combines them:
 *
 * | aggregate                  | partial state columns                     |
 * |----------------------------|-------------------------------------------|
 * | count, count_star          | int8 count                                |
 * | sum                        | the result type (sum(int4) → int8)        |
 * | avg(int2/int4)             | int8 sum, int8 count                      |
 * | avg(int8/numeric)          | numeric sum, int8 count                   |
 * | avg(float4/float8)         | float8 sum, int8 count                    |
 * | avg(interval)              | interval sum, int8 count                  |
 * | min, max, bool_*, every    | the result type                           |
 * | string_agg                 | the text so far, the delimiter before it  |
 * | array_agg                  | the array so far (over arrays: the stack) |
 * | json_agg, jsonb_agg, jsonb_object_agg | the JSON array/object so far   |
 * | stddev*, var*, variance (integers, numeric) | int8 count, numeric sum, numeric sum of squares |
 * | stddev*, var*, variance (float4/float8) | float8 count, sum, sum of squared deviations (Youngs-Cramer) |
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { AggregateName, WindowCall } from '../plan/ir.ts';
import type { SqlType } from '../types/sql-type.ts';

const INT8: SqlType = { kind: 'int8' };
const NUMERIC: SqlType = { kind: 'numeric' };
const FLOAT8: SqlType = { kind: 'float8' };
const TEXT: SqlType = { kind: 'text' };
const BOOL: SqlType = { kind: 'bool' };

/** The result type of aggregate `name` over arguments of `argTypes`; 42883 if none exists. */
export function aggregateType(name: AggregateName, argTypes: readonly SqlType[]): SqlType {
  const [first] = argTypes;
  const arity = (count: number): void => {
    if (argTypes.length !== count) throw noSuchAggregate(name, argTypes);
  };
  switch (name) {
    case 'count_star':
      arity(0);
      return INT8;
    case 'count':
      arity(1);
      return INT8;
    case 'sum':
      arity(1);
      switch (first.kind) {
        case 'int2': case 'int4': return INT8;
        case 'int8': case 'numeric': return NUMERIC;
        case 'float4': case 'float8': case 'interval': return { kind: first.kind };
        default: throw noSuchAggregate(name, argTypes);
      }
    case 'avg':
      arity(1);
      switch (first.kind) {
        case 'int2': case 'int4': case 'int8': case 'numeric': return NUMERIC;
        case 'float4': case 'float8': return FLOAT8;
        case 'interval': return first;
        default: throw noSuchAggregate(name, argTypes);
      }
    case 'min':
    case 'max':
      arity(1);
      return orderedResultType(name, argTypes);
    case 'string_agg':
      arity(2);
      if (isText(first) && isText(argTypes[1])) return TEXT;
      if (first.kind === 'bytea' && argTypes[1].kind === 'bytea') return first;
      throw noSuchAggregate(name, argTypes);
    case 'array_agg':
      arity(1);
      // Over arrays: the arrays stacked into one more dimension, of the same array type.
      if (first.kind === 'array') return first;
      if (first.kind === 'unknown' || first.kind === 'void' || first.kind === 'record' || first.kind === 'int2vector' || first.kind === 'oidvector') {
        throw noSuchAggregate(name, argTypes);
      }
      return { kind: 'array', element: first } as SqlType;
    case 'bool_and':
    case 'bool_or':
    case 'every':
      arity(1);
      if (first.kind !== 'bool') throw noSuchAggregate(name, argTypes);
      return BOOL;
    case 'stddev':
    case 'stddev_samp':
    case 'stddev_pop':
    case 'variance':
    case 'var_samp':
    case 'var_pop':
      arity(1);
      switch (first.kind) {
        case 'int2': case 'int4': case 'int8': case 'numeric': return NUMERIC;
        case 'float4': case 'float8': return FLOAT8;
        default: throw noSuchAggregate(name, argTypes);
      }
    case 'json_agg':
      arity(1);
      return { kind: 'json' };
    case 'jsonb_agg':
      arity(1);
      return { kind: 'jsonb' };
    case 'jsonb_object_agg':
      arity(2);
      return { kind: 'jsonb' };
  }
}

/** The columns a 'partial' aggregate outputs for this call, which its 'final' reads back. */
export function partialStateTypes(name: AggregateName, argTypes: readonly SqlType[]): SqlType[] {
  const result = aggregateType(name, argTypes);
  switch (name) {
    case 'avg':
      switch (argTypes[0].kind) {
        case 'int2': case 'int4': return [INT8, INT8];
        case 'int8': case 'numeric': return [NUMERIC, INT8];
        case 'interval': return [argTypes[0], INT8];
        default: return [FLOAT8, INT8];
      }
    case 'string_agg':
      return [result, result];
    case 'stddev':
    case 'stddev_samp':
    case 'stddev_pop':
    case 'variance':
    case 'var_samp':
    case 'var_pop':
      return result.kind === 'float8' ? [FLOAT8, FLOAT8, FLOAT8] : [INT8, NUMERIC, NUMERIC];
    default:
      return [result];
  }
}

/** The result type of a window function (aggregates used as window functions included). */
export function windowFunctionType(name: WindowCall['name'], argTypes: readonly SqlType[]): SqlType {
  switch (name) {
    case 'row_number': case 'rank': case 'dense_rank':
      return INT8;
    case 'percent_rank': case 'cume_dist':
      return FLOAT8;
    case 'ntile':
      return { kind: 'int4' };
    case 'lag': case 'lead': case 'first_value': case 'last_value': case 'nth_value':
      if (argTypes.length === 0) throw noSuchAggregate(name, argTypes);
      return argTypes[0];
    default:
      return aggregateType(name, argTypes);
  }
}

/** min/max: types with a btree order; PostgreSQL resolves varchar and name to text and drops
 * type modifiers from the result. */
function orderedResultType(name: AggregateName, argTypes: readonly SqlType[]): SqlType {
  const type = argTypes[0];
  switch (type.kind) {
    case 'int2': case 'int4': case 'int8': case 'float4': case 'float8': case 'text': case 'date':
    case 'time': case 'timestamp': case 'timestamptz': case 'interval': case 'oid': case 'array':
      return type;
    case 'numeric':
      return NUMERIC;
    case 'varchar': case 'name':
      return TEXT;
    case 'char':
      return { kind: 'char' };
    default:
      throw noSuchAggregate(name, argTypes);
  }
}

function isText(type: SqlType): boolean {
  return type.kind === 'text' || type.kind === 'varchar' || type.kind === 'char' || type.kind === 'name' || type.kind === 'unknown';
}

function noSuchAggregate(name: string, argTypes: readonly SqlType[]): EngineError {
  const shown = name === 'count_star' ? 'count(*)' : `${name}(${argTypes.map(typeName).join(', ')})`;
  return new EngineError(SqlState.undefinedFunction, `function ${shown} does not exist`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

function typeName(type: SqlType): string {
  switch (type.kind) {
    case 'int2': return 'smallint';
    case 'int4': return 'integer';
    case 'int8': return 'bigint';
    case 'float4': return 'real';
    case 'float8': return 'double precision';
    case 'bool': return 'boolean';
    case 'varchar': return 'character varying';
    case 'char': return 'character';
    case 'timestamp': return 'timestamp without time zone';
    case 'timestamptz': return 'timestamp with time zone';
    case 'time': return 'time without time zone';
    case 'array': return `${typeName(type.element)}[]`;
    case 'char1': return '"char"';
    default: return type.kind;
  }
}
