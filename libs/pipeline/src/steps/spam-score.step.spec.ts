import { SpamClassifier } from '@mailstead/spam';
import type { NewQuarantineItem, SpamModelCounts, SpamThresholds } from '@mailstead/store';
import { describe, expect, it } from 'vitest';
import type { LocalCopy, MessageUnderCheck } from '../delivery-step';
import { envelope, mailbox, messageUnderCheck, resolution } from '../test-support/pipeline-fixtures';
import { spamScoreStep, spamVerdictFor } from './spam-score.step';
import { spamVerdictStep } from './spam-verdict.step';

const HOST = 'mx.local.test';
const levels = { junk: 5, quarantine: 10, reject: 15 };

/** A store whose models say every token of the message is spam (`spammy`) or is unknown. */
function fakeStore(opts: { spammyAccounts?: number[]; globalSpammy?: boolean; thresholds?: Record<number, SpamThresholds> } = {}) {
  const learned: { accountId: number | null; spam: boolean }[] = [];
  const held: NewQuarantineItem[] = [];
  const model = (spammy: boolean, hashes: readonly bigint[]): SpamModelCounts => ({
    totals: spammy ? { spam: 50, ham: 50 } : { spam: 0, ham: 0 },
    tokens: new Map(spammy ? hashes.map((h) => [h, { spam: 40, ham: 0 }]) : []),
  });
  const store = {
    spam: {
      counts: async (hashes: readonly bigint[], ids: readonly number[]) => ({
        global: model(opts.globalSpammy ?? false, hashes),
        accounts: new Map(ids.map((id) => [id, model(opts.spammyAccounts?.includes(id) ?? false, hashes)])),
      }),
      learn: async (ref: { accountId: number | null }, _digest: string, _hashes: readonly bigint[], spam: boolean) => {
        learned.push({ accountId: ref.accountId, spam });
        return 'learned' as const;
      },
      thresholds: async (ids: readonly number[]) => new Map(ids.map((id) => [id, opts.thresholds?.[id] ?? { junk: null, quarantine: null, reject: null }])),
      hold: async (item: NewQuarantineItem) => {
        held.push(item);
      },
    },
    recipients: {
      localDomain: async (name: string) => (name === 'local.test' ? { id: 1, enabled: true } : null),
      mailboxId: async (accountId: number) => accountId * 10 + 9,
    },
  };
  return { store: store as never, learned, held };
}

function steps(store: never, autolearn = { enabled: true, spamScore: 12, hamScore: 0 }) {
  const classifier = new SpamClassifier(store);
  return { score: spamScoreStep(store, { hostname: HOST, levels, classifier, autolearn, now: () => new Date('2026-12-04T12:00:00Z') }), verdict: spamVerdictStep(store) };
}

const CLEAN = 'From: a@remote.test\r\nTo: user1@local.test\r\nSubject: Lunch\r\nDate: Fri, 04 Dec 2026 11:00:00 +0000\r\nMessage-ID: <1@remote.test>\r\n\r\nSee you at noon.\r\n';

function toAccounts(raw: string, ...ids: number[]): MessageUnderCheck {
  return messageUnderCheck(raw, { envelope: envelope(), recipients: ids.map((id) => ({ resolution: resolution(`user${id}@local.test`, { mailboxes: [mailbox(id)] }) })) });
}

function copyOf(id: number, raw = CLEAN): LocalCopy {
  const box = mailbox(id);
  return { mailbox: box, list: null, raw: Buffer.from(`Return-Path: <a@remote.test>\r\nDelivered-To: ${box.address}\r\n${raw}`), mailboxId: box.mailboxId, flags: [] };
}

