import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { DeliveryHost } from './routing';
import { isPermanent, oneLine } from './smtp-reply';

export interface TransferRecipient {
  address: string;
  /** DSN NOTIFY values (RFC 3461 4.1), passed through when the remote offers DSN. */
  notify: string[];
  /** DSN ORCPT (RFC 3461 4.2), "rfc822;addr". */
  orcpt: string | null;
}

export interface TransferRequest {
  /** Envelope sender; "" for the null reverse-path. */
  sender: string;
  recipients: TransferRecipient[];
  message: Buffer;
  dsn: { envid: string | null; ret: string | null };
}

export interface TransferOptions {
  /** Our name for EHLO. */
  hostname: string;
  /** Verify the remote certificate after STARTTLS (opportunistic TLS does not by default). */
  tlsVerify: boolean;
  connectionTimeout?: number;
  greetingTimeout?: number;
  socketTimeout?: number;
  /** Keeps connections open after a transaction for the next one to the same host (as Postfix's scache). */
  connectionCache?: ConnectionCache;
}

/**
 * Open SMTP connections kept after a successful transaction, per remote host (address, port,
 * TLS mode, credentials), for the next message to that host: no new TCP/TLS handshake and EHLO
 * per message (Postfix does the same with smtp_connection_cache_on_demand). A connection is
 * kept at most `idleMs` between transactions and used for at most `maxUses` transactions; one
 * the remote has closed meanwhile is dropped and the transaction goes over a fresh connection.
 */
export class ConnectionCache {
  private readonly idle = new Map<string, { conn: DsnAwareConnection; uses: number; timer: NodeJS.Timeout }[]>();
  private closed = false;

  constructor(private readonly options: { idleMs?: number; maxUses?: number; maxPerHost?: number } = {}) {}

  /** An idle open connection to this host, or undefined. */
  take(key: string): { conn: DsnAwareConnection; uses: number } | undefined {
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const entry = list.pop()!;
      clearTimeout(entry.timer);
      if (isOpen(entry.conn)) return entry;
      entry.conn.close();
    }
    return undefined;
  }

  /** Keeps a connection that just finished a transaction (closes it when over the limits). */
  give(key: string, conn: DsnAwareConnection, uses: number): void {
    const list = this.idle.get(key) ?? [];
    if (this.closed || uses >= (this.options.maxUses ?? 100) || list.length >= (this.options.maxPerHost ?? 10) || !isOpen(conn)) {
      quit(conn);
      return;
    }
    const timer = setTimeout(() => {
      const i = list.findIndex((e) => e.conn === conn);
      if (i >= 0) list.splice(i, 1);
      quit(conn);
    }, this.options.idleMs ?? 5000);
    timer.unref();
    list.push({ conn, uses, timer });
    this.idle.set(key, list);
  }

  /** Closes every idle connection (worker shutdown). */
  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) {
      for (const e of list) {
        clearTimeout(e.timer);
        quit(e.conn);
      }
    }
    this.idle.clear();
  }
}

function isOpen(conn: SMTPConnection): boolean {
  const c = conn as unknown as { _destroyed?: boolean; _closing?: boolean; _socket?: false | { destroyed?: boolean; writable?: boolean } };
  return !c._destroyed && !c._closing && Boolean(c._socket) && !(c._socket as { destroyed?: boolean }).destroyed && (c._socket as { writable?: boolean }).writable !== false;
}

function quit(conn: SMTPConnection): void {
  conn.quit();
  setTimeout(() => conn.close(), 1000).unref();
}

export type RecipientOutcome = 'delivered' | 'deferred' | 'failed';

export interface RecipientReply {
  address: string;
  outcome: RecipientOutcome;
  code: number | null;
  /** The remote's reply on one line ("550 5.1.1 no such user"), or our own reason. */
  text: string;
}

/** What happened at the host that took the transaction (or at the last one tried). */
export interface TransferResult {
  /** The host that answered the transaction; null when none could be reached. */
  host: string | null;
  recipients: RecipientReply[];
  /** One-line summary for the attempt log. */
  summary: string;
}

