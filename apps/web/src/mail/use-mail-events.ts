import { useEffect, useRef } from 'react';
import type { mailboxEvent } from '@mailstead/contracts';
import type { z } from 'zod';

export type MailboxEvent = z.infer<typeof mailboxEvent>;
const KINDS = ['append', 'flags', 'expunge', 'mailbox'] as const;

function parseEvent(data: string): MailboxEvent | undefined {
  try {
    const value = JSON.parse(data) as Partial<MailboxEvent>;
    if (typeof value.mailboxId === 'number' && typeof value.kind === 'string') return value as MailboxEvent;
  } catch {
    // keep-alive comments and unknown payloads are ignored
  }
  return undefined;
}

/**
 * Live mailbox changes from GET /api/events (Server-Sent Events). The browser reconnects by
 * itself after network errors; when the stream is refused for good (older server, proxy),
 * `onFallbackPoll` runs every `pollMs` so counts and new mail still arrive.
 */
export function useMailEvents(onEvent: (event: MailboxEvent) => void, onFallbackPoll: () => void, pollMs = 30_000): void {
  const handlers = useRef({ onEvent, onFallbackPoll });
  handlers.current = { onEvent, onFallbackPoll };
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let poll: ReturnType<typeof setInterval> | undefined;
    const source = new EventSource('/api/events', { withCredentials: true });
    const handle = (e: MessageEvent<string>) => {
      const event = parseEvent(e.data);
      if (event) handlers.current.onEvent(event);
    };
    source.onmessage = handle;
    for (const kind of KINDS) source.addEventListener(kind, handle as EventListener);
    source.onopen = () => {
      if (poll) clearInterval(poll);
      poll = undefined;
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && !poll) poll = setInterval(() => handlers.current.onFallbackPoll(), pollMs);
    };
    return () => {
      source.close();
      if (poll) clearInterval(poll);
    };
  }, [pollMs]);
}
