import { describe, expect, it } from 'vitest';
import { envelope } from '../test-support/pipeline-fixtures';
import { senderOwnershipStep } from './sender-ownership.step';

describe('sender-ownership step', () => {
  const owned = new Set(['me@local.test', 'alias@local.test']);
  const step = senderOwnershipStep({ accounts: { canSendAs: async (_id: number, address: string) => owned.has(address) } } as never);
  const me = { accountId: 1, address: 'me@local.test' };

  it('runs for submission and the webmail, never for the MX', () => {
    expect(step.sources).toEqual(['submission', 'webmail']);
  });

  it('requires an authenticated submitter (530 5.7.0)', async () => {
    expect((await step.sender!(envelope({ source: 'submission', sender: 'me@local.test' })))?.line).toBe('530 5.7.0 Authentication required');
  });

  it('accepts an owned address or alias and refuses any other, and the null sender, with 553 5.7.1', async () => {
    expect(await step.sender!(envelope({ source: 'submission', sender: 'alias@local.test', submitter: me }))).toBeUndefined();
    expect((await step.sender!(envelope({ source: 'submission', sender: 'boss@local.test', submitter: me })))?.line).toMatch(/^553 5\.7\.1 /);
    expect((await step.sender!(envelope({ source: 'webmail', sender: '', submitter: me })))?.responseCode).toBe(553);
  });
});
