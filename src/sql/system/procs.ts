/**
 * The functions pg_proc lists: the catalog functions of catalog-functions/ and the types' I/O
 * functions that pg_type and pg_am name. regproc input and output, and the functions that
 * describe functions (pg_get_function_arguments, …), work over this list. Every one lives in
 * pg_catalog; ScratchBird has no user-defined functions, so psql's \df lists none.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';
import type { Value } from '../../engine/types.ts';
import { PG_CATALOG_NAMESPACE } from '../catalog/model.ts';
import { operatorSignature, paramTypeFromOid, resolveFunction, sqlTypeFromOid, sqlTypeOid } from '../functions/index.ts';
import { TYPE_SUPPORT_PROCS } from './builtin-types.ts';
import { OID, TEXT, scalar, type CatalogFunction, type Volatility } from './catalog-functions/define.ts';
import { DESCRIBE_FUNCTIONS } from './catalog-functions/describe.ts';
import { PRIVILEGE_FUNCTIONS } from './catalog-functions/privileges.ts';
import { SESSION_FUNCTIONS } from './catalog-functions/session.ts';
import { SIZE_FUNCTIONS } from './catalog-functions/sizes.ts';
import { VISIBILITY_FUNCTIONS, orNull } from './catalog-functions/visibility.ts';
import type { CatalogFunctionContext } from './context.ts';
import { formatType } from './format-type.ts';
import { quoteIdent, quoteQualified, splitQualifiedName } from './identifiers.ts';
import { castFunctions, operatorFunctions } from './relations/operators.ts';
import { LANGUAGE } from './well-known.ts';

export interface ProcEntry {
  readonly oid: number;
  readonly name: string;
  readonly argTypes: readonly number[];
  readonly returnType: number;
  readonly volatility: 'i' | 's' | 'v';
  readonly strict: boolean;
  readonly returnsSet: boolean;
}

const VOLATILITY: Record<Volatility, ProcEntry['volatility']> = { immutable: 'i', stable: 's', volatile: 'v' };

function entryOf(fn: CatalogFunction): ProcEntry {
  return {
    oid: fn.oid, name: fn.name, argTypes: fn.argTypes.map(sqlTypeOid), returnType: sqlTypeOid(fn.returnType),
    volatility: VOLATILITY[fn.volatility], strict: fn.strict, returnsSet: fn.returnsSet,
  };
}

const REGPROC = { kind: 'regproc' } as const;

/** The functions described below need the whole list, themselves included: it is built lazily. */
let entries: { readonly list: readonly ProcEntry[]; readonly byOid: ReadonlyMap<number, ProcEntry> } | undefined;

/** The functions pg_operator and pg_cast name, callable by name in the function library: with
 * the library's volatility and strictness. */
function operatorAndCastProcs(): ProcEntry[] {
  const result: ProcEntry[] = [];
  for (const f of operatorFunctions()) {
    const signature = operatorSignature(f.operator, f.argTypes.map((oid) => paramTypeFromOid(oid) ?? unknownType(oid)));
    if (signature === undefined) throw new Error(`pg_operator names ${f.name} for an operator ${f.operator} the library does not have`);
    result.push({ oid: f.oid, name: f.name, argTypes: f.argTypes, returnType: f.returnType, volatility: VOLATILITY[signature.volatility], strict: signature.strict, returnsSet: false });
  }
  for (const f of castFunctions()) {
    const resolved = resolveFunction(f.name, f.argTypes.map((oid) => sqlTypeFromOid(oid) ?? unknownType(oid)));
    result.push({ ...f, volatility: VOLATILITY[resolved.volatility], strict: resolved.strict, returnsSet: false });
  }
  return result;
}

function unknownType(oid: number): never {
  throw new Error(`a built-in function over type ${oid}, which ScratchBird does not have`);
}

function procs() {
  if (entries === undefined) {
    const list = [...TYPE_SUPPORT_PROCS.map((p) => ({ ...p, returnsSet: false })), ...operatorAndCastProcs(), ...catalogFunctions().map(entryOf)].sort((a, b) => a.oid - b.oid);
    for (let i = 1; i < list.length; i++) if (list[i].oid === list[i - 1].oid) throw new Error(`two pg_proc entries with OID ${list[i].oid}`);
    entries = { list, byOid: new Map(list.map((p) => [p.oid, p])) };
  }
  return entries;
}