interface NodemailerError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  recipient?: string;
  rejectedErrors?: NodemailerError[];
}

/**
 * nodemailer's connection with per-recipient DSN parameters: RFC 3461 NOTIFY and ORCPT belong
 * to each RCPT, while nodemailer takes one set per envelope. Its RCPT builder reads the DSN
 * arguments right after queueing the recipient, so we look that recipient up here.
 */
class DsnAwareConnection extends SMTPConnection {
  rcptDsn = new Map<string, TransferRecipient>();

  /** Extensions from the (last) EHLO reply: PIPELINING, SIZE, 8BITMIME, SMTPUTF8, DSN... */
  extensions(): string[] {
    return (this as unknown as { _supportedExtensions: string[] })._supportedExtensions ?? [];
  }

  /** Accepted/rejected recipients of the current envelope (also after a failed DATA). */
  envelopeState(): { accepted: string[]; rejectedErrors: NodemailerError[] } {
    const e = (this as unknown as { _envelope?: { accepted?: string[]; rejectedErrors?: NodemailerError[] } })._envelope;
    return { accepted: e?.accepted ?? [], rejectedErrors: e?.rejectedErrors ?? [] };
  }

  _getDsnRcptToArgs(): string {
    if (!this.extensions().includes('DSN')) return '';
    const queue = (this as unknown as { _recipientQueue: string[] })._recipientQueue;
    const r = this.rcptDsn.get(queue[queue.length - 1] ?? '');
    const args: string[] = [];
    if (r?.notify.length) args.push(`NOTIFY=${r.notify.join(',')}`);
    if (r?.orcpt) args.push(`ORCPT=${xtext(r.orcpt.includes(';') ? r.orcpt : `rfc822;${r.orcpt}`)}`);
    return args.length ? ` ${args.join(' ')}` : '';
  }
}

