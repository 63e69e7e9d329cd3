/**
 * SCRAM-SHA-256 server side: RFC 7677's test vector, logins driven by node-postgres's own client
 * implementation, PostgreSQL's exact errors for malformed messages, SASLprep as PostgreSQL applies
 * it, and, when PostgreSQL 15 is installed, a real server accepting our secrets and agreeing with
 * our hashing, fake salts and empty-password rule.
 */
import { createHmac, createHash, pbkdf2Sync } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres, startPostgres, type PostgresServer } from '../support/postgres.ts';
import { saslprep } from '../../src/pgwire/saslprep.ts';
import {
  formatScramVerifier,
  makeScramVerifier,
  parseScramVerifier,
  SCRAM_MECHANISMS,
  SCRAM_SHA_256,
  ScramError,
  ScramExchange,
  scramVerifyPlainPassword,
  type ScramExchangeOptions,
  type ScramFinalResult,
} from '../../src/pgwire/scram.ts';

// ---- node-postgres's client side (pg/lib/crypto/sasl.js) -----------------------------------

interface PgSaslSession {
  readonly mechanism: string;
  readonly response: string;
}

interface PgSasl {
  startSession(mechanisms: readonly string[], stream?: object): PgSaslSession;
  continueSession(session: PgSaslSession, password: string, serverData: string, stream?: object): Promise<void>;
  finalizeSession(session: PgSaslSession, serverData: string): void;
}

const pgSasl = createRequire(import.meta.url)('pg/lib/crypto/sasl.js') as PgSasl;

const MOCK_SECRET = Buffer.alloc(32, 0x5a);

function exchangeFor(storedPassword: string | null, options: Partial<ScramExchangeOptions> = {}): ScramExchange {
  return new ScramExchange({ user: 'alice', mechanism: SCRAM_SHA_256, mockSecret: MOCK_SECRET, ...options, storedPassword });
}

/**
 * One whole login with node-postgres as the client. `gs2: 'y'` makes it say it supports channel
 * binding (it has a TLS stream) but sees no -PLUS offered.
 */
async function login(
  password: string,
  storedPassword: string | null,
  gs2: 'n' | 'y' = 'n',
  user = 'alice',
): Promise<ScramFinalResult> {
  const stream = gs2 === 'y' ? {} : undefined;
  const session = pgSasl.startSession(SCRAM_MECHANISMS, stream);
  expect(session.response.startsWith(`${gs2},,`)).toBe(true);
  const exchange = exchangeFor(storedPassword, { user });
  await pgSasl.continueSession(session, password, exchange.serverFirst(session.response), stream);
  const result = exchange.serverFinal(session.response);
  // The client checks the server signature, proving the server knew the secret.
  if (result.ok) pgSasl.finalizeSession(session, result.message);
  return result;
}

function failure(user: string): ScramFinalResult {
  return expect.objectContaining({
    ok: false,
    error: expect.objectContaining({ code: '28P01', message: `password authentication failed for user "${user}"` }),
  }) as ScramFinalResult;
}

/** A secret for the empty password, which makeScramVerifier refuses to make: straight from RFC 5802. */
const EMPTY_PASSWORD_SECRET = ((): string => {
  const salt = Buffer.alloc(16, 1);
  const salted = pbkdf2Sync('', salt, 4096, 32, 'sha256');
  const key = (name: string): Buffer => createHmac('sha256', salted).update(name).digest();
  const storedKey = createHash('sha256').update(key('Client Key')).digest();
  const b64 = (bytes: Buffer): string => bytes.toString('base64');
  return `SCRAM-SHA-256$4096:${b64(salt)}$${b64(storedKey)}:${b64(key('Server Key'))}`;
})();

// ---- RFC 7677 ------------------------------------------------------------------------------

