import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ImapMailStore } from '@mailstead/imap';
import { sampleMessage } from '@mailstead/testing';
import { RawImap, startImapServer, type ImapTestServer } from './imap-harness';

// A FETCH of nothing but UID, FLAGS and MODSEQ takes its own path (fetch.ts fetchFlagsOnly, the
// store's fetchFlags); adding any other item sends the same messages through the general one.
// Both must give the same lines, so each fast FETCH below is compared with the general FETCH of
// the same messages, the extra item taken out again.
let t: ImapTestServer;
/** the session under test: its view has expunge holes, a pending expunge and \Recent messages */
let c: RawImap;
let lastUid = 0;
let midModseq = '';

/** More than two of fetch.ts's FLAGS_BATCH (5000), so batches meet and the prefetch runs. */
const OLD = 10_600;
const NEW = 400;

beforeAll(async () => {
  t = await startImapServer();
  const box = (await t.store.mailboxes.create(t.aliceId, 'Big')).id;
  const raw = sampleMessage(1);
  for (let i = 0; i < OLD; i += 500) await t.store.messages.append(box, Array.from({ length: Math.min(500, OLD - i) }, () => ({ raw })));

  const a = await RawImap.connect(t.port);
  await a.login();
  await a.command('a1', 'SELECT Big'); // claims \Recent for the first OLD messages
  const store = async (set: string, flags: string) => expect(await a.command('st', `UID STORE ${set} +FLAGS.SILENT (${flags})`)).toMatch(/st OK/);
  await store('1:8000', '\\Seen');
  await store('3:3000,4990:5010,9000:9100', '\\Answered');
  await store('7,4999:5001,10001', '\\Flagged \\Draft');
  await store('100:120,5000', '$Junk');
  await store('110:130,5001,10600', '$label1 NonJunk $MDNSent');
  await store('200:210,4000,5002', '\\Deleted');
  const status = await a.command('a2', 'STATUS Big (HIGHESTMODSEQ)');
  midModseq = /HIGHESTMODSEQ (\d+)/.exec(status)![1]!;
  await store('6000:6100', '$Later');
  // Holes in the UIDs: the view is not one contiguous run.
  expect(await a.command('a3', 'UID EXPUNGE 200:205,4000')).toMatch(/a3 OK/);
  await t.store.messages.append(box, Array.from({ length: NEW }, () => ({ raw })));

  c = await RawImap.connect(t.port);
  await c.login();
  const selected = await c.command('c1', 'SELECT Big'); // the NEW messages are \Recent here
  expect(selected).toContain(`* ${OLD - 7 + NEW} EXISTS`);
  expect(selected).toContain(`* ${NEW} RECENT`);
  lastUid = OLD + NEW;
  // A keyword on a message that is \Recent here, from the other session (NOOP takes the update in).
  expect(await a.command('a5', 'NOOP')).toContain(`* ${OLD - 7 + NEW} EXISTS`);
  await store(`${lastUid - 1}`, '$Junk');
  expect(await c.command('c2', 'NOOP')).toMatch(/c2 OK/);
  // Expunged by the other session after this one selected: still in this view (no EXPUNGE
  // during FETCH, RFC 3501 7.4.1), and neither path answers for it.
  expect(await a.command('a4', 'UID EXPUNGE 206')).toMatch(/a4 OK/);
  a.close();
}, 120_000);

