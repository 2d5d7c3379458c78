import { decodePartBody, resolvePart, sectionBytes, type BodyPart, type Section } from '@mailstead/mime';
import { SELECTED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import type { SelectedMailbox } from '../server/selected-mailbox';
import { messagesFor, selectedOf } from '../server/session-helpers';
import { bad, no, ok, type CommandResult } from '../server/session-state';
import { condstoreEnabled, enableCondstore, modseqItem, qresyncEnabled } from '../server/condstore';
import { parseFetchModifiers, type FetchModifiers } from '../server/fetch-modifiers';
import { emailObjectId, formatVanished, threadObjectId, toRanges } from '../ext';
import { formatDateTime, type ArgReader, type SequenceSet } from '../protocol/arguments';
import { parseFetchItems, type FetchItem } from '../protocol/fetch-items';
import { writeBodyStructure, writeEnvelope } from '../protocol/fetch-render';
import { ResponseBuilder } from '../protocol/response-writer';
import { announceNewKeywords } from '../server/flags';
import { SYSTEM_FLAG_BITS, type FetchField, type FlagBatch, type MessageMeta } from '../mail-store';

/** Messages per store round trip: metadata-only fetches stream in large batches, body fetches in small ones. */
const META_BATCH = 1000;
const FLAGS_BATCH = 5000;
/** Flags batches read at once: Postgres runs each on its own connection, so on another core. */
const FLAGS_QUERIES = 2;
const BODY_BATCH = 50;
const HEADER_BATCH = 250;

function isTopHeader(item: FetchItem): boolean {
  if (item.type === 'RFC822.HEADER') return true;
  return item.type === 'section' && item.section.part.length === 0 && item.section.kind !== 'TEXT' && item.section.kind !== 'ALL';
}

/** Items that need more than the message header. */
function needsBody(item: FetchItem): boolean {
  if (item.type === 'RFC822' || item.type === 'RFC822.TEXT' || item.type === 'binary') return true;
  return item.type === 'section' && !isTopHeader(item);
}

const SETS_SEEN = (item: FetchItem) =>
  item.type === 'RFC822' || item.type === 'RFC822.TEXT' || (item.type === 'section' && !item.peek) || (item.type === 'binary' && !item.peek);

function fieldsFor(items: FetchItem[]): Set<FetchField> {
  const fields = new Set<FetchField>(['flags']);
  for (const item of items) {
    if (item.type === 'INTERNALDATE') fields.add('internalDate');
    if (item.type === 'RFC822.SIZE' || item.type === 'RFC822' || item.type === 'section') fields.add('size');
    if (item.type === 'ENVELOPE') fields.add('envelope');
    if (item.type === 'BODY' || item.type === 'BODYSTRUCTURE' || item.type === 'RFC822.HEADER' || item.type === 'RFC822.TEXT' || item.type === 'section' || item.type === 'binary') {
      fields.add('bodyStructure');
    }
  }
  return fields;
}

/** Reads message bytes once per message, and only the header when that is all a section needs. */
class BodyReader {
  private full: Buffer | undefined;

  constructor(
    private readonly session: ImapSession,
    private readonly meta: MessageMeta,
    /** the header bytes, when the whole batch's headers were read at once */
    private header: Buffer | undefined,
  ) {}

  /**
   * The message's bytes, from its blob: they outlive the row, so a message expunged by another
   * session after this FETCH read its row is still served as it was (RFC 2180 4.1.1; message
   * data never changes, RFC 3501 2.3.1.1). Never empty data in place of it.
   */
  private async bytes(start?: number, end?: number): Promise<Buffer> {
    const data = await this.session.store.fetchBytes(this.meta.blobId, start, end);
    if (!data) throw new Error(`blob ${this.meta.blobId} of UID ${this.meta.uid} is missing`);
    return data;
  }

  private async all(): Promise<Buffer> {
    this.full ??= await this.bytes();
    return this.full;
  }

  async section(section: Section, partial?: { start: number; length: number }): Promise<Buffer> {
    const root = this.meta.bodyStructure;
    let data: Buffer;
    if (section.part.length === 0 && section.kind === 'ALL') {
      if (partial && this.full === undefined) {
        return this.bytes(partial.start, partial.start + partial.length);
      }
      data = await this.all();
    } else if (!root) {
      data = Buffer.alloc(0);
    } else if (section.part.length === 0 && section.kind !== 'TEXT' && this.full === undefined) {
      // HEADER / HEADER.FIELDS(.NOT) of the message itself: the header bytes are enough.
      this.header ??= await this.bytes(0, root.bodyStart);
      data = sectionBytes(this.header, root, section);
    } else {
      data = sectionBytes(await this.all(), root as BodyPart, section);
    }
    if (partial) return data.subarray(Math.min(partial.start, data.length), Math.min(partial.start + partial.length, data.length));
    return data;
  }
}

/** RFC 3516 4.3: a part whose Content-Transfer-Encoding we cannot decode: NO [UNKNOWN-CTE]. */
class UnknownCteError extends Error {}

const DECODABLE = new Set(['7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

/** BINARY[part] (RFC 3516 4.2): the part's content with its transfer encoding removed. */
async function binaryPart(body: BodyReader, root: BodyPart | undefined, part: number[]): Promise<Buffer> {
  const raw = await body.section({ part: [], kind: 'ALL' });
  if (part.length === 0 || !root) return raw;
  const found = resolvePart(root, part);
  if (!found) return Buffer.alloc(0);
  if (found.type.toLowerCase() === 'multipart') return raw.subarray(found.bodyStart, found.bodyEnd);
  if (!DECODABLE.has((found.encoding ?? '7bit').toLowerCase())) throw new UnknownCteError(found.encoding ?? '');
  return decodePartBody(raw, found);
}

/** Per-batch data of the extension items: OBJECTID (RFC 8474 5) and PREVIEW (RFC 8970). */
interface FetchExtras {
  objectIds?: Map<number, { emailId: bigint; threadId: bigint }>;
  previews?: Map<number, string>;
}

async function fetchExtras(session: ImapSession, mailboxId: number, uids: number[], items: FetchItem[]): Promise<FetchExtras> {
  const extras: FetchExtras = {};
  if (items.some((i) => i.type === 'EMAILID' || i.type === 'THREADID')) extras.objectIds = await session.store.objectIds(mailboxId, uids);
  if (items.some((i) => i.type === 'PREVIEW')) extras.previews = await session.store.previews(mailboxId, uids);
  return extras;
}

/** One untagged FETCH response. */
async function writeMessage(
  session: ImapSession,
  box: SelectedMailbox,
  meta: MessageMeta,
  items: FetchItem[],
  byUid: boolean,
  flagsChanged: boolean,
  header: Buffer | undefined,
  extras: FetchExtras,
): Promise<Buffer | undefined> {
  const seq = box.seqOf(meta.uid);
  if (seq === 0) return undefined;
  const out = new ResponseBuilder().raw(`* ${seq} FETCH (`);
  const parts: ((o: ResponseBuilder) => Promise<void> | void)[] = [];
  const wantsUid = byUid || items.some((i) => i.type === 'UID');
  if (wantsUid) parts.push((o) => void o.raw(`UID ${meta.uid}`));
  const wantsFlags = flagsChanged || items.some((i) => i.type === 'FLAGS');
  if (wantsFlags) {
    const flags = box.recent.has(meta.uid) ? [...meta.flags, '\\Recent'] : meta.flags;
    parts.push((o) => void o.raw(`FLAGS (${flags.join(' ')})`));
  }
  // RFC 7162 3.1.4.1: asked for, implied by CHANGEDSINCE, or (CONDSTORE on) \Seen was set implicitly.
  if (items.some((i) => i.type === 'MODSEQ') || (flagsChanged && condstoreEnabled(session))) parts.push((o) => void o.raw(modseqItem(meta.modseq)));
  const body = new BodyReader(session, meta, header);
  for (const item of items) {
    switch (item.type) {
      case 'UID':
      case 'FLAGS':
      case 'MODSEQ':
        break;
      case 'EMAILID':
      case 'THREADID': {
        const ids = extras.objectIds?.get(meta.uid);
        const id = ids ? (item.type === 'EMAILID' ? emailObjectId(ids.emailId) : threadObjectId(ids.threadId)) : null;
        parts.push((o) => void o.raw(`${item.type} ${id ? `(${id})` : 'NIL'}`));
        break;
      }
      case 'binary':
        parts.push(async (o) => {
          const data = await binaryPart(body, meta.bodyStructure, item.part);
          if (item.size) {
            o.raw(`BINARY.SIZE[${item.label}] ${data.length}`);
            return;
          }
          const slice = item.partial ? data.subarray(Math.min(item.partial.start, data.length), Math.min(item.partial.start + item.partial.length, data.length)) : data;
          o.raw(`BINARY[${item.label}]${item.partial ? `<${item.partial.start}>` : ''} `);
          // literal8 only when the bytes need it (a NUL); a plain literal otherwise.
          if (slice.includes(0)) o.raw('~');
          o.literal(slice);
        });
        break;
      case 'PREVIEW':
        parts.push((o) => {
          const text = extras.previews?.get(meta.uid);
          o.raw('PREVIEW ');
          if (text === undefined) o.raw('NIL');
          else o.string(text);
        });
        break;
      case 'INTERNALDATE':
        parts.push((o) => void o.raw(`INTERNALDATE "${formatDateTime(meta.internalDate ?? new Date(0))}"`));
        break;
      case 'RFC822.SIZE':
        parts.push((o) => void o.raw(`RFC822.SIZE ${meta.size ?? 0}`));
        break;
      case 'ENVELOPE':
        parts.push((o) => {
          o.raw('ENVELOPE ');
          if (meta.envelope) writeEnvelope(o, meta.envelope);
          else o.raw('(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
        });
        break;
      case 'BODY':
      case 'BODYSTRUCTURE':
        parts.push((o) => {
          o.raw(`${item.type} `);
          if (meta.bodyStructure) writeBodyStructure(o, meta.bodyStructure, item.type === 'BODYSTRUCTURE');
          else o.raw('("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0)');
        });
        break;
      case 'RFC822':
        parts.push(async (o) => void o.raw('RFC822 ').literal(await body.section({ part: [], kind: 'ALL' })));
        break;
      case 'RFC822.HEADER':
        parts.push(async (o) => void o.raw('RFC822.HEADER ').literal(await body.section({ part: [], kind: 'HEADER' })));
        break;
      case 'RFC822.TEXT':
        parts.push(async (o) => void o.raw('RFC822.TEXT ').literal(await body.section({ part: [], kind: 'TEXT' })));
        break;
      case 'section':
        parts.push(async (o) => {
          const data = await body.section(item.section, item.partial);
          o.raw(`BODY[${item.label}]${item.partial ? `<${item.partial.start}>` : ''} `).literal(data);
        });
        break;
      default: {
        const never: never = item;
        return never;
      }
    }
  }
  for (const [i, part] of parts.entries()) {
    if (i > 0) out.raw(' ');
    await part(out);
  }
  out.raw(')');
  return out.end();
}

/**
 * FETCH ... (CHANGEDSINCE n [VANISHED]) (RFC 7162 3.1.4.1, 3.2.6): only the messages of the set
 * whose MODSEQ is above n; with VANISHED first `* VANISHED (EARLIER)` for the UIDs of the set
 * expunged since n (`*` reaches to UIDNEXT, so trailing expunged UIDs are not missed).
 */
async function changedUids(session: ImapSession, box: SelectedMailbox, uids: number[], set: SequenceSet, modifiers: FetchModifiers): Promise<number[]> {
  const since = modifiers.changedSince ?? 0n;
  if (modifiers.vanished) {
    const ranges = set.map((r) => ({ from: r.from === Infinity ? 0xffffffff : r.from, to: r.to === Infinity ? 0xffffffff : r.to }));
    const { vanished } = await session.store.vanishedSince(box.id, since, ranges);
    const line = formatVanished(vanished, true);
    if (line) await session.write(`${line}\r\n`);
  }
  if (uids.length === 0) return uids;
  const changed = await session.store.changedSince(box.id, since, toRanges(uids));
  const keep = new Set(changed.map((c) => c.uid));
  return uids.filter((uid) => keep.has(uid));
}

/** FLAGS text of each SYSTEM_FLAG_BITS bit set, in the order the general path lists them. */
const SYSTEM_FLAG_TEXT = Array.from({ length: 1 << SYSTEM_FLAG_BITS.length }, (_, bits) => SYSTEM_FLAG_BITS.filter((_, i) => bits & (1 << i)).join(' '));

/**
 * FETCH of nothing but UID, FLAGS and MODSEQ (how clients resync a folder: `FETCH 1:* (UID
 * FLAGS)`), the same lines as writeMessage: flags come from the store as bit sets and keyword
 * strings in big batches, the next ones read while this one is written, sequence numbers
 * looked up by walking the view alongside, and the lines written in chunks of about 64 KB.
 */
async function fetchFlagsOnly(session: ImapSession, box: SelectedMailbox, uids: number[], wantsUid: boolean, wantsFlags: boolean, wantsModseq: boolean): Promise<boolean> {
  const view = box.uids;
  let seq = 0; // index in the view of the last message written
  // The store's reads, not the writing, are most of the time: keep FLAGS_QUERIES of them going.
  const pending: Promise<FlagBatch>[] = [];
  let asked = 0;
  const ask = () => {
    while (pending.length < FLAGS_QUERIES && asked < uids.length) {
      const query = session.store.fetchFlags(box.id, uids.slice(asked, asked + FLAGS_BATCH), wantsModseq);
      query.catch(() => undefined); // awaited in turn below; a failure surfaces there
      pending.push(query);
      asked += FLAGS_BATCH;
    }
  };
  ask();
  let found = 0;
  while (pending.length > 0) {
    const batch = await pending.shift()!;
    ask();
    found += batch.uids.length;
    // A keyword another session just set: FLAGS and PERMANENTFLAGS go before the FETCH with it.
    if (wantsFlags) await announceNewKeywords(session, batch.keywords.flatMap((k) => (k ? [k.split(' ')] : [])));
    // Lines joined once per chunk: appending to one string builds a rope that costs more to
    // flatten and encode at the socket than everything else here.
    let lines: string[] = [];
    let length = 0;
    for (let j = 0; j < batch.uids.length; j++) {
      const uid = batch.uids[j]!;
      if (view[seq] === uid) seq++;
      else {
        seq = box.seqOf(uid);
        if (seq === 0) continue;
      }
      let item = wantsUid ? `UID ${uid}` : '';
      if (wantsFlags) {
        let flags = SYSTEM_FLAG_TEXT[batch.systemFlags[j]!]!;
        const keywords = batch.keywords[j];
        if (keywords) flags = flags ? `${flags} ${keywords}` : keywords;
        if (box.recent.has(uid)) flags = flags ? `${flags} \\Recent` : '\\Recent';
        item = item ? `${item} FLAGS (${flags})` : `FLAGS (${flags})`;
      }
      if (wantsModseq) item = item ? `${item} MODSEQ (${batch.modseqs![j]})` : `MODSEQ (${batch.modseqs![j]})`;
      const line = `* ${seq} FETCH (${item})\r\n`;
      lines.push(line);
      length += line.length;
      if (length >= 65_536) {
        await session.write(lines.join(''));
        lines = [];
        length = 0;
      }
    }
    if (lines.length > 0) await session.write(lines.join(''));
  }
  return found === uids.length;
}

/** FETCH (RFC 3501 6.4.5) and UID FETCH; non-PEEK body sections set \Seen and report it. */
async function fetchItems(session: ImapSession, args: ArgReader, byUid: boolean): Promise<CommandResult> {
  const set = args.sequenceSet();
  const items = parseFetchItems(args.next('fetch items'));
  const modifiers = parseFetchModifiers(args.optionalList(), byUid);
  args.end();
  const box = selectedOf(session);
  let uids = messagesFor(box, set, byUid);
  if (modifiers.vanished && !qresyncEnabled(session)) return bad('VANISHED needs ENABLE QRESYNC');
  if (modifiers.changedSince !== undefined || items.some((i) => i.type === 'MODSEQ')) await enableCondstore(session);
  if (modifiers.changedSince !== undefined) {
    uids = await changedUids(session, box, uids, set, modifiers);
    if (!items.some((i) => i.type === 'MODSEQ')) items.push({ type: 'MODSEQ' });
  }
  // Nothing but UID, FLAGS and MODSEQ: none of these sets \Seen, so no flag changes to report.
  if (items.every((i) => i.type === 'UID' || i.type === 'FLAGS' || i.type === 'MODSEQ')) {
    const has = (type: FetchItem['type']) => items.some((i) => i.type === type);
    const complete = await fetchFlagsOnly(session, box, uids, byUid || has('UID'), has('FLAGS'), has('MODSEQ'));
    return complete ? ok('FETCH completed') : expungeIssued();
  }
  const fields = fieldsFor(items);
  const setsSeen = !box.readOnly && items.some(SETS_SEEN);
  // Header-only fetches (what clients list folders with) read every header of a batch in one query.
  const headersOnly = items.some(isTopHeader) && !items.some((i) => needsBody(i));
  const batchSize = headersOnly ? HEADER_BATCH : items.some(needsBody) ? BODY_BATCH : META_BATCH;
  let missing = false;
  for (let i = 0; i < uids.length; i += batchSize) {
    const batch = uids.slice(i, i + batchSize);
    const metas = await session.store.fetchMeta(box.id, batch, fields);
    if (metas.length < batch.length) missing = true;
    const changed = new Set<number>();
    if (setsSeen) {
      const unseen = metas.filter((m) => !m.flags.includes('\\Seen')).map((m) => m.uid);
      if (unseen.length > 0) {
        const result = await session.store.updateFlags(box.id, unseen, 'add', ['\\Seen']);
        for (const c of result.changed) {
          box.noteOwnChange(c.modseq);
          changed.add(c.uid);
          const meta = metas.find((m) => m.uid === c.uid);
          if (meta) meta.flags = c.flags;
        }
      }
    }
    if (items.some((i) => i.type === 'FLAGS')) await announceNewKeywords(session, metas.map((m) => m.flags));
    const headers = headersOnly ? await session.store.fetchHeaders(box.id, batch) : undefined;
    const extras = await fetchExtras(session, box.id, batch, items);
    // Responses are written in chunks of about 64 KB (one socket write per message is slow at 100k).
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for (const meta of metas) {
      const response = await writeMessage(session, box, meta, items, byUid, changed.has(meta.uid), headers?.get(meta.uid), extras);
      if (!response) continue;
      pending.push(response);
      pendingBytes += response.length;
      if (pendingBytes >= 65_536) {
        await session.write(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pending.length > 0) await session.write(Buffer.concat(pending));
  }
  return missing ? expungeIssued() : ok('FETCH completed');
}

/**
 * Some messages asked for were expunged by another session before their rows were read: they
 * are left out, not invented (RFC 2180 4.1.2), and the tagged reply says why with RFC 5530's
 * EXPUNGEISSUED, on an OK as Dovecot sends it (the other messages were fetched). The EXPUNGE
 * responses follow once a command allows them.
 */
function expungeIssued(): CommandResult {
  return ok('Some messages were already expunged', 'EXPUNGEISSUED');
}

export async function fetch(session: ImapSession, args: ArgReader, byUid: boolean): Promise<CommandResult> {
  try {
    return await fetchItems(session, args, byUid);
  } catch (error) {
    if (error instanceof UnknownCteError) return no(`Unknown Content-Transfer-Encoding ${error.message.slice(0, 30)}`, 'UNKNOWN-CTE');
    throw error;
  }
}

export const fetchCommand = {
  name: 'FETCH',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args) => fetch(session, args, false),
} satisfies CommandSpec;

export const uidFetchCommand = {
  name: 'UID FETCH',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args) => fetch(session, args, true),
} satisfies CommandSpec;
