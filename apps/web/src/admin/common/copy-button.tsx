import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { Button, IconButton, Tooltip } from '@mui/material';
import { useState } from 'react';

/**
 * Puts `text` on the clipboard. The Clipboard API exists only in secure contexts (https, or
 * http on localhost); the console is often opened over plain http on a LAN address, where the
 * old select-and-copy command still works.
 */
export async function copyText(text: string): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.clipboard) return navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) throw new Error('the browser refused to copy');
}

/** A copy button that says "Copied" (or why not) once pressed; an icon alone when `icon`. */
export function CopyButton({ text, label, icon = false }: { text: string; label: string; icon?: boolean }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () => void copyText(text).then(() => setState('copied'), () => setState('failed'));
  const title = state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the text and copy it' : label;
  if (!icon) {
    return (
      <Button size="small" startIcon={<ContentCopyIcon fontSize="small" />} onClick={copy} disabled={!text} aria-label={label}>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
      </Button>
    );
  }
  return (
    <Tooltip title={title}>
      <span>
        <IconButton size="small" aria-label={label} onClick={copy} disabled={!text} color={state === 'copied' ? 'success' : 'default'}>
          <ContentCopyIcon fontSize="small" />
        </IconButton>
      </span>
    </Tooltip>
  );
}
