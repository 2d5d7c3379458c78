import type { SelectedMailbox } from './selected-mailbox';

export interface AuthenticatedUser {
  accountId: number;
  address: string;
  admin: boolean;
}

/** RFC 3501 3: each state carries only what is valid in it. */
export type SessionState =
  | { kind: 'not-authenticated' }
  | { kind: 'authenticated'; user: AuthenticatedUser }
  | { kind: 'selected'; user: AuthenticatedUser; mailbox: SelectedMailbox }
  | { kind: 'logout' };

export type StateKind = SessionState['kind'];

export interface CommandResult {
  status: 'OK' | 'NO' | 'BAD';
  /** response code without brackets, e.g. "READ-WRITE", "APPENDUID 1 5" */
  code?: string;
  text: string;
}

export const ok = (text: string, code?: string): CommandResult => ({ status: 'OK', text, code });
export const no = (text: string, code?: string): CommandResult => ({ status: 'NO', text, code });
export const bad = (text: string, code?: string): CommandResult => ({ status: 'BAD', text, code });