describe('RFC 7677 test vector', () => {
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  const serverNonce = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
  const nonce = `rOprNGfwEbeRWgbNEkqO${serverNonce}`;
  const proof = 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';

  function exchange(): ScramExchange {
    const secret = makeScramVerifier('pencil', { salt, iterations: 4096 });
    const ex = exchangeFor(secret, { user: 'user', serverNonce });
    expect(ex.serverFirst('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')).toBe(`r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`);
    return ex;
  }

  it('accepts the client proof and answers with the server signature', () => {
    expect(exchange().serverFinal(`c=biws,r=${nonce},p=${proof}`)).toEqual({
      ok: true,
      message: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    });
  });

  it('refuses the proof with one bit flipped', () => {
    const flipped = Buffer.from(proof, 'base64');
    flipped[0] ^= 1;
    expect(exchange().serverFinal(`c=biws,r=${nonce},p=${flipped.toString('base64')}`)).toEqual(failure('user'));
  });
});

// ---- logins with node-postgres's client -----------------------------------------------------

describe('logins driven by node-postgres', () => {
  it('accepts the right password with gs2 header n,, and y,,', async () => {
    const secret = makeScramVerifier('s3cret!');
    expect(await login('s3cret!', secret, 'n')).toMatchObject({ ok: true });
    expect(await login('s3cret!', secret, 'y')).toMatchObject({ ok: true });
  });

  it('refuses a wrong password with PostgreSQL\'s message', async () => {
    const secret = makeScramVerifier('s3cret!');
    expect(await login('s3cret?', secret, 'n', 'bob')).toEqual(failure('bob'));
    expect(await login('S3CRET!', secret, 'y', 'bob')).toEqual(failure('bob'));
  });

  it('matches non-ASCII passwords through SASLprep on both sides', async () => {
    const cases: [stored: string, typed: string][] = [
      ['pässwörd', 'pässwörd'],
      ['café', 'cafe\u0301'], // NFKC composes the client's decomposed é
      ['pass', 'ｐａｓｓ'], // fullwidth letters fold to ASCII
      ['a b', 'a\u00A0b'], // a no-break space is a space
      ['IX', 'I\u00ADX'], // a soft hyphen is nothing
      ['🔑 ключ 钥匙', '🔑 ключ 钥匙'],
    ];
    for (const [stored, typed] of cases) {
      expect(await login(typed, makeScramVerifier(stored, { iterations: 64 })), `${stored} / ${typed}`).toMatchObject({ ok: true });
    }
    expect(await login('pässwort', makeScramVerifier('pässwörd', { iterations: 64 }))).toEqual(failure('alice'));
  });

  it('fails an unknown user exactly like a wrong password, with a fake salt that stays put', async () => {
    expect(await login('anything', null, 'n', 'mallory')).toEqual(failure('mallory'));
    const salt = (user: string, mockSecret = MOCK_SECRET): string =>
      exchangeFor(null, { user, mockSecret }).serverFirst('n,,n=,r=abc').split(',')[1];
    expect(salt('mallory')).toBe(salt('mallory'));
    expect(salt('mallory')).toMatch(/^s=[A-Za-z0-9+/]{22}==$/); // 16 bytes, like a real salt
    expect(salt('mallory')).not.toBe(salt('trudy'));
    expect(salt('mallory')).not.toBe(salt('mallory', Buffer.alloc(32, 1)));
    expect(exchangeFor(null, { mockIterations: 10000 }).serverFirst('n,,n=,r=abc')).toMatch(/,i=10000$/);
  });

  it('fails a user whose stored password is not a SCRAM secret, saying why only to the log', async () => {
    const result = await login('md5abc', 'md5abc', 'n', 'carol');
    expect(result).toEqual(failure('carol'));
    expect(result).toMatchObject({ logDetail: 'User "carol" does not have a valid SCRAM secret.' });
    expect(await login('x', null)).toMatchObject({ logDetail: undefined });
  });

  it('has no empty password: it cannot be stored, and node-postgres will not send it', async () => {
    expect(() => makeScramVerifier('')).toThrow(
      expect.objectContaining({ code: '22023', message: 'empty string is not a valid password' }),
    );
    await expect(login('', makeScramVerifier('x', { iterations: 16 }))).rejects.toThrow('client password must be a non-empty string');
    // A pre-made secret for '' is recognisable, so CREATE/ALTER ROLE can clear it as PostgreSQL does.
    expect(scramVerifyPlainPassword('', EMPTY_PASSWORD_SECRET)).toBe(true);
    expect(scramVerifyPlainPassword('x', EMPTY_PASSWORD_SECRET)).toBe(false);
  });

  it('runs each step once, in order, and refuses bad settings', () => {
    const ex = exchangeFor(null);
    expect(() => ex.serverFinal('c=biws')).toThrow('out of order');
    ex.serverFirst('n,,n=,r=abc');
    expect(() => ex.serverFirst('n,,n=,r=abc')).toThrow('out of order');
    expect(() => exchangeFor(null, { mockSecret: Buffer.alloc(8) })).toThrow(RangeError);
    expect(() => makeScramVerifier('pw', { iterations: 0 })).toThrow(RangeError);
    expect(() => makeScramVerifier('pw', { salt: Buffer.alloc(0) })).toThrow(RangeError);
  });
});

