import net from 'node:net';
import tls from 'node:tls';
import type { Pop3Logger, Pop3Services } from './command';
import { Pop3Session, type Pop3Limits } from './session';
import { metrics } from '@mailstead/metrics';

export interface Pop3ServerOptions extends Pop3Services {
  limits: Pop3Limits;
  /** Certificate for STLS and POP3S; without it STLS is not offered and POP3S cannot listen. */
  tls?: { cert: Buffer; key: Buffer };
  logger?: Pop3Logger;
}

const silent: Pop3Logger = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/**
 * The POP3 server (RFC 1939, RFC 2449 CAPA, RFC 5034 SASL, RFC 2595 STLS) over the mail store.
 * One object serves any number of listeners: plain with STLS, and implicit TLS (POP3S).
 */
export class Pop3Server {
  private readonly listeners: (net.Server | tls.Server)[] = [];
  private readonly sessions = new Set<Pop3Session>();
  private readonly secureContext: tls.SecureContext | undefined;
  private readonly logger: Pop3Logger;

  constructor(private readonly options: Pop3ServerOptions) {
    this.secureContext = options.tls ? tls.createSecureContext({ cert: options.tls.cert, key: options.tls.key }) : undefined;
    this.logger = options.logger ?? silent;
  }

  /** Starts a listener; resolves with the bound address once it accepts connections. */
  async listen(host: string, port: number, mode: { implicitTls: boolean }): Promise<{ host: string; port: number }> {
    if (mode.implicitTls && !this.options.tls) throw new Error('POP3S needs a TLS certificate');
    const server = mode.implicitTls
      ? tls.createServer({ cert: this.options.tls!.cert, key: this.options.tls!.key }, (socket) => this.serve(socket, true))
      : net.createServer((socket) => this.serve(socket, false));
    // A failed TLS handshake on POP3S never became a session: just drop it.
    server.on('tlsClientError', (error: Error) => this.logger.debug({ err: error.message }, 'pop3s handshake failed'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.logger.warn({ err: error.message }, 'pop3 listener error'));
    this.listeners.push(server);
    const address = server.address() as net.AddressInfo;
    return { host: address.address, port: address.port };
  }

  private serve(socket: net.Socket, implicitTls: boolean): void {
    // Request/response traffic: send each reply at once rather than waiting on Nagle's algorithm.
    socket.setNoDelay(true);
    const session = new Pop3Session(socket, this.options, this.options.limits, this.secureContext, this.logger, implicitTls);
    this.sessions.add(session);
    metrics.connections.inc({ protocol: 'pop3' });
    metrics.openConnections.inc({ protocol: 'pop3' });
    socket.once('close', () => {
      if (this.sessions.delete(session)) metrics.openConnections.dec({ protocol: 'pop3' });
    });
    session.run().catch((error: unknown) => {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'pop3 session failed');
      void session.destroy();
    });
  }

  /** Stops listening and drops every session (none enters UPDATE, so nothing marked is applied). */
  async close(): Promise<void> {
    const closing = this.listeners.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    // Locks are released before this resolves, so the shared Redis connection may close after it.
    const sessions = [...this.sessions].map((session) => session.destroy());
    this.sessions.clear();
    this.listeners.length = 0;
    await Promise.all([...closing, ...sessions]);
  }
}
