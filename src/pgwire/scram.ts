/**
 * SCRAM-SHA-256 authentication, server side, as PostgreSQL implements it (auth-scram.c):
 * RFC 5802 with RFC 7677's hash, mechanism SCRAM-SHA-256 only. Channel binding (-PLUS) is not
 * offered, so a client may send the gs2 header 'n,,' or 'y,,' but not 'p=...'.
 *
 * Passwords are stored as PostgreSQL's secrets, `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
 * with base64 fields, so a rolpassword moves between ScratchBird and PostgreSQL unchanged.
 *
 * One login is one `ScramExchange`; the wire layer carries the messages:
 *
 *   server: AuthenticationSASL listing SCRAM_MECHANISMS
 *   client: SASLInitialResponse(mechanism, data)  ->  new ScramExchange({ mechanism, ... }).serverFirst(data)
 *   server: AuthenticationSASLContinue(server-first-message)
 *   client: SASLResponse(data)                    ->  serverFinal(data)
 *   server: AuthenticationSASLFinal(message) and AuthenticationOk, or ErrorResponse(result.error)
 *
 * A SASLInitialResponse without initial data (length -1) is answered, as PostgreSQL does, with an
 * empty AuthenticationSASLContinue; the next SASLResponse then carries the client-first-message.
 *
 * Errors follow PostgreSQL: a malformed message throws a ScramError with SQLSTATE 08P01 and the
 * message and detail PostgreSQL uses; an authorization identity or a mandatory extension is
 * 0A000, as there. A wrong proof is not thrown but returned as a failure carrying 28P01
 * `password authentication failed for user "<name>"`, the same text every password method uses.
 *
 * A user that doesn't exist or has no usable secret still gets a whole exchange, with a fake
 * salt derived from a server secret and the user name (so it is the same on every attempt), and
 * fails exactly like a wrong password: the exchange doesn't reveal which users exist.
 *
 * PostgreSQL never stores a secret for the empty password (CREATE/ALTER ROLE clear the password
 * with the NOTICE "empty string is not a valid password, clearing password" instead, also for a
 * pre-made secret that `scramVerifyPlainPassword('', secret)` accepts), and SCRAM relies on that.
 *
 * Client messages are read as bytes (a latin1 view) so the proof is checked over exactly what the
 * client sent, whatever its encoding.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { EngineError, SqlState } from '../engine/errors.ts';
import { saslprep } from './saslprep.ts';

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';
/** The mechanisms to list in AuthenticationSASL. */
export const SCRAM_MECHANISMS: readonly string[] = [SCRAM_SHA_256];
/** PostgreSQL's default scram_iterations. */
export const SCRAM_DEFAULT_ITERATIONS = 4096;
/** The longest SASL message payload accepted, PostgreSQL's PG_MAX_SASL_MESSAGE_LENGTH. */
export const SCRAM_MAX_MESSAGE_LENGTH = 1024;

const SALT_LENGTH = 16;
const RAW_NONCE_LENGTH = 18;
const KEY_LENGTH = 32;
const MAX_ITERATIONS = 2 ** 31 - 1;
const MIN_MOCK_SECRET_LENGTH = 16;

/** A failed SCRAM step: an EngineError whose code is 08P01, 28P01, 0A000, 22023 or 22P02. */
export class ScramError extends EngineError {
  constructor(code: string, message: string, extra: { detail?: string } = {}) {
    super(code, message, extra);
    this.name = 'ScramError';
  }
}

function malformed(detail: string): ScramError {
  return new ScramError(SqlState.protocolViolation, 'malformed SCRAM message', { detail });
}

// ---- stored secrets ------------------------------------------------------------------------

