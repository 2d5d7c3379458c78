import { utf8Names } from '../server/imap4rev2';
import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import { DELIMITER, listMatcher, normalizeName } from '../server/mailbox-names';
import { accountOf } from '../server/session-helpers';
import { ok } from '../server/session-state';
import { nodeText, type ArgReader } from '../protocol/arguments';
import { SyntaxError } from '../protocol/command-reader';
import { decodeMailboxName } from '../protocol/utf7';
import { ResponseBuilder } from '../protocol/response-writer';
import type { MailboxSummary } from '../mail-store';
import { statusExtras, statusItems, statusLine, type StatusItem } from './status';

interface ListEntry {
  name: string;
  box: MailboxSummary | null;
  attributes: string[];
}

function decodePattern(text: string, utf8: boolean): string {
  return (utf8 ? text : (decodeMailboxName(text) ?? text)).normalize('NFC');
}

/**
 * Every name LIST can report: the mailboxes, plus the parents they imply that do not exist
 * (\Noselect, RFC 3501 6.3.8), each with \HasChildren/\HasNoChildren (RFC 3348) and its
 * special-use attribute (RFC 6154).
 */
export function listEntries(boxes: MailboxSummary[]): ListEntry[] {
  const byName = new Map(boxes.map((b) => [b.name, b]));
  const names = new Set(byName.keys());
  for (const b of boxes) {
    const parts = b.name.split(DELIMITER);
    for (let i = 1; i < parts.length; i++) names.add(parts.slice(0, i).join(DELIMITER));
  }
  const sorted = [...names].sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const hasChildren = new Set<string>();
  for (const n of names) {
    const i = n.lastIndexOf(DELIMITER);
    if (i > 0) hasChildren.add(n.slice(0, i));
  }
  return sorted.map((name) => {
    const box = byName.get(name) ?? null;
    const attributes = [hasChildren.has(name) ? '\\HasChildren' : '\\HasNoChildren'];
    if (!box) attributes.unshift('\\Noselect');
    if (box?.specialUse) attributes.push(box.specialUse);
    return { name, box, attributes };
  });
}

/** One LIST response line (RFC 3501 7.2.2), with NOTIFY's OLDNAME extended data item (RFC 5465 5.4) for a renamed mailbox. */
export function listLine(session: ImapSession, command: string, attributes: readonly string[], name: string, oldName?: string): Buffer {
  const line = new ResponseBuilder().raw(`* ${command} (${attributes.join(' ')}) "${DELIMITER}" `).mailbox(name, utf8Names(session));
  if (oldName !== undefined) line.raw(' ("OLDNAME" (').mailbox(oldName, utf8Names(session)).raw('))');
  return line.end();
}

/** The LIST response IMAP4rev2 sends for the mailbox a SELECT/EXAMINE opens (RFC 9051 6.3.2). */
export async function selectedListLine(session: ImapSession, box: MailboxSummary): Promise<Buffer> {
  const entry = listEntries(await session.store.listMailboxes(accountOf(session))).find((e) => e.box?.id === box.id);
  return listLine(session, 'LIST', entry?.attributes ?? ['\\HasNoChildren'], box.name);
}

/** Return options besides STATUS (RFC 5819): RFC 5258 3.4 and SPECIAL-USE (RFC 6154 5.1). */
const RETURN_OPTIONS = new Set(['SUBSCRIBED', 'CHILDREN', 'SPECIAL-USE']);

/** LIST with LIST-EXTENDED (RFC 5258) selection and return options and LIST-STATUS (RFC 5819). */
export async function runList(session: ImapSession, args: ArgReader, lsub: boolean) {
  const selection = new Set<string>();
  const firstList = lsub ? undefined : args.optionalList();
  for (const n of firstList ?? []) selection.add(nodeText(n).toUpperCase());
  const reference = decodePattern(args.string('reference name'), utf8Names(session));
  const patternNode = args.next('mailbox pattern');
  const patterns = patternNode.kind === 'list' ? patternNode.items.map(nodeText) : [nodeText(patternNode)];
  const returns = new Set<string>();
  let statusWanted: StatusItem[] | undefined;
  if (!lsub && args.remaining > 0) {
    if (args.atom('RETURN').toUpperCase() !== 'RETURN') throw new SyntaxError('Expected RETURN');
    const opts = args.list('return options');
    for (let i = 0; i < opts.length; i++) {
      const opt = nodeText(opts[i]!).toUpperCase();
      if (opt === 'STATUS') {
        const items = opts[++i];
        if (items?.kind !== 'list') throw new SyntaxError('Expected status items');
        statusWanted = statusItems(items.items);
      } else if (RETURN_OPTIONS.has(opt)) returns.add(opt);
      // RFC 5258 3: a return option the server does not know is a BAD command.
      else throw new SyntaxError(`Unknown return option ${opt.slice(0, 20)}`);
    }
  }
  args.end();
  for (const s of selection) if (!['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE'].includes(s)) throw new SyntaxError(`Unknown selection option ${s.slice(0, 20)}`);
  if (selection.has('RECURSIVEMATCH') && !selection.has('SUBSCRIBED') && !selection.has('SPECIAL-USE')) throw new SyntaxError('RECURSIVEMATCH needs another selection option');
  const command = lsub ? 'LSUB' : 'LIST';

  // LIST "" "": the hierarchy delimiter and root (RFC 3501 6.3.8).
  if (patterns.length === 1 && patterns[0] === '' && !lsub) {
    await session.untagged(`LIST (\\Noselect) "${DELIMITER}" ""`);
    return ok('LIST completed');
  }
  const matchers = patterns.map((p) => ({ test: listMatcher(reference, decodePattern(p, utf8Names(session))), percent: p.endsWith('%') }));
  const boxes = await session.store.listMailboxes(accountOf(session));
  const subscribedOnly = lsub || selection.has('SUBSCRIBED');
  const showSubscribed = subscribedOnly || returns.has('SUBSCRIBED');
  for (const entry of listEntries(boxes)) {
    const name = normalizeName(entry.name);
    if (!matchers.some((m) => m.test(name))) continue;
    if (!entry.box && !matchers.some((m) => m.percent)) continue;
    if (subscribedOnly && !entry.box?.subscribed) continue;
    if (selection.has('SPECIAL-USE') && !entry.box?.specialUse) continue;
    let attributes = [...entry.attributes];
    if (lsub) attributes = attributes.filter((a) => a === '\\Noselect');
    if (showSubscribed && entry.box?.subscribed && !lsub) attributes.push('\\Subscribed');
    await session.write(listLine(session, command, attributes, name));
    if (statusWanted && entry.box) await session.write(statusLine(session, entry.box, statusWanted, await statusExtras(session, entry.box, statusWanted)));
  }
  return ok(`${command} completed`);
}

export const listCommand = {
  name: 'LIST',
  states: AUTHENTICATED,
  handler: (session, args) => runList(session, args, false),
} satisfies CommandSpec;
