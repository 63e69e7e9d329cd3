/**
 * What a run prints: each failure with file:line, the SQL, expected and actual; the table of
 * counts by category; and the baseline check, the pass count that may only go up.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Outcome } from './execute.ts';

export interface Tally {
  files: number;
  records: number;
  passed: number;
  failed: number;
  skipped: number;
}

export function emptyTally(): Tally {
  return { files: 0, records: 0, passed: 0, failed: 0, skipped: 0 };
}

export function addOutcomes(tally: Tally, outcomes: readonly Outcome[]): void {
  tally.files++;
  for (const outcome of outcomes) {
    tally.records++;
    tally[outcome.status]++;
  }
}

export function describeFailure(fileName: string, outcome: Outcome): string {
  const { record } = outcome;
  const sql = record.kind === 'halt' ? 'halt' : record.sql;
  const where = [record.subtest && `subtest ${record.subtest}`, record.kind !== 'halt' && record.connection !== 'default' && `connection ${record.connection}`]
    .filter(Boolean)
    .join(', ');
  return [
    `FAIL ${fileName}:${record.line}${where ? ` (${where})` : ''}`,
    indent('sql', sql),
    indent('expected', outcome.expected ?? ''),
    indent('actual', outcome.actual ?? ''),
  ].join('\n');
}

function indent(title: string, text: string): string {
  return `  ${title}:\n${text.split('\n').map((line) => `    ${line}`).join('\n')}`;
}

export function formatTable(byCategory: ReadonlyMap<string, Tally>): string {
  const total = emptyTally();
  const rows: string[][] = [];
  for (const [category, tally] of [...byCategory].sort(([a], [b]) => (a < b ? -1 : 1))) {
    rows.push(tableRow(category, tally));
    for (const key of Object.keys(total) as (keyof Tally)[]) total[key] += tally[key];
  }
  const header = ['category', 'files', 'records', 'passed', 'failed', 'skipped', 'pass %'];
  const all = [header, ...rows, tableRow('total', total)];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const render = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [render(header), rule, ...rows.map(render), rule, render(all[all.length - 1])].join('\n');
}

function tableRow(category: string, tally: Tally): string[] {
  const ran = tally.passed + tally.failed;
  const percent = ran === 0 ? '-' : ((100 * tally.passed) / ran).toFixed(1);
  return [category, String(tally.files), String(tally.records), String(tally.passed), String(tally.failed), String(tally.skipped), percent];
}

export interface Baseline {
  /** Records that passed against ScratchBird over the whole corpus. */
  readonly passed: number;
  readonly records: number;
}

export function readBaseline(path: string): Baseline | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Baseline) : null;
}

export type BaselineVerdict =
  | { readonly ok: true; readonly message: string; readonly write?: Baseline }
  | { readonly ok: false; readonly message: string };

/** Whether `total` keeps the baseline, and the baseline to write when updating was asked for. */
export function checkBaseline(baseline: Baseline | null, total: Tally, update: boolean): BaselineVerdict {
  const now: Baseline = { passed: total.passed, records: total.records };
  const before = baseline?.passed ?? 0;
  if (total.passed < before) return { ok: false, message: `pass count ${total.passed} is below the baseline ${before}` };
  if (!update) return { ok: true, message: `pass count ${total.passed} keeps the baseline ${before}` };
  if (baseline !== null && total.passed === before && total.records === baseline.records) return { ok: true, message: `baseline unchanged at ${before}` };
  return { ok: true, message: `baseline set to ${total.passed} passed of ${total.records} (was ${before})`, write: now };
}

export function writeBaseline(path: string, baseline: Baseline): void {
  writeFileSync(path, `${JSON.stringify(baseline, null, 2)}\n`);
}
