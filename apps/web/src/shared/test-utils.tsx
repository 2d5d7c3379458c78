import type { ReactElement } from 'react';
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
