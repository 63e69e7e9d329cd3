/**
 * The parse tree `parseSql` returns: PostgreSQL's raw parse nodes as libpg-query 18 emits them in
 * JSON (field names as in PostgreSQL 18's parsenodes.h / primnodes.h), plus ScratchBird's own
 * statement nodes. Every node is wrapped in an object with one key, its kind:
 * `{ SelectStmt: { … } }`. A few fields hold a node without the wrapper (a RangeVar in
 * `relation`, a SelectStmt in `larg`); their types say so.
 *
 * How libpg-query writes fields, which decides what may be missing:
 * - a boolean is present only when true;
 * - a number only when non-zero (an Integer value 0 is `{}`; a `location` of 0 is missing);
 * - a string whenever PostgreSQL set it, even to '';
 * - an enum always;
 * - a list only when non-empty; a child node only when there is one.
 * Fields only parse analysis sets (OIDs, collations, resolved types) are left out of the types.
 *
 * Positions: every `location` (and `list_start`/`list_end`/`rexpr_list_*`) is a code-point offset
 * into the whole string given to `parseSql`; -1 means unknown. `errorPosition` turns one into
 * the 1-based position PostgreSQL reports.
 *
 * Trees may be cached and shared, so every field is readonly.
 */

// ---------------------------------------------------------------------------------------------
// Enumerations (PostgreSQL's enum names, as libpg-query spells them)

export type SetOperation = 'SETOP_NONE' | 'SETOP_UNION' | 'SETOP_INTERSECT' | 'SETOP_EXCEPT';
export type LimitOption = 'LIMIT_OPTION_DEFAULT' | 'LIMIT_OPTION_COUNT' | 'LIMIT_OPTION_WITH_TIES';
export type SortByDir = 'SORTBY_DEFAULT' | 'SORTBY_ASC' | 'SORTBY_DESC' | 'SORTBY_USING';
export type SortByNulls = 'SORTBY_NULLS_DEFAULT' | 'SORTBY_NULLS_FIRST' | 'SORTBY_NULLS_LAST';
export type A_Expr_Kind =
  | 'AEXPR_OP'
  | 'AEXPR_OP_ANY'
  | 'AEXPR_OP_ALL'
  | 'AEXPR_DISTINCT'
  | 'AEXPR_NOT_DISTINCT'
  | 'AEXPR_NULLIF'
  | 'AEXPR_IN'
  | 'AEXPR_LIKE'
  | 'AEXPR_ILIKE'
  | 'AEXPR_SIMILAR'
  | 'AEXPR_BETWEEN'
  | 'AEXPR_NOT_BETWEEN'
  | 'AEXPR_BETWEEN_SYM'
  | 'AEXPR_NOT_BETWEEN_SYM';
export type BoolExprType = 'AND_EXPR' | 'OR_EXPR' | 'NOT_EXPR';
export type NullTestType = 'IS_NULL' | 'IS_NOT_NULL';
export type BoolTestType = 'IS_TRUE' | 'IS_NOT_TRUE' | 'IS_FALSE' | 'IS_NOT_FALSE' | 'IS_UNKNOWN' | 'IS_NOT_UNKNOWN';
export type SubLinkType =
  | 'EXISTS_SUBLINK'
  | 'ALL_SUBLINK'
  | 'ANY_SUBLINK'
  | 'ROWCOMPARE_SUBLINK'
  | 'EXPR_SUBLINK'
  | 'MULTIEXPR_SUBLINK'
  | 'ARRAY_SUBLINK'
  | 'CTE_SUBLINK';
export type CoercionForm = 'COERCE_EXPLICIT_CALL' | 'COERCE_EXPLICIT_CAST' | 'COERCE_IMPLICIT_CAST' | 'COERCE_SQL_SYNTAX';
export type MinMaxOp = 'IS_GREATEST' | 'IS_LEAST';
export type SQLValueFunctionOp =
  | 'SVFOP_CURRENT_DATE'
  | 'SVFOP_CURRENT_TIME'
  | 'SVFOP_CURRENT_TIME_N'
  | 'SVFOP_CURRENT_TIMESTAMP'
  | 'SVFOP_CURRENT_TIMESTAMP_N'
  | 'SVFOP_LOCALTIME'
  | 'SVFOP_LOCALTIME_N'
  | 'SVFOP_LOCALTIMESTAMP'
  | 'SVFOP_LOCALTIMESTAMP_N'
  | 'SVFOP_CURRENT_ROLE'
  | 'SVFOP_CURRENT_USER'
  | 'SVFOP_USER'
  | 'SVFOP_SESSION_USER'
  | 'SVFOP_CURRENT_CATALOG'
  | 'SVFOP_CURRENT_SCHEMA';
export type JoinType = 'JOIN_INNER' | 'JOIN_LEFT' | 'JOIN_FULL' | 'JOIN_RIGHT';
export type GroupingSetKind = 'GROUPING_SET_EMPTY' | 'GROUPING_SET_SIMPLE' | 'GROUPING_SET_ROLLUP' | 'GROUPING_SET_CUBE' | 'GROUPING_SET_SETS';
export type CTEMaterialize = 'CTEMaterializeDefault' | 'CTEMaterializeAlways' | 'CTEMaterializeNever';
export type LockClauseStrength = 'LCS_NONE' | 'LCS_FORKEYSHARE' | 'LCS_FORSHARE' | 'LCS_FORNOKEYUPDATE' | 'LCS_FORUPDATE';
export type LockWaitPolicy = 'LockWaitBlock' | 'LockWaitSkip' | 'LockWaitError';
export type OnConflictAction = 'ONCONFLICT_NONE' | 'ONCONFLICT_NOTHING' | 'ONCONFLICT_UPDATE';
export type OverridingKind = 'OVERRIDING_NOT_SET' | 'OVERRIDING_USER_VALUE' | 'OVERRIDING_SYSTEM_VALUE';
export type ReturningOptionKind = 'RETURNING_OPTION_OLD' | 'RETURNING_OPTION_NEW';
export type OnCommitAction = 'ONCOMMIT_NOOP' | 'ONCOMMIT_PRESERVE_ROWS' | 'ONCOMMIT_DELETE_ROWS' | 'ONCOMMIT_DROP';
export type ConstrType =
  | 'CONSTR_NULL'
  | 'CONSTR_NOTNULL'
  | 'CONSTR_DEFAULT'
  | 'CONSTR_IDENTITY'
  | 'CONSTR_GENERATED'
  | 'CONSTR_CHECK'
  | 'CONSTR_PRIMARY'
  | 'CONSTR_UNIQUE'
  | 'CONSTR_EXCLUSION'
  | 'CONSTR_FOREIGN'
  | 'CONSTR_ATTR_DEFERRABLE'
  | 'CONSTR_ATTR_NOT_DEFERRABLE'
  | 'CONSTR_ATTR_DEFERRED'
  | 'CONSTR_ATTR_IMMEDIATE'
  | 'CONSTR_ATTR_ENFORCED'
  | 'CONSTR_ATTR_NOT_ENFORCED';
