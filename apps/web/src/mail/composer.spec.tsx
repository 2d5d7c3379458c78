import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { MessageDetailDto } from '@mailstead/contracts';
import { fakeFetch, messageDetail, messageSummary, renderWithTheme } from '../shared/test-utils';
import { Composer } from './composer';
import { draftToCompose, forwardSubject, parseAddressList, prepareCompose, quoteLines, replySubject } from './quoting';

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

describe('quoting', () => {
  it('parses address lists with quoted commas', () => {
    expect(parseAddressList(original.to)).toEqual([
      { name: 'Alice', address: 'alice@example.test' },
      { name: 'Carol, C.', address: 'carol@example.test' },
    ]);
  });

  it('adds Re:/Fwd: once', () => {
    expect(replySubject('Lunch')).toBe('Re: Lunch');
    expect(replySubject('RE: Lunch')).toBe('RE: Lunch');
    expect(forwardSubject('Fwd: Lunch')).toBe('Fwd: Lunch');
    expect(forwardSubject('Lunch')).toBe('Fwd: Lunch');
  });

  it('quotes every line, nesting quoted lines', () => {
    expect(quoteLines('a\n> b\n\nc\n')).toBe('> a\n>> b\n>\n> c');
  });

  it('replies to the sender with an attribution line and the quoted text', () => {
    const draft = prepareCompose('reply', original, 'alice@example.test');
    expect(draft.to).toEqual([{ name: 'Bob Builder', address: 'bob@example.test' }]);
    expect(draft.cc).toEqual([]);
    expect(draft.subject).toBe('Re: Lunch on Friday?');
    expect(draft.inReplyToId).toBe('7');
    expect(draft.text).toContain('Bob Builder <bob@example.test> wrote:\n> Shall we?\n>> earlier quote\n>\n> Bob');
  });

  it('reply-all copies the other recipients but not oneself', () => {
    const draft = prepareCompose('replyAll', original, 'ALICE@example.test');
    expect(draft.to.map((a) => a.address)).toEqual(['bob@example.test']);
    expect(draft.cc.map((a) => a.address)).toEqual(['carol@example.test', 'dave@example.test']);
  });

  it('replies to Reply-To when there is one', () => {
    const draft = prepareCompose('reply', { ...original, replyTo: 'List <list@example.test>' }, 'alice@example.test');
    expect(draft.to).toEqual([{ name: 'List', address: 'list@example.test' }]);
  });

  it('reopens a saved draft with its recipients, Bcc and the draft id', () => {
    const draft = draftToCompose({ ...original, id: '55', draft: true, headers: [{ name: 'Bcc', value: 'eve@example.test' }] });
    expect(draft).toMatchObject({ draftId: '55', subject: 'Lunch on Friday?', bcc: [{ address: 'eve@example.test' }], cc: [{ address: 'dave@example.test' }] });
    expect(draft.to.map((a) => a.address)).toEqual(['alice@example.test', 'carol@example.test']);
  });

  it('forwards as an attachment without quoting the body', () => {
    const draft = prepareCompose('forwardAsAttachment', original, 'alice@example.test');
    expect(draft).toMatchObject({ to: [], subject: 'Fwd: Lunch on Friday?', text: '', inReplyToId: '7' });
  });

  it('forwards with a header block and no recipients', () => {
    const draft = prepareCompose('forward', original, 'alice@example.test', 'Alice');
    expect(draft.to).toEqual([]);
    expect(draft.subject).toBe('Fwd: Lunch on Friday?');
    expect(draft.text).toContain('---------- Forwarded message ----------\nFrom: Bob Builder <bob@example.test>');
    expect(draft.text).toContain('\n-- \nAlice');
    expect(draft.text).toContain('Shall we?\n> earlier quote');
  });
});

describe('Composer', () => {
  it('sends the prefilled reply with the CSRF header, then reports success', async () => {
    document.cookie = 'mailstead_csrf=token-123';
    const api = fakeFetch({ 'POST /api/send': () => ({ messageIdHeader: '<x@y>', sentId: '9', localRecipients: 1, remoteRecipients: 0 }) });
    vi.stubGlobal('fetch', api.fn);
    const onSent = vi.fn();
    renderWithTheme(
      <Composer open from="alice@example.test" initial={prepareCompose('reply', original, 'alice@example.test')} knownAddresses={[]} onClose={vi.fn()} onSent={onSent} autosaveDelay={60_000} />,
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
    renderWithTheme(<Composer open from="alice@example.test" initial={prepareCompose('new', undefined, 'alice@example.test')} knownAddresses={[]} onClose={vi.fn()} onSent={vi.fn()} autosaveDelay={60_000} />);
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
    renderWithTheme(<Composer open from="alice@example.test" initial={prepareCompose('reply', original, 'alice@example.test')} knownAddresses={[]} onClose={vi.fn()} onSent={vi.fn()} autosaveDelay={50} />);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Re: Lunch on Friday? (draft)' } });
    expect(await screen.findByText('Draft saved')).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/api/drafts')!.body).toMatchObject({ subject: 'Re: Lunch on Friday? (draft)' });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(api.calls.some((c) => c.path === '/api/send')).toBe(true));
    expect(api.calls.find((c) => c.path === '/api/send')!.body).toMatchObject({ draftId: '101' });
  });
});
