import { Alert, Box, Button } from '@mui/material';
import CreateIcon from '@mui/icons-material/Create';
import type { MailboxDto } from '@mailstead/contracts';
import { FolderTree } from './folder-tree';

export interface FolderPaneProps {
  mailboxes: MailboxDto[];
  error: string | undefined;
  selectedId: number | undefined;
  onSelect(mailbox: MailboxDto): void;
  onCompose(): void;
  onDropMessages(ids: string[], target: MailboxDto): void;
}

/** The left pane (a drawer on narrow screens): Compose and the folder tree. */
export function FolderPane({ mailboxes, error, selectedId, onSelect, onCompose, onDropMessages }: FolderPaneProps) {
  return (
    <Box sx={{ width: 240, flexShrink: 0, overflow: 'auto', py: 1 }}>
      <Box sx={{ px: 2, pb: 1 }}>
        <Button variant="contained" fullWidth startIcon={<CreateIcon />} onClick={onCompose}>
          Compose
        </Button>
      </Box>
      {error && <Alert severity="error">{error}</Alert>}
      <FolderTree mailboxes={mailboxes} selectedId={selectedId} onSelect={onSelect} onDropMessages={onDropMessages} />
    </Box>
  );
}
