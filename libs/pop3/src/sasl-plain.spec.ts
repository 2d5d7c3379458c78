import { describe, expect, it } from 'vitest';
import { decodePlainResponse } from './sasl-plain';

const enc = (s: string) => Buffer.from(s).toString('base64');

describe('decodePlainResponse', () => {
  it('accepts an empty or identical authzid', () => {
    expect(decodePlainResponse(enc('\0alice@x.test\0pw with spaces'))).toEqual({ ok: true, username: 'alice@x.test', password: 'pw with spaces' });
    expect(decodePlainResponse(enc('Alice@x.test\0alice@x.test\0pw'))).toMatchObject({ ok: true, username: 'alice@x.test' });
  });
  it('refuses another authzid, malformed responses and bad base64', () => {
    expect(decodePlainResponse(enc('bob@x.test\0alice@x.test\0pw'))).toMatchObject({ ok: false });
    expect(decodePlainResponse(enc('alice\0pw'))).toMatchObject({ ok: false });
    expect(decodePlainResponse(enc('\0\0pw'))).toMatchObject({ ok: false });
    expect(decodePlainResponse('not base64!')).toMatchObject({ ok: false });
    expect(decodePlainResponse('')).toMatchObject({ ok: false });
  });
});
