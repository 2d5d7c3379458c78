import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/**
 * NOTIFY (RFC 5465): changes made by another session reach this one without it asking, between
 * commands and during IDLE: the selected mailbox as EXISTS/EXPUNGE/FETCH, other mailboxes as
 * STATUS, mailbox list changes as LIST.
 */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

const message = (subject: string) => `From: sender@example.test\r\nTo: ${ALICE.address}\r\nSubject: ${subject}\r\n\r\nbody\r\n`;

async function append(c: RawImap, tag: string, mailbox: string, subject: string, flags = ''): Promise<void> {
  const raw = message(subject);
  const r = await c.command(tag, `APPEND ${mailbox} ${flags ? `(${flags}) ` : ''}{${Buffer.byteLength(raw)}+}\r\n${raw}`);
  expect(r).toMatch(new RegExp(`${tag} OK`));
}

async function session(): Promise<RawImap> {
  const c = await RawImap.connect(t.port);
  await c.login();
  return c;
}

/** Waits for unsolicited data matching `pattern` and returns everything received up to then. */
async function unsolicited(c: RawImap, pattern: RegExp): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 10_000)));
  const outcome = await Promise.race([c.until((b) => pattern.test(b)), timeout]);
  clearTimeout(timer);
  const received = c.take();
  if (outcome === 'timeout') throw new Error(`nothing matching ${pattern} arrived; got ${JSON.stringify(received)}`);
  return received;
}

/**
 * Resolves once the change feed in this process has delivered the next change of Alice's
 * mailboxes: the sessions' own listeners run first (they subscribed earlier), so any
 * notification work they start is queued ahead of the next command sent after this.
 */
function nextFeedChange(): Promise<void> {
  return new Promise((resolve) => {
    const off = t.feed.onAccount(t.aliceId, () => {
      off();
      setImmediate(resolve);
    });
  });
}

