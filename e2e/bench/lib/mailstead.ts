import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '@mailstead/auth';
import { EmbeddedPostgres, Store } from '@mailstead/store';
import { freePort } from '@mailstead/testing';

const root = path.resolve(import.meta.dirname, '../../..');

export interface MailsteadInstance {
  ports: Record<'http' | 'smtp' | 'imap' | 'imaps' | 'pop3' | 'pop3s', number>;
  store: Store;
  pid: number;
  /** Resident set size of the server process, in MiB. */
  rssMiB(): number;
  createUser(address: string, password: string): Promise<{ id: number; inboxId: number }>;
  /** Appends messages to a mailbox in MULTIAPPEND batches. */
  seed(mailboxId: number, messages: Buffer[]): Promise<void>;
  /**
   * One more server process on the same Postgres and Redis running only `roles` (the scale-out
   * shape of DESIGN.md 8), ready once its IMAP port greets. Stopped with this instance.
   */
  startRoleProcess(roles: string): Promise<{ imapPort: number; pid: number; rssMiB(): number }>;
  stop(): Promise<void>;
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function imapGreets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('data', (d: Buffer) => {
      socket.destroy();
      resolve(d.toString().startsWith('* OK'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Mailstead as its own process (as `npm start` runs it: embedded Postgres, redis-server) on
 * free loopback ports, so the load generator does not share its event loop.
 */
export async function startMailstead(roles = 'api,smtp,imap,pop3,worker', extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): Promise<MailsteadInstance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mailstead-'));
  const ports = {
    http: await freePort(), smtp: await freePort(), imap: await freePort(), imaps: await freePort(), pop3: await freePort(), pop3s: await freePort(),
  };
  const pgPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MAILSTEAD_ROLES: roles,
    MAILSTEAD_DATA_DIR: dataDir,
    MAILSTEAD_EMBEDDED_PG_PORT: String(pgPort),
    MAILSTEAD_EMBEDDED_REDIS_PORT: String(await freePort()),
    MAILSTEAD_HTTP_PORT: String(ports.http),
    MAILSTEAD_SMTP_PORT: String(ports.smtp),
    MAILSTEAD_SUBMISSION_PORT: String(await freePort()),
    MAILSTEAD_SUBMISSIONS_PORT: String(await freePort()),
    MAILSTEAD_IMAP_PORT: String(ports.imap),
    MAILSTEAD_IMAPS_PORT: String(ports.imaps),
    MAILSTEAD_POP3_PORT: String(ports.pop3),
    MAILSTEAD_POP3S_PORT: String(ports.pop3s),
    MAILSTEAD_ADMIN_ADDRESS: 'admin@bench.test',
    MAILSTEAD_ADMIN_PASSWORD: 'bench-admin-password',
    MAILSTEAD_LOGIN_MAX_FAILURES_PER_IP: '100000',
    MAILSTEAD_LOG_LEVEL: 'warn',
    MAILSTEAD_DEFAULT_QUOTA: '0',
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const built = path.join(root, 'dist/apps/server/main.js');
  const child: ChildProcess = fs.existsSync(built)
    ? spawn(process.execPath, [...nodeArgs, built], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'apps/server/src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mailstead exited while starting:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${ports.http}/api/health`)).ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`mailstead did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const secret = EmbeddedPostgres.readSecret(path.join(dataDir, 'pg', 'data'))!;
  const databaseUrl = `postgresql://postgres:${encodeURIComponent(secret)}@127.0.0.1:${pgPort}/mailstead`;
  const store = await Store.connect(databaseUrl, { poolSize: 8 });
  const extra: ChildProcess[] = [];
  return {
    ports,
    store,
    pid: child.pid!,
    rssMiB() {
      return rssOf(child.pid!);
    },
    async startRoleProcess(roles) {
      const imapPort = await freePort();
      const roleEnv: NodeJS.ProcessEnv = {
        ...env,
        MAILSTEAD_ROLES: roles,
        MAILSTEAD_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mailstead-role-')),
        DATABASE_URL: databaseUrl,
        REDIS_URL: `redis://127.0.0.1:${env.MAILSTEAD_EMBEDDED_REDIS_PORT}`,
        MAILSTEAD_IMAP_PORT: String(imapPort),
        MAILSTEAD_IMAPS_PORT: String(await freePort()),
      };
      const proc = fs.existsSync(built)
        ? spawn(process.execPath, [...nodeArgs, built], { cwd: root, env: roleEnv, stdio: ['ignore', 'ignore', 'inherit'] })
        : spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'apps/server/src/main.ts'], { cwd: root, env: roleEnv, stdio: ['ignore', 'ignore', 'inherit'] });
      extra.push(proc);
      const until = Date.now() + 90_000;
      while (!(await imapGreets(imapPort))) {
        if (proc.exitCode !== null) throw new Error(`the ${roles} process exited while starting`);
        if (Date.now() > until) throw new Error(`the ${roles} process did not open its IMAP port`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return { imapPort, pid: proc.pid!, rssMiB: () => rssOf(proc.pid!) };
    },
    async createUser(address, password) {
      const domain = address.split('@')[1]!;
      if (!(await store.domains.findByName(domain))) await store.domains.create(domain);
      const account = await store.accounts.create({ address, passwordHash: await hashPassword(password) });
      const inbox = (await store.mailboxes.findByName(account.id, 'INBOX'))!;
      return { id: account.id, inboxId: inbox.id };
    },
    async seed(mailboxId, messages) {
      for (let i = 0; i < messages.length; i += 500) {
        await store.messages.append(mailboxId, messages.slice(i, i + 500).map((raw) => ({ raw })));
      }
    },
    async stop() {
      for (const proc of extra) if (proc.exitCode === null) proc.kill('SIGTERM');
      await store.close();
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
        });
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
