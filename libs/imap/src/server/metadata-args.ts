import { MetadataSyntaxError, normalizeEntryName } from '../ext';
import { SyntaxError } from '../protocol/command-reader';
import { utf8Names } from './imap4rev2';
import type { ArgReader } from '../protocol/arguments';
import type { MetadataTarget } from '../mail-store';
import type { ImapSession } from './imap-session';
import { decodeNameArg, normalizeName } from './mailbox-names';
import { accountOf } from './session-helpers';

/** An entry name as RFC 5464 3.2 allows it (BAD otherwise), lower-cased. */
export function entryName(text: string, purpose: 'get' | 'set'): string {
  try {
    return normalizeEntryName(text, purpose);
  } catch (error) {
    if (error instanceof MetadataSyntaxError) throw new SyntaxError(error.message);
    throw error;
  }
}

/**
 * The mailbox argument of GETMETADATA/SETMETADATA: "" names the server (RFC 5464 3.1), anything
 * else a mailbox of the account. Null when that mailbox does not exist.
 */
export async function metadataTarget(session: ImapSession, args: ArgReader): Promise<{ target: MetadataTarget; name: string } | null> {
  const raw = args.string('mailbox name');
  const accountId = accountOf(session);
  if (raw === '') return { target: { accountId, mailboxId: null }, name: '' };
  const decoded = decodeNameArg(raw, utf8Names(session));
  if (decoded === null) throw new SyntaxError('Mailbox name is not valid');
  const box = await session.store.getMailbox(accountId, normalizeName(decoded));
  return box ? { target: { accountId, mailboxId: box.id }, name: box.name } : null;
}
