import fs from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { UsageError } from '../cli-context';
import { scope, sieveScriptService } from '../cli-services';
import { notFound } from '../../services/service-error';
import { SIEVE_ADMIN_PLACES, type SieveAdminPlace, type SieveAdminScriptOwner } from '../../services/sieve-script.service';
import { table } from '../table';

/** The account behind an address, or "account x not found" (exit 1). */
async function accountId(ctx: CliContext, address: string): Promise<number> {
  const account = await (await ctx.store()).accounts.findByAddress(address.trim().toLowerCase());
  if (!account) throw notFound(`account ${address.trim().toLowerCase()}`);
  return account.id;
}

function readScript(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** The script as stored, without adding a line break of our own after its last one. */
const printable = (content: string) => content.replace(/\r?\n$/, '');

const ownerOf = (opts: { domain?: string }): SieveAdminScriptOwner => ({ domain: opts.domain ?? null });
const ownerName = (owner: SieveAdminScriptOwner) => (owner.domain === null ? 'global' : owner.domain.trim().toLowerCase());

/**
 * `mailstead sieve ...`: an account's Sieve scripts (what ManageSieve and the webmail's rules
 * change), and with `sieve global ...` the admin scripts that run before or after every user's
 * (server-wide, or one domain's with --domain), as Pigeonhole's sieve_before / sieve_after.
 */
export function sieveCommand(program: Command, ctx: CliContext): void {
  const sieve = program.command('sieve').description("manage accounts' Sieve scripts, and the global and per-domain scripts around them");
  sieve
    .command('list <address>')
    .description("list an account's scripts (at most one is active)")
    .action(async (address: string) => {
      const scripts = await (await sieveScriptService(ctx)).list(await accountId(ctx, address));
      ctx.out(table(['NAME', 'ACTIVE', 'SIZE'], scripts.map((s) => [s.name, s.active, s.size])));
    });
  sieve
    .command('get <address> <name>')
    .description('print a script')
    .action(async (address: string, name: string) => {
      ctx.out(printable((await (await sieveScriptService(ctx)).get(await accountId(ctx, address), name)).content));
    });
  sieve
    .command('put <address> <name> <file>')
    .description('store a script from a file, after compiling it (replaces one by that name)')
    .option('--activate', 'make it the active script')
    .action(async (address: string, name: string, file: string, opts: { activate?: boolean }) => {
      const service = await sieveScriptService(ctx);
      const id = await accountId(ctx, address);
      const script = await service.put(id, name, readScript(file));
      if (opts.activate) await service.activate(id, name);
      ctx.out(`stored ${script.name} for ${address.trim().toLowerCase()}${opts.activate || script.active ? ' (active)' : ''}`);
    });
  sieve
    .command('activate <address> <name>')
    .description('make a script the active one')
    .action(async (address: string, name: string) => {
      await (await sieveScriptService(ctx)).activate(await accountId(ctx, address), name);
      ctx.out(`activated ${name} for ${address.trim().toLowerCase()}`);
    });
  sieve
    .command('deactivate <address>')
    .description('run no script for the account')
    .action(async (address: string) => {
      await (await sieveScriptService(ctx)).deactivate(await accountId(ctx, address));
      ctx.out(`no script is active for ${address.trim().toLowerCase()}`);
    });
  sieve
    .command('delete <address> <name>')
    .description('delete a script (not the active one)')
    .action(async (address: string, name: string) => {
      await (await sieveScriptService(ctx)).remove(await accountId(ctx, address), name);
      ctx.out(`deleted ${name} for ${address.trim().toLowerCase()}`);
    });
  sieve
    .command('rename <address> <name> <newName>')
    .description('rename a script (an active one stays active)')
    .action(async (address: string, name: string, newName: string) => {
      await (await sieveScriptService(ctx)).rename(await accountId(ctx, address), name, newName);
      ctx.out(`renamed ${name} to ${newName} for ${address.trim().toLowerCase()}`);
    });
  sieve
    .command('check <address-and-file...>')
    .usage('[address] <file>')
    .description('compile a script without storing it (an address, when given, must be an account)')
    .action(async (args: string[]) => {
      if (args.length > 2) throw new UsageError('usage: mailstead sieve check [address] <file>');
      const [address, file] = args.length === 2 ? (args as [string, string]) : [undefined, args[0]!];
      if (address !== undefined) await accountId(ctx, address);
      (await sieveScriptService(ctx)).check(readScript(file));
      ctx.out(`${file}: no errors`);
    });

  const global = sieve.command('global').description('scripts run for every account (or with --domain, for the accounts of one domain)');
  const domainOption = ['-d, --domain <domain>', "a domain's scripts instead of the server-wide ones"] as const;
  global
    .command('list')
    .description('list the scripts and where they run')
    .option(...domainOption)
    .action(async (opts: { domain?: string }) => {
      const scripts = await (await sieveScriptService(ctx)).listAdmin(scope, ownerOf(opts));
      ctx.out(table(['NAME', 'PLACE', 'SIZE', 'VERSION'], scripts.map((s) => [s.name, s.place, Buffer.byteLength(s.content, 'utf8'), s.version])));
    });
  global
    .command('get <name>')
    .description('print a script')
    .option(...domainOption)
    .action(async (name: string, opts: { domain?: string }) => {
      ctx.out(printable((await (await sieveScriptService(ctx)).getAdmin(scope, ownerOf(opts), name)).content));
    });
  global
    .command('put <name> <file>')
    .description('store a script from a file, after compiling it: run before or after the user\'s script, or only by include :global')
    .requiredOption('-p, --place <place>', `where it runs: ${SIEVE_ADMIN_PLACES.join(', ')}`)
    .option(...domainOption)
    .action(async (name: string, file: string, opts: { place: string; domain?: string }) => {
      if (!(SIEVE_ADMIN_PLACES as readonly string[]).includes(opts.place)) throw new UsageError(`--place must be one of ${SIEVE_ADMIN_PLACES.join(', ')}`);
      const owner = ownerOf(opts);
      const script = await (await sieveScriptService(ctx)).putAdmin(scope, owner, opts.place as SieveAdminPlace, name, readScript(file));
      ctx.out(`stored ${ownerName(owner)} script ${script.name} (${script.place}, version ${script.version})`);
    });
  global
    .command('delete <name>')
    .description('delete a script')
    .option(...domainOption)
    .action(async (name: string, opts: { domain?: string }) => {
      const owner = ownerOf(opts);
      await (await sieveScriptService(ctx)).removeAdmin(scope, owner, name);
      ctx.out(`deleted ${ownerName(owner)} script ${name}`);
    });
}
