import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailRule, RuleApplyRun, RuleSetDto, RuleTestItem } from '@mailstead/contracts';
import { sampleMessage } from '@mailstead/testing';
import { addUser, Client, startApi, type ApiHarness } from '../api/api-harness';

/**
 * The webmail's rules API over real HTTP on a fresh database: rules and vacation written into
 * the active Sieve script (created and activated on the first save, compiled by libs/sieve),
 * raw Sieve kept, compile errors with line and column, and the dry run and apply (with undo)
 * over stored mail.
 */
let api: ApiHarness;
let alice: Client;
let bob: Client;
let aliceId: number;
let inbox: number;

const newsRule: MailRule = {
  name: 'Newsletters',
  enabled: true,
  match: 'any',
  conditions: [
    { field: 'subject', match: 'contains', negate: false, value: 'Weekly digest' },
    { field: 'from', match: 'is', negate: false, value: 'news@shop.test' },
  ],
  actions: [{ type: 'markRead' }, { type: 'move', mailbox: 'Lists' }, { type: 'stop' }],
};

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const subjectsIn = async (mailboxId: number) => (await api.db.store.messages.list(mailboxId)).map((m) => m.subject).sort();

beforeAll(async () => {
  api = await startApi();
  aliceId = (await addUser(api.db, 'alice@rules.test', 'alice-password')).id;
  await addUser(api.db, 'bob@rules.test', 'bob-password');
  alice = new Client(api.base);
  bob = new Client(api.base);
  expect((await alice.login('alice@rules.test', 'alice-password')).status).toBe(200);
  expect((await bob.login('bob@rules.test', 'bob-password')).status).toBe(200);
  inbox = (await api.db.store.mailboxes.findByName(aliceId, 'INBOX'))!.id;
  await api.db.store.mailboxes.create(aliceId, 'Lists');
  await api.db.store.messages.append(inbox, [
    { raw: sampleMessage(1, { subject: 'Weekly digest #12', from: 'Shop <deals@shop.test>' }), internalDate: new Date('2026-11-01T10:00:00Z') },
    { raw: sampleMessage(2, { subject: 'Lunch on Friday?', from: 'Carol <carol@friends.test>' }), internalDate: new Date('2026-11-02T10:00:00Z') },
    { raw: sampleMessage(3, { subject: 'Your order', from: 'News <news@shop.test>' }), internalDate: new Date('2026-11-03T10:00:00Z') },
  ]);
});

afterAll(async () => {
  await api?.stop();
});

