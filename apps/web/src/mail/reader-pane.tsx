import type { ReactNode } from 'react';
import { Box, Typography } from '@mui/material';
import type { ReplyMode } from '@mailstead/contracts';
import { mailApi } from './mail-api';
import { MessageReader } from './message-reader';
import { ThreadReader } from './thread-reader';
import type { MessageActions } from './use-message-actions';
import type { MessageListState } from './use-message-list';

export interface ReaderPaneProps {
  /** The open message, if any. */
  messageId: string | undefined;
  /** Show its whole conversation (the conversation view, outside search). */
  conversation: boolean;
  /** The actions for the open message, shown above it while no rows are checked. */
  toolbar: ReactNode;
  /** Narrow screens: back to the list. */
  onBack?(): void;
  list: MessageListState;
  /** Folder names for messages of the conversation that live elsewhere. */
  mailboxName(mailboxId: number): string | undefined;
  reloadMailboxes(): Promise<void>;
  actions: MessageActions;
  onReply(messageId: string, mode: ReplyMode): void;
  onError(e: unknown): void;
}

/** The right pane: the open message or conversation; opening one marks it read in the list. */
export function ReaderPane({ messageId, conversation, toolbar, onBack, list, mailboxName, reloadMailboxes, actions, onReply, onError }: ReaderPaneProps) {
  return (
    <Box component="section" aria-label="Reading pane" sx={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', bgcolor: 'background.paper' }}>
      {messageId && conversation ? (
        <ThreadReader
          key={messageId}
          messageId={messageId}
          toolbar={toolbar}
          onBack={onBack}
          mailboxName={mailboxName}
          onLoaded={(m) => {
            list.update((items) => items.map((x) => (x.id === m.id ? { ...x, seen: true } : x)));
            void reloadMailboxes();
          }}
          onReply={(m, mode) => onReply(m.id, mode)}
          onToggleFlag={(m, on) => void actions.setFlag([m.id], '\\Flagged', on)}
          onDelete={(m) => (m.id === messageId ? actions.remove([m.id]) : void mailApi.delete([m.id]).then(() => reloadMailboxes(), onError))}
        />
      ) : messageId ? (
        <MessageReader
          key={messageId}
          messageId={messageId}
          toolbar={toolbar}
          onBack={onBack}
          onLoaded={(m) => {
            const row = list.items.find((x) => x.id === m.id);
            if (row && !row.seen) {
              list.update((items) => items.map((x) => (x.id === m.id ? { ...x, seen: true } : x)));
              void reloadMailboxes();
            }
          }}
          onReply={(m, mode) => onReply(m.id, mode)}
        />
      ) : (
        <Box sx={{ flex: 1, display: 'grid', placeItems: 'center', color: 'text.secondary' }}>
          <Typography>{list.items.length > 0 ? 'Select a message to read it' : ''}</Typography>
        </Box>
      )}
    </Box>
  );
}
