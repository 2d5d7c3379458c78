import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { MessageDetailDto } from '@mailstead/contracts';
import { fakeFetch, renderWithTheme } from '../shared/test-utils';
import { MESSAGE_FRAME_SANDBOX, messageFrameDocument, sanitizeMessageHtml } from './html-frame';
import { MessageReader } from './message-reader';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

/** What a hostile sender tries; the server sanitizes first, the browser must hold even if it did not. */
const HOSTILE = [
  '<p onclick="steal()">Hi <b>there</b></p>',
  '<script>alert(1)</script>',
  '<img src="x" onerror="alert(2)">',
  '<img src="https://tracker.evil.test/pixel.gif" alt="pixel">',
  '<img srcset="https://evil.test/a.png 1x">',
  '<a href="javascript:alert(3)">click</a><a href="https://example.test/">site</a>',
  '<div style="background:url(https://evil.test/x.png)">styled</div>',
  '<iframe src="https://evil.test"></iframe>',
  '<svg><script>alert(4)</script><animate onbegin="alert(5)"></animate></svg>',
  '<form action="https://evil.test"><input name="password"></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.test">',
  '<object data="https://evil.test/x.swf"></object>',
  '<base href="https://evil.test/">',
].join('\n');

function detail(extra: Partial<MessageDetailDto> = {}): MessageDetailDto {
  return {
    id: '42',
    mailboxId: 1,
    uid: 1,
    threadId: '42',
    subject: 'Hostile newsletter',
    from: { name: 'Mallory', address: 'mallory@evil.test' },
    to: 'alice@webmail.test',
    date: '2026-11-02T10:00:00.000Z',
    size: 1234,
    preview: 'Hi there',
    seen: false,
    flagged: false,
    answered: false,
    draft: false,
    keywords: [],
    hasAttachments: true,
    headers: [{ name: 'Subject', value: 'Hostile newsletter' }],
    cc: '',
    replyTo: '',
    messageIdHeader: '<hostile@evil.test>',
    inReplyTo: null,
    references: [],
    text: 'Plain version',
    html: HOSTILE,
    remoteImagesBlocked: true,
    attachments: [{ partId: '3', filename: 'résumé.pdf', contentType: 'application/pdf', size: 13, contentId: null, inline: false, url: '/api/messages/42/attachments/3' }],
    ...extra,
  };
}

describe('sanitizeMessageHtml (the browser-side second pass)', () => {
  const clean = sanitizeMessageHtml(HOSTILE, { allowRemoteImages: false });

  it('removes scripts, event handlers, javascript: URLs, frames, forms, meta, base and objects', () => {
    expect(clean).not.toMatch(/<script/i);
    expect(clean).not.toMatch(/\son[a-z]+=/i);
    expect(clean).not.toMatch(/javascript:/i);
    expect(clean).not.toMatch(/<(iframe|form|input|meta|object|base)\b/i);
    expect(clean).toContain('<b>there</b>');
    expect(clean).toContain('href="https://example.test/"');
  });

  it('is the received-mail profile of libs/html-policy: CSS that fetches goes even with remote images allowed, as on the server', () => {
    const html = '<div style="background:url(https://evil.test/x.png)">styled</div><img src="cid:logo@x"><a href="#top">top</a>';
    expect(sanitizeMessageHtml(html, { allowRemoteImages: true })).toBe('<div>styled</div><img><a href="#top">top</a>');
  });

  it('drops remote images and CSS urls unless allowed', () => {
    expect(clean).not.toMatch(/evil\.test/);
    const allowed = sanitizeMessageHtml(HOSTILE, { allowRemoteImages: true });
    expect(allowed).toContain('https://tracker.evil.test/pixel.gif');
    expect(allowed).not.toMatch(/<script|onerror|javascript:/i);
  });

  it('opens links in a new tab without a referrer', () => {
    expect(clean).toMatch(/<a [^>]*target="_blank"[^>]*>site<\/a>/);
    expect(clean).toMatch(/rel="noopener noreferrer"/);
  });

  it('wraps the body in a document with a script-free CSP', () => {
    const doc = messageFrameDocument('<p>x</p>', { allowRemoteImages: false, dark: false });
    expect(doc).toContain("script-src 'none'");
    expect(doc).toContain("img-src 'self' data:;");
    expect(messageFrameDocument('<p>x</p>', { allowRemoteImages: true, dark: true })).toContain("img-src 'self' data: https: http:");
  });
});

