import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, renderHook, screen, waitFor } from '@testing-library/react';
import type { MessagePage, MessageSummaryDto } from '@mailstead/contracts';
import { fakeFetch, messageSummary, renderWithTheme } from '../shared/test-utils';
import { SearchIndexingNotice } from './message-list';
import { useMessageList, type ListSource } from './use-message-list';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const summary = (n: number): MessageSummaryDto => messageSummary(n, { subject: `Result ${n}` });

/**
 * Records the recheck intervals (period `everyMs`; waitFor polls with its own) started from now
 * on; `allStopped()` says whether each was started and cleared, i.e. nothing will ask again.
 */
function watchRechecks(everyMs: number): { allStopped: () => boolean } {
  const started = vi.spyOn(globalThis, 'setInterval');
  const cleared = vi.spyOn(globalThis, 'clearInterval');
  return {
    allStopped: () => {
      const stopped = new Set(cleared.mock.calls.map(([id]) => id));
      const rechecks = started.mock.calls.flatMap((call, i) => (call[1] === everyMs ? [started.mock.results[i]!.value as unknown] : []));
      return rechecks.length > 0 && rechecks.every((id) => stopped.has(id as ReturnType<typeof setInterval>));
    },
  };
}

/**
 * /api/search answers `indexing: true` for q=backlog; for q=later only its second page says so
 * (the index fell behind between pages); other queries are complete.
 */
function stubApi() {
  const api = fakeFetch({
    'GET /api/search': (_body, url): MessagePage => {
      const q = url.searchParams.get('q');
      if (q === 'backlog') return { items: [summary(1), summary(2)], nextCursor: null, indexing: true };
      if (q === 'later') {
        return url.searchParams.get('cursor') ? { items: [summary(3)], nextCursor: null, indexing: true } : { items: [summary(1), summary(2)], nextCursor: 'page2' };
      }
      return { items: [summary(1)], nextCursor: null };
    },
    'GET /api/mailboxes/1/messages': (): MessagePage => ({ items: [summary(1)], nextCursor: null }),
  });
  vi.stubGlobal('fetch', api.fn);
  return api;
}

describe('SearchIndexingNotice', () => {
  it('says, without blocking anything, that results may be incomplete', () => {
    renderWithTheme(<SearchIndexingNotice />);
    const notice = screen.getByRole('status');
    expect(notice.textContent).toContain('Still indexing older mail — results may be incomplete');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('useMessageList indexing state', () => {
  it('is true when a search page says indexing, false for complete searches and mailboxes, and resets when the source changes', async () => {
    const api = stubApi();
    const { result, rerender } = renderHook(({ source }: { source: ListSource }) => useMessageList(source), {
      initialProps: { source: { kind: 'search', q: 'backlog' } as ListSource },
    });
    await waitFor(() => expect(result.current.items).toHaveLength(2));
    expect(result.current.indexing).toBe(true);

    rerender({ source: { kind: 'search', q: 'complete' } });
    expect(result.current.indexing).toBe(false);
    await waitFor(() => expect(result.current.items.map((m) => m.subject)).toEqual(['Result 1']));
    expect(result.current.indexing).toBe(false);

    rerender({ source: { kind: 'mailbox', mailboxId: 1 } });
    await waitFor(() => expect(api.calls.some((c) => c.path === '/api/mailboxes/1/messages')).toBe(true));
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.indexing).toBe(false);
  });

  it('an incomplete later page turns the notice on (earlier pages may lack matches too)', async () => {
    stubApi();
    const { result } = renderHook(() => useMessageList({ kind: 'search', q: 'later' }));
    await waitFor(() => expect(result.current.nextCursor).toBe('page2'));
    expect(result.current.indexing).toBe(false);
    result.current.loadMore();
    await waitFor(() => expect(result.current.items).toHaveLength(3));
    expect(result.current.indexing).toBe(true);
  });

  it('asks again while indexing, and clears the notice with the late matches once the index caught up', async () => {
    let complete = false;
    let asked = 0;
    const api = fakeFetch({
      'GET /api/search': (): MessagePage => {
        asked++;
        return complete ? { items: [summary(1), summary(2)], nextCursor: null } : { items: [summary(1)], nextCursor: null, indexing: true };
      },
    });
    vi.stubGlobal('fetch', api.fn);
    const rechecks = watchRechecks(10);
    const { result } = renderHook(() => useMessageList({ kind: 'search', q: 'catching-up' }, { everyMs: 10, times: 1000 }));
    await waitFor(() => expect(result.current.indexing).toBe(true));
    await waitFor(() => expect(asked).toBeGreaterThan(2));
    expect(result.current.items.map((m) => m.subject)).toEqual(['Result 1']);
    complete = true;
    await waitFor(() => expect(result.current.indexing).toBe(false));
    expect(result.current.items.map((m) => m.subject)).toEqual(['Result 1', 'Result 2']);
    // no more rechecks once complete: the recheck timer is gone
    expect(rechecks.allStopped()).toBe(true);
  });

  it('reloads the whole list when several pages were loaded (later pages may lack matches), and gives up after its rechecks', async () => {
    let complete = false;
    let firstPages = 0;
    let asked = 0;
    const api = fakeFetch({
      'GET /api/search': (_body, url): MessagePage => {
        asked++;
        if (url.searchParams.get('q') === 'never') return { items: [summary(1)], nextCursor: null, indexing: true };
        if (complete) return { items: [summary(5)], nextCursor: null };
        if (url.searchParams.get('cursor')) return { items: [summary(3)], nextCursor: null, indexing: true };
        // the first answer looked complete; the index fell behind before page 2
        return { items: [summary(1), summary(2)], nextCursor: 'page2', ...(firstPages++ > 0 ? { indexing: true } : {}) };
      },
    });
    vi.stubGlobal('fetch', api.fn);
    const { result, unmount } = renderHook(() => useMessageList({ kind: 'search', q: 'paged' }, { everyMs: 10, times: 1000 }));
    await waitFor(() => expect(result.current.nextCursor).toBe('page2'));
    result.current.loadMore();
    await waitFor(() => expect(result.current.indexing).toBe(true));
    await waitFor(() => expect(firstPages).toBeGreaterThan(2));
    expect(result.current.items).toHaveLength(3);
    complete = true;
    await waitFor(() => expect(result.current.items.map((m) => m.subject)).toEqual(['Result 5']));
    expect(result.current.indexing).toBe(false);
    unmount();

    asked = 0;
    const rechecks = watchRechecks(5);
    const never = renderHook(() => useMessageList({ kind: 'search', q: 'never' }, { everyMs: 5, times: 3 }));
    await waitFor(() => expect(never.result.current.indexing).toBe(true));
    // it gives up: the recheck timer stops itself after its three rechecks
    await waitFor(() => expect(rechecks.allStopped()).toBe(true));
    expect(never.result.current.indexing).toBe(true);
    expect(asked).toBe(4); // the search and three rechecks
  });
});
