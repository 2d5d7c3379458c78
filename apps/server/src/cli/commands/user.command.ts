import { Option, type Command } from 'commander';
import { generatePassword } from '@mailstead/auth';
import { passwordProblem } from '@mailstead/contracts';
import { splitAddress, type AccountRole } from '@mailstead/store';
import { UsageError, type CliContext } from '../cli-context';
import { scope, userService } from '../cli-services';
import { promptPassword } from '../prompt';
import { formatBytes, table } from '../table';

async function choosePassword(given: string | undefined, generate: boolean | undefined): Promise<{ password: string; generated: boolean }> {
  if (given !== undefined && generate) throw new UsageError('use either --password or --generate-password, not both');
  if (generate) return { password: generatePassword(), generated: true };
  const password = given ?? (await promptPassword('Password: '));
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(problem);
  return { password, generated: false };
}

function parseQuota(value: string): bigint {
  const m = /^(\d+)\s*([kmgt]?)i?b?$/i.exec(value.trim());
  if (!m) throw new UsageError(`quota "${value}" is not a size such as 500M or 2G (0 = unlimited)`);
  const power = ['', 'k', 'm', 'g', 't'].indexOf(m[2]!.toLowerCase());
  return BigInt(m[1]!) * 1024n ** BigInt(power);
}

export function userCommand(program: Command, ctx: CliContext): void {
  const user = program.command('user').description('manage accounts');
  user
    .command('add <address>')
    .description('create an account with its default mailboxes (the domain must exist)')
    .option('-p, --password <password>', 'password (prompted for when omitted)')
    .option('-g, --generate-password', 'generate a password and print it once')
    .option('-n, --name <display name>', 'display name')
    .addOption(new Option('-r, --role <role>', 'role').choices(['user', 'domain_admin', 'admin']).default('user'))
    .option('-q, --quota <size>', 'quota such as 500M or 2G; 0 = unlimited (default: MAILSTEAD_DEFAULT_QUOTA)')
    .option('--domains <domains>', 'with --role domain_admin: more domains it administers, comma-separated (its own always)')
    .action(async (address: string, opts: { password?: string; generatePassword?: boolean; name?: string; role: AccountRole; quota?: string; domains?: string }) => {
      if (!splitAddress(address)) throw new UsageError(`"${address}" is not a valid address`);
      const { password, generated } = await choosePassword(opts.password, opts.generatePassword);
      const quota = opts.quota !== undefined ? parseQuota(opts.quota) : undefined;
      const { users } = await userService(ctx);
      const account = await users.create(scope, { address, password, role: opts.role, displayName: opts.name ?? null, quotaBytes: quota, domains: opts.domains?.split(',') });
      const managed = account.role === 'domain_admin' ? ` administering ${(await users.managedDomains(scope, account.id)).join(', ')}` : '';
      ctx.out(`added ${account.role} ${account.address}${managed}${generated ? ` with password ${password}` : ''}`);
    });
  user
    .command('list')
    .description('list accounts')
    .option('-d, --domain <domain>', 'only this domain')
    .action(async (opts: { domain?: string }) => {
      const rows = await (await ctx.store()).accounts.list(opts.domain);
      ctx.out(
        table(
          ['ADDRESS', 'ROLE', 'ENABLED', 'USED', 'QUOTA', 'NAME'],
          rows.map((a) => [a.address, a.role, a.enabled, formatBytes(a.usedBytes), a.quotaBytes === 0n ? 'unlimited' : formatBytes(a.quotaBytes), a.displayName]),
        ),
      );
    });
  user
    .command('passwd <address>')
    .description("set an account's password")
    .option('-p, --password <password>', 'new password (prompted for when omitted)')
    .option('-g, --generate-password', 'generate a password and print it once')
    .action(async (address: string, opts: { password?: string; generatePassword?: boolean }) => {
      const { password, generated } = await choosePassword(opts.password, opts.generatePassword);
      const { users, sessionsEnded } = await userService(ctx);
      const account = await users.update(scope, address, { password });
      ctx.out(`changed the password of ${account.address}${generated ? ` to ${password}` : ''}`);
      if (!sessionsEnded) ctx.out('(Redis is not reachable: web sessions of the account stay open until they expire)');
    });
  user
    .command('grant-domain <address> <domains...>')
    .description('let a domain admin administer more domains')
    .action(async (address: string, domains: string[]) => {
      const { users } = await userService(ctx);
      ctx.out(`${address.trim().toLowerCase()} administers ${(await users.grantDomains(scope, address, domains)).join(', ')}`);
    });
  user
    .command('revoke-domain <address> <domains...>')
    .description("end a domain admin's administration of domains")
    .action(async (address: string, domains: string[]) => {
      const { users } = await userService(ctx);
      const left = await users.revokeDomains(scope, address, domains);
      ctx.out(`${address.trim().toLowerCase()} administers ${left.length > 0 ? left.join(', ') : 'no domain'}`);
    });
  user
    .command('grant-sender <address> <sender>')
    .description('let an account send as another address (SMTP MAIL FROM and From:, the webmail)')
    .action(async (address: string, sender: string) => {
      const { users } = await userService(ctx);
      ctx.out(`${address.trim().toLowerCase()} may send as ${(await users.grantSender(scope, address, sender)).join(', ')}`);
    });
  user
    .command('revoke-sender <address> <sender>')
    .description('take a granted sender address away')
    .action(async (address: string, sender: string) => {
      const { users } = await userService(ctx);
      const left = await users.revokeSender(scope, address, sender);
      ctx.out(`${address.trim().toLowerCase()} may send as ${left.length > 0 ? left.join(', ') : 'no granted address'}`);
    });
  user
    .command('senders <address>')
    .description('list the addresses an account was granted to send as (besides its own and its aliases)')
    .action(async (address: string) => {
      const { users } = await userService(ctx);
      for (const sender of await users.senderGrants(scope, address)) ctx.out(sender);
    });
  user
    .command('remove <address>')
    .description('remove an account with all its mailboxes and mail')
    .action(async (address: string) => {
      const { users } = await userService(ctx);
      const { user, removed } = await users.remove(scope, address);
      ctx.out(`removed ${user.address} and its mail (${removed.mailboxes} mailbox(es), ${removed.messages} message(s))`);
    });
}
