/**
 * COMPRESS=DEFLATE (RFC 4978): after the tagged OK to `COMPRESS DEFLATE`, both directions
 * carry raw DEFLATE (RFC 1951, no zlib or gzip header). `startDeflate(socket)` wraps a net or
 * TLS socket (any Duplex) and returns a Duplex of plain IMAP bytes:
 *
 * - reads: socket -> inflateRaw -> the session's parser, with backpressure all the way, so a
 *   small compressed "bomb" can only inflate as fast as the parser takes bytes (the parser's
 *   own line/literal limits then apply);
 * - writes: every batch of queued writes is deflated and then flushed with Z_SYNC_FLUSH
 *   (RFC 4978 section 4), so each response reaches the client whole, without waiting for more
 *   output. Writes made while a flush is running are coalesced into the next batch.
 *
 * A corrupt compressed stream destroys the wrapper (and the socket) with the zlib error: there
 * is no way to send a readable BYE once the peer's deflate state is out of step.
 */
import { Duplex } from 'node:stream';
import zlib from 'node:zlib';

export interface DeflateOptions {
  /** Bytes the session had already read past the COMPRESS command line: they are compressed too. */
  initial?: Buffer;
  /** zlib level 0-9 (default 6: RFC 4978 section 4 notes the CPU/ratio trade-off). */
  level?: number;
  /** zlib memLevel 1-9 (default 8); lower saves memory per connection. */
  memLevel?: number;
}

export class DeflateStream extends Duplex {
  private readonly inflate: zlib.InflateRaw;
  private readonly deflate: zlib.DeflateRaw;
  /** Plain bytes written by the session so far (for logs and tests). */
  plainBytesWritten = 0;

  constructor(
    private readonly socket: Duplex,
    options: DeflateOptions = {},
  ) {
    super({ allowHalfOpen: false });
    this.inflate = zlib.createInflateRaw();
    this.deflate = zlib.createDeflateRaw({ level: options.level ?? 6, memLevel: options.memLevel ?? 8 });

    this.inflate.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) this.inflate.pause();
    });
    this.inflate.on('end', () => this.push(null));
    this.inflate.on('error', (err) => this.destroy(err));
    this.deflate.on('error', (err) => this.destroy(err));
    this.deflate.on('data', (chunk: Buffer) => {
      if (this.socket.destroyed) return;
      // Socket backpressure holds the deflater, which holds the flush, which holds the session's writes.
      if (!this.socket.write(chunk)) {
        this.deflate.pause();
        this.socket.once('drain', () => this.deflate.resume());
      }
    });
    this.socket.on('error', (err) => this.destroy(err));
    this.socket.on('close', () => this.destroy());

    if (options.initial && options.initial.length > 0) this.inflate.write(options.initial);
    this.socket.pipe(this.inflate);
  }

  override _read(): void {
    this.inflate.resume();
  }

  override _writev(chunks: { chunk: Buffer | string; encoding: BufferEncoding }[], callback: (error?: Error | null) => void): void {
    for (const { chunk, encoding } of chunks) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
      this.plainBytesWritten += buffer.length;
      this.deflate.write(buffer);
    }
    // RFC 4978 section 4: flush after each batch so the client sees complete responses.
    this.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => callback());
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk, encoding }], callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Finish the deflate stream (BFINAL block), then half-close the socket.
    this.deflate.once('end', () => {
      this.socket.end(() => callback());
    });
    this.deflate.end();
    this.deflate.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inflate.destroy();
    this.deflate.destroy();
    this.socket.destroy();
    callback(error);
  }
}

/** Wraps `socket` for COMPRESS=DEFLATE; call it right after writing the tagged OK uncompressed. */
export function startDeflate(socket: Duplex, options: DeflateOptions = {}): DeflateStream {
  return new DeflateStream(socket, options);
}