function allProcs(): readonly ProcEntry[] {
  return procs().list;
}

export function procByOid(oid: number): ProcEntry | undefined {
  return procs().byOid.get(oid);
}

function procsNamed(name: string): ProcEntry[] {
  return allProcs().filter((p) => p.name === name);
}

/** regprocin: a function name, unique among functions of that name ('-' is 0, digits an OID). */
export function regprocIn(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '-') return 0;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const parts = splitQualifiedName(text);
  const shown = parts.join('.');
  const name = parts[parts.length - 1];
  const found = parts.length === 1 || (parts.length === 2 && parts[0] === 'pg_catalog') ? procsNamed(name) : [];
  if (found.length === 0) throw new EngineError(SqlState.undefinedFunction, `function "${shown}" does not exist`);
  if (found.length > 1) throw new EngineError(SqlState.ambiguousFunction, `more than one function named "${shown}"`);
  return found[0].oid;
}

/** regprocout: the name, qualified when it is overloaded (regprocin could not find it by name). */
export function regprocOut(oid: number): string {
  if (oid === 0) return '-';
  const proc = procByOid(oid);
  if (proc === undefined) return String(oid);
  return procsNamed(proc.name).length === 1 ? quoteIdent(proc.name) : quoteQualified('pg_catalog', proc.name);
}

function argumentList(args: readonly Value[]): Value {
  const proc = procByOid(args[0] as number);
  return proc === undefined ? null : proc.argTypes.map((t) => formatType(t, null) ?? '???').join(', ');
}

function resultType(args: readonly Value[]): Value {
  const proc = procByOid(args[0] as number);
  if (proc === undefined) return null;
  const type = formatType(proc.returnType, null) ?? '???';
  return proc.returnsSet ? `SETOF ${type}` : type;
}

const PROC_FUNCTIONS: readonly CatalogFunction[] = [
  scalar({ oid: 2081, name: 'pg_function_is_visible', args: [OID], returns: { kind: 'bool' } }, (args) => (procByOid(args[0] as number) === undefined ? null : true)),
  scalar({ oid: 2162, name: 'pg_get_function_arguments', args: [OID], returns: TEXT }, argumentList),
  scalar({ oid: 2232, name: 'pg_get_function_identity_arguments', args: [OID], returns: TEXT }, argumentList),
  scalar({ oid: 2165, name: 'pg_get_function_result', args: [OID], returns: TEXT }, resultType),
  // Only SQL-standard function bodies (BEGIN ATOMIC) have one; ours are all built in.
  scalar({ oid: 6197, name: 'pg_get_function_sqlbody', args: [OID], returns: TEXT }, () => null),
  scalar({ oid: 3494, name: 'to_regproc', args: [TEXT], returns: REGPROC }, orNull((text: string, _ctx: CatalogFunctionContext) => regprocIn(text))),
];

/**
 * Every catalog function, for the function library to register: name, argument and result
 * types, volatility, strictness, PostgreSQL's pg_proc OID, and the implementation.
 */
export function catalogFunctions(): readonly CatalogFunction[] {
  return [...DESCRIBE_FUNCTIONS, ...VISIBILITY_FUNCTIONS, ...PRIVILEGE_FUNCTIONS, ...SIZE_FUNCTIONS, ...SESSION_FUNCTIONS, ...PROC_FUNCTIONS];
}

/** pg_proc's rows. */
export function* procRows(): Iterable<Record<string, Value>> {
  for (const p of allProcs()) {
    yield {
      oid: p.oid, proname: p.name, pronamespace: PG_CATALOG_NAMESPACE, proowner: 10, prolang: LANGUAGE.internal, procost: 1,
      prorows: p.returnsSet ? 1000 : 0, provariadic: 0, prosupport: 0, prokind: 'f', prosecdef: false, proleakproof: false,
      proisstrict: p.strict, proretset: p.returnsSet, provolatile: p.volatility, proparallel: 's', pronargs: p.argTypes.length,
      pronargdefaults: 0, prorettype: p.returnType, proargtypes: p.argTypes, proallargtypes: null, proargmodes: null,
      proargnames: null, proargdefaults: null, protrftypes: null, prosrc: p.name, probin: null, prosqlbody: null, proconfig: null, proacl: null,
    };
  }
}
