import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleMessage, type TestDatabase } from '@mailstead/testing';
import type { WebmailSearch } from './webmail.repository';

/**
 * The request-path fill of the lazy full-text index has a time budget: with a large backlog of
 * unindexed messages (a bulk import, no worker running) fillScope returns once the budget is
 * spent and says messages are still pending, a webmail search answers with what is indexed by
 * then (newest first) and says so, and a later call without a budget finishes the rest.
 * The budget here is 1 ms: after its first batch (200 rows parsed and written) a call is always
 * past it, so the tests depend on no timing beyond that.
 */
const COUNT = 650;
let db: TestDatabase;
let accountId: number;
let inbox: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.domains.create('budget.test');
  accountId = (await db.store.accounts.create({ address: 'reader@budget.test', passwordHash: 'x' })).id;
  inbox = (await db.store.mailboxes.findByName(accountId, 'INBOX'))!.id;
  const items = Array.from({ length: COUNT }, (_, n) => ({
    raw: sampleMessage(n, { subject: `Backlog ${n}`, body: `The budgetword report, token tok${n}.` }),
    internalDate: new Date(Date.UTC(2026, 0, 1) + n * 60_000),
  }));
  await db.store.messages.append(inbox, items);
});
afterAll(() => db.drop());

const search = (text: string[], extra: Partial<WebmailSearch> = {}): WebmailSearch => ({
  accountId,
  text,
  from: [],
  to: [],
  subject: [],
  limit: 1000,
  ...extra,
});

describe('fillScope with a time budget', () => {
  it('returns before the backlog is filled and reports it pending; a search answers with the indexed newest messages and says indexing; a later call finishes', async () => {
    const scope = { accountId, mailboxId: inbox };
    expect(await db.store.searchIndex.pending(scope)).toBe(true);

    const first = await db.store.searchIndex.fillScope(scope, { budgetMs: 1 });
    expect(first.pending).toBe(true);
    expect(first.filled).toBeGreaterThan(0);
    expect(first.filled).toBeLessThan(COUNT);
    expect(await db.store.searchIndex.pending(scope)).toBe(true);

    // The search's own budgeted fill adds a batch, then searches what is indexed.
    const partial = await db.store.webmail.search(search(['budgetword'], { mailboxId: inbox, fillBudgetMs: 1 }));
    expect(partial.indexing).toBe(true);
    expect(partial.rows.length).toBeGreaterThan(first.filled - 1);
    expect(partial.rows.length).toBeLessThan(COUNT);
    // Scoped fills go newest first: what was found is exactly the newest messages.
    const found = partial.rows.map((r) => r.uid).sort((a, b) => a - b);
    const newest = Array.from({ length: partial.rows.length }, (_, i) => COUNT - partial.rows.length + 1 + i);
    expect(found).toEqual(newest);
    // An already-indexed message is found by its own token; a not-yet-indexed one is not (yet).
    const newestToken = await db.store.webmail.search(search([`tok${COUNT - 1}`], { fillBudgetMs: 1 }));
    expect(newestToken.rows.map((r) => r.subject)).toEqual([`Backlog ${COUNT - 1}`]);
    expect(newestToken.indexing).toBe(true);

    // Without a budget the rest is filled; nothing is pending any more.
    const rest = await db.store.searchIndex.fillScope(scope);
    expect(rest.pending).toBe(false);
    expect(rest.filled).toBeGreaterThan(0);
    expect(await db.store.searchIndex.pending(scope)).toBe(false);

    const complete = await db.store.webmail.search(search(['budgetword'], { fillBudgetMs: 1 }));
    expect(complete.indexing).toBe(false);
    expect(complete.rows).toHaveLength(COUNT);
    const oldest = await db.store.webmail.search(search(['tok0'], { fillBudgetMs: 1 }));
    expect(oldest).toEqual({ rows: [expect.objectContaining({ subject: 'Backlog 0' })], indexing: false });
    // Without a budget the same rows.
    expect((await db.store.webmail.search(search(['budgetword']))).rows.length).toBe(COUNT);
  });

  it('nothing pending: one check, nothing filled, not pending', async () => {
    expect(await db.store.searchIndex.fillScope({ accountId }, { budgetMs: 1 })).toEqual({ filled: 0, pending: false });
  });

  it('an aborted signal stops after the batch under way; a search without free text fills nothing and never says indexing', async () => {
    const other = (await db.store.accounts.create({ address: 'other@budget.test', passwordHash: 'x' })).id;
    const box = (await db.store.mailboxes.findByName(other, 'INBOX'))!.id;
    await db.store.messages.append(
      box,
      Array.from({ length: 250 }, (_, n) => ({ raw: sampleMessage(1000 + n, { subject: `Other ${n}` }) })),
    );
    const operatorsOnly = await db.store.webmail.search({ ...search([], { fillBudgetMs: 1 }), accountId: other, subject: ['Other'] });
    expect(operatorsOnly.indexing).toBe(false);
    expect(operatorsOnly.rows).toHaveLength(250);
    expect(await db.store.searchIndex.pending({ accountId: other })).toBe(true);

    const controller = new AbortController();
    controller.abort();
    const stopped = await db.store.searchIndex.fillScope({ accountId: other }, { signal: controller.signal });
    expect(stopped.pending).toBe(true);
    expect(stopped.filled).toBeLessThan(250);
    // The first account's index is untouched by the other account's fills.
    expect(await db.store.searchIndex.pending({ accountId })).toBe(false);
    expect(await db.store.searchIndex.fillScope({ accountId: other })).toEqual({ filled: 250 - stopped.filled, pending: false });
  });
});
