/**
 * What the server tells a client when something goes wrong: EngineErrors and session notices as
 * ErrorResponse/NoticeResponse fields, and the errors the connection itself raises.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { Notice } from '../session/contract.ts';
import type { NoticeFields } from './backend.ts';
import type { PgServerLogger } from './logger.ts';

/** Every field an EngineError carries, at ERROR or FATAL severity. */
export function errorFields(error: EngineError, severity: 'ERROR' | 'FATAL'): NoticeFields {
  return {
    severity,
    code: error.code,
    message: error.message,
    detail: error.detail,
    hint: error.hint,
    position: error.position,
    schema: error.schema,
    table: error.table,
    column: error.column,
    constraint: error.constraint,
  };
}

export function noticeFields(notice: Notice): NoticeFields {
  return { severity: notice.severity, code: notice.code, message: notice.message, detail: notice.detail, hint: notice.hint };
}

/** An EngineError is reported as it is. Anything else thrown is a bug behind the wire layer:
 * it is logged with its stack, and the client gets XX000 with its message. */
export function asEngineError(error: unknown, logger: PgServerLogger): EngineError {
  if (error instanceof EngineError) return error;
  logger.error({ err: error }, 'internal error while serving a client');
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError(SqlState.internalError, message);
}

export function connectionLost(): EngineError {
  return new EngineError(SqlState.connectionFailure, 'connection to client lost', { fatal: true });
}

export function adminShutdown(): EngineError {
  return new EngineError(SqlState.adminShutdown, 'terminating connection due to administrator command', { fatal: true });
}

export function fatalProtocolViolation(message: string): EngineError {
  return new EngineError(SqlState.protocolViolation, message, { fatal: true });
}
