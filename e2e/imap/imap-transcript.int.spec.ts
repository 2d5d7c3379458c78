import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMessage } from '@mailstead/testing';
import { RawImap, startImapServer, type ImapTestServer } from './imap-harness';

let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

describe('IMAP raw transcripts: not authenticated', () => {
  it('greets with capabilities, and answers CAPABILITY, NOOP, LOGOUT', async () => {
    const c = await RawImap.connect(t.port);
    expect(c.greeting).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 .*STARTTLS.*AUTH=PLAIN.*\] /);
    expect(await c.command('a1', 'CAPABILITY')).toMatch(/^\* CAPABILITY IMAP4rev1 .*IDLE.*\r\na1 OK/);
    expect(await c.command('a2', 'NOOP')).toBe('a2 OK NOOP completed\r\n');
    expect(await c.command('a3', 'LOGOUT')).toMatch(/^\* BYE .*\r\na3 OK LOGOUT completed\r\n$/);
    await c.until(() => c.closed);
    expect(c.closed).toBe(true);
  });

  it('rejects selected-state and authenticated-state commands before login', async () => {
    const c = await RawImap.connect(t.port);
    expect(await c.command('b1', 'SELECT INBOX')).toMatch(/^b1 BAD SELECT is not allowed in this state/);
    expect(await c.command('b2', 'FETCH 1 FLAGS')).toMatch(/^b2 BAD/);
    expect(await c.command('b3', 'FROBNICATE')).toMatch(/^b3 BAD Unknown command/);
    expect(await c.command('b4', 'LOGIN alice@example.test wrong-password')).toMatch(/^b4 NO \[AUTHENTICATIONFAILED\]/);
    c.close();
  });

  it('logs in with LOGIN, with a quoted password and with a literal', async () => {
    const c = await RawImap.connect(t.port);
    c.write('c1 LOGIN {18}\r\n');
    await c.until((b) => b.startsWith('+ '));
    c.take();
    c.write('alice@example.test "alice-secret-pw"\r\n');
    const r = await c.response('c1');
    expect(r).toMatch(/^c1 OK \[CAPABILITY IMAP4rev1 .*\] Logged in\r\n$/);
    expect(await c.command('c2', 'LOGIN a b')).toMatch(/^c2 BAD LOGIN is not allowed in this state/);
    c.close();
  });

  it('AUTHENTICATE PLAIN with SASL-IR and with a continuation', async () => {
    const token = Buffer.from('\0alice@example.test\0alice-secret-pw').toString('base64');
    const c = await RawImap.connect(t.port);
    expect(await c.command('d1', `AUTHENTICATE PLAIN ${token}`)).toMatch(/^d1 OK /);
    c.close();
    const d = await RawImap.connect(t.port);
    d.write('d2 AUTHENTICATE PLAIN\r\n');
    await d.until((b) => b.startsWith('+ '));
    d.take();
    d.write(`${token}\r\n`);
    expect(await d.response('d2')).toMatch(/^d2 OK /);
    d.close();
    const e = await RawImap.connect(t.port);
    e.write('d3 AUTHENTICATE PLAIN\r\n');
    await e.until((b) => b.startsWith('+ '));
    e.take();
    e.write('*\r\n');
    expect(await e.response('d3')).toMatch(/^d3 BAD /);
    e.close();
  });

  it('AUTHENTICATE PLAIN takes padded and unpadded base64 alike (libs/auth decodeSaslPlain), and answers bad input as Dovecot does', async () => {
    const message = '\0alice@example.test\0alice-secret-pw';
    const token = Buffer.from(message).toString('base64');
    expect(token).toMatch(/[^=]=$/);
    const unpadded = token.replace(/=+$/, '');
    const session = async (tag: string, line: string, continuation?: string) => {
      const c = await RawImap.connect(t.port);
      let reply: string;
      if (continuation === undefined) reply = await c.command(tag, line);
      else {
        c.write(`${tag} ${line}\r\n`);
        await c.until((b) => b.startsWith('+ '));
        c.take();
        c.write(`${continuation}\r\n`);
        reply = await c.response(tag);
      }
      c.close();
      return reply;
    };
    expect(await session('u1', `AUTHENTICATE PLAIN ${token}`)).toMatch(/^u1 OK \[CAPABILITY /);
    expect(await session('u2', `AUTHENTICATE PLAIN ${unpadded}`)).toMatch(/^u2 OK \[CAPABILITY /);
    expect(await session('u3', 'AUTHENTICATE PLAIN', unpadded)).toMatch(/^u3 OK \[CAPABILITY /);
    // "=" is an empty initial response: an empty PLAIN message fails; in a continuation "=" is not base64.
    expect(await session('u4', 'AUTHENTICATE PLAIN =')).toMatch(/^u4 NO \[AUTHENTICATIONFAILED\]/);
    expect(await session('u5', 'AUTHENTICATE PLAIN', '=')).toMatch(/^u5 BAD /);
    expect(await session('u6', 'AUTHENTICATE PLAIN AG!!')).toMatch(/^u6 BAD /);
    expect(await session('u7', `AUTHENTICATE PLAIN ${Buffer.from('alice@example.test\0alice-secret-pw').toString('base64')}`)).toMatch(/^u7 NO \[AUTHENTICATIONFAILED\]/);
    expect(await session('u8', `AUTHENTICATE PLAIN ${Buffer.from(`bob@example.test${message}`).toString('base64')}`)).toMatch(/^u8 NO \[AUTHORIZATIONFAILED\]/);
  });

  it('STARTTLS upgrades the connection; the plain listener stays usable from loopback', async () => {
    const c = await RawImap.connect(t.port);
    expect(await c.command('e1', 'STARTTLS')).toBe('e1 OK Begin TLS negotiation now\r\n');
    await c.startTls();
    const caps = await c.command('e2', 'CAPABILITY');
    expect(caps).not.toMatch(/STARTTLS/);
    expect(caps).toMatch(/AUTH=PLAIN/);
    await c.login();
    expect(await c.command('e3', 'STARTTLS')).toMatch(/^e3 BAD/);
    c.close();
  });

  it('IMAPS: implicit TLS greets and logs in', async () => {
    const c = await RawImap.connect(t.tlsPort, { tls: true });
    expect(c.greeting).toMatch(/^\* OK \[CAPABILITY .*AUTH=PLAIN/);
    expect(c.greeting).not.toMatch(/STARTTLS/);
    await c.login();
    c.close();
  });
});

describe('IMAP raw transcripts: bad input and limits', () => {
  it('answers syntax errors with BAD and keeps going', async () => {
    const c = await RawImap.connect(t.port);
    expect(await c.command('f1', 'LOGIN "unterminated')).toMatch(/^f1 BAD /);
    expect(await c.command('f2', 'NOOP extra')).toMatch(/^f2 BAD Too many arguments/);
    c.write('(garbage\r\n');
    await c.until((b) => b.includes('\r\n'));
    expect(c.take()).toMatch(/^\* BAD /);
    expect(await c.command('f3', 'NOOP')).toMatch(/^f3 OK/);
    c.close();
  });

  it('refuses a literal above the limit with NO [TOOBIG] without reading it', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    expect(await c.command('g1', 'APPEND INBOX {999999999999}')).toMatch(/^g1 NO \[TOOBIG\]/);
    expect(await c.command('g2', 'NOOP')).toMatch(/^g2 OK/);
    c.write('g3 APPEND INBOX {999999999999+}\r\n');
    await c.until(() => c.closed);
    expect(c.take()).toMatch(/^\* BYE /);
    c.close();
  });

  it('answers an over-long line with BAD and discards it', async () => {
    const c = await RawImap.connect(t.port);
    c.write(`h1 NOOP ${'x'.repeat(70_000)}\r\n`);
    await c.until((b) => b.includes('\r\n'));
    expect(c.take()).toMatch(/^h1 BAD Line too long/);
    expect(await c.command('h2', 'NOOP')).toMatch(/^h2 OK/);
    c.close();
  });

  it('says BYE after too many bad commands', async () => {
    const c = await RawImap.connect(t.port);
    for (let i = 0; i < 19; i++) expect(await c.command(`x${i}`, 'BOGUS')).toMatch(/BAD/);
    c.write('x19 BOGUS\r\n');
    await c.until(() => c.closed);
    expect(c.take()).toMatch(/\* BYE Too many invalid commands/);
  });
});

describe('IMAP raw transcripts: TLS policy and session limits', () => {
  it('without the loopback exception: LOGINDISABLED and PRIVACYREQUIRED until STARTTLS', async () => {
    const peer = await t.startPeer({ trustLoopback: false });
    const c = await RawImap.connect(peer.port);
    expect(c.greeting).toMatch(/STARTTLS LOGINDISABLED\]/);
    expect(await c.command('p1', 'LOGIN alice@example.test alice-secret-pw')).toMatch(/^p1 NO \[PRIVACYREQUIRED\]/);
    expect(await c.command('p2', 'AUTHENTICATE PLAIN AGFsaWNlAHg=')).toMatch(/^p2 NO \[PRIVACYREQUIRED\]/);
    await c.command('p3', 'STARTTLS');
    await c.startTls();
    expect(await c.command('p4', 'CAPABILITY')).toMatch(/AUTH=PLAIN/);
    await c.login();
    c.close();
    const s = await RawImap.connect(peer.tlsPort, { tls: true });
    await s.login();
    s.close();
    await peer.close();
  });

  it('a dual-stack listener sees loopback as ::ffff:127.0.0.1 and still counts it as secured (libs/auth passwordsAllowed)', async () => {
    const dual = await t.server.listen('imap-dual-stack', '::', 0, false);
    const c = await RawImap.connect(dual.port);
    expect(c.greeting).toMatch(/AUTH=PLAIN/);
    expect(c.greeting).not.toMatch(/LOGINDISABLED/);
    await c.login();
    c.close();
  });

  it('an unauthenticated connection gets a short timeout and a small command budget', async () => {
    const peer = await t.startPeer({ limits: { loginTimeoutMs: 200, maxUnauthenticatedCommands: 3 } });
    const idle = await RawImap.connect(peer.port);
    await idle.until(() => idle.closed);
    expect(idle.take()).toBe('* BYE Login timed out\r\n');
    const chatty = await RawImap.connect(peer.port);
    for (let i = 0; i < 3; i++) expect(await chatty.command(`n${i}`, 'NOOP')).toMatch(/OK/);
    chatty.write('n3 NOOP\r\n');
    await chatty.until(() => chatty.closed);
    expect(chatty.take()).toBe('* BYE Too many commands before login\r\n');
    await peer.close();
  });

  it('an IDLE that outlasts the idle timeout ends with BYE', async () => {
    const peer = await t.startPeer({ limits: { idleTimeoutMs: 300 } });
    const c = await RawImap.connect(peer.port);
    await c.login();
    c.write('w1 IDLE\r\n');
    await c.until(() => c.closed);
    expect(c.take()).toBe('+ idling\r\n* BYE IDLE timed out\r\n');
    await peer.close();
  });
});

