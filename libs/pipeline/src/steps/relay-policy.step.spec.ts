import { describe, expect, it } from 'vitest';
import { envelope, resolution } from '../test-support/pipeline-fixtures';
import { relayPolicyStep } from './relay-policy.step';

describe('relay-policy step', () => {
  const remote = { resolution: resolution('someone@elsewhere.test', { local: false, remote: ['someone@elsewhere.test'] }) };
  const local = { resolution: resolution('user1@local.test') };

  it('refuses a remote recipient on the MX with 554 5.7.1, even when the client claims a user', async () => {
    expect((await relayPolicyStep.recipient!(envelope(), remote))?.line).toBe('554 5.7.1 Relay access denied');
    const claimed = envelope({ submitter: { accountId: 1, address: 'user1@local.test' } });
    expect((await relayPolicyStep.recipient!(claimed, remote))?.line).toBe('554 5.7.1 Relay access denied');
  });

  it('accepts our own recipients from anyone, and remote ones from an authenticated submitter', async () => {
    expect(await relayPolicyStep.recipient!(envelope(), local)).toBeUndefined();
    const submitted = envelope({ source: 'submission', submitter: { accountId: 1, address: 'user1@local.test' } });
    expect(await relayPolicyStep.recipient!(submitted, remote)).toBeUndefined();
    expect((await relayPolicyStep.recipient!(envelope({ source: 'submission' }), remote))?.responseCode).toBe(554);
  });
});
