import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { ALICE, RawImap, startImapServer, type ImapTestServer } from './imap-harness';

/**
 * Mutation fuzzing of the IMAP command parser and handlers over a real socket: valid commands
 * from every command family, mangled (tokens dropped, doubled, swapped, replaced by extreme
 * numbers, odd atoms, non-ASCII or NUL bytes, deep nesting, LITERAL+ literals). Whatever comes
 * in, each command must get its tagged OK/NO/BAD (or a BYE closing the connection), never a
 * SERVERBUG, an "Internal error" BYE or silence. The seeds are fixed, so a failure names a
 * command that reproduces it.
 */
let t: ImapTestServer;

beforeAll(async () => {
  // Many BAD answers are the point here: no disconnect after the usual 20.
  t = await startImapServer({ maxBadCommands: 1_000_000 });
  const inbox = (await t.store.mailboxes.findByName(t.aliceId, 'INBOX'))!;
  for (let i = 0; i < 8; i++) await t.store.messages.deliver(Buffer.from(sampleMessage(i, { subject: `fuzz ${i}` })), [{ mailboxId: inbox.id, flags: i % 2 ? ['\\Seen'] : [] }]);
  await t.store.mailboxes.create(t.aliceId, 'fuzz-a');
});

afterAll(async () => {
  await t?.close();
});

/** Commands of the selected state; the fuzzer mangles them. */
const CORPUS = [
  'NOOP',
  'CHECK',
  'CAPABILITY',
  'NAMESPACE',
  'ID ("name" "fuzz" "version" "1")',
  'ENABLE CONDSTORE QRESYNC UTF8=ACCEPT',
  'LIST "" "*"',
  'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN STATUS (MESSAGES UNSEEN) SPECIAL-USE)',
  'LSUB "" "*"',
  'STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE DELETED APPENDLIMIT MAILBOXID)',
  'SELECT INBOX (CONDSTORE)',
  'EXAMINE fuzz-a',
  'SELECT INBOX (QRESYNC (1 1 1:8 (1:8 1:8)))',
  'CREATE fuzz-b',
  'RENAME fuzz-b fuzz-c',
  'DELETE fuzz-c',
  'SUBSCRIBE fuzz-a',
  'UNSUBSCRIBE fuzz-a',
  'FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)',
  'FETCH 1:3 (BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)] BODY.PEEK[TEXT]<0.100>)',
  'UID FETCH 1:* (FLAGS MODSEQ) (CHANGEDSINCE 1 VANISHED)',
  'FETCH 2 (BINARY.PEEK[1] BINARY.SIZE[1] BODY[1.MIME] PREVIEW EMAILID THREADID)',
  'FETCH 1 (RFC822.HEADER RFC822.TEXT)',
  'FETCH 1,3:4,*:6 FAST',
  'STORE 1:2 +FLAGS.SILENT (\\Flagged $Label1)',
  'UID STORE 1:* (UNCHANGEDSINCE 5) -FLAGS (\\Seen)',
  'STORE 3 FLAGS (\\Deleted)',
  'SEARCH CHARSET UTF-8 OR (FROM "alice" SUBJECT fuzz) NOT (SEEN LARGER 10) SINCE 1-Jan-2020',
  'UID SEARCH RETURN (MIN MAX COUNT ALL SAVE) MODSEQ 1 UID 1:* HEADER "Message-ID" "x"',
  'SEARCH $ OR BODY "x" TEXT "y" KEYWORD $Label1 BEFORE 1-Feb-2030 SENTON 2-Mar-2024',
  'SEARCH YOUNGER 3600 OLDER 1 SMALLER 100000 UNKEYWORD foo NEW OLD RECENT UNANSWERED',
  'SORT (REVERSE ARRIVAL SUBJECT FROM DISPLAYFROM SIZE) UTF-8 ALL',
  'UID SORT RETURN (MIN COUNT) (DATE) US-ASCII UNSEEN',
  'THREAD REFERENCES UTF-8 ALL',
  'THREAD ORDEREDSUBJECT UTF-8 SUBJECT fuzz',
  'COPY 1:2 fuzz-a',
  'UID MOVE 8 fuzz-a',
  'UID COPY 1:* fuzz-a',
  'EXPUNGE',
  'UID EXPUNGE 3:5',
  'GETQUOTAROOT INBOX',
  'GETQUOTA ""',
  'GETMETADATA (DEPTH infinity MAXSIZE 100) INBOX (/private/comment /shared)',
  'SETMETADATA INBOX (/private/comment "hello" /shared/comment NIL)',
  'NOTIFY SET STATUS (SELECTED (MessageNew (UID FLAGS) MessageExpunge FlagChange)) (PERSONAL (MailboxName SubscriptionChange))',
  'NOTIFY NONE',
  'UNSELECT',
  'CLOSE',
  'SELECT INBOX',
];

