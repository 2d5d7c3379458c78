import { describe, expect, it } from 'vitest';
import { localCopy, mailbox, messageUnderCheck } from '../test-support/pipeline-fixtures';
import { junkFilingStep } from './junk-filing.step';

describe('junk-filing step', () => {
  const lookups: number[] = [];
  const junkOf: Record<number, number | null> = { 1: 19, 2: null };
  const step = junkFilingStep({
    recipients: {
      mailboxId: async (accountId: number, query: { specialUse?: string }) => {
        expect(query).toEqual({ specialUse: '\\Junk' });
        lookups.push(accountId);
        return junkOf[accountId] ?? null;
      },
    },
  } as never);

  it('leaves copies where they are unless a check marked the message as junk', async () => {
    const copy = localCopy(mailbox(1));
    await step.copy!(messageUnderCheck('Subject: x\r\n\r\n'), copy);
    expect(copy.mailboxId).toBe(10);
    expect(lookups).toEqual([]);
  });

  it("files a junk message's copies in each account's Junk (once per account), or leaves them without one", async () => {
    const message = messageUnderCheck('Subject: x\r\n\r\n');
    message.junk = 'dmarc=fail (p=quarantine)';
    const copies = [localCopy(mailbox(1)), localCopy(mailbox(1)), localCopy(mailbox(2))];
    for (const c of copies) await step.copy!(message, c);
    expect(copies.map((c) => c.mailboxId)).toEqual([19, 19, 20]);
    expect(lookups).toEqual([1, 2]);
  });
});