/** Foreign-key actions: no action, restrict, cascade, set null, set default. */
export type ForeignKeyAction = 'a' | 'r' | 'c' | 'n' | 'd';
/** MATCH FULL, MATCH PARTIAL, MATCH SIMPLE (the default). */
export type ForeignKeyMatch = 'f' | 'p' | 's';
export type PartitionStrategy = 'PARTITION_STRATEGY_LIST' | 'PARTITION_STRATEGY_RANGE' | 'PARTITION_STRATEGY_HASH';
export type DefElemAction = 'DEFELEM_UNSPEC' | 'DEFELEM_SET' | 'DEFELEM_ADD' | 'DEFELEM_DROP';
export type DropBehavior = 'DROP_RESTRICT' | 'DROP_CASCADE';
export type ObjectType =
  | 'OBJECT_ACCESS_METHOD'
  | 'OBJECT_AGGREGATE'
  | 'OBJECT_AMOP'
  | 'OBJECT_AMPROC'
  | 'OBJECT_ATTRIBUTE'
  | 'OBJECT_CAST'
  | 'OBJECT_COLUMN'
  | 'OBJECT_COLLATION'
  | 'OBJECT_CONVERSION'
  | 'OBJECT_DATABASE'
  | 'OBJECT_DEFAULT'
  | 'OBJECT_DEFACL'
  | 'OBJECT_DOMAIN'
  | 'OBJECT_DOMCONSTRAINT'
  | 'OBJECT_EVENT_TRIGGER'
  | 'OBJECT_EXTENSION'
  | 'OBJECT_FDW'
  | 'OBJECT_FOREIGN_SERVER'
  | 'OBJECT_FOREIGN_TABLE'
  | 'OBJECT_FUNCTION'
  | 'OBJECT_INDEX'
  | 'OBJECT_LANGUAGE'
  | 'OBJECT_LARGEOBJECT'
  | 'OBJECT_MATVIEW'
  | 'OBJECT_OPCLASS'
  | 'OBJECT_OPERATOR'
  | 'OBJECT_OPFAMILY'
  | 'OBJECT_PARAMETER_ACL'
  | 'OBJECT_POLICY'
  | 'OBJECT_PROCEDURE'
  | 'OBJECT_PUBLICATION'
  | 'OBJECT_PUBLICATION_NAMESPACE'
  | 'OBJECT_PUBLICATION_REL'
  | 'OBJECT_ROLE'
  | 'OBJECT_ROUTINE'
  | 'OBJECT_RULE'
  | 'OBJECT_SCHEMA'
  | 'OBJECT_SEQUENCE'
  | 'OBJECT_SUBSCRIPTION'
  | 'OBJECT_STATISTIC_EXT'
  | 'OBJECT_TABCONSTRAINT'
  | 'OBJECT_TABLE'
  | 'OBJECT_TABLESPACE'
  | 'OBJECT_TRANSFORM'
  | 'OBJECT_TRIGGER'
  | 'OBJECT_TSCONFIGURATION'
  | 'OBJECT_TSDICTIONARY'
  | 'OBJECT_TSPARSER'
  | 'OBJECT_TSTEMPLATE'
  | 'OBJECT_TYPE'
  | 'OBJECT_USER_MAPPING'
  | 'OBJECT_VIEW';
export type AlterTableType =
  | 'AT_AddColumn'
  | 'AT_AddColumnToView'
  | 'AT_ColumnDefault'
  | 'AT_CookedColumnDefault'
  | 'AT_DropNotNull'
  | 'AT_SetNotNull'
  | 'AT_SetExpression'
  | 'AT_DropExpression'
  | 'AT_SetStatistics'
  | 'AT_SetOptions'
  | 'AT_ResetOptions'
  | 'AT_SetStorage'
  | 'AT_SetCompression'
  | 'AT_DropColumn'
  | 'AT_AddIndex'
  | 'AT_ReAddIndex'
  | 'AT_AddConstraint'
  | 'AT_ReAddConstraint'
  | 'AT_ReAddDomainConstraint'
  | 'AT_AlterConstraint'
  | 'AT_ValidateConstraint'
  | 'AT_AddIndexConstraint'
  | 'AT_DropConstraint'
  | 'AT_ReAddComment'
  | 'AT_AlterColumnType'
  | 'AT_AlterColumnGenericOptions'
  | 'AT_ChangeOwner'
  | 'AT_ClusterOn'
  | 'AT_DropCluster'
  | 'AT_SetLogged'
  | 'AT_SetUnLogged'
  | 'AT_DropOids'
  | 'AT_SetAccessMethod'
  | 'AT_SetTableSpace'
  | 'AT_SetRelOptions'
  | 'AT_ResetRelOptions'
  | 'AT_ReplaceRelOptions'
  | 'AT_EnableTrig'
  | 'AT_EnableAlwaysTrig'
  | 'AT_EnableReplicaTrig'
  | 'AT_DisableTrig'
  | 'AT_EnableTrigAll'
  | 'AT_DisableTrigAll'
  | 'AT_EnableTrigUser'
  | 'AT_DisableTrigUser'
  | 'AT_EnableRule'
  | 'AT_EnableAlwaysRule'
  | 'AT_EnableReplicaRule'
  | 'AT_DisableRule'
  | 'AT_AddInherit'
  | 'AT_DropInherit'
  | 'AT_AddOf'
  | 'AT_DropOf'
  | 'AT_ReplicaIdentity'
  | 'AT_EnableRowSecurity'
  | 'AT_DisableRowSecurity'
  | 'AT_ForceRowSecurity'
  | 'AT_NoForceRowSecurity'
  | 'AT_GenericOptions'
  | 'AT_AttachPartition'
  | 'AT_DetachPartition'
  | 'AT_DetachPartitionFinalize'
  | 'AT_AddIdentity'
  | 'AT_SetIdentity'
  | 'AT_DropIdentity'
  | 'AT_ReAddStatistics';
export type ViewCheckOption = 'NO_CHECK_OPTION' | 'LOCAL_CHECK_OPTION' | 'CASCADED_CHECK_OPTION';
export type TransactionStmtKind =
  | 'TRANS_STMT_BEGIN'
  | 'TRANS_STMT_START'
  | 'TRANS_STMT_COMMIT'
  | 'TRANS_STMT_ROLLBACK'
  | 'TRANS_STMT_SAVEPOINT'
  | 'TRANS_STMT_RELEASE'
  | 'TRANS_STMT_ROLLBACK_TO'
  | 'TRANS_STMT_PREPARE'
  | 'TRANS_STMT_COMMIT_PREPARED'
  | 'TRANS_STMT_ROLLBACK_PREPARED';
export type VariableSetKind = 'VAR_SET_VALUE' | 'VAR_SET_DEFAULT' | 'VAR_SET_CURRENT' | 'VAR_SET_MULTI' | 'VAR_RESET' | 'VAR_RESET_ALL';
export type RoleStmtType = 'ROLESTMT_ROLE' | 'ROLESTMT_USER' | 'ROLESTMT_GROUP';
export type RoleSpecType = 'ROLESPEC_CSTRING' | 'ROLESPEC_CURRENT_ROLE' | 'ROLESPEC_CURRENT_USER' | 'ROLESPEC_SESSION_USER' | 'ROLESPEC_PUBLIC';

/** WindowDef.frameOptions bits (PostgreSQL's FRAMEOPTION_*). Without a frame clause the value is
 * `range | startUnboundedPreceding | endCurrentRow`. */
