import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkRecords, expectedRecords, hostnameProblem, type DnsCheckLookups } from './dns-check';

const absent = () => Promise.reject(Object.assign(new Error('queryTxt ENOTFOUND'), { code: 'ENOTFOUND' }));
const nothing: DnsCheckLookups = { mx: absent, txt: absent, cname: absent, srv: absent };
const standard = { imaps: 993, imap: 143, pop3s: 995, pop3: 110, submissions: 465, submission: 587 };
const server = (hostname: string, clientPorts = standard) => ({ hostname, clientPorts });
const key = { selector: 'ms1', privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };

describe('the records a domain should publish', () => {
  it('lists MX, SPF, DKIM, DMARC, autoconfig/autodiscover and the RFC 6186 SRV records of every service', () => {
    const records = expectedRecords('example.test', server('mail.example.test'), key).map((r) => `${r.type} ${r.name} ${r.type === 'TXT' ? r.value.slice(0, 16) : r.value}`);
    expect(records).toEqual([
      'MX example.test 10 mail.example.test.',
      'TXT example.test v=spf1 mx -all',
      'TXT ms1._domainkey.example.test v=DKIM1; k=rsa; ',
      'TXT _dmarc.example.test v=DMARC1; p=quar',
      'CNAME autoconfig.example.test mail.example.test.',
      'CNAME autodiscover.example.test mail.example.test.',
      'SRV _imaps._tcp.example.test 0 1 993 mail.example.test.',
      'SRV _imap._tcp.example.test 10 1 143 mail.example.test.',
      'SRV _pop3s._tcp.example.test 0 1 995 mail.example.test.',
      'SRV _pop3._tcp.example.test 10 1 110 mail.example.test.',
      'SRV _submissions._tcp.example.test 0 1 465 mail.example.test.',
      'SRV _submission._tcp.example.test 10 1 587 mail.example.test.',
    ]);
  });

  it('names the ports mail clients are told in the SRV records (MAILSTEAD_CLIENT_PORTS)', () => {
    const srv = expectedRecords('example.test', server('mail.example.test', { ...standard, imaps: 2993, submission: 2587 }), key).filter((r) => r.type === 'SRV');
    expect(srv.find((r) => r.name === '_imaps._tcp.example.test')?.value).toBe('0 1 2993 mail.example.test.');
    expect(srv.find((r) => r.name === '_submission._tcp.example.test')?.value).toBe('10 1 2587 mail.example.test.');
  });

  it('names no host while MAILSTEAD_HOSTNAME is localhost or not fully qualified, and says why', () => {
    for (const bad of ['localhost', 'mail', 'box.localdomain', 'a.localhost', '192.0.2.1', '::1']) {
      expect(hostnameProblem(bad), bad).toMatch(new RegExp(`^MAILSTEAD_HOSTNAME is "${bad.replace(/\./g, '\\.')}", which`));
      const types = expectedRecords('example.test', server(bad), key).map((r) => r.type);
      expect(types, bad).toEqual(['TXT', 'TXT', 'TXT']); // SPF, DKIM, DMARC
    }
    for (const good of ['mail.example.test', 'mx1.example.com.']) expect(hostnameProblem(good), good).toBeUndefined();
  });

  it('lists DKIM as missing when the domain has no key, without looking anything up', async () => {
    const [dkim] = (await checkRecords(expectedRecords('example.test', server('mail.example.test'), null), nothing)).filter((r) => r.purpose === 'DKIM public key');
    expect(dkim).toMatchObject({ status: 'missing', value: '', found: [], note: expect.stringMatching(/no DKIM key yet/) });
  });

  it('lists a key DNS does not publish as missing, and another key as wrong', async () => {
    const dkimOnly = expectedRecords('example.test', server('mail.example.test'), key).filter((r) => r.name.includes('._domainkey.'));
    expect((await checkRecords(dkimOnly, nothing))[0]!.status).toBe('missing');
    const other: DnsCheckLookups = { ...nothing, txt: async () => [['v=DKIM1; k=rsa; p=', 'SOMETHINGELSE']] };
    expect((await checkRecords(dkimOnly, other))[0]).toMatchObject({ status: 'wrong', found: ['v=DKIM1; k=rsa; p=SOMETHINGELSE'] });
    const published: DnsCheckLookups = { ...nothing, txt: async () => [[dkimOnly[0]!.value.slice(0, 255), dkimOnly[0]!.value.slice(255)]] };
    expect((await checkRecords(dkimOnly, published))[0]!.status).toBe('ok');
  });
});
