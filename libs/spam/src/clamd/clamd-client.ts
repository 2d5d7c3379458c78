import net from 'node:net';

export type MalwareVerdict = { infected: false } | { infected: true; signature: string };

/** clamd could not be asked: not running, too slow, or it answered with an error. */
export class ScannerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScannerUnavailableError';
  }
}

/** The part of a malware scanner the pipeline uses. */
export interface MalwareScanner {
  scan(data: Buffer): Promise<MalwareVerdict>;
}

const CHUNK = 64 * 1024;

/**
 * A clamd client for INSTREAM (clamd(8)): `zINSTREAM\0`, then chunks each preceded by its length
 * as a 4-byte big-endian integer, then a zero length; clamd answers one NUL-terminated line,
 * `stream: OK` or `stream: <signature> FOUND` (or `... ERROR`, e.g. over StreamMaxLength).
 * Written here rather than taken from npm: the maintained package (clamscan) wraps the local
 * binaries and config files, and all we need is this exchange with a bound on its time.
 */
export class ClamdClient implements MalwareScanner {
  constructor(
    /** `unix:/path/to/clamd.ctl` or `tcp://host:port` (MAILSTEAD_CLAMD) */
    private readonly address: string,
    private readonly timeoutMs: number,
  ) {}

  private connect(): net.Socket {
    if (this.address.startsWith('unix:')) return net.createConnection({ path: this.address.slice(5) });
    const url = new URL(this.address);
    return net.createConnection({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
  }

  /** One request, one NUL-terminated answer. */
  private exchange(write: (socket: net.Socket) => void): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = this.connect();
      const chunks: Buffer[] = [];
      let settled = false;
      const done = (error: Error | null, answer?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (error) reject(error);
        else resolve(answer!);
      };
      const timer = setTimeout(() => done(new ScannerUnavailableError(`clamd did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      socket.on('connect', () => write(socket));
      socket.on('data', (data) => {
        chunks.push(data);
        const all = Buffer.concat(chunks);
        const nul = all.indexOf(0);
        if (nul >= 0) done(null, all.subarray(0, nul).toString('utf8'));
      });
      socket.on('end', () => done(null, Buffer.concat(chunks).toString('utf8').replace(/\0.*$/s, '')));
      socket.on('error', (error) => done(new ScannerUnavailableError(`clamd at ${this.address}: ${error.message}`)));
    });
  }

  async scan(data: Buffer): Promise<MalwareVerdict> {
    const answer = await this.exchange((socket) => {
      socket.write('zINSTREAM\0');
      for (let offset = 0; offset < data.length; offset += CHUNK) {
        const chunk = data.subarray(offset, offset + CHUNK);
        const size = Buffer.alloc(4);
        size.writeUInt32BE(chunk.length);
        socket.write(size);
        socket.write(chunk);
      }
      socket.write(Buffer.alloc(4));
    });
    return parseScanAnswer(answer);
  }

  /** PING -> PONG: whether clamd is up. */
  async ping(): Promise<boolean> {
    try {
      return (await this.exchange((socket) => socket.write('zPING\0'))) === 'PONG';
    } catch {
      return false;
    }
  }
}

export function parseScanAnswer(answer: string): MalwareVerdict {
  const text = answer.trim();
  if (/^stream: OK$/.test(text)) return { infected: false };
  const found = /^stream: (.+) FOUND$/.exec(text);
  if (found) return { infected: true, signature: found[1]! };
  throw new ScannerUnavailableError(`clamd answered "${text.slice(0, 200)}"`);
}