export const FrameOption = {
  nonDefault: 0x1,
  range: 0x2,
  rows: 0x4,
  groups: 0x8,
  between: 0x10,
  startUnboundedPreceding: 0x20,
  endUnboundedPreceding: 0x40,
  startUnboundedFollowing: 0x80,
  endUnboundedFollowing: 0x100,
  startCurrentRow: 0x200,
  endCurrentRow: 0x400,
  startOffsetPreceding: 0x800,
  endOffsetPreceding: 0x1000,
  startOffsetFollowing: 0x2000,
  endOffsetFollowing: 0x4000,
  excludeCurrentRow: 0x8000,
  excludeGroup: 0x10000,
  excludeTies: 0x20000,
} as const;

// ---------------------------------------------------------------------------------------------
// Values

/** `{ Integer: {} }` is 0. */
export interface IntegerValue {
  readonly ival?: number;
}
/** Numbers that do not fit an int4, as PostgreSQL wrote them ("99999999999", "1.5e10"). */
export interface FloatValue {
  readonly fval: string;
}
export interface BooleanValue {
  readonly boolval?: true;
}
export interface StringValue {
  readonly sval: string;
}
/** The literal with its radix letter first: "b101" for B'101', "xff" for X'FF'. */
export interface BitStringValue {
  readonly bsval: string;
}
/** A list inside a list field (VALUES rows, IN lists, qualified names, function signatures). An
 * item may be `{}`: a NIL element, e.g. the missing column definitions in RangeFunction. */
export interface List {
  readonly items?: readonly (PgNode | EmptyNode)[];
}
/** PostgreSQL's NIL or NULL element inside a list. */
export type EmptyNode = Readonly<Record<string, never>>;

// ---------------------------------------------------------------------------------------------
// Expressions

/** A literal: exactly one of the value fields, or `isnull`. `-1` is a literal; `- a` is an A_Expr. */
export type A_Const = (
  | { readonly ival: IntegerValue }
  | { readonly fval: FloatValue }
  | { readonly boolval: BooleanValue }
  | { readonly sval: StringValue }
  | { readonly bsval: BitStringValue }
  | { readonly isnull: true }
) & { readonly location?: number };

/** `a.b.c`, `t.*`, `*`. */
export interface ColumnRef {
  readonly fields: readonly (NodeOf<'String'> | NodeOf<'A_Star'>)[];
  readonly location?: number;
}
export type A_Star = EmptyNode;
/** `$n`. */
export interface ParamRef {
  readonly number: number;
  readonly location?: number;
}
/**
 * Operators and operator-like constructs. `name` is the operator, schema-qualified when written
 * `OPERATOR(pg_catalog.~)`. IN has `rexpr` a List; BETWEEN has a List of the two bounds; a
 * prefix operator has no `lexpr`.
 */
export interface A_Expr {
  readonly kind: A_Expr_Kind;
  readonly name: readonly NodeOf<'String'>[];
  readonly lexpr?: PgNode;
  readonly rexpr?: PgNode;
  readonly rexpr_list_start?: number;
  readonly rexpr_list_end?: number;
  readonly location?: number;
}
export interface FuncCall {
  readonly funcname: readonly NodeOf<'String'>[];
  readonly args?: readonly PgNode[];
  readonly agg_order?: readonly NodeOf<'SortBy'>[];
  readonly agg_filter?: PgNode;
  readonly over?: WindowDef;
  readonly agg_within_group?: true;
  /** `count(*)`. */
  readonly agg_star?: true;
  readonly agg_distinct?: true;
  readonly func_variadic?: true;
  /** COERCE_SQL_SYNTAX for the SQL-standard spellings (EXTRACT, SUBSTRING … FROM, TRIM, …). */
  readonly funcformat: CoercionForm;
  readonly location?: number;
}
/** `f(a => 1)`, `f(a := 1)`. */
export interface NamedArgExpr {
  readonly arg: PgNode;
  readonly name: string;
  readonly argnumber: number;
  readonly location?: number;
}
export interface TypeCast {
  readonly arg: PgNode;
  readonly typeName: TypeName;
  readonly location?: number;
}
/**
 * A type as written. Built-in SQL-standard names are already mapped and qualified:
 * `int` is ["pg_catalog","int4"], `varchar(10)` is ["pg_catalog","varchar"] with typmods [10];
 * `text` stays ["text"]. INTERVAL's field restriction is an A_Const typmod bitmask.
 */
export interface TypeName {
  readonly names: readonly NodeOf<'String'>[];
  readonly setof?: true;
  /** `%TYPE`. */
  readonly pct_type?: true;
  readonly typmods?: readonly PgNode[];
  /** Always -1 from the parser. */
  readonly typemod: number;
  /** One Integer per `[]` (-1 when no size is written). */
  readonly arrayBounds?: readonly NodeOf<'Integer'>[];
  readonly location?: number;
}
export interface CollateClause {
  readonly arg?: PgNode;
  readonly collname: readonly NodeOf<'String'>[];
  readonly location?: number;
}
export interface BoolExpr {
  readonly boolop: BoolExprType;
  readonly args: readonly PgNode[];
  readonly location?: number;
}
export interface NullTest {
  readonly arg: PgNode;
  readonly nulltesttype: NullTestType;
  readonly location?: number;
}
export interface BooleanTest {
  readonly arg: PgNode;
  readonly booltesttype: BoolTestType;
  readonly location?: number;
}
/** A subquery in an expression: EXISTS, IN/ANY/ALL (`testexpr` op `subselect`), scalar, ARRAY(…). */
export interface SubLink {
  readonly subLinkType: SubLinkType;
  readonly testexpr?: PgNode;
  /** The operator of ANY/ALL; absent for `IN (subquery)`, which means `= ANY`. */
  readonly operName?: readonly NodeOf<'String'>[];
  readonly subselect: PgNode;
  readonly location?: number;
}
export interface CaseExpr {
  /** The operand of the simple form `CASE a WHEN …`. */
  readonly arg?: PgNode;
  readonly args: readonly NodeOf<'CaseWhen'>[];
  readonly defresult?: PgNode;
  readonly location?: number;
}
export interface CaseWhen {
  readonly expr: PgNode;
  readonly result: PgNode;
  readonly location?: number;
}
export interface CoalesceExpr {
  readonly args: readonly PgNode[];
  readonly location?: number;
}
/** GREATEST and LEAST. */
export interface MinMaxExpr {
  readonly op: MinMaxOp;
  readonly args: readonly PgNode[];
  readonly location?: number;
}
/** CURRENT_DATE, CURRENT_TIMESTAMP(p), CURRENT_USER, … */
export interface SQLValueFunction {
  readonly op: SQLValueFunctionOp;
  /** The precision written, or -1. */
  readonly typmod: number;
  readonly location?: number;
}
/** `ROW(a, b)` (COERCE_EXPLICIT_CALL) or `(a, b)` (COERCE_IMPLICIT_CAST). */
export interface RowExpr {
  readonly args?: readonly PgNode[];
  readonly row_format: CoercionForm;
  readonly location?: number;
}
/** `ARRAY[…]`; a nested `[…]` inside is another A_ArrayExpr. */
export interface A_ArrayExpr {
  readonly elements?: readonly PgNode[];
  readonly list_start?: number;
  readonly list_end?: number;
  readonly location?: number;
}
/** Subscripts and field selection on an expression: `(x).f`, `a[1]`, `(f(x))[1:2]`, `(x).*`. */
export interface A_Indirection {
  readonly arg: PgNode;
  readonly indirection: readonly (NodeOf<'String'> | NodeOf<'A_Indices'> | NodeOf<'A_Star'>)[];
}
export interface A_Indices {
  readonly is_slice?: true;
  readonly lidx?: PgNode;
  readonly uidx?: PgNode;
}
export interface GroupingFunc {
  readonly args: readonly PgNode[];
  readonly location?: number;
}
/** DEFAULT in VALUES or UPDATE SET. */
export interface SetToDefault {
  readonly location?: number;
}
/** `WHERE CURRENT OF cursor`. */
export interface CurrentOfExpr {
  readonly cursor_name: string;
}
/** `UPDATE … SET (a, b) = (source)`: one per target column. */
export interface MultiAssignRef {
  readonly source: PgNode;
  readonly colno: number;
  readonly ncolumns: number;
}

