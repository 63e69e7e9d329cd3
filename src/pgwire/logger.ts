/**
 * The logger the server writes to: pino's calling convention ((object, message) or (message)),
 * so a pino logger (or a child of one) can be passed as it is.
 */
export type LogMethod = (objOrMessage: object | string, message?: string) => void;

export interface PgServerLogger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
}

const ignore: LogMethod = () => {};

export const SILENT_LOGGER: PgServerLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
