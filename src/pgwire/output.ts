/**
 * A connection's outgoing bytes. Messages accumulate in one BackendWriter and reach the socket in
 * one write per burst: at ReadyForQuery, Flush, an error, before waiting for COPY data, and
 * whenever a result has filled STREAM_CHUNK bytes, so a large result streams instead of piling
 * up. When the socket's buffer is full, `afterData` hands the producer a promise to await.
 */
import type { Socket } from 'node:net';
import { BackendWriter } from './backend.ts';

/** A result is written out in bursts of about this size. */
export const STREAM_CHUNK = 64 * 1024;
/** How long a closing socket may take to hand its last bytes to a client that has stopped reading. */
const CLOSE_GRACE_MS = 1_000;

export class ConnectionOutput {
  readonly writer = new BackendWriter();
  /** The ends of the current `drained` waits. */
  private readonly waits = new Set<() => void>();
  private waitingStopped = false;

  constructor(private socket: Socket) {}

  /** After a TLS upgrade, the same connection writes through the TLS socket. */
  switchTo(socket: Socket): void {
    this.socket = socket;
  }

  /** The client can no longer be written to. */
  get lost(): boolean {
    return this.socket.destroyed || !this.socket.writable;
  }

  /** Writes out what has accumulated; once the client is gone it is dropped. */
  flush(): void {
    if (this.writer.length === 0) return;
    const burst = this.writer.flush();
    if (!this.lost) this.socket.write(burst);
  }

  /** Called after each DataRow or CopyData: streams out a full buffer, and returns a promise
   * while the client is not reading fast enough. */
  afterData(): Promise<void> | undefined {
    if (this.writer.length < STREAM_CHUNK) return undefined;
    this.flush();
    return this.congested ? this.drained() : undefined;
  }

  /** The socket's buffer is full: the client is not reading as fast as we write. */
  get congested(): boolean {
    return this.socket.writableNeedDrain && !this.lost && !this.waitingStopped;
  }

  /** Ends every wait for the client to read, now and later: the connection is being shut down
   * and must not hang on a client that stopped reading. */
  stopWaiting(): void {
    this.waitingStopped = true;
    for (const done of [...this.waits]) done();
  }

  /** Resolves once the socket takes more data, or is gone. */
  drained(): Promise<void> {
    const socket = this.socket;
    if (!this.congested) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        this.waits.delete(done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
      this.waits.add(done);
    });
  }

  /** Flushes, then closes the connection once the bytes are out (or after a grace period). */
  end(): void {
    this.flush();
    const socket = this.socket;
    if (socket.destroyed) return;
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    socket.end(() => {
      clearTimeout(timer);
      socket.destroy();
    });
  }
}
