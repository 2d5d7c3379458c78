import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeDataProvider, renderConsole } from '../admin-test-support';
import { domainDeleteWarning } from './domain-resources';

afterEach(cleanup);

const domain = { id: 2, name: 'example.test', enabled: true, accounts: 3, aliases: 1, lists: 0, createdAt: '2026-11-01T10:00:00.000Z' };

describe('DNS setup', { timeout: 60_000 }, () => {
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

  it('warns at the top when the host name is not one to publish, and lists DKIM as missing when the domain has no key', async () => {
    const { dp } = fakeDataProvider(
      { domains: [domain] },
      {
        dns: async () => ({
          hostname: 'localhost',
          hostnameProblem: 'MAILSTEAD_HOSTNAME is "localhost", which names this machine only: set it',
          checkedAt: '2026-11-22T10:00:00.000Z',
          records: [
            { purpose: 'SPF', type: 'TXT', name: 'example.test', value: 'v=spf1 mx -all', status: 'missing', found: [] },
            { purpose: 'DKIM public key', type: 'TXT', name: '<selector>._domainkey.example.test', value: '', note: 'This domain has no DKIM key yet', status: 'missing', found: [] },
          ],
        }),
      },
    );
    renderConsole('/admin/domains/2/dns', dp);
    expect((await screen.findByTestId('hostname-problem', {}, { timeout: 8000 })).textContent).toMatch(/^MAILSTEAD_HOSTNAME is "localhost"/);
    const table = screen.getByRole('table', { name: 'DNS records' });
    expect(within(within(table).getByText('This domain has no DKIM key yet').closest('tr')!).getByText('missing')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Generate DKIM key' })).toBeTruthy();
    expect(screen.getByTestId('zone-file').textContent).toBe('example.test. 3600 IN TXT "v=spf1 mx -all"');
  });

  it('copies one record and the whole zone file, the DKIM key split into strings of at most 255', async () => {
    const key = `v=DKIM1; k=rsa; p=${'K'.repeat(392)}`;
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { dp } = fakeDataProvider(
      { domains: [domain] },
      {
        dns: async () => ({
          hostname: 'mail.example.test',
          checkedAt: '2026-11-22T10:00:00.000Z',
          records: [
            { purpose: 'Mail exchanger (MX)', type: 'MX', name: 'example.test', value: '10 mail.example.test.', status: 'ok', found: ['10 mail.example.test.'] },
            { purpose: 'DKIM public key', type: 'TXT', name: 'ms1._domainkey.example.test', value: key, status: 'missing', found: [] },
          ],
        }),
      },
    );
    renderConsole('/admin/domains/2/dns', dp);
    const zone = await screen.findByTestId('zone-file', {}, { timeout: 8000 });
    expect(zone.textContent).toBe(`example.test. 3600 IN MX 10 mail.example.test.\nms1._domainkey.example.test. 3600 IN TXT ( "${key.slice(0, 255)}" "${key.slice(255)}" )`);
    expect(screen.queryByTestId('hostname-problem')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Copy the DKIM public key value' }));
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith(key));
    fireEvent.click(screen.getByRole('button', { name: 'Copy the zone file' }));
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith(zone.textContent));
    expect(await screen.findByText('Copied')).toBeTruthy();
  });

  it('states what deleting a domain removes', () => {
    expect(domainDeleteWarning(domain)).toBe(
      'Delete example.test? This removes its 3 users together with all their mailboxes and messages, 1 alias and 0 mailing lists. Mail for the domain will be rejected. This cannot be undone.',
    );
  });
});