/** Commands that change the connection's framing or wait for more than a tagged reply. */
const FRAMING = /^(?:\S+\s+)?(?:UID\s+)?(IDLE|STARTTLS|COMPRESS|AUTHENTICATE|LOGOUT|APPEND|LOGIN)\b/i;

const ODD_TOKENS = [
  'NIL', '()', '(', ')', '""', '"\\"', '"a\\\\b"', '*', '$', '1:*', '*:*', '0', '-1', '0:0', '4294967295', '4294967296',
  '18446744073709551616', '99999999999999999999999', '1:4294967295', '1,,2', ':', ',', 'BODY[', ']', '<', '>', '<0.>', '<4294967295.1>',
  'BODY[1.2.3.4.5.6.7.8.9.10.11.12]', 'BODY[HEADER.FIELDS ()]', 'BINARY[0]', '\\', '\\*', '\\Recent', '~', '%', '&', '&-', '&AGEAYgBj-',
  '&Jjo', 'INBOX', 'inbox', '"INBOX"', 'UTF-8', 'CHARSET', 'KOI8-R', 'X-UNKNOWN', 'RETURN', 'SAVE', 'MODSEQ', 'CHANGEDSINCE', 'VANISHED',
  'UNCHANGEDSINCE', 'ÿ', 'é', '\u{1F600}', '\x00', '\x7f', '\t', '1-Jan-1900', '31-Feb-2024', '99-Xyz-99999', '"1-Jan-2020 00:00:00 +9999"',
];

/** Small deterministic PRNG (mulberry32), so a failure reproduces from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The line's tokens, each with the whitespace that followed it, so joining them gives the line back. */
function tokens(line: string): string[] {
  return line.match(/(?:"(?:[^"\\]|\\.)*"|[()[\]<>]|[^\s()[\]<>"]+)\s*/g) ?? [];
}

/** One mangled command (without tag), as bytes; literals are LITERAL+ so no continuation is awaited. */
function mutate(base: string, random: () => number): Buffer {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  let parts = tokens(base);
  // Some commands go as they are: valid ones, in whatever state the earlier ones left.
  const rounds = random() < 0.25 ? 0 : 1 + Math.floor(random() * 3);
  let literal: Buffer | undefined;
  const spaced = (t: string) => `${t} `;
  for (let r = 0; r < rounds; r++) {
    const i = Math.floor(random() * Math.max(parts.length, 1));
    switch (Math.floor(random() * 11)) {
      case 0: parts.splice(i, 1); break;
      case 1: parts.splice(i, 0, parts[i] ?? 'X '); break;
      case 2: { const j = Math.floor(random() * parts.length); [parts[i], parts[j]] = [parts[j]!, parts[i]!]; break; }
      case 3: parts[i] = spaced(pick(ODD_TOKENS)); break;
      case 4: parts.splice(i, 0, spaced(pick(ODD_TOKENS))); break;
      case 5: parts = parts.map((p) => p.replace(/^\d+(?=\s|$)/, () => pick(['0', '4294967295', '4294967296', '99999999999999999999', '-5', '1e5']))); break;
      case 6: parts.splice(i, 0, '('.repeat(1 + Math.floor(random() * 60)), ')'.repeat(Math.floor(random() * 60))); break;
      case 7: parts = parts.slice(0, Math.max(1, i)); break;
      case 8: parts.splice(i, 0, String.fromCharCode(...Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * 256)))); break;
      case 9: literal = Buffer.from(pick(['', 'INBOX', 'fuzz-a', '\\Seen', 'a\r\nb', '\x00\x01', 'x'.repeat(5000), 'ÿé'])); break;
      default: parts[i] = (parts[i] ?? '').slice(0, Math.floor(random() * 4)); break;
    }
    parts = parts.filter((p) => p !== undefined);
  }
  // No line breaks or unplanned literals inside the line: those would desynchronise the framing.
  const text = parts.join('').trimEnd().replace(/[\r\n{]/g, '');
  if (!literal) return Buffer.from(text, 'latin1');
  // A literal replaces the last argument: `... {n+}\r\n<bytes>` then the line ends.
  const head = text.split(' ').slice(0, -1).join(' ');
  return Buffer.concat([Buffer.from(`${head} {${literal.length}+}\r\n`, 'latin1'), literal]);
}

