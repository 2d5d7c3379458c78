import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, Client, startApi, type ApiHarness } from './api-harness';

let api: ApiHarness;

const code = (secret: string, offsetSteps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

beforeAll(async () => {
  api = await startApi();
  await addUser(api.db, 'tina@totp.test', 'tina-password');
});
afterAll(async () => api?.stop());

describe('TOTP second factor', () => {
  let secret: string;
  let recoveryCodes: string[];

  it('enrols with a QR code, and turns on only after a correct code', async () => {
    const c = new Client(api.base);
    await c.login('tina@totp.test', 'tina-password');
    const enrollment = await c.json('POST', '/api/auth/totp/enroll');
    secret = enrollment.secret;
    expect(enrollment.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Mailstead:tina%40totp\.test\?/);
    expect(enrollment.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect((await c.request('POST', '/api/auth/totp/verify', { code: '000000' === code(secret) ? '111111' : '000000' })).status).toBe(400);
    expect((await c.request('POST', '/api/auth/totp/verify', { code: 'abc' })).status).toBe(400);
    expect((await c.json('GET', '/api/auth/me')).account.totpEnabled).toBe(false);
    recoveryCodes = (await c.json('POST', '/api/auth/totp/verify', { code: code(secret) })).recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect((await c.json('GET', '/api/auth/me')).account.totpEnabled).toBe(true);
    expect((await c.request('POST', '/api/auth/totp/enroll')).status).toBe(409);
  });

  it('then requires a code at login: missing, wrong and replayed codes are refused', async () => {
    const c = new Client(api.base);
    const missing = await c.request('POST', '/api/auth/login', { address: 'tina@totp.test', password: 'tina-password' });
    expect(missing.status).toBe(401);
    expect(await errorCode(missing)).toBe('totp_required');
    expect(missing.headers.getSetCookie()).toEqual([]);
    const wrongPassword = await c.request('POST', '/api/auth/login', { address: 'tina@totp.test', password: 'nope', totp: code(secret) });
    expect(await errorCode(wrongPassword)).toBe('unauthorized');
    const wrong = await c.request('POST', '/api/auth/login', { address: 'tina@totp.test', password: 'tina-password', totp: '12345x' });
    expect(await errorCode(wrong)).toBe('totp_invalid');
    // The code used for enrolment's step may still be valid: use the next step, as an authenticator app would.
    const next = code(secret, 1);
    expect((await c.request('POST', '/api/auth/login', { address: 'tina@totp.test', password: 'tina-password', totp: next })).status).toBe(200);
    const replay = await new Client(api.base).request('POST', '/api/auth/login', { address: 'tina@totp.test', password: 'tina-password', totp: next });
    expect(await errorCode(replay)).toBe('totp_invalid');
  });

  it('accepts each recovery code once', async () => {
    const login = (totp: string) => new Client(api.base).request('POST', '/api/auth/login', { address: 'tina@totp.test', password: 'tina-password', totp });
    expect((await login(recoveryCodes[0]!.toUpperCase())).status).toBe(200);
    expect(await errorCode(await login(recoveryCodes[0]!))).toBe('totp_invalid');
    expect((await login(recoveryCodes[1]!)).status).toBe(200);
  });

  it('turns off only with the password', async () => {
    const fresh = new Client(api.base);
    const res = await fresh.request('POST', '/api/auth/login', { address: 'tina@totp.test', password: 'tina-password', totp: recoveryCodes[3] });
    fresh.csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
    expect((await fresh.request('POST', '/api/auth/totp/disable', { password: 'wrong' })).status).toBe(400);
    await fresh.json('POST', '/api/auth/totp/disable', { password: 'tina-password' });
    expect((await new Client(api.base).login('tina@totp.test', 'tina-password')).status).toBe(200);
  });

  it('throttles repeated wrong codes', async () => {
    await addUser(api.db, 'ted@totp.test', 'ted-password');
    const c = new Client(api.base);
    await c.login('ted@totp.test', 'ted-password');
    const { secret: tedSecret } = await c.json('POST', '/api/auth/totp/enroll');
    await c.json('POST', '/api/auth/totp/verify', { code: code(tedSecret) });
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) last = await new Client(api.base).request('POST', '/api/auth/login', { address: 'ted@totp.test', password: 'ted-password', totp: `bad-${i}` });
    expect(last!.status).toBe(429);
  });
});
