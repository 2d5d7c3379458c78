import { SELECTED, type CommandSpec } from '../server/command-spec';
import type { ImapSession } from '../server/imap-session';
import type { SelectedMailbox } from '../server/selected-mailbox';
import { highestModseqOf, parseModseq, usesModseq } from '../server/condstore';
import { answerEsearch, takeReturnOptions } from '../server/search-return';
import { rev2Enabled } from '../server/imap4rev2';
import { parseSearchReturnOptions } from '../ext';
import { selectedOf } from '../server/session-helpers';
import { toRanges } from '../ext/sequence-set';
import { isObjectId, parseObjectId } from '../ext/objectid';
import { no, ok, type CommandResult } from '../server/session-state';
import { nodeText, parseSearchDate, parseSequenceSet, type ArgReader } from '../protocol/arguments';
import { SyntaxError, type ArgNode } from '../protocol/command-reader';
import type { SearchKey } from '../mail-store';

/** The largest message size the store can hold (a 32-bit signed integer column). */
const MAX_SIZE = 2 ** 31 - 1;

/** A search key's number (RFC 9051 number64: digits only, no sign or exponent). */
function searchNumber(text: string, what: string): number {
  const n = /^\d{1,19}$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new SyntaxError(`Invalid ${what}`);
  return Math.min(n, Number.MAX_SAFE_INTEGER);
}

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

/** Most search keys in one command: each becomes a clause of one SQL query. */
export const MAX_SEARCH_KEYS = 1000;

/**
 * How much search program one command may send, shared by the nested parsers of one command:
 * parenthesised lists, NOT and OR each count one level against `maxDepth` (the session's nesting
 * limit), every key one against `keysLeft`. Without it, NOT x16000 overflowed the stack and
 * OR ALL x3000 built a query Postgres ran out of memory on (issue 19 item 13).
 */
export interface SearchBudget {
  maxDepth: number;
  keysLeft: number;
}

/** Reads RFC 3501 6.4.4 search keys; sequence numbers and \Recent become UID ranges of this session. */
export class SearchParser {
  private i = 0;

  constructor(
    private readonly nodes: ArgNode[],
    private readonly box: SelectedMailbox,
    private readonly budget: SearchBudget = { maxDepth: 32, keysLeft: MAX_SEARCH_KEYS },
    private depth = 0,
  ) {}

