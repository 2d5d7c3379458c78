import type { Store } from '@mailstead/store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdminScope } from './admin-scope';
import { DomainService } from './domain.service';
import type { ServiceError } from './service-error';

const admin: AdminScope = { actor: 'root@one.test', isAdmin: true, domains: [] };
const tenant: AdminScope = { actor: 'boss@two.test', isAdmin: false, domains: [{ id: 2, name: 'two.test' }], domainIds: [2] };

function setup(dkimSelector: string | null) {
  const domain = { id: 2, name: 'two.test', dkimSelector, dkimPrivateKey: dkimSelector ? 'key' : null, _count: { accounts: 3, aliases: 1, mailingLists: 0 } };
  const store = {
    admin: { domain: vi.fn(async (id: number) => (id === 2 ? { ...domain } : null)), updateDomain: vi.fn(async () => undefined) },
    domains: { findByName: vi.fn(async () => domain), remove: vi.fn(async () => undefined), create: vi.fn() },
    outbound: { setDkimKey: vi.fn(async (_name: string, selector: string) => void (domain.dkimSelector = selector)) },
    audit: { record: vi.fn(async () => undefined) },
  };
  return { store, service: new DomainService(store as unknown as Store) };
}

const code = async (p: Promise<unknown>) => ((await p.then(() => null, (e: unknown) => e)) as ServiceError | null)?.code;

describe('DomainService', () => {
  it('lets a domain admin read their domain but not change or remove it', async () => {
    const { service, store } = setup(null);
    expect((await service.get(tenant, 2)).name).toBe('two.test');
    expect(await code(service.update(tenant, 2, { enabled: false }))).toBe('forbidden');
    expect(await code(service.remove(tenant, 'two.test'))).toBe('forbidden');
    expect(await code(service.create(tenant, 'mine.test'))).toBe('forbidden');
    expect(store.domains.remove).not.toHaveBeenCalled();
    expect(store.admin.updateDomain).not.toHaveBeenCalled();
  });

  it('audits what a removal took with it', async () => {
    const { service, store } = setup(null);
    await service.remove(admin, 2);
    expect(store.domains.remove).toHaveBeenCalledWith('two.test');
    expect(store.audit.record).toHaveBeenCalledWith({ actor: 'root@one.test', action: 'domain.delete', target: 'two.test', details: { accounts: 3, aliases: 1, lists: 0 } });
  });

  afterEach(() => vi.useRealTimers());

  it('rotates DKIM to a selector the domain has not published before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-04T12:00:00Z'));
    const day = '20261204';
    const { service, store } = setup(`ms${day}`);
    const { key } = await service.rotateDkim(admin, 2);
    expect(key.selector).toBe(`ms${day}n2`);
    expect(store.audit.record).toHaveBeenCalledWith(expect.objectContaining({ action: 'dkim.rotate', details: { selector: `ms${day}n2`, previous: `ms${day}` } }));
    expect(await code(service.rotateDkim(admin, 2, 'bad_label'))).toBe('invalid');
  });
});
