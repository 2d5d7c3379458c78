import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/** CONDSTORE (RFC 7162 section 3.1) as raw transcripts against the real server on Postgres. */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

/** A fresh mailbox with `n` messages; returns its name. */
async function mailbox(name: string, n: number): Promise<string> {
  const box = await t.store.mailboxes.create(t.aliceId, name);
  await t.store.messages.append(box.id, Array.from({ length: n }, (_, i) => ({ raw: sampleMessage(i + 1) })));
  return name;
}

/** A command's reply without \Recent (which depends on who saw the messages first, issue 4's business). */
async function cmd(c: RawImap, tag: string, text: string): Promise<string> {
  return (await c.command(tag, text)).replace(/ ?\\Recent/g, '');
}

function highestModseq(text: string): bigint {
  const m = /\[HIGHESTMODSEQ (\d+)\]/.exec(text);
  if (!m) throw new Error(`no HIGHESTMODSEQ in ${text}`);
  return BigInt(m[1]!);
}

function modseqOf(text: string, uid: number): bigint {
  const m = new RegExp(`UID ${uid}\\b[^\\r\\n]*MODSEQ \\((\\d+)\\)|MODSEQ \\((\\d+)\\)[^\\r\\n]*UID ${uid}\\b`).exec(text);
  if (!m) throw new Error(`no MODSEQ for UID ${uid} in ${text}`);
  return BigInt(m[1] ?? m[2]!);
}