// ---------------------------------------------------------------------------------------------
// Query building blocks

/**
 * A table reference. `inh` is missing for `ONLY t`. `relpersistence` is 'p' (permanent),
 * 't' (temporary) or 'u' (unlogged).
 */
export interface RangeVar {
  readonly catalogname?: string;
  readonly schemaname?: string;
  readonly relname: string;
  readonly inh?: true;
  readonly relpersistence: 'p' | 't' | 'u';
  readonly alias?: Alias;
  readonly location?: number;
}
export interface Alias {
  readonly aliasname: string;
  readonly colnames?: readonly NodeOf<'String'>[];
}
/** An item of a target list, of INSERT's column list (`name` and `indirection`, no `val`) or of
 * UPDATE's SET list (`name` = `val`). */
export interface ResTarget {
  readonly name?: string;
  readonly indirection?: readonly (NodeOf<'String'> | NodeOf<'A_Indices'> | NodeOf<'A_Star'>)[];
  readonly val?: PgNode;
  readonly location?: number;
}
export interface JoinExpr {
  readonly jointype: JoinType;
  readonly isNatural?: true;
  readonly larg: PgNode;
  readonly rarg: PgNode;
  readonly usingClause?: readonly NodeOf<'String'>[];
  readonly join_using_alias?: Alias;
  readonly quals?: PgNode;
  readonly alias?: Alias;
}
export interface RangeSubselect {
  readonly lateral?: true;
  readonly subquery: PgNode;
  readonly alias?: Alias;
}
/**
 * A function in FROM. Each element of `functions` is a two-item List: the call, and either a
 * List of ColumnDef (`ROWS FROM (f() AS (a int))`) or `{}`.
 */
export interface RangeFunction {
  readonly lateral?: true;
  readonly ordinality?: true;
  readonly is_rowsfrom?: true;
  readonly functions: readonly NodeOf<'List'>[];
  readonly alias?: Alias;
  /** `AS x(a int, b text)` column definitions. */
  readonly coldeflist?: readonly NodeOf<'ColumnDef'>[];
}
export interface RangeTableSample {
  readonly relation: PgNode;
  readonly method: readonly NodeOf<'String'>[];
  readonly args?: readonly PgNode[];
  readonly repeatable?: PgNode;
  readonly location?: number;
}
export interface SortBy {
  readonly node: PgNode;
  readonly sortby_dir: SortByDir;
  readonly sortby_nulls: SortByNulls;
  /** The operator of `USING op`. */
  readonly useOp?: readonly NodeOf<'String'>[];
  readonly location?: number;
}
/** An OVER clause or a WINDOW clause entry. */
export interface WindowDef {
  readonly name?: string;
  readonly refname?: string;
  readonly partitionClause?: readonly PgNode[];
  readonly orderClause?: readonly NodeOf<'SortBy'>[];
  /** FrameOption bits. */
  readonly frameOptions: number;
  readonly startOffset?: PgNode;
  readonly endOffset?: PgNode;
  readonly location?: number;
}
export interface GroupingSet {
  readonly kind: GroupingSetKind;
  readonly content?: readonly PgNode[];
  readonly location?: number;
}
export interface LockingClause {
  readonly lockedRels?: readonly NodeOf<'RangeVar'>[];
  readonly strength: LockClauseStrength;
  readonly waitPolicy: LockWaitPolicy;
}
export interface WithClause {
  readonly ctes: readonly NodeOf<'CommonTableExpr'>[];
  readonly recursive?: true;
  readonly location?: number;
}
export interface CommonTableExpr {
  readonly ctename: string;
  readonly aliascolnames?: readonly NodeOf<'String'>[];
  readonly ctematerialized: CTEMaterialize;
  readonly ctequery: PgNode;
  readonly search_clause?: CTESearchClause;
  readonly cycle_clause?: CTECycleClause;
  readonly location?: number;
}
export interface CTESearchClause {
  readonly search_col_list: readonly NodeOf<'String'>[];
  readonly search_breadth_first?: true;
  readonly search_seq_column: string;
  readonly location?: number;
}
export interface CTECycleClause {
  readonly cycle_col_list: readonly NodeOf<'String'>[];
  readonly cycle_mark_column: string;
  readonly cycle_mark_value?: PgNode;
  readonly cycle_mark_default?: PgNode;
  readonly cycle_path_column: string;
  readonly location?: number;
}
/** SELECT … INTO and CREATE TABLE … AS target. */
export interface IntoClause {
  readonly rel: RangeVar;
  readonly colNames?: readonly NodeOf<'String'>[];
  readonly accessMethod?: string;
  readonly options?: readonly NodeOf<'DefElem'>[];
  readonly onCommit: OnCommitAction;
  readonly tableSpaceName?: string;
  /** WITH NO DATA. */
  readonly skipData?: true;
}
export interface OnConflictClause {
  readonly action: OnConflictAction;
  readonly infer?: InferClause;
  /** DO UPDATE SET … */
  readonly targetList?: readonly NodeOf<'ResTarget'>[];
  readonly whereClause?: PgNode;
  readonly location?: number;
}
/** The conflict target: `(a, b) WHERE …` or `ON CONSTRAINT name`. */
export interface InferClause {
  readonly indexElems?: readonly NodeOf<'IndexElem'>[];
  readonly whereClause?: PgNode;
  readonly conname?: string;
  readonly location?: number;
}
export interface ReturningClause {
  /** `RETURNING WITH (OLD AS o, NEW AS n)` (PostgreSQL 18). */
  readonly options?: readonly NodeOf<'ReturningOption'>[];
  readonly exprs: readonly NodeOf<'ResTarget'>[];
}
export interface ReturningOption {
  readonly option: ReturningOptionKind;
  readonly value: string;
  readonly location?: number;
}
/** `name = value` in option lists (WITH (…), COPY, EXPLAIN, CREATE ROLE, SET TRANSACTION, …).
 * `arg` is an Integer, Float, String, Boolean, TypeName (a bare word), List or A_Const, or
 * missing for a bare option name (`EXPLAIN (ANALYZE)`). */
export interface DefElem {
  /** `toast` in `WITH (toast.autovacuum_enabled = false)`. */
  readonly defnamespace?: string;
  readonly defname: string;
  readonly arg?: PgNode;
  readonly defaction: DefElemAction;
  readonly location?: number;
}
export interface RoleSpec {
  readonly roletype: RoleSpecType;
  readonly rolename?: string;
  readonly location?: number;
}
/** A function's or operator's name with argument types: `f(int, text)`. */
export interface ObjectWithArgs {
  readonly objname: readonly NodeOf<'String'>[];
  readonly objargs?: readonly NodeOf<'TypeName'>[];
  readonly objfuncargs?: readonly PgNode[];
  readonly args_unspecified?: true;
}

