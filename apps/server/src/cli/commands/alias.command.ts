import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { aliasService, scope } from '../cli-services';
import { table } from '../table';

export function aliasCommand(program: Command, ctx: CliContext): void {
  const alias = program.command('alias').description('manage aliases (use @domain for a catch-all)');
  alias
    .command('add <source> <destinations...>')
    .description('deliver mail for <source> (address or @domain) to one or more addresses, local or remote')
    .action(async (source: string, destinations: string[]) => {
      const a = await (await aliasService(ctx)).create(scope, source, destinations);
      ctx.out(`added alias ${a.source} -> ${a.destinations.join(', ')}`);
    });
  alias
    .command('list')
    .description('list aliases')
    .option('-d, --domain <domain>', 'only this domain')
    .action(async (opts: { domain?: string }) => {
      const rows = await (await ctx.store()).aliases.list(opts.domain);
      ctx.out(table(['SOURCE', 'DESTINATIONS', 'ENABLED'], rows.map((a) => [a.source, a.destinations.join(', '), a.enabled])));
    });
  alias
    .command('remove <source>')
    .description('remove an alias')
    .action(async (source: string) => {
      const a = await (await aliasService(ctx)).remove(scope, source);
      ctx.out(`removed alias ${a.source}`);
    });
}
