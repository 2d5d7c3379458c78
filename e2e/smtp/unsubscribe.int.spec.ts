// RFC 8058 one-click unsubscribe end to end: a list post delivered over SMTP (swaks on the MX
// port) carries each member's signed link; curl POSTs List-Unsubscribe=One-Click to it on the
// real HTTP API and the member is gone; a tampered link is refused. The SMTP side gets its
// links from the same wiring the smtp role uses (runtime/secret.ts listLinks).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, LoginThrottle } from '@mailstead/auth';
import { parseConfig } from '@mailstead/config';
import { RecipientResolver } from '@mailstead/pipeline';
import { SmtpFrontEnd, type SmtpContext } from '@mailstead/smtp';
import { runtimeConfig, testCertificate } from '@mailstead/testing';
import { listLinks } from '../../apps/server/src/runtime/secret';
import { addUser, startApi, type ApiHarness } from '../api/api-harness';

const run = promisify(execFile);
const SECRET = 'one-click-test-secret-0123456789';
let api: ApiHarness;
let smtp: SmtpFrontEnd;
let mxPort: number;

beforeAll(async () => {
  api = await startApi({ env: { MAILSTEAD_SECRET: SECRET } });
  const store = api.db.store;
  for (const u of ['bob', 'carol', 'dave']) await addUser(api.db, `${u}@example.test`, 'not-used-password');
  await store.lists.create({ address: 'team@example.test', name: 'Team', policy: 'open' });
  for (const u of ['bob', 'carol']) await store.lists.addMember('team@example.test', `${u}@example.test`);
  // the SMTP side: links under the API's address (a test stands in for the public https URL)
  const config = await runtimeConfig({ MAILSTEAD_PUBLIC_URL: api.base, MAILSTEAD_SECRET: SECRET });
  const ctx: SmtpContext = {
    store,
    resolver: new RecipientResolver(store),
    authenticator: new Authenticator(store, new LoginThrottle(api.redis, { maxFailuresPerIp: 50, maxFailuresPerAccount: 5, windowSeconds: 60 }, `test:${api.db.name}`)),
    hostname: 'mx.example.test',
    limits: { maxMessageSize: 200_000, maxRecipients: 20, maxConnections: 100, maxConnectionsPerIp: 50, idleTimeoutSeconds: 30, greetingDelayMs: 0 },
    insecureAuth: false,
    allowExpn: false,
    senderChecks: false,
    dmarcReject: false,
    listLinks: listLinks(config),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
  };
  smtp = new SmtpFrontEnd(ctx, await testCertificate());
  [{ port: mxPort }] = await smtp.listen([{ kind: 'mx', host: '127.0.0.1', port: 0 }]);
});

afterAll(async () => {
  await smtp?.close();
  await api?.stop();
});

async function inbox(address: string): Promise<string[]> {
  const account = (await api.db.store.accounts.findByAddress(address))!;
  const box = (await api.db.store.mailboxes.findByName(account.id, 'INBOX'))!;
  const rows = await api.db.store.messages.list(box.id);
  return Promise.all(rows.map(async (r) => (await api.db.store.messages.raw(box.id, r.uid)).toString('latin1')));
}

const field = (message: string, name: string) => new RegExp(`\\r\\n${name}: ([^\\r\\n]*)\\r\\n`, 'i').exec(`\r\n${message}`)?.[1];

async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-s', '-w', '\\n%{http_code}', ...args]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

