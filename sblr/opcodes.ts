/**
 * The SBLR opcode table: the single source of truth for opcode numbers, names, operand
 * layouts, stack effects and where each opcode may run. The encoder writes and the verifier
 * reads operands generically from `operands`, pops entries as `pops` says, and the README's
 * opcode reference is rendered from this table (`npx tsx scripts/sblr-readme.ts`).
 *
 * Programs are postfix: an instruction's inputs are the entries it pops off the stack of the
 * block it is in; it pushes exactly one entry. Expressions an operator evaluates per row (or
 * over no row), and plans that run in a scope of their own (subqueries, a LATERAL right side,
 * CTE bodies, a recursive step, a gather's shard program), are length-prefixed `block`
 * operands, verified with their own stack against the scope the opcode gives them.
 */
import type { AggregateName, ReferentialRule, WindowCall } from '../src/sql/plan/ir.ts';

export type Site = 'shard' | 'coordinator' | 'both';

/** What a stack entry holds: an expression, a relation, or a part of an operator. */
export type EntryKind = 'value' | 'relation' | 'sortKey' | 'aggregate' | 'window' | 'check' | 'onConflict' | 'fkCheck' | 'fkAction' | 'fkTable' | 'setCall';

export type OperandKind =
  | 'enum' | 'bool' | 'uint' | 'type' | 'types' | 'string' | 'strings' | 'columns' | 'value' | 'uints'
  | 'uintLists' | 'table' | 'block' | 'ctes' | 'physicalTable' | 'physicalIndex';

export interface OperandSpec {
  readonly name: string;
  readonly kind: OperandKind;
  /** Preceded by a presence byte (0 absent → null, 1 present). */
  readonly optional?: boolean;
  /** `enum`: the names of byte values 0, 1, 2, … */
  readonly values?: readonly string[];
  readonly doc: string;
}

/**
 * A group of entries popped, bottom of the stack first: `count` is a number or the name of an
 * operand (a uint gives its value, a bool 1 or 0, a list its length, an absent optional 0),
 * multiplied by `times`.
 */
export interface PopSpec {
  readonly kind: EntryKind;
  readonly count: number | string;
  readonly times?: number;
}

export interface OpcodeSpec {
  readonly code: number;
  readonly name: string;
  readonly operands: readonly OperandSpec[];
  readonly pops: readonly PopSpec[];
  readonly pushes: EntryKind;
  readonly site: Site;
  readonly doc: string;
}

// ---- enumerations carried by `enum` operands (byte value = position) ----------------------

/** Every aggregate the IR names, each exactly once (the Record makes the list complete). */
const AGGREGATES: Record<AggregateName, true> = {
  count: true, count_star: true, sum: true, avg: true, min: true, max: true, string_agg: true,
  array_agg: true, bool_and: true, bool_or: true, every: true, jsonb_agg: true, json_agg: true,
  jsonb_object_agg: true, stddev: true, stddev_samp: true, stddev_pop: true, variance: true, var_samp: true, var_pop: true,
};
const WINDOW_ONLY: Record<Exclude<WindowCall['name'], AggregateName>, true> = {
  row_number: true, rank: true, dense_rank: true, percent_rank: true, cume_dist: true, ntile: true,
  lag: true, lead: true, first_value: true, last_value: true, nth_value: true,
};
export const AGGREGATE_NAMES = Object.keys(AGGREGATES) as AggregateName[];
export const WINDOW_NAMES = [...Object.keys(WINDOW_ONLY), ...AGGREGATE_NAMES] as WindowCall['name'][];
export const FRAME_BOUNDS = ['unboundedPreceding', 'preceding', 'currentRow', 'following', 'unboundedFollowing'] as const;
/** EXCLUDE NO OTHERS, then WindowFrame['exclude']'s values. */
export const FRAME_EXCLUSIONS = ['noOthers', 'currentRow', 'group', 'ties'] as const;
/** Every referential rule, each exactly once. */
const RULES: Record<ReferentialRule, true> = { noAction: true, restrict: true, cascade: true, setNull: true, setDefault: true };
export const REFERENTIAL_RULES = Object.keys(RULES) as ReferentialRule[];

