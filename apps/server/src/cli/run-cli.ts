import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, type MailsteadConfig } from '@mailstead/config';
import { aliasCommand } from './commands/alias.command';
import { dkimCommand } from './commands/dkim.command';
import { domainCommand } from './commands/domain.command';
import { listCommand } from './commands/list.command';
import { queueCommand } from './commands/queue.command';
import { sieveCommand } from './commands/sieve.command';
import { spamCommand } from './commands/spam.command';
import { transferCommand } from './commands/transfer.command';
import { backupCommand } from './commands/backup.command';
import { userCommand } from './commands/user.command';
import { createCliContext, describeError } from './cli-context';

/** `mailstead <command>`: what doveadm and postqueue do, against Mailstead's database. */
export async function runCli(
  argv: string[],
  io: { config?: MailsteadConfig; out?: (line: string) => void; err?: (line: string) => void } = {},
): Promise<number> {
  const out = io.out ?? ((l: string) => console.log(l));
  const err = io.err ?? ((l: string) => console.error(l));
  let config = io.config;
  try {
    config ??= loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`mailstead: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const ctx = createCliContext(config, out);
  const program = new Command('mailstead')
    .description('Mailstead operator commands')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (s) => err(s.trimEnd()), writeOut: (s) => out(s.trimEnd()) });
  domainCommand(program, ctx);
  userCommand(program, ctx);
  aliasCommand(program, ctx);
  listCommand(program, ctx);
  queueCommand(program, ctx);
  dkimCommand(program, ctx);
  transferCommand(program, ctx);
  backupCommand(program, ctx);
  sieveCommand(program, ctx);
  spamCommand(program, ctx);
  program.commands.forEach(function exitOverrideAll(c: Command) {
    c.exitOverride();
    c.commands.forEach(exitOverrideAll);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version print and exit 0; usage errors were already printed by commander
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.help' ? 0 : 2;
    }
    const { message, code } = describeError(error);
    err(`mailstead: ${message}`);
    return code;
  } finally {
    await ctx.close();
  }
}
