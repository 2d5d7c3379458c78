import { AUTHENTICATED, type CommandSpec } from '../server/command-spec';
import { parseFlagNodes } from '../server/flags';
import { mailboxArg } from '../server/mailbox-names';
import { accountOf } from '../server/session-helpers';
import { no, ok } from '../server/session-state';
import { parseDateTime } from '../protocol/arguments';
import { exceededResource } from '../ext';
import { accountQuota } from '../server/quota-usage';
import { compactSet } from '../server/selected-mailbox';
import type { AppendInput } from '../mail-store';
import { SyntaxError } from '../protocol/command-reader';

/**
 * APPEND (RFC 3501 6.3.11) with UIDPLUS APPENDUID (RFC 4315) and MULTIAPPEND (RFC 3502: several
 * messages, each with optional flags and date, stored in one transaction or not at all). A
 * missing mailbox answers [TRYCREATE]; the literal size is bounded by the reader (APPENDLIMIT),
 * answering [TOOBIG]; going over the account's quota answers [OVERQUOTA] (RFC 9208 4.3).
 */
export const appendCommand = {
  name: 'APPEND',
  states: AUTHENTICATED,
  async handler(session, args) {
    const name = mailboxArg(args, session);
    const items: AppendInput[] = [];
    do {
      const flagNodes = args.optionalList();
      let internalDate: Date | undefined;
      const maybeDate = args.peek();
      if (maybeDate?.kind === 'string' && !maybeDate.literal) {
        args.next('date');
        internalDate = parseDateTime(maybeDate.value.toString('latin1'));
      }
      let message = args.next('message literal');
      // RFC 6855 4: APPEND mailbox UTF8 (literal8), the message may carry UTF-8 headers.
      if (message.kind === 'atom' && message.value.toUpperCase() === 'UTF8' && session.enabled.has('UTF8=ACCEPT')) {
        const inner = args.list('UTF8 message');
        if (inner.length !== 1) throw new SyntaxError('Expected one literal in UTF8 ( )');
        message = inner[0]!;
      }
      if (message.kind !== 'string' || !message.literal) throw new SyntaxError('Expected the message as a literal');
      if (message.value.length === 0) return no('Empty message');
      items.push({ raw: message.value, flags: parseFlagNodes(flagNodes ?? []).filter((f) => f !== '\\Recent'), internalDate });
    } while (args.remaining > 0);
    args.end();
    const box = await session.store.getMailbox(accountOf(session), name);
    if (!box) return no('Mailbox does not exist', 'TRYCREATE');
    const bytes = items.reduce((sum, item) => sum + BigInt(item.raw.length), 0n);
    const over = exceededResource(await accountQuota(session), bytes, items.length);
    if (over) return no(`Quota exceeded (${over})`, 'OVERQUOTA');
    const stored = items.length === 1 ? await session.store.append(box.id, items[0]!) : undefined;
    const many = stored ? { uids: [stored.uid], uidValidity: stored.uidValidity } : await session.store.appendMany(box.id, items);
    if (session.state.kind === 'selected' && session.state.mailbox.id === box.id) session.state.mailbox.dirty = true;
    return ok('APPEND completed', `APPENDUID ${many.uidValidity} ${compactSet(many.uids)}`);
  },
} satisfies CommandSpec;
