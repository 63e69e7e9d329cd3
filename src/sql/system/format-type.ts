/**
 * PostgreSQL's format_type: a type OID and modifier as SQL spells them, 'character varying(20)',
 * 'numeric(10,2)', 'timestamp(3) with time zone', 'interval day to second', 'integer[]'.
 */
import { builtinType } from './builtin-types.ts';
import { quoteIdent } from './identifiers.ts';

/** VARHDRSZ, which varchar/char/numeric modifiers count in. */
const VARHDRSZ = 4;

const SQL_NAMES: Record<string, string> = {
  bool: 'boolean',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
};

const INTERVAL_FIELDS: Record<number, string> = {
  [1 << 2]: ' year',
  [1 << 1]: ' month',
  [1 << 3]: ' day',
  [1 << 10]: ' hour',
  [1 << 11]: ' minute',
  [1 << 12]: ' second',
  [(1 << 2) | (1 << 1)]: ' year to month',
  [(1 << 3) | (1 << 10)]: ' day to hour',
  [(1 << 3) | (1 << 10) | (1 << 11)]: ' day to minute',
  [(1 << 3) | (1 << 10) | (1 << 11) | (1 << 12)]: ' day to second',
  [(1 << 10) | (1 << 11)]: ' hour to minute',
  [(1 << 10) | (1 << 11) | (1 << 12)]: ' hour to second',
  [(1 << 11) | (1 << 12)]: ' minute to second',
  [0x7fff]: '',
};
const INTERVAL_FULL_PRECISION = 0xffff;

function intervalModifier(typmod: number): string {
  const fields = INTERVAL_FIELDS[(typmod >>> 16) & 0x7fff] ?? '';
  const precision = typmod & 0xffff;
  return precision === INTERVAL_FULL_PRECISION ? fields : `${fields}(${precision})`;
}

function numericModifier(typmod: number): string {
  const bits = typmod - VARHDRSZ;
  // PostgreSQL 15 keeps the scale in 11 signed bits.
  const scale = ((bits & 0x7ff) ^ 1024) - 1024;
  return `(${(bits >> 16) & 0xffff},${scale})`;
}

/**
 * format_type(oid, typmod); `typmod` null is format_type(oid, NULL), which differs for bpchar
 * ('character' vs 'bpchar' for -1). Undefined for an OID that names no type ('???' in SQL).
 */
export function formatType(oid: number, typmod: number | null): string | undefined {
  const type = builtinType(oid);
  if (type === undefined) return undefined;
  if (type.element !== 0 && type.storage !== 'p') {
    const element = formatType(type.element, typmod);
    return element === undefined ? undefined : `${element}[]`;
  }
  const withTypmod = typmod !== null && typmod >= 0;
  const mod = withTypmod ? typmod : -1;
  switch (type.name) {
    case 'bpchar':
      if (withTypmod) return `character${mod > VARHDRSZ ? `(${mod - VARHDRSZ})` : ''}`;
      return typmod === null ? 'character' : 'bpchar';
    case 'varchar':
      return `character varying${withTypmod && mod > VARHDRSZ ? `(${mod - VARHDRSZ})` : ''}`;
    case 'numeric':
      return `numeric${withTypmod && mod >= VARHDRSZ ? numericModifier(mod) : ''}`;
    case 'interval':
      return `interval${withTypmod ? intervalModifier(mod) : ''}`;
    case 'time':
    case 'timestamp':
      return `${type.name}${withTypmod ? `(${mod})` : ''} without time zone`;
    case 'timestamptz':
      return `timestamp${withTypmod ? `(${mod})` : ''} with time zone`;
    default: {
      // The SQL-named numeric and boolean types print without any modifier, as PostgreSQL's do.
      const sqlName = SQL_NAMES[type.name];
      if (sqlName !== undefined) return sqlName;
      return withTypmod ? `${quoteIdent(type.name)}(${mod})` : quoteIdent(type.name);
    }
  }
}
