/**
 * Hand-assembled SBLR for tests that need bytes the encoder would never write: unknown
 * opcodes, unbalanced stacks, bad lengths, non-canonical encodings.
 */
import type { Value } from '../../src/engine/types.ts';
import type { OutputColumn, TableRef } from '../../src/sql/plan/ir.ts';
import type { SqlType } from '../../src/sql/types/sql-type.ts';
import { writeConstant } from '../../src/sblr/constants.ts';
import { programHash } from '../../src/sblr/encode.ts';
import { OPCODE_BY_NAME, writeColumn } from '../../src/sblr/operands.ts';
import { writeType } from '../../src/sblr/types.ts';
import { ProgramWriter } from '../../src/sblr/writer.ts';
import { FORMAT_VERSION, HASH_OFFSET, MAGIC } from '../../sblr/format.ts';
import type { OpcodeName } from '../../sblr/opcodes.ts';

export class Asm {
  readonly w = new ProgramWriter();

  op(name: OpcodeName): this {
    this.w.u8(OPCODE_BY_NAME.get(name)!.code);
    return this;
  }

  u8(...bytes: number[]): this {
    for (const byte of bytes) this.w.u8(byte);
    return this;
  }

  uint(n: number): this {
    this.w.varint(n);
    return this;
  }

  bool(b: boolean): this {
    this.w.bool(b);
    return this;
  }

  str(s: string): this {
    this.w.string(s);
    return this;
  }

  type(type: SqlType): this {
    writeType(this.w, type);
    return this;
  }

  types(...types: SqlType[]): this {
    this.uint(types.length);
    for (const type of types) this.type(type);
    return this;
  }

  columns(...columns: OutputColumn[]): this {
    this.uint(columns.length);
    for (const column of columns) writeColumn(this.w, column);
    return this;
  }

  /** CONST of `type`. */
  constant(type: SqlType, value: Value): this {
    this.op('CONST').type(type);
    writeConstant(this.w, type, value);
    return this;
  }

  /** A length-prefixed block; `length` overrides the true length. */
  block(build: (a: Asm) => void, length?: number): this {
    const inner = new Asm();
    build(inner);
    this.uint(length ?? inner.w.at);
    this.w.bytes(inner.w.view());
    return this;
  }

  bytes(): Buffer {
    return this.w.take();
  }
}

/** A program around `body`, with a correct hash; `tables` are written as given, in that order. */
export function assemble(body: Asm, header: { parameterTypes?: readonly SqlType[]; tables?: readonly TableRef[]; version?: number } = {}): Buffer {
  const a = new Asm();
  a.w.bytes(MAGIC);
  a.u8(header.version ?? FORMAT_VERSION);
  a.w.bytes(new Uint8Array(16));
  a.types(...(header.parameterTypes ?? []));
  const tables = header.tables ?? [];
  a.uint(tables.length);
  for (const table of tables) {
    a.uint(table.oid).uint(table.version).bool(table.hiddenRowId).columns(...table.columns);
  }
  a.w.bytes(body.bytes());
  return rehash(a.bytes());
}

/** The same bytes with the content hash recomputed. */
export function rehash(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  programHash(out).copy(out, HASH_OFFSET);
  return out;
}
