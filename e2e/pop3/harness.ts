import net from 'node:net';
import tls from 'node:tls';
import { Redis } from 'ioredis';
import { Authenticator, hashPassword, LoginThrottle } from '@mailstead/auth';
import { Pop3Server, RedisLoginDelayGate, RedisMaildropLock, RedisWireSizeCache, storeMailStore, type Pop3ServerOptions } from '@mailstead/pop3';
import { createTestDatabase, redisUrl, sampleMessage, testCertificate as sharedTestCertificate, type TestDatabase } from '@mailstead/testing';

export const PASSWORD = 'pop3 secret with spaces';

export interface Pop3Harness {
  db: TestDatabase;
  /** Prefix of every Redis key this test file uses (its own locks and throttle counters). */
  prefix: string;
  tls: { cert: Buffer; key: Buffer };
  /** Creates an account (INBOX holding `messages`) and returns its address and INBOX id. */
  account(local: string, messages?: Buffer[]): Promise<{ address: string; id: number; inboxId: number }>;
  /** A POP3 server (one "process": its own Redis connection) listening plain + POP3S on 127.0.0.1. */
  server(overrides?: Partial<Pop3ServerOptions>): Promise<{ server: Pop3Server; port: number; tlsPort: number }>;
  close(): Promise<void>;
}

/** The shared test certificate as Buffers (what the POP3 server's TLS options take). */
export async function testCertificate(): Promise<{ cert: Buffer; key: Buffer }> {
  const { cert, key } = await sharedTestCertificate();
  return { cert: Buffer.from(cert), key: Buffer.from(key) };
}

export async function createPop3Harness(): Promise<Pop3Harness> {
  const db = await createTestDatabase();
  const prefix = `test:${db.name}`;
  const domain = 'pop.test';
  await db.store.domains.create(domain);
  const hash = await hashPassword(PASSWORD);
  const tlsMaterial = await testCertificate();
  const servers: Pop3Server[] = [];
  const redises: Redis[] = [];
  return {
    db,
    prefix,
    tls: tlsMaterial,
    async account(local, messages = []) {
      const address = `${local}@${domain}`;
      const account = await db.store.accounts.create({ address, passwordHash: hash });
      const inbox = (await db.store.mailboxes.findByName(account.id, 'INBOX'))!;
      if (messages.length > 0) await db.store.messages.append(inbox.id, messages.map((raw) => ({ raw })));
      return { address, id: account.id, inboxId: inbox.id };
    },
    async server(overrides = {}) {
      const redis = new Redis(redisUrl());
      redises.push(redis);
      const throttle = new LoginThrottle(redis, { maxFailuresPerIp: 50, maxFailuresPerAccount: 3, windowSeconds: 60 }, `${prefix}:login`);
      const server = new Pop3Server({
        hostname: 'pop.test',
        mailStore: storeMailStore(db.store, new RedisWireSizeCache(redis, `${prefix}:wire-size`)),
        authenticator: new Authenticator(db.store, throttle),
        lock: new RedisMaildropLock(redis, { prefix: `${prefix}:lock`, ttlMs: 3000 }),
        loginDelay: new RedisLoginDelayGate(redis, `${prefix}:login-delay`),
        loginDelaySeconds: 0,
        insecureAuth: false,
        limits: { maxLineLength: 200, maxBadCommands: 20, idleTimeoutMs: 60_000 },
        tls: tlsMaterial,
        ...overrides,
      });
      servers.push(server);
      const plain = await server.listen('127.0.0.1', 0, { implicitTls: false });
      const secure = await server.listen('127.0.0.1', 0, { implicitTls: true });
      return { server, port: plain.port, tlsPort: secure.port };
    },
    async close() {
      await Promise.all(servers.map((s) => s.close()));
      for (const r of redises) r.disconnect();
      await db.drop();
    },
  };
}

/** `n` small messages; the odd ones have bare-LF line endings and a line starting with ".". */
export function corpus(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 1
      ? Buffer.from(sampleMessage(i + 1, { body: `line one\r\n.leading dot\r\n..two dots\r\nlast ${i + 1}` }).toString('latin1').replace(/\r\n/g, '\n'))
      : sampleMessage(i + 1),
  );
}

/** A raw-socket POP3 client for transcripts: exact bytes in, exact bytes out. */
export class RawPop3 {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private ended = false;
  readonly closed: Promise<void>;

  private constructor(private socket: net.Socket) {
    this.closed = new Promise((resolve) => this.listen(socket, resolve));
  }

  private listen(socket: net.Socket, onClose?: () => void): void {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    socket.on('error', () => undefined);
    if (onClose) {
      socket.on('close', () => {
        this.ended = true;
        this.wake();
        onClose();
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static async connect(port: number, options: { tls?: boolean; host?: string } = {}): Promise<RawPop3> {
    const host = options.host ?? '127.0.0.1';
    const socket = options.tls ? tls.connect({ port, host, rejectUnauthorized: false }) : net.connect(port, host);
    await new Promise((resolve, reject) => socket.once(options.tls ? 'secureConnect' : 'connect', resolve).once('error', reject));
    const client = new RawPop3(socket);
    const greeting = await client.line();
    if (!greeting.startsWith('+OK')) throw new Error(`bad greeting ${greeting}`);
    return client;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one command line and returns the one-line reply. */
  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.line();
  }

  /** Next CRLF line from the server; '' when the connection closed first. */
  async line(): Promise<string> {
    for (;;) {
      const crlf = this.buffer.indexOf('\r\n');
      if (crlf !== -1) {
        const text = this.buffer.subarray(0, crlf).toString('latin1');
        this.buffer = this.buffer.subarray(crlf + 2);
        return text;
      }
      if (this.ended) return '';
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** The lines of a multi-line body up to (not including) the "." terminator, still dot-stuffed. */
  async body(): Promise<Buffer> {
    const lines: Buffer[] = [];
    for (;;) {
      const l = await this.line();
      if (l === '.') return Buffer.concat(lines);
      if (l === '' && this.ended) throw new Error('connection closed inside a multi-line response');
      lines.push(Buffer.from(`${l}\r\n`, 'latin1'));
    }
  }

  /** A command with a multi-line answer: its status line and the body decoded as a client does. */
  async multiline(line: string): Promise<{ status: string; body: Buffer; stuffed: Buffer }> {
    const status = await this.command(line);
    if (!status.startsWith('+OK')) return { status, body: Buffer.alloc(0), stuffed: Buffer.alloc(0) };
    const stuffed = await this.body();
    const body = Buffer.from(
      stuffed
        .toString('latin1')
        .split('\r\n')
        .map((l) => (l.startsWith('.') ? l.slice(1) : l))
        .join('\r\n'),
      'latin1',
    );
    return { status, body, stuffed };
  }

  async login(address: string, password = PASSWORD): Promise<string> {
    const user = await this.command(`USER ${address}`);
    if (!user.startsWith('+OK')) return user;
    return this.command(`PASS ${password}`);
  }

  /** STLS: upgrades this connection in place. */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    this.buffer = Buffer.alloc(0);
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    this.socket = secure;
    this.listen(secure);
  }

  /** Drops the connection without QUIT. */
  drop(): void {
    this.socket.destroy();
  }

  async quit(): Promise<string> {
    const reply = await this.command('QUIT');
    await this.closed;
    return reply;
  }
}
