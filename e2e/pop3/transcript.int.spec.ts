import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeed, type MailboxChange } from '@mailstead/store';
import { wireSize } from '@mailstead/pop3';
import { sampleMessage } from '@mailstead/testing';
import { corpus, createPop3Harness, PASSWORD, RawPop3, type Pop3Harness } from './harness';

// Raw-socket transcripts against a POP3 server on a real migrated Postgres and Redis: every
// command, every error, and the state rules of RFC 1939 / 2449 / 2595 / 3206 / 5034.

let h: Pop3Harness;
let port: number;
let tlsPort: number;
/** A second server that treats its (loopback) peers as remote: passwords need TLS there. */
let remotePort: number;

const plain = (s: string) => Buffer.from(`\0${s}\0${PASSWORD}`).toString('base64');

beforeAll(async () => {
  h = await createPop3Harness();
  ({ port, tlsPort } = await h.server());
  ({ port: remotePort } = await h.server({ trustLoopback: false }));
});
afterAll(async () => {
  await h?.close();
});

async function capabilities(c: RawPop3): Promise<string[]> {
  const { status, body } = await c.multiline('CAPA');
  expect(status).toMatch(/^\+OK/);
  return body.toString().split('\r\n').filter(Boolean);
}

describe('AUTHORIZATION and TLS', () => {
  it('refuses passwords in the clear from a non-loopback peer with [AUTH], and accepts them after STLS', async () => {
    const { address } = await h.account('tls1', corpus(1));
    const c = await RawPop3.connect(remotePort);
    const before = await capabilities(c);
    expect(before).toContain('STLS');
    expect(before).not.toContain('USER');
    expect(before.some((l) => l.startsWith('SASL'))).toBe(false);
    expect(before).toEqual(expect.arrayContaining(['TOP', 'UIDL', 'RESP-CODES', 'PIPELINING', 'EXPIRE NEVER', 'IMPLEMENTATION Mailstead']));
    expect(await c.command(`USER ${address}`)).toMatch(/^-ERR \[AUTH\] /);
    expect(await c.command(`PASS ${PASSWORD}`)).toMatch(/^-ERR \[AUTH\] /);
    expect(await c.command(`AUTH PLAIN ${plain(address)}`)).toMatch(/^-ERR \[AUTH\] /);
    expect(await c.command('STLS')).toMatch(/^\+OK/);
    await c.startTls();
    const after = await capabilities(c);
    expect(after).toEqual(expect.arrayContaining(['USER', 'SASL PLAIN']));
    expect(after).not.toContain('STLS');
    expect(await c.command('STLS')).toMatch(/^-ERR/);
    expect(await c.login(address)).toMatch(/^\+OK Logged in, 1 messages/);
    expect(await c.quit()).toMatch(/^\+OK/);
  });

  it('discards commands pipelined in the clear after STLS (RFC 2595 4)', async () => {
    const { address } = await h.account('tls2');
    const c = await RawPop3.connect(remotePort);
    c.write(`STLS\r\nUSER ${address}\r\n`);
    expect(await c.line()).toMatch(/^\+OK/);
    await c.startTls();
    // Had the injected USER survived, PASS would log in; it must say "USER first".
    expect(await c.command(`PASS ${PASSWORD}`)).toMatch(/^-ERR Send USER first/);
    await c.quit();
  });

  it('closes the connection on plaintext where a TLS handshake belongs, and keeps serving others', async () => {
    const c = await RawPop3.connect(remotePort);
    expect(await c.command('STLS')).toMatch(/^\+OK/);
    c.write('USER nobody@pop.test\r\n');
    await c.closed;
    const raw = net.connect(tlsPort, '127.0.0.1');
    raw.on('error', () => undefined);
    raw.write('CAPA\r\n');
    await new Promise((resolve) => raw.once('close', resolve));
    const d = await RawPop3.connect(remotePort);
    expect(await d.command('NOOP')).toMatch(/^-ERR/);
    await d.quit();
  });

  it('serves implicit TLS (POP3S) with the configured certificate', async () => {
    const { address } = await h.account('pop3s', corpus(2));
    const c = await RawPop3.connect(tlsPort, { tls: true });
    expect(await capabilities(c)).not.toContain('STLS');
    expect(await c.login(address)).toMatch(/^\+OK/);
    expect(await c.command('STAT')).toMatch(/^\+OK 2 \d+$/);
    await c.quit();
  });

  it('counts loopback as secured, and offers STLS there too', async () => {
    const c = await RawPop3.connect(port);
    expect(await capabilities(c)).toEqual(expect.arrayContaining(['USER', 'SASL PLAIN', 'STLS', 'AUTH-RESP-CODE']));
    await c.quit();
  });

  it('a dual-stack listener sees loopback as ::ffff:127.0.0.1 and still counts it as secured (libs/auth passwordsAllowed)', async () => {
    const { server } = await h.server();
    const dual = await server.listen('::', 0, { implicitTls: false });
    const { address } = await h.account('dualstack', corpus(1));
    const c = await RawPop3.connect(dual.port);
    expect(await capabilities(c)).toEqual(expect.arrayContaining(['USER', 'SASL PLAIN']));
    expect(await c.command(`AUTH PLAIN ${plain(address)}`)).toMatch(/^\+OK Logged in/);
    await c.quit();
  });

  it('USER/PASS: wrong password is [AUTH], PASS needs USER, the password may hold spaces, and state rules hold', async () => {
    const { address } = await h.account('userpass', corpus(1));
    const c = await RawPop3.connect(port);
    expect(await c.command('STAT')).toMatch(/^-ERR .*AUTHORIZATION/);
    expect(await c.command('PASS whatever')).toBe('-ERR Send USER first');
    expect(await c.command('USER')).toMatch(/^-ERR Wrong number of arguments/);
    expect(await c.login(address, 'not the password')).toBe('-ERR [AUTH] Authentication failed');
    expect(await c.command('PASS again')).toBe('-ERR Send USER first');
    expect(await c.login('nobody@pop.test')).toBe('-ERR [AUTH] Authentication failed');
    expect(await c.login(address.toUpperCase())).toBe('+OK Logged in, 1 messages (' + wireSize(corpus(1)[0]!) + ' octets)');
    expect(await c.command(`USER ${address}`)).toMatch(/^-ERR .*TRANSACTION/);
    expect(await c.command('STLS')).toMatch(/^-ERR .*TRANSACTION/);
    expect(await c.command('AUTH PLAIN')).toMatch(/^-ERR .*TRANSACTION/);
    expect(await c.command('NOOP')).toBe('+OK');
    const after = await capabilities(c);
    expect(after).not.toContain('STLS');
    expect(after).not.toContain('USER');
    await c.quit();
  });

  it('AUTH PLAIN with an initial response, in the continuation form, "=" and "*", and AUTH without a mechanism', async () => {
    const { address } = await h.account('sasl', corpus(1));
    const c = await RawPop3.connect(port);
    const listed = await c.multiline('AUTH');
    expect(listed.status).toMatch(/^\+OK/);
    expect(listed.body.toString()).toBe('PLAIN\r\n');
    expect(await c.command('AUTH CRAM-MD5')).toMatch(/^-ERR Unsupported/);
    expect(await c.command('AUTH PLAIN')).toBe('+ ');
    expect(await c.command('*')).toBe('-ERR Authentication cancelled');
    expect(await c.command('AUTH PLAIN =')).toMatch(/^-ERR \[AUTH\]/);
    expect(await c.command(`AUTH PLAIN ${Buffer.from(`bob@pop.test\0${address}\0${PASSWORD}`).toString('base64')}`)).toMatch(/^-ERR \[AUTH\]/);
    expect(await c.command('AUTH PLAIN')).toBe('+ ');
    expect(await c.command(Buffer.from(`\0${address}\0wrong`).toString('base64'))).toBe('-ERR [AUTH] Authentication failed');
    expect(await c.command('AUTH PLAIN')).toBe('+ ');
    expect(await c.command(plain(address))).toMatch(/^\+OK Logged in, 1 messages/);
    await c.quit();

    const d = await RawPop3.connect(port);
    expect(await d.command(`auth plain ${plain(address)}`)).toMatch(/^\+OK Logged in/);
    await d.quit();
  });

  it('AUTH PLAIN takes padded and unpadded base64 alike, on the command line and in the continuation (libs/auth decodeSaslPlain)', async () => {
    const { address } = await h.account('nopadding', corpus(1));
    const token = plain(address);
    expect(token).toMatch(/=$/);
    const unpadded = token.replace(/=+$/, '');
    for (const lines of [[`AUTH PLAIN ${token}`], [`AUTH PLAIN ${unpadded}`], ['AUTH PLAIN', unpadded]]) {
      const c = await RawPop3.connect(port);
      let reply = '';
      for (const line of lines) reply = await c.command(line);
      expect(reply, lines.join(' / ')).toMatch(/^\+OK Logged in, 1 messages/);
      await c.quit();
    }
    const c = await RawPop3.connect(port);
    expect(await c.command('AUTH PLAIN AG!!')).toBe('-ERR [AUTH] Authentication failed: invalid base64');
    expect(await c.command(`AUTH PLAIN ${Buffer.from(`${address}\0${PASSWORD}`).toString('base64')}`)).toBe('-ERR [AUTH] Authentication failed: malformed PLAIN response');
    expect(await c.command('AUTH PLAIN')).toBe('+ ');
    expect(await c.command('=')).toBe('-ERR [AUTH] Authentication failed: invalid base64');
    await c.quit();
  });

  it('throttles failed logins through the shared Authenticator ([SYS/TEMP], even with the right password)', async () => {
    const { address } = await h.account('throttle');
    const c = await RawPop3.connect(port);
    for (let i = 0; i < 3; i++) expect(await c.login(address, `guess ${i}`)).toBe('-ERR [AUTH] Authentication failed');
    expect(await c.login(address)).toMatch(/^-ERR \[SYS\/TEMP\] Too many failed logins/);
    await c.quit();
  });

  it('QUIT in AUTHORIZATION signs off and closes', async () => {
    const c = await RawPop3.connect(port);
    expect(await c.quit()).toBe('+OK pop.test POP3 server signing off');
    expect(c.isClosed).toBe(true);
  });
});

