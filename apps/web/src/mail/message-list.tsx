import { memo, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Alert, Box, Checkbox, CircularProgress, IconButton, Typography } from '@mui/material';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import StarIcon from '@mui/icons-material/Star';
import StarBorderIcon from '@mui/icons-material/StarBorder';
import ReplyIcon from '@mui/icons-material/Reply';
import type { MessageSummaryDto } from '@mailstead/contracts';
import { DRAG_TYPE } from './folder-tree';

export const ROW_HEIGHT = 76;

export function formatListDate(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export interface MessageListProps {
  items: MessageSummaryDto[];
  hasMore: boolean;
  loading: boolean;
  onLoadMore(): void;
  selected: ReadonlySet<string>;
  /** The message shown in the reading pane (the keyboard cursor). */
  activeId: string | undefined;
  onOpen(message: MessageSummaryDto): void;
  onSelectionChange(selected: Set<string>): void;
  onToggleFlag(message: MessageSummaryDto): void;
  /** Shown when the list is empty and nothing is loading. */
  emptyText?: string;
  /** Mailbox names for search results across folders. */
  mailboxName?(mailboxId: number): string | undefined;
}

interface RowProps {
  message: MessageSummaryDto;
  checked: boolean;
  active: boolean;
  folder?: string;
  onClick(e: MouseEvent, message: MessageSummaryDto): void;
  onCheck(message: MessageSummaryDto): void;
  onToggleFlag(message: MessageSummaryDto): void;
  dragIds(message: MessageSummaryDto): string[];
  /** Roving tab stop: 0 for the one row Tab reaches, -1 for the others (arrow keys move). */
  tabIndex: number;
  onKeyDown(e: KeyboardEvent, message: MessageSummaryDto): void;
}

const Row = memo(function Row({ message, checked, active, folder, onClick, onCheck, onToggleFlag, dragIds, tabIndex, onKeyDown }: RowProps) {
  const sender = message.from.name || message.from.address || '(no sender)';
  return (
    <Box
      role="option"
      aria-selected={active}
      aria-label={`${message.seen ? '' : 'Unread, '}${sender}, ${message.subject || '(no subject)'}`}
      data-message-id={message.id}
      tabIndex={tabIndex}
      onKeyDown={(e) => onKeyDown(e, message)}
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, JSON.stringify(dragIds(message)));
        e.dataTransfer.effectAllowed = 'move';
      }}
      onClick={(e) => onClick(e, message)}
      sx={{
        height: ROW_HEIGHT,
        display: 'flex',
        alignItems: 'flex-start',
        gap: 0.5,
        px: 1,
        py: 1,
        cursor: 'pointer',
        borderBottom: 1,
        borderColor: 'divider',
        borderLeft: 3,
        borderLeftColor: message.seen ? 'transparent' : 'primary.main',
        bgcolor: active ? 'action.selected' : checked ? 'action.hover' : 'background.paper',
        '&:hover': { bgcolor: active ? 'action.selected' : 'action.hover' },
        '&:focus-visible': { outline: 2, outlineColor: 'primary.main', outlineOffset: -2 },
      }}
    >
      <Checkbox
        size="small"
        checked={checked}
        onClick={(e) => e.stopPropagation()}
        onChange={() => onCheck(message)}
        slotProps={{ input: { 'aria-label': `Select message from ${sender}` } }}
        sx={{ p: 0.5 }}
      />
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1 }}>
          <Typography noWrap sx={{ flex: 1, fontWeight: message.seen ? 400 : 700 }} className="sender">
            {sender}
            {message.threadSize !== undefined && message.threadSize > 1 && (
              <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 0.5 }}>
                ({message.threadSize})
              </Typography>
            )}
          </Typography>
          {message.answered && <ReplyIcon fontSize="inherit" color="action" aria-label="answered" />}
          {message.hasAttachments && <AttachFileIcon fontSize="inherit" color="action" aria-label="has attachments" />}
          <Typography variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
            {formatListDate(message.date)}
          </Typography>
        </Box>
        <Typography noWrap variant="body2" sx={{ fontWeight: message.seen ? 400 : 600 }} className="subject">
          {folder && (
            <Typography component="span" variant="caption" sx={{ mr: 1, px: 0.5, borderRadius: 1, bgcolor: 'action.hover' }}>
              {folder}
            </Typography>
          )}
          {message.subject || '(no subject)'}
        </Typography>
        <Typography noWrap variant="caption" color="text.secondary" component="div">
          {message.preview}
        </Typography>
      </Box>
      <IconButton
        size="small"
        aria-label={message.flagged ? 'Unflag' : 'Flag'}
        aria-pressed={message.flagged}
        onClick={(e) => {
          e.stopPropagation();
          onToggleFlag(message);
        }}
        sx={{ p: 0.5 }}
      >
        {message.flagged ? <StarIcon fontSize="small" sx={{ color: 'warning.main' }} /> : <StarBorderIcon fontSize="small" />}
      </IconButton>
    </Box>
  );
});

/**
 * Shown above search results the server answered before it had indexed all the searched mail
 * (a large import still being indexed): the results are there, some older ones may be missing.
 */
