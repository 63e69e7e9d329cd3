/**
 * Three ways to count a position in SQL text, and the conversions between them:
 *
 * - UTF-8 bytes: libpg-query's `location`s and `stmt_location`/`stmt_len` (PostgreSQL's parser
 *   works on the server-encoded string);
 * - code points ("characters"): what PostgreSQL reports as an error's position, and the unit of
 *   every `location` this module's callers see;
 * - UTF-16 code units: JavaScript string indexes, chevrotain's offsets.
 *
 * For ASCII text all three agree and nothing is computed. Otherwise each non-ASCII character
 * leaves an anchor, and a conversion is a binary search over the anchors. A lone surrogate
 * counts as one code point of three bytes, as libpg-query encodes it.
 */
export class SourceText {
  readonly text: string;
  readonly ascii: boolean;
  /** After the i-th non-ASCII character: its end in bytes, UTF-16 units and code points. */
  private readonly byteEnds: number[] = [];
  private readonly unitEnds: number[] = [];
  private readonly codePointEnds: number[] = [];

  constructor(text: string) {
    this.text = text;
    this.ascii = !nonAscii.test(text);
    if (!this.ascii) this.indexNonAscii();
  }

  /** Code points before a UTF-8 byte offset. */
  codePointOfByte(byte: number): number {
    const anchor = lastAtOrBefore(this.byteEnds, byte);
    return anchor < 0 ? byte : this.codePointEnds[anchor] + (byte - this.byteEnds[anchor]);
  }

  /** The UTF-16 index of a UTF-8 byte offset. */
  unitOfByte(byte: number): number {
    const anchor = lastAtOrBefore(this.byteEnds, byte);
    return anchor < 0 ? byte : this.unitEnds[anchor] + (byte - this.byteEnds[anchor]);
  }

  /** Code points before a UTF-16 index. */
  codePointOfUnit(unit: number): number {
    const anchor = lastAtOrBefore(this.unitEnds, unit);
    return anchor < 0 ? unit : this.codePointEnds[anchor] + (unit - this.unitEnds[anchor]);
  }

  /** The UTF-16 index of a code-point offset. */
  unitOfCodePoint(codePoint: number): number {
    const anchor = lastAtOrBefore(this.codePointEnds, codePoint);
    return anchor < 0 ? codePoint : this.unitEnds[anchor] + (codePoint - this.codePointEnds[anchor]);
  }

  private indexNonAscii(): void {
    const { text } = this;
    let bytes = 0;
    let codePoints = 0;
    for (let unit = 0; unit < text.length; unit++) {
      const code = text.charCodeAt(unit);
      if (code < 0x80) {
        bytes++;
        codePoints++;
        continue;
      }
      const next = text.charCodeAt(unit + 1);
      if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        unit++;
        bytes += 4;
      } else {
        bytes += code < 0x800 ? 2 : 3;
      }
      codePoints++;
      this.byteEnds.push(bytes);
      this.unitEnds.push(unit + 1);
      this.codePointEnds.push(codePoints);
    }
  }
}

const nonAscii = /[^\x00-\x7f]/;

/** Index of the last element ≤ value in an ascending array, -1 if none. */
function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** The parse-node fields that hold a position in the query text (PostgreSQL's ParseLoc). */
const locationFields = new Set(['location', 'list_start', 'list_end', 'rexpr_list_start', 'rexpr_list_end', 'name_location']);

/**
 * Rewrites every position (≥ 0; -1 means unknown) in a freshly parsed tree in place.
 * libpg-query leaves a position of 0 out of its JSON, so a tree whose positions must move is
 * parsed from text that starts with a space: then no node sits at 0.
 */
export function relocate(tree: unknown, map: (location: number) => number): void {
  if (Array.isArray(tree)) {
    for (const item of tree) relocate(item, map);
    return;
  }
  if (tree === null || typeof tree !== 'object') return;
  const fields = tree as Record<string, unknown>;
  for (const key in fields) {
    const value = fields[key];
    if (typeof value === 'number') {
      if (value >= 0 && locationFields.has(key)) fields[key] = map(value);
    } else if (typeof value === 'object') {
      relocate(value, map);
    }
  }
}
