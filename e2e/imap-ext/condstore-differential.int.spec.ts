import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import type { RawImap } from '../imap/imap-harness';
import { startDifferential, type DifferentialServers, type Target } from './differential-targets';

/**
 * CONDSTORE / QRESYNC (RFC 7162): one scripted session run identically against Debian's
 * Dovecot and Mailstead on the same 12-message mailbox. MODSEQ numbers differ between the
 * servers, so only what the RFC fixes is compared: UID sets (ranges expanded), flags, which
 * messages a conditional STORE changed, [MODIFIED] sets, and which kinds of response came
 * (VANISHED vs EXPUNGE, MODSEQ present or not). Dovecot's answers are also checked against
 * the answers RFC 7162 gives for this script (RFC_ANSWERS), so a parse that finds nothing on
 * both sides cannot pass.
 */
let servers: DifferentialServers;

const MAILBOX = 'cq-diff';
const COUNT = 12;

beforeAll(async () => {
  servers = await startDifferential();
});

afterAll(async () => {
  await servers?.stop();
});

/** A reply without \Recent (who sees a message first differs by session, not by RFC 7162). */
async function cmd(c: RawImap, tag: string, text: string): Promise<string> {
  return (await c.ok(tag, text)).replace(/ ?\\Recent/gi, '').replace(/\( /g, '(');
}

/** `1:3,7` -> [1, 2, 3, 7]: an independent expansion (ranges may be written high:low). */
function expand(set: string): number[] {
  const out: number[] = [];
  for (const part of set.split(',')) {
    const [a, b] = part.split(':').map(Number) as [number, number | undefined];
    const lo = Math.min(a, b ?? a);
    const hi = Math.max(a, b ?? a);
    for (let n = lo; n <= hi; n++) out.push(n);
  }
  return [...new Set(out)].sort((x, y) => x - y);
}

function highestModseq(reply: string): bigint {
  const m = /\[HIGHESTMODSEQ (\d+)\]/.exec(reply);
  if (!m) throw new Error(`no HIGHESTMODSEQ in ${reply}`);
  return BigInt(m[1]!);
}

function uidValidity(reply: string): number {
  const m = /\[UIDVALIDITY (\d+)\]/.exec(reply);
  if (!m) throw new Error(`no UIDVALIDITY in ${reply}`);
  return Number(m[1]);
}

interface FetchSeen {
  seq: number;
  uid: number | null;
  flags: string[] | null;
  modseq: boolean;
}

/** The untagged FETCH responses of a reply, item order and flag order normalised. */
function fetches(reply: string): FetchSeen[] {
  const out: FetchSeen[] = [];
  for (const m of reply.matchAll(/^\* (\d+) FETCH \((.*)\)\r$/gm)) {
    const body = m[2]!;
    const uid = /(?:^| )UID (\d+)/.exec(body);
    const flags = /(?:^| )FLAGS \(([^)]*)\)/.exec(body);
    out.push({
      seq: Number(m[1]),
      uid: uid ? Number(uid[1]) : null,
      flags: flags ? flags[1]!.split(' ').filter(Boolean).sort() : null,
      modseq: /(?:^| )MODSEQ \(\d+\)/.test(body),
    });
  }
  return out;
}

/** UID -> flags (and whether MODSEQ came) for the FETCH responses of a UID command, sorted by UID. */
function byUid(reply: string): { uid: number; flags: string[] | null; modseq: boolean }[] {
  const seen = new Map<number, { uid: number; flags: string[] | null; modseq: boolean }>();
  for (const f of fetches(reply)) {
    if (f.uid === null) throw new Error(`FETCH without UID where RFC 3501 6.4.8 / RFC 7162 3.2.5 requires it: ${reply}`);
    seen.set(f.uid, { uid: f.uid, flags: f.flags, modseq: f.modseq });
  }
  return [...seen.values()].sort((a, b) => a.uid - b.uid);
}

/** Sequence number -> flags for the FETCH responses of a sequence-number command. */
function bySeq(reply: string): { seq: number; flags: string[] | null; modseq: boolean }[] {
  const seen = new Map<number, { seq: number; flags: string[] | null; modseq: boolean }>();
  for (const f of fetches(reply)) seen.set(f.seq, { seq: f.seq, flags: f.flags, modseq: f.modseq });
  return [...seen.values()].sort((a, b) => a.seq - b.seq);
}

