import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/** UTF8=ACCEPT (RFC 6855): UTF-8 mailbox names both ways after ENABLE, APPEND ... UTF8 (...). */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('UTF8=ACCEPT (RFC 6855)', () => {
  it('after ENABLE UTF8=ACCEPT mailbox names are UTF-8 in commands and responses; others still see modified UTF-7', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    expect(await c.command('a0', 'CAPABILITY')).toMatch(/ UTF8=ACCEPT/);
    expect(await c.command('a1', 'ENABLE UTF8=ACCEPT')).toBe('* ENABLED UTF8=ACCEPT\r\na1 OK ENABLE completed\r\n');
    const name = 'Entwürfe/Café';
    const bytes = Buffer.from(name, 'utf8');
    // Strings are written as UTF-8 by the socket.
    c.write(`a2 CREATE {${bytes.length}+}\r\n${name}\r\n`);
    expect(await c.response('a2')).toMatch(/^a2 OK /);
    const list = await c.command('a3', 'LIST "" "Entw*"');
    expect(list).toContain(`{${bytes.length}}\r\n${utf8(name)}\r\n`);
    expect(list).not.toContain('&AOk-');
    const status = await c.command('a4', `STATUS {${bytes.length}+}\r\n${name} (MESSAGES)`);
    expect(status).toMatch(/MESSAGES 0\)\r\na4 OK/);
    // RFC 6855 4: APPEND with the UTF8 data item; the message has a raw UTF-8 Subject.
    const msg = Buffer.from('From: a@example.test\r\nSubject: Grüße aus Köln\r\n\r\nHallo\r\n', 'utf8');
    c.write(Buffer.concat([Buffer.from(`a5 APPEND {${bytes.length}+}\r\n`), bytes, Buffer.from(` UTF8 (~{${msg.length}+}\r\n`), msg, Buffer.from(')\r\n')]));
    expect(await c.response('a5')).toMatch(/^a5 OK \[APPENDUID \d+ 1\]/);
    c.write(Buffer.concat([Buffer.from(`a6 SELECT {${bytes.length}+}\r\n`), bytes, Buffer.from('\r\n')]));
    expect(await c.response('a6')).toMatch(/\* 1 EXISTS/);
    expect(await c.command('a7', 'FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])')).toContain(utf8('Grüße aus Köln'));
    // A session without UTF8=ACCEPT: modified UTF-7 as always, and no UTF8 APPEND.
    const old = await RawImap.connect(t.port);
    await old.login();
    expect(await old.command('b1', 'LIST "" "Entw*"')).toContain('"Entw&APw-rfe/Caf&AOk-"');
    expect(await old.command('b2', `APPEND INBOX UTF8 ({${msg.length}+}\r\n${msg.toString('utf8')})`)).toMatch(/^b2 BAD /);
    old.close();
    c.close();
  });
});
