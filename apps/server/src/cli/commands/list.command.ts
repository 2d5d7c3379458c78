import { Option, type Command } from 'commander';
import type { ListPolicy } from '@mailstead/store';
import type { CliContext } from '../cli-context';
import { listService, scope } from '../cli-services';
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
      const l = await (await listService(ctx)).create(scope, { address, name: opts.name, policy: opts.policy, subjectPrefix: opts.prefix ?? null });
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
      const l = await (await listService(ctx)).get(scope, address);
      ctx.out(`${l.address}  name: ${l.name}  policy: ${l.policy}  reply-to: ${l.replyTo}  prefix: ${l.subjectPrefix ?? '-'}`);
      ctx.out(`${l.members.length} member(s)`);
      for (const m of l.members) ctx.out(`  ${m.address}${m.name ? ` (${m.name})` : ''}`);
    });
  list
    .command('remove <address>')
    .description('remove a mailing list')
    .action(async (address: string) => {
      const l = await (await listService(ctx)).remove(scope, address);
      ctx.out(`removed list ${l.address} (${l.members.length} member(s))`);
    });
  const member = list.command('member').description('manage list members');
  member
    .command('add <list> <addresses...>')
    .description('add one or more members')
    .action(async (listAddress: string, addresses: string[]) => {
      const { list: l, added, already } = await (await listService(ctx)).addMembers(scope, listAddress, addresses);
      ctx.out(`added ${added.length} member(s) to ${l.address}${already.length > 0 ? ` (already members: ${already.join(', ')})` : ''}`);
    });
  member
    .command('show <list>')
    .description("show a list's members with their bounce state (bounces counted, last bounce, disabled since)")
    .action(async (listAddress: string) => {
      const l = await (await listService(ctx)).get(scope, listAddress);
      const rows = l.members;
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
      const { list: l, member: key, before } = await (await listService(ctx)).resetBounces(scope, listAddress, address);
      ctx.out(`reset ${key} on ${l.address}: ${before.bounceCount} bounce(s) cleared${before.disabledAt ? ', re-enabled' : ''}`);
    });
  member
    .command('remove <list> <address>')
    .description('remove a member')
    .action(async (listAddress: string, address: string) => {
      const l = await (await listService(ctx)).removeMember(scope, listAddress, address);
      ctx.out(`removed ${address.trim().toLowerCase()} from ${l.address}`);
    });
}
