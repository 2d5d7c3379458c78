// Sieve at local delivery (issue 20 items 2 and 3), end to end: the server as it runs (roles smtp,
// imap and worker from config, runtime/server.ts), nodemailer sending to its MX, imapflow reading
// what was filed, the delivery worker delivering redirects and vacation replies to a loopback
// sink playing the remote MX. A 250 means every decision of the script is committed: each test
// reads the rows right after the 250, without waiting.
import { ImapFlow } from 'imapflow';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { dkimDnsRecord, generateDkimKey } from '@mailstead/delivery';
import { createTestDatabase, freePort, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';
import { TestDnsServer } from '../delivery/support/dns-server';
import { SmtpSink, type ReceivedMessage } from '../delivery/support/smtp-sink';

const DOMAIN = 'sieve.test';
let db: TestDatabase;
let server: RunningServer;
let dns: TestDnsServer;
let sink: SmtpSink;
let smtpPort: number;
let imapPort: number;
let submissionPort: number;
let dkimTxt: { name: string; value: string };
let n = 0;

const password = (local: string) => `${local}-password-1`;

async function addUser(local: string, script?: string): Promise<number> {
  const id = (await db.store.accounts.create({ address: `${local}@${DOMAIN}`, passwordHash: await hashPassword(password(local)), role: 'user' })).id;
  if (script !== undefined) {
    await db.store.sieve.put(id, 'rules', script);
    await db.store.sieve.setActive(id, 'rules');
  }
  return id;
}

/** One message to the MX; resolves with the reply to DATA (a refusal is returned, not thrown). */
async function send(opts: { from?: string; to: string[]; subject: string; headers?: Record<string, string>; toHeader?: string }): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, name: 'client.remote.test' });
  const from = opts.from ?? 'sender@remote.test';
  const id = `<m${++n}.${Date.now()}@remote.test>`;
  try {
    const info = await transport.sendMail({
      envelope: { from, to: opts.to },
      from: from || 'postmaster@remote.test',
      to: opts.toHeader ?? opts.to.join(', '),
      subject: opts.subject,
      messageId: id,
      headers: opts.headers,
      text: `Body of ${opts.subject}.\r\n`,
    });
    return info.response;
  } catch (error) {
    return String((error as { response?: string }).response ?? error);
  } finally {
    transport.close();
  }
}

async function accountId(local: string): Promise<number> {
  return (await db.store.accounts.findByAddress(`${local}@${DOMAIN}`))!.id;
}

async function subjectsIn(local: string, mailbox = 'INBOX'): Promise<string[]> {
  const box = await db.store.mailboxes.findByName(await accountId(local), mailbox);
  return box ? (await db.store.messages.list(box.id)).map((m) => m.subject) : [];
}

async function allMessages(local: string): Promise<number> {
  return (await db.store.mailboxes.list(await accountId(local))).reduce((sum, b) => sum + b.messageCount, 0);
}

/** Outbound rows whose recipients include `address`. */
async function outboundTo(address: string): Promise<{ sender: string; id: bigint }[]> {
  const rows = await db.store.outbound.list({}, 1000);
  return rows.filter((r) => r.recipients.some((x) => x.address === address)).map((r) => ({ sender: r.sender, id: r.id }));
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const arrived = (marker: string) => waitFor<ReceivedMessage>(`a message with ${marker}`, () => sink.received.find((m) => m.raw.toString('utf8').includes(marker)));

function imap(local: string): ImapFlow {
  return new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, tls: { rejectUnauthorized: false }, auth: { user: `${local}@${DOMAIN}`, pass: password(local) }, logger: false });
}

