import { useCallback, useEffect, useRef, useState } from 'react';
import type { MessagePage, MessageSummaryDto } from '@mailstead/contracts';
import { errorMessage } from '../shared/api-client';
import { mailApi } from './mail-api';

export type ListSource = { kind: 'mailbox'; mailboxId: number; threads?: boolean } | { kind: 'search'; q: string };

export const sourceKey = (s: ListSource | undefined) => (!s ? '' : s.kind === 'mailbox' ? `m:${s.mailboxId}:${s.threads ? 't' : ''}` : `s:${s.q}`);

function fetchPage(source: ListSource, cursor: string | undefined, signal?: AbortSignal): Promise<MessagePage> {
  return source.kind === 'mailbox' ? mailApi.messages(source.mailboxId, cursor, signal, 50, source.threads) : mailApi.search(source.q, cursor, signal);
}

/**
 * Newer first page merged over what is loaded: rows already loaded take the page's state,
 * rows the page has that the list does not (new mail) go on top, rows of the page's range
 * that the page no longer has (expunged, moved away) are dropped.
 */
export function mergeFirstPage(current: MessageSummaryDto[], page: MessageSummaryDto[], pageIsAll: boolean): MessageSummaryDto[] {
  if (pageIsAll) return page;
  const fresh = new Map(page.map((m) => [m.id, m]));
  const known = new Set(current.map((m) => m.id));
  const last = page[page.length - 1];
  const lastIndex = last ? current.findIndex((m) => m.id === last.id) : -1;
  const covered = lastIndex >= 0 ? lastIndex + 1 : 0;
  const head = current.slice(0, covered).filter((m) => fresh.has(m.id)).map((m) => fresh.get(m.id)!);
  const added = page.filter((m) => !known.has(m.id));
  const merged = [...added, ...head, ...current.slice(covered)];
  return merged.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0) || (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
}

export interface MessageListState {
  items: MessageSummaryDto[];
  nextCursor: string | null;
  loading: boolean;
  /** A search answered before the server had indexed all the searched mail: results may be incomplete. */
  indexing: boolean;
  error?: string;
  loadMore(): void;
  /** Re-reads the first page (new mail, flag changes from other clients) and merges it. */
  refreshTop(): Promise<void>;
  reload(): void;
  update(fn: (items: MessageSummaryDto[]) => MessageSummaryDto[]): void;
}

/** How often a search answered `indexing: true` is asked again, and for how long at most. */
export const INDEXING_RECHECK = { everyMs: 5_000, times: 60 };

export function useMessageList(source: ListSource | undefined, recheck = INDEXING_RECHECK): MessageListState {
  const [items, setItems] = useState<MessageSummaryDto[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [indexing, setIndexing] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [generation, setGeneration] = useState(0);
  const key = sourceKey(source);
  const current = useRef({ key, items, nextCursor, loading });
  current.current = { key, items, nextCursor, loading };
  const sourceRef = useRef(source);
  sourceRef.current = source;

  useEffect(() => {
    const s = sourceRef.current;
    setItems([]);
    setNextCursor(null);
    setIndexing(false);
    setError(undefined);
    if (!s) return;
    const controller = new AbortController();
    setLoading(true);
    fetchPage(s, undefined, controller.signal).then(
      (page) => {
        setItems(page.items);
        setNextCursor(page.nextCursor);
        setIndexing(page.indexing === true);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(errorMessage(e));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, generation]);

  const loadMore = useCallback(() => {
    const s = sourceRef.current;
    const { nextCursor: cursor, loading: busy, key: k } = current.current;
    if (!s || !cursor || busy) return;
    setLoading(true);
    fetchPage(s, cursor).then(
      (page) => {
        if (current.current.key !== k) return;
        setItems((all) => {
          const known = new Set(all.map((m) => m.id));
          return [...all, ...page.items.filter((m) => !known.has(m.id))];
        });
        setNextCursor(page.nextCursor);
        // Pages loaded earlier may still lack matches, so one incomplete page keeps the notice.
        if (page.indexing) setIndexing(true);
        setLoading(false);
      },
      (e: unknown) => {
        setError(errorMessage(e));
        setLoading(false);
      },
    );
  }, []);

  const refreshTop = useCallback(async () => {
    const s = sourceRef.current;
    if (!s) return;
    const k = current.current.key;
    const page = await fetchPage(s, undefined);
    if (current.current.key !== k) return;
    const onlyOnePageLoaded = current.current.items.length <= page.items.length || page.nextCursor === null;
    setItems((all) => mergeFirstPage(all, page.items, onlyOnePageLoaded));
    if (onlyOnePageLoaded) setNextCursor(page.nextCursor);
    if (onlyOnePageLoaded || page.indexing) setIndexing(page.indexing === true);
  }, []);

  // While the server is still indexing the searched mail, ask again now and then: the notice
  // goes away (and late matches appear) once the background fill has caught up. With several
  // pages loaded, the later ones may lack matches too, so a complete answer reloads the list.
  useEffect(() => {
    const s = sourceRef.current;
    if (!indexing || s?.kind !== 'search') return;
    let left = recheck.times;
    const timer = setInterval(() => {
      if (left-- <= 0) return clearInterval(timer);
      const k = current.current.key;
      fetchPage(s, undefined).then(
        (page) => {
          if (current.current.key !== k || page.indexing) return;
          clearInterval(timer);
          const onlyOnePageLoaded = current.current.items.length <= page.items.length || page.nextCursor === null;
          if (!onlyOnePageLoaded) return setGeneration((g) => g + 1);
          setItems((all) => mergeFirstPage(all, page.items, true));
          setNextCursor(page.nextCursor);
          setIndexing(false);
        },
        () => undefined,
      );
    }, recheck.everyMs);
    return () => clearInterval(timer);
  }, [indexing, key, recheck.everyMs, recheck.times]);

  return {
    items,
    nextCursor,
    loading,
    indexing,
    error,
    loadMore,
    refreshTop,
    reload: useCallback(() => setGeneration((g) => g + 1), []),
    update: useCallback((fn: (items: MessageSummaryDto[]) => MessageSummaryDto[]) => setItems(fn), []),
  };
}
