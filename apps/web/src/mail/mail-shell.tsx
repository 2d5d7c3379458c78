import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Box, Drawer, useMediaQuery, useTheme } from '@mui/material';
import type { MailboxDto, MessageSummaryDto } from '@mailstead/contracts';
import { useAccount } from '../shared/session';
import { ComposeDialog, useComposeDialog } from './compose-dialog';
import { displayName } from './folder-tree';
import { FolderPane } from './folder-pane';
import { MailToast, useMailToast } from './mail-toast';
import { MailTopBar } from './mail-top-bar';
import { MessageActionBar } from './message-action-bar';
import { MessageListPane, useConversationView } from './message-list-pane';
import { ReaderPane } from './reader-pane';
import { ShortcutHelpDialog, useMailShortcuts } from './mail-shortcuts';
import { knownCorrespondents } from './user-settings';
import { useMailboxes } from './use-mailboxes';
import { useMailEvents } from './use-mail-events';
import { useMessageActions } from './use-message-actions';
import { useMessageList, type ListSource } from './use-message-list';
import { useMessageSelection } from './use-message-selection';

/**
 * The three-pane webmail: folders, the message list, the reading pane (stacked on narrow
 * screens). Each part keeps its own state; this wires them to the URL (folder, ?q=) and to
 * the live events.
 */
export function MailShell() {
  const account = useAccount();
  const navigate = useNavigate();
  const theme = useTheme();
  const narrow = useMediaQuery(theme.breakpoints.down('md'));
  const { folderId } = useParams();
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  const [drawer, setDrawer] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);

  const folders = useMailboxes();
  const { mailboxes } = folders;
  const inbox = mailboxes.find((m) => m.name.toUpperCase() === 'INBOX');
  const currentMailbox = folderId ? mailboxes.find((m) => String(m.id) === folderId) : inbox;
  const conversations = useConversationView();
  const source: ListSource | undefined = q ? { kind: 'search', q } : currentMailbox ? { kind: 'mailbox', mailboxId: currentMailbox.id, threads: conversations.threads } : undefined;
  const list = useMessageList(source);
  const selection = useMessageSelection(list.items, `${folderId ?? ''}\n${q}`);
  const toast = useMailToast();
  const actions = useMessageActions({ list, selection, source, mailboxes, currentMailbox, inbox, reloadMailboxes: folders.reload, toast });
  const compose = useComposeDialog(toast.showError);
  const names = useMemo(() => new Map(mailboxes.map((m) => [m.id, displayName(m)])), [mailboxes]);
  const { activeId, setActiveId, selected } = selection;

  const shortcuts = useMailShortcuts(
    {
      selection,
      actions,
      reply: (mode) => {
        if (activeId) compose.openReply(activeId, mode);
      },
      compose: compose.openNew,
      focusSearch: () => searchRef.current?.focus(),
    },
    !compose.current,
  );

  // The tab title shows the unread count of the inbox.
  useEffect(() => {
    const unread = inbox?.unread ?? 0;
    const where = q ? `Search: ${q}` : currentMailbox ? displayName(currentMailbox) : 'Mail';
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${where} — Mailstead`;
  }, [inbox?.unread, currentMailbox, q]);

  useMailEvents({
    onChange: (event) => {
      if (event.total !== null && event.unread !== null) folders.setCounts(event.mailboxId, event.total, event.unread);
      else void folders.reload();
      if (event.kind === 'mailbox') void folders.reload();
      if (source?.kind === 'search' || (source?.kind === 'mailbox' && source.mailboxId === event.mailboxId)) void list.refreshTop().catch(() => undefined);
    },
    onSync: (boxes) => {
      if (boxes) folders.replace(boxes);
      else void folders.reload();
      void list.refreshTop().catch(() => undefined);
    },
  });

  const openMessage = (m: MessageSummaryDto) => {
    // A draft opens in the composer, where sending it removes it from Drafts.
    if (m.draft || (currentMailbox?.specialUse === '\\Drafts' && !q)) compose.openDraft(m.id);
    else setActiveId(m.id);
  };
  const selectFolder = (m: MailboxDto) => {
    setDrawer(false);
    void navigate(`/mail/folder/${m.id}`);
  };

  const targetIds = selection.targetIds();
  const actionBar = (
    <MessageActionBar
      ids={targetIds}
      rows={selection.targets()}
      selectedCount={selected.size}
      mailboxes={mailboxes}
      currentMailbox={currentMailbox}
      searching={Boolean(q)}
      actions={actions}
    />
  );
  const folderPane = (
    <FolderPane
      mailboxes={mailboxes}
      error={folders.error}
      selectedId={q ? undefined : currentMailbox?.id}
      onSelect={selectFolder}
      onCompose={compose.openNew}
      onDropMessages={(dropped, target) => actions.moveTo(dropped, target)}
    />
  );
  const showList = !narrow || !activeId;
  const showReader = !narrow || Boolean(activeId);

  return (
    <Box sx={{ height: '100vh', display: 'flex', flexDirection: 'column', bgcolor: 'background.default' }}>
      <MailTopBar narrow={narrow} searchRef={searchRef} onOpenFolders={() => setDrawer(true)} onCompose={compose.openNew} onSignOut={actions.flushPending} />
      <Box sx={{ flex: 1, display: 'flex', minHeight: 0 }}>
        {narrow ? (
          <Drawer open={drawer} onClose={() => setDrawer(false)}>
            {folderPane}
          </Drawer>
        ) : (
          <Box sx={{ borderRight: 1, borderColor: 'divider', display: 'flex' }}>{folderPane}</Box>
        )}
        {showList && (
          <MessageListPane
            title={q ? `Search: ${q}` : currentMailbox ? displayName(currentMailbox) : ''}
            label={q ? 'Search results' : `Messages in ${currentMailbox ? displayName(currentMailbox) : ''}`}
            searching={Boolean(q)}
            list={list}
            selection={selection}
            conversations={conversations}
            actionBar={actionBar}
            fullWidth={narrow}
            onOpen={openMessage}
            onToggleFlag={(m) => void actions.setFlag([m.id], '\\Flagged', !m.flagged)}
            mailboxName={q ? (id) => names.get(id) : undefined}
          />
        )}
        {showReader && (
          <ReaderPane
            messageId={activeId}
            conversation={conversations.threads && !q}
            toolbar={selected.size === 0 ? actionBar : null}
            onBack={narrow ? () => setActiveId(undefined) : undefined}
            list={list}
            mailboxName={(id) => (id === currentMailbox?.id ? undefined : names.get(id))}
            reloadMailboxes={folders.reload}
            actions={actions}
            onReply={compose.openReply}
            onError={toast.showError}
          />
        )}
      </Box>
      <ComposeDialog
        compose={compose}
        knownAddresses={knownCorrespondents(account.account.address, list.items)}
        onClosed={() => void folders.reload()}
        onSent={(result) => {
          toast.show(`Message sent${result.remoteRecipients > 0 ? ` (${result.remoteRecipients} remote recipient${result.remoteRecipients === 1 ? '' : 's'} queued)` : ''}`);
          void folders.reload();
          void list.refreshTop().catch(() => undefined);
        }}
      />
      <ShortcutHelpDialog open={shortcuts.helpOpen} onClose={shortcuts.closeHelp} />
      <MailToast toast={toast.toast} onClose={toast.dismiss} />
    </Box>
  );
}
