import { SessionService } from '../api/session.service';
import { CLI_SCOPE } from '../services/admin-scope';
import { AliasService } from '../services/alias.service';
import { DomainService } from '../services/domain.service';
import { ListService } from '../services/list.service';
import { SieveScriptService } from '../services/sieve-script.service';
import { UserService } from '../services/user.service';
import type { CliContext } from './cli-context';

/** The CLI acts as a server administrator, named "cli" in the audit log. */
export const scope = CLI_SCOPE;

/**
 * The user service on the CLI's store (the class the API's controllers call). Without Redis no
 * web session can be ended; `sessionsEnded` says whether they could be.
 */
export async function userService(ctx: CliContext): Promise<{ users: UserService; sessionsEnded: boolean }> {
  const store = await ctx.store();
  const redis = await ctx.redis();
  return { users: new UserService(store, ctx.config, redis ? new SessionService(redis) : null), sessionsEnded: redis !== null };
}

export async function domainService(ctx: CliContext): Promise<DomainService> {
  return new DomainService(await ctx.store());
}

/** Without moderation: deciding on held posts sends mail, which the console does. */
export async function listService(ctx: CliContext): Promise<ListService> {
  return new ListService(await ctx.store(), null);
}

export async function aliasService(ctx: CliContext): Promise<AliasService> {
  return new AliasService(await ctx.store());
}

export async function sieveScriptService(ctx: CliContext): Promise<SieveScriptService> {
  return new SieveScriptService(await ctx.store(), ctx.config.managesieve);
}
