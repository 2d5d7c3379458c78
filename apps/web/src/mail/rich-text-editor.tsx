import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Divider, IconButton, TextField, Tooltip } from '@mui/material';
import FormatBoldIcon from '@mui/icons-material/FormatBold';
import FormatItalicIcon from '@mui/icons-material/FormatItalic';
import FormatListBulletedIcon from '@mui/icons-material/FormatListBulleted';
import FormatListNumberedIcon from '@mui/icons-material/FormatListNumbered';
import FormatQuoteIcon from '@mui/icons-material/FormatQuote';
import FormatUnderlinedIcon from '@mui/icons-material/FormatUnderlined';
import InsertLinkIcon from '@mui/icons-material/InsertLink';
import { escapeHtml, normalizeLink, sanitizeComposeHtml } from './rich-text';

export interface RichTextEditorProps {
  /** The starting HTML (sanitized again here); the editor is uncontrolled afterwards. */
  initialHtml: string;
  onChange(html: string): void;
  label: string;
  autoFocus?: boolean;
  /** Put the caret at the very start (a reply is written above the quote). */
  caretAtStart?: boolean;
  minHeight?: number;
}

type Format = 'bold' | 'italic' | 'underline' | 'insertUnorderedList' | 'insertOrderedList' | 'quote';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl+';

/** document.execCommand is deprecated but is still what every browser's contenteditable implements. */
function exec(command: string, value?: string): void {
  if (typeof document.execCommand === 'function') document.execCommand(command, false, value);
}

function closestIn(node: Node | null, root: HTMLElement, tag: string): HTMLElement | null {
  for (let n: Node | null = node; n && n !== root; n = n.parentNode) if (n instanceof HTMLElement && n.tagName === tag) return n;
  return null;
}

/**
 * The rich-text composer body: a contenteditable with a formatting toolbar (bold, italic,
 * underline, lists, link, quote), the usual keyboard shortcuts, and paste sanitized to the
 * same allowlist the message is sent with.
 */
