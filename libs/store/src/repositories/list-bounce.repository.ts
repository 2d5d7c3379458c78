import { addressKey, splitAddress } from '../address';
import type { Db } from '../prisma';

/** Suffix of a list's bounce address: `team@example.org` -> `team-bounces@example.org`. */
export const LIST_BOUNCE_SUFFIX = '-bounces';

/** What to do with a member whose bounce count reached the threshold. */
export type ListBounceAction = 'disable' | 'remove';

export interface ListBounceResult {
  listId: number;
  member: string;
  bounceCount: number;
  /** counted: below the threshold; disabled / removed: the threshold was reached now. */
  outcome: 'counted' | 'disabled' | 'removed';
}

export interface ListMemberBounceState {
  address: string;
  bounceCount: number;
  lastBounceAt: Date | null;
  disabledAt: Date | null;
}

/**
 * List bounce processing: failures of list traffic are counted per member instead of being
 * reported by DSN to the list's bounce address; past a threshold the member is disabled (gets
 * no list mail, stays on the list) or removed.
 */
export class ListBounceRepository {
  constructor(private readonly db: Db) {}

  /** The list whose bounce address this is (`<list local part>-bounces@<list domain>`), or null. */
  async listForBounceAddress(address: string): Promise<{ id: number; address: string } | null> {
    const parts = splitAddress(address);
    if (!parts || !parts.local.toLowerCase().endsWith(LIST_BOUNCE_SUFFIX)) return null;
    const listAddress = addressKey(`${parts.local.slice(0, -LIST_BOUNCE_SUFFIX.length)}@${parts.domain}`);
    if (!listAddress.includes('@') || listAddress.startsWith('@')) return null;
    return this.db.mailingList.findUnique({ where: { address: listAddress }, select: { id: true, address: true } });
  }

  /**
   * Counts one bounce for a member (one statement, so concurrent bounces all count) and applies
   * the action once the count reaches `threshold` (0 = only count). Null when the address is
   * not a direct member of the list (it may have come through a nested list or an alias).
   */
  async recordBounce(listId: number, member: string, policy: { threshold: number; action: ListBounceAction }, at = new Date()): Promise<ListBounceResult | null> {
    const address = addressKey(member);
    const rows = await this.db.listMember.updateManyAndReturn({
      where: { listId, address },
      data: { bounceCount: { increment: 1 }, lastBounceAt: at },
      select: { bounceCount: true, disabledAt: true },
    });
    const row = rows[0];
    if (!row) return null;
    let outcome: ListBounceResult['outcome'] = 'counted';
    if (policy.threshold > 0 && row.bounceCount >= policy.threshold) {
      if (policy.action === 'remove') {
        await this.db.listMember.deleteMany({ where: { listId, address } });
        outcome = 'removed';
      } else if (!row.disabledAt) {
        await this.db.listMember.updateMany({ where: { listId, address, disabledAt: null }, data: { disabledAt: at } });
        outcome = 'disabled';
      }
    }
    return { listId, member: address, bounceCount: row.bounceCount, outcome };
  }

  /** Bounce state of every member of a list. */
  async members(listId: number): Promise<ListMemberBounceState[]> {
    return this.db.listMember.findMany({
      where: { listId },
      orderBy: { address: 'asc' },
      select: { address: true, bounceCount: true, lastBounceAt: true, disabledAt: true },
    });
  }

  /** Clears a member's bounce count and re-enables it; false when it is not a member. */
  async reset(listId: number, member: string): Promise<boolean> {
    const { count } = await this.db.listMember.updateMany({ where: { listId, address: addressKey(member) }, data: { bounceCount: 0, lastBounceAt: null, disabledAt: null } });
    return count > 0;
  }
}