// ---------------------------------------------------------------------------------------------
// Statements: queries and DML

/** One statement of the string libpg-query parsed, before `parseSql` unwraps it. */
export interface RawStmt {
  readonly stmt: PgNode;
  /** UTF-8 byte offset; missing for 0. */
  readonly stmt_location?: number;
  /** UTF-8 bytes up to the `;`; missing for the last statement (to the end of the string). */
  readonly stmt_len?: number;
}

/**
 * SELECT, VALUES, TABLE t, and set operations. With `op` other than SETOP_NONE only `larg`,
 * `rarg`, `all` and the ORDER BY/LIMIT/locking/WITH fields of the whole are set.
 */
export interface SelectStmt {
  /** `[{}]` for plain DISTINCT; the expressions for DISTINCT ON (…). */
  readonly distinctClause?: readonly (PgNode | EmptyNode)[];
  readonly intoClause?: IntoClause;
  readonly targetList?: readonly NodeOf<'ResTarget'>[];
  readonly fromClause?: readonly PgNode[];
  readonly whereClause?: PgNode;
  readonly groupClause?: readonly PgNode[];
  /** GROUP BY DISTINCT. */
  readonly groupDistinct?: true;
  readonly havingClause?: PgNode;
  readonly windowClause?: readonly NodeOf<'WindowDef'>[];
  /** VALUES rows, each a List of expressions (SetToDefault for DEFAULT). */
  readonly valuesLists?: readonly NodeOf<'List'>[];
  readonly sortClause?: readonly NodeOf<'SortBy'>[];
  readonly limitOffset?: PgNode;
  /** LIMIT ALL is an A_Const with isnull. */
  readonly limitCount?: PgNode;
  readonly limitOption: LimitOption;
  readonly lockingClause?: readonly NodeOf<'LockingClause'>[];
  readonly withClause?: WithClause;
  readonly op: SetOperation;
  readonly all?: true;
  readonly larg?: SelectStmt;
  readonly rarg?: SelectStmt;
}
export interface InsertStmt {
  readonly relation: RangeVar;
  /** The column list: ResTargets with `name` (and `indirection` for `a[1]`, `c.f`). */
  readonly cols?: readonly NodeOf<'ResTarget'>[];
  /** A SelectStmt (VALUES or a query); missing for DEFAULT VALUES. */
  readonly selectStmt?: PgNode;
  readonly onConflictClause?: OnConflictClause;
  readonly returningClause?: ReturningClause;
  readonly withClause?: WithClause;
  readonly override: OverridingKind;
}
export interface UpdateStmt {
  readonly relation: RangeVar;
  readonly targetList: readonly NodeOf<'ResTarget'>[];
  readonly whereClause?: PgNode;
  readonly fromClause?: readonly PgNode[];
  readonly returningClause?: ReturningClause;
  readonly withClause?: WithClause;
}
export interface DeleteStmt {
  readonly relation: RangeVar;
  readonly usingClause?: readonly PgNode[];
  readonly whereClause?: PgNode;
  readonly returningClause?: ReturningClause;
  readonly withClause?: WithClause;
}

// ---------------------------------------------------------------------------------------------
// Statements: DDL

export interface CreateStmt {
  readonly relation: RangeVar;
  readonly tableElts?: readonly (NodeOf<'ColumnDef'> | NodeOf<'Constraint'> | NodeOf<'TableLikeClause'>)[];
  /** INHERITS (…), or the parent of PARTITION OF. */
  readonly inhRelations?: readonly NodeOf<'RangeVar'>[];
  readonly partbound?: PartitionBoundSpec;
  /** PARTITION BY; ScratchBird's bare `PARTITION BY (cols)` arrives as PARTITION_STRATEGY_HASH. */
  readonly partspec?: PartitionSpec;
  readonly ofTypename?: TypeName;
  /** WITH (…) table options, ScratchBird's replication options among them. */
  readonly options?: readonly NodeOf<'DefElem'>[];
  readonly oncommit: OnCommitAction;
  readonly tablespacename?: string;
  readonly accessMethod?: string;
  readonly if_not_exists?: true;
}
/**
 * A column of CREATE TABLE or ALTER TABLE ADD COLUMN. Defaults, NOT NULL, identity and the rest
 * are Constraints in `constraints`. In ALTER COLUMN TYPE it has no `colname`, and its
 * `raw_default` is the USING expression.
 */
export interface ColumnDef {
  readonly colname?: string;
  readonly typeName?: TypeName;
  readonly compression?: string;
  readonly is_local?: true;
  readonly storage_name?: string;
  readonly raw_default?: PgNode;
  readonly collClause?: CollateClause;
  readonly constraints?: readonly NodeOf<'Constraint'>[];
  readonly fdwoptions?: readonly NodeOf<'DefElem'>[];
  readonly location?: number;
}
/**
 * A column or table constraint. By `contype`: DEFAULT and CHECK and GENERATED carry `raw_expr`;
 * PRIMARY/UNIQUE carry `keys` (table form; the column form has none), `including`, `options`;
 * FOREIGN carries `pktable`, `fk_attrs` (table form), `pk_attrs`, the match type and actions;
 * IDENTITY carries `generated_when` and sequence `options`.
 */
export interface Constraint {
  readonly contype: ConstrType;
  readonly conname?: string;
  readonly deferrable?: true;
  readonly initdeferred?: true;
  readonly is_enforced?: true;
  /** NOT VALID. */
  readonly skip_validation?: true;
  readonly initially_valid?: true;
  readonly is_no_inherit?: true;
  readonly raw_expr?: PgNode;
  /** ALWAYS ('a') or BY DEFAULT ('d'), for identity and generated columns. */
  readonly generated_when?: 'a' | 'd';
  /** STORED ('s') or VIRTUAL ('v'). */
  readonly generated_kind?: 's' | 'v';
  readonly nulls_not_distinct?: true;
  readonly keys?: readonly NodeOf<'String'>[];
  readonly without_overlaps?: true;
  readonly including?: readonly NodeOf<'String'>[];
  /** EXCLUDE elements: Lists of [IndexElem, operator name List]. */
  readonly exclusions?: readonly NodeOf<'List'>[];
  readonly options?: readonly NodeOf<'DefElem'>[];
  /** UNIQUE/PRIMARY KEY USING INDEX name. */
  readonly indexname?: string;
  readonly indexspace?: string;
  readonly access_method?: string;
  readonly where_clause?: PgNode;
  readonly pktable?: RangeVar;
  readonly fk_attrs?: readonly NodeOf<'String'>[];
  readonly pk_attrs?: readonly NodeOf<'String'>[];
  readonly fk_matchtype?: ForeignKeyMatch;
  readonly fk_upd_action?: ForeignKeyAction;
  readonly fk_del_action?: ForeignKeyAction;
  /** ON DELETE SET NULL (cols). */
  readonly fk_del_set_cols?: readonly NodeOf<'String'>[];
  readonly location?: number;
}
export interface TableLikeClause {
  readonly relation: RangeVar;
  /** CREATE_TABLE_LIKE_* bits. */
  readonly options?: number;
}
export interface PartitionSpec {
  readonly strategy: PartitionStrategy;
  readonly partParams: readonly NodeOf<'PartitionElem'>[];
  readonly location?: number;
}
/** A partition key element: a column `name`, or an `expr`. */
export interface PartitionElem {
  readonly name?: string;
  readonly expr?: PgNode;
  readonly collation?: readonly NodeOf<'String'>[];
  readonly opclass?: readonly NodeOf<'String'>[];
  readonly location?: number;
}
/** FOR VALUES … of CREATE TABLE … PARTITION OF; strategy 'h', 'l' or 'r', none for DEFAULT. */
export interface PartitionBoundSpec {
  readonly strategy?: 'h' | 'l' | 'r';
  readonly is_default?: true;
  readonly modulus?: number;
  readonly remainder?: number;
  readonly listdatums?: readonly PgNode[];
  readonly lowerdatums?: readonly PgNode[];
  readonly upperdatums?: readonly PgNode[];
  readonly location?: number;
}
export interface IndexStmt {
  readonly idxname?: string;
  readonly relation: RangeVar;
  /** 'btree' unless USING says otherwise. */
  readonly accessMethod: string;
  readonly tableSpace?: string;
  readonly indexParams: readonly NodeOf<'IndexElem'>[];
  readonly indexIncludingParams?: readonly NodeOf<'IndexElem'>[];
  readonly options?: readonly NodeOf<'DefElem'>[];
  readonly whereClause?: PgNode;
  readonly unique?: true;
  readonly nulls_not_distinct?: true;
  readonly concurrent?: true;
  readonly if_not_exists?: true;
}
/** An index column: a column `name` or an `expr`. */
export interface IndexElem {
  readonly name?: string;
  readonly expr?: PgNode;
  readonly collation?: readonly NodeOf<'String'>[];
  readonly opclass?: readonly NodeOf<'String'>[];
  readonly opclassopts?: readonly NodeOf<'DefElem'>[];
  readonly ordering: SortByDir;
  readonly nulls_ordering: SortByNulls;
}
/**
 * DROP of anything. `objects` by `removeType`: a List of Strings (qualified name) for tables,
 * views, indexes, sequences; a String for schemas, databases; ObjectWithArgs for functions;
 * TypeName for types and domains.
 */
