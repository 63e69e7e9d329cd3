/**
 * The bound, typed plan of one statement: what the binder produces, the planner distributes,
 * and `src/sblr/` encodes, verifies and compiles. Everything here is resolved: names are object
 * ids and column positions, functions and operators are resolved signatures, every expression
 * carries its type. Nothing here refers to SQL text.
 *
 * Rows are arrays. An expression is always evaluated against one *current row*: the input row
 * of the operator that holds it (`column` reads it by position). A correlated subquery reads the
 * rows of enclosing operators with `outer` (depth 1 = the row the subquery expression itself is
 * evaluated against, 2 = that operator's own enclosing row, …).
 *
 * Where the plan runs: nodes marked COORDINATOR only run on the coordinator (they reach other
 * shards or the SQL catalog); every other node can run on a shard. The planner cuts the tree at
 * `gather` nodes: each gather's `subplan` is a separate program sent to each shard it names
 * (and a `routedInsert`'s `insert` to the shard of its rows).
 */
import type { Value } from '../../engine/types.ts';
import type { SqlType } from '../types/sql-type.ts';

// ---- expressions ---------------------------------------------------------------------------

export type Expr =
  | ConstExpr
  | ParamExpr
  | ColumnExpr
  | OuterExpr
  | CallExpr
  | CastExpr
  | BoolExpr
  | NotExpr
  | IsNullExpr
  | IsDistinctExpr
  | CaseExpr
  | CoalesceExpr
  | NullIfExpr
  | MinMaxExpr
  | InListExpr
  | SubqueryExpr
  | ArrayExpr
  | SubscriptExpr
  | RowExpr
  | AnyAllExpr;

export interface ConstExpr { readonly op: 'const'; readonly type: SqlType; readonly value: Value }
/** `$n` (index n - 1): a statement parameter, already decoded to its type's value. */
export interface ParamExpr { readonly op: 'param'; readonly type: SqlType; readonly index: number }
export interface ColumnExpr { readonly op: 'column'; readonly type: SqlType; readonly index: number }
export interface OuterExpr { readonly op: 'outer'; readonly type: SqlType; readonly depth: number; readonly index: number }
/**
 * A function or operator call, resolved by `src/sql/functions` to the signature
 * (`name`, `argTypes`). The executing side re-resolves the same signature and checks it returns
 * `type`, so a program can only call what the resolver offers. Arguments are already cast to
 * `argTypes`. `kind` says how it was written (for EXPLAIN and error messages only).
 */
export interface CallExpr {
  readonly op: 'call';
  readonly type: SqlType;
  readonly kind: 'function' | 'operator';
  readonly name: string;
  readonly argTypes: readonly SqlType[];
  readonly args: readonly Expr[];
}
export interface CastExpr {
  readonly op: 'cast';
  readonly type: SqlType;
  readonly context: 'implicit' | 'assignment' | 'explicit';
  readonly arg: Expr;
}
/** Three-valued AND / OR over two or more boolean arguments, evaluated left to right lazily. */
export interface BoolExpr { readonly op: 'and' | 'or'; readonly type: SqlType; readonly args: readonly Expr[] }
export interface NotExpr { readonly op: 'not'; readonly type: SqlType; readonly arg: Expr }
export interface IsNullExpr { readonly op: 'isNull'; readonly type: SqlType; readonly arg: Expr; readonly negated: boolean }
/** IS [NOT] DISTINCT FROM: equality where NULL equals NULL; `argType` is the compared type. */
export interface IsDistinctExpr {
  readonly op: 'isDistinct';
  readonly type: SqlType;
  readonly argType: SqlType;
  readonly left: Expr;
  readonly right: Expr;
  readonly negated: boolean;
}
/** Searched CASE (the binder rewrites `CASE x WHEN v` into `x = v` conditions). */
export interface CaseExpr {
  readonly op: 'case';
  readonly type: SqlType;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly otherwise: Expr | null;
}
export interface CoalesceExpr { readonly op: 'coalesce'; readonly type: SqlType; readonly args: readonly Expr[] }
export interface NullIfExpr { readonly op: 'nullif'; readonly type: SqlType; readonly left: Expr; readonly right: Expr }
/** GREATEST / LEAST: NULLs are ignored, as in PostgreSQL. */
export interface MinMaxExpr { readonly op: 'greatest' | 'least'; readonly type: SqlType; readonly args: readonly Expr[] }
/** `arg [NOT] IN (list)` with constants or expressions of `arg`'s type. */
export interface InListExpr {
  readonly op: 'inList';
  readonly type: SqlType;
  readonly arg: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
}
/**
 * A subquery. `scalar`: its single column of at most one row (more → 21000); `exists`;
 * `array`: ARRAY(subquery); `any` / `all`: `test` compares `left` with each subquery row: it is
 * evaluated against a two-column row [left value, subquery value], giving x = ANY (SELECT …),
 * x IN (…); with a subquery of several columns `left` is a ROW of as many fields and the test
 * reads [left fields…, subquery columns…], giving (a, b) IN (SELECT x, y …). `rowCompare`:
 * (a, b) = (SELECT x, y …), the same test over the subquery's one row (none → NULL, more → 21000).
 */
