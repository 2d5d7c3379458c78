import { isFlagKeyword } from '@mailstead/contracts';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import type { ImapSession } from './imap-session';

const SYSTEM = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft', '\\Recent'];

/** The flags every mailbox has, as FLAGS and PERMANENTFLAGS list them (RFC 3501 7.2.6, 7.1). */
export const SYSTEM_FLAGS = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

/**
 * How many keywords FLAGS lists. Dovecot lists them all; a mailbox where something set 10,000
 * junk keywords must not give every SELECT a 1 MB line that clients parse and keep. Real clients
 * use a few dozen (Thunderbird's $label1-5 and tags, Apple Mail's $MailFlagBit0-2, $Forwarded,
 * $MDNSent, $Junk/$NotJunk), so the first 256 in order of first use, and at most 8 KiB of them,
 * cover them; later ones still appear in FETCH FLAGS, and `\*` lets clients keep creating them.
 */
export const MAX_LISTED_KEYWORDS = 256;
export const MAX_LISTED_KEYWORD_BYTES = 8192;

/** A flag list (RFC 3501 9 `flag-list`): system flags in canonical case, keywords as given. */
export function parseFlagNodes(nodes: ArgNode[]): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    if (node.kind !== 'atom') throw new SyntaxError('Flags must be atoms');
    const value = node.value;
    if (value.startsWith('\\')) {
      const system = SYSTEM.find((f) => f.toLowerCase() === value.toLowerCase());
      if (!system) throw new SyntaxError(`Invalid system flag ${value.slice(0, 30)}`);
      if (!out.includes(system)) out.push(system);
    } else {
      // The reader lets % and * into atoms (for LIST patterns and sequence sets); a keyword may not hold them.
      if (!isFlagKeyword(value)) throw new SyntaxError(`Invalid keyword ${value.slice(0, 30)}`);
      if (!out.includes(value)) out.push(value);
    }
  }
  return out;
}

/**
 * The keywords a session has announced in FLAGS for its selected mailbox (RFC 3501 7.2.6): the
 * mailbox's keywords at SELECT, then every new one a STORE or another session's change brings,
 * in order, within MAX_LISTED_KEYWORDS / MAX_LISTED_KEYWORD_BYTES. Only grows, as Dovecot's does.
 */
export class AnnouncedKeywords {
  private readonly names: string[] = [];
  private readonly known = new Set<string>();
  private bytes = 0;

  /** Adds the keywords among `flags` not announced yet; true when the list grew. */
  add(flags: Iterable<string>): boolean {
    let grew = false;
    for (const flag of flags) {
      if (flag.startsWith('\\') || this.known.has(flag)) continue;
      if (this.names.length >= MAX_LISTED_KEYWORDS) break;
      // the store takes any string (webmail, older rows): list only what a client can parse and send back
      if (!isFlagKeyword(flag) || this.bytes + flag.length + 1 > MAX_LISTED_KEYWORD_BYTES) continue;
      this.names.push(flag);
      this.known.add(flag);
      this.bytes += flag.length + 1;
      grew = true;
    }
    return grew;
  }

  /** Adds the keywords of several flag lists (changed messages); true when the list grew. */
  addAll(lists: Iterable<readonly string[]>): boolean {
    let grew = false;
    for (const flags of lists) if (this.add(flags)) grew = true;
    return grew;
  }

  get list(): readonly string[] {
    return this.names;
  }

  /**
   * `FLAGS (...)` and `OK [PERMANENTFLAGS (...)]` (without `* `): the flags that apply, and those
   * a STORE keeps, with `\*` for new keywords; none for a read-only mailbox (RFC 3501 6.3.2).
   */
  responses(readOnly: boolean): [string, string] {
    const flags = this.names.length > 0 ? `${SYSTEM_FLAGS} ${this.names.join(' ')}` : SYSTEM_FLAGS;
    return [`FLAGS (${flags})`, readOnly ? 'OK [PERMANENTFLAGS ()] Read-only mailbox' : `OK [PERMANENTFLAGS (${flags} \\*)] Flags permitted`];
  }
}

/**
 * RFC 3501 7.2.6 / RFC 9051 7.3.5: when keywords appear that the selected mailbox's FLAGS did
 * not list, an updated FLAGS (and PERMANENTFLAGS, as Dovecot sends) goes out, before the FETCH
 * responses that carry them. Call between whole responses, never inside one.
 */
export async function announceNewKeywords(session: ImapSession, lists: Iterable<readonly string[]>): Promise<void> {
  if (session.state.kind !== 'selected') return;
  const box = session.state.mailbox;
  if (!box.keywords.addAll(lists)) return;
  for (const line of box.keywords.responses(box.readOnly)) await session.untagged(line);
}
