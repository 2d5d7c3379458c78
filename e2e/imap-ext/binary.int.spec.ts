import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImap, startImapServer, type ImapTestServer } from '../imap/imap-harness';

/** BINARY (RFC 3516): decoded part content, BINARY.SIZE, literal8 out and in. */
let t: ImapTestServer;

beforeAll(async () => {
  t = await startImapServer();
});

afterAll(async () => {
  await t?.close();
});

const ATTACHMENT = Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x41, 0x42, 0x0d, 0x0a, 0x43]);
const MESSAGE = [
  'From: a@example.test',
  'To: alice@example.test',
  'Subject: binary',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Gr=C3=BC=C3=9Fe, caf=C3=A9',
  '--b',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  ATTACHMENT.toString('base64'),
  '--b',
  'Content-Type: application/x-thing',
  'Content-Transfer-Encoding: x-uuencode',
  '',
  'begin 644 x',
  '--b--',
  '',
].join('\r\n');

describe('BINARY (RFC 3516)', () => {
  it('FETCH BINARY / BINARY.PEEK / BINARY.SIZE decode the transfer encoding; NUL bytes come as literal8', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    expect(await c.command('a0', 'CAPABILITY')).toMatch(/ BINARY[ \r]/);
    await c.command('a1', 'CREATE bin');
    expect(await c.command('a2', `APPEND bin {${Buffer.byteLength(MESSAGE)}+}\r\n${MESSAGE}`)).toMatch(/^a2 OK/);
    await c.command('a3', 'SELECT bin');
    const text = Buffer.from('Grüße, café', 'utf8');
    expect(await c.command('a4', 'FETCH 1 (BINARY.SIZE[1] BINARY.SIZE[2])')).toBe(`* 1 FETCH (BINARY.SIZE[1] ${text.length} BINARY.SIZE[2] ${ATTACHMENT.length})\r\na4 OK FETCH completed\r\n`);
    const peek = await c.command('a5', 'FETCH 1 (BINARY.PEEK[1])');
    expect(Buffer.from(peek, 'latin1').equals(Buffer.concat([Buffer.from(`* 1 FETCH (BINARY[1] {${text.length}}\r\n`), text, Buffer.from(')\r\na5 OK FETCH completed\r\n')]))).toBe(true);
    expect(await c.command('a6', 'FETCH 1 (FLAGS)')).not.toMatch(/\\Seen/);
    const bin = await c.command('a7', 'FETCH 1 (BINARY[2])');
    // The non-PEEK fetch set \Seen, so the new FLAGS come along (RFC 3516 4.2 as RFC 3501 BODY[]).
    const expected = Buffer.concat([Buffer.from(`* 1 FETCH (FLAGS (\\Seen) BINARY[2] ~{${ATTACHMENT.length}}\r\n`), ATTACHMENT, Buffer.from(')\r\na7 OK FETCH completed\r\n')]);
    expect(Buffer.from(bin.replace(/ ?\\Recent/g, ''), 'latin1').equals(expected), JSON.stringify(bin)).toBe(true);
    const partial = await c.command('a8', 'FETCH 1 (BINARY.PEEK[2]<3.3>)');
    expect(Buffer.from(partial, 'latin1').subarray(0, 40).toString('latin1')).toBe(`* 1 FETCH (BINARY[2]<3> ~{3}\r\n\xff\x00A)\r\na8 OK FETCH completed\r\n`.slice(0, 40));
    expect(await c.command('a9', 'FETCH 1 (BINARY.PEEK[3])')).toMatch(/^a9 NO \[UNKNOWN-CTE\] /);
    expect(await c.command('a10', 'FETCH 1 (BINARY.SIZE[1]<0.5>)')).toMatch(/^a10 BAD /);
    expect(await c.command('a11', 'FETCH 1 (BINARY[1.MIME])')).toMatch(/^a11 BAD /);
    c.close();
  });

  it('APPEND takes a literal8 (~{n}) message', async () => {
    const c = await RawImap.connect(t.port);
    await c.login();
    await c.command('b1', 'CREATE bin8');
    const raw = 'From: a@example.test\r\nSubject: eight\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nnaïve\r\n';
    const bytes = Buffer.from(raw, 'utf8');
    c.write(Buffer.concat([Buffer.from(`b2 APPEND bin8 ~{${bytes.length}+}\r\n`), bytes, Buffer.from('\r\n')]));
    expect(await c.response('b2')).toMatch(/^b2 OK \[APPENDUID \d+ 1\]/);
    await c.command('b3', 'SELECT bin8');
    const r = await c.command('b4', 'FETCH 1 (BINARY.PEEK[1])');
    expect(Buffer.from(r, 'latin1').includes(Buffer.from('naïve\r\n', 'utf8'))).toBe(true);
    c.close();
  });
});
