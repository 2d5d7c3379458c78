import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/** ESEARCH (RFC 4731), SEARCHRES (RFC 5182) and WITHIN (RFC 5032), modelled on the RFCs' examples. */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

async function cmd(c: RawImap, tag: string, text: string): Promise<string> {
  return (await c.command(tag, text)).replace(/ ?\\Recent/g, '');
}

/** 12 messages, 2, 10 and 11 flagged (as in RFC 4731's example answer "ALL 2,10:11"). */
async function session(name: string): Promise<RawImap> {
  const box = await t.store.mailboxes.create(t.aliceId, name);
  await t.store.messages.append(
    box.id,
    Array.from({ length: 12 }, (_, i) => ({ raw: sampleMessage(i + 1, i === 3 ? { from: 'Smith <smith@example.test>' } : {}) })),
  );
  const c = await RawImap.connect(t.port);
  await c.login();
  await cmd(c, 's1', `SELECT ${name}`);
  await cmd(c, 's2', 'STORE 2,4,10:11 +FLAGS.SILENT (\\Flagged)');
  return c;
}

describe('ESEARCH (RFC 4731)', () => {
  it('RETURN (MIN COUNT), RETURN (), RETURN (MIN MAX) with no match, RETURN (COUNT) with no match, UID form', async () => {
    const c = await session('es-basic');
    expect(await cmd(c, 'A282', 'SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"')).toBe(
      '* ESEARCH (TAG "A282") MIN 2 COUNT 3\r\nA282 OK SEARCH completed\r\n',
    );
    expect(await cmd(c, 'A283', 'SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"')).toBe(
      '* ESEARCH (TAG "A283") ALL 2,10:11\r\nA283 OK SEARCH completed\r\n',
    );
    expect(await cmd(c, 'A285', 'SEARCH RETURN (MIN MAX) FLAGGED SMALLER 10')).toBe('* ESEARCH (TAG "A285")\r\nA285 OK SEARCH completed\r\n');
    expect(await cmd(c, 'A286', 'SEARCH RETURN (COUNT) FLAGGED SMALLER 10')).toBe('* ESEARCH (TAG "A286") COUNT 0\r\nA286 OK SEARCH completed\r\n');
    await cmd(c, 'a1', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await cmd(c, 'a2', 'EXPUNGE');
    // Sequence numbers moved down by one; UIDs did not.
    expect(await cmd(c, 'a3', 'SEARCH RETURN (ALL MAX) FLAGGED')).toBe('* ESEARCH (TAG "a3") MAX 10 ALL 1,3,9:10\r\na3 OK SEARCH completed\r\n');
    expect(await cmd(c, 'a4', 'UID SEARCH RETURN (ALL MAX) FLAGGED')).toBe('* ESEARCH (TAG "a4") UID MAX 11 ALL 2,4,10:11\r\na4 OK SEARCH completed\r\n');
    expect(await cmd(c, 'a5', 'SEARCH RETURN (FROB) ALL')).toMatch(/^a5 BAD /);
    expect(await cmd(c, 'a6', 'SEARCH RETURN ALL')).toMatch(/^a6 BAD /);
    expect(await cmd(c, 'a7', 'SEARCH RETURN (COUNT) CHARSET UTF-8 ALL')).toBe('* ESEARCH (TAG "a7") COUNT 11\r\na7 OK SEARCH completed\r\n');
    expect(await cmd(c, 'a8', 'CAPABILITY')).toMatch(/ ESEARCH .*SEARCHRES .*WITHIN/);
    c.close();
  });

  it('with MODSEQ the ESEARCH answer carries the highest MODSEQ (RFC 7162 3.1.5)', async () => {
    const c = await session('es-modseq');
    const stored = await cmd(c, 'b1', 'STORE 5 (UNCHANGEDSINCE 1000000) +FLAGS (\\Seen)');
    const m = /MODSEQ \((\d+)\)/.exec(stored);
    expect(m).not.toBeNull();
    expect(await cmd(c, 'b2', `SEARCH RETURN (COUNT) MODSEQ ${m![1]}`)).toBe(`* ESEARCH (TAG "b2") COUNT 1 MODSEQ ${m![1]}\r\nb2 OK SEARCH completed\r\n`);
    c.close();
  });
});

describe('SEARCHRES (RFC 5182)', () => {
  it('RETURN (SAVE) answers nothing but OK; $ is then usable in FETCH, STORE, SEARCH and UID commands', async () => {
    const c = await session('sr-basic');
    expect(await cmd(c, 'A282', 'SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"')).toBe('A282 OK SEARCH completed\r\n');
    const f = await cmd(c, 'A283', 'FETCH $ (UID FLAGS)');
    expect(f.match(/^\* \d+ FETCH/gm)).toEqual(['* 2 FETCH', '* 10 FETCH', '* 11 FETCH']);
    expect(await cmd(c, 'A284', 'UID FETCH $ (FLAGS)')).toMatch(/^\* 2 FETCH \(UID 2 FLAGS \(\\Flagged\)\)\r\n\* 10 FETCH/);
    // SAVE with MIN only keeps the minimum (section 2.1), and also answers the MIN.
    expect(await cmd(c, 'A285', 'SEARCH RETURN (SAVE MIN) FLAGGED')).toBe('* ESEARCH (TAG "A285") MIN 2\r\nA285 OK SEARCH completed\r\n');
    expect(await cmd(c, 'A286', 'SEARCH $')).toBe('* SEARCH 2\r\nA286 OK SEARCH completed\r\n');
    expect(await cmd(c, 'A287', 'UID SEARCH RETURN (SAVE) OR $ UID 5')).toBe('A287 OK SEARCH completed\r\n');
    expect(await cmd(c, 'A288', 'UID SEARCH UID $')).toBe('* SEARCH 2 5\r\nA288 OK SEARCH completed\r\n');
    expect(await cmd(c, 'A289', 'STORE $ +FLAGS.SILENT (\\Deleted)')).toMatch(/^A289 OK/);
    // Expunged messages drop out of $ (section 2.1).
    await cmd(c, 'A290', 'UID EXPUNGE 2');
    expect(await cmd(c, 'A291', 'SEARCH $')).toBe('* SEARCH 4\r\nA291 OK SEARCH completed\r\n');
    expect(await cmd(c, 'A292', 'UID EXPUNGE $')).toMatch(/^\* 4 EXPUNGE\r\nA292 OK/);
    expect(await cmd(c, 'A293', 'SEARCH $')).toBe('* SEARCH\r\nA293 OK SEARCH completed\r\n');
    c.close();
  });

  it('a failed SAVE empties $; a new SELECT empties $; COPY $ copies the saved messages', async () => {
    const c = await session('sr-reset');
    await t.store.mailboxes.create(t.aliceId, 'sr-target');
    expect(await cmd(c, 'c1', 'SEARCH RETURN (SAVE) FLAGGED')).toBe('c1 OK SEARCH completed\r\n');
    expect(await cmd(c, 'c2', 'COPY $ sr-target')).toMatch(/^c2 OK \[COPYUID \d+ 2,4,10:11 1:4\]/);
    expect(await cmd(c, 'c3', 'SEARCH RETURN (SAVE) FROBNICATE')).toMatch(/^c3 BAD /);
    expect(await cmd(c, 'c4', 'SEARCH $')).toBe('* SEARCH\r\nc4 OK SEARCH completed\r\n');
    expect(await cmd(c, 'c5', 'SEARCH RETURN (SAVE) FLAGGED')).toMatch(/^c5 OK/);
    await cmd(c, 'c6', 'SELECT sr-reset');
    expect(await cmd(c, 'c7', 'FETCH $ FLAGS')).toBe('c7 OK FETCH completed\r\n');
    c.close();
  });
});

describe('WITHIN (RFC 5032)', () => {
  it('YOUNGER and OLDER compare the internal date to now, in seconds', async () => {
    const box = await t.store.mailboxes.create(t.aliceId, 'within');
    const hourAgo = new Date(Date.now() - 3600_000);
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    await t.store.messages.append(box.id, [
      { raw: sampleMessage(1), internalDate: weekAgo },
      { raw: sampleMessage(2), internalDate: hourAgo },
      { raw: sampleMessage(3) },
    ]);
    const c = await RawImap.connect(t.port);
    await c.login();
    await cmd(c, 'd0', 'SELECT within');
    expect(await cmd(c, 'd1', 'SEARCH YOUNGER 600')).toBe('* SEARCH 3\r\nd1 OK SEARCH completed\r\n');
    expect(await cmd(c, 'd2', 'SEARCH YOUNGER 86400')).toBe('* SEARCH 2 3\r\nd2 OK SEARCH completed\r\n');
    expect(await cmd(c, 'd3', 'SEARCH OLDER 86400')).toBe('* SEARCH 1\r\nd3 OK SEARCH completed\r\n');
    expect(await cmd(c, 'd4', 'SEARCH RETURN (COUNT) OLDER 600')).toBe('* ESEARCH (TAG "d4") COUNT 2\r\nd4 OK SEARCH completed\r\n');
    expect(await cmd(c, 'd5', 'SEARCH OLDER 0')).toMatch(/^d5 BAD /);
    expect(await cmd(c, 'd6', 'SEARCH YOUNGER abc')).toMatch(/^d6 BAD /);
    c.close();
  });
});