export function RichTextEditor({ initialHtml, onChange, label, autoFocus, caretAtStart, minHeight = 260 }: RichTextEditorProps) {
  const ref = useRef<HTMLDivElement>(null);
  const savedRange = useRef<Range | null>(null);
  const [active, setActive] = useState<Set<Format>>(new Set());
  const [linkOpen, setLinkOpen] = useState(false);
  const [linkValue, setLinkValue] = useState('');
  const [linkError, setLinkError] = useState(false);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.innerHTML = sanitizeComposeHtml(initialHtml);
    exec('defaultParagraphSeparator', 'div');
    if (autoFocus) {
      el.focus();
      if (caretAtStart) {
        const range = document.createRange();
        range.setStart(el, 0);
        range.collapse(true);
        const sel = window.getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
      }
    }
    // initialHtml seeds the editor once; later changes come from the user
  }, []);

  // Toolbar buttons show whether the selection (or the typing style at the caret) is bold, in a list, quoted...
  const updateActive = () => {
    const el = ref.current;
    const sel = window.getSelection();
    if (!el || !sel || sel.rangeCount === 0 || !el.contains(sel.anchorNode)) return;
    const next = new Set<Format>();
    if (typeof document.queryCommandState === 'function') {
      for (const f of ['bold', 'italic', 'underline', 'insertUnorderedList', 'insertOrderedList'] as const) if (document.queryCommandState(f)) next.add(f);
    }
    if (closestIn(sel.anchorNode, el, 'BLOCKQUOTE')) next.add('quote');
    setActive((prev) => (prev.size === next.size && [...next].every((f) => prev.has(f)) ? prev : next));
  };
  useEffect(() => {
    document.addEventListener('selectionchange', updateActive);
    return () => document.removeEventListener('selectionchange', updateActive);
  }, []);

  const changed = () => {
    onChange(ref.current?.innerHTML ?? '');
    updateActive();
  };

  const toggleQuote = () => {
    const el = ref.current;
    const sel = window.getSelection();
    if (!el) return;
    const quote = sel ? closestIn(sel.anchorNode, el, 'BLOCKQUOTE') : null;
    if (quote) {
      // Unquote: the blockquote's children take its place.
      quote.replaceWith(...Array.from(quote.childNodes));
    } else exec('formatBlock', 'blockquote');
    changed();
  };

  const apply = (format: Format) => {
    ref.current?.focus();
    if (format === 'quote') toggleQuote();
    else {
      exec(format);
      changed();
    }
  };

  const openLink = () => {
    const sel = window.getSelection();
    savedRange.current = sel && sel.rangeCount > 0 && ref.current?.contains(sel.anchorNode) ? sel.getRangeAt(0).cloneRange() : null;
    const existing = sel && ref.current ? closestIn(sel.anchorNode, ref.current, 'A') : null;
    setLinkValue(existing?.getAttribute('href') ?? '');
    setLinkError(false);
    setLinkOpen(true);
  };

  const insertLink = () => {
    const url = normalizeLink(linkValue);
    if (!url) return setLinkError(true);
    setLinkOpen(false);
    const el = ref.current;
    if (!el) return;
    el.focus();
    const sel = window.getSelection();
    if (savedRange.current && sel) {
      sel.removeAllRanges();
      sel.addRange(savedRange.current);
    }
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) exec('insertHTML', `<a href="${escapeHtml(url)}">${escapeHtml(linkValue.trim())}</a>`);
    else exec('createLink', url);
    changed();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!(isMac ? e.metaKey : e.ctrlKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    let format: Format | 'link' | undefined;
    if (!e.shiftKey && key === 'b') format = 'bold';
    else if (!e.shiftKey && key === 'i') format = 'italic';
    else if (!e.shiftKey && key === 'u') format = 'underline';
    else if (!e.shiftKey && key === 'k') format = 'link';
    else if (e.shiftKey && e.code === 'Digit8') format = 'insertUnorderedList';
    else if (e.shiftKey && e.code === 'Digit7') format = 'insertOrderedList';
    else if (e.shiftKey && e.code === 'Digit9') format = 'quote';
    if (!format) return;
    e.preventDefault();
    if (format === 'link') openLink();
    else apply(format);
  };

  const button = (format: Format, title: string, shortcut: string, icon: ReactNode) => (
    <Tooltip title={`${title} (${shortcut})`}>
      <IconButton
        size="small"
        aria-label={title}
        aria-pressed={active.has(format)}
        color={active.has(format) ? 'primary' : 'default'}
        // mousedown would move the focus (and the selection) out of the editor
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => apply(format)}
      >
        {icon}
      </IconButton>
    </Tooltip>
  );

  return (
    <Box sx={{ border: 1, borderColor: 'divider', borderRadius: 1, '&:focus-within': { borderColor: 'primary.main' } }}>
      <Box role="toolbar" aria-label="Formatting" sx={{ display: 'flex', alignItems: 'center', gap: 0.25, px: 0.5, py: 0.25, borderBottom: 1, borderColor: 'divider', flexWrap: 'wrap' }}>
        {button('bold', 'Bold', `${MOD}B`, <FormatBoldIcon fontSize="small" />)}
        {button('italic', 'Italic', `${MOD}I`, <FormatItalicIcon fontSize="small" />)}
        {button('underline', 'Underline', `${MOD}U`, <FormatUnderlinedIcon fontSize="small" />)}
        <Divider orientation="vertical" flexItem sx={{ mx: 0.5 }} />
        {button('insertUnorderedList', 'Bulleted list', `${MOD}Shift+8`, <FormatListBulletedIcon fontSize="small" />)}
        {button('insertOrderedList', 'Numbered list', `${MOD}Shift+7`, <FormatListNumberedIcon fontSize="small" />)}
        {button('quote', 'Quote', `${MOD}Shift+9`, <FormatQuoteIcon fontSize="small" />)}
        <Tooltip title={`Link (${MOD}K)`}>
          <IconButton size="small" aria-label="Link" onMouseDown={(e) => e.preventDefault()} onClick={openLink}>
            <InsertLinkIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      </Box>
      <Box
        ref={ref}
        role="textbox"
        aria-multiline="true"
        aria-label={label}
        contentEditable
        suppressContentEditableWarning
        tabIndex={0}
        onInput={changed}
        onKeyDown={onKeyDown}
        onPaste={(e) => {
          const html = e.clipboardData.getData('text/html');
          const text = e.clipboardData.getData('text/plain');
          e.preventDefault();
          if (html) exec('insertHTML', sanitizeComposeHtml(html));
          else exec('insertText', text);
          changed();
        }}
        sx={{
          minHeight,
          maxHeight: '55vh',
          overflow: 'auto',
          p: 1.5,
          outline: 'none',
          fontSize: 14,
          lineHeight: 1.5,
          wordBreak: 'break-word',
          '& blockquote': { borderLeft: 3, borderColor: 'divider', ml: 0.5, my: 0.5, pl: 1.5, color: 'text.secondary' },
          '& a': { color: 'primary.main' },
          '& ul, & ol': { my: 0.5, pl: 3 },
        }}
      />
      <Dialog open={linkOpen} onClose={() => setLinkOpen(false)} aria-labelledby="link-dialog-title">
        <DialogTitle id="link-dialog-title">Insert link</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            label="Link address"
            placeholder="https://example.com"
            value={linkValue}
            error={linkError}
            helperText={linkError ? 'Enter a web address (https://…) or a mail address' : ' '}
            onChange={(e) => {
              setLinkError(false);
              setLinkValue(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                insertLink();
              }
            }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setLinkOpen(false)}>Cancel</Button>
          <Button variant="contained" onClick={insertLink}>
            Insert
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