// ---- operand constructors (keep literal names and kinds for the typed encoder/verifier) ----

function operand<const N extends string, const K extends Exclude<OperandKind, 'enum'>>(name: N, kind: K, doc: string) {
  return { name, kind, doc } as const;
}
function optional<const N extends string, const K extends Exclude<OperandKind, 'enum'>>(name: N, kind: K, doc: string) {
  return { name, kind, optional: true, doc } as const;
}
function choice<const N extends string, const V extends readonly string[]>(name: N, values: V, doc: string) {
  return { name, kind: 'enum', values, doc } as const;
}

const type = operand('type', 'type', 'the result type');
const count = operand('count', 'uint', 'number of arguments');
const negated = operand('negated', 'bool', 'NOT form');
const columns = operand('columns', 'columns', 'output columns');
const table = operand('table', 'table', 'a table of the header, by oid');
const returning = optional('returning', 'uint', 'RETURNING expressions (absent: no RETURNING)');
const foreignKeys = optional('foreignKeys', 'block', 'FK_TABLE entries, the first for the written table (absent: no foreign key work)');
const values = <const N extends number | string>(n: N) => ({ kind: 'value', count: n }) as const;
const one = { kind: 'value', count: 1 } as const;
const relation = { kind: 'relation', count: 1 } as const;

// ---- the table -------------------------------------------------------------------------------

