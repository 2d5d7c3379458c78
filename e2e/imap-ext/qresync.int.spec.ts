import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { imapflowClient, RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/** QRESYNC (RFC 7162 section 3.2): raw transcripts and imapflow's qresync mode on the real server. */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

async function mailbox(name: string, n: number): Promise<{ id: number; uidValidity: number }> {
  const box = await t.store.mailboxes.create(t.aliceId, name);
  if (n > 0) await t.store.messages.append(box.id, Array.from({ length: n }, (_, i) => ({ raw: sampleMessage(i + 1) })));
  return { id: box.id, uidValidity: box.uidValidity };
}

/** Replies without \Recent (issue 4's concern, it depends on which session saw a message first). */
async function cmd(c: RawImap, tag: string, text: string): Promise<string> {
  return (await c.command(tag, text)).replace(/ ?\\Recent/g, '');
}

function highestModseq(text: string): bigint {
  const m = /\[HIGHESTMODSEQ (\d+)\]/.exec(text);
  if (!m) throw new Error(`no HIGHESTMODSEQ in ${text}`);
  return BigInt(m[1]!);
}

async function login(): Promise<RawImap> {
  const c = await RawImap.connect(t.port);
  await c.login();
  return c;
}

describe('QRESYNC raw transcripts', () => {
  it('ENABLE QRESYNC; the QRESYNC SELECT parameter is a BAD without it', async () => {
    const box = await mailbox('qr-enable', 1);
    const c = await login();
    expect(await cmd(c, 'a1', 'CAPABILITY')).toMatch(/ QRESYNC[ \r]/);
    expect(await cmd(c, 'a2', `SELECT qr-enable (QRESYNC (${box.uidValidity} 1))`)).toMatch(/^a2 BAD /);
    expect(await cmd(c, 'a3', 'ENABLE QRESYNC')).toBe('* ENABLED QRESYNC\r\na3 OK ENABLE completed\r\n');
    expect(await cmd(c, 'a4', 'SELECT qr-enable (QRESYNC (x 1))')).toMatch(/^a4 BAD /);
    expect(await cmd(c, 'a5', `SELECT qr-enable (QRESYNC (${box.uidValidity}))`)).toMatch(/^a5 BAD /);
    expect(await cmd(c, 'a6', `SELECT qr-enable (QRESYNC (${box.uidValidity} 1 1:* (1:4 1:99999999)))`)).toMatch(/^a6 BAD /);
    expect(await cmd(c, 'a7', `SELECT qr-enable (QRESYNC (${box.uidValidity} 1))`)).toMatch(/a7 OK \[READ-WRITE\]/);
    // Another SELECT closes this one, said with [CLOSED] before the new mailbox's responses (3.2.11).
    expect(await cmd(c, 'a8', 'EXAMINE INBOX')).toMatch(/^\* OK \[CLOSED\] [^\r]*\r\n\* FLAGS/);
    c.close();
  });

  it('SELECT (QRESYNC (uidvalidity modseq known-uids)) reports VANISHED (EARLIER) and the changed and new messages', async () => {
    const box = await mailbox('qr-select', 10);
    const a = await login();
    const sel = await cmd(a, 'b1', 'SELECT qr-select');
    const known = highestModseq(sel);
    a.close();
    // Another client changes flags of 3 and 8, expunges 2, 5 and 6, and a message arrives.
    const b = await login();
    await cmd(b, 'b2', 'SELECT qr-select');
    await cmd(b, 'b3', 'STORE 2,5,6 +FLAGS.SILENT (\\Deleted)');
    await cmd(b, 'b4', 'STORE 3,8 +FLAGS.SILENT (\\Flagged)');
    expect(await cmd(b, 'b5', 'EXPUNGE')).toMatch(/b5 OK/);
    await t.store.messages.append(box.id, [{ raw: sampleMessage(11) }]);
    b.close();

    const c = await login();
    await cmd(c, 'b6', 'ENABLE QRESYNC');
    const r = await cmd(c, 'b7', `SELECT qr-select (QRESYNC (${box.uidValidity} ${known}))`);
    const now = highestModseq(r);
    expect(now).toBeGreaterThan(known);
    expect(r).toMatch(/^\* 8 EXISTS\r\n/m);
    expect(r).toMatch(/^\* VANISHED \(EARLIER\) 2,5:6\r\n/m);
    const fetches = r.match(/^\* \d+ FETCH [^\r]*\r\n/gm) ?? [];
    expect(fetches.map((l) => l.replace(/MODSEQ \(\d+\)/, 'MODSEQ (n)'))).toEqual([
      '* 2 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ (n))\r\n',
      '* 5 FETCH (UID 8 FLAGS (\\Flagged) MODSEQ (n))\r\n',
      '* 8 FETCH (UID 11 FLAGS () MODSEQ (n))\r\n',
    ]);
    // known-uids limits the answer (RFC 7162 3.2.5): only UIDs 6:9 are asked about.
    const limited = await cmd(c, 'b8', `EXAMINE qr-select (QRESYNC (${box.uidValidity} ${known} 6:9))`);
    expect(limited).toMatch(/^\* VANISHED \(EARLIER\) 6\r\n/m);
    // ... and messages outside them (UID 11, new) are not reported either.
    expect(limited.match(/^\* \d+ FETCH [^\r]*\r\n/gm)).toEqual([expect.stringMatching(/^\* 5 FETCH \(UID 8 /)]);
    // A UIDVALIDITY that does not match: a plain SELECT, the client has to start over.
    const mismatch = await cmd(c, 'b9', `SELECT qr-select (QRESYNC (${box.uidValidity + 1} ${known}))`);
    expect(mismatch).not.toMatch(/VANISHED|FETCH/);
    expect(mismatch).toMatch(/b9 OK \[READ-WRITE\]/);
    // Up to date: nothing to report.
    const same = await cmd(c, 'b10', `SELECT qr-select (QRESYNC (${box.uidValidity} ${now}))`);
    expect(same).not.toMatch(/VANISHED|FETCH/);
    c.close();
  });

  it('seq-match data lets the server skip VANISHED below the highest matching pair (RFC 7162 3.2.5.2)', async () => {
    const box = await mailbox('qr-seqmatch', 6);
    const a = await login();
    await cmd(a, 'c1', 'SELECT qr-seqmatch');
    await cmd(a, 'c2', 'UID STORE 2 +FLAGS.SILENT (\\Deleted)');
    await cmd(a, 'c3', 'EXPUNGE');
    // The client's cache now: seq 1..5 = UIDs 1,3,4,5,6 at this MODSEQ.
    const known = highestModseq(await cmd(a, 'c4', 'SELECT qr-seqmatch'));
    await cmd(a, 'c5', 'UID STORE 5 +FLAGS.SILENT (\\Deleted)');
    await cmd(a, 'c6', 'EXPUNGE');
    await cmd(a, 'c7', 'ENABLE QRESYNC');
    const exact = await cmd(a, 'c8', `SELECT qr-seqmatch (QRESYNC (${box.uidValidity} ${known} 1:6))`);
    expect(exact).toMatch(/^\* VANISHED \(EARLIER\) 5\r\n/m);
    // History pruned: the fallback is every known UID not present, a superset (2 was gone before).
    await t.store.imapSync.pruneExpunged(new Date(Date.now() + 60_000));
    const pruned = await cmd(a, 'c9', `SELECT qr-seqmatch (QRESYNC (${box.uidValidity} ${known} 1:6))`);
    expect(pruned).toMatch(/^\* VANISHED \(EARLIER\) 2,5\r\n/m);
    // seq-match: seq 1..3 still hold UIDs 1,3,4, so nothing at or below UID 4 needs reporting.
    const matched = await cmd(a, 'c10', `SELECT qr-seqmatch (QRESYNC (${box.uidValidity} ${known} 1:6 (1:3 1,3:4)))`);
    expect(matched).toMatch(/^\* VANISHED \(EARLIER\) 5\r\n/m);
    // A pair that no longer matches (seq 4 is now UID 6, not 5) stops the walk there.
    const stale = await cmd(a, 'c11', `SELECT qr-seqmatch (QRESYNC (${box.uidValidity} ${known} 1:6 (1,4 1,5)))`);
    expect(stale).toMatch(/^\* VANISHED \(EARLIER\) 2,5\r\n/m);
    a.close();
  });

  it('after ENABLE QRESYNC: EXPUNGE, MOVE and other sessions\' expunges come as VANISHED; UID FETCH (CHANGEDSINCE n VANISHED)', async () => {
    await mailbox('qr-live', 8);
    await mailbox('qr-live-target', 0);
    const a = await login();
    const b = await login();
    await cmd(a, 'd1', 'ENABLE QRESYNC');
    const start = highestModseq(await cmd(a, 'd2', 'SELECT qr-live'));
    await cmd(a, 'd3', 'STORE 1,2 +FLAGS.SILENT (\\Deleted)');
    const ex = await cmd(a, 'd4', 'EXPUNGE');
    expect(ex).toMatch(/^(\* \d+ FETCH [^\r]*\r\n)*\* VANISHED 1:2\r\nd4 OK/);
    expect(ex).not.toMatch(/EXPUNGE\r\n/);
    const mv = await cmd(a, 'd5', 'UID MOVE 4 qr-live-target');
    expect(mv).toMatch(/\* VANISHED 4\r\n/);
    await cmd(b, 'd6', 'SELECT qr-live');
    await cmd(b, 'd7', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await cmd(b, 'd8', 'EXPUNGE');
    await cmd(b, 'd9', 'UID STORE 6 +FLAGS.SILENT (\\Seen)');
    const noop = await cmd(a, 'd10', 'NOOP');
    expect(noop).toMatch(/^\* VANISHED 3\r\n/m);
    expect(noop).toMatch(/^\* 2 FETCH \(UID 6 FLAGS \(\\Seen\) MODSEQ \(\d+\)\)\r\n/m);
    const uf = await cmd(a, 'd11', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${start} VANISHED)`);
    expect(uf).toMatch(/^\* VANISHED \(EARLIER\) 1:4\r\n\* 2 FETCH \(UID 6 FLAGS \(\\Seen\) MODSEQ \(\d+\)\)\r\nd11 OK/);
    expect(await cmd(a, 'd12', `FETCH 1:* (FLAGS) (CHANGEDSINCE ${start} VANISHED)`)).toMatch(/^d12 BAD /);
    // While idling, another session's expunge arrives as VANISHED too (and a flag change with MODSEQ).
    a.write('d13 IDLE\r\n');
    await a.until((buf) => buf.includes('+ '));
    a.take();
    await cmd(b, 'd14', 'UID STORE 7 +FLAGS.SILENT (\\Deleted)');
    await cmd(b, 'd15', 'UID EXPUNGE 7');
    await a.until((buf) => buf.includes('VANISHED'));
    expect(a.take()).toMatch(/^(\* \d+ FETCH \(UID 7 FLAGS \([^)]*\) MODSEQ \(\d+\)\)\r\n)?\* VANISHED 7\r\n$/);
    a.write('DONE\r\n');
    expect(await a.response('d13')).toMatch(/^d13 OK /);
    a.close();
    b.close();
  });
});

interface Cached {
  flags: string[];
}

function imapflow(): ImapFlow {
  return imapflowClient(t.port, { qresync: true });
}

async function fullView(client: ImapFlow): Promise<Map<number, Cached>> {
  const view = new Map<number, Cached>();
  for await (const m of client.fetch('1:*', { uid: true, flags: true })) view.set(m.uid, { flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort() });
  return view;
}

describe('QRESYNC resynchronisation with imapflow (qresync on)', () => {
  it("client A caches the mailbox; B changes flags, expunges, appends; A reconnects with QRESYNC and ends with exactly B's view", async () => {
    await mailbox('qr-sync', 30);
    // A: full sync, remember UIDVALIDITY and HIGHESTMODSEQ.
    const a = imapflow();
    await a.connect();
    expect(a.enabled.has('QRESYNC')).toBe(true);
    const opened = await a.mailboxOpen('qr-sync');
    const cache = await fullView(a);
    const uidValidity = opened.uidValidity;
    const modseq = opened.highestModseq;
    expect(cache.size).toBe(30);
    expect(modseq).toBeTruthy();
    await a.logout();

    // B: flags on some, expunges others, appends two.
    const b = imapflow();
    await b.connect();
    await b.mailboxOpen('qr-sync');
    await b.messageFlagsAdd('3,7,11', ['\\Seen', '$Important'], { uid: true });
    await b.messageFlagsRemove('11', ['$Important'], { uid: true });
    await b.messageFlagsAdd('20', ['\\Flagged'], { uid: true });
    await b.messageDelete('5,12:14,30', { uid: true });
    await b.append('qr-sync', sampleMessage(101), ['\\Answered']);
    await b.append('qr-sync', sampleMessage(102));
    const truth = await fullView(b);
    await b.logout();

    // A reconnects and resyncs from its cache with SELECT ... QRESYNC only.
    const a2 = imapflow();
    const vanished: number[] = [];
    const updates: { uid?: number; flags: Set<string> }[] = [];
    a2.on('expunge', (e: { uid?: number; vanished: boolean; earlier?: boolean }) => {
      if (e.vanished && e.uid) vanished.push(e.uid);
    });
    a2.on('flags', (e: { uid?: number; flags: Set<string> }) => updates.push(e));
    await a2.connect();
    const reopened = await a2.mailboxOpen('qr-sync', { uidValidity, changedSince: modseq } as Parameters<ImapFlow['mailboxOpen']>[1]);
    expect((reopened as { qresync?: boolean }).qresync).toBe(true);
    expect(vanished.sort((x, y) => x - y)).toEqual([5, 12, 13, 14, 30]);
    for (const uid of vanished) cache.delete(uid);
    for (const u of updates) {
      expect(u.uid).toBeDefined();
      cache.set(u.uid!, { flags: [...u.flags].filter((f) => f !== '\\Recent').sort() });
    }
    // Only what changed came over the wire: 4 flag changes + 2 new messages.
    expect(updates.map((u) => u.uid).sort((x, y) => x! - y!)).toEqual([3, 7, 11, 20, 31, 32]);
    const fresh = await fullView(a2);
    expect(new Map([...cache].sort((x, y) => x[0] - y[0]))).toEqual(new Map([...fresh].sort((x, y) => x[0] - y[0])));
    expect(fresh).toEqual(truth);
    await a2.logout();
  });
});
