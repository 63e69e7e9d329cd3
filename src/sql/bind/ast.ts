/**
 * Reading libpg-query's JSON parse trees: every node is `{ Kind: body }`. The binder reads
 * bodies field by field; these helpers keep that terse and give clear errors for node kinds a
 * statement uses that ScratchBird does not handle yet.
 */
import { EngineError, SqlState } from '../../engine/errors.ts';

/** A parse-tree node body: libpg-query's JSON, read field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = { readonly [field: string]: any };
export type Node = { readonly [kind: string]: Body };

export function kindOf(node: Node): string {
  for (const key in node) return key;
  throw new EngineError(SqlState.internalError, 'empty parse node');
}

export function bodyOf(node: Node): Body {
  return node[kindOf(node)];
}

/** The `sval` strings of a name list (`[{String: {sval}}…]`). */
export function names(list: readonly Node[] | undefined): string[] {
  return (list ?? []).map((n) => (n.String?.sval as string | undefined) ?? '');
}

export function list(value: readonly Node[] | undefined): readonly Node[] {
  return value ?? [];
}

/** 1-based position for errors, from a node body's 0-based `location`. */
export function positionOf(body: Body | undefined, offset: number): number | undefined {
  const location = body?.location as number | undefined;
  return location === undefined || location < 0 ? undefined : offset + location + 1;
}

export function unsupported(what: string, position?: number): EngineError {
  return new EngineError(SqlState.featureNotSupported, `${what} is not supported`, { position });
}

export function syntaxError(message: string, position?: number): EngineError {
  return new EngineError(SqlState.syntaxError, message, { position });
}

/** An A_Const's value: number, string, boolean or null, plus how it was written. */
export function constantOf(body: Body): { kind: 'int' | 'float' | 'string' | 'bool' | 'bits' | 'null'; value: string | number | boolean | null } {
  if (body.isnull === true) return { kind: 'null', value: null };
  if (body.ival !== undefined) return { kind: 'int', value: (body.ival.ival as number | undefined) ?? 0 };
  if (body.fval !== undefined) return { kind: 'float', value: body.fval.fval as string };
  if (body.sval !== undefined) return { kind: 'string', value: (body.sval.sval as string | undefined) ?? '' };
  if (body.boolval !== undefined) return { kind: 'bool', value: body.boolval.boolval === true };
  if (body.bsval !== undefined) return { kind: 'bits', value: body.bsval.bsval as string };
  return { kind: 'null', value: null };
}
