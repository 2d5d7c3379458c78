import type { MailingListRecord } from '../api/admin-types';

export type ListMember = MailingListRecord['members'][number];

/** The member has bounce failures counted or was disabled for bouncing (it can be re-enabled). */
export function isBouncing(member: Pick<ListMember, 'bounceCount' | 'disabledAt'>): boolean {
  return Boolean(member.disabledAt) || member.bounceCount > 0;
}

/** How many members are disabled for bouncing (they stay on the list but get no list mail). */
export function disabledCount(members: readonly Pick<ListMember, 'disabledAt'>[]): number {
  return members.filter((m) => Boolean(m.disabledAt)).length;
}
