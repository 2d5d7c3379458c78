import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeSaslPlain, MAX_SASL_PLAIN_RESPONSE, proxiesAnotherUser } from './sasl-plain';

const padded = (s: string) => Buffer.from(s).toString('base64');
const unpadded = (s: string) => padded(s).replace(/=+$/, '');

describe('decodeBase64 (RFC 4648 4, padding optional)', () => {
  it('decodes padded and unpadded input alike', () => {
    for (const text of ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar']) {
      expect(decodeBase64(padded(text))?.toString(), padded(text)).toBe(text);
      expect(decodeBase64(unpadded(text))?.toString(), unpadded(text)).toBe(text);
    }
  });
  it('refuses characters outside the alphabet, misplaced or partial padding, and impossible lengths', () => {
    for (const bad of ['Zm9v YmFy', 'Zm9v\r\nYmFy', 'Zm9v!', 'Zm9v-_', 'Zg==Zm9v', 'Zg=', 'Zg===', 'Z', 'Zm9vY', '=', '==', 'Zm9v=']) {
      expect(decodeBase64(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('decodeSaslPlain (RFC 4616 2)', () => {
  it('splits authzid, authcid and password, padded or not, initial or continuation', () => {
    for (const encode of [padded, unpadded]) {
      for (const where of ['initial', 'continuation'] as const) {
        expect(decodeSaslPlain(encode('\0alice@x.test\0pw with spaces'), where)).toEqual({ ok: true, authzid: '', authcid: 'alice@x.test', password: 'pw with spaces' });
      }
    }
    expect(decodeSaslPlain(padded('Alice@x.test\0alice@x.test\0pw'), 'initial')).toEqual({ ok: true, authzid: 'Alice@x.test', authcid: 'alice@x.test', password: 'pw' });
    expect(decodeSaslPlain(unpadded('\0jürgen@x.test\0pässwörd ✓'), 'initial')).toMatchObject({ ok: true, authcid: 'jürgen@x.test', password: 'pässwörd ✓' });
  });

  it('needs exactly two NULs, a non-empty authcid and a non-empty password, in UTF-8', () => {
    for (const message of ['alice\0pw', '\0alice\0pw\0more', '\0\0pw', '\0alice\0', '', 'no nul at all']) {
      expect(decodeSaslPlain(padded(message), 'initial'), JSON.stringify(message)).toEqual({ ok: false, problem: 'malformed PLAIN response' });
    }
    const latin1 = Buffer.concat([Buffer.from('\0alice\0'), Buffer.from([0xe9, 0xff])]).toString('base64');
    expect(decodeSaslPlain(latin1, 'initial')).toEqual({ ok: false, problem: 'malformed PLAIN response' });
  });

  it('"=" is an empty initial response (RFC 9051 6.2.2, RFC 4954 4): malformed for PLAIN; in a continuation it is not base64', () => {
    expect(decodeSaslPlain('=', 'initial')).toEqual({ ok: false, problem: 'malformed PLAIN response' });
    expect(decodeSaslPlain('=', 'continuation')).toEqual({ ok: false, problem: 'invalid base64' });
    expect(decodeSaslPlain('', 'continuation')).toEqual({ ok: false, problem: 'malformed PLAIN response' });
  });

  it('"*" cancels; bad base64 and overlong responses are refused before decoding', () => {
    expect(decodeSaslPlain('*', 'initial')).toEqual({ ok: false, problem: 'cancelled' });
    expect(decodeSaslPlain('*', 'continuation')).toEqual({ ok: false, problem: 'cancelled' });
    expect(decodeSaslPlain('AGFsaWNlAHB3!', 'initial')).toEqual({ ok: false, problem: 'invalid base64' });
    expect(decodeSaslPlain(`${padded('\0a\0b')} `, 'continuation')).toEqual({ ok: false, problem: 'invalid base64' });
    const longest = padded(`\0alice\0${'p'.repeat((MAX_SASL_PLAIN_RESPONSE / 4) * 3 - 7)}`);
    expect(longest).toHaveLength(MAX_SASL_PLAIN_RESPONSE);
    expect(decodeSaslPlain(longest, 'initial')).toMatchObject({ ok: true, authcid: 'alice' });
    expect(decodeSaslPlain(`${longest}AAAA`, 'initial')).toEqual({ ok: false, problem: 'too long' });
  });
});

describe('proxiesAnotherUser', () => {
  it('is true only for a non-empty authzid naming someone else (case-insensitively)', () => {
    expect(proxiesAnotherUser({ authzid: '', authcid: 'alice@x.test' })).toBe(false);
    expect(proxiesAnotherUser({ authzid: 'ALICE@x.test', authcid: 'alice@x.test' })).toBe(false);
    expect(proxiesAnotherUser({ authzid: 'bob@x.test', authcid: 'alice@x.test' })).toBe(true);
  });
});
