import type { Maildrop } from './maildrop';
import type { MaildropLease } from './maildrop-lock';
import type { MessageFetcher } from './message-fetcher';

/**
 * RFC 1939 3: a session is in AUTHORIZATION until it logs in, then TRANSACTION; QUIT from
 * TRANSACTION enters UPDATE, where the marked deletions are applied. Each state carries only
 * what is valid in it.
 */
export type Pop3State =
  | { name: 'authorization'; /** Name given by USER, waiting for PASS. */ user?: string }
  | { name: 'transaction'; accountId: number; address: string; maildrop: Maildrop; fetcher: MessageFetcher; lease: MaildropLease; /** UIDs sent whole by RETR (marked \Seen in UPDATE). */ retrieved: Set<number> }
  | { name: 'update' };

export type Pop3StateName = Pop3State['name'];
export type StateOf<N extends Pop3StateName> = Extract<Pop3State, { name: N }>;
