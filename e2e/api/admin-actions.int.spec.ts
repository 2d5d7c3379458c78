import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { TestDnsServer } from '../delivery/support/dns-server';
import { addUser, Client, startApi, type ApiHarness } from './api-harness';

/**
 * The admin API beyond plain CRUD, against the real server, Postgres, Redis (BullMQ) and a
 * loopback DNS server: per-domain "require TOTP" and reset 2FA, list moderation, the live DNS
 * check and DKIM rotation, queue detail/retry/bounce/bulk, dashboard stats, user deletion.
 * Every action is also tried by a domain admin of another domain (404) and a plain user (403).
 */
let api: ApiHarness;
let dns: TestDnsServer;
let admin: Client;
let tenant: Client;
let user: Client;
let oneId: number;

const code = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));

async function inboxSubjects(address: string): Promise<string[]> {
  const account = (await api.db.store.accounts.findByAddress(address))!;
  const inbox = (await api.db.store.mailboxes.findByName(account.id, 'INBOX'))!;
  return (await api.db.store.messages.list(inbox.id)).map((m) => m.subject ?? '');
}

async function inboxText(address: string, subject: RegExp): Promise<string> {
  const account = (await api.db.store.accounts.findByAddress(address))!;
  const inbox = (await api.db.store.mailboxes.findByName(account.id, 'INBOX'))!;
  const message = (await api.db.store.messages.list(inbox.id)).find((m) => subject.test(m.subject ?? ''));
  if (!message) throw new Error(`no message ${subject} for ${address}`);
  return (await api.db.store.messages.raw(inbox.id, message.uid)).toString('utf8');
}

beforeAll(async () => {
  dns = new TestDnsServer();
  await dns.start();
  api = await startApi({ env: { MAILSTEAD_DNS_SERVERS: `127.0.0.1:${dns.port}`, MAILSTEAD_HOSTNAME: 'mail.example.test' } });
  await addUser(api.db, 'root@ops.test', 'root-password', 'admin');
  await addUser(api.db, 'ann@one.test', 'ann-password');
  await addUser(api.db, 'ben@one.test', 'ben-password');
  const boss = await addUser(api.db, 'boss@two.test', 'boss-password', 'domain_admin');
  await api.db.store.admin.addDomainAdmin(boss.id, boss.domainId);
  await addUser(api.db, 'plain@two.test', 'plain-password');
  oneId = (await api.db.store.domains.findByName('one.test'))!.id;
  admin = new Client(api.base);
  tenant = new Client(api.base);
  user = new Client(api.base);
  expect((await admin.login('root@ops.test', 'root-password')).status).toBe(200);
  expect((await tenant.login('boss@two.test', 'boss-password')).status).toBe(200);
  expect((await user.login('plain@two.test', 'plain-password')).status).toBe(200);
});
afterAll(async () => {
  await api?.stop();
  await dns?.stop();
});