export interface SubqueryExpr {
  readonly op: 'subquery';
  readonly type: SqlType;
  readonly kind: 'scalar' | 'exists' | 'array' | 'any' | 'all' | 'rowCompare';
  readonly plan: Rel;
  readonly left?: Expr;
  readonly test?: Expr;
  /** True when the subquery reads no `outer` row: it is run once per statement execution. */
  readonly uncorrelated: boolean;
}
/** `x op ANY (array)` / `ALL`: `test` is evaluated against [x, element]. */
export interface AnyAllExpr {
  readonly op: 'anyArray' | 'allArray';
  readonly type: SqlType;
  readonly left: Expr;
  readonly array: Expr;
  readonly test: Expr;
}
/** ARRAY[…]: of the element type, or of arrays of the result's type (one more dimension). */
export interface ArrayExpr { readonly op: 'array'; readonly type: SqlType; readonly elements: readonly Expr[] }
/**
 * Subscripting (PostgreSQL's SubscriptingRef) of an array, int2vector or oidvector: `a[i][j]…`
 * when `lower` is null (an element), else the slice `a[l:u][l:u]…`, whose omitted bounds are
 * null in `lower` and `upper`.
 */
export interface SubscriptExpr {
  readonly op: 'subscript';
  readonly type: SqlType;
  readonly array: Expr;
  readonly upper: readonly (Expr | null)[];
  readonly lower: readonly (Expr | null)[] | null;
}
export interface RowExpr { readonly op: 'row'; readonly type: SqlType; readonly fields: readonly Expr[] }

// ---- relations -----------------------------------------------------------------------------

/** A column of a relation's output. */
export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
}

/** A stored table as a plan refers to it. `version` is the schema version of the definition
 * the plan was made against; a shard refuses the program when its copy differs. */
export interface TableRef {
  readonly oid: number;
  readonly version: number;
  /** The stored columns, hidden row id included (the executing side checks these). */
  readonly columns: readonly OutputColumn[];
  /** Whether the last stored column is the hidden row id of a table without a primary key. */
  readonly hiddenRowId: boolean;
}

export type Rel =
  | ScanRel
  | IndexScanRel
  | ValuesRel
  | FilterRel
  | ProjectRel
  | JoinRel
  | AggregateRel
  | WindowRel
  | SortRel
  | LimitRel
  | DistinctRel
  | SetOpRel
  | RecursiveRel
  | WorkTableRel
  | CteRefRel
  | FunctionRel
  | ProjectSetRel
  | ResultRel
  | GatherRel
  | CatalogRel
  | RoutedInsertRel
  | InsertRel
  | UpdateRel
  | DeleteRel
  | DdlRel;

/** Every row of a table (all stored columns), in primary-key order. */
export interface ScanRel { readonly rel: 'scan'; readonly table: TableRef }

/** Rows found through the primary key (`index` null) or a secondary index by position in the
 * table's index list. Bounds are expressions over no row (constants, params, outer refs) for a
 * prefix of the key columns. `equal` lists one key prefix per lookup (IN lists). */
export interface IndexScanRel {
  readonly rel: 'indexScan';
  readonly table: TableRef;
  readonly index: string | null;
  readonly equal?: readonly (readonly Expr[])[];
  readonly lower?: { readonly values: readonly Expr[]; readonly inclusive: boolean };
  readonly upper?: { readonly values: readonly Expr[]; readonly inclusive: boolean };
  readonly reverse: boolean;
}

