import { useState } from 'react';
import { Box, Dialog, DialogContent, DialogTitle, Divider } from '@mui/material';
import type { ReplyMode } from '@mailstead/contracts';
import { SHORTCUTS, useShortcuts } from './shortcuts';
import type { MessageActions } from './use-message-actions';
import type { MessageSelection } from './use-message-selection';

export interface MailShortcutsContext {
  selection: MessageSelection;
  actions: MessageActions;
  reply(mode: ReplyMode): void;
  compose(): void;
  focusSearch(): void;
}

/** The mailbox's single-key shortcuts (shortcuts.ts lists them) and their help dialog's state ("?"). */
export function useMailShortcuts({ selection, actions, reply, compose, focusSearch }: MailShortcutsContext, enabled: boolean) {
  const [helpOpen, setHelpOpen] = useState(false);
  const { activeId, setActiveId, selected, setSelected, targetIds, targets, moveCursor } = selection;
  useShortcuts(
    {
      j: () => moveCursor(1),
      k: () => moveCursor(-1),
      o: () => activeId ?? moveCursor(0),
      Enter: () => activeId ?? moveCursor(0),
      r: () => reply('reply'),
      a: () => reply('all'),
      f: () => reply('forward'),
      c: compose,
      e: () => actions.archive(targetIds()),
      '#': () => actions.remove(targetIds()),
      s: () => {
        const t = targets();
        void actions.setFlag(
          t.map((m) => m.id),
          '\\Flagged',
          !t.every((m) => m.flagged),
        );
      },
      u: () => setActiveId(undefined),
      '/': focusSearch,
      '?': () => setHelpOpen(true),
      Escape: () => (selected.size > 0 ? setSelected(new Set()) : setActiveId(undefined)),
    },
    enabled && !helpOpen,
  );
  return { helpOpen, closeHelp: () => setHelpOpen(false) };
}

export function ShortcutHelpDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="shortcuts-title">
      <DialogTitle id="shortcuts-title">Keyboard shortcuts</DialogTitle>
      <DialogContent>
        <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 3, rowGap: 0.5, m: 0 }}>
          {SHORTCUTS.map(([key, text]) => (
            <Box key={key} sx={{ display: 'contents' }}>
              <Box component="dt">
                <kbd>{key}</kbd>
              </Box>
              <Box component="dd" sx={{ m: 0 }}>
                {text}
              </Box>
            </Box>
          ))}
        </Box>
      </DialogContent>
      <Divider />
    </Dialog>
  );
}
