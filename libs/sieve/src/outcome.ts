import type { SieveLimits } from './limits';
import type { SieveHeaderField, SieveMessage } from './message';

export interface SieveEnvelope {
  /** MAIL FROM without brackets; "" for the null sender <> */
  from: string;
  /** the RCPT TO that caused this delivery */
  to: string;
  /** the authenticated submitter, if any */
  auth?: string | null;
}

export interface SieveInput {
  message: SieveMessage;
  envelope: SieveEnvelope;
  /**
   * RFC 5183 environment items (domain, host, remote-host, remote-ip, phase, ...) and
   * RFC 6785's `imap.cause`, `imap.mailbox`, `imap.changedflags`, `imap.user`, `imap.email`.
   * `name`, `version` and `location` have defaults.
   */
  environment?: Partial<Record<string, string>>;
  /**
   * Spam score as a percentage 0..100 (0 certainly not spam, 100 certainly spam), as
   * spamtestplus :percent reports it; spamtest maps it to 1..10. Absent: not tested ("0").
   */
  spamScore?: number;
  /** RFC 5235 virustest value 1..5 (1 clean, 5 infected and not repaired); absent: not tested ("0") */
  virusScore?: number;
  /** the clock for currentdate, vacation and duplicate (default: new Date()) */
  now?: Date;
  /** the user's own addresses (aliases): vacation answers mail addressed to one of them */
  userAddresses?: string[];
  /** `+` unless the site uses another subaddress separator */
  subaddressSeparator?: string;
  limits?: Partial<SieveLimits>;
  /** capabilities included scripts may require; default SIEVE_EXTENSIONS */
  extensions?: readonly string[];
}

export type SieveIncludeLocation = 'personal' | 'global';

/** What the interpreter asks its caller for; everything else is pure. */
export interface SieveHost {
  /** the source of a script for include (RFC 6609), or null when there is none */
  include(name: string, location: SieveIncludeLocation): Promise<string | null>;
  /** RFC 7352: whether this duplicate key was recorded (and has not expired) */
  duplicateSeen(key: string): Promise<boolean>;
  /** RFC 5490 mailboxexists */
  mailboxExists(name: string): Promise<boolean>;
}

export type SieveAction =
  | { type: 'keep'; flags: string[] }
  | { type: 'fileinto'; mailbox: string; flags: string[]; create: boolean; copy: boolean }
  | { type: 'redirect'; address: string; copy: boolean }
  | { type: 'discard' }
  | { type: 'reject'; reason: string; extended: boolean }
  | SieveVacationAction;

/**
 * A vacation reply the script wants and the message allows (RFC 5230 4.5, 4.6 checked here).
 * Whether this sender already got a reply with this handle within `seconds` is the host's check.
 */
export interface SieveVacationAction {
  type: 'vacation';
  /** RFC 5230 4.2; default: a hash of :subject, :from, :mime and the reason */
  handle: string;
  /** the period between replies to one sender, in seconds (from :days or :seconds, bounded by the limits) */
  seconds: number;
  /** the :days given, if :days was used */
  days?: number;
  /** the reply's subject (default "Auto: " + the original subject) */
  subject: string;
  /** :from, or null for the recipient's address */
  from: string | null;
  /** the text, or a MIME entity when `mime` */
  reason: string;
  mime: boolean;
  /** :addresses as given */
  addresses: string[];
  /** the user's address the message was addressed to (the reply comes from it unless `from`) */
  recipient: string;
  /** the address to answer: the envelope sender */
  to: string;
}

export interface SieveDuplicateRecord {
  /** sha256 hex of handle and value */
  key: string;
  /** how long the record lives (RFC 7352 :seconds, default 7 days) */
  seconds: number;
}

export interface SieveRuntimeError {
  message: string;
  line: number;
  column: number;
  /** the script (index into the scripts given, or the included name) */
  script: string;
}

export interface SieveOutcome {
  /**
   * What to do with the message, in order. On a run-time error this is a single keep
   * (RFC 5228 2.10.6). A keep or fileinto to the same mailbox appears once.
   */
  actions: SieveAction[];
  /** the header after editheader (RFC 5293), or null when the script did not change it */
  headerEdits: SieveHeaderField[] | null;
  /** RFC 7352: keys to record only once delivery succeeded */
  duplicateRecords: SieveDuplicateRecord[];
  error: SieveRuntimeError | null;
  /** why a vacation action was not produced, and other things worth logging */
  log: string[];
}
