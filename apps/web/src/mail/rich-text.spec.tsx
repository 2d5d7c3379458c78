import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { MessageDetailDto, ReplyDraft } from '@mailstead/contracts';
import { fakeFetch, messageDetail, messageSummary, renderWithTheme } from '../shared/test-utils';
import { Composer } from './composer';
import { draftToCompose, newCompose, replyToCompose } from './compose-draft';
import { htmlToText, isBlankHtml, normalizeLink, sanitizeComposeHtml, textToHtml } from './rich-text';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const original: MessageDetailDto = messageDetail(
  messageSummary(7, { subject: 'Lunch on Friday?', from: { name: 'Bob Builder', address: 'bob@example.test' }, to: 'alice@example.test', date: '2026-11-20T12:00:00.000Z' }),
  { messageIdHeader: '<lunch@example.test>', ...{
    text: 'Shall we?\n> earlier quote',
    html: '<p>Shall <b>we</b>?</p><script>alert(1)</script>',
  } },
);

/** The server's reply form for `original` (apps/server/src/api/reply-draft.ts): its HTML as the reader shows it, quoted. */
const htmlReply: ReplyDraft = {
  from: 'alice@example.test',
  to: [{ name: 'Bob Builder', address: 'bob@example.test' }],
  cc: [],
  subject: 'Re: Lunch on Friday?',
  text: '\n\nOn Fri, 20 Nov 2026 12:00:00 GMT, Bob Builder <bob@example.test> wrote:\n> Shall we?\n',
  html: '<div><br></div><div>On Fri, 20 Nov 2026 12:00:00 GMT, Bob Builder &lt;bob@example.test&gt; wrote:</div><blockquote type="cite"><p>Shall <b>we</b>?</p><script>alert(1)</script></blockquote>',
  inReplyToId: '7',
  attachments: [],
};

describe('rich text conversions', () => {
  it('sanitizes to the allowlist: no scripts, handlers, styles, images or javascript: links', () => {
    const clean = sanitizeComposeHtml(
      '<p onclick="x()" style="color:red">Hi <b>bold</b> <a href="javascript:alert(1)">bad</a> <a href="https://ok.test/">ok</a></p><script>alert(2)</script><img src="https://t.test/p.gif"><blockquote type="cite">q</blockquote>',
    );
    expect(clean).toBe('<p>Hi <b>bold</b> <a>bad</a> <a href="https://ok.test/">ok</a></p><blockquote type="cite">q</blockquote>');
  });

  it('renders the text/plain alternative: lists, quotes, links, line breaks', () => {
    const html = '<div>Hello <b>all</b>,</div><ul><li>one</li><li>two</li></ul><ol><li>first</li></ol><div>see <a href="https://x.test/a">the page</a><br>bye</div><blockquote type="cite"><div>quoted</div><blockquote><div>deeper</div></blockquote></blockquote>';
    expect(htmlToText(html)).toBe('Hello all,\n- one\n- two\n1. first\nsee the page <https://x.test/a>\nbye\n> quoted\n>> deeper');
    expect(isBlankHtml('<div><br></div><div><br></div>')).toBe(true);
    expect(htmlToText('<div>see&nbsp;<b>this</b></div>')).toBe('see this');
  });

  it('turns "> " quoted text into blockquotes and back', () => {
    const text = 'Yes!\n\nOn Friday, Bob wrote:\n> Shall we?\n>> earlier';
    const html = textToHtml(text);
    expect(html).toContain('<blockquote type="cite"><div>Shall we?</div><blockquote type="cite"><div>earlier</div></blockquote></blockquote>');
    expect(htmlToText(html)).toBe(text);
    expect(textToHtml('<b>not markup</b>')).toBe('<div>&lt;b&gt;not markup&lt;/b&gt;</div>');
  });

  it('accepts only web and mail links', () => {
    expect(normalizeLink('example.com/x')).toBe('https://example.com/x');
    expect(normalizeLink('bob@example.test')).toBe('mailto:bob@example.test');
    expect(normalizeLink('https://a.test')).toBe('https://a.test');
    expect(normalizeLink('javascript:alert(1)')).toBeNull();
    expect(normalizeLink('data:text/html,x')).toBeNull();
  });
});

describe('reply forms in both modes', () => {
  it('the server’s HTML reply form goes through the composer’s sanitizer, its cite blockquote kept, the signature above it', () => {
    const draft = replyToCompose(htmlReply, 'Alice');
    expect(draft.html).toContain('Bob Builder &lt;bob@example.test&gt; wrote:</div><blockquote type="cite"><p>Shall <b>we</b>?</p></blockquote>');
    expect(draft.html).not.toContain('script');
    expect(draft.html).toContain('<div>-- </div><div>Alice</div>');
    expect(draft.html.startsWith('<div><br></div>')).toBe(true);
    expect(draft.text).toContain('wrote:\n> Shall we?');
  });

  it('a draft keeps its mode: HTML drafts reopen in rich text, text drafts in plain text', () => {
    expect(draftToCompose({ ...original, draft: true }).mode).toBe('html');
    expect(draftToCompose({ ...original, draft: true, html: null }).mode).toBe('text');
  });
});

