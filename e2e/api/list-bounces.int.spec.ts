import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMemberResetDto, mailingListDto } from '@mailstead/contracts';
import { addUser, Client, startApi, type ApiHarness } from './api-harness';

let api: ApiHarness;
let admin: Client;
let owner: Client;
let stranger: Client;
let listId: number;

const threshold = { threshold: 2, action: 'disable' as const };
const first = new Date('2026-11-20T09:00:00.000Z');
const second = new Date('2026-11-21T09:00:00.000Z');

beforeAll(async () => {
  api = await startApi();
  await addUser(api.db, 'root@one.test', 'root-password', 'admin');
  const own = await addUser(api.db, 'boss@two.test', 'boss-password', 'domain_admin');
  await api.db.store.admin.addDomainAdmin(own.id, own.domainId);
  const other = await addUser(api.db, 'boss@three.test', 'other-password', 'domain_admin');
  await api.db.store.admin.addDomainAdmin(other.id, other.domainId);
  const list = await api.db.store.lists.create({ address: 'team@two.test' });
  listId = list.id;
  for (const m of ['ann@remote.test', 'bob@remote.test', 'cid@remote.test']) await api.db.store.lists.addMember(list.address, m);
  await api.db.store.listBounces.recordBounce(list.id, 'ann@remote.test', threshold, first);
  await api.db.store.listBounces.recordBounce(list.id, 'ann@remote.test', threshold, second);
  await api.db.store.listBounces.recordBounce(list.id, 'bob@remote.test', threshold, first);
  admin = new Client(api.base);
  owner = new Client(api.base);
  stranger = new Client(api.base);
  await admin.login('root@one.test', 'root-password');
  await owner.login('boss@two.test', 'boss-password');
  await stranger.login('boss@three.test', 'other-password');
});
afterAll(async () => api?.stop());

const resetPath = (address: string) => `/api/admin/lists/${listId}/members/${encodeURIComponent(address)}/reset-bounces`;

describe('list members\' bounce state in the admin API', () => {
  it('shows bounce count, last bounce and disabled state per member in the list and its page', async () => {
    const one = mailingListDto.parse(await owner.json('GET', `/api/admin/lists/${listId}`));
    expect(one.members).toEqual([
      { address: 'ann@remote.test', name: null, bounceCount: 2, lastBounceAt: second.toISOString(), disabledAt: second.toISOString() },
      { address: 'bob@remote.test', name: null, bounceCount: 1, lastBounceAt: first.toISOString(), disabledAt: null },
      { address: 'cid@remote.test', name: null, bounceCount: 0, lastBounceAt: null, disabledAt: null },
    ]);
    const page = await admin.json<unknown[]>('GET', '/api/admin/lists');
    expect(mailingListDto.parse(page[0]).members[0]).toMatchObject({ address: 'ann@remote.test', disabledAt: second.toISOString() });
  });

  it('keeps a disabled member disabled when the console saves a changed member list', async () => {
    const changed = mailingListDto.parse(await owner.json('PUT', `/api/admin/lists/${listId}`, { members: ['ann@remote.test', 'bob@remote.test', 'cid@remote.test', 'dan@remote.test'] }));
    expect(changed.members.map((m) => [m.address, m.bounceCount, m.disabledAt])).toEqual([
      ['ann@remote.test', 2, second.toISOString()],
      ['bob@remote.test', 1, null],
      ['cid@remote.test', 0, null],
      ['dan@remote.test', 0, null],
    ]);
  });

  it('refuses the reset to a domain admin of another domain and to a plain user, changing nothing', async () => {
    expect((await stranger.post(resetPath('ann@remote.test'))).status).toBe(404);
    expect((await stranger.get(`/api/admin/lists/${listId}`)).status).toBe(404);
    await addUser(api.db, 'plain@two.test', 'plain-password');
    const plain = new Client(api.base);
    await plain.login('plain@two.test', 'plain-password');
    expect((await plain.post(resetPath('ann@remote.test'))).status).toBe(403);
    expect((await new Client(api.base).post(resetPath('ann@remote.test'))).status).toBe(401);
    expect((await api.db.store.listBounces.members(listId))[0]).toMatchObject({ address: 'ann@remote.test', bounceCount: 2, disabledAt: second });
  });

  it('re-enables a disabled member for the owning domain admin, audited; other members keep their state', async () => {
    const reset = listMemberResetDto.parse(await owner.json('POST', resetPath('Ann@Remote.test')));
    expect(reset).toEqual({ address: 'ann@remote.test', bounceCount: 0, lastBounceAt: null, disabledAt: null });
    const after = mailingListDto.parse(await owner.json('GET', `/api/admin/lists/${listId}`));
    expect(after.members.find((m) => m.address === 'ann@remote.test')).toEqual({ address: 'ann@remote.test', name: null, bounceCount: 0, lastBounceAt: null, disabledAt: null });
    expect(after.members.find((m) => m.address === 'bob@remote.test')).toMatchObject({ bounceCount: 1, lastBounceAt: first.toISOString() });

    const audit = await owner.json<{ actor: string; action: string; target: string; details: Record<string, unknown> }[]>('GET', '/api/admin/audit');
    expect(audit.find((e) => e.action === 'list.member.reset-bounces')).toMatchObject({
      actor: 'boss@two.test',
      target: 'team@two.test',
      details: { member: 'ann@remote.test', bounceCount: 2, disabledAt: second.toISOString() },
    });
  });

  it('lets an admin reset a bouncing member and answers 404 for an address that is not a member', async () => {
    expect(await admin.json('POST', resetPath('bob@remote.test'))).toMatchObject({ address: 'bob@remote.test', bounceCount: 0 });
    expect((await api.db.store.listBounces.members(listId)).find((m) => m.address === 'bob@remote.test')).toMatchObject({ bounceCount: 0, lastBounceAt: null });
    expect((await admin.post(resetPath('nobody@remote.test'))).status).toBe(404);
    expect((await admin.post(`/api/admin/lists/987654/members/${encodeURIComponent('bob@remote.test')}/reset-bounces`)).status).toBe(404);
  });
});
