/**
 * A connection's incoming messages, pulled one at a time by the code that handles them (the
 * startup exchange, the query loop, a COPY FROM STDIN stream). Bytes wait in the FrontendReader
 * undecoded until asked for; once more than INPUT_HIGH_WATER bytes wait, the socket is paused
 * until the handler asks for a message the buffer cannot complete, so a client pipelining
 * faster than the session runs is held back by TCP rather than by memory.
 */
import type { Socket } from 'node:net';
import { FrontendReader, type FrontendMessage, type ReaderMode, type RegularMessage, type StartupPhaseMessage } from './frontend.ts';

const INPUT_HIGH_WATER = 1024 * 1024;

/** Why `next` returned without a message: the client closed its side or went away, the wait
 * ran out, or the connection was told to stop (server shutdown, cancelled startup). */
export type Interruption = 'eof' | 'timeout' | 'interrupted';

export class MessageSource {
  private readonly reader = new FrontendReader();
  private socket: Socket | null = null;
  private paused = false;
  private ended = false;
  private interruptedFlag = false;
  private wake: (() => void) | null = null;

  get mode(): ReaderMode {
    return this.reader.mode;
  }

  set mode(mode: ReaderMode) {
    this.reader.mode = mode;
  }

  /** Bytes received and not yet consumed. */
  get pending(): number {
    return this.reader.pending;
  }

  /** Starts reading from `socket` (a plain socket, or the TLS socket wrapped around it). */
  attach(socket: Socket): void {
    this.socket = socket;
    this.paused = false;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
  }

  /** Stops reading from the current socket, leaving its bytes unread (for the TLS handshake). */
  detach(): void {
    const socket = this.socket;
    if (socket === null) return;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onEnd);
    socket.pause();
    this.socket = null;
  }

  /** Makes a waiting (and every later) `next` return 'interrupted'. */
  interrupt(): void {
    this.interruptedFlag = true;
    this.wake?.();
  }

  /**
   * The next message; the reader's mode decides which kind, so the casts below are its
   * contract. Throws the reader's ProtocolViolation for a malformed one. `timeoutMs` (0 = none)
   * bounds the wait for bytes, not the decoding of bytes already here.
   */
  nextStartup(): Promise<StartupPhaseMessage | Interruption> {
    return this.next(0) as Promise<StartupPhaseMessage | Interruption>;
  }

  nextRegular(timeoutMs = 0): Promise<RegularMessage | Interruption> {
    return this.next(timeoutMs) as Promise<RegularMessage | Interruption>;
  }

  private async next(timeoutMs: number): Promise<FrontendMessage | Interruption> {
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : 0;
    for (;;) {
      if (this.interruptedFlag) return 'interrupted';
      const message = this.reader.read();
      if (message !== null) return message;
      if (this.ended) return 'eof';
      this.resume();
      const wait = deadline === 0 ? 0 : deadline - Date.now();
      if (deadline !== 0 && wait <= 0) return 'timeout';
      await this.arrival(wait);
    }
  }

  private readonly onData = (chunk: Buffer): void => {
    this.reader.push(chunk);
    if (this.reader.pending > INPUT_HIGH_WATER && this.socket !== null && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    this.wake?.();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake?.();
  };

  private resume(): void {
    if (!this.paused || this.socket === null) return;
    this.paused = false;
    this.socket.resume();
  }

  /** Resolves when bytes arrive, the input ends, `interrupt` is called or `waitMs` passes. */
  private arrival(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = waitMs > 0 ? setTimeout(done, waitMs) : undefined;
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }
}
