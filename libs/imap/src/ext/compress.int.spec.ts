import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { startDeflate, type DeflateStream } from './compress';

/**
 * COMPRESS=DEFLATE (RFC 4978) on real loopback sockets. The server side is ours (startDeflate);
 * the client side is Node's own zlib raw deflate/inflate, as a real client's would be.
 */

interface ServerSide {
  port: number;
  compressed: Promise<DeflateStream>;
  close(): void;
}

/**
 * A tiny IMAP-like server: greets, waits for `a COMPRESS DEFLATE`, answers OK uncompressed,
 * then answers each compressed line `<tag> <word...>` with `* ECHO <line>` and `<tag> OK done`
 * written as two separate writes (one response batch).
 */
async function startServer(secure?: { cert: string; key: string }): Promise<ServerSide> {
  let resolveCompressed!: (s: DeflateStream) => void;
  let rejectCompressed!: (e: Error) => void;
  const compressed = new Promise<DeflateStream>((res, rej) => {
    resolveCompressed = res;
    rejectCompressed = rej;
  });
  const onSocket = (socket: Duplex) => {
    socket.write('* OK ready\r\n');
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n');
      if (end < 0) return;
      const line = buffered.subarray(0, end).toString();
      if (line !== 'a COMPRESS DEFLATE') return rejectCompressed(new Error(`unexpected ${line}`));
      socket.off('data', onData);
      socket.pause();
      socket.write('a OK DEFLATE active\r\n');
      const stream = startDeflate(socket, { initial: buffered.subarray(end + 2) });
      let pending = '';
      stream.on('data', (data: Buffer) => {
        pending += data.toString('latin1');
        for (let i = pending.indexOf('\r\n'); i >= 0; i = pending.indexOf('\r\n')) {
          const request = pending.slice(0, i);
          pending = pending.slice(i + 2);
          const tag = request.split(' ')[0]!;
          if (request.endsWith('LOGOUT')) {
            stream.write(`* BYE\r\n${tag} OK bye\r\n`);
            stream.end();
            continue;
          }
          stream.write(`* ECHO ${request.length > 60 ? `${request.length} bytes` : request}\r\n`);
          stream.write(`${tag} OK done\r\n`);
        }
      });
      stream.on('error', () => undefined);
      resolveCompressed(stream);
    };
    socket.on('data', onData);
  };
  const server = secure ? tls.createServer(secure, onSocket) : net.createServer(onSocket);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return { port, compressed, close: () => server.close() };
}

/** Client side: plain until the OK, then raw deflate out and raw inflate in, like a real client. */
class Client {
  private text = '';
  private readonly inflate = zlib.createInflateRaw();
  private readonly deflate = zlib.createDeflateRaw();
  private waiters: (() => void)[] = [];
  closed: Promise<unknown>;

  constructor(private readonly socket: Duplex) {
    this.closed = once(socket, 'close');
    socket.on('error', () => undefined);
  }

