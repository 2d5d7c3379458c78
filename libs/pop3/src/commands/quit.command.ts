import { defineCommand } from '../command';

/**
 * QUIT (RFC 1939 6). From AUTHORIZATION it just ends the session. From TRANSACTION it enters
 * UPDATE: the messages marked by DELE are expunged through the store (IMAP sessions and webmail
 * see it through the change feed), those sent by RETR are marked \Seen, then the maildrop lock
 * is released and the connection closed. A session that ends any other way applies nothing.
 */
export const quitCommand = defineCommand({
  verb: 'QUIT',
  states: ['authorization', 'transaction'],
  args: { min: 0, max: 0 },
  async handle(ctx, state) {
    const signOff = `${ctx.services.hostname} POP3 server signing off`;
    if (state.name === 'authorization') {
      await ctx.ok(signOff);
      return ctx.end();
    }
    ctx.setState({ name: 'update' });
    const { maildrop, lease, retrieved } = state;
    const doomed = maildrop.deletedUids();
    try {
      if (lease.lost) ctx.log.warn({ user: state.address }, 'pop3 maildrop lock was lost during the session');
      const removed = await ctx.services.mailStore.deleteMessages(maildrop.mailboxId, doomed);
      const seen = [...retrieved].filter((uid) => !doomed.includes(uid));
      await ctx.services.mailStore.markSeen(maildrop.mailboxId, seen).catch((error: unknown) => {
        ctx.log.warn({ err: error }, 'pop3 could not mark retrieved messages seen');
      });
      ctx.log.info({ user: state.address, deleted: removed.length }, 'pop3 update');
      await ctx.ok(`${signOff} (${removed.length} messages deleted)`);
    } catch (error) {
      ctx.log.warn({ err: error, user: state.address }, 'pop3 update failed');
      await ctx.err('Some deleted messages not removed', 'SYS/TEMP');
    } finally {
      await lease.release().catch(() => undefined);
      ctx.end();
    }
  },
});
