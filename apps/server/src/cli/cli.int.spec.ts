import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@mailstead/config';
import { verifyPassword } from '@mailstead/auth';
import { createTestDatabase, type TestDatabase } from '@mailstead/testing';
import { runCli } from './run-cli';

let db: TestDatabase;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { config: parseConfig({ DATABASE_URL: db.url }), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('mailstead CLI', () => {
  it('manages domains and users, storing argon2id hashes and an audit trail', async () => {
    expect(await cli('domain', 'add', 'Example.TEST')).toMatchObject({ code: 0, out: 'added domain example.test' });
    expect(await cli('user', 'add', 'alice@example.test', '--password', 'alice-password', '--quota', '2G', '--name', 'Alice')).toMatchObject({
      code: 0,
      out: 'added user alice@example.test',
    });
    const alice = await db.store.accounts.findByAddress('alice@example.test');
    expect(alice).toMatchObject({ displayName: 'Alice', quotaBytes: 2n * 1024n ** 3n, role: 'user' });
    expect(await verifyPassword(alice!.passwordHash, 'alice-password')).toBe(true);

    const gen = await cli('user', 'add', 'bob@example.test', '--generate-password', '--role', 'domain_admin');
    expect(gen.out).toMatch(/^added domain_admin bob@example\.test administering example\.test with password /);
    const password = /with password (\S+)$/.exec(gen.out)?.[1];
    expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(await verifyPassword((await db.store.accounts.findByAddress('bob@example.test'))!.passwordHash, password!)).toBe(true);

    const list = await cli('user', 'list', '--domain', 'example.test');
    expect(list.out.split('\n')).toHaveLength(3);
    expect(list.out).toMatch(/alice@example\.test\s+user\s+true\s+0\s+2\.0 GiB\s+Alice/);
    expect(list.out).toMatch(/bob@example\.test\s+domain_admin/);

    expect((await cli('user', 'passwd', 'ALICE@example.test', '--password', 'new-password-1')).code).toBe(0);
    expect(await verifyPassword((await db.store.accounts.findByAddress('alice@example.test'))!.passwordHash, 'new-password-1')).toBe(true);

    // The CLI acts through the API's UserService: the same audit entries, and a domain admin
    // administers the domain of their address (it used to administer none).
    const audit = await db.store.audit.recent();
    const actions = audit.map((a) => `${a.actor} ${a.action} ${a.target}`);
    expect(actions).toContain('cli user.create alice@example.test');
    expect(audit.find((a) => a.action === 'user.update')).toMatchObject({ actor: 'cli', target: 'alice@example.test', details: { passwordReset: true } });
    const bob = (await db.store.accounts.findByAddress('bob@example.test'))!;
    expect((await db.store.admin.managedDomains(bob.id, 'domain_admin')).map((d) => d.name)).toEqual(['example.test']);
  });

  it('makes domain admins of more domains and takes domains away again (issue 16)', async () => {
    expect((await cli('domain', 'add', 'second.test')).code).toBe(0);
    expect((await cli('domain', 'add', 'third.test')).code).toBe(0);
    expect(await cli('user', 'add', 'boss@second.test', '--password', 'long-enough', '--role', 'domain_admin', '--domains', 'third.test,SECOND.test')).toMatchObject({
      code: 0,
      out: 'added domain_admin boss@second.test administering second.test, third.test',
    });
    expect(await cli('user', 'add', 'nope@second.test', '--password', 'long-enough', '--role', 'domain_admin', '--domains', 'missing.test')).toMatchObject({ code: 1, err: 'mailstead: domain missing.test not found' });
    expect(await db.store.accounts.findByAddress('nope@second.test')).toBeNull();
    expect(await cli('user', 'add', 'plain@second.test', '--password', 'long-enough', '--domains', 'third.test')).toMatchObject({ code: 2, err: 'mailstead: only a domain admin administers domains' });
    expect(await cli('user', 'grant-domain', 'boss@second.test', 'example.test')).toMatchObject({ code: 0, out: 'boss@second.test administers example.test, second.test, third.test' });
    expect(await cli('user', 'revoke-domain', 'boss@second.test', 'third.test', 'example.test')).toMatchObject({ code: 0, out: 'boss@second.test administers second.test' });
    expect(await cli('user', 'revoke-domain', 'boss@second.test', 'third.test')).toMatchObject({ code: 1 });
    expect(await cli('user', 'grant-domain', 'alice@example.test', 'third.test')).toMatchObject({ code: 2, err: 'mailstead: alice@example.test is not a domain admin' });
    expect((await db.store.audit.recent()).find((a) => a.action === 'user.domain.revoke')).toMatchObject({ actor: 'cli', target: 'boss@second.test', details: { domains: ['third.test', 'example.test'] } });
    expect((await cli('domain', 'remove', 'second.test')).code).toBe(0);
    expect((await cli('domain', 'remove', 'third.test')).code).toBe(0);
  });

  it('grants and revokes sender addresses, which SMTP and the webmail then accept as From (issue 16)', async () => {
    expect((await cli('user', 'add', 'press@example.test', '--password', 'long-enough')).code).toBe(0);
    const press = (await db.store.accounts.findByAddress('press@example.test'))!;
    expect(await cli('user', 'senders', 'press@example.test')).toMatchObject({ code: 0, out: '' });
    expect(await db.store.accounts.canSendAs(press.id, 'news@example.test')).toBe(false);
    expect(await cli('user', 'grant-sender', 'press@example.test', 'News@Example.test')).toMatchObject({ code: 0, out: 'press@example.test may send as news@example.test' });
    expect(await cli('user', 'grant-sender', 'press@example.test', 'news@example.test')).toMatchObject({ code: 0, out: 'press@example.test may send as news@example.test' });
    expect(await cli('user', 'grant-sender', 'press@example.test', 'desk@elsewhere.test')).toMatchObject({ code: 0, out: 'press@example.test may send as desk@elsewhere.test, news@example.test' });
    expect(await cli('user', 'senders', 'press@example.test')).toMatchObject({ code: 0, out: 'desk@elsewhere.test\nnews@example.test' });
    expect(await db.store.accounts.canSendAs(press.id, 'news@example.test')).toBe(true);
    expect(await cli('user', 'grant-sender', 'press@example.test', 'not an address')).toMatchObject({ code: 2, err: 'mailstead: "not an address" is not a valid address' });
    expect(await cli('user', 'grant-sender', 'ghost@example.test', 'news@example.test')).toMatchObject({ code: 1, err: 'mailstead: account ghost@example.test not found' });

    expect(await cli('user', 'revoke-sender', 'press@example.test', 'NEWS@example.test')).toMatchObject({ code: 0, out: 'press@example.test may send as desk@elsewhere.test' });
    expect(await db.store.accounts.canSendAs(press.id, 'news@example.test')).toBe(false);
    expect(await cli('user', 'revoke-sender', 'press@example.test', 'news@example.test')).toMatchObject({ code: 1, err: 'mailstead: news@example.test as a sender address of press@example.test not found' });
    expect(await cli('user', 'revoke-sender', 'press@example.test', 'desk@elsewhere.test')).toMatchObject({ code: 0, out: 'press@example.test may send as no granted address' });
    const actions = (await db.store.audit.recent()).filter((a) => a.action.startsWith('user.sender.')).map((a) => `${a.actor} ${a.action} ${a.target} ${String((a.details as { address?: string } | null)?.address)}`);
    // one grant entry for news@ though it was granted twice
    expect(actions.sort()).toEqual([
      'cli user.sender.grant press@example.test desk@elsewhere.test',
      'cli user.sender.grant press@example.test news@example.test',
      'cli user.sender.revoke press@example.test desk@elsewhere.test',
      'cli user.sender.revoke press@example.test news@example.test',
    ]);
    expect((await cli('user', 'remove', 'press@example.test')).code).toBe(0);
  });

  it('removes a user with their mail and says how much went', async () => {
    expect((await cli('user', 'add', 'gone@example.test', '--password', 'long-enough')).code).toBe(0);
    expect(await cli('user', 'remove', 'GONE@example.test')).toMatchObject({ code: 0, out: 'removed gone@example.test and its mail (6 mailbox(es), 0 message(s))' });
    expect(await db.store.accounts.findByAddress('gone@example.test')).toBeNull();
    expect((await db.store.audit.recent()).find((a) => a.action === 'user.delete')).toMatchObject({ actor: 'cli', target: 'gone@example.test', details: { mailRemoved: { mailboxes: 6, messages: 0 } } });
    expect(await cli('user', 'remove', 'gone@example.test')).toMatchObject({ code: 1, err: 'mailstead: account gone@example.test not found' });
  });

  it('manages aliases, catch-alls and mailing lists', async () => {
    expect((await cli('alias', 'add', 'info@example.test', 'alice@example.test', 'someone@remote.test')).code).toBe(0);
    expect((await cli('alias', 'add', '@example.test', 'alice@example.test')).out).toBe('added alias @example.test -> alice@example.test');
    expect((await cli('alias', 'list')).out).toMatch(/info@example\.test\s+alice@example\.test, someone@remote\.test/);
    expect((await cli('list', 'add', 'team@example.test', '--policy', 'moderated', '--prefix', '[team]')).code).toBe(0);
    expect((await cli('list', 'member', 'add', 'team@example.test', 'alice@example.test', 'carol@remote.test')).out).toBe('added 2 member(s) to team@example.test');
    // One member list rule for the CLI and the console: members already on the list are left as they are.
    expect((await cli('list', 'member', 'add', 'team@example.test', 'ALICE@example.test', 'dave@remote.test')).out).toBe('added 1 member(s) to team@example.test (already members: alice@example.test)');
    expect(await cli('list', 'member', 'add', 'team@example.test', 'not-an-address')).toMatchObject({ code: 2, err: 'mailstead: not an address: not-an-address' });
    expect((await cli('list', 'member', 'remove', 'team@example.test', 'dave@remote.test')).code).toBe(0);
    expect(await cli('list', 'member', 'remove', 'team@example.test', 'dave@remote.test')).toMatchObject({ code: 1, err: 'mailstead: member dave@remote.test of team@example.test not found' });
    expect((await cli('list', 'member', 'remove', 'team@example.test', 'carol@remote.test')).code).toBe(0);
    const show = await cli('list', 'show', 'team@example.test');
    expect(show.out).toContain('policy: moderated');
    expect(show.out).toContain('prefix: [team]');
    expect(show.out).toContain('1 member(s)\n  alice@example.test');
    expect((await cli('alias', 'remove', 'info@example.test')).code).toBe(0);
    expect(await db.store.aliases.findBySource('info@example.test')).toBeNull();
  });

  it('shows list members\' bounce state and resets a member', async () => {
    expect((await cli('list', 'add', 'bouncy@example.test')).code).toBe(0);
    expect((await cli('list', 'member', 'show', 'bouncy@example.test')).out).toBe('bouncy@example.test has no members');
    expect((await cli('list', 'member', 'add', 'bouncy@example.test', 'dead@remote.test', 'flaky@remote.test', 'fine@remote.test')).code).toBe(0);
    const list = (await db.store.lists.findByAddress('bouncy@example.test'))!;
    const at = new Date('2026-11-21T12:00:00.000Z');
    const policy = { threshold: 2, action: 'disable' as const };
    for (let i = 0; i < 2; i++) await db.store.listBounces.recordBounce(list.id, 'dead@remote.test', policy, at);
    await db.store.listBounces.recordBounce(list.id, 'flaky@remote.test', policy, at);

    const show = await cli('list', 'member', 'show', 'bouncy@example.test');
    expect(show.code).toBe(0);
    const lines = show.out.split('\n');
    expect(lines[0]).toMatch(/^MEMBER\s+BOUNCES\s+LAST BOUNCE\s+DISABLED$/);
    expect(lines.slice(1)).toHaveLength(3);
    expect(lines[1]).toMatch(/^dead@remote\.test\s+2\s+2026-11-21T12:00:00\.000Z\s+since 2026-11-21T12:00:00\.000Z$/);
    expect(lines[2]).toMatch(/^fine@remote\.test\s+0\s+-\s+no$/);
    expect(lines[3]).toMatch(/^flaky@remote\.test\s+1\s+2026-11-21T12:00:00\.000Z\s+no$/);

    expect(await cli('list', 'member', 'reset', 'bouncy@example.test', 'DEAD@remote.test')).toMatchObject({
      code: 0,
      out: 'reset dead@remote.test on bouncy@example.test: 2 bounce(s) cleared, re-enabled',
    });
    expect((await db.store.listBounces.members(list.id)).map((m) => [m.address, m.bounceCount, m.lastBounceAt, m.disabledAt])).toEqual([
      ['dead@remote.test', 0, null, null],
      ['fine@remote.test', 0, null, null],
      ['flaky@remote.test', 1, at, null],
    ]);
    expect((await cli('list', 'member', 'show', 'bouncy@example.test')).out).toMatch(/dead@remote\.test\s+0\s+-\s+no/);
    expect(await cli('list', 'member', 'reset', 'bouncy@example.test', 'nobody@remote.test')).toMatchObject({ code: 1, err: 'mailstead: member nobody@remote.test of bouncy@example.test not found' });
    expect(await cli('list', 'member', 'show', 'missing@example.test')).toMatchObject({ code: 1, err: 'mailstead: list missing@example.test not found' });
    const audit = (await db.store.audit.recent()).find((a) => a.action === 'list.member.reset-bounces');
    expect(audit).toMatchObject({ actor: 'cli', target: 'bouncy@example.test', details: { member: 'dead@remote.test', bounceCount: 2, disabledAt: at.toISOString() } });
  });

  it('answers bad usage with one line and exit code 2, and failures with exit code 1', async () => {
    expect(await cli('user', 'add', 'nobody', '--password', 'whatever1')).toMatchObject({ code: 2, err: 'mailstead: "nobody" is not a valid address' });
    expect(await cli('user', 'add', 'x@example.test', '--password', 'short')).toMatchObject({ code: 2, err: 'mailstead: password must be at least 8 characters' });
    // libs/contracts passwordProblem counts characters: 7 emoji are 14 UTF-16 units, still too short
    expect(await cli('user', 'passwd', 'alice@example.test', '--password', '🔑'.repeat(7))).toMatchObject({ code: 2, err: 'mailstead: password must be at least 8 characters' });
    expect(await cli('user', 'add', 'x@missing.test', '--password', 'long-enough')).toMatchObject({ code: 1, err: 'mailstead: domain missing.test not found' });
    expect(await cli('user', 'add', 'alice@example.test', '--password', 'long-enough')).toMatchObject({ code: 1, err: 'mailstead: account alice@example.test already exists' });
    expect(await cli('domain', 'add', 'not_a_domain')).toMatchObject({ code: 2 });
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('user', 'add', 'x@example.test', '--role', 'emperor', '--password', 'long-enough')).code).toBe(2);
    expect(await cli('queue', 'retry', 'abc')).toMatchObject({ code: 2, err: 'mailstead: queue id "abc" is not a number' });
    expect(await cli('queue', 'retry', '999')).toMatchObject({ code: 1, err: 'mailstead: queue entry 999 not found' });
    expect(await cli('queue', 'list')).toMatchObject({ code: 0, out: 'the queue is empty' });
  });

  it('rotates DKIM keys to a new selector each time, as the console does', async () => {
    const selector = (out: string) => /selector (\S+)\)/.exec(out)?.[1];
    const first = selector((await cli('dkim', 'generate', 'example.test')).out);
    expect(first).toMatch(/^ms\d{8}$/);
    const second = selector((await cli('dkim', 'generate', 'example.test')).out);
    expect(second).toBe(`${first}n2`);
    expect((await db.store.outbound.dkimKey('example.test'))?.selector).toBe(second);
    expect((await db.store.audit.recent()).find((a) => a.action === 'dkim.rotate')).toMatchObject({ actor: 'cli', target: 'example.test', details: { selector: second, previous: first } });
    expect(await cli('dkim', 'generate', 'example.test', '--selector', 'not_a_label')).toMatchObject({ code: 2, err: 'mailstead: selector "not_a_label" is not a DNS label' });
  });

  it('removes a domain with everything in it', async () => {
    const removed = await cli('domain', 'remove', 'example.test');
    expect(removed).toMatchObject({ code: 0 });
    expect(removed.out).toMatch(/^removed domain example\.test and everything in it \(\d+ account\(s\) with their mail, 1 alias\(es\), 2 list\(s\)\)$/);
    expect((await db.store.audit.recent()).find((a) => a.action === 'domain.delete')).toMatchObject({ actor: 'cli', target: 'example.test', details: { aliases: 1, lists: 2 } });
    expect(await db.store.accounts.findByAddress('alice@example.test')).toBeNull();
    expect((await cli('domain', 'list')).out).not.toContain('example.test');
  });
});
