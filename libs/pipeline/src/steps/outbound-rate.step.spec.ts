import { describe, expect, it } from 'vitest';
import type { RateCounter } from '@mailstead/spam';
import type { Store } from '@mailstead/store';
import type { DeliveryReceipt } from '../delivery-step';
import { envelope, messageUnderCheck, resolution } from '../test-support/pipeline-fixtures';
import { outboundRateStep } from './outbound-rate.step';

/** An in-memory stand-in for the Redis counter (which has its own test against Redis). */
function memoryCounter() {
  const counts = new Map<string, number>();
  const once = new Set<string>();
  return {
    counts,
    add: async (name: string, n = 1) => {
      counts.set(name, (counts.get(name) ?? 0) + n);
      return counts.get(name)!;
    },
    count: async (name: string) => counts.get(name) ?? 0,
    firstInWindow: async (name: string) => (once.has(name) ? false : (once.add(name), true)),
    window: () => ({ id: 1, endsInMs: 90_000 }),
  };
}

const receipt = {} as DeliveryReceipt;
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const alice = { accountId: 7, address: 'Alice@Local.test' };

function setup(limits: Partial<{ messages: number; recipients: number; domainMessages: number; domainRecipients: number }>) {
  const counter = memoryCounter();
  const audits: unknown[] = [];
  const store = { audit: { record: async (e: unknown) => void audits.push(e) } } as unknown as Store;
  const step = outboundRateStep({ counter: counter as unknown as RateCounter, limits: { messages: 0, recipients: 0, domainMessages: 0, domainRecipients: 0, ...limits }, store, logger });
  return { counter, audits, step };
}

async function sendOne(step: ReturnType<typeof outboundRateStep>, to: string[], submitter = alice) {
  const env = envelope({ source: 'submission', submitter });
  const refused = await step.sender!(env);
  if (refused) return refused;
  for (const address of to) {
    const r = await step.recipient!(env, { resolution: resolution(address) });
    if (r) return r;
  }
  await step.committed!(messageUnderCheck('Subject: x\r\n\r\n', { envelope: env, recipients: to.map((a) => ({ resolution: resolution(a) })) }), receipt);
  return undefined;
}

describe('outbound-rate step', () => {
  it('counts committed messages per account and refuses MAIL FROM past the limit, auditing once per window', async () => {
    const { step, audits, counter } = setup({ messages: 2 });
    expect(await sendOne(step, ['a@x.example'])).toBeUndefined();
    expect(await sendOne(step, ['a@x.example'])).toBeUndefined();
    expect((await sendOne(step, ['a@x.example']))?.line).toBe('451 4.7.1 Sending limit reached: this account may send 2 messages per hour; try again in 2 minutes');
    expect(await sendOne(step, ['a@x.example'])).toBeDefined();
    expect(audits).toEqual([{ actor: 'system', action: 'submission.rate_limited', target: 'Alice@Local.test', details: { scope: 'account', kind: 'messages', limit: 2, account: 'Alice@Local.test', window: 'hour' } }]);
    expect(counter.counts.get('out:acct:alice@local.test:messages')).toBe(2);
    expect(await sendOne(step, ['a@x.example'], { accountId: 8, address: 'bob@local.test' })).toBeUndefined();
  });

  it('counts recipients, including those of the transaction not committed yet', async () => {
    const { step } = setup({ recipients: 3 });
    expect(await sendOne(step, ['a@x.example', 'b@x.example'])).toBeUndefined();
    expect((await sendOne(step, ['c@x.example', 'd@x.example']))?.line).toBe('451 4.7.1 Sending limit reached: this account may send to 3 recipients per hour; try again in 2 minutes');
  });

  it('holds the accounts of a domain together', async () => {
    const { step, audits } = setup({ domainMessages: 1 });
    expect(await sendOne(step, ['a@x.example'])).toBeUndefined();
    expect((await sendOne(step, ['a@x.example'], { accountId: 8, address: 'bob@local.test' }))?.text).toMatch(/^Sending limit reached: the domain local\.test may send 1 message per hour/);
    expect(audits).toMatchObject([{ target: 'local.test', details: { scope: 'domain' } }]);
  });

  it('runs for submission and the webmail only, and not without a submitter', async () => {
    const { step } = setup({ messages: 1 });
    expect(step.sources).toEqual(['submission', 'webmail']);
    expect(await step.sender!(envelope({ source: 'submission', submitter: null }))).toBeUndefined();
  });
});
