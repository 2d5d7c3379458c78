import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { BOB, RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/** METADATA (RFC 5464) as raw transcripts, modelled on the RFC's section 4 examples. */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

describe('METADATA (RFC 5464)', () => {
  it('SETMETADATA / GETMETADATA on the server and on mailboxes, with DEPTH, MAXSIZE and removal', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    expect(await c.command('a0', 'CAPABILITY')).toMatch(/ METADATA[ \r]/);
    // 4.3 example: a server annotation, then a mailbox one with a literal value.
    expect(await c.command('a1', 'SETMETADATA "" (/private/comment "My own comment")')).toBe('a1 OK SETMETADATA completed\r\n');
    c.write('a2 SETMETADATA INBOX (/private/comment {33+}\r\nMy new comment across\r\ntwo lines.)\r\n');
    expect(await c.response('a2')).toBe('a2 OK SETMETADATA completed\r\n');
    expect(await c.command('a3', 'GETMETADATA "" /private/comment')).toBe('* METADATA "" (/private/comment "My own comment")\r\na3 OK GETMETADATA completed\r\n');
    expect(await c.command('a4', 'GETMETADATA INBOX (/private/comment /private/nothing)')).toBe(
      '* METADATA "INBOX" (/private/comment {33}\r\nMy new comment across\r\ntwo lines.)\r\na4 OK GETMETADATA completed\r\n',
    );
    // Entry names are case-insensitive.
    expect(await c.command('a5', 'GETMETADATA "" /PRIVATE/Comment')).toMatch(/^\* METADATA "" \(\/private\/comment "My own comment"\)/);
    // 4.2.2 DEPTH: 1 is the children, infinity everything below.
    await c.command('a6', 'SETMETADATA INBOX (/private/filters/values/small "1" /private/filters/values/big "2" /private/filters/x "3")');
    expect(await c.command('a7', 'GETMETADATA (DEPTH 1) INBOX /private/filters')).toBe('* METADATA "INBOX" (/private/filters/x "3")\r\na7 OK GETMETADATA completed\r\n');
    expect(await c.command('a8', 'GETMETADATA (DEPTH infinity) INBOX /private/filters')).toBe(
      '* METADATA "INBOX" (/private/filters/values/big "2" /private/filters/values/small "1" /private/filters/x "3")\r\na8 OK GETMETADATA completed\r\n',
    );
    // 4.2.1 MAXSIZE: larger values are left out and the largest size is reported.
    expect(await c.command('a9', 'GETMETADATA (MAXSIZE 5) INBOX (/private/comment /private/filters/x)')).toBe(
      '* METADATA "INBOX" (/private/filters/x "3")\r\na9 OK [METADATA LONGENTRIES 33] GETMETADATA completed\r\n',
    );
    // NIL removes.
    expect(await c.command('a10', 'SETMETADATA INBOX (/private/comment NIL)')).toMatch(/^a10 OK/);
    expect(await c.command('a11', 'GETMETADATA INBOX /private/comment')).toBe('a11 OK GETMETADATA completed\r\n');
    // RENAME INBOX (4.1): the new mailbox gets a copy of INBOX's annotations, INBOX keeps them.
    await c.command('a12', 'SETMETADATA INBOX (/private/comment "inbox note")');
    expect(await c.command('a13', 'RENAME INBOX "Old mail"')).toMatch(/^a13 OK/);
    expect(await c.command('a14', 'GETMETADATA "Old mail" /private/comment')).toBe('* METADATA "Old mail" (/private/comment "inbox note")\r\na14 OK GETMETADATA completed\r\n');
    expect(await c.command('a15', 'GETMETADATA INBOX /private/comment')).toBe('* METADATA "INBOX" (/private/comment "inbox note")\r\na15 OK GETMETADATA completed\r\n');
    // Another account sees none of it.
    const b = await RawImap.connect(t.port);
    await b.login(BOB);
    expect(await b.command('b1', 'GETMETADATA "" /private/comment')).toBe('b1 OK GETMETADATA completed\r\n');
    b.close();
    c.close();
  });

  it('bad names are BAD; limits answer NO [METADATA MAXSIZE n] and [METADATA TOOMANY]; shared server entries are read-only', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    expect(await c.command('c1', 'SETMETADATA "" (/comment "x")')).toMatch(/^c1 BAD /);
    expect(await c.command('c2', 'SETMETADATA "" (/private/a* "x")')).toMatch(/^c2 BAD /);
    expect(await c.command('c3', 'SETMETADATA "" (/private/a "x" /private/b)')).toMatch(/^c3 BAD /);
    expect(await c.command('c4', 'GETMETADATA (DEPTH 2) "" /private')).toMatch(/^c4 BAD /);
    expect(await c.command('c5', 'GETMETADATA Nope /private/comment')).toMatch(/^c5 NO \[NONEXISTENT\]/);
    const big = 'x'.repeat(70_000);
    c.write(`c6 SETMETADATA "" (/private/big {${big.length}+}\r\n${big})\r\n`);
    expect(await c.response('c6')).toMatch(/^c6 NO \[METADATA MAXSIZE 65536\] /);
    const many = Array.from({ length: 101 }, (_, i) => `/private/many/e${i} "v"`).join(' ');
    expect(await c.command('c7', `SETMETADATA INBOX (${many})`)).toMatch(/^c7 NO \[METADATA TOOMANY\] /);
    // All or nothing: none of the 101 was stored.
    expect(await c.command('c8', 'GETMETADATA (DEPTH infinity) INBOX /private/many')).toBe('c8 OK GETMETADATA completed\r\n');
    expect(await c.command('c9', 'SETMETADATA "" (/shared/comment "everyone")')).toMatch(/^c9 NO /);
    // 3.2.1.1: /shared/admin names the administrator; computed, so it cannot be set either.
    expect(await c.command('c9a', 'GETMETADATA "" /shared/admin')).toBe('* METADATA "" (/shared/admin "mailto:postmaster@example.test")\r\nc9a OK GETMETADATA completed\r\n');
    expect(await c.command('c9b', 'SETMETADATA "" (/shared/admin "mailto:me@example.test")')).toMatch(/^c9b NO /);
    // Mailbox /shared entries are the account's own.
    expect(await c.command('c10', 'SETMETADATA INBOX (/shared/comment "team inbox")')).toMatch(/^c10 OK/);
    expect(await c.command('c11', 'GETMETADATA INBOX /shared/comment')).toBe('* METADATA "INBOX" (/shared/comment "team inbox")\r\nc11 OK GETMETADATA completed\r\n');
    c.close();
  });

  it('an administrator may set shared server entries (RFC 5464 3.3); every user reads them; /shared/admin stays computed', async () => {
    const admin = { address: 'root@example.test', password: 'root-secret-pw' };
    await t.store.accounts.create({ address: admin.address, passwordHash: await hashPassword(admin.password), role: 'admin' });
    const a = await RawImap.connect(t.port);
    await a.login(admin);
    expect(await a.command('r1', 'SETMETADATA "" (/shared/comment "maintenance on Sunday")')).toBe('r1 OK SETMETADATA completed\r\n');
    expect(await a.command('r2', 'SETMETADATA "" (/shared/admin "mailto:me@example.test")')).toMatch(/^r2 NO /);
    const user = await RawImap.connect(t.port);
    await user.login(BOB);
    expect(await user.command('u1', 'GETMETADATA "" /shared/comment')).toBe('* METADATA "" (/shared/comment "maintenance on Sunday")\r\nu1 OK GETMETADATA completed\r\n');
    expect(await user.command('u2', 'SETMETADATA "" (/shared/comment NIL)')).toMatch(/^u2 NO /);
    expect(await a.command('r3', 'SETMETADATA "" (/shared/comment NIL)')).toBe('r3 OK SETMETADATA completed\r\n');
    expect(await user.command('u3', 'GETMETADATA "" /shared/comment')).toBe('u3 OK GETMETADATA completed\r\n');
    a.close();
    user.close();
  });
});
