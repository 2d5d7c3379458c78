import { useEffect, useState } from 'react';
import type { MessageSummaryDto } from '@mailstead/contracts';

/**
 * The open message and the checked rows of the list; both cleared when the folder or the
 * search changes (`resetKey`). Actions apply to the checked rows, else to the open message.
 */
export function useMessageSelection(items: MessageSummaryDto[], resetKey: string) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [activeId, setActiveId] = useState<string | undefined>();

  useEffect(() => {
    setSelected(new Set());
    setActiveId(undefined);
  }, [resetKey]);

  const targetIds = (): string[] => (selected.size > 0 ? [...selected] : activeId ? [activeId] : []);
  const targets = (): MessageSummaryDto[] => {
    const ids = new Set(targetIds());
    return items.filter((m) => ids.has(m.id));
  };
  /** Opens the message `delta` rows away from the open one (the first row when none is open). */
  const moveCursor = (delta: number) => {
    if (items.length === 0) return;
    const index = activeId ? items.findIndex((m) => m.id === activeId) : -1;
    const next = items[Math.max(0, Math.min(items.length - 1, index + delta))];
    if (next) setActiveId(next.id);
  };

  return { selected, setSelected, activeId, setActiveId, targetIds, targets, moveCursor };
}

export type MessageSelection = ReturnType<typeof useMessageSelection>;
