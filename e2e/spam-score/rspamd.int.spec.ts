// rspamd in place of the built-in scoring (issue 21 item 6): Debian's rspamd is started by the
// test on loopback ports with a config directory of its own (its Bayes on the test Redis);
// MAILSTEAD_RSPAMD_URL points at its controller. Its symbols and score go into X-Spam-Status,
// its reject action (GTUBE) is a 550 5.7.1 at DATA, moving mail into Junk over IMAP reaches its
// /learnspam, and with rspamd gone the built-in scoring takes over.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, freePort, redisUrl, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import { SmtpTalk } from '../../libs/smtp/src/test-support/smtp-harness';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';

const DOMAIN = 'rspamd.test';
const PASSWORD = 'rspamd-test-password';
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

let dir: string;
let rspamd: ChildProcess;
let rspamdExited: Promise<void>;
let controller: string;
let db: TestDatabase;
let server: RunningServer;
let smtpPort: number;
let imapPort: number;
let accountId: number;

/** Waits for the controller to answer /ping (rspamd compiles its rules for several seconds first). */
async function controllerUp(deadline: number): Promise<void> {
  for (;;) {
    if (rspamd.exitCode !== null) throw new Error('rspamd exited');
    try {
      if ((await fetch(`${controller}/ping`, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('rspamd did not start');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function startRspamd(): Promise<void> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-rspamd-'));
  for (const d of ['local.d', 'db', 'run', 'log']) fs.mkdirSync(path.join(dir, d));
  const [normal, control, proxy, fuzzy] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const redis = new URL(redisUrl());
  const local = (name: string, text: string) => fs.writeFileSync(path.join(dir, 'local.d', name), text);
  local('worker-normal.inc', `bind_socket = "127.0.0.1:${normal}";\n`);
  local('worker-controller.inc', `bind_socket = "127.0.0.1:${control}";\npassword = "${PASSWORD}";\nenable_password = "${PASSWORD}";\n`);
  local('worker-proxy.inc', `bind_socket = "127.0.0.1:${proxy}";\n`);
  local('worker-fuzzy.inc', `bind_socket = "127.0.0.1:${fuzzy}";\n`);
  local('redis.conf', `servers = "${redis.hostname}:${redis.port}";\n`);
  local('classifier-bayes.conf', 'backend = "redis";\n');
  controller = `http://127.0.0.1:${control}`;
  rspamd = spawn('rspamd', ['-f', '-u', 'root', '-g', 'root', '--insecure', `DBDIR=${dir}/db`, `RUNDIR=${dir}/run`, `LOGDIR=${dir}/log`, `LOCAL_CONFDIR=${dir}`], { stdio: 'ignore' });
  rspamdExited = new Promise((resolve) => rspamd.once('exit', () => resolve()));
  await controllerUp(Date.now() + 60_000);
}

async function learnedByRspamd(): Promise<number> {
  const stat = (await (await fetch(`${controller}/stat`, { headers: { Password: PASSWORD } })).json()) as { learned: number };
  return stat.learned;
}

async function deliver(message: string): Promise<string> {
  const c = await SmtpTalk.connect(smtpPort);
  try {
    expect(await c.cmd('EHLO client.remote.example')).toMatch(/^250/);
    expect(await c.cmd('MAIL FROM:<someone@remote.example>')).toMatch(/^250 /);
    expect(await c.cmd(`RCPT TO:<rcpt@${DOMAIN}>`)).toMatch(/^250 /);
    return await c.data(message);
  } finally {
    c.close();
  }
}

async function stored(mailbox: string): Promise<string[]> {
  const box = (await db.store.mailboxes.findByName(accountId, mailbox))!;
  const rows = await db.store.messages.list(box.id);
  return Promise.all(rows.map(async (r) => (await db.store.messages.raw(box.id, r.uid)).toString('latin1')));
}

function message(subject: string, body: string): string {
  return `From: Someone <someone@remote.example>\r\nTo: rcpt@${DOMAIN}\r\nSubject: ${subject}\r\nDate: Fri, 04 Dec 2026 11:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@remote.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
}

const status = (raw: string) => /^X-Spam-Status: ((?:.*)(?:\r\n[ \t].*)*)/m.exec(raw)![1]!.replace(/\r\n[ \t]/g, '');

beforeAll(async () => {
  await startRspamd();
  db = await createTestDatabase();
  smtpPort = await freePort();
  imapPort = await freePort();
  const config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'smtp,imap',
    MAILSTEAD_HOSTNAME: 'mx.rspamd.test',
    MAILSTEAD_SMTP_PORT: String(smtpPort),
    MAILSTEAD_IMAP_PORT: String(imapPort),
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_ADMIN_ADDRESS: `postmaster@${DOMAIN}`,
    MAILSTEAD_RSPAMD_URL: controller,
    MAILSTEAD_RSPAMD_PASSWORD: PASSWORD,
  });
  server = await startServer(config, createLogger(config));
  accountId = (await db.store.accounts.create({ address: `rcpt@${DOMAIN}`, passwordHash: await hashPassword('rcpt-password'), role: 'user' })).id;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
  if (rspamd && rspamd.exitCode === null) {
    rspamd.kill();
    await rspamdExited;
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('rspamd', () => {
  it("scores the message: rspamd's symbols and score in X-Spam-Status, none of the built-in ones", async () => {
    expect(await deliver(message('Notes from the meeting', 'Here are the notes from our meeting on Tuesday, with the list of open questions.'))).toMatch(/^250 /);
    const [raw] = await stored('INBOX');
    expect(status(raw!)).toMatch(/^No, score=-?\d+\.\d required=5\.0 tests=/);
    expect(status(raw!)).not.toMatch(/BAYES_(SPAM|HAM)\(/);
    // a symbol only rspamd has (its MIME checks)
    expect(status(raw!)).toMatch(/MIME_GOOD|R_SPF_NA|ARC_NA|MID_RHS_MATCH_FROM/);
  });

  it("its reject action (GTUBE) is a 550 5.7.1 at DATA", async () => {
    expect(await deliver(message('test', GTUBE))).toMatch(/^550 5\.7\.1 Message refused as spam \(score 15\.0\)$/);
    expect(await stored('INBOX')).toHaveLength(1);
  });

  it('moving a message into Junk over IMAP trains rspamd (/learnspam)', async () => {
    const before = await learnedByRspamd();
    expect(await deliver(message('Exclusive bonus offer', 'Claim your exclusive casino bonus today, limited offer for selected customers only, click the link to claim your free spins and cash prizes now.'))).toMatch(/^250 /);
    const client = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user: `rcpt@${DOMAIN}`, pass: 'rcpt-password' }, logger: false, tls: { rejectUnauthorized: false } });
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const uids = (await client.search({ subject: 'Exclusive bonus offer' }, { uid: true })) as number[];
        expect(uids).toHaveLength(1);
        await client.messageMove(uids, 'Junk', { uid: true });
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
    expect(await learnedByRspamd()).toBe(before + 1);
  }, 30_000);

  it('with rspamd gone, the built-in scoring takes over', async () => {
    rspamd.kill();
    await rspamdExited;
    expect(await deliver(message('LAST CHANCE TO WIN BIG', 'see https://bit.ly/win'))).toMatch(/^250 /);
    const raw = [...(await stored('INBOX')), ...(await stored('Junk'))].find((m) => m.includes('LAST CHANCE'))!;
    expect(status(raw)).toMatch(/SUBJ_ALL_CAPS/);
    expect(status(raw)).toMatch(/URL_SHORTENER/);
  });
});
