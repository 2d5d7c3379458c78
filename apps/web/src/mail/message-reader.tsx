import { useEffect, useState } from 'react';
import { Alert, Box, Button, Chip, CircularProgress, Collapse, Divider, IconButton, Link, Stack, ToggleButton, ToggleButtonGroup, Tooltip, Typography, useTheme } from '@mui/material';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import AttachEmailIcon from '@mui/icons-material/AttachEmail';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import CodeIcon from '@mui/icons-material/Code';
import ExpandLessIcon from '@mui/icons-material/ExpandLess';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import ForwardIcon from '@mui/icons-material/Forward';
import ImageIcon from '@mui/icons-material/Image';
import ReplyAllIcon from '@mui/icons-material/ReplyAll';
import ReplyIcon from '@mui/icons-material/Reply';
import type { MessageDetailDto, ReplyMode } from '@mailstead/contracts';
import { errorMessage } from '../shared/api-client';
import { MESSAGE_FRAME_SANDBOX, messageFrameDocument } from './html-frame';
import { mailApi } from './mail-api';
import { trustedImageSenders, trustImageSender } from './remote-images';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** "<a@x>" (an address without a name) reads better as "a@x". */
const bareAddresses = (list: string) => list.replace(/(^|,\s*)<([^<>]+)>/g, '$1$2');

const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export interface MessageReaderProps {
  messageId: string;
  onLoaded?(message: MessageDetailDto): void;
  onReply(message: MessageDetailDto, mode: ReplyMode): void;
  onBack?(): void;
  /** Row actions (read/unread, flag, move, delete...) shown above the message. */
  toolbar?: React.ReactNode;
  /** One message of a conversation: no subject line (the conversation shows it), a fixed-height body. */
  embedded?: boolean;
  /** More buttons beside reply/forward (the conversation view's flag and delete). */
  actions?: React.ReactNode;
}

/** The sandboxed HTML body: srcdoc, no scripts, no same-origin, a CSP of its own. */
export function MessageBodyFrame({ html, allowRemoteImages, title, height }: { html: string; allowRemoteImages: boolean; title: string; height?: number }) {
  const theme = useTheme();
  return (
    <Box
      component="iframe"
      title={title}
      sandbox={MESSAGE_FRAME_SANDBOX}
      referrerPolicy="no-referrer"
      srcDoc={messageFrameDocument(html, { allowRemoteImages, dark: theme.palette.mode === 'dark' })}
      sx={{ border: 0, width: '100%', bgcolor: 'background.paper', ...(height ? { height } : { flex: 1, minHeight: 300 }) }}
    />
  );
}

const MAX_INLINE_IMAGE = 5 * 1024 * 1024;

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * cid: pictures arrive as this server's attachment URLs. The sandboxed frame is an opaque
 * origin, so its requests carry no session cookie: the webmail fetches them itself and
 * hands the frame data: URLs instead.
 */
export async function inlineCidImages(message: Pick<MessageDetailDto, 'html' | 'attachments'>, signal?: AbortSignal): Promise<string | null> {
  let html = message.html;
  if (html === null) return null;
  for (const a of message.attachments) {
    const url = `${a.url}?inline=true`;
    if (!a.contentId || !html.includes(url) || a.size > MAX_INLINE_IMAGE) continue;
    try {
      const res = await fetch(url, { credentials: 'same-origin', signal });
      const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!res.ok || !/^image\/(png|jpeg|gif|webp)$/.test(type)) continue;
      html = html.split(url).join(`data:${type};base64,${base64(new Uint8Array(await res.arrayBuffer()))}`);
    } catch {
      // the picture stays a broken image
    }
  }
  return html;
}

