/**
 * A second Mailstead IMAP server in its own process, on the test database (started by
 * imap-processes.int.spec.ts with tsx): argv = database URL, Redis URL, throttle prefix.
 * Prints "READY <port>" once listening; stops on SIGTERM.
 */
import { Redis } from 'ioredis';
import { Authenticator, LoginThrottle } from '@mailstead/auth';
import { ImapMailStore, ImapServer } from '@mailstead/imap';
import { ChangeFeed, Store } from '@mailstead/store';
import { imapAuthenticator } from '../imap-harness';

const [databaseUrl, redisUrl, prefix] = process.argv.slice(2) as [string, string, string];
const store = await Store.connect(databaseUrl, { poolSize: 2 });
const feed = new ChangeFeed(databaseUrl);
await feed.start();
const redis = new Redis(redisUrl);
const throttle = new LoginThrottle(redis, { maxFailuresPerIp: 1000, maxFailuresPerAccount: 5, windowSeconds: 60 }, prefix);
const server = new ImapServer({ store: new ImapMailStore(store, feed), authenticator: imapAuthenticator(new Authenticator(store, throttle)), hostname: 'peer.test' });
const listener = await server.listen('imap', '127.0.0.1', 0, false);
process.stdout.write(`READY ${listener.port}\n`);
process.on('SIGTERM', () => {
  void (async () => {
    await server.close();
    await feed.close();
    redis.disconnect();
    await store.close();
    process.exit(0);
  })();
});
