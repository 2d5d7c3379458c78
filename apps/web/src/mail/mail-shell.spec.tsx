import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import type { MailboxDto, ReplyDraft } from '@mailstead/contracts';
import { SessionProvider } from '../shared/session';
import { fakeFetch, messageDetail, messageSummary, renderWithTheme, signedInSession } from '../shared/test-utils';
import { MailShell } from './mail-shell';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const info = signedInSession();
const inbox: MailboxDto = { id: 1, name: 'INBOX', specialUse: null, subscribed: true, total: 2, unread: 0, size: 0 };
const rows = [messageSummary(4, { subject: 'Lunch on Friday?' }), messageSummary(3, { subject: 'Quarterly report' })];
const replyForm: ReplyDraft = {
  from: 'alice@example.test',
  to: [{ address: 'alice@example.test' }],
  cc: [],
  subject: 'Re: Lunch on Friday?',
  text: '\n\nOn Sun, 22 Nov 2026 12:00:04 GMT, alice@example.test wrote:\n> Hello number 4.\n',
  html: null,
  inReplyToId: '4',
  attachments: [],
};

function renderShell() {
  const api = fakeFetch({
    'GET /api/mailboxes': () => [inbox],
    'GET /api/mailboxes/1/messages': () => ({ items: rows, nextCursor: null }),
    'GET /api/messages/4': () => messageDetail(rows[0]!),
    'GET /api/messages/4/reply': () => replyForm,
  });
  vi.stubGlobal('fetch', api.fn);
  renderWithTheme(
    <SessionProvider initial={{ status: 'authenticated', info }}>
      <MemoryRouter initialEntries={['/mail']}>
        <Routes>
          <Route path="/mail" element={<MailShell />} />
        </Routes>
      </MemoryRouter>
    </SessionProvider>,
  );
  return api;
}

const row = (subject: string) => screen.findByRole('option', { name: new RegExp(subject) });

describe('MailShell', () => {
  it('opens a message from the list, and "r" fills the composer from the server’s reply form', async () => {
    const api = renderShell();
    fireEvent.click(await row('Lunch on Friday'));
    await screen.findByRole('article');
    fireEvent.keyDown(window, { key: 'r' });
    const composer = await screen.findByRole('dialog');
    await waitFor(() => expect((within(composer).getByLabelText('Subject') as HTMLInputElement).value).toBe('Re: Lunch on Friday?'));
    const call = api.calls.find((c) => c.path === '/api/messages/4/reply');
    expect(call?.method).toBe('GET');
    // The shortcuts are off while the composer is open.
    fireEvent.keyDown(window, { key: 'c' });
    expect(screen.getAllByRole('dialog')).toHaveLength(1);
  });

  it('"#" deletes the open message at once in the list, "Undo" brings it back and nothing is sent', async () => {
    const api = renderShell();
    fireEvent.click(await row('Lunch on Friday'));
    await screen.findByRole('article');
    fireEvent.keyDown(window, { key: '#' });
    expect(await screen.findByText('Deleted 1 message')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('option', { name: /Lunch on Friday/ })).toBeNull());
    const listed = api.calls.filter((c) => c.path === '/api/mailboxes/1/messages').length;
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(api.calls.filter((c) => c.path === '/api/mailboxes/1/messages').length).toBeGreaterThan(listed));
    expect(await row('Lunch on Friday')).toBeTruthy();
    expect(api.calls.some((c) => c.path === '/api/messages/delete')).toBe(false);
  });

  it('"?" shows the shortcut help, and the checked rows get the action bar in the list header', async () => {
    renderShell();
    await row('Quarterly report');
    expect(screen.queryByRole('toolbar', { name: 'Message actions' })).toBeNull();
    fireEvent.click(within(await row('Quarterly report')).getByRole('checkbox'));
    const header = screen.getByRole('region', { name: 'Messages in Inbox' });
    expect(within(header).getByText('1 selected')).toBeTruthy();
    expect(within(header).getByRole('toolbar', { name: 'Message actions' })).toBeTruthy();
    fireEvent.keyDown(window, { key: '?' });
    expect(await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })).toBeTruthy();
  });
});
