import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { generate } from 'selfsigned';
import { createTestDatabase, freePort, seededRandom, testSeed, type TestDatabase } from '@mailstead/testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let db: TestDatabase;
let child: ChildProcess | undefined;
let tlsDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('crash.test');
  await db.store.accounts.create({ address: 'alice@crash.test', passwordHash: await hashPassword('not used here') });
  tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-crash-'));
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
  fs.writeFileSync(path.join(tlsDir, 'cert.pem'), pems.cert);
  fs.writeFileSync(path.join(tlsDir, 'key.pem'), pems.private);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await db?.drop();
  if (tlsDir) fs.rmSync(tlsDir, { recursive: true, force: true });
});

/** Starts the MX listener in its own process and waits for "ready". */
async function startServer(port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'e2e/smtp/smtp-child.ts', db.url, String(port), path.join(tlsDir, 'cert.pem'), path.join(tlsDir, 'key.pem')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    proc.once('exit', (code) => reject(new Error(`smtp child exited (${code}): ${stderr}`)));
  });
  return proc;
}

it('after SIGKILL at a random moment and a restart, every message that got a 250 is stored exactly once', async () => {
  const port = await freePort();
  child = await startServer(port);
  const senders = 5;
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: senders, maxMessages: Infinity });
  const total = 500;
  // The seed replays where the kill falls (which message, how many ms into it), not the exact
  // interleaving of five clients with the server.
  const random = seededRandom(testSeed('smtp crash test'));
  const killAt = 100 + Math.floor(random() * 300);
  const acked: number[] = [];
  let kills = 0;
  let next = 0;
  let restarting: Promise<void> | undefined;
  const restart = async () => {
    const dead = child!;
    if (dead.exitCode === null && dead.signalCode === null) await new Promise((resolve) => dead.once('exit', resolve));
    child = await startServer(port);
  };
  // five clients in parallel, each sending the next message as soon as the last one got its reply
  const sender = async () => {
    for (let i = next++; i < total; i = next++) {
      if (i === killAt) {
        const victim = child!;
        // a random moment: inside some message's transaction, or just before or after one
        setTimeout(() => victim.kill('SIGKILL'), Math.floor(random() * 20));
        kills++;
      }
      await restarting;
      try {
        const info = await transport.sendMail({
          envelope: { from: 'sender@remote.example', to: ['alice@crash.test'] },
          raw: `From: sender@remote.example\r\nTo: alice@crash.test\r\nSubject: crash-${i}\r\nMessage-ID: <crash-${i}@remote.example>\r\n\r\nmessage ${i}\r\n`,
        });
        if (/^250 /.test(info.response)) acked.push(i);
      } catch {
        restarting ??= restart();
        await restarting;
      }
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  transport.close();
  expect(kills).toBe(1);

  const alice = (await db.store.accounts.findByAddress('alice@crash.test'))!;
  const inbox = (await db.store.mailboxes.findByName(alice.id, 'INBOX'))!;
  const stored = await db.store.messages.list(inbox.id);
  const subjects = stored.map((m) => m.subject);
  const counts = new Map<string, number>();
  for (const s of subjects) counts.set(s, (counts.get(s) ?? 0) + 1);
  for (const i of acked) expect(counts.get(`crash-${i}`), `crash-${i}`).toBe(1);
  // nothing is stored twice, and only messages in flight at the kill can be stored without their 250
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(stored.length - acked.length).toBeLessThanOrEqual(senders);
  expect(acked.length).toBeGreaterThanOrEqual(total - 2 * senders);
}, 120_000);