export interface ScramVerifier {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

/**
 * A secret for `password` in PostgreSQL's format, with a random 16-byte salt and PostgreSQL's
 * default iteration count unless given. The empty password is refused: see the module header.
 */
export function makeScramVerifier(password: string, options: { salt?: Uint8Array; iterations?: number } = {}): string {
  if (password === '') throw new ScramError(SqlState.invalidParameterValue, 'empty string is not a valid password');
  const iterations = options.iterations ?? SCRAM_DEFAULT_ITERATIONS;
  if (!isIterationCount(iterations)) throw new RangeError(`SCRAM iteration count must be an integer from 1 to ${MAX_ITERATIONS}`);
  const salt = Buffer.from(options.salt ?? randomBytes(SALT_LENGTH));
  if (salt.length === 0) throw new RangeError('SCRAM salt must not be empty');
  const salted = saltedPassword(password, salt, iterations);
  return formatScramVerifier({
    iterations,
    salt,
    storedKey: sha256(hmac(salted, 'Client Key')),
    serverKey: hmac(salted, 'Server Key'),
  });
}

export function formatScramVerifier(verifier: ScramVerifier): string {
  const b64 = (bytes: Buffer): string => bytes.toString('base64');
  return `${SCRAM_SHA_256}$${verifier.iterations}:${b64(verifier.salt)}$${b64(verifier.storedKey)}:${b64(verifier.serverKey)}`;
}

/** Parses a stored secret; a malformed one throws a ScramError (22P02) saying what is wrong. */
export function parseScramVerifier(secret: string): ScramVerifier {
  const parsed = readSecret(secret);
  if (typeof parsed === 'string') {
    throw new ScramError(SqlState.invalidTextRepresentation, `invalid SCRAM secret: ${parsed}`);
  }
  return parsed;
}

/**
 * Whether `password` is the one `secret` was made from, as PostgreSQL checks a plaintext password
 * against a SCRAM secret (the `password` method, and the empty-password rule of CREATE ROLE).
 * A malformed secret matches nothing.
 */
export function scramVerifyPlainPassword(password: string, secret: string): boolean {
  const verifier = readSecret(secret);
  if (typeof verifier === 'string') return false;
  const serverKey = hmac(saltedPassword(password, verifier.salt, verifier.iterations), 'Server Key');
  return timingSafeEqual(serverKey, verifier.serverKey);
}

/** The secret's fields, or why it is malformed. Split as PostgreSQL's parse_scram_secret splits. */
function readSecret(secret: string): ScramVerifier | string {
  const fields = /^SCRAM-SHA-256\$([^:$]*):([^$]*)\$([^:]*):(.*)$/s.exec(secret);
  if (fields === null) return 'expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>';
  const [, iterationsText, saltText, storedKeyText, serverKeyText] = fields;
  const iterations = Number(iterationsText);
  if (!/^[0-9]+$/.test(iterationsText) || !isIterationCount(iterations)) {
    return `iteration count must be an integer from 1 to ${MAX_ITERATIONS}`;
  }
  const salt = decodeBase64(saltText);
  if (salt === null || salt.length === 0) return 'salt is not non-empty base64';
  const storedKey = decodeBase64(storedKeyText);
  if (storedKey?.length !== KEY_LENGTH) return `StoredKey is not ${KEY_LENGTH} bytes of base64`;
  const serverKey = decodeBase64(serverKeyText);
  if (serverKey?.length !== KEY_LENGTH) return `ServerKey is not ${KEY_LENGTH} bytes of base64`;
  return { iterations, salt, storedKey, serverKey };
}

function isIterationCount(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_ITERATIONS;
}

// Buffer.from(text, 'base64') skips characters it doesn't know; SCRAM's base64 is the strict one.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

// ---- key derivation (RFC 5802 section 3) ---------------------------------------------------

/** Hi(Normalize(password), salt, i); PostgreSQL hashes the password as given when SASLprep fails. */
function saltedPassword(password: string, salt: Uint8Array, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(saslprep(password) ?? password, 'utf8'), salt, iterations, KEY_LENGTH, 'sha256');
}

