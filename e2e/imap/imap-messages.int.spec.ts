import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { RawImap, startImapServer, type ImapTestServer } from './imap-harness';

let t: ImapTestServer;
let inboxId: number;

const MULTIPART = Buffer.from(
  [
    'From: "Carol" <carol@example.test>',
    'To: alice@example.test, Dave <dave@example.test>',
    'Cc: erin@example.test',
    'Subject: =?utf-8?q?Quarterly_r=C3=A9port?=',
    'Date: Mon, 02 Nov 2026 09:30:00 +0100',
    'Message-ID: <multi-1@example.test>',
    'X-Tracking: banana-42',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Here is the report about zebras.',
    '--b1',
    'Content-Type: message/rfc822',
    '',
    'From: inner@example.test',
    'Subject: Inner',
    'Content-Type: text/plain',
    '',
    'Inner body.',
    '--b1',
    'Content-Type: application/octet-stream; name="data.bin"',
    'Content-Disposition: attachment; filename="data.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    'AAECAwQ=',
    '--b1--',
    '',
  ].join('\r\n'),
);

beforeAll(async () => {
  t = await startImapServer();
  inboxId = (await t.store.mailboxes.findByName(t.aliceId, 'INBOX'))!.id;
  await t.store.messages.append(inboxId, [
    { raw: sampleMessage(1, { subject: 'Hello apples' }), internalDate: new Date('2026-11-01T10:00:00Z') },
    { raw: sampleMessage(2, { subject: 'Pears for lunch', from: 'Bob <bob@example.test>' }), flags: ['\\Seen'], internalDate: new Date('2026-11-05T10:00:00Z') },
    { raw: MULTIPART, flags: ['\\Flagged', '$Important'], internalDate: new Date('2026-11-10T10:00:00Z') },
  ]);
});

afterAll(async () => {
  await t?.close();
});

async function selected(mailbox = 'INBOX'): Promise<RawImap> {
  const c = await RawImap.connect(t.port);
  await c.login();
  const r = await c.command('s0', `SELECT ${mailbox}`);
  if (!/s0 OK/.test(r)) throw new Error(r);
  return c;
}

describe('SELECT / EXAMINE', () => {
  it('reports flags, counts, first unseen, UIDVALIDITY and UIDNEXT', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    const r = await c.command('a1', 'SELECT inbox');
    // The system flags and the keyword message 3 carries (RFC 3501 7.2.6).
    expect(r).toContain('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)\r\n');
    expect(r).toContain('* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important \\*)]');
    expect(r).toContain('* 3 EXISTS\r\n');
    // The first SELECT is told about the three messages: they are \Recent here (RFC 3501 2.3.2).
    expect(r).toContain('* 3 RECENT\r\n');
    expect(r).toContain('* OK [UNSEEN 1]');
    expect(r).toMatch(/\* OK \[UIDVALIDITY \d+\]/);
    expect(r).toContain('* OK [UIDNEXT 4]');
    expect(r).toMatch(/a1 OK \[READ-WRITE\] SELECT completed\r\n$/);
    const e = await c.command('a2', 'EXAMINE INBOX');
    expect(e).toContain('[PERMANENTFLAGS ()]');
    expect(e).toMatch(/a2 OK \[READ-ONLY\]/);
    expect(await c.command('a3', 'STORE 1 +FLAGS (\\Seen)')).toMatch(/^a3 NO \[READ-ONLY\]/);
    expect(await c.command('a4', 'FETCH 1 BODY[]')).not.toMatch(/FLAGS/);
    // A failed SELECT still closes the selected mailbox (RFC 3501 6.3.1), said with [CLOSED] (RFC 7162 3.2.11).
    expect(await c.command('a5', 'SELECT Nope')).toMatch(/^\* OK \[CLOSED\] [^\r]*\r\na5 NO \[NONEXISTENT\]/);
    expect(await c.command('a6', 'FETCH 1 FLAGS')).toMatch(/^a6 BAD/);
    c.close();
  });
});

