import net from 'node:net';
import tls from 'node:tls';
import type { ManageSieveLogger, ManageSieveServices } from './command';
import { ManageSieveSession, type ManageSieveLimits } from './session';

export interface ManageSieveServerOptions extends ManageSieveServices {
  limits: ManageSieveLimits;
  /** Certificate for STARTTLS; without it STARTTLS is not offered. */
  tls?: { cert: Buffer; key: Buffer };
  logger?: ManageSieveLogger;
}

const silent: ManageSieveLogger = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/**
 * The ManageSieve server (RFC 5804) over the application's script store: one plain listener
 * with STARTTLS (RFC 5804 has no implicit-TLS port).
 */
export class ManageSieveServer {
  private readonly listeners: net.Server[] = [];
  private readonly sessions = new Set<ManageSieveSession>();
  private readonly secureContext: tls.SecureContext | undefined;
  private readonly logger: ManageSieveLogger;

  constructor(private readonly options: ManageSieveServerOptions) {
    this.secureContext = options.tls ? tls.createSecureContext({ cert: options.tls.cert, key: options.tls.key }) : undefined;
    this.logger = options.logger ?? silent;
  }

  /** Starts a listener; resolves with the bound address once it accepts connections. */
  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    const server = net.createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.logger.warn({ err: error.message }, 'managesieve listener error'));
    this.listeners.push(server);
    const address = server.address() as net.AddressInfo;
    return { host: address.address, port: address.port };
  }

  private serve(socket: net.Socket): void {
    socket.setNoDelay(true);
    const session = new ManageSieveSession(socket, this.options, this.options.limits, this.secureContext, this.logger);
    this.sessions.add(session);
    socket.once('close', () => this.sessions.delete(session));
    session.run().catch((error: unknown) => {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'managesieve session failed');
      void session.destroy();
    });
  }

  /** Stops listening and drops every session. */
  async close(): Promise<void> {
    const closing = this.listeners.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    const sessions = [...this.sessions].map((session) => session.destroy());
    this.sessions.clear();
    this.listeners.length = 0;
    await Promise.all([...closing, ...sessions]);
  }
}
