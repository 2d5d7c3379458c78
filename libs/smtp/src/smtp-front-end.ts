import type net from 'node:net';
import type tls from 'node:tls';
import { createDeliveryPipeline, REPLIES, SmtpReply, smtpReply, type DeliveryPipeline } from '@mailstead/pipeline';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { handleAuth } from './commands/auth.command';
import { ConnectionCounter, handleConnect } from './commands/connect.command';
import { dataFailure, handleData } from './commands/data.command';
import { handleExpn } from './commands/expn.command';
import { handleMailFrom } from './commands/mail-from.command';
import { handleRcptTo } from './commands/rcpt-to.command';
import { authAllowed, type ListenerKind, type SmtpContext } from './smtp-context';
import { metrics, startTimer } from '@mailstead/metrics';

export interface ListenerAddress {
  kind: ListenerKind;
  host: string;
  port: number;
}

type Callback = (error?: Error | null) => void;

/** The parts of smtp-server's connection object the patch touches (see patchConnection). */
interface PatchableConnection {
  session: SMTPServerSession;
  send(code: number, data?: string | string[], context?: string | false): void;
  handler_EHLO(command: Buffer, callback: () => void): void;
  handler_AUTH(command: Buffer, callback: () => void): void;
  handler_VRFY(command: Buffer, callback: () => void): void;
  handler_EXPN?(command: Buffer, callback: () => void): void;
}

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

/**
 * smtp-server with Mailstead's per-connection rules. The library has no hook for these, so
 * each new connection object gets four small overrides:
 * - replies that already carry an RFC 3463 code (SmtpReply) are written as they are;
 * - AUTH is left out of EHLO where it is not allowed (MX; no TLS and not loopback), and
 *   answered 538 5.7.11 (RFC 4954 4) / 503 instead of prompting for a password in clear;
 * - VRFY answers 252 (RFC 5321 3.5.3), EXPN 502 or the list (commands/expn.command.ts);
 * - every 4xx/5xx is logged with the session id.
 */
class MailsteadSmtpServer extends SMTPServer {
  constructor(
    options: SMTPServerOptions,
    private readonly ctx: SmtpContext,
    private readonly kind: ListenerKind,
  ) {
    super(options);
  }

  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: Parameters<SMTPServer['connect']>[1]): void {
    super.connect(socket, socketOptions);
    const connection = [...this.connections].at(-1) as unknown as PatchableConnection | undefined;
    if (connection) this.patchConnection(connection);
  }

  private patchConnection(conn: PatchableConnection): void {
    const { ctx, kind } = this;
    const send = conn.send.bind(conn);
    conn.send = (code, data, context) => {
      if (code >= 400) ctx.logger.info({ session: conn.session.id, listener: kind, ip: conn.session.remoteAddress, reply: `${code} ${Array.isArray(data) ? data[0] : (data ?? '')}` }, 'smtp rejection');
      if (typeof data === 'string' && ENHANCED.test(data)) return send(code, data, false);
      return send(code, data, context);
    };
    const ehlo = conn.handler_EHLO.bind(conn);
    conn.handler_EHLO = (command, callback) => {
      if (authAllowed(ctx, kind, conn.session)) return ehlo(command, callback);
      const original = conn.send;
      conn.send = (code, data, context) => original(code, Array.isArray(data) ? data.filter((l) => !/^AUTH /.test(l)) : data, context);
      try {
        ehlo(command, callback);
      } finally {
        conn.send = original;
      }
    };
    const auth = conn.handler_AUTH.bind(conn);
    conn.handler_AUTH = (command, callback) => {
      if (kind === 'mx') {
        conn.send(503, smtpReply(503, '5.5.1', 'Authentication not enabled on this port').message);
        return callback();
      }
      if (!authAllowed(ctx, kind, conn.session)) {
        conn.send(538, REPLIES.encryptionRequired().message);
        return callback();
      }
      auth(command, callback);
    };
    conn.handler_VRFY = (command, callback) => {
      const argument = command.toString().trim().split(/\s+/).slice(1).join(' ');
      if (!argument) conn.send(501, '5.5.4 Syntax: VRFY address');
      else conn.send(252, '2.1.5 Cannot VRFY user, but will accept message and attempt delivery');
      callback();
    };
    conn.handler_EXPN = (command, callback) => {
      const argument = command.toString().trim().split(/\s+/).slice(1).join(' ');
      handleExpn(ctx, conn.session, argument).then(
        (result) => {
          if (result instanceof SmtpReply) conn.send(result.responseCode, result.message);
          else conn.send(result.code, result.lines, false);
          callback();
        },
        (error: unknown) => {
          ctx.logger.error({ session: conn.session.id, err: error }, 'smtp EXPN failed');
          conn.send(451, REPLIES.localError().message);
          callback();
        },
      );
    };
  }
}

/** Runs an async handler for a smtp-server callback; errors that are not SmtpReply become 451 4.3.0. */
function settle<T>(ctx: SmtpContext, session: SMTPServerSession, work: () => Promise<T>, callback: (error: Error | null, value?: T) => void): void {
  work().then(
    (value) => callback(null, value),
    (error: unknown) => {
      if (!(error instanceof SmtpReply)) ctx.logger.error({ session: session.id, err: error }, 'smtp handler failed');
      callback(error instanceof SmtpReply ? error : REPLIES.localError());
    },
  );
}

const protocolOf = (kind: ListenerKind) => (kind === 'mx' ? 'smtp' : 'submission');

/** The enhanced status of an SMTP error reply (RFC 3463), else its reply code, for the metrics' status label. */
function replyStatus(error: Error): string {
  return /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(error.message)?.[1] ?? String((error as { responseCode?: number }).responseCode ?? 'unknown');
}

