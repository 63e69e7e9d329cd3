/**
 * The opcode reference of sblr/README.md, rendered from the opcode table so the two cannot
 * disagree: `scripts/sblr-readme.ts` rewrites the README's generated section, and a test
 * checks it is current.
 */
import { OPCODES, type OpcodeSpec, type OperandSpec, type PopSpec } from '../../sblr/opcodes.ts';

export const REFERENCE_START = '<!-- BEGIN GENERATED opcode reference: npx tsx scripts/sblr-readme.ts -->';
export const REFERENCE_END = '<!-- END GENERATED opcode reference -->';

/** Enumerations longer than this get their own table instead of being listed inline. */
const INLINE_VALUES = 6;

const TABLE: readonly OpcodeSpec[] = OPCODES;

function operandKind(operand: OperandSpec): string {
  const values = operand.values ?? [];
  if (operand.kind !== 'enum') return operand.kind;
  return values.length <= INLINE_VALUES ? values.join(' / ') : `enum (${operand.name}s below)`;
}

function operandText(operand: OperandSpec): string {
  return `\`${operand.name}${operand.optional === true ? '?' : ''}\` ${operandKind(operand)}: ${operand.doc}`;
}

function popText(pop: PopSpec): string {
  const times = pop.times === undefined ? '' : `${pop.times}·`;
  return pop.count === 1 ? pop.kind : `${pop.kind} × ${times}${pop.count}`;
}

function row(spec: OpcodeSpec): string {
  const code = `0x${spec.code.toString(16).padStart(2, '0')}`;
  const operands = spec.operands.map(operandText).join('<br>') || '—';
  const stack = `${spec.pops.map(popText).join(', ')} → ${spec.pushes}`.trim();
  return `| ${code} | ${spec.name} | ${operands} | ${stack} | ${spec.site} | ${spec.doc} |`;
}

export function renderOpcodeReference(): string {
  const lines = [
    '| code | opcode | operands (in order) | stack effect | runs on | meaning |',
    '|---|---|---|---|---|---|',
    ...TABLE.map(row),
  ];
  const long = new Map<string, readonly string[]>();
  for (const spec of TABLE) {
    for (const operand of spec.operands) {
      if (operand.kind === 'enum' && (operand.values?.length ?? 0) > INLINE_VALUES) long.set(`${spec.name}.${operand.name}`, operand.values!);
    }
  }
  for (const [name, values] of long) {
    lines.push('', `\`${name}\` values: ${values.map((value, i) => `${i} ${value}`).join(', ')}.`);
  }
  return lines.join('\n');
}

/** `readme` with its generated section replaced by the current rendering. */
export function withOpcodeReference(readme: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error('sblr/README.md has lost its generated-section markers');
  return `${readme.slice(0, start + REFERENCE_START.length)}\n${renderOpcodeReference()}\n${readme.slice(end)}`;
}
