import addressparser from 'nodemailer/lib/addressparser';
import type { Address as ParsedEntry } from 'nodemailer/lib/addressparser';
import { stripNul } from './bytes';
import { decodeWords } from './params';
import type { Address, EnvelopeAddress } from './types';

function parseList(value: string): ParsedEntry[] {
  try {
    return addressparser(value);
  } catch {
    return [];
  }
}

function orNull(s: string | undefined): string | null {
  const v = stripNul(s ?? '').trim();
  return v === '' ? null : v;
}

/** Decoded names, groups flattened as `{ name: group, address: null }` followed by their members. */
export function decodeAddressList(value: string | null): Address[] {
  if (value === null) return [];
  const out: Address[] = [];
  const mailbox = (e: { name: string; address?: string | undefined }): Address => {
    const name = orNull(e.name);
    return { name: name === null ? null : decodeWords(name), address: orNull(e.address) };
  };
  for (const entry of parseList(value)) {
    if (entry.group) {
      out.push({ name: orNull(decodeWords(entry.name)), address: null });
      for (const member of entry.group) out.push(mailbox(member));
    } else out.push(mailbox(entry));
  }
  return out.filter((a) => a.name !== null || a.address !== null);
}

function envelopeMailbox(name: string | null, address: string | null): EnvelopeAddress {
  if (address === null) return { name: null, address: null, mailbox: name ?? 'MISSING_MAILBOX', host: 'MISSING_DOMAIN' };
  const at = address.lastIndexOf('@');
  const mailbox = at < 0 ? address : address.slice(0, at);
  const host = at < 0 ? '' : address.slice(at + 1);
  return { name, address, mailbox: mailbox || 'MISSING_MAILBOX', host: host || 'MISSING_DOMAIN' };
}

/**
 * RFC 3501 7.4.2 address list: raw names; group start `(NIL NIL "name" NIL)` and group end
 * `(NIL NIL NIL NIL)`. An entry with no address (`To: garbage`) becomes mailbox "garbage"
 * at MISSING_DOMAIN, as Dovecot answers. null when the header is absent or holds nothing.
 */
export function envelopeAddressList(value: string | null): EnvelopeAddress[] | null {
  if (value === null) return null;
  const out: EnvelopeAddress[] = [];
  for (const entry of parseList(value)) {
    if (entry.group) {
      out.push({ name: null, address: null, mailbox: orNull(entry.name) ?? '', host: null });
      for (const member of entry.group) out.push(envelopeMailbox(orNull(member.name), orNull(member.address)));
      out.push({ name: null, address: null, mailbox: null, host: null });
    } else {
      const name = orNull(entry.name);
      const address = orNull(entry.address);
      if (name !== null || address !== null) out.push(envelopeMailbox(name, address));
    }
  }
  return out.length > 0 ? out : null;
}