describe('MessageReader', () => {
  it('shows the HTML in a sandboxed srcdoc iframe without scripts or same-origin', async () => {
    const api = fakeFetch({ 'GET /api/messages/42': () => detail() });
    vi.stubGlobal('fetch', api.fn);
    renderWithTheme(<MessageReader messageId="42" onReply={vi.fn()} />);
    const frame = await screen.findByTitle('Message body');
    const sandbox = frame.getAttribute('sandbox')!;
    expect(sandbox).toBe(MESSAGE_FRAME_SANDBOX);
    expect(sandbox.split(/\s+/)).not.toContain('allow-scripts');
    expect(sandbox.split(/\s+/)).not.toContain('allow-same-origin');
    expect(frame.getAttribute('src')).toBeNull();
    const srcdoc = frame.getAttribute('srcdoc')!;
    expect(srcdoc).not.toMatch(/<script|onerror|onclick|javascript:|evil\.test/i);
    expect(api.calls[0]!.path).toBe('/api/messages/42');
    expect(screen.getByText('résumé.pdf (13 B)')).toBeTruthy();
  });

  it('asks for remote images only after "Show images", and remembers "always for this sender"', async () => {
    const api = fakeFetch({
      'GET /api/messages/42': (_, url) =>
        url.searchParams.get('remoteImages') === 'true' ? detail({ html: '<img src="https://images.example.test/a.png">', remoteImagesBlocked: false }) : detail(),
    });
    vi.stubGlobal('fetch', api.fn);
    renderWithTheme(<MessageReader messageId="42" onReply={vi.fn()} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Always for this sender' }));
    await waitFor(() => expect(screen.getByTitle('Message body').getAttribute('srcdoc')).toContain('https://images.example.test/a.png'));
    expect(screen.queryByText('Remote images are blocked to protect your privacy.')).toBeNull();
    cleanup();
    // The next message from that sender loads with images straight away.
    renderWithTheme(<MessageReader messageId="42" onReply={vi.fn()} />);
    await waitFor(() => expect(screen.getByTitle('Message body').getAttribute('srcdoc')).toContain('https://images.example.test/a.png'));
  });

  it('shows cid: pictures as data: URLs fetched by the webmail (the opaque frame has no session)', async () => {
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
    const json = fakeFetch({
      'GET /api/messages/42': () =>
        detail({
          html: '<p>Logo:</p><img src="/api/messages/42/attachments/2?inline=true">',
          remoteImagesBlocked: false,
          attachments: [{ partId: '2', filename: 'logo.png', contentType: 'image/png', size: png.length, contentId: '<logo@x>', inline: true, url: '/api/messages/42/attachments/2' }],
        }),
    });
    const requested: string[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      requested.push(String(input));
      if (String(input) === '/api/messages/42/attachments/2?inline=true') return new Response(png, { status: 200, headers: { 'content-type': 'image/png' } });
      return json.fn(input, init);
    });
    renderWithTheme(<MessageReader messageId="42" onReply={vi.fn()} />);
    await waitFor(() => expect(screen.getByTitle('Message body').getAttribute('srcdoc')).toContain('src="data:image/png;base64,iVBORw0KGgo'));
    expect(requested).toContain('/api/messages/42/attachments/2?inline=true');
    expect(screen.queryByText(/logo\.png/)).toBeNull();
  });

  it('switches to the plain-text view', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/messages/42': () => detail() }).fn);
    renderWithTheme(<MessageReader messageId="42" onReply={vi.fn()} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Plain text' }));
    expect(screen.getByText('Plain version')).toBeTruthy();
    expect(screen.queryByTitle('Message body')).toBeNull();
  });
  it('says when the server clipped a long HTML body and fetches the whole of it on request', async () => {
    const api = fakeFetch({
      'GET /api/messages/42': (_, url) =>
        url.searchParams.get('full') === 'true'
          ? detail({ html: '<p>start</p><p>the very end</p>', remoteImagesBlocked: false, htmlClipped: false })
          : detail({ html: '<p>start</p>', remoteImagesBlocked: false, htmlClipped: true }),
    });
    vi.stubGlobal('fetch', api.fn);
    renderWithTheme(<MessageReader messageId="42" onReply={vi.fn()} />);
    await screen.findByText('This message is very long: only its beginning is shown.');
    expect(screen.getByTitle('Message body').getAttribute('srcdoc')).not.toContain('the very end');
    fireEvent.click(screen.getByRole('button', { name: 'View entire message' }));
    await waitFor(() => expect(screen.getByTitle('Message body').getAttribute('srcdoc')).toContain('the very end'));
    expect(screen.queryByText('This message is very long: only its beginning is shown.')).toBeNull();
    expect(api.calls.filter((c) => c.path === '/api/messages/42')).toHaveLength(2);
  });
});
