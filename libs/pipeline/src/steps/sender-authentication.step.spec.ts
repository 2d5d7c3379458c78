import { describe, expect, it } from 'vitest';
import { envelope, messageUnderCheck } from '../test-support/pipeline-fixtures';
import { senderAuthenticationStep, type DnsResolver } from './sender-authentication.step';

describe('sender-authentication step (SPF, DKIM, DMARC; RFC 8601)', () => {
  const dns = new Map<string, string[][]>([
    ['TXT:strict.example', [['v=spf1 -all']]],
    ['TXT:_dmarc.strict.example', [['v=DMARC1; p=reject']]],
    ['TXT:_dmarc.careful.example', [['v=DMARC1; p=quarantine']]],
  ]);
  const resolver: DnsResolver = async (name, rrtype) => {
    const answer = dns.get(`${rrtype}:${name.toLowerCase()}`);
    if (answer) return answer;
    throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  const client = { sessionId: 'S', ip: '192.0.2.9', helo: 'client.example', hostname: '', protocol: 'ESMTP', tls: false as const };
  const from = (domain: string) =>
    messageUnderCheck(
      `Authentication-Results: mx.local.test; dmarc=pass (forged)\r\nAuthentication-Results: other.example; spf=pass\r\nFrom: a@${domain}\r\nSubject: x\r\n\r\nhi\r\n`,
      { envelope: envelope({ sender: `a@${domain}`, client }) },
    );

  it('removes forged results claiming our name, keeps others, and puts its verdict in the trace', async () => {
    const message = from('strict.example');
    expect(await senderAuthenticationStep({ hostname: 'mx.local.test', dmarcReject: false, resolver }).message!(message)).toBeUndefined();
    const text = message.raw.toString();
    expect(text).not.toContain('(forged)');
    expect(text).toContain('Authentication-Results: other.example; spf=pass');
    expect(message.trace.join('\r\n')).toMatch(/Authentication-Results: mx\.local\.test;[\s\S]*spf=fail[\s\S]*dmarc=fail/);
  });

  it('files a DMARC failure under p=reject or p=quarantine as junk, or refuses p=reject when told to (550 5.7.1)', async () => {
    const quarantined = from('careful.example');
    await senderAuthenticationStep({ hostname: 'mx.local.test', dmarcReject: true, resolver }).message!(quarantined);
    expect(quarantined.junk).toBe('dmarc=fail (p=quarantine)');
    const rejectedAsJunk = from('strict.example');
    await senderAuthenticationStep({ hostname: 'mx.local.test', dmarcReject: false, resolver }).message!(rejectedAsJunk);
    expect(rejectedAsJunk.junk).toBe('dmarc=fail (p=reject)');
    const refused = await senderAuthenticationStep({ hostname: 'mx.local.test', dmarcReject: true, resolver }).message!(from('strict.example'));
    expect(refused?.line).toBe("550 5.7.1 Message rejected by the sender domain's DMARC policy");
  });

  it('leaves mail from a domain without a DMARC policy alone', async () => {
    const message = from('plain.example');
    await senderAuthenticationStep({ hostname: 'mx.local.test', dmarcReject: true, resolver }).message!(message);
    expect(message.junk).toBeNull();
  });
});
