/**
 * The node's log: pino, one JSON object per line, to stdout unless told otherwise. Levels are
 * written by name ("level":"warn") and times as ISO 8601, so a person reading the raw stream
 * and a log shipper both understand it without pino's own tools.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where the JSON lines go; stdout by default. */
  readonly destination?: DestinationStream;
  /** Fields on every line (e.g. the node id). */
  readonly bindings?: Readonly<Record<string, unknown>>;
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { pid: process.pid, ...options.bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