interface Finding {
  command: string;
  response: string;
}

async function session(): Promise<RawImap> {
  const c = await RawImap.connect(t.port);
  const login = await c.command('L', `LOGIN ${ALICE.address} ${ALICE.password}`);
  if (!/^L OK/m.test(login)) throw new Error(`login failed: ${login}`);
  await c.command('S', 'SELECT INBOX');
  return c;
}

/** Sends one command and waits for its tagged reply (or the connection's end); null on silence. */
async function exchange(c: RawImap, tag: string, command: Buffer): Promise<string | null> {
  c.write(Buffer.concat([Buffer.from(`${tag} `), command, Buffer.from('\r\n')]));
  const tagged = new RegExp(`(?:^|\\r\\n)${tag} (?:OK|NO|BAD)[^\\r]*\\r\\n`);
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<'silent'>((resolve) => (timer = setTimeout(() => resolve('silent'), 20_000)));
  const outcome = await Promise.race([c.until((b) => tagged.test(b) || /(?:^|\r\n)\* BYE /.test(b)).then(() => 'answered' as const), silent]);
  clearTimeout(timer);
  return outcome === 'silent' ? null : c.take();
}

/** Expunges all but the first few messages of any mailbox that grew large, over IMAP. */
async function trim(): Promise<void> {
  const big = (await t.store.mailboxes.list(t.aliceId)).filter((b) => b.messageCount > 300);
  if (big.length === 0) return;
  const c = await session();
  for (const box of big) {
    await c.command('t1', `SELECT "${box.name.replace(/["\\]/g, '\\$&')}"`);
    await c.command('t2', 'STORE 9:* +FLAGS.SILENT (\\Deleted)');
    await c.command('t3', 'EXPUNGE');
  }
  c.close();
}

async function fuzz(seed: number, count: number): Promise<Finding[]> {
  const random = prng(seed);
  const findings: Finding[] = [];
  let c = await session();
  for (let n = 0; n < count; n++) {
    // COPY into the selected mailbox doubles it; keep the mailboxes small so the run stays short.
    if (n % 100 === 0) await trim();
    const base = CORPUS[Math.floor(random() * CORPUS.length)]!;
    const command = mutate(base, random);
    if (FRAMING.test(command.toString('latin1'))) continue;
    const tag = `f${n}`;
    const shown = JSON.stringify(command.toString('latin1').slice(0, 300));
    const response = await exchange(c, tag, command);
    if (response === null) {
      findings.push({ command: shown, response: '(no tagged reply within 20 s)' });
      c.close();
      c = await session();
      continue;
    }
    if (/\bSERVERBUG\b|\* BYE Internal error/.test(response)) findings.push({ command: shown, response: response.slice(-300) });
    if (c.closed || /(?:^|\r\n)\* BYE /.test(response)) {
      c.close();
      c = await session();
    }
  }
  // Still serving, and serving correctly: a fresh session reads the mailbox.
  const check = await session();
  expect(await check.command('z1', 'FETCH 1:* (UID)')).toMatch(/z1 OK/);
  check.close();
  c.close();
  return findings;
}

describe('what the fuzzer found', () => {
  it('SEARCH sizes and intervals past 32 bits are numbers like any other; NUL in a literal string is BAD', async () => {
    const c = await session();
    expect(await c.command('n1', 'SEARCH LARGER 4294967296')).toMatch(/^\* SEARCH\r\nn1 OK/);
    expect(await c.command('n2', 'SEARCH SMALLER 99999999999999999')).toMatch(/^\* SEARCH 1 2 3 4 5 6 7 8\r\nn2 OK/);
    expect(await c.command('n3', 'SEARCH OLDER 99999999999999999')).toMatch(/^\* SEARCH\r\nn3 OK/);
    expect(await c.command('n4', 'SEARCH LARGER 1e5')).toMatch(/^n4 BAD Invalid size/);
    expect(await c.command('n5', 'SEARCH SUBJECT {2+}\r\n\x00\x01')).toMatch(/^n5 BAD NUL is not allowed/);
    expect(await c.command('n6', 'THREAD ORDEREDSUBJECT UTF-8 SUBJECT {1+}\r\n\x00')).toMatch(/^n6 BAD NUL is not allowed/);
    c.close();
  });
});

