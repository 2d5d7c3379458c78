import type { ParsedMessage } from '@mailstead/mime';
import type { ListInfo, LocalMailbox, Resolution } from './recipients/recipient-resolver';
import type { DeliveryRecords } from '@mailstead/store';
import type { DeliveryPart, Plan, RecipientInput } from './recipients/delivery-plan';
import type { SmtpReply } from './smtp-reply';

/**
 * Where a message enters: the MX (anyone, no AUTH), SMTP submission (authenticated, ports
 * 587/465) or the webmail's send. Steps say which sources they run for; the inbound-only
 * ones (sender authentication, later DNSBL, greylisting, spam scoring) run for `mx` alone.
 */
export type MessageSource = 'mx' | 'submission' | 'webmail';

/**
 * The SMTP client, for connection checks and the Received field; null for the webmail. SMTP
 * hands the steps one object per session from connect to DATA (helo and tls filled in as the
 * session goes), so a step may keep per-session state keyed by it (the DNS lists started at
 * connect, answered at RCPT).
 */
export interface ClientInfo {
  sessionId: string;
  ip: string;
  /** our address the client connected to (the "is it us" HELO check); absent when unknown */
  localIp?: string;
  /** what the client said in HELO/EHLO */
  helo: string;
  /** its reverse DNS name, or '' / '[ip]' when unknown */
  hostname: string;
  /** RFC 3848 transmission type (ESMTP, ESMTPS, ESMTPSA, ...) */
  protocol: string;
  tls: { version: string; cipher: string } | false;
}

/** The authenticated account sending through submission or the webmail. */
export interface Submitter {
  accountId: number;
  address: string;
}

export interface Envelope {
  source: MessageSource;
  /** MAIL FROM; '' is the null sender */
  sender: string;
  submitter: Submitter | null;
  client: ClientInfo | null;
  /** RFC 3461 ENVID and RET, copied into the outbound rows (and so into our DSNs) */
  dsn: { envid: string | null; ret: 'FULL' | 'HDRS' | null } | null;
  /** SIZE= given with MAIL FROM (RFC 1870), 0 when none: held against quotas at RCPT */
  declaredSize: number;
}

/** A symbol a check attached to the message (name, weight, detail), as rspamd reports them. */
export interface CheckSymbol {
  name: string;
  score: number;
  detail?: string;
}

/** The message between the end of DATA and COMMIT. Message steps read it and change it. */
export interface MessageUnderCheck {
  readonly envelope: Envelope;
  readonly recipients: readonly RecipientInput[];
  /** the accepted recipients merged: each account, remote address and list once */
  readonly plan: Plan;
  /** the bytes as received (line ends normalised), before any step changed them */
  readonly received: Buffer;
  /** the message every copy is made from; steps may replace it (header completion, removals) */
  raw: Buffer;
  /** the submitter's Sent copy (Bcc kept), when the submission step made one */
  sentCopy: Buffer | null;
  /** fields that go on top of every copy, topmost first; see addTrace */
  readonly trace: string[];
  /** why local copies are filed in Junk instead of where they would go (null: they are not) */
  junk: string | null;
  /** the sum of the symbols' scores */
  score: number;
  readonly symbols: CheckSymbol[];
}

/** Puts fields on top of the trace: a later step's fields go above an earlier one's, as each hop prepends. */
export function addTrace(message: MessageUnderCheck, fields: readonly string[]): void {
  message.trace.unshift(...fields);
}

export function addSymbol(message: MessageUnderCheck, symbol: CheckSymbol): void {
  message.symbols.push(symbol);
  message.score += symbol.score;
}

/** One place a local copy is filed: an existing mailbox, or one created in the delivery's transaction. */
export type CopyTarget = { mailboxId: number; flags: string[] } | { create: { accountId: number; name: string }; flags: string[] };

/** One local mailbox's copy, decided per recipient before COMMIT. */
export interface LocalCopy {
  readonly mailbox: LocalMailbox;
  /** the list this is a member's copy of (such copies are skipped, not refused, when full) */
  readonly list: ListInfo | null;
  /** this copy's bytes: trace, Return-Path, Delivered-To (and the list's fields) included */
  raw: Buffer;
  parsed?: ParsedMessage;
  /** where it is filed; steps may change it (Junk, later a Sieve fileinto) */
  mailboxId: number;
  flags: string[];
  /**
   * Where it is filed instead of `mailboxId`/`flags`, when a step decided several places or a
   * mailbox to create (Sieve: each fileinto and keep is a copy, RFC 5228 4.1; `fileinto :create`,
   * RFC 5490 3.2). An empty list stores nothing for this recipient (Sieve discard, or a redirect
   * without keep): that is a delivery, not a failure.
   */
  into?: CopyTarget[];
  /** Parts committed in the same transaction when this copy is delivered (Sieve redirect, vacation, notices). */
  parts?: DeliveryPart[];
  /** Rows committed in the same transaction (Sieve duplicate ids, RFC 7352). */
  records?: DeliveryRecords;
  /**
   * Why this recipient cannot take the message after all (a copy step decided it after DATA):
   * the others still get it and the sender gets a DSN for this one (RFC 3464), as Postfix does
   * with an LMTP recipient refused at DATA. When nobody can take it, the reply refuses the message.
   */
  failed?: SmtpReply;
  /** Why this copy is kept out of the recipient's mailboxes, accepted all the same: the spam quarantine holds it (no DSN). */
  held?: string;
}

/**
 * What a step answers: nothing to go on, or the SMTP reply that ends the phase (4xx tempfail,
 * 5xx reject). At RCPT it refuses that recipient alone; after DATA SMTP has one reply for the
 * whole message (RFC 5321 4.2.5), so a message or copy step's reply refuses the message.
 */
export type StepResult = SmtpReply | undefined;

/**
 * The one contract of the delivery pipeline (libs/pipeline/src/delivery-pipeline.ts runs it),
 * like Postfix's smtpd restrictions per stage and Maddy's check modules: each step implements
 * the phases it cares about and runs for the sources it names, in the order the pipeline lists
 * the steps. Nothing is stored before COMMIT; `committed` runs after it, before the reply, and
 * its failures are logged, never answered.
 */
export interface DeliveryStep {
  readonly name: string;
  readonly sources: readonly MessageSource[];
  /** connection checks, before the greeting */
  connect?(client: ClientInfo): Promise<StepResult>;
  /** MAIL FROM */
  sender?(envelope: Envelope): Promise<StepResult>;
  /** each RCPT, once resolved */
  recipient?(envelope: Envelope, recipient: RecipientInput): Promise<StepResult>;
  /** the whole message after DATA: may change it, add trace fields or a score, or file it as junk */
  message?(message: MessageUnderCheck): Promise<StepResult>;
  /** each local copy before COMMIT: may change its mailbox and flags, or fail it for its recipient */
  copy?(message: MessageUnderCheck, copy: LocalCopy): Promise<StepResult>;
  /** after COMMIT, before the reply */
  committed?(message: MessageUnderCheck, receipt: DeliveryReceipt): Promise<void>;
}

/** What one committed transaction stored. */
export interface DeliveryReceipt {
  /** every stored copy: message id, mailbox, uid */
  stored: { id: bigint; mailboxId: number; uid: number }[];
  outboundIds: bigint[];
  /** lists whose post waits for a moderator */
  held: string[];
  /** local copies and remote recipients, lists' members included */
  local: number;
  remote: number;
  /** the Sent mailbox the submitter's copy went to, if any */
  sentMailboxId: number | null;
  /** local recipients that could not take it (a DSN went to the sender, when it wanted one) */
  failed: string[];
}

export type { Resolution };
