/**
 * SORT (RFC 5256 section 3) and DISPLAY sort (RFC 5957) over plain records, so the SORT and
 * UID SORT commands (and ESORT, RFC 5267) only have to load `SortableMessage`s for the
 * messages that matched the search and hand them here.
 */
import { asciiCasemapKey, baseSubject, decodeEncodedWords } from './base-subject';

/** The first address of From/To/Cc as the ENVELOPE carries it (libs/mime `EnvelopeAddress`). */
export interface SortAddress {
  /** Display name, raw or RFC 2047 decoded (decoded here either way). */
  name: string | null;
  /** addr-mailbox: the local part. */
  mailbox: string | null;
  /** addr-host: the domain. */
  host: string | null;
}

export interface SortableMessage {
  uid: number;
  /** Sequence number in the selected mailbox: the final tie-break (RFC 5256 section 3). */
  seq: number;
  internalDate: Date;
  /** Date: header; null (or an invalid Date) when missing or unparsable. */
  sentDate: Date | null;
  /** RFC 5322 size in octets. */
  size: number;
  /** Subject header (encoded words allowed). */
  subject: string | null;
  from: SortAddress | null;
  to: SortAddress | null;
  cc: SortAddress | null;
}

export type SortKey = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';
export interface SortCriterion {
  key: SortKey;
  reverse: boolean;
}

const SORT_KEYS: readonly SortKey[] = ['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO'];

export class SortCriteriaError extends Error {}

/**
 * `SORT (<criteria>) ...`: the words inside the parentheses, any case (RFC 5256 section 3
 * `sort-criteria`, RFC 5957 section 3 adds DISPLAYFROM/DISPLAYTO). Throws SortCriteriaError
 * (answer BAD) on an empty list, an unknown key or a dangling REVERSE.
 */
export function parseSortCriteria(words: readonly string[]): SortCriterion[] {
  if (words.length === 0) throw new SortCriteriaError('SORT needs at least one criterion');
  const criteria: SortCriterion[] = [];
  let reverse = false;
  for (const word of words) {
    const upper = word.toUpperCase();
    if (upper === 'REVERSE') {
      if (reverse) throw new SortCriteriaError('REVERSE REVERSE is not a sort criterion');
      reverse = true;
      continue;
    }
    if (!SORT_KEYS.includes(upper as SortKey)) throw new SortCriteriaError(`Unknown sort criterion ${word.slice(0, 30)}`);
    criteria.push({ key: upper as SortKey, reverse });
    reverse = false;
  }
  if (reverse) throw new SortCriteriaError('REVERSE must be followed by a sort criterion');
  return criteria;
}

/**
 * RFC 5256 section 3: addr-mailbox of the first address, empty when there is none. RFC 5256
 * does not decode it (local parts are not encoded words).
 */
function mailboxKey(address: SortAddress | null): string {
  return address?.mailbox ?? '';
}

/**
 * RFC 5957 section 2: the decoded display-name of the first address; when it is missing or
 * empty, the addr-spec (mailbox@host) instead; empty when there is no address.
 */
export function displayName(address: SortAddress | null): string {
  if (!address) return '';
  const name = decodeEncodedWords(address.name ?? '').trim();
  if (name !== '') return name;
  if (!address.mailbox) return '';
  return address.host ? `${address.mailbox}@${address.host}` : address.mailbox;
}

/** DATE: the sent date, or the internal date when the Date header is missing or invalid (RFC 5256 section 3). */
export function sortDate(message: SortableMessage): number {
  const sent = message.sentDate?.getTime();
  return sent !== undefined && !Number.isNaN(sent) ? sent : message.internalDate.getTime();
}

type KeyValue = number | Buffer;

function keyOf(message: SortableMessage, key: SortKey): KeyValue {
  switch (key) {
    case 'ARRIVAL':
      return message.internalDate.getTime();
    case 'DATE':
      return sortDate(message);
    case 'SIZE':
      return message.size;
    case 'SUBJECT':
      return asciiCasemapKey(baseSubject(message.subject));
    case 'FROM':
      return asciiCasemapKey(mailboxKey(message.from));
    case 'TO':
      return asciiCasemapKey(mailboxKey(message.to));
    case 'CC':
      return asciiCasemapKey(mailboxKey(message.cc));
    case 'DISPLAYFROM':
      return asciiCasemapKey(displayName(message.from));
    case 'DISPLAYTO':
      return asciiCasemapKey(displayName(message.to));
  }
}

function compareKeys(a: KeyValue, b: KeyValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(a as Buffer, b as Buffer);
}

/**
 * Messages in SORT order: each criterion in turn, REVERSE flipping only its own key, and
 * messages equal on every key kept in mailbox order (ascending sequence number, never
 * reversed; RFC 5256 section 3). Keys are computed once per message. Returns a new array.
 */
export function sortMessages<T extends SortableMessage>(messages: readonly T[], criteria: readonly SortCriterion[]): T[] {
  const keyed = messages.map((message) => ({ message, keys: criteria.map((c) => keyOf(message, c.key)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < criteria.length; i++) {
      const order = compareKeys(a.keys[i]!, b.keys[i]!);
      if (order !== 0) return criteria[i]!.reverse ? -order : order;
    }
    return a.message.seq - b.message.seq;
  });
  return keyed.map((k) => k.message);
}