// ---- malformed messages: PostgreSQL's SQLSTATEs, messages and details ----------------------

describe('malformed messages', () => {
  const malformed = (detail: string) => ({ code: '08P01', message: 'malformed SCRAM message', detail });

  function errorOf(step: () => unknown): ScramError {
    try {
      step();
    } catch (e) {
      if (e instanceof ScramError) return e;
      throw e;
    }
    throw new Error('no error');
  }

  const firstError = (message: string | Buffer): ScramError => errorOf(() => exchangeFor(null).serverFirst(message));

  function finalError(message: string): ScramError {
    const ex = exchangeFor(null, { serverNonce: 'SRV' });
    ex.serverFirst('n,,n=,r=CLI');
    return errorOf(() => ex.serverFinal(message));
  }

  it.each([
    ['', malformed('The message is empty.')],
    [
      'p=tls-server-end-point,,n=,r=abc',
      malformed('The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.'),
    ],
    ['x,,n=,r=abc', malformed('Unexpected channel-binding flag "\'x\'".')],
    ['\u00e9,,n=,r=abc', malformed('Unexpected channel-binding flag "0xc3".')],
    ['n', malformed('Comma expected, but found character "0x00".')],
    ['n,a=bob,n=,r=abc', { code: '0A000', message: 'client uses authorization identity, but it is not supported' }],
    ['n,x,n=,r=abc', malformed('Unexpected attribute "\'x\'" in client-first-message.')],
    ['n,,m=ext,n=,r=abc', { code: '0A000', message: 'client requires an unsupported SCRAM extension' }],
    ['n,,r=abc', malformed('Expected attribute "n" but found "\'r\'".')],
    ['n,,n', malformed('Expected character "=" for attribute "n".')],
    ['n,,n=', malformed('Expected attribute "r" but found "0x00".')],
    ['n,,n=,r=a b', { code: '08P01', message: 'non-printable characters in SCRAM nonce' }],
    ['n,,n=,r=abc,1=x', malformed('Attribute expected, but found invalid character "\'1\'".')],
  ])('client-first %j', (message, expected) => {
    expect(firstError(message)).toMatchObject(expected);
  });

  it('refuses a NUL byte, which cuts PostgreSQL\'s C string short, and a message over 1024 bytes', () => {
    expect(firstError(Buffer.from('n,,n=\0,r=abc', 'latin1'))).toMatchObject(malformed('Message length does not match input length.'));
    expect(firstError(`n,,n=,r=${'a'.repeat(1017)}`)).toMatchObject({ code: '08P01', message: 'invalid message length' });
    expect(exchangeFor(null).serverFirst(`n,,n=,r=${'a'.repeat(1016)}`)).toMatch(/^r=a{1016}/);
  });

  it('accepts what PostgreSQL accepts in a client-first-message', () => {
    for (const ok of ['n,,n=,r=abc', 'y,,n=user,r=abc', 'n,,n=*,r=abc,x=ext', 'n,,n=,r=abc,', 'n,,n=\u00e9,r=']) {
      expect(exchangeFor(null, { serverNonce: 'SRV' }).serverFirst(ok), ok).toMatch(/^r=[^,]*SRV,s=/);
    }
  });

  const proof = Buffer.alloc(32).toString('base64');
  it.each([
    [`c=eSws,r=CLISRV,p=${proof}`, { code: '08P01', message: 'unexpected SCRAM channel-binding attribute in client-final-message' }],
    [`r=CLISRV,p=${proof}`, malformed('Expected attribute "c" but found "\'r\'".')],
    ['c=biws,r=CLISRV', malformed('Attribute expected, but found end of string.')],
    ['c=biws,r=CLISRV,p=AAAA', malformed('Malformed proof in client-final-message.')],
    [`c=biws,r=CLISRV,p=${proof.slice(1)}!`, malformed('Malformed proof in client-final-message.')],
    [`c=biws,r=CLISRV,p=${proof},x`, malformed('Garbage found at the end of client-final-message.')],
    [`c=biws,r=CLISRVX,p=${proof}`, { code: '08P01', message: 'invalid SCRAM response', detail: 'Nonce does not match.' }],
    [`c=biws,r=CLI,p=${proof}`, { code: '08P01', message: 'invalid SCRAM response', detail: 'Nonce does not match.' }],
  ])('client-final %j', (message, expected) => {
    expect(finalError(message)).toMatchObject(expected);
  });

  it('refuses a mechanism other than SCRAM-SHA-256', () => {
    for (const mechanism of ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1', '']) {
      expect(() => new ScramExchange({ user: 'a', mechanism, storedPassword: null, mockSecret: MOCK_SECRET })).toThrow(
        expect.objectContaining({ code: '08P01', message: 'client selected an invalid SASL authentication mechanism' }),
      );
    }
  });
});