describe('RFC 8058 one-click unsubscribe', () => {
  let bobLink = '';
  let carolLink = '';

  it('a list post delivered over SMTP carries each member its own HTTPS-style link and List-Unsubscribe-Post', async () => {
    await run('swaks', ['--server', '127.0.0.1', '--port', String(mxPort), '--from', 'poster@remote.example', '--to', 'team@example.test', '--header', 'Subject: weekly notes', '--body', 'hello team', '--hide-all']);
    const [bob] = (await inbox('bob@example.test')).filter((m) => m.includes('weekly notes'));
    const [carol] = (await inbox('carol@example.test')).filter((m) => m.includes('weekly notes'));
    expect(bob && carol).toBeTruthy();
    bobLink = /^<([^>]+)>$/.exec(field(bob!, 'List-Unsubscribe') ?? '')![1]!;
    carolLink = /^<([^>]+)>$/.exec(field(carol!, 'List-Unsubscribe') ?? '')![1]!;
    expect(bobLink.startsWith(`${api.base}/api/lists/unsubscribe/`)).toBe(true);
    expect(carolLink).not.toBe(bobLink);
    expect(field(bob!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(field(bob!, 'Delivered-To')).toBe('bob@example.test');
    // by default the links are https://<hostname>/...
    expect(parseConfig({ MAILSTEAD_HOSTNAME: 'mail.example.org' }).publicUrl).toBe('https://mail.example.org');
  });

  it('GET shows a page and changes nothing (link scanners fetch links)', async () => {
    const page = await curl([bobLink]);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<form method="post">');
    expect(page.body).toContain('bob@example.test');
    expect((await api.db.store.lists.members('team@example.test')).map((m) => m.address)).toEqual(['bob@example.test', 'carol@example.test']);
  });

  it('a tampered or foreign link is refused with 404 and removes nobody', async () => {
    const [prefix, id, , mac] = /^(.*\/)(\d+)\.([^.]+)\.([^.]+)$/.exec(bobLink)!.slice(1);
    const asCarol = `${prefix}${id}.${Buffer.from('carol@example.test').toString('base64url')}.${mac}`;
    for (const url of [asCarol, `${bobLink}x`, `${prefix}${Number(id) + 1}.${bobLink.split('.').slice(-2).join('.')}`, `${prefix}garbage`]) {
      const r = await curl(['-X', 'POST', '-d', 'List-Unsubscribe=One-Click', url]);
      expect(r.status, url).toBe(404);
    }
    expect((await curl([asCarol])).status).toBe(404);
    expect((await api.db.store.lists.members('team@example.test')).map((m) => m.address)).toEqual(['bob@example.test', 'carol@example.test']);
  });

  it('POST List-Unsubscribe=One-Click (urlencoded, no cookie, no CSRF token) removes the member, once, with an audit entry', async () => {
    const r = await curl(['-X', 'POST', '-H', 'Content-Type: application/x-www-form-urlencoded', '-d', 'List-Unsubscribe=One-Click', bobLink]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ list: 'team@example.test', member: 'bob@example.test', removed: true });
    expect((await api.db.store.lists.members('team@example.test')).map((m) => m.address)).toEqual(['carol@example.test']);
    const audit = (await api.db.store.audit.recent()).find((a) => a.action === 'list.unsubscribe');
    expect(audit).toMatchObject({ actor: 'bob@example.test', target: 'team@example.test' });
    // a retry answers the same way without removing anything more
    const again = await curl(['-X', 'POST', '-d', 'List-Unsubscribe=One-Click', bobLink]);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ removed: false });
    expect((await curl([bobLink])).body).toContain('no longer');
  });

  it('accepts the multipart/form-data body RFC 8058 also allows, and the next post skips the unsubscribed member', async () => {
    const r = await curl(['-X', 'POST', '-F', 'List-Unsubscribe=One-Click', carolLink]);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ member: 'carol@example.test', removed: true });
    await api.db.store.lists.addMember('team@example.test', 'dave@example.test');
    await run('swaks', ['--server', '127.0.0.1', '--port', String(mxPort), '--from', 'poster@remote.example', '--to', 'team@example.test', '--header', 'Subject: after unsubscribe', '--body', 'second', '--hide-all']);
    expect((await inbox('bob@example.test')).some((m) => m.includes('after unsubscribe'))).toBe(false);
    expect((await inbox('carol@example.test')).some((m) => m.includes('after unsubscribe'))).toBe(false);
    expect((await inbox('dave@example.test')).some((m) => m.includes('after unsubscribe'))).toBe(true);
  });
});
