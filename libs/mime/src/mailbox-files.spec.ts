import { describe, expect, it } from 'vitest';
import { crlfToLf, lfToCrlf, maildirFileFlags, maildirFolderDir, maildirFolderName, maildirInfo, mboxEntry, mboxFromLineDate, parseDovecotKeywords, readMbox, type MboxEntry } from './mailbox-files';

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function read(data: Buffer, size = data.length, max = 1 << 20): Promise<MboxEntry[]> {
  const out: MboxEntry[] = [];
  for await (const e of readMbox(chunked(data, size), { maxMessageSize: max })) out.push(e);
  return out;
}

const MBOXRD = [
  'From alice@example.test Thu Nov 21 10:00:00 2026',
  'Status: RO',
  'X-Status: AF',
  'X-Keywords: $Label1 project',
  'Subject: one',
  '',
  'From the top: a line that was quoted',
  '>From already quoted once',
  'body',
  '',
  'From bob@example.test Fri Nov 22 11:30:05 2026',
  'Subject: two',
  'X-Mozilla-Status: 0005',
  'X-Mozilla-Keys: $label2',
  '',
  'second',
  '',
].join('\n');

describe('mbox', () => {
  it('splits mboxrd, undoes the quoting, reads internal dates and flags, and removes only its own status headers', async () => {
    const quoted = MBOXRD.replace('From the top', '>From the top').replace('>From already', '>>From already');
    const [one, two] = await read(Buffer.from(quoted));
    expect(one!.raw.toString()).toBe('Subject: one\r\n\r\nFrom the top: a line that was quoted\r\n>From already quoted once\r\nbody\r\n');
    expect(one!.flags.sort()).toEqual(['$Label1', '\\Answered', '\\Flagged', '\\Seen', 'project']);
    expect(one!.internalDate?.toISOString()).toBe('2026-11-21T10:00:00.000Z');
    expect(two!.raw.toString()).toBe('Subject: two\r\nX-Mozilla-Status: 0005\r\nX-Mozilla-Keys: $label2\r\n\r\nsecond\r\n');
    expect(two!.flags.sort()).toEqual(['$label2', '\\Flagged', '\\Seen']);
    expect(two!.endOffset).toBe(Buffer.byteLength(quoted));
  });

  it('gives the same messages whatever the chunk size (byte by byte included)', async () => {
    const whole = await read(Buffer.from(MBOXRD));
    for (const size of [1, 3, 17, 64]) {
      const parts = await read(Buffer.from(MBOXRD), size);
      expect(parts.map((p) => [p.raw.toString(), p.endOffset, p.flags])).toEqual(whole.map((p) => [p.raw.toString(), p.endOffset, p.flags]));
    }
  });

  it('writes entries that read back byte-identical with the same flags', async () => {
    const messages = [
      { raw: Buffer.from('Subject: a\r\n\r\nFrom here\r\n>From there\r\n>>From deeper\r\n'), flags: ['\\Seen', '\\Draft', 'work'] },
      { raw: Buffer.from('Subject: b\r\n\r\nno flags\r\n'), flags: [] },
    ];
    const file = Buffer.concat(messages.map((m, i) => mboxEntry(m.raw, 'x@example.test', new Date(Date.UTC(2026, 0, i + 1)), m.flags)));
    const back = await read(file);
    expect(back.map((b) => b.raw.toString())).toEqual(messages.map((m) => m.raw.toString()));
    expect(back.map((b) => b.flags.sort())).toEqual([['\\Draft', '\\Seen', 'work'], []]);
    expect(back[1]!.internalDate?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('refuses a file that is not mbox and a message over the size limit', async () => {
    await expect(read(Buffer.from('Subject: x\n\nbody\n'))).rejects.toThrow(/not an mbox file/);
    await expect(read(Buffer.from(`From a Thu Nov 21 10:00:00 2026\n${'x'.repeat(2000)}\n`), 100, 1000)).rejects.toThrow(/larger than 1000 bytes|longer than 1000 bytes/);
  });

  it('parses asctime From lines, with and without a time zone name', () => {
    expect(mboxFromLineDate('From MAILER-DAEMON Sat Jan  3 01:05:34 1996')?.toISOString()).toBe('1996-01-03T01:05:34.000Z');
    expect(mboxFromLineDate('From x Thu Nov 21 10:00 2026')?.toISOString()).toBe('2026-11-21T10:00:00.000Z');
    expect(mboxFromLineDate('From x garbage')).toBeUndefined();
  });
});

describe('Maildir++', () => {
  it('reads system flags and Dovecot keyword letters from file names, and writes them back', () => {
    const keywords = parseDovecotKeywords('0 $Label1\n1 project\n');
    expect(maildirFileFlags('1700000000.M1P2.host,S=10:2,FRSab', keywords).sort()).toEqual(['$Label1', '\\Answered', '\\Flagged', '\\Seen', 'project']);
    expect(maildirFileFlags('1700000000.M1P2.host', keywords)).toEqual([]);
    const list: string[] = [];
    expect(maildirInfo(['\\Seen', '\\Flagged', 'project', '$Label1'], list)).toBe(':2,FSab');
    expect(list).toEqual(['project', '$Label1']);
  });

  it('maps folder directories to mailbox names and back', () => {
    expect(maildirFolderName('.Archive.2024', '/')).toBe('Archive/2024');
    expect(maildirFolderDir('Archive/2024', '/')).toBe('.Archive.2024');
    expect(maildirFolderDir('INBOX', '/')).toBe('');
  });

  it('converts line ends both ways without touching CRLF already there', () => {
    expect(lfToCrlf(Buffer.from('a\nb\r\nc\n')).toString()).toBe('a\r\nb\r\nc\r\n');
    expect(crlfToLf(Buffer.from('a\r\nb\r\n')).toString()).toBe('a\nb\n');
  });
});
