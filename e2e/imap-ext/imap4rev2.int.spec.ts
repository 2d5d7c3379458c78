import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, imapflowClient, BOB, RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/**
 * IMAP4rev2 (RFC 9051) next to IMAP4rev1: a session follows RFC 3501 until ENABLE IMAP4rev2
 * (Appendix A), then RFC 9051: no \Recent, ESEARCH for every SEARCH, a LIST response and
 * [CLOSED] in SELECT, STATUS DELETED, UTF-8 mailbox names.
 */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

const message = (n: number, size = 0) => `From: sender@example.test\r\nTo: ${ALICE.address}\r\nSubject: message ${n}\r\n\r\nbody ${n}${'x'.repeat(size)}\r\n`;

async function append(c: RawImap, tag: string, mailbox: string, raw: string): Promise<string> {
  return c.command(tag, `APPEND ${mailbox} {${Buffer.byteLength(raw)}+}\r\n${raw}`);
}

async function rev2Session(user = ALICE): Promise<RawImap> {
  const c = await RawImap.connect(t.port);
  await c.login(user);
  expect(await c.command('e1', 'ENABLE IMAP4rev2')).toBe('* ENABLED IMAP4rev2\r\ne1 OK ENABLE completed\r\n');
  return c;
}

describe('IMAP4rev2 (RFC 9051)', () => {
  it('advertises both revisions; ENABLE IMAP4rev2 answers in its canonical spelling, once', async () => {
    const c = await RawImap.connect(t.port);
    expect(c.greeting).toMatch(/\[CAPABILITY IMAP4rev1 IMAP4rev2 /);
    await c.login();
    expect(await c.command('a1', 'ENABLE imap4REV2 X-UNKNOWN')).toBe('* ENABLED IMAP4rev2\r\na1 OK ENABLE completed\r\n');
    expect(await c.command('a2', 'ENABLE IMAP4rev2')).toBe('* ENABLED\r\na2 OK ENABLE completed\r\n');
    c.close();
  });

  it('SELECT: FLAGS, EXISTS and the LIST response, no RECENT or [UNSEEN]; the messages stay \\Recent for an IMAP4rev1 session', async () => {
    const writer = await RawImap.connect(t.port);
    await writer.login(BOB);
    for (let i = 1; i <= 3; i++) expect(await append(writer, `w${i}`, 'INBOX', message(i))).toMatch(/OK \[APPENDUID/);
    const c = await rev2Session(BOB);
    const select = await c.command('s1', 'SELECT INBOX');
    expect(select).toContain('* 3 EXISTS\r\n');
    expect(select).toContain('* LIST (\\HasNoChildren) "/" "INBOX"\r\n');
    expect(select).toMatch(/\* OK \[UIDVALIDITY \d+\]/);
    expect(select).toMatch(/\* OK \[UIDNEXT 4\]/);
    expect(select).not.toMatch(/RECENT|\[UNSEEN/);
    expect(select).toMatch(/s1 OK \[READ-WRITE\]/);
    const fetch = await c.command('f1', 'FETCH 1:* (FLAGS)');
    expect(fetch.match(/FETCH \(FLAGS \(\)\)/g)).toHaveLength(3);
    expect(fetch).not.toContain('\\Recent');
    // A new message while selected: EXISTS alone.
    expect(await append(writer, 'w4', 'INBOX', message(4))).toMatch(/OK/);
    const noop = await c.command('n1', 'NOOP');
    expect(noop).toContain('* 4 EXISTS\r\n');
    expect(noop).not.toContain('RECENT');
    // The rev2 session claimed nothing: an IMAP4rev1 SELECT gets all four as \Recent.
    const old = await RawImap.connect(t.port);
    await old.login(BOB);
    const oldSelect = await old.command('o1', 'SELECT INBOX');
    expect(oldSelect).toContain('* 4 RECENT\r\n');
    expect(oldSelect).toMatch(/\* OK \[UNSEEN 1\]/);
    expect(oldSelect).not.toContain('* LIST');
    old.close();
    writer.close();
    c.close();
  });

  it('SELECT of another mailbox reports [CLOSED]; the LIST response carries special-use and children attributes', async () => {
    const c = await rev2Session();
    expect(await c.command('c1', 'CREATE Sent/2026')).toMatch(/c1 OK/);
    await c.command('s1', 'SELECT INBOX');
    const second = await c.command('s2', 'EXAMINE Sent');
    expect(second.indexOf('* OK [CLOSED]')).toBe(0);
    expect(second).toContain('* LIST (\\HasChildren \\Sent) "/" "Sent"\r\n');
    expect(second).toMatch(/s2 OK \[READ-ONLY\]/);
    c.close();
  });

  it('SEARCH answers with ESEARCH (RETURN (ALL) when no options), UID SEARCH with UID, nothing found with the tag alone', async () => {
    const setup = await RawImap.connect(t.port);
    await setup.login();
    await setup.command('c0', 'CREATE Searching');
    for (let i = 1; i <= 5; i++) await append(setup, `a${i}`, 'Searching', message(i));
    setup.close();
    const c = await rev2Session();
    await c.command('s0', 'SELECT Searching');
    await c.command('st', 'STORE 2,4 +FLAGS (\\Flagged)');
    expect(await c.command('s1', 'SEARCH FLAGGED')).toBe('* ESEARCH (TAG "s1") ALL 2,4\r\ns1 OK SEARCH completed\r\n');
    expect(await c.command('s2', 'UID SEARCH UNFLAGGED')).toBe('* ESEARCH (TAG "s2") UID ALL 1,3,5\r\ns2 OK SEARCH completed\r\n');
    expect(await c.command('s3', 'SEARCH SUBJECT "no such subject"')).toBe('* ESEARCH (TAG "s3")\r\ns3 OK SEARCH completed\r\n');
    expect(await c.command('s4', 'SEARCH RETURN (MIN COUNT) ALL')).toBe('* ESEARCH (TAG "s4") MIN 1 COUNT 5\r\ns4 OK SEARCH completed\r\n');
    // An IMAP4rev1 session still gets the SEARCH response.
    const old = await RawImap.connect(t.port);
    await old.login();
    await old.command('o0', 'EXAMINE Searching');
    expect(await old.command('o1', 'SEARCH FLAGGED')).toBe('* SEARCH 2 4\r\no1 OK SEARCH completed\r\n');
    old.close();
    c.close();
  });

  it('STATUS DELETED and DELETED-STORAGE count the messages flagged \\Deleted and their octets', async () => {
    const c = await rev2Session();
    await c.command('c0', 'CREATE Trashy');
    const sizes: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const raw = message(i, i * 100);
      sizes.push(Buffer.byteLength(raw));
      await append(c, `a${i}`, 'Trashy', raw);
    }
    expect(await c.command('t0', 'STATUS Trashy (DELETED DELETED-STORAGE)')).toBe('* STATUS "Trashy" (DELETED 0 DELETED-STORAGE 0)\r\nt0 OK STATUS completed\r\n');
    await c.command('s0', 'SELECT Trashy');
    await c.command('st', 'STORE 1,3 +FLAGS.SILENT (\\Deleted)');
    await c.command('u0', 'UNSELECT');
    expect(await c.command('t1', 'STATUS Trashy (MESSAGES DELETED DELETED-STORAGE)')).toBe(
      `* STATUS "Trashy" (MESSAGES 4 DELETED 2 DELETED-STORAGE ${sizes[0]! + sizes[2]!})\r\nt1 OK STATUS completed\r\n`,
    );
    // LIST-STATUS carries them too.
    expect(await c.command('l1', 'LIST "" Trashy RETURN (STATUS (DELETED))')).toContain('* STATUS "Trashy" (DELETED 2)\r\n');
    c.close();
  });

  it('mailbox names are UTF-8 both ways, "&" included; an IMAP4rev1 session sees them in modified UTF-7', async () => {
    const c = await rev2Session();
    expect(await c.command('c1', 'CREATE "R&D"')).toMatch(/c1 OK/);
    const name = 'Entwürfe';
    const bytes = Buffer.from(name, 'utf8');
    c.write(Buffer.concat([Buffer.from(`c2 CREATE {${bytes.length}+}\r\n`), bytes, Buffer.from('\r\n')]));
    expect(await c.response('c2')).toMatch(/c2 OK/);
    const list = await c.command('l1', 'LIST "" "*"');
    expect(list).toContain('"/" "R&D"\r\n');
    expect(list).toContain(`"/" {${bytes.length}}\r\n${bytes.toString('latin1')}\r\n`);
    expect(await c.command('s1', 'STATUS "R&D" (MESSAGES)')).toContain('* STATUS "R&D" (MESSAGES 0)');
    const old = await RawImap.connect(t.port);
    await old.login();
    const oldList = await old.command('o1', 'LIST "" "*"');
    expect(oldList).toContain('"/" "R&-D"\r\n');
    expect(oldList).toContain('"/" "Entw&APw-rfe"\r\n');
    expect(await old.command('o2', 'STATUS R&-D (MESSAGES)')).toContain('* STATUS "R&-D" (MESSAGES 0)');
    old.close();
    c.close();
  });

  it('names are kept in Unicode NFC: a decomposed name finds the folder created precomposed, and the other way round', async () => {
    const c = await rev2Session();
    const send = async (tag: string, command: string, name: string, rest = '') => {
      const bytes = Buffer.from(name, 'utf8');
      c.write(Buffer.concat([Buffer.from(`${tag} ${command} {${bytes.length}+}\r\n`), bytes, Buffer.from(`${rest}\r\n`)]));
      return c.response(tag);
    };
    const composed = 'Re\u0301sume\u0301s'.normalize('NFC');
    const decomposed = composed.normalize('NFD');
    expect(composed).not.toBe(decomposed);
    expect(await send('n1', 'CREATE', decomposed)).toMatch(/n1 OK/);
    expect(await send('n2', 'CREATE', composed)).toMatch(/n2 NO \[ALREADYEXISTS\]/);
    expect(await send('n3', 'STATUS', composed, ' (MESSAGES)')).toMatch(/MESSAGES 0\)\r\nn3 OK/);
    const list = await send('n4', 'LIST ""', decomposed);
    expect(list).toContain(Buffer.from(composed, 'utf8').toString('latin1'));
    expect(list).not.toContain(Buffer.from(decomposed, 'utf8').toString('latin1'));
    // An IMAP4rev1 client's modified UTF-7 is decomposed or not as it likes, too.
    const old = await RawImap.connect(t.port);
    await old.login();
    const { encodeMailboxName } = await import('@mailstead/imap');
    expect(await old.command('o1', `SELECT "${encodeMailboxName(decomposed)}"`)).toMatch(/o1 OK/);
    old.close();
    c.close();
  });

  it('imapflow turns IMAP4rev2 on by itself and syncs, searches and reads STATUS DELETED over it', async () => {
    const client = imapflowClient(t.port);
    await client.connect();
    try {
      expect(client.enabled.has('IMAP4REV2')).toBe(true);
      await client.mailboxCreate('Flow & Co');
      for (let i = 1; i <= 3; i++) await client.append('Flow & Co', message(i), i === 2 ? ['\\Deleted', '$Junk'] : []);
      const status = (await client.status('Flow & Co', { messages: true, deleted: true } as Parameters<ImapFlow['status']>[1])) as unknown as { messages: number; deleted: number };
      expect(status.messages).toBe(3);
      expect(status.deleted).toBe(1);
      const lock = await client.getMailboxLock('Flow & Co');
      try {
        expect(await client.search({ deleted: true }, { uid: true })).toEqual([2]);
        expect(await client.search({ keyword: '$Junk' })).toEqual([2]);
        const flags: string[][] = [];
        for await (const m of client.fetch('1:*', { flags: true })) flags.push([...(m.flags ?? [])].sort());
        expect(flags).toEqual([[], ['$Junk', '\\Deleted'], []]);
      } finally {
        lock.release();
      }
      const listed = await client.list();
      expect(listed.map((m) => m.path)).toContain('Flow & Co');
    } finally {
      await client.logout();
    }
    // Stored as the name imapflow gave; a rev1 client sees its modified UTF-7 form.
    const old = await RawImap.connect(t.port);
    await old.login();
    expect(await old.command('o1', 'LIST "" "Flow*"')).toContain('"/" "Flow &- Co"\r\n');
    old.close();
  });
});
