/**
 * Function and operator resolution as PostgreSQL 15 does it (Type Conversion §10.2–10.3,
 * func_select_candidate): an exact match; for a one-argument call named after a type, a cast;
 * else the candidates every argument converts to implicitly, narrowed by most exact matches,
 * then most preferred types where conversion is needed, then by the type categories the
 * candidates accept for unknown literals (string wins), and last by assuming unknown literals
 * have the type of the known arguments. Polymorphic parameters then take their actual types.
 */
import './builtins.ts';
import type { Value } from '../../engine/types.ts';
import type { SqlScalarType, SqlType } from '../types/sql-type.ts';
import { canCast, castPathKind, castVolatility, resolveCast } from './casts.ts';
import { selectCommonType } from './common-type.ts';
import { EngineError, FnState } from './errors.ts';
import { FUNCTIONS, OPERATORS, isPoly, type Impl, type ParamType, type Signature, type Volatility } from './registry.ts';
import { isPreferredType, sameType, sqlTypeName, typeByInternalName, typeCategory, type TypeCategory } from './type-info.ts';

export interface Resolved {
  readonly returnType: SqlType;
  /** The type each argument must be cast to (implicitly) before the call; unknown stays unknown for "any". */
  readonly argTypes: readonly SqlType[];
  /**
   * Called per row with the cast arguments. For a strict function, NULL in any argument gives
   * NULL: callers may skip the call then, and the implementation also returns NULL itself.
   */
  readonly impl: Impl;
  readonly strict: boolean;
  readonly volatility: Volatility;
}

interface Candidate {
  readonly signature: Signature;
  /** Parameter types for this number of arguments (variadic tail expanded). */
  readonly params: readonly ParamType[];
}

function candidatesFor(signatures: readonly Signature[] | undefined, count: number): Candidate[] {
  const result: Candidate[] = [];
  for (const signature of signatures ?? []) {
    const fixed = signature.params.length;
    if (signature.variadic !== undefined) {
      if (count <= fixed) continue;
      result.push({ signature, params: [...signature.params, ...Array<ParamType>(count - fixed).fill(signature.variadic)] });
      continue;
    }
    const optional = signature.defaults?.length ?? 0;
    if (count > fixed || count < fixed - optional) continue;
    result.push({ signature, params: signature.params.slice(0, count) });
  }
  return result;
}

function isExact(candidate: Candidate, args: readonly SqlType[]): boolean {
  return candidate.params.every((param, i) => !isPoly(param) && sameType(param, args[i]));
}

// ---- can the arguments be coerced? ------------------------------------------------------------

function coercible(input: SqlType, param: ParamType): boolean {
  if (isPoly(param)) {
    if (param.kind === 'any' || input.kind === 'unknown') return true;
    if (param.kind === 'anyarray' || param.kind === 'anycompatiblearray') return input.kind === 'array';
    if (param.kind === 'anynonarray') return input.kind !== 'array';
    return true;
  }
  return sameType(input, param) || canCast(input, param, 'implicit');
}

interface Polymorphic {
  /** anyelement's type (and anyarray's element type), once known. */
  element: SqlType | undefined;
  /** Known types of anycompatible arguments and element types of anycompatiblearray ones. */
  readonly compatible: SqlType[];
  hasElementFamily: boolean;
  hasCompatibleFamily: boolean;
  nonArray: boolean;
}

/** check_generic_type_consistency, collecting what enforce needs; undefined if inconsistent. */
function polymorphic(args: readonly SqlType[], params: readonly ParamType[]): Polymorphic | undefined {
  const state: Polymorphic = { element: undefined, compatible: [], hasElementFamily: false, hasCompatibleFamily: false, nonArray: false };
  let arrayType: SqlType | undefined;
  for (let i = 0; i < params.length; i++) {
    const param = params[i];
    const input = args[i];
    if (!isPoly(param) || param.kind === 'any') continue;
    if (param.kind === 'anycompatible' || param.kind === 'anycompatiblearray') {
      state.hasCompatibleFamily = true;
      if (input.kind === 'unknown') continue;
      if (param.kind === 'anycompatiblearray') {
        if (input.kind !== 'array') return undefined;
        state.compatible.push(input.element);
      } else {
        state.compatible.push(input);
      }
      continue;
    }
    state.hasElementFamily = true;
    if (param.kind === 'anynonarray') state.nonArray = true;
    if (input.kind === 'unknown') continue;
    if (param.kind === 'anyarray') {
      if (arrayType !== undefined && !sameType(arrayType, input)) return undefined;
      arrayType = input;
    } else {
      if (state.element !== undefined && !sameType(state.element, input)) return undefined;
      state.element = input;
    }
  }
  if (arrayType !== undefined) {
    if (arrayType.kind !== 'array') return undefined;
    if (state.element !== undefined && !sameType(state.element, arrayType.element)) return undefined;
    state.element = arrayType.element;
  }
  if (state.nonArray && state.element?.kind === 'array') return undefined;
  if (state.compatible.length > 0) {
    const common = selectCommonType(state.compatible);
    if (common === undefined || !state.compatible.every((type) => canCast(type, common, 'implicit'))) return undefined;
  }
  return state;
}

