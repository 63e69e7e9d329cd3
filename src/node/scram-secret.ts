/**
 * The secret behind the made-up SCRAM salts the pg server shows for roles that do not exist.
 * Kept in `<data>/scram-mock-secret` so the salts stay the same across restarts and listeners:
 * a salt that changed would tell a prober the role is made up.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, SqlState } from '../engine/errors.ts';

const SECRET_BYTES = 32;

export function ensureScramMockSecret(dataDir: string): Uint8Array {
  const path = join(dataDir, 'scram-mock-secret');
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new EngineError(SqlState.configFileError, `could not read ${path}: ${(error as Error).message}`, { cause: error });
    }
    const secret = randomBytes(SECRET_BYTES);
    writeFileSync(path, `${secret.toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    return secret;
  }
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new EngineError(SqlState.dataCorrupted, `${path} does not hold a ${SECRET_BYTES}-byte hex secret`, { hint: 'Delete it to have a new one generated.' });
  }
  return Buffer.from(text, 'hex');
}
