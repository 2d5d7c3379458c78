import net from 'node:net';
import tls from 'node:tls';
import { Redis } from 'ioredis';
import { Authenticator, hashPassword, LoginThrottle } from '@mailstead/auth';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only helper, imported by *.int.spec.ts files alone
import { createTestDatabase, redisUrl, testCertificate, type TestDatabase } from '@mailstead/testing';
import { RecipientResolver } from '@mailstead/pipeline';
import type { SmtpContext } from '../smtp-context';
import { SmtpFrontEnd } from '../smtp-front-end';

export interface SmtpHarness {
  db: TestDatabase;
  ctx: SmtpContext;
  ports: { mx: number; submission: number; submissions: number };
  logs: { level: string; msg: string; obj: object }[];
  /** another front end over the same database with different settings (closed by close()) */
  extra(overrides: Partial<SmtpContext>): Promise<{ mx: number; submission: number; submissions: number }>;
  close(): Promise<void>;
}

/** A migrated database, the shared Authenticator on the run's Redis, and the three listeners on 127.0.0.1. */
export async function startSmtpHarness(overrides: Partial<SmtpContext> = {}): Promise<SmtpHarness> {
  const db = await createTestDatabase();
  const redis = new Redis(redisUrl());
  const throttle = new LoginThrottle(redis, { maxFailuresPerIp: 50, maxFailuresPerAccount: 5, windowSeconds: 60 }, `test:${db.name}`);
  const logs: SmtpHarness['logs'] = [];
  const record = (level: string) => (obj: object, msg: string) => logs.push({ level, msg, obj });
  const certificate = await testCertificate();
  const ctx: SmtpContext = {
    store: db.store,
    resolver: new RecipientResolver(db.store),
    authenticator: new Authenticator(db.store, throttle),
    hostname: 'mx.example.test',
    limits: { maxMessageSize: 200_000, maxRecipients: 20, maxConnections: 100, maxConnectionsPerIp: 50, idleTimeoutSeconds: 30, greetingDelayMs: 0 },
    insecureAuth: false,
    allowExpn: false,
    senderChecks: true,
    dmarcReject: false,
    // DNS answers for the tests: nothing exists except what a test puts in `dns`
    dnsResolver: async (name: string, rrtype: string) => {
      const answer = testDns.get(`${rrtype}:${name.toLowerCase()}`);
      if (answer) return answer;
      throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    },
    listLinks: { publicUrl: 'https://mx.example.test', secret: Buffer.from('smtp-harness-secret') },
    logger: { info: record('info'), warn: record('warn'), error: record('error'), debug: () => undefined },
    ...overrides,
  };
  const frontEnds: SmtpFrontEnd[] = [];
  const start = async (c: SmtpContext) => {
    const fe = new SmtpFrontEnd(c, certificate);
    frontEnds.push(fe);
    const listeners = await fe.listen([
      { kind: 'mx', host: '127.0.0.1', port: 0 },
      { kind: 'submission', host: '127.0.0.1', port: 0 },
      { kind: 'submissions', host: '127.0.0.1', port: 0 },
    ]);
    const port = (k: string) => listeners.find((l) => l.kind === k)!.port;
    return { mx: port('mx'), submission: port('submission'), submissions: port('submissions') };
  };
  const ports = await start(ctx);
  return {
    db,
    ctx,
    ports,
    logs,
    extra: (o) => start({ ...ctx, ...o, limits: { ...ctx.limits, ...(o.limits ?? {}) } }),
    async close() {
      for (const fe of frontEnds) await fe.close();
      redis.disconnect();
      await db.drop();
    },
  };
}

/** TXT answers the fake resolver gives, keyed "TXT:name". */
export const testDns = new Map<string, string[][]>();

