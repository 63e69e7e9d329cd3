/**
 * The conformance runner: `npm run conformance -- --help`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findCorpusFiles, type CorpusFile } from './runner/corpus.ts';
import { executeRecords } from './runner/execute.ts';
import { openPgSession } from './runner/pg-session.ts';
import { rewriteExpected } from './runner/record.ts';
import { addOutcomes, checkBaseline, describeFailure, emptyTally, formatTable, readBaseline, writeBaseline, type Tally } from './runner/report.ts';
import { ENGINES, parseSlt, type Engine } from './runner/slt.ts';
import { startTarget, type Target } from './runner/targets.ts';

const BASELINE_PATH = resolve(import.meta.dirname, 'baseline.json');

const HELP = `Usage: npm run conformance -- [options] [file.slt | folder]...

Runs sqllogictest files (default: all of conformance/corpus) against a server the runner
starts itself, and prints a table of records passed, failed and skipped by category.

Options:
  --against <engine>   scratchbird (default: an in-process ScratchBird per file, fresh data
                       directory) or postgresql (PostgreSQL 15 started with initdb in a temp
                       directory, a fresh database per file)
  --record             rewrite the expected results of the files' queries from PostgreSQL's
                       answers (implies --against postgresql)
  --update-baseline    after a whole-corpus run against ScratchBird, raise
                       conformance/baseline.json to this run's pass count (never lowers it)
  --shards <n>         ScratchBird shards per server (default 16, as \`scratchbird start\`)
  --quiet              print no failure details, only progress and the table
  --help               this text

Exit status: 1 when a record failed against PostgreSQL or a whole-corpus run against
ScratchBird passes fewer records than conformance/baseline.json; 2 on a usage error.
The file format and directives are described in conformance/README.md.`;

interface Options {
  readonly engine: Engine;
  readonly record: boolean;
  readonly updateBaseline: boolean;
  readonly shards: number;
  readonly quiet: boolean;
  readonly paths: readonly string[];
}

function parseOptions(argv: readonly string[]): Options | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      against: { type: 'string' },
      record: { type: 'boolean', default: false },
      'update-baseline': { type: 'boolean', default: false },
      shards: { type: 'string', default: '16' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const engine = values.against ?? (values.record ? 'postgresql' : 'scratchbird');
  if (!ENGINES.includes(engine as Engine)) throw new Error(`--against takes one of: ${ENGINES.join(', ')}`);
  if (values.record && engine !== 'postgresql') throw new Error('--record takes its answers from PostgreSQL only');
  if (values['update-baseline'] && engine !== 'scratchbird') throw new Error('--update-baseline applies to runs against ScratchBird');
  const shards = Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1) throw new Error('--shards takes a positive integer');
  return { engine: engine as Engine, record: values.record, updateBaseline: values['update-baseline'], shards, quiet: values.quiet, paths: positionals };
}

async function runFile(file: CorpusFile, target: Target, options: Options): Promise<Tally> {
  const started = performance.now();
  const text = readFileSync(file.path, 'utf8');
  const records = parseSlt(text, file.name);
  const database = await target.freshDatabase();
  let run;
  try {
    run = await executeRecords(records, { engine: target.engine, openSession: () => openPgSession(database) });
  } finally {
    await database.dispose();
  }
  if (options.record) {
    const rewritten = rewriteExpected(text, records, run.answers);
    if (rewritten !== text) writeFileSync(file.path, rewritten);
  }
  // Under --record a query's old expectation no longer matters: its answer is now in the file.
  const outcomes = options.record ? run.outcomes.map((o) => (o.record.kind === 'query' && run.answers.has(o.record) ? { record: o.record, status: 'passed' as const } : o)) : run.outcomes;
  const failures = outcomes.filter((o) => o.status === 'failed');
  const tally = emptyTally();
  addOutcomes(tally, outcomes);
  if (!options.quiet) for (const failure of failures) console.log(describeFailure(file.name, failure));
  const ms = Math.round(performance.now() - started);
  console.log(`[${file.category}] ${file.name}: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped (${ms} ms)${options.record ? ' recorded' : ''}`);
  return tally;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  const files = findCorpusFiles(options.paths);
  if (files.length === 0) {
    console.error('no .slt files found');
    return 2;
  }
  console.log(`running ${files.length} file(s) against ${options.engine}`);
  const target = await startTarget(options.engine, { shards: options.shards });
  const byCategory = new Map<string, Tally>();
  const total = emptyTally();
  try {
    for (const file of files) {
      const tally = await runFile(file, target, options);
      const category = byCategory.get(file.category) ?? emptyTally();
      for (const key of Object.keys(tally) as (keyof Tally)[]) {
        category[key] += tally[key];
        total[key] += tally[key];
      }
      byCategory.set(file.category, category);
    }
  } finally {
    await target.stop();
  }
  console.log(`\n${options.engine}\n${formatTable(byCategory)}`);
  if (options.engine === 'postgresql') return total.failed === 0 ? 0 : 1;
  if (options.paths.length > 0) {
    if (options.updateBaseline) console.log('baseline not updated: it counts whole-corpus runs only');
    return 0;
  }
  const verdict = checkBaseline(readBaseline(BASELINE_PATH), total, options.updateBaseline);
  console.log(verdict.message);
  if (verdict.ok && verdict.write !== undefined) writeBaseline(BASELINE_PATH, verdict.write);
  return verdict.ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
