import { Option, type Command } from 'commander';
import { StoreError, type ListPolicy } from '@mailstead/store';
import type { CliContext } from '../cli-context';
import { table } from '../table';

export function listCommand(program: Command, ctx: CliContext): void {
  const list = program.command('list').description('manage mailing lists');
  list
    .command('add <address>')
    .description('create a mailing list')
    .option('-n, --name <name>', 'display name')
    .addOption(new Option('--policy <policy>', 'who may post').choices(['open', 'members', 'moderated']).default('members'))
    .option('--prefix <text>', 'subject prefix such as "[team]"')
    .action(async (address: string, opts: { name?: string; policy: ListPolicy; prefix?: string }) => {
      const store = await ctx.store();
      const l = await store.lists.create({ address, name: opts.name, policy: opts.policy, subjectPrefix: opts.prefix ?? null });
      await store.audit.record({ actor: 'cli', action: 'list.create', target: l.address, details: { policy: l.policy } });
      ctx.out(`added list ${l.address} (${l.policy})`);
    });
  list
    .command('ls')
    .description('list mailing lists')
    .option('-d, --domain <domain>', 'only this domain')
    .action(async (opts: { domain?: string }) => {
      const rows = await (await ctx.store()).lists.list(opts.domain);
      ctx.out(table(['LIST', 'NAME', 'POLICY', 'MEMBERS'], rows.map((l) => [l.address, l.name, l.policy, l.members])));
    });
  list
    .command('show <address>')
    .description('show a list and its members')
    .action(async (address: string) => {
      const store = await ctx.store();
      const l = await store.lists.findByAddress(address);
      if (!l) throw new StoreError('not_found', `list ${address} not found`);
      const members = await store.lists.members(address);
      ctx.out(`${l.address}  name: ${l.name}  policy: ${l.policy}  reply-to: ${l.replyTo}  prefix: ${l.subjectPrefix ?? '-'}`);
      ctx.out(`${members.length} member(s)`);
      for (const m of members) ctx.out(`  ${m.address}${m.name ? ` (${m.name})` : ''}`);
    });
  list
    .command('remove <address>')
    .description('remove a mailing list')
    .action(async (address: string) => {
      const store = await ctx.store();
      await store.lists.remove(address);
      await store.audit.record({ actor: 'cli', action: 'list.delete', target: address.toLowerCase() });
      ctx.out(`removed list ${address.toLowerCase()}`);
    });
  const member = list.command('member').description('manage list members');
  member
    .command('add <list> <addresses...>')
    .description('add one or more members')
    .action(async (listAddress: string, addresses: string[]) => {
      const store = await ctx.store();
      for (const a of addresses) await store.lists.addMember(listAddress, a);
      await store.audit.record({ actor: 'cli', action: 'list.member.add', target: listAddress.toLowerCase(), details: { addresses } });
      ctx.out(`added ${addresses.length} member(s) to ${listAddress.toLowerCase()}`);
    });
  member
    .command('show <list>')
    .description("show a list's members with their bounce state (bounces counted, last bounce, disabled since)")
    .action(async (listAddress: string) => {
      const store = await ctx.store();
      const l = await store.lists.findByAddress(listAddress);
      if (!l) throw new StoreError('not_found', `list ${listAddress} not found`);
      const rows = await store.listBounces.members(l.id);
      if (rows.length === 0) {
        ctx.out(`${l.address} has no members`);
        return;
      }
      ctx.out(
        table(
          ['MEMBER', 'BOUNCES', 'LAST BOUNCE', 'DISABLED'],
          rows.map((m) => [m.address, m.bounceCount, m.lastBounceAt?.toISOString(), m.disabledAt ? `since ${m.disabledAt.toISOString()}` : 'no']),
        ),
      );
    });
  member
    .command('reset <list> <address>')
    .description("clear a member's bounce count and re-enable it when it was disabled for bouncing")
    .action(async (listAddress: string, address: string) => {
      const store = await ctx.store();
      const l = await store.lists.findByAddress(listAddress);
      if (!l) throw new StoreError('not_found', `list ${listAddress} not found`);
      const key = address.trim().toLowerCase();
      const before = (await store.listBounces.members(l.id)).find((m) => m.address === key);
      if (!before || !(await store.listBounces.reset(l.id, key))) throw new StoreError('not_found', `member ${key} of ${l.address} not found`);
      await store.audit.record({
        actor: 'cli',
        action: 'list.member.reset-bounces',
        target: l.address,
        details: { member: key, bounceCount: before.bounceCount, disabledAt: before.disabledAt?.toISOString() ?? null },
      });
      ctx.out(`reset ${key} on ${l.address}: ${before.bounceCount} bounce(s) cleared${before.disabledAt ? ', re-enabled' : ''}`);
    });
  member
    .command('remove <list> <address>')
    .description('remove a member')
    .action(async (listAddress: string, address: string) => {
      const store = await ctx.store();
      await store.lists.removeMember(listAddress, address);
      await store.audit.record({ actor: 'cli', action: 'list.member.remove', target: listAddress.toLowerCase(), details: { address } });
      ctx.out(`removed ${address.toLowerCase()} from ${listAddress.toLowerCase()}`);
    });
}