describe('TRANSACTION', () => {
  it('STAT and LIST report the octets RETR sends: CRLF lines, dot-stuffed on the wire', async () => {
    const messages = corpus(4);
    const { address } = await h.account('sizes', messages);
    const c = await RawPop3.connect(port);
    await c.login(address);
    const total = messages.reduce((n, m) => n + wireSize(m), 0);
    expect(await c.command('STAT')).toBe(`+OK 4 ${total}`);
    const list = await c.multiline('LIST');
    expect(list.status).toBe(`+OK 4 messages (${total} octets)`);
    expect(list.body.toString()).toBe(messages.map((m, i) => `${i + 1} ${wireSize(m)}\r\n`).join(''));
    for (const [i, m] of messages.entries()) {
      expect(await c.command(`LIST ${i + 1}`)).toBe(`+OK ${i + 1} ${wireSize(m)}`);
      const retr = await c.multiline(`RETR ${i + 1}`);
      expect(retr.status).toBe(`+OK ${wireSize(m)} octets`);
      expect(retr.body.length).toBe(wireSize(m));
      expect(retr.body.toString('latin1')).toBe(m.toString('latin1').replace(/\r?\n/g, '\r\n'));
      if (i % 2 === 1) {
        // The bare-LF message has lines starting with "." and ".." : stuffed to ".." and "...".
        expect(retr.stuffed.toString()).toContain('\r\n..leading dot\r\n...two dots\r\n');
      }
    }
    await c.quit();
  });

  it('LIST, RETR, TOP, DELE and UIDL refuse bad, missing and out-of-range message numbers', async () => {
    const { address } = await h.account('ranges', corpus(2));
    const c = await RawPop3.connect(port);
    await c.login(address);
    for (const cmd of ['LIST', 'RETR', 'DELE', 'UIDL']) {
      expect(await c.command(`${cmd} 0`)).toMatch(/^-ERR No such message 0/);
      expect(await c.command(`${cmd} 3`)).toMatch(/^-ERR No such message 3/);
      expect(await c.command(`${cmd} x`)).toMatch(/^-ERR Invalid message number/);
    }
    expect(await c.command('RETR')).toMatch(/^-ERR Wrong number of arguments/);
    expect(await c.command('LIST 1 2')).toMatch(/^-ERR Wrong number of arguments/);
    await c.quit();
  });

  it('TOP sends the header and blank line for 0 lines, then the first n body lines', async () => {
    const body = 'first\r\n.second\r\nthird\r\n';
    const { address } = await h.account('top', [sampleMessage(1, { body })]);
    const raw = sampleMessage(1, { body }).toString();
    const header = raw.slice(0, raw.indexOf('\r\n\r\n') + 4);
    const c = await RawPop3.connect(port);
    await c.login(address);
    const zero = await c.multiline('TOP 1 0');
    expect(zero.status).toMatch(/^\+OK/);
    expect(zero.body.toString()).toBe(header);
    const two = await c.multiline('TOP 1 2');
    expect(two.body.toString()).toBe(`${header}first\r\n.second\r\n`);
    expect(two.stuffed.toString()).toContain('\r\n..second\r\n');
    expect((await c.multiline('TOP 1 500')).body.toString()).toBe(raw);
    expect(await c.command('TOP 1')).toMatch(/^-ERR Wrong number of arguments/);
    expect(await c.command('TOP 1 -1')).toMatch(/^-ERR Invalid line count/);
    expect(await c.command('TOP 2 0')).toMatch(/^-ERR No such message/);
    await c.quit();
  });

  it('UIDL values come from UIDVALIDITY and UID and stay the same across sessions and IMAP-side changes', async () => {
    const { address, inboxId } = await h.account('uidl', corpus(3));
    const box = (await h.db.store.mailboxes.findById(inboxId))!;
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
    const expected = [1, 2, 3].map((uid, i) => `${i + 1} ${hex(uid)}${hex(box.uidValidity)}\r\n`).join('');
    const c = await RawPop3.connect(port);
    await c.login(address);
    const first = await c.multiline('UIDL');
    expect(first.body.toString()).toBe(expected);
    expect(await c.command('UIDL 2')).toBe(`+OK 2 ${hex(2)}${hex(box.uidValidity)}`);
    await c.quit();

    // What IMAP does meanwhile: flags change, message 1 is expunged, a new message arrives.
    await h.db.store.messages.updateFlags(inboxId, [2, 3], 'add', ['\\Seen', '\\Flagged']);
    await h.db.store.messages.updateFlags(inboxId, [1], 'add', ['\\Deleted']);
    await h.db.store.messages.expunge(inboxId);
    await h.db.store.messages.append(inboxId, [{ raw: sampleMessage(99) }]);
    const d = await RawPop3.connect(port);
    await d.login(address);
    const second = await d.multiline('UIDL');
    expect(second.body.toString()).toBe(
      [2, 3, 4].map((uid, i) => `${i + 1} ${hex(uid)}${hex(box.uidValidity)}\r\n`).join(''),
    );
    await d.quit();
  });

  it('DELE marks: STAT, LIST and UIDL leave the message out, every command refuses it, RSET brings it back', async () => {
    const messages = corpus(3);
    const { address } = await h.account('dele', messages);
    const c = await RawPop3.connect(port);
    await c.login(address);
    expect(await c.command('DELE 2')).toBe('+OK Message 2 deleted');
    expect(await c.command('DELE 2')).toBe('-ERR Message 2 is deleted');
    expect(await c.command('STAT')).toBe(`+OK 2 ${wireSize(messages[0]!) + wireSize(messages[2]!)}`);
    expect((await c.multiline('LIST')).body.toString()).toBe(`1 ${wireSize(messages[0]!)}\r\n3 ${wireSize(messages[2]!)}\r\n`);
    expect((await c.multiline('UIDL')).body.toString()).not.toMatch(/^2 /m);
    expect(await c.command('LIST 2')).toBe('-ERR Message 2 is deleted');
    expect(await c.command('UIDL 2')).toBe('-ERR Message 2 is deleted');
    expect(await c.command('RETR 2')).toBe('-ERR Message 2 is deleted');
    expect(await c.command('TOP 2 0')).toBe('-ERR Message 2 is deleted');
    expect(await c.command('RSET')).toBe(`+OK Maildrop has 3 messages (${messages.reduce((n, m) => n + wireSize(m), 0)} octets)`);
    expect(await c.command('LIST 2')).toBe(`+OK 2 ${wireSize(messages[1]!)}`);
    // Nothing reached the store: RSET undid the mark and QUIT has nothing to apply.
    expect(await c.quit()).toBe('+OK pop.test POP3 server signing off (0 messages deleted)');
    expect(await h.db.store.messages.list((await h.db.store.mailboxes.findByName((await h.db.store.accounts.findByAddress(address))!.id, 'INBOX'))!.id)).toHaveLength(3);
  });

  it('answers pipelined commands in order (RFC 2449 PIPELINING), including input sent byte by byte', async () => {
    const { address } = await h.account('pipe', corpus(2));
    const c = await RawPop3.connect(port);
    c.write(`USER ${address}\r\nPASS ${PASSWORD}\r\nSTAT\r\nLIST 1\r\nNOOP\r\nUIDL 2\r\n`);
    expect(await c.line()).toMatch(/^\+OK/);
    expect(await c.line()).toMatch(/^\+OK Logged in/);
    expect(await c.line()).toMatch(/^\+OK 2 \d+$/);
    expect(await c.line()).toMatch(/^\+OK 1 \d+$/);
    expect(await c.line()).toBe('+OK');
    expect(await c.line()).toMatch(/^\+OK 2 [0-9A-F]{16}$/);
    for (const byte of Buffer.from('STAT\r\n')) c.write(Buffer.from([byte]));
    expect(await c.line()).toMatch(/^\+OK 2 \d+$/);
    await c.quit();
  });

  it('RETR of a message expunged by IMAP after login says so, and the session carries on', async () => {
    const { address, inboxId } = await h.account('vanished', corpus(2));
    const c = await RawPop3.connect(port);
    await c.login(address);
    await h.db.store.messages.updateFlags(inboxId, [1], 'add', ['\\Deleted']);
    await h.db.store.messages.expunge(inboxId);
    expect(await c.command('RETR 1')).toMatch(/^-ERR \[SYS\/PERM\] Message 1 was removed/);
    expect(await c.command('LIST 1')).toMatch(/^\+OK 1 \d+$/);
    expect((await c.multiline('RETR 2')).status).toMatch(/^\+OK/);
    expect(await c.command('DELE 1')).toMatch(/^\+OK/);
    expect(await c.quit()).toBe('+OK pop.test POP3 server signing off (0 messages deleted)');
  });
});

