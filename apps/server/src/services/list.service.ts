import { addressKey, splitAddress, type AdminPage, type ListPolicy, type ListReplyTo, type Store } from '@mailstead/store';
import { audit, inScope, requireDomain, type AdminScope } from './admin-scope';
import { conflict, invalid, notFound } from './service-error';

/** A list by id (API) or by address (CLI). */
export type ListRef = number | string;

export interface ListSettings {
  name?: string;
  policy?: ListPolicy;
  replyTo?: ListReplyTo;
  subjectPrefix?: string | null;
}

/** What deciding on a held post sends (the API's AdminMailService: list delivery, the rejection notice). */
export interface ModerationMail {
  approve(itemId: number): Promise<{ delivered: number; remote: number }>;
  reject(item: { id: number; sender: string; raw: Buffer }, listAddress: string, reason: string | null): Promise<void>;
}

type ListRow = NonNullable<Awaited<ReturnType<Store['admin']['list']>>>;
type HeldPost = NonNullable<Awaited<ReturnType<Store['admin']['moderationItem']>>>;

/**
 * Mailing lists, for the admin API and the CLI: scoping (a domain admin manages the lists of
 * their domains), member edits that never drop a member nobody asked to drop (members who stay
 * keep their bounce state), bounce resets, and moderation decisions on held posts.
 */
export class ListService {
  constructor(
    private readonly store: Store,
    /** null where nothing can send mail (the CLI has no moderation commands). */
    private readonly moderationMail: ModerationMail | null,
  ) {}

  list(scope: AdminScope, page: Omit<AdminPage, 'domainIds'>) {
    return this.store.admin.lists({ ...page, domainIds: scope.domainIds });
  }

  async get(scope: AdminScope, ref: ListRef): Promise<ListRow> {
    const id = typeof ref === 'number' ? ref : (await this.store.lists.findByAddress(ref))?.id;
    const list = id === undefined ? null : await this.store.admin.list(id);
    if (!list || !inScope(scope, list.domainId)) throw notFound(typeof ref === 'number' ? 'list' : `list ${addressKey(ref)}`);
    return list;
  }

  async create(scope: AdminScope, input: ListSettings & { address: string; members?: string[] }): Promise<ListRow> {
    requireDomain(scope, input.address, 'address');
    const members = checkedMembers(input.members ?? []);
    const created = await this.store.lists.create({ address: input.address, name: input.name, policy: input.policy, replyTo: input.replyTo, subjectPrefix: input.subjectPrefix ?? null });
    if (members.length > 0) await this.store.admin.updateList(created.id, {}, members);
    await audit(this.store, scope, 'list.create', created.address, { policy: created.policy, members: members.length });
    return (await this.store.admin.list(created.id))!;
  }

  /**
   * Changes the settings given; `members`, when given, becomes the member list (members who stay
   * keep their row and bounce state). The address cannot change: a different one is refused
   * before anything is written.
   */
  async update(scope: AdminScope, ref: ListRef, input: ListSettings & { address?: string; members?: string[] }): Promise<ListRow> {
    const list = await this.get(scope, ref);
    const { address, members, ...settings } = input;
    if (address !== undefined && addressKey(address) !== list.address) {
      throw invalid(`the address of ${list.address} cannot be changed`, { address: ['cannot be changed: create a new list with this address and move the members'] });
    }
    const next = members === undefined ? undefined : checkedMembers(members);
    await this.store.admin.updateList(list.id, settings, next);
    const before = new Set(list.members.map((m) => m.address));
    const after = next === undefined ? undefined : new Set(next);
    await audit(this.store, scope, 'list.update', list.address, {
      ...settings,
      ...(after ? { membersAdded: [...after].filter((m) => !before.has(m)).length, membersRemoved: [...before].filter((m) => !after.has(m)).length } : {}),
    });
    return (await this.store.admin.list(list.id))!;
  }

  /** Adds members; addresses already on the list are left as they are (and reported). */
  async addMembers(scope: AdminScope, ref: ListRef, addresses: string[]): Promise<{ list: ListRow; added: string[]; already: string[] }> {
    const list = await this.get(scope, ref);
    const current = new Set(list.members.map((m) => m.address));
    const wanted = checkedMembers(addresses);
    const added = wanted.filter((m) => !current.has(m));
    const already = wanted.filter((m) => current.has(m));
    if (added.length > 0) await this.store.admin.updateList(list.id, {}, [...current, ...added]);
    await audit(this.store, scope, 'list.member.add', list.address, { addresses: added });
    return { list: (await this.store.admin.list(list.id))!, added, already };
  }