export interface ValuesRel { readonly rel: 'values'; readonly columns: readonly OutputColumn[]; readonly rows: readonly (readonly Expr[])[] }
export interface FilterRel { readonly rel: 'filter'; readonly input: Rel; readonly predicate: Expr }
export interface ProjectRel { readonly rel: 'project'; readonly input: Rel; readonly columns: readonly OutputColumn[]; readonly exprs: readonly Expr[] }

/**
 * Output rows are [left columns…, right columns…] (semi/anti: left columns only). `condition`
 * is evaluated against that concatenation. `equiKeys` (left expr over the left row, right expr
 * over the right row) lets the executor hash-join; `condition` still holds the full test.
 * `lateral`: the right side reads the left row through `outer` depth 1.
 */
export interface JoinRel {
  readonly rel: 'join';
  readonly kind: 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';
  readonly left: Rel;
  readonly right: Rel;
  readonly condition: Expr | null;
  readonly equiKeys: readonly { readonly left: Expr; readonly right: Expr; readonly type: SqlType }[];
  readonly lateral: boolean;
}

/**
 * GROUP BY: output rows are [group keys…, aggregates…]. With `groupingSets`, each set lists
 * the key positions grouped on; keys not in a set are NULL in its rows, and the last output
 * column is then GROUPING()'s bitmask. No keys and no sets: one row even over no input.
 *
 * `phase` splits aggregation across shards: 'partial' outputs [keys…, state columns…] (AVG:
 * sum and count; others their running value), 'final' reads such rows (its `keys` and each
 * aggregate's argument are then columns of them) and finishes them.
 */
export interface AggregateRel {
  readonly rel: 'aggregate';
  readonly input: Rel;
  readonly phase: 'full' | 'partial' | 'final';
  readonly keys: readonly Expr[];
  readonly groupingSets?: readonly (readonly number[])[];
  readonly aggregates: readonly AggregateCall[];
  readonly columns: readonly OutputColumn[];
}

export type AggregateName =
  | 'count' | 'count_star' | 'sum' | 'avg' | 'min' | 'max' | 'string_agg' | 'array_agg'
  | 'bool_and' | 'bool_or' | 'every' | 'jsonb_agg' | 'json_agg' | 'jsonb_object_agg'
  | 'stddev' | 'stddev_samp' | 'stddev_pop' | 'variance' | 'var_samp' | 'var_pop';

export interface AggregateCall {
  readonly name: AggregateName;
  readonly type: SqlType;
  /** Argument(s) over the input row (string_agg: value, delimiter). */
  readonly args: readonly Expr[];
  readonly argTypes: readonly SqlType[];
  readonly distinct: boolean;
  readonly filter: Expr | null;
  readonly orderBy: readonly SortKey[];
}

