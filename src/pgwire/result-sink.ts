/**
 * The ResultSink a session writes a statement's results into. Rows are encoded straight into
 * the connection's BackendWriter, one field at a time, with encoders made once per result (see
 * result-encoder.ts); the output goes to the socket in bursts, and a row or CopyData that fills
 * a burst while the client lags returns a promise for the session to await.
 */
import type { Row } from '../engine/types.ts';
import type { CopyInSpec, CopyOutSpec, Notice, OutputContext, ResultColumn, ResultSink } from '../session/contract.ts';
import { copyFormat, copyInStream } from './copy.ts';
import { connectionLost, noticeFields } from './error-fields.ts';
import type { FormatCode } from './frontend.ts';
import type { MessageSource } from './input.ts';
import type { ConnectionOutput } from './output.ts';
import { columnEncoders, fieldDescriptions, type FieldEncoder } from './result-encoder.ts';

export class WireResultSink implements ResultSink {
  /** The encoders of the result being sent; null between results of a simple query. */
  private encoders: FieldEncoder[] | null;

  private constructor(
    private readonly output: ConnectionOutput,
    private readonly input: MessageSource,
    private readonly context: OutputContext,
    /** Extended protocol: the columns and formats come from the portal, and Describe has sent
     * any RowDescription already. */
    private readonly portal: boolean,
    encoders: FieldEncoder[] | null,
  ) {
    this.encoders = encoders;
  }

  /** For a Query message: each statement announces its columns; all text. */
  static forSimpleQuery(output: ConnectionOutput, input: MessageSource, context: OutputContext): WireResultSink {
    return new WireResultSink(output, input, context, false, null);
  }

  /** For an Execute message, with the portal's columns (null: it returns no rows) and formats. */
  static forPortal(
    output: ConnectionOutput,
    input: MessageSource,
    context: OutputContext,
    columns: readonly ResultColumn[] | null,
    formats: readonly FormatCode[],
  ): WireResultSink {
    return new WireResultSink(output, input, context, true, columns === null ? null : columnEncoders(columns, formats, context));
  }

  rowDescription(columns: readonly ResultColumn[]): void {
    if (this.portal) throw new Error('ResultSink.rowDescription during Execute: a portal describes its columns through describePortal');
    this.encoders = columnEncoders(columns, [], this.context);
    this.output.writer.rowDescription(fieldDescriptions(columns, []));
  }

  row(values: Row): Promise<void> | undefined {
    const encoders = this.encoders;
    if (encoders === null) throw new Error('ResultSink.row without columns: no rowDescription, or a portal without a result');
    if (values.length !== encoders.length) throw new Error(`ResultSink.row with ${values.length} values for ${encoders.length} columns`);
    if (this.output.lost) throw connectionLost();
    const writer = this.output.writer;
    writer.beginDataRow(encoders.length);
    try {
      for (let i = 0; i < encoders.length; i++) {
        const value = values[i];
        writer.field(value === null ? null : encoders[i](value));
      }
    } catch (error) {
      writer.abandonMessage();
      throw error;
    }
    writer.endDataRow();
    return this.output.afterData();
  }

  commandComplete(tag: string): void {
    this.output.writer.commandComplete(tag);
    if (!this.portal) this.encoders = null;
  }

  emptyQuery(): void {
    this.output.writer.emptyQueryResponse();
  }

  /** Flushed at once, as PostgreSQL does, so a client sees a long statement's notices as they come. */
  notice(notice: Notice): void {
    this.output.writer.noticeResponse(noticeFields(notice));
    this.output.flush();
  }

  parameterStatus(name: string, value: string): void {
    this.output.writer.parameterStatus(name, value);
  }

  copyIn(spec: CopyInSpec): AsyncIterable<Uint8Array> {
    return copyInStream(this.output, this.input, spec);
  }

  copyOut(spec: CopyOutSpec): void {
    const { overall, columns } = copyFormat(spec);
    this.output.writer.copyOutResponse(overall, columns);
  }

  copyData(chunk: Uint8Array): Promise<void> | undefined {
    if (this.output.lost) throw connectionLost();
    this.output.writer.copyData(chunk);
    return this.output.afterData();
  }

  copyDone(): void {
    this.output.writer.copyDone();
  }
}
