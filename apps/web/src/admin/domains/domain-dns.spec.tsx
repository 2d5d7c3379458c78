import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeDataProvider, renderConsole } from '../admin-test-support';
import { expectedDnsRecords, zoneLine } from './dns-records';
import { domainDeleteWarning } from './domain-resources';

afterEach(cleanup);

const domain = { id: 2, name: 'example.test', enabled: true, accounts: 3, aliases: 1, lists: 0, createdAt: '2026-11-01T10:00:00.000Z' };

describe('DNS setup', { timeout: 60_000 }, () => {
  it('computes MX, SPF, DMARC and autoconfig records for a domain', () => {
    const records = expectedDnsRecords('example.test', 'mail.host.test');
    expect(records.map(zoneLine)).toEqual(
      expect.arrayContaining([
        'example.test. 3600 IN MX 10 mail.host.test.',
        'example.test. 3600 IN TXT "v=spf1 mx -all"',
        '_dmarc.example.test. 3600 IN TXT "v=DMARC1; p=quarantine; rua=mailto:postmaster@example.test"',
        'autoconfig.example.test. 3600 IN CNAME mail.host.test.',
        '_submissions._tcp.example.test. 3600 IN SRV 0 1 465 mail.host.test.',
      ]),
    );
  });

  it('shows the live check per record in green and red when the API reports it', async () => {
    const { dp } = fakeDataProvider(
      { domains: [domain] },
      {
        dns: async () => ({
          checkedAt: '2026-11-22T10:00:00.000Z',
          records: [
            { purpose: 'Mail exchanger (MX)', type: 'MX', name: 'example.test', value: '10 mx.example.test.', status: 'ok' },
            { purpose: 'DKIM', type: 'TXT', name: 'ms1._domainkey.example.test', value: 'v=DKIM1; k=rsa; p=MIIB', status: 'missing' },
            { purpose: 'SPF', type: 'TXT', name: 'example.test', value: 'v=spf1 mx -all', status: 'wrong', found: ['v=spf1 -all'] },
          ],
        }),
      },
    );
    renderConsole('/admin/domains/2/dns', dp);
    const table = await screen.findByRole('table', { name: 'DNS records' }, { timeout: 8000 });
    const row = (text: string) => within(table).getByText(text).closest('tr')!;
    await within(table).findByText('10 mx.example.test.', {}, { timeout: 5000 });
    expect(within(row('10 mx.example.test.')).getByText('published')).toBeTruthy();
    expect(within(row('v=DKIM1; k=rsa; p=MIIB')).getByText('missing')).toBeTruthy();
    expect(within(row('v=spf1 mx -all')).getByText('different')).toBeTruthy();
    expect(within(row('v=spf1 mx -all')).getByText('found: v=spf1 -all')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Rotate DKIM key' })).toBeTruthy();
  });

  it('falls back to the records the API suggests plus computed ones, marked unchecked, when the API has no DNS check', async () => {
    const withDns = { ...domain, dns: [{ type: 'MX', name: 'example.test', value: '10 mx.host.test.' }, { type: 'TXT', name: 'ms1._domainkey.example.test', value: 'v=DKIM1; k=rsa; p=KEY' }] };
    const { dp } = fakeDataProvider({ domains: [withDns] });
    renderConsole('/admin/domains/2/dns', dp);
    expect(await screen.findByText(/cannot check DNS or generate DKIM keys yet/, {}, { timeout: 8000 })).toBeTruthy();
    expect(screen.getAllByText('not checked').length).toBeGreaterThanOrEqual(5);
    const zone = screen.getByTestId('zone-file').textContent!;
    expect(zone).toContain('_dmarc.example.test. 3600 IN TXT');
    expect(zone).toContain('ms1._domainkey.example.test. 3600 IN TXT "v=DKIM1; k=rsa; p=KEY"');
    expect(zone).toContain('autoconfig.example.test. 3600 IN CNAME mx.host.test.');
    expect(zone.match(/IN MX/g)).toHaveLength(1);
    expect(screen.getByText('DKIM public key')).toBeTruthy();
  });

  it('states what deleting a domain removes', () => {
    expect(domainDeleteWarning(domain)).toBe(
      'Delete example.test? This removes its 3 users together with all their mailboxes and messages, 1 alias and 0 mailing lists. Mail for the domain will be rejected. This cannot be undone.',
    );
  });
});
