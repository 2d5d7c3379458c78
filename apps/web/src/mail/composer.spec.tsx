import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { MessageDetailDto, ReplyDraft } from '@mailstead/contracts';
import { fakeFetch, messageDetail, messageSummary, renderWithTheme } from '../shared/test-utils';
import { Composer } from './composer';
import { draftToCompose, newCompose, parseAddressList, replyToCompose } from './compose-draft';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const original: MessageDetailDto = messageDetail(
  messageSummary(7, { subject: 'Lunch on Friday?', from: { name: 'Bob Builder', address: 'bob@example.test' }, to: 'alice@example.test', date: '2026-11-20T12:00:00.000Z' }),
  { messageIdHeader: '<lunch@example.test>', ...{
    to: 'Alice <alice@example.test>, "Carol, C." <carol@example.test>',
    cc: 'dave@example.test',
    text: 'Shall we?\n> earlier quote\n\nBob',
  } },
);

/** GET /api/messages/7/reply as the server answers it (apps/server/src/api/reply-draft.ts). */
const serverReply: ReplyDraft = {
  from: 'alice@example.test',
  to: [{ name: 'Bob Builder', address: 'bob@example.test' }],
  cc: [],
  subject: 'Re: Lunch on Friday?',
  text: '\n\nOn Fri, 20 Nov 2026 12:00:00 GMT, Bob Builder <bob@example.test> wrote:\n> Shall we?\n>> earlier quote\n>\n> Bob\n',
  html: null,
  inReplyToId: '7',
  attachments: [],
};
const serverForward: ReplyDraft = {
  from: 'sales@example.test',
  to: [],
  cc: [],
  subject: 'Fwd: Numbers',
  text: '\n\n---------- Forwarded message ----------\nFrom: Bob Builder <bob@example.test>\n\nThree files.',
  html: null,
  attachments: [
    { id: 'a'.repeat(32), filename: 'numbers.csv', contentType: 'text/csv', size: 30 },
    { id: 'b'.repeat(32), filename: 'logo.png', contentType: 'image/png', size: 1024 },
    { id: 'c'.repeat(32), filename: 'report.pdf', contentType: 'application/pdf', size: 2048 },
  ],
};

describe('compose drafts', () => {
  it('parses address lists with quoted commas', () => {
    expect(parseAddressList(original.to)).toEqual([
      { name: 'Alice', address: 'alice@example.test' },
      { name: 'Carol, C.', address: 'carol@example.test' },
    ]);
  });

  it('fills the composer from the server’s reply form, the signature above the quote in both modes', () => {
    const draft = replyToCompose(serverReply, 'Alice');
    expect(draft).toMatchObject({ from: 'alice@example.test', to: serverReply.to, cc: [], bcc: [], subject: 'Re: Lunch on Friday?', inReplyToId: '7', attachments: [] });
    expect(draft.text).toBe(`\n\n-- \nAlice${serverReply.text}`);
    // A text-only original: its "> " quote becomes cite blockquotes in rich text.
    expect(draft.html).toContain('<div>-- </div><div>Alice</div><div><br></div><div>On Fri, 20 Nov 2026 12:00:00 GMT, Bob Builder &lt;bob@example.test&gt; wrote:</div><blockquote type="cite"><div>Shall we?</div><blockquote type="cite"><div>earlier quote</div>');
    expect(replyToCompose(serverReply).text).toBe(serverReply.text);
  });

  it('passes the server’s quoted HTML through the composer’s sanitizer', () => {
    const draft = replyToCompose({ ...serverReply, html: '<div><br></div><div>On Friday, Bob wrote:</div><blockquote type="cite"><p onclick="x()">Shall <b>we</b>?</p><script>alert(1)</script></blockquote>' });
    expect(draft.html).toBe('<div><br></div><div><br></div><div>On Friday, Bob wrote:</div><blockquote type="cite"><p>Shall <b>we</b>?</p></blockquote>');
  });

  it('starts a new message with the signature below an empty line', () => {
    expect(newCompose('Alice')).toMatchObject({ to: [], subject: '', text: '\n\n\n-- \nAlice' });
    expect(newCompose()).toMatchObject({ text: '', html: '<div><br></div>' });
  });

  it('reopens a saved draft with its recipients, Bcc and the draft id', () => {
    const draft = draftToCompose({ ...original, id: '55', draft: true, headers: [{ name: 'Bcc', value: 'eve@example.test' }] });
    expect(draft).toMatchObject({ draftId: '55', subject: 'Lunch on Friday?', bcc: [{ address: 'eve@example.test' }], cc: [{ address: 'dave@example.test' }] });
    expect(draft.to.map((a) => a.address)).toEqual(['alice@example.test', 'carol@example.test']);
  });
});

