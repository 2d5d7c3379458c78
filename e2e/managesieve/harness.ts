import net from 'node:net';
import tls from 'node:tls';
import { Redis } from 'ioredis';
import { Authenticator, hashPassword, LoginThrottle } from '@mailstead/auth';
import { ManageSieveServer, type ManageSieveServerOptions } from '@mailstead/managesieve';
import { SIEVE_EXTENSIONS, sieveLimits } from '@mailstead/sieve';
import { createTestDatabase, redisUrl, testCertificate, type TestDatabase } from '@mailstead/testing';
import { managesieveScriptStore } from '../../apps/server/src/app/roles/managesieve-script-store';
import { SieveScriptService, type SieveScriptLimits } from '../../apps/server/src/services/sieve-script.service';

export const PASSWORD = 'sieve secret with spaces';
export const DOMAIN = 'sieve.test';

export interface ManageSieveHarness {
  db: TestDatabase;
  tls: { cert: Buffer; key: Buffer };
  /** An account with PASSWORD; returns its address and id. */
  account(local: string): Promise<{ address: string; id: number }>;
  /**
   * A ManageSieve server over the real store and Authenticator (its own Redis connection),
   * listening on 127.0.0.1; `limits` are the script quotas.
   */
  server(overrides?: Partial<ManageSieveServerOptions>, limits?: Partial<SieveScriptLimits>): Promise<{ server: ManageSieveServer; port: number }>;
  close(): Promise<void>;
}

export async function createManageSieveHarness(): Promise<ManageSieveHarness> {
  const db = await createTestDatabase();
  const prefix = `test:${db.name}`;
  await db.store.domains.create(DOMAIN);
  const hash = await hashPassword(PASSWORD);
  const material = await testCertificate();
  const tlsMaterial = { cert: Buffer.from(material.cert), key: Buffer.from(material.key) };
  const servers: ManageSieveServer[] = [];
  const redises: Redis[] = [];
  return {
    db,
    tls: tlsMaterial,
    async account(local) {
      const address = `${local}@${DOMAIN}`;
      const account = await db.store.accounts.create({ address, passwordHash: hash });
      return { address, id: account.id };
    },
    async server(overrides = {}, limits = {}) {
      const redis = new Redis(redisUrl());
      redises.push(redis);
      const throttle = new LoginThrottle(redis, { maxFailuresPerIp: 50, maxFailuresPerAccount: 3, windowSeconds: 60 }, `${prefix}:login:${servers.length}`);
      const quotas = { maxScriptSize: 4096, maxScripts: 5, ...limits };
      const server = new ManageSieveServer({
        implementation: 'Mailstead',
        scripts: managesieveScriptStore(new SieveScriptService(db.store, quotas)),
        authenticator: new Authenticator(db.store, throttle),
        sieveExtensions: SIEVE_EXTENSIONS,
        maxRedirects: sieveLimits.maxRedirects,
        insecureAuth: false,
        limits: { maxLineLength: 1024, maxLiteralSize: quotas.maxScriptSize, maxBadCommands: 10, idleTimeoutMs: 60_000 },
        tls: tlsMaterial,
        ...overrides,
      });
      servers.push(server);
      const { port } = await server.listen('127.0.0.1', 0);
      return { server, port };
    },
    async close() {
      await Promise.all(servers.map((s) => s.close()));
      for (const r of redises) r.disconnect();
      await db.drop();
    },
  };
}

/** A response as the client reads it: the lines before the status, and the status line itself. */
export interface SieveResponse {
  /** Data lines, with a literal's octets in place of its {n} header. */
  lines: string[];
  /** "OK ...", "NO ..." or "BYE ..."; '' if the connection closed first. */
  status: string;
}

/** A raw-socket ManageSieve client for transcripts: exact bytes in, exact responses out. */
export class RawSieve {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private ended = false;
  readonly closed: Promise<void>;
  /** The greeting's capability lines. */
  greeting: SieveResponse = { lines: [], status: '' };

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

  static async connect(port: number): Promise<RawSieve> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawSieve(socket);
    client.greeting = await client.response();
    if (!client.greeting.status.startsWith('OK')) throw new Error(`bad greeting ${JSON.stringify(client.greeting)}`);
    return client;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends `text` as is (CRLF included by the caller) and reads one response. */
  async send(text: string | Buffer): Promise<SieveResponse> {
    this.write(text);
    return this.response();
  }

  /** Sends one command line (CRLF added) and reads its response. */
  command(line: string): Promise<SieveResponse> {
    return this.send(`${line}\r\n`);
  }

  /** Next CRLF line; '' when the connection closed first. */
  async line(): Promise<string> {
    for (;;) {
      const crlf = this.buffer.indexOf('\r\n');
      if (crlf !== -1) {
        const text = this.buffer.subarray(0, crlf).toString('utf8');
        this.buffer = this.buffer.subarray(crlf + 2);
        return text;
      }
      if (this.ended) return '';
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  private async octets(n: number): Promise<string> {
    while (this.buffer.length < n) {
      if (this.ended) throw new Error('connection closed inside a literal');
      await new Promise<void>((r) => this.waiters.push(r));
    }
    const text = this.buffer.subarray(0, n).toString('utf8');
    this.buffer = this.buffer.subarray(n);
    return text;
  }

  /** Lines up to and including the status line; a line (or status) ending in {n} takes the literal's octets. */
  async response(): Promise<SieveResponse> {
    const lines: string[] = [];
    for (;;) {
      let line = await this.line();
      if (line === '' && this.ended) return { lines, status: '' };
      const literal = /\{(\d+)\}$/.exec(line);
      if (literal) {
        line = line.slice(0, literal.index) + (await this.octets(Number(literal[1])));
        line += await this.line();
      }
      if (/^(OK|NO|BYE)\b/i.test(line)) return { lines, status: line };
      lines.push(line);
    }
  }

  async authenticate(address: string, password = PASSWORD): Promise<SieveResponse> {
    return this.command(`AUTHENTICATE "PLAIN" "${Buffer.from(`\0${address}\0${password}`).toString('base64')}"`);
  }

  /** STARTTLS already answered OK: upgrades this connection in place and reads the capabilities sent again. */
  async startTls(): Promise<SieveResponse> {
    this.socket.removeAllListeners('data');
    this.buffer = Buffer.alloc(0);
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    this.socket = secure;
    this.listen(secure);
    return this.response();
  }

  drop(): void {
    this.socket.destroy();
  }
}

/** The capability names of a response's lines ("SASL" "PLAIN" -> SASL => PLAIN). */
export function capabilityMap(response: SieveResponse): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const line of response.lines) {
    const m = /^"([^"]+)"(?: "((?:[^"\\]|\\.)*)")?$/.exec(line);
    if (!m) throw new Error(`not a capability line: ${line}`);
    out[m[1]!.toUpperCase()] = m[2] ?? null;
  }
  return out;
}
