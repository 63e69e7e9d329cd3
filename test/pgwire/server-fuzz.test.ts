/**
 * The pgwire server under hostile clients: a few thousand fuzzed messages over real TCP
 * connections (see wire-fuzz.ts; `npx tsx scripts/soak-wire-fuzz.ts --messages 100000` runs the
 * long version). Every connection must be closed by the server once the client stops sending,
 * no bug may be logged, and the server must still answer afterwards.
 */
import { expect, it } from 'vitest';
import { fuzzWireServer } from './wire-fuzz.ts';

it('survives random and mutated protocol traffic and still answers', async () => {
  const seed = Date.now() % 1_000_000;
  const report = await fuzzWireServer({ messages: 4_000, seed });
  expect(report.messages).toBeGreaterThanOrEqual(4_000);
  expect(report.connections).toBeGreaterThan(300);
});