describe('per-domain "require TOTP" and reset 2FA', () => {
  it('makes a user of the domain enrol before anything else, and lets an admin reset the factor', async () => {
    expect((await tenant.request('PUT', `/api/admin/domains/${oneId}`, { requireTotp: true })).status).toBe(404);
    expect((await user.request('PUT', `/api/admin/domains/${oneId}`, { requireTotp: true })).status).toBe(403);
    expect(await admin.json('PUT', `/api/admin/domains/${oneId}`, { requireTotp: true })).toMatchObject({ name: 'one.test', requireTotp: true });

    const ann = new Client(api.base);
    const login = await ann.login('ann@one.test', 'ann-password');
    expect(login.status).toBe(200);
    expect(((await login.json()) as { totpSetupRequired: boolean }).totpSetupRequired).toBe(true);
    const blocked = await ann.get('/api/mailboxes');
    expect(blocked.status).toBe(403);
    expect(await errorCode(blocked)).toBe('totp_setup_required');
    expect((await ann.json('GET', '/api/auth/me')).totpSetupRequired).toBe(true);
    const { secret } = await ann.json('POST', '/api/auth/totp/enroll');
    await ann.json('POST', '/api/auth/totp/verify', { code: code(secret) });
    expect((await ann.get('/api/mailboxes')).status).toBe(200);
    expect((await ann.json('GET', '/api/auth/me')).totpSetupRequired).toBe(false);
    const off = await ann.request('POST', '/api/auth/totp/disable', { password: 'ann-password' });
    expect(off.status).toBe(403);
    expect(await errorCode(off)).toBe('totp_setup_required');
    // A user of another domain is not affected.
    expect((await user.json('GET', '/api/auth/me')).totpSetupRequired).toBe(false);
    expect((await user.get('/api/mailboxes')).status).toBe(200);

    const annId = (await api.db.store.accounts.findByAddress('ann@one.test'))!.id;
    await ann.json('POST', '/api/auth/app-passwords', { label: 'phone' }, 201);
    const listed = await admin.json<{ address: string; totpEnabled: boolean; appPasswords: number }[]>('GET', `/api/admin/users?filter=${enc({ q: 'ann@' })}`);
    expect(listed).toMatchObject([{ address: 'ann@one.test', totpEnabled: true, appPasswords: 1 }]);

    expect((await tenant.request('POST', `/api/admin/users/${annId}/reset-2fa`)).status).toBe(404);
    expect((await user.request('POST', `/api/admin/users/${annId}/reset-2fa`)).status).toBe(403);
    expect(await admin.json('POST', `/api/admin/users/${annId}/reset-2fa`)).toMatchObject({ address: 'ann@one.test', totpEnabled: false });
    // The reset ends the user's sessions; the next login must enrol again (the domain still requires it).
    expect((await ann.get('/api/auth/me')).status).toBe(401);
    const again = new Client(api.base);
    expect(((await (await again.login('ann@one.test', 'ann-password')).json()) as { totpSetupRequired: boolean }).totpSetupRequired).toBe(true);
    await admin.json('PUT', `/api/admin/domains/${oneId}`, { requireTotp: false });
    expect((await again.get('/api/mailboxes')).status).toBe(200);
  });
});

describe('mailing-list moderation', () => {
  let listId: number;

  beforeAll(async () => {
    const list = await admin.json('POST', '/api/admin/lists', { address: 'mods@one.test', name: 'Mods', policy: 'moderated', members: ['ann@one.test', 'ben@one.test', 'far@remote.example'] }, 201);
    listId = list.id;
  });

  const hold = (sender: string, subject: string) =>
    api.db.store.recipients.holdForModeration(
      listId,
      Buffer.from(`From: ${sender}\r\nTo: mods@one.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@x>\r\n\r\nBody of ${subject}\r\n`),
      sender,
    );

  it('lists held posts, shows one, and approving sends it to every member as SMTP would', async () => {
    const id = await hold('outsider@remote.example', 'Please approve');
    const held = await admin.json<{ id: number; subject: string; status: string; sender: string }[]>('GET', `/api/admin/lists/${listId}/moderation`);
    expect(held).toMatchObject([{ id, subject: 'Please approve', status: 'pending', sender: 'outsider@remote.example' }]);
    const one = await admin.json('GET', `/api/admin/lists/${listId}/moderation/${id}`);
    expect(one.text).toContain('Body of Please approve');
    expect(one.headers).toMatch(/^From: outsider@remote\.example/);

    expect((await tenant.request('POST', `/api/admin/lists/${listId}/moderation/${id}/approve`)).status).toBe(404);
    expect((await user.request('POST', `/api/admin/lists/${listId}/moderation/${id}/approve`)).status).toBe(403);
    expect((await tenant.get(`/api/admin/lists/${listId}/moderation`)).status).toBe(404);

    expect(await admin.json('POST', `/api/admin/lists/${listId}/moderation/${id}/approve`)).toMatchObject({ ok: true, delivered: 2, remote: 1 });
    for (const member of ['ann@one.test', 'ben@one.test']) expect(await inboxSubjects(member)).toContain('Please approve');
    const [remote] = (await api.db.store.outbound.list({ domain: 'remote.example' })).filter((o) => o.recipients.some((r) => r.address === 'far@remote.example'));
    expect(remote).toBeTruthy();
    // Put on the delivery queue at once (no waiting for the reconciler).
    expect(await api.deliveryQueue.queue.getJob(`outbound-${remote!.id}`)).toBeTruthy();
    const twice = await admin.request('POST', `/api/admin/lists/${listId}/moderation/${id}/approve`);
    expect(twice.status).toBe(409);
    expect((await admin.json<{ status: string }[]>('GET', `/api/admin/lists/${listId}/moderation`))[0]!.status).toBe('approved');
  });

  it('rejecting tells a local sender in their INBOX and a remote one through the queue from <>', async () => {
    const local = await hold('ben@one.test', 'Off topic');
    await admin.json('POST', `/api/admin/lists/${listId}/moderation/${local}/reject`, { reason: 'Please keep to the topic' });
    const notice = await inboxText('ben@one.test', /^Rejected: Off topic/);
    expect(notice).toContain('Reason: Please keep to the topic');
    expect(notice).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(await inboxSubjects('ann@one.test')).not.toContain('Off topic');

    const remote = await hold('stranger@remote.example', 'Spam offer');
    expect((await admin.request('POST', `/api/admin/lists/${listId}/moderation/${remote}/reject`, { reason: 'x'.repeat(2001) })).status).toBe(400);
    await admin.json('POST', `/api/admin/lists/${listId}/moderation/${remote}/reject`, {});
    const out = (await api.db.store.outbound.list({ sender: '' })).find((o) => o.recipients.some((r) => r.address === 'stranger@remote.example'));
    expect(out).toBeTruthy();
    expect((await admin.request('POST', `/api/admin/lists/${listId}/moderation/${remote}/reject`, {})).status).toBe(409);
    expect((await admin.get(`/api/admin/lists/${listId}/moderation/999999`)).status).toBe(404);
  });
});