// ---- stored secrets and SASLprep -----------------------------------------------------------

describe('stored secrets', () => {
  it('parses what it makes, and says what is wrong with a bad one', () => {
    const salt = Buffer.alloc(16, 9);
    const secret = makeScramVerifier('pw', { salt, iterations: 10 });
    expect(secret).toMatch(/^SCRAM-SHA-256\$10:CQkJCQkJCQkJCQkJCQkJCQ==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(parseScramVerifier(secret)).toMatchObject({ iterations: 10, salt });
    expect(makeScramVerifier('pw').split(/[$:]/).slice(1, 3)).toEqual(['4096', expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/)]);

    const [, , saltText, storedKey, serverKey] = secret.split(/[$:]/);
    const bad: [string, string][] = [
      ['md5e3ba2a0c0e1f6ab4b7cae9f8d5fbe7ac', 'expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>'],
      [`SCRAM-SHA-1$10:${saltText}$${storedKey}:${serverKey}`, 'expected SCRAM-SHA-256'],
      [`SCRAM-SHA-256$0:${saltText}$${storedKey}:${serverKey}`, 'iteration count must be an integer from 1 to 2147483647'],
      [`SCRAM-SHA-256$-1:${saltText}$${storedKey}:${serverKey}`, 'iteration count'],
      [`SCRAM-SHA-256$2147483648:${saltText}$${storedKey}:${serverKey}`, 'iteration count'],
      [`SCRAM-SHA-256$10:$${storedKey}:${serverKey}`, 'salt is not non-empty base64'],
      [`SCRAM-SHA-256$10:a*b=$${storedKey}:${serverKey}`, 'salt is not non-empty base64'],
      [`SCRAM-SHA-256$10:${saltText}$${storedKey.slice(4)}:${serverKey}`, 'StoredKey is not 32 bytes of base64'],
      [`SCRAM-SHA-256$10:${saltText}$${storedKey}:${serverKey}:extra`, 'ServerKey is not 32 bytes of base64'],
      [`SCRAM-SHA-256$10:${saltText}$${storedKey}:${serverKey}\n`, 'ServerKey is not 32 bytes of base64'],
    ];
    for (const [text, why] of bad) {
      expect(() => parseScramVerifier(text), text).toThrow(
        expect.objectContaining({ code: '22P02', message: expect.stringContaining(why) }),
      );
      expect(scramVerifyPlainPassword('pw', text)).toBe(false);
    }
  });

  it('checks plaintext passwords against a secret', () => {
    const secret = makeScramVerifier('ｐａｓｓ', { iterations: 32 });
    expect(scramVerifyPlainPassword('pass', secret)).toBe(true);
    expect(scramVerifyPlainPassword('pas', secret)).toBe(false);
  });

  it('SASLprep follows RFC 4013 as PostgreSQL applies it', () => {
    const cases: [string, string | null][] = [
      ['I\u00ADX', 'IX'], // RFC 4013 section 3's examples
      ['user', 'user'],
      ['USER', 'USER'],
      ['\u00AA', 'a'],
      ['\u2168', 'IX'],
      ['\u0627\u0031', null],
      ['\u0007', '\u0007'], // the RFC prohibits it, but PostgreSQL passes pure ASCII through
      ['a\u00A0b\u3000c', 'a b c'],
      ['cafe\u0301', 'café'],
      ['ｐａｓｓ', 'pass'],
      ['\u0627\u0628', '\u0627\u0628'],
      ['\u05D0a\u05D0', null], // right-to-left with a left-to-right letter
      ['é\u0007', null],
      ['a\u0340', null], // prohibited before NFKC (which would make it U+0300), as PostgreSQL checks
      ['\u00AD', null], // nothing left
      ['🔑', null], // unassigned in Unicode 3.2
      ['\uE000', null], // private use
      ['x\uD800', null], // lone surrogate
    ];
    for (const [input, expected] of cases) expect(saslprep(input), JSON.stringify(input)).toBe(expected);
  });
});

