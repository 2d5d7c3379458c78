import { useEffect, useState } from 'react';
import { Alert, Box, ButtonBase, Chip, CircularProgress, IconButton, Paper, Stack, Tooltip, Typography } from '@mui/material';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import DeleteIcon from '@mui/icons-material/Delete';
import ExpandLessIcon from '@mui/icons-material/ExpandLess';
import StarIcon from '@mui/icons-material/Star';
import StarBorderIcon from '@mui/icons-material/StarBorder';
import type { MessageDetailDto, MessageSummaryDto } from '@mailstead/contracts';
import { errorMessage } from '../shared/api-client';
import { mailApi } from './mail-api';
import { MessageReader, type MessageReaderProps } from './message-reader';

export interface ThreadReaderProps {
  /** The message opened from the list (the newest of its conversation in that folder). */
  messageId: string;
  onReply: MessageReaderProps['onReply'];
  onLoaded?(message: MessageDetailDto): void;
  onToggleFlag(message: MessageSummaryDto, flagged: boolean): void;
  onDelete(message: MessageSummaryDto): void;
  onBack?(): void;
  toolbar?: React.ReactNode;
  /** Folder names for messages from other folders (one's own replies in Sent). */
  mailboxName?(id: number): string | undefined;
}

/** Which messages start expanded: the latest one and every unread one (as mail clients do). */
export function initiallyExpanded(items: MessageSummaryDto[]): Set<string> {
  const open = new Set(items.filter((m) => !m.seen).map((m) => m.id));
  const last = items[items.length - 1];
  if (last) open.add(last.id);
  return open;
}

function shortDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The conversation view of the reading pane: the thread's messages oldest first, collapsed to
 * one line except the latest and the unread ones; each expanded message has its own reply,
 * forward, flag and delete.
 */
export function ThreadReader({ messageId, onReply, onLoaded, onToggleFlag, onDelete, onBack, toolbar, mailboxName }: ThreadReaderProps) {
  const [items, setItems] = useState<MessageSummaryDto[] | undefined>();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const controller = new AbortController();
    setItems(undefined);
    setError(undefined);
    mailApi.thread(messageId, controller.signal).then(
      (page) => {
        setItems(page.items);
        setExpanded(initiallyExpanded(page.items));
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(e));
      },
    );
    return () => controller.abort();
  }, [messageId]);

  if (error) return <Alert severity="error" sx={{ m: 2 }}>{error}</Alert>;
  if (!items)
    return (
      <Box sx={{ p: 4, display: 'grid', placeItems: 'center' }} aria-busy>
        <CircularProgress />
      </Box>
    );

  // A conversation of one is just a message: the ordinary reader, full height.
  if (items.length === 1 && items[0]!.id === messageId)
    return <MessageReader messageId={messageId} toolbar={toolbar} onBack={onBack} onReply={onReply} onLoaded={onLoaded} />;

  const toggle = (id: string) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const subject = items.find((m) => m.id === messageId)?.subject ?? items[items.length - 1]?.subject ?? '';

  return (
    <Box component="section" aria-label={`Conversation: ${subject || '(no subject)'}`} sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <Box sx={{ px: 2, pt: 1 }}>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
          {onBack && (
            <IconButton onClick={onBack} aria-label="Back to the list">
              <ArrowBackIcon />
            </IconButton>
          )}
          {toolbar}
        </Stack>
        <Typography variant="h6" component="h2" sx={{ mt: 1, mb: 1, wordBreak: 'break-word' }}>
          {subject || '(no subject)'}{' '}
          <Typography component="span" variant="body2" color="text.secondary">
            {items.length} message{items.length === 1 ? '' : 's'}
          </Typography>
        </Typography>
      </Box>
      <Stack component="ol" spacing={1} aria-label="Messages in this conversation" sx={{ flex: 1, overflow: 'auto', m: 0, px: 2, pb: 2, listStyle: 'none' }}>
        {items.map((m) => {
          const open = expanded.has(m.id);
          const sender = m.from.name || m.from.address;
          const folder = mailboxName?.(m.mailboxId);
          return (
            <Paper component="li" key={m.id} variant="outlined" sx={{ overflow: 'hidden', flexShrink: 0 }}>
              {open ? (
                <Box sx={{ pb: 1 }}>
                  <MessageReader
                    messageId={m.id}
                    embedded
                    onReply={onReply}
                    onLoaded={(detail) => {
                      if (!m.seen) setItems((all) => all?.map((x) => (x.id === m.id ? { ...x, seen: true } : x)));
                      if (m.id === messageId) onLoaded?.(detail);
                    }}
                    actions={
                      <>
                        {folder && <Chip size="small" label={folder} variant="outlined" sx={{ mt: 1 }} />}
                        <Tooltip title={m.flagged ? 'Unflag' : 'Flag'}>
                          <IconButton
                            aria-label={m.flagged ? 'Unflag this message' : 'Flag this message'}
                            aria-pressed={m.flagged}
                            onClick={() => {
                              setItems((all) => all?.map((x) => (x.id === m.id ? { ...x, flagged: !m.flagged } : x)));
                              onToggleFlag(m, !m.flagged);
                            }}
                          >
                            {m.flagged ? <StarIcon color="warning" /> : <StarBorderIcon />}
                          </IconButton>
                        </Tooltip>
                        <Tooltip title="Delete this message">
                          <IconButton
                            aria-label="Delete this message"
                            onClick={() => {
                              setItems((all) => all?.filter((x) => x.id !== m.id));
                              onDelete(m);
                            }}
                          >
                            <DeleteIcon />
                          </IconButton>
                        </Tooltip>
                        <Tooltip title="Collapse">
                          <IconButton aria-label={`Collapse the message from ${sender}`} aria-expanded onClick={() => toggle(m.id)}>
                            <ExpandLessIcon />
                          </IconButton>
                        </Tooltip>
                      </>
                    }
                  />
                </Box>
              ) : (
                <ButtonBase
                  onClick={() => toggle(m.id)}
                  aria-expanded={false}
                  aria-label={`${sender}, ${shortDate(m.date)}${m.seen ? '' : ', unread'}: ${m.preview}`}
                  sx={{ width: '100%', justifyContent: 'flex-start', textAlign: 'left', px: 2, py: 1, gap: 2 }}
                >
                  <Typography sx={{ fontWeight: m.seen ? 400 : 700, flexShrink: 0, maxWidth: '35%' }} noWrap>
                    {sender}
                  </Typography>
                  <Typography variant="body2" color="text.secondary" noWrap sx={{ flex: 1, minWidth: 0 }}>
                    {m.preview}
                  </Typography>
                  {folder && <Chip size="small" label={folder} variant="outlined" />}
                  <Typography variant="caption" color="text.secondary" sx={{ flexShrink: 0 }}>
                    {shortDate(m.date)}
                  </Typography>
                </ButtonBase>
              )}
            </Paper>
          );
        })}
      </Stack>
    </Box>
  );
}
