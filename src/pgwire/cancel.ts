/**
 * BackendKeyData keys and the CancelRequests that use them. Each session gets a process id
 * unique among the server's live sessions and a random secret; a CancelRequest must name both.
 */
import { randomBytes, randomInt } from 'node:crypto';

export interface BackendKey {
  readonly processId: number;
  readonly secretKey: number;
}

export interface Cancellable {
  cancel(): void;
}

/** Process ids are positive int32s, as PostgreSQL's pids look to clients. */
const MAX_PROCESS_ID = 2 ** 31 - 1;

export class CancelKeys {
  private readonly byProcessId = new Map<number, { readonly secretKey: number; readonly target: Cancellable }>();

  register(target: Cancellable): BackendKey {
    let processId: number;
    do processId = randomInt(1, MAX_PROCESS_ID);
    while (this.byProcessId.has(processId));
    const secretKey = randomBytes(4).readInt32BE(0);
    this.byProcessId.set(processId, { secretKey, target });
    return { processId, secretKey };
  }

  unregister(key: BackendKey): void {
    if (this.byProcessId.get(key.processId)?.secretKey === key.secretKey) this.byProcessId.delete(key.processId);
  }

  /** Cancels the target the key belongs to; false when no live session has that key. */
  cancel(processId: number, secretKey: number): boolean {
    const entry = this.byProcessId.get(processId);
    if (entry === undefined || entry.secretKey !== secretKey) return false;
    entry.target.cancel();
    return true;
  }
}