function hmac(key: Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

// ---- the exchange --------------------------------------------------------------------------

export interface ScramExchangeOptions {
  /** The user named in the startup packet; PostgreSQL ignores the SCRAM user name (n=). */
  readonly user: string;
  /** The mechanism the client chose in SASLInitialResponse. */
  readonly mechanism: string;
  /** The role's stored password (rolpassword), or null when there is no such role or no password. */
  readonly storedPassword: string | null;
  /**
   * Server-wide secret behind the fake salts of users without a secret; at least 16 bytes (PostgreSQL
   * keeps 32 random bytes in pg_control). It must outlive restarts, or a user's fake salt changes
   * between attempts and gives the user away.
   */
  readonly mockSecret: Uint8Array;
  /** Iteration count announced for users without a secret; should be what new secrets get. */
  readonly mockIterations?: number;
  /** Tests only: a fixed server nonce instead of 18 random bytes in base64. */
  readonly serverNonce?: string;
}

export type ScramFinalResult =
  | { readonly ok: true; readonly message: string }
  /** `logDetail` is for the server log only, never the client, as PostgreSQL's logdetail. */
  | { readonly ok: false; readonly error: ScramError; readonly logDetail?: string };

export class ScramExchange {
  private readonly user: string;
  private readonly verifier: ScramVerifier;
  /** No real secret is behind this exchange: fail whatever the proof (not relying on the mock keys matching none). */
  private readonly doomed: boolean;
  private readonly logDetail?: string;
  private readonly serverNonce: string;
  private step: 'first' | 'final' | 'done' = 'first';
  private gs2Header = '';
  private clientFirstMessageBare = '';
  private serverFirstMessage = '';
  private nonce = '';

  constructor(options: ScramExchangeOptions) {
    if (options.mechanism !== SCRAM_SHA_256) {
      throw new ScramError(SqlState.protocolViolation, 'client selected an invalid SASL authentication mechanism');
    }
    if (options.mockSecret.length < MIN_MOCK_SECRET_LENGTH) {
      throw new RangeError(`mockSecret must be at least ${MIN_MOCK_SECRET_LENGTH} bytes`);
    }
    this.user = options.user;
    this.serverNonce = options.serverNonce ?? randomBytes(RAW_NONCE_LENGTH).toString('base64');
    const stored = options.storedPassword === null ? null : readSecret(options.storedPassword);
    if (stored !== null && typeof stored !== 'string') {
      this.verifier = stored;
      this.doomed = false;
    } else {
      this.verifier = mockVerifier(options.user, options.mockSecret, options.mockIterations ?? SCRAM_DEFAULT_ITERATIONS);
      this.doomed = true;
      if (stored !== null) this.logDetail = `User "${options.user}" does not have a valid SCRAM secret.`;
    }
  }

  /** Reads the client-first-message and returns the server-first-message. */
  serverFirst(clientFirstMessage: Buffer | string): string {
    this.begin('first');
    const text = messageText(clientFirstMessage);
    const reader = new AttributeReader(text);

    // gs2-cbind-flag: 'p=' asks for channel binding, which SCRAM-SHA-256 (not -PLUS) excludes.
    const flag = reader.peek();
    if (flag === 'p') {
      throw malformed('The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.');
    }
    if (flag !== 'n' && flag !== 'y') throw malformed(`Unexpected channel-binding flag "${sanitizeChar(flag)}".`);
    reader.skip();
    if (reader.peek() !== ',') throw malformed(`Comma expected, but found character "${sanitizeChar(reader.peek())}".`);
    reader.skip();
    if (reader.peek() === 'a') {
      throw new ScramError(SqlState.featureNotSupported, 'client uses authorization identity, but it is not supported');
    }
    if (reader.peek() !== ',') {
      throw malformed(`Unexpected attribute "${sanitizeChar(reader.peek())}" in client-first-message.`);
    }
    reader.skip();
    this.gs2Header = text.slice(0, reader.offset);
    this.clientFirstMessageBare = text.slice(reader.offset);

    if (reader.peek() === 'm') {
      throw new ScramError(SqlState.featureNotSupported, 'client requires an unsupported SCRAM extension');
    }
    reader.expect('n');
    const clientNonce = reader.expect('r');
    if (!/^[\x21-\x2b\x2d-\x7e]*$/.test(clientNonce)) {
      throw new ScramError(SqlState.protocolViolation, 'non-printable characters in SCRAM nonce');
    }
    // Optional extensions: none is supported, so they are read and ignored.
    while (!reader.atEnd) reader.any();

    this.nonce = clientNonce + this.serverNonce;
    this.serverFirstMessage = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${this.verifier.iterations}`;
    this.step = 'final';
    return this.serverFirstMessage;
  }

  /** Reads the client-final-message and checks the proof. */
  serverFinal(clientFinalMessage: Buffer | string): ScramFinalResult {
    this.begin('final');
    const text = messageText(clientFinalMessage);
    const reader = new AttributeReader(text);

    // Without channel binding, c= is just the gs2 header again, which must not have changed.
    const channelBinding = reader.expect('c');
    if (channelBinding !== Buffer.from(this.gs2Header, 'latin1').toString('base64')) {
      throw new ScramError(SqlState.protocolViolation, 'unexpected SCRAM channel-binding attribute in client-final-message');
    }
    const nonce = reader.expect('r');
    let proofStart: number;
    let attr: string;
    let proofText: string;
    do {
      proofStart = reader.offset - 1;
      [attr, proofText] = reader.any();
    } while (attr !== 'p');
    const proof = decodeBase64(proofText);
    if (proof?.length !== KEY_LENGTH) throw malformed('Malformed proof in client-final-message.');
    if (!reader.atEnd) throw malformed('Garbage found at the end of client-final-message.');
    if (!equalInConstantTime(nonce, this.nonce)) {
      throw new ScramError(SqlState.protocolViolation, 'invalid SCRAM response', { detail: 'Nonce does not match.' });
    }

    const authMessage = Buffer.from(
      `${this.clientFirstMessageBare},${this.serverFirstMessage},${text.slice(0, proofStart)}`,
      'latin1',
    );
    const clientSignature = hmac(this.verifier.storedKey, authMessage);
    const clientKey = Buffer.alloc(KEY_LENGTH);
    for (let i = 0; i < KEY_LENGTH; i++) clientKey[i] = proof[i] ^ clientSignature[i];
    // The proof is checked even when doomed, so a missing user costs the same time as a wrong password.
    const proofMatches = timingSafeEqual(sha256(clientKey), this.verifier.storedKey);
    if (!proofMatches || this.doomed) {
      const error = new ScramError(SqlState.invalidPassword, `password authentication failed for user "${this.user}"`);
      return { ok: false, error, logDetail: this.logDetail };
    }
    return { ok: true, message: `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}` };
  }

  private begin(step: 'first' | 'final'): void {
    if (this.step !== step) {
      throw new Error(`SCRAM exchange: ${step === 'first' ? 'serverFirst' : 'serverFinal'} called out of order`);
    }
    // A message that throws ends the exchange, as the ERROR ends PostgreSQL's connection.
    this.step = 'done';
  }
}

/**
 * A verifier that nothing matches, with PostgreSQL's fake salt: the first 16 bytes of
 * SHA-256(user name || mock secret).
 */
function mockVerifier(user: string, mockSecret: Uint8Array, iterations: number): ScramVerifier {
  const salt = createHash('sha256').update(user, 'utf8').update(mockSecret).digest().subarray(0, SALT_LENGTH);
  return { iterations, salt, storedKey: Buffer.alloc(KEY_LENGTH), serverKey: Buffer.alloc(KEY_LENGTH) };
}

function messageText(message: Buffer | string): string {
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  if (bytes.length === 0) throw malformed('The message is empty.');
  if (bytes.length > SCRAM_MAX_MESSAGE_LENGTH) throw new ScramError(SqlState.protocolViolation, 'invalid message length');
  // PostgreSQL reads the message as a C string, so a NUL cuts it short of its length.
  if (bytes.includes(0)) throw malformed('Message length does not match input length.');
  return bytes.toString('latin1');
}

function equalInConstantTime(a: string, b: string): boolean {
  const x = Buffer.from(a, 'latin1');
  const y = Buffer.from(b, 'latin1');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A message character for an error detail: itself if printable ASCII, else its byte in hex. */
function sanitizeChar(char: string): string {
  const code = char === '' ? 0 : char.charCodeAt(0);
  return code >= 0x21 && code <= 0x7e ? `'${char}'` : `0x${code.toString(16).padStart(2, '0')}`;
}

/**
 * Reads `attr=value` pairs separated by commas, the way PostgreSQL's read_attr_value and
 * read_any_attr do (a value runs to the next comma; the end of the message reads as '').
 */
class AttributeReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  /** The next character, or '' at the end. A method, so checks on it aren't narrowed across skip(). */
  peek(): string {
    return this.text.charAt(this.pos);
  }

  get offset(): number {
    return this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skip(): void {
    this.pos++;
  }

  /** The value of attribute `attr`, which must come next. */
  expect(attr: string): string {
    if (this.peek() !== attr) throw malformed(`Expected attribute "${attr}" but found "${sanitizeChar(this.peek())}".`);
    return this.value(attr);
  }

  /** Whatever attribute comes next, and its value. */
  any(): [attr: string, value: string] {
    const attr = this.peek();
    if (attr === '') throw malformed('Attribute expected, but found end of string.');
    if (!/^[A-Za-z]$/.test(attr)) {
      throw malformed(`Attribute expected, but found invalid character "${sanitizeChar(attr)}".`);
    }
    return [attr, this.value(attr)];
  }

  private value(attr: string): string {
    this.pos++;
    if (this.peek() !== '=') throw malformed(`Expected character "=" for attribute "${attr}".`);
    this.pos++;
    const comma = this.text.indexOf(',', this.pos);
    const end = comma < 0 ? this.text.length : comma;
    const value = this.text.slice(this.pos, end);
    this.pos = comma < 0 ? end : comma + 1;
    return value;
  }
}
