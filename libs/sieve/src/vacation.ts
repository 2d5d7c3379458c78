import { createHash } from 'node:crypto';
import { parseAddressList } from './address';
import { asciiLower } from './match';
import type { SieveHeaderField } from './message';

const LIST_HEADERS = ['list-id', 'list-help', 'list-subscribe', 'list-unsubscribe', 'list-post', 'list-owner', 'list-archive'];
const RECIPIENT_HEADERS = ['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc'];

/** RFC 5230 4.2: the default handle stands for the reply's content. */
export function defaultHandle(parts: { subject: string | null; from: string | null; mime: boolean; reason: string }): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([parts.subject ?? '', parts.from ?? '', parts.mime ? 1 : 0, parts.reason]));
  return h.digest('hex').slice(0, 32);
}

function localOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(0, at)).toLowerCase();
}

/**
 * RFC 5230 4.5 and 4.6, the checks a message allows without history: the reason not to
 * answer, or the user's address the message was sent to.
 */
export function vacationRecipient(
  headers: readonly SieveHeaderField[],
  sender: string,
  userAddresses: readonly string[],
): { recipient: string } | { skip: string } {
  if (sender === '' || sender === '<>') return { skip: 'vacation: no reply to the null sender' };
  const local = localOf(sender);
  // RFC 5230 4.6: never to mailing list software or mailer daemons
  if (local === 'mailer-daemon' || local === 'listserv' || local === 'majordomo' || local.startsWith('owner-') || local.endsWith('-request') || local.endsWith('-owner'))
    return { skip: `vacation: no reply to the system address ${sender}` };
  const field = (key: string) => headers.filter((h) => asciiLower(h.name) === key);
  for (const h of field('auto-submitted')) {
    const v = asciiLower(h.value.replace(/\([^)]*\)/g, '').split(';')[0]!.trim());
    if (v !== 'no') return { skip: `vacation: no reply to Auto-Submitted: ${h.value}` };
  }
  for (const h of field('precedence')) {
    const v = asciiLower(h.value.trim());
    if (v === 'bulk' || v === 'list' || v === 'junk') return { skip: `vacation: no reply to Precedence: ${v}` };
  }
  for (const key of LIST_HEADERS) if (field(key).length > 0) return { skip: `vacation: no reply to list mail (${key})` };
  const mine = userAddresses.map((a) => a.toLowerCase()).filter((a) => a !== '');
  if (mine.includes(sender.toLowerCase())) return { skip: 'vacation: no reply to the user\'s own address' };
  for (const key of RECIPIENT_HEADERS) {
    for (const h of field(key)) {
      for (const a of parseAddressList(h.value)) {
        const found = mine.find((m) => m === a.all.toLowerCase());
        if (found !== undefined) return { recipient: found };
      }
    }
  }
  return { skip: 'vacation: none of the user\'s addresses is in To, Cc, Bcc or Resent-*' };
}
