import { describe, expect, it } from 'vitest';
import { DnsListChecker, NetworkList, type DnsListResolver } from '@mailstead/spam';
import type { ClientInfo } from '../delivery-step';
import { envelope, messageUnderCheck, resolution } from '../test-support/pipeline-fixtures';
import { dnsAllowlisted, dnsListsStep } from './dns-lists.step';

const absent = () => Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
const table: Record<string, string> = {
  '9.2.0.192.block.test': '127.0.0.2',
  '9.2.0.192.score.test': '127.0.0.3',
  '9.2.0.192.wl.test': '127.0.10.1',
  'bad.example.dbl.test': '127.0.1.2',
};
const resolver: DnsListResolver = {
  resolve4: async (name) => {
    if (!table[name]) throw absent();
    return [{ address: table[name]!, ttl: 60 }];
  },
  resolve6: async () => {
    throw absent();
  },
  reverse: async () => {
    throw absent();
  },
};

const client = (ip = '192.0.2.9', helo = 'client.example'): ClientInfo => ({ sessionId: 's', ip, helo, hostname: '', protocol: 'ESMTP', tls: false });
const rcpt = { resolution: resolution('user@local.test') };
const step = (lists: { dnsbl?: string[]; domains?: string[]; dnswl?: string[] }, trusted: string[] = []) =>
  dnsListsStep({
    checker: new DnsListChecker({ resolver, timeoutMs: 500 }),
    trusted: new NetworkList(trusted),
    dnsbl: (lists.dnsbl ?? []).map((z) => (z.startsWith('score') ? { zone: z, action: 'score' as const, score: 3 } : { zone: z, action: 'reject' as const, score: 0 })),
    dnsblDomains: (lists.domains ?? []).map((zone) => ({ zone, action: 'reject' as const, score: 0 })),
    dnswl: (lists.dnswl ?? []).map((zone) => ({ zone, action: 'score' as const, score: -1 })),
  });

async function session(s: ReturnType<typeof step>, c: ClientInfo, sender = 'someone@sender.example') {
  await s.connect!(c);
  const env = envelope({ client: c, sender });
  await s.sender!(env);
  return { env, rcpt: await s.recipient!(env, rcpt) };
}

describe('dns-lists step', () => {
  it('refuses at RCPT with 554 5.7.1 naming the list that lists the client IP', async () => {
    expect((await session(step({ dnsbl: ['block.test'] }), client())).rcpt?.line).toBe('554 5.7.1 Service unavailable; client [192.0.2.9] blocked using block.test');
    expect((await session(step({ dnsbl: ['block.test'] }), client('192.0.2.10'))).rcpt).toBeUndefined();
  });

  it('refuses a listed MAIL FROM domain or HELO name, never an address literal', async () => {
    const s = step({ domains: ['dbl.test'] });
    expect((await session(s, client(), 'x@bad.example')).rcpt?.line).toBe('554 5.7.1 Service unavailable; sender domain bad.example blocked using dbl.test');
    expect((await session(s, client('192.0.2.9', 'bad.example'))).rcpt?.line).toBe('554 5.7.1 Service unavailable; helo name bad.example blocked using dbl.test');
    expect((await session(s, client('192.0.2.9', '[192.0.2.9]'), '')).rcpt).toBeUndefined();
  });

  it('does not refuse an allowlisted client, and reports it allowlisted to greylisting', async () => {
    const c = client();
    expect((await session(step({ dnsbl: ['block.test'], dnswl: ['wl.test'] }), c)).rcpt).toBeUndefined();
    expect(await dnsAllowlisted(c)).toBe(true);
    expect(await dnsAllowlisted(client())).toBe(false);
  });

  it('adds score lists and allowlists as symbols at the message phase', async () => {
    const s = step({ dnsbl: ['score.test', 'block.test'], dnswl: ['wl.test'] });
    const c = client();
    const { env } = await session(s, c);
    const message = messageUnderCheck('Subject: x\r\n\r\n', { envelope: env });
    await s.message!(message);
    expect(message.symbols).toEqual([
      { name: 'DNSWL_WL_TEST', score: -1, detail: '192.0.2.9 listed (127.0.10.1)' },
      { name: 'RBL_SCORE_TEST', score: 3, detail: '192.0.2.9 listed (127.0.0.3)' },
    ]);
    expect(message.score).toBe(2);
  });

  it('looks nothing up for trusted networks', async () => {
    const s = step({ dnsbl: ['block.test'] }, ['192.0.2.0/24']);
    expect((await session(s, client())).rcpt).toBeUndefined();
  });
});