beforeAll(async () => {
  db = await createTestDatabase();
  dns = new TestDnsServer();
  await dns.start();
  const sinkPort = await freePort();
  sink = new SmtpSink({ host: '127.0.0.41', port: sinkPort });
  await sink.start();
  dns.set('mx.remote.test', { a: ['127.0.0.41'] });
  dns.set('remote.test', { mx: [[10, 'mx.remote.test']] });
  smtpPort = await freePort();
  imapPort = await freePort();
  submissionPort = await freePort();
  const config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'smtp,imap,worker',
    MAILSTEAD_HOSTNAME: `mx.${DOMAIN}`,
    MAILSTEAD_SMTP_PORT: String(smtpPort),
    MAILSTEAD_IMAP_PORT: String(imapPort),
    MAILSTEAD_SUBMISSION_PORT: String(submissionPort),
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_SECRET: 'sieve-delivery-test-secret-0123456789',
    MAILSTEAD_DNS_SERVERS: `127.0.0.1:${dns.port}`,
    MAILSTEAD_DELIVERY_PORT: String(sinkPort),
    MAILSTEAD_DELIVERY_SCAN_INTERVAL: '200ms',
    MAILSTEAD_ADMIN_ADDRESS: `postmaster@${DOMAIN}`,
  });
  await db.store.domains.create(DOMAIN);
  const key = generateDkimKey('s1');
  await db.store.outbound.setDkimKey(DOMAIN, key.selector, key.privateKey);
  dkimTxt = dkimDnsRecord(DOMAIN, key);
  server = await startServer(config, createLogger(config));
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await sink?.stop();
  await dns?.stop();
  await db?.drop();
});

