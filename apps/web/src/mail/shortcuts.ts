import { useEffect, useRef } from 'react';

export const SHORTCUTS: [string, string][] = [
  ['j / k', 'Next / previous message'],
  ['o, Enter', 'Open'],
  ['u, Esc', 'Back to the list'],
  ['r', 'Reply'],
  ['a', 'Reply all'],
  ['f', 'Forward'],
  ['c', 'Compose'],
  ['e', 'Archive'],
  ['#', 'Delete'],
  ['s', 'Flag / unflag'],
  ['/', 'Search'],
  ['?', 'This help'],
  ['Tab, ↑ / ↓, x', 'In the message list: move, select'],
  ['Ctrl+B / I / U', 'Composer: bold / italic / underline'],
  ['Ctrl+Shift+8 / 7', 'Composer: bulleted / numbered list'],
  ['Ctrl+Shift+9, Ctrl+K', 'Composer: quote, link'],
];

/** True when a key press belongs to a text field, not to the shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Single-key shortcuts (KeyboardEvent.key -> action), off while typing or when disabled. */
export function useShortcuts(map: Record<string, () => void>, enabled: boolean): void {
  const latest = useRef(map);
  latest.current = map;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      // Enter on a focused button or link keeps its own meaning.
      if (e.key === 'Enter' && e.target instanceof HTMLElement && e.target.closest('button, a, [role="button"]')) return;
      const action = latest.current[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