describe('DNS check and DKIM', () => {
  it('reports per record what DNS publishes, and rotates the DKIM key to a new selector', async () => {
    dns.set('one.test', { mx: [[10, 'mail.example.test']], txt: ['v=spf1 include:elsewhere.example -all'] });
    expect((await tenant.get(`/api/admin/domains/${oneId}/dns`)).status).toBe(404);
    expect((await user.get(`/api/admin/domains/${oneId}/dns`)).status).toBe(403);
    expect((await tenant.request('POST', `/api/admin/domains/${oneId}/dkim`)).status).toBe(404);

    const first = await admin.json<{ records: { name: string; type: string; value: string; status: string; found: string[] }[] }>('POST', `/api/admin/domains/${oneId}/dkim`);
    const dkim = first.records.find((r) => r.name.includes('._domainkey.'))!;
    expect(dkim.name).toMatch(/^ms\d{8}\._domainkey\.one\.test$/);
    expect(dkim.status).toBe('missing');
    // Publish the key (as two TXT strings, which DNS joins) and a DMARC record.
    dns.set(dkim.name, { txt: [dkim.value] });
    dns.set('_dmarc.one.test', { txt: ['v=DMARC1; p=reject'] });

    const report = await admin.json<{ records: { purpose: string; type: string; name: string; status: string; found: string[] }[]; checkedAt: string }>('GET', `/api/admin/domains/${oneId}/dns`);
    const byPurpose = Object.fromEntries(report.records.map((r) => [`${r.type} ${r.name}`, r]));
    expect(byPurpose['MX one.test']).toMatchObject({ status: 'ok', found: ['10 mail.example.test.'] });
    expect(byPurpose['TXT one.test']).toMatchObject({ status: 'wrong', found: ['v=spf1 include:elsewhere.example -all'] });
    expect(byPurpose[`TXT ${dkim.name}`]!.status).toBe('ok');
    expect(byPurpose['TXT _dmarc.one.test']!.status).toBe('ok');
    expect(byPurpose['CNAME autoconfig.one.test']!.status).toBe('missing');
    expect(byPurpose['SRV _imaps._tcp.one.test']!.status).toBe('missing');

    dns.set('one.test', { mx: [[10, 'mx.someone-else.example']], txt: ['v=spf1 mx -all'] });
    const rotated = await admin.json<{ records: { name: string; status: string }[] }>('POST', `/api/admin/domains/${oneId}/dkim`);
    const next = rotated.records.find((r) => r.name.includes('._domainkey.'))!;
    expect(next.name).not.toBe(dkim.name);
    expect(next.status).toBe('missing');
    expect(rotated.records.find((r) => r.name === 'one.test' && r.status === 'wrong')).toBeTruthy();
    expect(rotated.records.filter((r) => r.name === 'one.test').map((r) => r.status).sort()).toEqual(['ok', 'wrong']);
    const key = await api.db.store.outbound.dkimKey('one.test');
    expect(`${key!.selector}._domainkey.one.test`).toBe(next.name);
  });
});

