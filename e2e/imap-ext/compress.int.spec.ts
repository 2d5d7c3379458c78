import net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { ALICE, imapflowClient, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/** COMPRESS=DEFLATE (RFC 4978) on the real server: a raw client with its own zlib streams, and imapflow. */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

/** A line client that can switch to raw DEFLATE in both directions after COMPRESS's OK. */
class DeflateClient {
  private text = '';
  private waiters: (() => void)[] = [];
  private deflate: zlib.DeflateRaw | undefined;
  compressedIn = 0;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      if (this.inflate) {
        this.compressedIn += d.length;
        this.inflate.write(d);
      } else this.add(d);
    });
  }

  private inflate: zlib.InflateRaw | undefined;

  private add(d: Buffer): void {
    this.text += d.toString('latin1');
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async connect(port: number): Promise<DeflateClient> {
    const socket = net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const c = new DeflateClient(socket);
    await c.until((b) => b.includes('\r\n'));
    c.text = '';
    return c;
  }

  async until(done: (text: string) => boolean): Promise<void> {
    while (!done(this.text)) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  startDeflate(): void {
    this.inflate = zlib.createInflateRaw();
    this.inflate.on('data', (d: Buffer) => this.add(d));
    this.deflate = zlib.createDeflateRaw();
    this.deflate.on('data', (d: Buffer) => this.socket.write(d));
  }

  async command(tag: string, line: string): Promise<string> {
    const data = `${tag} ${line}\r\n`;
    if (this.deflate) {
      this.deflate.write(data);
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH);
    } else this.socket.write(data);
    const pattern = new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`);
    await this.until((b) => pattern.test(b));
    const m = pattern.exec(this.text)!;
    const out = this.text.slice(0, m.index + m[0].length);
    this.text = this.text.slice(m.index + m[0].length);
    return out;
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('COMPRESS=DEFLATE', () => {
  it('answers OK uncompressed, then speaks raw DEFLATE both ways; a second COMPRESS is NO [COMPRESSIONACTIVE]', async () => {
    const box = await t.store.mailboxes.findByName(t.aliceId, 'INBOX');
    await t.store.messages.append(box!.id, Array.from({ length: 50 }, (_, i) => ({ raw: sampleMessage(i + 1, { body: 'Compressible text. '.repeat(200) }) })));
    const c = await DeflateClient.connect(t.port);
    expect(await c.command('a1', 'CAPABILITY')).toMatch(/ COMPRESS=DEFLATE/);
    expect(await c.command('a2', `LOGIN ${ALICE.address} ${ALICE.password}`)).toMatch(/^a2 OK /);
    expect(await c.command('a3', 'COMPRESS FOO')).toMatch(/^a3 BAD /);
    expect(await c.command('a4', 'COMPRESS DEFLATE')).toBe('a4 OK DEFLATE active\r\n');
    c.startDeflate();
    expect(await c.command('a5', 'NOOP')).toBe('a5 OK NOOP completed\r\n');
    expect(await c.command('a6', 'SELECT INBOX')).toMatch(/\* 50 EXISTS\r\n[\s\S]*a6 OK \[READ-WRITE\]/);
    const body = await c.command('a7', 'FETCH 1:* (BODY.PEEK[TEXT])');
    expect(body.match(/^\* \d+ FETCH/gm)).toHaveLength(50);
    // The replies really were compressed: far fewer bytes on the wire than the text.
    expect(c.compressedIn).toBeLessThan(body.length / 5);
    expect(await c.command('a8', 'COMPRESS DEFLATE')).toMatch(/^a8 NO \[COMPRESSIONACTIVE\] /);
    expect(await c.command('a9', 'LOGOUT')).toMatch(/^\* BYE [^\r]*\r\na9 OK/);
    c.close();
  });

  it('imapflow negotiates compression by default and runs its usual session over it', async () => {
    const client = imapflowClient(t.port, { qresync: true });
    await client.connect();
    expect((client as unknown as { _deflate?: unknown })._deflate).toBeTruthy();
    await client.mailboxCreate('compressed');
    await client.append('compressed', sampleMessage(1, { body: 'through deflate' }), ['\\Seen']);
    const lock = await client.getMailboxLock('compressed');
    try {
      const msgs: { uid: number; flags?: Set<string> }[] = [];
      for await (const m of client.fetch('1:*', { uid: true, flags: true, source: true })) {
        msgs.push(m);
        expect(m.source?.toString()).toContain('through deflate');
      }
      expect(msgs).toHaveLength(1);
      await client.messageFlagsAdd({ uid: String(msgs[0]!.uid) }, ['\\Flagged'], { uid: true });
      const again = await client.fetchOne('1', { flags: true });
      expect(again && [...(again.flags ?? [])].filter((f) => f !== '\\Recent').sort()).toEqual(['\\Flagged', '\\Seen']);
      // A change by another session arrives while idling, through the compressed stream.
      const seen = new Promise<number>((resolve) => client.on('exists', (e: { count: number }) => resolve(e.count)));
      const idle = client.idle();
      const box = await t.store.mailboxes.findByName(t.aliceId, 'compressed');
      await t.store.messages.append(box!.id, [{ raw: sampleMessage(2) }]);
      expect(await seen).toBe(2);
      void idle;
    } finally {
      lock.release();
    }
    await client.logout();
  });
});
