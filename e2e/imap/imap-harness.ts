import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import net from 'node:net';
import tls from 'node:tls';
import { Redis } from 'ioredis';
import { Authenticator, hashPassword, LoginThrottle } from '@mailstead/auth';
import { ImapMailStore, ImapServer, type ImapAuthenticator, type ImapLimits } from '@mailstead/imap';
import { ChangeFeed, type Store } from '@mailstead/store';
import { createTestDatabase, redisUrl, testCertificate, type TestDatabase } from '@mailstead/testing';

export const ALICE = { address: 'alice@example.test', password: 'alice-secret-pw' };
export const BOB = { address: 'bob@example.test', password: 'bob-secret-pw' };


export { testCertificate };

export function imapAuthenticator(authenticator: Authenticator): ImapAuthenticator {
  return {
    async authenticate({ username, password, ip }) {
      const result = await authenticator.authenticate({ username, password, ip, protocol: 'imap' });
      if (!result.ok) return { ok: false, reason: result.reason };
      return { ok: true, accountId: result.account.id, address: result.account.address, admin: result.account.role === 'admin' };
    },
  };
}

export interface ImapTestServer {
  db: TestDatabase;
  store: Store;
  feed: ChangeFeed;
  server: ImapServer;
  port: number;
  tlsPort: number;
  aliceId: number;
  /** a second server on the same database (another process, as far as IMAP can tell) */
  startPeer(options?: PeerOptions): Promise<{ port: number; tlsPort: number; close(): Promise<void> }>;
  close(): Promise<void>;
}

export interface PeerOptions {
  limits?: Partial<ImapLimits>;
  trustLoopback?: boolean;
}

export async function startImapServer(limits: Partial<ImapLimits> = {}, db?: TestDatabase): Promise<ImapTestServer> {
  const database = db ?? (await createTestDatabase());
  await database.store.domains.create('example.test');
  const alice = await database.store.accounts.create({ address: ALICE.address, passwordHash: await hashPassword(ALICE.password) });
  await database.store.accounts.create({ address: BOB.address, passwordHash: await hashPassword(BOB.password) });
  const redis = new Redis(redisUrl());
  const throttle = new LoginThrottle(redis, { maxFailuresPerIp: 1000, maxFailuresPerAccount: 5, windowSeconds: 60 }, `imap-test:${database.name}`);
  const authenticator = imapAuthenticator(new Authenticator(database.store, throttle));
  const cert = await testCertificate();
  const peers: { close(): Promise<void> }[] = [];

  const make = async (feed: ChangeFeed, options: PeerOptions = {}) => {
    const server = new ImapServer({
      store: new ImapMailStore(database.store, feed),
      authenticator,
      hostname: 'imap.test',
      tls: cert,
      limits: { ...limits, ...options.limits },
      trustLoopback: options.trustLoopback,
      adminAddress: 'postmaster@example.test',
    });
    const plain = await server.listen('imap', '127.0.0.1', 0, false);
    const secure = await server.listen('imaps', '127.0.0.1', 0, true);
    return { server, port: plain.port, tlsPort: secure.port };
  };
  const feed = new ChangeFeed(database.url);
  await feed.start();
  const main = await make(feed);
  return {
    db: database,
    store: database.store,
    feed,
    server: main.server,
    port: main.port,
    tlsPort: main.tlsPort,
    aliceId: alice.id,
    async startPeer(options: PeerOptions = {}) {
      const peerFeed = new ChangeFeed(database.url);
      await peerFeed.start();
      const peer = await make(peerFeed, options);
      const handle = {
        port: peer.port,
        tlsPort: peer.tlsPort,
        async close() {
          await peer.server.close();
          await peerFeed.close();
        },
      };
      peers.push(handle);
      return handle;
    },
    async close() {
      for (const p of peers) await p.close();
      await main.server.close();
      await feed.close();
      redis.disconnect();
      await database.drop();
    },
  };
}

/**
 * An imapflow client for a test server (not yet connected): loopback, the test certificate
 * accepted, Alice unless told otherwise; `options` adds or overrides (qresync, ...).
 */
export function imapflowClient(port: number, options: { secure?: boolean; user?: { address: string; password: string } } & Partial<ImapFlowOptions> = {}): ImapFlow {
  const { user = ALICE, secure = false, ...rest } = options;
  return new ImapFlow({
    host: '127.0.0.1',
    port,
    secure,
    tls: { rejectUnauthorized: false },
    auth: { user: user.address, pass: user.password },
    logger: false,
    ...rest,
  });
}

/** A raw IMAP connection for transcript tests: send lines, read replies up to the tagged one. */
export class RawImap {
  private buffer = '';
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  private listen(socket: net.Socket): void {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
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

  static async connect(port: number, options: { tls?: boolean } = {}): Promise<RawImap> {
    const socket = options.tls
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    const client = new RawImap(socket);
    await client.until((b) => b.includes('\r\n'));
    client.greeting = client.take();
    return client;
  }

  greeting = '';

  /** Waits until `done(buffer)` holds (or the connection closes). */
  async until(done: (buffer: string) => boolean): Promise<void> {
    while (!done(this.buffer)) {
      if (this.closed) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  take(): string {
    const out = this.buffer;
    this.buffer = '';
    return out;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends `tag command` and returns every line up to and including the tagged reply. */
  async command(tag: string, text: string): Promise<string> {
    this.write(`${tag} ${text}\r\n`);
    return this.response(tag);
  }

  /** `command`, for steps that must succeed: throws (with the reply) unless it ends in a tagged OK. */
  async ok(tag: string, text: string): Promise<string> {
    const r = await this.command(tag, text);
    if (!new RegExp(`^${tag} OK`, 'm').test(r)) throw new Error(`${tag} ${text} failed: ${r}`);
    return r;
  }

  async response(tag: string): Promise<string> {
    const pattern = new RegExp(`(^|\\r\\n)${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (OK|NO|BAD)[^\\r\\n]*\\r\\n`);
    // The tagged reply ends the buffer when it has come: look at the tail only (large FETCHes).
    await this.until((b) => pattern.test(b.slice(-1000)));
    const m = pattern.exec(this.buffer);
    if (!m) return this.take();
    const end = m.index + m[0].length;
    const out = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end);
    return out;
  }

  async login(user = ALICE): Promise<void> {
    const r = await this.command('L1', `LOGIN ${user.address} ${user.password}`);
    if (!/L1 OK/.test(r)) throw new Error(`login failed: ${r}`);
  }

  /** Upgrades the connection after a STARTTLS OK. */
  async startTls(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.listen(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}
