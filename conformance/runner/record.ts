/**
 * `--record`: writes the result lines PostgreSQL gave into a file's query records, replacing
 * what was under their `----` (or adding one). Everything else in the file stays byte for byte.
 */
import type { QueryRecord, SltRecord } from './slt.ts';

export function rewriteExpected(text: string, records: readonly SltRecord[], answers: ReadonlyMap<QueryRecord, readonly string[]>): string {
  const lines = text.split('\n');
  const queries = records.filter((r): r is QueryRecord => r.kind === 'query' && answers.has(r));
  // From the bottom up, so the ranges of the records above stay valid.
  for (const query of queries.sort((a, b) => b.resultRange.start - a.resultRange.start)) {
    const { start, end } = query.resultRange;
    lines.splice(start, end - start, '----', ...(answers.get(query) ?? []));
  }
  return lines.join('\n');
}
