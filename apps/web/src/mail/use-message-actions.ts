import { useCallback, useEffect, useRef } from 'react';
import type { MailboxDto } from '@mailstead/contracts';
import { displayName } from './folder-tree';
import { mailApi } from './mail-api';
import { UNDO_MS, type MailToastApi } from './mail-toast';
import { specialMailbox } from './use-mailboxes';
import type { MessageSelection } from './use-message-selection';
import type { ListSource, MessageListState } from './use-message-list';

interface PendingAction {
  label: string;
  ids: string[];
  run(): Promise<unknown>;
  timer: ReturnType<typeof setTimeout>;
}

export interface MessageActionsContext {
  list: MessageListState;
  selection: MessageSelection;
  source: ListSource | undefined;
  mailboxes: MailboxDto[];
  currentMailbox: MailboxDto | undefined;
  inbox: MailboxDto | undefined;
  reloadMailboxes(): Promise<void>;
  toast: MailToastApi;
}

/**
 * Flag, move, archive, junk and delete, applied to the list at once. Removals wait a few
 * seconds so "Undo" can cancel them; one waits at a time, and leaving the page sends it.
 */
export function useMessageActions({ list, selection, source, mailboxes, currentMailbox, inbox, reloadMailboxes, toast }: MessageActionsContext) {
  const pending = useRef<PendingAction | undefined>(undefined);

  const setFlag = async (ids: string[], flag: '\\Seen' | '\\Flagged', on: boolean) => {
    if (ids.length === 0) return;
    const key = flag === '\\Seen' ? 'seen' : 'flagged';
    const idSet = new Set(ids);
    list.update((items) => items.map((m) => (idSet.has(m.id) ? { ...m, [key]: on } : m)));
    try {
      await mailApi.flags(ids, on ? [flag] : [], on ? [] : [flag]);
      void reloadMailboxes();
    } catch (e) {
      toast.showError(e);
      list.reload();
    }
  };

  const flushPending = useCallback(() => {
    const p = pending.current;
    if (!p) return;
    pending.current = undefined;
    clearTimeout(p.timer);
    p.run().then(
      () => void reloadMailboxes(),
      (e: unknown) => {
        toast.showError(e);
        list.reload();
      },
    );
    // reloadMailboxes, toast.showError and list.reload are stable
  }, []);
  useEffect(() => {
    window.addEventListener('pagehide', flushPending);
    return () => {
      window.removeEventListener('pagehide', flushPending);
      flushPending();
    };
  }, [flushPending]);

  /**
   * The rows leave the list at once, the request waits a few seconds so "Undo" can cancel it
   * (moved messages get new ids, so undoing after the fact is not exact).
   */
  const removeWithUndo = (ids: string[], label: string, run: () => Promise<unknown>) => {
    if (ids.length === 0) return;
    flushPending();
    const { activeId, setActiveId, setSelected } = selection;
    const idSet = new Set(ids);
    const index = list.items.findIndex((m) => m.id === activeId);
    const remaining = list.items.filter((m) => !idSet.has(m.id));
    if (activeId && idSet.has(activeId)) setActiveId(remaining[Math.min(index, remaining.length - 1)]?.id);
    list.update((items) => items.filter((m) => !idSet.has(m.id)));
    setSelected(new Set());
    const timer = setTimeout(flushPending, UNDO_MS);
    pending.current = { label, ids, run, timer };
    toast.show(`${label} ${ids.length} message${ids.length === 1 ? '' : 's'}`, {
      undo: () => {
        if (pending.current?.timer === timer) {
          clearTimeout(timer);
          pending.current = undefined;
          list.reload();
        }
        toast.dismiss();
      },
    });
  };

  const moveTo = (ids: string[], target: MailboxDto | undefined, label = `Moved to ${target ? displayName(target) : ''}:`) => {
    if (!target) return toast.showError(new Error('That folder does not exist'));
    const movable = source?.kind === 'mailbox' && source.mailboxId === target.id ? [] : ids;
    removeWithUndo(movable, label, () => mailApi.move(movable, target.id));
  };
  const remove = (ids: string[]) => removeWithUndo(ids, 'Deleted', () => mailApi.delete(ids));
  const archive = (ids: string[]) => moveTo(ids, specialMailbox(mailboxes, '\\Archive'), 'Archived');
  const junk = (ids: string[]) => {
    const junkBox = specialMailbox(mailboxes, '\\Junk');
    if (currentMailbox && junkBox && currentMailbox.id === junkBox.id) moveTo(ids, inbox, 'Not junk:');
    else moveTo(ids, junkBox, 'Marked as junk:');
  };

  return { setFlag, flushPending, moveTo, remove, archive, junk };
}

export type MessageActions = ReturnType<typeof useMessageActions>;
