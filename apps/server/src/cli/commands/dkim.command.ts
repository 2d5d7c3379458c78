import type { Command } from 'commander';
import { dkimZoneLine } from '@mailstead/delivery';
import { UsageError, type CliContext } from '../cli-context';
import { domainService, scope } from '../cli-services';

export function dkimCommand(program: Command, ctx: CliContext): void {
  const dkim = program.command('dkim').description('DKIM signing keys of local domains');
  dkim
    .command('generate <domain>')
    .description('create (or replace) the domain\'s DKIM key and print the DNS TXT record to publish')
    .option('-s, --selector <selector>', 'selector (default: a new one, ms<yyyymmdd>)')
    .action(async (domain: string, opts: { selector?: string }) => {
      const { domain: d, key } = await (await domainService(ctx)).rotateDkim(scope, domain, opts.selector);
      ctx.out(`DKIM key for ${d.name} stored (selector ${key.selector}); publish this TXT record:`);
      ctx.out(dkimZoneLine(d.name, key));
    });
  dkim
    .command('show <domain>')
    .description('print the DNS TXT record of the domain\'s current DKIM key')
    .action(async (domain: string) => {
      const name = domain.trim().toLowerCase();
      const key = await (await ctx.store()).outbound.dkimKey(name);
      if (!key) throw new UsageError(`domain ${name} has no DKIM key (run: mailstead dkim generate ${name})`);
      ctx.out(dkimZoneLine(name, key));
    });
}
