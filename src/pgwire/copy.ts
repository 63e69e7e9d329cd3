/**
 * COPY … FROM STDIN on the wire: CopyInResponse, then the client's CopyData payloads until
 * CopyDone. The session reads them as an async iterable; stopping early leaves the rest of the
 * stream to the query loop, which ignores CopyData, CopyDone and CopyFail as PostgreSQL does.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { CopyInSpec, CopyOutSpec } from '../session/contract.ts';
import { adminShutdown, connectionLost } from './error-fields.ts';
import type { FormatCode } from './frontend.ts';
import type { MessageSource } from './input.ts';
import type { ConnectionOutput } from './output.ts';

export function copyFormat(spec: CopyInSpec | CopyOutSpec): { overall: FormatCode; columns: FormatCode[] } {
  const overall: FormatCode = spec.format === 'binary' ? 1 : 0;
  return { overall, columns: new Array<FormatCode>(spec.columns).fill(overall) };
}

export async function* copyInStream(output: ConnectionOutput, input: MessageSource, spec: CopyInSpec): AsyncGenerator<Uint8Array, void, undefined> {
  const { overall, columns } = copyFormat(spec);
  output.writer.copyInResponse(overall, columns);
  output.flush();
  for (;;) {
    const message = await input.nextRegular();
    if (message === 'interrupted') throw adminShutdown();
    if (typeof message === 'string') throw connectionLost();
    switch (message.type) {
      case 'CopyData':
        yield message.data;
        break;
      case 'CopyDone':
        return;
      case 'CopyFail':
        throw new EngineError(SqlState.queryCanceled, `COPY from stdin failed: ${message.message}`);
      case 'Flush':
      case 'Sync':
        // Clients using the extended protocol may send these during COPY; PostgreSQL ignores them.
        break;
      default:
        throw new EngineError(SqlState.protocolViolation, `unexpected message type ${message.type} during COPY from stdin`);
    }
  }
}