describe('FETCH', () => {
  it('returns FLAGS, INTERNALDATE, RFC822.SIZE, UID, ENVELOPE and macros', async () => {
    const c = await selected();
    const r = await c.command('f1', 'FETCH 1:2 (UID FLAGS INTERNALDATE RFC822.SIZE)');
    expect(r).toMatch(/^\* 1 FETCH \(UID 1 FLAGS \(\) INTERNALDATE "01-Nov-2026 10:00:00 \+0000" RFC822.SIZE \d+\)\r\n\* 2 FETCH \(UID 2 FLAGS \(\\Seen\) /);
    const env = await c.command('f2', 'FETCH 3 ENVELOPE');
    expect(env).toContain(
      '* 3 FETCH (ENVELOPE ("Mon, 02 Nov 2026 09:30:00 +0100" "=?utf-8?q?Quarterly_r=C3=A9port?=" (("Carol" NIL "carol" "example.test")) (("Carol" NIL "carol" "example.test")) (("Carol" NIL "carol" "example.test")) ((NIL NIL "alice" "example.test")("Dave" NIL "dave" "example.test")) ((NIL NIL "erin" "example.test")) NIL NIL "<multi-1@example.test>"))',
    );
    const all = await c.command('f3', 'FETCH 1 ALL');
    expect(all).toMatch(/^\* 1 FETCH \(FLAGS \(\) INTERNALDATE ".*" RFC822.SIZE \d+ ENVELOPE \(/);
    expect(await c.command('f4', 'FETCH 1 FAST')).toMatch(/^\* 1 FETCH \(FLAGS \(\) INTERNALDATE ".*" RFC822.SIZE \d+\)\r\n/);
    expect(await c.command('f5', 'FETCH 9 FLAGS')).toMatch(/^f5 BAD/);
    expect(await c.command('f6', 'FETCH 1 (BOGUS)')).toMatch(/^f6 BAD/);
    expect(await c.command('f7', 'UID FETCH 2:* FLAGS')).toMatch(/^\* 2 FETCH \(UID 2 FLAGS \(\\Seen\)\)\r\n\* 3 FETCH \(UID 3 FLAGS \(\\Flagged \$Important\)\)\r\nf7 OK/);
    expect(await c.command('f8', 'UID FETCH 100:200 FLAGS')).toBe('f8 OK FETCH completed\r\n');
    c.close();
  });

  it('returns BODYSTRUCTURE with extension data and BODY without', async () => {
    const c = await selected();
    const r = await c.command('b1', 'FETCH 3 BODYSTRUCTURE');
    expect(r).toContain('("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" ');
    expect(r).toContain('("MESSAGE" "RFC822" NIL NIL NIL "7BIT" ');
    expect(r).toContain('("APPLICATION" "OCTET-STREAM" ("NAME" "data.bin") NIL NIL "BASE64" 8 NIL ("ATTACHMENT" ("FILENAME" "data.bin")) NIL NIL)');
    expect(r).toMatch(/ "MIXED" \("BOUNDARY" "b1"\) NIL NIL NIL\)\)\r\n/);
    const b = await c.command('b2', 'FETCH 3 BODY');
    expect(b).toMatch(/"OCTET-STREAM" \("NAME" "data.bin"\) NIL NIL "BASE64" 8\) "MIXED"\)\)\r\n/);
    const simple = await c.command('b3', 'FETCH 1 BODYSTRUCTURE');
    expect(simple).toMatch(/^\* 1 FETCH \(BODYSTRUCTURE \("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "7BIT" \d+ \d+ NIL NIL NIL NIL\)\)/);
    c.close();
  });

  it('returns body sections, partials and the RFC822 forms; non-PEEK sets \\Seen', async () => {
    const c = await selected();
    const header = await c.command('c1', 'FETCH 3 BODY.PEEK[HEADER.FIELDS (Subject X-Tracking)]');
    expect(header).toBe('* 3 FETCH (BODY[HEADER.FIELDS (Subject X-Tracking)] {69}\r\nSubject: =?utf-8?q?Quarterly_r=C3=A9port?=\r\nX-Tracking: banana-42\r\n\r\n)\r\nc1 OK FETCH completed\r\n');
    const not = await c.command('c2', 'FETCH 3 BODY.PEEK[HEADER.FIELDS.NOT (Subject X-Tracking Content-Type)]');
    expect(not).not.toContain('Subject:');
    expect(not).toContain('Message-ID: <multi-1@example.test>');
    expect(await c.command('c3', 'FETCH 3 BODY.PEEK[1]')).toContain('BODY[1] {32}\r\nHere is the report about zebras.)');
    expect(await c.command('c4', 'FETCH 3 BODY.PEEK[2.HEADER]')).toContain('BODY[2.HEADER] {70}\r\nFrom: inner@example.test\r\nSubject: Inner\r\nContent-Type: text/plain\r\n\r\n)');
    expect(await c.command('c5', 'FETCH 3 BODY.PEEK[2.1]')).toContain('BODY[2.1] {11}\r\nInner body.)');
    expect(await c.command('c6', 'FETCH 3 BODY.PEEK[3.MIME]')).toContain('BODY[3.MIME] {');
    expect(await c.command('c7', 'FETCH 3 BODY.PEEK[2.TEXT]')).toContain('BODY[2.TEXT] {11}\r\nInner body.)');
    expect(await c.command('c8', 'FETCH 3 BODY.PEEK[]<0.4>')).toContain('BODY[]<0> {4}\r\nFrom)');
    expect(await c.command('c9', 'FETCH 3 BODY.PEEK[1]<5.200>')).toContain('BODY[1]<5> {27}\r\nis the report about zebras.)');
    expect(await c.command('c10', 'FETCH 3 BODY.PEEK[9]')).toContain('BODY[9] {0}\r\n)');
    expect(await c.command('c11', 'FETCH 3 BODY.PEEK[HEADER.FIELDS ()]')).toMatch(/^c11 BAD/);
    const rfc = await c.command('c12', 'FETCH 1 (RFC822.HEADER)');
    expect(rfc).toMatch(/^\* 1 FETCH \(RFC822.HEADER \{\d+\}\r\nFrom: /);
    expect(rfc).not.toContain('\\Seen');
    const text = await c.command('c13', 'FETCH 1 BODY[TEXT]');
    expect(text).toContain('* 1 FETCH (FLAGS (\\Seen) BODY[TEXT] {17}\r\nHello number 1.\r\n)');
    const whole = await c.command('c14', 'UID FETCH 1 RFC822');
    expect(whole).toMatch(/^\* 1 FETCH \(UID 1 RFC822 \{\d+\}\r\nFrom: Alice/);
    expect(await c.command('c15', 'STORE 1 -FLAGS.SILENT (\\Seen)')).toBe('c15 OK STORE completed\r\n');
    c.close();
  });
});

describe('SEARCH', () => {
  it('evaluates RFC 3501 keys in the store', async () => {
    const c = await selected();
    const s = async (criteria: string) => {
      const r = await c.command('q', `SEARCH ${criteria}`);
      const m = /^\* SEARCH([\d ]*)\r\nq OK/.exec(r);
      if (!m) throw new Error(`${criteria}: ${r}`);
      return m[1]!.trim();
    };
    expect(await s('ALL')).toBe('1 2 3');
    expect(await s('SEEN')).toBe('2');
    expect(await s('UNSEEN')).toBe('1 3');
    expect(await s('FLAGGED')).toBe('3');
    expect(await s('KEYWORD $Important')).toBe('3');
    expect(await s('UNKEYWORD $Important')).toBe('1 2');
    expect(await s('SUBJECT apples')).toBe('1');
    expect(await s('SUBJECT "réport"')).toBe('3');
    expect(await s('FROM bob')).toBe('2');
    expect(await s('TO dave')).toBe('3');
    expect(await s('CC erin')).toBe('3');
    expect(await s('HEADER X-Tracking banana')).toBe('3');
    expect(await s('HEADER X-Tracking ""')).toBe('3');
    expect(await s('BODY zebras')).toBe('3');
    expect(await s('BODY "number 2"')).toBe('2');
    expect(await s('TEXT banana')).toBe('3');
    expect(await s('TEXT zebras')).toBe('3');
    expect(await s('BEFORE 5-Nov-2026')).toBe('1');
    expect(await s('ON 5-Nov-2026')).toBe('2');
    expect(await s('SINCE 5-Nov-2026')).toBe('2 3');
    expect(await s('SENTBEFORE 10-Nov-2026')).toBe('3');
    expect(await s('SENTON 2-Nov-2026')).toBe('3');
    expect(await s('SENTSINCE 20-Nov-2026')).toBe('1 2');
    expect(await s('LARGER 500')).toBe('3');
    expect(await s('SMALLER 500')).toBe('1 2');
    expect(await s('OR SEEN FLAGGED')).toBe('2 3');
    expect(await s('NOT SEEN')).toBe('1 3');
    expect(await s('(SEEN) (NOT FLAGGED)')).toBe('2');
    expect(await s('2:*')).toBe('2 3');
    expect(await s('UID 1,3')).toBe('1 3');
    expect(await s('NOT (OR 1 UID 3)')).toBe('2');
    expect(await s('CHARSET UTF-8 SUBJECT pears')).toBe('2');
    expect(await s('NEW')).toBe('');
    expect(await s('OLD')).toBe('1 2 3');
    expect(await s('RECENT')).toBe('');
    expect(await s('ANSWERED')).toBe('');
    expect(await s('UNDELETED UNDRAFT UNANSWERED')).toBe('1 2 3');
    expect(await c.command('q2', 'SEARCH CHARSET KOI8-R ALL')).toMatch(/^q2 NO \[BADCHARSET \(UTF-8 US-ASCII\)\]/);
    expect(await c.command('q3', 'SEARCH BOGUS')).toMatch(/^q3 BAD/);
    expect(await c.command('q4', 'SEARCH BEFORE 31-Feb-2026')).toMatch(/^q4 BAD/);
    expect(await c.command('q5', 'UID SEARCH SUBJECT pears')).toBe('* SEARCH 2\r\nq5 OK SEARCH completed\r\n');
    c.close();
  });
});

describe('STORE, COPY, MOVE, EXPUNGE, APPEND', () => {
  it('STORE variants answer with the new flags; .SILENT does not', async () => {
    const c = await selected();
    // $Label1 is new to the mailbox: the updated FLAGS and PERMANENTFLAGS come first (RFC 3501 7.2.6).
    expect(await c.command('s1', 'STORE 1 +FLAGS (\\Answered $Label1)')).toBe(
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important $Label1)\r\n' +
        '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important $Label1 \\*)] Flags permitted\r\n' +
        '* 1 FETCH (FLAGS (\\Answered $Label1))\r\ns1 OK STORE completed\r\n',
    );
    expect(await c.command('s2', 'STORE 1 -FLAGS \\Answered')).toBe('* 1 FETCH (FLAGS ($Label1))\r\ns2 OK STORE completed\r\n');
    expect(await c.command('s3', 'UID STORE 1 FLAGS.SILENT ()')).toBe('s3 OK STORE completed\r\n');
    expect(await c.command('s4', 'UID STORE 1 FLAGS (\\Draft)')).toBe('* 1 FETCH (FLAGS (\\Draft) UID 1)\r\ns4 OK STORE completed\r\n');
    expect(await c.command('s5', 'STORE 1 FLAGS (\\Bogus)')).toMatch(/^s5 BAD/);
    expect(await c.command('s6', 'STORE 1 XFLAGS (\\Seen)')).toMatch(/^s6 BAD/);
    expect(await c.command('s7', 'STORE 1 FLAGS ()')).toBe('* 1 FETCH (FLAGS ())\r\ns7 OK STORE completed\r\n');
    c.close();
  });

  it('APPEND with flags and date answers APPENDUID; TRYCREATE for a missing mailbox', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    const msg = sampleMessage(50, { subject: 'Appended' });
    c.write(`p1 APPEND Drafts (\\Draft \\Seen) "05-Oct-2026 14:00:00 +0200" {${msg.length}}\r\n`);
    await c.until((b) => b.startsWith('+ '));
    c.take();
    c.write(Buffer.concat([msg, Buffer.from('\r\n')]));
    const r = await c.response('p1');
    expect(r).toMatch(/^p1 OK \[APPENDUID \d+ 1\] APPEND completed\r\n$/);
    expect(await c.command('p2', 'EXAMINE Drafts')).toContain('* 1 EXISTS');
    // Not claimed by any SELECT yet: EXAMINE shows it \Recent without claiming it (RFC 3501 6.3.2).
    expect(await c.command('p3', 'FETCH 1 (FLAGS INTERNALDATE)')).toContain('FLAGS (\\Seen \\Draft \\Recent) INTERNALDATE "05-Oct-2026 12:00:00 +0000"');
    c.write(`p4 APPEND Nope {${msg.length}+}\r\n`);
    c.write(Buffer.concat([msg, Buffer.from('\r\n')]));
    expect(await c.response('p4')).toMatch(/^p4 NO \[TRYCREATE\]/);
    expect(await c.command('p5', 'APPEND Drafts {0+}\r\n')).toMatch(/p5 NO/);
    c.close();
  });

  it('COPY and MOVE answer COPYUID; MOVE expunges the source; UID EXPUNGE and EXPUNGE remove \\Deleted', async () => {
    const box = (await t.store.mailboxes.create(t.aliceId, 'Scratch')).id;
    await t.store.messages.append(box, [1, 2, 3, 4, 5].map((n) => ({ raw: sampleMessage(100 + n) })));
    const c = await selected('Scratch');
    await c.command('x0', 'CREATE Target');
    expect(await c.command('x1', 'COPY 1:2 Target')).toMatch(/^x1 OK \[COPYUID \d+ 1:2 1:2\] COPY completed\r\n$/);
    expect(await c.command('x2', 'COPY 1 Missing')).toMatch(/^x2 NO \[TRYCREATE\]/);
    const moved = await c.command('x3', 'MOVE 2:3 Target');
    expect(moved).toMatch(/^\* OK \[COPYUID \d+ 2:3 3:4\] Moved\r\n\* 2 EXPUNGE\r\n\* 2 EXPUNGE\r\nx3 OK MOVE completed\r\n$/);
    expect(await c.command('x4', 'UID MOVE 5 Target')).toMatch(/\* OK \[COPYUID \d+ 5 5\] Moved\r\n\* 3 EXPUNGE\r\nx4 OK/);
    // left: UIDs 1 and 4 as sequence 1 and 2
    expect(await c.command('x5', 'STORE 1:2 +FLAGS.SILENT (\\Deleted)')).toBe('x5 OK STORE completed\r\n');
    expect(await c.command('x6', 'UID EXPUNGE 4')).toBe('* 2 EXPUNGE\r\nx6 OK EXPUNGE completed\r\n');
    expect(await c.command('x7', 'EXPUNGE')).toBe('* 1 EXPUNGE\r\nx7 OK EXPUNGE completed\r\n');
    expect(await c.command('x8', 'STATUS Target (MESSAGES)')).toContain('(MESSAGES 5)');
    expect(await c.command('x9', 'SELECT Target')).toContain('* 5 EXISTS');
    expect(await c.command('x10', 'STORE 5 +FLAGS.SILENT (\\Deleted)')).toMatch(/x10 OK/);
    expect(await c.command('x11', 'CLOSE')).toBe('x11 OK CLOSE completed\r\n');
    expect(await c.command('x12', 'STATUS Target (MESSAGES)')).toContain('(MESSAGES 4)');
    expect(await c.command('x13', 'EXPUNGE')).toMatch(/^x13 BAD/);
    await c.command('x14', 'SELECT Target');
    expect(await c.command('x15', 'STORE 4 +FLAGS.SILENT (\\Deleted)')).toMatch(/x15 OK/);
    expect(await c.command('x16', 'UNSELECT')).toBe('x16 OK UNSELECT completed\r\n');
    expect(await c.command('x17', 'STATUS Target (MESSAGES)')).toContain('(MESSAGES 4)');
    c.close();
  });
});

describe('several sessions on one mailbox', () => {
  it('NOOP reports EXISTS, FETCH FLAGS and EXPUNGE made by another session; IDLE pushes them at once', async () => {
    const box = (await t.store.mailboxes.create(t.aliceId, 'Shared')).id;
    await t.store.messages.append(box, [1, 2, 3].map((n) => ({ raw: sampleMessage(200 + n) })));
    // A first session takes \Recent for the three (tested in imap-recent.int.spec.ts).
    (await selected('Shared')).close();
    const a = await selected('Shared');
    const b = await selected('Shared');
    expect(await b.command('b1', 'STORE 2 +FLAGS.SILENT (\\Flagged)')).toMatch(/b1 OK/);
    expect(await a.command('a1', 'NOOP')).toBe('* 2 FETCH (UID 2 FLAGS (\\Flagged))\r\na1 OK NOOP completed\r\n');
    // FETCH must not be followed by EXPUNGE (RFC 3501 7.4.1); the next NOOP brings it.
    expect(await b.command('b2', 'STORE 1 +FLAGS.SILENT (\\Deleted)')).toMatch(/b2 OK/);
    expect(await b.command('b3', 'EXPUNGE')).toBe('* 1 EXPUNGE\r\nb3 OK EXPUNGE completed\r\n');
    const fetched = await a.command('a2', 'FETCH 1:3 UID');
    expect(fetched).not.toMatch(/^\* \d+ EXPUNGE/m);
    expect(fetched).toContain('* 2 FETCH (UID 2)');
    // The expunged one is left out, and the tagged reply says why (RFC 2180 4.1.2, RFC 5530).
    expect(fetched).toMatch(/a2 OK \[EXPUNGEISSUED\]/);
    expect(await a.command('a3', 'NOOP')).toContain('* 1 EXPUNGE\r\n');
    expect(await a.command('a4', 'FETCH 1:* UID')).toBe('* 1 FETCH (UID 2)\r\n* 2 FETCH (UID 3)\r\na4 OK FETCH completed\r\n');

    a.write('i1 IDLE\r\n');
    await a.until((x) => x.startsWith('+ '));
    a.take();
    await t.store.messages.append(box, [{ raw: sampleMessage(300) }]);
    await a.until((x) => x.includes('RECENT\r\n'));
    expect(a.take()).toBe('* 3 EXISTS\r\n* 1 RECENT\r\n');
    expect(await b.command('b4', 'STORE 1 +FLAGS.SILENT (\\Seen)')).toMatch(/b4 OK/);
    await a.until((x) => x.includes('FETCH'));
    expect(a.take()).toBe('* 1 FETCH (UID 2 FLAGS (\\Seen \\Flagged))\r\n');
    a.write('DONE\r\n');
    expect(await a.response('i1')).toBe('i1 OK IDLE terminated\r\n');
    expect(await a.command('a5', 'FETCH 3 (UID FLAGS)')).toBe('* 3 FETCH (UID 4 FLAGS (\\Recent))\r\na5 OK FETCH completed\r\n');
    a.close();
    b.close();
  });

  it('APPEND to the selected mailbox reports EXISTS; deleting it under another session ends that session', async () => {
    await t.store.mailboxes.create(t.aliceId, 'Doomed');
    const a = await selected('Doomed');
    const msg = sampleMessage(500);
    a.write(`d1 APPEND Doomed {${msg.length}+}\r\n`);
    a.write(Buffer.concat([msg, Buffer.from('\r\n')]));
    expect(await a.response('d1')).toMatch(/^\* 1 EXISTS\r\n\* 1 RECENT\r\nd1 OK \[APPENDUID \d+ 1\]/);
    const b = await RawImap.connect(t.port);
    await b.login();
    expect(await b.command('d2', 'DELETE Doomed')).toBe('d2 OK DELETE completed\r\n');
    a.write('d3 NOOP\r\n');
    await a.until(() => a.closed);
    expect(a.take()).toBe('* BYE Selected mailbox was deleted\r\n');
    b.close();
  });

  it('IDLE on server A sees a message appended through server B (another process on the same database)', async () => {
    const peer = await t.startPeer();
    const box = (await t.store.mailboxes.create(t.aliceId, 'CrossProcess')).id;
    const a = await selected('CrossProcess');
    a.write('i2 IDLE\r\n');
    await a.until((x) => x.startsWith('+ '));
    a.take();
    const b = await RawImap.connect(peer.port);
    await b.login();
    const msg = sampleMessage(400);
    b.write(`b1 APPEND CrossProcess {${msg.length}+}\r\n`);
    b.write(Buffer.concat([msg, Buffer.from('\r\n')]));
    expect(await b.response('b1')).toMatch(/b1 OK \[APPENDUID/);
    await a.until((x) => x.includes('EXISTS'));
    expect(a.take()).toContain('* 1 EXISTS\r\n');
    a.write('DONE\r\n');
    expect(await a.response('i2')).toBe('i2 OK IDLE terminated\r\n');
    expect(box).toBeGreaterThan(0);
    a.close();
    b.close();
    await peer.close();
  });
});
