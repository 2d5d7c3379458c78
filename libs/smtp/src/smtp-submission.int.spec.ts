import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
// eslint-disable-next-line no-restricted-imports -- the test reads the DSN columns of outbound rows straight from Postgres
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mail, mailboxContents, seedDirectory, SmtpTalk, startSmtpHarness, type SmtpHarness } from './test-support/smtp-harness';

const run = promisify(execFile);
let h: SmtpHarness;
const PLAIN = (user: string, pass: string) => Buffer.from(`\0${user}\0${pass}`).toString('base64');

beforeAll(async () => {
  h = await startSmtpHarness();
  await seedDirectory(h.db);
});
afterAll(async () => {
  await h?.close();
});

async function login(port: number, user = 'alice@example.test', options: { tls?: boolean; starttls?: boolean } = {}) {
  const c = await SmtpTalk.connect(port, { tls: options.tls });
  await c.cmd('EHLO laptop.example');
  if (options.starttls) {
    await c.starttls();
    await c.cmd('EHLO laptop.example');
  }
  expect(await c.cmd(`AUTH PLAIN ${PLAIN(user, 'secret-password')}`)).toBe('235 2.7.0 Authentication successful');
  return c;
}

async function rows(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: h.db.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('submission: authentication', () => {
  it('does not offer AUTH before TLS to a non-loopback client (538 5.7.11), and does after STARTTLS', async () => {
    const ports = await h.extra({ trustLoopback: false });
    const c = await SmtpTalk.connect(ports.submission);
    const ehlo = await c.cmd('EHLO laptop.example');
    expect(ehlo).toContain('STARTTLS');
    expect(ehlo).not.toMatch(/AUTH/);
    expect(await c.cmd(`AUTH PLAIN ${PLAIN('alice@example.test', 'secret-password')}`)).toBe('538 5.7.11 Encryption required for requested authentication mechanism');
    expect(await c.cmd('MAIL FROM:<alice@example.test>')).toBe('530 5.7.0 Authentication required');
    expect(await c.starttls()).toMatch(/^220 /);
    const secured = await c.cmd('EHLO laptop.example');
    expect(secured).toMatch(/250-AUTH PLAIN LOGIN/);
    expect(secured).not.toContain('STARTTLS');
    expect(await c.cmd(`AUTH PLAIN ${PLAIN('alice@example.test', 'secret-password')}`)).toBe('235 2.7.0 Authentication successful');
    c.close();
  });

  it('counts loopback as secured (AUTH offered on the plain port), and MAILSTEAD_INSECURE_AUTH opens it to everyone', async () => {
    const c = await SmtpTalk.connect(h.ports.submission);
    expect(await c.cmd('EHLO laptop.example')).toMatch(/AUTH PLAIN LOGIN/);
    c.close();
    const ports = await h.extra({ trustLoopback: false, insecureAuth: true });
    const d = await SmtpTalk.connect(ports.submission);
    expect(await d.cmd('EHLO laptop.example')).toMatch(/AUTH PLAIN LOGIN/);
    d.close();
  });

  it('refuses bad credentials with 535 5.7.8 and throttles repeated failures with 454 4.7.0', async () => {
    const c = await SmtpTalk.connect(h.ports.submissions, { tls: true });
    await c.cmd('EHLO laptop.example');
    const replies: string[] = [];
    for (let i = 0; i < 6; i++) replies.push(await c.cmd(`AUTH PLAIN ${PLAIN('dave@example.test', 'wrong')}`));
    expect(replies[0]).toBe('535 5.7.8 Authentication credentials invalid');
    expect(replies[5]).toBe('454 4.7.0 Too many failed authentication attempts, try again later');
    c.close();
  });

  it('refuses AUTH PLAIN asking to act as another user (authzid not the authcid) with 535 5.7.8, even with the right password', async () => {
    // Issue 19 item 11: this signed in as alice and ignored the authzid.
    const c = await SmtpTalk.connect(h.ports.submissions, { tls: true });
    await c.cmd('EHLO laptop.example');
    const asBob = Buffer.from('bob@example.test\0alice@example.test\0secret-password').toString('base64');
    expect(await c.cmd(`AUTH PLAIN ${asBob}`)).toBe('535 5.7.8 Proxy authorization is not supported');
    // The same identity twice (any case) and an empty authzid are the user itself.
    const self = Buffer.from('Alice@Example.test\0alice@example.test\0secret-password').toString('base64');
    expect(await c.cmd(`AUTH PLAIN ${self}`)).toBe('235 2.7.0 Authentication successful');
    c.close();
  });

  it('AUTH LOGIN works over implicit TLS', async () => {
    const c = await SmtpTalk.connect(h.ports.submissions, { tls: true });
    expect(await c.cmd('EHLO laptop.example')).toMatch(/AUTH PLAIN LOGIN/);
    expect(await c.cmd('AUTH LOGIN')).toMatch(/^334 /);
    expect(await c.cmd(Buffer.from('bob@example.test').toString('base64'))).toMatch(/^334 /);
    expect(await c.cmd(Buffer.from('secret-password').toString('base64'))).toBe('235 2.7.0 Authentication successful');
    c.close();
  });
});

describe('submission: sender ownership and message preparation', () => {
  it('refuses a MAIL FROM the user does not own (553 5.7.1) but accepts an alias that reaches it', async () => {
    const c = await login(h.ports.submission);
    expect(await c.cmd('MAIL FROM:<bob@example.test>')).toBe('553 5.7.1 Sender address not owned by the authenticated user');
    expect(await c.cmd('MAIL FROM:<>')).toBe('553 5.7.1 Sender address not owned by the authenticated user');
    expect(await c.cmd('MAIL FROM:<info@example.test>')).toMatch(/^250 /);
    c.close();
  });

  it('accepts an address an admin granted, and refuses it again once revoked', async () => {
    const alice = (await h.db.store.accounts.findByAddress('alice@example.test'))!;
    await h.db.store.recipients.grantSender(alice.id, 'Press@Example.test');
    const c = await login(h.ports.submission);
    expect(await c.cmd('MAIL FROM:<press@example.test>')).toMatch(/^250 /);
    expect(await c.cmd('RCPT TO:<dave@example.test>')).toMatch(/^250 /);
    expect(await c.data(mail({ From: 'Press Office <press@example.test>', Subject: 'granted sender' }))).toMatch(/^250 /);
    await h.db.store.recipients.revokeSender(alice.id, 'press@example.test');
    expect(await c.cmd('MAIL FROM:<press@example.test>')).toBe('553 5.7.1 Sender address not owned by the authenticated user');
    c.close();
    expect((await mailboxContents(h.db, 'dave@example.test')).some((m) => m.includes('granted sender'))).toBe(true);
  });

  it('refuses a header From the user does not own after DATA (553 5.7.1), storing nothing', async () => {
    const c = await login(h.ports.submission);
    await c.cmd('MAIL FROM:<alice@example.test>');
    await c.cmd('RCPT TO:<dave@example.test>');
    expect(await c.data(mail({ From: 'ceo@example.test', Subject: 'forged from' }))).toBe('553 5.7.1 Sender address not owned by the authenticated user');
    c.close();
    expect((await mailboxContents(h.db, 'dave@example.test')).some((m) => m.includes('forged from'))).toBe(false);
  });

  it('refuses a From that is only an encoded word showing another address (553 5.7.1), and two From fields (550 5.6.0), storing nothing', async () => {
    // Issue 19 item 5: accepted before, stored with a second From added, shown as from bob.
    const c = await login(h.ports.submission);
    await c.cmd('MAIL FROM:<alice@example.test>');
    await c.cmd('RCPT TO:<dave@example.test>');
    expect(await c.data(mail({ From: '=?utf-8?q?bob=40example=2Etest?=', Subject: 'encoded from' }))).toBe('553 5.7.1 Sender address not owned by the authenticated user');
    await c.cmd('MAIL FROM:<alice@example.test>');
    await c.cmd('RCPT TO:<dave@example.test>');
    const twoFroms = `From: alice@example.test\r\n${mail({ From: 'bob@example.test', Subject: 'two froms' })}`;
    expect(await c.data(twoFroms)).toBe('550 5.6.0 A message has one From: field (RFC 5322 3.6)');
    c.close();
    const stored = await mailboxContents(h.db, 'dave@example.test');
    expect(stored.some((m) => m.includes('encoded from') || m.includes('two froms'))).toBe(false);
  });

  it('relays for the authenticated user: strips Bcc, adds Message-ID and Date, files a Sent copy, records DSN parameters on the outbound row', async () => {
    const c = await login(h.ports.submission);
    expect(await c.cmd('MAIL FROM:<alice@example.test> RET=HDRS ENVID=env-42')).toMatch(/^250 /);
    expect(await c.cmd('RCPT TO:<friend@remote.example> NOTIFY=FAILURE,DELAY ORCPT=rfc822;friend@remote.example')).toMatch(/^250 /);
    expect(await c.cmd('RCPT TO:<bob@example.test>')).toMatch(/^250 /);
    expect(await c.cmd('RCPT TO:<secret@remote.example>')).toMatch(/^250 /);
    const body = 'From: Alice <alice@example.test>\r\nTo: friend@remote.example, bob@example.test\r\nBcc: secret@remote.example\r\nSubject: submitted\r\n\r\nHi!\r\n';
    expect(await c.data(body)).toMatch(/^250 2\.0\.0 Ok: stored/);
    c.close();

    const bobs = (await mailboxContents(h.db, 'bob@example.test')).find((m) => m.includes('Subject: submitted'))!;
    expect(bobs).not.toMatch(/^Bcc:/im);
    expect(bobs).toMatch(/^Message-ID: <[^>]+@mx\.example\.test>\r$/m);
    expect(bobs).toMatch(/^Date: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r$/m);
    expect(bobs).toMatch(/with ESMTPA\r\n\t\(authenticated as alice@example\.test\)/);
    expect(bobs).not.toContain('Authentication-Results');

    const alice = (await h.db.store.accounts.findByAddress('alice@example.test'))!;
    const sentBox = (await h.db.store.mailboxes.findByName(alice.id, 'Sent'))!;
    const sent = (await h.db.store.messages.list(sentBox.id)).filter((m) => m.subject === 'submitted');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.seen).toBe(true);
    const sentRaw = (await h.db.store.messages.raw(sentBox.id, sent[0]!.uid)).toString();
    expect(sentRaw).toContain('Bcc: secret@remote.example');
    expect(sentRaw).not.toContain('Received:');

    const out = await rows(
      `SELECT o.sender, o.domain, o.dsn_envelope_id, o.dsn_return, r.address, r.notify, r.orcpt, b.data
       FROM outbound o JOIN outbound_recipient r ON r.outbound_id = o.id JOIN blob b ON b.id = o.blob_id
       WHERE o.sender = 'alice@example.test' ORDER BY r.address`,
    );
    expect(out.map((r) => [r.domain, r.address, r.dsn_envelope_id, r.dsn_return, r.notify, r.orcpt])).toEqual([
      ['remote.example', 'friend@remote.example', 'env-42', 'HDRS', ['FAILURE', 'DELAY'], 'rfc822;friend@remote.example'],
      ['remote.example', 'secret@remote.example', 'env-42', 'HDRS', [], null],
    ]);
    const outgoing = (out[0]!.data as Buffer).toString();
    expect(outgoing).not.toContain('Bcc:');
    expect(outgoing).not.toContain('Return-Path:');
    expect(outgoing).toMatch(/^Received: from laptop\.example/);
  });

  it('EXPN lists a list\'s members to authenticated users when enabled', async () => {
    const ports = await h.extra({ allowExpn: true });
    const anon = await SmtpTalk.connect(ports.submission);
    await anon.cmd('EHLO laptop.example');
    expect(await anon.cmd('EXPN team@example.test')).toBe('502 5.5.1 EXPN not available');
    anon.close();
    const c = await login(ports.submission);
    expect(await c.cmd('EXPN team@example.test')).toBe(
      '250-2.1.5 <alice@example.test>\r\n250-2.1.5 <bob@example.test>\r\n250 2.1.5 <member@remote.example>',
    );
    c.close();
  });
});

