import type { Db } from '../prisma';
import { flagList, type FlagState } from './message.repository';

/**
 * CONDSTORE / QRESYNC queries (RFC 7162) beyond what ImapRepository.changesSince gives:
 * changes limited to a UID set (FETCH ... (CHANGEDSINCE n), SELECT ... QRESYNC), VANISHED
 * with a clean fallback once the expunge history has been pruned, the pruning itself, and
 * the per-message MODSEQs SEARCH MODSEQ has to report. Every read is one statement.
 */

/** Inclusive UID range; `to` may be Infinity for `n:*`. Same shape as libs/imap NumberRange. */
export interface UidRange {
  from: number;
  to: number;
}

export interface ChangedMessage {
  uid: number;
  modseq: bigint;
  flags: string[];
}

export interface VanishedResult {
  /** Expunged UIDs as merged ranges, ready for `* VANISHED (EARLIER) <set>`. */
  vanished: UidRange[];
  /**
   * true: exact, from the expunged history. false: the client's MODSEQ predates the pruned
   * history (mailbox.expunge_horizon), so `vanished` is every UID in the client's known range
   * that no longer exists (RFC 7162 section 3.2.5.2 allows reporting UIDs the client may already
   * know are gone: it is a superset, never missing one).
   */
  fromHistory: boolean;
  highestModseq: bigint;
}

export interface PruneResult {
  deleted: number;
  mailboxes: number;
}

type FlagRow = FlagState & { uid: number; modseq: bigint };

const MAX_UID = 0xffffffff;

/** Ranges -> two parallel int8 arrays for `unnest` (Infinity becomes the largest UID). */
function rangeParams(ranges: readonly UidRange[] | undefined): [number[], number[]] | null {
  if (!ranges) return null;
  return [ranges.map((r) => Math.min(r.from, r.to)), ranges.map((r) => Math.min(Math.max(r.from, r.to), MAX_UID))];
}

/** Merges sorted or unsorted UIDs into ranges. */
function toRanges(uids: readonly number[]): UidRange[] {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const out: UidRange[] = [];
  for (const uid of sorted) {
    const last = out[out.length - 1];
    if (last && uid === last.to + 1) last.to = uid;
    else out.push({ from: uid, to: uid });
  }
  return out;
}

