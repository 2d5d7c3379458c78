import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotInstance } from '../bench/lib/dovecot';
import { ALICE, RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/**
 * SORT (RFC 5256), DISPLAY sort (RFC 5957), ESORT (RFC 5267), THREAD=ORDEREDSUBJECT/REFERENCES
 * (RFC 5256): raw transcripts, Python imaplib, and a differential run against Debian's Dovecot.
 */
const run = promisify(execFile);
let t: ImapTestServer;

function message(fields: { subject: string; from: string; date?: string; id: string; inReplyTo?: string; references?: string; cc?: string; body?: string }): string {
  return [
    `From: ${fields.from}`,
    'To: alice@example.test',
    ...(fields.cc ? [`Cc: ${fields.cc}`] : []),
    `Subject: ${fields.subject}`,
    ...(fields.date ? [`Date: ${fields.date}`] : []),
    `Message-ID: ${fields.id}`,
    ...(fields.inReplyTo ? [`In-Reply-To: ${fields.inReplyTo}`] : []),
    ...(fields.references ? [`References: ${fields.references}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    fields.body ?? 'Hello.',
    '',
  ].join('\r\n');
}

/** Arrival order = UID order; internal dates fixed so both servers see the same mailbox. */
const CORPUS: { raw: string; internal: string }[] = [
  { raw: message({ subject: 'Re: Lunch', from: 'Zed <zed@example.test>', date: 'Sat, 3 Jan 2026 10:00:00 +0000', id: '<a1@x>', inReplyTo: '<a0@x>', body: 'x'.repeat(300) }), internal: '10-Jan-2026 10:00:00 +0000' },
  { raw: message({ subject: 'Lunch', from: 'amy@example.test', date: 'Thu, 1 Jan 2026 10:00:00 +0000', id: '<a0@x>', cc: 'Dan <dan@example.test>' }), internal: '10-Jan-2026 11:00:00 +0000' },
  { raw: message({ subject: 'Budget (fwd)', from: 'Bob <bob@example.test>', date: 'Fri, 2 Jan 2026 10:00:00 +0000', id: '<b1@x>', body: 'y'.repeat(900) }), internal: '10-Jan-2026 12:00:00 +0000' },
  { raw: message({ subject: 'Budget', from: 'Carl <carl@example.test>', date: 'Mon, 5 Jan 2026 10:00:00 +0000', id: '<b0@x>', cc: 'Amy <amy@example.test>' }), internal: '10-Jan-2026 13:00:00 +0000' },
  { raw: message({ subject: 'Re: Re: Lunch', from: 'Amy <amy@example.test>', date: 'Sun, 4 Jan 2026 10:00:00 +0000', id: '<a2@x>', inReplyTo: '<a1@x>', references: '<a0@x> <a1@x>', body: 'z'.repeat(600) }), internal: '10-Jan-2026 14:00:00 +0000' },
  { raw: message({ subject: 'zebra', from: 'bob@example.test', id: '<c0@x>' }), internal: '20-Jan-2026 10:00:00 +0000' },
  { raw: message({ subject: 'Re: Budget', from: 'Eve <eve@example.test>', date: 'Tue, 6 Jan 2026 10:00:00 +0000', id: '<b2@x>', inReplyTo: '<b0@x>', references: '<b0@x>' }), internal: '10-Jan-2026 15:00:00 +0000' },
];

async function appendCorpus(c: RawImap, mailbox: string): Promise<void> {
  await c.command('p0', `CREATE ${mailbox}`);
  for (const [i, m] of CORPUS.entries()) {
    const r = await c.command(`p${i + 1}`, `APPEND ${mailbox} "${m.internal}" {${Buffer.byteLength(m.raw)}+}\r\n${m.raw}`);
    if (!/ OK /.test(r)) throw new Error(`append failed: ${r}`);
  }
}

/** RFC 4731 fixes the ESEARCH items, not their order: compare them sorted. */
function normalize(line: string): string {
  const m = /^(\* ESEARCH \(TAG "[^"]*"\)(?: UID)?) (.*)$/.exec(line);
  if (!m) return line;
  const words = m[2]!.split(' ');
  const pairs: string[] = [];
  for (let i = 0; i < words.length; i += 2) pairs.push(`${words[i]} ${words[i + 1]}`);
  return `${m[1]} ${pairs.sort().join(' ')}`;
}

/** Commands whose answers the RFCs fix; compared line by line between the servers. */
const SCRIPT = [
  'SORT (SUBJECT) UTF-8 ALL',
  'SORT (DATE) UTF-8 ALL',
  'SORT (REVERSE DATE) UTF-8 ALL',
  'SORT (ARRIVAL) UTF-8 ALL',
  'SORT (REVERSE ARRIVAL) UTF-8 ALL',
  'SORT (FROM) UTF-8 ALL',
  'SORT (TO ARRIVAL) UTF-8 ALL',
  'SORT (CC) UTF-8 ALL',
  'SORT (SIZE) UTF-8 ALL',
  'SORT (REVERSE SIZE) UTF-8 ALL',
  'SORT (SUBJECT REVERSE DATE) UTF-8 ALL',
  'SORT (DISPLAYFROM) UTF-8 ALL',
  'UID SORT (SUBJECT) UTF-8 NOT FROM zed',
  'SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL',
  'THREAD ORDEREDSUBJECT UTF-8 ALL',
  'THREAD REFERENCES UTF-8 ALL',
  'UID THREAD REFERENCES UTF-8 SINCE 1-Jan-2026',
  'SEARCH RETURN (MIN MAX COUNT ALL) OR FROM amy FROM bob',
  'SEARCH FROM amy',
  'SEARCH LARGER 700',
];

async function answers(c: RawImap): Promise<string[]> {
  const out: string[] = [];
  for (const [i, command] of SCRIPT.entries()) {
    const r = await c.command(`q${i}`, command);
    // Only the untagged answer lines; the TAG correlator differs by nothing but is kept.
    out.push(
      r
        .split('\r\n')
        .filter((l) => /^\* (SORT|THREAD|SEARCH|ESEARCH)\b/.test(l))
        .map(normalize)
        .join('\n'),
    );
  }
  return out;
}

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

describe('SORT / THREAD raw transcripts', () => {
  it('advertises SORT, SORT=DISPLAY, ESORT, THREAD=ORDEREDSUBJECT and THREAD=REFERENCES, and sorts and threads by RFC 5256', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    expect(await c.command('a0', 'CAPABILITY')).toMatch(/ SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES/);
    await appendCorpus(c, 'st-raw');
    await c.command('a1', 'SELECT st-raw');
    const line = async (tag: string, text: string) => (await c.command(tag, text)).split('\r\n')[0];
    // Base subjects (RFC 5256 2.1): budget (3, 4, 7), lunch (1, 2, 5), zebra (6); ties by sequence number.
    expect(await line('b1', 'SORT (SUBJECT) UTF-8 ALL')).toBe('* SORT 3 4 7 1 2 5 6');
    // No Date header: the internal date stands in (6 is last).
    expect(await line('b2', 'SORT (DATE) UTF-8 ALL')).toBe('* SORT 2 3 1 5 4 7 6');
    expect(await line('b3', 'SORT (REVERSE DATE) UTF-8 ALL')).toBe('* SORT 6 7 4 5 1 3 2');
    expect(await line('b4', 'SORT (ARRIVAL) UTF-8 ALL')).toBe('* SORT 1 2 3 4 5 7 6');
    // FROM: the addr-mailbox (amy 2 5, bob 3 6, carl 4, eve 7, zed 1).
    expect(await line('b5', 'SORT (FROM) UTF-8 ALL')).toBe('* SORT 2 5 3 6 4 7 1');
    // DISPLAYFROM (RFC 5957): display name, else the address: Amy, amy@..., Bob, bob@..., Carl, Eve, Zed.
    expect(await line('b6', 'SORT (DISPLAYFROM) UTF-8 ALL')).toBe('* SORT 5 2 3 6 4 7 1');
    expect(await line('b7', 'SORT (SIZE) UTF-8 ALL')).toMatch(/^\* SORT (\d )+3$/);
    expect(await line('b8', 'UID SORT (REVERSE SIZE) UTF-8 ALL')).toMatch(/^\* SORT 3 5 1 /);
    expect(await line('b9', 'SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL')).toBe('* ESEARCH (TAG "b9") MIN 2 MAX 6 COUNT 7 ALL 2:3,1,5,4,7,6');
    expect(await line('b10', 'THREAD ORDEREDSUBJECT UTF-8 ALL')).toBe('* THREAD (2 (1)(5))(3 (4)(7))(6)');
    // REFERENCES: 2 <- 1 <- 5 by references; 4 <- 7 by In-Reply-To; 3 shares the base subject with 4.
    // "Budget (fwd)" has base subject "budget" (subj-trailer), so 3 joins 4's thread as a child.
    expect(await line('b11', 'THREAD REFERENCES UTF-8 ALL')).toBe('* THREAD (2 1 5)(4 (3)(7))(6)');
    expect(await line('b12', 'UID THREAD REFERENCES UTF-8 FROM nobody')).toBe('* THREAD');
    expect(await line('b13', 'SORT (FROBNICATE) UTF-8 ALL')).toMatch(/^b13 BAD /);
    expect(await line('b14', 'SORT (SUBJECT) ALL')).toMatch(/^b14 BAD /);
    expect(await line('b15', 'SORT (SUBJECT) KOI8-R ALL')).toMatch(/^b15 NO \[BADCHARSET/);
    expect(await line('b16', 'THREAD FANCY UTF-8 ALL')).toMatch(/^b16 BAD /);
    expect(await line('b17', 'SORT (REVERSE) UTF-8 ALL')).toMatch(/^b17 BAD /);
    c.close();
  });

  it('Python imaplib: sort(), thread() and an ESEARCH through uid()', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    await appendCorpus(c, 'st-python');
    c.close();
    const script = `
import imaplib, sys
M = imaplib.IMAP4('127.0.0.1', ${t.port})
M.login(${JSON.stringify(ALICE.address)}, ${JSON.stringify(ALICE.password)})
M.select('st-python')
print('SORT', M.sort('(REVERSE ARRIVAL)', 'UTF-8', 'ALL')[1][0].decode())
print('THREAD', M.thread('ORDEREDSUBJECT', 'UTF-8', 'ALL')[1][0].decode())
typ, dat = M.uid('SEARCH', 'RETURN', '(COUNT MIN)', 'FROM', 'amy')
print('ESEARCH', typ, M.response('ESEARCH')[1][0].decode())
M.logout()
`;
    const { stdout } = await run('python3', ['-c', script]);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines[0]).toBe('SORT 6 7 5 4 3 2 1');
    expect(lines[1]).toBe('THREAD (2 (1)(5))(3 (4)(7))(6)');
    expect(lines[2]).toMatch(/^ESEARCH OK \(TAG "\w+"\) UID MIN 2 COUNT 2$/);
    expect(lines).toHaveLength(3);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('differential: the same script against Dovecot and Mailstead', () => {
  let dovecot: DovecotInstance | undefined;

  afterAll(async () => {
    await dovecot?.stop();
  });

  it('gives the same sort orders, thread trees and search results', async () => {
    dovecot = await startDovecot({ imapPort: await freePort(), pop3Port: await freePort(), users: [{ name: 'diff', password: 'diff-pw' }] });
    const ours = await RawImap.connect(t.port);
    await ours.login();
    await appendCorpus(ours, 'st-diff');
    await ours.command('s1', 'SELECT st-diff');
    const theirs = await RawImap.connect(dovecot.imapPort);
    expect(await theirs.command('l1', 'LOGIN diff diff-pw')).toMatch(/l1 OK/);
    await appendCorpus(theirs, 'st-diff');
    await theirs.command('s1', 'SELECT st-diff');
    const a = await answers(ours);
    const b = await answers(theirs);
    const rows = SCRIPT.map((command, i) => ({ command, mailstead: a[i], dovecot: b[i] }));
    expect(rows).toEqual(SCRIPT.map((command, i) => ({ command, mailstead: b[i], dovecot: b[i] })));
    ours.close();
    theirs.close();
  });
});
