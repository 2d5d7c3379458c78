import type { Store } from '@mailstead/store';
import { describe, expect, it, vi } from 'vitest';
import type { AdminScope } from './admin-scope';
import { ListService } from './list.service';
import { ServiceError } from './service-error';

const admin: AdminScope = { actor: 'root@one.test', isAdmin: true, domains: [] };
const tenant: AdminScope = { actor: 'boss@two.test', isAdmin: false, domains: [{ id: 2, name: 'two.test' }], domainIds: [2] };

const member = (address: string, bounceCount = 0) => ({ address, name: null, bounceCount, lastBounceAt: null, disabledAt: null });

function setup() {
  const list = { id: 7, domainId: 1, address: 'team@one.test', name: 'Team', policy: 'moderated', replyTo: 'sender', subjectPrefix: null, members: [member('a@remote.test', 2), member('b@remote.test')] };
  const store = {
    admin: {
      list: vi.fn(async (id: number) => (id === list.id ? list : null)),
      updateList: vi.fn(async () => undefined),
      moderationItem: vi.fn(async (id: number) => (id === 3 ? { id: 3, listId: 7, status: 'approved', sender: 's@x.test', raw: Buffer.alloc(0) } : null)),
    },
    lists: { findByAddress: vi.fn(async () => list), removeMember: vi.fn(async () => undefined) },
    audit: { record: vi.fn(async () => undefined) },
  };
  const mail = { approve: vi.fn(async () => ({ delivered: 1, remote: 0 })), reject: vi.fn(async () => undefined) };
  return { store, mail, service: new ListService(store as unknown as Store, mail) };
}

const rejects = async (p: Promise<unknown>, code: ServiceError['code'], field?: string) => {
  const error = (await p.then(() => null, (e: unknown) => e)) as ServiceError;
  expect(error).toBeInstanceOf(ServiceError);
  expect(error.code).toBe(code);
  if (field) expect(error.fields?.[field]?.length).toBeGreaterThan(0);
};

describe('ListService', () => {
  it('changes only the settings given and leaves the members alone when none are given', async () => {
    const { service, store } = setup();
    await service.update(admin, 7, { name: 'Renamed' });
    expect(store.admin.updateList).toHaveBeenCalledWith(7, { name: 'Renamed' }, undefined);
  });

  it('refuses a different address with a field message and writes nothing; its own address is fine', async () => {
    const { service, store } = setup();
    await rejects(service.update(admin, 7, { address: 'moved@one.test', members: [] }), 'invalid', 'address');
    expect(store.admin.updateList).not.toHaveBeenCalled();
    await service.update(admin, 7, { address: ' TEAM@one.test ', name: 'Team' });
    expect(store.admin.updateList).toHaveBeenCalledTimes(1);
  });

  it('replaces members as keys, each once, and refuses a list with a non-address whole', async () => {
    const { service, store } = setup();
    await rejects(service.update(admin, 7, { members: ['ok@remote.test', 'not an address'] }), 'invalid', 'members');
    expect(store.admin.updateList).not.toHaveBeenCalled();
    await service.update(admin, 7, { members: ['A@remote.test', 'a@remote.test', 'c@remote.test'] });
    expect(store.admin.updateList).toHaveBeenCalledWith(7, {}, ['a@remote.test', 'c@remote.test']);
    expect(store.audit.record).toHaveBeenCalledWith({ actor: 'root@one.test', action: 'list.update', target: 'team@one.test', details: { membersAdded: 1, membersRemoved: 1 } });
  });

  it('adds members without touching the ones already there', async () => {
    const { service, store } = setup();
    const { added, already } = await service.addMembers(admin, 'team@one.test', ['B@remote.test', 'd@remote.test']);
    expect(added).toEqual(['d@remote.test']);
    expect(already).toEqual(['b@remote.test']);
    expect(store.admin.updateList).toHaveBeenCalledWith(7, {}, ['a@remote.test', 'b@remote.test', 'd@remote.test']);
  });

  it('hides other domains\' lists from a domain admin and decides only pending posts', async () => {
    const { service, mail } = setup();
    await rejects(service.get(tenant, 7), 'not_found');
    await rejects(service.approve(admin, 7, 3), 'conflict');
    await rejects(service.reject(admin, 7, 4, null), 'not_found');
    expect(mail.approve).not.toHaveBeenCalled();
    expect(mail.reject).not.toHaveBeenCalled();
  });
});