describe('outbound queue actions', () => {
  async function deferred(sender: string, to: string): Promise<bigint> {
    const { outboundIds } = await api.db.store.messages.deliver(sampleMessage(7), [], { outbound: { sender, recipients: [{ address: to }] } });
    const id = outboundIds[0]!;
    const claimed = (await api.db.store.outbound.claim(id, 60_000))!;
    const reply = '451 4.7.1 greylisted, come back later';
    await api.db.store.outbound.finishAttempt(
      id,
      { host: 'mx.slow.example', result: 'deferred', response: reply },
      claimed.recipients.map((r) => ({ id: r.id, status: 'deferred' as const, smtpCode: 451, response: reply })),
      { status: 'deferred', nextAttemptAt: new Date(Date.now() + 3_600_000), lastError: reply },
    );
    return id;
  }

  it('shows the attempt log, retries onto BullMQ at once, and bounces with a DSN to the sender', async () => {
    const id = await deferred('ann@one.test', 'bob@slow.example');
    const detail = await admin.json('GET', `/api/admin/queue/${id}`);
    expect(detail.attemptLog).toMatchObject([{ host: 'mx.slow.example', result: 'deferred', response: '451 4.7.1 greylisted, come back later' }]);
    expect(detail.size).toBeGreaterThan(0);
    expect(Date.parse(detail.nextAttemptAt)).toBeGreaterThan(Date.now());
    expect((await tenant.get(`/api/admin/queue/${id}`)).status).toBe(404);
    expect((await tenant.request('POST', `/api/admin/queue/${id}/retry`)).status).toBe(404);
    expect((await user.request('POST', `/api/admin/queue/${id}/bounce`)).status).toBe(403);

    expect(await api.deliveryQueue.queue.getJob(`outbound-${id}`)).toBeFalsy();
    expect((await admin.json('POST', `/api/admin/queue/${id}/retry`)).status).toBe('queued');
    expect(await api.deliveryQueue.queue.getJob(`outbound-${id}`)).toBeTruthy();

    const bounced = await admin.json('POST', `/api/admin/queue/${id}/bounce`);
    expect(bounced).toMatchObject({ status: 'failed', recipients: [{ address: 'bob@slow.example', status: 'failed' }] });
    // a bounced (or delivered) entry has no next attempt to show, in the detail and the list
    expect(bounced.nextAttemptAt).toBeNull();
    expect((await admin.json('GET', `/api/admin/queue/${id}`)).nextAttemptAt).toBeNull();
    const failedRows = await admin.json<{ id: string; nextAttemptAt: string | null }[]>('GET', `/api/admin/queue?filter=${enc({ status: 'failed' })}`);
    expect(failedRows.find((r) => r.id === String(id))).toMatchObject({ nextAttemptAt: null });
    expect(bounced.attemptLog.at(-1).response).toMatch(/^bounced: returned to the sender by an administrator \(root@ops\.test\)/);
    const dsn = await inboxText('ann@one.test', /Undeliver|Delivery Status|failure/i);
    expect(dsn).toContain('multipart/report');
    expect(dsn).toContain('Final-Recipient: rfc822; bob@slow.example');
    expect((await admin.request('POST', `/api/admin/queue/${id}/bounce`)).status).toBe(409);
    expect((await admin.request('POST', `/api/admin/queue/${id}/retry`)).status).toBe(200);
  });

  it('applies bulk actions to a filter or a selection, never beyond the caller\'s domains', async () => {
    const a1 = await deferred('ann@one.test', 'x1@bulk.example');
    const a2 = await deferred('ben@one.test', 'x2@bulk.example');
    const other = await deferred('ann@one.test', 'x3@elsewhere.example');
    const theirs = await deferred('plain@two.test', 'x4@bulk.example');

    expect((await admin.request('POST', '/api/admin/queue/bulk', { action: 'retry' })).status).toBe(400);
    expect((await user.request('POST', '/api/admin/queue/bulk', { action: 'retry', filter: { domain: 'bulk.example' } })).status).toBe(403);
    // The domain admin of two.test touches only two.test's entry.
    expect(await tenant.json('POST', '/api/admin/queue/bulk', { action: 'retry', filter: { domain: 'bulk.example' } })).toEqual({ matched: 1, done: 1, failed: 0 });
    expect((await api.db.store.outbound.show(a1))!.status).toBe('deferred');
    expect((await api.db.store.outbound.show(theirs))!.status).toBe('queued');
    expect(await tenant.json('POST', '/api/admin/queue/bulk', { action: 'delete', ids: [String(a1)] })).toEqual({ matched: 0, done: 0, failed: 0 });

    expect(await admin.json('POST', '/api/admin/queue/bulk', { action: 'retry', filter: { domain: 'bulk.example', status: 'deferred' } })).toEqual({ matched: 2, done: 2, failed: 0 });
    for (const id of [a1, a2]) expect(await api.deliveryQueue.queue.getJob(`outbound-${id}`)).toBeTruthy();
    expect((await api.db.store.outbound.show(other))!.status).toBe('deferred');

    // "Purge older than N hours": nothing is a day old yet; everything for bulk.example is older than 0 hours.
    expect(await admin.json('POST', '/api/admin/queue/bulk', { action: 'delete', filter: { domain: 'bulk.example', olderThanHours: 24 } })).toMatchObject({ matched: 0 });
    expect(await admin.json('POST', '/api/admin/queue/bulk', { action: 'delete', filter: { domain: 'bulk.example', olderThanHours: 0 } })).toEqual({ matched: 3, done: 3, failed: 0 });
    expect(await api.db.store.outbound.show(a2)).toBeNull();
    expect(await admin.json('POST', '/api/admin/queue/bulk', { action: 'bounce', ids: [String(other)] })).toEqual({ matched: 1, done: 1, failed: 0 });
    expect((await api.db.store.outbound.show(other))!.status).toBe('failed');

    // Pausing a destination domain (administrators only); resuming enqueues its due entries.
    expect((await tenant.request('POST', '/api/admin/queue/paused', { domain: 'slow.example' })).status).toBe(403);
    expect((await admin.request('POST', '/api/admin/queue/paused', { domain: 'not a domain' })).status).toBe(400);
    const waiting = await deferred('ann@one.test', 'later@slow.example');
    await admin.json('POST', '/api/admin/queue/paused', { domain: 'Slow.Example', reason: 'their MX is down' });
    expect(await admin.json('GET', '/api/admin/queue/paused')).toMatchObject([{ domain: 'slow.example', reason: 'their MX is down' }]);
    await api.db.store.outbound.retryNow(waiting);
    expect(await api.db.store.outbound.claim(waiting, 60_000)).toBeNull(); // paused: not attempted
    expect((await tenant.request('DELETE', '/api/admin/queue/paused/slow.example')).status).toBe(403);
    // Due now: this entry and bob@slow.example's, retried at the end of the previous test.
    expect(await admin.json('DELETE', '/api/admin/queue/paused/slow.example')).toMatchObject({ ok: true, enqueued: 2 });
    expect(await api.deliveryQueue.queue.getJob(`outbound-${waiting}`)).toBeTruthy();
    expect(await admin.json('GET', '/api/admin/queue/paused')).toEqual([]);
    expect((await admin.request('DELETE', '/api/admin/queue/paused/slow.example')).status).toBe(404);

    const filtered = await admin.json<{ domain: string }[]>('GET', `/api/admin/queue?filter=${enc({ domain: 'elsewhere.example' })}`);
    expect(filtered.map((r) => r.domain)).toEqual(['elsewhere.example']);
    expect((await admin.get(`/api/admin/queue?filter=${enc({ olderThanHours: 'old' })}`)).status).toBe(400);
  });
});

