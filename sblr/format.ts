/**
 * The SBLR container: header layout, type codes, value encodings and resource limits. The
 * opcode table is in `opcodes.ts`; `README.md` describes the whole format. Changing anything
 * here that changes bytes means a new FORMAT_VERSION.
 */

/** 'SBLR' in ASCII: every program starts with it. */
export const MAGIC = Uint8Array.of(0x53, 0x42, 0x4c, 0x52);

/** The format this code writes and the only one it reads. */
export const FORMAT_VERSION = 4;

/** Byte offsets of the fixed header: magic(4) version(1) hash(16), then the hashed body. */
export const VERSION_OFFSET = 4;
export const HASH_OFFSET = 5;
export const HASH_BYTES = 16;
export const BODY_OFFSET = HASH_OFFSET + HASH_BYTES;

/** A program larger than this is refused before anything else is read. */
export const MAX_PROGRAM_BYTES = 16 * 1024 * 1024;
/** Deepest nesting of blocks, and tallest plan tree (expressions and relations together). */
export const MAX_DEPTH = 256;
/** Most elements one program may decode to: instructions, list entries, array elements. */
export const MAX_ELEMENTS = 1_000_000;
/** Unsigned operands (counts, indexes, oids, versions) are varints of at most 32 bits. */
export const MAX_UINT = 0xffff_ffff;

/**
 * Type codes: a type is its code byte followed by the modifiers of that kind.
 * numeric: flags u8 (bit 0 precision present, bit 1 scale present) then precision, scale (uint);
 * varchar, char: flags u8 (bit 0 length present) then length (uint); array: the element type.
 */
export const TYPE_CODES = {
  bool: 0x01,
  int2: 0x02,
  int4: 0x03,
  int8: 0x04,
  float4: 0x05,
  float8: 0x06,
  numeric: 0x07,
  text: 0x08,
  varchar: 0x09,
  char: 0x0a,
  date: 0x0b,
  time: 0x0c,
  timestamp: 0x0d,
  timestamptz: 0x0e,
  interval: 0x0f,
  uuid: 0x10,
  bytea: 0x11,
  jsonb: 0x12,
  array: 0x13,
  unknown: 0x20,
  oid: 0x21,
  regclass: 0x22,
  regtype: 0x23,
  regproc: 0x24,
  regnamespace: 0x25,
  regrole: 0x26,
  name: 0x27,
  char1: 0x28,
  json: 0x29,
  int2vector: 0x2a,
  oidvector: 0x2b,
  record: 0x2c,
  void: 0x2d,
} as const;

/** The first byte of a numeric constant. */
export const NUMERIC_SIGNS = { positive: 0, negative: 1, NaN: 2, Infinity: 3, '-Infinity': 4 } as const;

/** Tags of the self-describing values inside `record` constants (their fields carry no type). */
export const RECORD_FIELD_TAGS = {
  null: 0,
  false: 1,
  true: 2,
  number: 3,
  bigint: 4,
  string: 5,
  bytes: 6,
  interval: 7,
  array: 8,
} as const;

/** PostgreSQL's limits on type modifiers and numeric values, as `parseType` enforces them. */
export const NUMERIC_MAX_PRECISION = 1000;
export const NUMERIC_MAX_SCALE = 16_383;
export const CHAR_MAX_LENGTH = 10_485_760;
/** Bytes of a numeric constant's magnitude: enough for PostgreSQL's 131,072 + 16,383 digits. */
export const NUMERIC_MAX_MAGNITUDE_BYTES = 61_300;
/** PostgreSQL's NAMEDATALEN - 1. */
export const NAME_MAX_BYTES = 63;
