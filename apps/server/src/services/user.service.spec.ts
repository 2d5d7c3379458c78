import { parseConfig } from '@mailstead/config';
import type { Store } from '@mailstead/store';
import { describe, expect, it, vi } from 'vitest';
import type { AdminScope } from './admin-scope';
import { ServiceError } from './service-error';
import { UserService } from './user.service';

const admin: AdminScope = { actor: 'root@one.test', isAdmin: true, domains: [], accountId: 1 };
const tenant: AdminScope = { actor: 'boss@two.test', isAdmin: false, domains: [{ id: 2, name: 'two.test' }], domainIds: [2], accountId: 10 };

const row = (over: Partial<{ id: number; domainId: number; address: string; role: string }> = {}) => ({
  id: 20,
  domainId: 2,
  address: 'ann@two.test',
  role: 'user',
  totpSecret: null,
  ...over,
});

/** The repositories UserService uses, mocked; `users` are the rows store.admin.user answers by id. */
function fakeStore(users: ReturnType<typeof row>[]) {
  const byId = (id: number) => users.find((u) => u.id === id) ?? null;
  const store = {
    admin: {
      user: vi.fn(async (id: number) => byId(id)),
      users: vi.fn(async () => ({ rows: users, total: users.length })),
      updateUser: vi.fn(async () => undefined),
      addDomainAdmin: vi.fn(async () => undefined),
      userMailCount: vi.fn(async () => ({ mailboxes: 6, messages: 3 })),
    },
    accounts: {
      create: vi.fn(async (input: { address: string; role: string }) => {
        const created = row({ id: 30, address: input.address, role: input.role });
        users.push(created);
        return created;
      }),
      findByAddress: vi.fn(async (address: string) => users.find((u) => u.address === address.toLowerCase()) ?? null),
      remove: vi.fn(async () => undefined),
    },
    totp: { disable: vi.fn(async () => undefined) },
    audit: { record: vi.fn(async () => undefined) },
  };
  return store;
}

const setup = (users: ReturnType<typeof row>[]) => {
  const store = fakeStore(users);
  const sessions = { destroyOthers: vi.fn(async () => undefined) };
  const service = new UserService(store as unknown as Store, parseConfig({}), sessions);
  return { store, sessions, service };
};

const rejects = async (p: Promise<unknown>, code: ServiceError['code']) => {
  const error = await p.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe(code);
};

describe('UserService', () => {
  it('keeps a domain admin to their domains and out of the admin role', async () => {
    const { service, store } = setup([row(), row({ id: 21, domainId: 1, address: 'root@one.test', role: 'admin' }), row({ id: 22, role: 'admin', address: 'op@two.test' })]);
    await rejects(service.get(tenant, 21), 'not_found');
    await rejects(service.create(tenant, { address: 'x@one.test', password: 'long-enough', role: 'user' }), 'forbidden');
    await rejects(service.create(tenant, { address: 'x@two.test', password: 'long-enough', role: 'admin' }), 'forbidden');
    await rejects(service.update(tenant, 22, { displayName: 'x' }), 'forbidden');
    await rejects(service.remove(tenant, 22), 'forbidden');
    await rejects(service.resetTwoFactor(tenant, 22), 'forbidden');
    expect(store.accounts.create).not.toHaveBeenCalled();
    expect(store.admin.updateUser).not.toHaveBeenCalled();
    expect(store.accounts.remove).not.toHaveBeenCalled();
  });

  it('makes a new domain admin the administrator of their domain', async () => {
    const { service, store } = setup([]);
    await service.create(tenant, { address: 'helper@two.test', password: 'long-enough', role: 'domain_admin' });
    expect(store.admin.addDomainAdmin).toHaveBeenCalledWith(30, 2);
    expect(store.audit.record).toHaveBeenCalledWith({ actor: 'boss@two.test', action: 'user.create', target: 'helper@two.test', details: { role: 'domain_admin' } });
  });

  it('ends the sessions on a new password or a disabled account, and never logs the password', async () => {
    const { service, store, sessions } = setup([row()]);
    await service.update(admin, 20, { displayName: 'Ann' });
    expect(sessions.destroyOthers).not.toHaveBeenCalled();
    await service.update(admin, 'ANN@two.test', { password: 'a new password' });
    expect(sessions.destroyOthers).toHaveBeenCalledWith(20);
    await service.update(admin, 20, { enabled: false });
    expect(sessions.destroyOthers).toHaveBeenCalledTimes(2);
    expect(JSON.stringify(store.audit.record.mock.calls)).not.toContain('a new password');
    expect(store.audit.record).toHaveBeenCalledWith(expect.objectContaining({ action: 'user.update', details: { passwordReset: true } }));
  });

  it('deletes an account with its mail, counted, but never the caller\'s own', async () => {
    const { service, store, sessions } = setup([row(), row({ id: 1, domainId: 1, address: 'root@one.test', role: 'admin' })]);
    await rejects(service.remove(admin, 1), 'invalid');
    const { user, removed } = await service.remove(admin, 20);
    expect(user.address).toBe('ann@two.test');
    expect(removed).toEqual({ mailboxes: 6, messages: 3 });
    expect(store.accounts.remove).toHaveBeenCalledWith('ann@two.test');
    expect(sessions.destroyOthers).toHaveBeenCalledWith(20);
    expect(store.audit.record).toHaveBeenCalledWith({ actor: 'root@one.test', action: 'user.delete', target: 'ann@two.test', details: { mailRemoved: { mailboxes: 6, messages: 3 } } });
  });
});
