import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { domainService, scope } from '../cli-services';
import { table } from '../table';

export function domainCommand(program: Command, ctx: CliContext): void {
  const domain = program.command('domain').description('manage mail domains');
  domain
    .command('add <name>')
    .description('add a domain this server receives mail for')
    .action(async (name: string) => {
      const d = await (await domainService(ctx)).create(scope, name);
      ctx.out(`added domain ${d.name}`);
    });
  domain
    .command('list')
    .description('list domains')
    .action(async () => {
      const rows = await (await ctx.store()).domains.list();
      ctx.out(table(['DOMAIN', 'ACCOUNTS', 'ALIASES', 'LISTS', 'ENABLED'], rows.map((d) => [d.name, d.accounts, d.aliases, d.lists, d.enabled])));
    });
  domain
    .command('remove <name>')
    .description('remove a domain with all its accounts, mail, aliases and lists')
    .action(async (name: string) => {
      const d = await (await domainService(ctx)).remove(scope, name);
      const { accounts, aliases, mailingLists } = d._count;
      ctx.out(`removed domain ${d.name} and everything in it (${accounts} account(s) with their mail, ${aliases} alias(es), ${mailingLists} list(s))`);
    });
}
