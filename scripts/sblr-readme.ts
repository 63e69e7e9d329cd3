/**
 * Rewrites the generated opcode reference in sblr/README.md from the opcode table
 * (sblr/opcodes.ts). test/sblr/opcodes.test.ts fails while the README is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { withOpcodeReference } from '../src/sblr/reference.ts';

const path = new URL('../sblr/README.md', import.meta.url);
const current = readFileSync(path, 'utf8');
const updated = withOpcodeReference(current);
if (updated === current) {
  process.stdout.write('sblr/README.md is current\n');
} else {
  writeFileSync(path, updated);
  process.stdout.write('sblr/README.md updated\n');
}
