/**
 * What the SBLR tests verify against: a catalog made from the plan's own tables, and a
 * function resolver that offers every signature (the typing rules are the verifier's; which
 * functions exist is `src/sql/functions`'s business).
 */
import type { AggregateName, TableRef } from '../../src/sql/plan/ir.ts';
import { INT8, type SqlType } from '../../src/sql/types/sql-type.ts';
import type { CatalogTable, FunctionChecker, VerifierCatalog } from '../../src/sblr/verify.ts';

export class TestCatalog implements VerifierCatalog {
  readonly tables = new Map<number, CatalogTable>();

  add(ref: TableRef, indexes: readonly string[] = []): this {
    this.tables.set(ref.oid, { version: ref.version, columns: ref.columns, hiddenRowId: ref.hiddenRowId, indexes });
    return this;
  }

  table(oid: number): CatalogTable | undefined {
    return this.tables.get(oid);
  }
}

/** The state columns a partial aggregate contributes: avg as (sum, count), others their value. */
export function partialOutputs(name: AggregateName, returnType: SqlType): SqlType[] {
  return name === 'avg' ? [returnType, INT8] : [returnType];
}

export const everyFunction: FunctionChecker = {
  checkCall: () => true,
  checkCast: () => true,
  checkAggregate: (name, phase, _argTypes, returnType) => (phase === 'partial' ? partialOutputs(name, returnType) : [returnType]),
  checkWindow: () => true,
  checkSetReturning: () => true,
};
