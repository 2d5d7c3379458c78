import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { fakeFetch, renderWithTheme } from '../../shared/test-utils';
import { QuarantinePage } from './quarantine-page';
import { SpamSettings } from './spam-settings';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const held = {
  id: '7',
  from: 'support@bank.example',
  sender: 'bounce@bank.example',
  recipient: 'carol@example.test',
  subject: 'VERIFY YOUR ACCOUNT',
  score: 11.5,
  probability: 0.987,
  symbols: [
    { name: 'URL_SHORTENER', score: 1.5, detail: 'bit.ly' },
    { name: 'BAYES_SPAM', score: 5.3, detail: '0.9870' },
  ],
  size: 900,
  receivedAt: '2026-12-04T12:00:00.000Z',
};

describe('QuarantinePage', () => {
  it('shows why a message was held, and releases it', async () => {
    const api = fakeFetch({ 'GET /api/quarantine': () => ({ items: [held] }), 'POST /api/quarantine/7/release': () => ({ ok: true, mailboxId: 1 }) });
    vi.stubGlobal('fetch', api.fn);
    renderWithTheme(
      <MemoryRouter>
        <QuarantinePage />
      </MemoryRouter>,
    );
    expect(await screen.findByText('VERIFY YOUR ACCOUNT')).toBeTruthy();
    expect(screen.getByText('URL_SHORTENER +1.5: bit.ly')).toBeTruthy();
    expect(screen.getByText(/Spam score 11\.5, spam probability 99%/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Not spam: release' }));
    expect(await screen.findByText('Released “VERIFY YOUR ACCOUNT” to your inbox')).toBeTruthy();
    expect(api.calls.some((c) => c.path === '/api/quarantine/7/release')).toBe(true);
    expect(screen.queryByRole('article')).toBeNull();
  });
});

describe('SpamSettings', () => {
  it('shows the thresholds in force as placeholders and saves the account\'s own (empty: default)', async () => {
    const settings = { own: { junk: null, quarantine: null, reject: null }, effective: { junk: 5, quarantine: 10, reject: 15 } };
    const api = fakeFetch({ 'GET /api/spam/settings': () => settings, 'PUT /api/spam/settings': () => ({ own: { junk: 3, quarantine: null, reject: null }, effective: { junk: 3, quarantine: 10, reject: 15 } }) });
    vi.stubGlobal('fetch', api.fn);
    renderWithTheme(<SpamSettings />);
    const junk = (await screen.findByLabelText('Move to Junk from score')) as HTMLInputElement;
    await screen.findByPlaceholderText('10');
    expect(junk.placeholder).toBe('5');
    fireEvent.change(junk, { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save spam thresholds' }));
    expect(await screen.findByText('Spam thresholds saved')).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/api/spam/settings' && c.method === 'PUT')?.body).toEqual({ junk: 3, quarantine: null, reject: null });
  });
});
