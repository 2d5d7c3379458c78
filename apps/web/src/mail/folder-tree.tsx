import { useState, type DragEvent, type ReactElement } from 'react';
import { Badge, Box, List, ListItemButton, ListItemIcon, ListItemText, Typography } from '@mui/material';
import ArchiveIcon from '@mui/icons-material/Archive';
import DeleteIcon from '@mui/icons-material/Delete';
import DraftsIcon from '@mui/icons-material/Drafts';
import FolderIcon from '@mui/icons-material/Folder';
import InboxIcon from '@mui/icons-material/Inbox';
import ReportIcon from '@mui/icons-material/Report';
import SendIcon from '@mui/icons-material/Send';
import StarIcon from '@mui/icons-material/Star';
import AllInboxIcon from '@mui/icons-material/AllInbox';
import type { MailboxDto } from '@mailstead/contracts';

/** Drag payload type of message rows (a JSON array of message ids). */
export const DRAG_TYPE = 'application/x-mailstead-messages';

const SPECIAL_ORDER = ['\\Inbox', '\\Drafts', '\\Sent', '\\Archive', '\\Junk', '\\Trash'];

/** RFC 6154 special-use attributes (and INBOX) to their icon. */
export function specialUseIcon(mailbox: Pick<MailboxDto, 'name' | 'specialUse'>): ReactElement {
  if (mailbox.name.toUpperCase() === 'INBOX') return <InboxIcon />;
  switch (mailbox.specialUse) {
    case '\\Sent':
      return <SendIcon />;
    case '\\Drafts':
      return <DraftsIcon />;
    case '\\Trash':
      return <DeleteIcon />;
    case '\\Junk':
      return <ReportIcon />;
    case '\\Archive':
      return <ArchiveIcon />;
    case '\\Flagged':
      return <StarIcon />;
    case '\\All':
      return <AllInboxIcon />;
    case null:
    default:
      return <FolderIcon />;
  }
}

export function displayName(mailbox: Pick<MailboxDto, 'name'>): string {
  if (mailbox.name.toUpperCase() === 'INBOX') return 'Inbox';
  const parts = mailbox.name.split('/');
  return parts[parts.length - 1]!;
}

function rank(m: MailboxDto): number {
  if (m.name.toUpperCase() === 'INBOX') return 0;
  const i = m.specialUse ? SPECIAL_ORDER.indexOf(m.specialUse) : -1;
  return i >= 0 ? i : SPECIAL_ORDER.length;
}

/**
 * Inbox and the special-use folders first, then the others as a tree by their "/" separated
 * names (children right after their parent).
 */
export function orderMailboxes(mailboxes: MailboxDto[]): { mailbox: MailboxDto; depth: number }[] {
  const special = mailboxes.filter((m) => rank(m) < SPECIAL_ORDER.length).sort((a, b) => rank(a) - rank(b));
  const others = mailboxes.filter((m) => rank(m) >= SPECIAL_ORDER.length && !special.includes(m)).sort((a, b) => a.name.localeCompare(b.name));
  return [...special.map((m) => ({ mailbox: m, depth: 0 })), ...others.map((m) => ({ mailbox: m, depth: m.name.split('/').length - 1 }))];
}

export interface FolderTreeProps {
  mailboxes: MailboxDto[];
  selectedId: number | undefined;
  onSelect(mailbox: MailboxDto): void;
  /** Messages dropped onto a folder. */
  onDropMessages(ids: string[], mailbox: MailboxDto): void;
}

export function FolderTree({ mailboxes, selectedId, onSelect, onDropMessages }: FolderTreeProps) {
  const [dropTarget, setDropTarget] = useState<number | undefined>();
  const accepts = (e: DragEvent) => e.dataTransfer.types.includes(DRAG_TYPE);
  return (
    <Box component="nav" aria-label="Folders">
      <List dense disablePadding>
        {orderMailboxes(mailboxes).map(({ mailbox, depth }) => (
          <ListItemButton
            key={mailbox.id}
            selected={mailbox.id === selectedId}
            onClick={() => onSelect(mailbox)}
            data-mailbox-id={mailbox.id}
            aria-label={`${displayName(mailbox)}${mailbox.unread > 0 ? `, ${mailbox.unread} unread` : ''}`}
            sx={{ pl: 2 + depth * 2, outline: dropTarget === mailbox.id ? '2px dashed' : undefined, outlineColor: 'primary.main' }}
            onDragOver={(e) => {
              if (!accepts(e)) return;
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
              setDropTarget(mailbox.id);
            }}
            onDragLeave={() => setDropTarget((t) => (t === mailbox.id ? undefined : t))}
            onDrop={(e) => {
              setDropTarget(undefined);
              if (!accepts(e)) return;
              e.preventDefault();
              try {
                const ids = JSON.parse(e.dataTransfer.getData(DRAG_TYPE)) as unknown;
                if (Array.isArray(ids) && ids.every((i) => typeof i === 'string')) onDropMessages(ids, mailbox);
              } catch {
                // not ours
              }
            }}
          >
            <ListItemIcon sx={{ minWidth: 36 }}>{specialUseIcon(mailbox)}</ListItemIcon>
            <ListItemText primary={displayName(mailbox)} slotProps={{ primary: { noWrap: true, fontWeight: mailbox.unread > 0 ? 600 : 400 } }} />
            {mailbox.unread > 0 && (
              <Typography variant="caption" sx={{ fontWeight: 600, ml: 1 }} aria-hidden>
                <Badge color="primary" badgeContent={mailbox.unread} max={99999} sx={{ '& .MuiBadge-badge': { position: 'static', transform: 'none' } }} />
              </Typography>
            )}
          </ListItemButton>
        ))}
      </List>
    </Box>
  );
}