describe('rules in the active script', () => {
  it('has no script at first, then creates and activates "mailstead" on the first save', async () => {
    const empty = await alice.json<RuleSetDto>('GET', '/api/sieve/rules');
    expect(empty).toEqual({ scriptName: 'mailstead', exists: false, script: '', entries: [], vacation: null, errors: [] });

    const saved = await alice.json<RuleSetDto>('PUT', '/api/sieve/rules', { entries: [{ kind: 'rule', rule: newsRule }] });
    expect(saved.exists).toBe(true);
    expect(saved.entries).toEqual([{ kind: 'rule', rule: newsRule }]);
    expect(saved.script).toContain('# rule: {"name":"Newsletters","enabled":true}');
    const active = await api.db.store.sieve.active(aliceId);
    expect(active?.name).toBe('mailstead');
    expect(active?.content).toBe(saved.script);
  });

  it('adds the vacation reply to the same script and keeps the rules; saving rules keeps the vacation', async () => {
    const vacation = { enabled: true, subject: 'Away', message: 'Back on Monday.', html: false, start: '2026-12-20', end: null, addresses: ['a.smith@rules.test'], days: 3 };
    const withVacation = await alice.json<RuleSetDto>('PUT', '/api/sieve/vacation', { vacation });
    expect(withVacation.vacation).toEqual(vacation);
    expect(withVacation.entries).toEqual([{ kind: 'rule', rule: newsRule }]);
    expect(withVacation.script).toMatch(/vacation :days 3 :subject "Away" :addresses \["a.smith@rules.test"\] "Back on Monday.";/);

    const renamed = { ...newsRule, name: 'News and deals' };
    const again = await alice.json<RuleSetDto>('PUT', '/api/sieve/rules', { entries: [{ kind: 'rule', rule: renamed }] });
    expect(again.vacation).toEqual(vacation);
    expect(again.entries).toEqual([{ kind: 'rule', rule: renamed }]);

    const off = await alice.json<RuleSetDto>('PUT', '/api/sieve/vacation', { vacation: null });
    expect(off.vacation).toBeNull();
    expect(off.script).not.toMatch(/^# vacation:/m);
    expect(off.script).not.toMatch(/^\s*vacation /m);
  });

  it('keeps raw Sieve it does not recognise, with the extensions it requires, through a rules save', async () => {
    const raw = 'require ["envelope", "fileinto"];\n# hand-written\nif envelope :is "from" "boss@work.test" {\n  fileinto "Boss";\n}\n';
    const saved = await alice.json<RuleSetDto>('PUT', '/api/sieve/script', { script: raw });
    expect(saved.script).toBe(raw);
    expect(saved.entries).toEqual([{ kind: 'raw', sieve: '# hand-written\nif envelope :is "from" "boss@work.test" {\n  fileinto "Boss";\n}' }]);
    const withRule = await alice.json<RuleSetDto>('PUT', '/api/sieve/rules', { entries: [...saved.entries, { kind: 'rule', rule: newsRule }] });
    expect(withRule.script).toMatch(/^require \["envelope", "fileinto", "imap4flags"\];$/m);
    expect(withRule.script).toContain('if envelope :is "from" "boss@work.test" {\n  fileinto "Boss";\n}');
    expect(withRule.entries.map((e) => e.kind)).toEqual(['raw', 'rule']);
  });

  it('answers a compile error with 400 and line/column field messages, and stores nothing', async () => {
    const before = (await api.db.store.sieve.active(aliceId))!.content;
    const res = await alice.request('PUT', '/api/sieve/script', { script: 'require "fileinto";\n\nif true {\n  filein "X";\n}\n' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { fields: Record<string, string[]> } };
    expect(Object.values(body.error.fields).flat().join('\n')).toMatch(/line 4, column 3: .*filein/);
    expect((await api.db.store.sieve.active(aliceId))!.content).toBe(before);
  });

  it('refuses a rule the editor could not have made with field messages', async () => {
    const res = await alice.request('PUT', '/api/sieve/rules', { entries: [{ kind: 'rule', rule: { ...newsRule, actions: [{ type: 'forward', address: 'not an address' }] } }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { fields: Record<string, string[]> } };
    expect(Object.keys(body.error.fields).some((k) => k.includes('address'))).toBe(true);
  });

  it('writes into the active script another client made, under its name', async () => {
    await bob.json('GET', '/api/sieve/rules');
    const bobId = (await api.db.store.accounts.findByAddress('bob@rules.test'))!.id;
    await api.db.store.sieve.put(bobId, 'from-thunderbird', 'keep;\n');
    await api.db.store.sieve.setActive(bobId, 'from-thunderbird');
    const saved = await bob.json<RuleSetDto>('PUT', '/api/sieve/rules', { entries: [{ kind: 'raw', sieve: 'keep;' }, { kind: 'rule', rule: newsRule }] });
    expect(saved.scriptName).toBe('from-thunderbird');
    expect((await api.db.store.sieve.list(bobId)).map((s) => s.name)).toEqual(['from-thunderbird']);
  });

  it('shows the Sieve a rule becomes', async () => {
    const { sieve } = await alice.json<{ sieve: string }>('POST', '/api/sieve/preview', { rule: newsRule });
    expect(sieve).toBe(
      'require ["fileinto", "imap4flags"];\n\n# rule: {"name":"Newsletters","enabled":true}\nif anyof (header :contains "subject" "Weekly digest", address :is "from" "news@shop.test") {\n  addflag "\\\\Seen";\n  fileinto "Lists";\n  stop;\n}\n',
    );
  });
});

describe('running rules over stored mail', () => {
  it('dry-runs a rule over the newest messages of a folder and changes nothing', async () => {
    const { items } = await alice.json<{ items: RuleTestItem[] }>('POST', '/api/sieve/test', { mailboxId: inbox, limit: 10, rule: newsRule });
    const bySubject = Object.fromEntries(items.map((i) => [i.subject, i]));
    expect(items.map((i) => i.subject)).toEqual(['Your order', 'Lunch on Friday?', 'Weekly digest #12']);
    expect(bySubject['Weekly digest #12']!.outcome).toEqual(['Move to Lists', 'Mark as read']);
    expect(bySubject['Your order']!.outcome).toEqual(['Move to Lists', 'Mark as read']);
    expect(bySubject['Lunch on Friday?']).toMatchObject({ outcome: ['Keep in INBOX'], unchanged: true, error: null });
    expect(await subjectsIn(inbox)).toEqual(['Lunch on Friday?', 'Weekly digest #12', 'Your order']);
  });

  it('dry-runs the saved script when no rule is given, and reports what it would not do to stored mail', async () => {
    await alice.json('PUT', '/api/sieve/script', { script: 'require ["copy"];\nif header :contains "subject" "Lunch" { redirect :copy "me@elsewhere.test"; }\n' });
    const { items } = await alice.json<{ items: RuleTestItem[] }>('POST', '/api/sieve/test', { mailboxId: inbox, limit: 2 });
    expect(items.map((i) => [i.subject, i.outcome])).toEqual([
      ['Your order', ['Keep in INBOX']],
      ['Lunch on Friday?', ['Forward to me@elsewhere.test (not done for existing mail)']],
    ]);
  });

  it('applies a rule to a folder with progress, then undoes it', async () => {
    const started = await alice.json<RuleApplyRun>('POST', '/api/sieve/apply', { mailboxId: inbox, rule: newsRule }, 201);
    expect(started).toMatchObject({ mailboxId: inbox, total: 3 });
    const done = await until('the run to finish', async () => {
      const run = await alice.json<RuleApplyRun>('GET', `/api/sieve/apply/${started.id}`);
      return run.state === 'done' && run;
    });
    expect(done).toMatchObject({ processed: 3, moved: 2, flagged: 2, copied: 0, error: null });
    const lists = (await api.db.store.mailboxes.findByName(aliceId, 'Lists'))!.id;
    expect(await subjectsIn(inbox)).toEqual(['Lunch on Friday?']);
    expect(await subjectsIn(lists)).toEqual(['Weekly digest #12', 'Your order']);
    expect((await api.db.store.messages.list(lists)).every((m) => m.seen)).toBe(true);

    // another account cannot see or undo it
    expect((await bob.request('GET', `/api/sieve/apply/${started.id}`)).status).toBe(404);
    expect((await bob.request('POST', `/api/sieve/apply/${started.id}/undo`)).status).toBe(404);

    const undone = await alice.json<RuleApplyRun>('POST', `/api/sieve/apply/${started.id}/undo`);
    expect(undone.state).toBe('undone');
    expect(await subjectsIn(inbox)).toEqual(['Lunch on Friday?', 'Weekly digest #12', 'Your order']);
    expect(await subjectsIn(lists)).toEqual([]);
    expect((await api.db.store.messages.list(inbox)).some((m) => m.seen)).toBe(false);
  });

  it('does not run over another account\'s folder', async () => {
    expect((await bob.request('POST', '/api/sieve/test', { mailboxId: inbox, limit: 5, rule: newsRule })).status).toBe(404);
    expect((await bob.request('POST', '/api/sieve/apply', { mailboxId: inbox, rule: newsRule })).status).toBe(404);
  });
});
