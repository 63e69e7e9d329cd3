/**
 * One shard directory is open in at most one process. LMDB itself happily lets several
 * processes share an environment, but the shard's MVCC state (active transactions, waits,
 * the write overlay) lives in one process's memory, so a second opener would corrupt it.
 *
 * The lock is a `LOCK` file holding the owner's pid and start time. A lock left behind by a
 * process that died (kill -9) is recognised by the pid no longer running, or running with a
 * different start time (pid reuse), and taken over.
 */
import { readFileSync, writeFileSync, unlinkSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, SqlState } from './errors.ts';

const heldInThisProcess = new Set<string>();

/** Process start time in clock ticks since boot (Linux); '' where /proc is unavailable. */
function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the parenthesised command name, which may itself hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function isRunning(pid: number, startTime: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return startTime === '' || startTimeOf(pid) === startTime;
}

export class ShardLock {
  private constructor(private readonly file: string) {}

  static acquire(dir: string): ShardLock {
    const file = join(dir, 'LOCK');
    if (heldInThisProcess.has(file)) {
      throw new EngineError(SqlState.objectInUse, `shard ${dir} is already open in this process`);
    }
    const me = `${process.pid} ${startTimeOf(process.pid)}\n`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        writeFileSync(file, me, { flag: 'wx', mode: 0o600 });
        heldInThisProcess.add(file);
        return new ShardLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let owner = '';
      try {
        owner = readFileSync(file, 'utf8');
      } catch {
        continue; // removed between our attempts: try again
      }
      const [pidText, startTime = ''] = owner.trim().split(' ');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid, startTime)) {
        throw new EngineError(SqlState.objectInUse, `shard ${dir} is held open by process ${pid}`, {
          hint: 'Stop that process first; a shard can be open in only one process at a time.',
        });
      }
      // Stale: move it aside atomically so two contenders cannot both take it over.
      try {
        renameSync(file, `${file}.stale.${process.pid}`);
        unlinkSync(`${file}.stale.${process.pid}`);
      } catch {
        // another process won the takeover race; loop and look again
      }
    }
    throw new EngineError(SqlState.objectInUse, `could not lock shard ${dir}`);
  }

  release(): void {
    heldInThisProcess.delete(this.file);
    try {
      unlinkSync(this.file);
    } catch {
      // already gone: nothing to release
    }
  }
}
