/**
 * Which .slt files a run covers and the category of each: the first folder under
 * conformance/corpus/ (ddl, dml, joins, …), or "other" for a file given from elsewhere.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const CORPUS_DIR = resolve(import.meta.dirname, '..', 'corpus');

export interface CorpusFile {
  readonly path: string;
  /** The path shown in reports: relative to the working directory. */
  readonly name: string;
  readonly category: string;
}

/** The .slt files under each of `paths` (files or folders), sorted; the whole corpus when none are given. */
export function findCorpusFiles(paths: readonly string[]): CorpusFile[] {
  const found = new Set<string>();
  for (const path of paths.length > 0 ? paths : [CORPUS_DIR]) collect(resolve(path), found);
  return [...found].sort().map((path) => ({ path, name: relative(process.cwd(), path), category: categoryOf(path) }));
}

function collect(path: string, found: Set<string>): void {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) collect(join(path, entry), found);
  } else if (path.endsWith('.slt')) {
    found.add(path);
  }
}

function categoryOf(path: string): string {
  const inCorpus = relative(CORPUS_DIR, path);
  if (inCorpus.startsWith('..') || !inCorpus.includes(sep)) return 'other';
  return inCorpus.split(sep)[0];
}
