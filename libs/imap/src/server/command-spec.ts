import type { ArgReader } from '../protocol/arguments';
import type { ParsedCommand } from '../protocol/command-reader';
import type { ImapSession } from './imap-session';
import type { CommandResult, StateKind } from './session-state';

/** One IMAP command: the states it is valid in and its handler (STYLE.md: one per file). */
export interface CommandSpec {
  name: string;
  states: readonly StateKind[];
  /**
   * false for FETCH, STORE and SEARCH: no untagged EXPUNGE may follow them, since the client
   * may still use the sequence numbers they returned (RFC 3501 7.4.1).
   */
  allowsExpunge?: boolean;
  /** bring the mailbox view up to date even without a change notice (NOOP, CHECK, IDLE) */
  alwaysSync?: boolean;
  handler(session: ImapSession, args: ArgReader, command: ParsedCommand): Promise<CommandResult>;
}

export const ANY_STATE: readonly StateKind[] = ['not-authenticated', 'authenticated', 'selected'];
export const AUTHENTICATED: readonly StateKind[] = ['authenticated', 'selected'];
export const SELECTED: readonly StateKind[] = ['selected'];
export const NOT_AUTHENTICATED: readonly StateKind[] = ['not-authenticated'];
