/**
 * The opcode table is consistent (unique numbers and names, stack effects that name real
 * count operands, constants that know their type), and sblr/README.md's opcode reference is
 * the table's current rendering.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPCODES, type OpcodeSpec } from '../../sblr/opcodes.ts';
import { withOpcodeReference } from '../../src/sblr/reference.ts';

const TABLE: readonly OpcodeSpec[] = OPCODES;

describe('the opcode table', () => {
  it('gives every opcode its own number (never 0) and name', () => {
    const codes = TABLE.map((op) => op.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code > 0 && code < 256).toBe(true);
    expect(new Set(TABLE.map((op) => op.name)).size).toBe(TABLE.length);
  });

  it('counts pops by operands that hold counts', () => {
    for (const op of TABLE) {
      for (const pop of op.pops) {
        if (typeof pop.count === 'number') continue;
        const operand = op.operands.find((o) => o.name === pop.count);
        expect(operand, `${op.name} pops by "${pop.count}"`).toBeDefined();
        expect(['uint', 'bool', 'types']).toContain(operand!.kind);
      }
    }
  });

  it('gives operand names once per opcode, enum values once per operand, and every constant its type first', () => {
    for (const op of TABLE) {
      const names = op.operands.map((o) => o.name);
      expect(new Set(names).size, op.name).toBe(names.length);
      for (const operand of op.operands) {
        if (operand.kind === 'enum') expect(new Set(operand.values).size).toBe(operand.values!.length);
        if (operand.kind === 'value') expect(names.indexOf('type')).toBeLessThan(names.indexOf(operand.name));
      }
    }
  });

  it('is what sblr/README.md lists (npx tsx scripts/sblr-readme.ts regenerates it)', () => {
    const readme = readFileSync(new URL('../../sblr/README.md', import.meta.url), 'utf8');
    expect(withOpcodeReference(readme)).toBe(readme);
  });
});
