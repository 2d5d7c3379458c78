// `mailstead spam train|stats` (issue 21 item 3): bulk training from a Maildir and an mbox file,
// into the global model or one account's, with progress and a summary; training the same
// messages again counts them once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@mailstead/config';
import { createTestDatabase, seededRandom, testSeed, type TestDatabase } from '@mailstead/testing';
import { runCli } from '../../apps/server/src/cli/run-cli';
import { generateCorpus } from './corpus';

let db: TestDatabase;
let dir: string;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { config: parseConfig({ DATABASE_URL: db.url }), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('cli.test');
  await db.store.accounts.create({ address: 'ann@cli.test', passwordHash: 'x' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-spam-cli-'));
  const corpus = generateCorpus(seededRandom(testSeed('spam cli')), 300);
  // spam as a Maildir (LF line ends, as files on disk have), ham as an mbox file
  for (const d of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(dir, 'spam', d), { recursive: true });
  corpus.filter((m) => m.spam).forEach((m, i) => fs.writeFileSync(path.join(dir, 'spam', i % 2 ? 'cur' : 'new', `${i}.host:2,S`), m.raw.toString('latin1').replace(/\r\n/g, '\n')));
  const ham = corpus.filter((m) => !m.spam).map((m) => `From sender@x.example Fri Dec  4 10:00:00 2026\n${m.raw.toString('latin1').replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1')}\n`);
  fs.writeFileSync(path.join(dir, 'ham.mbox'), ham.join(''));
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('mailstead spam', () => {
  it('trains the global model from a Maildir and an mbox, with progress and a summary, and counts repeats once', async () => {
    const spamCount = fs.readdirSync(path.join(dir, 'spam', 'cur')).length + fs.readdirSync(path.join(dir, 'spam', 'new')).length;
    const first = await cli('spam', 'train', '--spam', path.join(dir, 'spam'), '--ham', path.join(dir, 'ham.mbox'));
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^ {2}100 messages \(spam from /m);
    expect(first.out).toMatch(new RegExp(`trained the global model on 300 messages in [\\d.]+s: 300 learned, 0 moved to the other class, 0 already known`));
    expect(first.out).toContain(`the global model now holds ${spamCount} spam and ${300 - spamCount} ham messages`);
    const again = await cli('spam', 'train', '--spam', path.join(dir, 'spam'));
    expect(again.out).toContain(`0 learned, 0 moved to the other class, ${spamCount} already known`);
    expect((await cli('spam', 'stats')).out).toMatch(new RegExp(`^global model: ${spamCount} spam, ${300 - spamCount} ham, \\d+ tokens\\nno account has a model of its own yet\\nquarantine: 0 messages held$`));
  });

  it("--user trains that account's model alone; bad input is a usage error", async () => {
    const before = await db.store.spam.stats({ accountId: null });
    const ann = await cli('spam', 'train', '--ham', path.join(dir, 'spam'), '--user', 'ann@cli.test');
    expect(ann.out).toMatch(/trained ann@cli\.test's model on \d+ messages/);
    expect(await db.store.spam.stats({ accountId: null })).toEqual(before);
    expect((await cli('spam', 'stats')).out).toMatch(/^ann@cli\.test: 0 spam, \d+ ham$/m);
    expect(await cli('spam', 'train')).toMatchObject({ code: 2, err: 'mailstead: give at least one --spam or --ham source' });
    expect((await cli('spam', 'train', '--spam', path.join(dir, 'missing'))).code).toBe(2);
    expect((await cli('spam', 'train', '--spam', path.join(dir, 'spam'), '--user', 'nobody@cli.test')).err).toBe('mailstead: no account nobody@cli.test');
  });

  it('sets, shows and unsets a domain\'s and an account\'s thresholds; the account\'s win', async () => {
    expect((await cli('spam', 'thresholds', '--domain', 'cli.test', '--junk', '4', '--quarantine', '8')).out).toBe('cli.test: junk 4, quarantine 8, reject default');
    expect((await cli('spam', 'thresholds', '--user', 'ann@cli.test', '--junk', '2')).out).toBe('ann@cli.test: junk 2, quarantine default, reject default');
    const ann = (await db.store.accounts.findByAddress('ann@cli.test'))!;
    expect((await db.store.spam.thresholds([ann.id])).get(ann.id)).toEqual({ junk: 2, quarantine: 8, reject: null });
    expect((await cli('spam', 'thresholds', '--user', 'ann@cli.test', '--junk', 'default')).out).toBe('ann@cli.test: junk default, quarantine default, reject default');
    expect((await db.store.spam.thresholds([ann.id])).get(ann.id)).toEqual({ junk: 4, quarantine: 8, reject: null });
    expect((await cli('spam', 'thresholds', '--domain', 'cli.test')).out).toBe('cli.test: junk 4, quarantine 8, reject default');
    expect(await cli('spam', 'thresholds', '--domain', 'cli.test', '--reject', '5')).toMatchObject({ code: 2, err: 'mailstead: --quarantine must not be above --reject' });
    expect((await cli('spam', 'thresholds', '--domain', 'cli.test', '--junk', 'lots')).code).toBe(2);
    expect((await cli('spam', 'thresholds')).err).toBe('mailstead: give --domain or --user');
  });
});
