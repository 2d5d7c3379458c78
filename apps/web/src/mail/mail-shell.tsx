import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  Alert,
  AppBar,
  Box,
  Button,
  Dialog,
  DialogContent,
  DialogTitle,
  Divider,
  Drawer,
  IconButton,
  InputAdornment,
  Menu,
  MenuItem,
  Snackbar,
  Stack,
  TextField,
  Toolbar,
  Tooltip,
  Typography,
  useMediaQuery,
  useTheme,
} from '@mui/material';
import ArchiveIcon from '@mui/icons-material/Archive';
import CreateIcon from '@mui/icons-material/Create';
import DarkModeIcon from '@mui/icons-material/DarkMode';
import DeleteIcon from '@mui/icons-material/Delete';
import DriveFileMoveIcon from '@mui/icons-material/DriveFileMove';
import LightModeIcon from '@mui/icons-material/LightMode';
import LogoutIcon from '@mui/icons-material/Logout';
import MarkEmailReadIcon from '@mui/icons-material/MarkEmailRead';
import MarkEmailUnreadIcon from '@mui/icons-material/MarkEmailUnread';
import MenuIcon from '@mui/icons-material/Menu';
import ReportIcon from '@mui/icons-material/Report';
import SearchIcon from '@mui/icons-material/Search';
import SettingsIcon from '@mui/icons-material/Settings';
import StarIcon from '@mui/icons-material/Star';
import CloseIcon from '@mui/icons-material/Close';
import ForumIcon from '@mui/icons-material/Forum';
import type { MailboxDto, MessageSummaryDto, ReplyMode } from '@mailstead/contracts';
import { errorMessage } from '../shared/api-client';
import { useAccount, useSession } from '../shared/session';
import { useColorMode } from '../shared/theme';
import { displayName, FolderTree } from './folder-tree';
import { mailApi } from './mail-api';
import { MessageList, SearchIndexingNotice } from './message-list';
import { MessageReader } from './message-reader';
import { ThreadReader } from './thread-reader';
import { draftToCompose, newCompose, replyToCompose, type ComposeDraft } from './compose-draft';
import { loadSettings, rememberCorrespondents, knownCorrespondents } from './user-settings';
import { useMailEvents } from './use-mail-events';
import { useMessageList, type ListSource } from './use-message-list';
import { SHORTCUTS, useShortcuts } from './shortcuts';

// The composer (with the rich-text editor) loads when first opened: the inbox paints without it.
const Composer = lazy(() => import('./composer').then((m) => ({ default: m.Composer })));

const UNDO_MS = 5000;
const THREADS_KEY = 'mailstead.conversations';

interface PendingAction {
  label: string;
  ids: string[];
  run(): Promise<unknown>;
  timer: ReturnType<typeof setTimeout>;
}

const special = (boxes: MailboxDto[], use: string) => boxes.find((m) => m.specialUse === use);