describe('UPDATE', () => {
  it('QUIT expunges the marked messages through the store; the change feed announces it; RETR marked the rest \\Seen', async () => {
    const { address, id: accountId, inboxId } = await h.account('update', corpus(4));
    const feed = new ChangeFeed(h.db.url);
    await feed.start();
    const changes: MailboxChange[] = [];
    const expunged = new Promise<void>((resolve) =>
      feed.onAccount(accountId, (change) => {
        changes.push(change);
        if (change.kind === 'expunge') resolve();
      }),
    );
    const before = (await h.db.store.mailboxes.findById(inboxId))!.highestModseq;
    const c = await RawPop3.connect(port);
    await c.login(address);
    await c.multiline('RETR 1');
    expect(await c.command('DELE 2')).toMatch(/^\+OK/);
    expect(await c.command('DELE 4')).toMatch(/^\+OK/);
    expect(await c.quit()).toBe('+OK pop.test POP3 server signing off (2 messages deleted)');
    await expunged;
    await feed.close();
    const left = await h.db.store.messages.list(inboxId);
    expect(left.map((m) => m.uid)).toEqual([1, 3]);
    expect(left.find((m) => m.uid === 1)!.seen).toBe(true);
    expect(left.find((m) => m.uid === 3)!.seen).toBe(false);
    expect(await h.db.store.messages.expungedSince(inboxId, before)).toEqual([2, 4]);
    expect(changes.find((ch) => ch.kind === 'expunge')).toMatchObject({ mailboxId: inboxId });
    const box = (await h.db.store.mailboxes.findById(inboxId))!;
    expect(box.messageCount).toBe(2);

    const d = await RawPop3.connect(port);
    expect(await d.login(address)).toMatch(/^\+OK Logged in, 2 messages/);
    expect((await d.multiline('UIDL')).body.toString()).toMatch(/^1 00000001[0-9A-F]{8}\r\n2 00000003[0-9A-F]{8}\r\n$/);
    await d.quit();
  });

  it('a dropped connection applies nothing and gives the maildrop back', async () => {
    const { address, inboxId } = await h.account('dropped', corpus(3));
    const c = await RawPop3.connect(port);
    await c.login(address);
    expect(await c.command('DELE 1')).toMatch(/^\+OK/);
    expect(await c.command('DELE 2')).toMatch(/^\+OK/);
    c.drop();
    const d = await RawPop3.connect(port);
    // The server notices the drop asynchronously; until then the maildrop is still locked.
    let reply = await d.login(address);
    for (let i = 0; i < 100 && reply.includes('[IN-USE]'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      reply = await d.login(address);
    }
    expect(reply).toMatch(/^\+OK Logged in, 3 messages/);
    expect((await h.db.store.messages.list(inboxId)).map((m) => m.uid)).toEqual([1, 2, 3]);
    await d.quit();
  });
});

describe('maildrop lock', () => {
  it('refuses a second POP3 session with [IN-USE], on the same server and on another server object, while the store stays usable', async () => {
    const { address, inboxId } = await h.account('locked', corpus(2));
    const other = await h.server();
    const first = await RawPop3.connect(port);
    expect(await first.login(address)).toMatch(/^\+OK/);
    const same = await RawPop3.connect(port);
    expect(await same.login(address)).toBe('-ERR [IN-USE] Maildrop is in use by another POP3 session');
    const elsewhere = await RawPop3.connect(other.port);
    expect(await elsewhere.login(address)).toBe('-ERR [IN-USE] Maildrop is in use by another POP3 session');
    // Still in AUTHORIZATION: it may try again.
    expect(await elsewhere.command('STAT')).toMatch(/^-ERR .*AUTHORIZATION/);
    // IMAP-side access continues meanwhile; the POP3 snapshot does not change.
    await h.db.store.messages.append(inboxId, [{ raw: sampleMessage(50) }]);
    expect(await first.command('STAT')).toMatch(/^\+OK 2 /);
    expect(await first.quit()).toMatch(/^\+OK/);
    expect(await elsewhere.login(address)).toMatch(/^\+OK Logged in, 3 messages/);
    await elsewhere.quit();
    await same.quit();
  });

  it('gives the maildrop back when a server shuts down with a session in TRANSACTION, applying nothing', async () => {
    const { address, inboxId } = await h.account('shutdown', corpus(2));
    const doomed = await h.server();
    const c = await RawPop3.connect(doomed.port);
    await c.login(address);
    expect(await c.command('DELE 1')).toMatch(/^\+OK/);
    await doomed.server.close();
    await c.closed;
    const d = await RawPop3.connect(port);
    expect(await d.login(address)).toMatch(/^\+OK Logged in, 2 messages/);
    await d.quit();
    expect((await h.db.store.messages.list(inboxId)).length).toBe(2);
  });

  it('enforces LOGIN-DELAY when configured, and advertises it', async () => {
    const { address } = await h.account('delay');
    const delayed = await h.server({ loginDelaySeconds: 120 });
    const c = await RawPop3.connect(delayed.port);
    expect(await capabilities(c)).toContain('LOGIN-DELAY 120');
    expect(await c.login(address)).toMatch(/^\+OK/);
    await c.quit();
    const d = await RawPop3.connect(delayed.port);
    expect(await d.login(address)).toBe('-ERR [LOGIN-DELAY] Logins are allowed once every 120 seconds');
    await d.quit();
  });
});

describe('limits', () => {
  it('answers an over-long line with -ERR and keeps serving', async () => {
    const c = await RawPop3.connect(port);
    expect(await c.command(`USER ${'x'.repeat(5000)}`)).toBe('-ERR Command line too long');
    expect(await c.command('CAPA')).toMatch(/^\+OK/);
    await c.body();
    await c.quit();
  });

  it('closes the connection after the bad-command budget', async () => {
    const strict = await h.server({ limits: { maxLineLength: 200, maxBadCommands: 5, idleTimeoutMs: 60_000 } });
    const c = await RawPop3.connect(strict.port);
    expect(await c.command('HELO')).toBe('-ERR Unknown command HELO');
    expect(await c.command('')).toBe('-ERR Empty command');
    expect(await c.command('RETR 1')).toMatch(/^-ERR RETR is not valid in the AUTHORIZATION state/);
    expect(await c.command('NOOP')).toMatch(/^-ERR NOOP is not valid/);
    expect(await c.command('GET / HTTP/1.1')).toBe('-ERR Too many bad commands; closing connection');
    await c.closed;
    expect(c.isClosed).toBe(true);
  });

  it('closes an idle session without UPDATE (autologout timer)', async () => {
    const { address, inboxId } = await h.account('idle', corpus(2));
    const quick = await h.server({ limits: { maxLineLength: 200, maxBadCommands: 20, idleTimeoutMs: 300 } });
    const c = await RawPop3.connect(quick.port);
    await c.login(address);
    expect(await c.command('DELE 1')).toMatch(/^\+OK/);
    await c.closed;
    expect((await h.db.store.messages.list(inboxId)).length).toBe(2);
  });
});

describe('sizes computed by the store', () => {
  it('match the octets POP3 sends for awkward bytes: bare LF, bare CR, no final newline, NUL, 8-bit, backslashes', async () => {
    const raws = [
      Buffer.from('Subject: a\n\nbody\nno newline at end'),
      Buffer.from('Subject: b\r\n\r\nends in CR\r'),
      Buffer.from([...Buffer.from('Subject: c\r\n\r\n'), 0x00, 0x5c, 0x5c, 0xff, 0xe9, 0x0a, 0x0d, 0x0a, 0x5c, 0x6e, 0x0a]),
      Buffer.from('Subject: d\r\n\r\n\\r\\n literally\r\n'),
    ];
    const { address } = await h.account('bytes', raws);
    const c = await RawPop3.connect(port);
    await c.login(address);
    for (const [i, raw] of raws.entries()) {
      expect(await c.command(`LIST ${i + 1}`)).toBe(`+OK ${i + 1} ${wireSize(raw)}`);
      expect((await c.multiline(`RETR ${i + 1}`)).body.length).toBe(wireSize(raw));
    }
    const computed = (await c.multiline('LIST')).body.toString();
    await c.quit();
    // The next login takes the sizes from the Redis cache (blobs never change): the same listing.
    const d = await RawPop3.connect(port);
    await d.login(address);
    expect((await d.multiline('LIST')).body.toString()).toBe(computed);
    await d.quit();
  });
});
