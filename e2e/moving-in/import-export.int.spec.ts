// `mailstead import` and `mailstead export` (issue 23 item 1) through the CLI as an operator
// runs it (runCli, the command table of bin/mailstead), against a real Postgres: an mboxrd
// file with quoted From lines, a Thunderbird mbox with its status flags and a Maildir++ tree
// with folders and Dovecot keywords go in; Maildir and mbox exports come out byte for byte
// with the same flags, and are imported again into another account to the same state; an
// import stopped half-way (the account's message quota) resumes without duplicates.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@mailstead/config';
import { flagList } from '@mailstead/store';
import { createTestDatabase, type TestDatabase } from '@mailstead/testing';
import { runCli } from '../../apps/server/src/cli/run-cli';

let db: TestDatabase;
let work: string;

async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const config = parseConfig({ DATABASE_URL: db.url, MAILSTEAD_DATA_DIR: path.join(work, 'data'), ...env });
  const code = await runCli(args, { config, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every mailbox of an account: name -> [bytes (LF), sorted flags] in UID order. */
async function state(address: string): Promise<Record<string, [string, string[]][]>> {
  const account = (await db.store.accounts.findByAddress(address))!;
  const out: Record<string, [string, string[]][]> = {};
  for (const box of await db.store.mailboxes.list(account.id)) {
    const rows = await db.store.messages.list(box.id);
    if (rows.length === 0) continue;
    out[box.name] = await Promise.all(rows.map(async (r) => [(await db.store.messages.raw(box.id, r.uid)).toString('latin1').replace(/\r\n/g, '\n'), flagList(r).sort()] as [string, string[]]));
  }
  return out;
}

const message = (subject: string, body: string, extra = '') => `From: Sender <sender@remote.test>\nTo: ann@move.test\nSubject: ${subject}\nMessage-ID: <${subject.replace(/\W/g, '')}@remote.test>\nDate: Thu, 21 Nov 2026 10:00:00 +0000\n${extra}\n${body}`;

beforeAll(async () => {
  db = await createTestDatabase();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-moving-in-'));
  await db.store.domains.create('move.test');
  for (const who of ['ann', 'ben', 'cat', 'dan']) await db.store.accounts.create({ address: `${who}@move.test`, passwordHash: 'x' });
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('import', () => {
  it('takes an mboxrd file (quoted From lines) and a Thunderbird mbox with its flags', async () => {
    const mboxrd = [
      'From sender@remote.test Thu Nov 21 10:00:00 2026',
      message('quoted', 'From here on the line was quoted once\n>From and this one twice\nend\n').replace('From here', '>From here').replace('>From and', '>>From and'),
      'From sender@remote.test Fri Nov 22 12:00:00 2026',
      'Status: RO',
      'X-Status: F',
      message('seen and flagged', 'second\n'),
    ].join('\n');
    fs.writeFileSync(path.join(work, 'archive.mbox'), mboxrd);
    const thunderbird = [
      'From - Sat Nov 23 09:15:00 2026',
      'X-Mozilla-Status: 0003',
      'X-Mozilla-Status2: 00000000',
      'X-Mozilla-Keys: $label1 work',
      message('from thunderbird', 'read and replied\n'),
    ].join('\n');
    fs.writeFileSync(path.join(work, 'Inbox'), thunderbird);

    expect(await cli({}, 'import', 'mbox', path.join(work, 'archive.mbox'), '--user', 'ann@move.test', '--folder', 'Archive')).toMatchObject({ code: 0, out: expect.stringContaining('Archive: 2 imported') });
    expect((await cli({}, 'import', 'mbox', path.join(work, 'Inbox'), '--user', 'ann@move.test')).code).toBe(0);
    const ann = await state('ann@move.test');
    expect(ann.Archive).toEqual([
      [message('quoted', 'From here on the line was quoted once\n>From and this one twice\nend\n'), []],
      [message('seen and flagged', 'second\n'), ['\\Flagged', '\\Seen']],
    ]);
    expect(ann.INBOX).toEqual([[`X-Mozilla-Status: 0003\nX-Mozilla-Status2: 00000000\nX-Mozilla-Keys: $label1 work\n${message('from thunderbird', 'read and replied\n')}`, ['$label1', '\\Answered', '\\Seen', 'work']]]);
    const account = (await db.store.accounts.findByAddress('ann@move.test'))!;
    const archive = (await db.store.mailboxes.findByName(account.id, 'Archive'))!;
    expect((await db.store.messages.list(archive.id)).map((m) => m.internalDate.toISOString())).toEqual(['2026-11-21T10:00:00.000Z', '2026-11-22T12:00:00.000Z']);

    // --skip-duplicates: the same file again adds nothing; without it, the messages come again.
    expect(await cli({}, 'import', 'mbox', path.join(work, 'archive.mbox'), '--user', 'ann@move.test', '--folder', 'Archive', '--skip-duplicates')).toMatchObject({ code: 0, out: expect.stringContaining('0 imported, 2 duplicates skipped') });
    expect(await cli({}, 'import', 'mbox', path.join(work, 'missing.mbox'), '--user', 'ann@move.test')).toMatchObject({ code: 2 });
    const notMbox = path.join(work, 'not-mbox.txt');
    fs.writeFileSync(notMbox, 'Subject: hello\n\nbody\n');
    expect(await cli({}, 'import', 'mbox', notMbox, '--user', 'ann@move.test')).toMatchObject({ code: 2, err: expect.stringContaining('not an mbox file') });
  });

  it('takes a Maildir++ tree with folders, flags, Dovecot keywords and file dates', async () => {
    const root = path.join(work, 'Maildir');
    const put = (folder: string, name: string, text: string, mtime: Date) => {
      for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(root, folder, sub), { recursive: true });
      const file = path.join(root, folder, name.includes(':2,') ? 'cur' : 'new', name);
      fs.writeFileSync(file, text);
      fs.utimesSync(file, mtime, mtime);
    };
    put('', '1700000001.M1P1.old:2,S', message('inbox read', 'one\n'), new Date('2026-01-01T00:00:00Z'));
    put('', '1700000002.M2P1.old', message('inbox new', 'two\n'), new Date('2026-01-02T00:00:00Z'));
    put('.Projects.2026', '1700000003.M3P1.old:2,FRab', message('project mail', 'three\n'), new Date('2026-01-03T00:00:00Z'));
    fs.writeFileSync(path.join(root, '.Projects.2026', 'dovecot-keywords'), '0 $Important\n1 client-x\n');
    expect(await cli({}, 'import', 'maildir', root, '--user', 'ben@move.test')).toMatchObject({ code: 0, out: expect.stringContaining('total: 3 messages imported') });
    const ben = await state('ben@move.test');
    expect(ben.INBOX).toEqual([
      [message('inbox read', 'one\n'), ['\\Seen']],
      [message('inbox new', 'two\n'), []],
    ]);
    expect(ben['Projects/2026']).toEqual([[message('project mail', 'three\n'), ['$Important', '\\Answered', '\\Flagged', 'client-x']]]);
  });
});

describe('export', () => {
  it('writes Maildir and mbox byte for byte with the flags, and both import back to the same state', async () => {
    const before = await state('ann@move.test');
    const maildir = path.join(work, 'export-maildir');
    const mbox = path.join(work, 'export-mbox');
    expect(await cli({}, 'export', maildir, '--user', 'ann@move.test', '--format', 'maildir')).toMatchObject({ code: 0, out: expect.stringContaining('messages exported') });
    expect((await cli({}, 'export', mbox, '--user', 'ann@move.test', '--format', 'mbox')).code).toBe(0);

    // Maildir files are the messages' bytes, named with their flags.
    const archived = fs.readdirSync(path.join(maildir, '.Archive', 'cur')).sort();
    expect(archived).toHaveLength(2);
    expect(fs.readFileSync(path.join(maildir, '.Archive', 'cur', archived.find((f) => f.endsWith(':2,FS'))!), 'latin1')).toBe(message('seen and flagged', 'second\n'));
    expect(fs.readFileSync(path.join(maildir, 'dovecot-keywords'), 'utf8')).toBe('0 $label1\n1 work\n');

    expect((await cli({}, 'import', 'maildir', maildir, '--user', 'cat@move.test')).code).toBe(0);
    expect((await cli({}, 'import', 'mbox', path.join(mbox, 'INBOX.mbox'), '--user', 'dan@move.test')).code).toBe(0);
    expect((await cli({}, 'import', 'mbox', path.join(mbox, 'Archive.mbox'), '--user', 'dan@move.test', '--folder', 'Archive')).code).toBe(0);
    expect(await state('cat@move.test')).toEqual(before);
    expect(await state('dan@move.test')).toEqual(before);
    expect(await cli({}, 'export', mbox, '--user', 'ann@move.test', '--format', 'pst')).toMatchObject({ code: 2 });
  });
});

describe('an interrupted import', () => {
  it('goes on after the last committed batch when run again, without duplicates', async () => {
    const file = path.join(work, 'big.mbox');
    const count = 450;
    fs.writeFileSync(file, Array.from({ length: count }, (_, i) => `From sender@remote.test Thu Nov 21 10:00:00 2026\n${message(`bulk ${i}`, `message ${i}\n`)}`).join('\n'));
    // The account's message quota stops the import after the first batch (200 messages)...
    const stopped = await cli({ MAILSTEAD_IMAP_MESSAGE_QUOTA: '300' }, 'import', 'mbox', file, '--user', 'dan@move.test', '--folder', 'Bulk');
    expect(stopped).toMatchObject({ code: 2, err: expect.stringContaining('over its quota') });
    const account = (await db.store.accounts.findByAddress('dan@move.test'))!;
    const bulk = (await db.store.mailboxes.findByName(account.id, 'Bulk'))!;
    expect((await db.store.messages.list(bulk.id)).length).toBe(200);
    // ...and the same command, once there is room, stores the rest and nothing twice.
    const resumed = await cli({}, 'import', 'mbox', file, '--user', 'dan@move.test', '--folder', 'Bulk');
    expect(resumed).toMatchObject({ code: 0, out: expect.stringContaining('resumed') });
    const subjects = (await db.store.messages.list(bulk.id)).map((m) => m.subject);
    expect(subjects).toEqual(Array.from({ length: count }, (_, i) => `bulk ${i}`));
    // Finished imports leave no checkpoint: the same file again starts over.
    expect((await cli({}, 'import', 'mbox', file, '--user', 'dan@move.test', '--folder', 'Bulk', '--skip-duplicates')).out).toContain(`0 imported, ${count} duplicates skipped`);
  }, 120_000);
});
