/**
 * The wire fuzz soak: test/pgwire/server-fuzz.test.ts's fuzz with as many messages as asked
 * for. Stops at the first breach (a connection the server does not close, a logged bug, an
 * uncaught exception, no answer afterwards) with the seed that repeats it.
 */
import { parseArgs } from 'node:util';
import { fuzzWireServer } from '../test/pgwire/wire-fuzz.ts';

const USAGE = `Usage: npx tsx scripts/soak-wire-fuzz.ts [--messages N] [--seed S] [--concurrency C]

Starts a pg wire server on 127.0.0.1 (an ephemeral port) with a test engine behind it, sends it
N fuzzed messages (random bytes, framed noise, valid and mutated protocol traffic) over many
short connections, then checks that it still answers a query and counts no client.

  --messages N     messages to send (default 100000)
  --seed S         seed of the first batch (default: random)
  --concurrency C  connections open at once (default 32)
  -h, --help       show this help
`;

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '100000' },
      seed: { type: 'string' },
      concurrency: { type: 'string', default: '32' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const messages = integer('messages', values.messages);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : integer('seed', values.seed);
  const concurrency = Math.max(1, integer('concurrency', values.concurrency));
  process.on('uncaughtException', (error) => {
    console.error(`uncaught exception (seed ${seed}):`, error);
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    console.error(`unhandled rejection (seed ${seed}):`, error);
    process.exit(1);
  });
  const started = Date.now();
  let reported = 0;
  const report = await fuzzWireServer({
    messages,
    seed,
    concurrency,
    progress: (sent, connections) => {
      if (sent - reported >= 10_000 || sent >= messages) {
        reported = sent;
        console.log(`${sent} messages over ${connections} connections, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    },
  });
  console.log(`ok: ${report.messages} messages over ${report.connections} connections (seed ${seed}); the server still answers`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