  async removeMember(scope: AdminScope, ref: ListRef, address: string): Promise<ListRow> {
    const list = await this.get(scope, ref);
    const key = addressKey(address);
    if (!list.members.some((m) => m.address === key)) throw notFound(`member ${key} of ${list.address}`);
    await this.store.lists.removeMember(list.address, key);
    await audit(this.store, scope, 'list.member.remove', list.address, { address: key });
    return (await this.store.admin.list(list.id))!;
  }

  /**
   * Clears a member's bounce count and re-enables it when it was disabled for bouncing. The
   * address is matched case-insensitively; not found when it is not a direct member.
   */
  async resetBounces(scope: AdminScope, ref: ListRef, address: string): Promise<{ list: ListRow; member: string; before: ListRow['members'][number] }> {
    const list = await this.get(scope, ref);
    const key = addressKey(address);
    const before = list.members.find((m) => m.address === key);
    if (!before || !(await this.store.listBounces.reset(list.id, key))) throw notFound(`member ${key} of ${list.address}`);
    await audit(this.store, scope, 'list.member.reset-bounces', list.address, {
      member: key,
      bounceCount: before.bounceCount,
      disabledAt: before.disabledAt?.toISOString() ?? null,
    });
    return { list, member: key, before };
  }

  /** Removes the list with its members and held posts; answers it as it was. */
  async remove(scope: AdminScope, ref: ListRef): Promise<ListRow> {
    const list = await this.get(scope, ref);
    await this.store.admin.removeList(list.id);
    await audit(this.store, scope, 'list.delete', list.address, { members: list.members.length });
    return list;
  }

  /** Posts held for the list, pending ones first (then the decided ones, newest first). */
  async heldPosts(scope: AdminScope, ref: ListRef) {
    const list = await this.get(scope, ref);
    const rows = await this.store.admin.moderationItems(list.id);
    return [...rows.filter((r) => r.status === 'pending'), ...rows.filter((r) => r.status !== 'pending').reverse()];
  }

  /** One held post of the list, with its bytes. */
  async heldPost(scope: AdminScope, ref: ListRef, itemId: number): Promise<HeldPost> {
    return (await this.held(scope, ref, itemId)).item;
  }

  /** Sends a pending post to the list's current members (local copies and outbound rows, as SMTP would). */
  async approve(scope: AdminScope, ref: ListRef, itemId: number): Promise<{ delivered: number; remote: number }> {
    const { list, item } = await this.held(scope, ref, itemId, true);
    const result = await this.mail().approve(item.id);
    await audit(this.store, scope, 'list.moderation.approve', list.address, { item: item.id, sender: item.sender, ...result });
    return result;
  }

  /** Drops a pending post and tells the sender (with the reason, when given). */
  async reject(scope: AdminScope, ref: ListRef, itemId: number, reason: string | null): Promise<void> {
    const { list, item } = await this.held(scope, ref, itemId, true);
    await this.mail().reject(item, list.address, reason);
    await audit(this.store, scope, 'list.moderation.reject', list.address, { item: item.id, sender: item.sender, reason });
  }

  /**
   * The list a signed unsubscribe link names (RFC 8058; the token, checked by the caller, is the
   * only authority: no admin scope), or null when it no longer exists.
   */
  async unsubscribeTarget(listId: number, member: string): Promise<{ list: { id: number; address: string; name: string }; isMember: boolean } | null> {
    const list = await this.store.recipients.listById(listId);
    return list ? { list, isMember: await this.store.recipients.isListMember(list.id, member) } : null;
  }

  /** Removes the member a one-click link names; idempotent (false when it was not a member any more). */
  async unsubscribe(list: { id: number; address: string }, member: string, ip?: string): Promise<boolean> {
    const removed = await this.store.recipients.unsubscribe(list.id, member);
    if (removed) await this.store.audit.record({ actor: member, action: 'list.unsubscribe', target: list.address, details: { member, oneClick: true }, ...(ip ? { ip } : {}) });
    return removed;
  }

  private async held(scope: AdminScope, ref: ListRef, itemId: number, pendingOnly = false) {
    const list = await this.get(scope, ref);
    const item = await this.store.admin.moderationItem(itemId);
    if (!item || item.listId !== list.id) throw notFound('held post');
    if (pendingOnly && item.status !== 'pending') throw conflict(`this post was already ${item.status}`);
    return { list, item };
  }

  private mail(): ModerationMail {
    if (!this.moderationMail) throw new Error('moderation decisions need the mail service');
    return this.moderationMail;
  }
}

/** Member addresses as keys, each once; a list of what is not an address is refused whole. */
function checkedMembers(addresses: string[]): string[] {
  const bad = addresses.filter((a) => !splitAddress(a));
  if (bad.length > 0) throw invalid(`not an address: ${bad.slice(0, 10).join(', ')}`, { members: bad.slice(0, 10).map((a) => `"${a}" is not an address`) });
  return [...new Set(addresses.map(addressKey))];
}