describe('submission: real clients', () => {
  const transport = (port: number, secure: boolean) =>
    nodemailer.createTransport({ host: '127.0.0.1', port, secure, requireTLS: !secure, auth: { user: 'bob@example.test', pass: 'secret-password' }, tls: { rejectUnauthorized: false } });

  it('nodemailer delivers over STARTTLS and over implicit TLS', async () => {
    for (const [port, secure] of [[h.ports.submission, false], [h.ports.submissions, true]] as const) {
      const info = await transport(port, secure).sendMail({ from: 'bob@example.test', to: 'dave@example.test', subject: `nodemailer secure=${secure}`, text: 'hello from nodemailer' });
      expect(info.response).toMatch(/^250 2\.0\.0 Ok: stored/);
    }
    const dave = await mailboxContents(h.db, 'dave@example.test');
    const viaStarttls = dave.find((m) => m.includes('nodemailer secure=false'))!;
    expect(viaStarttls).toMatch(/with ESMTPSA\r\n\t\(TLSv1\.3 cipher TLS_\w+\)\r\n\t\(authenticated as bob@example\.test\)/);
    expect(dave.some((m) => m.includes('nodemailer secure=true'))).toBe(true);
  });

  it('swaks delivers with STARTTLS and AUTH LOGIN', async () => {
    const { stdout } = await run('swaks', [
      '--server', '127.0.0.1', '--port', String(h.ports.submission), '--tls', '--auth', 'LOGIN',
      '--auth-user', 'bob@example.test', '--auth-password', 'secret-password', '--from', 'bob@example.test', '--to', 'dave@example.test',
      '--header', 'Subject: via swaks', '--body', 'swaks body', '--hide-informational',
    ]);
    expect(stdout).toMatch(/<~\s+250 2\.0\.0 Ok: stored/);
    expect((await mailboxContents(h.db, 'dave@example.test')).some((m) => m.includes('Subject: via swaks'))).toBe(true);
  });

  it('Python smtplib delivers with STARTTLS and login, and to the MX port without auth', async () => {
    const script = `
import smtplib, ssl, sys
port, mx = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
with smtplib.SMTP('127.0.0.1', port) as s:
    s.starttls(context=ctx)
    s.login('bob@example.test', 'secret-password')
    s.sendmail('bob@example.test', ['dave@example.test'], 'From: bob@example.test\\r\\nSubject: via smtplib\\r\\n\\r\\nhi\\r\\n')
with smtplib.SMTP('127.0.0.1', mx) as s:
    s.sendmail('someone@remote.example', ['dave@example.test'], 'From: someone@remote.example\\r\\nSubject: smtplib to mx\\r\\n\\r\\nhi\\r\\n')
    try:
        s.sendmail('someone@remote.example', ['x@elsewhere.example'], 'Subject: relay\\r\\n\\r\\nhi\\r\\n')
    except smtplib.SMTPRecipientsRefused as e:
        print(e.recipients['x@elsewhere.example'][0])
print('done')
`;
    const { stdout } = await run('python3', ['-c', script, String(h.ports.submission), String(h.ports.mx)]);
    expect(stdout.trim().split('\n')).toEqual(['554', 'done']);
    const dave = await mailboxContents(h.db, 'dave@example.test');
    expect(dave.some((m) => m.includes('Subject: via smtplib'))).toBe(true);
    expect(dave.some((m) => m.includes('Subject: smtplib to mx'))).toBe(true);
  });
});