export interface DropStmt {
  readonly objects: readonly PgNode[];
  readonly removeType: ObjectType;
  readonly behavior: DropBehavior;
  readonly missing_ok?: true;
  readonly concurrent?: true;
}
export interface AlterTableStmt {
  readonly relation: RangeVar;
  readonly cmds: readonly NodeOf<'AlterTableCmd'>[];
  /** OBJECT_TABLE, OBJECT_INDEX, OBJECT_VIEW, OBJECT_SEQUENCE, … as written (ALTER INDEX …). */
  readonly objtype: ObjectType;
  readonly missing_ok?: true;
}
/**
 * One action of ALTER TABLE. `name` is the column or constraint; `def` by `subtype`: ColumnDef
 * (AddColumn, AlterColumnType), Constraint (AddConstraint, AddIdentity), the default expression
 * (ColumnDefault; missing for DROP DEFAULT), Integer (SetStatistics), List of DefElem
 * (SetRelOptions, SetOptions), PartitionCmd, RangeVar (inheritance), ReplicaIdentityStmt.
 */
export interface AlterTableCmd {
  readonly subtype: AlterTableType;
  readonly name?: string;
  /** Column number, for ALTER INDEX … ALTER COLUMN n. */
  readonly num?: number;
  readonly newowner?: RoleSpec;
  readonly def?: PgNode;
  readonly behavior: DropBehavior;
  readonly missing_ok?: true;
}
/** ALTER … RENAME. */
export interface RenameStmt {
  readonly renameType: ObjectType;
  readonly relationType: ObjectType;
  readonly relation?: RangeVar;
  readonly object?: PgNode;
  /** The column or constraint renamed. */
  readonly subname?: string;
  readonly newname: string;
  readonly behavior: DropBehavior;
  readonly missing_ok?: true;
}
export interface ViewStmt {
  readonly view: RangeVar;
  readonly aliases?: readonly NodeOf<'String'>[];
  readonly query: PgNode;
  readonly replace?: true;
  readonly options?: readonly NodeOf<'DefElem'>[];
  readonly withCheckOption: ViewCheckOption;
}
/** CREATE TABLE … AS, SELECT … INTO (is_select_into), CREATE MATERIALIZED VIEW. */
export interface CreateTableAsStmt {
  readonly query: PgNode;
  readonly into: IntoClause;
  readonly objtype: ObjectType;
  readonly is_select_into?: true;
  readonly if_not_exists?: true;
}
export interface CreateSchemaStmt {
  /** Missing for CREATE SCHEMA AUTHORIZATION role (the schema takes the role's name). */
  readonly schemaname?: string;
  readonly authrole?: RoleSpec;
  /** CREATE TABLE/VIEW/INDEX/… statements inside CREATE SCHEMA. */
  readonly schemaElts?: readonly PgNode[];
  readonly if_not_exists?: true;
}
/** `options`: DefElems named as, increment, minvalue, maxvalue, start, cache, cycle, owned_by. */
export interface CreateSeqStmt {
  readonly sequence: RangeVar;
  readonly options?: readonly NodeOf<'DefElem'>[];
  readonly if_not_exists?: true;
}
export interface AlterSeqStmt {
  readonly sequence: RangeVar;
  readonly options?: readonly NodeOf<'DefElem'>[];
  readonly missing_ok?: true;
}
export interface TruncateStmt {
  readonly relations: readonly NodeOf<'RangeVar'>[];
  /** RESTART IDENTITY. */
  readonly restart_seqs?: true;
  readonly behavior: DropBehavior;
}
/** COMMENT ON; `object` as in DropStmt (a List of Strings for tables and columns); no
 * `comment` for IS NULL. */
export interface CommentStmt {
  readonly objtype: ObjectType;
  readonly object: PgNode;
  readonly comment?: string;
}

// ---------------------------------------------------------------------------------------------
// Statements: sessions, transactions, utilities

/**
 * BEGIN/START TRANSACTION (`options`: DefElems transaction_isolation, transaction_read_only,
 * transaction_deferrable with A_Const args), COMMIT/END, ROLLBACK/ABORT (`chain` for AND CHAIN),
 * SAVEPOINT, RELEASE, ROLLBACK TO (`savepoint_name`), PREPARE TRANSACTION & co (`gid`).
 */
export interface TransactionStmt {
  readonly kind: TransactionStmtKind;
  readonly options?: readonly NodeOf<'DefElem'>[];
  readonly savepoint_name?: string;
  readonly gid?: string;
  readonly chain?: true;
  readonly location?: number;
}
/**
 * SET, SET LOCAL, RESET, SET … TO DEFAULT. `name` is already the setting's name (SET TIME ZONE
 * → timezone, SET NAMES → client_encoding, SET ROLE → role, SET SESSION AUTHORIZATION →
 * session_authorization); `args` are A_Consts, several for lists (`search_path = a, b`).
 * SET TRANSACTION / SET SESSION CHARACTERISTICS are VAR_SET_MULTI with name 'TRANSACTION' /
 * 'SESSION CHARACTERISTICS' and DefElem args.
 */
export interface VariableSetStmt {
  readonly kind: VariableSetKind;
  readonly name?: string;
  readonly args?: readonly PgNode[];
  readonly is_local?: true;
  readonly location?: number;
}
/** SHOW; `name` already mapped (SHOW TIME ZONE → timezone, SHOW TRANSACTION ISOLATION LEVEL →
 * transaction_isolation) or 'all'. */
