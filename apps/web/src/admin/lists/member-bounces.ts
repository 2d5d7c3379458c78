import type { MailingListRecord } from '../api/admin-types';
import { ADMIN_API } from '../api/data-provider';
import { httpClient } from '../api/http-client';

export type ListMember = MailingListRecord['members'][number];

/** The member has bounce failures counted or was disabled for bouncing (it can be re-enabled). */
export function isBouncing(member: Pick<ListMember, 'bounceCount' | 'disabledAt'>): boolean {
  return Boolean(member.disabledAt) || member.bounceCount > 0;
}

/** How many members are disabled for bouncing (they stay on the list but get no list mail). */
export function disabledCount(members: readonly Pick<ListMember, 'disabledAt'>[]): number {
  return members.filter((m) => Boolean(m.disabledAt)).length;
}

/**
 * POST /api/admin/lists/:id/members/:address/reset-bounces: clears the member's bounce count
 * and re-enables it. (Kept beside the members panel, its only user.)
 */
export async function resetMemberBounces(listId: number | string, address: string, base = ADMIN_API): Promise<Omit<ListMember, 'name'>> {
  const path = `${base}/lists/${encodeURIComponent(String(listId))}/members/${encodeURIComponent(address)}/reset-bounces`;
  return (await httpClient<Omit<ListMember, 'name'>>(path, { method: 'POST', body: '{}' })).json;
}