/** The standard directory of the SMTP tests. */
export async function seedDirectory(db: TestDatabase): Promise<void> {
  const s = db.store;
  const hash = await hashPassword('secret-password');
  await s.domains.create('example.test');
  await s.domains.create('catch.test');
  for (const local of ['alice', 'bob', 'carol', 'dave', 'full', 'tiny']) await s.accounts.create({ address: `${local}@example.test`, passwordHash: hash });
  await s.accounts.setEnabled('carol@example.test', false);
  const alice = (await s.accounts.findByAddress('alice@example.test'))!;
  await s.mailboxes.create(alice.id, 'Receipts');
  await s.aliases.create('info@example.test', ['alice@example.test', 'bob@example.test']);
  await s.aliases.create('fwd@example.test', ['dave@example.test', 'someone@remote.example']);
  await s.aliases.create('loop1@example.test', ['loop2@example.test']);
  await s.aliases.create('loop2@example.test', ['loop1@example.test']);
  await s.aliases.create('@catch.test', ['dave@example.test']);
  await s.lists.create({ address: 'team@example.test', name: 'Team', policy: 'members', subjectPrefix: '[team]' });
  for (const m of ['alice@example.test', 'bob@example.test', 'member@remote.example']) await s.lists.addMember('team@example.test', m);
  await s.lists.create({ address: 'open@example.test', name: 'Open', policy: 'open' });
  await s.lists.addMember('open@example.test', 'inner@example.test');
  await s.lists.addMember('open@example.test', 'open@example.test');
  await s.lists.create({ address: 'inner@example.test', name: 'Inner', policy: 'members' });
  await s.lists.addMember('inner@example.test', 'dave@example.test');
  await s.lists.create({ address: 'mod@example.test', name: 'Moderated', policy: 'moderated' });
  await s.lists.addMember('mod@example.test', 'bob@example.test');
  await s.lists.addMember('mod@example.test', 'dave@example.test');
}

/**
 * A raw SMTP client for transcripts: sends lines, reads whole (multi-line) replies, upgrades
 * with STARTTLS. Replies are returned exactly as the server wrote them (CRLF-joined lines).
 */
export class SmtpTalk {
  private buffer = '';
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private socket: net.Socket | tls.TLSSocket) {
    this.attach(socket);
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async connect(port: number, options: { tls?: boolean; greeting?: boolean } = {}): Promise<SmtpTalk> {
    const socket = options.tls
      ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    const talk = new SmtpTalk(socket);
    if (options.greeting !== false) await talk.reply();
    return talk;
  }

  /** The next complete reply (up to a line "NNN text"). Empty string if the server closed. */
  async reply(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3} /.test(lines[i]!) || /^\d{3}$/.test(lines[i]!)) {
          const reply = lines.slice(0, i + 1).join('\r\n');
          this.buffer = lines.slice(i + 1).join('\r\n');
          return reply;
        }
      }
      if (this.closed) return '';
      if (Date.now() > deadline) throw new Error(`no SMTP reply within ${timeoutMs} ms; buffer: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async cmd(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  /** DATA, then the message (dot-stuffed here), then the final reply. */
  async data(message: string | Buffer): Promise<string> {
    const go = await this.cmd('DATA');
    if (!go.startsWith('354')) return go;
    const text = Buffer.isBuffer(message) ? message.toString('latin1') : message;
    const stuffed = text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.write(Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1'));
    return this.reply(30_000);
  }

  async starttls(): Promise<string> {
    const r = await this.cmd('STARTTLS');
    if (!r.startsWith('220')) return r;
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.buffer = '';
    this.attach(secure);
    return r;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A small RFC 5322 message. */
export function mail(fields: Record<string, string>, body = 'Hello there.\r\n'): string {
  const headers = { Subject: 'test', 'Message-ID': `<${Math.random().toString(36).slice(2)}@client.test>`, Date: 'Sun, 22 Nov 2026 10:00:00 +0000', ...fields };
  return `${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body}`;
}

/** The raw bytes of every message in one of an account's mailboxes, oldest first. */
export async function mailboxContents(db: TestDatabase, address: string, mailbox = 'INBOX'): Promise<string[]> {
  const account = await db.store.accounts.findByAddress(address);
  const box = await db.store.mailboxes.findByName(account!.id, mailbox);
  const messages = await db.store.messages.list(box!.id);
  return Promise.all(messages.map(async (m) => (await db.store.messages.raw(box!.id, m.uid)).toString('latin1')));
}
