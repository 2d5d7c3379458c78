// Lazy full-text indexing end to end: a message delivered over SMTP (Python smtplib on the MX
// port) is stored without its search_vector, yet a webmail search through the real HTTP API
// right after the 250 finds it (the search fills the searched mailboxes first); the worker
// role's periodic filler (called directly) indexes another account's new mail before anyone
// searches; concurrent fillers share the work without filling a row twice; a COPY of a
// not-yet-indexed message stays unindexed and is found once filled.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, LoginThrottle } from '@mailstead/auth';
import { RecipientResolver } from '@mailstead/pipeline';
import { SmtpFrontEnd, type SmtpContext } from '@mailstead/smtp';
import { sampleMessage, testCertificate } from '@mailstead/testing';
import { fillSearchIndexOnce } from '../../apps/server/src/app/roles/search-index.job';
import { addUser, Client, startApi, type ApiHarness } from '../api/api-harness';

const run = promisify(execFile);
let api: ApiHarness;
let smtp: SmtpFrontEnd;
let mxPort: number;
let aliceId: number;
let bobId: number;

beforeAll(async () => {
  api = await startApi();
  aliceId = (await addUser(api.db, 'alice@index.test', 'alice-password')).id;
  bobId = (await addUser(api.db, 'bob@index.test', 'bob-password')).id;
  const store = api.db.store;
  const ctx: SmtpContext = {
    store,
    resolver: new RecipientResolver(store),
    authenticator: new Authenticator(store, new LoginThrottle(api.redis, { maxFailuresPerIp: 50, maxFailuresPerAccount: 5, windowSeconds: 60 }, `test:${api.db.name}`)),
    hostname: 'mx.index.test',
    limits: { maxMessageSize: 200_000, maxRecipients: 20, maxConnections: 100, maxConnectionsPerIp: 50, idleTimeoutSeconds: 30, greetingDelayMs: 0 },
    insecureAuth: false,
    allowExpn: false,
    senderChecks: false,
    dmarcReject: false,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
  };
  smtp = new SmtpFrontEnd(ctx, await testCertificate());
  [{ port: mxPort }] = await smtp.listen([{ kind: 'mx', host: '127.0.0.1', port: 0 }]);
});

afterAll(async () => {
  await smtp?.close();
  await api?.stop();
});

/** Sends one message with Python's smtplib; resolves after the server's 250 to DATA. */
async function sendOverSmtp(to: string, subject: string, body: string): Promise<void> {
  const script = [
    'import smtplib, sys',
    'from email.message import EmailMessage',
    'm = EmailMessage()',
    "m['From'] = 'Quentin Sender <quentin@remote.example>'",
    'm["To"] = sys.argv[2]',
    'm["Subject"] = sys.argv[3]',
    'm.set_content(sys.argv[4])',
    's = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))',
    's.send_message(m)',
    's.quit()',
  ].join('\n');
  await run('python3', ['-c', script, String(mxPort), to, subject, body]);
}

async function loggedIn(address: string, password: string): Promise<Client> {
  const client = new Client(api.base);
  await client.login(address, password);
  return client;
}

const subjects = async (c: Client, q: string) =>
  (await c.json<{ items: { subject: string }[] }>('GET', `/api/search?q=${encodeURIComponent(q)}`)).items.map((i) => i.subject).sort();

describe('lazy full-text index', () => {
  it('delivery leaves the vector unfilled, and a search right after the 250 still finds the message by body, subject and sender', async () => {
    await sendOverSmtp('alice@index.test', 'Harbour schedule', 'The zanzibarquokka ferry leaves at noon.');
    expect(await api.db.store.searchIndex.pending({ accountId: aliceId })).toBe(true);
    const alice = await loggedIn('alice@index.test', 'alice-password');
    expect(await subjects(alice, 'zanzibarquokka')).toEqual(['Harbour schedule']);
    expect(await api.db.store.searchIndex.pending({ accountId: aliceId })).toBe(false);
    expect(await subjects(alice, 'harbour')).toEqual(['Harbour schedule']);
    expect(await subjects(alice, 'quentin')).toEqual(['Harbour schedule']);
    expect(await subjects(alice, 'nothingmatchesthis')).toEqual([]);
  });

  it('the worker filler indexes new mail before anyone searches', async () => {
    await sendOverSmtp('bob@index.test', 'Quarterly numbers', 'Attached: the wombatledger figures.');
    expect(await api.db.store.searchIndex.pending({ accountId: bobId })).toBe(true);
    expect(await fillSearchIndexOnce(api.db.store)).toBeGreaterThanOrEqual(1);
    expect(await api.db.store.searchIndex.pending()).toBe(false);
    // Nothing is left to fill, so this search reads what the worker wrote.
    expect(await subjects(await loggedIn('bob@index.test', 'bob-password'), 'wombatledger')).toEqual(['Quarterly numbers']);
    expect(await fillSearchIndexOnce(api.db.store)).toBe(0);
  });

  it('concurrent fillers share the work (SKIP LOCKED): every row filled exactly once', async () => {
    const bobInbox = (await api.db.store.mailboxes.findByName(bobId, 'INBOX'))!.id;
    const items = Array.from({ length: 450 }, (_, i) => ({ raw: sampleMessage(1000 + i, { subject: `bulk ${i}`, body: `bulkword${i} shared` }) }));
    await api.db.store.messages.append(bobInbox, items);
    const fillers = await Promise.all([fillSearchIndexOnce(api.db.store), fillSearchIndexOnce(api.db.store), fillSearchIndexOnce(api.db.store)]);
    expect(fillers.reduce((a, b) => a + b, 0)).toBe(450);
    expect(await api.db.store.searchIndex.pending()).toBe(false);
    const bob = await loggedIn('bob@index.test', 'bob-password');
    expect(await subjects(bob, 'bulkword449')).toEqual(['bulk 449']);
  });

  it('a COPY of a not-yet-indexed message stays unindexed and is found after the fill', async () => {
    await sendOverSmtp('alice@index.test', 'Copied note', 'keyword platypusarchive inside');
    const inbox = (await api.db.store.mailboxes.findByName(aliceId, 'INBOX'))!.id;
    const archive = (await api.db.store.mailboxes.create(aliceId, 'Kept')).id;
    const uid = (await api.db.store.messages.list(inbox)).at(-1)!.uid;
    await api.db.store.messages.copy(inbox, [uid], archive);
    expect(await api.db.store.searchIndex.pending({ accountId: aliceId, mailboxId: archive })).toBe(true);
    const alice = await loggedIn('alice@index.test', 'alice-password');
    const found = await alice.json<{ items: { subject: string; mailboxId: number }[] }>('GET', `/api/search?q=platypusarchive`);
    expect(found.items.map((i) => i.mailboxId).sort()).toEqual([inbox, archive].sort());
  });
});