describe('Sieve at delivery', () => {
  it('fileinto :create files into a new mailbox with imap4flags flags, committed when 250 is seen and visible over IMAP', async () => {
    await addUser(
      'filer',
      `require ["fileinto", "mailbox", "imap4flags"];
       if header :contains "subject" "rust" {
         addflag ["\\\\Flagged", "project-x"];
         fileinto :create "Lists/Rust";
         stop;
       }`,
    );
    expect(await send({ to: [`filer@${DOMAIN}`], subject: 'rust weekly' })).toMatch(/^250 /);
    // no waiting: the 250 came after COMMIT
    expect(await subjectsIn('filer', 'Lists/Rust')).toEqual(['rust weekly']);
    expect(await subjectsIn('filer')).toEqual([]);
    expect(await send({ to: [`filer@${DOMAIN}`], subject: 'lunch' })).toMatch(/^250 /);
    expect(await subjectsIn('filer')).toEqual(['lunch']);

    const client = imap('filer');
    await client.connect();
    try {
      const boxes = (await client.list()).map((b) => b.path);
      expect(boxes).toContain('Lists/Rust');
      const lock = await client.getMailboxLock('Lists/Rust');
      try {
        const messages = [];
        for await (const m of client.fetch('1:*', { flags: true, envelope: true })) messages.push(m);
        expect(messages.map((m) => m.envelope?.subject)).toEqual(['rust weekly']);
        expect([...messages[0]!.flags!].sort()).toEqual(['\\Flagged', 'project-x']);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });

  it('discard stores nothing and is still a 250', async () => {
    await addUser('binner', 'if header :contains "subject" "spam" { discard; }');
    expect(await send({ to: [`binner@${DOMAIN}`], subject: 'cheap spam' })).toMatch(/^250 /);
    expect(await allMessages('binner')).toBe(0);
    expect(await send({ to: [`binner@${DOMAIN}`], subject: 'real mail' })).toMatch(/^250 /);
    expect(await subjectsIn('binner')).toEqual(['real mail']);
  });

  it('reject at the MX for a single recipient: 550 5.7.1 with the script’s reason, nothing stored', async () => {
    await addUser('refuser', 'require "reject"; if header :contains "subject" "offer" { reject "No offers, thank you"; }');
    expect(await send({ to: [`refuser@${DOMAIN}`], subject: 'special offer' })).toMatch(/^550 5\.7\.1 No offers, thank you/);
    expect(await allMessages('refuser')).toBe(0);
  });

  it('redirect: an outbound row committed with the 250, no local copy, and the message at the remote sink from an SRS sender', async () => {
    await addUser('mover', 'redirect "far@remote.test";');
    expect(await send({ to: [`mover@${DOMAIN}`], subject: 'please forward' })).toMatch(/^250 /);
    expect(await allMessages('mover')).toBe(0);
    expect(await outboundTo('far@remote.test')).toHaveLength(1);
    const got = await arrived('Subject: please forward');
    expect(got.to).toEqual(['far@remote.test']);
    expect(got.from).toMatch(new RegExp(`^SRS0=[^@]+=remote\\.test=sender@${DOMAIN.replace('.', '\\.')}$`, 'i'));
    expect(got.raw.toString('latin1')).not.toMatch(/^Return-Path:/im);
  });

  it('redirect :copy keeps the local copy too', async () => {
    await addUser('copier', 'require "copy"; redirect :copy "copy@remote.test";');
    expect(await send({ to: [`copier@${DOMAIN}`], subject: 'keep and forward' })).toMatch(/^250 /);
    expect(await subjectsIn('copier')).toEqual(['keep and forward']);
    expect(await outboundTo('copy@remote.test')).toHaveLength(1);
  });

  it('vacation answers once per :days from the null sender with Auto-Submitted, In-Reply-To and the domain’s DKIM signature; never to a list or automatic mail', async () => {
    await addUser('away', `require "vacation"; vacation :days 3 :subject "Out of office" "I am away until Monday.";`);
    const asker = 'asker@remote.test';
    expect(await send({ from: asker, to: [`away@${DOMAIN}`], subject: 'are you there' })).toMatch(/^250 /);
    // the reply was committed with the message
    expect(await outboundTo(asker)).toMatchObject([{ sender: '' }]);
    expect(await subjectsIn('away')).toEqual(['are you there']);
    const reply = await arrived('Subject: Out of office');
    expect(reply.from).toBe('');
    expect(reply.to).toEqual([asker]);
    const text = reply.raw.toString('utf8');
    expect(text).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(text).toMatch(/^In-Reply-To: <m\d+\.\d+@remote\.test>/m);
    expect(text).toMatch(new RegExp(`^From: <away@${DOMAIN}>`, 'm'));
    expect(text).toMatch(/I am away until Monday\./);
    const dkim = await dkimVerify(reply.raw, {
      resolver: async (name: string, type: string) => {
        if (type === 'TXT' && name === dkimTxt.name) return [[dkimTxt.value]];
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      },
    });
    expect(dkim.results.map((r: { signingDomain: string; status: { result: string } }) => [r.signingDomain, r.status.result])).toEqual([[DOMAIN, 'pass']]);

    // the same sender again within :days: stored, not answered
    expect(await send({ from: asker, to: [`away@${DOMAIN}`], subject: 'hello again' })).toMatch(/^250 /);
    expect(await outboundTo(asker)).toHaveLength(1);
    // a list post, automatic mail, bulk mail and the null sender: stored, never answered
    const cases: { from: string; headers?: Record<string, string> }[] = [
      { from: 'list-member@remote.test', headers: { 'List-Id': '<news.remote.test>' } },
      { from: 'robot@remote.test', headers: { 'Auto-Submitted': 'auto-generated' } },
      { from: 'bulk@remote.test', headers: { Precedence: 'bulk' } },
    ];
    for (const c of cases) {
      expect(await send({ from: c.from, to: [`away@${DOMAIN}`], subject: `from ${c.from}`, headers: c.headers })).toMatch(/^250 /);
      expect(await outboundTo(c.from), c.from).toEqual([]);
    }
    expect(await send({ from: '', to: [`away@${DOMAIN}`], subject: 'a bounce' })).toMatch(/^250 /);
    // mail not addressed to the user (a Bcc) is not answered either (RFC 5230 4.5)
    expect(await send({ from: 'bcc@remote.test', to: [`away@${DOMAIN}`], toHeader: 'someone@remote.test', subject: 'bcc copy' })).toMatch(/^250 /);
    expect(await outboundTo('bcc@remote.test')).toEqual([]);
    expect((await subjectsIn('away')).length).toBe(7);
    const replies = sink.received.filter((m) => m.to.includes(asker));
    expect(replies).toHaveLength(1);
  });

  it('a script error delivers to INBOX and tells the user once per script version', async () => {
    const id = await addUser('broken', 'if header :contains "subject" "x" { fileinto "A" ');
    expect(await send({ to: [`broken@${DOMAIN}`], subject: 'first' })).toMatch(/^250 /);
    expect(await send({ to: [`broken@${DOMAIN}`], subject: 'second' })).toMatch(/^250 /);
    const inbox = await subjectsIn('broken');
    expect(inbox.filter((s) => s === 'first' || s === 'second').sort()).toEqual(['first', 'second']);
    expect(inbox.filter((s) => /Mail filter error/.test(s))).toHaveLength(1);
    // a new version that is still broken: one more notice
    await db.store.sieve.put(id, 'rules', 'stop stop;');
    expect(await send({ to: [`broken@${DOMAIN}`], subject: 'third' })).toMatch(/^250 /);
    expect((await subjectsIn('broken')).filter((s) => /Mail filter error/.test(s))).toHaveLength(2);
  });

  it('editheader changes the stored copy’s header', async () => {
    await addUser('editor', 'require "editheader"; addheader "X-Sieve-Seen" "yes"; deleteheader "X-Remove-Me";');
    expect(await send({ to: [`editor@${DOMAIN}`], subject: 'edit me', headers: { 'X-Remove-Me': 'secret', 'X-Keep-Me': 'kept' } })).toMatch(/^250 /);
    const client = imap('editor');
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const message = await client.fetchOne('*', { source: true });
        const source = (message as { source: Buffer }).source.toString('utf8');
        expect(source).toMatch(/^X-Sieve-Seen: yes\r$/m);
        expect(source).not.toMatch(/X-Remove-Me/i);
        expect(source).toMatch(/^X-Keep-Me: kept\r$/m);
        expect(source).toMatch(/Body of edit me\./);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });

  it('submission: the local recipient’s script runs, the submitter’s Sent copy is not filtered', async () => {
    await addUser('writer', 'discard;');
    await addUser('reader', 'require ["fileinto", "imap4flags"]; if header :contains "subject" "minutes" { fileinto :flags "\\\\Seen" "Archive"; }');
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: submissionPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: `writer@${DOMAIN}`, pass: password('writer') } });
    try {
      const info = await transport.sendMail({ from: `writer@${DOMAIN}`, to: `reader@${DOMAIN}`, subject: 'meeting minutes', text: 'Notes.\r\n' });
      expect(info.response).toMatch(/^250 /);
    } finally {
      transport.close();
    }
    expect(await subjectsIn('reader', 'Archive')).toEqual(['meeting minutes']);
    const archive = await db.store.mailboxes.findByName(await accountId('reader'), 'Archive');
    expect((await db.store.messages.list(archive!.id))[0]!.seen).toBe(true);
    expect(await subjectsIn('writer', 'Sent')).toEqual(['meeting minutes']);
  });

  it('a list member’s copy runs the member’s script (the list expands before Sieve)', async () => {
    await addUser('member', 'require "fileinto"; if exists "list-id" { fileinto "Trash"; }');
    await addUser('plain');
    await db.store.lists.create({ address: `team@${DOMAIN}`, name: 'Team', policy: 'open' });
    await db.store.lists.addMember(`team@${DOMAIN}`, `member@${DOMAIN}`);
    await db.store.lists.addMember(`team@${DOMAIN}`, `plain@${DOMAIN}`);
    expect(await send({ to: [`team@${DOMAIN}`], subject: 'team news' })).toMatch(/^250 /);
    expect((await subjectsIn('member', 'Trash')).map((s) => s.replace(/^\[[^\]]*\] /, ''))).toEqual(['team news']);
    expect((await subjectsIn('plain')).map((s) => s.replace(/^\[[^\]]*\] /, ''))).toEqual(['team news']);
  });
});