export interface VariableShowStmt {
  readonly name: string;
}
/**
 * COPY. `relation` or `query`; `is_from` for FROM; no `filename` means STDIN/STDOUT. Options
 * are DefElems (format, header, delimiter, null, freeze, …) whether written in the old or the
 * parenthesised syntax.
 */
export interface CopyStmt {
  readonly relation?: RangeVar;
  readonly query?: PgNode;
  readonly attlist?: readonly NodeOf<'String'>[];
  readonly is_from?: true;
  readonly is_program?: true;
  readonly filename?: string;
  readonly options?: readonly NodeOf<'DefElem'>[];
  readonly whereClause?: PgNode;
}
/** EXPLAIN; ANALYZE and VERBOSE written without parentheses become options too. */
export interface ExplainStmt {
  readonly query: PgNode;
  readonly options?: readonly NodeOf<'DefElem'>[];
}
export interface PrepareStmt {
  readonly name: string;
  readonly argtypes?: readonly NodeOf<'TypeName'>[];
  readonly query: PgNode;
}
export interface ExecuteStmt {
  readonly name: string;
  readonly params?: readonly PgNode[];
}
/** DEALLOCATE name, or DEALLOCATE ALL (`isall`, no name). */
export interface DeallocateStmt {
  readonly name?: string;
  readonly isall?: true;
  readonly location?: number;
}
/**
 * CREATE ROLE/USER/GROUP. `options` DefElems: canlogin, superuser, createdb, createrole,
 * inherit, replication, bypassrls (Boolean), password (String; no arg for PASSWORD NULL),
 * connectionlimit (Integer), validUntil (String), addroleto/rolemembers/adminmembers (List of
 * RoleSpec).
 */
export interface CreateRoleStmt {
  readonly stmt_type: RoleStmtType;
  readonly role: string;
  readonly options?: readonly NodeOf<'DefElem'>[];
}
/** ALTER ROLE/USER; options as in CreateRoleStmt. `action` is +1, or -1 for ALTER GROUP … DROP USER. */
export interface AlterRoleStmt {
  readonly role: RoleSpec;
  readonly options?: readonly NodeOf<'DefElem'>[];
  readonly action: number;
}
/** VACUUM (`is_vacuumcmd`) and ANALYZE; `options` as DefElems (analyze, full, verbose, …). */
export interface VacuumStmt {
  readonly options?: readonly NodeOf<'DefElem'>[];
  readonly rels?: readonly NodeOf<'VacuumRelation'>[];
  readonly is_vacuumcmd?: true;
}
export interface VacuumRelation {
  readonly relation: RangeVar;
  readonly va_cols?: readonly NodeOf<'String'>[];
}

// ---------------------------------------------------------------------------------------------
// ScratchBird statements

/** `SWEEP [table]`: garbage-collect old record versions of one table, or of all without one. */
export interface SweepStmt {
  readonly relation?: RangeVar;
}

// ---------------------------------------------------------------------------------------------
// The node wrapper

/** Node kinds whose fields are typed above. */
export interface TypedNodes {
  Integer: IntegerValue;
  Float: FloatValue;
  Boolean: BooleanValue;
  String: StringValue;
  BitString: BitStringValue;
  List: List;
  A_Const: A_Const;
  A_Star: A_Star;
  ColumnRef: ColumnRef;
  ParamRef: ParamRef;
  A_Expr: A_Expr;
  FuncCall: FuncCall;
  NamedArgExpr: NamedArgExpr;
  TypeCast: TypeCast;
  TypeName: TypeName;
  CollateClause: CollateClause;
  BoolExpr: BoolExpr;
  NullTest: NullTest;
  BooleanTest: BooleanTest;
  SubLink: SubLink;
  CaseExpr: CaseExpr;
  CaseWhen: CaseWhen;
  CoalesceExpr: CoalesceExpr;
  MinMaxExpr: MinMaxExpr;
  SQLValueFunction: SQLValueFunction;
  RowExpr: RowExpr;
  A_ArrayExpr: A_ArrayExpr;
  A_Indirection: A_Indirection;
  A_Indices: A_Indices;
  GroupingFunc: GroupingFunc;
  SetToDefault: SetToDefault;
  CurrentOfExpr: CurrentOfExpr;
  MultiAssignRef: MultiAssignRef;
  RangeVar: RangeVar;
  Alias: Alias;
  ResTarget: ResTarget;
  JoinExpr: JoinExpr;
  RangeSubselect: RangeSubselect;
  RangeFunction: RangeFunction;
  RangeTableSample: RangeTableSample;
  SortBy: SortBy;
  WindowDef: WindowDef;
  GroupingSet: GroupingSet;
  LockingClause: LockingClause;
  WithClause: WithClause;
  CommonTableExpr: CommonTableExpr;
  CTESearchClause: CTESearchClause;
  CTECycleClause: CTECycleClause;
  IntoClause: IntoClause;
  OnConflictClause: OnConflictClause;
  InferClause: InferClause;
  ReturningClause: ReturningClause;
  ReturningOption: ReturningOption;
  DefElem: DefElem;
  RoleSpec: RoleSpec;
  ObjectWithArgs: ObjectWithArgs;
  RawStmt: RawStmt;
  SelectStmt: SelectStmt;
  InsertStmt: InsertStmt;
  UpdateStmt: UpdateStmt;
  DeleteStmt: DeleteStmt;
  CreateStmt: CreateStmt;
  ColumnDef: ColumnDef;
  Constraint: Constraint;
  TableLikeClause: TableLikeClause;
  PartitionSpec: PartitionSpec;
  PartitionElem: PartitionElem;
  PartitionBoundSpec: PartitionBoundSpec;
  IndexStmt: IndexStmt;
  IndexElem: IndexElem;
  DropStmt: DropStmt;
  AlterTableStmt: AlterTableStmt;
  AlterTableCmd: AlterTableCmd;
  RenameStmt: RenameStmt;
  ViewStmt: ViewStmt;
  CreateTableAsStmt: CreateTableAsStmt;
  CreateSchemaStmt: CreateSchemaStmt;
  CreateSeqStmt: CreateSeqStmt;
  AlterSeqStmt: AlterSeqStmt;
  TruncateStmt: TruncateStmt;
  CommentStmt: CommentStmt;
  TransactionStmt: TransactionStmt;
  VariableSetStmt: VariableSetStmt;
  VariableShowStmt: VariableShowStmt;
  CopyStmt: CopyStmt;
  ExplainStmt: ExplainStmt;
  PrepareStmt: PrepareStmt;
  ExecuteStmt: ExecuteStmt;
  DeallocateStmt: DeallocateStmt;
  CreateRoleStmt: CreateRoleStmt;
  AlterRoleStmt: AlterRoleStmt;
  VacuumStmt: VacuumStmt;
  VacuumRelation: VacuumRelation;
  SweepStmt: SweepStmt;
}

