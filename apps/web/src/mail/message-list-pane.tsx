import { useState, type ReactNode } from 'react';
import { Alert, Box, IconButton, Tooltip, Typography } from '@mui/material';
import ForumIcon from '@mui/icons-material/Forum';
import type { MessageSummaryDto } from '@mailstead/contracts';
import { MessageList, SearchIndexingNotice } from './message-list';
import type { MessageSelection } from './use-message-selection';
import type { MessageListState } from './use-message-list';

const THREADS_KEY = 'mailstead.conversations';

/** The conversation view switch, remembered in the browser. */
export function useConversationView() {
  const [threads, setThreads] = useState(() => localStorage.getItem(THREADS_KEY) === 'true');
  const toggle = () => {
    localStorage.setItem(THREADS_KEY, String(!threads));
    setThreads(!threads);
  };
  return { threads, toggle };
}

export interface MessageListPaneProps {
  /** The folder's name, or the search. */
  title: string;
  label: string;
  searching: boolean;
  list: MessageListState;
  selection: MessageSelection;
  conversations: ReturnType<typeof useConversationView>;
  /** The actions for the checked rows, shown in the header while some are checked. */
  actionBar: ReactNode;
  fullWidth: boolean;
  onOpen(message: MessageSummaryDto): void;
  onToggleFlag(message: MessageSummaryDto): void;
  mailboxName?(mailboxId: number): string | undefined;
}

/** The middle pane: the header (title, conversation switch or the selection's actions) and the paged list. */
export function MessageListPane({ title, label, searching, list, selection, conversations, actionBar, fullWidth, onOpen, onToggleFlag, mailboxName }: MessageListPaneProps) {
  const { selected, setSelected, activeId } = selection;
  return (
    <Box
      component="section"
      aria-label={label}
      sx={{ width: fullWidth ? '100%' : 400, flexShrink: 0, display: 'flex', flexDirection: 'column', borderRight: 1, borderColor: 'divider', bgcolor: 'background.paper', minHeight: 0 }}
    >
      <Box sx={{ px: 2, py: 1, display: 'flex', alignItems: 'center', minHeight: 48, borderBottom: 1, borderColor: 'divider' }}>
        <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 600, flex: 1 }} noWrap>
          {title}
        </Typography>
        {selected.size > 0 && actionBar}
        {!searching && selected.size === 0 && (
          <Tooltip title={conversations.threads ? 'Show every message' : 'Group conversations'}>
            <IconButton
              size="small"
              aria-label="Conversation view"
              aria-pressed={conversations.threads}
              color={conversations.threads ? 'primary' : 'default'}
              onClick={conversations.toggle}
            >
              <ForumIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
      </Box>
      {list.error && <Alert severity="error">{list.error}</Alert>}
      {searching && list.indexing && <SearchIndexingNotice />}
      <MessageList
        items={list.items}
        hasMore={list.nextCursor !== null}
        loading={list.loading}
        onLoadMore={list.loadMore}
        selected={selected}
        activeId={activeId}
        onOpen={onOpen}
        onSelectionChange={setSelected}
        onToggleFlag={onToggleFlag}
        emptyText={searching ? 'Nothing found' : 'No messages'}
        mailboxName={mailboxName}
      />
    </Box>
  );
}
