/**
 * The startup phase, before any authentication: encryption requests (SSLRequest answered 'S'
 * and followed by a TLS handshake on the same socket when TLS is configured, else 'N';
 * GSSENCRequest always 'N'), CancelRequest, and the StartupMessage with its protocol
 * negotiation. What follows it (authentication, the session) is the connection's.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { ConnectionInfo } from '../session/contract.ts';
import type { CancelKeys } from './cancel.ts';
import { adminShutdown, fatalProtocolViolation } from './error-fields.ts';
import type { StartupMessage } from './frontend.ts';
import type { MessageSource } from './input.ts';
import type { PgServerLogger } from './logger.ts';
import type { ConnectionOutput } from './output.ts';

/** Protocol options clients may ask for in the StartupMessage; we recognise none. */
const PROTOCOL_OPTION_PREFIX = '_pq_.';
const NEWEST_MINOR_VERSION = 0;
/** The request codes as "versions", for the message PostgreSQL sends when one is repeated. */
const SSL_REQUEST_VERSION = '1234.5679';
const GSSENC_REQUEST_VERSION = '1234.5680';

export interface StartupLink {
  readonly input: MessageSource;
  readonly output: ConnectionOutput;
  readonly logger: PgServerLogger;
  readonly cancelKeys: CancelKeys;
  /** Whether the server has a certificate to switch to TLS with. */
  readonly tlsAvailable: boolean;
  /** Answers 'S' and starts the TLS handshake on the connection's socket. */
  startTls(): void;
}

/** Reads startup packets until a StartupMessage, which it returns with the reader switched to
 * regular messages; null when the connection is done (a CancelRequest, or the client left).
 * Throws the error to send as FATAL. */
export async function readStartupMessage(link: StartupLink): Promise<StartupMessage | null> {
  let sslDone = false;
  let gssDone = false;
  for (;;) {
    const message = await link.input.nextStartup();
    if (message === 'interrupted') throw adminShutdown();
    if (typeof message === 'string') return null;
    switch (message.type) {
      case 'SSLRequest':
        if (sslDone) throw unsupportedProtocol(SSL_REQUEST_VERSION);
        sslDone = true;
        if (link.tlsAvailable) {
          // Bytes sent before the handshake would be trusted as if encrypted (CVE-2021-23214).
          if (link.input.pending > 0) throw fatalProtocolViolation('received unencrypted data after SSL request');
          link.startTls();
        } else {
          link.output.writer.encryptionResponse(false);
          link.output.flush();
        }
        break;
      case 'GSSENCRequest':
        if (gssDone) throw unsupportedProtocol(GSSENC_REQUEST_VERSION);
        gssDone = true;
        link.output.writer.encryptionResponse(false);
        link.output.flush();
        break;
      case 'CancelRequest':
        // The cancel connection gets no reply either way, so it cannot probe for keys.
        if (!link.cancelKeys.cancel(message.processId, message.secretKey)) link.logger.debug({ processId: message.processId }, 'CancelRequest for no session');
        return null;
      case 'StartupMessage':
        link.input.mode = 'regular';
        return message;
    }
  }
}

function unsupportedProtocol(version: string): EngineError {
  return fatalProtocolViolation(`unsupported frontend protocol ${version}: server supports 3.0`);
}

/** What the session layer learns about the client; throws 28000 for a StartupMessage without
 * a user. `_pq_.` options are protocol business and stay out of the parameters. */
export function connectionInfo(message: StartupMessage, remoteAddress: string, tls: boolean): ConnectionInfo {
  if (message.user === '') {
    throw new EngineError(SqlState.invalidAuthorizationSpecification, 'no PostgreSQL user name specified in startup packet', { fatal: true });
  }
  const parameters = new Map<string, string>();
  for (const [key, value] of message.parameters) if (!key.startsWith(PROTOCOL_OPTION_PREFIX)) parameters.set(key, value);
  return {
    user: message.user,
    database: parameters.get('database') || message.user,
    applicationName: parameters.get('application_name') ?? '',
    parameters,
    remoteAddress,
    loopback: isLoopback(remoteAddress),
    tls,
  };
}

/** NegotiateProtocolVersion when the client asked for more than 3.0 or for protocol options. */
export function negotiateProtocol(message: StartupMessage, output: ConnectionOutput): void {
  const options = [...message.parameters.keys()].filter((key) => key.startsWith(PROTOCOL_OPTION_PREFIX));
  if (message.minorVersion > NEWEST_MINOR_VERSION || options.length > 0) {
    output.writer.negotiateProtocolVersion(NEWEST_MINOR_VERSION, options);
  }
}

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