function matches(candidate: Candidate, args: readonly SqlType[]): boolean {
  return candidate.params.every((param, i) => coercible(args[i], param)) && polymorphic(args, candidate.params) !== undefined;
}

// ---- func_select_candidate ---------------------------------------------------------------------

interface CategoryInfo {
  readonly category: TypeCategory | 'P';
  readonly preferred: boolean;
}

function categoryOf(param: ParamType): CategoryInfo {
  if (isPoly(param)) return { category: 'P', preferred: false };
  return { category: typeCategory(param), preferred: isPreferredType(param) };
}

function keepBest(candidates: Candidate[], score: (candidate: Candidate) => number): Candidate[] {
  let best = -1;
  let kept: Candidate[] = [];
  for (const candidate of candidates) {
    const value = score(candidate);
    if (value > best) {
      best = value;
      kept = [candidate];
    } else if (value === best) {
      kept.push(candidate);
    }
  }
  return kept;
}

/** Narrows several matching candidates to one; undefined when ambiguous. */
function selectCandidate(args: readonly SqlType[], candidates: Candidate[]): Candidate | undefined {
  const known = (i: number) => args[i].kind !== 'unknown';
  const isSame = (param: ParamType, i: number) => !isPoly(param) && sameType(param, args[i]);
  let current = keepBest(candidates, (c) => c.params.filter((param, i) => known(i) && isSame(param, i)).length);
  if (current.length === 1) return current[0];
  current = keepBest(current, (c) =>
    c.params.filter((param, i) => known(i) && (isSame(param, i) || (!isPoly(param) && isPreferredType(param) && typeCategory(param) === typeCategory(args[i])))).length,
  );
  if (current.length === 1) return current[0];
  const unknowns = args.filter((arg) => arg.kind === 'unknown').length;
  if (unknowns === 0) return undefined;

  // Categories the remaining candidates accept at each unknown argument.
  const slots = new Map<number, CategoryInfo>();
  let resolved = true;
  for (let i = 0; i < args.length && resolved; i++) {
    if (known(i)) continue;
    let slot: CategoryInfo | undefined;
    let conflict = false;
    for (const candidate of current) {
      const info = categoryOf(candidate.params[i]);
      if (slot === undefined) slot = info;
      else if (info.category === slot.category) slot = { category: slot.category, preferred: slot.preferred || info.preferred };
      else if (info.category === 'S') slot = info;
      else conflict = true;
    }
    if (conflict && slot?.category !== 'S') resolved = false;
    else slots.set(i, slot!);
  }
  if (resolved) {
    const kept = current.filter((candidate) =>
      [...slots].every(([i, slot]) => {
        const info = categoryOf(candidate.params[i]);
        return info.category === slot.category && (!slot.preferred || info.preferred);
      }),
    );
    if (kept.length > 0) current = kept;
    if (current.length === 1) return current[0];
  }

  // Last gasp: unknown literals take the type all known arguments share.
  if (unknowns < args.length) {
    const knownTypes = args.filter((arg) => arg.kind !== 'unknown');
    const shared = knownTypes[0];
    if (knownTypes.every((type) => sameType(type, shared))) {
      const assumed = args.map(() => shared);
      const fits = current.filter((candidate) => candidate.params.every((param, i) => coercible(assumed[i], param)) && polymorphic(assumed, candidate.params) !== undefined);
      if (fits.length === 1) return fits[0];
    }
  }
  return undefined;
}

// ---- building the result -----------------------------------------------------------------------

function arrayOf(element: SqlType): SqlType {
  if (element.kind === 'array') throw new EngineError(FnState.undefinedObject, `could not find array type for data type ${sqlTypeName(element)}`);
  if (element.kind === 'unknown' || element.kind === 'void') throw new EngineError(FnState.undefinedObject, `could not find array type for data type ${sqlTypeName(element)}`);
  return { kind: 'array', element: element as SqlScalarType };
}

function undetermined(): EngineError {
  return new EngineError(FnState.datatypeMismatch, 'could not determine polymorphic type because input has type unknown');
}

/** enforce_generic_type_consistency: the concrete type of each parameter, and of the result. */
function concreteTypes(args: readonly SqlType[], candidate: Candidate): { params: SqlType[]; returns: SqlType } {
  const state = polymorphic(args, candidate.params)!;
  const element = state.element;
  const common = state.hasCompatibleFamily ? (state.compatible.length > 0 ? selectCommonType(state.compatible)! : ({ kind: 'text' } as SqlType)) : undefined;
  const concrete = (param: ParamType, input: SqlType | undefined): SqlType => {
    if (!isPoly(param)) return param;
    switch (param.kind) {
      case 'any':
        if (input === undefined) throw undetermined();
        return input;
      case 'anyelement':
      case 'anynonarray':
        if (element === undefined) throw undetermined();
        return element;
      case 'anyarray':
        if (element === undefined) throw undetermined();
        return arrayOf(element);
      case 'anycompatible':
        return common!;
      case 'anycompatiblearray':
        return arrayOf(common!);
    }
  };
  const params = candidate.params.map((param, i) => concrete(param, args[i]));
  const declared = candidate.signature.returns;
  const returns = typeof declared === 'function' ? declared(params) : concrete(declared, undefined);
  return { params, returns };
}

