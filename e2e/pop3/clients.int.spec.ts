import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisMaildropLock, wireSize } from '@mailstead/pop3';
import { freePort, redisUrl } from '@mailstead/testing';
import { corpus, createPop3Harness, PASSWORD, RawPop3, type Pop3Harness } from './harness';

// Real POP3 clients against the server: Python's poplib (with STLS), curl, fetchmail; and a
// second real process (apps/server with MAILSTEAD_ROLES=pop3) sharing Postgres and Redis.

const root = path.resolve(import.meta.dirname, '../..');
let h: Pop3Harness;
/** Passwords need TLS here (loopback is treated as remote), so clients must use STLS. */
let remote: { port: number; tlsPort: number };
let local: { port: number; tlsPort: number };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-pop3-clients-'));

beforeAll(async () => {
  h = await createPop3Harness();
  remote = await h.server({ trustLoopback: false });
  local = await h.server();
});
afterAll(async () => {
  await h?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const PYTHON_CLIENT = `
import json, poplib, ssl, sys
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3('127.0.0.1', port, timeout=20)
out = {'caps_before': sorted(p.capa().keys())}
try:
    p.user(user)
    out['user_before_tls'] = 'accepted'
except poplib.error_proto as e:
    out['user_before_tls'] = e.args[0].decode()
p.stls(ctx)
out['caps_after'] = sorted(p.capa().keys())
p.user(user)
p.pass_(password)
out['stat'] = list(p.stat())
out['list'] = [l.decode() for l in p.list()[1]]
out['uidl'] = [l.decode() for l in p.uidl()[1]]
resp, lines, octets = p.retr(2)
out['retr2'] = {'resp': resp.decode(), 'octets': octets, 'text': b'\\r\\n'.join(lines).decode('latin1')}
out['top1'] = [l.decode() for l in p.top(1, 0)[1]]
out['dele'] = [p.dele(1).decode(), p.dele(2).decode()]
out['quit'] = p.quit().decode()
print(json.dumps(out))
`;

describe('Python poplib', () => {
  it('is refused USER in the clear, upgrades with STLS, downloads and deletes', async () => {
    const messages = corpus(3);
    const { address, inboxId } = await h.account('python', messages);
    const r = await run('python3', ['-c', PYTHON_CLIENT, String(remote.port), address, PASSWORD]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as {
      caps_before: string[];
      caps_after: string[];
      user_before_tls: string;
      stat: number[];
      list: string[];
      uidl: string[];
      retr2: { resp: string; octets: number; text: string };
      top1: string[];
      quit: string;
    };
    expect(out.caps_before).toContain('STLS');
    expect(out.caps_before).not.toContain('USER');
    expect(out.user_before_tls).toMatch(/^-ERR \[AUTH\]/);
    expect(out.caps_after).toEqual(expect.arrayContaining(['USER', 'SASL', 'TOP', 'UIDL', 'PIPELINING', 'RESP-CODES']));
    const total = messages.reduce((n, m) => n + wireSize(m), 0);
    expect(out.stat).toEqual([3, total]);
    expect(out.list).toEqual(messages.map((m, i) => `${i + 1} ${wireSize(m)}`));
    expect(out.uidl).toHaveLength(3);
    // poplib strips the CRLFs and the stuffing; it counts each line plus CRLF in "octets".
    expect(out.retr2.resp).toBe(`+OK ${wireSize(messages[1]!)} octets`);
    expect(out.retr2.octets).toBe(wireSize(messages[1]!));
    expect(`${out.retr2.text}\r\n`).toBe(messages[1]!.toString('latin1').replace(/\n/g, '\r\n'));
    expect(out.top1).toContain('Subject: Test message 1');
    expect(out.top1.at(-1)).toBe('');
    expect(out.quit).toMatch(/^\+OK .*\(2 messages deleted\)/);
    expect((await h.db.store.messages.list(inboxId)).map((m) => m.uid)).toEqual([3]);
  });
});

describe('curl', () => {
  it('lists and retrieves over STLS (--ssl-reqd) and over POP3S', async () => {
    const messages = corpus(2);
    const { address } = await h.account('curl', messages);
    const auth = `${address}:${PASSWORD}`;
    const listed = await run('curl', ['-sS', '--ssl-reqd', '-k', '-u', auth, `pop3://127.0.0.1:${remote.port}/`]);
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toBe(messages.map((m, i) => `${i + 1} ${wireSize(m)}\r\n`).join(''));
    const second = await run('curl', ['-sS', '--ssl-reqd', '-k', '-u', auth, `pop3://127.0.0.1:${remote.port}/2`]);
    expect(second.stdout).toBe(messages[1]!.toString('latin1').replace(/\n/g, '\r\n'));
    const first = await run('curl', ['-sS', '-k', '-u', auth, `pop3s://127.0.0.1:${local.tlsPort}/1`]);
    expect(first.stdout).toBe(messages[0]!.toString('latin1'));
  });

  it('logs in with SASL PLAIN when asked to, and is refused with a wrong password', async () => {
    const { address } = await h.account('curlsasl', corpus(1));
    const ok = await run('curl', ['-sS', '--login-options', 'AUTH=PLAIN', '-u', `${address}:${PASSWORD}`, `pop3://127.0.0.1:${local.port}/`]);
    expect(ok.stdout).toMatch(/^1 \d+\r\n$/);
    const bad = await run('curl', ['-sS', '-u', `${address}:wrong password`, `pop3://127.0.0.1:${local.port}/`]);
    expect(bad.code).toBe(67); // CURLE_LOGIN_DENIED
  });
});

describe('fetchmail', () => {
  it('fetches every message over STLS into an MDA and deletes them from the server', async () => {
    const messages = corpus(3);
    const { address, inboxId } = await h.account('fetchmail', messages);
    const home = fs.mkdtempSync(path.join(work, 'fetchmail-'));
    const mbox = path.join(home, 'delivered');
    const rc = path.join(home, 'fetchmailrc');
    fs.writeFileSync(
      rc,
      [
        'set no bouncemail',
        `poll 127.0.0.1 with proto POP3 port ${remote.port} uidl`,
        `  user "${address}" there with password "${PASSWORD}" is "${os.userInfo().username}" here`,
        `  options sslproto "TLS1.2+" no sslcertck fetchall`,
        `  mda "/bin/sh -c 'cat >> ${mbox}; echo ==END== >> ${mbox}'"`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const r = await run('fetchmail', ['-f', rc, '--nosyslog', '--pidfile', path.join(home, 'pid'), '-v'], { env: { FETCHMAILHOME: home, HOME: home } });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/STLS/);
    const delivered = fs.readFileSync(mbox, 'latin1').split('==END==\n').filter(Boolean);
    expect(delivered).toHaveLength(3);
    for (const [i, m] of messages.entries()) {
      expect(delivered[i]).toContain(`Subject: Test message ${i + 1}`);
      // fetchmail hands the MDA the message with LF line endings.
      expect(delivered[i]).toContain(m.toString('latin1').replace(/\r\n/g, '\n').split('\n\n')[1]!.split('\n')[0]!);
    }
    expect(await h.db.store.messages.list(inboxId)).toEqual([]);
  });
});

describe('a second real process', () => {
  let child: ChildProcess | undefined;
  let output = '';
  const redis = new Redis(redisUrl());
  afterAll(async () => {
    redis.disconnect();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('apps/server with only the pop3 role serves the same maildrops, and the lock holds across processes', async () => {
    const { address, inboxId } = await h.account('process', corpus(2));
    const port = await freePort();
    const tlsPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MAILSTEAD_ROLES: 'pop3',
      DATABASE_URL: h.db.url,
      REDIS_URL: redisUrl(),
      MAILSTEAD_DATA_DIR: fs.mkdtempSync(path.join(work, 'data-')),
      MAILSTEAD_POP3_PORT: String(port),
      MAILSTEAD_POP3S_PORT: String(tlsPort),
      MAILSTEAD_ADMIN_PASSWORD: 'admin password for the test',
      MAILSTEAD_HOSTNAME: 'second.test',
      MAILSTEAD_LOG_LEVEL: 'info',
    };
    child = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'apps/server/src/main.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (output.includes('mailstead is up')) {
          clearInterval(check);
          resolve();
        } else if (child!.exitCode !== null) {
          clearInterval(check);
          reject(new Error(`server exited:\n${output}`));
        }
      }, 100);
    });

    // This process (the test's server, default lock keys as the child uses) holds the maildrop...
    const here = await h.server({ lock: new RedisMaildropLock(redis) });
    const holder = await RawPop3.connect(here.port);
    expect(await holder.login(address)).toMatch(/^\+OK Logged in, 2 messages/);
    // ...so the other process refuses it, over STLS and POP3S alike.
    const there = await RawPop3.connect(port);
    expect(await there.command('CAPA')).toMatch(/^\+OK/);
    await there.body();
    expect(await there.login(address)).toBe('-ERR [IN-USE] Maildrop is in use by another POP3 session');
    const thereTls = await RawPop3.connect(tlsPort, { tls: true });
    expect(await thereTls.login(address)).toBe('-ERR [IN-USE] Maildrop is in use by another POP3 session');
    expect(await holder.command('DELE 1')).toMatch(/^\+OK/);
    expect(await holder.quit()).toMatch(/\(1 messages deleted\)/);
    // Released: the other process now serves it, and sees the deletion.
    expect(await there.login(address)).toMatch(/^\+OK Logged in, 1 messages/);
    const retr = await there.multiline('RETR 1');
    expect(retr.body.toString('latin1')).toBe(corpus(2)[1]!.toString('latin1').replace(/\n/g, '\r\n'));
    expect(await there.quit()).toBe('+OK second.test POP3 server signing off (0 messages deleted)');
    await thereTls.quit();
    expect((await h.db.store.messages.list(inboxId)).map((m) => m.uid)).toEqual([2]);
  });
});

