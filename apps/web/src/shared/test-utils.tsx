import type { ReactElement } from 'react';
import type { MessageDetailDto, MessageSummaryDto, SessionInfo } from '@mailstead/contracts';
import { render } from '@testing-library/react';
import { MailsteadThemeProvider } from './theme';

/** Height jsdom reports for scroll boxes (role=listbox): it lays nothing out, so everything is 0 otherwise. */
export const LISTBOX_HEIGHT = 760;

/** jsdom lacks ResizeObserver and layout; the virtual list measures its scroll box with both. */
export function installDomShims(): void {
  if (!Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight')?.get?.name.includes('shim')) {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get: function shimOffsetHeight(this: HTMLElement) {
        return this.getAttribute('role') === 'listbox' ? LISTBOX_HEIGHT : 0;
      },
    });
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
      configurable: true,
      get: function shimOffsetWidth(this: HTMLElement) {
        return this.getAttribute('role') === 'listbox' ? 600 : 0;
      },
    });
  }
  if (!('ResizeObserver' in globalThis)) {
    (globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
      observe() {}
      unobserve() {}
      disconnect() {}
    };
  }
}

export function renderWithTheme(ui: ReactElement) {
  installDomShims();
  return render(<MailsteadThemeProvider>{ui}</MailsteadThemeProvider>);
}

/** A fetch stand-in answering JSON by "METHOD path" and recording every request. */
export function fakeFetch(routes: Record<string, (body: unknown, url: URL) => unknown>) {
  const calls: { method: string; path: string; body: unknown; headers: Record<string, string> }[] = [];
  const fn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    calls.push({ method, path: url.pathname, body, headers: (init.headers ?? {}) as Record<string, string> });
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) return new Response(JSON.stringify({ error: { status: 404, code: 'not_found', message: 'no route' } }), { status: 404 });
    return new Response(JSON.stringify(handler(body, url)), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { fn: fn as typeof fetch, calls };
}

/** A message list row for specs: message `n` of mailbox 1, read, no flags; `extra` overrides. */
export function messageSummary(n: number, extra: Partial<MessageSummaryDto> = {}): MessageSummaryDto {
  return {
    id: String(n),
    mailboxId: 1,
    uid: n,
    threadId: String(n),
    subject: `Subject ${n}`,
    from: { name: 'Sender', address: 'sender@example.test' },
    to: 'me@example.test',
    date: new Date(Date.UTC(2026, 10, 1) - n * 60_000).toISOString(),
    size: 100,
    preview: '',
    seen: true,
    flagged: false,
    answered: false,
    draft: false,
    keywords: [],
    hasAttachments: false,
    ...extra,
  };
}

/** The reader's view of a message for specs: `summary` plus an empty header/body; `extra` overrides. */
export function messageDetail(summary: MessageSummaryDto, extra: Partial<MessageDetailDto> = {}): MessageDetailDto {
  return {
    ...summary,
    headers: [],
    cc: '',
    replyTo: '',
    messageIdHeader: null,
    inReplyTo: null,
    references: [],
    text: '',
    html: null,
    remoteImagesBlocked: false,
    attachments: [],
    ...extra,
  };
}

/** A signed-in session for specs: alice, a plain user without a second factor; `account` and `extra` override. */
export function signedInSession(account: Partial<SessionInfo['account']> = {}, extra: Partial<Omit<SessionInfo, 'account'>> = {}): SessionInfo {
  return {
    account: { id: 1, address: 'alice@example.test', displayName: null, role: 'user', quotaBytes: 0, usedBytes: 0, totpEnabled: false, ...account },
    csrfToken: 'c',
    adminDomains: [],
    totpSetupRequired: false,
    ...extra,
  };
}