/** Every VANISHED response of a reply, its UID set expanded. */
function vanished(reply: string): { earlier: boolean; uids: number[] }[] {
  return [...reply.matchAll(/^\* VANISHED( \(EARLIER\))? ([\d:,]+)\r$/gm)].map((m) => ({ earlier: Boolean(m[1]), uids: expand(m[2]!) }));
}

/** RFC 7162 3.2.5.1 / 3.2.6: VANISHED (EARLIER) MUST come before any FETCH; null when one is missing. */
function vanishedFirst(reply: string): boolean | null {
  const v = reply.search(/^\* VANISHED /m);
  const f = reply.search(/^\* \d+ FETCH /m);
  return v < 0 || f < 0 ? null : v < f;
}

function expungeLines(reply: string): number {
  return reply.match(/^\* \d+ EXPUNGE\r$/gm)?.length ?? 0;
}

/** The [MODIFIED set] of the tagged reply, expanded; null when there is none. */
function modifiedSet(reply: string, tag: string): number[] | null {
  const m = new RegExp(`^${tag} OK \\[MODIFIED ([\\d:,]+)\\]`, 'm').exec(reply);
  return m ? expand(m[1]!) : null;
}

function searchResult(reply: string): { numbers: number[]; modseq: boolean } {
  const m = /^\* SEARCH((?: \d+)*)(?: \(MODSEQ \d+\))?\r$/m.exec(reply);
  if (!m) throw new Error(`no SEARCH in ${reply}`);
  return { numbers: m[1]!.split(' ').filter(Boolean).map(Number).sort((a, b) => a - b), modseq: /\(MODSEQ \d+\)\r$/m.test(m[0]) };
}

function enabled(reply: string): string[] {
  const m = /^\* ENABLED(.*)\r$/m.exec(reply);
  return m ? m[1]!.split(' ').filter(Boolean).map((s) => s.toUpperCase()).sort() : [];
}

function exists(reply: string): number | null {
  const m = /^\* (\d+) EXISTS\r$/m.exec(reply);
  return m ? Number(m[1]) : null;
}

/** The mailbox as `UID FETCH 1:* (FLAGS)` sees it (after a NOOP has drained pending updates). */
async function flagsOf(c: RawImap, tag: string): Promise<{ uid: number; flags: string[] | null }[]> {
  await cmd(c, `${tag}n`, 'NOOP');
  return byUid(await cmd(c, tag, 'UID FETCH 1:* (FLAGS)')).map(({ uid, flags }) => ({ uid, flags }));
}

/** The highest per-message MODSEQ the client can see (what it would remember as "last seen"). */
async function maxMessageModseq(c: RawImap, tag: string): Promise<bigint> {
  const r = await cmd(c, tag, 'UID FETCH 1:* (MODSEQ)');
  let top = 0n;
  for (const m of r.matchAll(/MODSEQ \((\d+)\)/g)) if (BigInt(m[1]!) > top) top = BigInt(m[1]!);
  if (top === 0n) throw new Error(`no MODSEQ in ${r}`);
  return top;
}

async function seed(c: RawImap): Promise<void> {
  await cmd(c, 'p0', `CREATE ${MAILBOX}`);
  for (let i = 1; i <= COUNT; i++) {
    const raw = sampleMessage(i).toString('latin1');
    await cmd(c, `p${i}`, `APPEND ${MAILBOX} "10-Jan-2026 10:${String(i).padStart(2, '0')}:00 +0000" {${Buffer.byteLength(raw, 'latin1')}+}\r\n${raw}`);
  }
}

async function append(c: RawImap, tag: string, n: number): Promise<void> {
  const raw = sampleMessage(n).toString('latin1');
  await cmd(c, tag, `APPEND ${MAILBOX} {${Buffer.byteLength(raw, 'latin1')}+}\r\n${raw}`);
}

type Observations = Record<string, unknown>;

/**
 * The script. Every step's observation is made of RFC-fixed facts only; MODSEQ values read
 * from a server are fed back to the same server, never compared across servers.
 */
