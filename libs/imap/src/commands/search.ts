import { SELECTED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import type { SelectedMailbox } from '../server/selected-mailbox';
import { highestModseqOf, parseModseq, usesModseq } from '../server/condstore';
import { selectedOf } from '../server/session-helpers';
import { no, ok, type CommandResult } from '../server/session-state';
import { nodeText, parseSearchDate, parseSequenceSet, type ArgReader } from '../protocol/arguments';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import type { SearchKey } from '../mail-store';

const FLAG_KEYS: Record<string, SearchKey> = {
  ANSWERED: { type: 'flag', flag: 'answered', set: true },
  DELETED: { type: 'flag', flag: 'deleted', set: true },
  DRAFT: { type: 'flag', flag: 'draft', set: true },
  FLAGGED: { type: 'flag', flag: 'flagged', set: true },
  SEEN: { type: 'flag', flag: 'seen', set: true },
  UNANSWERED: { type: 'flag', flag: 'answered', set: false },
  UNDELETED: { type: 'flag', flag: 'deleted', set: false },
  UNDRAFT: { type: 'flag', flag: 'draft', set: false },
  UNFLAGGED: { type: 'flag', flag: 'flagged', set: false },
  UNSEEN: { type: 'flag', flag: 'seen', set: false },
};

const SYSTEM_FLAG_KEYWORDS: Record<string, 'seen' | 'answered' | 'flagged' | 'deleted' | 'draft'> = {
  '\\SEEN': 'seen',
  '\\ANSWERED': 'answered',
  '\\FLAGGED': 'flagged',
  '\\DELETED': 'deleted',
  '\\DRAFT': 'draft',
};

/** Reads RFC 3501 6.4.4 search keys; sequence numbers and \Recent become UID ranges of this session. */
export class SearchParser {
  private i = 0;

  constructor(
    private readonly nodes: ArgNode[],
    private readonly box: SelectedMailbox,
    private readonly depth = 0,
  ) {}

  parseAll(): SearchKey {
    const keys: SearchKey[] = [];
    while (this.i < this.nodes.length) keys.push(this.key());
    if (keys.length === 0) throw new SyntaxError('Missing search key');
    return keys.length === 1 ? keys[0]! : { type: 'and', keys };
  }

  private next(what: string): ArgNode {
    const n = this.nodes[this.i++];
    if (!n) throw new SyntaxError(`Missing ${what}`);
    return n;
  }

  private text(what: string): string {
    return nodeText(this.next(what));
  }

  private recentUids(): SearchKey {
    return { type: 'uids', ranges: this.box.recent.uidRanges() };
  }

  private key(): SearchKey {
    if (this.depth > 64) throw new SyntaxError('Search too deeply nested');
    const node = this.next('search key');
    if (node.kind === 'list') return new SearchParser(node.items, this.box, this.depth + 1).parseAll();
    if (node.kind !== 'atom') throw new SyntaxError('Expected a search key');
    const name = node.value.toUpperCase();
    const flag = FLAG_KEYS[name];
    if (flag) return flag;
    switch (name) {
      case 'ALL':
        return { type: 'all' };
      case 'NEW':
        return { type: 'and', keys: [this.recentUids(), FLAG_KEYS.UNSEEN!] };
      case 'OLD':
        return { type: 'not', key: this.recentUids() };
      case 'RECENT':
        return this.recentUids();
      case 'BCC':
      case 'CC':
      case 'FROM':
      case 'TO':
        return { type: 'address', field: name.toLowerCase() as 'bcc' | 'cc' | 'from' | 'to', value: this.text('search string') };
      case 'SUBJECT':
        return { type: 'subject', value: this.text('search string') };
      case 'BODY':
        return { type: 'body', value: this.text('search string') };
      case 'TEXT':
        return { type: 'text', value: this.text('search string') };
      case 'HEADER': {
        const field = this.text('header field name');
        return { type: 'header', field, value: this.text('search string') };
      }
      case 'KEYWORD':
      case 'UNKEYWORD': {
        const keyword = this.text('keyword');
        const system = SYSTEM_FLAG_KEYWORDS[keyword.toUpperCase()];
        if (system) return { type: 'flag', flag: system, set: name === 'KEYWORD' };
        return { type: 'keyword', keyword, set: name === 'KEYWORD' };
      }
      case 'BEFORE':
      case 'ON':
      case 'SINCE':
        return { type: 'internalDate', op: name.toLowerCase() as 'before' | 'on' | 'since', date: parseSearchDate(this.text('date')) };
      case 'SENTBEFORE':
      case 'SENTON':
      case 'SENTSINCE':
        return { type: 'sentDate', op: name.slice(4).toLowerCase() as 'before' | 'on' | 'since', date: parseSearchDate(this.text('date')) };
      case 'LARGER':
      case 'SMALLER': {
        const size = Number(this.text('size'));
        if (!Number.isSafeInteger(size) || size < 0) throw new SyntaxError('Invalid size');
        return { type: 'size', op: name.toLowerCase() as 'larger' | 'smaller', size };
      }
      case 'MODSEQ': {
        // RFC 7162 3.1.5: MODSEQ ["/flags/<flag>" priv|shared|all] <mod-sequence-valzer>; one
        // MODSEQ per message here, so the entry only has to be well-formed.
        if (this.nodes[this.i]?.kind === 'string') {
          const entry = this.text('entry name');
          const kind = this.text('entry type').toLowerCase();
          if (!/^\/flags\/\\?[^\s]+$/i.test(entry) || !['priv', 'shared', 'all'].includes(kind)) throw new SyntaxError('Invalid MODSEQ entry');
        }
        return { type: 'modseq', modseq: parseModseq(this.next('mod-sequence'), true) };
      }
      case 'NOT':
        return { type: 'not', key: this.key() };
      case 'OR': {
        const left = this.key();
        return { type: 'or', left, right: this.key() };
      }
      case 'UID': {
        const set = parseSequenceSet(this.text('UID set'));
        const last = this.box.lastUid;
        return {
          type: 'uids',
          ranges: set.map((r) => {
            const a = r.from === Infinity ? last : r.from;
            const b = r.to === Infinity ? last : r.to;
            return { from: Math.min(a, b), to: Math.max(a, b) };
          }),
        };
      }
      default:
        if (/^[\d*]/.test(name)) return { type: 'uids', ranges: this.box.uidRangesForSequenceSet(parseSequenceSet(name)) };
        throw new SyntaxError(`Unknown search key ${name.slice(0, 30)}`);
    }
  }
}

/** SEARCH (RFC 3501 6.4.4): evaluated by the store (SQL); answered with sequence numbers or UIDs. */
export async function search(session: ImapSession, args: ArgReader, byUid: boolean): Promise<CommandResult> {
  const box = selectedOf(session);
  const nodes: ArgNode[] = [];
  while (args.remaining > 0) nodes.push(args.next('search key'));
  if (nodes[0]?.kind === 'atom' && nodes[0].value.toUpperCase() === 'CHARSET') {
    const charset = nodeText(nodes[1] ?? { kind: 'atom', value: '' }).toUpperCase();
    nodes.splice(0, 2);
    if (!['UTF-8', 'US-ASCII', 'UTF8'].includes(charset)) return no('Unsupported charset', 'BADCHARSET (UTF-8 US-ASCII)');
  }
  const key = new SearchParser(nodes, box).parseAll();
  const found = box.exists === 0 ? [] : await session.store.search(box.id, key);
  const results: number[] = [];
  for (const uid of found) {
    const seq = box.seqOf(uid);
    if (seq > 0) results.push(byUid ? uid : seq);
  }
  results.sort((a, b) => a - b);
  const modseq = usesModseq(key) ? await highestModseqOf(session, box, found) : undefined;
  // Long result lists go out in one line; the writer never builds more than this line.
  await session.untagged(`SEARCH${results.map((n) => ` ${n}`).join('')}${modseq === undefined ? '' : ` (MODSEQ ${modseq})`}`);
  return ok('SEARCH completed');
}

export const searchCommand = {
  name: 'SEARCH',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args) => search(session, args, false),
} satisfies CommandSpec;

export const uidSearchCommand = {
  name: 'UID SEARCH',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args) => search(session, args, true),
} satisfies CommandSpec;