/** The three-pane webmail: folders, the message list, the reading pane (stacked on narrow screens). */
export function MailShell() {
  const account = useAccount();
  const { logout } = useSession();
  const { mode, toggle } = useColorMode();
  const navigate = useNavigate();
  const theme = useTheme();
  const narrow = useMediaQuery(theme.breakpoints.down('md'));
  const { folderId } = useParams();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';

  const [mailboxes, setMailboxes] = useState<MailboxDto[]>([]);
  const [mailboxError, setMailboxError] = useState<string | undefined>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [activeId, setActiveId] = useState<string | undefined>();
  const [compose, setCompose] = useState<{ key: number; draft: ComposeDraft } | undefined>();
  const [toast, setToast] = useState<{ key: number; text: string; undo?: () => void; severity?: 'error' } | undefined>();
  const [searchInput, setSearchInput] = useState(q);
  const [drawer, setDrawer] = useState(false);
  const [help, setHelp] = useState(false);
  const [moveMenu, setMoveMenu] = useState<HTMLElement | null>(null);
  const pending = useRef<PendingAction | undefined>(undefined);
  const searchRef = useRef<HTMLInputElement>(null);
  const composeKey = useRef(0);

  const inbox = mailboxes.find((m) => m.name.toUpperCase() === 'INBOX');
  const currentMailbox = folderId ? mailboxes.find((m) => String(m.id) === folderId) : inbox;
  const [threads, setThreads] = useState(() => localStorage.getItem(THREADS_KEY) === 'true');
  const source: ListSource | undefined = q ? { kind: 'search', q } : currentMailbox ? { kind: 'mailbox', mailboxId: currentMailbox.id, threads } : undefined;
  const list = useMessageList(source);
  const names = useMemo(() => new Map(mailboxes.map((m) => [m.id, displayName(m)])), [mailboxes]);

  const loadMailboxes = useCallback(async () => {
    try {
      setMailboxes(await mailApi.mailboxes());
      setMailboxError(undefined);
    } catch (e) {
      setMailboxError(errorMessage(e));
    }
  }, []);
  useEffect(() => {
    void loadMailboxes();
  }, [loadMailboxes]);

  useEffect(() => setSearchInput(q), [q]);
  useEffect(() => {
    setSelected(new Set());
    setActiveId(undefined);
  }, [folderId, q]);

  // The tab title shows the unread count of the inbox.
  useEffect(() => {
    const unread = inbox?.unread ?? 0;
    const where = q ? `Search: ${q}` : currentMailbox ? displayName(currentMailbox) : 'Mail';
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${where} — Mailstead`;
  }, [inbox?.unread, currentMailbox, q]);

  useMailEvents({
    onChange: (event) => {
      if (event.total !== null && event.unread !== null) {
        setMailboxes((all) => all.map((m) => (m.id === event.mailboxId ? { ...m, total: event.total!, unread: event.unread! } : m)));
      } else void loadMailboxes();
      if (event.kind === 'mailbox') void loadMailboxes();
      if (source?.kind === 'search' || (source?.kind === 'mailbox' && source.mailboxId === event.mailboxId)) void list.refreshTop().catch(() => undefined);
    },
    onSync: (boxes) => {
      if (boxes) setMailboxes(boxes);
      else void loadMailboxes();
      void list.refreshTop().catch(() => undefined);
    },
  });

  const showError = (e: unknown) => setToast({ key: Date.now(), text: errorMessage(e), severity: 'error' });

  const targetIds = (): string[] => (selected.size > 0 ? [...selected] : activeId ? [activeId] : []);
  const targets = (): MessageSummaryDto[] => {
    const ids = new Set(targetIds());
    return list.items.filter((m) => ids.has(m.id));
  };

  const setFlag = async (ids: string[], flag: '\\Seen' | '\\Flagged', on: boolean) => {
    if (ids.length === 0) return;
    const key = flag === '\\Seen' ? 'seen' : 'flagged';
    const idSet = new Set(ids);
    list.update((items) => items.map((m) => (idSet.has(m.id) ? { ...m, [key]: on } : m)));
    try {
      await mailApi.flags(ids, on ? [flag] : [], on ? [] : [flag]);
      void loadMailboxes();
    } catch (e) {
      showError(e);
      list.reload();
    }
  };

  const flushPending = useCallback(() => {
    const p = pending.current;
    if (!p) return;
    pending.current = undefined;
    clearTimeout(p.timer);
    p.run().then(
      () => void loadMailboxes(),
      (e: unknown) => {
        showError(e);
        list.reload();
      },
    );
    // list and loadMailboxes are stable
  }, []);
  useEffect(() => {
    window.addEventListener('pagehide', flushPending);
    return () => {
      window.removeEventListener('pagehide', flushPending);
      flushPending();
    };
  }, [flushPending]);

  /**
   * Delete/move/archive/junk: the rows leave the list at once, the request waits a few seconds
   * so "Undo" can cancel it (moved messages get new ids, so undoing after the fact is not exact).
   */
  const removeWithUndo = (ids: string[], label: string, run: () => Promise<unknown>) => {
    if (ids.length === 0) return;
    flushPending();
    const idSet = new Set(ids);
    const index = list.items.findIndex((m) => m.id === activeId);
    const remaining = list.items.filter((m) => !idSet.has(m.id));
    if (activeId && idSet.has(activeId)) setActiveId(remaining[Math.min(index, remaining.length - 1)]?.id);
    list.update((items) => items.filter((m) => !idSet.has(m.id)));
    setSelected(new Set());
    const timer = setTimeout(flushPending, UNDO_MS);
    pending.current = { label, ids, run, timer };
    setToast({
      key: Date.now(),
      text: `${label} ${ids.length} message${ids.length === 1 ? '' : 's'}`,
      undo: () => {
        if (pending.current?.timer === timer) {
          clearTimeout(timer);
          pending.current = undefined;
          list.reload();
        }
        setToast(undefined);
      },
    });
  };

  const moveTo = (ids: string[], target: MailboxDto | undefined, label = `Moved to ${target ? displayName(target) : ''}:`) => {
    if (!target) return showError(new Error('That folder does not exist'));
    const movable = source?.kind === 'mailbox' && source.mailboxId === target.id ? [] : ids;
    removeWithUndo(movable, label, () => mailApi.move(movable, target.id));
  };
  const remove = (ids: string[]) => removeWithUndo(ids, 'Deleted', () => mailApi.delete(ids));
  const archive = (ids: string[]) => moveTo(ids, special(mailboxes, '\\Archive'), 'Archived');
  const junk = (ids: string[]) => {
    const junkBox = special(mailboxes, '\\Junk');
    if (currentMailbox && junkBox && currentMailbox.id === junkBox.id) moveTo(ids, inbox, 'Not junk:');
    else moveTo(ids, junkBox, 'Marked as junk:');
  };

  const signature = () => loadSettings(account.account.address).signature;
  const openNew = () => setCompose({ key: ++composeKey.current, draft: newCompose(signature()) });
  /** Reply, reply-all and forward forms come from the server, which quotes the whole body and uploads forwarded attachments. */
  const openReply = (messageId: string, mode: ReplyMode) => {
    mailApi.replyDraft(messageId, mode).then(
      (form) => setCompose({ key: ++composeKey.current, draft: replyToCompose(form, signature()) }),
      (e: unknown) => showError(e),
    );
  };
  const replyToActive = (mode: ReplyMode) => {
    if (activeId) openReply(activeId, mode);
  };

  const openMessage = (m: MessageSummaryDto) => {
    const inDrafts = currentMailbox?.specialUse === '\\Drafts' && !q;
    if (m.draft || inDrafts) {
      // A draft opens in the composer, where sending it removes it from Drafts.
      mailApi.message(m.id, { full: true }).then(
        (d) => setCompose({ key: ++composeKey.current, draft: draftToCompose(d) }),
        (e: unknown) => showError(e),
      );
      return;
    }
    setActiveId(m.id);
  };

  const moveCursor = (delta: number) => {
    const items = list.items;
    if (items.length === 0) return;
    const index = activeId ? items.findIndex((m) => m.id === activeId) : -1;
    const next = items[Math.max(0, Math.min(items.length - 1, index + delta))];
    if (next) setActiveId(next.id);
  };

  useShortcuts({
    j: () => moveCursor(1),
    k: () => moveCursor(-1),
    o: () => activeId ?? moveCursor(0),
    Enter: () => activeId ?? moveCursor(0),
    r: () => replyToActive('reply'),
    a: () => replyToActive('all'),
    f: () => replyToActive('forward'),
    c: openNew,
    e: () => archive(targetIds()),
    '#': () => remove(targetIds()),
    s: () => {
      const t = targets();
      void setFlag(t.map((m) => m.id), '\\Flagged', !t.every((m) => m.flagged));
    },
    u: () => setActiveId(undefined),
    '/': () => searchRef.current?.focus(),
    '?': () => setHelp(true),
    Escape: () => (selected.size > 0 ? setSelected(new Set()) : setActiveId(undefined)),
  }, !compose && !help);

  const submitSearch = () => {
    const value = searchInput.trim();
    setParams(value ? { q: value } : {});
  };
  const clearSearch = () => {
    setSearchInput('');
    setParams({});
  };

  const selectFolder = (m: MailboxDto) => {
    setDrawer(false);
    void navigate(`/mail/folder/${m.id}`);
  };

  const ids = targetIds();
  const targetRows = targets();
  const actionBar =
    ids.length > 0 ? (
      <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }} role="toolbar" aria-label="Message actions">
        {selected.size > 0 && (
          <Typography variant="body2" sx={{ mx: 1 }}>
            {selected.size} selected
          </Typography>
        )}
        {targetRows.every((m) => m.seen) ? (
          <Tooltip title="Mark as unread">
            <IconButton aria-label="Mark as unread" onClick={() => void setFlag(ids, '\\Seen', false)}>
              <MarkEmailUnreadIcon />
            </IconButton>
          </Tooltip>
        ) : (
          <Tooltip title="Mark as read">
            <IconButton aria-label="Mark as read" onClick={() => void setFlag(ids, '\\Seen', true)}>
              <MarkEmailReadIcon />
            </IconButton>
          </Tooltip>
        )}
        <Tooltip title={targetRows.every((m) => m.flagged) ? 'Unflag (s)' : 'Flag (s)'}>
          <IconButton aria-label={targetRows.every((m) => m.flagged) ? 'Unflag' : 'Flag'} onClick={() => void setFlag(ids, '\\Flagged', !targetRows.every((m) => m.flagged))}>
            <StarIcon color={targetRows.length > 0 && targetRows.every((m) => m.flagged) ? 'warning' : 'inherit'} />
          </IconButton>
        </Tooltip>
        <Tooltip title="Archive (e)">
          <span>
            <IconButton aria-label="Archive" disabled={!special(mailboxes, '\\Archive')} onClick={() => archive(ids)}>
              <ArchiveIcon />
            </IconButton>
          </span>
        </Tooltip>
        <Tooltip title={currentMailbox?.specialUse === '\\Junk' ? 'Not junk' : 'Junk'}>
          <span>
            <IconButton aria-label={currentMailbox?.specialUse === '\\Junk' ? 'Not junk' : 'Mark as junk'} disabled={!special(mailboxes, '\\Junk')} onClick={() => junk(ids)}>
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
          <IconButton aria-label="Delete" onClick={() => remove(ids)}>
            <DeleteIcon />
          </IconButton>
        </Tooltip>
        <Menu anchorEl={moveMenu} open={Boolean(moveMenu)} onClose={() => setMoveMenu(null)}>
          {mailboxes
            .filter((m) => m.id !== currentMailbox?.id || q)
            .map((m) => (
              <MenuItem
                key={m.id}
                onClick={() => {
                  setMoveMenu(null);
                  moveTo(ids, m);
                }}
              >
                {displayName(m)}
              </MenuItem>
            ))}
        </Menu>
      </Stack>
    ) : null;

  const folders = (
    <Box sx={{ width: 240, flexShrink: 0, overflow: 'auto', py: 1 }}>
      <Box sx={{ px: 2, pb: 1 }}>
        <Button variant="contained" fullWidth startIcon={<CreateIcon />} onClick={openNew}>
          Compose
        </Button>
      </Box>
      {mailboxError && <Alert severity="error">{mailboxError}</Alert>}
      <FolderTree
        mailboxes={mailboxes}
        selectedId={q ? undefined : currentMailbox?.id}
        onSelect={selectFolder}
        onDropMessages={(dropped, target) => moveTo(dropped, target)}
      />
    </Box>
  );

  const showList = !narrow || !activeId;
  const showReader = !narrow || Boolean(activeId);

  return (
    <Box sx={{ height: '100vh', display: 'flex', flexDirection: 'column', bgcolor: 'background.default' }}>
      <AppBar position="static" color="default" elevation={0} sx={{ borderBottom: 1, borderColor: 'divider' }}>
        <Toolbar variant="dense" sx={{ gap: 1 }}>
          {narrow && (
            <IconButton edge="start" aria-label="Folders" onClick={() => setDrawer(true)}>
              <MenuIcon />
            </IconButton>
          )}
          {!narrow && (
            <Typography variant="h6" component="h1" sx={{ width: 220, fontWeight: 700 }}>
              Mailstead
            </Typography>
          )}
          <Box
            component="form"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              submitSearch();
            }}
            sx={{ flex: 1, maxWidth: 640, minWidth: 0 }}
          >
            <TextField
              inputRef={searchRef}
              size="small"
              fullWidth
              placeholder={narrow ? 'Search' : 'Search (from: to: subject: has:attachment before: after:)'}
              value={searchInput}
              onChange={(e) => setSearchInput(e.target.value)}
              slotProps={{
                htmlInput: { 'aria-label': 'Search mail' },
                input: {
                  startAdornment: (
                    <InputAdornment position="start">
                      <SearchIcon />
                    </InputAdornment>
                  ),
                  endAdornment: q ? (
                    <InputAdornment position="end">
                      <IconButton size="small" aria-label="Clear search" onClick={clearSearch}>
                        <CloseIcon fontSize="small" />
                      </IconButton>
                    </InputAdornment>
                  ) : undefined,
                },
              }}
            />
          </Box>
          {!narrow && <Box sx={{ flex: 1 }} />}
          {narrow && (
            <IconButton aria-label="Compose" onClick={openNew}>
              <CreateIcon />
            </IconButton>
          )}
          <Tooltip title={mode === 'dark' ? 'Light theme' : 'Dark theme'}>
            <IconButton aria-label={mode === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'} onClick={toggle}>
              {mode === 'dark' ? <LightModeIcon /> : <DarkModeIcon />}
            </IconButton>
          </Tooltip>
          <Tooltip title="Settings">
            <IconButton aria-label="Settings" onClick={() => void navigate('/mail/settings')}>
              <SettingsIcon />
            </IconButton>
          </Tooltip>
          <Tooltip title={`Sign out ${account.account.address}`}>
            <IconButton
              aria-label="Sign out"
              onClick={() => {
                flushPending();
                void logout().then(() => navigate('/mail/login'));
              }}
            >
              <LogoutIcon />
            </IconButton>
          </Tooltip>
        </Toolbar>
      </AppBar>
      <Box sx={{ flex: 1, display: 'flex', minHeight: 0 }}>
        {narrow ? (
          <Drawer open={drawer} onClose={() => setDrawer(false)}>
            {folders}
          </Drawer>
        ) : (
          <Box sx={{ borderRight: 1, borderColor: 'divider', display: 'flex' }}>{folders}</Box>
        )}
        {showList && (
          <Box
            component="section"
            aria-label={q ? 'Search results' : `Messages in ${currentMailbox ? displayName(currentMailbox) : ''}`}
            sx={{ width: narrow ? '100%' : 400, flexShrink: 0, display: 'flex', flexDirection: 'column', borderRight: 1, borderColor: 'divider', bgcolor: 'background.paper', minHeight: 0 }}
          >
            <Box sx={{ px: 2, py: 1, display: 'flex', alignItems: 'center', minHeight: 48, borderBottom: 1, borderColor: 'divider' }}>
              <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 600, flex: 1 }} noWrap>
                {q ? `Search: ${q}` : currentMailbox ? displayName(currentMailbox) : ''}
              </Typography>
              {selected.size > 0 && actionBar}
              {!q && selected.size === 0 && (
                <Tooltip title={threads ? 'Show every message' : 'Group conversations'}>
                  <IconButton
                    size="small"
                    aria-label="Conversation view"
                    aria-pressed={threads}
                    color={threads ? 'primary' : 'default'}
                    onClick={() => {
                      localStorage.setItem(THREADS_KEY, String(!threads));
                      setThreads(!threads);
                    }}
                  >
                    <ForumIcon fontSize="small" />
                  </IconButton>
                </Tooltip>
              )}
            </Box>
            {list.error && <Alert severity="error">{list.error}</Alert>}
            {q && list.indexing && <SearchIndexingNotice />}
            <MessageList
              items={list.items}
              hasMore={list.nextCursor !== null}
              loading={list.loading}
              onLoadMore={list.loadMore}
              selected={selected}
              activeId={activeId}
              onOpen={openMessage}
              onSelectionChange={setSelected}
              onToggleFlag={(m) => void setFlag([m.id], '\\Flagged', !m.flagged)}
              emptyText={q ? 'Nothing found' : 'No messages'}
              mailboxName={q ? (id) => names.get(id) : undefined}
            />
          </Box>
        )}
        {showReader && (
          <Box component="section" aria-label="Reading pane" sx={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', bgcolor: 'background.paper' }}>
            {activeId && threads && !q ? (
              <ThreadReader
                key={activeId}
                messageId={activeId}
                toolbar={selected.size === 0 ? actionBar : null}
                onBack={narrow ? () => setActiveId(undefined) : undefined}
                mailboxName={(id) => (id === currentMailbox?.id ? undefined : names.get(id))}
                onLoaded={(m) => {
                  list.update((items) => items.map((x) => (x.id === m.id ? { ...x, seen: true } : x)));
                  void loadMailboxes();
                }}
                onReply={(m, mode) => openReply(m.id, mode)}
                onToggleFlag={(m, on) => void setFlag([m.id], '\\Flagged', on)}
                onDelete={(m) => (m.id === activeId ? remove([m.id]) : void mailApi.delete([m.id]).then(() => loadMailboxes(), showError))}
              />
            ) : activeId ? (
              <MessageReader
                key={activeId}
                messageId={activeId}
                toolbar={selected.size === 0 ? actionBar : null}
                onBack={narrow ? () => setActiveId(undefined) : undefined}
                onLoaded={(m) => {
                  const row = list.items.find((x) => x.id === m.id);
                  if (row && !row.seen) {
                    list.update((items) => items.map((x) => (x.id === m.id ? { ...x, seen: true } : x)));
                    void loadMailboxes();
                  }
                }}
                onReply={(m, mode) => openReply(m.id, mode)}
              />
            ) : (
              <Box sx={{ flex: 1, display: 'grid', placeItems: 'center', color: 'text.secondary' }}>
                <Typography>{list.items.length > 0 ? 'Select a message to read it' : ''}</Typography>
              </Box>
            )}
          </Box>
        )}
      </Box>
      {compose && (
        <Suspense fallback={null}>
          <Composer
            key={compose.key}
            open
            from={account.account.address}
            fromName={account.account.displayName}
            defaultMode={loadSettings(account.account.address).composeMode}
            initial={compose.draft}
            knownAddresses={knownCorrespondents(account.account.address, list.items)}
            onClose={() => {
              setCompose(undefined);
              void loadMailboxes();
            }}
            onSent={(result) => {
              rememberCorrespondents(account.account.address, compose.draft);
              setCompose(undefined);
              setToast({ key: Date.now(), text: `Message sent${result.remoteRecipients > 0 ? ` (${result.remoteRecipients} remote recipient${result.remoteRecipients === 1 ? '' : 's'} queued)` : ''}` });
              void loadMailboxes();
              void list.refreshTop().catch(() => undefined);
            }}
          />
        </Suspense>
      )}
      <Dialog open={help} onClose={() => setHelp(false)} aria-labelledby="shortcuts-title">
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
      <Snackbar
        key={toast?.key}
        open={Boolean(toast)}
        autoHideDuration={toast?.undo ? UNDO_MS : 6000}
        onClose={(_, reason) => reason !== 'clickaway' && setToast(undefined)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
      >
        <Alert
          severity={toast?.severity ?? 'info'}
          variant="filled"
          onClose={() => setToast(undefined)}
          action={
            toast?.undo ? (
              <Button color="inherit" size="small" onClick={toast.undo}>
                Undo
              </Button>
            ) : undefined
          }
        >
          {toast?.text}
        </Alert>
      </Snackbar>
    </Box>
  );
}