/** `known` minus the sorted `present` UIDs, as ranges; never expands `known`. */
function subtractUids(known: readonly UidRange[], present: readonly number[]): UidRange[] {
  const merged = [...known].map((r) => ({ from: Math.min(r.from, r.to), to: Math.max(r.from, r.to) })).sort((a, b) => a.from - b.from);
  const out: UidRange[] = [];
  let i = 0;
  for (const range of merged) {
    let start = range.from;
    while (i < present.length && present[i]! < start) i++;
    let j = i;
    while (j < present.length && present[j]! <= range.to) {
      if (present[j]! > start) out.push({ from: start, to: present[j]! - 1 });
      start = present[j]! + 1;
      j++;
    }
    if (start <= range.to) out.push({ from: start, to: range.to });
  }
  // Merge neighbours produced by overlapping input ranges.
  const merged2: UidRange[] = [];
  for (const r of out) {
    const last = merged2[merged2.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else merged2.push({ ...r });
  }
  return merged2;
}

export class ImapSyncRepository {
  constructor(private readonly db: Db) {}

  /**
   * Messages whose MODSEQ is greater than `modseq`, optionally only within `uids`, ascending by UID
   * (RFC 7162 section 3.1.4.1 CHANGEDSINCE; section 3.2.5 SELECT QRESYNC's FETCH part).
   */
  async changedSince(mailboxId: number, modseq: bigint, uids?: readonly UidRange[]): Promise<ChangedMessage[]> {
    const ranges = rangeParams(uids);
    const rows = await this.db.$queryRawUnsafe<FlagRow[]>(
      `SELECT m.uid, m.modseq, m.seen, m.answered, m.flagged, m.deleted, m.draft, m.keywords
       FROM message m
       WHERE m.mailbox_id = $1 AND m.modseq > $2
         ${ranges ? 'AND EXISTS (SELECT 1 FROM unnest($3::int8[], $4::int8[]) AS r(lo, hi) WHERE m.uid BETWEEN r.lo AND r.hi)' : ''}
       ORDER BY m.uid`,
      ...(ranges ? [mailboxId, modseq, ranges[0], ranges[1]] : [mailboxId, modseq]),
    );
    return rows.map((r) => ({ uid: r.uid, modseq: r.modseq, flags: flagList(r) }));
  }

  /**
   * UIDs expunged after `modseq` (UID FETCH ... (CHANGEDSINCE n VANISHED), SELECT QRESYNC;
   * RFC 7162 sections 3.2.5 and 3.2.6), limited to `knownUids` when the client sent them
   * (default: every UID below UIDNEXT). Null when the mailbox does not exist.
   */
  async vanishedSince(mailboxId: number, modseq: bigint, knownUids?: readonly UidRange[]): Promise<VanishedResult | null> {
    const [box] = await this.db.$queryRawUnsafe<{ horizon: bigint; highest: bigint; uid_next: number }[]>(
      'SELECT expunge_horizon AS horizon, highest_modseq AS highest, uid_next FROM mailbox WHERE id = $1',
      mailboxId,
    );
    if (!box) return null;
    const known = knownUids && knownUids.length > 0 ? knownUids : [{ from: 1, to: Math.max(1, box.uid_next - 1) }];
    const clipped = known
      .map((r) => ({ from: Math.max(1, Math.min(r.from, r.to)), to: Math.min(Math.max(r.from, r.to), box.uid_next - 1) }))
      .filter((r) => r.from <= r.to);
    if (clipped.length === 0) return { vanished: [], fromHistory: modseq >= box.horizon, highestModseq: box.highest };
    const ranges = rangeParams(clipped)!;
    if (modseq >= box.horizon) {
      const rows = await this.db.$queryRawUnsafe<{ uid: number }[]>(
        `SELECT e.uid FROM expunged e
         WHERE e.mailbox_id = $1 AND e.modseq > $2
           AND EXISTS (SELECT 1 FROM unnest($3::int8[], $4::int8[]) AS r(lo, hi) WHERE e.uid BETWEEN r.lo AND r.hi)
         ORDER BY e.uid`,
        mailboxId,
        modseq,
        ranges[0],
        ranges[1],
      );
      return { vanished: toRanges(rows.map((r) => r.uid)), fromHistory: true, highestModseq: box.highest };
    }
    // History pruned past the client's MODSEQ: report every known UID that is not present.
    const [present] = await this.db.$queryRawUnsafe<{ uids: number[] }[]>(
      `SELECT COALESCE(array(SELECT m.uid FROM message m WHERE m.mailbox_id = $1
         AND EXISTS (SELECT 1 FROM unnest($2::int8[], $3::int8[]) AS r(lo, hi) WHERE m.uid BETWEEN r.lo AND r.hi)
         ORDER BY m.uid), '{}') AS uids`,
      mailboxId,
      ranges[0],
      ranges[1],
    );
    return { vanished: subtractUids(clipped, present?.uids ?? []), fromHistory: false, highestModseq: box.highest };
  }

  /** The lowest client MODSEQ the expunge history still answers exactly (0: never pruned). */
  async expungeHorizon(mailboxId: number): Promise<bigint | null> {
    const [row] = await this.db.$queryRawUnsafe<{ horizon: bigint }[]>('SELECT expunge_horizon AS horizon FROM mailbox WHERE id = $1', mailboxId);
    return row ? row.horizon : null;
  }

  /**
   * Deletes expunged rows recorded before `olderThan` and raises each touched mailbox's
   * expunge_horizon to the highest MODSEQ removed, in one statement, so vanishedSince can
   * tell exact answers from fallbacks. Run it from a periodic job with
   * `new Date(Date.now() - retentionDays * 86_400_000)`.
   */
  async pruneExpunged(olderThan: Date): Promise<PruneResult> {
    const [row] = await this.db.$queryRawUnsafe<{ deleted: number; mailboxes: number }[]>(
      `WITH gone AS (
         DELETE FROM expunged WHERE expunged_at < $1 RETURNING mailbox_id, modseq
       ), per_box AS (
         SELECT mailbox_id, max(modseq) AS modseq, count(*) AS n FROM gone GROUP BY mailbox_id
       ), raised AS (
         UPDATE mailbox b SET expunge_horizon = GREATEST(b.expunge_horizon, p.modseq)
         FROM per_box p WHERE b.id = p.mailbox_id RETURNING b.id
       )
       SELECT COALESCE((SELECT sum(n) FROM per_box), 0)::int AS deleted, (SELECT count(*) FROM raised)::int AS mailboxes`,
      olderThan,
    );
    return { deleted: row?.deleted ?? 0, mailboxes: row?.mailboxes ?? 0 };
  }

  /**
   * MODSEQ of each given UID (for SEARCH/ESEARCH with a MODSEQ criterion, RFC 7162 section
   * 3.1.5: the response carries the highest MODSEQ of the returned messages).
   */
  async modseqs(mailboxId: number, uids: readonly number[]): Promise<Map<number, bigint>> {
    if (uids.length === 0) return new Map();
    const rows = await this.db.$queryRawUnsafe<{ uid: number; modseq: bigint }[]>(
      'SELECT uid, modseq FROM message WHERE mailbox_id = $1 AND uid = ANY($2::bigint[])',
      mailboxId,
      [...uids],
    );
    return new Map(rows.map((r) => [r.uid, r.modseq]));
  }
}
