/**
 * A node's identity: a UUIDv7 (time-ordered, so ids sort by when nodes were created) chosen on
 * first start and kept in `<data>/node-id`, so a restarted node is the same node.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, SqlState } from '../engine/errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, 74 random bits. */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The data directory's node id, created on first use (`configured`, or a new UUIDv7). A
 * configured id that differs from the stored one is refused: the directory belongs to
 * another node.
 */
export function ensureNodeId(dataDir: string, configured?: string): string {
  const path = join(dataDir, 'node-id');
  const stored = readStored(path);
  if (stored === undefined) {
    const id = configured ?? uuidv7();
    writeFileSync(path, `${id}\n`, { flag: 'wx', mode: 0o644 });
    return id;
  }
  if (configured !== undefined && configured !== stored) {
    throw new EngineError(SqlState.invalidParameterValue, `data directory ${dataDir} belongs to node ${stored}, not ${configured}`, {
      hint: 'Drop --node-id, or give the data directory of that node.',
    });
  }
  return stored;
}

function readStored(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EngineError(SqlState.configFileError, `could not read the node id in ${path}: ${(error as Error).message}`, { cause: error });
  }
  const id = text.trim().toLowerCase();
  if (!UUID.test(id)) throw new EngineError(SqlState.dataCorrupted, `${path} does not hold a node id (a UUID)`, { hint: 'Restore the file from a backup of this node.' });
  return id;
}
