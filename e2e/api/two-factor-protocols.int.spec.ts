import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCertificate } from '@mailstead/testing';
import { addUser, Client, startApi, type ApiHarness } from './api-harness';

const run = promisify(execFile);

/**
 * Signs in with Python's imaplib (LOGIN and AUTHENTICATE PLAIN), poplib (USER/PASS and AUTH
 * PLAIN) and smtplib (AUTH PLAIN and LOGIN) and prints what each server answered.
 */
const PYTHON_CLIENTS = String.raw`
import base64, imaplib, json, poplib, smtplib, sys
imap_port, pop3_port, smtp_port, user, password = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
plain = base64.b64encode(('\0' + user + '\0' + password).encode()).decode()
out = {}
def imap(kind):
    c = imaplib.IMAP4('127.0.0.1', imap_port)
    try:
        if kind == 'login': typ, data = c.login(user, password)
        else: typ, data = c.authenticate('PLAIN', lambda _: ('\0' + user + '\0' + password).encode())
        c.logout()
        return 'OK ' + data[0].decode()
    except imaplib.IMAP4.error as e:
        reason = e.args[0]
        return reason.decode() if isinstance(reason, bytes) else str(reason)
def pop3(kind):
    c = poplib.POP3('127.0.0.1', pop3_port)
    try:
        if kind == 'user':
            c.user(user)
            r = c.pass_(password)
        else:
            r = c._shortcmd('AUTH PLAIN ' + plain)
        c.quit()
        return r.decode()
    except poplib.error_proto as e:
        return e.args[0].decode()
def smtp(mechanism):
    c = smtplib.SMTP('127.0.0.1', smtp_port)
    c.ehlo('client.test')
    c.user, c.password = user, password
    try:
        code, text = c.auth(mechanism, getattr(c, 'auth_' + mechanism.lower()), initial_response_ok=True)
        c.quit()
        return '%d %s' % (code, text.decode())
    except smtplib.SMTPAuthenticationError as e:
        return '%d %s' % (e.smtp_code, e.smtp_error.decode())
out['imap_login'] = imap('login')
out['imap_authenticate'] = imap('authenticate')
out['pop3_user'] = pop3('user')
out['pop3_auth'] = pop3('auth')
out['smtp_plain'] = smtp('PLAIN')
out['smtp_login'] = smtp('LOGIN')
print(json.dumps(out))
`;

type Answers = Record<'imap_login' | 'imap_authenticate' | 'pop3_user' | 'pop3_auth' | 'smtp_plain' | 'smtp_login', string>;

let api: ApiHarness;

async function signInEverywhere(user: string, password: string): Promise<Answers> {
  const { imap, pop3, smtp } = api.config;
  const r = await run('python3', ['-c', PYTHON_CLIENTS, String(imap.plain.port), String(pop3.plain.port), String(smtp.submission.port), user, password]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Answers;
}

const ACCEPTED = {
  imap_login: expect.stringMatching(/^OK /),
  imap_authenticate: expect.stringMatching(/^OK /),
  pop3_user: expect.stringMatching(/^\+OK /),
  pop3_auth: expect.stringMatching(/^\+OK /),
  smtp_plain: expect.stringMatching(/^235 /),
  smtp_login: expect.stringMatching(/^235 /),
};

const APP_PASSWORD_REQUIRED: Answers = {
  imap_login: '[AUTHENTICATIONFAILED] Use an app password (two-factor sign-in is on)',
  imap_authenticate: '[AUTHENTICATIONFAILED] Use an app password (two-factor sign-in is on)',
  pop3_user: '-ERR [AUTH] Use an app password (two-factor sign-in is on)',
  pop3_auth: '-ERR [AUTH] Use an app password (two-factor sign-in is on)',
  smtp_plain: '535 5.7.8 Use an app password (two-factor sign-in is on)',
  smtp_login: '535 5.7.8 Use an app password (two-factor sign-in is on)',
};

const code = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();

beforeAll(async () => {
  const { cert, key } = await testCertificate();
  api = await startApi({
    env: { MAILSTEAD_ROLES: 'api,imap,pop3,smtp', MAILSTEAD_INSECURE_AUTH: 'yes', MAILSTEAD_HOSTNAME: 'mail.two-factor.test' },
    tls: { cert: Buffer.from(cert), key: Buffer.from(key) },
  });
});
afterAll(async () => api?.stop());

describe('two-factor sign-in on the mail protocols (issue 19 item 1)', () => {
  it('once TOTP is enrolled, IMAP, POP3 and SMTP refuse the account password and take app passwords', async () => {
    await addUser(api.db, 'tara@two-factor.test', 'tara-password');
    expect(await signInEverywhere('tara@two-factor.test', 'tara-password')).toEqual(ACCEPTED);

    const web = new Client(api.base);
    await web.login('tara@two-factor.test', 'tara-password');
    const { secret } = await web.json('POST', '/api/auth/totp/enroll');
    await web.json('POST', '/api/auth/totp/verify', { code: code(secret) });
    const { password: appPassword } = await web.json('POST', '/api/auth/app-passwords', { label: 'python' }, 201);

    expect(await signInEverywhere('tara@two-factor.test', 'tara-password')).toEqual(APP_PASSWORD_REQUIRED);
    expect(await signInEverywhere('tara@two-factor.test', appPassword)).toEqual(ACCEPTED);
    // A wrong password says nothing about two-factor sign-in.
    expect((await signInEverywhere('tara@two-factor.test', 'not-the-password')).imap_login).toBe('[AUTHENTICATIONFAILED] Invalid credentials');
  });

  it('a domain that requires TOTP takes only app passwords, also from accounts not enrolled yet', async () => {
    const account = await addUser(api.db, 'una@strict.test', 'una-password');
    expect(await signInEverywhere('una@strict.test', 'una-password')).toEqual(ACCEPTED);
    const domain = (await api.db.store.domains.findByName('strict.test'))!;
    await api.db.store.admin.updateDomain(domain.id, { requireTotp: true });
    expect(await signInEverywhere('una@strict.test', 'una-password')).toEqual(APP_PASSWORD_REQUIRED);
    expect(account.totpSecret).toBeNull();
  });
});