describe('CONDSTORE', () => {
  it('is advertised, and every SELECT/EXAMINE reports HIGHESTMODSEQ; STATUS HIGHESTMODSEQ agrees', async () => {
    await mailbox('cs-basic', 3);
    const c = await RawImap.connect(t.port);
    await c.login();
    expect(await cmd(c, 'a1', 'CAPABILITY')).toMatch(/ CONDSTORE[ \r]/);
    const status = await cmd(c, 'a2', 'STATUS cs-basic (MESSAGES HIGHESTMODSEQ)');
    const m = /\* STATUS "cs-basic" \(MESSAGES 3 HIGHESTMODSEQ (\d+)\)/.exec(status);
    expect(m, status).not.toBeNull();
    const sel = await cmd(c, 'a3', 'SELECT cs-basic');
    expect(highestModseq(sel)).toBe(BigInt(m![1]!));
    const ex = await cmd(c, 'a4', 'EXAMINE cs-basic (CONDSTORE)');
    // RFC 7162 3.2.11: [CLOSED] whenever SELECT/EXAMINE closes a mailbox, QRESYNC enabled or not
    // (re-opening the same one too, as Dovecot does), and before the new mailbox's responses.
    expect(ex).toMatch(/^\* OK \[CLOSED\] [^\r]*\r\n\* FLAGS/);
    expect(sel).not.toMatch(/CLOSED/);
    expect(highestModseq(ex)).toBe(BigInt(m![1]!));
    expect(ex).toMatch(/a4 OK \[READ-ONLY\]/);
    c.close();
  });

  it('FETCH MODSEQ, FETCH (CHANGEDSINCE n) returns only messages changed since, with MODSEQ', async () => {
    await mailbox('cs-fetch', 4);
    const c = await RawImap.connect(t.port);
    await c.login();
    const sel = await cmd(c, 'b1', 'SELECT cs-fetch (CONDSTORE)');
    const start = highestModseq(sel);
    const all = await cmd(c, 'b2', 'FETCH 1:* (UID MODSEQ)');
    expect(all.match(/^\* \d FETCH \(UID \d MODSEQ \(\d+\)\)\r\n/gm)).toHaveLength(4);
    for (const uid of [1, 2, 3, 4]) expect(modseqOf(all, uid)).toBeLessThanOrEqual(start);
    // A STORE by this session, once CONDSTORE is on, answers with the new MODSEQ (RFC 7162 3.1.3).
    const store = await cmd(c, 'b3', 'STORE 2 +FLAGS (\\Flagged)');
    expect(store).toMatch(/^\* 2 FETCH \(FLAGS \(\\Flagged\) UID 2 MODSEQ \((\d+)\)\)\r\n/);
    const after = modseqOf(store, 2);
    expect(after).toBeGreaterThan(start);
    const changed = await cmd(c, 'b4', `FETCH 1:* (FLAGS) (CHANGEDSINCE ${start})`);
    expect(changed).toBe(`* 2 FETCH (FLAGS (\\Flagged) MODSEQ (${after}))\r\nb4 OK FETCH completed\r\n`);
    const uidChanged = await cmd(c, 'b5', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${after})`);
    expect(uidChanged).toBe('b5 OK FETCH completed\r\n');
    expect(await cmd(c, 'b6', 'FETCH 1 (FLAGS) (CHANGEDSINCE x)')).toMatch(/^b6 BAD /);
    expect(await cmd(c, 'b7', 'FETCH 1 (FLAGS) (FROBNICATE 1)')).toMatch(/^b7 BAD /);
    // VANISHED needs ENABLE QRESYNC (and UID FETCH).
    expect(await cmd(c, 'b8', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${start} VANISHED)`)).toMatch(/^b8 BAD /);
    c.close();
  });

  it('STORE (UNCHANGEDSINCE n): updates unchanged messages, names the others in [MODIFIED] (RFC 7162 3.1.3 example)', async () => {
    await mailbox('cs-store', 5);
    const a = await RawImap.connect(t.port);
    const b = await RawImap.connect(t.port);
    await a.login();
    await b.login();
    const sel = await cmd(a, 'c1', 'SELECT cs-store');
    const start = highestModseq(sel);
    await cmd(b, 'c2', 'SELECT cs-store');
    // Another session changes message 3 after A read the mailbox.
    await cmd(b, 'c3', 'STORE 3 +FLAGS (\\Seen)');
    const r = await cmd(a, 'c4', `STORE 1,3,5 (UNCHANGEDSINCE ${start}) +FLAGS.SILENT (\\Deleted)`);
    // .SILENT still reports the new MODSEQ of the updated messages, never of the refused one.
    expect(r).toMatch(/^\* 1 FETCH \(UID 1 MODSEQ \(\d+\)\)\r\n/m);
    expect(r).toMatch(/^\* 5 FETCH \(UID 5 MODSEQ \(\d+\)\)\r\n/m);
    expect(r).not.toMatch(/^\* 3 FETCH \([^\r\n]*Deleted/m);
    expect(r).toMatch(/c4 OK \[MODIFIED 3\] /);
    const flags = await cmd(a, 'c5', 'FETCH 1:5 (FLAGS)');
    expect(flags).toMatch(/\* 1 FETCH \(FLAGS \(\\Deleted\)\)/);
    expect(flags).toMatch(/\* 3 FETCH \(FLAGS \(\\Seen\)\)/);
    expect(flags).toMatch(/\* 5 FETCH \(FLAGS \(\\Deleted\)\)/);
    // UID STORE reports UIDs in MODIFIED; UNCHANGEDSINCE 0 always fails (3.1.3).
    expect(await cmd(a, 'c6', 'UID STORE 2,4 (UNCHANGEDSINCE 0) +FLAGS (\\Answered)')).toMatch(/c6 OK \[MODIFIED 2,4\] /);
    expect(await cmd(a, 'c7', 'STORE 1 (UNCHANGEDSINCE abc) +FLAGS (\\Answered)')).toMatch(/^c7 BAD /);
    a.close();
    b.close();
  });

  it('reports flag changes by other sessions with MODSEQ once CONDSTORE is on; without it, without', async () => {
    await mailbox('cs-notify', 2);
    const plain = await RawImap.connect(t.port);
    const cond = await RawImap.connect(t.port);
    const other = await RawImap.connect(t.port);
    for (const c of [plain, cond, other]) await c.login();
    await cmd(plain, 'd1', 'SELECT cs-notify');
    await cmd(cond, 'd2', 'ENABLE CONDSTORE');
    await cmd(cond, 'd3', 'SELECT cs-notify');
    await cmd(other, 'd4', 'SELECT cs-notify');
    await cmd(other, 'd5', 'STORE 1 +FLAGS (\\Answered)');
    const p = await cmd(plain, 'd6', 'NOOP');
    expect(p).toMatch(/^\* 1 FETCH \(UID 1 FLAGS \(\\Answered\)\)\r\n/);
    const q = await cmd(cond, 'd7', 'NOOP');
    expect(q).toMatch(/^\* 1 FETCH \(UID 1 FLAGS \(\\Answered\) MODSEQ \(\d+\)\)\r\n/);
    for (const c of [plain, cond, other]) c.close();
  });

  it('SEARCH MODSEQ matches messages changed at or after a MODSEQ and reports the highest (RFC 7162 3.1.5)', async () => {
    await mailbox('cs-search', 4);
    const c = await RawImap.connect(t.port);
    await c.login();
    const start = highestModseq(await cmd(c, 'e1', 'SELECT cs-search (CONDSTORE)'));
    const s1 = await cmd(c, 'e2', 'STORE 2 +FLAGS (\\Seen)');
    const s2 = await cmd(c, 'e3', 'STORE 4 +FLAGS (\\Seen)');
    const top = modseqOf(s2, 4);
    expect(modseqOf(s1, 2)).toBeLessThan(top);
    expect(await cmd(c, 'e4', `SEARCH MODSEQ ${start + 1n}`)).toBe(`* SEARCH 2 4 (MODSEQ ${top})\r\ne4 OK SEARCH completed\r\n`);
    expect(await cmd(c, 'e5', `UID SEARCH MODSEQ "/flags/\\\\seen" all ${start + 1n} NOT 4`)).toBe(`* SEARCH 2 (MODSEQ ${modseqOf(s1, 2)})\r\ne5 OK SEARCH completed\r\n`);
    expect(await cmd(c, 'e6', `SEARCH MODSEQ ${top + 100n}`)).toBe('* SEARCH\r\ne6 OK SEARCH completed\r\n');
    expect(await cmd(c, 'e7', 'SEARCH MODSEQ "/flags/\\\\seen" bogus 5')).toMatch(/^e7 BAD /);
    c.close();
  });

  it('first use by FETCH MODSEQ with a mailbox selected sends HIGHESTMODSEQ at once', async () => {
    await mailbox('cs-first', 1);
    const c = await RawImap.connect(t.port);
    await c.login();
    const sel = await cmd(c, 'f1', 'SELECT cs-first');
    const r = await cmd(c, 'f2', 'FETCH 1 (MODSEQ)');
    expect(r).toMatch(new RegExp(`^\\* OK \\[HIGHESTMODSEQ ${highestModseq(sel)}\\][^\\r]*\\r\\n\\* 1 FETCH \\(MODSEQ \\(\\d+\\)\\)\\r\\nf2 OK`));
    c.close();
  });
});
