/**
 * The PostgreSQL wire protocol (v3): the server (`startPgServer`) that serves clients over TCP
 * and TLS against a `QueryEngine` (src/session/contract.ts), and below it the message codec.
 * The codec knows message layouts and framing only: no sockets, no TLS, no authentication
 * logic, no session state. The server's connections are built on top of it:
 *
 * - `FrontendReader` turns the bytes a client sends into typed `FrontendMessage`s; it starts in
 *   'startup' mode and the connection switches it to 'regular' once it accepts a StartupMessage.
 *   A malformed message throws `ProtocolViolation` (SQLSTATE 08P01); when `fatal` is set the
 *   connection must end, otherwise only that message is lost, as with PostgreSQL's ERRORs.
 * - A 'p' message's meaning depends on the authentication exchange, so the connection decodes
 *   its body with `decodePassword`, `decodeSASLInitialResponse` or `decodeSASLResponse`.
 * - `BackendWriter` serializes every server message into one buffer per response burst;
 *   `flush()` returns it for a single socket write.
 */
export {
  BackendWriter,
  type FieldDescription,
  type FieldValue,
  type NoticeFields,
  type Severity,
  type TransactionStatus,
} from './backend.ts';
export {
  DEFAULT_MAX_MESSAGE_SIZE,
  FrontendReader,
  ProtocolViolation,
  decodePassword,
  decodeSASLInitialResponse,
  decodeSASLResponse,
  type Bind,
  type CancelRequest,
  type Close,
  type CopyData,
  type CopyDone,
  type CopyFail,
  type Describe,
  type Execute,
  type Flush,
  type FormatCode,
  type FrontendMessage,
  type FrontendReaderOptions,
  type FunctionCall,
  type GSSENCRequest,
  type Parse,
  type PasswordMessage,
  type Query,
  type ReaderMode,
  type RegularMessage,
  type SASLInitialResponse,
  type SSLRequest,
  type StartupMessage,
  type StartupPhaseMessage,
  type Sync,
  type Terminate,
} from './frontend.ts';
export type { LogMethod, PgServerLogger } from './logger.ts';
export { sqlTypeLength, sqlTypeModifier, sqlTypeOid } from './result-encoder.ts';
export { startPgServer, type PgServer, type PgServerOptions } from './server.ts';
