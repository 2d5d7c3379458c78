import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import {
  Alert,
  Autocomplete,
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  LinearProgress,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
  useMediaQuery,
  useTheme,
} from '@mui/material';
import AttachFileIcon from '@mui/icons-material/AttachFile';
import CloseIcon from '@mui/icons-material/Close';
import SendIcon from '@mui/icons-material/Send';
import type { ComposeRequest } from '@mailstead/contracts';
import { errorMessage } from '../shared/api-client';
import { mailApi } from './mail-api';
import { formatAddress, parseAddressList, type BodyMode, type ComposeDraft } from './compose-draft';
import { htmlToText, sanitizeComposeHtml, textToHtml } from './rich-text';
import { RichTextEditor } from './rich-text-editor';
import { formatBytes } from './message-reader';

/** An attachment: being uploaded from a file, or already uploaded (a forward's copies). */
interface Upload {
  key: number;
  name: string;
  size: number;
  progress: number;
  id?: string;
  error?: string;
}

export interface ComposerProps {
  open: boolean;
  /** The account's address: the sender unless the draft names another of its addresses. */
  from: string;
  /** The display name shown with the sender (the API puts it in the From header). */
  fromName?: string | null;
  initial: ComposeDraft;
  /** Rich or plain text, when the draft does not say (the user's preference). */
  defaultMode?: BodyMode;
  /** Addresses offered by the to/cc/bcc autocomplete (previous correspondents). */
  knownAddresses: string[];
  onClose(): void;
  onSent(result: { localRecipients: number; remoteRecipients: number }): void;
  /** Milliseconds of quiet before a draft is saved. */
  autosaveDelay?: number;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function recipients(values: string[]): { list: { name?: string; address: string }[]; bad: string[] } {
  const list: { name?: string; address: string }[] = [];
  const bad: string[] = [];
  for (const v of values) {
    const parsed = parseAddressList(v);
    if (parsed.length === 0) bad.push(v);
    for (const a of parsed) {
      if (EMAIL.test(a.address)) list.push(a);
      else bad.push(a.address);
    }
  }
  return { list, bad };
}

function AddressField({ label, value, onChange, options, autoFocus }: { label: string; value: string[]; onChange(v: string[]): void; options: string[]; autoFocus?: boolean }) {
  const [input, setInput] = useState('');
  const commit = () => {
    const parts = parseAddressList(input);
    if (parts.length > 0) {
      onChange([...value, ...parts.map(formatAddress)]);
      setInput('');
    }
  };
  return (
    <Autocomplete
      multiple
      freeSolo
      size="small"
      options={options}
      value={value}
      inputValue={input}
      onInputChange={(_, v, reason) => {
        if (reason === 'input' && /[,;]\s*$/.test(v)) {
          const parts = parseAddressList(v);
          onChange([...value, ...parts.map(formatAddress)]);
          setInput('');
        } else setInput(v);
      }}
      onChange={(_, v) => onChange(v)}
      filterSelectedOptions
      renderValue={(values, getItemProps) =>
        values.map((option, index) => {
          const { key, ...itemProps } = getItemProps({ index });
          return <Chip key={key} size="small" label={option} color={parseAddressList(option).every((a) => EMAIL.test(a.address)) ? 'default' : 'error'} {...itemProps} />;
        })
      }
      renderInput={(params) => <TextField {...params} label={label} variant="standard" autoFocus={autoFocus} onBlur={commit} />}
    />
  );
}

/**
 * New mail, reply, reply-all and forward: to/cc/bcc with autocomplete, rich-text or plain-text body,
 * attachments with upload progress (picker or drop), drafts saved as you type, send with
 * clear progress and errors.
 */
export function Composer({ open, from: accountAddress, fromName, initial, defaultMode = 'text', knownAddresses, onClose, onSent, autosaveDelay = 4000 }: ComposerProps) {
  const from = initial.from ?? accountAddress;
  const theme = useTheme();
  const fullScreen = useMediaQuery(theme.breakpoints.down('sm'));
  const [to, setTo] = useState(() => initial.to.map(formatAddress));
  const [cc, setCc] = useState(() => initial.cc.map(formatAddress));
  const [bcc, setBcc] = useState(() => initial.bcc.map(formatAddress));
  const [showCc, setShowCc] = useState(initial.cc.length > 0 || initial.bcc.length > 0);
  const [subject, setSubject] = useState(initial.subject);
  const [mode, setMode] = useState<BodyMode>(initial.mode ?? defaultMode);
  const [text, setText] = useState(initial.text);
  const [html, setHtml] = useState(initial.html);
  /** Remounts the editor with new content after a switch from plain text. */
  const [editorKey, setEditorKey] = useState(0);
  const uploadKey = useRef(0);
  const [uploads, setUploads] = useState<Upload[]>(() =>
    (initial.attachments ?? []).map((a) => ({ key: ++uploadKey.current, name: a.filename, size: a.size, progress: 1, id: a.id })),
  );
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [draftState, setDraftState] = useState<'none' | 'saving' | 'saved' | 'failed'>('none');
  const draftId = useRef<string | undefined>(initial.draftId);
  const dirty = useRef(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  // Replies start with the cursor above the quote.
  useEffect(() => {
    if (open && initial.to.length > 0 && mode === 'text') requestAnimationFrame(() => bodyRef.current?.setSelectionRange(0, 0));
    // only when the composer opens
  }, [open, initial.to.length]);

  const switchMode = (next: BodyMode) => {
    if (next === mode) return;
    dirty.current = true;
    if (next === 'text') setText(htmlToText(html));
    else {
      setHtml(textToHtml(text));
      setEditorKey((k) => k + 1);
    }
    setMode(next);
  };

  const request = useCallback((): ComposeRequest => {
    return {
      from,
      to: recipients(to).list,
      cc: recipients(cc).list,
      bcc: recipients(bcc).list,
      subject,
      // Rich text goes out as multipart/alternative: the sanitized HTML and its text rendering.
      ...(mode === 'html' ? { html: sanitizeComposeHtml(html), text: htmlToText(html) } : { text }),
      attachments: uploads.filter((u) => u.id).map((u) => u.id!),
      ...(initial.inReplyToId ? { inReplyToId: initial.inReplyToId } : {}),
      ...(draftId.current ? { draftId: draftId.current } : {}),
    };
  }, [from, to, cc, bcc, subject, mode, text, html, uploads, initial.inReplyToId]);

  const saveDraft = useCallback(async () => {
    if (!dirty.current) return;
    dirty.current = false;
    setDraftState('saving');
    try {
      const saved = await mailApi.saveDraft(request());
      draftId.current = saved.id;
      setDraftState('saved');
    } catch {
      setDraftState('failed');
    }
  }, [request]);

  // Autosave: a draft after a few quiet seconds of typing.
  useEffect(() => {
    if (!dirty.current || sending) return;
    const timer = setTimeout(() => void saveDraft(), autosaveDelay);
    return () => clearTimeout(timer);
  }, [to, cc, bcc, subject, mode, text, html, uploads, saveDraft, autosaveDelay, sending]);

  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      dirty.current = true;
      set(v);
    };

  const addFiles = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = ++uploadKey.current;
      setUploads((u) => [...u, { key, name: file.name, size: file.size, progress: 0 }]);
      dirty.current = true;
      mailApi
        .upload(file, (progress) => setUploads((u) => u.map((x) => (x.key === key ? { ...x, progress } : x))))
        .then(
          (result) => setUploads((u) => u.map((x) => (x.key === key ? { ...x, progress: 1, id: result.id } : x))),
          (e: unknown) => setUploads((u) => u.map((x) => (x.key === key ? { ...x, error: errorMessage(e) } : x))),
        );
    }
  };

  const send = async () => {
    const all = [...recipients(to).bad, ...recipients(cc).bad, ...recipients(bcc).bad];
    if (all.length > 0) return setError(`Not a mail address: ${all.join(', ')}`);
    if (recipients(to).list.length + recipients(cc).list.length + recipients(bcc).list.length === 0) return setError('Add at least one recipient.');
    if (uploads.some((u) => !u.id && !u.error)) return setError('Wait for the attachments to finish uploading.');
    if (uploads.some((u) => u.error)) return setError('Remove the attachments that failed to upload.');
    setSending(true);
    setError(undefined);
    try {
      const result = await mailApi.send(request());
      dirty.current = false;
      onSent(result);
    } catch (e) {
      setError(`Not sent: ${errorMessage(e)}`);
      setSending(false);
    }
  };

  const close = () => {
    void saveDraft();
    onClose();
  };

  const onDrop = (e: DragEvent) => {
    if (e.dataTransfer.files.length === 0) return;
    e.preventDefault();
    addFiles(e.dataTransfer.files);
  };

  return (
    <Dialog open={open} onClose={close} fullScreen={fullScreen} fullWidth maxWidth="md" aria-labelledby="composer-title">
      <DialogTitle id="composer-title" sx={{ display: 'flex', alignItems: 'center', pr: 1 }}>
        <Box sx={{ flex: 1 }}>{subject.trim() || 'New message'}</Box>
        <Typography variant="caption" color="text.secondary" sx={{ mr: 1 }} role="status">
          {draftState === 'saving' ? 'Saving draft…' : draftState === 'saved' ? 'Draft saved' : draftState === 'failed' ? 'Draft not saved' : ''}
        </Typography>
        <IconButton aria-label="Close composer" onClick={close}>
          <CloseIcon />
        </IconButton>
      </DialogTitle>
      <DialogContent dividers onDragOver={(e) => e.dataTransfer.types.includes('Files') && e.preventDefault()} onDrop={onDrop}>
        <Stack spacing={1.5}>
          <Typography variant="body2" color="text.secondary">
            From: {fromName ? `${fromName} <${from}>` : from}
          </Typography>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-end' }}>
            <Box sx={{ flex: 1 }}>
              <AddressField label="To" value={to} onChange={edit(setTo)} options={knownAddresses} autoFocus={initial.to.length === 0} />
            </Box>
            {!showCc && (
              <Button size="small" onClick={() => setShowCc(true)}>
                Cc/Bcc
              </Button>
            )}
          </Stack>
          {showCc && <AddressField label="Cc" value={cc} onChange={edit(setCc)} options={knownAddresses} />}
          {showCc && <AddressField label="Bcc" value={bcc} onChange={edit(setBcc)} options={knownAddresses} />}
          <TextField label="Subject" variant="standard" value={subject} onChange={(e) => edit(setSubject)(e.target.value)} slotProps={{ htmlInput: { maxLength: 998 } }} />
          <Stack direction="row" sx={{ justifyContent: 'flex-end' }}>
            <ToggleButtonGroup size="small" exclusive value={mode} onChange={(_, v: BodyMode | null) => v && switchMode(v)} aria-label="Message format">
              <ToggleButton value="html">Rich text</ToggleButton>
              <ToggleButton value="text">Plain text</ToggleButton>
            </ToggleButtonGroup>
          </Stack>
          {mode === 'html' ? (
            <RichTextEditor
              key={editorKey}
              label="Message"
              initialHtml={html}
              onChange={(v) => edit(setHtml)(v)}
              autoFocus={initial.to.length > 0 || editorKey > 0}
              caretAtStart={initial.to.length > 0 || editorKey > 0}
              minHeight={fullScreen ? 320 : 260}
            />
          ) : (
            <TextField
              label="Message"
              multiline
              minRows={12}
              maxRows={fullScreen ? 30 : 20}
              value={text}
              onChange={(e) => edit(setText)(e.target.value)}
              inputRef={bodyRef}
              autoFocus={initial.to.length > 0}
              slotProps={{ htmlInput: { style: { fontFamily: 'ui-monospace, monospace', fontSize: 13 } } }}
            />
          )}
          {uploads.length > 0 && (
            <Stack spacing={1} aria-label="Attachments">
              {uploads.map((u) => (
                <Box key={u.key} sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                  <AttachFileIcon fontSize="small" />
                  <Box sx={{ flex: 1, minWidth: 0 }}>
                    <Typography variant="body2" noWrap>
                      {u.name} ({formatBytes(u.size)}){u.error ? ` — ${u.error}` : ''}
                    </Typography>
                    {!u.id && !u.error && <LinearProgress variant="determinate" value={Math.round(u.progress * 100)} aria-label={`Uploading ${u.name}`} />}
                  </Box>
                  <IconButton
                    size="small"
                    aria-label={`Remove ${u.name}`}
                    onClick={() => {
                      dirty.current = true;
                      setUploads((all) => all.filter((x) => x.key !== u.key));
                    }}
                  >
                    <CloseIcon fontSize="small" />
                  </IconButton>
                </Box>
              ))}
            </Stack>
          )}
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
        </Stack>
        {sending && <LinearProgress sx={{ mt: 2 }} aria-label="Sending" />}
      </DialogContent>
      <DialogActions>
        <input ref={fileInput} type="file" multiple hidden onChange={(e) => e.target.files && addFiles(e.target.files)} aria-label="Attach files" />
        <Button startIcon={<AttachFileIcon />} onClick={() => fileInput.current?.click()}>
          Attach
        </Button>
        <Box sx={{ flex: 1 }} />
        <Button variant="contained" startIcon={<SendIcon />} onClick={() => void send()} disabled={sending}>
          {sending ? 'Sending…' : 'Send'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
