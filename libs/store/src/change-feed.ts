import { EventEmitter } from 'node:events';
import pg from 'pg';

export const CHANGE_CHANNEL = 'mailstead_change';

export type ChangeKind = 'append' | 'flags' | 'expunge' | 'mailbox';

/** What every mailbox change announces (NOTIFY payload), to every process sharing the database. */
export interface MailboxChange {
  accountId: number;
  mailboxId: number;
  modseq: string;
  kind: ChangeKind;
}

export function encodeChange(change: MailboxChange): string {
  return JSON.stringify({ a: change.accountId, m: change.mailboxId, s: change.modseq, k: change.kind });
}

export function decodeChange(payload: string): MailboxChange | undefined {
  try {
    const p = JSON.parse(payload) as { a: number; m: number; s: string; k: ChangeKind };
    return { accountId: p.a, mailboxId: p.m, modseq: p.s, kind: p.k };
  } catch {
    return undefined;
  }
}

/**
 * LISTENs on one dedicated connection and fans changes out in process. Subscribers register
 * per mailbox or per account; the connection is re-established after a failure, and
 * subscribers get a `resync` event since changes may have been missed meanwhile.
 */
export class ChangeFeed {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly url: string) {
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANGE_CHANNEL || !msg.payload) return;
      const change = decodeChange(msg.payload);
      if (!change) return;
      this.emitter.emit(`mailbox:${change.mailboxId}`, change);
      this.emitter.emit(`account:${change.accountId}`, change);
      this.emitter.emit('change', change);
    });
    client.on('error', () => this.scheduleReconnect());
    client.on('end', () => this.scheduleReconnect());
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    this.client = client;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.client = undefined;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.start().then(
        () => this.emitter.emit('resync'),
        () => this.scheduleReconnect(),
      );
    }, 1000);
  }

  /** Calls `fn` for every change of one mailbox; returns the unsubscribe function. */
  onMailbox(mailboxId: number, fn: (change: MailboxChange) => void): () => void {
    return this.on(`mailbox:${mailboxId}`, fn);
  }

  onAccount(accountId: number, fn: (change: MailboxChange) => void): () => void {
    return this.on(`account:${accountId}`, fn);
  }

  onAny(fn: (change: MailboxChange) => void): () => void {
    return this.on('change', fn);
  }

  /** After a lost connection: changes may have been missed, so re-read state. */
  onResync(fn: () => void): () => void {
    return this.on('resync', fn);
  }

  private on<T>(event: string, fn: (arg: T) => void): () => void {
    this.emitter.on(event, fn);
    return () => this.emitter.off(event, fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