describe('Composer modes', () => {
  const sendRoute = () => fakeFetch({ 'POST /api/send': () => ({ messageIdHeader: '<x@y>', sentId: '9', localRecipients: 1, remoteRecipients: 0 }), 'POST /api/drafts': () => ({ id: '101', mailboxId: 3 }) });

  it('rich text: the editor holds the quoted reply and sending posts sanitized HTML plus its text', async () => {
    const api = sendRoute();
    vi.stubGlobal('fetch', api.fn);
    const onSent = vi.fn();
    renderWithTheme(<Composer open from="alice@example.test" defaultMode="html" initial={replyToCompose(htmlReply)} knownAddresses={[]} onClose={vi.fn()} onSent={onSent} autosaveDelay={60_000} />);
    const editor = screen.getByRole('textbox', { name: 'Message' });
    expect(editor.getAttribute('contenteditable')).toBe('true');
    expect(screen.getByText('From: alice@example.test')).toBeTruthy();
    expect(editor.querySelector('blockquote[type="cite"]')?.textContent).toBe('Shall we?');
    expect(screen.getByRole('toolbar', { name: 'Formatting' })).toBeTruthy();
    for (const name of ['Bold', 'Italic', 'Underline', 'Bulleted list', 'Numbered list', 'Quote', 'Link']) expect(screen.getByRole('button', { name })).toBeTruthy();
    // What the user typed (jsdom has no editing commands: write the DOM, then the input event).
    editor.innerHTML = `<div>Yes, <strong>Friday</strong> <span onclick="x()">works</span>.</div>${editor.innerHTML}`;
    fireEvent.input(editor);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(onSent).toHaveBeenCalled());
    const body = api.calls.find((c) => c.path === '/api/send')!.body as { html: string; text: string };
    expect(body.html).toMatch(/^<div>Yes, <strong>Friday<\/strong> <span>works<\/span>\.<\/div>/);
    expect(body.html).toContain('<blockquote type="cite"><p>Shall <b>we</b>?</p></blockquote>');
    expect(body.text).toMatch(/^Yes, Friday works\.\n[\s\S]*wrote:\n> Shall we\?$/);
  });

  it('switching to plain text converts the body, sends text only, and switching back keeps the quote', async () => {
    const api = sendRoute();
    vi.stubGlobal('fetch', api.fn);
    const onSent = vi.fn();
    renderWithTheme(<Composer open from="alice@example.test" defaultMode="html" initial={replyToCompose(htmlReply)} knownAddresses={[]} onClose={vi.fn()} onSent={onSent} autosaveDelay={60_000} />);
    fireEvent.click(screen.getByRole('button', { name: 'Plain text' }));
    const textarea = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    expect(textarea.tagName).toBe('TEXTAREA');
    expect(textarea.value).toContain('wrote:\n> Shall we?');
    fireEvent.change(textarea, { target: { value: `Plain answer\n${textarea.value}` } });
    fireEvent.click(screen.getByRole('button', { name: 'Rich text' }));
    expect(screen.getByRole('textbox', { name: 'Message' }).querySelector('blockquote')?.textContent).toBe('Shall we?');
    fireEvent.click(screen.getByRole('button', { name: 'Plain text' }));
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(onSent).toHaveBeenCalled());
    const body = api.calls.find((c) => c.path === '/api/send')!.body as { html?: string; text: string };
    expect(body.html).toBeUndefined();
    expect(body.text).toMatch(/^Plain answer\n[\s\S]*> Shall we\?/);
  });

  it('shows the display name with the sender address', () => {
    renderWithTheme(<Composer open from="alice@example.test" fromName="Alice Liddell" initial={newCompose()} knownAddresses={[]} onClose={vi.fn()} onSent={vi.fn()} autosaveDelay={60_000} />);
    expect(screen.getByText('From: Alice Liddell <alice@example.test>')).toBeTruthy();
  });

  it('a rich-text draft is saved with its HTML (so it reopens in rich text)', async () => {
    const api = sendRoute();
    vi.stubGlobal('fetch', api.fn);
    renderWithTheme(<Composer open from="alice@example.test" defaultMode="html" initial={newCompose()} knownAddresses={[]} onClose={vi.fn()} onSent={vi.fn()} autosaveDelay={50} />);
    const editor = screen.getByRole('textbox', { name: 'Message' });
    editor.innerHTML = '<div><em>draft</em> text</div>';
    fireEvent.input(editor);
    expect(await screen.findByText('Draft saved')).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/api/drafts')!.body).toMatchObject({ html: '<div><em>draft</em> text</div>', text: 'draft text' });
  });

  it('the link dialog refuses addresses that are not web or mail links', async () => {
    vi.stubGlobal('fetch', sendRoute().fn);
    renderWithTheme(<Composer open from="alice@example.test" defaultMode="html" initial={newCompose()} knownAddresses={[]} onClose={vi.fn()} onSent={vi.fn()} autosaveDelay={60_000} />);
    const editor = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.click(screen.getByRole('button', { name: 'Link' }));
    const field = await screen.findByLabelText('Link address');
    fireEvent.change(field, { target: { value: 'javascript:alert(1)' } });
    fireEvent.click(screen.getByRole('button', { name: 'Insert' }));
    expect(screen.getByText(/Enter a web address/)).toBeTruthy();
    expect(editor.innerHTML).not.toContain('javascript');
  });
});
