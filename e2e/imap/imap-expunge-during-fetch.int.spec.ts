import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { RawImap, startImapServer, type ImapTestServer } from './imap-harness';

/**
 * Issue 18 defect 1: a message expunged by another session while a FETCH runs. Its data never
 * changes (RFC 3501 2.3.1.1): the FETCH either serves the real bytes (RFC 2180 4.1.1) or leaves the
 * message out and ends with OK [EXPUNGEISSUED] (4.1.2, RFC 5530) — never empty or invented content.
 */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

const FETCH = 'FETCH 1:* (UID FLAGS BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT])';

interface Seen {
  header: string;
  text: string;
  structure: string;
}

/** UID -> what one FETCH reply said of it (the literals read by their announced length). */
function parseFetch(reply: string): Map<number, Seen> {
  const out = new Map<number, Seen>();
  const start = /\* \d+ FETCH \(UID (\d+) /g;
  let m: RegExpExecArray | null;
  while ((m = start.exec(reply))) {
    const uid = Number(m[1]);
    let at = m.index;
    const literal = (name: string): string => {
      const marker = `${name} {`;
      const i = reply.indexOf(marker, at);
      const close = reply.indexOf('}\r\n', i);
      const size = Number(reply.slice(i + marker.length, close));
      at = close + 3 + size;
      return reply.slice(close + 3, close + 3 + size);
    };
    const structure = /BODYSTRUCTURE (\(.*?\)) BODY\[/.exec(reply.slice(at))?.[1] ?? 'none';
    const header = literal('BODY[HEADER.FIELDS (SUBJECT)]');
    const text = literal('BODY[TEXT]');
    out.set(uid, { header, text, structure });
    start.lastIndex = at;
  }
  return out;
}

async function session(mailbox: string): Promise<RawImap> {
  const c = await RawImap.connect(t.port);
  await c.login();
  await c.ok('s', `SELECT ${mailbox}`);
  return c;
}

describe('FETCH while another session expunges', () => {
  it('a message expunged elsewhere and not yet reported is left out, with OK [EXPUNGEISSUED] (RFC 2180 4.1.2, RFC 5530)', async () => {
    const mailbox = 'Gone';
    const box = (await t.store.mailboxes.create(t.aliceId, mailbox)).id;
    await t.store.messages.append(box, [1, 2, 3].map((n) => ({ raw: sampleMessage(n) })));
    const a = await session(mailbox);
    const b = await session(mailbox);
    await b.ok('b1', 'UID STORE 2 +FLAGS.SILENT (\\Deleted)');
    await b.ok('b2', 'UID EXPUNGE 2');
    // FETCH may not send EXPUNGE (RFC 3501 7.4.1): A still counts three messages, and gets two.
    const full = await a.command('a1', 'FETCH 1:3 (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    expect(full).toBe(
      '* 1 FETCH (UID 1 BODY[HEADER.FIELDS (SUBJECT)] {27}\r\nSubject: Test message 1\r\n\r\n)\r\n' +
        '* 3 FETCH (UID 3 BODY[HEADER.FIELDS (SUBJECT)] {27}\r\nSubject: Test message 3\r\n\r\n)\r\n' +
        'a1 OK [EXPUNGEISSUED] Some messages were already expunged\r\n',
    );
    expect(await a.command('a2', 'UID FETCH 1:3 (FLAGS)')).toBe(
      '* 1 FETCH (UID 1 FLAGS (\\Recent))\r\n* 3 FETCH (UID 3 FLAGS (\\Recent))\r\na2 OK [EXPUNGEISSUED] Some messages were already expunged\r\n',
    );
    expect(await a.command('a3', 'FETCH 3 (UID RFC822.SIZE)')).toMatch(/^\* 3 FETCH \(UID 3 RFC822.SIZE \d+\)\r\na3 OK FETCH completed\r\n$/);
    // NOOP reports the expunge; after it the numbers agree again.
    expect(await a.command('a4', 'NOOP')).toContain('* 2 EXPUNGE\r\n');
    expect(await a.command('a5', 'FETCH 1:* (UID)')).toBe('* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 3)\r\na5 OK FETCH completed\r\n');
    a.close();
    b.close();
  });

  it('never shows a changed header, text or structure for a UID, and ends OK or OK [EXPUNGEISSUED]', async () => {
    const mailbox = 'Racing';
    const box = (await t.store.mailboxes.create(t.aliceId, mailbox)).id;
    const body = (n: number) => `Body of message ${n}: ${'lorem ipsum '.repeat(45)}`.slice(0, 550);
    await t.store.messages.append(box, Array.from({ length: 120 }, (_, i) => ({ raw: sampleMessage(i + 1, { body: body(i + 1) }) })));

    const truth = parseFetch(await (await session(mailbox)).ok('t0', FETCH));
    expect(truth.size).toBe(120);
    expect(truth.get(7)).toMatchObject({ header: 'Subject: Test message 7\r\n\r\n', text: `${body(7)}\r\n` });

    const fetchers = await Promise.all(Array.from({ length: 4 }, () => session(mailbox)));
    const expunger = await session(mailbox);
    let expunging = true;
    const wrong: string[] = [];
    const endings = new Set<string>();
    const fetchLoop = async (c: RawImap, k: number) => {
      for (let round = 0; expunging || round < 2; round++) {
        const tag = `f${k}-${round}`;
        const reply = await c.command(tag, FETCH);
        const ending = new RegExp(`^${tag} (OK \\[EXPUNGEISSUED\\]|OK|NO|BAD)`, 'm').exec(reply)?.[1] ?? 'none';
        endings.add(ending);
        for (const [uid, seen] of parseFetch(reply)) {
          const expected = truth.get(uid);
          if (!expected || seen.header !== expected.header || seen.text !== expected.text || seen.structure !== expected.structure) {
            wrong.push(`UID ${uid} in ${tag}: ${JSON.stringify(seen).slice(0, 200)}`);
          }
        }
      }
    };
    const expungeLoop = async () => {
      // 80 of the 120 messages, five at a time, spread over the mailbox.
      for (let step = 0; step < 16; step++) {
        const uids = Array.from({ length: 5 }, (_, i) => 1 + ((step * 5 + i) * 3) % 120).join(',');
        await expunger.ok(`x${step}a`, `UID STORE ${uids} +FLAGS.SILENT (\\Deleted)`);
        await expunger.ok(`x${step}b`, `UID EXPUNGE ${uids}`);
      }
      expunging = false;
    };
    await Promise.all([expungeLoop(), ...fetchers.map((c, k) => fetchLoop(c, k))]);
    expect(wrong).toEqual([]);
    expect([...endings].filter((e) => e !== 'OK' && e !== 'OK [EXPUNGEISSUED]')).toEqual([]);
    for (const c of [...fetchers, expunger]) c.close();
  }, 120_000);
});