afterAll(async () => {
  c?.close();
  await t?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs `fast`, checks it went the flags-only way, and returns its untagged lines. */
async function fastLines(command: string): Promise<string[]> {
  const flags = vi.spyOn(ImapMailStore.prototype, 'fetchFlags');
  const meta = vi.spyOn(ImapMailStore.prototype, 'fetchMeta');
  const r = await c.command('f', command);
  // A set over UID 206 (expunged elsewhere, not yet reported) says so (RFC 5530), on both paths.
  expect(r).toMatch(/f OK (FETCH completed|\[EXPUNGEISSUED\] Some messages were already expunged)\r\n$/);
  expect(flags).toHaveBeenCalled();
  expect(meta).not.toHaveBeenCalled();
  flags.mockRestore();
  meta.mockRestore();
  return r.split('\r\n').filter((l) => /^\* \d+ FETCH /.test(l));
}

/** Runs `general` (an extra item forces the general path) and takes `strip` out of each line. */
async function generalLines(command: string, strip: RegExp): Promise<string[]> {
  const flags = vi.spyOn(ImapMailStore.prototype, 'fetchFlags');
  const r = await c.command('g', command);
  expect(r).toMatch(/g OK (FETCH completed|\[EXPUNGEISSUED\] Some messages were already expunged)\r\n$/);
  expect(flags).not.toHaveBeenCalled();
  flags.mockRestore();
  return r
    .split('\r\n')
    .filter((l) => /^\* \d+ FETCH /.test(l))
    .map((l) => l.replace(strip, ''));
}

const INTERNALDATE = / INTERNALDATE "[^"]*"/;
const SIZE = / RFC822\.SIZE \d+/;

describe('FETCH of UID, FLAGS and MODSEQ only: the same lines as the general path', () => {
  it('FETCH 1:* (UID FLAGS) over keywords, system flags, \\Deleted, \\Recent, holes and a pending expunge', async () => {
    const fast = await fastLines('FETCH 1:* (UID FLAGS)');
    expect(fast).toEqual(await generalLines('FETCH 1:* (UID FLAGS INTERNALDATE)', INTERNALDATE));
    // One line per message still in the store; spot checks that the flags are really there.
    expect(fast).toHaveLength(OLD - 8 + NEW);
    expect(fast).toContain('* 1 FETCH (UID 1 FLAGS (\\Seen))');
    expect(fast).toContain('* 7 FETCH (UID 7 FLAGS (\\Seen \\Answered \\Flagged \\Draft))');
    expect(fast).toContain('* 115 FETCH (UID 115 FLAGS (\\Seen \\Answered $Junk $label1 NonJunk $MDNSent))');
    expect(fast).toContain('* 199 FETCH (UID 199 FLAGS (\\Seen \\Answered))');
    expect(fast).toContain('* 201 FETCH (UID 207 FLAGS (\\Seen \\Answered \\Deleted))'); // sequence 200 is UID 206, gone from the store
    expect(fast).toContain('* 4994 FETCH (UID 5001 FLAGS (\\Seen \\Answered \\Flagged \\Draft $label1 NonJunk $MDNSent))');
    expect(fast).toContain('* 4995 FETCH (UID 5002 FLAGS (\\Seen \\Answered \\Deleted))');
    expect(fast).toContain('* 10593 FETCH (UID 10600 FLAGS ($label1 NonJunk $MDNSent))');
    expect(fast).toContain(`* ${OLD - 8 + NEW} FETCH (UID ${lastUid - 1} FLAGS ($Junk \\Recent))`);
    expect(fast).toContain(`* ${OLD - 7 + NEW} FETCH (UID ${lastUid} FLAGS (\\Recent))`);
    expect(fast.some((l) => l.includes('UID 206 '))).toBe(false);
  });

  it('UID FETCH 1:* (FLAGS), FETCH 1:* FLAGS and FETCH 1:* UID', async () => {
    expect(await fastLines('UID FETCH 1:* (FLAGS)')).toEqual(await generalLines('UID FETCH 1:* (FLAGS RFC822.SIZE)', SIZE));
    expect(await fastLines('FETCH 1:* FLAGS')).toEqual(await generalLines('FETCH 1:* (FLAGS INTERNALDATE)', INTERNALDATE));
    expect(await fastLines('FETCH 1:* UID')).toEqual(await generalLines('FETCH 1:* (UID RFC822.SIZE)', SIZE));
    expect(await fastLines('FETCH 1:* (FLAGS UID FLAGS)')).toEqual(await generalLines('FETCH 1:* (FLAGS UID FLAGS RFC822.SIZE)', SIZE));
  });

  it('MODSEQ, alone and with UID and FLAGS (RFC 7162 3.1.4.1)', async () => {
    const fast = await fastLines('UID FETCH 1:* (FLAGS MODSEQ)');
    expect(fast).toEqual(await generalLines('UID FETCH 1:* (FLAGS MODSEQ INTERNALDATE)', INTERNALDATE));
    expect(fast[0]).toMatch(/^\* 1 FETCH \(UID 1 FLAGS \(\\Seen\) MODSEQ \(\d+\)\)$/);
    expect(await fastLines('FETCH 1:* (MODSEQ)')).toEqual(await generalLines('FETCH 1:* (MODSEQ RFC822.SIZE)', SIZE));
  });

  it('CHANGEDSINCE: only the messages changed since, with MODSEQ', async () => {
    const fast = await fastLines(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${midModseq})`);
    expect(fast).toEqual(await generalLines(`UID FETCH 1:* (FLAGS INTERNALDATE) (CHANGEDSINCE ${midModseq})`, INTERNALDATE));
    expect(fast).toHaveLength(101 + NEW);
    expect(fast[0]).toMatch(/^\* 5993 FETCH \(UID 6000 FLAGS \(\\Seen \$Later\) MODSEQ \(\d+\)\)$/);
    expect(await fastLines(`FETCH 1:* (UID) (CHANGEDSINCE ${midModseq})`)).toEqual(await generalLines(`FETCH 1:* (UID RFC822.SIZE) (CHANGEDSINCE ${midModseq})`, SIZE));
  });

  it('sparse sets, sets across holes and UIDs that do not exist', async () => {
    for (const [fast, general] of [
      ['FETCH 3:9,4990:5010,10590:* (UID FLAGS)', 'FETCH 3:9,4990:5010,10590:* (UID FLAGS INTERNALDATE)'],
      ['UID FETCH 1:10,199:215,3999:4001,5000 (FLAGS)', 'UID FETCH 1:10,199:215,3999:4001,5000 (FLAGS INTERNALDATE)'],
      [`UID FETCH 2,4,6,5000,${lastUid} (FLAGS)`, `UID FETCH 2,4,6,5000,${lastUid} (FLAGS INTERNALDATE)`],
      ['UID FETCH 1,9000:* (FLAGS)', 'UID FETCH 1,9000:* (FLAGS INTERNALDATE)'],
      // close together: one UID range read from the store, the UIDs between left out
      ['FETCH 1,3,5:6,4993 (UID FLAGS)', 'FETCH 1,3,5:6,4993 (UID FLAGS INTERNALDATE)'],
    ]) {
      expect(await fastLines(fast!)).toEqual(await generalLines(general!, INTERNALDATE));
    }
    expect(await fastLines('UID FETCH 1,3,5:6 (FLAGS)')).toEqual([
      '* 1 FETCH (UID 1 FLAGS (\\Seen))',
      '* 3 FETCH (UID 3 FLAGS (\\Seen \\Answered))',
      '* 5 FETCH (UID 5 FLAGS (\\Seen \\Answered))',
      '* 6 FETCH (UID 6 FLAGS (\\Seen \\Answered))',
    ]);
    expect(await fastLines('UID FETCH 199:207 (FLAGS)')).toEqual(['* 199 FETCH (UID 199 FLAGS (\\Seen \\Answered))', '* 201 FETCH (UID 207 FLAGS (\\Seen \\Answered \\Deleted))']);
  });
});