export const OPCODES = [
  // Expressions: each pushes one value.
  { code: 0x01, name: 'CONST', site: 'both', pushes: 'value', pops: [],
    operands: [type, operand('value', 'value', 'the constant, encoded by `type`')],
    doc: 'A constant of `type` (NULL included).' },
  { code: 0x02, name: 'PARAM', site: 'both', pushes: 'value', pops: [],
    operands: [type, operand('index', 'uint', 'parameter index (0 = $1)')],
    doc: 'Statement parameter $(index + 1); `type` must equal the header\'s parameter type.' },
  { code: 0x03, name: 'COLUMN', site: 'both', pushes: 'value', pops: [],
    operands: [type, operand('index', 'uint', 'column position in the current row')],
    doc: 'A column of the current row; `type` must equal that column\'s type.' },
  { code: 0x04, name: 'OUTER', site: 'both', pushes: 'value', pops: [],
    operands: [type, operand('depth', 'uint', '1 = the enclosing row'), operand('index', 'uint', 'column position')],
    doc: 'A column of an enclosing row (correlated subquery, LATERAL); `type` must equal it.' },
  { code: 0x05, name: 'CALL', site: 'both', pushes: 'value', pops: [values('argTypes')],
    operands: [type, choice('kind', ['function', 'operator'], 'how it was written'), operand('name', 'string', 'function or operator name'), operand('argTypes', 'types', 'the resolved signature')],
    doc: 'A function or operator call; the signature must be one the shard\'s resolver offers.' },
  { code: 0x06, name: 'CAST', site: 'both', pushes: 'value', pops: [one],
    operands: [type, choice('context', ['implicit', 'assignment', 'explicit'], 'cast context')],
    doc: 'Converts the argument to `type`; the cast must exist in `context`.' },
  { code: 0x07, name: 'AND', site: 'both', pushes: 'value', pops: [values('count')],
    operands: [type, count], doc: 'Three-valued AND of two or more bool values, left to right, lazily.' },
  { code: 0x08, name: 'OR', site: 'both', pushes: 'value', pops: [values('count')],
    operands: [type, count], doc: 'Three-valued OR of two or more bool values, left to right, lazily.' },
  { code: 0x09, name: 'NOT', site: 'both', pushes: 'value', pops: [one],
    operands: [type], doc: 'Three-valued NOT of a bool value.' },
  { code: 0x0a, name: 'IS_NULL', site: 'both', pushes: 'value', pops: [one],
    operands: [type, negated], doc: 'IS [NOT] NULL.' },
  { code: 0x0b, name: 'IS_DISTINCT', site: 'both', pushes: 'value', pops: [values(2)],
    operands: [type, operand('argType', 'type', 'the compared type'), negated],
    doc: 'IS [NOT] DISTINCT FROM: equality where NULL equals NULL.' },
  { code: 0x0c, name: 'CASE', site: 'both', pushes: 'value', pops: [{ kind: 'value', count: 'whens', times: 2 }, values('otherwise')],
    operands: [type, operand('whens', 'uint', 'WHEN … THEN pairs (condition, then result)'), operand('otherwise', 'bool', 'an ELSE value follows the pairs')],
    doc: 'Searched CASE; conditions are bool, results of `type`.' },
  { code: 0x0d, name: 'COALESCE', site: 'both', pushes: 'value', pops: [values('count')],
    operands: [type, count], doc: 'The first non-NULL argument.' },
  { code: 0x0e, name: 'NULLIF', site: 'both', pushes: 'value', pops: [values(2)],
    operands: [type], doc: 'NULL when the two arguments are equal, else the first.' },
  { code: 0x0f, name: 'GREATEST', site: 'both', pushes: 'value', pops: [values('count')],
    operands: [type, count], doc: 'The largest non-NULL argument.' },
  { code: 0x10, name: 'LEAST', site: 'both', pushes: 'value', pops: [values('count')],
    operands: [type, count], doc: 'The smallest non-NULL argument.' },
  { code: 0x11, name: 'IN_LIST', site: 'both', pushes: 'value', pops: [one, values('count')],
    operands: [type, negated, operand('count', 'uint', 'list length')],
    doc: '`arg [NOT] IN (list)`: the argument, then the list.' },
  { code: 0x12, name: 'SUBQUERY', site: 'both', pushes: 'value', pops: [],
    operands: [type, choice('kind', ['scalar', 'exists', 'array'], 'what the subquery yields'), operand('uncorrelated', 'bool', 'reads no enclosing row'), operand('plan', 'block', 'the subquery: one relation; the current row becomes outer depth 1')],
    doc: 'Scalar subquery (one column, at most one row), EXISTS, or ARRAY(subquery) (of a column of `type` itself: the arrays stacked into one more dimension).' },
  { code: 0x13, name: 'SUBQUERY_COMPARE', site: 'both', pushes: 'value', pops: [one],
    operands: [
      type, choice('kind', ['any', 'all', 'rowCompare'], 'quantifier, or the comparison of the subquery\'s one row'), operand('uncorrelated', 'bool', 'reads no enclosing row'),
      operand('plan', 'block', 'the subquery: one relation; with several columns the left value is a ROW of as many fields'),
      operand('test', 'block', 'one bool over the row [left value, subquery value], or [left fields…, subquery columns…]'),
    ],
    doc: '`left op ANY (subquery)` or ALL, IN (subquery), and `(a, b) op (subquery)` (rowCompare: none → NULL, more than one row → 21000): pops the left value.' },
  { code: 0x14, name: 'ANY_ARRAY', site: 'both', pushes: 'value', pops: [values(2)],
    operands: [type, operand('test', 'block', 'one bool over the row [left value, element]')],
    doc: '`left op ANY (array)`: pops the left value, then the array.' },
  { code: 0x15, name: 'ALL_ARRAY', site: 'both', pushes: 'value', pops: [values(2)],
    operands: [type, operand('test', 'block', 'one bool over the row [left value, element]')],
    doc: '`left op ALL (array)`: pops the left value, then the array.' },
  { code: 0x16, name: 'ARRAY', site: 'both', pushes: 'value', pops: [values('count')],
    operands: [type, count], doc: 'ARRAY[…] of the popped elements; elements of `type` itself are sub-arrays, stacked into one more dimension.' },
  { code: 0x17, name: 'ROW', site: 'both', pushes: 'value', pops: [values('count')],
    operands: [type, count], doc: 'ROW(…) of the popped fields; `type` is record.' },
  { code: 0x18, name: 'SUBSCRIPT', site: 'both', pushes: 'value', pops: [one, values('bounds')],
    operands: [
      type, operand('slice', 'bool', 'a slice a[l:u]… (else an element a[i]…)'), operand('bounds', 'uint', 'subscript values popped after the array'),
      operand('omitted', 'uints', 'a slice\'s omitted bounds, ascending: 2d for dimension d\'s lower bound, 2d + 1 for its upper (d from 0)'),
    ],
    doc: 'Subscripts an array, int2vector or oidvector: pops the array, then the element\'s int4 subscripts or, per dimension, the slice\'s lower and upper bounds that are present.' },

  // Parts of operators: each pushes one entry its operator pops from a block.
  { code: 0x20, name: 'SORT_KEY', site: 'both', pushes: 'sortKey', pops: [one],
    operands: [operand('type', 'type', 'the type sorted on'), operand('descending', 'bool', 'DESC'), operand('nullsFirst', 'bool', 'NULLS FIRST')],
    doc: 'A sort key over the popped value.' },
  { code: 0x21, name: 'AGG_CALL', site: 'both', pushes: 'aggregate',
    pops: [values('argTypes'), values('filter'), { kind: 'sortKey', count: 'orderBy' }],
    operands: [choice('name', AGGREGATE_NAMES, 'the aggregate'), type, operand('argTypes', 'types', 'argument types'), operand('distinct', 'bool', 'DISTINCT'), operand('filter', 'bool', 'a FILTER value follows the arguments'), operand('orderBy', 'uint', 'ORDER BY keys inside the call')],
    doc: 'An aggregate call: its arguments, FILTER condition, then ORDER BY keys.' },
  { code: 0x22, name: 'WINDOW_CALL', site: 'both', pushes: 'window', pops: [values('argTypes'), values('filter')],
    operands: [
      choice('name', WINDOW_NAMES, 'the window function or aggregate'), type, operand('argTypes', 'types', 'argument types'),
      operand('filter', 'bool', 'a FILTER value follows the arguments'),
      choice('mode', ['rows', 'range', 'groups'], 'frame mode'), choice('start', FRAME_BOUNDS, 'frame start'), choice('end', FRAME_BOUNDS, 'frame end'),
      choice('exclude', FRAME_EXCLUSIONS, 'frame exclusion'),
      operand('offsets', 'block', 'the start then end offset values of PRECEDING/FOLLOWING bounds, over no row'),
    ],
    doc: 'A window function call with its frame.' },
  { code: 0x23, name: 'CHECK', site: 'both', pushes: 'check', pops: [one],
    operands: [operand('name', 'string', 'constraint name')], doc: 'A CHECK constraint over the popped bool value.' },
  { code: 0x24, name: 'ON_CONFLICT', site: 'shard', pushes: 'onConflict', pops: [values('set'), values('where')],
    operands: [choice('action', ['nothing', 'update'], 'DO NOTHING / DO UPDATE'), optional('index', 'string', 'unique index (absent: primary key)'), optional('set', 'uint', 'values of the full new row (DO UPDATE)'), operand('where', 'bool', 'a WHERE condition follows')],
    doc: 'INSERT\'s ON CONFLICT clause, over [existing row…, excluded row…].' },
  { code: 0x25, name: 'FK_CHECK', site: 'shard', pushes: 'fkCheck', pops: [],
    operands: [
      operand('name', 'string', 'constraint name'), operand('parent', 'table', 'the referenced table'), operand('parentName', 'string', 'its SQL name (messages)'),
      operand('columns', 'uints', 'referencing columns in the current row'), operand('parentColumns', 'uints', 'referenced columns in the parent\'s stored row'),
      operand('matchFull', 'bool', 'MATCH FULL'), operand('probe', 'block', 'one relation: the parent\'s rows holding the key of the referencing row, which is outer depth 1'),
    ],
    doc: 'A foreign key of the current row\'s table: a referencing row must find its key in the parent, whose row it then locks.' },
  { code: 0x26, name: 'FK_ACTION', site: 'shard', pushes: 'fkAction', pops: [],
    operands: [
      operand('name', 'string', 'constraint name'), operand('child', 'uint', 'the FK_TABLE entry of the referencing table'), operand('childTable', 'table', 'the referencing table'),
      operand('columns', 'uints', 'referenced columns in the current row'), operand('childColumns', 'uints', 'referencing columns in the child\'s stored row'),
      choice('onDelete', REFERENTIAL_RULES, 'ON DELETE'), choice('onUpdate', REFERENTIAL_RULES, 'ON UPDATE'),
      operand('probe', 'block', 'one relation: the child rows referencing the old referenced row, which is outer depth 1'),
      optional('replacement', 'block', 'NO ACTION: one relation, the rows holding the old row\'s key (outer depth 1)'),
      optional('deleteSet', 'block', 'SET NULL / SET DEFAULT on delete: the child\'s new stored row over the child row'),
      optional('updateSet', 'block', 'CASCADE / SET NULL / SET DEFAULT on update: the child\'s new stored row over [child row…, new referenced row…]'),
    ],
    doc: 'A foreign key referencing the current row\'s table: what deleting a row or changing its key does to the rows referencing it.' },
  { code: 0x27, name: 'FK_TABLE', site: 'shard', pushes: 'fkTable', pops: [],
    operands: [
      table, operand('name', 'string', 'its SQL name (messages)'), operand('columnNames', 'strings', 'its columns\' SQL names (messages)'),
      operand('checks', 'uint', 'CHECK constraints'), operand('keys', 'uint', 'FK_CHECK entries'), operand('referencedBy', 'uint', 'FK_ACTION entries'),
      operand('body', 'block', 'CHECK, FK_CHECK, then FK_ACTION entries, over the table\'s stored row'),
    ],
    doc: 'A table a write\'s foreign key work reaches: its CHECKs (for rows referential actions update), its foreign keys, and those referencing it.' },
  { code: 0x28, name: 'SRF_CALL', site: 'both', pushes: 'setCall', pops: [values('argTypes')],
    operands: [operand('name', 'string', 'set-returning function'), operand('argTypes', 'types', 'argument types'), operand('returns', 'types', 'the types of its rows\' columns')],
    doc: 'A set-returning function call over the popped arguments, for PROJECT_SET.' },

  // Relations: each pushes one relation.
  { code: 0x30, name: 'SCAN', site: 'shard', pushes: 'relation', pops: [],
    operands: [table], doc: 'Every row of a table (all stored columns), in primary-key order.' },
  { code: 0x31, name: 'INDEX_SCAN', site: 'shard', pushes: 'relation', pops: [],
    operands: [
      table, optional('index', 'string', 'secondary index (absent: primary key)'), operand('reverse', 'bool', 'descending scan'),
      optional('equal', 'uints', 'key prefix width of each equality lookup'),
      optional('lower', 'uint', 'lower bound width'), operand('lowerInclusive', 'bool', 'lower bound inclusive'),
      optional('upper', 'uint', 'upper bound width'), operand('upperInclusive', 'bool', 'upper bound inclusive'),
      operand('bounds', 'block', 'equality prefixes, then lower, then upper bound values, over no row'),
    ],
    doc: 'Rows found through the primary key or a secondary index.' },
  { code: 0x32, name: 'VALUES', site: 'both', pushes: 'relation', pops: [],
    operands: [columns, operand('rows', 'uint', 'row count'), operand('body', 'block', 'rows × columns values, row by row, over no row')],
    doc: 'A VALUES list.' },
  { code: 0x33, name: 'FILTER', site: 'both', pushes: 'relation', pops: [relation],
    operands: [operand('predicate', 'block', 'one bool over the input row')], doc: 'Rows of the input for which the predicate is true.' },
  { code: 0x34, name: 'PROJECT', site: 'both', pushes: 'relation', pops: [relation],
    operands: [columns, operand('exprs', 'block', 'one value per output column, over the input row')], doc: 'Computes output columns from each input row.' },
  { code: 0x35, name: 'JOIN', site: 'both', pushes: 'relation', pops: [{ kind: 'relation', count: 2 }],
    operands: [
      choice('kind', ['inner', 'left', 'right', 'full', 'semi', 'anti'], 'join kind'), operand('keyTypes', 'types', 'types of the hash-join key pairs'),
      operand('leftKeys', 'block', 'one value per key over the left row'), operand('rightKeys', 'block', 'one value per key over the right row'),
      optional('condition', 'block', 'one bool over [left row…, right row…]'),
    ],
    doc: 'Joins the left and right relations (popped in that order).' },
  { code: 0x36, name: 'LATERAL_JOIN', site: 'both', pushes: 'relation', pops: [relation],
    operands: [
      choice('kind', ['inner', 'left', 'right', 'full', 'semi', 'anti'], 'join kind (inner, left, semi or anti)'), operand('keyTypes', 'types', 'types of the hash-join key pairs'),
      operand('right', 'block', 'the right relation; the left row is outer depth 1'),
      operand('leftKeys', 'block', 'one value per key over the left row'), operand('rightKeys', 'block', 'one value per key over the right row'),
      optional('condition', 'block', 'one bool over [left row…, right row…]'),
    ],
    doc: 'A LATERAL join: the right side is evaluated per left row.' },
  { code: 0x37, name: 'AGGREGATE', site: 'both', pushes: 'relation', pops: [relation],
    operands: [
      choice('phase', ['full', 'partial', 'final'], 'aggregation phase'), columns, operand('keys', 'uint', 'GROUP BY keys'),
      optional('groupingSets', 'uintLists', 'key positions of each grouping set'), operand('aggregates', 'uint', 'aggregate calls'),
      operand('body', 'block', 'keys values then AGG_CALL entries, over the input row'),
    ],
    doc: 'GROUP BY: output rows are [keys…, aggregate outputs…(, GROUPING bitmask)].' },
  { code: 0x38, name: 'WINDOW', site: 'both', pushes: 'relation', pops: [relation],
    operands: [columns, operand('partitionBy', 'uint', 'PARTITION BY values'), operand('orderBy', 'uint', 'ORDER BY keys'), operand('functions', 'uint', 'window calls'), operand('body', 'block', 'partition values, SORT_KEY entries, WINDOW_CALL entries, over the input row')],
    doc: 'Window functions: output rows are [input columns…, one column per call].' },
  { code: 0x39, name: 'SORT', site: 'both', pushes: 'relation', pops: [relation],
    operands: [operand('keys', 'uint', 'sort keys'), operand('body', 'block', 'SORT_KEY entries over the input row')], doc: 'Sorts the input.' },
  { code: 0x3a, name: 'LIMIT', site: 'both', pushes: 'relation', pops: [relation],
    operands: [optional('limit', 'block', 'one int8 over no row (absent: no limit)'), optional('offset', 'block', 'one int8 over no row (absent: no offset)')],
    doc: 'LIMIT / OFFSET.' },
  { code: 0x3b, name: 'DISTINCT', site: 'both', pushes: 'relation', pops: [relation],
    operands: [optional('on', 'uint', 'DISTINCT ON values (absent: all columns)'), operand('body', 'block', 'the DISTINCT ON values over the input row')],
    doc: 'DISTINCT or DISTINCT ON.' },
  { code: 0x3c, name: 'SETOP', site: 'both', pushes: 'relation', pops: [{ kind: 'relation', count: 2 }],
    operands: [choice('kind', ['union', 'intersect', 'except'], 'set operation'), operand('all', 'bool', 'ALL'), columns],
    doc: 'UNION / INTERSECT / EXCEPT [ALL] of the left and right relations.' },
  { code: 0x3d, name: 'RECURSIVE', site: 'both', pushes: 'relation', pops: [relation],
    operands: [operand('id', 'uint', 'work table id'), operand('all', 'bool', 'UNION ALL'), columns, operand('step', 'block', 'the recursive term: one relation that may read WORK_TABLE id')],
    doc: 'WITH RECURSIVE: the popped seed, then the step until it yields no rows.' },
  { code: 0x3e, name: 'WORK_TABLE', site: 'both', pushes: 'relation', pops: [],
    operands: [operand('id', 'uint', 'work table id'), columns], doc: 'The previous iteration\'s rows of an enclosing RECURSIVE step.' },
  { code: 0x3f, name: 'CTE_REF', site: 'both', pushes: 'relation', pops: [],
    operands: [operand('id', 'uint', 'CTE id'), columns], doc: 'The rows of a CTE of an enclosing RESULT.' },
  { code: 0x40, name: 'FUNCTION', site: 'both', pushes: 'relation', pops: [],
    operands: [operand('name', 'string', 'set-returning function'), operand('argTypes', 'types', 'argument types'), columns, operand('ordinality', 'bool', 'WITH ORDINALITY (last column int8)'), operand('args', 'block', 'the arguments over no row')],
    doc: 'A set-returning function in FROM.' },
  { code: 0x44, name: 'PROJECT_SET', site: 'both', pushes: 'relation', pops: [relation],
    operands: [columns, operand('functions', 'uint', 'set-returning calls'), operand('body', 'block', 'SRF_CALL entries over the input row')],
    doc: 'Set-returning functions of a select list: per input row, the calls in lockstep until all have run out (those done give NULLs); rows are [input columns…, each call\'s columns…].' },
  { code: 0x41, name: 'RESULT', site: 'both', pushes: 'relation', pops: [],
    operands: [operand('ctes', 'ctes', 'materialized CTEs, each visible to later ones and to the input'), operand('input', 'block', 'the query: one relation')],
    doc: 'The root of a query: its CTEs, then the rows of the input.' },
  { code: 0x42, name: 'GATHER', site: 'coordinator', pushes: 'relation', pops: [],
    operands: [
      operand('shards', 'uints', 'shard numbers'), columns, optional('mergeKeys', 'uint', 'merge keys (absent: concatenate)'), operand('subplan', 'block', 'the shard program: one relation, verified as on a shard'), operand('merge', 'block', 'SORT_KEY entries over the subplan\'s row'),
      optional('route', 'uint', 'partition-key columns of each route tuple (absent: every listed shard)'), operand('routeTuples', 'uint', 'route tuples (0 without a route)'),
      operand('routeKeys', 'block', 'routeTuples × route values, tuple by tuple, over no row'),
    ],
    doc: 'Runs the subplan on each listed shard, or with a route on the shards its partition-key tuples hash to, and concatenates or merges the streams.' },
  { code: 0x43, name: 'CATALOG', site: 'coordinator', pushes: 'relation', pops: [],
    operands: [operand('name', 'string', 'pg_catalog / information_schema relation'), columns], doc: 'A catalog relation computed from the SQL catalog.' },

  // Writes.
  { code: 0x50, name: 'INSERT', site: 'shard', pushes: 'relation', pops: [relation],
    operands: [table, columns, returning, operand('checks', 'uint', 'CHECK constraints'), optional('onConflict', 'block', 'one ON_CONFLICT entry'), operand('body', 'block', 'RETURNING values then CHECK entries, over the stored row'), foreignKeys],
    doc: 'Inserts the popped rows (stored column order, hidden row id excluded).' },
  { code: 0x51, name: 'UPDATE', site: 'shard', pushes: 'relation', pops: [relation],
    operands: [table, columns, returning, operand('checks', 'uint', 'CHECK constraints'), operand('recheck', 'bool', 'a recheck condition leads the body'), operand('set', 'block', 'the full new stored row over the input row'), operand('body', 'block', 'recheck, RETURNING values, CHECK entries, over the stored row'), foreignKeys],
    doc: 'Updates the rows whose stored row leads each popped row.' },
  { code: 0x52, name: 'DELETE', site: 'shard', pushes: 'relation', pops: [relation],
    operands: [table, columns, returning, operand('recheck', 'bool', 'a recheck condition leads the body'), operand('body', 'block', 'recheck then RETURNING values, over the stored row'), foreignKeys],
    doc: 'Deletes the rows whose stored row leads each popped row.' },
  { code: 0x53, name: 'ROUTED_INSERT', site: 'coordinator', pushes: 'relation', pops: [relation],
    operands: [
      operand('shards', 'uints', 'shard numbers, in hash-bucket order'), operand('key', 'uints', 'positions of the partition-key columns in a popped row (none: one shard)'), columns,
      operand('insert', 'block', 'the shard program: one INSERT whose input is a VALUES of no rows, verified as on a shard'),
    ],
    doc: 'INSERT of rows computed on the coordinator: each popped row goes to the shard its partition key hashes to (no key: the one listed shard), where `insert` stores it (the rows become its VALUES, as parameters after the program\'s own); all rows of one execution must go to one shard.' },

  // Storage-level DDL.
  { code: 0x60, name: 'CREATE_TABLE', site: 'shard', pushes: 'relation', pops: [],
    operands: [operand('oid', 'uint', 'new table oid'), operand('definition', 'physicalTable', 'the table')], doc: 'Creates a table.' },
  { code: 0x61, name: 'DROP_TABLE', site: 'shard', pushes: 'relation', pops: [],
    operands: [operand('oid', 'uint', 'table oid')], doc: 'Drops a table.' },
  { code: 0x62, name: 'TRUNCATE', site: 'shard', pushes: 'relation', pops: [],
    operands: [table], doc: 'Removes every row of a table.' },
  { code: 0x63, name: 'CREATE_INDEX', site: 'shard', pushes: 'relation', pops: [],
    operands: [operand('oid', 'uint', 'table oid'), operand('index', 'physicalIndex', 'the index')], doc: 'Creates an index.' },
  { code: 0x64, name: 'DROP_INDEX', site: 'shard', pushes: 'relation', pops: [],
    operands: [operand('oid', 'uint', 'table oid'), operand('name', 'string', 'index name')], doc: 'Drops an index.' },
  { code: 0x65, name: 'REWRITE_TABLE', site: 'shard', pushes: 'relation', pops: [],
    operands: [table, operand('definition', 'physicalTable', 'the new definition'), operand('row', 'block', 'the new stored row over the old one')],
    doc: 'Rewrites every row of a table under a new definition.' },
  { code: 0x66, name: 'VALIDATE_FOREIGN_KEYS', site: 'shard', pushes: 'relation', pops: [],
    operands: [operand('node', 'block', 'one FK_TABLE entry with FK_CHECK entries only')],
    doc: 'Checks every stored row of the FK_TABLE\'s table against its foreign keys (ALTER TABLE … ADD FOREIGN KEY).' },
] as const satisfies readonly OpcodeSpec[];

export type Opcode = (typeof OPCODES)[number];
export type OpcodeName = Opcode['name'];