  static async connect(port: number, secure = false): Promise<Client> {
    const socket = secure ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }) : net.connect(port, '127.0.0.1');
    const client = new Client(socket);
    socket.on('data', client.onPlain);
    await client.waitFor('* OK ready\r\n');
    return client;
  }

  private readonly onPlain = (chunk: Buffer) => this.received(chunk.toString('latin1'));

  private received(s: string): void {
    this.text += s;
    for (const w of this.waiters.splice(0)) w();
  }

  async waitFor(needle: string): Promise<string> {
    while (!this.text.includes(needle)) await new Promise<void>((r) => this.waiters.push(r));
    const at = this.text.indexOf(needle) + needle.length;
    const out = this.text.slice(0, at);
    this.text = this.text.slice(at);
    return out;
  }

  /** Sends COMPRESS DEFLATE; `early` compressed bytes go in the same packet (tests the server's `initial`). */
  async compress(early?: string): Promise<void> {
    const command = Buffer.from('a COMPRESS DEFLATE\r\n');
    let extra = Buffer.alloc(0);
    if (early) extra = zlib.deflateRawSync(early, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    this.socket.write(Buffer.concat([command, extra]));
    await this.waitFor('a OK DEFLATE active\r\n');
    this.socket.off('data', this.onPlain);
    // Bytes after the OK in the same read are compressed: none here, the server waits for us.
    this.socket.pipe(this.inflate);
    this.inflate.on('data', (d: Buffer) => this.received(d.toString('latin1')));
    this.inflate.on('error', () => undefined);
    this.deflate.on('data', (d: Buffer) => this.socket.write(d));
  }

  send(line: string): void {
    this.deflate.write(line);
    this.deflate.flush(zlib.constants.Z_SYNC_FLUSH);
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function setup(secure?: { cert: string; key: string }) {
  const server = await startServer(secure);
  const client = await Client.connect(server.port, Boolean(secure));
  cleanups.push(() => {
    client.destroy();
    server.close();
  });
  return { server, client };
}

describe('COMPRESS=DEFLATE (RFC 4978)', () => {
  it('exchanges compressed lines, each response batch flushed without closing the stream', async () => {
    const { server, client } = await setup();
    await client.compress();
    const stream = await server.compressed;
    client.send('b NOOP\r\n');
    // The socket stays open: only Z_SYNC_FLUSH can have delivered these bytes.
    expect(await client.waitFor('b OK done\r\n')).toBe('* ECHO b NOOP\r\nb OK done\r\n');
    client.send('c CAPABILITY\r\nd NOOP\r\n');
    expect(await client.waitFor('d OK done\r\n')).toBe('* ECHO c CAPABILITY\r\nc OK done\r\n* ECHO d NOOP\r\nd OK done\r\n');
    // IMAP text compresses: the server wrote more plain bytes than it sent compressed ones.
    expect(stream.plainBytesWritten).toBe(Buffer.byteLength('* ECHO b NOOP\r\nb OK done\r\n* ECHO c CAPABILITY\r\nc OK done\r\n* ECHO d NOOP\r\nd OK done\r\n'));
  });

  it('inflates bytes that arrived with the COMPRESS command (initial)', async () => {
    const { client } = await setup();
    await client.compress('e NOOP\r\n');
    expect(await client.waitFor('e OK done\r\n')).toBe('* ECHO e NOOP\r\ne OK done\r\n');
  });

  it('carries a megabyte each way with backpressure intact', async () => {
    const { client } = await setup();
    await client.compress();
    const big = 'x'.repeat(1_000_000);
    client.send(`f APPEND ${big}\r\n`);
    expect(await client.waitFor('f OK done\r\n')).toBe(`* ECHO ${'f APPEND '.length + big.length} bytes\r\nf OK done\r\n`);
  });

  it('ends the deflate stream cleanly on LOGOUT and closes the socket', async () => {
    const { client } = await setup();
    await client.compress();
    client.send('g LOGOUT\r\n');
    expect(await client.waitFor('g OK bye\r\n')).toBe('* BYE\r\ng OK bye\r\n');
    await client.closed;
  });

  it('closes the connection on a corrupt compressed stream instead of hanging', async () => {
    const { server, client } = await setup();
    await client.compress();
    const stream = await server.compressed;
    const failed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    const error = new Promise<Error>((resolve) => stream.once('error', resolve));
    // 0xff is an invalid DEFLATE block type (BTYPE=11).
    client.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect((await error).message).toMatch(/invalid block type/);
    await failed;
    await client.closed;
    expect(stream.destroyed).toBe(true);
  });

  it('works over TLS (COMPRESS after the TLS layer, RFC 4978 section 6)', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
    const { client } = await setup({ cert: pems.cert, key: pems.private });
    await client.compress();
    client.send('h NOOP\r\n');
    expect(await client.waitFor('h OK done\r\n')).toBe('* ECHO h NOOP\r\nh OK done\r\n');
  });
});
