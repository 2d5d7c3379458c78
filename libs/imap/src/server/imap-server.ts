import net from 'node:net';
import tls from 'node:tls';
import { buildCommandTable } from '../commands/command-table';
import { DEFAULT_IMAP_LIMITS, type ImapServerOptions } from './imap-options';
import { ImapSession, type SessionServer } from './imap-session';
import { metrics } from '@mailstead/metrics';

export interface ImapListener {
  name: string;
  host: string;
  port: number;
}

/** The IMAP server: listeners for plain (+STARTTLS) and implicit TLS, and the sessions on them. */
export class ImapServer {
  private readonly context: SessionServer;
  private readonly servers: net.Server[] = [];
  private readonly sessions = new Set<ImapSession>();

  constructor(options: ImapServerOptions) {
    this.context = {
      options,
      limits: { ...DEFAULT_IMAP_LIMITS, ...options.limits },
      commands: buildCommandTable(),
      secureContext: options.tls ? tls.createSecureContext({ cert: options.tls.cert, key: options.tls.key }) : undefined,
      logger: options.logger,
    };
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Starts a listener; `implicitTls` is IMAPS (port 993 style). Resolves with the bound port. */
  async listen(name: string, host: string, port: number, implicitTls: boolean): Promise<ImapListener> {
    const onSocket = (socket: net.Socket) => this.accept(socket, implicitTls);
    let server: net.Server;
    if (implicitTls) {
      const material = this.context.options.tls;
      if (!material) throw new Error('IMAPS needs a TLS certificate');
      server = tls.createServer({ cert: material.cert, key: material.key }, onSocket);
      server.on('tlsClientError', () => undefined);
    } else {
      server = net.createServer(onSocket);
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.push(server);
    const address = server.address() as net.AddressInfo;
    return { name, host, port: address.port };
  }

  private accept(socket: net.Socket, implicitTls: boolean): void {
    socket.setNoDelay(true);
    metrics.connections.inc({ protocol: 'imap' });
    metrics.openConnections.inc({ protocol: 'imap' });
    const session = new ImapSession(socket, this.context, implicitTls, (s) => {
      if (this.sessions.delete(s)) metrics.openConnections.dec({ protocol: 'imap' });
    });
    this.sessions.add(session);
    session.start();
  }

  /** Stops listening and says BYE to every session. */
  async close(): Promise<void> {
    for (const session of [...this.sessions]) session.bye('Server shutting down');
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }
}