/** RFC 3461 4: xtext encoding of DSN parameter values. */
function xtext(value: string): string {
  return value.replace(/[^\x21-\x7e]|[+=]/g, (c) => `+${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

const NON_ASCII = /[^\x00-\x7f]/;

function connect(conn: SMTPConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    conn.once('error', reject);
    conn.connect(() => {
      conn.removeListener('error', reject);
      resolve();
    });
  });
}

function login(conn: SMTPConnection, auth: { user: string; pass: string }): Promise<void> {
  return new Promise((resolve, reject) => conn.login({ credentials: auth }, (err) => (err ? reject(err) : resolve())));
}

type Sent = { ok: true; accepted: string[]; rejectedErrors: NodemailerError[]; response: string } | { ok: false; error: NodemailerError };

function send(conn: DsnAwareConnection, envelope: SMTPConnection.Envelope, message: Buffer): Promise<Sent> {
  return new Promise((resolve) => {
    conn.send(envelope, message, (err, info) => {
      if (err) resolve({ ok: false, error: err as NodemailerError });
      else resolve({ ok: true, accepted: info!.accepted, rejectedErrors: (info!.rejectedErrors ?? []) as NodemailerError[], response: info!.response });
    });
  });
}

function errorText(error: NodemailerError): string {
  return oneLine(error.response ?? `${error.code ?? 'error'}: ${error.message}`);
}

/** Every recipient gets the same outcome (host-wide failure). */
function all(recipients: TransferRecipient[], outcome: RecipientOutcome, code: number | null, text: string): RecipientReply[] {
  return recipients.map((r) => ({ address: r.address, outcome, code, text }));
}

/** A host that could not take the transaction: the next one is tried (RFC 5321 5.1). */
class HostUnavailable extends Error {}

/**
 * One SMTP transaction for all recipients, trying the hosts in order until one takes it
 * (RFC 5321 5.1: transient failures and unreachable hosts move on to the next MX; a 5xx to
 * MAIL FROM or per-recipient replies end the attempt). EHLO with our name, STARTTLS when
 * offered (opportunistic), PIPELINING through nodemailer, SIZE checked before sending,
 * BODY=8BITMIME / SMTPUTF8 when the message needs them.
 */
export async function transferMessage(hosts: DeliveryHost[], request: TransferRequest, options: TransferOptions): Promise<TransferResult> {
  let last: TransferResult = { host: null, recipients: all(request.recipients, 'deferred', null, 'no host to try'), summary: 'no host to try' };
  for (const host of hosts) {
    try {
      return await transferToHost(host, request, options);
    } catch (error) {
      const text = error instanceof HostUnavailable ? error.message : errorText(error as NodemailerError);
      const summary = `${host.name}[${host.address}]:${host.port}: ${text}`;
      last = { host: `${host.name}[${host.address}]`, recipients: all(request.recipients, 'deferred', (error as NodemailerError).responseCode ?? null, text), summary };
    }
  }
  return last;
}

async function transferToHost(host: DeliveryHost, request: TransferRequest, options: TransferOptions): Promise<TransferResult> {
  const cache = options.connectionCache;
  const key = `${host.address}|${host.port}|${host.secure}|${host.auth?.user ?? ''}|${options.hostname}|${options.tlsVerify}`;
  const cached = cache?.take(key);
  if (cached) {
    let reused: Awaited<ReturnType<typeof transferOver>>;
    try {
      reused = await transferOver(cached.conn, host, request, true);
    } catch (error) {
      quit(cached.conn);
      throw error;
    }
    // The remote closed the idle connection before we sent anything: start over on a new one.
    if (reused !== 'stale') {
      if (reused.keep) cache!.give(key, cached.conn, cached.uses + 1);
      else quit(cached.conn);
      return reused.result;
    }
    cached.conn.close();
  }
  const conn = new DsnAwareConnection({
    host: host.address,
    port: host.port,
    secure: host.secure,
    name: options.hostname,
    servername: host.name,
    // Opportunistic STARTTLS: use it when offered, carry on in plain text if the upgrade fails.
    opportunisticTLS: !host.auth,
    requireTLS: Boolean(host.auth) && !host.secure,
    tls: { rejectUnauthorized: options.tlsVerify, servername: host.name },
    connectionTimeout: options.connectionTimeout ?? 30_000,
    greetingTimeout: options.greetingTimeout ?? 30_000,
    socketTimeout: options.socketTimeout ?? 5 * 60_000,
    allowInternalNetworkInterfaces: true,
  });
  // A dropped connection emits 'error' as well; the pending call reports it.
  conn.on('error', () => undefined);
  let keep = false;
  try {
    await connect(conn);
    if (host.auth) await login(conn, host.auth);
    const done = await transferOver(conn, host, request, false);
    if (done === 'stale') throw new HostUnavailable('connection closed by the remote');
    keep = done.keep && cache !== undefined;
    return done.result;
  } finally {
    if (keep) cache!.give(key, conn, 1);
    else quit(conn);
  }
}

/**
 * One transaction over an open connection. `keep`: the session is clean and may carry the next
 * transaction. 'stale': a reused connection turned out closed before any byte of this message
 * went out (RFC 5321 4.1.1.5 lets us start again elsewhere).
 */
async function transferOver(conn: DsnAwareConnection, host: DeliveryHost, request: TransferRequest, reused: boolean): Promise<{ result: TransferResult; keep: boolean } | 'stale'> {
  const label = `${host.name}[${host.address}]`;
  {
    const extensions = conn.extensions();
    const needsUtf8 = NON_ASCII.test(request.sender) || request.recipients.some((r) => NON_ASCII.test(r.address));
    // RFC 6531 3.4: an internationalized envelope must not go to a server without SMTPUTF8.
    if (needsUtf8 && !extensions.includes('SMTPUTF8')) {
      const text = '553 5.6.7 remote server does not support SMTPUTF8 and the envelope needs it';
      return { result: { host: label, recipients: all(request.recipients, 'failed', 553, text), summary: `${label}: ${text}` }, keep: true };
    }
    const eightBit = request.message.some((b) => b >= 0x80);
    // RFC 6152 3: 8-bit content needs BODY=8BITMIME; without it we do not downgrade, we refuse clearly.
    if (eightBit && !extensions.includes('8BITMIME')) {
      const text = '554 5.6.3 message has 8-bit content and the remote server does not support 8BITMIME';
      return { result: { host: label, recipients: all(request.recipients, 'failed', 554, text), summary: `${label}: ${text}` }, keep: true };
    }
    conn.rcptDsn = new Map(request.recipients.map((r) => [r.address, r]));
    const envelope: SMTPConnection.Envelope = {
      from: request.sender,
      to: request.recipients.map((r) => r.address),
      size: request.message.length,
      use8BitMime: eightBit,
      dsn: { envid: request.dsn.envid, ret: request.dsn.ret },
    } as SMTPConnection.Envelope;
    const sent = await send(conn, envelope, request.message);
    // A reused connection that failed without any reply from the remote (closed while idle):
    // no transaction happened there, so it goes again over a fresh connection.
    if (reused && !sent.ok && !sent.error.responseCode) return 'stale';
    // Only a connection that finished its transaction cleanly carries another one.
    return { result: interpret(label, request.recipients, sent, conn), keep: sent.ok && isOpen(conn) };
  }
}

function interpret(label: string, recipients: TransferRecipient[], sent: Sent, conn: DsnAwareConnection): TransferResult {
  const rejected = new Map<string, NodemailerError>();
  const state = sent.ok ? { accepted: sent.accepted, rejectedErrors: sent.rejectedErrors } : conn.envelopeState();
  for (const e of sent.ok ? sent.rejectedErrors : (sent.error.rejectedErrors ?? state.rejectedErrors)) if (e.recipient) rejected.set(e.recipient, e);
  const perRejected = (address: string): RecipientReply | undefined => {
    const e = rejected.get(address);
    if (!e) return undefined;
    return { address, outcome: isPermanent(e.responseCode) ? 'failed' : 'deferred', code: e.responseCode ?? null, text: errorText(e) };
  };

  if (sent.ok) {
    const text = oneLine(sent.response);
    const replies = recipients.map((r) => perRejected(r.address) ?? { address: r.address, outcome: 'delivered' as const, code: 250, text });
    return { host: label, recipients: replies, summary: `${label}: ${text}` };
  }

  const error = sent.error;
  const text = errorText(error);
  const summary = `${label}: ${text}`;
  if (error.code === 'EMESSAGE' && /size/i.test(error.message)) {
    // RFC 1870 6: the remote's SIZE is smaller than the message: permanent, nothing sent.
    const t = `552 5.3.4 message size exceeds the remote server's limit (${error.message})`;
    return { host: label, recipients: all(recipients, 'failed', 552, t), summary: `${label}: ${t}` };
  }
  if (error.command === 'MAIL FROM' && error.responseCode) {
    if (!isPermanent(error.responseCode)) throw new HostUnavailable(text);
    return { host: label, recipients: all(recipients, 'failed', error.responseCode, text), summary };
  }
  if (rejected.size > 0 && state.accepted.length === 0 && rejected.size >= recipients.length) {
    // Every recipient was refused at RCPT.
    return { host: label, recipients: recipients.map((r) => perRejected(r.address)!), summary };
  }
  if (error.responseCode && (error.command === 'DATA' || /DATA|message/i.test(error.command ?? '') || error.code === 'EMESSAGE')) {
    const outcome: RecipientOutcome = isPermanent(error.responseCode) ? 'failed' : 'deferred';
    return {
      host: label,
      recipients: recipients.map((r) => perRejected(r.address) ?? { address: r.address, outcome, code: error.responseCode ?? null, text }),
      summary,
    };
  }
  // Connection dropped, timeout, protocol error: the next host gets a chance.
  throw new HostUnavailable(text);
}
