import { describe, expect, it } from 'vitest';
import { localCopy, mailbox, messageUnderCheck } from '../test-support/pipeline-fixtures';
import { mailboxQuotaStep } from './mailbox-quota.step';

describe('mailbox-quota step', () => {
  const message = messageUnderCheck(`Subject: x\r\n\r\n${'y'.repeat(100)}\r\n`);
  const check = async (limit: number, box: ReturnType<typeof mailbox>, list = false) => {
    const copy = { ...localCopy(box), ...(list ? { list: { id: 1, address: 'l@local.test', name: 'L', policy: 'open' as const, replyTo: 'list' as const, subjectPrefix: null } } : {}) };
    expect(await mailboxQuotaStep(limit).copy!(message, copy)).toBeUndefined(); // never refuses the whole message itself
    return copy.failed?.line;
  };

  it('fails the copy of a direct recipient the message no longer fits (452 4.2.2), or never can (552 5.2.2)', async () => {
    expect(await check(0, mailbox(1, { quotaBytes: 1000n, usedBytes: 950n }))).toBe('452 4.2.2 Mailbox full, try again later');
    expect(await check(0, mailbox(1, { quotaBytes: 50n }))).toBe('552 5.2.2 Message exceeds the mailbox quota');
    expect(await check(0, mailbox(1, { quotaBytes: 1000n, usedBytes: 100n }))).toBeUndefined();
  });

  it('holds the message limit when one is set', async () => {
    expect(await check(5, mailbox(1, { messageCount: 5 }))).toMatch(/^452 /);
    expect(await check(5, mailbox(1, { messageCount: 4 }))).toBeUndefined();
    expect(await check(0, mailbox(1, { messageCount: 5 }))).toBeUndefined();
  });

  it('leaves list members alone (their full copies are skipped when the copies are made)', async () => {
    expect(await check(0, mailbox(1, { quotaBytes: 50n }), true)).toBeUndefined();
  });
});
