import type { SMTPServerSession } from 'smtp-server';
import { type SmtpContext, sessionUser } from '../smtp-context';
import { smtpReply, type SmtpReply } from '@mailstead/pipeline';

/**
 * EXPN (RFC 5321 3.5.2) lists a mailing list's members. It is an address-harvesting hole,
 * so it answers 502 unless MAILSTEAD_SMTP_EXPN is set, and then only to authenticated users.
 */
export async function handleExpn(ctx: SmtpContext, session: SMTPServerSession, argument: string): Promise<{ code: number; lines: string[] } | SmtpReply> {
  if (!ctx.allowExpn || !sessionUser(session)) return smtpReply(502, '5.5.1', 'EXPN not available');
  const address = argument.trim().replace(/^<|>$/g, '');
  if (!address) return smtpReply(501, '5.5.4', 'Syntax: EXPN list-address');
  const members = await ctx.resolver.expandList(address);
  if (!members) return smtpReply(550, '5.1.1', 'No such mailing list');
  if (members.length === 0) return smtpReply(250, '2.1.5', 'The list has no members');
  return { code: 250, lines: members.map((m) => `2.1.5 <${m}>`) };
}