export function SearchIndexingNotice() {
  return (
    <Alert severity="info" role="status" sx={{ py: 0, borderRadius: 0 }}>
      Still indexing older mail — results may be incomplete
    </Alert>
  );
}

/**
 * The message list: only the rows on screen are in the DOM (@tanstack/react-virtual), and the
 * next page is asked for when the last rows come into view. Click opens, Ctrl/Cmd-click
 * toggles, Shift-click selects a range, rows drag onto folders.
 */
export function MessageList(props: MessageListProps) {
  const { items, hasMore, loading, onLoadMore, selected, activeId, onOpen, onSelectionChange, onToggleFlag, emptyText, mailboxName } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const anchor = useRef<string | undefined>(undefined);
  const latest = useRef(props);
  latest.current = props;

  const virtualizer = useVirtualizer({
    count: items.length + (hasMore ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.length > 0 ? virtualItems[virtualItems.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loading && lastIndex >= items.length - 5) onLoadMore();
  }, [lastIndex, hasMore, loading, items.length, onLoadMore]);

  // Keep the active row in view when the keyboard moves it.
  useEffect(() => {
    if (!activeId) return;
    const index = latest.current.items.findIndex((m) => m.id === activeId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [activeId, virtualizer]);

  const onClick = (e: MouseEvent, message: MessageSummaryDto) => {
    const { items: all, selected: current } = latest.current;
    if (e.metaKey || e.ctrlKey) {
      const next = new Set(current);
      if (next.has(message.id)) next.delete(message.id);
      else next.add(message.id);
      anchor.current = message.id;
      onSelectionChange(next);
      return;
    }
    if (e.shiftKey && anchor.current) {
      const a = all.findIndex((m) => m.id === anchor.current);
      const b = all.findIndex((m) => m.id === message.id);
      if (a >= 0 && b >= 0) {
        const [from, to] = a < b ? [a, b] : [b, a];
        onSelectionChange(new Set(all.slice(from, to + 1).map((m) => m.id)));
        return;
      }
    }
    anchor.current = message.id;
    onSelectionChange(new Set());
    onOpen(message);
  };
  const onCheck = (message: MessageSummaryDto) => {
    const next = new Set(latest.current.selected);
    if (next.has(message.id)) next.delete(message.id);
    else next.add(message.id);
    anchor.current = message.id;
    onSelectionChange(next);
  };
  // Keyboard: Tab reaches one row (the open one, else the last focused, else the first);
  // arrows move between rows, Home/End jump, Enter/Space open, x selects.
  const [focusId, setFocusId] = useState<string | undefined>();
  const tabStop = activeId && items.some((m) => m.id === activeId) ? activeId : focusId && items.some((m) => m.id === focusId) ? focusId : items[0]?.id;
  const focusRow = (index: number) => {
    const target = latest.current.items[index];
    if (!target) return;
    setFocusId(target.id);
    virtualizer.scrollToIndex(index, { align: 'auto' });
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-message-id="${target.id}"]`)?.focus());
  };
  const onRowKeyDown = (e: KeyboardEvent, message: MessageSummaryDto) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    const index = latest.current.items.findIndex((m) => m.id === message.id);
    const keys: Record<string, () => void> = {
      ArrowDown: () => focusRow(index + 1),
      ArrowUp: () => focusRow(index - 1),
      Home: () => focusRow(0),
      End: () => focusRow(latest.current.items.length - 1),
      Enter: () => onClick(e as unknown as MouseEvent, message),
      ' ': () => onClick(e as unknown as MouseEvent, message),
      x: () => onCheck(message),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    action();
  };
  const dragIds = (message: MessageSummaryDto) => {
    const current = latest.current.selected;
    return current.has(message.id) ? [...current] : [message.id];
  };

  return (
    <Box ref={scrollRef} role="listbox" aria-label="Messages" aria-multiselectable sx={{ flex: 1, overflow: 'auto', position: 'relative', contain: 'strict' }}>
      {items.length === 0 && !loading && !hasMore && (
        <Typography color="text.secondary" sx={{ p: 3, textAlign: 'center' }}>
          {emptyText ?? 'No messages'}
        </Typography>
      )}
      <Box sx={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {virtualItems.map((v) => {
          const message = items[v.index];
          return (
            <Box key={message?.id ?? 'more'} sx={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${v.start}px)` }}>
              {message ? (
                <Row
                  message={message}
                  checked={selected.has(message.id)}
                  active={message.id === activeId}
                  folder={mailboxName?.(message.mailboxId)}
                  onClick={onClick}
                  onCheck={onCheck}
                  onToggleFlag={onToggleFlag}
                  dragIds={dragIds}
                  tabIndex={message.id === tabStop ? 0 : -1}
                  onKeyDown={onRowKeyDown}
                />
              ) : (
                <Box sx={{ height: ROW_HEIGHT, display: 'grid', placeItems: 'center' }} aria-label="Loading more messages">
                  <CircularProgress size={20} />
                </Box>
              )}
            </Box>
          );
        })}
      </Box>
    </Box>
  );
}
