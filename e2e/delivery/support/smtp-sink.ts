import net from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: Buffer;
  /** MAIL FROM parameters the client sent (BODY, SIZE, RET, ENVID...). */
  mailArgs: Record<string, unknown>;
  rcptArgs: Record<string, unknown>[];
  secure: boolean;
  clientHostname: string;
}

/** How the sink answers RCPT TO: undefined accepts, otherwise "451 ..." / "550 ..." text. */
export type RcptPolicy = (address: string, attempt: number) => string | undefined;

export interface SinkOptions {
  host: string;
  port: number;
  rcpt?: RcptPolicy;
  /** Advertised SIZE (RFC 1870). */
  size?: number;
  starttls?: boolean;
  /** Advertise neither 8BITMIME (RFC 6152) nor SMTPUTF8 (RFC 6531). */
  no8bit?: boolean;
  /** Swallow the first message's data and never answer it (a remote that hangs mid-transaction). */
  stallFirstData?: boolean;
  /** Close a session idle this long (smtp-server's socketTimeout: 421 and disconnect). */
  idleTimeoutMs?: number;
  /** Answer the end of DATA only this long after it arrived (a slow remote). */
  dataReplyDelayMs?: number;
}

function smtpError(reply: string): Error {
  const err = new Error(reply.slice(4)) as Error & { responseCode: number };
  err.responseCode = Number(reply.slice(0, 3));
  return err;
}

/** A loopback SMTP server playing a remote MX: records what it receives, answers by policy. */
export class SmtpSink {
  readonly received: ReceivedMessage[] = [];
  connections = 0;
  /** Messages whose DATA started (including a stalled one). */
  dataStarted = 0;
  private readonly rcptAttempts = new Map<string, number>();
  private readonly server: SMTPServer;

  constructor(private readonly options: SinkOptions) {
    this.server = new SMTPServer({
      name: `sink-${options.host}`,
      authOptional: true,
      disabledCommands: options.starttls === false ? ['AUTH', 'STARTTLS'] : ['AUTH'],
      size: options.size,
      hideDSN: false,
      hide8BITMIME: options.no8bit ?? false,
      hideSMTPUTF8: options.no8bit ?? false,
      logger: false,
      ...(options.idleTimeoutMs ? { socketTimeout: options.idleTimeoutMs } : {}),
      onConnect: (_session, cb) => {
        this.connections += 1;
        cb();
      },
      onRcptTo: (address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) => {
        const n = (this.rcptAttempts.get(address.address) ?? 0) + 1;
        this.rcptAttempts.set(address.address, n);
        const reply = options.rcpt?.(address.address, n);
        cb(reply ? smtpError(reply) : undefined);
      },
      onData: (stream, session, cb) => {
        this.dataStarted += 1;
        const chunks: Buffer[] = [];
        if (options.stallFirstData && this.dataStarted === 1) {
          stream.resume();
          return;
        }
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
            mailArgs: (session.envelope.mailFrom ? session.envelope.mailFrom.args : {}) as Record<string, unknown>,
            rcptArgs: session.envelope.rcptTo.map((r) => r.args as Record<string, unknown>),
            secure: session.secure,
            clientHostname: session.hostNameAppearsAs,
          });
          const reply = 'Queued as sink-' + this.received.length;
          if (options.dataReplyDelayMs) setTimeout(() => cb(null, reply), options.dataReplyDelayMs);
          else cb(null, reply);
        });
      },
    });
    this.server.on('error', () => undefined);
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A "remote MX" that accepts TCP connections and drops them at once. */
export class DroppingServer {
  connections = 0;
  private readonly server = net.createServer((socket) => {
    this.connections += 1;
    socket.destroy();
  });

  constructor(private readonly host: string, private readonly port: number) {}

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.port, this.host, () => resolve()));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