/**
 * The SMTP front end: MX on the SMTP port (no AUTH), submission with STARTTLS + AUTH,
 * submission over implicit TLS. Mail goes through the delivery pipeline (libs/pipeline), the
 * same one the webmail's send uses.
 */
export class SmtpFrontEnd {
  private readonly servers: { kind: ListenerKind; server: MailsteadSmtpServer; host: string; port: number }[] = [];
  private readonly counter = new ConnectionCounter();
  private readonly pipeline: DeliveryPipeline;

  constructor(
    private readonly ctx: SmtpContext,
    private readonly tlsMaterial: { cert: Buffer | string; key: Buffer | string },
  ) {
    this.pipeline = createDeliveryPipeline({
      store: ctx.store,
      resolver: ctx.resolver,
      hostname: ctx.hostname,
      senderChecks: ctx.senderChecks,
      dmarcReject: ctx.dmarcReject,
      dnsResolver: ctx.dnsResolver,
      listLinks: ctx.listLinks,
      listBouncePolicy: ctx.listBouncePolicy,
      logger: ctx.logger,
      onOutbound: ctx.onOutbound,
      storage: ctx.storage,
      defence: ctx.defence,
      spam: ctx.spam,
    });
  }

  private createServer(kind: ListenerKind): MailsteadSmtpServer {
    const { ctx } = this;
    const options: SMTPServerOptions = {
      name: ctx.hostname,
      banner: 'Mailstead ESMTP',
      secure: kind === 'submissions',
      key: this.tlsMaterial.key,
      cert: this.tlsMaterial.cert,
      logger: false,
      disableReverseLookup: true,
      size: ctx.limits.maxMessageSize,
      rejectOversized: true,
      maxRecipients: ctx.limits.maxRecipients,
      maxClients: ctx.limits.maxConnections,
      socketTimeout: ctx.limits.idleTimeoutSeconds * 1000,
      closeTimeout: 5_000,
      authMethods: ['PLAIN', 'LOGIN'],
      // MX accepts mail without AUTH; submission requires it (530 5.7.0 before MAIL FROM)
      authOptional: kind === 'mx',
      authRequiredMessage: '5.7.0 Authentication required',
      // our own checks decide when AUTH is allowed (smtp-context.ts authAllowed)
      allowInsecureAuth: true,
      hideENHANCEDSTATUSCODES: false,
      hideDSN: false,
      hideSTARTTLS: kind === 'submissions',
      hidePIPELINING: false,
      hide8BITMIME: false,
      hideSMTPUTF8: false,
      onConnect: (session, callback: Callback) => {
        metrics.connections.inc({ protocol: protocolOf(kind) });
        metrics.openConnections.inc({ protocol: protocolOf(kind) });
        settle(ctx, session, () => handleConnect(ctx, this.pipeline, kind, this.counter, session), callback);
      },
      onAuth: (auth, session, callback) =>
        settle(ctx, session, () => handleAuth(ctx, auth, session), (error, response) => (error ? callback(error) : callback(null, response))),
      onMailFrom: (address, session, callback: Callback) => settle(ctx, session, () => handleMailFrom(this.pipeline, kind, address, session), callback),
      onRcptTo: (address, session, callback: Callback) =>
        settle(ctx, session, () => handleRcptTo(ctx, address, session), (error?: Error | null) => {
          metrics.smtpRecipients.inc({ listener: kind, result: error ? 'refused' : 'accepted', status: error ? replyStatus(error) : '2.1.5' });
          callback(error);
        }),
      onData: (stream, session, callback) => {
        // From the first byte of the message to the reply: reading, checks, Sieve, commit.
        const elapsed = startTimer();
        handleData(ctx, stream, session).then(
          (message) => {
            metrics.smtpDataSeconds.observe({ listener: kind }, elapsed());
            metrics.smtpMessages.inc({ listener: kind, result: 'accepted', status: '2.0.0' });
            callback(null, message);
          },
          (error: unknown) => {
            // drain what is left so smtp-server can answer once the client has sent the final dot
            stream.resume();
            const failure = dataFailure(ctx, session, error);
            metrics.smtpDataSeconds.observe({ listener: kind }, elapsed());
            metrics.smtpMessages.inc({ listener: kind, result: replyStatus(failure).startsWith('4') ? 'tempfail' : 'refused', status: replyStatus(failure) });
            callback(failure);
          },
        );
      },
      onClose: (session) => {
        metrics.openConnections.dec({ protocol: protocolOf(kind) });
        this.counter.remove(session.id, session.remoteAddress);
      },
    };
    return new MailsteadSmtpServer(options, ctx, kind);
  }

  /** Starts the given listeners; resolves with the bound addresses (port 0 = any free port). */
  async listen(listeners: { kind: ListenerKind; host: string; port: number }[]): Promise<ListenerAddress[]> {
    for (const l of listeners) {
      const server = this.createServer(l.kind);
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.server.once('error', onError);
        server.listen(l.port, l.host, () => {
          server.server.off('error', onError);
          resolve();
        });
      });
      server.on('error', (error: Error) => this.ctx.logger.warn({ listener: l.kind, err: error.message }, 'smtp listener error'));
      const address = server.server.address() as net.AddressInfo;
      this.servers.push({ kind: l.kind, server, host: l.host, port: address.port });
    }
    return this.servers.map((s) => ({ kind: s.kind, host: s.host, port: s.port }));
  }

  /** Stops accepting, lets sessions finish for a moment, then closes them (421 on the way out). */
  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.server.close(() => resolve()))));
    this.servers.length = 0;
  }
}
