import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap, startImapServer, type ImapTestServer } from './imap-harness';

let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});
afterAll(async () => {
  await t?.close();
});

// Issue 19 item 13: NOT x16000 overflowed the stack and OR ALL x3000 exhausted Postgres (NO [SERVERBUG]).
describe('IMAP SEARCH program limits (raw transcripts)', () => {
  it('counts NOT and OR against the nesting limit and answers BAD, keeping the session', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    expect(await c.command('s0', 'SELECT INBOX')).toMatch(/s0 OK /);
    expect(await c.command('s1', `SEARCH ${'NOT '.repeat(16000)}ALL`)).toBe('s1 BAD Search too deeply nested\r\n');
    expect(await c.command('s2', `SEARCH ${'OR ALL '.repeat(3000)}ALL`)).toBe('s2 BAD Search too deeply nested\r\n');
    expect(await c.command('s3', `UID SEARCH ${'NOT ('.repeat(20)}ALL${')'.repeat(20)}`)).toBe('s3 BAD Search too deeply nested\r\n');
    // Within the limit (32 levels by default) the same keys work.
    expect(await c.command('s4', `SEARCH ${'NOT '.repeat(30)}ALL`)).toMatch(/^\* SEARCH[\d ]*\r\ns4 OK SEARCH completed\r\n$/);
    expect(await c.command('s5', `SEARCH ${'OR SEEN '.repeat(20)}ALL`)).toMatch(/^\* SEARCH[\d ]*\r\ns5 OK SEARCH completed\r\n$/);
    expect(await c.command('s6', 'NOOP')).toMatch(/s6 OK /);
    c.close();
  });

  it('refuses more than 1000 keys in one program with BAD', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    await c.command('t0', 'SELECT INBOX');
    expect(await c.command('t1', `SEARCH ${'ALL '.repeat(3000)}ALL`)).toBe('t1 BAD Search program too large\r\n');
    expect(await c.command('t2', `SEARCH ${'SEEN '.repeat(999)}ALL`)).toMatch(/^\* SEARCH[\d ]*\r\nt2 OK SEARCH completed\r\n$/);
    c.close();
  });
});
