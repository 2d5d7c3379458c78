import { useEffect, useRef } from 'react';
import type { MailboxDto, mailboxEvent } from '@mailstead/contracts';
import type { z } from 'zod';

export type MailboxEvent = z.infer<typeof mailboxEvent>;

export interface MailEventHandlers {
  /** `change`: one mailbox changed (with its counts afterwards). */
  onChange(event: MailboxEvent): void;
  /** `sync` (after a reconnect; changes may have been missed), and the fallback poll with no mailboxes. */
  onSync(mailboxes: MailboxDto[] | undefined): void;
}

function parse<T>(data: string): T | undefined {
  try {
    return JSON.parse(data) as T;
  } catch {
    return undefined;
  }
}

/**
 * Live mailbox changes from GET /api/events (Server-Sent Events, apps/server events.controller).
 * The browser reconnects by itself after network errors (the server sends `retry:`); when the
 * stream is refused for good (an older server, a proxy), `onSync` runs every `pollMs` instead.
 */
export function useMailEvents(handlers: MailEventHandlers, pollMs = 15_000): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let poll: ReturnType<typeof setInterval> | undefined;
    const source = new EventSource('/api/events', { withCredentials: true });
    const onChange = (e: MessageEvent<string>) => {
      const event = parse<Partial<MailboxEvent>>(e.data);
      if (event && typeof event.mailboxId === 'number' && typeof event.kind === 'string') latest.current.onChange(event as MailboxEvent);
    };
    source.addEventListener('change', onChange);
    source.onmessage = onChange;
    source.addEventListener('sync', (e: MessageEvent<string>) => {
      const data = parse<{ mailboxes?: MailboxDto[] }>(e.data);
      latest.current.onSync(Array.isArray(data?.mailboxes) ? data.mailboxes : undefined);
    });
    source.onopen = () => {
      if (poll) clearInterval(poll);
      poll = undefined;
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && !poll) poll = setInterval(() => latest.current.onSync(undefined), pollMs);
    };
    return () => {
      source.close();
      if (poll) clearInterval(poll);
    };
  }, [pollMs]);
}