describe('dashboard stats and user deletion', () => {
  it('counts domains, users, today\'s traffic, the queue and storage, scoped for a domain admin', async () => {
    const ann = (await api.db.store.accounts.findByAddress('ann@one.test'))!;
    const inbox = (await api.db.store.mailboxes.findByName(ann.id, 'INBOX'))!;
    await api.db.store.messages.deliver(sampleMessage(11), [{ mailboxId: inbox.id }]);
    const stats = await admin.json('GET', '/api/admin/stats');
    expect(stats).toMatchObject({ domains: 3, users: 5 });
    expect(stats.traffic).toHaveLength(168);
    expect(stats.messagesToday.in).toBeGreaterThanOrEqual(1);
    expect(stats.messagesToday.out).toBeGreaterThanOrEqual(1);
    expect(stats.traffic.reduce((n: number, b: { in: number }) => n + b.in, 0)).toBe(stats.messagesToday.in);
    expect(stats.queue.failed).toBeGreaterThanOrEqual(1);
    expect(stats.storageBytes).toBeGreaterThan(0);
    expect(stats.topRecipients[0].address).toBe('ann@one.test');
    expect(stats.topSenders.map((s: { address: string }) => s.address)).toContain('ann@one.test');

    const scoped = await tenant.json('GET', '/api/admin/stats');
    expect(scoped).toMatchObject({ domains: 1, users: 2 });
    expect(scoped.topRecipients.every((r: { address: string }) => r.address.endsWith('@two.test'))).toBe(true);
    expect(scoped.topSenders.every((r: { address: string }) => r.address.endsWith('@two.test'))).toBe(true);
    expect((await user.get('/api/admin/stats')).status).toBe(403);
  });

  it('deleting a user says how much mail went with it', async () => {
    const ben = (await api.db.store.accounts.findByAddress('ben@one.test'))!;
    const messages = (await inboxSubjects('ben@one.test')).length;
    expect((await tenant.request('DELETE', `/api/admin/users/${ben.id}`)).status).toBe(404);
    const removed = await admin.json('DELETE', `/api/admin/users/${ben.id}`);
    expect(removed).toMatchObject({ address: 'ben@one.test', removed: { messages } });
    expect(removed.removed.mailboxes).toBeGreaterThanOrEqual(5);
    expect(await api.db.store.accounts.findByAddress('ben@one.test')).toBeNull();
  });
});

