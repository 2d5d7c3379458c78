import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap, startImapServer, type ImapTestServer } from './imap-harness';

// RFC 3501 6.4.4: string keys match case-insensitive substrings; SENT* use the date as written.
let t: ImapTestServer;
let c: RawImap;

const lines = (...l: string[]) => Buffer.from(l.join('\r\n'));
const MESSAGES = [
  // 1: plain ASCII, the word "Thunderbird" to be found from inside
  lines('From: Ann <ann@example.test>', 'To: bob@example.test', 'Subject: Weekly Thunderbird notes', 'Date: Tue, 01 Dec 2026 23:30:00 -0500', '', 'The QuickBrown fox jumps.', ''),
  // 2: quoted-printable UTF-8 body and an encoded-word subject with non-ASCII letters
  lines(
    'From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@example.test>',
    'To: ann@example.test',
    'Subject: =?utf-8?q?=C3=9Cber_die_Stra=C3=9Fe?=',
    'Date: Wed, 2 Dec 2026 00:15:00 +1300',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=C3=BC=C3=9Fe aus K=C3=96LN, sch=C3=B6ne Gr=C3=BC=C3=9Fe.',
    '',
  ),
  // 3: base64 body (the raw bytes do not contain the words) and a folded header
  lines(
    'From: carol@example.test',
    'To: ann@example.test',
    'Subject: Base64',
    '  folded continuation',
    'Date: 30 Nov 26 10:00 +0000',
    'X-Ticket: ABC-123.x',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('Secret Password Reset instructions\r\n').toString('base64'),
    '',
  ),
];

beforeAll(async () => {
  t = await startImapServer();
  const inbox = (await t.store.mailboxes.findByName(t.aliceId, 'INBOX'))!.id;
  await t.store.messages.append(inbox, MESSAGES.map((raw) => ({ raw, internalDate: new Date('2026-12-05T12:00:00Z') })));
  c = await RawImap.connect(t.port);
  await c.login();
  expect(await c.command('s', 'SELECT INBOX')).toMatch(/s OK/);
});

afterAll(async () => {
  c?.close();
  await t?.close();
});

let n = 0;
async function search(criteria: string | Buffer): Promise<string> {
  const tag = `q${++n}`;
  const r = typeof criteria === 'string' ? await c.command(tag, `SEARCH ${criteria}`) : await literalSearch(tag, criteria);
  const m = new RegExp(`^\\* SEARCH([\\d ]*)\\r\\n${tag} OK`).exec(r);
  if (!m) throw new Error(`${criteria.toString()}: ${r}`);
  return m[1]!.trim();
}

/** SEARCH CHARSET UTF-8 BODY {n}: the string sent as a literal (8-bit), as RFC 3501 clients do. */
async function literalSearch(tag: string, text: Buffer): Promise<string> {
  c.write(`${tag} SEARCH CHARSET UTF-8 TEXT {${text.length}}\r\n`);
  await c.until((x) => x.startsWith('+ '));
  c.take();
  c.write(Buffer.concat([text, Buffer.from('\r\n')]));
  return c.response(tag);
}

describe('SEARCH string keys: case-insensitive substrings of the decoded text', () => {
  it('BODY and TEXT find substrings inside words, in any case', async () => {
    expect(await search('BODY quickbrown')).toBe('1');
    expect(await search('BODY ICKBRO')).toBe('1');
    expect(await search('BODY "fox jum"')).toBe('1');
    expect(await search('TEXT thunder')).toBe('1');
    expect(await search('TEXT BIRD')).toBe('1');
    expect(await search('BODY thunderbird')).toBe('');
    expect(await search('BODY nothing-like-this')).toBe('');
  });

  it('a message delivered after the first text search is searchable too', async () => {
    const inbox = (await t.store.mailboxes.findByName(t.aliceId, 'INBOX'))!.id;
    await t.store.messages.append(inbox, [{ raw: lines('From: dan@example.test', 'Subject: Late', '', 'A LateComer arrives.', ''), internalDate: new Date('2026-12-05T12:00:00Z') }]);
    expect(await c.command('n1', 'NOOP')).toContain('* 4 EXISTS\r\n');
    expect(await search('BODY atecome')).toBe('4');
    expect(await search('TEXT LATE')).toBe('4');
    expect(await c.command('n2', 'STORE 4 +FLAGS.SILENT (\\Deleted)')).toMatch(/n2 OK/);
    expect(await c.command('n3', 'EXPUNGE')).toBe('* 4 EXPUNGE\r\nn3 OK EXPUNGE completed\r\n');
  });

  it('decodes base64 and quoted-printable bodies before matching', async () => {
    expect(await search('BODY "password reset"')).toBe('3');
    expect(await search('BODY SSWOR')).toBe('3');
    expect(await search('TEXT instructions')).toBe('3');
  });

  it('matches non-ASCII text case-insensitively with CHARSET UTF-8 (quoted and literal strings)', async () => {
    expect(await search('CHARSET UTF-8 BODY "grüße"')).toBe('2');
    expect(await search('CHARSET UTF-8 BODY "köln"')).toBe('2');
    expect(await search('CHARSET UTF-8 BODY "SCHÖNE"')).toBe('2');
    expect(await search('CHARSET UTF-8 SUBJECT "über"')).toBe('2');
    expect(await search('CHARSET UTF-8 SUBJECT "STRASSE"')).toBe('');
    expect(await search('CHARSET UTF-8 SUBJECT "straße"')).toBe('2');
    expect(await search('CHARSET UTF-8 FROM "müller"')).toBe('2');
    expect(await search(Buffer.from('JÜRGEN'))).toBe('2');
  });

  it('header keys match within their own field only, unfolded and decoded', async () => {
    expect(await search('SUBJECT weekly')).toBe('1');
    expect(await search('SUBJECT "base64  folded cont"')).toBe('3');
    expect(await search('SUBJECT ann')).toBe('');
    expect(await search('FROM ANN')).toBe('1');
    expect(await search('TO ann')).toBe('2 3');
    expect(await search('HEADER x-ticket "c-123.X"')).toBe('3');
    expect(await search('HEADER X-TICKET ""')).toBe('3');
    expect(await search('HEADER x-ticket "c-123*"')).toBe('');
    expect(await search('HEADER subject "(.*)"')).toBe('');
    expect(await search('TEXT "abc-123"')).toBe('3');
    expect(await search('CHARSET UTF-8 OR SUBJECT weekly BODY "GRÜSSE"')).toBe('1');
    expect(await search('CHARSET UTF-8 OR SUBJECT weekly BODY "GRÜßE"')).toBe('1 2');
  });
});

describe('SENTBEFORE / SENTON / SENTSINCE: the date as written in the Date header', () => {
  it('ignores time and timezone', async () => {
    // 1: 1-Dec-2026 23:30 -0500 is 2-Dec in UTC; 2: 2-Dec-2026 00:15 +1300 is 1-Dec in UTC.
    expect(await search('SENTON 1-Dec-2026')).toBe('1');
    expect(await search('SENTON 2-Dec-2026')).toBe('2');
    expect(await search('SENTBEFORE 2-Dec-2026')).toBe('1 3');
    expect(await search('SENTSINCE 2-Dec-2026')).toBe('2');
    expect(await search('SENTSINCE 1-Dec-2026')).toBe('1 2');
    // two-digit year (RFC 5322 4.3 obsolete syntax): 30 Nov 26 is 2026
    expect(await search('SENTON 30-Nov-2026')).toBe('3');
  });
});