describe('numbers up to their RFC maxima (issue 18 defect 5)', () => {
  // RFC 3501 9: nz-number and uniqueid go to 4,294,967,295; RFC 7162 7: mod-sequence-value to
  // 2^63-1. No UID here reaches 2^31, so every set past it matches nothing — but it is an answer.
  it('UIDs, sequence numbers, partial offsets and MODSEQs past 2^31 are answered, never SERVERBUG', async () => {
    const c = await session();
    await c.ok('u0', 'ENABLE CONDSTORE');
    const big = 3000000000;
    const max = 4294967295;
    const many = Array.from({ length: 10 }, (_, i) => `${big + 2 * i}`).join(',');
    const wrong: { command: string; reply: string }[] = [];
    for (const [tag, command, expected] of [
      ['u1', `UID SEARCH UID ${big}`, /^\* SEARCH\r\nu1 OK/],
      ['u2', `UID SEARCH UID 2147483648:${max}`, /^\* SEARCH\r\nu2 OK/],
      ['u3', `UID SEARCH UID ${many}`, /^\* SEARCH\r\nu3 OK/],
      ['u4', `UID SEARCH UID 1:${max}`, /^\* SEARCH 1 2 3 4 5 6 7 8\r\nu4 OK/],
      ['u5', `UID SEARCH RETURN (COUNT) UID ${big},1,${many}`, /^\* ESEARCH \(TAG "u5"\) UID COUNT 1\r\nu5 OK/],
      ['u6', `SEARCH ${max}`, /^\* SEARCH\r\nu6 OK/],
      ['u7', `SEARCH 1,${many}`, /^\* SEARCH 1\r\nu7 OK/],
      ['u8', `UID FETCH ${big}:${max} (FLAGS)`, /^u8 OK/],
      ['u9', `UID FETCH ${many} (FLAGS)`, /^u9 OK/],
      ['u10', `UID STORE ${many} +FLAGS.SILENT (\\Flagged)`, /^u10 OK/],
      ['u11', `UID SORT (DATE) UTF-8 UID ${many}`, /^\* SORT\r\nu11 OK/],
      ['u12', `UID THREAD REFERENCES UTF-8 UID ${many}`, /^\* THREAD\r\nu12 OK/],
      ['u13', `UID SEARCH MODSEQ 9223372036854775807`, /^\* SEARCH\r\nu13 OK/],
      ['u14', `FETCH 1:* (FLAGS) (CHANGEDSINCE 9223372036854775806)`, /^u14 OK/],
      ['u15', `FETCH 1 (BODY.PEEK[]<${big}.10>)`, /^\* 1 FETCH \(BODY\[\]<3000000000> \{0\}\r\n\)\r\nu15 OK/],
      ['u16', `FETCH 1 (BODY.PEEK[TEXT]<0.${max}> BINARY.PEEK[1]<${big}.${max}>)`, /^\* 1 FETCH \(BODY\[TEXT\]<0> \{\d+\}\r\n[\s\S]*\r\nu16 OK/],
      ['u17', `UID COPY ${many} INBOX`, /^u17 OK/],
      ['u18', `UID MOVE ${many} INBOX`, /^u18 OK/],
      ['u19', `UID EXPUNGE ${many}`, /^u19 OK/],
      ['u20', `UID FETCH ${many} (FLAGS) (CHANGEDSINCE 1)`, /^u20 OK/],
      ['u21', `UID STORE ${many} (UNCHANGEDSINCE 9223372036854775807) +FLAGS.SILENT (\\Seen)`, /^u21 OK/],
    ] as const) {
      const reply = await c.command(tag, command);
      if (!expected.test(reply)) wrong.push({ command, reply });
    }
    expect(wrong).toEqual([]);
    c.close();
  });
});

describe('IMAP fuzzing', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`answers every mangled command with OK/NO/BAD, never a server error (seed ${seed})`, async () => {
      expect(await fuzz(seed, 4000)).toEqual([]);
    }, 240_000);
  }
});
