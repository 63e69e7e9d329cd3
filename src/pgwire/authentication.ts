/**
 * The authentication exchange after a StartupMessage, as the engine's AuthenticationMethod
 * decides: trust (AuthenticationOk at once), SCRAM-SHA-256 (the SASL exchange of scram.ts), or
 * reject. Every failure here is FATAL for the connection, as in PostgreSQL.
 */
import { EngineError, SqlState } from '../engine/errors.ts';
import type { AuthenticationMethod, ConnectionInfo } from '../session/contract.ts';
import { decodeSASLInitialResponse, decodeSASLResponse } from './frontend.ts';
import type { MessageSource } from './input.ts';
import type { PgServerLogger } from './logger.ts';
import type { ConnectionOutput } from './output.ts';
import { SCRAM_MECHANISMS, ScramExchange } from './scram.ts';

export interface AuthenticationLink {
  readonly input: MessageSource;
  readonly output: ConnectionOutput;
  readonly logger: PgServerLogger;
  /** Server-wide secret behind the fake salts of unknown roles (see ScramExchangeOptions). */
  readonly scramMockSecret: Uint8Array;
}

/** Authenticates the client; AuthenticationOk is written (not flushed) on success. False when
 * the client went away midway (as psql does to ask for a password); throws the error to send
 * as FATAL otherwise. */
export async function authenticate(link: AuthenticationLink, info: ConnectionInfo, method: AuthenticationMethod): Promise<boolean> {
  switch (method.method) {
    case 'trust':
      link.output.writer.authenticationOk();
      return true;
    case 'reject':
      throw new EngineError(SqlState.invalidAuthorizationSpecification, method.message, { fatal: true });
    case 'scram-sha-256':
      return scram(link, info, method.verifier);
  }
}

async function scram(link: AuthenticationLink, info: ConnectionInfo, verifier: string | undefined): Promise<boolean> {
  const { output } = link;
  output.writer.authenticationSASL(SCRAM_MECHANISMS);
  output.flush();
  const initialBody = await saslMessage(link.input);
  if (initialBody === null) return false;
  const initial = decodeSASLInitialResponse(initialBody);
  const exchange = new ScramExchange({
    user: info.user,
    mechanism: initial.mechanism,
    storedPassword: verifier ?? null,
    mockSecret: link.scramMockSecret,
  });
  let clientFirst = initial.data;
  if (clientFirst === null) {
    output.writer.authenticationSASLContinue('');
    output.flush();
    const body = await saslMessage(link.input);
    if (body === null) return false;
    clientFirst = decodeSASLResponse(body);
  }
  output.writer.authenticationSASLContinue(exchange.serverFirst(clientFirst));
  output.flush();
  const finalBody = await saslMessage(link.input);
  if (finalBody === null) return false;
  const result = exchange.serverFinal(decodeSASLResponse(finalBody));
  if (!result.ok) {
    link.logger.info({ user: info.user, detail: result.logDetail, remoteAddress: info.remoteAddress }, result.error.message);
    throw result.error;
  }
  output.writer.authenticationSASLFinal(result.message).authenticationOk();
  return true;
}

/** The body of the client's next 'p' message, or null when it went away. */
async function saslMessage(input: MessageSource): Promise<Buffer | null> {
  const message = await input.nextRegular();
  if (typeof message === 'string') return null;
  if (message.type !== 'PasswordMessage') {
    throw new EngineError(SqlState.protocolViolation, `expected SASL response, got message type ${message.type}`, { fatal: true });
  }
  return message.body;
}
