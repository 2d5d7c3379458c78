// ClamAV through clamd's INSTREAM on the running server (issue 21 item 5): Debian's clamd is
// started by the test on a signature database the test writes (the EICAR test file's MD5, no
// download); infected mail is refused at DATA with 554 5.7.1 naming the signature, clean mail
// is delivered, and with clamd gone the message is tempfailed (451 4.7.1) or, configured to
// pass, delivered with X-Virus-Scan: not scanned.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { ClamdClient } from '@mailstead/spam';
import { malwareScanStep } from '@mailstead/pipeline';
import { createTestDatabase, freePort, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import { SmtpTalk } from '../../libs/smtp/src/test-support/smtp-harness';
import { messageUnderCheck } from '../../libs/pipeline/src/test-support/pipeline-fixtures';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';

// the EICAR anti-virus test file (eicar.org): harmless, detected by every scanner given its signature
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const DOMAIN = 'clam.test';

let dir: string;
let clamd: ChildProcess;
let clamdExited: Promise<void>;
let clamdPort: number;
let db: TestDatabase;
let server: RunningServer;
let smtpPort: number;

async function startClamd(): Promise<void> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-clamd-'));
  fs.mkdirSync(path.join(dir, 'db'));
  fs.writeFileSync(path.join(dir, 'eicar.txt'), EICAR);
  fs.writeFileSync(path.join(dir, 'db', 'test.hdb'), execFileSync('sigtool', ['--md5', 'eicar.txt'], { cwd: dir }));
  clamdPort = await freePort();
  fs.writeFileSync(path.join(dir, 'clamd.conf'), [`DatabaseDirectory ${path.join(dir, 'db')}`, `TCPSocket ${clamdPort}`, 'TCPAddr 127.0.0.1', 'Foreground yes', 'User root', 'LogVerbose yes', ''].join('\n'));
  clamd = spawn('clamd', [`--config-file=${path.join(dir, 'clamd.conf')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  clamdExited = new Promise((resolve) => clamd.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('Listening daemon')) resolve();
    };
    clamd.stdout!.on('data', onData);
    clamd.stderr!.on('data', onData);
    clamd.once('exit', (code) => reject(new Error(`clamd exited (${code}): ${output}`)));
  });
}

function withAttachment(content: string, subject: string): string {
  return [
    `From: someone@remote.example`, `To: rcpt@${DOMAIN}`, `Subject: ${subject}`, 'Date: Fri, 04 Dec 2026 11:00:00 +0000', 'Message-ID: <clam@remote.example>',
    'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'See the attachment.', '--b',
    'Content-Type: application/octet-stream; name=file.com', 'Content-Transfer-Encoding: base64', '', Buffer.from(content).toString('base64'), '--b--', '',
  ].join('\r\n');
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

async function inboxCount(): Promise<number> {
  const account = (await db.store.accounts.findByAddress(`rcpt@${DOMAIN}`))!;
  return (await db.store.mailboxes.findByName(account.id, 'INBOX'))!.messageCount;
}

beforeAll(async () => {
  await startClamd();
  db = await createTestDatabase();
  smtpPort = await freePort();
  const config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'smtp',
    MAILSTEAD_HOSTNAME: 'mx.clam.test',
    MAILSTEAD_SMTP_PORT: String(smtpPort),
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_ADMIN_ADDRESS: `postmaster@${DOMAIN}`,
    MAILSTEAD_CLAMD: `tcp://127.0.0.1:${clamdPort}`,
    MAILSTEAD_CLAMD_FAILURE: 'tempfail',
  });
  server = await startServer(config, createLogger(config));
  await db.store.accounts.create({ address: `rcpt@${DOMAIN}`, passwordHash: await hashPassword('rcpt-password'), role: 'user' });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
  if (clamd && clamd.exitCode === null) {
    clamd.kill();
    await clamdExited;
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('ClamAV (clamd INSTREAM)', () => {
  it('refuses a message with the EICAR file at DATA with 554 5.7.1 naming the signature, and delivers a clean one', async () => {
    expect(await deliver(withAttachment(EICAR, 'infected'))).toBe('554 5.7.1 Message refused: it contains malware (eicar.txt.UNOFFICIAL)');
    expect(await inboxCount()).toBe(0);
    expect(await deliver(withAttachment('just some bytes', 'clean'))).toMatch(/^250 /);
    expect(await inboxCount()).toBe(1);
  });

  it('with clamd gone: 451 4.7.1 under tempfail, and X-Virus-Scan: not scanned under pass', async () => {
    clamd.kill();
    await clamdExited;
    expect(await deliver(withAttachment('more bytes', 'while down'))).toBe('451 4.7.1 Malware scanner unavailable, try again later');
    expect(await inboxCount()).toBe(1);

    const pass = malwareScanStep({ scanner: new ClamdClient(`tcp://127.0.0.1:${clamdPort}`, 2000), failure: 'pass' });
    const message = messageUnderCheck(withAttachment('x', 'pass'));
    expect(await pass.message!(message)).toBeUndefined();
    expect(message.trace).toEqual(['X-Virus-Scan: not scanned (scanner unavailable)']);
  });
});