describe('spam-score and spam-verdict steps', () => {
  it('a clean message: no symbols, "No" fields once in the trace, the copy stays in INBOX; a forged X-Spam-Status is removed', async () => {
    const { store } = fakeStore();
    const { score, verdict } = steps(store);
    const message = toAccounts(`X-Spam-Status: No, score=-100\r\nX-Spam-Flag: NO\r\n${CLEAN}`, 1);
    expect(await score.message!(message)).toBeUndefined();
    expect(message.raw.toString()).not.toMatch(/X-Spam/i);
    expect(message.symbols).toEqual([]);
    expect(message.trace).toEqual(['X-Spam-Score: 0.0', 'X-Spam-Status: No, score=0.0 required=5.0 tests=none']);
    const copy = copyOf(1);
    await verdict.copy!(message, copy);
    expect(copy.mailboxId).toBe(10);
    expect(copy.held).toBeUndefined();
  });

  it('rule symbols add up into message.score; our Authentication-Results feed the SPF/DKIM/DMARC rules, anyone else\'s do not', async () => {
    const { store } = fakeStore();
    const { score } = steps(store);
    const message = toAccounts(CLEAN.replace('Date: Fri, 04 Dec 2026 11:00:00 +0000\r\n', '').replace('Subject: Lunch', 'Subject: CHEAP WATCHES TODAY'), 1);
    message.trace.push(`Authentication-Results: ${HOST}; spf=softfail smtp.mailfrom=a@remote.test;\r\n dkim=fail header.d=remote.test; dmarc=fail header.from=remote.test`);
    message.trace.push('Authentication-Results: other.example; spf=fail');
    await score.message!(message);
    expect(message.symbols.map((s) => s.name).sort()).toEqual(['DKIM_FAIL', 'DMARC_FAIL', 'MISSING_DATE', 'SPF_SOFTFAIL', 'SUBJ_ALL_CAPS']);
    expect(message.score).toBeCloseTo(1 + 1.5 + 1.5 + 1 + 3, 5);
    expect(spamVerdictFor(message, 1)).toMatchObject({ action: 'junk', probability: null });
  });

  it("each account is judged by its own model once it has one: one is quarantined (held, not delivered), the other goes to Junk, each with its own fields below Return-Path", async () => {
    const { store, held } = fakeStore({ spammyAccounts: [2] });
    const { score, verdict } = steps(store);
    const raw = CLEAN.replace('Date: Fri, 04 Dec 2026 11:00:00 +0000\r\n', '').replace('Subject: Lunch', 'Subject: CHEAP WATCHES TODAY');
    const message = toAccounts(raw, 1, 2);
    message.trace.push(`Authentication-Results: ${HOST}; dmarc=fail header.from=remote.test`);
    expect(await score.message!(message)).toBeUndefined();
    expect(spamVerdictFor(message, 1)).toMatchObject({ action: 'junk' });
    expect(spamVerdictFor(message, 2)).toMatchObject({ action: 'quarantine' });
    expect(spamVerdictFor(message, 2)!.probability!).toBeGreaterThan(0.99);
    expect(message.trace.filter((f) => f.startsWith('X-Spam'))).toEqual([]);
    const [one, two] = [copyOf(1, raw), copyOf(2, raw)];
    await verdict.copy!(message, one);
    await verdict.copy!(message, two);
    expect(one.mailboxId).toBe(19);
    expect(one.held).toBeUndefined();
    expect(one.raw.toString()).toMatch(/^Return-Path: <a@remote\.test>\r\nDelivered-To: user1@local\.test\r\nX-Spam-Flag: YES\r\nX-Spam-Score: 5\.5\r\n/);
    expect(two.held).toBe('spam quarantine');
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ accountId: 2, recipient: 'user2@local.test', subject: 'CHEAP WATCHES TODAY', fromAddress: 'a@remote.test' });
    expect(held[0]!.symbols.map((s) => s.name)).toContain('BAYES_SPAM');
    expect(held[0]!.data.toString()).toContain('X-Spam-Status: Yes');
  });

  it('refuses at DATA with 550 5.7.1 when every recipient reaches its reject level, and learns it as spam', async () => {
    const { store, learned } = fakeStore({ globalSpammy: true, thresholds: { 1: { junk: null, quarantine: null, reject: 8 } } });
    const { score } = steps(store, { enabled: true, spamScore: 5, hamScore: 0 });
    const message = toAccounts(CLEAN.replace('Subject: Lunch', 'Subject: CHEAP WATCHES TODAY').replace(/Date: .*\r\n/, ''), 1);
    message.trace.push(`Authentication-Results: ${HOST}; dmarc=fail`);
    const reply = await score.message!(message);
    expect(reply).toMatchObject({ responseCode: 550, enhancedCode: '5.7.1' });
    expect(learned).toEqual([{ accountId: null, spam: true }]);
  });

  it('auto-learns an authenticated clean message as ham after the commit, an unauthenticated one not at all', async () => {
    const { store, learned } = fakeStore();
    const { score } = steps(store);
    const signed = toAccounts(CLEAN, 1);
    signed.trace.push(`Authentication-Results: ${HOST}; dkim=pass header.d=remote.test`);
    await score.message!(signed);
    const unsigned = toAccounts(CLEAN, 1);
    await score.message!(unsigned);
    await score.committed!(unsigned, {} as never);
    expect(learned).toEqual([]);
    await score.committed!(signed, {} as never);
    expect(learned).toEqual([{ accountId: null, spam: false }]);
  });
});