async function runScript(target: Target): Promise<Observations> {
  const o: Observations = {};
  const setup = await target.connect();
  await seed(setup);
  setup.close();

  // CONDSTORE (RFC 7162 3.1): ENABLE, SELECT (CONDSTORE), STOREs answered with MODSEQ.
  const a = await target.connect();
  o['ENABLE CONDSTORE'] = enabled(await cmd(a, 'a1', 'ENABLE CONDSTORE'));
  const sel = await cmd(a, 'a2', `SELECT ${MAILBOX} (CONDSTORE)`);
  o['SELECT (CONDSTORE)'] = { exists: exists(sel), highestModseq: /\[HIGHESTMODSEQ \d+\]/.test(sel) };
  const m0 = highestModseq(sel);
  o['UID STORE 2,4 +FLAGS (\\Seen)'] = byUid(await cmd(a, 'a3', 'UID STORE 2,4 +FLAGS (\\Seen)'));
  o['UID STORE 7 +FLAGS (\\Flagged $Work)'] = byUid(await cmd(a, 'a4', 'UID STORE 7 +FLAGS (\\Flagged $Work)'));
  o['STORE 9 +FLAGS (\\Answered)'] = bySeq(await cmd(a, 'a5', 'STORE 9 +FLAGS (\\Answered)'));

  // CHANGEDSINCE (3.1.4.1): exactly the messages stored since m0, each with MODSEQ.
  o['UID FETCH 1:* (FLAGS) (CHANGEDSINCE m0)'] = byUid(await cmd(a, 'b1', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${m0})`));
  o['FETCH 1:* (FLAGS) (CHANGEDSINCE m0)'] = bySeq(await cmd(a, 'b2', `FETCH 1:* (FLAGS) (CHANGEDSINCE ${m0})`));
  o['UID FETCH 1:6 (FLAGS) (CHANGEDSINCE m0)'] = byUid(await cmd(a, 'b3', `UID FETCH 1:6 (FLAGS) (CHANGEDSINCE ${m0})`));

  // SEARCH MODSEQ (3.1.5): messages with MODSEQ >= m; a non-empty answer names the highest.
  // m0 + 1, not m0: which untouched messages carry m0 itself is the server's choice (Dovecot
  // gives all of them the mod-sequence at which CONDSTORE was first used, Mailstead their own).
  o['SEARCH MODSEQ m0+1'] = searchResult(await cmd(a, 'c1', `SEARCH MODSEQ ${m0 + 1n}`));
  o['UID SEARCH MODSEQ m0+1 NOT UID 4'] = searchResult(await cmd(a, 'c2', `UID SEARCH MODSEQ ${m0 + 1n} NOT UID 4`));
  o['SEARCH MODSEQ "/flags/\\\\seen" all m0+1'] = searchResult(await cmd(a, 'c3', `SEARCH MODSEQ "/flags/\\\\seen" all ${m0 + 1n}`));
  const top = await maxMessageModseq(a, 'c4');
  o['SEARCH MODSEQ top+1'] = searchResult(await cmd(a, 'c5', `SEARCH MODSEQ ${top + 1n}`));

  // STORE (UNCHANGEDSINCE m0) (3.1.3): 2 and 4 changed after m0 and are refused in [MODIFIED].
  const u1 = await cmd(a, 'd1', `UID STORE 1:6 (UNCHANGEDSINCE ${m0}) +FLAGS (\\Draft)`);
  o['UID STORE 1:6 (UNCHANGEDSINCE m0) +FLAGS (\\Draft)'] = { modified: modifiedSet(u1, 'd1'), fetched: byUid(u1) };
  // .SILENT still answers the updated messages with MODSEQ (3.1.3); MODIFIED names sequence numbers.
  const u2 = await cmd(a, 'd2', `STORE 7:10 (UNCHANGEDSINCE ${m0}) +FLAGS.SILENT (\\Deleted)`);
  o['STORE 7:10 (UNCHANGEDSINCE m0) +FLAGS.SILENT (\\Deleted)'] = { modified: modifiedSet(u2, 'd2'), fetched: bySeq(u2) };
  // UNCHANGEDSINCE 0 always fails for an existing message (3.1.3).
  const u3 = await cmd(a, 'd3', 'UID STORE 11 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)');
  o['UID STORE 11 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)'] = { modified: modifiedSet(u3, 'd3'), fetched: byUid(u3) };
  // Another session changes UID 3 after A read m1: A's conditional store refuses 3, updates 11.
  const m1 = await maxMessageModseq(a, 'd4');
  const b = await target.connect();
  await cmd(b, 'd5', `SELECT ${MAILBOX}`);
  await cmd(b, 'd6', 'UID STORE 3 +FLAGS.SILENT (\\Flagged)');
  b.close();
  const u4 = await cmd(a, 'd7', `UID STORE 3,11 (UNCHANGEDSINCE ${m1}) +FLAGS (\\Seen)`);
  o['UID STORE 3,11 (UNCHANGEDSINCE m1) after another session stored 3'] = { modified: modifiedSet(u4, 'd7') };
  o['flags after the conditional stores'] = await flagsOf(a, 'd8');
  a.close();

  // QRESYNC (3.2): expunges after ENABLE QRESYNC come as VANISHED, never EXPUNGE (3.2.10.1).
  const c = await target.connect();
  o['ENABLE QRESYNC'] = enabled(await cmd(c, 'e1', 'ENABLE QRESYNC'));
  const selC = await cmd(c, 'e2', `SELECT ${MAILBOX}`);
  const validity = uidValidity(selC);
  const q = highestModseq(selC);
  // 3.2.10: once QRESYNC is on, the tagged OK of an EXPUNGE / UID EXPUNGE that removed messages
  // carries [HIGHESTMODSEQ n], above the one SELECT reported.
  const taggedModseq = (reply: string, tag: string) => {
    const m = new RegExp(`^${tag} OK \\[HIGHESTMODSEQ (\\d+)\\]`, 'm').exec(reply);
    return m ? BigInt(m[1]!) > q : false;
  };
  const ex = await cmd(c, 'e3', 'EXPUNGE');
  o['EXPUNGE (8 and 10 are \\Deleted)'] = { vanished: vanished(ex), expungeLines: expungeLines(ex), highestModseqAbove: taggedModseq(ex, 'e3') };
  await cmd(c, 'e4', 'UID STORE 5 +FLAGS.SILENT (\\Deleted)');
  const uex = await cmd(c, 'e5', 'UID EXPUNGE 5');
  o['UID EXPUNGE 5'] = { vanished: vanished(uex), expungeLines: expungeLines(uex), highestModseqAbove: taggedModseq(uex, 'e5') };
  await cmd(c, 'e6', 'UID STORE 6 +FLAGS.SILENT (\\Seen)');
  await cmd(c, 'e7', 'UID STORE 12 +FLAGS.SILENT (\\Flagged)');
  await append(c, 'e8', COUNT + 1);
  await cmd(c, 'e9', 'NOOP');
  // UID FETCH (CHANGEDSINCE q VANISHED) (3.2.6): the expunged UIDs, then the changed and new ones.
  const uf = await cmd(c, 'e10', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${q} VANISHED)`);
  o['UID FETCH 1:* (FLAGS) (CHANGEDSINCE q VANISHED)'] = { vanished: vanished(uf), vanishedFirst: vanishedFirst(uf), fetched: byUid(uf) };
  const uf2 = await cmd(c, 'e11', `UID FETCH 4:9 (FLAGS) (CHANGEDSINCE ${q} VANISHED)`);
  o['UID FETCH 4:9 (FLAGS) (CHANGEDSINCE q VANISHED)'] = { vanished: vanished(uf2), fetched: byUid(uf2) };
  c.close();

  // Reconnect and resynchronise with SELECT/EXAMINE (QRESYNC ...) (3.2.5).
  const d = await target.connect();
  await cmd(d, 'f1', 'ENABLE QRESYNC');
  const r1 = await cmd(d, 'f2', `SELECT ${MAILBOX} (QRESYNC (${validity} ${q}))`);
  const now = highestModseq(r1);
  const resync = (r: string) => ({ exists: exists(r), closed: /^\* OK \[CLOSED\]/m.test(r), vanished: vanished(r), vanishedFirst: vanishedFirst(r), fetched: byUid(r) });
  o['SELECT (QRESYNC (v q))'] = resync(r1);
  // known-uids limits both VANISHED and the FETCHes to those UIDs.
  o['EXAMINE (QRESYNC (v q 1:7))'] = resync(await cmd(d, 'f3', `EXAMINE ${MAILBOX} (QRESYNC (${validity} ${q} 1:7))`));
  // seq-match-data (3.2.5.2) describing the client's view at q: seq n was UID n.
  o['SELECT (QRESYNC (v q 1:12 (1:4,8 1:4,8)))'] = resync(await cmd(d, 'f4', `SELECT ${MAILBOX} (QRESYNC (${validity} ${q} 1:12 (1:4,8 1:4,8)))`));
  o['SELECT (QRESYNC (v m0))'] = resync(await cmd(d, 'f5', `SELECT ${MAILBOX} (QRESYNC (${validity} ${m0}))`));
  // A UIDVALIDITY that does not match: nothing to resynchronise, the client starts over.
  o['SELECT (QRESYNC (v+1 q))'] = resync(await cmd(d, 'f6', `SELECT ${MAILBOX} (QRESYNC (${validity + 1} ${q}))`));
  // Up to date: nothing to report.
  o['SELECT (QRESYNC (v now))'] = resync(await cmd(d, 'f7', `SELECT ${MAILBOX} (QRESYNC (${validity} ${now}))`));
  // Another session's expunge reaches a QRESYNC session as VANISHED (3.2.10.1).
  const e = await target.connect();
  await cmd(e, 'g1', `SELECT ${MAILBOX}`);
  await cmd(e, 'g2', 'UID STORE 3 +FLAGS.SILENT (\\Deleted)');
  await cmd(e, 'g3', 'EXPUNGE');
  e.close();
  const noop = await cmd(d, 'g4', 'NOOP');
  o["NOOP after another session's EXPUNGE of UID 3"] = { vanished: vanished(noop), expungeLines: expungeLines(noop) };
  const uf3 = await cmd(d, 'g5', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${q} VANISHED)`);
  o['UID FETCH 1:* (FLAGS) (CHANGEDSINCE q VANISHED) after that'] = { vanished: vanished(uf3), vanishedFirst: vanishedFirst(uf3), fetched: byUid(uf3) };
  d.close();
  return o;
}

const flag = (uid: number, ...flags: string[]) => ({ uid, flags: flags.sort(), modseq: true });
const seqFlag = (seq: number, ...flags: string[]) => ({ seq, flags: flags.sort(), modseq: true });

/** What RFC 7162 makes of this script (derived by hand from the steps above). */
const RFC_ANSWERS: Observations = {
  'ENABLE CONDSTORE': ['CONDSTORE'],
  'SELECT (CONDSTORE)': { exists: 12, highestModseq: true },
  'UID STORE 2,4 +FLAGS (\\Seen)': [flag(2, '\\Seen'), flag(4, '\\Seen')],
  'UID STORE 7 +FLAGS (\\Flagged $Work)': [flag(7, '\\Flagged', '$Work')],
  'STORE 9 +FLAGS (\\Answered)': [seqFlag(9, '\\Answered')],
  'UID FETCH 1:* (FLAGS) (CHANGEDSINCE m0)': [flag(2, '\\Seen'), flag(4, '\\Seen'), flag(7, '\\Flagged', '$Work'), flag(9, '\\Answered')],
  'FETCH 1:* (FLAGS) (CHANGEDSINCE m0)': [seqFlag(2, '\\Seen'), seqFlag(4, '\\Seen'), seqFlag(7, '\\Flagged', '$Work'), seqFlag(9, '\\Answered')],
  'UID FETCH 1:6 (FLAGS) (CHANGEDSINCE m0)': [flag(2, '\\Seen'), flag(4, '\\Seen')],
  'SEARCH MODSEQ m0+1': { numbers: [2, 4, 7, 9], modseq: true },
  'UID SEARCH MODSEQ m0+1 NOT UID 4': { numbers: [2, 7, 9], modseq: true },
  // No per-flag mod-sequences kept: the message's MODSEQ is used (3.1.5).
  'SEARCH MODSEQ "/flags/\\\\seen" all m0+1': { numbers: [2, 4, 7, 9], modseq: true },
  'SEARCH MODSEQ top+1': { numbers: [], modseq: false },
  'UID STORE 1:6 (UNCHANGEDSINCE m0) +FLAGS (\\Draft)': { modified: [2, 4], fetched: [flag(1, '\\Draft'), flag(3, '\\Draft'), flag(5, '\\Draft'), flag(6, '\\Draft')] },
  'STORE 7:10 (UNCHANGEDSINCE m0) +FLAGS.SILENT (\\Deleted)': { modified: [7, 9], fetched: [{ seq: 8, flags: null, modseq: true }, { seq: 10, flags: null, modseq: true }] },
  'UID STORE 11 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)': { modified: [11], fetched: [] },
  'UID STORE 3,11 (UNCHANGEDSINCE m1) after another session stored 3': { modified: [3] },
  'flags after the conditional stores': [
    [1, '\\Draft'],
    [2, '\\Seen'],
    [3, '\\Draft', '\\Flagged'],
    [4, '\\Seen'],
    [5, '\\Draft'],
    [6, '\\Draft'],
    [7, '\\Flagged', '$Work'],
    [8, '\\Deleted'],
    [9, '\\Answered'],
    [10, '\\Deleted'],
    [11, '\\Seen'],
    [12],
  ].map(([uid, ...flags]) => ({ uid: uid as number, flags: (flags as string[]).sort() })),
  'ENABLE QRESYNC': ['QRESYNC'],
  'EXPUNGE (8 and 10 are \\Deleted)': { vanished: [{ earlier: false, uids: [8, 10] }], expungeLines: 0, highestModseqAbove: true },
  'UID EXPUNGE 5': { vanished: [{ earlier: false, uids: [5] }], expungeLines: 0, highestModseqAbove: true },
  'UID FETCH 1:* (FLAGS) (CHANGEDSINCE q VANISHED)': {
    vanished: [{ earlier: true, uids: [5, 8, 10] }],
    vanishedFirst: true,
    fetched: [flag(6, '\\Draft', '\\Seen'), flag(12, '\\Flagged'), flag(13)],
  },
  'UID FETCH 4:9 (FLAGS) (CHANGEDSINCE q VANISHED)': { vanished: [{ earlier: true, uids: [5, 8] }], fetched: [flag(6, '\\Draft', '\\Seen')] },
  'SELECT (QRESYNC (v q))': {
    exists: 10,
    closed: false,
    vanished: [{ earlier: true, uids: [5, 8, 10] }],
    vanishedFirst: true,
    fetched: [flag(6, '\\Draft', '\\Seen'), flag(12, '\\Flagged'), flag(13)],
  },
  'EXAMINE (QRESYNC (v q 1:7))': { exists: 10, closed: true, vanished: [{ earlier: true, uids: [5] }], vanishedFirst: true, fetched: [flag(6, '\\Draft', '\\Seen')] },
  'SELECT (QRESYNC (v q 1:12 (1:4,8 1:4,8)))': {
    exists: 10,
    closed: true,
    vanished: [{ earlier: true, uids: [5, 8, 10] }],
    vanishedFirst: true,
    fetched: [flag(6, '\\Draft', '\\Seen'), flag(12, '\\Flagged')],
  },
  'SELECT (QRESYNC (v m0))': {
    exists: 10,
    closed: true,
    vanished: [{ earlier: true, uids: [5, 8, 10] }],
    vanishedFirst: true,
    fetched: [
      flag(1, '\\Draft'),
      flag(2, '\\Seen'),
      flag(3, '\\Draft', '\\Flagged'),
      flag(4, '\\Seen'),
      flag(6, '\\Draft', '\\Seen'),
      flag(7, '\\Flagged', '$Work'),
      flag(9, '\\Answered'),
      flag(11, '\\Seen'),
      flag(12, '\\Flagged'),
      flag(13),
    ],
  },
  'SELECT (QRESYNC (v+1 q))': { exists: 10, closed: true, vanished: [], vanishedFirst: null, fetched: [] },
  'SELECT (QRESYNC (v now))': { exists: 10, closed: true, vanished: [], vanishedFirst: null, fetched: [] },
  "NOOP after another session's EXPUNGE of UID 3": { vanished: [{ earlier: false, uids: [3] }], expungeLines: 0 },
  'UID FETCH 1:* (FLAGS) (CHANGEDSINCE q VANISHED) after that': {
    vanished: [{ earlier: true, uids: [3, 5, 8, 10] }],
    vanishedFirst: true,
    fetched: [flag(6, '\\Draft', '\\Seen'), flag(12, '\\Flagged'), flag(13)],
  },
};

describe('differential: CONDSTORE / QRESYNC against Dovecot and Mailstead', () => {
  it('gives the same UID sets, flags, [MODIFIED] sets and VANISHED answers as Dovecot, and both the RFC 7162 answers', async () => {
    const mailstead = await runScript(servers.ours);
    const reference = await runScript(servers.theirs);
    const steps = Object.keys(RFC_ANSWERS);
    expect(Object.keys(mailstead)).toEqual(steps);
    // Step by step, so a difference names the step.
    expect(steps.map((step) => ({ step, answer: mailstead[step] }))).toEqual(steps.map((step) => ({ step, answer: reference[step] })));
    expect(steps.map((step) => ({ step, answer: reference[step] }))).toEqual(steps.map((step) => ({ step, answer: RFC_ANSWERS[step] })));
  });
});