// ---- property tests ------------------------------------------------------------------------

describe('properties', () => {
  const password = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });

  it('a made secret parses back to its parts and checks its password', () => {
    const salt = fc.uint8Array({ minLength: 1, maxLength: 32 });
    const iterationCount = fc.integer({ min: 1, max: 40 });
    fc.assert(
      fc.property(password, salt, iterationCount, (pw, salt, iterations) => {
        const secret = makeScramVerifier(pw, { salt, iterations });
        const parsed = parseScramVerifier(secret);
        expect(parsed.iterations).toBe(iterations);
        expect(parsed.salt.equals(salt)).toBe(true);
        expect(formatScramVerifier(parsed)).toBe(secret);
        expect(scramVerifyPlainPassword(pw, secret)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('node-postgres logs in with any password SASLprep accepts, and not with another', async () => {
    // Where SASLprep fails PostgreSQL hashes the raw password but node-postgres still
    // normalizes, so only passwords SASLprep accepts are portable between the two.
    await fc.assert(
      fc.asyncProperty(password.filter((pw) => saslprep(pw) !== null), async (pw) => {
        const secret = makeScramVerifier(pw, { iterations: 8 });
        expect(await login(pw, secret)).toMatchObject({ ok: true });
        expect(await login(`${pw}x`, secret)).toMatchObject({ ok: false, error: { code: '28P01' } });
      }),
      { numRuns: 40 },
    );
  });

  /** What a message led to: 'ok', an auth failure, or a ScramError's code; anything else is thrown on. */
  function outcome(step: () => string | ScramFinalResult): string {
    try {
      const result = step();
      if (typeof result === 'string' || result.ok) return 'ok';
      expect(result.error.code).toBe('28P01');
      return '28P01';
    } catch (e) {
      if (e instanceof ScramError && (e.code === '08P01' || e.code === '0A000')) return e.code;
      throw e;
    }
  }

  /** Edits applied to a valid message: replace, insert or delete one character at a position. */
  const edit = fc.tuple(
    fc.constantFrom('replace', 'insert', 'delete'),
    fc.nat(),
    fc.constantFrom(',', '=', 'n', 'y', 'p', 'r', 'c', 'a', 'm', '\0', ' ', 'é', 'A', '/'),
  );
  const edits = fc.array(edit, { minLength: 1, maxLength: 4 });
  function mutate(message: string, ops: [string, number, string][]): string {
    let out = message;
    for (const [op, at, char] of ops) {
      const i = at % (out.length + 1);
      if (op === 'insert') out = out.slice(0, i) + char + out.slice(i);
      else if (op === 'delete') out = out.slice(0, i) + out.slice(i + 1);
      else out = out.slice(0, i) + char + out.slice(i + 1);
    }
    return out;
  }
  const junk = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)));

  it('a random or mutated client-first-message is answered or refused as PostgreSQL would, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(junk, edits.map((ops) => mutate('n,,n=,r=fyko+d2lbbFgONRv9qkxdawL', ops))), (message) => {
        expect(['ok', '08P01', '0A000']).toContain(outcome(() => exchangeFor(null).serverFirst(message)));
      }),
      { numRuns: 1000 },
    );
  });

  it('a random or mutated client-final-message is answered or refused as PostgreSQL would, nothing else', async () => {
    // One real login fixes the messages: the same client-first and server nonce give the same exchange.
    const secret = makeScramVerifier('pencil', { iterations: 8 });
    const session = pgSasl.startSession(SCRAM_MECHANISMS);
    const clientFirst = session.response;
    const serverNonce = 'fixedServerNonce';
    const start = (stored: string | null): ScramExchange => {
      const ex = exchangeFor(stored, { serverNonce });
      ex.serverFirst(clientFirst);
      return ex;
    };
    await pgSasl.continueSession(session, 'pencil', exchangeFor(secret, { serverNonce }).serverFirst(clientFirst));
    const clientFinal = session.response;
    expect(start(secret).serverFinal(clientFinal)).toMatchObject({ ok: true });
    const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(',p='));

    fc.assert(
      fc.property(fc.oneof(junk, edits.map((ops) => mutate(clientFinal, ops))), fc.boolean(), (message, known) => {
        const result = outcome(() => start(known ? secret : null).serverFinal(message));
        expect(['ok', '28P01', '08P01', '0A000']).toContain(result);
        // Success needs the signed part untouched and a real secret behind it.
        if (result === 'ok') {
          expect(known).toBe(true);
          expect(String(message).startsWith(`${withoutProof},p=`)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

// ---- a real PostgreSQL 15 ------------------------------------------------------------------

const postgres = findPostgres();
const skipReason = 'missing' in postgres ? postgres.missing : null;

describe.skipIf(skipReason !== null)(`against PostgreSQL 15${skipReason === null ? '' : ` (skipped: ${skipReason})`}`, () => {
  let server: PostgresServer | undefined;
  let port = 0;
  let mockNonce = Buffer.alloc(0);
  let admin: pg.Client | undefined;
  const notices: string[] = [];

  beforeAll(async () => {
    server = await startPostgres({ hostAuth: 'scram-sha-256', settings: { password_encryption: 'scram-sha-256' } });
    port = server.port;
    const control = server.run('pg_controldata', ['-D', server.dataDir]);
    mockNonce = Buffer.from(/Mock authentication nonce:\s*([0-9a-f]{64})/.exec(control)![1], 'hex');
    admin = new pg.Client({ host: server.socketDir, port, user: server.user, database: server.database });
    admin.on('notice', (notice) => notices.push(notice.message ?? ''));
    await admin.connect();
    await admin.query('CREATE ROLE probe LOGIN; CREATE ROLE nopass LOGIN');
  });

  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  });

  async function setPassword(password: string): Promise<string | null> {
    await admin!.query(`ALTER ROLE probe PASSWORD ${admin!.escapeLiteral(password)}`);
    const { rows } = await admin!.query<{ rolpassword: string | null }>("SELECT rolpassword FROM pg_authid WHERE rolname = 'probe'");
    return rows[0].rolpassword;
  }

  /** Logs in over TCP (scram-sha-256 in pg_hba.conf): 'ok', or the error's SQLSTATE and message. */
  async function tryLogin(user: string, password: string, onServerFirst?: (message: string) => void): Promise<string> {
    const client = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres' });
    if (onServerFirst) client.connection.on('authenticationSASLContinue', (msg: { data: string }) => onServerFirst(msg.data));
    try {
      await client.connect();
      await client.end();
      return 'ok';
    } catch (e) {
      const error = e as { code?: string; message: string };
      return `${error.code} ${error.message}`;
    }
  }

  it('takes our secret as a pre-hashed password, and logs in with the plaintext', async () => {
    for (const password of ['correct horse battery staple', 'pässwörd', '🔑 ключ 钥匙']) {
      const secret = makeScramVerifier(password);
      // Stored verbatim only if PostgreSQL parsed it as a SCRAM secret; otherwise it would hash it.
      expect(await setPassword(secret)).toBe(secret);
      expect(await tryLogin('probe', password), password).toBe('ok');
      expect(await tryLogin('probe', `${password}!`)).toBe('28P01 password authentication failed for user "probe"');
      expect(await login(`${password}!`, secret, 'n', 'probe')).toEqual(failure('probe'));
    }
  });

  it('hashes plaintext passwords exactly as we do, SASLprep quirks included', async () => {
    const passwords = [
      'pencil',
      'I\u00ADX',
      '\u2168',
      'ｐａｓｓ',
      'a\u00A0b',
      'cafe\u0301',
      '\u0627\u0628',
      '\u0627\u0031', // bidi failure: raw bytes
      'a\u0340', // prohibited before NFKC: raw bytes
      'é\u0007', // control character: raw bytes
      '\u00AD', // nothing left after mapping: raw bytes
      '🔑ﬁ', // unassigned in Unicode 3.2, so not normalized: raw bytes
      '\uE000', // private use: raw bytes
    ];
    for (const password of passwords) {
      const stored = await setPassword(password);
      const { salt, iterations } = parseScramVerifier(stored!);
      expect(makeScramVerifier(password, { salt, iterations }), JSON.stringify(password)).toBe(stored);
      expect(scramVerifyPlainPassword(password, stored!)).toBe(true);
    }
  });

  it('sends the same fake salt as PostgreSQL for a user without a secret', async () => {
    for (const user of ['no_such_user', 'nopass']) {
      let serverFirst = '';
      expect(await tryLogin(user, 'guess', (message) => (serverFirst = message))).toBe(
        `28P01 password authentication failed for user "${user}"`,
      );
      const ours = exchangeFor(null, { user, mockSecret: mockNonce }).serverFirst('n,,n=,r=abc');
      expect(serverFirst.split(',').slice(1)).toEqual(ours.split(',').slice(1));
    }
  });

  it('never stores the empty password, even pre-hashed', async () => {
    await setPassword('something');
    notices.length = 0;
    expect(await setPassword('')).toBeNull();
    expect(await setPassword(EMPTY_PASSWORD_SECRET)).toBeNull();
    expect(notices).toEqual(Array(2).fill('empty string is not a valid password, clearing password'));
  });
});
