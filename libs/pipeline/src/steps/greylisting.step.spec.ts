import { describe, expect, it } from 'vitest';
import { NetworkList, type Greylist, type GreylistAttempt, type GreylistVerdict } from '@mailstead/spam';
import type { Store } from '@mailstead/store';
import type { ClientInfo } from '../delivery-step';
import { envelope, mailbox, resolution } from '../test-support/pipeline-fixtures';
import { greylistingStep } from './greylisting.step';

const client = (ip = '198.51.100.7'): ClientInfo => ({ sessionId: 's', ip, helo: 'client.example', hostname: '', protocol: 'ESMTP', tls: false });
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function fakes(verdict: GreylistVerdict, wroteTo: string[] = []) {
  const attempts: GreylistAttempt[] = [];
  const greylist = { check: async (a: GreylistAttempt) => (attempts.push(a), verdict) } as unknown as Greylist;
  const store = { outbound: { hasSentToDomain: async (senders: string[], domain: string) => wroteTo.includes(domain) && senders.includes('user1@local.test') } } as unknown as Store;
  return { attempts, greylist, store };
}

describe('greylisting step', () => {
  const rcpt = { resolution: resolution('User1@local.test', { mailboxes: [mailbox(1)] }) };

  it('answers a deferred triplet with 451 4.7.1 and a time to retry', async () => {
    const { greylist, store, attempts } = fakes({ pass: false, reason: 'new', retryAfterMs: 300_000 });
    const step = greylistingStep({ greylist, store, trusted: new NetworkList([]), hostname: 'mx.local.test', logger });
    const reply = await step.recipient!(envelope({ client: client(), sender: 'a@b.example' }), rcpt);
    expect(reply?.line).toBe('451 4.7.1 Greylisted: your server is new to us for this sender and recipient; please try again in 5 minutes');
    expect(attempts).toEqual([{ ip: '198.51.100.7', sender: 'a@b.example', recipient: 'User1@local.test', clientDomain: null }]);
  });

  it('lets a passing triplet through, and never asks for trusted networks or the webmail', async () => {
    const passing = fakes({ pass: true, reason: 'retried' });
    expect(await greylistingStep({ ...passing, trusted: new NetworkList([]), hostname: 'mx', logger }).recipient!(envelope({ client: client() }), rcpt)).toBeUndefined();
    const deferring = fakes({ pass: false, reason: 'new', retryAfterMs: 1 });
    const step = greylistingStep({ ...deferring, trusted: new NetworkList(['198.51.100.0/24']), hostname: 'mx', logger });
    expect(await step.recipient!(envelope({ client: client() }), rcpt)).toBeUndefined();
    expect(await step.recipient!(envelope({ client: null, source: 'webmail' }), rcpt)).toBeUndefined();
    expect(deferring.attempts).toHaveLength(0);
    expect(step.sources).toEqual(['mx']);
  });

  it('asks SPF only for a domain the recipient wrote to, and greylists when SPF does not pass', async () => {
    // no SPF record anywhere (the resolver finds nothing): the correspondent check fails and the greylist decides
    const resolver = async () => {
      throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const deferring = fakes({ pass: false, reason: 'new', retryAfterMs: 60_000 }, ['partner.example']);
    const step = greylistingStep({ ...deferring, trusted: new NetworkList([]), hostname: 'mx', dnsResolver: resolver, logger });
    expect((await step.recipient!(envelope({ client: client(), sender: 'x@partner.example' }), rcpt))?.responseCode).toBe(451);
    const spfPass = async (name: string, type: string) => {
      if (type === 'TXT' && name === 'partner.example') return [['v=spf1 ip4:198.51.100.0/24 -all']];
      throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const passing = greylistingStep({ ...deferring, trusted: new NetworkList([]), hostname: 'mx', dnsResolver: spfPass, logger });
    expect(await passing.recipient!(envelope({ client: client(), sender: 'x@partner.example' }), rcpt)).toBeUndefined();
    expect((await passing.recipient!(envelope({ client: client(), sender: 'x@stranger.example' }), rcpt))?.responseCode).toBe(451);
  });
});