export interface SortKey {
  readonly expr: Expr;
  readonly type: SqlType;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** Output rows are [input columns…, one column per function], input order kept within a
 * partition after sorting by partition keys then order keys. */
export interface WindowRel {
  readonly rel: 'window';
  readonly input: Rel;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortKey[];
  readonly functions: readonly WindowCall[];
  readonly columns: readonly OutputColumn[];
}

export interface WindowFrame {
  readonly mode: 'rows' | 'range' | 'groups';
  readonly start: FrameBound;
  readonly end: FrameBound;
  /** EXCLUDE CURRENT ROW / GROUP (the current row's peers, itself included) / TIES (its peers,
   * not itself); absent: EXCLUDE NO OTHERS. */
  readonly exclude?: FrameExclusion;
}
export type FrameExclusion = 'currentRow' | 'group' | 'ties';
export type FrameBound =
  | { readonly kind: 'unboundedPreceding' | 'currentRow' | 'unboundedFollowing' }
  | { readonly kind: 'preceding' | 'following'; readonly offset: Expr };

export interface WindowCall {
  readonly name:
    | 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist' | 'ntile'
    | 'lag' | 'lead' | 'first_value' | 'last_value' | 'nth_value'
    | AggregateName;
  readonly type: SqlType;
  readonly args: readonly Expr[];
  readonly argTypes: readonly SqlType[];
  readonly filter: Expr | null;
  /** PostgreSQL's default: RANGE UNBOUNDED PRECEDING to CURRENT ROW (peers included). */
  readonly frame: WindowFrame;
}

export interface SortRel { readonly rel: 'sort'; readonly input: Rel; readonly keys: readonly SortKey[] }
/** `limit` / `offset` are expressions over no row; NULL limit = no limit. */
export interface LimitRel { readonly rel: 'limit'; readonly input: Rel; readonly limit: Expr | null; readonly offset: Expr | null }
/** DISTINCT (all columns) or DISTINCT ON (`on`, the first row of each group in input order). */
export interface DistinctRel { readonly rel: 'distinct'; readonly input: Rel; readonly on: readonly Expr[] | null }
export interface SetOpRel {
  readonly rel: 'setop';
  readonly kind: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: Rel;
  readonly right: Rel;
  readonly columns: readonly OutputColumn[];
}
/** WITH RECURSIVE: `seed` once, then `step` (which reads the previous iteration's rows through
 * `workTable` nodes with the same `id`) until it yields no rows; UNION without ALL drops rows
 * already produced. */
export interface RecursiveRel {
  readonly rel: 'recursive';
  readonly id: number;
  readonly all: boolean;
  readonly seed: Rel;
  readonly step: Rel;
  readonly columns: readonly OutputColumn[];
}
export interface WorkTableRel { readonly rel: 'workTable'; readonly id: number; readonly columns: readonly OutputColumn[] }
/** A CTE referenced more than once is computed once per execution (materialized) and read
 * by `cteRef`; `ctes` are attached to the `ResultRel` / DML root that owns them. */
export interface CteRefRel { readonly rel: 'cteRef'; readonly id: number; readonly columns: readonly OutputColumn[] }

/** A set-returning function in FROM: generate_series, unnest, jsonb_array_elements, … */
export interface FunctionRel {
  readonly rel: 'function';
  readonly name: string;
  readonly argTypes: readonly SqlType[];
  readonly args: readonly Expr[];
  readonly columns: readonly OutputColumn[];
  /** WITH ORDINALITY: an extra int8 column numbering the rows from 1. */
  readonly ordinality: boolean;
}

/**
 * The set-returning functions of a select list (PostgreSQL's ProjectSet): for each input row
 * the functions run in lockstep, one output row per step until every one has run out, a
 * function that ran out giving NULLs; an input row for which no function yields a row gives
 * none. Output rows are [input columns…, each function's columns…].
 */
export interface ProjectSetRel {
  readonly rel: 'projectSet';
  readonly input: Rel;
  readonly functions: readonly SetCall[];
  readonly columns: readonly OutputColumn[];
}

/** A set-returning function called with arguments over the input row; `returns` are the
 * types of the columns each of its rows has. */
export interface SetCall {
  readonly name: string;
  readonly argTypes: readonly SqlType[];
  readonly args: readonly Expr[];
  readonly returns: readonly SqlType[];
}

/** The root of a query: its materialized CTEs, then the rows of `input`. */
export interface ResultRel {
  readonly rel: 'result';
  readonly ctes: readonly { readonly id: number; readonly plan: Rel }[];
  readonly input: Rel;
}

/**
 * COORDINATOR: run `subplan` on each listed shard and combine the streams: `concat` in shard
 * order, or `merge` by `mergeKeys` (each shard's stream is already sorted by them).
 *
 * The subplan may read the rows enclosing the gather (`outer`, in a correlated subquery): the
 * coordinator sends their values to the shards as parameters after the statement's.
 *
 * With a `route`, the subplan runs only on the shards holding the partition-key values it
 * names, decided per execution. A gather whose subplan writes is a write step: it writes on
 * each shard it runs on, except that an UPDATE or DELETE with more than one candidate shard
 * first asks each candidate whether it has rows to change and runs only there (0A000 when
 * more than one has: a statement writes one shard).
 */
export interface GatherRel {
  readonly rel: 'gather';
  readonly shards: readonly number[];
  readonly subplan: Rel;
  readonly columns: readonly OutputColumn[];
  readonly mergeKeys: readonly SortKey[] | null;
  readonly route?: ShardRoute;
}

/**
 * Partition-key values a statement pins (`key = $1`, `key IN (…)`): each tuple holds one value
 * per key column (expressions over no row, evaluated on the coordinator). A tuple without
 * NULLs selects `shards[partitionBucket(tuple, shards.length)]` of its gather
 * (src/planner/partitioning.ts); a tuple with a NULL matches no row and selects none.
 */
export interface ShardRoute {
  readonly keys: readonly (readonly Expr[])[];
}

/**
 * COORDINATOR: INSERT into a partitioned table (or into a home-shard table from rows read on
 * other shards: then `key` is empty and `shards` lists the home shard alone). The rows of
 * `input` are computed here; each belongs to `shards[partitionBucket(row's key values,
 * shards.length)]`, `key` giving the positions of the partition-key columns in the row. The
 * rows go to their shard as parameters (after the statement's own) of `insert`, whose `input`
 * is a VALUES of no rows with the input's columns: the executor fills it with one row of
 * parameters per input row. All rows of one execution must belong to one shard (0A000 naming
 * the shards otherwise). The output is the shard's RETURNING rows.
 */
export interface RoutedInsertRel {
  readonly rel: 'routedInsert';
  readonly shards: readonly number[];
  readonly key: readonly number[];
  readonly input: Rel;
  readonly insert: InsertRel;
  readonly columns: readonly OutputColumn[];
}

/** COORDINATOR: a pg_catalog / information_schema relation, computed from the SQL catalog. */
export interface CatalogRel { readonly rel: 'catalog'; readonly name: string; readonly columns: readonly OutputColumn[] }

/**
 * INSERT: `input` yields full rows in the table's stored column order (defaults filled, values
 * cast; a hidden row id column is filled by the executor). The output is the RETURNING rows
 * (`returning` evaluated against the stored row), or nothing; the row count goes to the tag.
 */
export interface InsertRel {
  readonly rel: 'insert';
  readonly table: TableRef;
  readonly input: Rel;
  readonly onConflict: OnConflict | null;
  readonly returning: readonly Expr[] | null;
  readonly columns: readonly OutputColumn[];
  /** CHECK constraints, each over the stored row; NOT NULL is the engine's. */
  readonly checks: readonly Check[];
  /** The FOREIGN KEY work of the write (empty: none). */
  readonly foreignKeys: readonly ReferentialNode[];
}

export interface Check { readonly name: string; readonly expr: Expr }

/** ON CONFLICT on the primary key or a unique index (`index` null = primary key). DO UPDATE's
 * `set` gives the full new row and `where` filters, both over [existing row…, excluded row…]. */
export interface OnConflict {
  readonly index: string | null;
  readonly action: 'nothing' | 'update';
  readonly set: readonly Expr[] | null;
  readonly where: Expr | null;
}

/**
 * UPDATE: `input` yields rows whose first columns are the target's stored row (then, with
 * FROM, the joined rows). `set` gives the full new stored row over that input row; under READ
 * COMMITTED a row changed concurrently is re-read and `recheck` (over the stored row) decides
 * whether it still qualifies.
 */
export interface UpdateRel {
  readonly rel: 'update';
  readonly table: TableRef;
  readonly input: Rel;
  readonly set: readonly Expr[];
  readonly recheck: Expr | null;
  readonly returning: readonly Expr[] | null;
  readonly columns: readonly OutputColumn[];
  readonly checks: readonly Check[];
  readonly foreignKeys: readonly ReferentialNode[];
}

/** DELETE: `input` yields rows whose first columns are the target's stored row. */
export interface DeleteRel {
  readonly rel: 'delete';
  readonly table: TableRef;
  readonly input: Rel;
  readonly recheck: Expr | null;
  readonly returning: readonly Expr[] | null;
  readonly columns: readonly OutputColumn[];
  readonly foreignKeys: readonly ReferentialNode[];
}

/**
 * The FOREIGN KEY work of a write: the tables it can reach through referential actions, as a
 * graph (cycles allowed: a self-referencing ON DELETE CASCADE, tables referencing each other),
 * node 0 being the written table. It all runs at the end of the statement, as PostgreSQL's
 * after-row triggers do, on the shard that wrote: a foreign key only joins co-located tables,
 * so the rows it checks and changes are on that shard too.
 */
export interface ReferentialNode {
  readonly table: TableRef;
  /** The table's SQL name and column names, which messages use. */
  readonly name: string;
  readonly columnNames: readonly string[];
  /** CHECK constraints of the rows referential actions update (node 0's are its write's). */
  readonly checks: readonly Check[];
  /** This table's foreign keys: checked for its inserted rows and rows whose key changed. */
  readonly keys: readonly ForeignKeyCheck[];
  /** Foreign keys referencing this table: applied when its rows are deleted or their
   * referenced key changes. */
  readonly referencedBy: readonly ForeignKeyAction[];
}

/** A referencing row's key must be present in the referenced table: `probe` (outer depth 1 =
 * the referencing row) yields the referenced rows holding it; the one found is locked. */
export interface ForeignKeyCheck {
  readonly name: string;
  /** Referencing columns, in the node's stored row. */
  readonly columns: readonly number[];
  /** MATCH FULL: a key with some but not all columns NULL is refused (MATCH SIMPLE: unchecked). */
  readonly matchFull: boolean;
  readonly parent: TableRef;
  readonly parentName: string;
  /** Referenced columns, in the parent's stored row. */
  readonly parentColumns: readonly number[];
  readonly probe: Rel;
}

export type ReferentialRule = 'noAction' | 'restrict' | 'cascade' | 'setNull' | 'setDefault';

/**
 * What deleting a row of the node, or changing its referenced key, does to the rows of node
 * `child` that reference it. `probe` (outer depth 1 = the old referenced row) yields them;
 * NO ACTION first looks for another row holding the old key (`replacement`, same outer row).
 * The child's new stored row, for the rules that update it: `deleteSet` (SET NULL / SET
 * DEFAULT on delete) over the child row, `updateSet` (CASCADE / SET NULL / SET DEFAULT on
 * update) over [child row…, new referenced row…].
 */
export interface ForeignKeyAction {
  readonly name: string;
  readonly child: number;
  /** Referenced columns, in the node's stored row. */
  readonly columns: readonly number[];
  /** Referencing columns, in the child's stored row. */
  readonly childColumns: readonly number[];
  readonly onDelete: ReferentialRule;
  readonly onUpdate: ReferentialRule;
  readonly probe: Rel;
  readonly replacement: Rel | null;
  readonly deleteSet: readonly Expr[] | null;
  readonly updateSet: readonly Expr[] | null;
}

/** A storage-level schema change on a shard, made by DDL. */
export type DdlRel =
  | { readonly rel: 'ddl'; readonly action: 'createTable'; readonly oid: number; readonly definition: PhysicalTable }
  | { readonly rel: 'ddl'; readonly action: 'dropTable'; readonly oid: number }
  | { readonly rel: 'ddl'; readonly action: 'truncate'; readonly table: TableRef }
  | { readonly rel: 'ddl'; readonly action: 'createIndex'; readonly oid: number; readonly index: PhysicalIndex }
  | { readonly rel: 'ddl'; readonly action: 'dropIndex'; readonly oid: number; readonly name: string }
  /** Rewrites every row: the new stored row is `row` evaluated against the old one. */
  | { readonly rel: 'ddl'; readonly action: 'rewrite'; readonly table: TableRef; readonly definition: PhysicalTable; readonly row: readonly Expr[] }
  /** ALTER TABLE … ADD FOREIGN KEY: every stored row of `node`'s table must pass its `keys`. */
  | { readonly rel: 'ddl'; readonly action: 'validate'; readonly node: ReferentialNode };

/** A table as a shard stores it: what the engine's `createTable` takes. */
export interface PhysicalTable {
  readonly columns: readonly { readonly name: string; readonly type: string; readonly notNull: boolean }[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly PhysicalIndex[];
}

export interface PhysicalIndex {
  readonly name: string;
  readonly columns: readonly { readonly column: string; readonly descending: boolean; readonly nullsFirst: boolean }[];
  readonly unique: boolean;
}

/** The output columns of any relation. */
export function columnsOf(rel: Rel): readonly OutputColumn[] {
  switch (rel.rel) {
    case 'scan':
    case 'indexScan':
      return rel.table.columns;
    case 'filter':
    case 'sort':
    case 'limit':
    case 'distinct':
      return columnsOf(rel.input);
    case 'result':
      return columnsOf(rel.input);
    case 'join': {
      const left = columnsOf(rel.left);
      return rel.kind === 'semi' || rel.kind === 'anti' ? left : [...left, ...columnsOf(rel.right)];
    }
    case 'ddl':
      return [];
    default:
      return rel.columns;
  }
}