describe('Composer', () => {
  it('sends the prefilled reply with the CSRF header, then reports success', async () => {
    document.cookie = 'mailstead_csrf=token-123';
    const api = fakeFetch({ 'POST /api/send': () => ({ messageIdHeader: '<x@y>', sentId: '9', localRecipients: 1, remoteRecipients: 0 }) });
    vi.stubGlobal('fetch', api.fn);
    const onSent = vi.fn();
    renderWithTheme(
      <Composer open from="alice@example.test" initial={replyToCompose(serverReply)} knownAddresses={[]} onClose={vi.fn()} onSent={onSent} autosaveDelay={60_000} />,
    );
    expect((screen.getByLabelText('Subject') as HTMLInputElement).value).toBe('Re: Lunch on Friday?');
    expect(screen.getByText('Bob Builder <bob@example.test>')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(onSent).toHaveBeenCalled());
    const call = api.calls.find((c) => c.path === '/api/send')!;
    expect(call.headers['x-csrf-token']).toBe('token-123');
    expect(call.body).toMatchObject({
      from: 'alice@example.test',
      to: [{ name: 'Bob Builder', address: 'bob@example.test' }],
      subject: 'Re: Lunch on Friday?',
      inReplyToId: '7',
    });
    expect((call.body as { text: string }).text).toContain('> Shall we?');
  });

  it('refuses to send without recipients and shows the server error when sending fails', async () => {
    const api = fakeFetch({});
    vi.stubGlobal('fetch', api.fn);
    renderWithTheme(<Composer open from="alice@example.test" initial={newCompose()} knownAddresses={[]} onClose={vi.fn()} onSent={vi.fn()} autosaveDelay={60_000} />);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Add at least one recipient');
    expect(api.calls).toHaveLength(0);
    const to = screen.getByLabelText('To');
    fireEvent.change(to, { target: { value: 'zed@example.test,' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Not sent: no route');
  });

  it('saves a draft after a quiet moment and sends it with the draft id', async () => {
    let drafts = 0;
    const api = fakeFetch({
      'POST /api/drafts': () => ({ id: String(100 + ++drafts), mailboxId: 3 }),
      'POST /api/send': () => ({ messageIdHeader: '<x@y>', sentId: '9', localRecipients: 1, remoteRecipients: 0 }),
    });
    vi.stubGlobal('fetch', api.fn);
    renderWithTheme(<Composer open from="alice@example.test" initial={replyToCompose(serverReply)} knownAddresses={[]} onClose={vi.fn()} onSent={vi.fn()} autosaveDelay={50} />);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Re: Lunch on Friday? (draft)' } });
    expect(await screen.findByText('Draft saved')).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/api/drafts')!.body).toMatchObject({ subject: 'Re: Lunch on Friday? (draft)' });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(api.calls.some((c) => c.path === '/api/send')).toBe(true));
    expect(api.calls.find((c) => c.path === '/api/send')!.body).toMatchObject({ draftId: '101' });
  });

  it('a forward lists the server’s copies of the attachments, sends from the alias, and leaves out the ones removed', async () => {
    const api = fakeFetch({ 'POST /api/send': () => ({ messageIdHeader: '<x@y>', sentId: '9', localRecipients: 1, remoteRecipients: 0 }) });
    vi.stubGlobal('fetch', api.fn);
    const onSent = vi.fn();
    renderWithTheme(<Composer open from="alice@example.test" initial={replyToCompose(serverForward)} knownAddresses={[]} onClose={vi.fn()} onSent={onSent} autosaveDelay={60_000} />);
    expect(screen.getByText('From: sales@example.test')).toBeTruthy();
    expect(screen.getByText('numbers.csv (30 B)')).toBeTruthy();
    expect(screen.getByText('logo.png (1.0 KB)')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove logo.png' }));
    fireEvent.change(screen.getByLabelText('To'), { target: { value: 'zed@example.test,' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(onSent).toHaveBeenCalled());
    const body = api.calls.find((c) => c.path === '/api/send')!.body as { from: string; attachments: string[]; inReplyToId?: string };
    expect(body).toMatchObject({ from: 'sales@example.test', attachments: ['a'.repeat(32), 'c'.repeat(32)] });
    expect(body.inReplyToId).toBeUndefined();
  });
});
