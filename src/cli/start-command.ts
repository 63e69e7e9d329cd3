/** `scratchbird start`: runs a node until SIGINT or SIGTERM. */
import { parseStartArguments, resolveNodeConfig, SETTINGS, type NodeConfig } from '../node/config.ts';

const HELP_COLUMN = 30;
const LINE_WIDTH = 96;

function startUsage(): string {
  const options = SETTINGS.map((setting) => {
    const origin = `env ${setting.env}${'defaultValue' in setting ? `, default ${setting.defaultValue}` : ''}`;
    const lines = [...wrap(setting.help), `(${origin})`];
    return `${`  --${setting.name} ${setting.metavar}`.padEnd(HELP_COLUMN)}${lines.join(`\n${' '.repeat(HELP_COLUMN)}`)}\n`;
  }).join('');
  return `Usage:
  scratchbird start [options]

Runs a ScratchBird node: the PostgreSQL wire protocol, GET /health and GET /metrics over HTTP,
and the shards of one data directory. Logs are JSON lines on stdout. SIGINT or SIGTERM stops
it gracefully (a second signal exits at once).

Every option can also be set by its environment variable, or by a key of the same name in the
JSON file given by --config; a flag beats the environment, which beats the file, which beats
the default.

Options:
${options}  -h, --help                  show this help
`;
}

function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && HELP_COLUMN + line.length + 1 + word.length > LINE_WIDTH) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

export async function startCommand(argv: readonly string[]): Promise<number> {
  let config: NodeConfig;
  try {
    const args = parseStartArguments(argv);
    if (args.help) {
      process.stdout.write(startUsage());
      return 0;
    }
    config = resolveNodeConfig({ flags: args.flags, env: process.env, cwd: process.cwd() });
  } catch (error) {
    printError(error);
    return 2;
  }
  try {
    // Loaded only now: the SQL stack (parser WASM, LMDB) is not needed for --help or a bad flag.
    const { startNode, stopOnSignals } = await import('../node/node.ts');
    const node = await startNode(config);
    await stopOnSignals(node);
    return 0;
  } catch (error) {
    printError(error);
    return 1;
  }
}

function printError(error: unknown): void {
  const { message, hint } = error as { message: string; hint?: string };
  process.stderr.write(`scratchbird start: ${message}\n${hint ? `hint: ${hint}\n` : ''}`);
}
