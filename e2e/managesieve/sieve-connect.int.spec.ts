// sieve-connect (Debian's ManageSieve client) against the server as it runs (runtime/server.ts
// with the managesieve and smtp roles, ports given only as configuration): it upgrades with
// STARTTLS, logs in with PLAIN, uploads and activates a script that then files a message
// delivered over SMTP; lists, downloads, checks, deactivates and deletes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, freePort, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import { mail, mailboxContents, SmtpTalk } from '../../libs/smtp/src/test-support/smtp-harness';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';

const PASSWORD = 'connect secret';
const ADDRESS = 'filter@connect.test';
let db: TestDatabase;
let server: RunningServer;
let port: number;
let smtpPort: number;
let accountId: number;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-sieve-connect-'));

beforeAll(async () => {
  db = await createTestDatabase();
  port = await freePort();
  smtpPort = await freePort();
  const config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'smtp,managesieve',
    MAILSTEAD_HOSTNAME: 'mail.connect.test',
    MAILSTEAD_MANAGESIEVE_PORT: String(port),
    MAILSTEAD_SMTP_PORT: String(smtpPort),
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_ADMIN_ADDRESS: 'postmaster@connect.test',
  });
  server = await startServer(config, createLogger(config));
  accountId = (await db.store.accounts.create({ address: ADDRESS, passwordHash: await hashPassword(PASSWORD), role: 'user' })).id;
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await db?.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** sieve-connect with the password on fd 3 (never on the command line), TLS verification off for the test certificate. */
function sieveConnect(args: string[], password = PASSWORD): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sieve-connect', ['--debug', '-s', '127.0.0.1', '-p', String(port), '-u', ADDRESS, '--passwordfd', '3', '--notlsverify', ...args], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const passwordPipe = child.stdio[3] as NodeJS.WritableStream;
    // a client that exits before reading the password closes the pipe: not an error of the test
    passwordPipe.on('error', () => undefined);
    passwordPipe.end(`${password}\n`);
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const SCRIPT = 'require ["fileinto", "mailbox"];\r\nif header :contains "subject" "[sorted]" {\r\n  fileinto :create "Sorted";\r\n}\r\n';

describe('sieve-connect', () => {
  it('uploads and activates a script over STARTTLS with PLAIN', async () => {
    const file = path.join(work, 'main.sieve');
    fs.writeFileSync(file, SCRIPT);
    const upload = await sieveConnect(['--upload', '--localsieve', file, '--remotesieve', 'main']);
    expect(upload.code, upload.output).toBe(0);
    expect(upload.output).toContain('>>> STARTTLS');
    expect(upload.output).toMatch(/>>> AUTHENTICATE "PLAIN"/);
    const activate = await sieveConnect(['--activate', '--remotesieve', 'main']);
    expect(activate.code, activate.output).toBe(0);
    expect(await db.store.sieve.active(accountId)).toMatchObject({ name: 'main', content: SCRIPT });
  });

  it('has the uploaded script file a message delivered over SMTP, and leave the others in INBOX', async () => {
    const c = await SmtpTalk.connect(smtpPort);
    expect(await c.cmd('EHLO client.remote.example')).toMatch(/^250/);
    for (const subject of ['[sorted] monthly report', 'hello']) {
      expect(await c.cmd('MAIL FROM:<sender@remote.example>')).toMatch(/^250 /);
      expect(await c.cmd(`RCPT TO:<${ADDRESS}>`)).toMatch(/^250 /);
      expect(await c.data(mail({ From: 'sender@remote.example', To: ADDRESS, Subject: subject }))).toMatch(/^250 /);
    }
    await c.cmd('QUIT');
    const sorted = await mailboxContents(db, ADDRESS, 'Sorted');
    expect(sorted).toHaveLength(1);
    expect(sorted[0]).toContain('Subject: [sorted] monthly report');
    const inbox = await mailboxContents(db, ADDRESS);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toContain('Subject: hello');
  });

  it('lists the scripts with the active one marked, and downloads it byte for byte', async () => {
    const list = await sieveConnect(['--list']);
    expect(list.code, list.output).toBe(0);
    expect(list.output).toMatch(/^"main" ACTIVE$/m);
    const out = path.join(work, 'downloaded.sieve');
    const download = await sieveConnect(['--download', '--remotesieve', 'main', '--localsieve', out]);
    expect(download.code, download.output).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(SCRIPT);
  });

  it('has a broken script refused with the error, by --checkscript and by --upload', async () => {
    const file = path.join(work, 'broken.sieve');
    fs.writeFileSync(file, 'require "fileinto";\r\nfileinto;\r\n');
    const check = await sieveConnect(['--checkscript', '--localsieve', file]);
    expect(check.code).not.toBe(0);
    expect(check.output).toMatch(/<<< NO "line 2, column \d+: /);
    const upload = await sieveConnect(['--upload', '--localsieve', file, '--remotesieve', 'broken']);
    expect(upload.code).not.toBe(0);
    expect(await db.store.sieve.get(accountId, 'broken')).toBeNull();
  });

  it('is refused with a wrong password', async () => {
    const r = await sieveConnect(['--list'], 'wrong password');
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('<<< NO "Authentication failed"');
  });

  it('deactivates and deletes', async () => {
    const file = path.join(work, 'spare.sieve');
    fs.writeFileSync(file, 'keep;\r\n');
    expect((await sieveConnect(['--upload', '--localsieve', file, '--remotesieve', 'spare'])).code).toBe(0);
    expect((await sieveConnect(['--delete', '--remotesieve', 'main'])).output).toMatch(/<<< NO \(ACTIVE\)/);
    const deactivate = await sieveConnect(['--deactivate']);
    expect(deactivate.code, deactivate.output).toBe(0);
    expect(await db.store.sieve.active(accountId)).toBeNull();
    const remove = await sieveConnect(['--delete', '--remotesieve', 'main']);
    expect(remove.code, remove.output).toBe(0);
    expect((await db.store.sieve.list(accountId)).map((s) => s.name)).toEqual(['spare']);
  });
});