  /** One nesting level deeper (a list, NOT, OR), refused beyond the budget's depth. */
  private nested<T>(parse: () => T): T {
    if (this.depth >= this.budget.maxDepth) throw new SyntaxError('Search too deeply nested');
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

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
    if (--this.budget.keysLeft < 0) throw new SyntaxError('Search program too large');
    const node = this.next('search key');
    if (node.kind === 'list') return this.nested(() => new SearchParser(node.items, this.box, this.budget, this.depth).parseAll());
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
        // RFC 9051 6.4.4: a number64. Sizes are stored as 32-bit signed integers, and none comes
        // near that (APPENDLIMIT), so larger values compare like the largest one.
        const size = Math.min(searchNumber(this.text('size'), 'size'), MAX_SIZE);
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
      case 'EMAILID':
      case 'THREADID': {
        // RFC 8474 6: an objectid we never handed out matches nothing.
        const text = this.text('object id');
        if (!isObjectId(text)) throw new SyntaxError('Invalid object id');
        const id = parseObjectId(text, name === 'EMAILID' ? 'E' : 'T');
        if (id === null) return { type: 'uids', ranges: [] };
        return { type: 'objectId', kind: name === 'EMAILID' ? 'email' : 'thread', id };
      }
      case '$':
        // RFC 5182 2.1: the saved search result (empty when nothing was saved).
        return { type: 'uids', ranges: toRanges(this.box.savedUids()) };
      case 'OLDER':
      case 'YOUNGER': {
        // RFC 5032: internal date more (OLDER) or less (YOUNGER) than n seconds before now.
        // An interval beyond any date (the epoch is enough: no internal date is older) is that.
        const seconds = Math.min(searchNumber(this.text('interval'), 'interval'), Math.floor(Date.now() / 1000));
        if (seconds < 1) throw new SyntaxError('Invalid interval');
        return { type: 'internalDate', op: name === 'OLDER' ? 'older' : 'younger', date: new Date(Date.now() - seconds * 1000) };
      }
      case 'NOT':
        return { type: 'not', key: this.nested(() => this.key()) };
      case 'OR':
        return this.nested(() => {
          const left = this.key();
          return { type: 'or', left, right: this.key() };
        });
      case 'UID': {
        const text = this.text('UID set');
        if (text === '$') return { type: 'uids', ranges: toRanges(this.box.savedUids()) };
        const set = parseSequenceSet(text);
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

/**
 * Evaluates search keys (with an optional leading CHARSET) in the store: the matching UIDs in
 * this session's view, ascending. SEARCH, SORT and THREAD share it. A result means NO.
 */
export async function matchingUids(
  session: ImapSession,
  box: SelectedMailbox,
  nodes: ArgNode[],
  charsetFirst = true,
): Promise<{ key: SearchKey; uids: number[] } | CommandResult> {
  if (charsetFirst && nodes[0]?.kind === 'atom' && nodes[0].value.toUpperCase() === 'CHARSET') {
    const charset = nodeText(nodes[1] ?? { kind: 'atom', value: '' }).toUpperCase();
    nodes.splice(0, 2);
    if (!['UTF-8', 'US-ASCII', 'UTF8'].includes(charset)) return no('Unsupported charset', 'BADCHARSET (UTF-8 US-ASCII)');
  }
  const key = new SearchParser(nodes, box, { maxDepth: session.limits.maxNesting, keysLeft: MAX_SEARCH_KEYS }).parseAll();
  const found = box.exists === 0 ? [] : await session.store.search(box.id, key);
  const uids = found.filter((uid) => box.seqOf(uid) > 0).sort((a, b) => a - b);
  return { key, uids };
}

/**
 * SEARCH (RFC 3501 6.4.4): evaluated by the store (SQL); answered with sequence numbers or UIDs,
 * or as ESEARCH with RETURN (RFC 4731), saving into `$` with RETURN (SAVE) (RFC 5182).
 */
export async function search(session: ImapSession, args: ArgReader, byUid: boolean, tag: string): Promise<CommandResult> {
  const box = selectedOf(session);
  const nodes: ArgNode[] = [];
  while (args.remaining > 0) nodes.push(args.next('search key'));
  const returnList = nodes[0]?.kind === 'atom' && nodes[0].value.toUpperCase() === 'RETURN' && nodes[1]?.kind === 'list' ? nodes[1].items : [];
  const saves = returnList.some((n) => n.kind === 'atom' && n.value.toUpperCase() === 'SAVE');
  try {
    // RFC 9051 6.4.4: an IMAP4rev2 session always gets ESEARCH; a plain SEARCH is RETURN (ALL).
    const options = takeReturnOptions(nodes) ?? (rev2Enabled(session) ? parseSearchReturnOptions([]) : undefined);
    const matched = await matchingUids(session, box, nodes);
    if ('status' in matched) {
      if (saves) box.saved.clear();
      return matched;
    }
    if (options) {
      await answerEsearch(session, box, tag, byUid, matched.key, matched.uids, options);
      return ok('SEARCH completed');
    }
    const results = byUid ? matched.uids : matched.uids.map((uid) => box.seqOf(uid)).sort((a, b) => a - b);
    const modseq = usesModseq(matched.key) ? await highestModseqOf(session, box, matched.uids) : undefined;
    // Long result lists go out in one line; the writer never builds more than this line.
    await session.untagged(`SEARCH${results.map((n) => ` ${n}`).join('')}${modseq === undefined ? '' : ` (MODSEQ ${modseq})`}`);
    return ok('SEARCH completed');
  } catch (error) {
    // RFC 5182 2.1: a failed SEARCH RETURN (SAVE) leaves `$` empty.
    if (saves) box.saved.clear();
    throw error;
  }
}

export const searchCommand = {
  name: 'SEARCH',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args, command) => search(session, args, false, command.tag),
} satisfies CommandSpec;

export const uidSearchCommand = {
  name: 'UID SEARCH',
  states: SELECTED,
  allowsExpunge: false,
  handler: (session, args, command) => search(session, args, true, command.tag),
} satisfies CommandSpec;
