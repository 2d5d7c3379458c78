import type { Command } from 'commander';
import { dkimZoneLine, generateDkimKey } from '@mailstead/delivery';
import { UsageError, type CliContext } from '../cli-context';

export function dkimCommand(program: Command, ctx: CliContext): void {
  const dkim = program.command('dkim').description('DKIM signing keys of local domains');
  dkim
    .command('generate <domain>')
    .description('create (or replace) the domain\'s DKIM key and print the DNS TXT record to publish')
    .option('-s, --selector <selector>', 'selector (default: ms<yyyymm>)')
    .action(async (domain: string, opts: { selector?: string }) => {
      if (opts.selector !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/i.test(opts.selector)) throw new UsageError(`selector "${opts.selector}" is not a DNS label`);
      const store = await ctx.store();
      const name = domain.trim().toLowerCase();
      const key = generateDkimKey(opts.selector);
      await store.outbound.setDkimKey(name, key.selector, key.privateKey);
      await store.audit.record({ actor: 'cli', action: 'dkim.generate', target: name, details: { selector: key.selector } });
      ctx.out(`DKIM key for ${name} stored (selector ${key.selector}); publish this TXT record:`);
      ctx.out(dkimZoneLine(name, key));
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
