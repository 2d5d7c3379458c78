import { useState } from 'react';
import { IconButton, Menu, MenuItem, Stack, Tooltip, Typography } from '@mui/material';
import ArchiveIcon from '@mui/icons-material/Archive';
import DeleteIcon from '@mui/icons-material/Delete';
import DriveFileMoveIcon from '@mui/icons-material/DriveFileMove';
import MarkEmailReadIcon from '@mui/icons-material/MarkEmailRead';
import MarkEmailUnreadIcon from '@mui/icons-material/MarkEmailUnread';
import ReportIcon from '@mui/icons-material/Report';
import StarIcon from '@mui/icons-material/Star';
import type { MailboxDto, MessageSummaryDto } from '@mailstead/contracts';
import { displayName } from './folder-tree';
import type { MessageActions } from './use-message-actions';
import { specialMailbox } from './use-mailboxes';

export interface MessageActionBarProps {
  /** The messages the actions apply to (the checked rows, else the open message). */
  ids: string[];
  /** Their rows in the list, for the read and flagged states. */
  rows: MessageSummaryDto[];
  selectedCount: number;
  mailboxes: MailboxDto[];
  currentMailbox: MailboxDto | undefined;
  /** Search results span folders: every folder is a move target. */
  searching: boolean;
  actions: MessageActions;
}

/** Read/unread, flag, archive, junk, move (a folder menu) and delete for the target messages. */
export function MessageActionBar({ ids, rows, selectedCount, mailboxes, currentMailbox, searching, actions }: MessageActionBarProps) {
  const [moveMenu, setMoveMenu] = useState<HTMLElement | null>(null);
  if (ids.length === 0) return null;
  const allFlagged = rows.every((m) => m.flagged);
  const inJunk = currentMailbox?.specialUse === '\\Junk';
  return (
    <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }} role="toolbar" aria-label="Message actions">
      {selectedCount > 0 && (
        <Typography variant="body2" sx={{ mx: 1 }}>
          {selectedCount} selected
        </Typography>
      )}
      {rows.every((m) => m.seen) ? (
        <Tooltip title="Mark as unread">
          <IconButton aria-label="Mark as unread" onClick={() => void actions.setFlag(ids, '\\Seen', false)}>
            <MarkEmailUnreadIcon />
          </IconButton>
        </Tooltip>
      ) : (
        <Tooltip title="Mark as read">
          <IconButton aria-label="Mark as read" onClick={() => void actions.setFlag(ids, '\\Seen', true)}>
            <MarkEmailReadIcon />
          </IconButton>
        </Tooltip>
      )}
      <Tooltip title={allFlagged ? 'Unflag (s)' : 'Flag (s)'}>
        <IconButton aria-label={allFlagged ? 'Unflag' : 'Flag'} onClick={() => void actions.setFlag(ids, '\\Flagged', !allFlagged)}>
          <StarIcon color={rows.length > 0 && allFlagged ? 'warning' : 'inherit'} />
        </IconButton>
      </Tooltip>
      <Tooltip title="Archive (e)">
        <span>
          <IconButton aria-label="Archive" disabled={!specialMailbox(mailboxes, '\\Archive')} onClick={() => actions.archive(ids)}>
            <ArchiveIcon />
          </IconButton>
        </span>
      </Tooltip>
      <Tooltip title={inJunk ? 'Not junk' : 'Junk'}>
        <span>
          <IconButton aria-label={inJunk ? 'Not junk' : 'Mark as junk'} disabled={!specialMailbox(mailboxes, '\\Junk')} onClick={() => actions.junk(ids)}>
            <ReportIcon />
          </IconButton>
        </span>
      </Tooltip>
      <Tooltip title="Move to…">
        <IconButton aria-label="Move to folder" onClick={(e) => setMoveMenu(e.currentTarget)}>
          <DriveFileMoveIcon />
        </IconButton>
      </Tooltip>
      <Tooltip title="Delete (#)">
        <IconButton aria-label="Delete" onClick={() => actions.remove(ids)}>
          <DeleteIcon />
        </IconButton>
      </Tooltip>
      <Menu anchorEl={moveMenu} open={Boolean(moveMenu)} onClose={() => setMoveMenu(null)}>
        {mailboxes
          .filter((m) => m.id !== currentMailbox?.id || searching)
          .map((m) => (
            <MenuItem
              key={m.id}
              onClick={() => {
                setMoveMenu(null);
                actions.moveTo(ids, m);
              }}
            >
              {displayName(m)}
            </MenuItem>
          ))}
      </Menu>
    </Stack>
  );
}
