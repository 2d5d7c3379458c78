import { describe, expect, it } from 'vitest';
import { mailbox, messageUnderCheck, resolution } from '../test-support/pipeline-fixtures';
import { mailboxQuotaStep } from './mailbox-quota.step';

describe('mailbox-quota step', () => {
  const raw = `Subject: x\r\n\r\n${'y'.repeat(100)}\r\n`;
  const to = (...boxes: ReturnType<typeof mailbox>[]) => messageUnderCheck(raw, { recipients: [{ resolution: resolution('x@local.test', { mailboxes: boxes }) }] });

  it('refuses with 452 4.2.2 when the message no longer fits a direct recipient, 552 5.2.2 when it never can', async () => {
    expect((await mailboxQuotaStep(0).message!(to(mailbox(1, { quotaBytes: 1000n, usedBytes: 950n }))))?.line).toBe('452 4.2.2 Mailbox full, try again later');
    expect((await mailboxQuotaStep(0).message!(to(mailbox(1, { quotaBytes: 50n }))))?.line).toBe('552 5.2.2 Message exceeds the mailbox quota');
    expect(await mailboxQuotaStep(0).message!(to(mailbox(1, { quotaBytes: 1000n, usedBytes: 100n })))).toBeUndefined();
  });

  it('holds the message limit when one is set', async () => {
    expect((await mailboxQuotaStep(5).message!(to(mailbox(1, { messageCount: 5 }))))?.responseCode).toBe(452);
    expect(await mailboxQuotaStep(5).message!(to(mailbox(1, { messageCount: 4 })))).toBeUndefined();
    expect(await mailboxQuotaStep(0).message!(to(mailbox(1, { messageCount: 5 })))).toBeUndefined();
  });
});
