import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { fakeFetch, renderWithTheme } from '../../shared/test-utils';
import { QuarantinePage } from './quarantine-page';

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