/** The other node kinds PostgreSQL's grammar produces, fields untyped. */
export type UntypedNodeKind =
  | 'AccessPriv'
  | 'AlterCollationStmt'
  | 'AlterDatabaseRefreshCollStmt'
  | 'AlterDatabaseSetStmt'
  | 'AlterDatabaseStmt'
  | 'AlterDefaultPrivilegesStmt'
  | 'AlterDomainStmt'
  | 'AlterEnumStmt'
  | 'AlterEventTrigStmt'
  | 'AlterExtensionContentsStmt'
  | 'AlterExtensionStmt'
  | 'AlterFdwStmt'
  | 'AlterForeignServerStmt'
  | 'AlterFunctionStmt'
  | 'AlterObjectDependsStmt'
  | 'AlterObjectSchemaStmt'
  | 'AlterOperatorStmt'
  | 'AlterOpFamilyStmt'
  | 'AlterOwnerStmt'
  | 'AlterPolicyStmt'
  | 'AlterPublicationStmt'
  | 'AlterRoleSetStmt'
  | 'AlterStatsStmt'
  | 'AlterSubscriptionStmt'
  | 'AlterSystemStmt'
  | 'AlterTableMoveAllStmt'
  | 'AlterTableSpaceOptionsStmt'
  | 'AlterTSConfigurationStmt'
  | 'AlterTSDictionaryStmt'
  | 'AlterTypeStmt'
  | 'AlterUserMappingStmt'
  | 'ATAlterConstraint'
  | 'CallStmt'
  | 'CheckPointStmt'
  | 'ClosePortalStmt'
  | 'ClusterStmt'
  | 'CompositeTypeStmt'
  | 'ConstraintsSetStmt'
  | 'CreateAmStmt'
  | 'CreateCastStmt'
  | 'CreateConversionStmt'
  | 'CreatedbStmt'
  | 'CreateDomainStmt'
  | 'CreateEnumStmt'
  | 'CreateEventTrigStmt'
  | 'CreateExtensionStmt'
  | 'CreateFdwStmt'
  | 'CreateForeignServerStmt'
  | 'CreateForeignTableStmt'
  | 'CreateFunctionStmt'
  | 'CreateOpClassItem'
  | 'CreateOpClassStmt'
  | 'CreateOpFamilyStmt'
  | 'CreatePLangStmt'
  | 'CreatePolicyStmt'
  | 'CreatePublicationStmt'
  | 'CreateRangeStmt'
  | 'CreateStatsStmt'
  | 'CreateSubscriptionStmt'
  | 'CreateTableSpaceStmt'
  | 'CreateTransformStmt'
  | 'CreateTrigStmt'
  | 'CreateUserMappingStmt'
  | 'DeclareCursorStmt'
  | 'DefineStmt'
  | 'DiscardStmt'
  | 'DoStmt'
  | 'DropdbStmt'
  | 'DropOwnedStmt'
  | 'DropRoleStmt'
  | 'DropSubscriptionStmt'
  | 'DropTableSpaceStmt'
  | 'DropUserMappingStmt'
  | 'FetchStmt'
  | 'FunctionParameter'
  | 'GrantRoleStmt'
  | 'GrantStmt'
  | 'ImportForeignSchemaStmt'
  | 'JsonAggConstructor'
  | 'JsonArgument'
  | 'JsonArrayAgg'
  | 'JsonArrayConstructor'
  | 'JsonArrayQueryConstructor'
  | 'JsonFormat'
  | 'JsonFuncExpr'
  | 'JsonIsPredicate'
  | 'JsonKeyValue'
  | 'JsonObjectAgg'
  | 'JsonObjectConstructor'
  | 'JsonOutput'
  | 'JsonParseExpr'
  | 'JsonReturning'
  | 'JsonScalarExpr'
  | 'JsonSerializeExpr'
  | 'JsonTable'
  | 'JsonTableColumn'
  | 'JsonTablePathSpec'
  | 'JsonValueExpr'
  | 'ListenStmt'
  | 'LoadStmt'
  | 'LockStmt'
  | 'MergeStmt'
  | 'MergeWhenClause'
  | 'NotifyStmt'
  | 'PartitionCmd'
  | 'PartitionRangeDatum'
  | 'PublicationObjSpec'
  | 'PublicationTable'
  | 'RangeTableFunc'
  | 'RangeTableFuncCol'
  | 'ReassignOwnedStmt'
  | 'RefreshMatViewStmt'
  | 'ReindexStmt'
  | 'ReplicaIdentityStmt'
  | 'RuleStmt'
  | 'SecLabelStmt'
  | 'StatsElem'
  | 'TriggerTransition'
  | 'UnlistenStmt'
  | 'XmlExpr'
  | 'XmlSerialize';

export type UntypedNode = { readonly [field: string]: unknown };

export type NodeTypes = TypedNodes & { readonly [K in UntypedNodeKind]: UntypedNode };
export type NodeKind = keyof NodeTypes;

/** A node of one kind, wrapped: `NodeOf<'RangeVar'>` is `{ RangeVar: RangeVar }`. */
export type NodeOf<K extends NodeKind> = { readonly [P in K]: NodeTypes[P] };

/** Any parse node, wrapped in its kind. */
export type PgNode = { [K in NodeKind]: NodeOf<K> }[NodeKind];

// ---------------------------------------------------------------------------------------------
// Accessors

/** The kind of a wrapped node: `nodeKind({ SelectStmt: … })` is 'SelectStmt'. */
export function nodeKind(node: PgNode): NodeKind {
  for (const kind in node) return kind as NodeKind;
  throw new Error('empty parse node');
}

export function isNode<K extends NodeKind>(node: PgNode | EmptyNode | undefined, kind: K): node is Extract<PgNode, NodeOf<K>> {
  return node !== undefined && kind in node;
}

/** The fields of `node` if it is of `kind`, else undefined. */
export function nodeAs<K extends NodeKind>(node: PgNode | EmptyNode | undefined, kind: K): NodeTypes[K] | undefined {
  return node !== undefined && kind in node ? (node as NodeOf<K>)[kind] : undefined;
}

/** The strings of a name list: `["pg_catalog", "int4"]` from a TypeName's `names`. */
export function stringList(nodes: readonly (PgNode | EmptyNode)[] | undefined): string[] {
  const strings: string[] = [];
  for (const node of nodes ?? []) {
    const value = nodeAs(node, 'String');
    if (value === undefined) throw new Error(`expected a String node, got ${JSON.stringify(node)}`);
    strings.push(value.sval);
  }
  return strings;
}

/** An Integer node's value (missing means 0). */
export function integerValue(value: IntegerValue): number {
  return value.ival ?? 0;
}

/** A literal's value: a number for integers, the text of other numbers (exact, for numeric),
 * a string, a boolean, the bits of a bit string ("b101", "xff"), or null. */
export type ConstValue =
  | { readonly kind: 'integer'; readonly value: number }
  | { readonly kind: 'numeric'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'bitstring'; readonly text: string }
  | { readonly kind: 'null' };

export function constValue(literal: A_Const): ConstValue {
  if ('ival' in literal) return { kind: 'integer', value: integerValue(literal.ival) };
  if ('fval' in literal) return { kind: 'numeric', text: literal.fval.fval };
  if ('sval' in literal) return { kind: 'string', value: literal.sval.sval };
  if ('boolval' in literal) return { kind: 'boolean', value: literal.boolval.boolval === true };
  if ('bsval' in literal) return { kind: 'bitstring', text: literal.bsval.bsval };
  return { kind: 'null' };
}

/** PostgreSQL's 1-based error position for a node's `location`: a missing location is 0, -1
 * (unknown) gives no position. */
export function errorPosition(location: number | undefined): number | undefined {
  if (location === undefined) return 1;
  return location < 0 ? undefined : location + 1;
}