describe('sender grants', () => {
  it('lets an admin grant and revoke addresses a user may send as, scoped, validated and idempotent', async () => {
    const sam = await addUser(api.db, 'sam@grant.test', 'sam-password');
    await addUser(api.db, 'reader@grant.test', 'reader-password');
    const plainId = (await api.db.store.accounts.findByAddress('plain@two.test'))!.id;
    const senders = `/api/admin/users/${sam.id}/senders`;
    const sending = new Client(api.base);
    expect((await sending.login('sam@grant.test', 'sam-password')).status).toBe(200);
    const send = () => sending.request('POST', '/api/send', { from: 'desk@grant.test', to: ['reader@grant.test'], subject: 'from the desk', text: 'x' });

    expect(await admin.json('GET', senders)).toEqual({ addresses: [] });
    expect((await send()).status).toBe(403);
    expect(await admin.json('POST', senders, { address: 'Desk@Grant.test' })).toEqual({ addresses: ['desk@grant.test'] });
    // granting it again is no error and changes nothing
    expect(await admin.json('POST', senders, { address: 'desk@grant.test' })).toEqual({ addresses: ['desk@grant.test'] });
    expect((await api.db.store.audit.recent()).filter((a) => a.action === 'user.sender.grant' && a.target === 'sam@grant.test')).toHaveLength(1);
    const bad = await admin.request('POST', senders, { address: 'not an address' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Record<string, string[]> } }).error.fields.address).toHaveLength(1);

    // the granted address passes the submission check the webmail's send makes (canSendAs)
    expect((await send()).status).toBe(200);
    expect(await inboxSubjects('reader@grant.test')).toContain('from the desk');

    // a domain admin: not for accounts of other domains, and only addresses of their domains
    expect((await tenant.request('GET', senders)).status).toBe(404);
    expect((await tenant.request('POST', senders, { address: 'boss@two.test' })).status).toBe(404);
    expect((await tenant.request('DELETE', `${senders}/desk%40grant.test`)).status).toBe(404);
    expect((await tenant.request('POST', `/api/admin/users/${plainId}/senders`, { address: 'desk@grant.test' })).status).toBe(403);
    expect(await tenant.json('POST', `/api/admin/users/${plainId}/senders`, { address: 'news@two.test' })).toEqual({ addresses: ['news@two.test'] });
    expect(await tenant.json('DELETE', `/api/admin/users/${plainId}/senders/news%40two.test`)).toEqual({ addresses: [] });
    expect((await user.request('GET', senders)).status).toBe(403);

    expect(await admin.json('DELETE', `${senders}/DESK%40grant.test`)).toEqual({ addresses: [] });
    expect((await admin.request('DELETE', `${senders}/desk%40grant.test`)).status).toBe(404);
    expect((await send()).status).toBe(403);
  });
});
