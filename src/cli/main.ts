/**
 * The `scratchbird` command. Subcommands each live in their own module; this one only
 * dispatches and prints usage. Node's own `util.parseArgs` does the flag parsing.
 */
import { readFileSync } from 'node:fs';
import { shardCommand } from './shard-command.ts';
import { startCommand } from './start-command.ts';

const USAGE = `scratchbird — a distributed SQL database for PostgreSQL users

Usage:
  scratchbird <command> [options]

Commands:
  start [options]             run a node: PostgreSQL wire protocol on 5432, /health and
                              /metrics on 9187, data in ./data (scratchbird start --help)
  shard info DIR [--json]     show a shard's tables, transaction markers and log bounds
  shard sweep DIR             remove garbage record versions and advance the OIT
  shard copy DIR TARGET       copy a shard consistently into TARGET (a new directory)

Options:
  -h, --help                  show help (also after a command: scratchbird shard --help)
  -v, --version               print the version
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === '-v' || command === '--version') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`scratchbird ${pkg.version}\n`);
    return 0;
  }
  if (command === 'start') return report(() => startCommand(rest));
  if (command === 'shard') return report(() => shardCommand(rest));
  process.stderr.write(`scratchbird: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

/** Turns failures into one clear line (plus hint) instead of a stack trace. */
async function report(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    const { message, hint, code } = error as { message: string; hint?: string; code?: string };
    process.stderr.write(`scratchbird: ${message}${code ? ` (SQLSTATE ${code})` : ''}\n${hint ? `hint: ${hint}\n` : ''}`);
    return 1;
  }
}
