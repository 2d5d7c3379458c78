import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap, startImapServer, type ImapTestServer } from './imap-harness';

let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});
afterAll(async () => {
  await t?.close();
});

// Issue 19 item 14: each of these was created before.
const REFUSED = [
  ['*', 'Invalid mailbox name: "*" and "%" are LIST wildcards'],
  ['%', 'Invalid mailbox name: "*" and "%" are LIST wildcards'],
  ['Work/*', 'Invalid mailbox name: "*" and "%" are LIST wildcards'],
  ['100%', 'Invalid mailbox name: "*" and "%" are LIST wildcards'],
  ['.', 'Invalid mailbox name: "." and ".." are not names'],
  ['..', 'Invalid mailbox name: "." and ".." are not names'],
  ['INBOX/../x', 'Invalid mailbox name: "." and ".." are not names'],
  ['a/./b', 'Invalid mailbox name: "." and ".." are not names'],
  ['a//b', 'Invalid mailbox name: empty hierarchy level'],
  ['/a', 'Invalid mailbox name: empty hierarchy level'],
  ['', 'Invalid mailbox name: empty'],
  ['/', 'Invalid mailbox name: empty'],
] as const;

describe('IMAP mailbox names CREATE and RENAME refuse (raw transcripts)', () => {
  it('CREATE answers NO [CANNOT] for wildcards and for empty, "." and ".." levels, and creates nothing', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    let n = 0;
    for (const [name, text] of REFUSED) {
      const tag = `c${++n}`;
      expect(await c.command(tag, `CREATE "${name}"`), name).toBe(`${tag} NO [CANNOT] ${text}\r\n`);
    }
    const list = await c.command('l1', 'LIST "" "*"');
    expect(list).not.toMatch(/"(\*|%|\.|\.\.|INBOX\/\.\.|100%)"/);
    expect(list).not.toMatch(/INBOX\/\.\.|a\/\.|"x"/);
    // Dots inside a name are fine.
    expect(await c.command('c99', 'CREATE "v1.2/..hidden"')).toMatch(/^c99 OK \[MAILBOXID \(M\d+\)\] CREATE completed\r\n$/);
    c.close();
  });

  it('RENAME to such a name answers NO [CANNOT] and leaves the mailbox where it was', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    expect(await c.command('r0', 'CREATE Drafts2')).toMatch(/^r0 OK /);
    let n = 0;
    for (const [name, text] of REFUSED) {
      const tag = `r${++n}`;
      expect(await c.command(tag, `RENAME Drafts2 "${name}"`), name).toBe(`${tag} NO [CANNOT] ${text}\r\n`);
    }
    expect(await c.command('s1', 'STATUS Drafts2 (MESSAGES)')).toMatch(/^\* STATUS "?Drafts2"? \(MESSAGES 0\)\r\ns1 OK /);
    c.close();
  });
});