describe('NOTIFY (RFC 5465)', () => {
  it('is advertised; bad arguments get BAD, events it does not support NO [BADEVENT], and the session stays usable', async () => {
    const c = await session();
    expect(await c.command('c0', 'CAPABILITY')).toMatch(/ NOTIFY[ \r]/);
    await c.command('s0', 'SELECT INBOX');
    const cases: [string, RegExp][] = [
      ['NOTIFY NONE', /OK/],
      ['NOTIFY SET (SELECTED (MessageNew MessageExpunge))', /OK/],
      ['notify set (selected-delayed (messagenew messageexpunge flagchange))', /OK/],
      ['NOTIFY SET (PERSONAL NONE)', /OK/],
      ['NOTIFY SET (SUBTREE INBOX (MailboxName))', /OK/],
      ['NOTIFY SET (MAILBOXES (INBOX "Foo Bar") (MessageNew MessageExpunge))', /OK/],
      ['NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge))', /OK/],
      ['NOTIFY SET (SELECTED (MessageNew))', /BAD/],
      ['NOTIFY SET (SELECTED (MessageExpunge))', /BAD/],
      ['NOTIFY SET (SELECTED (FlagChange))', /BAD/],
      ['NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (SELECTED-DELAYED (MessageNew MessageExpunge))', /BAD/],
      ['NOTIFY SET (SELECTED (MessageNew MessageExpunge MailboxName))', /BAD/],
      ['NOTIFY SET (PERSONAL (MessageNew (UID) MessageExpunge))', /BAD/],
      ['NOTIFY SET (SELECTED (MessageExpunge (UID) MessageNew))', /BAD/],
      ['NOTIFY SET (SELECTED (MessageNew (NOSUCHITEM) MessageExpunge))', /BAD/],
      ['NOTIFY SET (BOGUS (MessageNew MessageExpunge))', /BAD/],
      ['NOTIFY SET', /BAD/],
      ['NOTIFY BOGUS', /BAD/],
      ['NOTIFY SET (SELECTED (MessageNew MessageExpunge AnnotationChange))', /NO \[BADEVENT \(MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange\)\]/],
      ['NOTIFY SET (PERSONAL (SomeVendorEvent))', /NO \[BADEVENT /],
    ];
    let n = 0;
    for (const [command, expected] of cases) {
      const tag = `n${n++}`;
      const reply = await c.command(tag, command);
      expect(reply.split('\r\n').filter(Boolean).pop(), command).toMatch(new RegExp(`^${tag} ${expected.source}`));
    }
    expect(await c.command('z1', 'NOTIFY NONE')).toBe('z1 OK NOTIFY completed\r\n');
    expect(await c.command('z2', 'NOOP')).toMatch(/z2 OK/);
    const before = await RawImap.connect(t.port);
    expect(await before.command('z3', 'NOTIFY NONE')).toMatch(/^z3 BAD/);
    before.close();
    c.close();
  });

  it('SELECTED: new messages (with their fetch attributes, \\Seen left alone), flag changes and expunges arrive without a command', async () => {
    const setup = await session();
    await setup.command('c1', 'CREATE Watched');
    await append(setup, 'a1', 'Watched', 'first');
    const c = await session();
    await c.command('s1', 'SELECT Watched');
    expect(await c.command('n1', 'NOTIFY SET (SELECTED (MessageNew (UID BODY[HEADER.FIELDS (SUBJECT)]) MessageExpunge FlagChange))')).toBe('n1 OK NOTIFY completed\r\n');
    await append(setup, 'a2', 'Watched', 'pushed');
    const arrived = await unsolicited(c, /Subject: pushed\r\n\r\n\)\r\n/);
    expect(arrived).toMatch(/^\* 2 EXISTS\r\n\* 2 RECENT\r\n\* 2 FETCH \(UID 2 BODY\[HEADER\.FIELDS \(SUBJECT\)\] \{\d+\}\r\nSubject: pushed\r\n\r\n\)\r\n$/);
    // Another session flags the first message and expunges it.
    await setup.command('s2', 'SELECT Watched');
    await setup.command('f1', 'STORE 1 +FLAGS (\\Flagged)');
    expect(await unsolicited(c, /FETCH/)).toMatch(/^\* 1 FETCH \(UID 1 FLAGS \(\\Flagged \\Recent\)\)\r\n$/);
    await setup.command('f2', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await unsolicited(c, /\\Deleted/);
    await setup.command('x1', 'EXPUNGE');
    expect(await unsolicited(c, /EXPUNGE/)).toBe('* 1 EXPUNGE\r\n');
    // The notification did not set \Seen.
    expect(await c.command('f3', 'FETCH 1 (UID FLAGS)')).toMatch(/^\* 1 FETCH \(UID 2 FLAGS \(\\Recent\)\)\r\n/);
    setup.close();
    c.close();
  });

  it('SELECTED-DELAYED: new messages are pushed, expunges wait for a command that may report them', async () => {
    const setup = await session();
    await setup.command('c1', 'CREATE Delayed');
    await append(setup, 'a1', 'Delayed', 'one');
    await append(setup, 'a2', 'Delayed', 'two');
    const c = await session();
    await c.command('s1', 'SELECT Delayed');
    await c.command('n1', 'NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge))');
    await setup.command('s2', 'SELECT Delayed');
    await setup.command('f1', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await setup.command('x1', 'EXPUNGE');
    await append(setup, 'a3', 'Delayed', 'three');
    // The arrival is pushed; the expunged message keeps its number for now.
    const pushed = await unsolicited(c, /EXISTS/);
    expect(pushed).toContain('* 3 EXISTS\r\n');
    expect(pushed).not.toContain('EXPUNGE');
    // FETCH does not report it (RFC 3501 7.4.1); it leaves it out with OK [EXPUNGEISSUED] (RFC 5530).
    const fetched = await c.command('f2', 'FETCH 1:* (UID)');
    expect(fetched).not.toMatch(/^\* \d+ EXPUNGE/m);
    expect(fetched).toMatch(/^f2 OK \[EXPUNGEISSUED\]/m);
    expect(await c.command('n2', 'NOOP')).toMatch(/^\* 1 EXPUNGE\r\nn2 OK/);
    setup.close();
    c.close();
  });

  it('other mailboxes: STATUS at once with the STATUS indicator, and when messages arrive or go; flag changes only when asked for', async () => {
    const setup = await session();
    await setup.command('c1', 'CREATE Lists');
    await setup.command('c2', 'CREATE Lists/Dev');
    await append(setup, 'a0', 'Lists/Dev', 'existing');
    const c = await session();
    await c.command('s1', 'SELECT INBOX');
    const set = await c.command('n1', 'NOTIFY SET STATUS (SELECTED (MessageNew MessageExpunge)) (SUBTREE Lists (MessageNew MessageExpunge))');
    expect(set).toMatch(/^\* STATUS "Lists" \(MESSAGES 0 UIDNEXT 1 UIDVALIDITY \d+ UNSEEN 0\)\r\n\* STATUS "Lists\/Dev" \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ UNSEEN 1\)\r\nn1 OK NOTIFY completed\r\n$/);
    await append(setup, 'a1', 'Lists/Dev', 'new post');
    expect(await unsolicited(c, /STATUS/)).toMatch(/^\* STATUS "Lists\/Dev" \(MESSAGES 2 UIDNEXT 3 UIDVALIDITY \d+ UNSEEN 2\)\r\n$/);
    // A flag change is not reported (FlagChange was not asked for); a mailbox outside the subtree neither.
    await setup.command('s2', 'SELECT Lists/Dev');
    await setup.command('f1', 'STORE 1 +FLAGS (\\Seen)');
    await append(setup, 'a2', 'Drafts', 'outside');
    await append(setup, 'a3', 'Lists', 'sentinel');
    expect(await unsolicited(c, /STATUS/)).toMatch(/^\* STATUS "Lists" \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ UNSEEN 1\)\r\n$/);
    // With FlagChange the same change is reported, with HIGHESTMODSEQ once CONDSTORE is on.
    await c.command('e1', 'ENABLE CONDSTORE');
    await c.command('n2', 'NOTIFY SET (SUBTREE Lists (MessageNew MessageExpunge FlagChange))');
    await setup.command('f2', 'STORE 2 +FLAGS (\\Seen)');
    expect(await unsolicited(c, /STATUS/)).toMatch(/^\* STATUS "Lists\/Dev" \(MESSAGES 2 UIDNEXT 3 UIDVALIDITY \d+ UNSEEN 0 HIGHESTMODSEQ \d+\)\r\n$/);
    // Expunges count too.
    await setup.command('f3', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await unsolicited(c, /STATUS/);
    await setup.command('x1', 'EXPUNGE');
    expect(await unsolicited(c, /STATUS/)).toMatch(/^\* STATUS "Lists\/Dev" \(MESSAGES 1 UIDNEXT 3 /);
    setup.close();
    c.close();
  });

  it('the selected mailbox gets no STATUS, and without a SELECTED group nothing is pushed for it', async () => {
    const setup = await session();
    await setup.command('c1', 'CREATE Quiet');
    const c = await session();
    await c.command('s1', 'SELECT INBOX');
    await c.command('n1', 'NOTIFY SET (PERSONAL (MessageNew MessageExpunge))');
    await append(setup, 'a1', 'INBOX', 'to the selected one');
    await append(setup, 'a2', 'Quiet', 'sentinel');
    expect(await unsolicited(c, /STATUS/)).toMatch(/^\* STATUS "Quiet" \(MESSAGES 1 /);
    // The selected mailbox's news still come with the next command.
    expect(await c.command('n2', 'NOOP')).toMatch(/EXISTS\r\n/);
    setup.close();
    c.close();
  });

  it('during IDLE other mailboxes are reported as well', async () => {
    const setup = await session();
    await setup.command('c1', 'CREATE Idle-Other');
    const c = await session();
    await c.command('s1', 'SELECT INBOX');
    await c.command('n1', 'NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (MAILBOXES Idle-Other (MessageNew MessageExpunge))');
    c.write('i1 IDLE\r\n');
    await c.until((b) => b.includes('+ idling'));
    c.take();
    await append(setup, 'a1', 'Idle-Other', 'while idle');
    expect(await unsolicited(c, /STATUS/)).toMatch(/^\* STATUS "Idle-Other" \(MESSAGES 1 UIDNEXT 2 /);
    await append(setup, 'a2', 'INBOX', 'selected while idle');
    expect(await unsolicited(c, /EXISTS/)).toMatch(/\* \d+ EXISTS\r\n/);
    c.write('DONE\r\n');
    expect(await c.response('i1')).toMatch(/i1 OK/);
    setup.close();
    c.close();
  });

  it('MailboxName and SubscriptionChange: LIST for created, renamed (OLDNAME), (un)subscribed and deleted mailboxes; NOTIFY NONE stops them', async () => {
    const c = await session();
    await c.command('n1', 'NOTIFY SET (PERSONAL (MailboxName SubscriptionChange))');
    const other = await session();
    await other.command('c1', 'CREATE Foo');
    expect(await unsolicited(c, /LIST/)).toBe('* LIST (\\HasNoChildren) "/" "Foo"\r\n');
    await other.command('r1', 'RENAME Foo Bar');
    expect(await unsolicited(c, /LIST/)).toBe('* LIST (\\HasNoChildren) "/" "Bar" ("OLDNAME" ("Foo"))\r\n');
    // New mailboxes start subscribed.
    await other.command('u1', 'UNSUBSCRIBE Bar');
    expect(await unsolicited(c, /LIST/)).toBe('* LIST (\\HasNoChildren) "/" "Bar"\r\n');
    await other.command('u2', 'SUBSCRIBE Bar');
    expect(await unsolicited(c, /LIST/)).toBe('* LIST (\\HasNoChildren \\Subscribed) "/" "Bar"\r\n');
    await other.command('d1', 'DELETE Bar');
    expect(await unsolicited(c, /LIST/)).toBe('* LIST (\\NonExistent) "/" "Bar"\r\n');
    // SUBTREE watches only its names: a mailbox created elsewhere is not reported.
    await c.command('n2', 'NOTIFY SET (SUBTREE Projects (MailboxName))');
    await other.command('c2', 'CREATE Elsewhere');
    await other.command('c3', 'CREATE Projects');
    expect(await unsolicited(c, /LIST/)).toBe('* LIST (\\HasNoChildren) "/" "Projects"\r\n');
    await other.command('c4', 'CREATE Projects/Q1');
    expect(await unsolicited(c, /LIST/)).toBe('* LIST (\\HasNoChildren) "/" "Projects/Q1"\r\n');
    // NOTIFY NONE: nothing more.
    expect(await c.command('n3', 'NOTIFY NONE')).toBe('n3 OK NOTIFY completed\r\n');
    const delivered = nextFeedChange();
    await other.command('c5', 'CREATE Projects/Q2');
    await delivered;
    expect(await c.command('n4', 'NOOP')).toBe('n4 OK NOOP completed\r\n');
    other.close();
    c.close();
  });
});
