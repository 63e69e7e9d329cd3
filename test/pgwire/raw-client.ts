/**
 * A byte-level PostgreSQL client for the server tests: it sends whatever bytes a test builds
 * (valid or not) and reads the server's answer as raw frames, so tests can assert on exactly
 * what went over the wire, including the unframed 'S'/'N' byte and messages drivers hide.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { cstr, int32, packet } from './streams.ts';

export interface BackendFrame {
  /** The type byte as a character: 'Z', 'E', 'D', … */
  readonly type: string;
  readonly body: Buffer;
}

const WAIT_MS = 5_000;

export class RawClient {
  /** Received bytes not yet read: `buffer`, then `arrived` (merged into it only when needed,
   * so a large backlog is copied once rather than once per chunk). */
  private buffer = Buffer.alloc(0);
  private arrived: Buffer[] = [];
  private arrivedLength = 0;
  private wake: (() => void) | null = null;
  private ended = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.arrived.push(chunk);
      this.arrivedLength += chunk.length;
      this.wake?.();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        this.wake?.();
        resolve();
      });
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /** Connects and logs in as `user` (trust), returning the frames up to ReadyForQuery. */
  static async login(port: number, user = 'alice', parameters: Record<string, string> = {}): Promise<{ client: RawClient; frames: BackendFrame[] }> {
    const client = await RawClient.connect(port);
    client.send(startupPacket({ user, ...parameters }));
    return { client, frames: await client.until('Z') };
  }

  send(...chunks: Buffer[]): void {
    this.socket.write(Buffer.concat(chunks));
  }

  /** The single unframed byte answering SSLRequest or GSSENCRequest. */
  async byte(): Promise<string> {
    await this.waitFor(1);
    const byte = this.buffer.subarray(0, 1).toString('latin1');
    this.buffer = this.buffer.subarray(1);
    return byte;
  }

  /** The next frame; throws if the connection closes first. */
  async next(): Promise<BackendFrame> {
    await this.waitFor(5);
    const length = this.buffer.readInt32BE(1);
    await this.waitFor(1 + length);
    const frame = { type: String.fromCharCode(this.buffer[0]), body: Buffer.from(this.buffer.subarray(5, 1 + length)) };
    this.buffer = this.buffer.subarray(1 + length);
    return frame;
  }

  /** Frames up to and including the first of type `type`. */
  async until(type: string): Promise<BackendFrame[]> {
    const frames: BackendFrame[] = [];
    for (;;) {
      const frame = await this.next();
      frames.push(frame);
      if (frame.type === type) return frames;
    }
  }

  /** Every frame the server sends until it closes the connection. */
  async rest(): Promise<BackendFrame[]> {
    const frames: BackendFrame[] = [];
    for (;;) {
      try {
        frames.push(await this.next());
      } catch {
        return frames;
      }
    }
  }

  end(): void {
    this.socket.destroy();
  }

  private async waitFor(bytes: number): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      if (this.buffer.length >= bytes) return;
      if (this.buffer.length + this.arrivedLength >= bytes) {
        this.buffer = Buffer.concat([this.buffer, ...this.arrived]);
        this.arrived = [];
        this.arrivedLength = 0;
        return;
      }
      if (this.ended) throw new Error(`connection closed with ${this.buffer.length + this.arrivedLength} of ${bytes} bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${bytes} bytes (have ${this.buffer.length + this.arrivedLength})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
  }
}

export function startupPacket(parameters: Record<string, string>, minorVersion = 0): Buffer {
  return packet(int32((3 << 16) | minorVersion), ...Object.entries(parameters).flatMap(([key, value]) => [cstr(key), cstr(value)]), cstr(''));
}

/** ErrorResponse/NoticeResponse fields by their code letter. */
export function noticeFieldsOf(frame: BackendFrame): Record<string, string> {
  const fields: Record<string, string> = {};
  let at = 0;
  while (frame.body[at] !== 0) {
    const code = String.fromCharCode(frame.body[at]);
    const end = frame.body.indexOf(0, at + 1);
    fields[code] = frame.body.toString('utf8', at + 1, end);
    at = end + 1;
  }
  return fields;
}

/** A DataRow's values as text (null for NULL). */
export function dataRowOf(frame: BackendFrame): (string | null)[] {
  const count = frame.body.readInt16BE(0);
  const values: (string | null)[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const length = frame.body.readInt32BE(at);
    at += 4;
    values.push(length < 0 ? null : frame.body.toString('utf8', at, at + length));
    if (length > 0) at += length;
  }
  return values;
}

/** The type letters of frames, e.g. '1 2 T D C Z'. */
export function typesOf(frames: readonly BackendFrame[]): string {
  return frames.map((frame) => frame.type).join(' ');
}