export function MessageReader({ messageId, onLoaded, onReply, onBack, toolbar, embedded = false, actions }: MessageReaderProps) {
  const [message, setMessage] = useState<MessageDetailDto | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [remoteImages, setRemoteImages] = useState(false);
  /** The whole HTML body was asked for after the server clipped a very long one. */
  const [fullHtml, setFullHtml] = useState(false);
  const [view, setView] = useState<'html' | 'text'>('html');
  const [details, setDetails] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setMessage(undefined);
    setError(undefined);
    setRemoteImages(false);
    setFullHtml(false);
    setDetails(false);
    mailApi.message(messageId, { markSeen: true }, controller.signal).then(
      (m) => {
        if (m.remoteImagesBlocked && trustedImageSenders().has(m.from.address.toLowerCase())) {
          setRemoteImages(true);
          return mailApi.message(messageId, { remoteImages: true }, controller.signal).then(async (full) => {
            onLoaded?.(full);
            setMessage({ ...full, html: await inlineCidImages(full, controller.signal) });
          });
        }
        setView(m.html === null ? 'text' : 'html');
        onLoaded?.(m);
        return inlineCidImages(m, controller.signal).then((html) => setMessage({ ...m, html }));
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(e));
      },
    );
    return () => controller.abort();
    // onLoaded is a notification; a new function identity must not refetch.
  }, [messageId]);

  const showImages = async (always: boolean) => {
    if (!message) return;
    if (always) trustImageSender(message.from.address);
    try {
      const full = await mailApi.message(message.id, { remoteImages: true, full: fullHtml });
      setMessage({ ...full, html: await inlineCidImages(full) });
      setRemoteImages(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const showEntireMessage = async () => {
    if (!message) return;
    try {
      const whole = await mailApi.message(message.id, { remoteImages, full: true });
      setMessage({ ...whole, html: await inlineCidImages(whole) });
      setFullHtml(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  if (error) return <Alert severity="error" sx={{ m: 2 }}>{error}</Alert>;
  if (!message)
    return (
      <Box sx={{ p: 4, display: 'grid', placeItems: 'center' }} aria-busy>
        <CircularProgress />
      </Box>
    );

  // Inline parts with a Content-ID are the HTML body's own pictures.
  const attachments = message.attachments.filter((a) => !(a.inline && a.contentId && message.html !== null));
  return (
    <Box
      component="article"
      aria-label={embedded ? `Message from ${message.from.name || message.from.address}` : `Message: ${message.subject || '(no subject)'}`}
      sx={{ display: 'flex', flexDirection: 'column', minHeight: 0, ...(embedded ? {} : { height: '100%' }) }}
    >
      <Box sx={{ px: 2, pt: 1 }}>
        {!embedded && (
          <>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
              {onBack && (
                <IconButton onClick={onBack} aria-label="Back to the list">
                  <ArrowBackIcon />
                </IconButton>
              )}
              {toolbar}
            </Stack>
            <Typography variant="h6" component="h2" sx={{ mt: 1, wordBreak: 'break-word' }}>
              {message.subject || '(no subject)'}
            </Typography>
          </>
        )}
        <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', mt: 1 }}>
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <Typography sx={{ fontWeight: 600 }} noWrap>
              {message.from.name || message.from.address}{' '}
              <Typography component="span" variant="body2" color="text.secondary">
                &lt;{message.from.address}&gt;
              </Typography>
            </Typography>
            <Typography variant="body2" color="text.secondary" noWrap>
              To: {bareAddresses(message.to)}
              {message.cc && ` · Cc: ${bareAddresses(message.cc)}`}
            </Typography>
            <Typography variant="caption" color="text.secondary">
              {new Date(message.date).toLocaleString()}
            </Typography>
          </Box>
          <Tooltip title="Reply (r)">
            <IconButton aria-label="Reply" onClick={() => onReply(message, 'reply')}>
              <ReplyIcon />
            </IconButton>
          </Tooltip>
          <Tooltip title="Reply all (a)">
            <IconButton aria-label="Reply all" onClick={() => onReply(message, 'all')}>
              <ReplyAllIcon />
            </IconButton>
          </Tooltip>
          <Tooltip title="Forward (f)">
            <IconButton aria-label="Forward" onClick={() => onReply(message, 'forward')}>
              <ForwardIcon />
            </IconButton>
          </Tooltip>
          <Tooltip title="Forward as attachment">
            <IconButton aria-label="Forward as attachment" onClick={() => onReply(message, 'forward-as-attachment')}>
              <AttachEmailIcon />
            </IconButton>
          </Tooltip>
          {actions}
          <Tooltip title={details ? 'Hide details' : 'Show details'}>
            <IconButton aria-label={details ? 'Hide details' : 'Show details'} aria-expanded={details} onClick={() => setDetails(!details)}>
              {details ? <ExpandLessIcon /> : <ExpandMoreIcon />}
            </IconButton>
          </Tooltip>
        </Stack>
        <Collapse in={details}>
          <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.25, fontSize: 13, my: 1 }}>
            {message.headers
              .filter((h) => /^(from|to|cc|reply-to|date|subject|message-id|list-id|return-path)$/i.test(h.name))
              .map((h, i) => (
                <Box key={i} sx={{ display: 'contents' }}>
                  <Box component="dt" sx={{ color: 'text.secondary' }}>
                    {h.name}
                  </Box>
                  <Box component="dd" sx={{ m: 0, wordBreak: 'break-all' }}>
                    {h.value}
                  </Box>
                </Box>
              ))}
          </Box>
          <Link href={`/api/messages/${message.id}/raw`} target="_blank" rel="noopener" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, fontSize: 13 }}>
            <CodeIcon fontSize="small" /> View source
          </Link>
        </Collapse>
        {message.html !== null && message.text !== null && (
          <ToggleButtonGroup size="small" exclusive value={view} onChange={(_, v: 'html' | 'text' | null) => v && setView(v)} aria-label="Body format" sx={{ mt: 1 }}>
            <ToggleButton value="html">HTML</ToggleButton>
            <ToggleButton value="text">Plain text</ToggleButton>
          </ToggleButtonGroup>
        )}
      </Box>
      {message.remoteImagesBlocked && !remoteImages && view === 'html' && (
        <Alert
          severity="info"
          icon={<ImageIcon />}
          sx={{ mx: 2, mt: 1 }}
          action={
            <Stack direction="row" spacing={1}>
              <Button color="inherit" size="small" onClick={() => void showImages(false)}>
                Show images
              </Button>
              <Button color="inherit" size="small" onClick={() => void showImages(true)}>
                Always for this sender
              </Button>
            </Stack>
          }
        >
          Remote images are blocked to protect your privacy.
        </Alert>
      )}
      {message.htmlClipped && view === 'html' && (
        <Alert
          severity="info"
          sx={{ mx: 2, mt: 1 }}
          action={
            <Button color="inherit" size="small" onClick={() => void showEntireMessage()}>
              View entire message
            </Button>
          }
        >
          This message is very long: only its beginning is shown.
        </Alert>
      )}
      <Divider sx={{ mt: 1 }} />
      {view === 'html' && message.html !== null ? (
        <MessageBodyFrame html={message.html} allowRemoteImages={remoteImages} title="Message body" height={embedded ? 360 : undefined} />
      ) : (
        <Box component="pre" sx={{ flex: embedded ? undefined : 1, m: 0, p: 2, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: 'inherit', fontSize: 14 }}>
          {message.text ?? ''}
        </Box>
      )}
      {attachments.length > 0 && (
        <Box sx={{ p: 2, borderTop: 1, borderColor: 'divider' }} aria-label="Attachments">
          <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
            {attachments.map((a) => (
              <Stack key={a.partId} spacing={0.5} sx={{ alignItems: 'flex-start' }}>
                {PREVIEWABLE.has(a.contentType.toLowerCase()) && (
                  <Box component="img" src={`${a.url}?inline=true`} alt={a.filename ?? 'image'} sx={{ maxWidth: 160, maxHeight: 120, borderRadius: 1, border: 1, borderColor: 'divider' }} />
                )}
                <Chip
                  icon={<AttachFileIcon />}
                  label={`${a.filename ?? `part ${a.partId}`} (${formatBytes(a.size)})`}
                  component="a"
                  href={a.url}
                  download={a.filename ?? true}
                  clickable
                />
              </Stack>
            ))}
          </Stack>
        </Box>
      )}
    </Box>
  );
}
