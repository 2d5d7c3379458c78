import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { table } from '../table';

export function domainCommand(program: Command, ctx: CliContext): void {
  const domain = program.command('domain').description('manage mail domains');
  domain
    .command('add <name>')
    .description('add a domain this server receives mail for')
    .action(async (name: string) => {
      const store = await ctx.store();
      const d = await store.domains.create(name);
      await store.audit.record({ actor: 'cli', action: 'domain.create', target: d.name });
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
      const store = await ctx.store();
      await store.domains.remove(name);
      await store.audit.record({ actor: 'cli', action: 'domain.delete', target: name.toLowerCase() });
      ctx.out(`removed domain ${name.toLowerCase()} and everything in it`);
    });
}
