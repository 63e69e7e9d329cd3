/** psql as a test runs it: one command against a server on loopback, everything it prints. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

export const PSQL = '/usr/lib/postgresql/15/bin/psql';

/** Why psql cannot run here, or undefined when it can. */
export function psqlMissing(): string | undefined {
  return existsSync(PSQL) ? undefined : `${PSQL} is not installed`;
}

const run = promisify(execFile);

/** Everything psql prints for one command (errors included, in order). */
export async function psql(port: number, command: string): Promise<string> {
  const args = ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', command];
  try {
    const { stdout, stderr } = await run(PSQL, args);
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
}
