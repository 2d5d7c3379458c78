// `mailstead backup`, `restore` and `verify` (issue 23 item 4) as an operator runs them: a
// backup taken through the CLI while the running server (runtime/server.ts, smtp + imap roles)
// accepts mail over SMTP and an IMAP client changes flags, restored into an empty database,
// must be one instant of the source: per mailbox the same UIDVALIDITY, the restored messages a
// gap-free prefix of the source's (same UIDs, same bytes), counters that agree with the
// messages (verify), and an IMAP client sees the restored mail. `verify DIR` finds a blob
// removed from the backup and one whose bytes were cut.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { parseConfig } from '@mailstead/config';
import { flagList } from '@mailstead/store';
import { createTestDatabase, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import { mail, SmtpTalk } from '../../libs/smtp/src/test-support/smtp-harness';
import { runCli } from '../../apps/server/src/cli/run-cli';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';

const USERS = ['ann', 'ben'];
const password = (u: string) => `${u}-password-1`;
let source: TestDatabase;
let target: TestDatabase;
let server: RunningServer;
let smtpPort: number;
let imapPort: number;
let work: string;

async function cli(db: TestDatabase, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { config: parseConfig({ DATABASE_URL: db.url, MAILSTEAD_DATA_DIR: path.join(work, 'data') }), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface BoxState {
  uidValidity: string;
  messages: { uid: number; raw: string; flags: string[] }[];
}

async function mailboxes(db: TestDatabase): Promise<Map<string, BoxState>> {
  const out = new Map<string, BoxState>();
  for (const user of USERS) {
    const account = (await db.store.accounts.findByAddress(`${user}@bk.test`))!;
    for (const box of await db.store.mailboxes.list(account.id)) {
      const rows = await db.store.messages.list(box.id);
      out.set(`${user}/${box.name}`, {
        uidValidity: String(box.uidValidity),
        messages: await Promise.all(rows.map(async (r) => ({ uid: r.uid, raw: (await db.store.messages.raw(box.id, r.uid)).toString('latin1'), flags: flagList(r).sort() }))),
      });
    }
  }
  return out;
}

async function deliver(n: number): Promise<void> {
  const c = await SmtpTalk.connect(smtpPort);
  expect(await c.cmd('EHLO load.remote.test')).toMatch(/^250/);
  expect(await c.cmd('MAIL FROM:<load@remote.test>')).toMatch(/^250/);
  expect(await c.cmd(`RCPT TO:<${USERS[n % USERS.length]}@bk.test>`)).toMatch(/^250/);
  expect(await c.data(mail({ Subject: `load ${n}`, 'Message-ID': `<load${n}@remote.test>` }, `message number ${n}\r\n${'x'.repeat(n % 700)}\r\n`))).toMatch(/^250/);
  await c.cmd('QUIT');
  c.close();
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-backup-'));
  source = await createTestDatabase();
  target = await createTestDatabase();
  const config = await runtimeConfig({ DATABASE_URL: source.url, MAILSTEAD_ROLES: 'smtp,imap', MAILSTEAD_SMTP_SENDER_CHECKS: 'false', MAILSTEAD_ADMIN_ADDRESS: 'postmaster@bk.test' });
  smtpPort = config.smtp.mx.port;
  imapPort = config.imap.plain.port;
  server = await startServer(config, createLogger(config));
  for (const user of USERS) await source.store.accounts.create({ address: `${user}@bk.test`, passwordHash: await hashPassword(password(user)) });
  for (let n = 0; n < 20; n++) await deliver(n);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await source?.drop();
  await target?.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('backup while the server works, restore into an empty database', () => {
  it('gives one instant of the source: same UIDVALIDITY, a gap-free prefix of every mailbox, consistent counters', async () => {
    const imap = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, tls: { rejectUnauthorized: false }, auth: { user: 'ann@bk.test', pass: password('ann') }, logger: false });
    await imap.connect();
    await imap.mailboxOpen('INBOX');
    let running = true;
    let delivered = 20;
    const smtpLoad = (async () => {
      while (running) await deliver(delivered++);
    })();
    const flagLoad = (async () => {
      for (let i = 0; running; i++) {
        if (i % 2) await imap.messageFlagsAdd('1:*', ['\\Seen', 'backup-test']);
        else await imap.messageFlagsRemove('1:*', ['\\Seen']);
      }
    })();
    // Let the load run while the backup reads: it must not wait for either, nor stop them.
    while (delivered < 30) await new Promise((r) => setImmediate(r));
    const backupDir = path.join(work, 'backup');
    const backup = await cli(source, 'backup', backupDir);
    running = false;
    await Promise.all([smtpLoad, flagLoad]);
    await imap.logout();
    expect(backup).toMatchObject({ code: 0, out: expect.stringMatching(/^backup of schema \d+_\w+ in .*: \d+ tables, \d+ rows, \d+ blobs/) });
    expect(await cli(source, 'verify', backupDir)).toMatchObject({ code: 0, out: expect.stringContaining('no problems found') });

    expect(await cli(target, 'restore', backupDir)).toMatchObject({ code: 0 });
    expect(await cli(target, 'verify')).toMatchObject({ code: 0, out: 'the store: no problems found' });
    const after = await mailboxes(source);
    const restored = await mailboxes(target);
    expect([...restored.keys()].sort()).toEqual([...after.keys()].sort());
    let total = 0;
    for (const [name, box] of restored) {
      const now = after.get(name)!;
      expect(box.uidValidity, name).toBe(now.uidValidity);
      // Nothing was expunged during the load: the backup's messages are the source's first ones, UID for UID and byte for byte.
      expect(box.messages.map((m) => [m.uid, m.raw]), name).toEqual(now.messages.slice(0, box.messages.length).map((m) => [m.uid, m.raw]));
      total += box.messages.length;
    }
    expect(total).toBeGreaterThanOrEqual(20);
    // Ben's flags never changed: they match exactly.
    expect(restored.get('ben/INBOX')!.messages.map((m) => m.flags)).toEqual(after.get('ben/INBOX')!.messages.slice(0, restored.get('ben/INBOX')!.messages.length).map((m) => m.flags));

    // Mail clients see the restored store as it was: same UIDVALIDITY and UIDs, so no resynchronisation.
    const restoredConfig = await runtimeConfig({ DATABASE_URL: target.url, MAILSTEAD_ROLES: 'imap', MAILSTEAD_ADMIN_ADDRESS: 'postmaster@bk.test' });
    const restoredServer = await startServer(restoredConfig, createLogger(restoredConfig));
    try {
      const client = new ImapFlow({ host: '127.0.0.1', port: restoredConfig.imap.plain.port, secure: false, tls: { rejectUnauthorized: false }, auth: { user: 'ben@bk.test', pass: password('ben') }, logger: false });
      await client.connect();
      const box = await client.mailboxOpen('INBOX');
      expect(String(box.uidValidity)).toBe(String(restored.get('ben/INBOX')!.uidValidity));
      const uids = (await client.search({ all: true }, { uid: true })) as number[];
      expect(uids).toEqual(restored.get('ben/INBOX')!.messages.map((m) => m.uid));
      await client.logout();
    } finally {
      await restoredServer.stop();
    }

    // A second restore into the same (now full) database is refused, and nothing changes.
    expect(await cli(target, 'restore', backupDir)).toMatchObject({ code: 2, err: expect.stringContaining('not empty') });
  }, 180_000);

  it('verify finds a blob missing from a backup and one whose bytes were cut', async () => {
    const dir = path.join(work, 'backup-damaged');
    expect((await cli(source, 'backup', dir)).code).toBe(0);
    const blobs = fs.readdirSync(path.join(dir, 'blobs')).flatMap((d) => fs.readdirSync(path.join(dir, 'blobs', d)).map((f) => path.join(dir, 'blobs', d, f)));
    fs.rmSync(blobs[0]!);
    fs.writeFileSync(blobs[1]!, fs.readFileSync(blobs[1]!).subarray(0, 10));
    const result = await cli(source, 'verify', dir);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`blob present: blob ${path.basename(blobs[0]!)} is missing`);
    expect(result.out).toMatch(new RegExp(`blob size: blob ${path.basename(blobs[1]!)}: size says \\d+, the file has 10`));
    expect(result.out).toContain(`blob content: blob ${path.basename(blobs[1]!)}: sha256`);
    expect(await cli(source, 'backup', dir)).toMatchObject({ code: 2, err: expect.stringContaining('not empty') });
    expect(await cli(source, 'restore', path.join(work, 'nothing-here'))).toMatchObject({ code: 2, err: expect.stringContaining('no manifest.json') });
  }, 60_000);
});