describe('IMAP raw transcripts: mailboxes', () => {
  it('LIST shows the default folders with special-use and children attributes', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    const r = await c.command('m1', 'LIST "" "*"');
    expect(r).toContain('* LIST (\\HasNoChildren) "/" "INBOX"\r\n');
    expect(r).toContain('* LIST (\\HasNoChildren \\Sent) "/" "Sent"\r\n');
    expect(r).toContain('* LIST (\\HasNoChildren \\Trash) "/" "Trash"\r\n');
    expect(await c.command('m2', 'LIST "" ""')).toBe('* LIST (\\Noselect) "/" ""\r\nm2 OK LIST completed\r\n');
    c.close();
  });

  it('CREATE, nested names, UTF-7, RENAME, DELETE, SUBSCRIBE, LSUB, STATUS', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    // RFC 8474 4.1: CREATE answers with the new MAILBOXID (issue 5, OBJECTID).
    expect(await c.command('n1', 'CREATE Projects/2026/')).toMatch(/^n1 OK \[MAILBOXID \(M\d+\)\] CREATE completed\r\n$/);
    expect(await c.command('n2', 'CREATE Projects/2026')).toMatch(/^n2 NO \[ALREADYEXISTS\]/);
    expect(await c.command('n3', 'CREATE inbox')).toMatch(/^n3 NO \[ALREADYEXISTS\]/);
    expect(await c.command('n4', 'CREATE "Entw&APw-rfe"')).toMatch(/^n4 OK \[MAILBOXID \(M\d+\)\] CREATE completed\r\n$/);
    expect((await t.store.mailboxes.findByName(t.aliceId, 'Entwürfe'))?.name).toBe('Entwürfe');
    let r = await c.command('n5', 'LIST "" "%"');
    expect(r).toContain('* LIST (\\HasChildren) "/" "Projects"\r\n');
    expect(r).toContain('"Entw&APw-rfe"');
    expect(r).not.toContain('Projects/2026');
    r = await c.command('n6', 'LIST Projects/ %');
    expect(r).toContain('* LIST (\\HasNoChildren) "/" "Projects/2026"\r\n');
    expect(await c.command('n7', 'RENAME Projects Work')).toBe('n7 OK RENAME completed\r\n');
    r = await c.command('n8', 'LIST "" "Work*"');
    expect(r).toContain('"Work/2026"');
    expect(await c.command('n9', 'RENAME Nope Other')).toMatch(/^n9 NO \[NONEXISTENT\]/);
    expect(await c.command('n10', 'RENAME Work INBOX')).toMatch(/^n10 NO \[ALREADYEXISTS\]/);
    expect(await c.command('n11', 'SUBSCRIBE Work/2026')).toBe('n11 OK SUBSCRIBE completed\r\n');
    r = await c.command('n12', 'LSUB "" "*"');
    expect(r).toContain('* LSUB () "/" "Work/2026"\r\n');
    r = await c.command('n13', 'LIST (SUBSCRIBED) "" "*" RETURN (CHILDREN)');
    expect(r).toContain('* LIST (\\HasNoChildren \\Subscribed) "/" "Work/2026"\r\n');
    expect(await c.command('n14', 'UNSUBSCRIBE Work/2026')).toBe('n14 OK UNSUBSCRIBE completed\r\n');
    expect(await c.command('n15', 'LSUB "" "Work/*"')).toBe('n15 OK LSUB completed\r\n');
    expect(await c.command('n16', 'DELETE Work')).toBe('n16 OK DELETE completed\r\n');
    r = await c.command('n17', 'LIST "" "Work%"');
    expect(r).toContain('* LIST (\\Noselect \\HasChildren) "/" "Work"\r\n');
    expect(await c.command('n18', 'DELETE INBOX')).toMatch(/^n18 NO /);
    expect(await c.command('n19', 'DELETE Nope')).toMatch(/^n19 NO \[NONEXISTENT\]/);
    r = await c.command('n20', 'STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT SIZE)');
    expect(r).toMatch(/^\* STATUS "INBOX" \(MESSAGES 0 UIDNEXT 1 UIDVALIDITY \d+ UNSEEN 0 RECENT 0 SIZE 0\)\r\nn20 OK/);
    expect(await c.command('n21', 'STATUS Nope (MESSAGES)')).toMatch(/^n21 NO \[NONEXISTENT\]/);
    expect(await c.command('n22', 'STATUS INBOX (BOGUS)')).toMatch(/^n22 BAD/);
    r = await c.command('n23', 'LIST "" "Sent" RETURN (STATUS (MESSAGES UNSEEN))');
    expect(r).toMatch(/\* LIST \(\\HasNoChildren \\Sent\) "\/" "Sent"\r\n\* STATUS "Sent" \(MESSAGES 0 UNSEEN 0\)\r\nn23 OK/);
    // RFC 5258 3: an unknown return option is BAD, LIST "" "" included.
    expect(await c.command('n23a', 'LIST "" "" RETURN (XUNKNOWN)')).toMatch(/^n23a BAD /);
    expect(await c.command('n23b', 'LIST "" "*" RETURN (SUBSCRIBED XUNKNOWN)')).toMatch(/^n23b BAD /);
    expect(await c.command('n23c', 'LIST "" "Sent" RETURN (SPECIAL-USE CHILDREN SUBSCRIBED)')).toMatch(/\* LIST \(\\HasNoChildren \\Sent \\Subscribed\) "\/" "Sent"\r\nn23c OK/);
    r = await c.command('n24', 'LIST (SPECIAL-USE) "" "*"');
    expect(r).not.toContain('"INBOX"');
    expect(r).toContain('\\Junk');
    c.close();
  });

  it('renaming INBOX moves its messages to the new name and leaves INBOX empty', async () => {
    const c = await RawImap.connect(t.port);
    await c.login(BOB_LOGIN);
    const bob = (await t.store.accounts.findByAddress('bob@example.test'))!;
    const inbox = (await t.store.mailboxes.findByName(bob.id, 'INBOX'))!;
    await t.store.messages.append(inbox.id, [{ raw: sampleMessage(1) }, { raw: sampleMessage(2) }]);
    expect(await c.command('r1', 'RENAME INBOX "Old Inbox"')).toBe('r1 OK RENAME completed\r\n');
    expect(await c.command('r2', 'STATUS INBOX (MESSAGES)')).toContain('(MESSAGES 0)');
    expect(await c.command('r3', 'STATUS "Old Inbox" (MESSAGES)')).toContain('(MESSAGES 2)');
    c.close();
  });

  it('NAMESPACE, ID, ENABLE', async () => {
    const c = await RawImap.connect(t.port);
    expect(await c.command('i1', 'ID ("name" "test")')).toMatch(/^\* ID \("name" "Mailstead"/);
    await c.login();
    expect(await c.command('i2', 'NAMESPACE')).toBe('* NAMESPACE (("" "/")) NIL NIL\r\ni2 OK NAMESPACE completed\r\n');
    expect(await c.command('i3', 'ENABLE FOO')).toBe('* ENABLED\r\ni3 OK ENABLE completed\r\n');
    c.close();
  });
});

const BOB_LOGIN = { address: 'bob@example.test', password: 'bob-secret-pw' };
