import { freePort } from '@mailstead/testing';
import { startDovecot, type DovecotInstance } from '../bench/lib/dovecot';
import { RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/** One side of a differential test: a server reached over raw IMAP, logged in. */
export interface Target {
  name: string;
  connect(): Promise<RawImap>;
}

export interface DifferentialServers {
  mailstead: ImapTestServer;
  dovecot: DovecotInstance;
  /** Mailstead, as Alice */
  ours: Target;
  /** the private Dovecot, as its one user */
  theirs: Target;
  stop(): Promise<void>;
}

/**
 * Mailstead and a private Debian Dovecot (e2e/bench/lib/dovecot.ts) side by side, for scripts
 * run identically against both. Each call starts its own pair; stop() ends both.
 */
export async function startDifferential(): Promise<DifferentialServers> {
  const mailstead = await startImapServer();
  let dovecot: DovecotInstance;
  try {
    dovecot = await startDovecot({ imapPort: await freePort(), pop3Port: await freePort(), users: [{ name: 'diff', password: 'diff-pw' }] });
  } catch (error) {
    await mailstead.close();
    throw error;
  }
  return {
    mailstead,
    dovecot,
    ours: {
      name: 'mailstead',
      async connect() {
        const c = await RawImap.connect(mailstead.port);
        await c.login();
        return c;
      },
    },
    theirs: {
      name: 'dovecot',
      async connect() {
        const c = await RawImap.connect(dovecot.imapPort);
        const r = await c.command('L1', 'LOGIN diff diff-pw');
        if (!/^L1 OK/m.test(r)) throw new Error(`dovecot login failed: ${r}`);
        return c;
      },
    },
    async stop() {
      await dovecot.stop();
      await mailstead.close();
    },
  };
}