function build(candidate: Candidate, args: readonly SqlType[]): Resolved {
  const { params, returns } = concreteTypes(args, candidate);
  const { signature } = candidate;
  let impl = signature.build(params, returns);
  const missing = signature.params.length - params.length;
  if (signature.variadic === undefined && missing > 0) {
    // Defaults fill the parameters left out, in a buffer reused by every call.
    const full: Value[] = [...Array<Value>(params.length).fill(null), ...signature.defaults!.slice(-missing)];
    const inner = impl;
    impl = (values, ctx) => {
      for (let i = 0; i < values.length; i++) full[i] = values[i];
      return inner(full, ctx);
    };
  }
  return { returnType: returns, argTypes: params, impl, strict: signature.strict, volatility: signature.volatility };
}

// ---- functions ---------------------------------------------------------------------------------

function signatureText(name: string, args: readonly SqlType[]): string {
  return `${name}(${args.map(sqlTypeName).join(', ')})`;
}

/** A call typename(x) that PostgreSQL treats as a cast (func_get_detail's coercion check). */
function coercionCall(name: string, args: readonly SqlType[]): Resolved | undefined {
  if (args.length !== 1) return undefined;
  const target = typeByInternalName(name);
  if (target === undefined) return undefined;
  const source = args[0];
  const kind = source.kind === 'unknown' ? 'io' : castPathKind(source, target, 'explicit');
  if (kind !== 'binary' && kind !== 'io') return undefined;
  const cast = resolveCast(source, target, 'explicit')!;
  return {
    returnType: target,
    argTypes: [source],
    impl: (values, ctx) => cast(values[0], ctx),
    strict: true,
    volatility: castVolatility(source, target),
  };
}

/**
 * Resolves a function call by name (lower case, unqualified) and argument types (unknown for
 * untyped literals). Throws 42883 when nothing matches and 42725 when several do.
 */
export function resolveFunction(name: string, args: readonly SqlType[]): Resolved {
  const candidates = candidatesFor(FUNCTIONS.get(name), args.length);
  const exact = candidates.find((candidate) => isExact(candidate, args));
  if (exact !== undefined) return build(exact, args);
  const coercion = coercionCall(name, args);
  if (coercion !== undefined) return coercion;
  const matching = candidates.filter((candidate) => matches(candidate, args));
  const chosen = matching.length === 1 ? matching[0] : matching.length > 1 ? selectCandidate(args, matching) : undefined;
  if (chosen !== undefined) return build(chosen, args);
  if (matching.length > 1) {
    throw new EngineError(FnState.ambiguousFunction, `function ${signatureText(name, args)} is not unique`, {
      hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
    });
  }
  throw new EngineError(FnState.undefinedFunction, `function ${signatureText(name, args)} does not exist`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

// ---- operators ---------------------------------------------------------------------------------

const OPERATOR_ALIASES: Record<string, string> = { '!=': '<>' };

function operatorText(name: string, left: SqlType | null, right: SqlType): string {
  return left === null ? `${name} ${sqlTypeName(right)}` : `${sqlTypeName(left)} ${name} ${sqlTypeName(right)}`;
}

/**
 * Resolves a binary operator (left given) or a prefix operator (left null). '!=' is '<>'.
 * Throws 42883 `operator does not exist: integer + boolean` or 42725 when ambiguous.
 */
export function resolveOperator(name: string, left: SqlType | null, right: SqlType): Resolved {
  const operator = OPERATOR_ALIASES[name] ?? name;
  const args = left === null ? [right] : [left, right];
  const candidates = candidatesFor(OPERATORS.get(operator), args.length);
  let exact = candidates.find((candidate) => isExact(candidate, args));
  if (exact === undefined && left !== null && (left.kind === 'unknown') !== (right.kind === 'unknown')) {
    // binary_oper_exact: an unknown literal is first assumed to have the other side's type.
    const known = left.kind === 'unknown' ? right : left;
    exact = candidates.find((candidate) => isExact(candidate, [known, known]));
  }
  if (exact !== undefined) return build(exact, args);
  const matching = candidates.filter((candidate) => matches(candidate, args));
  const chosen = matching.length === 1 ? matching[0] : matching.length > 1 ? selectCandidate(args, matching) : undefined;
  if (chosen !== undefined) return build(chosen, args);
  if (matching.length > 1) {
    throw new EngineError(FnState.ambiguousFunction, `operator is not unique: ${operatorText(operator, left, right)}`, {
      hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
    });
  }
  throw new EngineError(FnState.undefinedFunction, `operator does not exist: ${operatorText(operator, left, right)}`, {
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
  });
}
